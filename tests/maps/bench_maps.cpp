// Benchmark: a ChoroplethMap filling a 3840x2160 window on the software scene graph, for the 34-
// and 63-province sets.
//
// First render in a fresh process (each scenario is a child process of this one, started again
// with --scenario NAME, so each is the first map that process draws):
//   baseline   a plain 4K image shown by a texture node: the first whole frame of any 4K tile
//              on this backend (window, backing store, texture, grab), no map code;
//   cold       the first map with nothing loaded (the item decodes the boundary set itself);
//   wall       the first map as the wall draws it: the engine's GeoLibrary preloaded the sets on
//              a worker thread at start-up (Services::startMaps), the map waits for it if needed.
// Each is printed as wall and CPU time of the GUI thread and as a ratio to the baseline.
// Then, in this process: the one-off load (decode; triangulation apart), the repaint after a data
// change (median of 7) and a new item in a running wall, against a baseline measured in the same
// run (filling a 4K image).
#include "choroplethmap.h"
#include "core/cputime.h"
#include "core/engineservices.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QProcess>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QSGFlatColorMaterial>
#include <QSGGeometryNode>
#include <QSGImageNode>
#include <QThread>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <random>

using namespace opswall::maps;

namespace {

// CPU time: the build machines are shared, so wall time alone misleads. The process's counts
// every thread (the preload and border-stroking workers too).
using opswall::core::processCpuMs;
using opswall::core::threadCpuMs;

double median(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

QHash<QString, double> randomValues(const GeoSet &geo, std::mt19937 &rng) {
    std::uniform_real_distribution<double> d(90, 115);
    QHash<QString, double> out;
    for (const Feature &f : geo.features.features)
        out.insert(f.code, d(rng));
    return out;
}

// The alternative the map does not use: the cached triangles in one QSGGeometryNode with a flat
// colour material. Kept here as the measurement behind the choice of a texture node: the software
// scene graph (the wall's default without a GPU) does not draw custom geometry nodes.
class MeshProbe : public QQuickItem {
    Q_OBJECT
public:
    MeshProbe(std::shared_ptr<const GeoSet> geo, QQuickItem *parent)
        : QQuickItem(parent)
        , m_geo(std::move(geo)) {
        setFlag(ItemHasContents, true);
    }

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override {
        delete old;
        const MapProjection proj =
            MapProjection::fit(m_geo->features, boundingRect(), IslandLayout::InPlace, 16);
        qsizetype count = 0;
        for (const FeatureMesh &m : m_geo->meshes())
            count += m.indices.size();
        auto *geometry = new QSGGeometry(QSGGeometry::defaultAttributes_Point2D(), int(count));
        geometry->setDrawingMode(QSGGeometry::DrawTriangles);
        QSGGeometry::Point2D *v = geometry->vertexDataAsPoint2D();
        const QTransform &t = proj.regions().first().lonLatToPixel;
        for (const FeatureMesh &m : m_geo->meshes()) {
            for (std::uint32_t index : m.indices) {
                const QPointF p = t.map(m.vertices[index]);
                (v++)->set(float(p.x()), float(p.y()));
            }
        }
        auto *node = new QSGGeometryNode;
        node->setGeometry(geometry);
        node->setFlag(QSGNode::OwnsGeometry);
        auto *material = new QSGFlatColorMaterial;
        material->setColor(Qt::red);
        node->setMaterial(material);
        node->setFlag(QSGNode::OwnsMaterial);
        return node;
    }

private:
    std::shared_ptr<const GeoSet> m_geo;
};

void probeGeometryNode(const std::shared_ptr<const GeoSet> &geo, QSize size) {
    QQuickWindow window;
    window.setColor(Qt::black);
    window.resize(size);
    MeshProbe probe(geo, window.contentItem());
    probe.setSize(size);
    window.show();
    QElapsedTimer t;
    t.start();
    const QImage img = window.grabWindow();
    const double ms = double(t.nsecsElapsed()) / 1e6;
    qsizetype red = 0;
    for (int y = 0; y < img.height(); y += 4) {
        for (int x = 0; x < img.width(); x += 4)
            red += qRed(img.pixel(x, y)) > 200;
    }
    const QString api = window.rendererInterface()->graphicsApi() == QSGRendererInterface::Software
                            ? QStringLiteral("software")
                            : QStringLiteral("hardware (RHI)");
    std::printf("geometry-node probe on the %s backend: %lld of %lld sampled pixels filled, first "
                "frame %.1f ms -> %s\n",
                qPrintable(api), qlonglong(red), qlonglong((img.width() / 4) * (img.height() / 4)),
                ms, red > 0 ? "draws custom geometry" : "does NOT draw custom geometry");
}

const QSize kSize(3840, 2160);

// A plain 4K image shown by a texture node, like the map's: what any 4K tile's first frame costs.
class ImageProbe : public QQuickItem {
public:
    explicit ImageProbe(QQuickItem *parent)
        : QQuickItem(parent) {
        setFlag(ItemHasContents, true);
    }

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override {
        auto *node = static_cast<QSGImageNode *>(old);
        if (!node) {
            QImage image(kSize, QImage::Format_RGB32);
            image.fill(QColor(0x0e, 0x16, 0x21));
            node = window()->createImageNode();
            node->setOwnsTexture(true);
            node->setTexture(window()->createTextureFromImage(image));
            node->setRect(boundingRect());
        }
        return node;
    }
};

QHash<QString, double> fixedValues(const QStringList &codes) {
    QHash<QString, double> out;
    for (qsizetype i = 0; i < codes.size(); ++i)
        out.insert(codes[i], 90.0 + double((i * 7) % 25));
    return out;
}

// One fresh-process scenario; prints "RESULT <wall ms> <cpu ms>" and the map's split.
int runScenario(const QString &name) {
    const SeriesInfo info{
        QStringLiteral("%"), QStringLiteral("12/2024"), QStringLiteral("bench"), {}, {}, {}};
    QElapsedTimer startup;
    startup.start();
    const double processCpu0 = processCpuMs();
    QQmlEngine engine;
    GeoLibrary shared;
    if (name == QLatin1String("wall")) {
        opswall::provide(&engine, &shared);
        shared.preload(); // at start-up, as Services::startMaps does
    }
    QQuickWindow window;
    window.resize(kSize);
    if (name == QLatin1String("baseline")) {
        ImageProbe probe(window.contentItem());
        probe.setSize(kSize);
        QElapsedTimer t;
        t.start();
        const double cpu0 = threadCpuMs();
        window.show();
        const QImage frame = window.grabWindow();
        std::printf("RESULT %.2f %.2f %.2f\n", double(t.nsecsElapsed()) / 1e6, threadCpuMs() - cpu0,
                    processCpuMs() - processCpu0);
        return frame.isNull() ? 1 : 0;
    }
    // The codes of the 34-unit set, written out so that the cold scenario loads nothing early.
    QStringList codes;
    for (const char *c : {"01", "04", "08", "11", "12", "14", "15", "19", "20", "22", "24", "25",
                          "31", "33", "37", "38", "40", "44", "46", "48", "51", "52", "56", "66",
                          "68", "75", "79", "80", "82", "86", "91", "92", "96", "42"})
        codes << QString::fromLatin1(c);
    // The wall has been up for a while when the first map is laid out (QML loaded, other tiles
    // drawn): a tenth of a second here, well under the wall's own start-up.
    const double startupMs = double(startup.nsecsElapsed()) / 1e6;
    if (name == QLatin1String("wall"))
        QThread::msleep(std::max(0, 100 - int(startupMs)));
    auto *map = new ChoroplethMap;
    QQmlEngine::setContextForObject(map, engine.rootContext());
    map->setParentItem(window.contentItem());
    map->setSize(kSize);
    map->setUnits(34);
    map->setPalette(ChoroplethMap::Diverging);
    map->setTitle(QStringLiteral("Benchmark 34"));
    QElapsedTimer t;
    t.start();
    const double cpu0 = threadCpuMs();
    map->setSeries(fixedValues(codes), 34, info);
    window.show();
    const QImage frame = window.grabWindow();
    const double wall = double(t.nsecsElapsed()) / 1e6, cpu = threadCpuMs() - cpu0;
    const MapRenderer::Timings tm = map->lastRenderTimings();
    const double drawMs = tm.fillMs + tm.bordersMs + tm.labelsMs + tm.decorationsMs;
    // All threads from process start to the frame: with the preload, what the sets cost the
    // worker at start-up is in here, not in the GUI thread's figure.
    // Where the machine is not shared, the frame takes about the GUI thread's CPU, plus what the
    // border-stroking worker ran past the GUI thread's own work meanwhile.
    const double criticalPath = cpu + std::max(0.0, tm.layerCpuMs - tm.overlapCpuMs);
    std::printf("RESULT %.2f %.2f %.2f %.2f\n", wall, cpu, processCpuMs() - processCpu0,
                criticalPath);
    std::printf("SPLIT map drawing %.1f ms wall: load + layout %.1f, fills %.1f, borders %.1f "
                "(of it waiting for the border layer %.1f), labels %.1f, title/legend %.1f; border "
                "layer on the worker %.1f ms CPU while the GUI thread worked %.1f ms CPU; "
                "messages: %s\n",
                map->lastRenderMs(), map->lastRenderMs() - drawMs, tm.fillMs, tm.bordersMs,
                tm.layerWaitMs, tm.labelsMs, tm.decorationsMs, tm.layerCpuMs, tm.overlapCpuMs,
                map->messages().isEmpty() ? "none" : qPrintable(map->messages().join("; ")));
    delete map;
    if (const QString path = qEnvironmentVariable("OPSWALL_BENCH_MAPS_SAVE"); !path.isEmpty())
        frame.save(path); // for looking at it
    return frame.isNull() ? 1 : 0;
}

struct ScenarioResult {
    double wallMs = -1, cpuMs = -1, processCpuMs = -1, criticalPathMs = -1;
    QString split;
};

ScenarioResult childScenario(const QString &name) {
    QProcess child;
    child.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--scenario"), name});
    ScenarioResult r;
    if (!child.waitForFinished(120000) || child.exitCode() != 0) {
        std::printf("scenario %s failed: %s\n", qPrintable(name), qPrintable(child.errorString()));
        return r;
    }
    const QStringList lines =
        QString::fromUtf8(child.readAllStandardOutput()).split(QLatin1Char('\n'));
    for (const QString &line : lines) {
        if (line.startsWith(QLatin1String("RESULT "))) {
            const QStringList f = line.split(QLatin1Char(' '));
            r.wallMs = f.value(1).toDouble();
            r.cpuMs = f.value(2).toDouble();
            r.processCpuMs = f.value(3).toDouble();
            r.criticalPathMs = f.value(4, QStringLiteral("-1")).toDouble();
        } else if (line.startsWith(QLatin1String("SPLIT "))) {
            r.split = line.mid(6);
        }
    }
    return r;
}

} // namespace

int main(int argc, char **argv) {
    // Software scene graph by default (the wall's no-GPU configuration); OPSWALL_BENCH_RHI=1
    // leaves the choice to Qt (OpenGL under Xvfb or on a GPU) for comparison.
    if (!qEnvironmentVariableIsSet("OPSWALL_BENCH_RHI"))
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    if (const qsizetype at = app.arguments().indexOf(QStringLiteral("--scenario")); at > 0)
        return runScenario(app.arguments().value(at + 1));
    const QSize size = kSize;

    // The first render of a map in a fresh process, three times each (the median is printed).
    // OPSWALL_BENCH_MAPS_IN_PROCESS_ONLY=1 leaves them out (for profiling what follows).
    if (!qEnvironmentVariableIsSet("OPSWALL_BENCH_MAPS_IN_PROCESS_ONLY")) {
        std::printf("first render in a fresh process (34 provinces, 4K, each a new process; "
                    "median of 3; load average %s):\n",
                    qPrintable(QString::fromLatin1([] {
                                   QFile f(QStringLiteral("/proc/loadavg"));
                                   return f.open(QIODevice::ReadOnly) ? f.readAll().trimmed()
                                                                      : QByteArray("?");
                               }())
                                   .section(QLatin1Char(' '), 0, 2)));
        struct Figures {
            double wall, cpu, processCpu, criticalPath;
            QString split;
        };
        bool failed = false;
        const auto run = [&failed](const QString &name) {
            QList<double> wall, cpu, processCpu, criticalPath;
            QString split;
            for (int i = 0; i < 3; ++i) {
                const ScenarioResult r = childScenario(name);
                failed = failed || r.wallMs < 0 || r.cpuMs < 0;
                wall << r.wallMs;
                cpu << r.cpuMs;
                processCpu << r.processCpuMs;
                criticalPath << r.criticalPathMs;
                if (i == 1)
                    split = r.split;
            }
            return Figures{median(wall), median(cpu), median(processCpu), median(criticalPath),
                           split};
        };
        const Figures base = run(QStringLiteral("baseline"));
        std::printf("  baseline, a plain 4K image item's first frame: %.1f ms wall / %.1f ms CPU "
                    "(GUI thread; process from start %.1f ms)\n",
                    base.wall, base.cpu, base.processCpu);
        for (const QString &name : {QStringLiteral("wall"), QStringLiteral("cold")}) {
            const Figures f = run(name);
            std::printf("  map first render, %s: whole frame %.1f ms wall / %.1f ms CPU (GUI "
                        "thread) = %.2fx / %.2fx the baseline; process from start %.1f ms CPU "
                        "(%.2fx)\n    critical path where the machine is not shared (GUI-thread "
                        "CPU + what the border worker ran past it): %.1f ms  [goal: <= 100 ms]"
                        "\n    %s\n",
                        name == QLatin1String("wall") ? "sets preloaded at start-up (the wall)"
                                                      : "cold (the item decodes the set)",
                        f.wall, f.cpu, f.wall / base.wall, f.cpu / base.cpu, f.processCpu,
                        f.processCpu / base.processCpu, f.criticalPath, qPrintable(f.split));
        }
        if (failed) {
            std::printf("a fresh-process scenario failed: no figures\n");
            return 1;
        }
    }
    if (qEnvironmentVariableIsSet("OPSWALL_BENCH_MAPS_FIRST_ONLY"))
        return 0;
    std::mt19937 rng(42);

    // Baseline: a 4K image filled and shown by a texture node (what the map does minus drawing).
    QList<double> baseline;
    {
        QImage img(size, QImage::Format_ARGB32_Premultiplied);
        for (int i = 0; i < 7; ++i) {
            QElapsedTimer t;
            t.start();
            img.fill(QColor(i * 10, 20, 30));
            baseline << double(t.nsecsElapsed()) / 1e6;
        }
    }
    const double base = median(baseline);
    std::printf("baseline: fill a 3840x2160 image: %.2f ms\n", base);

    for (int units : {34, 63}) {
        QElapsedTimer load;
        load.start();
        GeoLibrary lib;
        QString error;
        const auto geo = lib.provinces(units, &error);
        const double loadMs = double(load.nsecsElapsed()) / 1e6;
        QElapsedTimer tri;
        tri.start();
        triangulate(geo->features);
        const double triangulateMs = double(tri.nsecsElapsed()) / 1e6;
        QList<QHash<QString, double>> series;
        for (int i = 0; i < 8; ++i)
            series << randomValues(*geo, rng);
        const SeriesInfo info{
            QStringLiteral("%"), QStringLiteral("12/2024"), QStringLiteral("bench"), {}, {}, {}};

        QQuickWindow window;
        window.resize(size);
        ChoroplethMap map(window.contentItem());
        map.setSize(size);
        map.setUnits(units);
        map.setPalette(ChoroplethMap::Diverging);
        map.setTitle(QStringLiteral("Benchmark %1").arg(units));
        QElapsedTimer first;
        first.start();
        const double firstCpu0 = threadCpuMs();
        map.setSeries(series[0], units, info);
        window.show();
        const QImage frame = window.grabWindow(); // polish + render + texture + scene graph
        const double firstMs = double(first.nsecsElapsed()) / 1e6;
        const double firstCpuMs = threadCpuMs() - firstCpu0;
        const double firstItemMs = map.lastRenderMs();
        const MapRenderer::Timings firstTimings = map.lastRenderTimings();
        QList<double> repaint, repaintFrame, repaintCpu, fill, borders, labels, decorations;
        for (int i = 1; i < series.size(); ++i) {
            QElapsedTimer t;
            t.start();
            const double cpu0 = threadCpuMs();
            map.setSeries(series[i], units, info);
            window.grabWindow();
            repaintCpu << threadCpuMs() - cpu0;
            repaintFrame << double(t.nsecsElapsed()) / 1e6;
            repaint << map.lastRenderMs();
            const MapRenderer::Timings timings = map.lastRenderTimings();
            fill << timings.fillMs;
            borders << timings.bordersMs;
            labels << timings.labelsMs;
            decorations << timings.decorationsMs;
        }
        std::printf("%d provinces: load (decode, once per process) %.1f ms; triangulation (on "
                    "first use, not on the texture drawing path) %.1f ms\n",
                    units, loadMs, triangulateMs);
        std::printf(
            "%d provinces: first render, whole frame %.1f ms wall / %.1f ms CPU (map drawing "
            "%.1f ms, %.0fx baseline)\n",
            units, firstMs, firstCpuMs, firstItemMs, firstItemMs / base);
        // Where the first drawing goes: the item's own geometry load and layout (what is not
        // drawing), then the renderer's stages (borders include stroking the border layer once).
        const double firstDrawMs = firstTimings.fillMs + firstTimings.bordersMs +
                                   firstTimings.labelsMs + firstTimings.decorationsMs;
        std::printf("%d provinces: first render, map drawing split: load + layout %.1f ms, fills "
                    "%.1f, borders %.1f, labels %.1f, title/legend %.1f  [goal: first render "
                    "<= 100 ms]\n",
                    units, firstItemMs - firstDrawMs, firstTimings.fillMs, firstTimings.bordersMs,
                    firstTimings.labelsMs, firstTimings.decorationsMs);
        std::printf(
            "%d provinces: repaint after data change: map drawing %.1f ms (%.0fx baseline; "
            "fills %.1f, borders %.1f, labels %.1f, title/legend %.1f), whole frame %.1f ms "
            "wall / %.1f ms CPU  [median of 7]\n",
            units, median(repaint), median(repaint) / base, median(fill), median(borders),
            median(labels), median(decorations), median(repaintFrame), median(repaintCpu));
        if (frame.isNull())
            return 1;

        // A new map item of the same size in a running wall (another indicator, or a tile made
        // again by a preset recall): the engine's library holds the set and a renderer laid out
        // for the size, so the item starts from those. One item first fills the library (not
        // timed), then a new one is timed on other values.
        {
            QQmlEngine engine;
            GeoLibrary shared;
            opswall::provide(&engine, &shared);
            QQuickWindow w;
            w.resize(size);
            const auto makeMap = [&] {
                auto *m = new ChoroplethMap;
                QQmlEngine::setContextForObject(m, engine.rootContext());
                m->setParentItem(w.contentItem());
                m->setSize(size);
                m->setUnits(units);
                m->setPalette(ChoroplethMap::Diverging);
                m->setTitle(QStringLiteral("Benchmark %1").arg(units));
                return m;
            };
            std::unique_ptr<ChoroplethMap> earlier(makeMap());
            earlier->setSeries(series[0], units, info);
            w.show();
            w.grabWindow();
            earlier.reset();
            w.grabWindow();
            std::unique_ptr<ChoroplethMap> next(makeMap());
            QElapsedTimer t;
            t.start();
            const double cpu0 = threadCpuMs();
            next->setSeries(series[1], units, info);
            w.grabWindow();
            const double ms = double(t.nsecsElapsed()) / 1e6;
            const MapRenderer::Timings tm = next->lastRenderTimings();
            std::printf(
                "%d provinces: first render of a new item in a running wall (set loaded, layout "
                "of that size kept), whole frame %.1f ms wall / %.1f ms CPU (map drawing %.1f "
                "ms: fills %.1f, borders %.1f, labels %.1f, title/legend %.1f)\n",
                units, ms, threadCpuMs() - cpu0, next->lastRenderMs(), tm.fillMs, tm.bordersMs,
                tm.labelsMs, tm.decorationsMs);
        }
        if (units == 63)
            probeGeometryNode(geo, size);
    }
    return 0;
}

#include "bench_maps.moc"
