// wallctl backup FILE / wallctl restore FILE: the wall's SQLite database and its key files, on the
// controller itself (where /var/lib/opswall is), without the API.
//
// Backup is online: SQLite's backup API copies the live database inside one read transaction, so
// the copy is consistent while the wall keeps writing (WAL mode: a reader never blocks the
// wall's writes). The copy gets a table `opswall_backup` with the format, the time, the source
// and the key files (keys/audit.key, keys/secrets.key: without them the audit chain cannot be
// verified and stored device passwords cannot be read), is checked with PRAGMA integrity_check and
// only then renamed to FILE (mode 0600: it holds the keys and the token hashes).
//
// Restore refuses, with the reason and nothing changed: a file that is not an SQLite database, a
// damaged one (integrity_check), one that wallctl backup did not write, and a wall that is
// running (a process holds the live database's shared-memory lock). Otherwise the current
// database and keys are kept beside as *.before-restore-TIME and the backup takes their place,
// owned like the state folder (a restore run as root leaves files the opswall user can open).
#include "commands.h"

#include <QByteArray>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QString>
#include <QStringList>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string_view>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

namespace wallctl {

namespace {

constexpr const char *kDefaultDb = "/var/lib/opswall/opswall.db";
constexpr const char *kFormat = "opswall-backup 1";
const char *const kKeyFiles[] = {"audit.key", "secrets.key"};

void usage(std::FILE *out) {
    std::fputs(
        "usage: wallctl backup FILE [--db PATH] [--keys DIR]\n"
        "       wallctl restore FILE [--db PATH] [--keys DIR]\n\n"
        "On the wall controller, as root or the opswall user (the database is theirs).\n"
        "backup   copies the live database while the wall runs (SQLite online backup),\n"
        "         with the key files, checks the copy (integrity_check), writes FILE 0600.\n"
        "restore  checks FILE and puts it in place of the database and keys; the wall must\n"
        "         be stopped (systemctl stop opswall). What was there is kept beside as\n"
        "         *.before-restore-TIME.\n\n"
        "--db PATH   the wall's database (default /var/lib/opswall/opswall.db)\n"
        "--keys DIR  its key folder (default: keys/ beside the database)\n"
        "--anchor FILE  restore: the audit anchor to set aside (default: audit-anchor.jsonl\n"
        "            beside the database and, for the default database,\n"
        "            /var/log/opswall/audit-anchor.jsonl)\n",
        out);
}

struct Db {
    sqlite3 *handle = nullptr;
    ~Db() { sqlite3_close(handle); }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(handle)); }
};

bool exec(sqlite3 *db, const char *sql, QString *error) {
    char *message = nullptr;
    if (sqlite3_exec(db, sql, nullptr, nullptr, &message) == SQLITE_OK)
        return true;
    *error = QString::fromUtf8(message ? message : sqlite3_errmsg(db));
    sqlite3_free(message);
    return false;
}

// PRAGMA integrity_check's lines; {"ok"} when sound. Empty with *error when it could not run
// (a file that is not a database fails here).
QStringList integrity(sqlite3 *db, QString *error) {
    QStringList lines;
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check(20)", -1, &st, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        return {};
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        for (const QString &line :
             QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)))
                 .split(u'\n', Qt::SkipEmptyParts))
            lines.append(line);
    if (rc != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
        lines.clear();
    }
    sqlite3_finalize(st);
    return lines;
}

