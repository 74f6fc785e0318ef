// The feeds' part of node replication (app/nodes/feedreplica.h) between two real feed stores, a
// controller's and a node's, each its own SQLite file on disk: the node gets every revision of the
// indicators it asks for, with the controller's revision numbers and times of ingestion (so the
// age a tile shows is the controller's), then only what it lacks; a live counter's value replaced
// in place is replaced too; bad points are skipped; the feeds' status and the open alerts are
// kept for the node's tiles, and documents that are not valid are refused with a reason.
#include "feedpair.h"
#include "feeds/feedhub.h"
#include "nodes/feedreplica.h"
#include "store/database.h"
#include "store/guithreadwaits.h"
#include "store/storethread.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace opswall;
using namespace opswall::nodes;
using namespace feedpair; // kT0, series, rowsOf, FeedPair

namespace {

QJsonArray seriesOf(feeds::FeedHub &hub, const QStringList &indicators) {
    return QJsonDocument::fromJson(seriesDocument(hub, indicators))
        .object()
        .value(QStringLiteral("series"))
        .toArray();
}

// applySeries without a store thread: done before it returns.
SeriesApplied applied(feeds::FeedHub &hub, const QJsonArray &doc) {
    SeriesApplied out;
    out.series = -1; // not called
    nodes::applySeries(hub, doc, [&out](const SeriesApplied &done) { out = done; });
    return out;
}

} // namespace

class TestNodesReplica : public QObject {
    Q_OBJECT

    FeedPair m_feeds;

private Q_SLOTS:
    void init() { m_feeds.make(); }
    void cleanup() { m_feeds.clear(); }

