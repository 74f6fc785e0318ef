#pragma once
// A thin RAII layer over the SQLite C API: one connection per object, prepared statements,
// transactions, and versioned migrations. Errors are thrown as store::Error with SQLite's message.
//
// Threading: a Database belongs to the thread that opened it. In the app (README.md "Threads and
// connections") the GUI thread's Database reads and still serves the components not yet moved to
// the store thread; the one writer connection lives on the store thread (store/storethread.h) and
// is reached through writer(). Both run in WAL mode, so readers never wait for the writer.

#include <QByteArray>
#include <QString>

#include <exception>
#include <utility>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

class QObject;
struct sqlite3;
struct sqlite3_stmt;

namespace opswall::store {

class Error : public std::runtime_error {
public:
    Error(const std::string &what, int code)
        : std::runtime_error(what)
        , m_code(code) {}
    int code() const { return m_code; }

private:
    int m_code;
};

class Database;
class StoreThread;

class Statement {
public:
    // owner (may be null) is told about failures and checks free space before a write.
    Statement(sqlite3 *db, const char *sql, Database *owner = nullptr);
    ~Statement();
    Statement(Statement &&other) noexcept;
    Statement &operator=(Statement &&) = delete;
    Statement(const Statement &) = delete;
    Statement &operator=(const Statement &) = delete;

    // Parameters are 1-based, as in SQLite.
    Statement &bind(int index, std::int64_t value);
    Statement &bind(int index, int value) { return bind(index, std::int64_t{value}); }
    Statement &bind(int index, long long value) { return bind(index, std::int64_t(value)); }
    Statement &bind(int index, double value);
    Statement &bind(int index, const QString &value);
    Statement &bind(int index, const QByteArray &blob);
    Statement &bindNull(int index);
    Statement &bind(int index, std::optional<double> value);

    // Returns true while a row is available; false when the statement is done.
    bool step();
    // Runs a statement that returns no rows (and resets it for reuse).
    void run();
    void reset();

    std::int64_t int64(int column) const;
    double real(int column) const;
    QString text(int column) const;
    QByteArray blob(int column) const;
    bool isNull(int column) const;

private:
    sqlite3 *m_db = nullptr;
    sqlite3_stmt *m_stmt = nullptr;
    Database *m_owner = nullptr;
};

struct Migration {
    int version; // applied in ascending order; never renumber a shipped migration
    const char *sql;
};

enum class OpenMode { ReadWrite, ReadOnly };

// Whether writes currently succeed, for the alert the API shows and the 503 answers.
struct StoreStatus {
    bool available = true;
    int code = 0;   // SQLite's result code of the last failure (SQLITE_BUSY, SQLITE_FULL…)
    QString reason; // "database is locked", "only 12 MB free on /var/lib/opswall…"
    std::int64_t sinceMs = 0; // when it became unavailable
};

// True for the failures that say the store cannot be written now (busy, locked, full, I/O,
// read-only, the free-space guard) rather than that a statement is wrong.
bool isUnavailable(const Error &error);
// What a failed job threw, for a log line or an answer: e.what(), or "unknown error".
QString errorText(std::exception_ptr error);

class Database {
public:
    explicit Database(const QString &path, OpenMode mode = OpenMode::ReadWrite);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const QString &path() const { return m_path; }
    sqlite3 *handle() const { return m_db; }

    void exec(const char *sql);
    Statement prepare(const char *sql);
    // The prepared-statement cache: the statement for sql, prepared once per connection and
    // reset (bindings cleared) each time it is handed out. Valid until the Database goes; use it
    // for the statements a hot path runs again and again (the store thread's writes).
    Statement &cached(const char *sql);
    std::int64_t lastInsertRowId() const;
    int changes() const;

    // Runs fn inside BEGIN IMMEDIATE … COMMIT; rolls back and rethrows on any exception. Inside
    // another transaction() of this connection fn simply runs as part of the outer one (so the
    // store thread can make one action's rows one transaction out of savers that use their own).
    void transaction(const std::function<void()> &fn);
    bool inTransaction() const;

    // How long transaction() took from BEGIN to COMMIT (or ROLLBACK), since this connection
    // opened: for the metrics (GET /api/v1/metrics). Read on the connection's thread.
    struct TransactionStats {
        static constexpr std::array<double, 9> kBucketsSecs{0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,  0.1,    0.25,  1.0};
        std::array<std::uint64_t, kBucketsSecs.size() + 1> buckets{}; // per bucket; last: +Inf
        std::uint64_t count = 0;
        std::uint64_t rolledBack = 0;
        double sumSecs = 0;
        double maxSecs = 0;
        void record(double secs);
        void merge(const TransactionStats &other);
    };
    const TransactionStats &transactionStats() const { return m_transactions; }

    // The store thread whose writer connection writes this database file, when there is one
    // (the app); null in tests and tools that write on their own thread. Not owned.
    void setWriter(StoreThread *writer) { m_writer = writer; }
    StoreThread *writer() const { return m_writer; }

