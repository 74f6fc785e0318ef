// The node link's heartbeat (issue #20): a controller and two nodes as separate opswall processes
// on loopback (offscreen), at the default silence timeout (2000 ms, app/nodes/linksilence.h).
//
// - The controller stopped with SIGSTOP keeps its sockets open (the kernel even accepts new
//   connections for it): each node must take it as lost within the timeout, keep running and
//   keep its windows, and once SIGCONT'd link again and converge on the live layout; a recall
//   then reaches both.
// - A node stopped with SIGSTOP must be shown disconnected by the controller (health and
//   /metrics) within the timeout; SIGCONT'd, it links again and follows a recall.
// The times from the signal to the loss are printed.
#include "nodecluster.h"

#include <QElapsedTimer>

#include <csignal>
#include <cstdio>

namespace {

using nodetest::Cluster;
using nodetest::Process;

constexpr int kSilenceMs = 2000; // the default of --node-silence-ms
// The loss must be noticed within the timeout; the margin is the beat (250 ms) and a loaded
// machine's late timers, not a performance bound (the times are printed).
constexpr int kNoticeWithinMs = kSilenceMs + 3000;

void signal(Process &p, int sig) {
    ::kill(pid_t(p.process().processId()), sig);
}

} // namespace

class TestNodesHeartbeat : public QObject {
    Q_OBJECT

    Cluster m_cluster;
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;
    QHash<QString, int> m_presets;

    // Recalls a preset; true once both nodes report the new live revision.
    bool recallReachesBoth(const QString &preset) {
        const quint64 revision = m_cluster.recall(m_presets.value(preset));
        std::fprintf(stderr, "recalled %s (preset %d): live revision %llu\n", qPrintable(preset),
                     m_presets.value(preset), static_cast<unsigned long long>(revision));
        return m_cluster.bothShow(revision);
    }

    // Both outputs show red (or not), as the controller serves them (a picture is reused for
    // 500 ms: app/shell/outputsnapshots.h), within 10 s.
    bool outputsShowRed(bool red) {
        QString why;
        const bool shown = QTest::qWaitFor(
            [&] {
                for (int output : {0, 1}) {
                    const auto px = m_cluster.centreOf(output, &why);
                    if (!px)
                        return false;
                    if ((qRed(*px) > 150 && qBlue(*px) < 100) != red) {
                        why = QStringLiteral("output %1 shows %2")
                                  .arg(output)
                                  .arg(QString::number(*px, 16));
                        return false;
                    }
                }
                return true;
            },
            10000);
        if (!shown)
            qWarning("%s", qPrintable(why));
        return shown;
    }

private Q_SLOTS:
    void initTestCase() {
        QString why;
        QVERIFY2(m_cluster.startWithColourPresets(&m_presets, &why), qPrintable(why));
        QVERIFY(m_cluster.startTwoNodes(m_nodeA, m_nodeB));
        QVERIFY(recallReachesBoth(QStringLiteral("red")));
        QVERIFY(outputsShowRed(true));
    }

    // A controller that stops answering with its sockets open is lost to its nodes within the
    // timeout; they keep what they show and link again when it runs again.
    void stoppedControllerIsLost() {
        const quint64 revision = m_cluster.liveRevision();
        QElapsedTimer t;
        t.start();
        signal(m_cluster.controller, SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(m_nodeA->log.contains("has been silent for") &&
                                     m_nodeB->log.contains("has been silent for"),
                                 kNoticeWithinMs + 5000);
        const qint64 noticed = t.elapsed();
        QVERIFY2(m_nodeA->log.contains("the windows keep what they show"),
                 m_nodeA->log.constData());
        // They keep running (and trying) with their windows, drawn from the last state.
        QTest::qWait(1500);
        for (Process *node : {m_nodeA.get(), m_nodeB.get()}) {
            QVERIFY(node->running());
            QVERIFY(!node->log.contains("windows are made again"));
        }
        signal(m_cluster.controller, SIGCONT);
        t.restart();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.nodeHealth(QStringLiteral("node-a"))["connected"].toBool() &&
                m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool() &&
                quint64(m_cluster.nodeHealth(QStringLiteral("node-a"))["revision"].toInteger()) ==
                    revision &&
                quint64(m_cluster.nodeHealth(QStringLiteral("node-b"))["revision"].toInteger()) ==
                    revision,
            30000);
        const qint64 relinked = t.elapsed();
        QVERIFY(outputsShowRed(true)); // what they showed all along
        std::printf("RESULT nodes heartbeat: both nodes took the stopped controller (SIGSTOP) as "
                    "lost %lld ms after the signal (silence timeout %d ms); linked again and "
                    "reported the live revision %lld ms after SIGCONT\n",
                    qlonglong(noticed), kSilenceMs, qlonglong(relinked));
        QVERIFY2(noticed <= kNoticeWithinMs, qPrintable(QString::number(noticed)));
        QVERIFY(recallReachesBoth(QStringLiteral("blue")));
        QVERIFY(outputsShowRed(false));
    }

    // A node that stops answering is shown disconnected by the controller within the timeout.
    void stoppedNodeIsShownDisconnected() {
        QElapsedTimer t;
        t.start();
        signal(*m_nodeB, SIGSTOP);
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool(),
            kNoticeWithinMs + 5000);
        const qint64 noticed = t.elapsed();
        QVERIFY2(m_cluster.controller.log.contains("node 'node-b'") &&
                     m_cluster.controller.log.contains("has been silent for"),
                 m_cluster.controller.log.constData());
        const auto m = m_cluster.api("GET", QStringLiteral("/metrics"));
        QVERIFY2(m.body.contains("opswall_node_connected{node=\"node-b\"} 0"), m.body.constData());
        QVERIFY(m_cluster.nodeHealth(QStringLiteral("node-a"))["connected"].toBool());
        signal(*m_nodeB, SIGCONT);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool(), 30000);
        std::printf("RESULT nodes heartbeat: the controller showed a stopped node (SIGSTOP) "
                    "disconnected %lld ms after the signal (silence timeout %d ms)\n",
                    qlonglong(noticed), kSilenceMs);
        QVERIFY2(noticed <= kNoticeWithinMs, qPrintable(QString::number(noticed)));
        QVERIFY(recallReachesBoth(QStringLiteral("red")));
        QVERIFY(outputsShowRed(true));
    }

    void cleanupTestCase() {
        for (Process *p : {&m_cluster.controller, m_nodeA.get(), m_nodeB.get()})
            if (p && p->running())
                signal(*p, SIGCONT);
        m_nodeA.reset();
        m_nodeB.reset();
        m_cluster.controller.kill();
    }
};

QTEST_MAIN(TestNodesHeartbeat)
#include "tst_nodes_heartbeat.moc"
