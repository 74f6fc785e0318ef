// Benchmark: a ChoroplethMap filling a 3840x2160 window on the software scene graph, for the 34-
// and 63-province sets. Prints the one-off load (decode + triangulate), the first render, and the
// repaint after a data change (median of 7), each also as a ratio to a baseline measured in the
// same run: filling and uploading a plain 4K image through the same texture path.
#include "choroplethmap.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QQuickWindow>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

using namespace opswall::maps;

namespace {

// CPU time of this thread: the build machines are shared, so wall time alone misleads.
double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

double median(QList<double> v) {
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

QHash<QString, double> randomValues(int units, std::mt19937 &rng) {
    GeoLibrary lib;
    QString error;
    const auto geo = lib.provinces(units, &error);
    std::uniform_real_distribution<double> d(90, 115);
    QHash<QString, double> out;
    for (const Feature &f : geo->features.features)
        out.insert(f.code, d(rng));
    return out;
}

} // namespace

int main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    const QSize size(3840, 2160);
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
        lib.provinces(units, &error);
        const double loadMs = double(load.nsecsElapsed()) / 1e6;

        QQuickWindow window;
        window.resize(size);
        ChoroplethMap map(window.contentItem());
        map.setSize(size);
        map.setUnits(units);
        map.setPalette(ChoroplethMap::Diverging);
        map.setTitle(QStringLiteral("Benchmark %1").arg(units));
        QElapsedTimer first;
        first.start();
        map.setSeries(
            randomValues(units, rng), units,
            {QStringLiteral("%"), QStringLiteral("12/2024"), QStringLiteral("bench"), {}, {}, {}});
        window.show();
        const QImage frame = window.grabWindow(); // polish + render + texture + scene graph
        const double firstMs = double(first.nsecsElapsed()) / 1e6;
        const double firstItemMs = map.lastRenderMs();
        QList<QHash<QString, double>> series;
        for (int i = 0; i < 7; ++i)
            series << randomValues(units, rng);
        QList<double> repaint, repaintFrame, repaintCpu;
        for (int i = 0; i < 7; ++i) {
            QElapsedTimer t;
            t.start();
            const double cpu0 = threadCpuMs();
            map.setSeries(series[i], units,
                          {QStringLiteral("%"),
                           QStringLiteral("12/2024"),
                           QStringLiteral("bench"),
                           {},
                           {},
                           {}});
            window.grabWindow();
            repaintCpu << threadCpuMs() - cpu0;
            repaintFrame << double(t.nsecsElapsed()) / 1e6;
            repaint << map.lastRenderMs();
        }
        std::printf("%d provinces: load (decode + triangulate, once per process) %.1f ms\n", units,
                    loadMs);
        std::printf("%d provinces: first render %.1f ms (map drawing %.1f ms, %.0fx baseline)\n",
                    units, firstMs, firstItemMs, firstItemMs / base);
        std::printf(
            "%d provinces: repaint after data change: map drawing %.1f ms (%.0fx baseline), "
            "whole frame incl. grab %.1f ms  [median of 7]\n",
            units, median(repaint), median(repaint) / base, median(repaintFrame));
        if (frame.isNull())
            return 1;
    }
    return 0;
}
