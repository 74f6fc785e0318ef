// Format adapters against the real GSO / State Bank / World Bank files in shared/data/indicators,
// checking figures read from the files, and against broken input (clear error with position).
#include "feeds/adapters.h"

#include <QFile>
#include <QtTest>

using namespace opswall::feeds;

namespace {
QByteArray readShared(const QString &rel) {
    const QString dir = qEnvironmentVariable("OPSWALL_SHARED_DIR");
    QFile f(dir + QStringLiteral("/data/indicators/") + rel);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s (OPSWALL_SHARED_DIR=%s)", qPrintable(f.fileName()), qPrintable(dir));
    return f.readAll();
}

QByteArray readFixture(const QString &rel) {
    QFile f(qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/tests/feeds/") + rel);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(f.fileName()));
    return f.readAll();
}

double valueAt(const Series *s, const QString &period) {
    if (!s)
        return qQNaN();
    const Period p = *Period::parse(period);
    for (const Observation &o : s->points)
        if (o.period == p)
            return o.value;
    return qQNaN();
}

FeedMapping monthlyCsvMapping() {
    FeedMapping m;
    m.timeField = QStringLiteral("period");
    m.valueField = QStringLiteral("value");
    m.indicatorField = QStringLiteral("indicator");
    m.unitField = QStringLiteral("unit");
    return m;
}
} // namespace

class TestAdapters : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void periods() {
        QCOMPARE(Period::parse(u"2024")->kind(), PeriodKind::Year);
        QCOMPARE(Period::parse(u"2024-Q3")->toString(), QStringLiteral("2024-Q3"));
        QCOMPARE(Period::parse(u"2024Q3")->toString(), QStringLiteral("2024-Q3"));
        QCOMPARE(Period::parse(u"2024-M03")->toString(), QStringLiteral("2024-03"));
        QCOMPARE(Period::parse(u"3/2024")->toString(), QStringLiteral("2024-03"));
        QCOMPARE(Period::parse(u"2024-02-29")->kind(), PeriodKind::Day);
        QCOMPARE(Period::parse(u"2024-03-15T08:30:00+07:00")->toString(),
                 QStringLiteral("2024-03-15T01:30:00Z"));
        QVERIFY(!Period::parse(u"2023-02-29"));
        QVERIFY(!Period::parse(u"2024-13"));
        QVERIFY(!Period::parse(u"2024-Q5"));
        QVERIFY(!Period::parse(u"soon"));
        QVERIFY(*Period::parse(u"2024") < *Period::parse(u"2024-01"));
        QVERIFY(*Period::parse(u"2024-12") < *Period::parse(u"2025"));
        QCOMPARE(Period::parse(u"2025-01")->previous().toString(), QStringLiteral("2024-12"));
        QCOMPARE(Period::parse(u"2025-Q1")->previous().toString(), QStringLiteral("2024-Q4"));
        QCOMPARE(Period::parse(u"2025-02")->sameLastYear().toString(), QStringLiteral("2024-02"));
        QCOMPARE(Period::parse(u"2024-03")->yearFractionAtEnd(), 0.25);
    }

    void decimals() {
        QCOMPARE(parseDecimal(u"703197.055"), 703197.055);
        QCOMPARE(parseDecimal(u"1.234,5", true), 1234.5);
        QCOMPARE(parseDecimal(u"1 234,5", true), 1234.5);
        QCOMPARE(parseDecimal(u"-1.5e3"), -1500.0);
        QVERIFY(!parseDecimal(u"NaN"));
        QVERIFY(!parseDecimal(u"Infinity"));
        QVERIFY(!parseDecimal(u"1e999"));
        QVERIFY(!parseDecimal(u"12abc"));
        QVERIFY(!parseDecimal(u""));
    }

