// Briefing benchmark: step-to-wall latency, from the briefing.next/previous action to the next
// frame swapped on every output window, p50 and p99, over the demo wall's two 3840x3240 outputs
// (offscreen, software scene graph) and the demo briefing. Same-run baselines: recalling the
// same presets directly (preset.recall), and an idle repaint (no change, a frame requested on
// every output). Blank/unblank is measured too. Prints figures; asserts nothing.
#include "shell/wallapplication.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cstdio>
#include <functional>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

const Caller kLeader{QStringLiteral("bench"), Role::Leader, QStringLiteral("local"),
                     QStringLiteral("bench")};

// Runs change() and returns the ms until every output window has swapped a frame after it.
double toNextFrame(shell::WallApplication &app, const std::function<void()> &change) {
    const QList<QQuickWindow *> windows = app.windows();
    int pending = int(windows.size());
    QList<QMetaObject::Connection> connections;
    for (QQuickWindow *w : windows)
        connections << QObject::connect(w, &QQuickWindow::frameSwapped, w, [&pending, w] {
            --pending;
            QObject::disconnect(w, &QQuickWindow::frameSwapped, nullptr, nullptr);
        });
    QElapsedTimer t;
    t.start();
    change();
    if (!QTest::qWaitFor([&] { return pending <= 0; }, 20000))
        std::fprintf(stderr, "bench_briefing: a frame did not come within 20 s\n");
    const double ms = t.nsecsElapsed() / 1e6;
    for (const auto &c : connections)
        QObject::disconnect(c);
    return ms;
}

struct Stats {
    double p50 = 0, p99 = 0, max = 0;
};

Stats stats(QList<double> v) {
    std::sort(v.begin(), v.end());
    auto at = [&v](double q) {
        return v[std::min<qsizetype>(v.size() - 1, qsizetype(q * v.size()))];
    };
    return {at(0.50), at(0.99), v.last()};
}

void print(const char *what, const Stats &s) {
    std::printf("  %-44s p50 %7.1f ms  p99 %7.1f ms  max %7.1f ms\n", what, s.p50, s.p99, s.max);
}

} // namespace

int main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication qapp(argc, argv);
    const int rounds = argc > 1 ? std::max(10, atoi(argv[1])) : 100;
    QTemporaryDir dir;
    shell::Options o;
    o.demo = true;
    o.noServices = true;
    o.dbPath = dir.filePath(QStringLiteral("wall.db"));
    o.apiBind = QStringLiteral("127.0.0.1:0");
    shell::WallApplication app(o);
    if (!app.start()) {
        std::fprintf(stderr, "bench_briefing: %s\n", qPrintable(app.error()));
        return 1;
    }
    bool done = false;
    app.whenRendered(30000, [&](bool, const QStringList &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 60000))
        std::fprintf(stderr, "bench_briefing: the first frame did not come within 60 s\n");
    auto act = [&app](const char *type, QJsonObject params = {}) {
        const ActionResult r =
            app.dispatcher().dispatch({QString::fromLatin1(type), params}, kLeader);
        if (!r.ok)
            std::fprintf(stderr, "bench_briefing: %s: %s\n", type, qPrintable(r.message));
    };
    QList<double> idle, recall, stepSame, stepOther, blank;
    const QList<QQuickWindow *> windows = app.windows();
    // Warm up: every step drawn once.
    act("briefing.start", {{"id", 1}});
    for (int s = 2; s <= 8; ++s)
        toNextFrame(app, [&] { act("briefing.goto", {{"step", s}}); });
    for (int i = 0; i < rounds; ++i) {
        idle << toNextFrame(app, [&] {
            for (QQuickWindow *w : windows)
                w->update();
        });
        // Steps 2 and 3: the same preset, the focus moves (next / previous).
        toNextFrame(app, [&] { act("briefing.goto", {{"step", 2}}); }); // not measured
        stepSame << toNextFrame(app, [&] { act("briefing.next"); });
        // Steps 3 -> 4: another preset with a map in focus.
        stepOther << toNextFrame(app, [&] { act("briefing.next"); });
        blank << toNextFrame(app, [&] { act("briefing.blank"); });
        toNextFrame(app, [&] { act("briefing.unblank"); }); // not measured
    }
    act("briefing.end");
    // The same presets recalled directly, by an operator's action (the baseline of a step).
    const Caller op{QStringLiteral("bench"), Role::Operator, QStringLiteral("local"),
                    QStringLiteral("bench")};
    for (int i = 0; i < rounds; ++i) {
        app.dispatcher().dispatch({QStringLiteral("preset.recall"),
                                   {{QStringLiteral("name"), QStringLiteral("Tổng quan kinh tế")}}},
                                  op);
        toNextFrame(app, [] {});
        recall << toNextFrame(app, [&] {
            app.dispatcher().dispatch({QStringLiteral("preset.recall"),
                                       {{QStringLiteral("name"), QStringLiteral("Đầu tư công")}}},
                                      op);
        });
    }
    std::printf("briefing step -> next frame swapped on every output (%lld windows, demo wall, "
                "software scene graph, offscreen), %d rounds:\n",
                static_cast<long long>(windows.size()), rounds);
    print("baseline: idle repaint (no change)", stats(idle));
    print("baseline: preset.recall overview -> invest.", stats(recall));
    print("briefing.next, same preset, focus moves", stats(stepSame));
    print("briefing.next, another preset, map in focus", stats(stepOther));
    print("briefing.blank", stats(blank));
    std::printf("  step / recall (p50): %.2fx\n", stats(stepOther).p50 / stats(recall).p50);
    return 0;
}
