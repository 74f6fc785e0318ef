// Video benchmark (label bench): prints figures against baselines measured in the same run.
//  1. CPU per displayed 1080p30 stream (appsink → VideoItem, software scene graph) against
//     gst-launch-1.0 decoding the same stream to fakesink: the ratio is the display overhead.
//  2. The most 720p30 and 1080p30 streams displayed at full frame rate (bounded search, tiles in
//     one 1920×1080 window, each stream its own decoder).
//  3. Capture-to-texture latency with a pixel stamp (the server writes its monotonic clock into
//     the picture; read back when the frame is rendered).
//  4. Time to first frame.
// Not assertions: it prints. The machine's other load moves the absolute numbers; ratios hold.
#include "testserver.h"
#include "video/videohub.h"
#include "video/videoitem.h"

#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QQuickWindow>
#include <QTest>

#include <algorithm>
#include <cmath>

#include <glib.h>
#include <unistd.h>

using namespace opswall::video;
using opswall::video::test::TestServer;

namespace {

double cpuSeconds(qint64 pid) {
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray text = stat.readAll();
    const QList<QByteArray> f = text.mid(text.lastIndexOf(')') + 2).split(' ');
    // fields after the name: state(0) … utime(11) stime(12)
    return (f.value(11).toDouble() + f.value(12).toDouble()) / double(sysconf(_SC_CLK_TCK));
}

// CPU % of one core used by pid over `ms`.
double cpuPercent(qint64 pid, int ms) {
    const double before = cpuSeconds(pid);
    QElapsedTimer t;
    t.start();
    QTest::qWait(ms);
    return 100.0 * (cpuSeconds(pid) - before) / (t.elapsed() / 1000.0);
}

// Every stream in the benchmark is the same URL, so the test server encodes once (shared media:
// gst-rtsp-server keys media on path and query); distinct source ids still give each tile its own
// pipeline and decoder on our side.
QString rtspUrl(const TestServer &server, int) {
    return server.url();
}

struct Wall {
    std::unique_ptr<QQuickWindow> window;
    QList<VideoItem *> items;
};

Wall showGrid(VideoHub &hub, const QStringList &urls) {
    Wall w;
    w.window = std::make_unique<QQuickWindow>();
    w.window->resize(1920, 1080);
    const int n = int(urls.size());
    const int cols = int(std::ceil(std::sqrt(double(n))));
    const int rows = (n + cols - 1) / cols;
    for (int i = 0; i < n; ++i) {
        auto *item = new VideoItem(w.window->contentItem());
        item->setPosition(QPointF((i % cols) * 1920.0 / cols, (i / cols) * 1080.0 / rows));
        item->setSize(QSizeF(1920.0 / cols, 1080.0 / rows));
        item->setHub(&hub);
        VideoSource source;
        source.id = QStringLiteral("bench-%1").arg(i);
        source.kind = SourceKind::Rtsp;
        source.uri = urls.at(i);
        hub.upsertSource(source);
        item->setBinding(QVariantMap{{QStringLiteral("source"), source.id}});
        w.items.append(item);
    }
    w.window->show();
    return w;
}

bool allPlaying(const Wall &w, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < timeoutMs) {
        if (std::all_of(w.items.begin(), w.items.end(), [](VideoItem *i) {
                return i->stream() && i->stream()->state() == VideoStream::State::Playing;
            }))
            return true;
        QTest::qWait(50);
    }
    return false;
}

// Frames handed to the display per second, per stream, over `ms`.
QList<double> displayedFps(const Wall &w, int ms) {
    QList<quint64> before;
    for (VideoItem *i : w.items)
        before.append(i->stream()->frame().sequence);
    QElapsedTimer t;
    t.start();
    QTest::qWait(ms);
    QList<double> out;
    for (int k = 0; k < w.items.size(); ++k)
        out.append((w.items.at(k)->stream()->frame().sequence - before.at(k)) /
                   (t.elapsed() / 1000.0));
    return out;
}

