#pragma once
// What the store tests of the real opswall share (tst_app_store_thread, tst_app_store_refused).
#include "appundertest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>

namespace apptest {

// The "items" of a list the API answers (GET /presets, /briefings…), as the admin.
inline QJsonArray itemsOf(const Wall &w, const QString &path) {
    return jsonOf(w.api("GET", path).body)[QStringLiteral("items")].toArray();
}

// A button panel "desk" (a Stream Deck over TCP, page "main", no buttons), not connected: nothing
// listens on its port. Written to the wall's folder and passed with --panels, so that a
// panel.bind is a write the store makes. False when the file cannot be written.
inline bool useDeskPanel(Wall &w) {
    QTcpServer closed; // a port that was free a moment ago
    if (!closed.listen(QHostAddress::LocalHost, 0))
        return false;
    const quint16 deckPort = closed.serverPort();
    closed.close();
    const QJsonObject panels{
        {QStringLiteral("kind"), QStringLiteral("opswall.panels")},
        {QStringLiteral("schemaVersion"), 1},
        {QStringLiteral("panels"),
         QJsonArray{
             QJsonObject{{QStringLiteral("id"), QStringLiteral("desk")},
                         {QStringLiteral("name"), QStringLiteral("Desk")},
                         {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
                         {QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                         {QStringLiteral("port"), deckPort},
                         {QStringLiteral("role"), QStringLiteral("operator")},
                         {QStringLiteral("pages"),
                          QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("main")},
                                                 {QStringLiteral("buttons"), QJsonArray{}}}}}}}}};
    const QString path = w.dir.filePath(QStringLiteral("panels.json"));
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(QJsonDocument(panels).toJson()) < 0)
        return false;
    f.close();
    w.extraArgs << QStringLiteral("--panels") << path;
    return true;
}

} // namespace apptest
