#pragma once
// The audit log: one row per change (who, role, via, from where, action, parameters, result,
// time), each row chained to the previous one so that editing, deleting or rewriting rows is
// detected by verify(). The dispatcher calls append() after it applies (or refuses) an action.
//
// Chain: hash(n) = HMAC-SHA256(key, hash(n-1) || canonical JSON of row n including its id),
// hash(0) = 32 zero bytes. The key lives outside the database (a 0600 key file, see
// store/secrets.h), so someone who can write the database but not read the key cannot recompute
// the chain after an edit. ids come from AUTOINCREMENT (never reused); control_audit_head keeps
// the last id and hash, and audit_seal a keyed MAC of them, so deleting the newest rows is caught
// too. A wiped log is caught by the key file's "keyedFrom" (rows existed when the key was made)
// and, in general, by an anchor: the head exported periodically to a file on another path and to
// the journal (currentAnchor(), appendAnchorLine()), checked with verify(anchor) /
// `wallctl audit verify --anchor FILE`.
//
// Rows written before the key existed (databases from before the keyed chain) keep their plain
// SHA-256 links: hash(n) = SHA-256(hash(n-1) || row n) for n < keyedFrom. The first keyed row
// covers the last plain hash, so the old rows are sealed by the keyed chain from the migration
// on (README "Audit").
//
// Store failures never escape append(): a row the database refuses (locked, full) is kept in
// memory, in order, and written by the next append() or flushPending() once the store is back.
// With a store thread (Database::writer(), the app) append() and flushPending() post their rows
// there and return at once (append() returns 0 then: the id is not known yet).
//
// Threading: belongs to the thread that owns the Database (the GUI thread in the app), except
// verifyDatabase(), which opens its own read-only connection and runs on any thread, and the
// write function of defer(), which runs inside a transaction on the store thread (the
// dispatcher's: an action's rows and its audit row are one transaction).

#include "core/action.h"

#include <QByteArray>
#include <QJsonArray>
#include <QJsonObject>

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
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

// The chain key and the first row id it keys (store/secrets.h KeyFile).
struct AuditKey {
    QByteArray key; // 32 bytes; empty: the plain SHA-256 chain of old versions
    std::int64_t keyedFrom = 1;
    bool valid() const { return key.size() == 32; }
};

// The head of the chain at a moment, kept outside the database.
struct AuditAnchor {
    std::int64_t id = 0;
    QByteArray hash;
    std::int64_t timeMs = 0;
    QByteArray mac; // HMAC(key, "anchor|id|hex(hash)|timeMs"); empty without a key
    QJsonObject toJson() const;
    static std::optional<AuditAnchor> fromJson(const QJsonObject &o);
};

class AuditLog {
public:
    explicit AuditLog(store::Database &db);
    AuditLog(const AuditLog &) = delete;
    AuditLog &operator=(const AuditLog &) = delete;

    // From now on new rows with id >= key.keyedFrom are keyed (and the seal is kept).
    void setKey(AuditKey key);
    const AuditKey &key() const { return m_key; }
    // The id the next row will get (for a new key's keyedFrom).
    std::int64_t nextId() const;

    // Returns the new row's id, or 0 when the store refused it: then the row is kept in memory
    // (at most kMaxPending, the oldest dropped and counted in an "audit.lost" row) and written,
    // in order and with its own time, by the next append() or flushPending(). timeMs 0 means now.
    std::int64_t append(const Caller &caller, const Action &action, const ActionResult &result,
                        std::int64_t timeMs = 0);
    // The audit row of an action written by someone else's transaction (the dispatcher's job on
    // the store thread, with the action's history row): write runs there, inside the transaction,
    // with the action's final result, after the rows kept in memory; it returns the row's id.
    // When that transaction fails, refused (on this object's thread) keeps the rows in memory as
    // append() does. Exactly one of them must be called.
    struct Deferred {
        std::function<std::int64_t(store::Database &, const ActionResult &)> write;
        std::function<void(const ActionResult &)> refused;
    };
    Deferred defer(const Caller &caller, const Action &action, std::int64_t timeMs = 0);

    // Writes the rows kept in memory; true when none is left.
    bool flushPending();
    int pendingCount() const { return int(m_pending.size()); }
    static constexpr std::size_t kMaxPending = 10000;

