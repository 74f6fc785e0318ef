// The store thread (app/store/storethread.h) on a real SQLite file: jobs run in order on a thread
// that is not the caller's, completions come back on the context object's thread by a queued
// call (never inside post()), a failing job rolls back and reports its error to the health
// database, wait() and run() for the callers that must have the result, the prepared-statement
// cache, and a lock held by the writer is waited for by the GUI thread's connection (a queue of
// this process) instead of being refused like another process's lock.
#include "store/database.h"
#include "store/storethread.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

using namespace opswall::store;

class TestStoreThread : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void jobsRunInOrderOffTheCallersThreadAndCompleteByQueuedCall();
    void failingJobRollsBackAndReportsToTheHealth();
    void waitAndRunGiveTheResultNow();
    void cachedStatementIsPreparedOnce();
    void writerLockIsWaitedForNotRefused();
    void guiWriteIsNotStarvedByAQueueOfJobs();
    void completionOfAGoneContextIsDropped();
    void componentWritesGoToTheStoreThreadOrIntoTheCollectedAction();

private:
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_path;
    std::unique_ptr<Database> m_gui;
    std::unique_ptr<StoreThread> m_writer;
};

void TestStoreThread::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    m_path = m_dir->filePath(QStringLiteral("store.db"));
    m_gui = std::make_unique<Database>(m_path);
    m_gui->exec("CREATE TABLE t(n INTEGER NOT NULL, thread TEXT)");
    m_writer = std::make_unique<StoreThread>(m_path);
    m_gui->setWriter(m_writer.get());
}

void TestStoreThread::cleanup() {
    m_writer.reset();
    m_gui.reset();
    m_dir.reset();
}

void TestStoreThread::jobsRunInOrderOffTheCallersThreadAndCompleteByQueuedCall() {
    QObject context;
    std::vector<int> completed;
    std::atomic<bool> onCallersThread{false};
    const auto caller = std::this_thread::get_id();
    for (int i = 0; i < 20; ++i)
        m_writer->post(
            [i, caller, &onCallersThread](Database &db) {
                if (std::this_thread::get_id() == caller)
                    onCallersThread = true;
                db.transaction([&] { db.cached("INSERT INTO t(n) VALUES(?)").bind(1, i).run(); });
            },
            &context,
            [&completed, caller](std::exception_ptr e) {
                QVERIFY(!e);
                QVERIFY(std::this_thread::get_id() == caller);
                completed.push_back(int(completed.size()));
            });
    QVERIFY(completed.empty()); // never inside post()
    QTRY_COMPARE_WITH_TIMEOUT(completed.size(), std::size_t(20), 10000);
    QVERIFY(!onCallersThread);
    QCOMPARE(m_writer->queued(), std::size_t(0));
    // In the order they were posted, visible to the GUI thread's connection (WAL).
    auto st = m_gui->prepare("SELECT n FROM t ORDER BY rowid");
    int expected = 0;
    while (st.step())
        QCOMPARE(int(st.int64(0)), expected++);
    QCOMPARE(expected, 20);
}

void TestStoreThread::failingJobRollsBackAndReportsToTheHealth() {
    QObject context;
    std::vector<StoreStatus> statuses;
    m_gui->setStatusListener([&](const StoreStatus &s) { statuses.push_back(s); });
    bool done = false;
    QString message;
    m_writer->post(
        [](Database &db) {
            db.transaction([&] {
                db.exec("INSERT INTO t(n) VALUES(1)");
                throw Error("disk I/O error (injected)", 10 /* SQLITE_IOERR */);
            });
        },
        &context,
        [&](std::exception_ptr e) {
            done = true;
            try {
                std::rethrow_exception(e);
            } catch (const Error &x) {
                message = QString::fromUtf8(x.what());
            }
        },
        m_gui.get());
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QVERIFY(message.contains(QLatin1String("injected")));
    auto count = m_gui->prepare("SELECT COUNT(*) FROM t");
    QVERIFY(count.step());
    QCOMPARE(count.int64(0), 0); // rolled back
    QCOMPARE(statuses.size(), std::size_t(1));
    QVERIFY(!m_gui->status().available); // the store alert
    // The next write that succeeds clears it.
    done = false;
    m_writer->post(
        [](Database &db) { db.transaction([&] { db.exec("INSERT INTO t(n) VALUES(2)"); }); },
        &context, [&](std::exception_ptr) { done = true; }, m_gui.get());
    QTRY_VERIFY_WITH_TIMEOUT(done, 5000);
    QVERIFY(m_gui->status().available);
    m_gui->setStatusListener({});
}

