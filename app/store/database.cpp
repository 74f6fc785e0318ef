#include "store/database.h"

#include "store/storethread.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QObject>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <sqlite3.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

namespace opswall::store {

bool isUnavailable(const Error &error) {
    switch (error.code() & 0xff) { // the primary code of an extended one
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_FULL:
    case SQLITE_IOERR:
    case SQLITE_READONLY:
    case SQLITE_CANTOPEN:
    case SQLITE_PROTOCOL:
        return true;
    default:
        return false;
    }
}

namespace {

// Connections of this process inside a write now (Database::enterWrite), for the busy handler:
// a lock held by one of them is waited for, a lock held by another process is not.
std::atomic<int> g_writersInside{0};
// Connections of this process waiting now for a lock another of them holds: the store thread lets
// them in before it starts its next job (waitForOwnWaiters), so a GUI-thread write is
// not starved by a queue of jobs.
std::atomic<int> g_ownWaiters{0};
// Whether this thread's connection is counted in g_ownWaiters (a connection is used by one
// thread; a thread waits on one lock at a time).
thread_local bool t_waitingForOwn = false;

void doneWaiting() {
    if (t_waitingForOwn) {
        t_waitingForOwn = false;
        --g_ownWaiters;
    }
}

std::int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// The test VFS (installTestVfsFromEnvironment): the default VFS with a slow xSync.
struct SlowFile {
    sqlite3_file base; // pMethods = &g_slowIo
    sqlite3_file *real;
};
sqlite3_vfs *g_baseVfs = nullptr;
sqlite3_vfs g_slowVfs{};
sqlite3_io_methods g_slowIo{};
int g_syncDelayMs = 0;
std::string g_slowWhile; // delay only while this file exists (empty: always)

sqlite3_file *realOf(sqlite3_file *f) {
    return reinterpret_cast<SlowFile *>(f)->real;
}

int slowClose(sqlite3_file *f) {
    sqlite3_file *r = realOf(f);
    return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
}
int slowRead(sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
    return realOf(f)->pMethods->xRead(realOf(f), b, n, o);
}
int slowWrite(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
    return realOf(f)->pMethods->xWrite(realOf(f), b, n, o);
}
int slowTruncate(sqlite3_file *f, sqlite3_int64 size) {
    return realOf(f)->pMethods->xTruncate(realOf(f), size);
}
int slowSync(sqlite3_file *f, int flags) {
    struct stat st {};
    if (g_slowWhile.empty() || ::stat(g_slowWhile.c_str(), &st) == 0)
        std::this_thread::sleep_for(std::chrono::milliseconds(g_syncDelayMs));
    return realOf(f)->pMethods->xSync(realOf(f), flags);
}
int slowFileSize(sqlite3_file *f, sqlite3_int64 *size) {
    return realOf(f)->pMethods->xFileSize(realOf(f), size);
}
int slowLock(sqlite3_file *f, int l) {
    return realOf(f)->pMethods->xLock(realOf(f), l);
}
int slowUnlock(sqlite3_file *f, int l) {
    return realOf(f)->pMethods->xUnlock(realOf(f), l);
}
int slowCheckReserved(sqlite3_file *f, int *out) {
    return realOf(f)->pMethods->xCheckReservedLock(realOf(f), out);
}
int slowFileControl(sqlite3_file *f, int op, void *arg) {
    return realOf(f)->pMethods->xFileControl(realOf(f), op, arg);
}
int slowSectorSize(sqlite3_file *f) {
    return realOf(f)->pMethods->xSectorSize(realOf(f));
}
int slowDeviceCharacteristics(sqlite3_file *f) {
    return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f));
}
int slowShmMap(sqlite3_file *f, int pg, int sz, int extend, void volatile **out) {
    return realOf(f)->pMethods->xShmMap(realOf(f), pg, sz, extend, out);
}
int slowShmLock(sqlite3_file *f, int offset, int n, int flags) {
    return realOf(f)->pMethods->xShmLock(realOf(f), offset, n, flags);
}
void slowShmBarrier(sqlite3_file *f) {
    realOf(f)->pMethods->xShmBarrier(realOf(f));
}
int slowShmUnmap(sqlite3_file *f, int deleteFlag) {
    return realOf(f)->pMethods->xShmUnmap(realOf(f), deleteFlag);
}
int slowFetch(sqlite3_file *f, sqlite3_int64 o, int n, void **out) {
    return realOf(f)->pMethods->xFetch(realOf(f), o, n, out);
}
int slowUnfetch(sqlite3_file *f, sqlite3_int64 o, void *p) {
    return realOf(f)->pMethods->xUnfetch(realOf(f), o, p);
}

int slowOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *outFlags) {
    auto *slow = reinterpret_cast<SlowFile *>(f);
    slow->real = reinterpret_cast<sqlite3_file *>(slow + 1);
    slow->base.pMethods = nullptr;
    const int rc = g_baseVfs->xOpen(g_baseVfs, name, slow->real, flags, outFlags);
    if (slow->real->pMethods) // set even when the open failed: xClose must then be called
        slow->base.pMethods = &g_slowIo;
    return rc;
}

} // namespace

int Database::installTestVfsFromEnvironment() {
    static std::once_flag once;
    std::call_once(once, [] {
        const char *env = std::getenv("OPSWALL_TEST_FSYNC_DELAY_MS");
        const int delay = env ? std::atoi(env) : 0;
        if (delay <= 0)
            return;
        g_baseVfs = sqlite3_vfs_find(nullptr);
        if (!g_baseVfs)
            return;
        g_syncDelayMs = delay;
        if (const char *file = std::getenv("OPSWALL_TEST_FSYNC_DELAY_WHILE"))
            g_slowWhile = file;
        g_slowIo = sqlite3_io_methods{3,
                                      slowClose,
                                      slowRead,
                                      slowWrite,
                                      slowTruncate,
                                      slowSync,
                                      slowFileSize,
                                      slowLock,
                                      slowUnlock,
                                      slowCheckReserved,
                                      slowFileControl,
                                      slowSectorSize,
                                      slowDeviceCharacteristics,
                                      slowShmMap,
                                      slowShmLock,
                                      slowShmBarrier,
                                      slowShmUnmap,
                                      slowFetch,
                                      slowUnfetch};
        g_slowVfs = *g_baseVfs; // every other call goes to the default VFS as it is
        g_slowVfs.zName = "opswall-test-slow-sync";
        g_slowVfs.szOsFile = int(sizeof(SlowFile)) + g_baseVfs->szOsFile;
        g_slowVfs.xOpen = slowOpen;
        g_slowVfs.pNext = nullptr;
        if (sqlite3_vfs_register(&g_slowVfs, 1) == SQLITE_OK)
            qWarning("opswall: TEST ONLY: every fsync of the store is delayed by %d ms "
                     "(OPSWALL_TEST_FSYNC_DELAY_MS)",
                     delay);
        else
            g_syncDelayMs = 0;
    });
    return g_syncDelayMs;
}

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

void Database::restrictPermissions(const QString &path) {
    for (const QString &p : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
                             path + QStringLiteral("-journal")}) {
        const QByteArray file = QFile::encodeName(p);
        struct stat st {};
        if (::stat(file.constData(), &st) == 0 && (st.st_mode & 0077) != 0)
            ::chmod(file.constData(), st.st_mode & 0700);
    }
}

