// The node link's binding of reports to their link (nodeprotocol.h link key) and its heartbeat
// (linksilence.h), with a hub and clients in one process over real loopback sockets
// (hubfixture.h): a node naming another in its reports, video and switch figures is refused and
// logged; silence is counted only while the process runs; a node that never beats is shown
// disconnected after the timeout, a controller that never answers is given up.
#include "hubfixture.h"
#include "nodes/linksilence.h"

#include <QElapsedTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>

using namespace hubtest;

class TestNodesLink : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A report is taken only with the key of the link of the node it names: a node that names
    // another (here a raw link as node "spy", with a real node token) changes nothing.
    void reportsAreBoundToTheirLink() {
        Controller controller;
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        QString err;
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QVERIFY(a.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(a.linked(), 10000);
        a.report(state.revision(), 30);
        auto revisionOf = [&hub](const QString &id) {
            const QJsonObject h = healthOf(hub, id);
            return h.isEmpty() ? qint64(-1) : h[QLatin1String("revision")].toInteger();
        };
        QTRY_COMPARE_WITH_TIMEOUT(revisionOf(QStringLiteral("a")), qint64(state.revision()), 5000);

        RawNode spy;
        QVERIFY(spy.link(hub, QStringLiteral("spy"), 1));
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "a report for node 'a' came without the key of its link")));
        spy.replica->report(QStringLiteral("a"), spy.key, 9999, 1); // its own key, another's name
        spy.replica->report(QStringLiteral("a"), QByteArray(), 9998, 1);
        spy.replica->report(QStringLiteral("spy"), spy.key, 7, 5); // itself: taken
        QTRY_COMPARE_WITH_TIMEOUT(revisionOf(QStringLiteral("spy")), qint64(7), 5000);
        QCOMPARE(hub.reportsRefused(), 2);
        QCOMPARE(revisionOf(QStringLiteral("a")), qint64(state.revision()));
    }

    // A report made as the link comes up (linkChanged, as a node reports what its windows show on
    // each new link), before the replica has the controller's values, reaches the controller:
    // it is held and sent once the link can carry it, not dropped. So is one made before any link.
    void reportMadeAsTheLinkComesUpArrives() {
        Controller controller;
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        const quint64 revision = state.revision();
        QVERIFY(revision > 0);
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        int reportsOnLink = 0;
        connect(&a, &NodeClient::linkChanged, &a, [&](bool up) {
            if (up && a.linked()) {
                a.report(revision, 30);
                ++reportsOnLink;
            }
        });
        NodeClient b(clientOf(hub, QStringLiteral("b"), {1}, QStringLiteral("good")));
        b.report(revision, 25); // before its link
        QString err;
        QVERIFY(a.start(&err));
        QVERIFY(b.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(reportsOnLink == 1 && b.linked(), 10000);
        auto shown = [&hub](const QString &id) {
            const QJsonObject h = healthOf(hub, id);
            return std::pair{h[QLatin1String("revision")].toInteger(),
                             h[QLatin1String("fps")].toDouble()};
        };
        QTRY_COMPARE_WITH_TIMEOUT(shown(QStringLiteral("a")), std::pair(qint64(revision), 30.0),
                                  5000);
        QTRY_COMPARE_WITH_TIMEOUT(shown(QStringLiteral("b")), std::pair(qint64(revision), 25.0),
                                  5000);
        QCOMPARE(hub.reportsRefused(), 0);
    }

    // The figures of synchronised video and scheduled switches are bound to the link as reports
    // are: a node naming another has its video and switch reports refused (and logged), the
    // named node's own are taken.
    void videoAndSwitchReportsAreBoundToTheirLink() {
        Controller controller;
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        QElapsedTimer clock;
        clock.start();
        hub.setClock(R"({"port":1,"baseTimeNs":0,"latencyMs":0})",
                     [&clock] { return clock.nsecsElapsed(); });
        QString err;
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QSignalSpy layouts(&a, &NodeClient::layoutReceived);
        QVERIFY(a.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(a.linked(), 10000);
        state.setLayout(layoutNamed(QStringLiteral("second"), QStringLiteral("blue"))); // a recall
        QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty() && layouts.last().at(2).toLongLong() > 0,
                                 10000);
        const quint64 revision = state.revision();
        const qint64 switchAtNs = layouts.last().at(2).toLongLong();
        a.report(revision, 30);
        QTRY_COMPARE_WITH_TIMEOUT(
            healthOf(hub, QStringLiteral("a"))[QLatin1String("revision")].toInteger(),
            qint64(revision), 5000);

        RawNode spy;
        QVERIFY(spy.link(hub, QStringLiteral("spy"), 1));
        const QByteArray frames =
            R"({"frames":[{"stream":"cam","rtpTime":90000,"clockRate":90000,"shownNs":1000}]})";
        for (const char *kind : {"video report", "switch report"})
            QTest::ignoreMessage(
                QtWarningMsg,
                QRegularExpression(QStringLiteral("a %1 for node 'a' came without the key of its "
                                                  "link; ignored")
                                       .arg(QLatin1String(kind))));
        spy.replica->reportVideo(QStringLiteral("a"), spy.key, frames);
        spy.replica->reportSwitch(QStringLiteral("a"), spy.key, revision, switchAtNs + 5000000);
        spy.replica->reportVideo(QStringLiteral("spy"), spy.key, frames); // itself: taken
        QTRY_COMPARE_WITH_TIMEOUT(
            healthOf(hub, QStringLiteral("spy"))[QLatin1String("streams")].toArray().size(), 1,
            5000);
        QCOMPARE(hub.reportsRefused(), 2);
        const QJsonObject forged = healthOf(hub, QStringLiteral("a"));
        QVERIFY(forged[QLatin1String("streams")].toArray().isEmpty());
        QVERIFY(forged[QLatin1String("switchLateMs")].isNull());

        // The node's own figures, with its link's key, are taken.
        a.reportVideo(frames);
        a.reportSwitch(revision, switchAtNs + 3000000);
        QTRY_COMPARE_WITH_TIMEOUT(
            healthOf(hub, QStringLiteral("a"))[QLatin1String("switchLateMs")].toDouble(), 3.0,
            5000);
        QCOMPARE(healthOf(hub, QStringLiteral("a"))[QLatin1String("streams")].toArray(),
                 QJsonArray{QStringLiteral("cam")});
        QCOMPARE(hub.reportsRefused(), 2);
    }

    // The heartbeat's silence counts only the time this process ran: a tick late by seconds (the
    // process was stopped or stalled) adds at most kMaxStepBeats beats.
    void silenceCountsOnlyWhileRunning() {
        LinkSilence s(1500);
        QVERIFY(!s.tick(kBeatMs));
        QVERIFY(!s.tick(kBeatMs));
        QVERIFY(!s.tick(30000)); // this process was away 30 s: its peer is not silent for it
        QCOMPARE(s.silentMs(), qint64(3 * kBeatMs));
        QVERIFY(!s.tick(kBeatMs));
        QVERIFY(!s.tick(kBeatMs));
        QVERIFY(s.tick(kBeatMs)); // 1500 ms of silence while running
        QVERIFY(s.tick(kBeatMs)); // and from then on
        s.heard();
        QCOMPARE(s.silentMs(), qint64(0));
        QVERIFY(!s.tick(-5)); // a clock step back counts nothing
        QCOMPARE(s.silentMs(), qint64(0));
        for (int i = 0; i < 5; ++i)
            QVERIFY(!s.tick(kBeatMs));
        QVERIFY(s.tick(kBeatMs));
        // A silence announced (a node making its windows) is allowed until the peer is heard.
        s.allow(4000);
        QCOMPARE(s.silentMs(), qint64(0));
        for (int i = 0; i < 15; ++i)
            QVERIFY(!s.tick(kBeatMs));
        QVERIFY(s.tick(kBeatMs)); // 4000 ms
        s.allow(10 * kMaxBusyMs);
        QCOMPARE(s.allowedMs(), kMaxBusyMs); // bounded
        s.heard();                           // heard again: the usual timeout
        QCOMPARE(s.allowedMs(), 0);
        for (int i = 0; i < 5; ++i)
            QVERIFY(!s.tick(kBeatMs));
        QVERIFY(s.tick(kBeatMs));
    }

    // A node that keeps its link open but never beats (a raw link: a stopped or hung node) is shown
    // disconnected after the silence timeout, counted from its opening line (it never reported
    // nor beat), and its link is closed; a node that beats stays. One that announced a busy
    // stretch (nodeBusy: making its windows) is allowed that much silence, then lost the same way.
    void silentNodeIsDisconnected() {
        NodeHubConfig config;
        // Above the beats a stall of this process may add (hub and client share its thread).
        config.silenceMs = 1000;
        Controller controller(config);
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QString err;
        QVERIFY(a.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(a.linked(), 10000);
        auto connected = [&hub](const QString &id) {
            return healthOf(hub, id)[QLatin1String("connected")].toBool();
        };
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "node 'mute' .* has been silent for \\d+ ms \\(no heartbeat")));
        RawNode mute;
        QElapsedTimer t;
        t.start();
        QVERIFY(mute.link(hub, QStringLiteral("mute"), 1));
        QVERIFY(connected(QStringLiteral("mute")));
        QVERIFY(healthOf(hub, QStringLiteral("mute"))[QLatin1String("silentMs")].isDouble());
        QTRY_VERIFY_WITH_TIMEOUT(!connected(QStringLiteral("mute")), 5000);
        qInfo("a link that never beat nor reported was shown disconnected after %lld ms "
              "(timeout %d ms)",
              qlonglong(t.elapsed()), config.silenceMs);
        QVERIFY(healthOf(hub, QStringLiteral("mute"))[QLatin1String("silentMs")].isNull());
        QCOMPARE(healthOf(hub, QStringLiteral("mute"))[QLatin1String("revision")].toInteger(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(mute.socket.state() == QAbstractSocket::UnconnectedState, 5000);

        // A busy node (its windows): 4 s of silence allowed, then lost.
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral(
                                 "node 'busy' .* has been silent for \\d+ ms \\(no heartbeat")));
        RawNode busy;
        QVERIFY(busy.link(hub, QStringLiteral("busy"), 1));
        busy.replica->nodeBusy(QStringLiteral("busy"), busy.key, 4000);
        t.restart();
        QTest::qWait(3 * config.silenceMs);
        QVERIFY(connected(QStringLiteral("busy")));
        QVERIFY(healthOf(hub, QStringLiteral("busy"))[QLatin1String("silentMs")].toDouble() >=
                2 * config.silenceMs);
        QTRY_VERIFY_WITH_TIMEOUT(!connected(QStringLiteral("busy")), 5000);
        QVERIFY2(t.elapsed() >= 4000 - kBeatMs, qPrintable(QString::number(t.elapsed())));
        QVERIFY(connected(QStringLiteral("a"))); // it beats
        QVERIFY(healthOf(hub, QStringLiteral("a"))[QLatin1String("silentMs")].toDouble() <
                config.silenceMs);
        QVERIFY(a.linked());
    }

    // A controller that takes the connection but never answers (stopped, hung) is lost after the
    // silence timeout, as one that refuses the connection is: the node keeps trying.
    void silentControllerIsLost() {
        QTcpServer mute; // accepts (the kernel does, for a stopped process too) and says nothing
        QVERIFY(mute.listen(QHostAddress::LocalHost));
        NodeClientConfig config;
        config.host = QStringLiteral("127.0.0.1");
        config.port = mute.serverPort();
        config.nodeId = QStringLiteral("a");
        config.outputs = {0};
        config.token = QStringLiteral("good");
        config.silenceMs = kMinSilenceMs;
        NodeClient a(config);
        QSignalSpy lost(&a, &NodeClient::unreachable);
        QString err;
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("no answer from the controller")));
        QVERIFY(a.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(!lost.isEmpty(), 5000);
        QVERIFY2(lost.first().at(0).toString().contains(QStringLiteral("no answer")),
                 qPrintable(lost.first().at(0).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(lost.size() >= 2, 5000); // and tries again
        QVERIFY(!a.linked());
    }
};

QTEST_GUILESS_MAIN(TestNodesLink)
#include "tst_nodes_link.moc"
