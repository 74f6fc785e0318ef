// The feeds' read model (feeds/readmodel.h) over a real FeedHub and SQLite on disk: values merged
// in memory on ingestion agree with what the store holds (revisions, ReplaceCurrent, new periods)
// without reading the store again; a change is delivered once per frame interval naming only the
// indicators that changed; a feed's status change names that feed's indicators only. Given a way
// to read elsewhere (store::readOffThread: a worker thread's reader), a series or a period's values
// across dimensions asked for the first time, and everything after reload(), are read there: this
// thread runs no statement, and what was held is shown until the new values arrive. A feed with no
// runtime answers its status from what was read at start-up.
#include "feeds/adapters.h"
#include "feeds/feedhub.h"
#include "store/database.h"
#include "store/guithreadwaits.h"
#include "store/readers.h"

#include <QNetworkAccessManager>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall::feeds;

namespace {
Series series(const QString &indicator, const QString &dimension,
              const QList<std::pair<const char *, double>> &points) {
    Series s;
    s.indicator = indicator;
    s.dimension = dimension;
    for (const auto &[period, value] : points)
        s.points << Observation{*Period::parse(QString::fromLatin1(period)), value};
    return s;
}

QString describe(const QList<StoredPoint> &points) {
    QStringList out;
    for (const StoredPoint &p : points)
        out << QStringLiteral("%1=%2 r%3 @%4")
                   .arg(p.period.toString())
                   .arg(p.value)
                   .arg(p.revision)
                   .arg(p.fetchedAtSecs);
    return out.join(QStringLiteral(", "));
}
} // namespace

// A hub over a new file, its read model, and when the test's values are fetched.
struct Fixture {
    explicit Fixture(const QString &path)
        : db(path) {}
    opswall::store::Database db;
    QNetworkAccessManager nam;
    FeedHub hub{db, &nam};
    const QDateTime t0{QDate(2025, 1, 10), QTime(8, 0), Qt::UTC};
};

class TestReadModel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    int m_n = 0;

    // What the scheduler does when a feed delivers: store, then say so on the GUI thread.
    static void deliver(FeedHub &hub, const QString &feed, const QList<Series> &s,
                        const QDateTime &at, IngestMode mode = IngestMode::KeepRevisions) {
        hub.series().ingest(feed, s, at, mode);
        Q_EMIT hub.scheduler()->stored(feed, s, at, mode);
    }

