// Wall benchmark: start-up to the first complete frame, preset recall to the next rendered frame
// on every output for a 30-tile layout (against recalling an empty layout in the same process),
// and peak RSS. Runs the real application objects on the offscreen platform with the software
// scene graph, driving the demo wall's two 3840×3240 outputs.
// Usage: bench_wall [path/to/opswall]   (with the binary, also times a whole process start)
#include "charts24.h"
#include "shell/wallapplication.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

const Caller kBench{QStringLiteral("bench"), Role::Admin, QStringLiteral("local"),
                    QStringLiteral("bench")};

double waitRendered(shell::WallApplication &app) {
    QElapsedTimer t;
    t.start();
    bool done = false;
    app.whenRendered(30000, [&](bool, const QStringList &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 60000))
        std::fprintf(stderr, "bench_wall: a frame did not come within 60 s\n");
    return t.nsecsElapsed() / 1e6;
}

// A 30-tile layout on the demo wall: a 6×5 grid of text, clock and colour tiles.
QJsonObject thirtyTiles(const QString &name, int variant) {
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
        tiles.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("t%1").arg(i)},
                        {QStringLiteral("kind"), k},
                        {QStringLiteral("title"), QStringLiteral("Ô số %1").arg(i + 1)},
                        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), c * w + 10},
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
    double median, p95, max;
};

Stats stats(QList<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v[std::min<qsizetype>(v.size() - 1, v.size() * 95 / 100)], v.back()};
}

QList<double> recallTimes(shell::WallApplication &app, int idA, int idB, int rounds) {
    QList<double> times;
    for (int i = 0; i < rounds; ++i) {
        QElapsedTimer t;
        t.start();
        app.dispatcher().dispatch(
            {QStringLiteral("preset.recall"), {{QStringLiteral("id"), i % 2 ? idA : idB}}}, kBench);
        waitRendered(app);
        times.append(t.nsecsElapsed() / 1e6);
    }
    return times;
}

int savePreset(shell::WallApplication &app, const QJsonObject &layout) {
    app.dispatcher().dispatch({QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}},
                              kBench);
    const auto r = app.dispatcher().dispatch(
        {QStringLiteral("preset.save"), {{QStringLiteral("name"), layout[QStringLiteral("name")]}}},
        kBench);
    return r.data.value(QStringLiteral("id")).toInt();
}

} // namespace

int main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication qapp(argc, argv);
    QTemporaryDir dir;

    shell::Options o;
    o.demo = true;
    o.noServices = true;
    o.apiBind = QStringLiteral("127.0.0.1:0");
    o.dbPath = dir.filePath(QStringLiteral("bench.db"));
    QElapsedTimer startClock;
    startClock.start();
    shell::WallApplication app(o);
    if (!app.start()) {
        std::fprintf(stderr, "bench_wall: %s\n", qPrintable(app.error()));
        return 1;
    }
    const double startMs = startClock.nsecsElapsed() / 1e6 + waitRendered(app);
    std::printf("outputs: %lld windows (demo wall, 12 displays), software scene graph, offscreen\n",
                static_cast<long long>(app.windows().size()));
    std::printf("start-up to first complete frame (in process): %.1f ms\n", startMs);

    const int a = savePreset(app, thirtyTiles(QStringLiteral("bench A"), 0));
    const int b = savePreset(app, thirtyTiles(QStringLiteral("bench B"), 1));
    const int e1 = savePreset(app, QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                               {QStringLiteral("name"), QStringLiteral("empty 1")},
                                               {QStringLiteral("tiles"), QJsonArray{}}});
    const int e2 = savePreset(app, QJsonObject{{QStringLiteral("schemaVersion"), 1},
                                               {QStringLiteral("name"), QStringLiteral("empty 2")},
                                               {QStringLiteral("tiles"), QJsonArray{}}});
    constexpr int kRounds = 20;
    recallTimes(app, a, b, 2); // warm-up: QML components compiled, fonts cached
    const Stats empty = stats(recallTimes(app, e1, e2, kRounds));
    const Stats full = stats(recallTimes(app, a, b, kRounds));
    std::printf("preset recall -> next rendered frame on all outputs, %d rounds:\n", kRounds);
    std::printf("  baseline, empty layout : median %7.1f ms  p95 %7.1f ms  max %7.1f ms\n",
                empty.median, empty.p95, empty.max);
    std::printf("  30-tile layout         : median %7.1f ms  p95 %7.1f ms  max %7.1f ms\n",
                full.median, full.p95, full.max);
    std::printf("  ratio 30 tiles / empty : %.2fx (median)\n", full.median / empty.median);
    const int m1 = savePreset(app, wallMap(QStringLiteral("map A"), 0));
    const int m2 = savePreset(app, wallMap(QStringLiteral("map B"), 1));
    recallTimes(app, m1, m2, 2);
    const Stats map = stats(recallTimes(app, m1, m2, kRounds));
    std::printf("  one map over 12 displays: median %7.1f ms  p95 %7.1f ms  max %7.1f ms  "
                "(%.2fx empty)\n",
                map.median, map.p95, map.max, map.median / empty.median);

    if (argc > 1) {
        // A whole process: exec, Qt start-up, store, QML, first frame, PNG write.
        QElapsedTimer t;
        t.start();
        QProcess p;
        p.start(QString::fromLocal8Bit(argv[1]),
                {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                 dir.filePath(QStringLiteral("proc.db")), QStringLiteral("--screenshot"),
                 dir.filePath(QStringLiteral("shot.png")), QStringLiteral("-platform"),
                 QStringLiteral("offscreen")});
        p.waitForFinished(60000);
        std::printf("process start to screenshot written (opswall --demo --screenshot): %.1f ms "
                    "(exit %d)\n",
                    t.nsecsElapsed() / 1e6, p.exitCode());
    }
    // One indicator update on the overview preset; 24 chart tiles at 1 Hz (charts24.h).
    QJsonObject json = bench::measureFeedUpdate(app);
    const QJsonObject charts24 = bench::runCharts24();
    for (auto it = charts24.begin(); it != charts24.end(); ++it)
        json.insert(it.key(), it.value());
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    std::printf("peak RSS: %.1f MiB\n", ru.ru_maxrss / 1024.0);
    if (qapp.arguments().contains(QStringLiteral("--json")))
        std::printf("%s\n", QJsonDocument(json).toJson(QJsonDocument::Compact).constData());
    return 0;
}
