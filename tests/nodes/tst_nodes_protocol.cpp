// The node link's opening exchange (app/nodes/nodeprotocol.h) and the hub and client over a real
// loopback socket in one process: the replica converges on the source's wall and layout, a late
// client gets the current state, refusals say why.
#include "../control/testcert.h"
#include "hubfixture.h"
#include "nodes/nodeclient.h"
#include "nodes/nodehub.h"
#include "nodes/nodeindicators.h"
#include "nodes/nodeprotocol.h"
#include "rep_nodewall_merged.h"
#include "wall/walljson.h"
#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QRemoteObjectNode>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace opswall;
using namespace opswall::nodes;
using namespace hubtest;

namespace {

// Two 1000 x 600 mm displays side by side, output i driving display i.
wall::Wall twoDisplays() {
    wall::Wall w = twoOutputs();
    for (int i = 0; i < 2; ++i) {
        wall::Display d;
        d.id = i == 0 ? QStringLiteral("L") : QStringLiteral("R");
        d.positionMm = QPointF(1000 * i, 0);
        d.sizeMm = QSizeF(1000, 600);
        w.displays.append(d);
        w.outputs[i].geometry = QRect(320 * i, 0, 320, 180);
        w.outputs[i].regions.append({d.id, QRect(0, 0, 320, 180)});
    }
    return w;
}

wall::Tile kpiTile(const QString &id, const QString &indicator, double xMm) {
    wall::Tile t;
    t.id = id;
    t.kind = QStringLiteral("kpi");
    t.rectMm = QRectF(xMm, 100, 400, 300);
    t.binding = {{QStringLiteral("indicator"), indicator}};
    return t;
}

} // namespace

class TestNodesProtocol : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void helloRoundTrip() {
        const Hello h{QStringLiteral("wall-pc2"), {1, 2}, QStringLiteral("owt_ab_cd")};
        QByteArray line = helloLine(h);
        QVERIFY(line.endsWith('\n'));
        line.chop(1);
        QString why;
        const auto back = parseHello(line, &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(back->nodeId, h.nodeId);
        QCOMPARE(back->outputs, h.outputs);
        QCOMPARE(back->token, h.token);
    }

    void badHellos_data() {
        QTest::addColumn<QByteArray>("line");
        QTest::addColumn<QString>("reason");
        QTest::newRow("empty") << QByteArray() << "not an OpsWall node";
        QTest::newRow("http") << QByteArray("GET / HTTP/1.1") << "not an OpsWall node";
        QTest::newRow("version") << QByteArray("OPSWALL-NODE 1 a 0 t") << "version 1";
        QTest::newRow("old version") << QByteArray("OPSWALL-NODE 2 a 0 t") << "version 2";
        // Version 3 had no streams' starts nor skew trims: refused, both versions named.
        QTest::newRow("version 3") << QByteArray("OPSWALL-NODE 3 a 0 t")
                                   << "version 3 is not supported (this controller speaks 6)";
        // Version 4 had no live HLS anchors, version 5 no layouts expected next: refused likewise.
        QTest::newRow("version 4") << QByteArray("OPSWALL-NODE 4 a 0 t")
                                   << "version 4 is not supported (this controller speaks 6)";
        QTest::newRow("version 5") << QByteArray("OPSWALL-NODE 5 a 0 t")
                                   << "version 5 is not supported (this controller speaks 6)";
        QTest::newRow("id") << QByteArray("OPSWALL-NODE 6 a/b 0 t") << "node id";
        QTest::newRow("outputs") << QByteArray("OPSWALL-NODE 6 a 0,x t") << "outputs";
        QTest::newRow("negative") << QByteArray("OPSWALL-NODE 6 a -1 t") << "outputs";
        QTest::newRow("twice") << QByteArray("OPSWALL-NODE 6 a 1,1 t") << "named twice";
        QTest::newRow("long") << QByteArray(kMaxLineBytes + 1, 'x') << "longer than";
        QTest::newRow("no token") << QByteArray("OPSWALL-NODE 6 a 0") << "not an OpsWall node";
    }
    void badHellos() {
        QFETCH(QByteArray, line);
        QFETCH(QString, reason);
        QString why;
        QVERIFY(!parseHello(line, &why));
        QVERIFY2(why.contains(reason), qPrintable(why));
    }