    // A write of a component that reads on this (the GUI thread's) connection: tokens, sources,
    // panels, briefings, devices, calibration, alerts (README.md "Threads and connections").
    //   - inside an action (the dispatcher installed a collector, setWriteCollector) job joins
    //     the action's one transaction on the store thread, next to its history and audit rows;
    //   - otherwise, with a writer(), job is posted to the store thread as a transaction of its
    //     own; failures are logged and reported to this Database's health (the store alert);
    //   - with no writer (tests, tools), job runs here, now, in a transaction.
    // The caller never waits for the disk; a read on this connection sees the write once it is
    // committed. job runs on the writer connection: it must use the Database it is given, and
    // capture values, never references to GUI-thread objects.
    using WriteJob = std::function<void(Database &)>;
    void write(WriteJob job);
    // The same, with done called on this Database's thread (the GUI thread) once the job ran (a
    // null error: committed). Not joined to an action's transaction.
    void write(WriteJob job, std::function<void(std::exception_ptr)> done);
    // The same, and committed runs on this Database's thread once the job is committed (after
    // the action's transaction inside an action; never when it failed): for in-memory copies
    // that must not change unless the row did (an alert's acknowledgement).
    void writeThen(WriteJob job, std::function<void()> committed);
    // Installs (or with an empty function removes) the collector of the writes made while an
    // action is being applied; returns the previous one (the dispatcher nests actions).
    // committed may be empty.
    using WriteCollector = std::function<void(WriteJob, std::function<void()> committed)>;
    WriteCollector setWriteCollector(WriteCollector collector) {
        return std::exchange(m_collector, std::move(collector));
    }
    // Whether a write now joins an action's transaction (a collector is installed).
    bool collecting() const { return bool(m_collector); }
    // Writes posted by write() and not finished yet (the store thread's whole queue).
    std::size_t writesQueued() const;

    // For tests only (a slow disk: testhooks::slowDisk(), OPSWALL_TEST_FSYNC_DELAY_MS): with a
    // delayMs above 0, registers (once, as the default VFS of this process) a VFS that wraps the
    // default one and sleeps delayMs in every xSync, so every commit is as slow as a failing
    // disk; with onlyWhile not empty, only while that file exists. Returns the delay installed
    // (0: none). The app calls it before it opens the store; the store reads no environment.
    static int installSlowSyncVfs(int delayMs, const QString &onlyWhile);

    // PRAGMA user_version: the core schema version.
    int userVersion();
    // Applies the core migrations (keyed on PRAGMA user_version) that are newer than the file.
    // A file newer than the program knows is refused rather than touched.
    void migrate(std::span<const Migration> migrations);
    // Components that own their own tables (feeds, video sources, ...) keep their version in
    // schema_versions(component, version) so they can evolve independently of the core schema.
    void migrateComponent(const char *component, std::span<const Migration> migrations);

    // PRAGMA integrity_check: "ok" when the file is sound.
    QString integrityCheck();

    // How long a statement waits for another process's lock before it fails with SQLITE_BUSY.
    // 5 s by default; the app's connections use about a frame (app/shell, the store config), so
    // a backup or an sqlite3 shell holding the lock cannot freeze the wall: its writes are refused
    // (503 store unavailable) and retried later instead. A lock held by another connection of
    // this process (the store thread's writer while the GUI thread writes, or the other way
    // round) is waited for up to kOwnLockWaitMs instead: that is a queue, not an outage.
    void setBusyTimeoutMs(int ms);
    int busyTimeoutMs() const { return m_busyTimeoutMs; }
    static constexpr int kOwnLockWaitMs = 10000;

    // The free-space guard: below minFreeBytes on the database's file system every write
    // statement is refused with Error(SQLITE_FULL) before SQLite is asked. 0 turns it off.
    // Both settings are passed on to the writer() connection too.
    void setMinFreeBytes(std::int64_t bytes);
    std::int64_t minFreeBytes() const { return m_minFreeBytes; }
    // Free bytes on the database's file system (statvfs, at most once a second); -1 unknown.
    std::int64_t freeBytes();
    // Throws Error(SQLITE_FULL) when the guard refuses writes now.
    void checkFreeSpace();

    // Health, for the alert and recovery: every failure of a statement or a transaction that says
    // the store is unavailable is reported here, and the next successful write clears it.
    const StoreStatus &status() const { return m_status; }
    using StatusListener = std::function<void(const StoreStatus &)>;
    void setStatusListener(StatusListener listener) { m_statusListener = std::move(listener); }
    void reportFailure(const Error &error);
    void reportWriteSucceeded();
    // Tries to take the write lock and let it go at once (and the free-space guard): true when a
    // write would succeed now. Used to notice that the store is back while nothing writes.
    bool probeWritable();
    // The same without waiting: with a writer() the store thread tries (behind the jobs queued
    // before) and the outcome reaches status() by the completion; one probe at a time. Without
    // one, probeWritable() runs here.
    void probeWritableLater();

    // Mode 0600 for the database file and its -wal/-shm companions (the store may hold device
    // secrets and the audit). Called when the file is opened for writing; exposed for tests.
    static void restrictPermissions(const QString &path);

    // Whether this connection is inside a write now (a transaction or a write statement); the
    // busy handler of the process's other connections asks.
    void enterWrite();
    void leaveWrite();

private:
    static int onBusy(void *self, int attempts);

    sqlite3 *m_db = nullptr;
    QString m_path;
    StoreThread *m_writer = nullptr;
    WriteCollector m_collector;
    std::unique_ptr<QObject> m_context; // completions of write() come back to its thread
    std::unordered_map<std::string, std::unique_ptr<Statement>> m_cache;
    int m_writing = 0;      // nesting of enterWrite() on this connection
    bool m_probing = false; // a probeWritableLater() is on the store thread
    bool m_wal = false;     // the file is in WAL mode (migrations then do not fsync)
    class UnsyncedMigration;
    std::int64_t m_busySinceMs = 0; // when the current wait for a lock began
    int m_busyTimeoutMs = 5000;
    std::int64_t m_minFreeBytes = 0;
    std::int64_t m_freeCheckedMs = 0;
    std::int64_t m_freeBytes = -1;
    StoreStatus m_status;
    StatusListener m_statusListener;
    TransactionStats m_transactions;
};

} // namespace opswall::store