Database::Database(const QString &path, OpenMode mode)
    : m_path(path) {
    if (mode == OpenMode::ReadWrite && !path.startsWith(u':') && !path.isEmpty()) {
        // Create the file 0600 ourselves: SQLite would create it 0644, and makes its -wal and
        // -shm files with the database file's mode.
        const QByteArray file = QFile::encodeName(path);
        const int fd = ::open(file.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            ::close(fd);
        restrictPermissions(path);
    }
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
    // process); wait rather than fail (onBusy: how long depends on whose lock it is).
    sqlite3_busy_handler(m_db, &Database::onBusy, this);
    if (mode == OpenMode::ReadWrite) {
        // WAL: readers never block the writer; synchronous=FULL makes a committed save durable
        // across power loss, which a control room cares about more than write throughput.
        exec("PRAGMA journal_mode=WAL");
        exec("PRAGMA synchronous=FULL");
        restrictPermissions(path); // the -wal/-shm just made
    }
    exec("PRAGMA foreign_keys=ON");
}

void Database::setBusyTimeoutMs(int ms) {
    m_busyTimeoutMs = ms;
    if (m_writer) // the writer connection answers other processes' locks the same way
        m_writer->post([ms](Database &w) { w.setBusyTimeoutMs(ms); }, nullptr, {});
}

void Database::setMinFreeBytes(std::int64_t bytes) {
    m_minFreeBytes = bytes;
    if (m_writer)
        m_writer->post([bytes](Database &w) { w.setMinFreeBytes(bytes); }, nullptr, {});
}

int Database::onBusy(void *self, int attempts) {
    auto *d = static_cast<Database *>(self);
    const std::int64_t now = steadyMs();
    if (attempts == 0)
        d->m_busySinceMs = now;
    // Another connection of this process writing (the store thread's writer, or the GUI
    // thread's connection while the writer waits) is a queue; anything else is another process.
    const int ownOthers = g_writersInside.load() - (d->m_writing > 0 ? 1 : 0);
    const std::int64_t limit = ownOthers > 0 ? kOwnLockWaitMs : d->m_busyTimeoutMs;
    const std::int64_t waited = now - d->m_busySinceMs;
    if (ownOthers > 0 && !t_waitingForOwn) {
        t_waitingForOwn = true;
        ++g_ownWaiters;
    }
    if (waited >= limit) {
        doneWaiting();
        return 0;
    }
    const std::int64_t step = attempts < 4 || ownOthers > 0 ? 1 : 5;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(step, limit - waited)));
    return 1;
}

// For the store thread (storethread.cpp), before each job: while a connection of this process
// waits for the lock the writer just let go (at most maxMs), let it take it first.
void waitForOwnWaiters(int maxMs) {
    const std::int64_t until = steadyMs() + maxMs;
    while (g_ownWaiters.load() > 0 && steadyMs() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void Database::enterWrite() {
    if (m_writing++ == 0)
        ++g_writersInside;
}

void Database::leaveWrite() {
    if (--m_writing == 0)
        --g_writersInside;
}

bool Database::inTransaction() const {
    return m_db && sqlite3_get_autocommit(m_db) == 0;
}

Statement &Database::cached(const char *sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end())
        it = m_cache.emplace(sql, std::make_unique<Statement>(prepare(sql))).first;
    it->second->reset();
    return *it->second;
}

std::int64_t Database::freeBytes() {
    const std::int64_t now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_freeCheckedMs < 1000 && m_freeCheckedMs != 0)
        return m_freeBytes;
    m_freeCheckedMs = now;
    struct statvfs vfs {};
    const QByteArray dir = QFile::encodeName(QFileInfo(m_path).absolutePath());
    m_freeBytes = ::statvfs(dir.constData(), &vfs) == 0
                      ? std::int64_t(vfs.f_bavail) * std::int64_t(vfs.f_frsize)
                      : -1;
    return m_freeBytes;
}

void Database::checkFreeSpace() {
    if (m_minFreeBytes <= 0)
        return;
    const std::int64_t free = freeBytes();
    if (free < 0 || free >= m_minFreeBytes)
        return;
    const Error e("store unavailable: only " + std::to_string(free / (1024 * 1024)) +
                      " MB free on the database's file system (" +
                      QFileInfo(m_path).absolutePath().toStdString() +
                      "), below the configured minimum of " +
                      std::to_string(m_minFreeBytes / (1024 * 1024)) + " MB; writes are refused",
                  SQLITE_FULL);
    reportFailure(e);
    throw e;
}

void Database::reportFailure(const Error &error) {
    if (!isUnavailable(error))
        return;
    const bool changed = m_status.available || m_status.code != error.code();
    if (m_status.available)
        m_status.sinceMs = QDateTime::currentMSecsSinceEpoch();
    m_status.available = false;
    m_status.code = error.code();
    m_status.reason = QString::fromUtf8(error.what());
    if (changed && m_statusListener)
        m_statusListener(m_status);
}

void Database::reportWriteSucceeded() {
    if (m_status.available)
        return;
    m_status = StoreStatus{};
    if (m_statusListener)
        m_statusListener(m_status);
}

