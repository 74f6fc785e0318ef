// Forecasts (app/feeds/forecast.h) on the real GSO series, checked against statsmodels' ETSModel
// (Debian's python3-statsmodels, run as /usr/bin/python3 tests/feeds/forecast_reference.py):
//   - with our parameters and initial state, statsmodels' recursions and analytic intervals give
//     the same numbers to 1e-6 (relative): same model, same arithmetic;
//   - with each side's own estimate (parameters and initial states), our in-sample sum of squared
//     errors is at most 2 % above statsmodels' (both minimise it; the optimisers differ), and the
//     12-month point forecasts are within 3 % of each other.
// The backtest error (one-step-ahead over the last 12 months, refitted at each origin) is printed.
// The seasonal-naive forecast and the year-end projection are checked by hand on the real data.
#include "../support/testfiles.h"
#include "feeds/adapters.h"
#include "feeds/forecast.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace opswall::feeds;
namespace fc = opswall::feeds::forecast;

namespace {

struct MonthlySeries {
    QString start; // "2017-01"
    std::vector<double> y;
};

// One monthly series of a real SDMX-ML file, in time order, checked to have no gaps.
MonthlySeries sdmxSeries(const QString &file, const QString &indicator) {
    FeedMapping m;
    m.includeIndicators = {indicator};
    const ParseResult r = parseSdmxMl(
        opswall::testsupport::readIndicatorFile(QStringLiteral("gso-sdmx/") + file), m, {});
    MonthlySeries out;
    for (const Series &s : r.series) {
        if (s.indicator != indicator || s.dimension != QLatin1String("M"))
            continue;
        QList<Observation> points = s.points;
        std::sort(points.begin(), points.end(), [](const Observation &a, const Observation &b) {
            return a.period.startSecs() < b.period.startSecs();
        });
        out.start = points.front().period.toString();
        for (qsizetype i = 0; i < points.size(); ++i) {
            if (i > 0 && points[i].period.previous() != points[i - 1].period)
                qFatal("%s has a gap before %s", qPrintable(indicator),
                       qPrintable(points[i].period.toString()));
            out.y.push_back(points[i].value);
        }
    }
    return out;
}

QJsonArray array(const std::vector<double> &v) {
    QJsonArray a;
    for (double x : v)
        a.append(x);
    return a;
}

double at(const QJsonObject &o, const char *key, int i) {
    return o.value(QLatin1String(key)).toArray().at(i).toDouble();
}

} // namespace

class TestFeedsForecast : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void agreesWithStatsmodelsOnRealSeries_data();
    void agreesWithStatsmodelsOnRealSeries();
    void seasonalNaiveByHandOnTheIip();
    void yearEndDisbursementAtThisPace();
    void badInputIsNamed();
};

void TestFeedsForecast::agreesWithStatsmodelsOnRealSeries_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("indicator");
    QTest::addColumn<QString>("method");
    // Industrial production (2010 = 100; strong Tết season): Holt-Winters with a damped trend.
    QTest::newRow("IIP, Holt-Winters") << "IIPVNM.xml"
                                       << "AIP_ISIC4_IX"
                                       << "holtWinters";
    // Consumer prices (2019 = 100; trend, small season): damped trend and Holt-Winters.
    QTest::newRow("CPI, damped trend") << "CPIVNM.xml"
                                       << "PCPI_IX"
                                       << "dampedTrend";
    QTest::newRow("CPI, Holt-Winters") << "CPIVNM.xml"
                                       << "PCPI_IX"
                                       << "holtWinters";
}