int userVersion(sqlite3 *db) {
    sqlite3_stmt *st = nullptr;
    int v = -1;
    if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

// Copies all of `from` into `to` (SQLite's online backup: one read transaction on `from`).
bool copyDatabase(sqlite3 *from, sqlite3 *to, QString *error) {
    sqlite3_backup *b = sqlite3_backup_init(to, "main", from, "main");
    if (!b) {
        *error = QString::fromUtf8(sqlite3_errmsg(to));
        return false;
    }
    int rc;
    int waits = 0;
    // -1: every page in one step, inside one read transaction (consistent, never restarted).
    while ((rc = sqlite3_backup_step(b, -1)) == SQLITE_BUSY || rc == SQLITE_LOCKED) {
        if (++waits > 200) // 10 s of a writer holding a lock the read needs
            break;
        sqlite3_sleep(50);
    }
    sqlite3_backup_finish(b);
    if (rc != SQLITE_DONE) {
        *error = QString::fromUtf8(sqlite3_errstr(rc));
        return false;
    }
    return true;
}

// The process that has the live database open, from the lock every SQLite connection holds on
// the -shm file's "DMS" byte while it is open (byte 128: unix VFS, WAL mode). 0: nobody.
pid_t processHolding(const QString &dbPath) {
    const QByteArray shm = QFile::encodeName(dbPath + QStringLiteral("-shm"));
    const int fd = ::open(shm.constData(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return 0;
    struct flock lock = {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    lock.l_start = 128;
    lock.l_len = 1;
    pid_t holder = 0;
    if (::fcntl(fd, F_GETLK, &lock) == 0 && lock.l_type != F_UNLCK)
        holder = lock.l_pid > 0 ? lock.l_pid : -1;
    ::close(fd);
    return holder;
}

bool fail(const QString &text) {
    std::fprintf(stderr, "wallctl: %s\n", qPrintable(text));
    return false;
}

// Gives path the owner of the folder it is in (a restore run as root), and mode.
void ownLikeFolder(const QString &path, mode_t mode) {
    struct stat folder = {};
    const QByteArray p = QFile::encodeName(path);
    if (::stat(QFile::encodeName(QFileInfo(path).absolutePath()).constData(), &folder) == 0 &&
        ::geteuid() == 0) [[maybe_unused]]
        const int rc = ::chown(p.constData(), folder.st_uid, folder.st_gid);
    ::chmod(p.constData(), mode);
}

// Opens the existing database file path into db (flags: SQLITE_OPEN_READWRITE or _READONLY), or
// refuses with the reason: missing when there is no such file, SQLite's words (and hint) when it
// cannot be opened.
bool openExisting(Db &db, const QString &path, int flags, const QString &missing,
                  const QString &hint = {}) {
    if (!QFileInfo(path).isFile())
        return fail(missing);
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db.handle, flags, nullptr) !=
        SQLITE_OK)
        return fail(QStringLiteral("cannot open %1: %2%3").arg(path, db.error(), hint));
    return true;
}

// A new database written aside (a backup's .partial, a restore's .restoring), private to its
// owner. abandon() closes and removes it and refuses with why, followed by note.
struct NewDb {
    NewDb(QString path_, QString note_)
        : path(std::move(path_))
        , note(std::move(note_)) {}
    QString path;
    QString note;
    Db db;

    // Created afresh (a file left by an earlier attempt is removed first), or abandoned.
    bool create() {
        QFile::remove(path);
        const mode_t old = ::umask(077);
        const bool opened =
            sqlite3_open_v2(QFile::encodeName(path).constData(), &db.handle,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nullptr) == SQLITE_OK;
        ::umask(old);
        return opened || abandon(QStringLiteral("cannot write %1: %2").arg(path, db.error()));
    }
    void close() {
        sqlite3_close(db.handle);
        db.handle = nullptr;
    }
    bool abandon(const QString &why) {
        close();
        QFile::remove(path);
        return fail(why + note);
    }
};

struct Args {
    QString file;
    QString db = QString::fromLatin1(kDefaultDb);
    QString keys;
    QString anchor;
};

std::optional<Args> parse(int argc, char **argv, int *exitCode) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg = argv[i];
        if (arg == "--help" || arg == "-h") {
            usage(stdout);
            *exitCode = Ok;
            return std::nullopt;
        }
        if ((arg == "--db" || arg == "--keys" || arg == "--anchor") && i + 1 < argc) {
            (arg == "--db"     ? a.db
             : arg == "--keys" ? a.keys
                               : a.anchor) = QString::fromLocal8Bit(argv[++i]);
        } else if (!arg.starts_with("-") && a.file.isEmpty()) {
            a.file = QString::fromLocal8Bit(argv[i]);
        } else {
            std::fprintf(stderr, "wallctl %s: unexpected '%s'\n", argv[0], argv[i]);
            usage(stderr);
            *exitCode = Usage;
            return std::nullopt;
        }
    }
    if (a.file.isEmpty()) {
        std::fprintf(stderr, "wallctl %s: which FILE?\n", argv[0]);
        usage(stderr);
        *exitCode = Usage;
        return std::nullopt;
    }
    if (a.keys.isEmpty())
        a.keys = QFileInfo(a.db).absolutePath() + QStringLiteral("/keys");
    return a;
}