    void answers() {
        QString reason;
        const QByteArray key = newLinkKey();
        QCOMPARE(key.size(), kLinkKeyHexDigits);
        QVERIFY(key != newLinkKey());
        QByteArray got;
        QVERIFY(parseAnswer(okLine(key), &reason, &got));
        QCOMPARE(got, key);
        // An OK without a well-formed key is not an OK.
        for (const QByteArray &bad : {QByteArray("OK"), QByteArray("OK 12"),
                                      QByteArray("OK ") + QByteArray(kLinkKeyHexDigits, 'g')}) {
            QVERIFY(!parseAnswer(bad, &reason, &got));
            QVERIFY2(reason.contains(QLatin1String("link key")) ||
                         reason.contains(QLatin1String("something else")),
                     qPrintable(reason));
        }
        QVERIFY(!parseAnswer(refusedLine(QStringLiteral("unknown or revoked token")), &reason));
        QCOMPARE(reason, QStringLiteral("unknown or revoked token"));
        QVERIFY(!parseAnswer("HTTP/1.1 400 Bad Request", &reason));
        QVERIFY(reason.contains(QLatin1String("something else")));
        // A reason never spans lines.
        QCOMPARE(refusedLine(QStringLiteral("a\nb")).count('\n'), 1);
    }

    // The indicators a node's own tiles show: those overlapping its outputs' displays.
    void shownIndicators() {
        const wall::Wall w = twoDisplays();
        // What the hub replicates parses back on the node (it works out the same from it).
        const wall::WallParse back = wall::wallFromJson(wall::wallToJson(w));
        QVERIFY2(back.ok(), qPrintable(back.issues.value(0).toString()));
        wall::Layout l;
        l.tiles = {kpiTile(QStringLiteral("a"), QStringLiteral("CPI"), 100),
                   kpiTile(QStringLiteral("b"), QStringLiteral("IIP"), 1200),
                   kpiTile(QStringLiteral("c"), QStringLiteral("GDP"), 800)}; // spans both
        wall::Tile projects;
        projects.id = QStringLiteral("p");
        projects.kind = QStringLiteral("projects");
        projects.rectMm = QRectF(1500, 0, 400, 400);
        wall::Tile alerts;
        alerts.id = QStringLiteral("al");
        alerts.kind = QStringLiteral("alerts");
        alerts.rectMm = QRectF(0, 0, 2000, 600);
        l.tiles << projects << alerts;
        QCOMPARE(indicatorsShown(w, l, {0}), (QSet<QString>{"CPI", "GDP"}));
        QCOMPARE(indicatorsShown(w, l, {1}),
                 (QSet<QString>{"IIP", "GDP", "PROJ_PROGRESS_PCT", "PROJ_PLANNED_PCT",
                                "PROJ_DISBURSED_PCT", "PROJ_SLIP_MONTHS"}));
        QCOMPARE(indicatorsShown(w, l, {7}), QSet<QString>{}); // no such output
    }

