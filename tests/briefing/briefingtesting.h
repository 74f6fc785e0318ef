#pragma once
// Shared by the briefing tests: the demo wall and presets from assets/demo loaded into a real
// WallStore on a temporary SQLite file, a Dispatcher and a BriefingRunner over them, and the
// callers of every role (tests/wall/dispatcherfixture.h).

#include "briefing/briefing.h"
#include "briefing/briefingstore.h"
#include "briefing/runner.h"
#include "core/permissions.h"
#include "store/wallstore.h"
#include "wall/dispatcher.h"
#include "wall/walljson.h"

#include "../wall/dispatcherfixture.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace opswall::briefing::testing {

inline QString sourceDir() {
    const QString env = qEnvironmentVariable("OPSWALL_SOURCE_DIR");
    return env.isEmpty() ? QStringLiteral(OPSWALL_SOURCE_DIR_FALLBACK) : env;
}

inline QJsonObject readJson(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return QJsonDocument::fromJson(f.readAll()).object();
}

inline wall::Wall demoWall() {
    const auto parsed = wall::wallFromJson(readJson(sourceDir() + "/assets/demo/wall.json"));
    if (!parsed.ok())
        qFatal("the demo wall does not load");
    return parsed.wall;
}

// Saves every demo preset (assets/demo/presets/index.json) into store; returns their count.
inline int importDemoPresets(store::WallStore &store, const wall::Wall &wall) {
    const QString dir = sourceDir() + "/assets/demo/presets/";
    int n = 0;
    for (const QJsonValue &e : readJson(dir + "index.json")["presets"].toArray()) {
        const auto parsed = wall::layoutFromJson(readJson(dir + e["file"].toString()), &wall);
        if (!parsed.ok())
            qFatal("demo preset %s does not load", qPrintable(e["file"].toString()));
        store.savePreset(std::nullopt, parsed.layout.name, parsed.layout, e["forLeaders"].toBool());
        ++n;
    }
    return n;
}

// The callers of every role and describe(), as the dispatcher tests have them.
using wall::testing::describe;
using wall::testing::kAdmin;
using wall::testing::kLeader;
using wall::testing::kOperator;
using wall::testing::kTechnician;
using wall::testing::kViewer;
inline const Caller kOtherLeader{QStringLiteral("deputy"), Role::Leader, QStringLiteral("local"),
                                 QStringLiteral("api")};

// A wall with the demo presets, a dispatcher and a runner, on a fresh database.
struct Rig {
    QTemporaryDir dir;
    std::unique_ptr<store::Database> db;
    std::unique_ptr<store::WallStore> presets;
    std::unique_ptr<wall::WallState> state;
    std::unique_ptr<wall::Dispatcher> dispatcher;
    std::unique_ptr<BriefingStore> briefings;
    std::unique_ptr<BriefingRunner> runner;

    Rig() {
        db = std::make_unique<store::Database>(dir.filePath(QStringLiteral("wall.db")));
        presets = std::make_unique<store::WallStore>(*db);
        state = std::make_unique<wall::WallState>(demoWall());
        importDemoPresets(*presets, state->wall());
        dispatcher = std::make_unique<wall::Dispatcher>(*state, presets.get());
        briefings = std::make_unique<BriefingStore>(*db);
        runner = std::make_unique<BriefingRunner>(*state, *dispatcher, *presets, *briefings);
        BriefingRunner *r = runner.get();
        dispatcher->addHandler(QStringLiteral("briefing."),
                               [r](const Action &a, const Caller &c) { return r->handle(a, c); });
    }

    // The demo briefing (assets/demo/briefings/economy.json), saved; returns its id.
    int saveDemoBriefing() {
        const ActionResult r = dispatcher->dispatch(
            {QStringLiteral("briefing.save"),
             {{QStringLiteral("briefing"),
               readJson(sourceDir() + "/assets/demo/briefings/economy.json")}}},
            kOperator);
        if (!r.ok)
            qFatal("the demo briefing does not save: %s", describe(r).constData());
        return r.data.value(QStringLiteral("id")).toInt();
    }

    ActionResult run(const char *type, const Caller &caller, QJsonObject params = {}) {
        return dispatcher->dispatch({QString::fromLatin1(type), std::move(params)}, caller);
    }
};

} // namespace opswall::briefing::testing
