#pragma once
// The control lock (e.g. during a briefing): a leader or operator holds the wall; every other
// caller's wall-changing action is refused with a clear reason until the holder releases it or it
// times out. A pure value object: time is passed in, nothing here touches a clock or a thread, so
// the API server, the line protocol and the dispatcher all consult the same rules.

#include "core/action.h"

#include <QString>

#include <cstdint>
#include <optional>

namespace opswall::control {

struct LockInfo {
    QString holder; // Caller::user
    Role holderRole = Role::Invalid;
    QString reason;
    std::int64_t sinceMs = 0;
    std::int64_t untilMs = 0; // epoch ms at which it times out
};

class LockState {
public:
    static constexpr std::int64_t kDefaultTtlMs = 30 * 60 * 1000;
    static constexpr std::int64_t kMaxTtlMs = 8 * 60 * 60 * 1000;

    // Takes (or renews, for its holder) the lock. Fails with "locked" when someone else holds it,
    // "forbidden" for roles that may not lock, "invalid" for a bad ttl.
    ActionResult acquire(const Caller &caller, std::int64_t nowMs, std::int64_t ttlMs,
                         const QString &reason);
    // The holder releases; an admin may force the release of someone else's lock.
    ActionResult release(const Caller &caller, std::int64_t nowMs);
    // Whether caller may run a wall-changing action now: empty when allowed, else the refusal.
    std::optional<ActionResult> refusal(const Caller &caller, std::int64_t nowMs) const;

    std::optional<LockInfo> current(std::int64_t nowMs) const;
    QJsonObject toJson(std::int64_t nowMs) const;

private:
    std::optional<LockInfo> m_lock;
};

} // namespace opswall::control
