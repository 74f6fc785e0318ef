// Series store (revisions, queries, retention) and feed definitions (JSON import, validation
// naming the field at fault, status persistence), on a real SQLite file.
#include "../support/testfiles.h"
#include "feeds/adapters.h"
#include "feeds/feeddefinition.h"
#include "feeds/seriesstore.h"
#include "gsomonthly.h"
#include "store/database.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall::feeds;
using opswall::store::Database;
using opswall::testsupport::readIndicatorFile;

namespace {
Series one(const QString &indicator, const QString &period, double value, const QString &dim = {}) {
    Series s;
    s.indicator = indicator;
    s.dimension = dim;
    s.points << Observation{*Period::parse(period), value};
    return s;
}

const QDateTime kT0 = QDateTime(QDate(2025, 3, 1), QTime(8, 0), Qt::UTC);
} // namespace

class TestStore : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;

private Q_SLOTS:
    void realMonthlyTableAndQueries() {
        Database db(m_dir.filePath(QStringLiteral("a.sqlite")));
        SeriesStore store(db);
        const ParseResult r = opswall::feeds::testing::gsoMonthlyNational();
        QVERIFY(r.ok());
        IngestStats st = store.ingest(QStringLiteral("gso-monthly"), r.series, kT0);
        QCOMPARE(st.inserted, 266);
        st = store.ingest(QStringLiteral("gso-monthly"), r.series, kT0.addSecs(3600));
        QCOMPARE(st.unchanged, 266); // fetching the same table again changes nothing
        QCOMPARE(st.inserted + st.revised, 0);

        const auto latest = store.latest(QStringLiteral("ENT_NEW_YTD"));
        QVERIFY(latest);
        QCOMPARE(latest->period.toString(), QStringLiteral("2025-02"));
        QCOMPARE(latest->value, 20781.0);
        QCOMPARE(
            store.valueAt(QStringLiteral("CPI_YOY_INDEX"), {}, *Period::parse(u"2024-12"))->value,
            102.94169);
        const QList<StoredPoint> y2024 =
            store.range(QStringLiteral("CPI_YOY_INDEX"), {}, *Period::parse(u"2024-01"),
                        *Period::parse(u"2024-12"));
        QCOMPARE(y2024.size(), 12);
        QVERIFY(y2024.front().period < y2024.back().period);
        QCOMPARE(store.info(QStringLiteral("CPI_YOY_INDEX"))->unit,
                 QStringLiteral("index, same month prev. year = 100"));
    }

    void provincesOfOnePeriod() {
        Database db(m_dir.filePath(QStringLiteral("b.sqlite")));
        SeriesStore store(db);
        FeedMapping m;
        m.fixedPeriod = QStringLiteral("2024-12");
        m.dimensionFields = {QStringLiteral("gso_code")};
        m.valueColumns = {
            {QStringLiteral("index_vs_same_month_prev_year"), QStringLiteral("IND_EMP_YOY_INDEX")}};
        const ParseResult r =
            parseCsv(readIndicatorFile(
                         QStringLiteral("gso-2024-12-industrial-employment-index-by-province.csv")),
                     m, {});
        store.ingest(QStringLiteral("provinces"), r.series, kT0);
        const auto all =
            store.allDimensions(QStringLiteral("IND_EMP_YOY_INDEX"), *Period::parse(u"2024-12"));
        QCOMPARE(all.size(), 64);
        QCOMPARE(all.value(QStringLiteral("01")).value, 101.57);
        QCOMPARE(all.value(QStringLiteral("79")).value, 101.38);
    }

    void revisionsKeepHistoryLatestIsCurrent() {
        Database db(m_dir.filePath(QStringLiteral("c.sqlite")));
        SeriesStore store(db);
        // January 2024 public investment: the January table's estimate, then the February
        // table's actual for January (GSO revises the estimate a month later).
        store.ingest(QStringLiteral("f"),
                     {one(QStringLiteral("PUBINV_MONTH"), QStringLiteral("2024-01"), 31118.628)},
                     kT0);
        const IngestStats st =
            store.ingest(QStringLiteral("f"),
                         {one(QStringLiteral("PUBINV_MONTH"), QStringLiteral("2024-01"), 32930.38)},
                         kT0.addDays(30));
        QCOMPARE(st.revised, 1);
        const auto cur =
            store.valueAt(QStringLiteral("PUBINV_MONTH"), {}, *Period::parse(u"2024-01"));
        QCOMPARE(cur->value, 32930.38);
        QCOMPARE(cur->revision, 2);
        const auto revs =
            store.revisions(QStringLiteral("PUBINV_MONTH"), {}, *Period::parse(u"2024-01"));
        QCOMPARE(revs.size(), 2);
        QCOMPARE(revs[0].value, 31118.628);
        QCOMPARE(store.range(QStringLiteral("PUBINV_MONTH"), {}, {}, {}).size(), 1);

        // Retention drops the superseded revision once it is old, never the current value.
        QCOMPARE(store.applyRetention(RetentionPolicy{10, 30}, kT0.addDays(5)), 0);
        QCOMPARE(store.applyRetention(RetentionPolicy{10, 30}, kT0.addDays(20)), 1);
        QCOMPARE(
            store.revisions(QStringLiteral("PUBINV_MONTH"), {}, *Period::parse(u"2024-01")).size(),
            1);
        QCOMPARE(store.latest(QStringLiteral("PUBINV_MONTH"))->value, 32930.38);
    }

    void feedDefinitionsImportAndValidation() {
        Database db(m_dir.filePath(QStringLiteral("d.sqlite")));
        FeedDefinitionStore defs(db);
        QVERIFY(defs.isEmpty());
        QFile demo(qEnvironmentVariable("OPSWALL_SOURCE_DIR") +
                   QStringLiteral("/assets/demo/demo-feeds.json"));
        QVERIFY(demo.open(QIODevice::ReadOnly));
        QString err;
        const int n = defs.importJson(demo.readAll(), &err);
        QVERIFY2(n >= 5, qPrintable(err));
        QCOMPARE(defs.all().size(), n);
        QVERIFY(defs.find(QStringLiteral("gso-cpi-sdmx")));

        auto check = [&](const char *json, const QString &expected) {
            QString e;
            QCOMPARE(defs.importJson(json, &e), -1);
            QCOMPARE(e, expected);
        };
        check("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"a\",\"url\":\"http://x/"
              "a\",\"format\":\"csv\",\"mapping\":{\"valueField\":\"v\",\"timeField\":\"t\"}},"
              "{\"id\":\"b\",\"url\":\"ftp://x/b\",\"format\":\"csv\"}]}",
              QStringLiteral(
                  "feeds[1].url: must be an http or https URL (ws/wss for push: websocket)"));
        check("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"a\",\"url\":\"http://x/"
              "a\",\"format\":\"xls\"}]}",
              QStringLiteral(
                  "feeds[0].format: must be one of json, csv, sdmx-ml, sdmx-json, worldbank"));
        check("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"a\",\"url\":\"http://x/"
              "a\",\"format\":\"sdmx-ml\",\"timeoutMs\":-5}]}",
              QStringLiteral("feeds[0].timeoutMs: must be a whole number from 100 to 600000"));
        check("{\"schemaVersion\":1,\"feeds\":[{\"id\":\"a\",\"url\":\"http://x/"
              "a\",\"format\":\"json\",\"mapping\":{\"valueFeild\":\"v\"}}]}",
              QStringLiteral("feeds[0].mapping.valueFeild: unknown field"));
        check("{\"schemaVersion\":2,\"feeds\":[]}", QStringLiteral("schemaVersion: must be 1"));
        QCOMPARE(defs.all().size(), n); // a bad document imports nothing

        FeedStatus s;
        s.feedId = QStringLiteral("gso-cpi-sdmx");
        s.state = FeedState::Failing;
        s.lastError = QStringLiteral("HTTP 503 Service Unavailable");
        s.lastSuccess = kT0;
        s.etag = "\"abc\"";
        defs.saveStatus(s);
        const auto back = defs.status(QStringLiteral("gso-cpi-sdmx"));
        QCOMPARE(back->state, FeedState::Failing);
        QCOMPARE(back->lastSuccess, kT0);
        QCOMPARE(back->etag, QByteArray("\"abc\""));
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_feeds_store.moc"