    // A node pulls the values of the indicators its own tiles show, not others: on the link,
    // when a new layout binds another, and when the controller announces a change of its own.
    void pullsOnlyShownIndicators() {
        wall::WallState state(twoDisplays());
        wall::Layout first;
        first.name = QStringLiteral("first");
        first.tiles = {kpiTile(QStringLiteral("a"), QStringLiteral("CPI"), 100),
                       kpiTile(QStringLiteral("b"), QStringLiteral("IIP"), 1200)};
        state.setLayout(first);
        NodeHub hub(state, {}, acceptGood());
        QList<QStringList> asked;
        hub.setSeriesProvider([&asked](const QStringList &indicators) {
            asked.append(indicators);
            return QByteArray(R"({"series":[]})");
        });
        QString err;
        QVERIFY2(hub.start(&err), qPrintable(err));
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QSignalSpy series(&a, &NodeClient::seriesReceived);
        QVERIFY(a.start(&err));
        QTRY_COMPARE_WITH_TIMEOUT(series.size(), 1, 10000);
        QCOMPARE(asked, (QList<QStringList>{{"CPI"}}));
        QCOMPARE(a.wantedIndicators(), QSet<QString>{"CPI"});
        // A layout that binds another indicator on this node's output: that one is pulled.
        wall::Layout second = first;
        second.tiles.append(kpiTile(QStringLiteral("c"), QStringLiteral("GDP"), 500));
        state.setLayout(second);
        QTRY_COMPARE_WITH_TIMEOUT(series.size(), 2, 10000);
        QCOMPARE(asked.last(), QStringList{"GDP"});
        // Announced changes: only the node's own.
        hub.announceSeries({QStringLiteral("IIP"), QStringLiteral("GDP")});
        QTRY_COMPARE_WITH_TIMEOUT(series.size(), 3, 10000);
        QCOMPARE(asked.last(), QStringList{"GDP"});
        hub.announceSeries({QStringLiteral("IIP")});
        QTest::qWait(300);
        QCOMPARE(asked.size(), 3); // nothing of this node's: nothing pulled
        // Unbound, then bound again (its changes went unheard meanwhile): pulled again.
        state.setLayout(first);
        QTRY_COMPARE_WITH_TIMEOUT(a.wantedIndicators(), QSet<QString>{"CPI"}, 10000);
        state.setLayout(second);
        QTRY_COMPARE_WITH_TIMEOUT(series.size(), 4, 10000);
        QCOMPARE(asked.last(), QStringList{"GDP"});
    }

    void outputsList() {
        QString why;
        QCOMPARE(parseOutputs(QStringLiteral("0, 3,2"), &why), std::optional(QList<int>{0, 3, 2}));
        QVERIFY(!parseOutputs(QString(), &why));
        QVERIFY(!parseOutputs(QStringLiteral("1000"), &why));
        QStringList many;
        for (int i = 0; i <= kMaxOutputs; ++i)
            many.append(QString::number(i));
        QVERIFY(!parseOutputs(many.join(QLatin1Char(',')), &why));
    }

