// Render-topology benchmark (issue 12): tiles of the light kinds (text, clock, image, colour, map)
// spanning 2 to 4 displays of one output window, built once in the window and mirrored into the
// other displays they span (TileLayer.qml), against a baseline in the same run: the same tiles,
// each cut to the part in the display that holds most of it (nothing spans: one frame per tile,
// no mirror, the floor of what a once-per-window build can cost).
//
// Each configuration runs in a child process of its own (RSS is per process), alternating, and
// the parent prints every figure per configuration (ranges over the runs) and the ratio of the
// medians. Per child, on the demo wall (two 3840×3240 outputs, 12 displays), software scene graph,
// offscreen, Qt's default (threaded) render loop, no layout kept (every recall builds):
// - recall: GUI-thread CPU and wall-clock time from a layout.set of the 12 tiles (after an empty
//   layout) to the next complete frame on every output (tests/bench/wallframes.h), p50 of the
//   rounds;
// - clock: process CPU (every thread) and GUI-thread CPU per second over 6 s while the two clocks
//   of each window tick (datetime), and the frames the windows swapped;
// - memory: RSS with the tiles shown, less RSS with the empty layout, and peak RSS;
// - objects: tile frames and mirrors (ShaderEffectSource) in the windows;
// - pixels: each window's picture (clocks showing the date only, so that pictures agree over
//   time) is saved; the parent checks that the spanning pictures of every run agree.
// Usage: bench_topology [--runs N] [--rounds N] [--only KIND] [--opengl]; --child CONFIG DIR runs
// one child. --only: the tiles of one kind only; --opengl: the OpenGL scene graph (under xvfb-run,
// QT_QPA_PLATFORM=xcb) instead of the software one offscreen.
#include "shell/wallapplication.h"
#include "wallframes.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPainter>
#include <QProcess>
#include <QProcessEnvironment>
#include <QQuickItem>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cstdio>
#include <ctime>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

const Caller kBench{QStringLiteral("bench"), Role::Admin, QStringLiteral("local"),
                    QStringLiteral("bench")};

// The demo wall's grid: 4 columns × 3 rows of 55-inch panels (active 1209.6×680.4 mm, bezels
// 2.3 left/top, 1.2 right/bottom); output 1 drives columns 1–2, output 2 columns 3–4.
constexpr double kPitchX = 1209.6 + 2.3 + 1.2, kPitchY = 680.4 + 2.3 + 1.2;

struct Tile {
    const char *id;
    const char *kind;
    QRectF rect; // on output 1, mm; output 2 has the same tile kPitchX * 2 to the right
};

// Per output: 6 tiles spanning 2, 2, 4, 4, 2 and 2 displays (10 parts on displays other than the
// one holding most of the tile).
const Tile kTiles[] = {
    {"text", "text", {100, 40, 2200, 260}},      // row 1, columns 1–2
    {"clock1", "clock", {100, 350, 1000, 650}},  // column 1, rows 1–2
    {"map", "map", {1150, 350, 1200, 650}},      // columns 1–2, rows 1–2
    {"image", "image", {100, 1050, 1200, 650}},  // columns 1–2, rows 2–3
    {"color", "color", {1350, 1050, 1000, 650}}, // column 2, rows 2–3
    {"clock2", "clock", {100, 1750, 2200, 260}}, // row 3, columns 1–2
};

// The part of r in the display that holds most of it.
QRectF homePart(const QRectF &r) {
    QRectF best;
    for (int c = 0; c < 4; ++c)
        for (int row = 0; row < 3; ++row) {
            const QRectF cell(c * kPitchX + 2.3, row * kPitchY + 2.3, 1209.6, 680.4);
            const QRectF part = r.intersected(cell.adjusted(5, 5, -5, -5));
            if (part.width() * part.height() > best.width() * best.height())
                best = part;
        }
    return best;
}

// --only KIND: the tiles of that kind only.
QString g_only;

