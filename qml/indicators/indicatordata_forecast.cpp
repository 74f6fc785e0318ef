#include "indicatordata.h"

#include "indicatordata_p.h"

#include "feeds/feedhub.h"
#include "feeds/forecast.h"
#include "feeds/readmodel.h"

#include <QFuture>
#include <QPromise>
#include <QThreadPool>

#include <algorithm>
#include <cmath>

// IndicatorData's forecasts: computed on the thread pool, read back as words and chart lines.
namespace opswall::indicators {

using namespace opswall::feeds;
using namespace detail;

namespace {
// The forecast of one indicator (pure: runs on the thread pool; see IndicatorData::forecast).
QVariantMap computeForecast(const std::optional<IndicatorMeta> &meta,
                            const QList<StoredPoint> &history, const QString &language) {
    namespace fc = opswall::feeds::forecast;
    const bool en = language == QLatin1String("en");
    QVariantMap out{{QStringLiteral("available"), false}};
    if (!meta || meta->forecast.isEmpty() || history.isEmpty())
        return out;
    const double scale = meta->displayScale;
    const fc::Spec &spec = meta->forecast;
    out[QStringLiteral("method")] = spec.method;
    QVariantList points;
    const auto monthAfter = [](const Period &p, int months) {
        return double(p.start().addMonths(months).toMSecsSinceEpoch());
    };
    if (spec.method == QLatin1String("yearToDate")) {
        int year = 0;
        const fc::YearEnd e = fc::projectYearEnd(history, *meta->target, &year);
        if (!e.ok()) {
            out[QStringLiteral("error")] = e.error;
            return out;
        }
        const Period jan = Period::month(year, 1);
        const int k = 12 - int(e.path.size());
        for (std::size_t i = 0; i < e.path.size(); ++i) {
            const double v = e.path[i] * scale;
            points << QVariantMap{{QStringLiteral("t"), monthAfter(jan, k + int(i))},
                                  {QStringLiteral("mean"), v},
                                  {QStringLiteral("lower"), v},
                                  {QStringLiteral("upper"), v}};
        }
        const QString pct = formatNumberIn(e.pctOfPlan, 1, language);
        out[QStringLiteral("pctOfPlan")] = e.pctOfPlan;
        out[QStringLiteral("projected")] = e.projected * scale;
        out[QStringLiteral("methodText")] =
            e.seasonalProfile
                ? (en ? QStringLiteral("the pace of %1 month by month").arg(year - 1)
                      : QStringLiteral("theo nhịp giải ngân từng tháng của năm %1").arg(year - 1))
                : (en ? QStringLiteral("a straight line") : QStringLiteral("đường thẳng"));
        out[QStringLiteral("text")] =
            en ? QStringLiteral("At this pace: %1 % of plan by 31 December").arg(pct)
               : QStringLiteral("Theo tốc độ này: %1% kế hoạch đến 31/12").arg(pct);
        out[QStringLiteral("detail")] =
            en ? QStringLiteral("Projection: year to date ÷ %1 (share of the year reached by "
                                "this month); %2 of the plan at year end")
                     .arg(out[QStringLiteral("methodText")].toString(), pct + QStringLiteral(" %"))
               : QStringLiteral("Dự báo: lũy kế ÷ %1 (tỷ trọng đạt được đến tháng này); cuối năm "
                                "đạt %2 kế hoạch")
                     .arg(out[QStringLiteral("methodText")].toString(), pct + QStringLiteral("%"));
    } else {
        std::vector<double> y;
        for (const StoredPoint &p : history)
            y.push_back(p.value);
        const fc::Method m = fc::methodFromName(spec.method);
        const fc::Forecast f = fc::forecast(y, m, spec.period, spec.horizon, spec.coverage, 12);
        if (!f.ok()) {
            out[QStringLiteral("error")] = f.error;
            return out;
        }
        const Period last = history.back().period;
        const int stepMonths = last.kind() == PeriodKind::Quarter ? 3
                               : last.kind() == PeriodKind::Year  ? 12
                                                                  : 1;
        const QDate d1 = last.start().addMonths(stepMonths).date();
        const Period next = stepMonths == 3 ? Period::quarter(d1.year(), (d1.month() - 1) / 3 + 1)
                            : stepMonths == 12 ? Period::year(d1.year())
                                               : Period::month(d1.year(), d1.month());
        for (std::size_t h = 0; h < f.mean.size(); ++h)
            points << QVariantMap{{QStringLiteral("t"), monthAfter(last, int(h + 1) * stepMonths)},
                                  {QStringLiteral("mean"), f.mean[h] * scale},
                                  {QStringLiteral("lower"), f.lower[h] * scale},
                                  {QStringLiteral("upper"), f.upper[h] * scale}};
        const QString name =
            m == fc::Method::HoltWinters ? QStringLiteral("Holt-Winters")
            : m == fc::Method::DampedTrend
                ? (en ? QStringLiteral("damped trend") : QStringLiteral("xu hướng tắt dần"))
                : (en ? QStringLiteral("seasonal naive") : QStringLiteral("lặp mùa vụ"));
        const int dec = meta->decimals;
        const QString cov = formatNumberIn(spec.coverage * 100, 0, language);
        const QString mape = formatNumberIn(f.backtestMape, 1, language);
        out[QStringLiteral("methodText")] = name;
        out[QStringLiteral("backtestMape")] = f.backtestMape;
        out[QStringLiteral("text")] =
            (en ? QStringLiteral("Forecast %1: %2 (%3 %: %4–%5)")
                : QStringLiteral("Dự báo %1: %2 (%3%: %4–%5)"))
                .arg(periodText(next, language),
                     formatNumberIn(f.mean.front() * scale, dec, language), cov,
                     formatNumberIn(f.lower.front() * scale, dec, language),
                     formatNumberIn(f.upper.front() * scale, dec, language));
        out[QStringLiteral("detail")] =
            en ? QStringLiteral("Forecast: %1, %2 % interval; backtest error (one step ahead, "
                                "last %3 periods) %4 %")
                     .arg(name, cov)
                     .arg(f.backtestPoints)
                     .arg(mape)
               : QStringLiteral("Dự báo: %1, khoảng tin cậy %2%; sai số kiểm định (một bước, %3 "
                                "kỳ gần nhất) %4%")
                     .arg(name, cov)
                     .arg(f.backtestPoints)
                     .arg(mape);
    }
    out[QStringLiteral("points")] = points;
    out[QStringLiteral("available")] = !points.isEmpty();
    return out;
}
} // namespace

QVariantMap IndicatorData::forecast(const QString &indicator, const QString &dimension,
                                    const QString &language) const {
    // The KPI tile and the chart of an indicator ask for the same forecast: fitted once per
    // change of the indicator.
    const QString key = dimension + u'\x1f' + language;
    QHash<QString, QVariantMap> &cache = m_forecasts[indicator];
    if (const auto it = cache.constFind(key); it != cache.cend())
        return *it;
    const std::optional<IndicatorMeta> meta = metaOf(indicator);
    const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
    const QList<StoredPoint> history = meta && !meta->forecast.isEmpty()
                                           ? m_hub->readModel().series(indicator, dim)
                                           : QList<StoredPoint>{};
    const QString job = indicator + u'\x1f' + key;
    const auto last = m_lastForecasts.constFind(job);
    if (history.isEmpty() || last == m_lastForecasts.cend()) {
        // Nothing to fit, or the first time (the first frame shows the forecast): here.
        const QVariantMap f = computeForecast(meta, history, language);
        cache.insert(key, f);
        m_lastForecasts.insert(job, f);
        return f;
    }
    // After a change the model is fitted again on the thread pool (a Holt-Winters fit takes up
    // to a few hundred ms the GUI thread must not spend); the tiles keep the last forecast
    // meanwhile and are told when the new one is there.
    if (!m_fitting.contains(job)) {
        m_fitting.insert(job);
        auto promise = std::make_shared<QPromise<QVariantMap>>();
        QFuture<QVariantMap> future = promise->future();
        promise->start();
        QThreadPool::globalInstance()->start([promise, meta, history, language] {
            promise->addResult(computeForecast(meta, history, language));
            promise->finish();
        });
        auto *self = const_cast<IndicatorData *>(this);
        const quint64 generation = m_forecastGeneration.value(indicator);
        future.then(self, [self, indicator, key, job, generation](const QVariantMap &f) {
            self->m_fitting.remove(job);
            self->m_lastForecasts.insert(job, f);
            // Fitted on values that are still current: the answer until the next change.
            if (generation == self->m_forecastGeneration.value(indicator))
                self->m_forecasts[indicator].insert(key, f);
            self->tellWatches({indicator}, false);
        });
    }
    return *last;
}

QVariantMap IndicatorData::fillForecast(QObject *meanSeries, QObject *upperSeries,
                                        QObject *lowerSeries, const QString &indicator,
                                        const QString &dimension, const QString &language) const {
    QVariantMap out{{QStringLiteral("count"), 0}};
    const QVariantMap f = forecast(indicator, dimension, language);
    QList<QPointF> mean, upper, lower;
    double minV = qInf(), maxV = -qInf(), maxT = 0;
    if (f.value(QStringLiteral("available")).toBool()) {
        // The dashed line starts at the last observed point, so it continues the curve.
        const std::optional<IndicatorMeta> meta = metaOf(indicator);
        const QString dim = dimension.isEmpty() && meta ? meta->dimension : dimension;
        if (const auto last = m_hub->readModel().latest(indicator, dim)) {
            const QPointF p(double(last->period.startSecs()) * 1000.0,
                            last->value * (meta ? meta->displayScale : 1.0));
            mean << p;
            upper << p;
            lower << p;
        }
        for (const QVariant &v : f.value(QStringLiteral("points")).toList()) {
            const QVariantMap m = v.toMap();
            const double t = m.value(QStringLiteral("t")).toDouble();
            // While a new forecast is fitted (see forecast()) the last one may still cover the
            // month just received: the line continues from the newest value only.
            if (!mean.isEmpty() && t <= mean.front().x())
                continue;
            mean << QPointF(t, m.value(QStringLiteral("mean")).toDouble());
            upper << QPointF(t, m.value(QStringLiteral("upper")).toDouble());
            lower << QPointF(t, m.value(QStringLiteral("lower")).toDouble());
            minV = std::min(minV, m.value(QStringLiteral("lower")).toDouble());
            maxV = std::max(maxV, m.value(QStringLiteral("upper")).toDouble());
            maxT = t;
        }
        out[QStringLiteral("count")] = int(mean.size());
        out[QStringLiteral("minV")] = minV;
        out[QStringLiteral("maxV")] = maxV;
        out[QStringLiteral("maxT")] = maxT;
        out[QStringLiteral("detail")] = f.value(QStringLiteral("detail"));
    }
    setPoints(meanSeries, mean);
    setPoints(upperSeries, upper);
    setPoints(lowerSeries, lower);
    return out;
}

} // namespace opswall::indicators
