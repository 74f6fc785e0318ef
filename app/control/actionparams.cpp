#include "control/actionparams.h"

#include <QJsonArray>

namespace opswall::control {

bool validPathId(const QString &s) {
    if (s.isEmpty() || s.size() > 128)
        return false;
    for (QChar c : s)
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.' || c == u'@'))
            return false;
    return true;
}

QJsonValue pathNumber(const QString &id) {
    bool ok = false;
    const int n = id.toInt(&ok);
    if (ok && n >= 0 && id == QString::number(n))
        return n;
    return id;
}

QJsonObject deviceCommandParams(const QString &id, const QJsonValue &command,
                                const QJsonObject &args) {
    QJsonObject p{{QStringLiteral("command"), command},
                  {QStringLiteral("displays"), id == QLatin1String("all")
                                                   ? QJsonValue(QStringLiteral("all"))
                                                   : QJsonValue(QJsonArray{id})}};
    if (args.contains(QStringLiteral("value")))
        p.insert(QStringLiteral("value"), args.value(QStringLiteral("value")));
    return p;
}

namespace {
QJsonObject rectOf(const QJsonObject &fields) {
    QJsonObject rect;
    for (const char *k : {"x", "y", "width", "height"})
        if (fields.contains(QLatin1String(k)))
            rect.insert(QLatin1String(k), fields.value(QLatin1String(k)));
    return rect;
}
} // namespace

QJsonObject tileAddParams(const QJsonObject &fields) {
    QJsonObject binding = fields.value(QStringLiteral("options")).toObject();
    if (fields.contains(QStringLiteral("source")))
        binding.insert(QStringLiteral("source"), fields.value(QStringLiteral("source")));
    QJsonObject tile{{QStringLiteral("kind"), fields.value(QStringLiteral("kind"))},
                     {QStringLiteral("rect"), rectOf(fields)},
                     {QStringLiteral("binding"), binding}};
    if (fields.contains(QStringLiteral("z")))
        tile.insert(QStringLiteral("z"), fields.value(QStringLiteral("z")));
    return {{QStringLiteral("tile"), tile}};
}

QJsonObject tileUpdateParams(const QString &id, const QJsonObject &fields) {
    QJsonObject p{{QStringLiteral("id"), id}};
    if (const QJsonObject rect = rectOf(fields); !rect.isEmpty())
        p.insert(QStringLiteral("rect"), rect);
    for (const char *k : {"z", "title", "options"})
        if (fields.contains(QLatin1String(k)))
            p.insert(QLatin1String(k), fields.value(QLatin1String(k)));
    return p;
}

} // namespace opswall::control
