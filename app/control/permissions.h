#pragma once
// The permission table lives in app/core (one table for the dispatcher and the API); this header
// keeps the control layer's names for it.
#include "core/permissions.h"

namespace opswall::control {
using opswall::Effect;
using opswall::findPermission;
using opswall::Permission;
using opswall::permissionTable;
using opswall::permissionTableJson;
using opswall::roleAllows;
using opswall::roleBit;
} // namespace opswall::control