void TestFeedsForecast::agreesWithStatsmodelsOnRealSeries() {
    QFETCH(QString, file);
    QFETCH(QString, indicator);
    QFETCH(QString, method);
    const QString python = QStringLiteral("/usr/bin/python3");
    if (QProcess::execute(python, {QStringLiteral("-c"), QStringLiteral("import statsmodels")}) !=
        0)
        QSKIP("Debian's python3-statsmodels (the reference) is not installed: "
              "tools/install-deps.sh installs it");
    const MonthlySeries s = sdmxSeries(file, indicator);
    QVERIFY2(s.y.size() >= 40, qPrintable(QString::number(s.y.size())));
    const int period = 12, horizon = 12;
    const double coverage = 0.8;
    const fc::Method m = fc::methodFromName(method);
    const fc::Fit fit = fc::fit(s.y, m, period);
    QVERIFY2(fit.ok(), qPrintable(fit.error));
    const fc::Forecast ours = fc::forecastFrom(fit, horizon, coverage);
    const fc::Forecast withBacktest = fc::forecast(s.y, m, period, horizon, coverage, 12);
    QVERIFY(withBacktest.ok());
    QCOMPARE(withBacktest.mean, ours.mean); // the same fit, plus the backtest

    QTemporaryDir dir;
    const QJsonObject caseDoc{
        {QStringLiteral("y"), array(s.y)},
        {QStringLiteral("start"), s.start},
        {QStringLiteral("method"), method},
        {QStringLiteral("period"), period},
        {QStringLiteral("horizon"), horizon},
        {QStringLiteral("coverage"), coverage},
        {QStringLiteral("params"), QJsonObject{{QStringLiteral("alpha"), fit.params.alpha},
                                               {QStringLiteral("beta"), fit.params.beta},
                                               {QStringLiteral("gamma"), fit.params.gamma},
                                               {QStringLiteral("phi"), fit.params.phi}}},
        {QStringLiteral("initial"),
         QJsonObject{{QStringLiteral("level"), fit.initial.level},
                     {QStringLiteral("trend"), fit.initial.trend},
                     {QStringLiteral("season"), array(fit.initial.season)}}}};
    const QString in = dir.filePath(QStringLiteral("case.json"));
    const QString out = dir.filePath(QStringLiteral("reference.json"));
    QFile f(in);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(caseDoc).toJson());
    f.close();
    QProcess py;
    py.start(python, {QStringLiteral(OPSWALL_FORECAST_REFERENCE), in, out});
    QVERIFY(py.waitForFinished(120000));
    QVERIFY2(py.exitCode() == 0, py.readAllStandardError().constData());
    QFile r(out);
    QVERIFY(r.open(QIODevice::ReadOnly));
    const QJsonObject ref = QJsonDocument::fromJson(r.readAll()).object();
    const QJsonObject same = ref.value(QStringLiteral("same")).toObject();
    const QJsonObject own = ref.value(QStringLiteral("own")).toObject();

    // Same parameters and initial state: same numbers (1e-6 relative).
    const auto close = [](double a, double b, double rel) {
        return std::abs(a - b) <= rel * std::max(1.0, std::abs(b));
    };
    QVERIFY2(close(fit.sse, ref.value(QStringLiteral("sameSse")).toDouble(), 1e-6),
             qPrintable(QStringLiteral("SSE %1 vs %2")
                            .arg(fit.sse)
                            .arg(ref.value(QStringLiteral("sameSse")).toDouble())));
    for (int h = 0; h < horizon; ++h) {
        QVERIFY2(close(ours.mean[std::size_t(h)], at(same, "mean", h), 1e-6),
                 qPrintable(QStringLiteral("h=%1 mean %2 vs %3")
                                .arg(h + 1)
                                .arg(ours.mean[std::size_t(h)])
                                .arg(at(same, "mean", h))));
        QVERIFY(close(ours.lower[std::size_t(h)], at(same, "lower", h), 1e-6));
        QVERIFY(close(ours.upper[std::size_t(h)], at(same, "upper", h), 1e-6));
    }
    // Each side's own estimate: a fit as good within 2 %, forecasts within 3 %.
    const double ownSse = ref.value(QStringLiteral("ownSse")).toDouble();
    double worst = 0;
    for (int h = 0; h < horizon; ++h)
        worst = std::max(worst, std::abs(ours.mean[std::size_t(h)] / at(own, "mean", h) - 1.0));
    std::printf("%s %s (%zu months from %s): alpha %.4f beta %.4f gamma %.4f phi %.4f; "
                "SSE %.3f (statsmodels' own fit %.3f, params %s); 12-month forecast within "
                "%.2f %% of statsmodels'; backtest (one step, last %d months) MAPE %.2f %%, "
                "MAE %.3f\n",
                qPrintable(indicator), qPrintable(method), s.y.size(), qPrintable(s.start),
                fit.params.alpha, fit.params.beta, fit.params.gamma, fit.params.phi, fit.sse,
                ownSse,
                QJsonDocument(ref.value(QStringLiteral("ownParams")).toObject())
                    .toJson(QJsonDocument::Compact)
                    .constData(),
                worst * 100, withBacktest.backtestPoints, withBacktest.backtestMape,
                withBacktest.backtestMae);
    QVERIFY2(fit.sse <= ownSse * 1.02,
             qPrintable(QStringLiteral("our SSE %1, statsmodels' %2").arg(fit.sse).arg(ownSse)));
    QVERIFY2(worst <= 0.03, qPrintable(QString::number(worst)));
    QCOMPARE(withBacktest.backtestPoints, 12);
    QVERIFY(withBacktest.backtestMape > 0 && withBacktest.backtestMape < 10);
}

