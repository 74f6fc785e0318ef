#include "nodes/standbystore.h"

#include "store/database.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <QJsonDocument>

#include <sqlite3.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#if !defined(SQLITE_ENABLE_SESSION) || !defined(SQLITE_ENABLE_PREUPDATE_HOOK)
#error "the hot standby needs SQLite's session extension (SQLITE_ENABLE_SESSION, PREUPDATE_HOOK)"
#endif

namespace opswall::nodes::standby {

namespace {
[[noreturn]] void fail(sqlite3 *db, int rc, const char *what) {
    throw store::Error(std::string(what) + ": " + (db ? sqlite3_errmsg(db) : sqlite3_errstr(rc)),
                       rc);
}

int onConflict(void *ctx, int kind, sqlite3_changeset_iter *) {
    ++*static_cast<int *>(ctx);
    switch (kind) {
    case SQLITE_CHANGESET_DATA:     // the row is there with other values: the primary's wins
    case SQLITE_CHANGESET_CONFLICT: // an insert of a row that is there
        return SQLITE_CHANGESET_REPLACE;
    case SQLITE_CHANGESET_NOTFOUND: // an update or delete of a row that is not there
        return SQLITE_CHANGESET_OMIT;
    default: // a constraint: not in step; rolled back, the caller resynchronises
        return SQLITE_CHANGESET_ABORT;
    }
}

const char *kSetSetting = "INSERT INTO settings(key, value) VALUES(?, ?) "
                          "ON CONFLICT(key) DO UPDATE SET value = excluded.value";
const char *kGetSetting = "SELECT value FROM settings WHERE key = ?";
} // namespace

ChangeCapture::ChangeCapture(sqlite3 *db)
    : m_db(db) {
    begin();
}

ChangeCapture::~ChangeCapture() {
    if (m_session)
        sqlite3session_delete(m_session);
}

void ChangeCapture::begin() {
    if (const int rc = sqlite3session_create(m_db, "main", &m_session); rc != SQLITE_OK)
        fail(m_db, rc, "cannot record the store's changes");
    if (const int rc = sqlite3session_attach(m_session, nullptr); rc != SQLITE_OK)
        fail(m_db, rc, "cannot record the store's changes");
}

QByteArray ChangeCapture::take() {
    int size = 0;
    void *data = nullptr;
    const int rc = sqlite3session_changeset(m_session, &size, &data);
    QByteArray out;
    if (rc == SQLITE_OK && size > 0)
        out = QByteArray(static_cast<const char *>(data), size);
    sqlite3_free(data);
    sqlite3session_delete(m_session); // no reset in SQLite 3.40: a new session starts afresh
    m_session = nullptr;
    begin();
    if (rc != SQLITE_OK)
        fail(m_db, rc, "cannot read the store's changes");
    return out;
}

QStringList ChangeCapture::tablesWithoutKey() const {
    QStringList out;
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(m_db,
                           "SELECT m.name FROM sqlite_schema m WHERE m.type = 'table' AND m.name "
                           "NOT LIKE 'sqlite_%' AND NOT EXISTS (SELECT 1 FROM "
                           "pragma_table_info(m.name) WHERE pk > 0)",
                           -1, &st, nullptr) != SQLITE_OK)
        return out;
    while (sqlite3_step(st) == SQLITE_ROW)
        out.append(QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0))));
    sqlite3_finalize(st);
    return out;
}

QByteArray snapshotOf(sqlite3 *db) {
    sqlite3_int64 size = 0;
    unsigned char *data = sqlite3_serialize(db, "main", &size, 0);
    if (!data)
        fail(db, SQLITE_NOMEM, "cannot take a snapshot of the store");
    QByteArray out(reinterpret_cast<const char *>(data), qsizetype(size));
    sqlite3_free(data);
    return out;
}

bool installSnapshot(const QString &path, const QByteArray &image, QString *error) {
    if (image.size() < 100 || !image.startsWith("SQLite format 3")) {
        *error = QStringLiteral("the snapshot is not an SQLite database");
        return false;
    }
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile::remove(path + QStringLiteral("-wal"));
    QFile::remove(path + QStringLiteral("-shm"));
    QSaveFile f(path); // a temporary file, flushed and synced, renamed over path on commit
    if (!f.open(QIODevice::WriteOnly) || f.write(image) != image.size() || !f.commit()) {
        *error = QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
        return false;
    }
    QFile::setPermissions(path, QFile::ReadOwner | QFile::WriteOwner);
    return true;
}

ApplyResult applyChangeset(store::Database &db, const QByteArray &changeset) {
    ApplyResult r;
    const int rc = sqlite3changeset_apply(db.handle(), int(changeset.size()),
                                          const_cast<char *>(changeset.constData()), nullptr,
                                          onConflict, &r.conflicts);
    r.ok = rc == SQLITE_OK;
    if (!r.ok)
        r.error = QString::fromUtf8(sqlite3_errmsg(db.handle()));
    return r;
}