    // Hub and client over a loopback socket: the replica gets the state, follows a change, a
    // client that connects later gets the current state, and the hub sees what nodes report.
    void replicates() {
        Controller controller;
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        QString err;

        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QSignalSpy aLayouts(&a, &NodeClient::layoutReceived);
        QSignalSpy aWalls(&a, &NodeClient::wallReceived);
        QVERIFY2(a.start(&err), qPrintable(err));
        QTRY_VERIFY_WITH_TIMEOUT(!aLayouts.isEmpty() && !aWalls.isEmpty(), 10000);
        QCOMPARE(aLayouts.last().at(0).toULongLong(), state.revision());
        QCOMPARE(aLayouts.last().at(1).toJsonObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("first"));
        QCOMPARE(aWalls.last().at(0).toJsonObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("t"));

        state.setLayout(layoutNamed(QStringLiteral("second"), QStringLiteral("blue")));
        QTRY_COMPARE_WITH_TIMEOUT(
            aLayouts.last().at(1).toJsonObject().value(QStringLiteral("name")).toString(),
            QStringLiteral("second"), 10000);
        QCOMPARE(aLayouts.last().at(0).toULongLong(), state.revision());

        // Video sources follow the same way.
        QSignalSpy aSources(&a, &NodeClient::sourcesReceived);
        hub.setSources(R"({"sources":[{"id":"cam-1","kind":"testpattern"}]})");
        QTRY_VERIFY_WITH_TIMEOUT(!aSources.isEmpty(), 10000);
        QCOMPARE(aSources.last().at(0).toJsonArray().at(0)[QLatin1String("id")].toString(),
                 QStringLiteral("cam-1"));

        // A late joiner converges on the state as it is now.
        NodeClient b(clientOf(hub, QStringLiteral("b"), {1}, QStringLiteral("good")));
        QSignalSpy bLayouts(&b, &NodeClient::layoutReceived);
        QSignalSpy bSources(&b, &NodeClient::sourcesReceived);
        QVERIFY2(b.start(&err), qPrintable(err));
        QTRY_VERIFY_WITH_TIMEOUT(!bLayouts.isEmpty(), 10000);
        QCOMPARE(bLayouts.last().at(1).toJsonObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("second"));
        QCOMPARE(bSources.size(), 1);

        // Reports reach the hub's health.
        a.report(state.revision(), 30);
        QTRY_VERIFY_WITH_TIMEOUT(
            hub.health().at(0).toObject().value(QStringLiteral("revision")).toInteger() ==
                qint64(state.revision()),
            5000);
        const QJsonObject na = hub.health().at(0).toObject();
        QCOMPARE(na.value(QStringLiteral("id")).toString(), QStringLiteral("a"));
        QCOMPARE(na.value(QStringLiteral("connected")).toBool(), true);
        QCOMPARE(na.value(QStringLiteral("fps")).toDouble(), 30.0);
        QVERIFY(na.value(QStringLiteral("lagMs")).isDouble());
        QVERIFY(na.value(QStringLiteral("skewMs")).isNull());
        QCOMPARE(hub.nodeOutputs().size(), 2);
    }

