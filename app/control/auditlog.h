#pragma once
// The audit log: one row per change (who, role, via, from where, action, parameters, result,
// time), each row chained to the previous one by SHA-256 so that editing or deleting any row is
// detected by verify(). The dispatcher calls append() after it applies (or refuses) an action.
//
// Chain: hash(n) = SHA-256(hash(n-1) || canonical JSON of row n including its id), hash(0) = 32
// zero bytes; ids come from AUTOINCREMENT so they are never reused, and control_audit_head keeps
// the last id and hash so that deleting the newest rows is caught too. Someone able to rewrite the
// file AND recompute every later hash is only caught against an outside copy of headHash()
// (README: export it to syslog/remote storage periodically).
//
// Threading: belongs to the thread that owns the Database (the GUI thread in the app).

#include "core/action.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdint>
#include <optional>
#include <vector>

namespace opswall::store {
class Database;
}

namespace opswall::control {

struct AuditEntry {
    std::int64_t id = 0;
    std::int64_t timeMs = 0;
    Caller caller;
    Action action;
    ActionResult result;
    QByteArray hash;
    QJsonObject toJson() const;
};

struct AuditVerification {
    bool ok = false;
    std::int64_t rowsChecked = 0;
    std::int64_t firstBadId = 0; // 0 when ok
    QString message;
    QByteArray headHash;
    QJsonObject toJson() const;
};

struct AuditQuery {
    std::int64_t fromMs = 0;       // inclusive
    std::int64_t toMs = INT64_MAX; // exclusive
    QString actionPrefix;          // "preset." etc.; empty for all
    int limit = 500;               // at most 5000
    bool newestFirst = false;
};

class AuditLog {
public:
    explicit AuditLog(store::Database &db);
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    // Returns the new row's id. timeMs 0 means now.
    std::int64_t append(const Caller &caller, const Action &action, const ActionResult &result,
                        std::int64_t timeMs = 0);
    std::vector<AuditEntry> query(const AuditQuery &q) const;
    QJsonArray queryJson(const AuditQuery &q) const;
    AuditVerification verify() const;
    // The outcome of the last verify() since this object was made (for the metrics); none yet.
    struct LastVerification {
        bool ok = false;
        std::int64_t timeMs = 0;
    };
    std::optional<LastVerification> lastVerification() const { return m_lastVerification; }
    // The highest row id: the number of rows ever appended (ids are never reused). 0 when empty.
    std::int64_t lastRowId() const;
    QByteArray headHash() const;

    // The last successful change of the live layout at or before timeMs (layout.publish,
    // preset.recall, layout.undo, tile.*): with the layout history (app/wall) this gives the wall's
    // layout at a past time; the dispatcher puts the live layout's "revision" in the result data.
    std::optional<AuditEntry> lastLayoutChange(std::int64_t atMs) const;

private:
    AuditVerification verifyChain() const;

    store::Database &m_db;
    mutable std::optional<LastVerification> m_lastVerification;
};

} // namespace opswall::control
