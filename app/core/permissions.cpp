#include "core/permissions.h"

#include <QJsonObject>

#include <algorithm>
#include <array>

namespace opswall {

namespace {
constexpr std::uint8_t V = roleBit(Role::Viewer);
constexpr std::uint8_t L = roleBit(Role::Leader);
constexpr std::uint8_t O = roleBit(Role::Operator);
constexpr std::uint8_t T = roleBit(Role::Technician);
constexpr std::uint8_t A = roleBit(Role::Admin);
// Role::Node (a render node's token) and Role::Standby (a hot standby's, app/nodes) are in no
// row: they may do nothing on the API; the node link and the standby link check the role
// themselves.

// Keep in step with README.md "Permissions". Leaders may recall presets; the dispatcher further
// restricts them to presets marked for leaders (DESIGN.md "Roles").
constexpr Permission kTable[] = {
    {"state.read", Effect::Read,
     std::uint8_t(V | L | O | T | A)}, // wall, layouts, presets, tiles, sources...
    {"events.watch", Effect::Read, std::uint8_t(V | L | O | T | A)}, // WebSocket event stream
    {"metrics.read", Effect::Read, std::uint8_t(V | L | O | T | A)},
    {"audit.query", Effect::Read, std::uint8_t(L | A)},
    {"audit.verify", Effect::Read, std::uint8_t(L | O | T | A)},
    {"preset.recall", Effect::WallChange, std::uint8_t(L | O | A)},
    {"preset.save", Effect::WallChange, std::uint8_t(O | A)},
    {"preset.delete", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.save", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.stage", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.publish", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.undo", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.redo", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.set", Effect::WallChange, std::uint8_t(O | A)},
    {"layout.discard", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.add", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.move", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.remove", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.update", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.resize", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.raise", Effect::WallChange, std::uint8_t(O | A)},
    {"tile.lower", Effect::WallChange, std::uint8_t(O | A)},
    // Enlarge a tile to fill the wall (or some displays) until unfocused: a leader's button.
    {"tile.focus", Effect::WallChange, std::uint8_t(L | O | A)},
    {"tile.unfocus", Effect::WallChange, std::uint8_t(L | O | A)},
    {"source.save", Effect::WallChange, std::uint8_t(O | A)},
    {"source.delete", Effect::WallChange, std::uint8_t(O | A)},
    {"audio.set", Effect::WallChange, std::uint8_t(L | O | A)}, // which stream is heard, volume
    {"wall.bezelCompensation", Effect::WallChange, std::uint8_t(T | A)},
    {"briefing.start", Effect::WallChange, std::uint8_t(L | O | A)}, // takes the control lock
    {"briefing.next", Effect::WallChange, std::uint8_t(L | O | A)},
    {"briefing.previous", Effect::WallChange, std::uint8_t(L | O | A)},
    {"briefing.goto", Effect::WallChange, std::uint8_t(L | O | A)},
    {"briefing.blank", Effect::WallChange, std::uint8_t(L | O | A)},
    {"briefing.unblank", Effect::WallChange, std::uint8_t(L | O | A)},
    {"briefing.end", Effect::WallChange, std::uint8_t(L | O | A)}, // releases the control lock
    {"briefing.save", Effect::WallChange, std::uint8_t(O | A)},
    {"briefing.delete", Effect::WallChange, std::uint8_t(O | A)},
    {"schedule.save", Effect::WallChange, std::uint8_t(O | A)}, // schedules and alert rules
    {"schedule.delete", Effect::WallChange, std::uint8_t(O | A)},
    {"alert.ack", Effect::WallChange, std::uint8_t(O | T | A)},
    {"device.command", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.set", Effect::WallChange, std::uint8_t(T | A)},
    {"lock.acquire", Effect::WallChange, std::uint8_t(L | O | A)},
    {"lock.release", Effect::WallChange, std::uint8_t(L | O | A)},
    {"token.create", Effect::Admin, std::uint8_t(A)},
    {"token.revoke", Effect::Admin, std::uint8_t(A)},
    {"token.list", Effect::Admin, std::uint8_t(A)},
    {"settings.set", Effect::Admin, std::uint8_t(A)},
    {"controller.failback", Effect::Admin, std::uint8_t(A)}, // hot standby (app/nodes)
    {"lock.read", Effect::Read, std::uint8_t(V | L | O | T | A)},
    // Not an action of its own: who may save a video source of kind "pipeline" (source.save
    // checks it). A custom pipeline runs GStreamer elements of the caller's choosing.
    {"source.pipeline", Effect::Admin, std::uint8_t(A)},
    // Technician calibration (app/calibration): profiles, read-back, apply, patterns, uniformity.
    {"calibration.read", Effect::Read, std::uint8_t(T | A)},
    {"calibration.apply", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.import", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.pattern", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.patternClear", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.uniformity", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.geometry", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.geometrySave", Effect::WallChange, std::uint8_t(T | A)},
    {"calibration.geometryUndo", Effect::WallChange, std::uint8_t(T | A)},
    // Button panels: bind a key to an action, press a key as the panel would (its own role).
    {"panel.bind", Effect::WallChange, std::uint8_t(O | T | A)},
    {"panel.test", Effect::WallChange, std::uint8_t(O | T | A)},
};
} // namespace

std::span<const Permission> permissionTable() {
    return std::span<const Permission>(kTable);
}

const Permission *findPermission(const QString &actionType) {
    const QByteArray key = actionType.toUtf8();
    for (const Permission &p : kTable)
        if (key == p.action)
            return &p;
    return nullptr;
}

bool roleAllows(Role role, const QString &actionType) {
    const Permission *p = findPermission(actionType);
    if (!p || role == Role::Invalid)
        return false;
    return (p->roleMask & roleBit(role)) != 0;
}

std::optional<ActionResult> roleRefusal(Role role, const QString &actionType) {
    if (role == Role::Invalid)
        return ActionResult::failure(QStringLiteral("unauthenticated"),
                                     QStringLiteral("the caller has no role"));
    if (!findPermission(actionType))
        return ActionResult::failure(QStringLiteral("unknown_action"),
                                     QStringLiteral("\"%1\" is not an action").arg(actionType),
                                     QStringLiteral("type"));
    if (!roleAllows(role, actionType))
        return ActionResult::failure(
            QStringLiteral("forbidden"),
            QStringLiteral("role '%1' may not %2").arg(roleName(role), actionType));
    return std::nullopt;
}

QStringList knownActionTypes() {
    QStringList types;
    for (const Permission &p : kTable)
        types.append(QString::fromUtf8(p.action));
    return types;
}

QJsonArray permissionTableJson() {
    QJsonArray out;
    for (const Permission &p : kTable) {
        QJsonArray roles;
        for (Role r : {Role::Viewer, Role::Leader, Role::Operator, Role::Technician, Role::Admin})
            if (p.roleMask & roleBit(r))
                roles.append(roleName(r));
        const char *effect = p.effect == Effect::Read         ? "read"
                             : p.effect == Effect::WallChange ? "wall-change"
                                                              : "admin";
        out.append(QJsonObject{{QStringLiteral("action"), QString::fromUtf8(p.action)},
                               {QStringLiteral("effect"), QString::fromUtf8(effect)},
                               {QStringLiteral("roles"), roles}});
    }
    return out;
}

} // namespace opswall
