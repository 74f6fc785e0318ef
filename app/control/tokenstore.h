#pragma once
// Bearer tokens for the control API and the line protocol. A token reads "owt_<id>_<secret>":
// the id finds the row, the secret is checked against SHA-256(salt || secret) with a per-token
// random salt and a constant-time compare. Only the hash is stored; the token itself is shown once.
//
// Threading: create/revoke/list belong to the thread that owns the Database (the GUI thread in
// the app); their rows are written on the store thread (store::Database::write), never waited for.
// authenticate() may be called from any thread (the io thread calls it per request): it reads an
// in-memory copy guarded by a mutex and never touches SQLite.

#include "core/action.h"

#include <QJsonArray>
#include <QString>

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <shared_mutex>

namespace opswall::store {
class Database;
}

namespace opswall::control {

struct TokenInfo {
    QString id;
    QString name;
    Role role = Role::Invalid;
    std::int64_t createdMs = 0;
};

struct NewToken {
    TokenInfo info;
    QString token; // the secret bearer string; not stored anywhere
};

class TokenStore {
public:
    explicit TokenStore(store::Database &db); // runs the "control" migrations
    TokenStore(const TokenStore &) = delete;
    TokenStore &operator=(const TokenStore &) = delete;

    // Fails (std::nullopt, *error set) for an empty/long/duplicate name or an invalid role.
    std::optional<NewToken> create(const QString &name, Role role, QString *error = nullptr);
    bool revoke(const QString &name); // false when no active token has that name
    // create() and revoke() change the in-memory copy at once and write on the store thread
    // (store::Database::write); when that write fails the caller reads the table again.
    void reload();
    QJsonArray list() const; // names, roles, creation times; never secrets
    bool hasActiveAdmin() const;

    // On first start (no active admin token): creates one named "admin" and writes it to filePath
    // with mode 0600, creating the folder if needed. Returns the path written, or std::nullopt when
    // an admin token already exists. Throws std::runtime_error, with a message for people, when
    // the file cannot be written, when a directory is at the path, or when a file is there that is
    // not an OpsWall token file (it is never overwritten; a stale token file of ours is).
    //
    // The file is a one-time hand-over: the first request that authenticates with its token
    // removes it (the token keeps working; an admin rotates it with `wallctl token create --name
    // NAME
    // --role admin` and `wallctl token revoke admin`). When an admin token exists and the file
    // still holds it (not used yet, e.g. after a restart), it is removed on first use all the same.
    std::optional<QString> ensureAdminToken(const QString &filePath);
    // Whether the first-start token file is still waiting for its first use.
    bool adminTokenFilePending() const;

    // Thread-safe. std::nullopt for unknown, revoked or malformed tokens.
    std::optional<TokenInfo> authenticate(const QString &bearer) const;
    // Thread-safe: whether the token with this id is still active (open sessions check it).
    bool isActive(const QString &id) const;
    // The ids of the active tokens with this name (what revoke(name) is about to end).
    QStringList activeIdsNamed(const QString &name) const;

private:
    struct Record {
        TokenInfo info;
        QByteArray salt;
        QByteArray hash;
    };
    void load();

    store::Database &m_db;
    mutable std::shared_mutex m_mutex;
    std::map<QString, Record> m_active; // by id
    // The first-start token file: removed when its token first authenticates (any thread).
    mutable std::mutex m_handOverMutex;
    mutable QString m_handOverId;
    mutable QString m_handOverPath;
};

} // namespace opswall::control
