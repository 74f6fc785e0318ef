#include "wall/permissions.h"

#include <QHash>
#include <QStringList>

#include <initializer_list>

namespace opswall::wall {

namespace {

using Roles = std::initializer_list<Role>;
constexpr Roles kEveryone{Role::Viewer, Role::Leader, Role::Operator, Role::Technician,
                          Role::Admin};
constexpr Roles kLeaders{Role::Leader, Role::Operator, Role::Admin};
constexpr Roles kOperators{Role::Operator, Role::Admin};
constexpr Roles kTechnicians{Role::Technician, Role::Admin};
constexpr Roles kAdmins{Role::Admin};

struct Row {
    const char *action;
    Roles roles;
};

// Leaders may recall presets (only those marked for leaders: the dispatcher checks the mark),
// step briefings and lock the wall; operators arrange layouts; technicians the hardware;
// admins everything. Reading state is for everyone and needs no action.
const Row kTable[] = {
    {"preset.recall", kLeaders},
    {"preset.save", kOperators},
    {"preset.delete", kOperators},
    {"layout.set", kOperators},
    {"layout.stage", kOperators},
    {"layout.publish", kOperators},
    {"layout.discard", kOperators},
    {"layout.undo", kOperators},
    {"layout.redo", kOperators},
    {"tile.add", kOperators},
    {"tile.update", kOperators},
    {"tile.move", kOperators},
    {"tile.resize", kOperators},
    {"tile.remove", kOperators},
    {"tile.raise", kOperators},
    {"tile.lower", kOperators},
    {"wall.bezelCompensation", kTechnicians},
    {"wall.configure", kTechnicians},
    {"device.command", kTechnicians},
    {"alert.ack", kLeaders},
    {"lock.acquire", kLeaders},
    {"lock.release", kLeaders},
    {"source.save", kOperators},
    {"source.delete", kOperators},
    {"feed.save", kOperators},
    {"feed.delete", kOperators},
    {"token.create", kAdmins},
    {"token.revoke", kAdmins},
    {"watch", kEveryone},
};

} // namespace

bool roleMay(Role role, const QString &actionType) {
    for (const Row &row : kTable)
        if (actionType == QLatin1String(row.action)) {
            for (Role r : row.roles)
                if (r == role)
                    return true;
            return false;
        }
    return false;
}

QStringList knownActionTypes() {
    QStringList list;
    for (const Row &row : kTable)
        list.append(QString::fromLatin1(row.action));
    return list;
}

} // namespace opswall::wall
