#include "control/lockstate.h"

#include <QDateTime>
#include <QJsonObject>

namespace opswall::control {

namespace {
QString isoMs(std::int64_t ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs);
}
} // namespace

std::optional<LockInfo> LockState::current(std::int64_t nowMs) const {
    if (m_lock && nowMs < m_lock->untilMs)
        return m_lock;
    return std::nullopt;
}

ActionResult LockState::acquire(const Caller &caller, std::int64_t nowMs, std::int64_t ttlMs,
                                const QString &reason) {
    if (caller.role != Role::Leader && caller.role != Role::Operator && caller.role != Role::Admin)
        return ActionResult::failure(QStringLiteral("forbidden"),
                                     QStringLiteral("only a leader, operator or admin may lock "
                                                    "the wall"));
    if (ttlMs <= 0 || ttlMs > kMaxTtlMs)
        return ActionResult::failure(
            QStringLiteral("invalid"),
            QStringLiteral("ttlSeconds must be between 1 and %1").arg(kMaxTtlMs / 1000),
            QStringLiteral("ttlSeconds"));
    if (auto held = current(nowMs); held && held->holder != caller.user) {
        if (auto r = refusal(caller, nowMs))
            return *r;
    }
    LockInfo info;
    info.holder = caller.user;
    info.holderRole = caller.role;
    info.reason = reason;
    info.sinceMs =
        (m_lock && current(nowMs) && m_lock->holder == caller.user) ? m_lock->sinceMs : nowMs;
    info.untilMs = nowMs + ttlMs;
    m_lock = info;
    return ActionResult::success(toJson(nowMs));
}

ActionResult LockState::release(const Caller &caller, std::int64_t nowMs) {
    const auto held = current(nowMs);
    if (!held) {
        m_lock.reset();
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("the wall is not locked"));
    }
    if (held->holder != caller.user && caller.role != Role::Admin)
        return ActionResult::failure(QStringLiteral("locked"),
                                     QStringLiteral("the lock belongs to %1 (%2); only they or an "
                                                    "admin may release it")
                                         .arg(held->holder, roleName(held->holderRole)));
    m_lock.reset();
    return ActionResult::success(toJson(nowMs));
}

std::optional<ActionResult> LockState::refusal(const Caller &caller, std::int64_t nowMs) const {
    const auto held = current(nowMs);
    if (!held || held->holder == caller.user)
        return std::nullopt;
    QString msg = QStringLiteral("the wall is locked by %1 (%2) until %3")
                      .arg(held->holder, roleName(held->holderRole), isoMs(held->untilMs));
    if (!held->reason.isEmpty())
        msg += QStringLiteral(": ") + held->reason;
    return ActionResult::failure(QStringLiteral("locked"), msg);
}

QJsonObject LockState::toJson(std::int64_t nowMs) const {
    const auto held = current(nowMs);
    if (!held)
        return QJsonObject{{QStringLiteral("locked"), false}};
    return QJsonObject{{QStringLiteral("locked"), true},
                       {QStringLiteral("holder"), held->holder},
                       {QStringLiteral("role"), roleName(held->holderRole)},
                       {QStringLiteral("reason"), held->reason},
                       {QStringLiteral("since"), isoMs(held->sinceMs)},
                       {QStringLiteral("until"), isoMs(held->untilMs)}};
}

} // namespace opswall::control
