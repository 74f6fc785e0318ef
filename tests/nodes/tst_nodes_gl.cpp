// Render nodes on the OpenGL display path (issue #20): a controller (offscreen) and two nodes as
// separate opswall processes on loopback, the nodes on the OpenGL scene graph of an X display
// (Xvfb: ctest runs this test under xvfb-run; Mesa's llvmpipe draws, no GPU needed) with
// `--backend opengl`, one video tile over both nodes' outputs whose binding asks for the OpenGL
// display path (`"displayPath": "opengl"`: qml6glsink, the stream keyed "gl:clip"). A 4 s clip (a
// file both nodes play from one path); node-b is started with the test-only
// --test-video-delay-ms 70 (it shows every synchronised stream 70 ms late).
//
// - The clip starts where the controller stamped its source, on both nodes (the OpenGL path's
//   stream takes the source's start: each node's first frame of gl:clip names the same start).
// - The controller measures the 70 ms between the nodes on this path and corrects it with trims
//   for "gl:clip" (health trimMs), which the nodes apply as their qml6glsink's ts-offset: the
//   skew falls under a frame at 30 fps. Figures printed.
// - Both outputs show the clip's picture (the controller's snapshot of each, drawn by the node's
//   qml6glsink), not the layout's black background.
//
// Skipped, saying why, where the machine cannot run the OpenGL display path: no X display (run
// it under xvfb-run, as ctest does), no OpenGL context on it, or no qml6glsink (gstreamer1.0-qt6).
#include "nodecluster.h"

#include <QElapsedTimer>
#include <QGuiApplication>
#include <QOffscreenSurface>
#include <QOpenGLContext>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cstdio>
#include <optional>

namespace {

using nodetest::Cluster;
using nodetest::colourTile;
using nodetest::Figures;
using nodetest::figuresOf;
using nodetest::oneTileLayout;
using nodetest::Process;
using nodetest::streamsOf;

constexpr double kOneFrameMs = 1000.0 / 30;
constexpr int kDelayMs = 70; // node-b's injected delay
const QString kStream = QStringLiteral("gl:clip");

// Why this machine cannot show video through qml6glsink on an X display; empty when it can.
QString glUnavailable() {
    if (QGuiApplication::platformName() != QLatin1String("xcb"))
        return QStringLiteral("no X display (DISPLAY '%1'): run this test under xvfb-run, as "
                              "ctest does")
            .arg(qEnvironmentVariable("DISPLAY"));
    QOffscreenSurface surface;
    surface.create();
    QOpenGLContext context;
    if (!context.create() || !context.makeCurrent(&surface))
        return QStringLiteral("no OpenGL context on the X display %1")
            .arg(qEnvironmentVariable("DISPLAY"));
    context.doneCurrent();
    QProcess inspect;
    inspect.start(QStringLiteral("gst-inspect-1.0"),
                  {QStringLiteral("--exists"), QStringLiteral("qml6glsink")});
    if (!inspect.waitForFinished(30000) || inspect.exitStatus() != QProcess::NormalExit ||
        inspect.exitCode() != 0)
        return QStringLiteral("GStreamer has no qml6glsink (gstreamer1.0-qt6, gstreamer1.0-gl)");
    return {};
}

QJsonObject glVideoTile() {
    return {{"id", "clip-tile"},
            {"kind", "video"},
            {"title", ""},
            {"frame", false},
            {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 2000}, {"height", 600}}},
            {"z", 0},
            {"binding",
             QJsonObject{{"source", "clip"}, {"fill", "stretch"}, {"displayPath", "opengl"}}}};
}

// A node's first snapshot of the OpenGL path's clip on the wall's timeline (about a frame a second
// of this path pass its snapshot branch, released with the items' sinks), as it logs it.
struct FirstFrame {
    double positionS = 0;
    qint64 shownNs = 0;
    qint64 startNs = 0;
    double offsetMs = 0; // its display offset then (node-b's delay, a trim)
};
std::optional<FirstFrame> firstFrameIn(const QByteArray &log) {
    static const QRegularExpression re(QStringLiteral(
        R"(video\[gl:clip\]: first snapshot on the wall's timeline: position ([0-9.]+) s of )"
        R"(the clip, shown at (-?\d+) ns \(shared clock; the stream's start (-?\d+) ns, )"
        R"(offset (-?[0-9.]+) ms)"));
    std::optional<FirstFrame> last;
    for (auto it = re.globalMatch(QString::fromUtf8(log)); it.hasNext();) {
        const QRegularExpressionMatch m = it.next();
        last = FirstFrame{m.captured(1).toDouble(), m.captured(2).toLongLong(),
                          m.captured(3).toLongLong(), m.captured(4).toDouble()};
    }
    return last;
}

} // namespace

