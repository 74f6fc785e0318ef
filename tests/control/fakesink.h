#pragma once
// A fake action dispatcher for the control tests: it does what the real one (app/wall) must do
// with an action (apply, audit, publish) on a tiny in-memory wall, and answers snapshots.

#include "control/actionsink.h"
#include "control/controlservice.h"

#include <QJsonArray>
#include <QJsonObject>

#include <vector>

class FakeSink : public opswall::control::ActionSink {
public:
    opswall::control::ControlService *control = nullptr;
    std::vector<opswall::Action> applied;
    int revision = 0;
    QString livePreset = QStringLiteral("none");
    bool answer = true; // false: never call done (tests the dispatcher time limit)

    void submit(opswall::Action action, opswall::Caller caller, Done done) override {
        if (!answer)
            return;
        // Authorised once, here, as the real dispatcher does (role table, then the lock); the
        // refusal is audited under the action as it came.
        if (control)
            if (auto refused = control->authorize(caller, action.type)) {
                control->audit().append(caller, action, *refused);
                return done(*refused);
            }
        opswall::ActionResult r;
        const QString id = action.params.value(QStringLiteral("id")).toVariant().toString();
        if (action.type == QLatin1String("preset.recall") && id == QLatin1String("missing")) {
            r = opswall::ActionResult::failure(QStringLiteral("not_found"),
                                               QStringLiteral("no preset 'missing'"),
                                               QStringLiteral("id"));
        } else {
            if (action.type == QLatin1String("preset.recall"))
                livePreset = id;
            r = opswall::ActionResult::success(QJsonObject{
                {QStringLiteral("revision"), ++revision}, {QStringLiteral("action"), action.type}});
        }
        applied.push_back(action);
        if (control) {
            control->audit().append(caller, action, r);
            if (r.ok)
                control->publish(QJsonObject{{QStringLiteral("type"), action.type},
                                             {QStringLiteral("by"), caller.user},
                                             {QStringLiteral("params"), action.params}});
        }
        done(r);
    }

    // GET /audit/layout as the wall reads it (app/shell/storereads.cpp), on the API's reader: the
    // audit's last layout change, and a stand-in for the layout of its revision.
    StoreRead storeRead(const QString &what) override {
        if (!what.startsWith(QLatin1String("audit-layout:")))
            return {};
        return [atMs = what.mid(13).toLongLong()](opswall::store::Database &db) {
            const auto e = opswall::control::AuditLog::lastLayoutChangeOn(db, atMs);
            if (!e)
                return QJsonObject();
            QJsonObject out{{QStringLiteral("change"), e->toJson()}};
            const QJsonValue rev = e->result.data.value(QStringLiteral("revision"));
            if (!rev.isUndefined())
                out.insert(QStringLiteral("layout"),
                           QJsonObject{{QStringLiteral("revision"), rev.toInteger()}});
            return out;
        };
    }

    QJsonObject snapshot(const QString &what) override {
        auto items = [](QJsonArray a) { return QJsonObject{{QStringLiteral("items"), a}}; };
        if (what == QLatin1String("wall"))
            return QJsonObject{{QStringLiteral("displays"), 12},
                               {QStringLiteral("columns"), 4},
                               {QStringLiteral("rows"), 3}};
        if (what == QLatin1String("status"))
            return QJsonObject{{QStringLiteral("preset"), livePreset},
                               {QStringLiteral("revision"), revision},
                               {QStringLiteral("displaysOn"), 12}};
        if (what == QLatin1String("health"))
            return QJsonObject{
                {QStringLiteral("fps"), 60.0},
                {QStringLiteral("streams"),
                 QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("cam1")},
                                        {QStringLiteral("state"), QStringLiteral("Playing")}}}}};
        if (what == QLatin1String("presets"))
            return items({QJsonObject{{QStringLiteral("id"), QStringLiteral("3")},
                                      {QStringLiteral("name"), QStringLiteral("Morning brief")}}});
        if (what == QLatin1String("preset:3"))
            return QJsonObject{{QStringLiteral("id"), QStringLiteral("3")},
                               {QStringLiteral("name"), QStringLiteral("Morning brief")}};
        for (const char *list : {"layouts", "tiles", "tile-kinds", "sources", "feeds", "alerts",
                                 "devices", "indicators"})
            if (what == QLatin1String(list))
                return items({QJsonObject{{QStringLiteral("id"), QStringLiteral("a1")}}});
        if (what == QLatin1String("layout:a1") || what == QLatin1String("device:a1"))
            return QJsonObject{{QStringLiteral("id"), QStringLiteral("a1")}};
        if (what == QLatin1String("live-layout"))
            return QJsonObject{{QStringLiteral("revision"), revision},
                               {QStringLiteral("layout"), QJsonObject{}}};
        return {};
    }

    // A picture of output 0 only (what the wall does is tested against the real process).
    void outputSnapshot(int index, int widthPx, ImageDone done) override {
        if (index != 0)
            return done(opswall::ActionResult::failure(QStringLiteral("not_found"),
                                                       QStringLiteral("no output %1").arg(index),
                                                       QStringLiteral("index")),
                        {});
        lastSnapshotWidth = widthPx;
        // JPEG start and end markers around nothing: the fake passes bytes, it draws nothing.
        done(opswall::ActionResult::success(), QByteArray("\xff\xd8\xff\xe0"
                                                          "fake"
                                                          "\xff\xd9",
                                                          10));
    }
    int lastSnapshotWidth = 0;
};