QJsonObject layoutOf(bool spanning, bool ticking) {
    QJsonArray tiles;
    QJsonObject values;
    for (const char *code : {"01", "79", "48", "31", "92", "22", "27", "75", "74", "26"})
        values.insert(QLatin1String(code), 95.0 + (QByteArray(code).toInt() * 7) % 11);
    for (int out = 0; out < 2; ++out)
        for (const Tile &t : kTiles) {
            if (!g_only.isEmpty() && g_only != QLatin1String(t.kind))
                continue;
            QRectF r = t.rect.translated(out * 2 * kPitchX, 0);
            if (!spanning)
                r = homePart(r);
            const QString kind = QLatin1String(t.kind);
            QJsonObject binding;
            if (kind == QLatin1String("text"))
                binding = {{QStringLiteral("text"),
                            QStringLiteral("Giải ngân vốn đầu tư công — tháng 11")},
                           {QStringLiteral("sizeMm"), 120}};
            else if (kind == QLatin1String("clock"))
                binding = {{QStringLiteral("label"), QStringLiteral("Hà Nội")},
                           {QStringLiteral("show"),
                            ticking ? QStringLiteral("datetime") : QStringLiteral("date")}};
            else if (kind == QLatin1String("image"))
                binding = {{QStringLiteral("source"), QStringLiteral("media:picture.png")},
                           {QStringLiteral("fill"), QStringLiteral("stretch")}};
            else if (kind == QLatin1String("color"))
                binding = {{QStringLiteral("color"), QStringLiteral("#1d3557")}};
            else
                binding = {{QStringLiteral("units"), 63}, {QStringLiteral("values"), values}};
            tiles.append(QJsonObject{
                {QStringLiteral("id"), QStringLiteral("%1-%2").arg(QLatin1String(t.id)).arg(out)},
                {QStringLiteral("kind"), kind},
                {QStringLiteral("title"), QStringLiteral("Ô %1").arg(QLatin1String(t.id))},
                {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), r.x()},
                                                     {QStringLiteral("y"), r.y()},
                                                     {QStringLiteral("width"), r.width()},
                                                     {QStringLiteral("height"), r.height()}}},
                {QStringLiteral("binding"), binding}});
        }
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("name"), QStringLiteral("topology")},
            {QStringLiteral("background"), QStringLiteral("#000000")},
            {QStringLiteral("tiles"), tiles}};
}

const QJsonObject kEmpty{{QStringLiteral("schemaVersion"), 1},
                         {QStringLiteral("name"), QStringLiteral("empty")},
                         {QStringLiteral("background"), QStringLiteral("#000000")},
                         {QStringLiteral("tiles"), QJsonArray{}}};

bool setLayout(shell::WallApplication &app, const QJsonObject &layout) {
    const auto r = app.dispatcher().dispatch(
        {QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}}, kBench);
    if (!r.ok)
        std::fprintf(stderr, "bench_topology: layout refused: %s\n", qPrintable(r.message));
    return r.ok;
}

bool rendered(shell::WallApplication &app) {
    bool ok = false, done = false;
    app.whenRendered(20000, [&](bool allOk, const QStringList &) {
        ok = allOk;
        done = true;
    });
    return QTest::qWaitFor([&] { return done; }, 30000) && ok;
}

using core::processCpuMs;

double rssMiB(const char *field) {
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith(field))
            return line.mid(qstrlen(field)).trimmed().split(' ').value(0).toDouble() / 1024.0;
    return 0;
}

QList<QQuickItem *> itemsUnder(QQuickItem *root) {
    QList<QQuickItem *> out;
    for (QQuickItem *child : root->childItems())
        out << child << itemsUnder(child);
    return out;
}

