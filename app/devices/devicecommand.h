#pragma once
// The "device.command" action's parameters, checked without any I/O:
//   {"displays": ["r1c1", "r1c2"] | "all", "command": "power", "value": "on", "timeoutMs": 10000}
// commands and their values:
//   power "on"|"off" (or true/false) · input "hdmi1" · brightness|backlight|contrast 0-100 ·
//   colourTemperature 2000-20000 (kelvin) · tiling {"columns","rows","position"} ·
//   bezelCompensation true|false · powerStatus, temperature (queries, no value)
// "all" means every display that is bound to a device.
#include "core/action.h"

#include "codec/command.h"

#include <QJsonObject>
#include <QStringList>

#include <variant>

namespace opswall::devices {

struct CommandRequest {
    QStringList displays; // resolved, without duplicates, in the order given (or wall order)
    QString command;
    drivers::Command driverCommand;
    int timeoutMs = 10000; // one deadline for the whole fan-out
};

inline constexpr int kDefaultCommandTimeoutMs = 10000;

// wallDisplays: every display id of the wall (in wall order); bound: those with a device.
// Returns the request, or a failure ActionResult ("invalid", naming the parameter at fault).
std::variant<CommandRequest, ActionResult> parseDeviceCommand(const QJsonObject &params,
                                                              const QStringList &wallDisplays,
                                                              const QStringList &bound);

// One display's answer: {"ok": bool, "status": "ok"|"timeout"|..., "error": "...", "value": n,
// "text": "..."} (value/text only for queries).
QJsonObject resultToJson(const drivers::Result &result);

} // namespace opswall::devices
