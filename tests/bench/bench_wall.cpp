// Wall benchmark: start-up to the first complete frame, preset recall to the next complete frame
// on every output for a 30-tile layout (against recalling an empty layout in the same process),
// the longest frame during a recall (the longest stretch the GUI thread could not start a frame,
// or a window's frame from sync to swap where windows draw on their own threads: the software
// scene graph with QSG_RENDER_LOOP=threaded; the default basic loop draws on the GUI thread), the
// GUI-thread time of one indicator update on the overview preset and 24 chart tiles at 1 Hz
// (charts24.h), and peak RSS. Runs the real application objects on the offscreen platform with the
// software scene graph, driving the demo wall's two 3840×3240 outputs. Usage: bench_wall [--json]
// [path/to/opswall]
//   --json: the last line of stdout is one JSON object of figures (this file's text report goes
//   to stderr);
//   with the binary, also times a whole process start;
//   --recall-only: start-up and the recalls only (to profile them, e.g. under perf);
//   --map-only: start-up and the map recalls only (the same, for the map over 12 displays);
//   --cold-only: start-up and the cold 30-tile recalls only (the same, for the build of a recall
//   whose tiles are neither kept nor built ahead);
//   --kept-layouts N: the wall's --kept-layouts (default as the application's): the recalls
//   alternate between two presets, so after the first two each recall finds its tiles kept
//   built; the "cold" figures recall them with kept layouts off, the "ahead" ones with kept
//   layouts off and both presets warm (--warm-presets: built ahead, hidden, before any recall).
//   longest_frame_*_during_recall is the longest of every output's frames during the three kinds
//   of 30-tile recall (kept, cold, ahead; each kind's own: kept_*, cold_*, ahead_*).
//   --wait-commit: recall with Dispatcher::dispatch, which holds the GUI thread until the store
//   thread committed the recall (the figures before the seventh round); by default a recall is
//   submitted as the API and the console submit it (Dispatcher::submit), the wall building it
//   while the store writes, and the next complete frame is the first one every output swaps
//   after the dispatcher answered (the recall is live then).
#include "charts24.h"
#include "core/engineservices.h"
#include "shell/wallapplication.h"
#include "wallframes.h"
#include "wallscene.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QProcessEnvironment>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <functional>
#include <memory>
#include <optional>
#include <tuple>
#include <vector>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;
using bench::Change;
using bench::measureChange;
using bench::threadCpuMs;

namespace {

const Caller kBench{QStringLiteral("bench"), Role::Admin, QStringLiteral("local"),
                    QStringLiteral("bench")};

// In --json mode this file's text report goes to stderr; the JSON object is the last line of
// stdout.
FILE *g_text = stdout;

__attribute__((format(printf, 1, 2))) void say(const char *format, ...) {
    va_list args;
    va_start(args, format);
    std::vfprintf(g_text, format, args);
    va_end(args);
}

// A 30-tile layout on the demo wall: a 6×5 grid of text, clock and colour tiles. Variants 0 and
// 1 give every tile id another kind (nothing persists between them); shiftMm moves the grid.
QJsonObject thirtyTiles(const QString &name, int variant, double shiftMm = 0) {
    QJsonArray tiles;
    const double w = 4852.4 / 6, h = 2051.7 / 5;
    for (int i = 0; i < 30; ++i) {
        const int c = i % 6, r = i / 6;
        const int kind = (i + variant) % 3;
        QJsonObject binding;
        QString k;
        if (kind == 0) {
            k = QStringLiteral("text");
            binding = {{QStringLiteral("text"),
                        QStringLiteral("Chỉ tiêu %1 — giải ngân vốn đầu tư công").arg(i + 1)},
                       {QStringLiteral("sizeMm"), 40}};
        } else if (kind == 1) {
            k = QStringLiteral("clock");
        } else {
            k = QStringLiteral("color");
            binding = {{QStringLiteral("color"),
                        variant ? QStringLiteral("#204060") : QStringLiteral("#603020")}};
        }
        tiles.append(QJsonObject{
            {QStringLiteral("id"), QStringLiteral("t%1").arg(i)},
            {QStringLiteral("kind"), k},
            {QStringLiteral("title"), QStringLiteral("Ô số %1").arg(i + 1)},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), c * w + 10 + shiftMm},
                                                 {QStringLiteral("y"), r * h + 10},
                                                 {QStringLiteral("width"), w - 20},
                                                 {QStringLiteral("height"), h - 20}}},
            {QStringLiteral("binding"), binding}});
    }
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("name"), name},
            {QStringLiteral("tiles"), tiles}};
}

