// Format adapters against the real GSO / State Bank / World Bank files in shared/data/indicators,
// checking figures read from the files, and against broken input (clear error with position).
#include "../support/testfiles.h"
#include "feeds/adapters.h"
#include "gsomonthly.h"
#include "sdmx_same.h"

#include <QtTest>

using namespace opswall::feeds;
using namespace opswall::feeds::testing;
using opswall::testsupport::readIndicatorFile;

namespace {
QByteArray readFixture(const QString &rel) {
    return opswall::testsupport::readFileOrDie(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                                               QStringLiteral("/tests/feeds/") + rel);
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
        const ParseResult r = gsoMonthlyNational();
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
        const QByteArray orig = readIndicatorFile(
            QStringLiteral("gso-2024-12-industrial-employment-index-by-province.csv"));
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
            readIndicatorFile(QStringLiteral("gso-2024-public-investment-state-budget.csv")), m,
            {});
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
        const FeedMapping m = gsoMonthlyMapping();
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
        r = parseCsv(readIndicatorFile(QStringLiteral("gso-monthly-national-2024-01_2025-02.csv")),
                     m, small);
        QVERIFY(r.error.message.contains(QStringLiteral("more than 10")));
    }

    void sdmxMlCpiAndUnitMult() {
        FeedMapping m;
        ParseResult r =
            parseSdmxMl(readIndicatorFile(QStringLiteral("gso-sdmx/CPIVNM.xml")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 33);
        QCOMPARE(valueAt(r.find(QStringLiteral("PCPI_IX"), QStringLiteral("M")),
                         QStringLiteral("2024-10")),
                 116.65284764174105);
        QCOMPARE(r.source, QStringLiteral("2024-11-13T06:49:09Z"));

        r = parseSdmxMl(readIndicatorFile(QStringLiteral("gso-sdmx/METVNM.xml")), m, {});
        QVERIFY2(r.ok(), qPrintable(r.error.toString()));
        QCOMPARE(r.series.size(), 106);
        QCOMPARE(r.pointCount(), 17206);
        const Series *tb = r.find(QStringLiteral("TB_USD"));
        QCOMPARE(tb->unitMult, 6);
        QCOMPARE(valueAt(tb, QStringLiteral("2010-01")), -981.1916659999997);
        m.applyUnitMult = true;
        r = parseSdmxMl(readIndicatorFile(QStringLiteral("gso-sdmx/METVNM.xml")), m, {});
        QCOMPARE(valueAt(r.find(QStringLiteral("TB_USD")), QStringLiteral("2024-10")),
                 1986.8076460000011e6);
        QCOMPARE(r.find(QStringLiteral("TB_USD"))->unitMult, 0);
    }

    void sdmxMlOutOfOrderAnnualAndQuarterly() {
        const ParseResult r = parseSdmxMl(readIndicatorFile(QStringLiteral("gso-sdmx/GDPVNM.xml")),
                                          FeedMapping{}, {});
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

    // The fast SDMX-ML path reads every real file itself, to the reader's result to the last bit.
    void sdmxMlFastPathOnRealFiles() {
        for (const QString &name :
             {QStringLiteral("CPIVNM.xml"), QStringLiteral("GDPVNM.xml"),
              QStringLiteral("IIPVNM.xml"), QStringLiteral("METVNM.xml"),
              QStringLiteral("SBV_BOP_VNM.xml"), QStringLiteral("SBV_EXR_VNM.xml")}) {
            const QByteArray bytes = readIndicatorFile(QStringLiteral("gso-sdmx/") + name);
            for (int variant = 0; variant < 3; ++variant) {
                FeedMapping m;
                m.applyUnitMult = variant == 1;
                if (variant == 2)
                    m.includeIndicators = {QStringLiteral("TB_USD"), QStringLiteral("PCPI_IX"),
                                           QStringLiteral("NGDP_XDC")};
                const ParseResult reader = detail::parseSdmxMlReader(bytes, m, {});
                const std::optional<ParseResult> fast = detail::parseSdmxMlFast(bytes, m, {});
                QVERIFY2(reader.ok(),
                         qPrintable(name + QStringLiteral(": ") + reader.error.toString()));
                QVERIFY2(fast.has_value(), qPrintable(name));
                QVERIFY2(test::sameResult(*fast, reader), qPrintable(name));
                QVERIFY(variant == 2 || !fast->series.isEmpty());
            }
        }
    }

    // Constructs the fast path reads, and those it leaves to the reader (errors included): the
    // public parser's result is the reader's every time.
    void sdmxMlFastPathAgreesWithReader_data() {
        QTest::addColumn<QByteArray>("doc");
        QTest::addColumn<bool>("fast"); // the fast path reads it itself
        QTest::addColumn<bool>("ok");   // the reader accepts it
        QTest::addColumn<int>("maxDepth");
        const QByteArray decl = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>";
        const QByteArray root = "<m:StructureSpecificData xmlns:m=\"urn:m\" xmlns:xsi=\"urn:x\">";
        const QByteArray header = "<m:Header><m:ID>IREF1</m:ID><m:Prepared>2024-11-13T06:49:32Z"
                                  "</m:Prepared></m:Header>";
        const QByteArray dsOpen = "<m:DataSet xsi:type=\"t\">";
        const QByteArray series =
            "<Series INDICATOR=\"A\" FREQ=\"M\" UNIT_MULT=\"3\"><Obs TIME_PERIOD=\"2024-02\" "
            "OBS_VALUE=\"1.5\"/><Obs TIME_PERIOD=\"2024-01\" OBS_VALUE=\"-2e-1\"></Obs></Series>";
        const QByteArray tail = "</m:DataSet></m:StructureSpecificData>";
        const auto doc = [&](const QByteArray &body, const QByteArray &before = {},
                             const QByteArray &after = {}) {
            return decl + before + root + header + dsOpen + body + tail + after;
        };
        const auto row = [](const char *name, const QByteArray &d, bool fast, bool ok,
                            int depth = 64) { QTest::newRow(name) << d << fast << ok << depth; };
        row("plain", doc(series), true, true);
        row("no declaration", doc(series).mid(decl.size()), true, true);
        row("byte order mark", "\xEF\xBB\xBF" + doc(series), true, true);
        row("single quotes, spaced",
            doc("<Series INDICATOR = 'A'  FREQ='Q' ><Obs TIME_PERIOD='2024-Q1'"
                " OBS_VALUE=' 7 ' /></Series >"),
            true, true);
        row("comments, white space",
            doc("\n  <!-- a - comment -->\n" + series + "\n", "<!-- before -->\n",
                "\n<!-- after -->\n"),
            true, true);
        row("predefined entity in text", doc(series).replace("IREF1", "R&amp;D &lt;1&gt;"), true,
            true);
        row("UTF-8 attribute",
            doc("<Series INDICATOR=\"A\" TITLE=\"Chỉ số giá\"><Obs "
                "TIME_PERIOD=\"2024\" OBS_VALUE=\"+1.25E3\"/></Series>"),
            true, true);
        row("declaration on a series",
            doc("<Series xmlns:x=\"urn:y\" x:NOTE=\"n\" INDICATOR=\"A\"><x:Obs "
                "TIME_PERIOD=\"2024\" "
                "OBS_VALUE=\"3\"/></Series>"),
            true, true);
        row("default namespace", doc(series).replace(dsOpen, "<m:DataSet xmlns=\"urn:d\">"), true,
            true);
        row("missing values",
            doc("<Series INDICATOR=\"A\"><Obs TIME_PERIOD=\"2024\" "
                "OBS_VALUE=\"NaN\"/><Obs TIME_PERIOD=\"2025\"/></Series>"),
            true, true);
        row("xml:lang", doc(series).replace("<m:ID>", "<m:ID xml:lang=\"vi\">"), true, true);
        row("xml prefix declared",
            doc(series).replace("<m:ID>", "<m:ID xmlns:xml=\"http://www.w3.org/XML/1998/"
                                          "namespace\" xml:lang=\"vi\">"),
            true, true);
        row("xml prefix bound elsewhere",
            doc(series).replace("<m:ID>", "<m:ID xmlns:xml=\"urn:x\">"), false, false);
        row("the fuzz seed of constructs",
            readFixture(QStringLiteral("corpus/sdmx_ml/constructs.xml")), true, true);
        row("character reference", doc(series).replace("06:49", "06&#58;49"), false, true);
        row("CDATA", doc(series).replace("IREF1", "<![CDATA[IREF1]]>"), false, true);
        row("processing instruction", doc(series, "<?style x?>"), false, true);
        row("attribute new line", doc(series).replace("FREQ=\"M\"", "FREQ=\"M\nX\""), false, true);
        row("entity in attribute", doc(series).replace("FREQ=\"M\"", "FREQ=\"M&amp;Q\""), false,
            true);
        row("carriage return in Prepared",
            doc(series).replace("<m:Prepared>2024", "<m:Prepared>\r\n2024"), false, true);
        row("undeclared prefix", doc("<x:Foo/>" + series), false, false);
        row("duplicate attribute",
            doc(series).replace("OBS_VALUE=\"1.5\"", "OBS_VALUE=\"1.5\" OBS_VALUE=\"2\""), false,
            false);
        row("no space between attributes",
            doc(series).replace("\" OBS_VALUE=\"1.5\"", "\"OBS_VALUE=\"1.5\""), false, false);
        row("mismatched end tag", doc(series).replace("</Series>", "</Serie>"), false, false);
        row("]]> in text", doc(series).replace("IREF1", "a]]>b"), false, false);
        row("-- in a comment", doc(series, "<!-- a -- b -->"), false, false);
        row("bad UTF-8", doc(series).replace("FREQ=\"M\"", "FREQ=\"\xFF\""), false, false);
        row("control character", doc(series).replace("IREF1", "IR\x01"), false, false);
        row("text after the root", doc(series, {}, "junk"), false, false);
        row("second root", doc(series, {}, "<x/>"), false, false);
        row("unterminated", doc(series).chopped(10), false, false);
        row("DTD", doc(series, "<!DOCTYPE x>"), false, false);
        row("unknown entity", doc(series).replace("IREF1", "&nbsp;"), false, false);
        row("too deep", doc(series), false, false, 3);
        row("declaration not first", " " + doc(series), false, false);
        row("Obs outside a Series", doc("<Obs TIME_PERIOD=\"2024\" OBS_VALUE=\"1\"/>"), false,
            false);
        row("bad value", doc(series).replace("1.5", "1.5x"), false, false);
        row("bad period", doc(series).replace("2024-02", "2024-13"), false, false);
        row("no DataSet", decl + root + header + "</m:StructureSpecificData>", false, false);
        row("name starts with a digit", doc("<1a/>" + series), false, false);
        row("empty", QByteArray(), false, false);
    }

    void sdmxMlFastPathAgreesWithReader() {
        QFETCH(QByteArray, doc);
        QFETCH(bool, fast);
        QFETCH(bool, ok);
        QFETCH(int, maxDepth);
        ParseLimits limits;
        limits.maxDepth = maxDepth;
        for (const bool scale : {false, true}) {
            FeedMapping m;
            m.applyUnitMult = scale;
            const ParseResult reader = detail::parseSdmxMlReader(doc, m, limits);
            QCOMPARE(reader.ok(), ok);
            QCOMPARE(detail::parseSdmxMlFast(doc, m, limits).has_value(), fast);
            const ParseResult r = parseSdmxMl(doc, m, limits);
            QVERIFY2(
                test::sameResult(r, reader),
                qPrintable(r.error.toString() + QStringLiteral(" / ") + reader.error.toString()));
            QCOMPARE(r.error.line, reader.error.line);
            QCOMPARE(r.error.offset, reader.error.offset);
        }
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
        const ParseResult r =
            parseWorldBank(readIndicatorFile(QStringLiteral(
                               "worldbank-v2-VNM-FP.CPI.TOTL.ZG-page1.reconstructed.json")),
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
        FeedMapping m = gsoMonthlyMapping();
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
        const FeedMapping m = FeedMapping::fromJson(gsoMonthlyMapping().toJson(), &err);
        QVERIFY(err.isEmpty());
        QCOMPARE(m.timeField, QStringLiteral("period"));
    }
};

QTEST_GUILESS_MAIN(TestAdapters)
#include "tst_feeds_adapters.moc"
