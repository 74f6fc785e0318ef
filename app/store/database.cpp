#include "store/database.h"

#include <algorithm>
#include <chrono>

#include <sqlite3.h>

namespace opswall::store {

namespace {
[[noreturn]] void fail(sqlite3 *db, int rc, const std::string &context) {
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw Error(context + ": " + msg, rc);
}
} // namespace

Statement::Statement(sqlite3 *db, const char *sql)
    : m_db(db) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        fail(db, rc, std::string("prepare \"") + sql + "\"");
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt) {
    other.m_stmt = nullptr;
}

Statement &Statement::bind(int index, std::int64_t value) {
    if (const int rc = sqlite3_bind_int64(m_stmt, index, value); rc != SQLITE_OK)
        fail(m_db, rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, double value) {
    if (const int rc = sqlite3_bind_double(m_stmt, index, value); rc != SQLITE_OK)
        fail(m_db, rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, const QString &value) {
    const QByteArray utf8 = value.toUtf8();
    if (const int rc =
            sqlite3_bind_text(m_stmt, index, utf8.constData(), int(utf8.size()), SQLITE_TRANSIENT);
        rc != SQLITE_OK)
        fail(m_db, rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, const QByteArray &blob) {
    if (const int rc =
            sqlite3_bind_blob(m_stmt, index, blob.constData(), int(blob.size()), SQLITE_TRANSIENT);
        rc != SQLITE_OK)
        fail(m_db, rc, "bind");
    return *this;
}

Statement &Statement::bindNull(int index) {
    if (const int rc = sqlite3_bind_null(m_stmt, index); rc != SQLITE_OK)
        fail(m_db, rc, "bind");
    return *this;
}

Statement &Statement::bind(int index, std::optional<double> value) {
    return value ? bind(index, *value) : bindNull(index);
}

bool Statement::step() {
    const int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE)
        return false;
    fail(m_db, rc, "step");
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(m_stmt, column);
}

double Statement::real(int column) const {
    return sqlite3_column_double(m_stmt, column);
}

QString Statement::text(int column) const {
    const auto *p = reinterpret_cast<const char *>(sqlite3_column_text(m_stmt, column));
    return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, column)) : QString();
}

QByteArray Statement::blob(int column) const {
    const void *p = sqlite3_column_blob(m_stmt, column);
    return p ? QByteArray(static_cast<const char *>(p), sqlite3_column_bytes(m_stmt, column))
             : QByteArray();
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(m_stmt, column) == SQLITE_NULL;
}

Database::Database(const QString &path, OpenMode mode)
    : m_path(path) {
    const int flags = mode == OpenMode::ReadOnly ? SQLITE_OPEN_READONLY
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    const int rc =
        sqlite3_open_v2(path.toUtf8().constData(), &m_db, flags | SQLITE_OPEN_NOMUTEX, nullptr);
    if (rc != SQLITE_OK) {
        const std::string msg = "open " + path.toStdString() + ": " +
                                (m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close(m_db);
        m_db = nullptr;
        throw Error(msg, rc);
    }
    sqlite3_extended_result_codes(m_db, 1);
    // Another connection may hold the write lock for a moment (a reader checkpointing, a second
    // process); wait rather than fail.
    sqlite3_busy_timeout(m_db, 5000);
    if (mode == OpenMode::ReadWrite) {
        // WAL: readers never block the writer; synchronous=FULL makes a committed save durable
        // across power loss, which a control room cares about more than write throughput.
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
    }
    exec("PRAGMA foreign_keys=ON");
}

Database::~Database() {
    sqlite3_close_v2(m_db);
}

void Database::exec(const char *sql) {
    char *err = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    if (rc != SQLITE_OK) {
        std::string msg = std::string("exec \"") + sql + "\": " + (err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        throw Error(msg, rc);
    }
}

Statement Database::prepare(const char *sql) {
    return Statement(m_db, sql);
}

std::int64_t Database::lastInsertRowId() const {
    return sqlite3_last_insert_rowid(m_db);
}

int Database::changes() const {
    return sqlite3_changes(m_db);
}

void Database::TransactionStats::record(double secs) {
    std::size_t i = 0;
    while (i < kBucketsSecs.size() && secs > kBucketsSecs[i])
        ++i;
    ++buckets[i];
    ++count;
    sumSecs += secs;
    maxSecs = std::max(maxSecs, secs);
}

void Database::transaction(const std::function<void()> &fn) {
    const auto started = std::chrono::steady_clock::now();
    const auto elapsedSecs = [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    exec("BEGIN IMMEDIATE");
    try {
        fn();
        exec("COMMIT");
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        ++m_transactions.rolledBack;
        m_transactions.record(elapsedSecs());
        throw;
    }
    m_transactions.record(elapsedSecs());
}

int Database::userVersion() {
    auto st = prepare("PRAGMA user_version");
    st.step();
    return int(st.int64(0));
}

void Database::migrate(std::span<const Migration> migrations) {
    const int current = userVersion();
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest)
        throw Error("database schema version " + std::to_string(current) +
                        " is newer than this program knows (" + std::to_string(newest) +
                        "); refusing to open it",
                    SQLITE_ERROR);
    for (const Migration &m : migrations) {
        if (m.version <= current)
            continue;
        transaction([&] {
            exec(m.sql);
            exec(("PRAGMA user_version=" + std::to_string(m.version)).c_str());
        });
    }
}

void Database::migrateComponent(const char *component, std::span<const Migration> migrations) {
    exec("CREATE TABLE IF NOT EXISTS schema_versions(component TEXT PRIMARY KEY, "
         "version INTEGER NOT NULL)");
    int current = 0;
    {
        auto st = prepare("SELECT version FROM schema_versions WHERE component=?");
        st.bind(1, QString::fromUtf8(component));
        if (st.step())
            current = int(st.int64(0));
    }
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest)
        throw Error(std::string("schema of ") + component + " is version " +
                        std::to_string(current) + ", newer than this program knows",
                    SQLITE_ERROR);
    for (const Migration &m : migrations) {
        if (m.version <= current)
            continue;
        transaction([&] {
            exec(m.sql);
            auto up = prepare("INSERT INTO schema_versions(component, version) VALUES(?, ?) "
                              "ON CONFLICT(component) DO UPDATE SET version=excluded.version");
            up.bind(1, QString::fromUtf8(component)).bind(2, m.version).run();
        });
    }
}

QString Database::integrityCheck() {
    auto st = prepare("PRAGMA integrity_check");
    QString result;
    while (st.step())
        result += (result.isEmpty() ? QString() : QStringLiteral("\n")) + st.text(0);
    return result;
}

} // namespace opswall::store
