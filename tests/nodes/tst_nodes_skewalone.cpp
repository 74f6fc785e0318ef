// A stream shown by one render node alone is held to the wall's shared timeline (issue #20,
// app/nodes/sharedtimeline.h): a controller and nodes as separate opswall processes on loopback
// (offscreen), a 10 s clip (a file on the wall's timeline) in one video tile over both outputs of
// wall.json, the controller's skew correction on (its default).
//
// - node-b starts alone, with the test-only --test-video-delay-ms 70 (it shows every synchronised
//   stream 70 ms later than the shared clock says, as a node a sender reaches later, or a slower
//   display path). No other node shows the clip, so there is no skew between nodes to measure;
//   the controller measures how late node-b shows it against the timeline (health
//   "timelineMs"): about 70 ms, and trims node-b until it is on the timeline. Before, a stream
//   one node alone showed was not corrected (no trim, however late it was).
// - node-a (no delay) then joins the clip: it is in step with node-b at once (the skew in its
//   first 5 s under one frame at 30 fps), where it used to start 70 ms apart and wait for the
//   trims to be learnt. Figures printed.
// - /metrics (opswall_node_timeline_ms{node,stream}) and `wallctl nodes` ("timeline clip +1.2
//   ms") show how late node-b shows the clip against the timeline, as health's timelineMs.
#include "nodecluster.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>

#include <cstdio>

namespace {

using namespace nodetest;

constexpr double kOneFrameMs = 33;
constexpr int kDelayMs = 70; // node-b's injected delay

} // namespace

class TestNodesSkewAlone : public QObject {
    Q_OBJECT

    Cluster m_cluster;
    QTemporaryDir m_clipDir;
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;

