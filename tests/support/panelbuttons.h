#pragma once
// A panel button that recalls a preset, as a panels document (`opswall.panels`) binds it.
#include <QJsonObject>
#include <QString>

namespace opswall::testsupport {

inline QJsonObject presetRecallButton(int key, int presetId, const QString &label) {
    return QJsonObject{{QStringLiteral("key"), key},
                       {QStringLiteral("label"), label},
                       {QStringLiteral("action"), QStringLiteral("preset.recall")},
                       {QStringLiteral("params"), QJsonObject{{QStringLiteral("id"), presetId}}}};
}

} // namespace opswall::testsupport
