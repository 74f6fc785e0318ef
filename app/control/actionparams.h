#pragma once
// The dispatcher's action parameters built from what the API's paths and bodies and the line
// protocol's words give (router.cpp, lineprotocol.cpp): both emit dispatcher actions directly, in
// one vocabulary, so the audit names the action a refusal names. Pure functions, no state: what
// needs the live wall (a free tile id, the tile's current rectangle) is the dispatcher's part.

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace opswall::control {

// An id as paths and lines carry them: 1 to 128 letters, digits, '-', '_', '.' or '@'.
bool validPathId(const QString &id);

// An id from a path or a line: a whole number when it is one (presets are numbered), else the
// text as it came (the dispatcher refuses it, naming the field).
QJsonValue pathNumber(const QString &id);

// device.command: {"command", "displays": [id] or "all", "value" when args has one}.
QJsonObject deviceCommandParams(const QString &id, const QJsonValue &command,
                                const QJsonObject &args);

// tile.add: {"tile": {"kind", "rect", "binding", "z"?}} from kind, source, x, y, width, height,
// z and options (merged into the binding, with source). No id: the dispatcher picks a free one.
QJsonObject tileAddParams(const QJsonObject &fields);

// tile.update: {"id", "rect"?: any of x, y, width, height, "z"?, "title"?, "options"?} from
// x, y, width, height, z, title and options (merged into the binding; a null option removes the
// key). What is not given stays as it is.
QJsonObject tileUpdateParams(const QString &id, const QJsonObject &fields);

} // namespace opswall::control