private Q_SLOTS:
    void mergedValuesAgreeWithTheStore() {
        Fixture f(m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++m_n)));
        FeedHub &hub = f.hub;
        ReadModel &model = hub.readModel();
        const QDateTime t0 = f.t0;
        deliver(hub, QStringLiteral("f"),
                {series(QStringLiteral("CPI"), {}, {{"2024-11", 103.1}, {"2024-12", 102.9}}),
                 series(QStringLiteral("IIP"), QStringLiteral("01"), {{"2024-12", 99.0}})},
                t0);
        QCOMPARE(model.series(QStringLiteral("CPI"), {}).size(), 2);
        QCOMPARE(model.series(QStringLiteral("IIP"), QStringLiteral("01")).size(), 1);
        QCOMPARE(model.feedOf(QStringLiteral("CPI"), {}), QStringLiteral("f"));
        const int reads = model.storeReads();
        // A revision, an unchanged value, a new period before and after, another dimension, and
        // a live counter replaced in place: merged in memory as the store merges them.
        deliver(
            hub, QStringLiteral("f"),
            {series(
                QStringLiteral("CPI"), {},
                {{"2024-10", 103.5}, {"2024-11", 103.2}, {"2024-12", 102.9}, {"2025-01", 103.4}})},
            t0.addSecs(3600));
        deliver(hub, QStringLiteral("live"),
                {series(QStringLiteral("IIP"), QStringLiteral("01"), {{"2024-12", 99.5}})},
                t0.addSecs(7200), IngestMode::ReplaceCurrent);
        QCOMPARE(model.storeReads(), reads); // nothing read back from SQLite
        for (const auto &[indicator, dimension] :
             {std::pair{QStringLiteral("CPI"), QString()},
              std::pair{QStringLiteral("IIP"), QStringLiteral("01")}}) {
            const QString inMemory = describe(model.series(indicator, dimension));
            const QString stored = describe(hub.series().range(indicator, dimension, {}, {}));
            QCOMPARE(inMemory, stored);
        }
        QCOMPARE(model.latest(QStringLiteral("CPI"), {})->value, 103.4);
        QCOMPARE(
            model.valueAt(QStringLiteral("CPI"), {}, *Period::parse(QStringLiteral("2024-11")))
                ->revision,
            2);
        QVERIFY(
            !model.valueAt(QStringLiteral("CPI"), {}, *Period::parse(QStringLiteral("2023-11"))));
        QCOMPARE(model.feedOf(QStringLiteral("IIP"), QStringLiteral("01")), QStringLiteral("live"));
        // A series nobody asked for yet is read when first asked, then held.
        deliver(hub, QStringLiteral("f"), {series(QStringLiteral("NEW"), {}, {{"2025", 1.0}})}, t0);
        QCOMPARE(model.series(QStringLiteral("NEW"), {}).size(), 1);
        QCOMPARE(model.storeReads(), reads + 1);
        // Written behind the model's back: stale until reload() says so.
        hub.series().ingest(QStringLiteral("f"),
                            {series(QStringLiteral("NEW"), {}, {{"2026", 2.0}})}, t0);
        QCOMPARE(model.series(QStringLiteral("NEW"), {}).size(), 1);
        model.reload(QStringLiteral("NEW"));
        QCOMPARE(model.series(QStringLiteral("NEW"), {}).size(), 2);
    }

    void changesAreCoalescedAndNameOnlyWhatChanged() {
        Fixture f(m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++m_n)));
        FeedHub &hub = f.hub;
        ReadModel &model = hub.readModel();
        const QDateTime t0 = f.t0;
        deliver(hub, QStringLiteral("a"),
                {series(QStringLiteral("A1"), {}, {{"2024-12", 1.0}}),
                 series(QStringLiteral("A2"), {}, {{"2024-12", 2.0}})},
                t0);
        deliver(hub, QStringLiteral("b"), {series(QStringLiteral("B1"), {}, {{"2024-12", 3.0}})},
                t0);
        for (const char *i : {"A1", "A2", "B1"})
            model.series(QLatin1String(i), {}); // shown on the wall
        model.flush();
        const quint64 a1 = model.revision(QStringLiteral("A1"));
        const quint64 a2 = model.revision(QStringLiteral("A2"));
        QSignalSpy changed(&model, &ReadModel::changed);
        // Three updates in one frame: one delivery naming A1 and B1; A2 (same value) not at all.
        deliver(hub, QStringLiteral("a"),
                {series(QStringLiteral("A1"), {}, {{"2025-01", 1.1}}),
                 series(QStringLiteral("A2"), {}, {{"2024-12", 2.0}})},
                t0.addSecs(60));
        deliver(hub, QStringLiteral("a"), {series(QStringLiteral("A1"), {}, {{"2025-02", 1.2}})},
                t0.addSecs(61));
        deliver(hub, QStringLiteral("b"), {series(QStringLiteral("B1"), {}, {{"2025-01", 3.1}})},
                t0.addSecs(62));
        QCOMPARE(changed.size(), 0); // not yet: at the end of the frame interval
        QVERIFY(changed.wait(1000));
        QCOMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].value<QSet<QString>>(),
                 (QSet<QString>{QStringLiteral("A1"), QStringLiteral("B1")}));
        QCOMPARE(changed[0][1].toBool(), false);
        QCOMPARE(model.revision(QStringLiteral("A1")), a1 + 1);
        QCOMPARE(model.revision(QStringLiteral("A2")), a2);
        // Feed b's status changed: its indicator only.
        Q_EMIT hub.scheduler()->statusChanged(QStringLiteral("b"), FeedState::Failing,
                                              QStringLiteral("HTTP 503"));
        QVERIFY(changed.wait(1000));
        QCOMPARE(changed[1][0].value<QSet<QString>>(), QSet<QString>{QStringLiteral("B1")});
        QTest::qWait(50);
        QCOMPARE(changed.size(), 2); // nothing more without a change
    }

    // The status of a feed with no runtime (no longer defined, not started, a render node's
    // replica): as stored, from what the scheduler read at start-up, without a statement here.
    void statusOfAFeedWithNoRuntimeReadsNothing() {
        const QString path = m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++m_n));
        FeedStatus gone;
        gone.feedId = QStringLiteral("gone");
        gone.state = FeedState::Failing;
        gone.lastError = QStringLiteral("HTTP 404");
        gone.lastSuccess = QDateTime(QDate(2025, 1, 9), QTime(7, 0), Qt::UTC);
        gone.consecutiveFailures = 3;
        {
            Fixture before(path);
            before.hub.scheduler()->definitions().saveStatus(gone);
        }
        Fixture f(path); // start-up: the stored statuses are read
        ReadModel &model = f.hub.readModel();
        const std::uint64_t waits = opswall::store::guiThreadWaits();
        const FeedStatus shown = model.feedStatus(QStringLiteral("gone"));
        QCOMPARE(f.hub.scheduler()->status(QStringLiteral("nowhere")).state, FeedState::Unknown);
        QCOMPARE(opswall::store::guiThreadWaits(), waits);
        QCOMPARE(shown.state, FeedState::Failing);
        QCOMPARE(shown.lastError, gone.lastError);
        QCOMPARE(shown.lastSuccess, gone.lastSuccess);
        QCOMPARE(shown.consecutiveFailures, 3);
        // One stored by someone else (a render node's replica) is answered from then on.
        gone.state = FeedState::Ok;
        f.hub.scheduler()->keepStatus(gone);
        model.feedStatusChanged(QStringLiteral("gone"));
        QCOMPARE(model.feedStatus(QStringLiteral("gone")).state, FeedState::Ok);
        QCOMPARE(opswall::store::guiThreadWaits(), waits);
    }

    void withReadOffNothingIsReadOnThisThread() {
        Fixture f(m_dir.filePath(QStringLiteral("m%1.sqlite").arg(++m_n)));
        FeedHub &hub = f.hub;
        ReadModel &model = hub.readModel();
        const QDateTime t0 = f.t0;
        const Period december = *Period::parse(QStringLiteral("2024-12"));
        deliver(hub, QStringLiteral("f"),
                {series(QStringLiteral("CPI"), {}, {{"2024-11", 103.1}, {"2024-12", 102.9}}),
                 series(QStringLiteral("MAP"), QStringLiteral("01"), {{"2024-12", 1.0}}),
                 series(QStringLiteral("MAP"), QStringLiteral("02"), {{"2024-12", 2.0}})},
                t0);
        model.setReadOff([&f, &model](auto read, auto done) {
            opswall::store::readOffThread(f.db, std::move(read), &model, std::move(done));
        });
        QSignalSpy changed(&model, &ReadModel::changed);
        const std::uint64_t waits = opswall::store::guiThreadWaits();
        // Asked for the first time: empty now, read on a worker thread, then delivered as a change.
        QVERIFY(model.series(QStringLiteral("CPI"), {}).isEmpty());
        QVERIFY(model.allDimensions(QStringLiteral("MAP"), december).isEmpty());
        QCOMPARE(model.readsInFlight(), 2);
        QCOMPARE(opswall::store::guiThreadWaits(), waits);
        QTRY_COMPARE(model.series(QStringLiteral("CPI"), {}).size(), 2);
        QTRY_COMPARE(model.allDimensions(QStringLiteral("MAP"), december).size(), 2);
        QCOMPARE(
            model.allDimensions(QStringLiteral("MAP"), december).value(QStringLiteral("02")).value,
            2.0);
        const auto named = [&changed](const QString &indicator) {
            for (const QList<QVariant> &c : std::as_const(changed))
                if (c[0].value<QSet<QString>>().contains(indicator))
                    return true;
            return false;
        };
        QTRY_VERIFY(named(QStringLiteral("CPI")) && named(QStringLiteral("MAP")));
        QCOMPARE(opswall::store::guiThreadWaits(), waits);
        // An update is merged into what is held, across dimensions too.
        deliver(hub, QStringLiteral("f"),
                {series(QStringLiteral("MAP"), QStringLiteral("03"), {{"2024-12", 3.0}})}, t0);
        QCOMPARE(model.allDimensions(QStringLiteral("MAP"), december).size(), 3);
        // Written behind the model's back, then reload(): what is held stays until the new
        // values are read, elsewhere.
        hub.series().ingest(QStringLiteral("f"),
                            {series(QStringLiteral("CPI"), {}, {{"2025-01", 103.4}})}, t0);
        const std::uint64_t beforeReload = opswall::store::guiThreadWaits();
        model.reload();
        QCOMPARE(model.series(QStringLiteral("CPI"), {}).size(), 2);
        QVERIFY(model.readsInFlight() > 0);
        QCOMPARE(opswall::store::guiThreadWaits(), beforeReload);
        QTRY_COMPARE(model.series(QStringLiteral("CPI"), {}).size(), 3);
        QCOMPARE(model.series(QStringLiteral("CPI"), {}).back().value, 103.4);
        QCOMPARE(opswall::store::guiThreadWaits(), beforeReload);
        // Values stored while a read is in flight are not lost when it comes back.
        QVERIFY(model.series(QStringLiteral("LATE"), {}).isEmpty());
        deliver(hub, QStringLiteral("f"), {series(QStringLiteral("LATE"), {}, {{"2025", 7.0}})},
                t0);
        QTRY_COMPARE(model.readsInFlight(), 0);
        QCOMPARE(model.series(QStringLiteral("LATE"), {}).size(), 1);
        QCOMPARE(model.series(QStringLiteral("LATE"), {}).front().value, 7.0);
    }
};

QTEST_GUILESS_MAIN(TestReadModel)
#include "tst_feeds_readmodel.moc"
