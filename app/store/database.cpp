#include "store/database.h"

#include "core/diagnostics.h"

#include "store/database_p.h"
#include "store/guithreadwaits.h"

#include "store/storethread.h"
#include "store/writefence.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <QThread>
#include <algorithm>
#include <atomic>
#include <mutex>

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

void Database::restrictPermissions(const QString &path) {
    for (const QString &p : {path, path + QStringLiteral("-wal"), path + QStringLiteral("-shm"),
                             path + QStringLiteral("-journal")}) {
        const QByteArray file = QFile::encodeName(p);
        struct stat st {};
        if (::stat(file.constData(), &st) == 0 && (st.st_mode & 0077) != 0)
            ::chmod(file.constData(), st.st_mode & 0700);
    }
}

namespace {

// Removes path and the files SQLite keeps beside it (what a crash may have left).
void removeWithCompanions(const QByteArray &path) {
    for (const char *suffix : {"", "-journal", "-wal", "-shm"})
        ::unlink((path + suffix).constData());
}

// A new database file (path: just made, empty) becomes an empty database already in WAL mode
// with one fsync. Converting it in place costs three (the rollback journal synced twice, then
// the file; "PRAGMA journal_mode=WAL" is a write of page 1 like any other). Instead the database
// is made in a file beside it that no one else opens, without syncs, synced once when complete
// and renamed over the empty file: rename(2) is atomic, so a crash leaves the empty file (a
// valid, empty database; the next start makes it again) or the complete one, never a torn page
// 1. The directory entry is made durable by the first fsync of the WAL (SQLite syncs the
// directory of a WAL it opens to create), before any commit is. False when it could not be
// done: the caller then converts the file in place as before.
bool makeEmptyWalDatabase(const QString &path) {
    const QByteArray file = QFile::encodeName(path);
    // A WAL (and its index) left by a database that was removed: SQLite would replay its frames
    // into the new file, bringing back another database's pages.
    ::unlink((file + "-wal").constData());
    ::unlink((file + "-shm").constData());
    const QByteArray temp = file + ".new";
    removeWithCompanions(temp); // a crash's leftover
    const int fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return false;
    ::close(fd);
    sqlite3 *db = nullptr;
    bool ok = sqlite3_open_v2(temp.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                              nullptr) == SQLITE_OK;
    sqlite3_stmt *wal = nullptr;
    ok = ok && sqlite3_exec(db, "PRAGMA synchronous=OFF", nullptr, nullptr, nullptr) == SQLITE_OK &&
         sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &wal, nullptr) == SQLITE_OK &&
         sqlite3_step(wal) == SQLITE_ROW &&
         qstricmp(reinterpret_cast<const char *>(sqlite3_column_text(wal, 0)), "wal") == 0;
    sqlite3_finalize(wal);
    // The one fsync, through the VFS (so the store's test VFS delays it like any other).
    sqlite3_file *main = nullptr;
    ok = ok && sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER, &main) == SQLITE_OK &&
         main && main->pMethods && main->pMethods->xSync(main, SQLITE_SYNC_NORMAL) == SQLITE_OK;
    // Closing it removes its (empty) WAL and index: nothing to checkpoint, nothing to sync.
    ok = sqlite3_close(db) == SQLITE_OK && ok;
    ok = ok && ::rename(temp.constData(), file.constData()) == 0;
    if (!ok)
        removeWithCompanions(temp);
    return ok;
}

// The files this process made with makeEmptyWalDatabase (UnsyncedMigration).
std::mutex g_madeMutex;
QSet<QString> g_made;

bool madeHere(const QString &path) {
    const std::lock_guard lock(g_madeMutex);
    return g_made.contains(path);
}

} // namespace

