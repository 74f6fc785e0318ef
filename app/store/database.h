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

class Statement {
public:
    Statement(sqlite3 *db, const char *sql);
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
};

struct Migration {
    int version; // applied in ascending order; never renumber a shipped migration
    const char *sql;
};

enum class OpenMode { ReadWrite, ReadOnly };

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

private:
    sqlite3 *m_db = nullptr;
    QString m_path;
    TransactionStats m_transactions;
};

} // namespace opswall::store
