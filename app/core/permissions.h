#pragma once
// The per-action permission table: which roles may submit which action types. One table in code
// (permissions.cpp): each action is checked against it once, where it is applied (the dispatcher,
// for every caller; the control service for lock.* and token.*), and the control API checks its
// reads (GET routes) against it; documented in app/control/README.md; anything not in the table
// is refused (default deny). The control lock (lockstate.h) is checked after the role.

#include "core/action.h"

#include <QJsonArray>
#include <QString>
#include <QStringList>

#include <cstdint>
#include <optional>
#include <span>

namespace opswall {

// Whether an action changes what the wall shows or does; those are the ones the control lock
// holds back from everyone but the lock holder.
enum class Effect { Invalid = 0, Read, WallChange, Admin };

struct Permission {
    const char *action; // "<resource>.<verb>"
    Effect effect;
    std::uint8_t roleMask; // bit (1 << int(Role))
};

std::span<const Permission> permissionTable();
const Permission *findPermission(const QString &actionType); // nullptr when unknown
bool roleAllows(Role role, const QString &actionType);
// The one role check of an action (DESIGN.md "action dispatcher"): "unauthenticated" for a caller
// without a role, "unknown_action" for a type the table does not have, "forbidden" when the role
// may not; std::nullopt when allowed. Each action is checked once, where it is applied (the
// dispatcher, or the control service for lock.* and token.*).
std::optional<ActionResult> roleRefusal(Role role, const QString &actionType);
constexpr std::uint8_t roleBit(Role r) {
    return std::uint8_t(1u << unsigned(r));
}
// The table as JSON, for GET /api/v1/tokens/roles and the docs.
QJsonArray permissionTableJson();
// Every action type of the table.
QStringList knownActionTypes();

} // namespace opswall