double median(QList<double> v) {
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

// One configuration, in this process; the figures as one JSON line on stdout.
int child(const QString &config, const QString &outDir, int rounds) {
    const bool spanning = config != QLatin1String("single");
    QTemporaryDir dir;
    QImage picture(1200, 650, QImage::Format_RGB32);
    picture.fill(QColor(0x20, 0x30, 0x40));
    {
        QPainter p(&picture);
        p.setPen(QPen(Qt::white, 6));
        for (int i = 0; i < 12; ++i)
            p.drawLine(i * 100, 0, 1200 - i * 100, 650);
    }
    picture.save(dir.filePath(QStringLiteral("picture.png")));
    const QString storeConfig = dir.filePath(QStringLiteral("store.json"));
    QFile c(storeConfig);
    if (!c.open(QIODevice::WriteOnly))
        return 1;
    c.write(QJsonDocument(QJsonObject{{QStringLiteral("media"),
                                       QJsonObject{{QStringLiteral("folder"), dir.path()}}}})
                .toJson());
    c.close();

    shell::Options o;
    o.wallPath = QStringLiteral(OPSWALL_SOURCE_DIR "/assets/demo/wall.json");
    o.dbPath = dir.filePath(QStringLiteral("bench.db"));
    o.apiBind = QStringLiteral("127.0.0.1:0");
    o.language = QStringLiteral("en");
    o.storeConfigPath = storeConfig;
    o.keptLayouts = 0; // every recall builds its tiles
    shell::WallApplication app(o);
    if (!app.start()) {
        std::fprintf(stderr, "bench_topology: %s\n", qPrintable(app.error()));
        return 1;
    }
    const QJsonObject still = layoutOf(spanning, false);
    const QJsonObject ticking = layoutOf(spanning, true);
    // Warm-up: components compiled, fonts and the map's geometry cached.
    for (int i = 0; i < 2; ++i)
        if (!setLayout(app, kEmpty) || !rendered(app) || !setLayout(app, still) || !rendered(app))
            return 1;

    QList<double> cpu, ms, renderCpu;
    double rssEmpty = 0;
    for (int i = 0; i < rounds; ++i) {
        if (!setLayout(app, kEmpty) || !rendered(app))
            return 1;
        QTest::qWait(50);
        rssEmpty += rssMiB("VmRSS:") / rounds;
        const bench::Change ch =
            bench::measureChange(app, [&](const std::function<void()> &answered) {
                setLayout(app, still);
                answered();
            });
        if (!ch.complete)
            return 1;
        cpu.append(ch.cpuMs);
        ms.append(ch.ms);
        renderCpu.append(ch.renderFrameCpuMs);
    }
    if (!rendered(app))
        return 1;
    QTest::qWait(200);
    const double rssShown = rssMiB("VmRSS:");
    int frames = 0, mirrors = 0;
    for (QQuickWindow *w : app.windows())
        for (QQuickItem *item : itemsUnder(w->contentItem())) {
            if (!item->isVisible())
                continue;
            if (item->property("tileReady").isValid() &&
                !item->property("tileId").toString().isEmpty())
                ++frames;
            if (item->inherits("QQuickShaderEffectSource"))
                ++mirrors;
        }
    const QList<QQuickWindow *> windows = app.windows();
    for (int i = 0; i < windows.size(); ++i)
        windows[i]->grabWindow().save(QStringLiteral("%1/%2-%3.png").arg(outDir, config).arg(i));

    // The clocks ticking (datetime): 8 s of frames.
    if (!setLayout(app, ticking) || !rendered(app))
        return 1;
    QTest::qWait(1500);
    int swapped = 0;
    for (QQuickWindow *w : windows)
        QObject::connect(
            w, &QQuickWindow::frameSwapped, w, [&swapped] { ++swapped; }, Qt::DirectConnection);
    const double p0 = processCpuMs(), g0 = bench::threadCpuMs();
    QElapsedTimer t;
    t.start();
    QTest::qWait(6000);
    const double seconds = t.nsecsElapsed() / 1e9;
    const double processPerS = (processCpuMs() - p0) / seconds;
    const double guiPerS = (bench::threadCpuMs() - g0) / seconds;

    const QJsonObject figures{{QStringLiteral("config"), config},
                              {QStringLiteral("recall_gui_cpu_ms"), median(cpu)},
                              {QStringLiteral("recall_ms"), median(ms)},
                              {QStringLiteral("recall_render_cpu_ms"), median(renderCpu)},
                              {QStringLiteral("tick_process_cpu_ms_per_s"), processPerS},
                              {QStringLiteral("tick_gui_cpu_ms_per_s"), guiPerS},
                              {QStringLiteral("tick_frames_per_s"), swapped / seconds},
                              {QStringLiteral("rss_tiles_mib"), rssShown - rssEmpty},
                              {QStringLiteral("rss_peak_mib"), rssMiB("VmHWM:")},
                              {QStringLiteral("frames"), frames},
                              {QStringLiteral("mirrors"), mirrors}};
    std::printf("%s\n", QJsonDocument(figures).toJson(QJsonDocument::Compact).constData());
    std::fflush(stdout);
    return 0;
}

// Pixels differing by more than 4 levels in a channel, and where ("N differ in x,y wxh").
QString differing(const QImage &a0, const QImage &b0) {
    if (a0.size() != b0.size())
        return QStringLiteral("sizes differ");
    const QImage a = a0.convertToFormat(QImage::Format_RGB32);
    const QImage b = b0.convertToFormat(QImage::Format_RGB32);
    int n = 0;
    QRect where;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
            if (std::abs(qRed(p) - qRed(q)) > 4 || std::abs(qGreen(p) - qGreen(q)) > 4 ||
                std::abs(qBlue(p) - qBlue(q)) > 4) {
                ++n;
                where |= QRect(x, y, 1, 1);
            }
        }
    return n == 0 ? QStringLiteral("0 differ")
                  : QStringLiteral("%1 differ, in x %2..%3, y %4..%5")
                        .arg(n)
                        .arg(where.left())
                        .arg(where.right())
                        .arg(where.top())
                        .arg(where.bottom());
}

} // namespace

