// Statement: one prepared SQLite statement with typed binds and columns.
#include "store/database.h"

#include "store/database_p.h"

#include <sqlite3.h>

namespace opswall::store {

namespace {
[[noreturn]] void fail(sqlite3 *db, int rc, const std::string &context) {
    const char *msg = db ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    throw Error(context + ": " + msg, rc);
}
} // namespace

Statement::Statement(sqlite3 *db, const char *sql, Database *owner)
    : m_db(db)
    , m_owner(owner) {
    const int rc = sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr);
    if (rc != SQLITE_OK)
        fail(db, rc, std::string("prepare \"") + sql + "\"");
}

Statement::~Statement() {
    sqlite3_finalize(m_stmt);
}

Statement::Statement(Statement &&other) noexcept
    : m_db(other.m_db)
    , m_stmt(other.m_stmt)
    , m_owner(other.m_owner) {
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
    const bool writes = !sqlite3_stmt_readonly(m_stmt);
    if (writes && m_owner)
        m_owner->checkFreeSpace();
    if (writes && m_owner)
        m_owner->enterWrite();
    const int rc = sqlite3_step(m_stmt);
    doneWaiting();
    if (writes && m_owner)
        m_owner->leaveWrite();
    if (rc == SQLITE_ROW)
        return true;
    if (rc == SQLITE_DONE) {
        if (writes && m_owner && sqlite3_get_autocommit(m_db))
            m_owner->reportWriteSucceeded(); // committed on its own
        return false;
    }
    try {
        fail(m_db, rc, "step");
    } catch (const Error &e) {
        if (m_owner)
            m_owner->reportFailure(e);
        throw;
    }
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

} // namespace opswall::store
