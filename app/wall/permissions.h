#pragma once
// Who may do what (DESIGN.md "Roles"). One table for every entry point: the dispatcher consults
// it for every action, whoever submits it.

#include "core/action.h"

#include <QString>

namespace opswall::wall {

// The least privileged role allowed to submit an action type, as a set of roles.
// Unknown action types are allowed to nobody.
bool roleMay(Role role, const QString &actionType);
// Every action type the table knows, for documentation and contract tests.
QStringList knownActionTypes();

} // namespace opswall::wall
