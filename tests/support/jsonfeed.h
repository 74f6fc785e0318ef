#pragma once
// A feed definitions document (schema 1) with one JSON feed at http://127.0.0.1:PORT/values.json,
// polled every 5 s (the definitions' minimum): records of {date, indicator, value} under
// "records". Served by a test's own HTTP server (tests/rendering, tests/nodes).
#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>

namespace opswall::testsupport {

inline QByteArray jsonFeedDocument(quint16 port, const QString &id, const QString &name) {
    const QJsonObject feed{
        {QStringLiteral("id"), id},
        {QStringLiteral("name"), name},
        {QStringLiteral("url"), QStringLiteral("http://127.0.0.1:%1/values.json").arg(port)},
        {QStringLiteral("format"), QStringLiteral("json")},
        {QStringLiteral("mapping"),
         QJsonObject{{QStringLiteral("seriesPath"), QStringLiteral("records")},
                     {QStringLiteral("timeField"), QStringLiteral("date")},
                     {QStringLiteral("indicatorField"), QStringLiteral("indicator")},
                     {QStringLiteral("valueField"), QStringLiteral("value")}}},
        {QStringLiteral("intervalSecs"), 5}};
    return QJsonDocument(QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                     {QStringLiteral("feeds"), QJsonArray{feed}}})
        .toJson();
}

} // namespace opswall::testsupport