void release(VideoHub &hub, Wall &w) {
    w.window.reset(); // items release their streams
    Q_UNUSED(hub);
    QTest::qWait(300);
}

// Reads the 32-bit millisecond stamp from the bottom row of 16×16-pixel blocks (scaled).
std::optional<quint32> readStamp(const QImage &image) {
    if (image.isNull())
        return std::nullopt;
    const double block = 16.0 * image.width() / 1920.0;
    const int y = image.height() - int(8.0 * image.height() / 1080.0);
    quint32 value = 0;
    for (int bit = 0; bit < 32; ++bit) {
        const int x = int((bit + 0.5) * block);
        if (x >= image.width())
            return std::nullopt;
        value = (value << 1) | (qGray(image.pixel(x, y)) > 128 ? 1u : 0u);
    }
    return value;
}

double percentile(QList<double> v, double p) {
    if (v.isEmpty())
        return -1;
    std::sort(v.begin(), v.end());
    return v.at(std::min<qsizetype>(v.size() - 1, qsizetype(p * (v.size() - 1) + 0.5)));
}

} // namespace

int main(int argc, char **argv) {
    qputenv("QT_QPA_PLATFORM",
            qgetenv("QT_QPA_PLATFORM").isEmpty() ? "offscreen" : qgetenv("QT_QPA_PLATFORM"));
    QGuiApplication app(argc, argv);
    StreamPolicy policy;
    policy.lingerMs = 0;
    VideoHub hub(nullptr, policy);
    if (!hub.available()) {
        std::printf("SKIP: %s\n", qPrintable(hub.startupMessage()));
        return 0;
    }
    const int windowMs = qEnvironmentVariableIntValue("OPSWALL_BENCH_MS") > 0
                             ? qEnvironmentVariableIntValue("OPSWALL_BENCH_MS")
                             : 4000;
    std::printf(
        "note: the source is videotestsrc (bars + clock + a noise patch), cheaper to decode "
        "than camera video; capacity figures are an upper bound for real scenes\n");
    std::printf("video benchmark: %s, scene graph: software (offscreen), window 1920x1080, "
                "%d ms windows\n",
                qPrintable(QSysInfo::prettyProductName()), windowMs);
    QFile loadavg(QStringLiteral("/proc/loadavg"));
    if (loadavg.open(QIODevice::ReadOnly))
        std::printf("load average at start (other work on this machine moves the figures): %s",
                    loadavg.readAll().constData());

    // ── 1. CPU per displayed 1080p30 stream vs gst-launch decode-only ──
    TestServer hd;
    if (!hd.start({QStringLiteral("--width"), QStringLiteral("1920"), QStringLiteral("--height"),
                   QStringLiteral("1080"), QStringLiteral("--bitrate"), QStringLiteral("4000"),
                   QStringLiteral("--stamp")})) {
        std::printf("FAIL: %s\n", qPrintable(hd.error()));
        return 1;
    }
    QProcess baseline;
    baseline.start(QStringLiteral("gst-launch-1.0"),
                   {QStringLiteral("-q"), QStringLiteral("uridecodebin"),
                    QStringLiteral("uri=") + rtspUrl(hd, 999), QStringLiteral("!"),
                    QStringLiteral("fakesink"), QStringLiteral("sync=false")});
    baseline.waitForStarted(3000);
    QTest::qWait(1500);
    const double baselineCpu = cpuPercent(baseline.processId(), windowMs);
    baseline.kill();
    baseline.waitForFinished(3000);

    Wall one = showGrid(hub, {rtspUrl(hd, 0)});
    const bool oneOk = allPlaying(one, 5000);
    QTest::qWait(1000);
    const double oursCpu = cpuPercent(getpid(), windowMs);
    const double oneFps = oneOk ? displayedFps(one, 2000).value(0) : 0;
    std::printf("\n[1] 1080p30 H.264 4 Mbit/s, one stream\n");
    std::printf("    gst-launch uridecodebin ! fakesink (decode only): %6.1f %% CPU\n",
                baselineCpu);
    std::printf("    OpsWall appsink -> VideoItem (decode + display):  %6.1f %% CPU at %.1f fps\n",
                oursCpu, oneFps);
    std::printf("    ratio ours / decode-only:                         %6.2f\n",
                baselineCpu > 0 ? oursCpu / baselineCpu : 0.0);

    // ── 3. capture → texture latency (pixel stamp), on the same 1080p stream ──
    QList<double> latencies;
    QObject::connect(
        one.window.get(), &QQuickWindow::afterRendering, one.window.get(),
        [&] {
            VideoStream *s = one.items.first()->stream();
            if (!s || !s->hasFrame())
                return;
            if (auto stamp = readStamp(s->frame().image)) {
                const quint32 now = quint32(g_get_monotonic_time() / 1000);
                const double ms = double(quint32(now - *stamp));
                if (ms < 10000)
                    latencies.append(ms);
            }
        },
        Qt::DirectConnection);
    QTest::qWait(windowMs);
    std::printf("\n[3] capture -> rendered texture latency (pixel stamp, %lld samples): "
                "median %.0f ms, p95 %.0f ms\n",
                qsizetype(latencies.size()), percentile(latencies, 0.5),
                percentile(latencies, 0.95));
    release(hub, one);

    // ── 4. time to first frame ──
    QList<double> firsts;
    for (int i = 0; i < 5; ++i) {
        Wall w = showGrid(hub, {rtspUrl(hd, 100 + i)});
        if (allPlaying(w, 5000))
            firsts.append(w.items.first()->stream()->timeToFirstFrameMs());
        release(hub, w);
    }
    std::printf("\n[4] time to first frame (RTSP 1080p, 5 fresh connections): median %.0f ms, "
                "max %.0f ms\n",
                percentile(firsts, 0.5), percentile(firsts, 1.0));

    // ── 2. capacity: most streams at full frame rate ──
    const auto capacity = [&](TestServer &server, const QString &name, QList<int> steps) {
        std::printf(
            "\n[2] %s: streams displayed together (min / mean displayed fps, process CPU)\n",
            qPrintable(name));
        int best = 0;
        for (int n : steps) {
            QStringList urls;
            for (int i = 0; i < n; ++i)
                urls.append(rtspUrl(server, 200 + n * 100 + i));
            Wall w = showGrid(hub, urls);
            const bool ok = allPlaying(w, 8000);
            QTest::qWait(1500);
            const double before = cpuSeconds(getpid());
            const double serverBefore = cpuSeconds(server.pid());
            const QList<double> fps = ok ? displayedFps(w, windowMs) : QList<double>{};
            const double cpu = 100.0 * (cpuSeconds(getpid()) - before) / (windowMs / 1000.0);
            const double serverCpu =
                100.0 * (cpuSeconds(server.pid()) - serverBefore) / (windowMs / 1000.0);
            const double minFps = fps.isEmpty() ? 0 : *std::min_element(fps.begin(), fps.end());
            double mean = 0;
            for (double f : fps)
                mean += f / fps.size();
            const bool full = ok && minFps >= 27.0; // 30 fps with a 10 % margin
            std::printf(
                "    %2d streams: %5.1f / %5.1f fps, %5.0f %% CPU (test server %3.0f %%)  %s\n", n,
                minFps, mean, cpu, serverCpu, full ? "full rate" : "BELOW full rate");
            release(hub, w);
            if (!full)
                break;
            best = n;
        }
        std::printf("    => most %s streams at full frame rate: %d%s\n", qPrintable(name), best,
                    best == steps.last() ? " (the search bound: the limit is higher)" : "");
    };
    capacity(hd, QStringLiteral("1080p30"), {1, 2, 4, 6, 8, 10, 12});
    hd.kill();
    TestServer sd;
    if (sd.start({QStringLiteral("--width"), QStringLiteral("1280"), QStringLiteral("--height"),
                  QStringLiteral("720"), QStringLiteral("--bitrate"), QStringLiteral("2500")}))
        capacity(sd, QStringLiteral("720p30"), {1, 4, 8, 12, 16, 20, 24});
    hub.shutdown();
    return 0;
}
