#include "control/controlservice.h"

#include "control/permissions.h"
#include "control/wallmetrics.h"
#include "store/database.h"

#include <QDateTime>
#include <QFileInfo>
#include <QJsonDocument>
#include <QStorageInfo>
#include <QThread>

namespace opswall::control {

ControlService::ControlService(store::Database &db, ActionSink *sink, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_tokens(db)
    , m_audit(db)
    , m_sink(sink) {}

ControlService::~ControlService() = default;

QByteArray ControlService::wallMetrics() {
    StoreFigures store;
    store.transactions = m_db.transactionStats();
    const QFileInfo file(m_db.path());
    if (file.exists()) {
        const QFileInfo wal(m_db.path() + QStringLiteral("-wal"));
        store.databaseBytes = file.size() + (wal.exists() ? wal.size() : 0);
        const QStorageInfo volume(file.absolutePath());
        if (volume.isValid())
            store.freeBytes = volume.bytesAvailable();
    }
    AuditFigures audit;
    try {
        audit.rows = m_audit.lastRowId();
    } catch (const store::Error &e) {
        qWarning("metrics: cannot count the audit rows: %s", e.what());
    }
    if (const auto last = m_audit.lastVerification()) {
        audit.lastVerifyOk = last->ok;
        audit.lastVerifyEpochSecs = double(last->timeMs) / 1000.0;
    }
    return formatWallMetrics(m_sink ? m_sink->figures() : WallFigures{}, store, audit);
}

std::int64_t ControlService::nowMs() const {
    return QDateTime::currentMSecsSinceEpoch();
}

bool ControlService::ownsAction(const QString &actionType) {
    return actionType.startsWith(QLatin1String("lock.")) ||
           actionType.startsWith(QLatin1String("token."));
}

std::optional<ActionResult> ControlService::authorize(const Caller &caller,
                                                      const QString &actionType) const {
    const Permission *p = findPermission(actionType);
    if (!p)
        return ActionResult::failure(QStringLiteral("forbidden"),
                                     QStringLiteral("unknown action '%1'").arg(actionType));
    if (!roleAllows(caller.role, actionType))
        return ActionResult::failure(
            QStringLiteral("forbidden"),
            QStringLiteral("role '%1' may not %2").arg(roleName(caller.role), actionType));
    // The lock holds back wall changes; its own release stays open so an admin can force it.
    if (p->effect == Effect::WallChange && actionType != QLatin1String("lock.release"))
        if (auto r = m_lock.refusal(caller, nowMs()))
            return r;
    return std::nullopt;
}

void ControlService::execute(Action action, Caller caller, ActionSink::Done done) {
    Q_ASSERT(QThread::currentThread() == thread());
    if (auto refused = authorize(caller, action.type)) {
        m_audit.append(caller, action, *refused);
        done(*refused);
        return;
    }
    if (ownsAction(action.type)) {
        const ActionResult r = applyControlAction(action, caller);
        ActionResult audited = r;
        audited.data.remove(QStringLiteral("token")); // never keep a secret in the audit log
        m_audit.append(caller, action, audited);
        if (r.ok)
            publish(QJsonObject{{QStringLiteral("type"), action.type},
                                {QStringLiteral("by"), caller.user},
                                {QStringLiteral("data"), audited.data}});
        done(r);
        return;
    }
    if (!m_sink) {
        done(ActionResult::failure(QStringLiteral("unavailable"),
                                   QStringLiteral("no action dispatcher is running")));
        return;
    }
    m_sink->submit(std::move(action), std::move(caller), std::move(done));
}

ActionResult ControlService::applyControlAction(const Action &action, const Caller &caller) {
    const QJsonObject &p = action.params;
    if (action.type == QLatin1String("lock.acquire")) {
        const double ttl = p.value(QStringLiteral("ttlSeconds"))
                               .toDouble(double(LockState::kDefaultTtlMs) / 1000.0);
        return m_lock.acquire(caller, nowMs(), std::int64_t(ttl * 1000.0),
                              p.value(QStringLiteral("reason")).toString());
    }
    if (action.type == QLatin1String("lock.release"))
        return m_lock.release(caller, nowMs());
    if (action.type == QLatin1String("token.create")) {
        const QString roleText = p.value(QStringLiteral("role")).toString();
        const Role role = roleFromName(roleText);
        if (role == Role::Invalid)
            return ActionResult::failure(
                QStringLiteral("invalid"),
                QStringLiteral("role must be viewer, leader, operator, technician or admin"),
                QStringLiteral("role"));
        QString error;
        auto tok = m_tokens.create(p.value(QStringLiteral("name")).toString(), role, &error);
        if (!tok)
            return ActionResult::failure(error.contains(QLatin1String("exists"))
                                             ? QStringLiteral("conflict")
                                             : QStringLiteral("invalid"),
                                         error, QStringLiteral("name"));
        return ActionResult::success(QJsonObject{{QStringLiteral("id"), tok->info.id},
                                                 {QStringLiteral("name"), tok->info.name},
                                                 {QStringLiteral("role"), roleText},
                                                 {QStringLiteral("token"), tok->token}});
    }
    if (action.type == QLatin1String("token.revoke")) {
        const QString name = p.value(QStringLiteral("name")).toString();
        if (!m_tokens.revoke(name))
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no active token named '%1'").arg(name),
                                         QStringLiteral("name"));
        return ActionResult::success(QJsonObject{{QStringLiteral("name"), name}});
    }
    return ActionResult::failure(QStringLiteral("invalid"),
                                 QStringLiteral("unknown action '%1'").arg(action.type));
}

void ControlService::publish(QJsonObject event) {
    Q_ASSERT(QThread::currentThread() == thread()); // events are numbered in one order
    event.insert(QStringLiteral("seq"), double(++m_seq));
    if (!event.contains(QStringLiteral("time")))
        event.insert(QStringLiteral("time"),
                     QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs));
    const QByteArray json = QJsonDocument(event).toJson(QJsonDocument::Compact);
    for (const auto &[id, listener] : m_listeners)
        listener(json);
    Q_EMIT eventPublished(event);
}

int ControlService::addEventListener(EventListener listener) {
    const int id = m_nextListener++;
    m_listeners.emplace(id, std::move(listener));
    return id;
}

void ControlService::removeEventListener(int id) {
    m_listeners.erase(id);
}

} // namespace opswall::control