void TestStoreThread::waitAndRunGiveTheResultNow() {
    QObject context;
    int calls = 0;
    auto ticket =
        m_writer->post([](Database &db) { db.exec("INSERT INTO t(n) VALUES(7)"); }, &context,
                       [&](std::exception_ptr e) {
                           QVERIFY(!e);
                           ++calls;
                       });
    ticket->wait();
    QCOMPARE(calls, 1);
    QVERIFY(ticket->finished());
    QTest::qWait(50); // the queued completion arrives and does nothing
    QCOMPARE(calls, 1);
    qint64 n = 0;
    m_writer->run([&n](Database &db) {
        auto st = db.prepare("SELECT SUM(n) FROM t");
        st.step();
        n = st.int64(0);
    });
    QCOMPARE(n, 7);
    QVERIFY_THROWS_EXCEPTION(Error, m_writer->run([](Database &db) { db.exec("NOT SQL"); }));
}

void TestStoreThread::cachedStatementIsPreparedOnce() {
    Statement &a = m_gui->cached("SELECT COUNT(*) FROM t WHERE n > ?");
    a.bind(1, 0);
    QVERIFY(a.step());
    Statement &b = m_gui->cached("SELECT COUNT(*) FROM t WHERE n > ?");
    QCOMPARE(&a, &b); // the same statement, reset and its bindings cleared
    QVERIFY(b.step());
    QCOMPARE(b.int64(0), 0);
    b.reset();
}

void TestStoreThread::writerLockIsWaitedForNotRefused() {
    // The GUI thread's connection gives another process's lock only about a frame...
    m_gui->setBusyTimeoutMs(10);
    // ...but the writer of this process holding a transaction for 300 ms is a queue: the GUI
    // thread's write waits for it and succeeds.
    std::atomic<bool> holding{false};
    m_writer->post(
        [&holding](Database &db) {
            db.transaction([&] {
                db.exec("INSERT INTO t(n) VALUES(1)");
                holding = true;
                std::this_thread::sleep_for(std::chrono::milliseconds(300));
            });
        },
        nullptr, {});
    QTRY_VERIFY_WITH_TIMEOUT(holding.load(), 5000);
    m_gui->exec("BEGIN IMMEDIATE");
    m_gui->exec("ROLLBACK");
    m_gui->prepare("INSERT INTO t(n) VALUES(2)").run();
    auto st = m_gui->prepare("SELECT COUNT(*) FROM t");
    QVERIFY(st.step());
    QCOMPARE(st.int64(0), 2);
}

void TestStoreThread::guiWriteIsNotStarvedByAQueueOfJobs() {
    // Twenty jobs of 50 ms each, back to back: 1 s of writer transactions. A write of the GUI
    // thread's connection gets in between two of them instead of waiting for the whole queue.
    std::atomic<int> ran{0};
    for (int i = 0; i < 20; ++i)
        m_writer->post(
            [&ran](Database &db) {
                db.transaction([&] {
                    db.exec("INSERT INTO t(n) VALUES(1)");
                    std::this_thread::sleep_for(std::chrono::milliseconds(50));
                });
                ++ran;
            },
            nullptr, {});
    QTRY_VERIFY_WITH_TIMEOUT(ran.load() >= 1, 5000);
    QElapsedTimer t;
    t.start();
    m_gui->prepare("INSERT INTO t(n) VALUES(2)").run();
    const qint64 waitedMs = t.elapsed();
    const int jobsBefore = ran.load();
    qInfo("the GUI thread's write waited %lld ms, behind %d of 20 jobs",
          static_cast<long long>(waitedMs), jobsBefore);
    QVERIFY2(jobsBefore < 10, qPrintable(QString::number(jobsBefore)));
    QTRY_COMPARE_WITH_TIMEOUT(ran.load(), 20, 10000);
}