bool backup(const Args &a) {
    Db live;
    if (!openExisting(live, a.db, SQLITE_OPEN_READWRITE,
                      QStringLiteral("no database at %1 (--db PATH)").arg(a.db),
                      QStringLiteral(" (run as root or the opswall user)")))
        return false;
    sqlite3_busy_timeout(live.handle, 10000);

    const QString tmp = a.file + QStringLiteral(".partial");
    NewDb copy{tmp, {}};
    if (!copy.create())
        return false;
    QString error;
    if (!copyDatabase(live.handle, copy.db.handle, &error))
        return copy.abandon(QStringLiteral("backup of %1 failed: %2").arg(a.db, error));
    // One self-contained file: no -wal beside it.
    if (!exec(copy.db.handle, "PRAGMA journal_mode=DELETE", &error) ||
        !exec(copy.db.handle,
              "CREATE TABLE opswall_backup(name TEXT PRIMARY KEY, value BLOB NOT NULL)", &error))
        return copy.abandon(QStringLiteral("cannot finish the backup: %1").arg(error));
    QList<std::pair<QByteArray, QByteArray>> rows{
        {"format", kFormat},
        {"created", QDateTime::currentDateTimeUtc().toString(Qt::ISODate).toUtf8()},
        {"source", QFile::encodeName(QFileInfo(a.db).absoluteFilePath())}};
    QStringList keysTaken;
    for (const char *name : kKeyFiles) {
        QFile key(a.keys + QLatin1Char('/') + QLatin1String(name));
        if (!key.exists())
            continue;
        if (!key.open(QIODevice::ReadOnly))
            return copy.abandon(
                QStringLiteral("cannot read %1: %2").arg(key.fileName(), key.errorString()));
        rows.append({QByteArray("key:") + name, key.readAll()});
        keysTaken.append(QLatin1String(name));
    }
    for (const auto &[name, value] : rows) {
        sqlite3_stmt *st = nullptr;
        sqlite3_prepare_v2(copy.db.handle, "INSERT INTO opswall_backup(name, value) VALUES(?, ?)",
                           -1, &st, nullptr);
        sqlite3_bind_text(st, 1, name.constData(), int(name.size()), SQLITE_TRANSIENT);
        sqlite3_bind_blob(st, 2, value.constData(), int(value.size()), SQLITE_TRANSIENT);
        const int rc = sqlite3_step(st);
        sqlite3_finalize(st);
        if (rc != SQLITE_DONE)
            return copy.abandon(
                QStringLiteral("cannot finish the backup: %1").arg(copy.db.error()));
    }
    const QStringList check = integrity(copy.db.handle, &error);
    if (check != QStringList{QStringLiteral("ok")})
        return copy.abandon(QStringLiteral("the copy failed its integrity check: %1")
                                .arg(check.isEmpty() ? error : check.join(QStringLiteral("; "))));
    const int version = userVersion(copy.db.handle);
    copy.close();
    if (const int fd = ::open(QFile::encodeName(tmp).constData(), O_RDONLY | O_CLOEXEC); fd >= 0) {
        ::fsync(fd);
        ::close(fd);
    }
    ::chmod(QFile::encodeName(tmp).constData(), 0600);
    if (::rename(QFile::encodeName(tmp).constData(), QFile::encodeName(a.file).constData()) != 0)
        return copy.abandon(QStringLiteral("cannot write %1: %2")
                                .arg(a.file, QString::fromLocal8Bit(std::strerror(errno))));
    std::printf("backup: %s (%lld bytes, schema version %d, integrity ok, keys: %s)\n",
                qPrintable(a.file), qlonglong(QFileInfo(a.file).size()), version,
                keysTaken.isEmpty() ? "none found" : qPrintable(keysTaken.join(u' ')));
    return true;
}