    void csvMonthlyNational() {
        const ParseResult r =
            parseCsv(readShared(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv")),
                     monthlyCsvMapping(), {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.pointCount(), 266);
        QCOMPARE(valueAt(r.find(QStringLiteral("PUBINV_ANNUAL_PLAN")), QStringLiteral("2024-01")),
                 703197.055);
        QCOMPARE(valueAt(r.find(QStringLiteral("ENT_NEW_YTD")), QStringLiteral("2025-02")),
                 20781.0);
        QCOMPARE(valueAt(r.find(QStringLiteral("CPI_YOY_INDEX")), QStringLiteral("2024-12")),
                 102.94169);
        QCOMPARE(
            valueAt(r.find(QStringLiteral("PUBINV_YTD_PCT_OF_PLAN")), QStringLiteral("2025-02")),
            8.518001);
        QCOMPARE(r.find(QStringLiteral("CPI_YOY_INDEX"))->unit,
                 QStringLiteral("index, same month prev. year = 100"));
    }

    void csvProvincesWideWithBomAndVietnameseHeaders() {
        // The province table with a BOM, CRLF, semicolons, decimal commas and Vietnamese headers,
        // as a spreadsheet exported on a Vietnamese-locale machine writes it.
        const QByteArray orig =
            readShared(QStringLiteral("gso-2024-12-industrial-employment-index-by-province.csv"));
        const ParseResult plain = [&] {
            FeedMapping m;
            m.fixedPeriod = QStringLiteral("2024-12");
            m.dimensionFields = {QStringLiteral("gso_code")};
            m.valueColumns = {{QStringLiteral("index_vs_same_month_prev_year"),
                               QStringLiteral("IND_EMP_YOY_INDEX")}};
            return parseCsv(orig, m, {});
        }();
        QVERIFY2(plain.ok(), qPrintable(plain.error.toString()));
        QCOMPARE(plain.series.size(), 64);
        QCOMPARE(valueAt(plain.find(QStringLiteral("IND_EMP_YOY_INDEX"), QStringLiteral("79")),
                         QStringLiteral("2024-12")),
                 101.38);
        QCOMPARE(valueAt(plain.find(QStringLiteral("IND_EMP_YOY_INDEX"), QStringLiteral("VN")),
                         QStringLiteral("2024-12")),
                 103.21);

        QString text = QString::fromUtf8(orig);
        QStringList lines = text.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        lines[0] = QStringLiteral(
            "Mã tỉnh;ISO;\"Tên tỉnh, thành phố\";Chỉ số so với tháng trước;Chỉ số so với cùng kỳ");
        for (qsizetype i = 1; i < lines.size(); ++i) {
            QStringList f = lines[i].split(QLatin1Char(','));
            f[3].replace(QLatin1Char('.'), QLatin1Char(','));
            f[4].replace(QLatin1Char('.'), QLatin1Char(','));
            f[2] = QLatin1Char('"') + f[2] + QLatin1Char('"');
            lines[i] = f.join(QLatin1Char(';'));
        }
        const QByteArray vi = "\xEF\xBB\xBF" + lines.join(QStringLiteral("\r\n")).toUtf8() + "\r\n";
        FeedMapping m;
        m.fixedPeriod = QStringLiteral("2024-12");
        m.decimalComma = true;
        // NFD spelling of the header: matched after normalisation.
        m.dimensionFields = {QStringLiteral("Mã tỉnh").normalized(QString::NormalizationForm_D)};
        m.valueColumns = {
            {QStringLiteral("chỉ số so với cùng kỳ"), QStringLiteral("IND_EMP_YOY_INDEX")},
            {QStringLiteral("Chỉ số so với tháng trước"), QStringLiteral("IND_EMP_MOM_INDEX")}};
        const ParseResult r = parseCsv(vi, m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 128);
        QCOMPARE(valueAt(r.find(QStringLiteral("IND_EMP_YOY_INDEX"), QStringLiteral("01")),
                         QStringLiteral("2024-12")),
                 101.57);
        QCOMPARE(valueAt(r.find(QStringLiteral("IND_EMP_MOM_INDEX"), QStringLiteral("01")),
                         QStringLiteral("2024-12")),
                 100.49);
    }

    void csvQuotedFieldsAndRowFilter() {
        // GSO's public-investment table lists the total, ministries (names with quoted commas)
        // and provinces; keep provinces and the total.
        FeedMapping m;
        m.fixedPeriod = QStringLiteral("2024");
        m.filterField = QStringLiteral("unit_type");
        m.filterValues = {QStringLiteral("province"), QStringLiteral("total")};
        m.dimensionFields = {QStringLiteral("gso_code")};
        m.valueColumns = {{QStringLiteral("year_2024_bn_vnd"), QStringLiteral("PUBINV_YEAR")}};
        const ParseResult r = parseCsv(
            readShared(QStringLiteral("gso-2024-public-investment-state-budget.csv")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 23);
        QCOMPARE(valueAt(r.find(QStringLiteral("PUBINV_YEAR"), QStringLiteral("01")),
                         QStringLiteral("2024")),
                 72289.153);
        QCOMPARE(valueAt(r.find(QStringLiteral("PUBINV_YEAR"), QStringLiteral("")),
                         QStringLiteral("2024")),
                 661294.16324);
    }

    void csvErrors() {
        const FeedMapping m = monthlyCsvMapping();
        ParseResult r = parseCsv("period,indicator,value,unit\n2024-01,X,\"12\n", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("unterminated")));
        r = parseCsv("period,indicator,value,unit\n2024-01,X,abc,%\n", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("'abc' is not a number")));
        QVERIFY(r.error.where.contains(QStringLiteral("line 2")));
        r = parseCsv("period,indicator,value,unit\n2024-01,X,NaN,%\n", m, {});
        QVERIFY(!r.ok());
        r = parseCsv("period,indicator,value,unit\n2024-01,X,1\n", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("3 fields")));
        r = parseCsv("ky,chi_tieu,gia_tri\n", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("no column 'period'")));
        // Windows-1258 / Latin-1 bytes are not UTF-8: refused with the offset.
        r = parseCsv("period,indicator,value,unit\n2024-01,T\xEAn,1,%\n", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("UTF-8")));
        QCOMPARE(r.error.offset, 37);
        r = parseCsv("\xFF\xFEp\0e\0", m, {});
        QVERIFY(r.error.message.contains(QStringLiteral("UTF-16")));
        ParseLimits small;
        small.maxPoints = 10;
        r = parseCsv(readShared(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv")), m,
                     small);
        QVERIFY(r.error.message.contains(QStringLiteral("more than 10")));
    }

    void sdmxMlCpiAndUnitMult() {
        FeedMapping m;
        ParseResult r = parseSdmxMl(readShared(QStringLiteral("gso-sdmx/CPIVNM.xml")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 33);
        QCOMPARE(valueAt(r.find(QStringLiteral("PCPI_IX"), QStringLiteral("M")),
                         QStringLiteral("2024-10")),
                 116.65284764174105);
        QCOMPARE(r.source, QStringLiteral("2024-11-13T06:49:09Z"));

        r = parseSdmxMl(readShared(QStringLiteral("gso-sdmx/METVNM.xml")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 106);
        QCOMPARE(r.pointCount(), 17206);
        const Series *tb = r.find(QStringLiteral("TB_USD"));
        QCOMPARE(tb->unitMult, 6);
        QCOMPARE(valueAt(tb, QStringLiteral("2010-01")), -981.1916659999997);
        m.applyUnitMult = true;
        r = parseSdmxMl(readShared(QStringLiteral("gso-sdmx/METVNM.xml")), m, {});
        QCOMPARE(valueAt(r.find(QStringLiteral("TB_USD")), QStringLiteral("2024-10")),
                 1986.8076460000011e6);
        QCOMPARE(r.find(QStringLiteral("TB_USD"))->unitMult, 0);
    }

    void sdmxMlOutOfOrderAnnualAndQuarterly() {
        const ParseResult r =
            parseSdmxMl(readShared(QStringLiteral("gso-sdmx/GDPVNM.xml")), FeedMapping{}, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 193);
        const Series *a = r.find(QStringLiteral("NGDP_XDC"), QStringLiteral("A"));
        QVERIFY(a);
        QCOMPARE(a->points.size(), 24);
        // The file lists 2004 first and 2000-2003 last; the series comes out sorted.
        QCOMPARE(a->points.front().period.toString(), QStringLiteral("2000"));
        QCOMPARE(valueAt(a, QStringLiteral("2003")), 613443.0256831826);
        QCOMPARE(valueAt(a, QStringLiteral("2004")), 779337.6704454578);
        for (qsizetype i = 1; i < a->points.size(); ++i)
            QVERIFY(a->points[i - 1].period < a->points[i].period);
        // The same INDICATOR as an annual and a quarterly series: kept apart by FREQ.
        QVERIFY(r.find(QStringLiteral("NGDPVA_ISIC4_A01_XDC"), QStringLiteral("A")));
        QCOMPARE(valueAt(r.find(QStringLiteral("NGDP_R_PA_XDC"), QStringLiteral("Q")),
                         QStringLiteral("2024-Q3")),
                 1561963.0887278125);
    }

    void sdmxMlErrors() {
        const QByteArray good = readFixture(QStringLiteral("corpus/sdmx_ml/iip-excerpt.xml"));
        ParseResult r = parseSdmxMl(good, FeedMapping{}, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        r = parseSdmxMl(good.left(good.size() - 60), FeedMapping{}, {});
        QVERIFY(r.error.message.contains(QStringLiteral("malformed XML")));
        QVERIFY(r.error.line >= 1);
        QByteArray bad = good;
        bad.replace("OBS_VALUE=\"", "OBS_VALUE=\"x");
        r = parseSdmxMl(bad, FeedMapping{}, {});
        QVERIFY(r.error.message.contains(QStringLiteral("is not a number")));
        r = parseSdmxMl("<?xml version=\"1.0\"?><!DOCTYPE x [<!ENTITY a \"aaaa\">]><x>&a;</x>",
                        FeedMapping{}, {});
        QVERIFY(r.error.message.contains(QStringLiteral("DTD")));
        r = parseSdmxMl("<html><body>502 Bad Gateway</body></html>", FeedMapping{}, {});
        QVERIFY(r.error.message.contains(QStringLiteral("not an SDMX-ML")));
    }

    void sdmxJson() {
        const ParseResult r =
            parseSdmxJson(readFixture(QStringLiteral("data/cpi-sdmx.json")), FeedMapping{}, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 2);
        // Same figure as in CPIVNM.xml.
        QCOMPARE(valueAt(r.find(QStringLiteral("PCPI_IX"), QStringLiteral("M")),
                         QStringLiteral("2024-10")),
                 116.65284764174105);
        QCOMPARE(r.find(QStringLiteral("PCPI_IX"))->points.size(), 51);
        ParseResult e = parseSdmxJson("{\"dataSets\":[{}]}", FeedMapping{}, {});
        QVERIFY(e.error.message.contains(QStringLiteral("no structure")));
    }

    void worldBank() {
        const ParseResult r = parseWorldBank(
            readShared(QStringLiteral("worldbank-v2-VNM-FP.CPI.TOTL.ZG-page1.reconstructed.json")),
            FeedMapping{}, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.paging.page, 1);
        QCOMPARE(r.paging.pages, 2);
        QCOMPARE(r.paging.total, 65);
        const Series *s = r.find(QStringLiteral("FP.CPI.TOTL.ZG"), QStringLiteral("VNM"));
        QVERIFY(s);
        QCOMPARE(valueAt(s, QStringLiteral("2024")), 3.62109273885843);
        QCOMPARE(valueAt(s, QStringLiteral("2019")), 2.7958236745225);
        QVERIFY(s->points.size() < 50); // null years are skipped, not zero
        const ParseResult e = parseWorldBank(
            readFixture(QStringLiteral("corpus/worldbank/api-error.json")), FeedMapping{}, {});
        QVERIFY(e.error.message.contains(QStringLiteral("World Bank API error 120")));
    }

    void genericJson() {
        FeedMapping m = monthlyCsvMapping();
        m.seriesPath = QStringLiteral("data.records");
        const ParseResult r =
            parseJson(readFixture(QStringLiteral("data/gso-monthly.json")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.pointCount(), 266);
        QCOMPARE(valueAt(r.find(QStringLiteral("ENT_NEW_YTD")), QStringLiteral("2025-02")),
                 20781.0);

        ParseResult e = parseJson("{\"data\":{\"records\":[{\"period\":\"2024-01\",\"indicator\":"
                                  "\"X\",\"value\":true}]}}",
                                  m, {});
        QCOMPARE(e.error.where, QStringLiteral("$.data.records[0].value"));
        QVERIFY(e.error.message.contains(QStringLiteral("got a boolean")));
        e = parseJson(
            "{\"data\":{\"records\":[{\"period\":\"2024-01\",\"indicator\":\"X\",\"value\":NaN}]}}",
            m, {});
        QVERIFY(e.error.message.contains(QStringLiteral("malformed JSON")));
        QVERIFY(e.error.offset > 0);
        e = parseJson("{\"data\":{\"records\":[{\"period\":\"2024-01\",\"indicator\":\"X\","
                      "\"value\":\"Infinity\"}]}}",
                      m, {});
        QVERIFY(e.error.message.contains(QStringLiteral("not a number")));
        e = parseJson("{\"data\":{\"records\":[{\"period\":\"2024-01\",", m, {});
        QVERIFY(e.error.message.contains(QStringLiteral("malformed JSON")));
        e = parseJson(QByteArray(100, '[') + QByteArray(100, ']'), m, {});
        QVERIFY(e.error.message.contains(QStringLiteral("nested deeper")));
        e = parseJson("{\"data\":{\"records\":{}}}", m, {});
        QVERIFY(e.error.message.contains(QStringLiteral("expected an array")));
    }

    void mappingValidation() {
        QString err;
        FeedMapping::fromJson(QJsonObject{{QStringLiteral("timeFeild"), QStringLiteral("x")}},
                              &err);
        QCOMPARE(err, QStringLiteral("mapping.timeFeild: unknown field"));
        FeedMapping::fromJson(QJsonObject{{QStringLiteral("decimalComma"), QStringLiteral("yes")}},
                              &err);
        QCOMPARE(err, QStringLiteral("mapping.decimalComma: must be true or false"));
        const FeedMapping m = FeedMapping::fromJson(monthlyCsvMapping().toJson(), &err);
        QVERIFY(err.isEmpty());
        QCOMPARE(m.timeField, QStringLiteral("period"));
    }
};

QTEST_GUILESS_MAIN(TestAdapters)
#include "tst_feeds_adapters.moc"