class TestNodesGl : public QObject {
    Q_OBJECT

    Cluster m_cluster;
    QTemporaryDir m_clipDir;
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;
    int m_clipPreset = 0;

    double trimOf(const QString &node) {
        return m_cluster.nodeHealth(node)["trimMs"].toObject()[kStream].toDouble();
    }

private Q_SLOTS:
    void initTestCase() {
        if (const QString why = glUnavailable(); !why.isEmpty())
            QSKIP(qPrintable(why));
        // A 4 s clip (30 fps, a keyframe each second), played by both nodes from one path.
        const QString clip = m_clipDir.filePath(QStringLiteral("clip.mkv"));
        QCOMPARE(QProcess::execute(
                     QStringLiteral("gst-launch-1.0"),
                     QStringList{QStringLiteral("-q")} +
                         QProcess::splitCommand(
                             QStringLiteral("videotestsrc num-buffers=120 ! "
                                            "video/x-raw,width=160,height=90,framerate=30/1 ! "
                                            "x264enc key-int-max=30 ! matroskamux ! filesink "
                                            "location=") +
                             clip)),
                 0);
        QString why;
        QVERIFY2(m_cluster.start(&why), qPrintable(why)); // skew correction on (the default)
        const auto f = m_cluster.api(
            "POST", QStringLiteral("/sources"),
            {{"source",
              QJsonObject{{"id", "clip"}, {"name", "Clip"}, {"kind", "file"}, {"uri", clip}}}});
        QVERIFY2(f.status == 201 || f.status == 200, f.body.constData());
        m_clipPreset = m_cluster.savePreset(QStringLiteral("clip"),
                                            oneTileLayout("clip", "#000000", glVideoTile()));
        QVERIFY(m_clipPreset > 0);
        // The nodes on the OpenGL scene graph of the X display (the last -platform wins), with
        // the OpenGL display path kept on llvmpipe (OPSWALL_VIDEO_SOFTWARE_GL=1, set by ctest).
        const QStringList gl{QStringLiteral("-platform"), QStringLiteral("xcb"),
                             QStringLiteral("--backend"), QStringLiteral("opengl")};
        m_cluster.startNode(m_nodeA, QStringLiteral("node-a"), QStringLiteral("0"),
                            m_cluster.nodeTokenFile, gl);
        m_cluster.startNode(
            m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"), m_cluster.nodeTokenFile,
            gl + QStringList{QStringLiteral("--test-video-delay-ms"), QString::number(kDelayMs)});
        for (Process *node : {m_nodeA.get(), m_nodeB.get()})
            QTRY_VERIFY2_WITH_TIMEOUT(
                node->log.contains("video on the controller's clock at 127.0.0.2:"),
                node->log.constData(), 60000);
    }

