#pragma once
// The control layer's GUI-thread side: tokens, audit log, control lock and the permission check,
// plus the event fan-out to the API's WebSocket clients. Built by main() next to the dispatcher.
//
//   store::Database db(...);
//   control::ControlService control(db, &dispatcher);          // dispatcher: an ActionSink
//   if (auto path = control.tokens().ensureAdminToken(file)) qInfo() << "admin token in" << *path;
//   control::ControlServer server(config, &control);           // io thread: HTTP, WS, line
//   server.start() ... server.stop() before control is destroyed.
//
// The dispatcher checks the role and calls control.lockRefusal(caller, action.type) for every
// action it applies (from the API, the console, panels, ...),
// control.audit().append(caller, action, result) after applying, and control.publish(event).

#include "control/actionsink.h"
#include "control/auditlog.h"
#include "control/lockstate.h"
#include "control/tokenstore.h"

#include <QObject>
#include <QTimer>

#include <functional>
#include <map>

namespace opswall::store {
class Database;
}

namespace opswall::control {

class ControlService : public QObject {
    Q_OBJECT
public:
    using EventListener = std::function<void(const QByteArray &json)>;

    ControlService(store::Database &db, ActionSink *sink, QObject *parent = nullptr);
    ~ControlService() override;

    TokenStore &tokens() { return m_tokens; }
    AuditLog &audit() { return m_audit; }
    LockState &lock() { return m_lock; }
    ActionSink *sink() const { return m_sink; }

    // Role (permission table) then control lock. Empty when allowed.
    std::optional<ActionResult> authorize(const Caller &caller, const QString &actionType) const;
    // The control lock alone: the dispatcher's gate (it checked the role itself).
    std::optional<ActionResult> lockRefusal(const Caller &caller, const QString &actionType) const;

    // The whole path of an action arriving from the API or the line protocol: control actions
    // (lock.*, token.*) are authorised (a refusal is audited here) and applied here; everything
    // else goes to the sink unchecked, which authorises it once (role, then lockRefusal), audits
    // and applies it. done runs on the GUI thread.
    void execute(Action action, Caller caller, ActionSink::Done done);
    static bool ownsAction(const QString &actionType); // lock.* and token.*

    // Dispatcher -> clients: called on the GUI thread; adds "seq" (1, 2, ...) and "time" and hands
    // the event to every listener (the API server's WebSocket fan-out) in order. Credentials in
    // it (URIs with a password, secret-named keys) are redacted first (core/redact.h).
    void publish(QJsonObject event);
    int addEventListener(EventListener listener);
    void removeEventListener(int id);
    std::int64_t lastEventSeq() const { return m_seq; }

    std::int64_t nowMs() const;

    // The audit key (store/secrets.h key file) and the outside anchor: the head is appended to
    // anchorFile (and logged, for the journal) now, every intervalS while it changes, and when the
    // service goes. False with *error when the key file cannot be read or made.
    bool setupAudit(const QString &keyFile, const QString &anchorFile, int intervalS,
                    QString *error);
    QString anchorFile() const { return m_anchorFile; }
    // Verifies the chain on a worker thread with its own read-only connection (the GUI thread
    // never waits for it); done runs on that worker thread. In-memory databases are verified here.
    void verifyAuditAsync(std::optional<AuditAnchor> anchor,
                          std::function<void(AuditVerification)> done);
    // Runs read on a worker thread with a read-only connection of that thread's own (WAL: it
    // never waits for the store thread's writes and the GUI thread never waits for it), then
    // done there with its answer, or with the error (a null error: read went well). In-memory
    // databases (tests) are read here, on the GUI thread's connection.
    using Read = std::function<QJsonObject(store::Database &)>;
    using ReadDone = std::function<void(QJsonObject, std::exception_ptr)>;
    void readAsync(Read read, ReadDone done);
    // The wall's part of GET /api/v1/metrics (wallmetrics.h): the sink's figures (feeds, alert
    // rules, displays, streams, outputs), the store and the audit log. Called on the GUI thread;
    // the file's figures and the audit rows are read on a worker thread, where done is called.
    void wallMetricsAsync(std::function<void(QByteArray)> done);

Q_SIGNALS:
    void eventPublished(const QJsonObject &event);
    // A token was revoked: the servers close its open WebSockets and line sessions at once.
    void tokenRevoked(const QString &tokenId);

private:
    ActionResult applyControlAction(const Action &action, const Caller &caller);
    void writeAnchor();    // the head read and anchored on a worker thread
    void writeAnchorNow(); // here (the service goes)

    store::Database &m_db;
    TokenStore m_tokens;
    AuditLog m_audit;
    LockState m_lock;
    ActionSink *m_sink;
    std::int64_t m_seq = 0;
    int m_nextListener = 1;
    std::map<int, EventListener> m_listeners;
    // Writes the audit rows the store refused and notices when the store is back.
    QTimer m_storeRetry;
    QTimer m_anchorTimer;
    QString m_anchorFile;
    QByteArray m_anchoredHash;
    bool m_anchoring = false; // a writeAnchor() is on a worker thread
};

} // namespace opswall::control