int main(int argc, char **argv) {
    // --opengl (for the child too): the OpenGL scene graph (run under xvfb-run with
    // QT_QPA_PLATFORM=xcb); by default the software one, offscreen.
    const bool opengl = std::any_of(argv + 1, argv + argc,
                                    [](const char *a) { return qstrcmp(a, "--opengl") == 0; });
    if (opengl)
        QQuickWindow::setGraphicsApi(QSGRendererInterface::OpenGL);
    else
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication qapp(argc, argv);
    QStringList args = qapp.arguments().mid(1);
    int rounds = 8, runs = 2;
    if (const qsizetype k = args.indexOf(QStringLiteral("--rounds")); k >= 0)
        rounds = std::max(1, args.value(k + 1).toInt());
    if (const qsizetype k = args.indexOf(QStringLiteral("--runs")); k >= 0)
        runs = std::max(1, args.value(k + 1).toInt());
    if (const qsizetype k = args.indexOf(QStringLiteral("--only")); k >= 0)
        g_only = args.value(k + 1);
    if (const qsizetype k = args.indexOf(QStringLiteral("--child")); k >= 0)
        return child(args.value(k + 1), args.value(k + 2), rounds);

    // The configurations: name, environment.
    const QList<QPair<QString, QString>> configs{
        {QStringLiteral("per-display"), QString()},
        {QStringLiteral("mirrored"), QStringLiteral("OPSWALL_MIRROR_EVERY_KIND=1")},
        {QStringLiteral("single"), QString()},
    };
    QTemporaryDir out;
    QHash<QString, QList<QJsonObject>> results;
    for (int run = 0; run < runs; ++run)
        for (const auto &[name, env] : configs) {
            QProcess p;
            QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
            if (!env.isEmpty())
                e.insert(env.section(QLatin1Char('='), 0, 0), env.section(QLatin1Char('='), 1));
            p.setProcessEnvironment(e);
            p.setProcessChannelMode(QProcess::ForwardedErrorChannel);
            const QString tag = QStringLiteral("%1-run%2").arg(name).arg(run);
            p.start(qapp.applicationFilePath(),
                    QStringList{QStringLiteral("--child"), name, out.path(),
                                QStringLiteral("--rounds"), QString::number(rounds),
                                QStringLiteral("--only"), g_only} +
                        (opengl ? QStringList{QStringLiteral("--opengl")} : QStringList()));
            if (!p.waitForFinished(300000) || p.exitCode() != 0) {
                std::fprintf(stderr, "bench_topology: %s failed\n", qPrintable(tag));
                return 1;
            }
            const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
            results[name].append(QJsonDocument::fromJson(lines.last()).object());
            for (int w = 0; w < 2; ++w)
                QFile::rename(QStringLiteral("%1/%2-%3.png").arg(out.path(), name).arg(w),
                              QStringLiteral("%1/%2-%3.png").arg(out.path(), tag).arg(w));
        }

    std::printf("bench_topology: %s on the demo wall, %s, threaded loop; %d runs × %d recalls; "
                "ranges over runs (the machine may be shared: wall-clock figures are noisy)\n",
                g_only.isEmpty() ? "12 tiles (text, 2 clocks, map, image, colour per output)"
                                 : qPrintable(QStringLiteral("the %1 tiles").arg(g_only)),
                opengl ? "OpenGL scene graph" : "software scene graph, offscreen", runs, rounds);
    const QStringList keys{QStringLiteral("recall_gui_cpu_ms"),
                           QStringLiteral("recall_ms"),
                           QStringLiteral("recall_render_cpu_ms"),
                           QStringLiteral("tick_process_cpu_ms_per_s"),
                           QStringLiteral("tick_gui_cpu_ms_per_s"),
                           QStringLiteral("tick_frames_per_s"),
                           QStringLiteral("rss_tiles_mib"),
                           QStringLiteral("rss_peak_mib"),
                           QStringLiteral("frames"),
                           QStringLiteral("mirrors")};
    std::printf("%-28s", "figure");
    for (const auto &c : configs)
        std::printf(" %22s", qPrintable(c.first));
    for (qsizetype i = 0; i + 1 < configs.size(); ++i)
        std::printf(" %14s/%s", qPrintable(configs[i].first), qPrintable(configs.last().first));
    std::printf("\n");
    for (const QString &key : keys) {
        std::printf("%-28s", qPrintable(key));
        QList<double> medians;
        for (const auto &c : configs) {
            QList<double> v;
            for (const QJsonObject &r : results[c.first])
                v.append(r[key].toDouble());
            std::sort(v.begin(), v.end());
            medians.append(median(v));
            std::printf(" %10.1f – %9.1f", v.first(), v.last());
        }
        for (qsizetype i = 0; i + 1 < medians.size(); ++i)
            std::printf(" %21.2f", medians.last() != 0 ? medians[i] / medians.last() : 0.0);
        std::printf("\n");
    }
    // The pictures of one configuration agree from run to run; the spanning configuration's
    // against every other configuration that spans (the same layout).
    for (const auto &c : configs)
        for (int w = 0; w < 2; ++w) {
            const QImage first(QStringLiteral("%1/%2-run0-%3.png").arg(out.path(), c.first).arg(w));
            for (int run = 1; run < runs; ++run)
                std::printf("pixels: %s output %d, run %d against run 0: %s\n", qPrintable(c.first),
                            w + 1, run,
                            qPrintable(differing(QImage(QStringLiteral("%1/%2-run%3-%4.png")
                                                            .arg(out.path(), c.first)
                                                            .arg(run)
                                                            .arg(w)),
                                                 first)));
            if (c.first != configs[0].first && c.first != QLatin1String("single"))
                std::printf(
                    "pixels: %s against %s, output %d: %s\n", qPrintable(c.first),
                    qPrintable(configs[0].first), w + 1,
                    qPrintable(differing(first, QImage(QStringLiteral("%1/%2-run0-%3.png")
                                                           .arg(out.path(), configs[0].first)
                                                           .arg(w)))));
        }
    if (const QString keep = qEnvironmentVariable("BENCH_TOPOLOGY_PICTURES"); !keep.isEmpty())
        for (const QString &f : QDir(out.path()).entryList({QStringLiteral("*.png")}))
            QFile::copy(out.filePath(f), keep + QLatin1Char('/') + f);
    return 0;
}