    // The clip on the OpenGL path of both nodes, from the controller's start, in step once the
    // controller's trims for "gl:clip" apply.
    void clipInStepOnTheOpenGlPath() {
        const quint64 revision = m_cluster.recall(m_clipPreset);
        QVERIFY(m_cluster.bothShow(revision));
        // Each node shows the clip through qml6glsink: the stream is the OpenGL path's.
        const bool both = m_cluster.bothShowOnly(kStream);
        if (!both) {
            const auto said = [](const QByteArray &log) {
                const qsizetype at = log.indexOf("OpenGL");
                return at < 0 ? QByteArray("(nothing about OpenGL)") : log.mid(at, 300);
            };
            QFAIL(qPrintable(
                QStringLiteral("not both on %1: node-a shows %2 (%3), node-b %4 (%5)")
                    .arg(kStream)
                    .arg(streamsOf(m_cluster.nodeHealth(QStringLiteral("node-a"))).join(u','))
                    .arg(QString::fromUtf8(said(m_nodeA->log)))
                    .arg(streamsOf(m_cluster.nodeHealth(QStringLiteral("node-b"))).join(u','))
                    .arg(QString::fromUtf8(said(m_nodeB->log)))));
        }

        // Both from the one start the controller stamped on the clip's source (before, the
        // OpenGL path's stream had none: -1, placed from the timeline's epoch).
        QTRY_VERIFY_WITH_TIMEOUT(firstFrameIn(m_nodeA->log) && firstFrameIn(m_nodeB->log), 20000);
        const FirstFrame a = *firstFrameIn(m_nodeA->log);
        const FirstFrame b = *firstFrameIn(m_nodeB->log);
        // Each shown at its place counted from that start: (shown - start) mod 4 s = position,
        // plus the node's display offset then (node-b's injected delay, a trim).
        const auto offStart = [](const FirstFrame &f) {
            constexpr qint64 loop = 4000000000LL;
            qint64 off =
                (f.shownNs - f.startNs - qint64(f.positionS * 1e9) - qint64(f.offsetMs * 1e6)) %
                loop;
            off = off > loop / 2 ? off - loop : off < -loop / 2 ? off + loop : off;
            return double(off) / 1e6;
        };
        std::printf("RESULT nodes OpenGL path: first snapshots at position %.3f s (node-a) and "
                    "%.3f s (node-b) of the clip, %.1f and %.1f ms after their place from the "
                    "stamped start (display offsets taken out)\n",
                    a.positionS, b.positionS, offStart(a), offStart(b));
        QVERIFY2(a.startNs > 0 && a.startNs == b.startNs,
                 qPrintable(QStringLiteral("starts %1 and %2").arg(a.startNs).arg(b.startNs)));
        // One snapshot each, on a loaded machine (58 ms late once in ten runs, a snapshot after
        // a loop's late first frames): within three frames; the skew below is the measurement.
        QVERIFY2(std::abs(offStart(a)) < 3 * kOneFrameMs && std::abs(offStart(b)) < 3 * kOneFrameMs,
                 qPrintable(QStringLiteral("%1 %2").arg(offStart(a)).arg(offStart(b))));

        // The delay shows as skew on this path until the controller's trims apply.
        QList<double> before;
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < 60000 &&
               std::abs(trimOf(QStringLiteral("node-a")) - trimOf(QStringLiteral("node-b"))) < 50) {
            const QJsonObject h = m_cluster.nodeHealth(QStringLiteral("node-a"));
            if (h["skewMs"].isDouble() && !h["trimMs"].toObject().contains(kStream))
                before.append(h["skewMs"].toDouble());
            QTest::qWait(500);
        }
        const double trimA = trimOf(QStringLiteral("node-a"));
        const double trimB = trimOf(QStringLiteral("node-b"));
        std::printf("RESULT nodes OpenGL path: node-b delayed %d ms; skew before the trims "
                    "(%lld samples): median %.1f ms; trims %s %.1f ms, node-b %.1f ms after %.1f "
                    "s\n",
                    kDelayMs, qlonglong(before.size()),
                    before.isEmpty() ? 0.0 : figuresOf(before).median, qPrintable(kStream), trimA,
                    trimB, double(waited.elapsed()) / 1000);
        // Toward each other, about the delay apart (node-b shows earlier).
        QVERIFY2(trimA - trimB >= 50 && trimA - trimB <= 90,
                 qPrintable(QStringLiteral("%1 %2").arg(trimA).arg(trimB)));

        // The trims move what the nodes' qml6glsinks show: the skew falls under a frame.
        QTest::qWait(3000); // the reports' window (30 frames) of the trimmed frames
        const QList<double> skews = m_cluster.skewSamples(20);
        QVERIFY(skews.size() >= 10);
        const Figures f = figuresOf(skews);
        double largest = 0;
        for (double s : skews)
            largest = std::max(largest, std::abs(s));
        std::printf("RESULT nodes OpenGL path (qml6glsink, llvmpipe under Xvfb), a 4 s clip over "
                    "both nodes, node-b delayed %d ms, trimmed: %lld samples over 10 s: skew "
                    "median %.1f ms, largest %.1f ms\n",
                    kDelayMs, qlonglong(skews.size()), f.median, largest);
        QVERIFY2(std::abs(f.median) < kOneFrameMs, qPrintable(QString::number(f.median)));
    }

    // What each output shows is the clip, drawn by the node's qml6glsink (the controller's
    // snapshot of the output, answered by its node), not the layout's black background.
    void outputsShowTheClip() {
        for (int output : {0, 1}) {
            QString why;
            std::optional<QRgb> centre;
            QTRY_VERIFY_WITH_TIMEOUT(
                (centre = m_cluster.centreOf(output, &why)) && qGray(*centre) > 40, 20000);
            std::printf("RESULT nodes OpenGL path: output %d centre #%06x\n", output,
                        unsigned(*centre & 0xffffff));
        }
    }
};

int main(int argc, char **argv) {
    // The test's own checks need the X display the nodes use; without one (or one that cannot
    // be reached) it starts offscreen and skips.
    qputenv("QT_QPA_PLATFORM",
            qEnvironmentVariableIsEmpty("DISPLAY") ? "offscreen" : "xcb;offscreen");
    QGuiApplication app(argc, argv);
    TestNodesGl test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_nodes_gl.moc"
