#pragma once
// A thin RAII layer over the SQLite C API: one connection per object, prepared statements,
// transactions, and versioned migrations. Errors are thrown as store::Error with SQLite's message.
//
// Threading: a Database belongs to the thread that opened it (DESIGN.md: one writer connection on
// the store thread, readers on their own connections in WAL mode).

#include <QByteArray>
#include <QString>

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>

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
    std::int64_t lastInsertRowId() const;
    int changes() const;

    // Runs fn inside BEGIN IMMEDIATE … COMMIT; rolls back and rethrows on any exception.
    void transaction(const std::function<void()> &fn);

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
    };
    const TransactionStats &transactionStats() const { return m_transactions; }

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

    // How long a statement waits for another connection's lock before it fails with
    // SQLITE_BUSY. 5 s by default; the GUI thread's connection uses about a frame (app/shell), so
    // a backup or an sqlite3 shell holding the lock cannot freeze the wall: its writes are refused
    // (503 store unavailable) and retried later instead.
    void setBusyTimeoutMs(int ms);
    int busyTimeoutMs() const { return m_busyTimeoutMs; }

    // The free-space guard: below minFreeBytes on the database's file system every write
    // statement is refused with Error(SQLITE_FULL) before SQLite is asked. 0 turns it off.
    void setMinFreeBytes(std::int64_t bytes) { m_minFreeBytes = bytes; }
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

    // Mode 0600 for the database file and its -wal/-shm companions (the store may hold device
    // secrets and the audit). Called when the file is opened for writing; exposed for tests.
    static void restrictPermissions(const QString &path);

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    int m_busyTimeoutMs = 5000;
    std::int64_t m_minFreeBytes = 0;
    std::int64_t m_freeCheckedMs = 0;
    std::int64_t m_freeBytes = -1;
    StoreStatus m_status;
    StatusListener m_statusListener;
    TransactionStats m_transactions;
};

} // namespace opswall::store