void TestFeedsForecast::seasonalNaiveByHandOnTheIip() {
    const MonthlySeries s =
        sdmxSeries(QStringLiteral("IIPVNM.xml"), QStringLiteral("AIP_ISIC4_IX"));
    const std::size_t n = s.y.size();
    const fc::Forecast f = fc::forecast(s.y, fc::Method::SeasonalNaive, 12, 14, 0.8, 12);
    QVERIFY2(f.ok(), qPrintable(f.error));
    // Next January is last January, and so on; month 13 and 14 again the last year's.
    for (std::size_t h = 0; h < 14; ++h)
        QCOMPARE(f.mean[h], s.y[n - 12 + h % 12]);
    // s = RMS of y(t) - y(t-12); 80 %: +- 1.2816 s in the first year, +- 1.2816 s sqrt(2) after.
    double ss = 0;
    for (std::size_t t = 12; t < n; ++t)
        ss += (s.y[t] - s.y[t - 12]) * (s.y[t] - s.y[t - 12]);
    const double sd = std::sqrt(ss / double(n - 12));
    QVERIFY(std::abs(f.upper[0] - f.mean[0] - 1.2815516 * sd) < 1e-6);
    QVERIFY(std::abs(f.upper[12] - f.mean[12] - 1.2815516 * sd * std::sqrt(2.0)) < 1e-6);
    QVERIFY(std::abs(fc::normalQuantile(0.95) - 1.959964) < 1e-6);
    // The backtest: one-step errors over the last 12 months are y(t) - y(t-12).
    double ape = 0;
    for (std::size_t t = n - 12; t < n; ++t)
        ape += std::abs((s.y[t] - s.y[t - 12]) / s.y[t]) * 100;
    QCOMPARE(f.backtestPoints, 12);
    QVERIFY(std::abs(f.backtestMape - ape / 12) < 1e-9);
    std::printf("IIP seasonal naive: backtest MAPE %.2f %%\n", f.backtestMape);
}

void TestFeedsForecast::yearEndDisbursementAtThisPace() {
    // Public investment from the state budget, year to date (bn VND, GSO monthly tables):
    // 2024 by month, and 2025 January and February; the 2025 plan is 857,525.6437.
    const std::vector<double> y2024{31118.628,    59811.294,    97748.36522,  142842.75822,
                                    190590.70022, 244405.63422, 301478.74553, 363097.37485,
                                    428067.94789, 495926.40105, 572049.82305, 661294.16324};
    const std::vector<double> y2025{35417.802, 73176.134};
    const fc::YearEnd e = fc::projectYearEnd(y2025, y2024, 857525.6437);
    QVERIFY2(e.ok(), qPrintable(e.error));
    // By the end of February 2024, 59,811.294 / 661,294.16324 = 9.0446 % of 2024's total was
    // disbursed; at that pace 2025 ends at 73,176.134 / 0.090446 = 809,060 bn VND,
    // 809,060 / 857,525.6 = 94.3 % of the plan.
    QVERIFY(e.seasonalProfile);
    QVERIFY(std::abs(e.shareByMonth - 59811.294 / 661294.16324) < 1e-12);
    QVERIFY(std::abs(e.projected - 809060.4142867753) < 1e-6);
    QVERIFY(std::abs(e.pctOfPlan - 94.34824721927733) < 1e-9);
    QCOMPARE(e.path.size(), std::size_t(10)); // March .. December
    QVERIFY(std::abs(e.path.back() - e.projected) < 1e-6);
    // Without a previous year: a straight line, 73,176.134 / 2 x 12 = 439,056.8.
    const fc::YearEnd linear = fc::projectYearEnd(y2025, {}, 857525.6437);
    QVERIFY(!linear.seasonalProfile);
    QVERIFY(std::abs(linear.projected - 439056.804) < 1e-6);
}

void TestFeedsForecast::badInputIsNamed() {
    const fc::Forecast shortSeries = fc::forecast({1, 2, 3}, fc::Method::HoltWinters, 12, 6);
    QVERIFY(shortSeries.error.contains(QLatin1String("at least 25 values")));
    const fc::Forecast nan = fc::forecast({1, 2, qQNaN(), 4, 5}, fc::Method::DampedTrend, 1, 6);
    QVERIFY(nan.error.contains(QLatin1String("not a number")));
    QVERIFY(fc::forecast({1, 2, 3, 4, 5}, fc::Method::DampedTrend, 1, 0)
                .error.contains(QLatin1String("horizon")));
    QVERIFY(!fc::forecast({1, 2, 3, 4, 5}, fc::Method::Invalid, 1, 3).ok());
    QCOMPARE(fc::methodFromName(QStringLiteral("holtWinters")), fc::Method::HoltWinters);
    QCOMPARE(fc::methodFromName(QStringLiteral("arima")), fc::Method::Invalid);
    QVERIFY(!fc::projectYearEnd(std::vector<double>{}, {}, 1).ok());
    QVERIFY(!fc::projectYearEnd(std::vector<double>{1}, {}, 0).ok());
}

QTEST_APPLESS_MAIN(TestFeedsForecast)
#include "tst_feeds_forecast.moc"
