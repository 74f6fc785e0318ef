#pragma once
// The store's side of the hot standby (README.md "Hot standby"): the changes of each write
// transaction on the primary's writer connection, captured with SQLite's session extension
// (Debian's libsqlite3 is built with SQLITE_ENABLE_SESSION and SQLITE_ENABLE_PREUPDATE_HOOK), the
// whole database as the image a standby starts from, and the standby's applying of both.
//
// The controller's epoch (its term) and a fence are rows of the settings table, so they travel
// with the store: a standby that takes over writes the epoch it was given plus one.

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>

struct sqlite3;
struct sqlite3_session;

namespace opswall::store {
class Database;
}

namespace opswall::nodes::standby {

// Records what is written on one connection, to every table with a primary key (every table of
// the schema has one; a table without one is named in tablesWithoutKey and not replicated).
// Used on the connection's thread only.
class ChangeCapture {
public:
    explicit ChangeCapture(sqlite3 *db); // throws store::Error
    ~ChangeCapture();
    ChangeCapture(const ChangeCapture &) = delete;
    ChangeCapture &operator=(const ChangeCapture &) = delete;

    // The changeset of what changed since the last take(), against the database as it is now
    // (a rolled-back transaction leaves nothing), and starts recording again. Empty: nothing.
    QByteArray take();
    QStringList tablesWithoutKey() const;

private:
    void begin();
    sqlite3 *m_db;
    sqlite3_session *m_session = nullptr;
};

// The whole main database of db as one image (sqlite3_serialize: one read transaction, so it is
// consistent). Throws store::Error.
QByteArray snapshotOf(sqlite3 *db);
// Makes image the database at path: written to a temporary file next to it, synced and renamed
// over it (the old -wal and -shm removed first), mode 0600. False with *error.
bool installSnapshot(const QString &path, const QByteArray &image, QString *error);

struct ApplyResult {
    bool ok = false;
    int conflicts = 0; // rows where the replica was not what the primary changed from
    QString error;
};
// Applies a changeset in one transaction (committed with synchronous=FULL before this returns).
// A conflict (the replica differs from the primary) takes the primary's row and is counted: the
// caller then asks for a new snapshot.
ApplyResult applyChangeset(store::Database &db, const QByteArray &changeset);

// The schema a store is at: {"core": PRAGMA user_version, "<component>": its version in
// schema_versions, ...}. Throws store::Error.
QJsonObject schemaOf(store::Database &db);
// Whether a standby whose opswall migrates a store to `known` (its own build's schema) can follow
// and later run a primary's store at `primary`: every part of it must be one it knows, at a version
// it knows (an older one is migrated when the standby takes over, as any upgrade is). Empty when it
// can; otherwise what it cannot run, in words. Migrations do not travel over the standby link: a
// replica stays at the primary's schema while it follows.
QString schemaRefusal(const QJsonObject &primary, const QJsonObject &known);

// A key file of the primary's (store/secrets.h: the audit and the secrets key) written at path,
// so that a standby that takes over can verify the keyed audit and unseal device passwords: mode
// 0600, through a temporary file renamed over it, in a folder of mode 0700 (made, or tightened).
// A different file there is set aside first (path + ".before-standby-TIME", *setAside says so);
// the same one is left as it is. False with *error, which never holds the key.
bool installKeyFile(const QString &path, const QByteArray &content, QString *setAside,
                    QString *error);

// settings rows: controller.epoch (0 when none), controller.fencedBy (empty when none).
qint64 epochOf(store::Database &db);
void setEpoch(store::Database &db, qint64 epoch);
QString fencedBy(store::Database &db);
void setFencedBy(store::Database &db, const QString &reason);

} // namespace opswall::nodes::standby
