#include "core/action.h"

namespace opswall {

QString roleName(Role role) {
    switch (role) {
    case Role::Viewer:
        return QStringLiteral("viewer");
    case Role::Leader:
        return QStringLiteral("leader");
    case Role::Operator:
        return QStringLiteral("operator");
    case Role::Technician:
        return QStringLiteral("technician");
    case Role::Admin:
        return QStringLiteral("admin");
    case Role::Node:
        return QStringLiteral("node");
    case Role::Standby:
        return QStringLiteral("standby");
    case Role::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

Role roleFromName(const QString &name) {
    for (Role r : {Role::Viewer, Role::Leader, Role::Operator, Role::Technician, Role::Admin,
                   Role::Node, Role::Standby})
        if (roleName(r) == name)
            return r;
    return Role::Invalid;
}

QJsonObject ActionResult::toJson() const {
    if (ok)
        return QJsonObject{{QStringLiteral("ok"), true}, {QStringLiteral("data"), data}};
    QJsonObject err{{QStringLiteral("code"), code}, {QStringLiteral("message"), message}};
    if (!field.isEmpty())
        err.insert(QStringLiteral("field"), field);
    return QJsonObject{{QStringLiteral("ok"), false}, {QStringLiteral("error"), err}};
}

} // namespace opswall