Database::Database(const QString &path, OpenMode mode)
    : m_path(path) {
    if (mode == OpenMode::ReadWrite && !path.startsWith(u':') && !path.isEmpty()) {
        // Create the file 0600 ourselves: SQLite would create it 0644, and makes its -wal and
        // -shm files with the database file's mode.
        const QByteArray file = QFile::encodeName(path);
        const int fd = ::open(file.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0) {
            ::close(fd);
            // (not a URI: "file:…?mode=memory" names no file of its own)
            if (!path.startsWith(QLatin1String("file:")) && makeEmptyWalDatabase(path)) {
                const std::lock_guard lock(g_madeMutex);
                g_made.insert(path);
            }
        }
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
    sqlite3_trace_v2(m_db, SQLITE_TRACE_STMT, &onTrace, nullptr); // guiThreadWaits
    if (mode == OpenMode::ReadWrite) {
        // WAL: readers never block the writer; synchronous=FULL makes a committed save durable
        // across power loss, which a control room cares about more than write throughput.
        {
            auto wal = prepare("PRAGMA journal_mode=WAL");
            m_wal =
                wal.step() && wal.text(0).compare(QLatin1String("wal"), Qt::CaseInsensitive) == 0;
        }
        exec("PRAGMA synchronous=FULL");
        restrictPermissions(path); // the -wal/-shm just made
    }
    exec("PRAGMA foreign_keys=ON");
}

namespace {
std::atomic<std::uint64_t> g_guiThreadWaits{0};
const bool g_logGuiThreadWaits = diagnostics::isOn(diagnostics::Switch::LogGuiThreadSql);
} // namespace

void noteGuiThreadWait(const char *what) {
    const QCoreApplication *app = QCoreApplication::instance();
    if (!app || QThread::currentThread() != app->thread())
        return;
    const std::uint64_t n = ++g_guiThreadWaits;
    if (g_logGuiThreadWaits) // numbered: the log's repeat limiter would hold back a repeat
        qWarning("opswall: store: the GUI thread waits on the disk (#%llu): %s",
                 static_cast<unsigned long long>(n), what ? what : "?");
}

int onTrace(unsigned type, void *, void *, void *sql) {
    const char *text = static_cast<const char *>(sql);
    if (type != SQLITE_TRACE_STMT || (text && text[0] == '-' && text[1] == '-'))
        return 0; // a trigger's statement: part of the one that fired it
    noteGuiThreadWait(text);
    return 0;
}

std::uint64_t guiThreadWaits() {
    return g_guiThreadWaits.load();
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

namespace {
std::mutex g_fenceMutex;
QString g_fence; // setWriteFence (store/writefence.h)
std::atomic<bool> g_fenced{false};
} // namespace

void setWriteFence(const QString &reason) {
    const std::lock_guard lock(g_fenceMutex);
    g_fence = reason;
    g_fenced = !reason.isEmpty();
}

QString writeFence() {
    const std::lock_guard lock(g_fenceMutex);
    return g_fence;
}

void Database::checkFreeSpace() {
    if (g_fenced) {
        const Error e(writeFence().toStdString(), SQLITE_READONLY);
        reportFailure(e);
        throw e;
    }
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

// Migrations do not wait for the disk (start-up, before the first frame): in WAL mode their
// commits are made with synchronous=NORMAL, which keeps the file consistent, and are durable with
// the next fsync'd commit of the file (the store thread's first write syncs the log they are in).
// A power loss before that leaves the file at the version before; the next start migrates again.
//
// On a file this process made (makeEmptyWalDatabase) whose WAL holds no frame yet they go
// with synchronous=OFF: the only sync NORMAL would add is that of the new WAL's header before
// its first frame, which SQLite makes so that frames of an earlier generation of the log cannot
// pass for new ones after a restart of the log (https://sqlite.org/src/info/ff5be73dee); a log
// that never held a frame has none. Its other syncs are a checkpoint's, and the connection makes
// no checkpoint meanwhile (wal_autocheckpoint 0). What a power loss leaves is what NORMAL leaves:
// a prefix of the commits (frames are checksummed in a chain), and the next start migrates again.
class Database::UnsyncedMigration {
public:
    explicit UnsyncedMigration(Database &db)
        : m_owner(db)
        , m_on(db.m_wal && !db.inTransaction())
        , m_newLog(m_on && madeHere(db.m_path) &&
                   QFileInfo(db.m_path + QStringLiteral("-wal")).size() == 0) {
        if (m_newLog) {
            sqlite3_wal_autocheckpoint(m_owner.m_db, 0);
            m_owner.exec("PRAGMA synchronous=OFF");
        } else if (m_on) {
            m_owner.exec("PRAGMA synchronous=NORMAL");
        }
    }
    ~UnsyncedMigration() {
        if (m_on)
            sqlite3_exec(m_owner.m_db, "PRAGMA synchronous=FULL", nullptr, nullptr, nullptr);
        if (m_newLog)
            sqlite3_wal_autocheckpoint(m_owner.m_db, 1000); // SQLite's default, as before
    }
    UnsyncedMigration(const UnsyncedMigration &) = delete;
    UnsyncedMigration &operator=(const UnsyncedMigration &) = delete;

private:
    Database &m_owner;
    bool m_on;
    bool m_newLog;
};

namespace {
// The migrations newer than `current`, in order, each in its own transaction with
// record(version) (where the schema's version is kept); a schema newer than the newest migration
// is refused with tooNew(newest).
template<class TooNew, class Record>
void applyNewer(Database &db, int current, std::span<const Migration> migrations, TooNew tooNew,
                Record record) {
    const int newest = migrations.empty() ? 0 : migrations.back().version;
    if (current > newest)
        throw Error(tooNew(newest), SQLITE_ERROR);
    for (const Migration &m : migrations) {
        if (m.version <= current)
            continue;
        db.transaction([&] {
            db.exec(m.sql);
            record(m.version);
        });
    }
}
} // namespace

void Database::migrate(std::span<const Migration> migrations) {
    const UnsyncedMigration unsynced(*this);
    const int current = userVersion();
    applyNewer(
        *this, current, migrations,
        [current](int newest) {
            return "database schema version " + std::to_string(current) +
                   " is newer than this program knows (" + std::to_string(newest) +
                   "); refusing to open it";
        },
        [this](int version) { exec(("PRAGMA user_version=" + std::to_string(version)).c_str()); });
}

void Database::migrateComponent(const char *component, std::span<const Migration> migrations) {
    const UnsyncedMigration unsynced(*this);
    exec("CREATE TABLE IF NOT EXISTS schema_versions(component TEXT PRIMARY KEY, "
         "version INTEGER NOT NULL)");
    int current = 0;
    {
        auto st = prepare("SELECT version FROM schema_versions WHERE component=?");
        st.bind(1, QString::fromUtf8(component));
        if (st.step())
            current = int(st.int64(0));
    }
    applyNewer(
        *this, current, migrations,
        [&](int) {
            return std::string("schema of ") + component + " is version " +
                   std::to_string(current) + ", newer than this program knows";
        },
        [&](int version) {
            prepare("INSERT INTO schema_versions(component, version) VALUES(?, ?) "
                    "ON CONFLICT(component) DO UPDATE SET version=excluded.version")
                .bind(1, QString::fromUtf8(component))
                .bind(2, version)
                .run();
        });
}

QString Database::integrityCheck() {
    auto st = prepare("PRAGMA integrity_check");
    QString result;
    while (st.step())
        result += (result.isEmpty() ? QString() : QStringLiteral("\n")) + st.text(0);
    return result;
}

} // namespace opswall::store