// One province map over the whole demo wall (12 displays: 12 items of one tile), values by
// variant so that each recall draws a new picture.
QJsonObject wallMap(const QString &name, int variant) {
    QJsonObject values;
    for (const char *code : {"01", "79", "48", "31", "92", "22", "27", "75", "74", "26"})
        values.insert(QLatin1String(code), 95.0 + (QByteArray(code).toInt() * 7 + variant) % 11);
    const QJsonObject tile{
        {QStringLiteral("id"), QStringLiteral("map")},
        {QStringLiteral("kind"), QStringLiteral("map")},
        {QStringLiteral("title"), QStringLiteral("Bản đồ")},
        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 10},
                                             {QStringLiteral("y"), 10},
                                             {QStringLiteral("width"), 4832},
                                             {QStringLiteral("height"), 2030}}},
        {QStringLiteral("binding"),
         QJsonObject{{QStringLiteral("units"), 63}, {QStringLiteral("values"), values}}}};
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("name"), name},
            {QStringLiteral("tiles"), QJsonArray{tile}}};
}

struct Stats {
    double median = 0, p95 = 0, max = 0;
};

Stats stats(QList<double> v) {
    if (v.isEmpty())
        return {};
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min<qsizetype>(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

constexpr int kRounds = 20;

// --wait-commit: recalls hold the GUI thread until the store committed them (dispatch).
bool g_waitCommit = false;
// --idle-ms N: the wall runs its event loop this long before each recall.
int g_idleMs = 0;

// A preset recall as the API submits it (or, with --wait-commit, dispatched); answered is called
// once the dispatcher answered (the recall live, or refused).
void recall(shell::WallApplication &app, int id, const std::function<void()> &answered) {
    const Action action{QStringLiteral("preset.recall"), {{QStringLiteral("id"), id}}};
    if (g_waitCommit) {
        app.dispatcher().dispatch(action, kBench);
        answered();
        return;
    }
    app.dispatcher().submit(action, kBench, [answered](const ActionResult &r) {
        if (!r.ok)
            say("bench_wall: recall refused: %s\n", qPrintable(r.message));
        answered();
    });
}

// The wall's tile model (kept layouts).
qml::TileListModel *tiles(shell::WallApplication &app) {
    auto *scene = opswall::lookup<qml::WallScene>(&app.engine());
    return scene ? scene->tiles() : nullptr;
}

struct Recalls {
    Stats ms, dispatchMs, stallMs, cpuMs, stallCpuMs;
    Stats guiStallCpuMs, renderFrameMs, renderFrameCpuMs;
    // Of the recalls that built something (a switch was made, TileListModel::switched): the time
    // from the recall to the switch, and how many frames the windows synchronised before it (each
    // sync holds the GUI thread until that window's render thread takes it), and from the switch
    // to the first window's sync and to the complete frame.
    Stats switchMs, syncsBeforeSwitch, toSyncMs, afterSwitchMs;
};

Recalls recallTimes(shell::WallApplication &app, int idA, int idB, int rounds) {
    QList<double> ms, dispatchMs, stallMs, cpuMs, stallCpuMs, guiStallCpuMs, renderFrameMs,
        renderFrameCpuMs, switchMs, syncsBeforeSwitch, toSyncMs, afterSwitchMs;
    // Counted on the render threads, with when the first sync after a switch began; shared with
    // their connections (a sync may be under way when they are cut).
    struct Syncs {
        std::atomic<int> count = 0;
        std::atomic<bool> armed = false; // a switch was made, its first sync not seen yet
        std::atomic<qint64> firstNs = -1;
        QElapsedTimer clock;
    };
    const auto syncs = std::make_shared<Syncs>();
    syncs->clock.start();
    QList<QMetaObject::Connection> connections;
    for (QQuickWindow *w : app.windows())
        connections.append(QObject::connect(
            w, &QQuickWindow::beforeSynchronizing, w,
            [syncs] {
                ++syncs->count;
                if (syncs->armed.exchange(false))
                    syncs->firstNs = syncs->clock.nsecsElapsed();
            },
            Qt::DirectConnection));
    qint64 switchNs = 0;
    QElapsedTimer sinceRecall;
    double switchedAt = -1;
    int syncsAtStart = 0, syncsAtSwitch = 0;
    if (qml::TileListModel *model = tiles(app))
        connections.append(QObject::connect(model, &qml::TileListModel::switched, model, [&] {
            if (switchedAt >= 0 || !sinceRecall.isValid())
                return;
            switchedAt = sinceRecall.nsecsElapsed() / 1e6;
            syncsAtSwitch = syncs->count - syncsAtStart;
            switchNs = syncs->clock.nsecsElapsed();
            syncs->firstNs = -1;
            syncs->armed = true;
        }));
    for (int i = 0; i < rounds; ++i) {
        if (g_idleMs > 0) {
            QEventLoop idle;
            QTimer::singleShot(g_idleMs, &idle, &QEventLoop::quit);
            idle.exec();
        }
        switchedAt = -1;
        sinceRecall.invalidate();
        const Change c = measureChange(app, [&](const std::function<void()> &answered) {
            syncsAtStart = syncs->count;
            sinceRecall.start();
            recall(app, i % 2 ? idA : idB, answered);
        });
        if (switchedAt >= 0) {
            switchMs.append(switchedAt);
            syncsBeforeSwitch.append(syncsAtSwitch);
            afterSwitchMs.append(c.ms - switchedAt);
            if (syncs->firstNs >= 0)
                toSyncMs.append((syncs->firstNs - switchNs) / 1e6);
        }
        ms.append(c.ms);
        dispatchMs.append(c.dispatchMs);
        stallMs.append(c.longestStallMs);
        cpuMs.append(c.cpuMs);
        stallCpuMs.append(c.longestStallCpuMs);
        guiStallCpuMs.append(c.guiStallCpuMs);
        renderFrameMs.append(c.renderFrameMs);
        renderFrameCpuMs.append(c.renderFrameCpuMs);
    }
    for (const auto &c : std::as_const(connections))
        QObject::disconnect(c);
    return {
        stats(ms),         stats(dispatchMs),        stats(stallMs),       stats(cpuMs),
        stats(stallCpuMs), stats(guiStallCpuMs),     stats(renderFrameMs), stats(renderFrameCpuMs),
        stats(switchMs),   stats(syncsBeforeSwitch), stats(toSyncMs),      stats(afterSwitchMs)};
}

int savePreset(shell::WallApplication &app, const QJsonObject &layout) {
    app.dispatcher().dispatch({QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}},
                              kBench);
    const auto r = app.dispatcher().dispatch(
        {QStringLiteral("preset.save"), {{QStringLiteral("name"), layout[QStringLiteral("name")]}}},
        kBench);
    return r.data.value(QStringLiteral("id")).toInt();
}

// The tile frames the output windows made: each window's TileLayer makes one frame per row of its
// tile model (an Instantiator; the code before per-window filtering made one for every tile of
// the layout, parked hidden out of the picture where the tile was on none of its displays), and
// `shown`: the frames in the picture, with the copies of light tiles in the other displays they
// span.
// `kept`: the frames kept built and hidden for a recall of a layout left (not counted in rows).
struct TileFrames {
    int rows = 0;
    int shown = 0;
    int kept = 0;
};
TileFrames tileFrames(shell::WallApplication &app) {
    TileFrames f;
    const std::function<void(QQuickItem *)> walk = [&](QQuickItem *item) {
        if (const QVariant retired = item->property("retired"); retired.isValid())
            f.shown += retired.toBool() || !item->isVisible() ? 0 : 1;
        if (item->property("parts").isValid() && item->property("kept").toBool())
            ++f.kept; // a frame (not a copy: copies have no parts)
        if (item->property("viewports").isValid())
            for (QObject *o : item->children())
                if (o->inherits("QQmlInstantiator"))
                    f.rows += o->property("count").toInt();
        for (QQuickItem *child : item->childItems())
            walk(child);
    };
    for (QQuickWindow *w : app.windows())
        walk(w->contentItem());
    f.rows -= f.kept;
    return f;
}

QJsonValue round1(double v) {
    return std::round(v * 10) / 10;
}

// The JSON figures of one kind of 30-tile recall ("cold", "ahead"): PREFIX_recall_ms_p50/_p95,
// _recall_cpu_ms_p50, _recall_ratio_p50 (against the empty recall) and the longest frame during
// them, in wall-clock and CPU time.
void insertRecallFigures(QJsonObject &figures, const QString &prefix, const Recalls &r,
                         const Recalls &empty) {
    const auto key = [&](const char *name) { return prefix + QLatin1String(name); };
    figures.insert(key("_recall_ms_p50"), round1(r.ms.median));
    figures.insert(key("_recall_ms_p95"), round1(r.ms.p95));
    figures.insert(key("_recall_cpu_ms_p50"), round1(r.cpuMs.median));
    figures.insert(key("_recall_ratio_p50"), std::round(r.ms.median / empty.ms.median * 100) / 100);
    figures.insert(key("_longest_frame_ms_during_recall"), round1(r.stallMs.max));
    figures.insert(key("_longest_frame_cpu_ms_during_recall"), round1(r.stallCpuMs.max));
}

// The 30-tile recalls with nothing kept (a preset not among the last layouts shown): "cold", as
// the wall makes them (its text, clock and colour tiles given the spare frames of those kinds that
// the layout left let go), and "cold_built", with no spare frames (each builds its 30 tiles).
Recalls coldFigures(shell::WallApplication &app, int a, int b, const Recalls &empty,
                    QJsonObject &figures) {
    qml::TileListModel *model = tiles(app);
    if (!model)
        return {};
    const int kept = model->keptLayouts();
    model->setKeptLayouts(0);
    recallTimes(app, a, b, 2);
    const int sparesTaken = model->sparesTaken();
    const Recalls cold = recallTimes(app, a, b, kRounds);
    const int taken = model->sparesTaken() - sparesTaken;
    const int spares = model->spareTiles();
    model->setSpareTiles(0);
    recallTimes(app, a, b, 2);
    const Recalls built = recallTimes(app, a, b, kRounds);
    model->setSpareTiles(spares);
    model->setKeptLayouts(kept);
    recallTimes(app, a, b, 2); // kept again
    say("  30-tile layout, cold (nothing kept built, spare frames taken): median %7.1f ms  "
        "p95 %7.1f ms (%.2fx empty), GUI-thread CPU median %.1f ms, longest frame %.1f ms (CPU "
        "%.1f ms)\n",
        cold.ms.median, cold.ms.p95, cold.ms.median / empty.ms.median, cold.cpuMs.median,
        cold.stallMs.max, cold.stallCpuMs.max);
    insertRecallFigures(figures, QStringLiteral("cold"), cold, empty);
    say("  of which               : %.1f ms from the recall to the switch (p50), the windows "
        "synchronised %.0f frames before it (p50; max %.0f), %.1f ms from the switch to the "
        "complete frame (p50)\n",
        cold.switchMs.median, cold.syncsBeforeSwitch.median, cold.syncsBeforeSwitch.max,
        cold.afterSwitchMs.median);
    figures.insert(QStringLiteral("cold_switch_ms_p50"), round1(cold.switchMs.median));
    figures.insert(QStringLiteral("cold_syncs_before_switch_p50"),
                   round1(cold.syncsBeforeSwitch.median));
    figures.insert(QStringLiteral("cold_switch_to_sync_ms_p50"), round1(cold.toSyncMs.median));
    figures.insert(QStringLiteral("cold_switch_to_frame_ms_p50"),
                   round1(cold.afterSwitchMs.median));
    // A window's frame (sync to swap: on its render thread) in a cold recall, wall clock and CPU.
    figures.insert(QStringLiteral("cold_window_frame_ms_p50"), round1(cold.renderFrameMs.median));
    figures.insert(QStringLiteral("cold_window_frame_cpu_ms_p50"),
                   round1(cold.renderFrameCpuMs.median));
    say("  30-tile layout, cold, no spare frame (every tile built): median %7.1f ms  p95 %7.1f ms "
        "(%.2fx empty), GUI-thread CPU median %.1f ms, longest frame %.1f ms (CPU %.1f ms); "
        "%.1f ms from the recall to the switch (p50)\n",
        built.ms.median, built.ms.p95, built.ms.median / empty.ms.median, built.cpuMs.median,
        built.stallMs.max, built.stallCpuMs.max, built.switchMs.median);
    insertRecallFigures(figures, QStringLiteral("cold_built"), built, empty);
    figures.insert(QStringLiteral("cold_built_switch_ms_p50"), round1(built.switchMs.median));
    say("  30-tile layout, cold, spare frames given the new tiles: %d of %d tiles\n", taken,
        30 * kRounds);
    figures.insert(QStringLiteral("cold_spares_taken"), taken);
    return cold;
}

// The 30-tile recalls (nothing persists between presets a and b), then the same 30 tiles moved.
void recallFigures(shell::WallApplication &app, int a, int b, const Recalls &empty,
                   QJsonObject &figures) {
    const Recalls full = recallTimes(app, a, b, kRounds);
    say("  30-tile layout         : median %7.1f ms  p95 %7.1f ms  max %7.1f ms\n", full.ms.median,
        full.ms.p95, full.ms.max);
    say("  ratio 30 tiles / empty : %.2fx (median; goal <= 2x)\n",
        full.ms.median / empty.ms.median);
    say("  to the dispatcher's answer (%s): median %7.1f ms (30 tiles), %.1f ms (empty)\n",
        g_waitCommit ? "dispatch, waiting for the commit" : "submit", full.dispatchMs.median,
        empty.dispatchMs.median);
    say("  longest GUI stall      : median %7.1f ms  max %7.1f ms (30 tiles; goal <= 33 ms), "
        "max %.1f ms (empty)\n",
        full.stallMs.median, full.stallMs.max, empty.stallMs.max);
    say("  GUI-thread CPU         : median %7.1f ms (30 tiles), %.1f ms (empty); longest stall "
        "in CPU: median %.1f ms  max %.1f ms (30 tiles)\n",
        full.cpuMs.median, empty.cpuMs.median, full.stallCpuMs.median, full.stallCpuMs.max);
    say("  of which               : GUI thread max %.1f ms CPU; a window's frame (sync to swap) "
        "max %.1f ms (%.1f ms CPU of the thread drawing it)\n",
        full.guiStallCpuMs.max, full.renderFrameMs.max, full.renderFrameCpuMs.max);
    figures.insert(QStringLiteral("longest_gui_stall_cpu_ms_during_recall"),
                   round1(full.guiStallCpuMs.max));
    figures.insert(QStringLiteral("longest_window_frame_ms_during_recall"),
                   round1(full.renderFrameMs.max));
    figures.insert(QStringLiteral("longest_window_frame_cpu_ms_during_recall"),
                   round1(full.renderFrameCpuMs.max));
    figures.insert(QStringLiteral("recall_cpu_ms_p50"), round1(full.cpuMs.median));
    // The longest frame of any output during any kind of 30-tile recall (kept, cold, built
    // ahead): each kind's below.
    double longestMs = full.stallMs.max, longestCpuMs = full.stallCpuMs.max;
    figures.insert(QStringLiteral("kept_longest_frame_ms_during_recall"), round1(full.stallMs.max));
    figures.insert(QStringLiteral("kept_longest_frame_cpu_ms_during_recall"),
                   round1(full.stallCpuMs.max));
    figures.insert(QStringLiteral("recall_ms_p50"), round1(full.ms.median));
    figures.insert(QStringLiteral("recall_ms_p95"), round1(full.ms.p95));
    figures.insert(QStringLiteral("recall_ratio_p50"),
                   std::round(full.ms.median / empty.ms.median * 100) / 100);
    figures.insert(QStringLiteral("recall_dispatch_ms_p50"), round1(full.dispatchMs.median));
    if (qml::TileListModel *model = tiles(app); model && model->keptLayouts() > 0) {
        const Recalls cold = coldFigures(app, a, b, empty, figures);
        longestMs = std::max(longestMs, cold.stallMs.max);
        longestCpuMs = std::max(longestCpuMs, cold.stallCpuMs.max);
    }
    // The same recalls built ahead: nothing kept, both presets warm (--warm-presets), so each
    // recall finds its tiles built and hidden by the build ahead, not by having been shown.
    if (qml::TileListModel *model = tiles(app)) {
        const int kept = model->keptLayouts();
        model->setKeptLayouts(0);
        app.dispatcher().setWarmPresets({a, b});
        QElapsedTimer built;
        built.start();
        const bool ready = QTest::qWaitFor([model] { return model->aheadReady(); }, 60000);
        say("  built ahead            : %d tiles of two warm presets in %lld ms%s\n",
            model->aheadCount(), static_cast<long long>(built.elapsed()),
            ready ? "" : " (not complete)");
        recallTimes(app, a, b, 2);
        const Recalls ahead = recallTimes(app, a, b, kRounds);
        app.dispatcher().setWarmPresets({});
        model->setKeptLayouts(kept);
        recallTimes(app, a, b, 2); // kept again
        say("  30-tile layout, built ahead (warm presets, nothing kept): median %7.1f ms  p95 "
            "%7.1f ms (%.2fx empty), GUI-thread CPU median %.1f ms, longest frame %.1f ms (CPU "
            "%.1f ms)\n",
            ahead.ms.median, ahead.ms.p95, ahead.ms.median / empty.ms.median, ahead.cpuMs.median,
            ahead.stallMs.max, ahead.stallCpuMs.max);
        insertRecallFigures(figures, QStringLiteral("ahead"), ahead, empty);
        figures.insert(QStringLiteral("ahead_build_ms"), qint64(built.elapsed()));
        longestMs = std::max(longestMs, ahead.stallMs.max);
        longestCpuMs = std::max(longestCpuMs, ahead.stallCpuMs.max);
    }
    figures.insert(QStringLiteral("kept_layouts"), tiles(app) ? tiles(app)->keptLayouts() : 0);
    figures.insert(QStringLiteral("longest_frame_ms_during_recall"), round1(longestMs));
    figures.insert(QStringLiteral("longest_frame_cpu_ms_during_recall"), round1(longestCpuMs));
    figures.insert(QStringLiteral("longest_frame_ms_during_recall_p50"),
                   round1(full.stallMs.median));
    // What a recall builds: each window builds the tiles on its displays (and a copy per other
    // display a light tile spans); it used to build a hidden frame for every other tile too.
    QTest::qWait(50); // frames of the layout before are deleted a turn after the switch
    const TileFrames frames = tileFrames(app);
    say("  tile frames            : %d made by the windows' tile models, %d shown with the copies "
        "(%lld windows, 30 tiles), %d kept built and hidden\n",
        frames.rows, frames.shown, static_cast<long long>(app.windows().size()), frames.kept);
    figures.insert(QStringLiteral("tile_frames_made_30_tiles"), frames.rows);
    figures.insert(QStringLiteral("tile_frames_shown_30_tiles"), frames.shown);
    figures.insert(QStringLiteral("tile_frames_kept"), frames.kept);

    // The same 30 tiles moved (all persist: nothing is built, every tile is drawn anew): what
    // drawing the new picture costs without building anything.
    const int moved = savePreset(app, thirtyTiles(QStringLiteral("bench A moved"), 0, 5));
    recallTimes(app, a, moved, 2);
    const Recalls move = recallTimes(app, a, moved, kRounds);
    say("  30 tiles that persist and move (nothing built): median %7.1f ms  p95 %7.1f ms  "
        "(%.2fx empty), longest GUI stall %.1f ms\n",
        move.ms.median, move.ms.p95, move.ms.median / empty.ms.median, move.stallMs.max);
    say("  GUI-thread CPU         : median %7.1f ms (30 tiles moved); longest stall in CPU: max "
        "%.1f ms\n",
        move.cpuMs.median, move.stallCpuMs.max);
    figures.insert(QStringLiteral("moved_recall_ms_p50"), round1(move.ms.median));
    figures.insert(QStringLiteral("moved_recall_cpu_ms_p50"), round1(move.cpuMs.median));
    figures.insert(QStringLiteral("moved_longest_frame_ms"), round1(move.stallMs.max));
}

// A whole opswall process's first start (the demo, a new database): milliseconds from exec to
// its log's "first frame" line; with slowFsyncMs > 0 every fsync of its store is that much late
// (the store's test VFS, OPSWALL_TEST_FSYNC_DELAY_MS). -1 when the line did not come in 60 s.
double processFirstFrameMs(const QString &binary, const QString &dbPath, int slowFsyncMs) {
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (slowFsyncMs > 0)
        env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_MS"), QString::number(slowFsyncMs));
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::MergedChannels);
    QElapsedTimer t;
    t.start();
    p.start(binary,
            {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
             dbPath, QStringLiteral("--api"), QStringLiteral("127.0.0.1:0"),
             QStringLiteral("-platform"), QStringLiteral("offscreen")});
    QByteArray out;
    double ms = -1;
    while (t.elapsed() < 60000 && p.state() != QProcess::NotRunning) {
        p.waitForReadyRead(20);
        out += p.readAll();
        if (out.contains("opswall: first frame ")) {
            ms = t.nsecsElapsed() / 1e6;
            break;
        }
    }
    p.kill();
    p.waitForFinished(5000);
    return ms;
}