    // A node whose link goes away is shown disconnected; the same node linking again gets the
    // state as it is now; the hub keeps serving (the first version crashed here).
    void reconnects() {
        Controller controller;
        QVERIFY(controller.hub);
        auto [state, hub] = controller.parts();
        QString err;
        auto a = std::make_unique<NodeClient>(
            clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QVERIFY(a->start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(a->linked(), 10000);
        a.reset();
        QTRY_VERIFY_WITH_TIMEOUT(
            !hub.health().at(0).toObject().value(QStringLiteral("connected")).toBool(), 10000);
        state.setLayout(layoutNamed(QStringLiteral("while away"), QStringLiteral("blue")));
        QTest::qWait(100);
        for (int round = 0; round < 2; ++round) {
            NodeClient again(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
            QSignalSpy layouts(&again, &NodeClient::layoutReceived);
            QVERIFY(again.start(&err));
            QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty(), 10000);
            QCOMPARE(layouts.last().at(1).toJsonObject().value(QStringLiteral("name")).toString(),
                     QStringLiteral("while away"));
            QVERIFY(hub.health().at(0).toObject().value(QStringLiteral("connected")).toBool());
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            !hub.health().at(0).toObject().value(QStringLiteral("connected")).toBool(), 10000);
        QTest::qWait(2500); // past the sockets' grace: nothing left to crash on
        state.setLayout(layoutNamed(QStringLiteral("later"), QStringLiteral("green")));
        QTest::qWait(50);
    }

    void refuses_data() {
        QTest::addColumn<QString>("token");
        QTest::addColumn<QList<int>>("outputs");
        QTest::addColumn<QString>("reason");
        QTest::newRow("bad token") << "wrong" << QList<int>{0} << "unknown or revoked token";
        QTest::newRow("no such output") << "good" << QList<int>{5} << "has no output 5";
        QTest::newRow("output taken") << "good" << QList<int>{0} << "rendered by node 'a'";
    }
    void refuses() {
        QFETCH(QString, token);
        QFETCH(QList<int>, outputs);
        QFETCH(QString, reason);
        wall::WallState state(twoOutputs());
        NodeHub hub(state, {}, acceptGood());
        QString err;
        QVERIFY2(hub.start(&err), qPrintable(err));
        NodeClient a(clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good")));
        QSignalSpy linked(&a, &NodeClient::linkChanged);
        QVERIFY(a.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(a.linked(), 10000);

        NodeClient c(clientOf(hub, QStringLiteral("c"), outputs, token));
        QSignalSpy refused(&c, &NodeClient::refused);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("refused node 'c' .*") +
                                                QRegularExpression::escape(reason)));
        QTest::ignoreMessage(QtCriticalMsg,
                             QRegularExpression(QStringLiteral("refused this node \\('c'\\): .*") +
                                                QRegularExpression::escape(reason)));
        QVERIFY(c.start(&err));
        QTRY_VERIFY_WITH_TIMEOUT(!refused.isEmpty(), 10000);
        QVERIFY2(refused.first().at(0).toString().contains(reason),
                 qPrintable(refused.first().at(0).toString()));
        QVERIFY(!c.linked());
        QVERIFY(a.linked());
    }

    // With the API's certificate the link is TLS (here on loopback, as it is off loopback): a
    // node trusting it links and replicates; a node speaking plain TCP to it never links.
    void tlsLink() {
        QTemporaryDir dir;
        const QString cert = dir.filePath(QStringLiteral("node.crt"));
        const QString key = dir.filePath(QStringLiteral("node.key"));
        TESTCERT_MAKE_OR_SKIP(cert, key);

        wall::WallState state(twoOutputs());
        state.setLayout(layoutNamed(QStringLiteral("secret"), QStringLiteral("red")));
        NodeHubConfig config;
        config.tlsCertFile = cert;
        config.tlsKeyFile = key;
        NodeHub hub(state, config, acceptGood());
        QString err;
        QVERIFY2(hub.start(&err), qPrintable(err));

        NodeClientConfig c = clientOf(hub, QStringLiteral("a"), {0}, QStringLiteral("good"));
        c.caFile = cert;
        NodeClient tls(c);
        QSignalSpy layouts(&tls, &NodeClient::layoutReceived);
        QVERIFY2(tls.start(&err), qPrintable(err));
        QTRY_VERIFY_WITH_TIMEOUT(!layouts.isEmpty(), 10000);
        QCOMPARE(layouts.last().at(1).toJsonObject().value(QStringLiteral("name")).toString(),
                 QStringLiteral("secret"));

        NodeClient plain(clientOf(hub, QStringLiteral("b"), {1}, QStringLiteral("good")));
        QSignalSpy plainLayouts(&plain, &NodeClient::layoutReceived);
        QVERIFY(plain.start(&err));
        QTest::qWait(1500);
        QVERIFY(!plain.linked());
        QVERIFY(plainLayouts.isEmpty());
        QCOMPARE(hub.health().size(), 1); // only the TLS node ever got past the hello
    }

    // Off loopback the link must be TLS on both sides.
    void tlsRequiredOffLoopback() {
        wall::WallState state(twoOutputs());
        NodeHubConfig config;
        config.host = QStringLiteral("0.0.0.0");
        NodeHub hub(state, config, acceptGood());
        QString err;
        QVERIFY(!hub.start(&err));
        QVERIFY2(err.contains(QLatin1String("TLS")), qPrintable(err));
        NodeClientConfig c;
        c.host = QStringLiteral("192.0.2.10");
        c.port = 1;
        c.nodeId = QStringLiteral("x");
        c.outputs = {0};
        c.token = QStringLiteral("t");
        NodeClient client(c);
        QVERIFY(!client.start(&err));
        QVERIFY2(err.contains(QLatin1String("--controller-ca")), qPrintable(err));
    }
};

QTEST_GUILESS_MAIN(TestNodesProtocol)
#include "tst_nodes_protocol.moc"
