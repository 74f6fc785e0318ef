#pragma once
// A JSON value's type in words, for error messages ("must be a number, got a string").

#include <QJsonValue>
#include <QString>

namespace opswall {

QString jsonTypeName(const QJsonValue &v);

} // namespace opswall