QJsonObject schemaOf(store::Database &db) {
    QJsonObject schema{{QStringLiteral("core"), db.userVersion()}};
    store::Statement has =
        db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_versions'");
    if (!has.step())
        return schema;
    store::Statement st = db.prepare("SELECT component, version FROM schema_versions");
    while (st.step())
        schema.insert(st.text(0), qint64(st.int64(1)));
    return schema;
}

QString schemaRefusal(const QJsonObject &primary, const QJsonObject &known) {
    QStringList cannot;
    for (auto it = primary.begin(); it != primary.end(); ++it) {
        const qint64 theirs = it.value().toInteger();
        if (!known.contains(it.key()))
            cannot.append(QStringLiteral("%1 %2 (unknown here)").arg(it.key()).arg(theirs));
        else if (const qint64 mine = known.value(it.key()).toInteger(); theirs > mine)
            cannot.append(
                QStringLiteral("%1 %2 (here at most %3)").arg(it.key()).arg(theirs).arg(mine));
    }
    if (cannot.isEmpty())
        return {};
    return QStringLiteral(
               "the primary's store is at a schema this standby's opswall cannot run: %1; "
               "migrations do not travel over the standby link, so this standby does "
               "not follow it: install the primary's opswall version here")
        .arg(cannot.join(QStringLiteral(", ")));
}

bool installKeyFile(const QString &path, const QByteArray &content, QString *setAside,
                    QString *error) {
    if (content.size() > 4096 ||
        !QJsonDocument::fromJson(content).object().contains(QStringLiteral("key"))) {
        *error = QStringLiteral("%1: what the primary sent is not a key file").arg(path);
        return false;
    }
    const QString dir = QFileInfo(path).absolutePath();
    constexpr auto owner = QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner;
    if (!QDir().mkpath(dir) || !QFile::setPermissions(dir, owner)) {
        *error = QStringLiteral("cannot make %1 a folder of mode 0700").arg(dir);
        return false;
    }
    if (QFile old(path); old.exists()) {
        if (old.open(QIODevice::ReadOnly) && old.read(8192) == content)
            return true;
        old.close();
        *setAside =
            path + QStringLiteral(".before-standby-") +
            QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd'T'hhmmss'Z'"));
        if (!QFile::rename(path, *setAside)) {
            *error = QStringLiteral("cannot set %1 aside as %2").arg(path, *setAside);
            return false;
        }
    }
    const QByteArray temporary = QFile::encodeName(path + QStringLiteral(".incoming"));
    ::unlink(temporary.constData());
    const int fd = ::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0;
    for (qsizetype done = 0; ok && done < content.size();) {
        const ssize_t n = ::write(fd, content.constData() + done, size_t(content.size() - done));
        ok = n > 0;
        done += ok ? n : 0;
    }
    ok = ok && ::fsync(fd) == 0;
    if (fd >= 0)
        ok = ::close(fd) == 0 && ok;
    ok = ok && std::rename(temporary.constData(), QFile::encodeName(path).constData()) == 0;
    if (!ok) {
        ::unlink(temporary.constData());
        *error = QStringLiteral("cannot write %1").arg(path);
    }
    return ok;
}

qint64 epochOf(store::Database &db) {
    store::Statement st = db.prepare(kGetSetting);
    st.bind(1, QStringLiteral("controller.epoch"));
    return st.step() ? st.text(0).toLongLong() : 0;
}

// The epoch and the fence are written past the fence (a Statement without an owner): fencing
// itself must be able to record that it happened. Marked as a write of this connection, so the
// process's other connection waits for it as for its own (store/database.h, busy handling).
void writeSetting(store::Database &db, const QString &key, const QString &value) {
    db.enterWrite();
    try {
        if (value.isEmpty())
            store::Statement(db.handle(), "DELETE FROM settings WHERE key = ?").bind(1, key).run();
        else
            store::Statement(db.handle(), kSetSetting).bind(1, key).bind(2, value).run();
    } catch (...) {
        db.leaveWrite();
        throw;
    }
    db.leaveWrite();
}

void setEpoch(store::Database &db, qint64 epoch) {
    writeSetting(db, QStringLiteral("controller.epoch"), QString::number(epoch));
}

QString fencedBy(store::Database &db) {
    store::Statement st = db.prepare(kGetSetting);
    st.bind(1, QStringLiteral("controller.fencedBy"));
    return st.step() ? st.text(0) : QString();
}

void setFencedBy(store::Database &db, const QString &reason) {
    writeSetting(db, QStringLiteral("controller.fencedBy"), reason);
}

} // namespace opswall::nodes::standby