bool Database::probeWritable() {
    try {
        checkFreeSpace();
        exec("BEGIN IMMEDIATE");
        exec("ROLLBACK");
        reportWriteSucceeded();
        return true;
    } catch (const Error &e) {
        reportFailure(e);
        return false;
    }
}

Database::~Database() {
    m_cache.clear(); // finalized before the connection closes
    sqlite3_close_v2(m_db);
}

void Database::writeThen(WriteJob job, std::function<void()> committed) {
    if (m_collector) {
        m_collector(std::move(job), std::move(committed)); // part of the action being applied
        return;
    }
    write(std::move(job),
          [path = m_path, committed = std::move(committed)](std::exception_ptr error) {
              if (!error) {
                  if (committed)
                      committed();
                  return;
              }
              try {
                  std::rethrow_exception(error);
              } catch (const std::exception &e) {
                  qWarning("opswall: store: a write to %s failed: %s", qPrintable(path), e.what());
              } catch (...) {
                  qWarning("opswall: store: a write to %s failed", qPrintable(path));
              }
          });
}

void Database::write(WriteJob job) {
    if (m_collector) {
        m_collector(std::move(job), {}); // part of the action being applied
        return;
    }
    write(std::move(job), [path = m_path](std::exception_ptr error) {
        if (!error)
            return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception &e) {
            qWarning("opswall: store: a write to %s failed: %s", qPrintable(path), e.what());
        } catch (...) {
            qWarning("opswall: store: a write to %s failed", qPrintable(path));
        }
    });
}

void Database::write(WriteJob job, std::function<void(std::exception_ptr)> done) {
    auto inTransaction = [job = std::move(job)](Database &on) { on.transaction([&] { job(on); }); };
    if (!m_writer) {
        std::exception_ptr error;
        try {
            inTransaction(*this);
        } catch (...) {
            error = std::current_exception();
        }
        if (done)
            done(error);
        return;
    }
    if (!m_context)
        m_context = std::make_unique<QObject>();
    m_writer->post(
        std::move(inTransaction), m_context.get(),
        [done = std::move(done)](std::exception_ptr error) {
            if (done)
                done(error);
        },
        this);
}

std::size_t Database::writesQueued() const {
    return m_writer ? m_writer->queued() : 0;
}

void Database::exec(const char *sql) {
    char *err = nullptr;
    const int rc = sqlite3_exec(m_db, sql, nullptr, nullptr, &err);
    doneWaiting();
    if (rc != SQLITE_OK) {
        std::string msg = std::string("exec \"") + sql + "\": " + (err ? err : sqlite3_errstr(rc));
        sqlite3_free(err);
        throw Error(msg, rc);
    }
}

Statement Database::prepare(const char *sql) {
    try {
        Statement st(m_db, sql, this);
        doneWaiting();
        return st;
    } catch (const Error &e) {
        doneWaiting();
        reportFailure(e); // a locked schema or an unreadable file fails here already
        throw;
    }
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

void Database::TransactionStats::merge(const TransactionStats &other) {
    for (std::size_t i = 0; i < buckets.size(); ++i)
        buckets[i] += other.buckets[i];
    count += other.count;
    rolledBack += other.rolledBack;
    sumSecs += other.sumSecs;
    maxSecs = std::max(maxSecs, other.maxSecs);
}

void Database::transaction(const std::function<void()> &fn) {
    if (inTransaction()) {
        fn(); // part of the transaction already open on this connection
        return;
    }
    const auto started = std::chrono::steady_clock::now();
    const auto elapsedSecs = [started] {
        return std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    };
    try {
        checkFreeSpace();
        exec("BEGIN IMMEDIATE");
    } catch (const Error &e) {
        reportFailure(e);
        throw;
    }
    enterWrite();
    try {
        fn();
        exec("COMMIT");
    } catch (const Error &e) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        leaveWrite();
        reportFailure(e);
        throw;
    } catch (...) {
        sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        leaveWrite();
        ++m_transactions.rolledBack;
        m_transactions.record(elapsedSecs());
        throw;
    }
    leaveWrite();
    reportWriteSucceeded();
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