    // How late (ms) a node shows the clip against the timeline, as the controller measures it.
    std::optional<double> lateOf(const QString &node) {
        const QJsonValue late =
            m_cluster.nodeHealth(node)["timelineMs"].toObject()[QStringLiteral("clip")];
        return late.isDouble() ? std::optional<double>(late.toDouble()) : std::nullopt;
    }
    double trimOf(const QString &node) {
        return m_cluster.nodeHealth(node)["trimMs"].toObject()["clip"].toDouble();
    }
    // A node's lateness every 500 ms, `count` times (where it has one).
    QList<double> lateSamples(const QString &node, int count) {
        QList<double> out;
        for (int i = 0; i < count; ++i) {
            if (const auto late = lateOf(node))
                out.append(*late);
            QTest::qWait(500);
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase() {
        const QString clip = m_clipDir.filePath(QStringLiteral("clip.mkv"));
        QVERIFY(makeClip(clip, 300, 160, 90));
        QString why;
        QVERIFY2(m_cluster.start(&why), qPrintable(why));
        why = m_cluster.addFile(QStringLiteral("clip"), clip);
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const int preset =
            m_cluster.savePreset(QStringLiteral("clip"),
                                 oneTileLayout("clip", "#000000",
                                               videoTile(QStringLiteral("clip-tile"),
                                                         QStringLiteral("clip"), 0, 0, 2000, 600)));
        QVERIFY(preset > 0);
        m_cluster.startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"),
                            m_cluster.nodeTokenFile,
                            {QStringLiteral("--test-video-delay-ms"), QString::number(kDelayMs)});
        QVERIFY2(Cluster::onSharedClock(*m_nodeB), m_nodeB->log.constData());
        QVERIFY(m_nodeB->log.contains("TEST ONLY (--test-video-delay-ms)"));
        m_cluster.recall(preset);
        QVERIFY2(
            QTest::qWaitFor(
                [&] {
                    return streamsOf(m_cluster.nodeHealth(QStringLiteral("node-b"))) ==
                               QStringList{"clip"} &&
                           lateOf(QStringLiteral("node-b"));
                },
                60000),
            QJsonDocument(m_cluster.nodeHealth(QStringLiteral("node-b"))).toJson().constData());
    }

    // node-b alone: measured late against the timeline, then trimmed onto it.
    void aNodeAloneIsHeldToTheTimeline() {
        QElapsedTimer t;
        t.start();
        // Its first seconds: no trim yet (the correction needs a stable window of 5 reports).
        const QList<double> before = lateSamples(QStringLiteral("node-b"), 6);
        QVERIFY(before.size() >= 3);
        const Figures uncorrected = figuresOf(before);
        std::printf("RESULT nodes skew of a node alone (node-b delayed %d ms) against the wall's "
                    "timeline, its first 3 s: median %.1f ms, max %.1f ms\n",
                    kDelayMs, uncorrected.median, uncorrected.max);
        QVERIFY2(uncorrected.median > kOneFrameMs, qPrintable(QString::number(uncorrected.median)));
        // Trimmed until it shows the clip on the timeline (steps of a frame at most).
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         const std::optional<double> late = lateOf(QStringLiteral("node-b"));
                         return trimOf(QStringLiteral("node-b")) < -(kDelayMs - kOneFrameMs) &&
                                late && std::abs(*late) < 10;
                     },
                     90000),
                 qPrintable(QStringLiteral("trim %1 ms, late %2 ms")
                                .arg(trimOf(QStringLiteral("node-b")))
                                .arg(lateOf(QStringLiteral("node-b")).value_or(-1))));
        const qint64 heldMs = t.elapsed();
        const QList<double> after = lateSamples(QStringLiteral("node-b"), 10);
        QVERIFY(after.size() >= 5);
        const Figures held = figuresOf(after);
        std::printf("RESULT nodes skew of a node alone against the timeline: trim %+.1f ms %lld "
                    "ms after it showed the clip; then %lld samples over 5 s: median %.1f ms, max "
                    "%.1f ms\n",
                    trimOf(QStringLiteral("node-b")), qlonglong(heldMs), qlonglong(after.size()),
                    held.median, held.max);
        QVERIFY2(std::abs(held.median) < kOneFrameMs, qPrintable(QString::number(held.median)));
        QVERIFY(m_cluster.controller.log.contains(R"(video skew trims now {"trims":{"node-b")"));
        QVERIFY(m_nodeB->log.contains("video skew trims from the controller: clip -"));
    }

    // /metrics and wallctl nodes show node-b's lateness against the timeline (held within a
    // frame by now), per stream, as health's timelineMs does.
    void timelineInMetricsAndWallctl() {
        static const QRegularExpression series(
            QStringLiteral(R"(\nopswall_node_timeline_ms\{node="node-b",stream="clip"\} (\S+)\n)"));
        QByteArray body;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         body = m_cluster.api("GET", QStringLiteral("/metrics")).body;
                         const auto m = series.match(QString::fromUtf8(body));
                         bool ok = false;
                         const double late = m.captured(1).toDouble(&ok);
                         return m.hasMatch() && ok && std::abs(late) < kOneFrameMs;
                     },
                     10000),
                 body.constData());
        QVERIFY(body.contains("# TYPE opswall_node_timeline_ms gauge\n"));
        // node-a has not connected: no series of it.
        QVERIFY(!body.contains(R"(opswall_node_timeline_ms{node="node-a")"));
        static const QRegularExpression shown(
            QStringLiteral(R"(^node-b .*  timeline clip ([+-]\d+\.\d) ms$)"),
            QRegularExpression::MultilineOption);
        QByteArray out;
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         QProcess wallctl;
                         wallctl.start(QStringLiteral(WALLCTL_PATH),
                                       QStringList{QStringLiteral("nodes"),
                                                   QStringLiteral("--token"), m_cluster.admin} +
                                           m_cluster.wallctlTarget());
                         if (!wallctl.waitForFinished(30000) || wallctl.exitCode() != 0)
                             return false;
                         out = wallctl.readAllStandardOutput();
                         const auto m = shown.match(QString::fromUtf8(out));
                         return m.hasMatch() && std::abs(m.captured(1).toDouble()) < kOneFrameMs;
                     },
                     10000),
                 out.constData());
        std::printf("RESULT nodes wallctl nodes: %s\n", out.trimmed().constData());
    }

    // node-a joins the clip: in step with node-b from its first seconds.
    void aNodeThatJoinsIsInStepAtOnce() {
        const double trimB = trimOf(QStringLiteral("node-b"));
        m_cluster.startNode(m_nodeA, QStringLiteral("node-a"), QStringLiteral("0"),
                            m_cluster.nodeTokenFile);
        QVERIFY2(Cluster::onSharedClock(*m_nodeA), m_nodeA->log.constData());
        QVERIFY(m_cluster.bothShowOnly(QStringLiteral("clip")));
        const QList<double> skews = m_cluster.skewSamples(10);
        QVERIFY(skews.size() >= 5);
        const Figures f = figuresOf(skews);
        std::printf("RESULT nodes skew in the first 5 s of a node joining a stream a node alone "
                    "showed (node-b delayed %d ms, trimmed %+.1f ms): %lld samples, median %.1f "
                    "ms, max %.1f ms; node-a %.1f ms from the timeline, trim %+.1f ms\n",
                    kDelayMs, trimB, qlonglong(skews.size()), f.median, f.max,
                    lateOf(QStringLiteral("node-a")).value_or(-1),
                    trimOf(QStringLiteral("node-a")));
        QVERIFY2(f.median < kOneFrameMs, qPrintable(QString::number(f.median)));
    }

    void cleanupTestCase() {
        m_nodeA.reset();
        m_nodeB.reset();
        m_cluster.controller.kill();
    }
};

QTEST_MAIN(TestNodesSkewAlone)
#include "tst_nodes_skewalone.moc"