    void replaysEveryRevisionWithTheControllersTimes() {
        const feeds::Period jan = feeds::Period::month(2026, 1);
        const feeds::Period feb = feeds::Period::month(2026, 2);
        feeds::SeriesStore &c = m_feeds.controller->series();
        c.ingest(QStringLiteral("gso"),
                 {series(QStringLiteral("CPI"), {{jan, 103.1}, {feb, 103.4}}),
                  series(QStringLiteral("IIP"), {{jan, 108.0}})},
                 kT0);
        c.ingest(QStringLiteral("gso"), {series(QStringLiteral("CPI"), {{jan, 103.2}})},
                 kT0.addDays(20)); // GSO revises January: revision 2
        c.ingest(QStringLiteral("gso"), {series(QStringLiteral("CPI"), {{jan, 103.25}})},
                 kT0.addDays(40)); // and again: revision 3
        QVERIFY(rowsOf(*m_feeds.controllerDb, QStringLiteral("CPI")).size() == 4);

        SeriesApplied done = applied(*m_feeds.node, seriesOf(*m_feeds.controller, {"CPI"}));
        QCOMPARE(done.series, 1);
        QCOMPARE(done.values, 4);
        QCOMPARE(done.replayed, 4);
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("CPI")),
                 rowsOf(*m_feeds.controllerDb, QStringLiteral("CPI")));
        QVERIFY(rowsOf(*m_feeds.nodeDb, QStringLiteral("IIP")).isEmpty()); // not asked for
        // The node's tiles read the controller's current value, with its time of ingestion.
        const auto latest = m_feeds.node->readModel().latest(QStringLiteral("CPI"), {});
        QVERIFY(latest);
        QCOMPARE(latest->period, feb);
        QCOMPARE(latest->fetchedAtSecs, kT0.toSecsSinceEpoch());
        QCOMPARE(m_feeds.node->readModel().valueAt(QStringLiteral("CPI"), {}, jan)->value, 103.25);

        // The same document again stores nothing; a new revision later is all that is stored.
        done = applied(*m_feeds.node, seriesOf(*m_feeds.controller, {"CPI"}));
        QCOMPARE(done.replayed + done.replaced, 0);
        c.ingest(QStringLiteral("gso"), {series(QStringLiteral("CPI"), {{feb, 103.5}})},
                 kT0.addDays(41));
        done = applied(*m_feeds.node, seriesOf(*m_feeds.controller, {"CPI"}));
        QCOMPARE(done.replayed, 1);
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("CPI")),
                 rowsOf(*m_feeds.controllerDb, QStringLiteral("CPI")));
        QCOMPARE(m_feeds.node->readModel().latest(QStringLiteral("CPI"), {})->value, 103.5);
    }

    // A live counter's value for today is replaced in place on the controller (same revision,
    // new value and time): the node replaces it the same way.
    void liveCounterIsReplacedInPlace() {
        const feeds::Period today = feeds::Period::day(QDate(2026, 3, 1));
        feeds::SeriesStore &c = m_feeds.controller->series();
        c.ingest(QStringLiteral("gso"), {series(QStringLiteral("ENT"), {{today, 10}})}, kT0,
                 feeds::IngestMode::ReplaceCurrent);
        QCOMPARE(applied(*m_feeds.node, seriesOf(*m_feeds.controller, {"ENT"})).replayed, 1);
        c.ingest(QStringLiteral("gso"), {series(QStringLiteral("ENT"), {{today, 12}})},
                 kT0.addSecs(60), feeds::IngestMode::ReplaceCurrent);
        const SeriesApplied done = applied(*m_feeds.node, seriesOf(*m_feeds.controller, {"ENT"}));
        QCOMPARE(done.replaced, 1);
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("ENT")),
                 rowsOf(*m_feeds.controllerDb, QStringLiteral("ENT")));
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("ENT")).size(), 1);
        QCOMPARE(m_feeds.node->readModel().latest(QStringLiteral("ENT"), {})->value, 12.0);
    }

    // Points that are not valid are skipped and counted; the valid ones of the series are kept.
    void badPointsAreSkipped() {
        const QJsonArray doc = QJsonDocument::fromJson(R"({"series": [
            {"indicator": "CPI", "dimension": "", "unit": "index", "unitMult": 0, "feed": "gso",
             "points": [[3, 1767225600, 101.5, 1, 1772352000], [3, 1767225600, "x", 2, 0],
                        [99, 0, 1.0, 1, 0], [3, 1769904000, 1.0, 0, 0], [3], "no"]},
            {"dimension": "", "points": [[3, 1767225600, 1.0, 1, 0]]}]})")
                                   .object()
                                   .value(QStringLiteral("series"))
                                   .toArray();
        const SeriesApplied done = applied(*m_feeds.node, doc);
        QCOMPARE(done.replayed, 1);
        QCOMPARE(done.skipped, 6);
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("CPI")).size(), 1);
    }

    // On a node (the app: a store thread), the controller's values and feeds' status are read
    // and written on the store thread: the GUI thread runs no statement and waits for no job,
    // and the read model shows the values once they are committed.
    void nodeWritesWaitNotOnTheDisk() {
        const feeds::Period jan = feeds::Period::month(2026, 1);
        m_feeds.controller->series().ingest(QStringLiteral("gso"),
                                            {series(QStringLiteral("CPI"), {{jan, 103.1}})}, kT0);
        m_feeds.controller->series().ingest(QStringLiteral("gso"),
                                            {series(QStringLiteral("CPI"), {{jan, 103.2}})},
                                            kT0.addDays(20));
        const QJsonArray doc = seriesOf(*m_feeds.controller, {"CPI"});
        m_feeds.node->readModel().series(QStringLiteral("CPI"),
                                         {}); // shown by a tile: held (empty)
        store::StoreThread writer(m_feeds.nodeDb->path());
        m_feeds.nodeDb->setWriter(&writer);
        FeedReplica replica(*m_feeds.node);
        const std::uint64_t before = store::guiThreadWaits();
        std::optional<SeriesApplied> done;
        applySeries(*m_feeds.node, doc, [&done](const SeriesApplied &a) { done = a; });
        QString why;
        QVERIFY(replica.applyFeeds(R"({"feeds": [
            {"id": "gso", "state": "ok", "lastError": "", "lastAttempt": "2026-03-01T09:00:00Z",
             "lastSuccess": "2026-03-01T09:00:00Z", "failures": 0, "staleAfterSecs": 900}]})",
                                   &why));
        QTRY_VERIFY(done.has_value());
        QTRY_COMPARE(int(writer.queued()), 0);
        QCOMPARE(store::guiThreadWaits() - before, std::uint64_t(0));
        QCOMPARE(done->replayed, 2);
        // In memory once committed, as ingestion tells it (no read of the store).
        const auto latest = m_feeds.node->readModel().latest(QStringLiteral("CPI"), {});
        QVERIFY(latest);
        QCOMPARE(latest->value, 103.2);
        QCOMPARE(latest->revision, 2);
        QCOMPARE(m_feeds.node->readModel().feedStatus(QStringLiteral("gso")).state,
                 feeds::FeedState::Ok);
        m_feeds.nodeDb->setWriter(nullptr);
        // And in the node's cache.
        QCOMPARE(rowsOf(*m_feeds.nodeDb, QStringLiteral("CPI")),
                 rowsOf(*m_feeds.controllerDb, QStringLiteral("CPI")));
        QCOMPARE(m_feeds.node->scheduler()->definitions().status(QStringLiteral("gso"))->state,
                 feeds::FeedState::Ok);
    }

    void feedStatusAndAlertsForTheTiles() {
        FeedReplica replica(*m_feeds.node);
        QString why;
        QVERIFY(!replica.applyFeeds("[]", &why));
        QVERIFY(why.contains(QLatin1String("feeds")));
        QVERIFY(replica.applyFeeds(R"({"feeds": [
            {"id": "gso", "state": "failing", "lastError": "HTTP 503",
             "lastAttempt": "2026-03-01T09:00:00Z", "lastSuccess": "2026-03-01T08:00:00Z",
             "failures": 3, "staleAfterSecs": 900},
            {"id": "bad", "state": "on fire", "lastSuccess": null, "staleAfterSecs": 60}]})",
                                   &why));
        const feeds::FeedStatus st = m_feeds.node->readModel().feedStatus(QStringLiteral("gso"));
        QCOMPARE(st.state, feeds::FeedState::Failing);
        QCOMPARE(st.lastError, QStringLiteral("HTTP 503"));
        QCOMPARE(st.lastSuccess, kT0);
        QCOMPARE(replica.staleAfterSecs(QStringLiteral("gso")), std::optional<int>(900));
        QCOMPARE(replica.staleAfterSecs(QStringLiteral("bad")), std::nullopt);
        // Kept in the node's own store: a node started from its cache has it.
        QCOMPARE(m_feeds.node->scheduler()->definitions().status(QStringLiteral("gso"))->state,
                 feeds::FeedState::Failing);

        QVERIFY(!replica.applyAlerts("{\"alerts\": 3}", &why));
        QVERIFY(replica.applyAlerts(R"({"alerts": [
            {"id": "indicator.12", "source": "indicator", "severity": "critical",
             "message": "CPI above target", "since": "2026-03-01T08:30:00Z",
             "acknowledged": true, "acknowledgedBy": "operator",
             "acknowledgedAt": "2026-03-01T08:40:00Z", "rule": "cpi-above-target",
             "indicator": "CPI", "feed": "gso"},
            {"id": "device.L.unreachable", "source": "device", "severity": "warning",
             "message": "display L does not answer", "since": "2026-03-01T08:31:00Z",
             "acknowledged": false},
            {"id": "", "since": "yesterday"}]})",
                                    &why));
        QCOMPARE(replica.alerts().size(), 2);
        QCOMPARE(replica.indicatorAlerts().size(), 1);
        const feeds::Alert a = replica.indicatorAlerts().first();
        QCOMPARE(a.id, 12);
        QCOMPARE(a.severity, feeds::Severity::Critical);
        QCOMPARE(a.indicator, QStringLiteral("CPI"));
        QCOMPARE(a.acknowledgedBy, QStringLiteral("operator"));
        QCOMPARE(a.raisedAt, kT0.addSecs(1800));
    }
};

QTEST_GUILESS_MAIN(TestNodesReplica)
#include "tst_nodes_replica.moc"
