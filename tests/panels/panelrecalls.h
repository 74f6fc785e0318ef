#pragma once
// What the panel tests read back from a real wall (tst_panels_devices, tst_panels_osc): the
// audited preset recalls a panel or a tablet made, the presets' ids, and the live layout's and a
// preset's names.
#include "appundertest.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QStringList>
#include <QTest>

#include <algorithm>

namespace paneltest {

// The audited recalls of preset `id` that came through `via` ("panel", "osc") with outcome ok,
// and by `user` unless it is empty; oldest first.
inline QList<QJsonObject> auditedRecalls(apptest::Wall &app, const QString &via, const QString &id,
                                         bool ok, const QString &user = {}) {
    QList<QJsonObject> out;
    const QJsonArray rows =
        jsonOf(app.api("GET", QStringLiteral("/audit?action=preset.recall&limit=500")).body)
            .value(QStringLiteral("items"))
            .toArray();
    for (const QJsonValue &v : rows) {
        const QJsonObject r = v.toObject();
        if ((user.isEmpty() || r.value(QStringLiteral("user")).toString() == user) &&
            r.value(QStringLiteral("via")).toString() == via &&
            r.value(QStringLiteral("params")).toObject().value(QStringLiteral("id")).toInt() ==
                id.toInt() &&
            r.value(QStringLiteral("ok")).toBool() == ok)
            out.append(r);
    }
    std::sort(out.begin(), out.end(), [](const QJsonObject &a, const QJsonObject &b) {
        return a.value(QStringLiteral("id")).toString().toLongLong() <
               b.value(QStringLiteral("id")).toString().toLongLong();
    });
    return out;
}

// Waits (10 s at most) until one more such recall than `before` is audited; *row: the newest.
inline bool waitForAuditedRecall(apptest::Wall &app, const QString &via, const QString &id, bool ok,
                                 qsizetype before, const QString &user = {},
                                 QJsonObject *row = nullptr) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 10000) {
        const QList<QJsonObject> rows = auditedRecalls(app, via, id, ok, user);
        if (rows.size() > before) {
            if (row)
                *row = rows.last();
            return true;
        }
        QTest::qWait(50);
    }
    return false;
}

// The ids of the wall's presets, in the order the API lists them.
inline QStringList presetIds(apptest::Wall &app) {
    QStringList ids;
    const QJsonArray presets =
        jsonOf(app.api("GET", QStringLiteral("/presets")).body)[QLatin1String("items")].toArray();
    for (const QJsonValue &p : presets)
        ids.append(QString::number(p[QLatin1String("id")].toInt()));
    return ids;
}

inline QString layoutName(apptest::Wall &app) {
    return jsonOf(app.api("GET", QStringLiteral("/status")).body)
        .value(QStringLiteral("layout"))
        .toString();
}

inline QString presetName(apptest::Wall &app, const QString &id) {
    return jsonOf(app.api("GET", QStringLiteral("/presets/") + id).body)
        .value(QStringLiteral("name"))
        .toString();
}

} // namespace paneltest