bool restore(const Args &a) {
    // 1. The file: an SQLite database, sound, written by wallctl backup.
    Db from;
    if (!openExisting(from, a.file, SQLITE_OPEN_READONLY, QStringLiteral("no file %1").arg(a.file)))
        return false;
    QString error;
    const QStringList check = integrity(from.handle, &error);
    if (check.isEmpty())
        return fail(QStringLiteral("%1 is not a usable SQLite database (%2); nothing was "
                                   "changed")
                        .arg(a.file, error));
    if (check != QStringList{QStringLiteral("ok")})
        return fail(QStringLiteral("%1 is damaged, its integrity check says: %2; nothing was "
                                   "changed")
                        .arg(a.file, check.join(QStringLiteral("; "))));
    QHash<QByteArray, QByteArray> meta;
    {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(from.handle, "SELECT name, value FROM opswall_backup", -1, &st,
                               nullptr) == SQLITE_OK)
            while (sqlite3_step(st) == SQLITE_ROW)
                meta.insert(QByteArray(reinterpret_cast<const char *>(sqlite3_column_text(st, 0))),
                            QByteArray(static_cast<const char *>(sqlite3_column_blob(st, 1)),
                                       sqlite3_column_bytes(st, 1)));
        sqlite3_finalize(st);
    }
    if (meta.value("format") != kFormat)
        return fail(QStringLiteral("%1 is an SQLite database but not an OpsWall backup (made "
                                   "by wallctl backup); nothing was changed")
                        .arg(a.file));
    // 2. The wall must be stopped: it keeps its state in memory and would write over the restore.
    if (const pid_t holder = processHolding(a.db); holder != 0)
        return fail(QStringLiteral("the wall is running (process %1 has %2 open): stop it first "
                                   "(systemctl stop opswall), then restore; nothing was changed")
                        .arg(holder > 0 ? QString::number(holder) : QStringLiteral("?"), a.db));
    const QString folder = QFileInfo(a.db).absolutePath();
    if (!QFileInfo(folder).isDir())
        return fail(QStringLiteral("no folder %1 for the database").arg(folder));

    // 3. A checked copy beside the database, without the backup's own table.
    const QString tmp = a.db + QStringLiteral(".restoring");
    NewDb copy{tmp, QStringLiteral("; nothing was changed")};
    if (!copy.create())
        return false;
    if (!copyDatabase(from.handle, copy.db.handle, &error) ||
        !exec(copy.db.handle, "DROP TABLE opswall_backup", &error))
        return copy.abandon(QStringLiteral("cannot copy %1: %2").arg(a.file, error));
    if (integrity(copy.db.handle, &error) != QStringList{QStringLiteral("ok")})
        return copy.abandon(QStringLiteral("the restored copy failed its integrity check"));
    copy.close();

    // 4. What is there now is kept (its WAL folded in first), then the backup takes its place.
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddTHHmmssZ"));
    const QString kept = a.db + QStringLiteral(".before-restore-") + stamp;
    if (QFileInfo::exists(a.db)) {
        Db current;
        if (sqlite3_open_v2(QFile::encodeName(a.db).constData(), &current.handle,
                            SQLITE_OPEN_READWRITE, nullptr) == SQLITE_OK)
            exec(current.handle, "PRAGMA wal_checkpoint(TRUNCATE)", &error);
        sqlite3_close(current.handle);
        current.handle = nullptr;
        if (!QFile::rename(a.db, kept))
            return copy.abandon(QStringLiteral("cannot move %1 aside").arg(a.db));
        QFile::remove(a.db + QStringLiteral("-wal"));
        QFile::remove(a.db + QStringLiteral("-shm"));
    }
    if (!QFile::rename(tmp, a.db))
        return fail(
            QStringLiteral("cannot put %1 in place (the previous database is %2)").arg(a.db, kept));
    ownLikeFolder(a.db, 0600);
    QStringList keysPut;
    for (const char *name : kKeyFiles) {
        const QByteArray value = meta.value(QByteArray("key:") + name);
        if (value.isEmpty())
            continue;
        QDir().mkpath(a.keys);
        ownLikeFolder(a.keys, 0700);
        const QString path = a.keys + QLatin1Char('/') + QLatin1String(name);
        if (QFileInfo::exists(path))
            QFile::rename(path, path + QStringLiteral(".before-restore-") + stamp);
        QFile key(path);
        if (!key.open(QIODevice::WriteOnly | QIODevice::NewOnly) ||
            key.write(value) != value.size())
            return fail(QStringLiteral("cannot write %1: %2").arg(path, key.errorString()));
        key.close();
        ownLikeFolder(path, 0600);
        keysPut.append(QLatin1String(name));
    }
    // The audit anchor records the head of the log as it was, rows after the backup included: the
    // restored log is shorter, and the wall would report it cut at every start from now on. The
    // anchor is set aside, not deleted: `wallctl audit verify --anchor FILE.before-restore-TIME`
    // still proves what the restore took away, and the wall anchors the restored head anew.
    QStringList anchors;
    if (!a.anchor.isEmpty()) {
        anchors << a.anchor;
    } else {
        anchors << folder + QStringLiteral("/audit-anchor.jsonl");
        if (QFileInfo(a.db).absoluteFilePath() == QLatin1String(kDefaultDb))
            anchors << QStringLiteral("/var/log/opswall/audit-anchor.jsonl");
    }
    for (const QString &anchor : anchors) {
        if (!QFileInfo::exists(anchor))
            continue;
        const QString aside = anchor + QStringLiteral(".before-restore-") + stamp;
        if (!QFile::rename(anchor, aside))
            return fail(QStringLiteral("restored, but cannot set the audit anchor %1 aside: move "
                                       "it yourself before the wall starts")
                            .arg(anchor));
        std::printf("the audit anchor of the log before the restore is kept as %s\n",
                    qPrintable(aside));
    }
    std::printf("restored %s (made %s) into %s; keys: %s\n", qPrintable(a.file),
                meta.value("created").constData(), qPrintable(a.db),
                keysPut.isEmpty() ? "none in the backup" : qPrintable(keysPut.join(u' ')));
    if (QFileInfo::exists(kept))
        std::printf("the previous database is kept as %s\n", qPrintable(kept));
    std::printf("start the wall: systemctl start opswall\n");
    return true;
}

} // namespace

int backupMain(int argc, char **argv) {
    int exitCode = Ok;
    const auto args = parse(argc, argv, &exitCode);
    if (!args)
        return exitCode;
    return std::string_view(argv[0]) == "restore" ? (restore(*args) ? Ok : Failed)
                                                  : (backup(*args) ? Ok : Failed);
}

} // namespace wallctl