// The end of a run: the peak RSS, then (--json) the figures as one JSON object on stdout.
int finish(QJsonObject &figures, bool json) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    say("peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
    figures.insert(QStringLiteral("peak_rss_mib"), round1(ru.ru_maxrss / 1024.0));
    if (json)
        std::printf("%s\n", QJsonDocument(figures).toJson(QJsonDocument::Compact).constData());
    return 0;
}

// An option with a number ("--name N"), taken out of args; none when absent.
std::optional<int> takeNumber(QStringList &args, const QString &name) {
    const qsizetype k = args.indexOf(name);
    if (k < 0)
        return std::nullopt;
    const int n = args.value(k + 1).toInt();
    args.remove(k, std::min<qsizetype>(2, args.size() - k));
    return n;
}

} // namespace

int main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication qapp(argc, argv);
    QStringList args = qapp.arguments().mid(1);
    const bool json = args.removeAll(QStringLiteral("--json")) > 0;
    const bool recallOnly = args.removeAll(QStringLiteral("--recall-only")) > 0;
    const bool mapOnly = args.removeAll(QStringLiteral("--map-only")) > 0;
    const bool coldOnly = args.removeAll(QStringLiteral("--cold-only")) > 0;
    g_waitCommit = args.removeAll(QStringLiteral("--wait-commit")) > 0;
    const std::optional<int> keptLayouts = takeNumber(args, QStringLiteral("--kept-layouts"));
    g_idleMs = std::max(0, takeNumber(args, QStringLiteral("--idle-ms")).value_or(0));
    if (json)
        g_text = stderr;
    const QString binary = args.value(0);
    QTemporaryDir dir;
    QJsonObject figures{{QStringLiteral("bench"), QStringLiteral("wall")},
                        {QStringLiteral("backend"), QStringLiteral("software, offscreen")}};

    shell::Options o;
    o.demo = true;
    o.noServices = true;
    o.apiBind = QStringLiteral("127.0.0.1:0");
    o.dbPath = dir.filePath(QStringLiteral("bench.db"));
    if (keptLayouts)
        o.keptLayouts = *keptLayouts;
    o.aheadRecent = 0; // kept, warm and cold recalls are each measured alone (no most-recalled)
    QElapsedTimer startClock;
    startClock.start();
    shell::WallApplication app(o);
    if (!app.start()) {
        std::fprintf(stderr, "bench_wall: %s\n", qPrintable(app.error()));
        return 1;
    }
    const double startMs =
        startClock.nsecsElapsed() / 1e6 +
        measureChange(app, [](const std::function<void()> &answered) { answered(); }).ms;
    say("outputs: %lld windows (demo wall, 12 displays), software scene graph, offscreen\n",
        static_cast<long long>(app.windows().size()));
    say("start-up to first complete frame (in process): %.1f ms\n", startMs);
    figures.insert(QStringLiteral("outputs"), int(app.windows().size()));
    figures.insert(QStringLiteral("recall_path"),
                   g_waitCommit ? QStringLiteral("dispatch") : QStringLiteral("submit"));
    figures.insert(QStringLiteral("startup_first_frame_ms"), round1(startMs));

    const int a = savePreset(app, thirtyTiles(QStringLiteral("bench A"), 0));
    const int b = savePreset(app, thirtyTiles(QStringLiteral("bench B"), 1));
    const int e1 = savePreset(app, QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                               {QStringLiteral("name"), QStringLiteral("empty 1")},
                                               {QStringLiteral("tiles"), QJsonArray{}}});
    const int e2 = savePreset(app, QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                               {QStringLiteral("name"), QStringLiteral("empty 2")},
                                               {QStringLiteral("tiles"), QJsonArray{}}});
    recallTimes(app, a, b, 2); // warm-up: QML components compiled, fonts cached
    const Recalls empty = recallTimes(app, e1, e2, kRounds);
    say("preset recall -> next complete frame on all outputs, %d rounds:\n", kRounds);
    say("  baseline, empty layout : median %7.1f ms  p95 %7.1f ms  max %7.1f ms\n", empty.ms.median,
        empty.ms.p95, empty.ms.max);
    figures.insert(QStringLiteral("rounds"), kRounds);
    figures.insert(QStringLiteral("empty_recall_cpu_ms_p50"), round1(empty.cpuMs.median));
    figures.insert(QStringLiteral("empty_recall_ms_p50"), round1(empty.ms.median));
    figures.insert(QStringLiteral("empty_recall_ms_p95"), round1(empty.ms.p95));
    if (coldOnly)
        coldFigures(app, a, b, empty, figures);
    else if (!mapOnly)
        recallFigures(app, a, b, empty, figures);
    if (recallOnly || coldOnly)
        return finish(figures, json);

    const int m1 = savePreset(app, wallMap(QStringLiteral("map A"), 0));
    const int m2 = savePreset(app, wallMap(QStringLiteral("map B"), 1));
    recallTimes(app, m1, m2, 2);
    const Recalls map = recallTimes(app, m1, m2, kRounds);
    say("  one map over 12 displays: median %7.1f ms  p95 %7.1f ms  max %7.1f ms  "
        "(%.2fx empty), longest GUI stall %.1f ms\n",
        map.ms.median, map.ms.p95, map.ms.max, map.ms.median / empty.ms.median, map.stallMs.max);
    say("  GUI-thread CPU         : median %7.1f ms (map); longest stall in CPU: max %.1f ms\n",
        map.cpuMs.median, map.stallCpuMs.max);
    figures.insert(QStringLiteral("map_recall_ms_p50"), round1(map.ms.median));
    figures.insert(QStringLiteral("map_recall_cpu_ms_p50"), round1(map.cpuMs.median));
    figures.insert(QStringLiteral("map_longest_frame_cpu_ms"), round1(map.stallCpuMs.max));
    {
        rusage ru{};
        getrusage(RUSAGE_SELF, &ru);
        say("  peak RSS after the map recalls: %.1f MiB\n", ru.ru_maxrss / 1024.0);
        figures.insert(QStringLiteral("peak_rss_after_map_mib"), round1(ru.ru_maxrss / 1024.0));
    }
    if (mapOnly) {
        if (json)
            std::printf("%s\n", QJsonDocument(figures).toJson(QJsonDocument::Compact).constData());
        return 0;
    }

    if (!binary.isEmpty()) {
        // A whole process: exec, Qt start-up, store, QML, first frame, PNG write.
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(binary, {QStringLiteral("--demo"), QStringLiteral("--no-services"),
                         QStringLiteral("--db"), dir.filePath(QStringLiteral("proc.db")),
                         QStringLiteral("--screenshot"), dir.filePath(QStringLiteral("shot.png")),
                         QStringLiteral("-platform"), QStringLiteral("offscreen")});
        p.waitForFinished(60000);
        const double ms = t.nsecsElapsed() / 1e6;
        say("process start to screenshot written (opswall --demo --screenshot): %.1f ms "
            "(exit %d)\n",
            ms, p.exitCode());
        figures.insert(QStringLiteral("process_start_to_screenshot_ms"), round1(ms));
        // The first start's first frame on this disk and on one whose every fsync is 500 ms late:
        // the start-up's writes queue on the store thread behind the first frame.
        const double fast = processFirstFrameMs(binary, dir.filePath(QStringLiteral("f.db")), 0);
        const double slow = processFirstFrameMs(binary, dir.filePath(QStringLiteral("s.db")), 500);
        say("first start to its first frame (a process, new database): %.1f ms; with every fsync "
            "500 ms late: %.1f ms\n",
            fast, slow);
        figures.insert(QStringLiteral("startup_first_frame_process_ms"), round1(fast));
        figures.insert(QStringLiteral("startup_first_frame_slow_disk_ms"), round1(slow));
    }
    // One indicator update on the overview preset (feed_update_*); 24 chart tiles at 1 Hz
    // (charts24_*): charts24.h.
    const QJsonObject feed = bench::measureFeedUpdate(app);
    for (auto it = feed.begin(); it != feed.end(); ++it)
        figures.insert(it.key(), it.value());
    const QJsonObject charts24 = bench::runCharts24();
    for (auto it = charts24.begin(); it != charts24.end(); ++it)
        figures.insert(it.key(), it.value());
    return finish(figures, json);
}
