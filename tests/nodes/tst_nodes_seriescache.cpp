// The controller's answer to its nodes' seriesOf held in memory (app/nodes/seriescache.h), on a
// real feed store (an SQLite file on disk, read by worker threads' reader connections): once held,
// an answer runs no statement on the GUI thread (store/guithreadwaits.h) and carries what reading
// the store here gives (seriesDocument), so a node replaying it gets the controller's rows; an
// indicator not held yet is left out, read elsewhere and announced; a change is read again and
// announced once, only when the values differ; an unchanged answer is given again as it was; what
// nobody wants for a while, what is over the bytes kept and a removed feed's series are dropped,
// never what the live layout shows. Prints the GUI thread's time per answer against
// reading the store there (the code before), for the demo's size and a large series.
#include "feedpair.h"
#include "feeds/feedhub.h"
#include "nodes/feedreplica.h"
#include "nodes/seriescache.h"
#include "store/database.h"
#include "store/guithreadwaits.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace opswall;
using namespace opswall::nodes;
using namespace feedpair; // kT0, series, rowsOf, FeedPair

namespace {

// The "series" of a document, by indicator and dimension (an answer's order is the request's).
QStringList entriesOf(const QByteArray &doc) {
    QStringList out;
    for (const QJsonValue &s :
         QJsonDocument::fromJson(doc).object().value(QStringLiteral("series")).toArray())
        out.append(QString::fromUtf8(QJsonDocument(s.toObject()).toJson(QJsonDocument::Compact)));
    out.sort();
    return out;
}

// Limits counted on the test's own clock: `now` (ms), which the test moves.
SeriesCache::Limits onClock(const qint64 &now, qint64 idleMs = SeriesCache::Limits{}.idleMs) {
    SeriesCache::Limits limits;
    limits.idleMs = idleMs;
    limits.now = [&now] { return now; };
    return limits;
}

qint64 median(std::vector<qint64> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

class TestNodesSeriesCache : public QObject {
    Q_OBJECT

    FeedPair m_feeds;

    // CPI (three revisions of January, two provinces), IIP, and a large daily series LARGE of
    // `days` days (every fourth revised), in the feed "gso".
    void fill(int days) {
        const feeds::Period jan = feeds::Period::month(2026, 1);
        const feeds::Period feb = feeds::Period::month(2026, 2);
        feeds::SeriesStore &c = m_feeds.controller->series();
        const QString gso = QStringLiteral("gso");
        c.ingest(gso,
                 {series("CPI", "", {{jan, 103.1}, {feb, 103.4}}),
                  series("CPI", "HN", {{jan, 104.0}}), series("IIP", "", {{jan, 108.0}})},
                 kT0);
        c.ingest(gso, {series("CPI", "", {{jan, 103.2}})}, kT0.addDays(20));
        c.ingest(gso, {series("CPI", "", {{jan, 103.25}})}, kT0.addDays(40));
        if (days <= 0)
            return;
        QList<std::pair<feeds::Period, double>> points, revised;
        for (int d = 0; d < days; ++d) {
            const feeds::Period day = feeds::Period::day(QDate(1990, 1, 1).addDays(d));
            points.append({day, 100.0 + d % 97});
            if (d % 4 == 0)
                revised.append({day, 200.0 + d % 89});
        }
        c.ingest(gso, {series("LARGE", "", points)}, kT0.addDays(1));
        c.ingest(gso, {series("LARGE", "", revised)}, kT0.addDays(2));
    }

private Q_SLOTS:
    void init() { m_feeds.make(); }
    void cleanup() { m_feeds.clear(); }

    // A first pull is answered without what is not held, which is read elsewhere and announced;
    // the next answer has it, equals reading the store here, runs no statement on this thread,
    // and replays into a node's store as the controller's rows.
    void answersFromMemoryOnceHeld() {
        fill(0);
        SeriesCache cache(*m_feeds.controller);
        QSignalSpy announced(&cache, &SeriesCache::seriesChanged);
        const QStringList wanted{QStringLiteral("CPI"), QStringLiteral("IIP"),
                                 QStringLiteral("NONE")};
        QCOMPARE(cache.document(wanted), QByteArray(R"({"series":[]})"));
        QCOMPARE(cache.readsInFlight(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        // NONE has no series: held (as nothing), not announced.
        QCOMPARE(announced.first().first().toStringList(),
                 (QStringList{QStringLiteral("CPI"), QStringLiteral("IIP")}));
        QCOMPARE(cache.held(), 3);

        const std::uint64_t waits = store::guiThreadWaits();
        const QByteArray doc = cache.document(wanted);
        QCOMPARE(store::guiThreadWaits(), waits); // no statement on this thread
        QCOMPARE(cache.readsInFlight(), 0);
        QCOMPARE(entriesOf(doc), entriesOf(seriesDocument(*m_feeds.controller, wanted)));
        QCOMPARE(entriesOf(doc).size(), 3); // CPI, CPI HN, IIP

        const QJsonArray theirs =
            QJsonDocument::fromJson(doc).object().value(QStringLiteral("series")).toArray();
        int replayed = -1;
        applySeries(*m_feeds.node, theirs,
                    [&replayed](const SeriesApplied &a) { replayed = a.replayed; });
        QCOMPARE(replayed, 6);
        for (const QString &code : {QStringLiteral("CPI"), QStringLiteral("IIP")})
            QCOMPARE(rowsOf(*m_feeds.nodeDb, code), rowsOf(*m_feeds.controllerDb, code));
    }

    // A change of a held indicator is read again and announced once it is; a change that leaves
    // its values as they were (a feed's status) is read but not announced; an indicator no node
    // asked for is announced at once. Every indicator (an empty request) is read and held.
    void announcesChangesOnceReadAgain() {
        fill(0);
        SeriesCache cache(*m_feeds.controller);
        QSignalSpy announced(&cache, &SeriesCache::seriesChanged);
        cache.warm({QStringLiteral("CPI")});
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        announced.clear();

        m_feeds.controller->series().ingest(
            QStringLiteral("gso"), {series("CPI", "", {{feeds::Period::month(2026, 3), 103.9}})},
            kT0.addDays(41));
        const QByteArray before = cache.document({QStringLiteral("CPI")});
        cache.changed({QStringLiteral("CPI"), QStringLiteral("IIP")});
        QCOMPARE(announced.size(), 1); // IIP at once: nothing held of it
        QCOMPARE(announced.takeFirst().first().toStringList(), QStringList{QStringLiteral("IIP")});
        QCOMPARE(cache.document({QStringLiteral("CPI")}), before); // until read again
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        QCOMPARE(announced.takeFirst().first().toStringList(), QStringList{QStringLiteral("CPI")});
        QCOMPARE(entriesOf(cache.document({QStringLiteral("CPI")})),
                 entriesOf(seriesDocument(*m_feeds.controller, {QStringLiteral("CPI")})));
        QVERIFY(cache.document({QStringLiteral("CPI")}) != before);

        const quint64 reads = cache.reads();
        cache.changed({QStringLiteral("CPI")}); // nothing new stored
        QTRY_VERIFY_WITH_TIMEOUT(cache.reads() > reads && cache.readsInFlight() == 0, 10000);
        QTest::qWait(50);
        QCOMPARE(announced.size(), 0);

        // Two changes while a read is in flight: read once more after it, announced.
        m_feeds.controller->series().ingest(
            QStringLiteral("gso"), {series("CPI", "", {{feeds::Period::month(2026, 4), 104.1}})},
            kT0.addDays(42));
        cache.changed({QStringLiteral("CPI")});
        cache.changed({QStringLiteral("CPI")});
        QTRY_VERIFY_WITH_TIMEOUT(cache.readsInFlight() == 0 && !announced.isEmpty(), 10000);
        QCOMPARE(entriesOf(cache.document({QStringLiteral("CPI")})),
                 entriesOf(seriesDocument(*m_feeds.controller, {QStringLiteral("CPI")})));

        announced.clear();
        // Every indicator: what is held at once (CPI), the others once read (IIP).
        QCOMPARE(entriesOf(cache.document({})),
                 entriesOf(seriesDocument(*m_feeds.controller, {QStringLiteral("CPI")})));
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        QCOMPARE(announced.first().first().toStringList(), QStringList{QStringLiteral("IIP")});
        QCOMPARE(entriesOf(cache.document({})), entriesOf(seriesDocument(*m_feeds.controller, {})));
    }

    // A request answered before, with nothing of it changed since, gets the same bytes (shared:
    // no join, no copy); a change of one of its indicators joins it anew, with the change.
    void givesAnUnchangedAnswerAgain() {
        fill(0);
        SeriesCache cache(*m_feeds.controller);
        QSignalSpy announced(&cache, &SeriesCache::seriesChanged);
        const QStringList wanted{QStringLiteral("CPI"), QStringLiteral("IIP")};
        cache.warm({QStringLiteral("CPI"), QStringLiteral("IIP")});
        QTRY_COMPARE_WITH_TIMEOUT(cache.held(), 2, 10000);
        const QByteArray first = cache.document(wanted);
        const QByteArray again = cache.document(wanted);
        QCOMPARE(again, first);
        QCOMPARE(again.constData(), first.constData()); // the same bytes, not a copy
        QCOMPARE(cache.answersKept(), 1u);
        // Another request (or order) is its own answer.
        QVERIFY(cache.document({QStringLiteral("IIP")}).constData() != first.constData());

        announced.clear();
        m_feeds.controller->series().ingest(
            QStringLiteral("gso"), {series("IIP", "", {{feeds::Period::month(2026, 2), 108.5}})},
            kT0.addDays(41));
        cache.changed({QStringLiteral("IIP")});
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        const QByteArray changed = cache.document(wanted);
        QVERIFY(changed != first);
        QCOMPARE(entriesOf(changed), entriesOf(seriesDocument(*m_feeds.controller, wanted)));
        QCOMPARE(cache.answersKept(), 1u);
    }

    // An indicator no node asked for and the live layout does not show for idleMs is dropped
    // (asked for again: read and announced again); one on screen never is; one that left the
    // screen idles from then.
    void dropsWhatIsNoLongerWanted() {
        fill(0);
        qint64 now = 0;
        SeriesCache cache(*m_feeds.controller, onClock(now, 60000));
        QSignalSpy announced(&cache, &SeriesCache::seriesChanged);
        cache.warm({QStringLiteral("CPI")});
        QCOMPARE(cache.document({QStringLiteral("IIP")}), QByteArray(R"({"series":[]})"));
        QTRY_VERIFY_WITH_TIMEOUT(cache.held() == 2 && cache.readsInFlight() == 0, 10000);

        now = 50000;
        cache.document({QStringLiteral("IIP")}); // asked again: wanted from here
        now = 100000;
        cache.sweep();
        QCOMPARE(cache.dropped(), 0u);
        now = 110001; // IIP idle 60 s and 1 ms; CPI on screen
        cache.sweep();
        QVERIFY(!cache.isHeld(QStringLiteral("IIP")));
        QVERIFY(cache.isHeld(QStringLiteral("CPI")));
        QCOMPARE(cache.dropped(), 1u);

        announced.clear();
        QCOMPARE(cache.document({QStringLiteral("IIP")}), QByteArray(R"({"series":[]})"));
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        QCOMPARE(announced.first().first().toStringList(), QStringList{QStringLiteral("IIP")});
        QCOMPARE(entriesOf(cache.document({QStringLiteral("IIP")})),
                 entriesOf(seriesDocument(*m_feeds.controller, {QStringLiteral("IIP")})));

        cache.warm({}); // CPI leaves the screen at 110 001 ms
        now = 170001;
        cache.sweep();
        QVERIFY(cache.isHeld(QStringLiteral("CPI")));
        now = 170002;
        cache.sweep();
        QVERIFY(!cache.isHeld(QStringLiteral("CPI")));
    }

    // Over maxBytes, the least recently wanted go first, never those on screen.
    void boundedByBytes() {
        fill(3000);
        qint64 now = 0;
        SeriesCache::Limits limits = onClock(now);
        SeriesCache probe(*m_feeds.controller);
        probe.warm({QStringLiteral("CPI"), QStringLiteral("IIP"), QStringLiteral("LARGE")});
        QTRY_COMPARE_WITH_TIMEOUT(probe.held(), 3, 30000);
        limits.maxBytes = probe.heldBytes() - 1; // the three do not fit: one must go

        SeriesCache cache(*m_feeds.controller, limits);
        cache.document({QStringLiteral("LARGE")});
        QTRY_VERIFY_WITH_TIMEOUT(cache.isHeld(QStringLiteral("LARGE")), 30000);
        now = 10;
        cache.document({QStringLiteral("CPI")});
        now = 20;
        cache.document({QStringLiteral("IIP")});
        QTRY_VERIFY_WITH_TIMEOUT(cache.readsInFlight() == 0 && cache.dropped() == 1, 10000);
        QVERIFY(!cache.isHeld(QStringLiteral("LARGE"))); // the least recently wanted
        QVERIFY(cache.isHeld(QStringLiteral("CPI")) && cache.isHeld(QStringLiteral("IIP")));
        QVERIFY(cache.heldBytes() <= limits.maxBytes);

        // On screen: held over the bound; the others (not shown) go to make room.
        now = 30;
        cache.warm({QStringLiteral("LARGE")});
        QTRY_VERIFY_WITH_TIMEOUT(cache.isHeld(QStringLiteral("LARGE")), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(cache.dropped() == 2, 10000);
        QVERIFY(!cache.isHeld(QStringLiteral("CPI"))); // wanted at 10: before IIP
        QVERIFY(cache.isHeld(QStringLiteral("IIP")));
        QCOMPARE(cache.held(), 2);
    }

    // The series of a feed no longer defined are dropped from what is held: an indicator still
    // wanted is read again without them (announced when some remain), the other feed's stay.
    void dropsARemovedFeedsSeries() {
        fill(0);
        m_feeds.defineFeed(QStringLiteral("imf"));
        const feeds::Period jan = feeds::Period::month(2026, 1);
        m_feeds.controller->series().ingest(
            QStringLiteral("imf"),
            {series("CPI", "IMF", {{jan, 99.0}}), series("GDP", "", {{jan, 5.1}})}, kT0);
        qint64 now = 0;
        SeriesCache cache(*m_feeds.controller, onClock(now, 60000));
        QSignalSpy announced(&cache, &SeriesCache::seriesChanged);
        cache.warm({QStringLiteral("CPI")});
        cache.document({QStringLiteral("GDP")});
        QTRY_VERIFY_WITH_TIMEOUT(cache.held() == 2 && cache.readsInFlight() == 0, 10000);
        QCOMPARE(entriesOf(cache.document({QStringLiteral("CPI")})).size(), 3); // gso 2, imf 1
        QVERIFY(cache.document({QStringLiteral("CPI")}).contains(R"("feed":"imf")"));

        announced.clear();
        now = 30000; // both still wanted
        QVERIFY(m_feeds.controller->scheduler()->definitions().remove(QStringLiteral("imf")));
        cache.sweep();
        QTRY_COMPARE_WITH_TIMEOUT(announced.size(), 1, 10000);
        QTRY_COMPARE_WITH_TIMEOUT(cache.readsInFlight(), 0, 10000);
        QCOMPARE(announced.first().first().toStringList(), QStringList{QStringLiteral("CPI")});
        const QByteArray cpi = cache.document({QStringLiteral("CPI")});
        QCOMPARE(entriesOf(cpi).size(), 2);
        QVERIFY(!cpi.contains(R"("feed":"imf")"));
        QCOMPARE(entriesOf(cpi),
                 entriesOf(seriesDocument(*m_feeds.controller, {QStringLiteral("CPI")})));
        QCOMPARE(cache.document({QStringLiteral("GDP")}), QByteArray(R"({"series":[]})"));
    }

    // The GUI thread's time per answer: reading the store there (seriesDocument, the code of
    // issue #12's first slice), joining the held parts (joinSeries, the code before the answers
    // were kept) and the kept answer, for the demo's size (a few indicators of monthly values) and
    // a large series (20 000 days, every fourth revised). Figures only: no timed assertion.
    void answerTimeAgainstReadingTheStore() {
        fill(20000);
        SeriesCache cache(*m_feeds.controller);
        const QStringList small{QStringLiteral("CPI"), QStringLiteral("IIP")};
        const QStringList large{QStringLiteral("LARGE")};
        cache.warm({QStringLiteral("CPI"), QStringLiteral("IIP"), QStringLiteral("LARGE")});
        QTRY_COMPARE_WITH_TIMEOUT(cache.held(), 3, 30000);
        for (const QStringList &wanted : {small, large}) {
            // The held parts as the cache joins them (one per indicator: the document's series).
            const QByteArray whole = cache.document(wanted);
            const QByteArray inner = whole.mid(11, whole.size() - 13); // {"series":[ ... ]}
            const QList<QByteArray> parts{inner};
            std::vector<qint64> read, joined, kept;
            qsizetype bytes = 0;
            const quint64 keptBefore = cache.answersKept();
            for (int round = 0; round < 7; ++round) {
                QElapsedTimer t;
                t.start();
                bytes = seriesDocument(*m_feeds.controller, wanted).size();
                read.push_back(t.nsecsElapsed() / 1000);
                t.restart();
                const QByteArray join = joinSeries(parts);
                joined.push_back(t.nsecsElapsed() / 1000);
                t.restart();
                const QByteArray held = cache.document(wanted);
                kept.push_back(t.nsecsElapsed() / 1000);
                QCOMPARE(held.size(), bytes);
                QCOMPARE(join, held);
                QCOMPARE(held.constData(), whole.constData()); // given again, not copied
            }
            QCOMPARE(cache.answersKept(), keptBefore + 7);
            const qint64 r = median(read), j = std::max<qint64>(1, median(joined)),
                         k = std::max<qint64>(1, median(kept));
            std::printf("RESULT seriesOf %s (%lld bytes), GUI thread, median of 7: %lld us "
                        "reading the store there, %lld us joining the held parts, %lld us the "
                        "kept answer (%.0fx, %.0fx)\n",
                        wanted == small ? "demo-size" : "large series", qlonglong(bytes),
                        qlonglong(r), qlonglong(j), qlonglong(k), double(r) / double(k),
                        double(j) / double(k));
        }
    }
};

QTEST_MAIN(TestNodesSeriesCache)
#include "tst_nodes_seriescache.moc"