void TestStoreThread::completionOfAGoneContextIsDropped() {
    auto context = std::make_unique<QObject>();
    bool called = false;
    auto ticket = m_writer->post([](Database &) {}, context.get(),
                                 [&called](std::exception_ptr) { called = true; });
    // Without running this thread's events: the completion is queued, not delivered yet.
    QElapsedTimer t;
    t.start();
    while (!ticket->finished() && t.elapsed() < 5000)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    QVERIFY(ticket->finished());
    QVERIFY(!called);
    context.reset();
    QTest::qWait(50);
    QVERIFY(!called);
}

void TestStoreThread::componentWritesGoToTheStoreThreadOrIntoTheCollectedAction() {
    // Database::write on the GUI thread's connection: posted to the store thread, never run on
    // the caller's thread; the caller goes on before it is committed.
    const auto caller = std::this_thread::get_id();
    std::atomic<bool> onCallersThread{false};
    std::atomic<bool> release{false};
    m_gui->write([&](Database &db) {
        if (std::this_thread::get_id() == caller)
            onCallersThread = true;
        while (!release) // a slow disk
            std::this_thread::sleep_for(std::chrono::milliseconds(5));
        db.prepare("INSERT INTO t(n, thread) VALUES(1, 'posted')").run();
    });
    bool committed = false;
    m_gui->writeThen(
        [](Database &db) { db.prepare("INSERT INTO t(n, thread) VALUES(2, 'then')").run(); },
        [&committed] { committed = true; });
    QCOMPARE(int(m_gui->writesQueued()), 2); // the caller did not wait
    QVERIFY(!committed);
    release = true;
    QTRY_VERIFY_WITH_TIMEOUT(committed, 10000);
    QVERIFY(!onCallersThread);
    // A failing write is reported to the caller's done, and nothing of it stays.
    std::exception_ptr failure;
    bool failed = false;
    m_gui->write([](Database &db) { db.prepare("INSERT INTO nowhere VALUES(1)").run(); },
                 [&](std::exception_ptr e) {
                     failure = e;
                     failed = true;
                 });
    QTRY_VERIFY_WITH_TIMEOUT(failed, 10000);
    QVERIFY(failure);
    // While a collector is installed (the dispatcher applying an action), writes are handed to it
    // (with what to run once committed) instead of being posted.
    std::vector<Database::WriteJob> collected;
    std::vector<std::function<void()>> shown;
    const Database::WriteCollector previous =
        m_gui->setWriteCollector([&](Database::WriteJob job, std::function<void()> then) {
            collected.push_back(std::move(job));
            if (then)
                shown.push_back(std::move(then));
        });
    QVERIFY(!previous);
    m_gui->write([](Database &db) { db.prepare("INSERT INTO t(n, thread) VALUES(3, 'c')").run(); });
    bool third = false;
    m_gui->writeThen(
        [](Database &db) { db.prepare("INSERT INTO t(n, thread) VALUES(4, 'c')").run(); },
        [&third] { third = true; });
    m_gui->setWriteCollector({});
    QCOMPARE(collected.size(), std::size_t(2));
    QCOMPARE(shown.size(), std::size_t(1));
    QCOMPARE(int(m_gui->writesQueued()), 0);
    // The collector's owner runs them in one transaction on the writer, then what was shown.
    m_writer->run([&](Database &db) {
        db.transaction([&] {
            for (const auto &job : collected)
                job(db);
        });
    });
    for (const auto &then : shown)
        then();
    QVERIFY(third);
    auto st = m_gui->prepare("SELECT group_concat(n) FROM (SELECT n FROM t ORDER BY n)");
    QVERIFY(st.step());
    QCOMPARE(st.text(0), QStringLiteral("1,2,3,4"));
}

QTEST_GUILESS_MAIN(TestStoreThread)
#include "tst_store_thread.moc"