    std::vector<AuditEntry> query(const AuditQuery &q) const;
    QJsonArray queryJson(const AuditQuery &q) const;
    // The same on another connection (a reader of a worker thread: ControlService::readAsync).
    static std::vector<AuditEntry> queryOn(store::Database &db, const AuditQuery &q);
    static QJsonArray queryJsonOn(store::Database &db, const AuditQuery &q);
    AuditVerification verify(const std::optional<AuditAnchor> &anchor = std::nullopt) const;
    // The same on a connection of its own (read-only), for a worker thread.
    static AuditVerification verifyDatabase(const QString &dbPath, const AuditKey &key,
                                            const std::optional<AuditAnchor> &anchor);
    // The outcome of the last verification since this object was made (for the metrics); none
    // yet. Verifications on a worker thread report theirs with noteVerification (thread-safe).
    struct LastVerification {
        bool ok = false;
        std::int64_t timeMs = 0;
    };
    std::optional<LastVerification> lastVerification() const;
    void noteVerification(bool ok) const;
    // The highest row id: the number of rows ever appended (ids are never reused). 0 when empty.
    std::int64_t lastRowId() const;
    static std::int64_t lastRowIdOn(store::Database &db); // on another connection (a reader)
    QByteArray headHash() const;

    // At start, before anything is appended (appending re-seals the head, so a cut made while
    // the wall was stopped would otherwise be covered): the head must match its keyed seal and
    // the newest anchor's row must still be there with its hash. When not, one "audit.broken"
    // row saying what was found is appended, and verify() fails at that row from then on.
    // Returns the problem (empty when none). Cheap: a few queries, not the whole chain.
    QString checkOnStart(const std::optional<AuditAnchor> &anchor);
    // The same without reading on this thread: with a store thread (Database::writer) the check
    // runs there, ahead of every row appended after this call, and done (with the problem, empty
    // when none) comes back on this thread once the audit.broken row, if any, is on its way.
    // Without one it runs here and done is called before this returns.
    void checkOnStartAsync(const std::optional<AuditAnchor> &anchor,
                           std::function<void(QString)> done);

    // The head now, MAC'd with the key.
    AuditAnchor currentAnchor() const;
    // The same on another connection (a reader of a worker thread), any thread.
    static AuditAnchor currentAnchorOn(store::Database &db, const AuditKey &key);
    // Appends anchor as one JSON line to file (0600; trimmed to its newest 1000 lines past 1 MiB).
    static bool appendAnchorLine(const QString &file, const AuditAnchor &anchor, QString *error);
    // The anchor of a file written by appendAnchorLine that records the highest row: a wall
    // restarted on a cut or wiped log anchors its shorter head after the true one, and must not
    // hide it.
    static std::optional<AuditAnchor> readLastAnchor(const QString &file, QString *error);

    // Retention: rows older than beforeMs are written to a new file in exportDir (JSON lines with
    // every field, prev and hash, fsynced, 0600), then deleted in one transaction that also keeps
    // the boundary (last pruned id and hash, keyed) so the rest still verifies. Returns the rows
    // pruned and the file; 0 rows: nothing was old enough. Throws store::Error or
    // std::runtime_error (export failed: nothing is deleted).
    struct Pruned {
        int rows = 0;
        QString file;
    };
    Pruned exportAndPrune(std::int64_t beforeMs, const QString &exportDir);
    // Checks an export file's chain on its own (links and, with the key, every keyed hash).
    static AuditVerification verifyExport(const QString &file, const AuditKey &key);

    // The last successful change of the live layout at or before timeMs (layout.publish,
    // preset.recall, layout.undo, tile.*): with the layout history (app/wall) this gives the wall's
    // layout at a past time; the dispatcher puts the live layout's "revision" in the result data.
    std::optional<AuditEntry> lastLayoutChange(std::int64_t atMs) const;
    // The same on another connection (a reader of a worker thread: GET /audit/layout).
    static std::optional<AuditEntry> lastLayoutChangeOn(store::Database &db, std::int64_t atMs);

private:
    // What checkOnStart finds (reads only, on db); throws store::Error.
    static QString startProblem(store::Database &db, const AuditKey &key,
                                const std::optional<AuditAnchor> &anchor);
    void noteStartProblem(const QString &problem); // the audit.broken row, when there is one
    struct Pending {
        Caller caller;
        Action action;
        ActionResult result;
        std::int64_t timeMs;
    };
    std::int64_t write(const Pending &p);
    // With a store thread (the app): the rows kept in memory and row (when given) are written
    // there in one transaction, and kept in memory again if it fails; nothing waits for it.
    void post(std::optional<Pending> row);
    // One row and the head (and seal), inside the caller's transaction on db.
    static std::int64_t writeRow(store::Database &db, const AuditKey &key, const Pending &p);
    static Pending lostRow(std::int64_t lost, std::int64_t timeMs);

    store::Database &m_db;
    AuditKey m_key;
    std::deque<Pending> m_pending;
    std::int64_t m_lost = 0; // dropped from a full m_pending, not yet reported in a row
    mutable std::mutex m_verifyMutex;
    mutable std::optional<LastVerification> m_lastVerification;
    std::shared_ptr<int> m_alive = std::make_shared<int>(0); // completions of post() check it
};

} // namespace opswall::control
