// Live HLS in step across render nodes (issue #20, app/nodes/liveanchors.h): a controller and
// two nodes as separate opswall processes on loopback (offscreen), one live playlist (hlssink2,
// 1 s segments, served over HTTP by the test) in one video tile over both nodes' outputs. node-a
// shows it first; node-b starts seconds later and so joins the playlist at another segment. The
// controller anchors the stream from node-a's first report (its MPEG-TS PTS and when it was
// shown) and both nodes place their pictures by it: the skew the controller measures between
// them (health skewMs, from the nodes' MPEG-TS PTS reports) stays within a frame at 30 fps. The
// controller's skew correction is off, so the anchor alone does it. Figures printed.
#include "../support/livehls.h"
#include "../video/httptestserver.h"
#include "nodecluster.h"

#include <QProcess>
#include <QScopeGuard>
#include <QTemporaryDir>

#include <cstdio>

namespace {

using namespace nodetest;

constexpr double kOneFrameMs = 1000.0 / 30;

QByteArray playlistOf(const QTemporaryDir &dir) {
    QFile playlist(dir.filePath(QStringLiteral("index.m3u8")));
    return playlist.open(QIODevice::ReadOnly) ? playlist.readAll() : QByteArray();
}

} // namespace

class TestNodesLiveHls : public QObject {
    Q_OBJECT

    Cluster m_cluster;
    QTemporaryDir m_hlsDir;
    QProcess m_producer;
    opswall::video::test::HttpTestServer m_http;
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;

    bool shows(const QString &node) {
        return streamsOf(m_cluster.nodeHealth(node)) == QStringList{"live"};
    }

private Q_SLOTS:
    void initTestCase() {
        m_producer.start(QStringLiteral("gst-launch-1.0"),
                         opswall::testsupport::liveHlsProducerArgs(m_hlsDir.path()));
        QVERIFY2(QTest::qWaitFor([&] { return playlistOf(m_hlsDir).count(".ts") >= 3; }, 30000),
                 m_producer.readAllStandardError().constData());
        m_http.setRoot(m_hlsDir.path());
        QVERIFY(m_http.listen());
        QString why;
        QVERIFY2(m_cluster.start(&why, QStringLiteral(NODES_WALL),
                                 {QStringLiteral("--node-skew-correction"), QStringLiteral("off")}),
                 qPrintable(why));
        why = m_cluster.addSource({{"id", "live"},
                                   {"name", "Live"},
                                   {"kind", "hls"},
                                   {"uri", m_http.url(QStringLiteral("/index.m3u8"))}});
        QVERIFY2(why.isEmpty(), qPrintable(why));
        const QJsonObject tile = videoTile("live-tile", "live", 0, 0, 2000, 600);
        const int preset =
            m_cluster.savePreset(QStringLiteral("live"), oneTileLayout("live", "#000000", tile));
        QVERIFY(preset > 0);
        m_cluster.startNode(m_nodeA, QStringLiteral("node-a"), QStringLiteral("0"),
                            m_cluster.nodeTokenFile);
        QVERIFY2(Cluster::onSharedClock(*m_nodeA), m_nodeA->log.constData());
        m_cluster.recall(preset);
        QVERIFY2(QTest::qWaitFor([&] { return shows(QStringLiteral("node-a")); }, 60000),
                 m_nodeA->log.constData());
    }

    void nodesJoiningAtDifferentTimesShowTheSamePicture() {
        // The controller anchors the stream from node-a's first report.
        QTRY_VERIFY2_WITH_TIMEOUT(m_cluster.controller.log.contains("live HLS anchors now"),
                                  m_cluster.controller.log.constData(), 30000);
        QTest::qWait(1300); // node-b joins later, at another point of the segments
        m_cluster.startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"),
                            m_cluster.nodeTokenFile);
        QVERIFY2(QTest::qWaitFor(
                     [&] {
                         return shows(QStringLiteral("node-b")) &&
                                m_cluster.nodeHealth(QStringLiteral("node-a"))["skewMs"].isDouble();
                     },
                     90000),
                 m_nodeB->log.constData());
        QVERIFY(m_nodeB->log.contains("live HLS anchors from the controller for 1 stream(s)"));
        QVERIFY(m_nodeB->log.contains("live HLS placed by the controller's anchor"));
        // Past the anchor's margin and the reports' median window (30 frames).
        QTest::qWait(4000);
        QList<double> skews;
        for (int i = 0; i < 20; ++i) {
            const QJsonObject a = m_cluster.nodeHealth(QStringLiteral("node-a"));
            if (a["skewMs"].isDouble())
                skews.append(a["skewMs"].toDouble());
            QTest::qWait(500);
        }
        QVERIFY(skews.size() >= 10);
        const Figures f = figuresOf(skews);
        std::printf("RESULT nodes live HLS (hlssink2, 1 s segments), node-b joined after node-a "
                    "was anchored: %lld samples over 10 s: skew median %.1f ms, max %.1f ms\n",
                    qlonglong(skews.size()), f.median, f.max);
        // Anchored once, from node-a's first report (no moves: both reach it).
        QCOMPARE(m_cluster.controller.log.count("live HLS anchors now {\"anchors\":{\"live\""), 1);
        QVERIFY2(f.median < kOneFrameMs, qPrintable(QString::number(f.median)));
    }

    void cleanupTestCase() {
        m_producer.kill();
        m_producer.waitForFinished(3000);
    }
};

QTEST_MAIN(TestNodesLiveHls)
#include "tst_nodes_livehls.moc"
