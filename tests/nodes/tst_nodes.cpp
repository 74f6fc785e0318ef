// Render nodes end to end (issue #20): a controller and two nodes as separate opswall processes on
// loopback, offscreen. Presets are recalled through the controller's API; each node's output is
// grabbed through the controller (GET /api/v1/outputs/{i}/snapshot, answered by the node that
// draws it) and must show the new layout. A node killed with SIGKILL and started again converges;
// a node with a bad token is refused, with a log line on both sides. The switch spread (the
// difference between the nodes' lags from the controller publishing a layout to the node's frame
// of it) is measured by the controller and printed.
#include "nodecluster.h"
#include "nodelayouts.h"

#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <memory>

using opswall::control::ApiResponse;

namespace {

using nodetest::colourLayout;
using nodetest::Process;

struct Rgb {
    int r, g, b;
};

bool near(QRgb px, Rgb want) {
    return std::abs(qRed(px) - want.r) < 40 && std::abs(qGreen(px) - want.g) < 40 &&
           std::abs(qBlue(px) - want.b) < 40;
}

QJsonObject videoLayout(const QString &name, const QString &source) {
    // One video tile over the whole canvas, stretched, showing a source by its id.
    return {
        {"schemaVersion", 1},
        {"kind", "opswall.layout"},
        {"name", name},
        {"background", "#000000"},
        {"tiles", QJsonArray{QJsonObject{
                      {"id", "video"},
                      {"kind", "video"},
                      {"title", ""},
                      {"frame", false},
                      {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 2000}, {"height", 600}}},
                      {"z", 0},
                      {"binding", QJsonObject{{"source", source}, {"fill", "stretch"}}}}}}};
}

} // namespace

class TestNodes : public QObject {
    Q_OBJECT

    nodetest::Cluster m_cluster; // the controller, its API, the node token (nodecluster.h)
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;
    QHash<QString, int> m_presets; // colour name -> preset id
    QList<double> m_spreads;

    ApiResponse api(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                    const QString &token = {}) {
        return m_cluster.api(method, path, body, token);
    }
    static QJsonObject json(const ApiResponse &r) { return nodetest::Cluster::json(r); }
    QJsonObject nodeHealth(const QString &id) { return m_cluster.nodeHealth(id); }
    quint64 liveRevision() { return m_cluster.liveRevision(); }
    void startNode(std::unique_ptr<Process> &node, const QString &id, const QString &outputs,
                   const QString &tokenFile, const QStringList &more = {}) {
        m_cluster.startNode(node, id, outputs, tokenFile, more);
    }

    bool outputShows(int index, Rgb want, int timeoutMs, QString *why) {
        QElapsedTimer t;
        t.start();
        do {
            if (const auto px = m_cluster.centreOf(index, why)) {
                if (near(*px, want))
                    return true;
                *why = QStringLiteral("output %1 shows rgb(%2, %3, %4)")
                           .arg(index)
                           .arg(qRed(*px))
                           .arg(qGreen(*px))
                           .arg(qBlue(*px));
            }
            QTest::qWait(100);
        } while (t.elapsed() < timeoutMs);
        return false;
    }

    // Recalls a preset and waits until every named node reports a frame of it; their lags.
    QList<double> recallAndWait(const QString &colour, const QStringList &nodes) {
        const ApiResponse r =
            api("POST", QStringLiteral("/presets/%1/recall").arg(m_presets.value(colour)));
        if (r.status != 200)
            qWarning("recall %s: HTTP %d %s", qPrintable(colour), r.status, r.body.constData());
        const quint64 revision = liveRevision();
        QList<double> lags;
        QElapsedTimer t;
        t.start();
        for (const QString &id : nodes) {
            QJsonObject h;
            while (t.elapsed() < 20000) {
                h = nodeHealth(id);
                if (quint64(h["revision"].toInteger()) == revision)
                    break;
                QTest::qWait(20);
            }
            if (quint64(h["revision"].toInteger()) != revision || !h["lagMs"].isDouble())
                return {};
            lags.append(h["lagMs"].toDouble());
        }
        return lags;
    }

private Q_SLOTS:
    void initTestCase() {
        m_cluster.net.setUp({QStringLiteral("node-a"), QStringLiteral("node-b")},
                            m_cluster.dir.path());
        QString why;
        QVERIFY2(m_cluster.start(&why), qPrintable(why));
        for (const auto &[name, colour] :
             {std::pair{"red", "#d02020"}, std::pair{"blue", "#2040d0"},
              std::pair{"green", "#20b040"}}) {
            m_presets.insert(
                QLatin1String(name),
                m_cluster.savePreset(QLatin1String(name),
                                     colourLayout(QLatin1String(name), QLatin1String(colour))));
            QVERIFY(m_presets.value(QLatin1String(name)) > 0);
        }
    }

    // A node token may connect as a node and do nothing else on the API.
    void nodeTokenCannotUseTheApi() {
        QFile f(m_cluster.nodeTokenFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString token = QString::fromUtf8(f.readAll()).trimmed();
        QCOMPARE(api("GET", QStringLiteral("/wall"), {}, token).status, 403);
        QCOMPARE(
            api("POST", QStringLiteral("/presets/%1/recall").arg(m_presets.value("red")), {}, token)
                .status,
            403);
        const ApiResponse h = api("GET", QStringLiteral("/health"), {}, token);
        QCOMPARE(h.status, 200);
        QCOMPARE(json(h), (QJsonObject{{"status", "ok"}})); // no details for a node token
    }

    void twoNodesFollowRecalls() {
        startNode(m_nodeA, QStringLiteral("node-a"), QStringLiteral("0"), m_cluster.nodeTokenFile);
        startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"), m_cluster.nodeTokenFile);
        QTRY_VERIFY_WITH_TIMEOUT(nodeHealth(QStringLiteral("node-a"))["connected"].toBool() &&
                                     nodeHealth(QStringLiteral("node-b"))["connected"].toBool(),
                                 60000);
        const QJsonObject a = nodeHealth(QStringLiteral("node-a"));
        QCOMPARE(a["outputs"].toArray(), QJsonArray{0});
        // Each node's own address (its namespace's, or its own loopback address).
        QVERIFY2(a["address"].toString().startsWith(
                     m_cluster.net.nodeAddress(QStringLiteral("node-a")) + QLatin1Char(':')),
                 qPrintable(a["address"].toString()));
        QVERIFY(nodeHealth(QStringLiteral("node-b"))["address"].toString().startsWith(
            m_cluster.net.nodeAddress(QStringLiteral("node-b")) + QLatin1Char(':')));
        QVERIFY(a["skewMs"].isNull()); // no synchronised video yet
        QCOMPARE(nodeHealth(QStringLiteral("node-b"))["outputs"].toArray(), QJsonArray{1});

        const QStringList both{QStringLiteral("node-a"), QStringLiteral("node-b")};
        const QList<std::pair<QString, Rgb>> steps{{QStringLiteral("red"), {0xd0, 0x20, 0x20}},
                                                   {QStringLiteral("blue"), {0x20, 0x40, 0xd0}}};
        std::fprintf(stderr, "switch  preset  lag node-a  lag node-b  spread (ms)\n");
        for (int i = 0; i < 8; ++i) {
            const auto &[name, rgb] = steps[i % 2];
            const QList<double> lags = recallAndWait(name, both);
            QVERIFY2(lags.size() == 2, qPrintable(QStringLiteral("recall %1: the nodes did not "
                                                                 "report a frame of it")
                                                      .arg(name)));
            const double spread = std::abs(lags[0] - lags[1]);
            m_spreads.append(spread);
            std::fprintf(stderr, "%6d  %-6s  %10.0f  %10.0f  %6.0f\n", i + 1, qPrintable(name),
                         lags[0], lags[1], spread);
            QString why;
            QVERIFY2(outputShows(0, rgb, 10000, &why), qPrintable(why));
            QVERIFY2(outputShows(1, rgb, 10000, &why), qPrintable(why));
        }
        QList<double> sorted = m_spreads;
        std::sort(sorted.begin(), sorted.end());
        std::printf("RESULT nodes switch spread over %lld recalls: median %.0f ms, max %.0f ms "
                    "(controller's clock, publish to each node's reported frame)\n",
                    qlonglong(sorted.size()), sorted[sorted.size() / 2], sorted.last());
        // wallctl nodes lists them, in words and as JSON.
        for (const bool asJson : {false, true}) {
            QProcess wallctl;
            QStringList args =
                QStringList{QStringLiteral("nodes"), QStringLiteral("--token"), m_cluster.admin} +
                m_cluster.wallctlTarget();
            if (asJson)
                args << QStringLiteral("--json");
            wallctl.start(QStringLiteral(WALLCTL_PATH), args);
            QVERIFY(wallctl.waitForFinished(30000));
            const QByteArray out = wallctl.readAllStandardOutput();
            QVERIFY2(wallctl.exitCode() == 0, out.constData());
            if (asJson) {
                const QJsonArray items = QJsonDocument::fromJson(out).object()["items"].toArray();
                QCOMPARE(items.size(), 2);
                QVERIFY(items.at(0).toObject()["connected"].toBool());
                QVERIFY(items.at(0).toObject()["silentMs"].isDouble()); // since its last beat
            } else {
                QVERIFY2(out.contains("node-a  connected  outputs 0  fps "), out.constData());
                QVERIFY2(out.contains("node-b  connected  outputs 1  fps "), out.constData());
                QVERIFY2(out.contains("skew -"), out.constData());
                QVERIFY2(QRegularExpression(QStringLiteral("node-a  connected .* silent \\d+ ms"))
                             .match(QString::fromUtf8(out))
                             .hasMatch(),
                         out.constData());
            }
        }
        // The metrics carry the nodes too.
        const ApiResponse m = api("GET", QStringLiteral("/metrics"));
        QCOMPARE(m.status, 200);
        QVERIFY2(m.body.contains("opswall_node_connected{node=\"node-a\"} 1"), m.body.constData());
        QVERIFY(m.body.contains("opswall_node_lag_ms{node=\"node-b\"}"));
    }

    // A video tile naming a source by id: the source is defined on the controller only (its
    // API), replicated to the nodes, and each node decodes the stream for its own output.
    void videoSourceReachesNodes() {
        ApiResponse r = api("POST", QStringLiteral("/sources"),
                            {{"source", QJsonObject{{"id", "cam-white"},
                                                    {"name", "White test pattern"},
                                                    {"kind", "testpattern"},
                                                    {"pattern", "white"}}}});
        QVERIFY2(r.status == 201 || r.status == 200, r.body.constData());
        r = api("POST", QStringLiteral("/layouts"),
                {{"name", "video"}, {"layout", videoLayout("video", "cam-white")}});
        QVERIFY2(r.status == 201, r.body.constData());
        m_presets.insert(QStringLiteral("video"), json(r)["id"].toInt());
        const QList<double> lags = recallAndWait(
            QStringLiteral("video"), {QStringLiteral("node-a"), QStringLiteral("node-b")});
        QCOMPARE(lags.size(), 2);
        QString why;
        QVERIFY2(outputShows(0, {255, 255, 255}, 30000, &why), qPrintable(why));
        QVERIFY2(outputShows(1, {255, 255, 255}, 30000, &why), qPrintable(why));
        QVERIFY(m_nodeA->log.contains("video sources from the controller"));
    }

    void killedNodeConverges() {
        QVERIFY(m_nodeB && m_nodeB->running());
        m_nodeB->kill(); // SIGKILL: no goodbye on the link
        QTRY_VERIFY_WITH_TIMEOUT(!nodeHealth(QStringLiteral("node-b"))["connected"].toBool(),
                                 10000);
        QVERIFY(m_cluster.controller.log.contains("node 'node-b'"));
        // The wall changes while node-b is away; node-a follows.
        const QList<double> lags =
            recallAndWait(QStringLiteral("green"), {QStringLiteral("node-a")});
        QCOMPARE(lags.size(), 1);
        QString why;
        QVERIFY2(outputShows(0, {0x20, 0xb0, 0x40}, 10000, &why), qPrintable(why));
        // Back, it converges on the layout now live without any further change.
        QElapsedTimer t;
        t.start();
        startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"), m_cluster.nodeTokenFile);
        const quint64 revision = liveRevision();
        QTRY_VERIFY_WITH_TIMEOUT(
            nodeHealth(QStringLiteral("node-b"))["connected"].toBool() &&
                quint64(nodeHealth(QStringLiteral("node-b"))["revision"].toInteger()) == revision,
            60000);
        const qint64 converged = t.elapsed();
        QVERIFY2(outputShows(1, {0x20, 0xb0, 0x40}, 10000, &why), qPrintable(why));
        std::printf("RESULT nodes: a node restarted after SIGKILL showed the live layout %lld ms "
                    "after its start (process start, link, first frame)\n",
                    qlonglong(converged));
    }

    void badTokenIsRefused() {
        const QString bad = m_cluster.dir.filePath(QStringLiteral("bad-token"));
        QFile f(bad);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("owt_0000000000000000_not-a-real-secret\n");
        f.close();
        std::unique_ptr<Process> node;
        startNode(node, QStringLiteral("node-c"), QStringLiteral("1"), bad);
        QVERIFY(node->process().waitForFinished(60000));
        QCOMPARE(node->process().exitCode(), 1);
        QVERIFY2(node->log.contains("refused this node"), node->log.constData());
        QVERIFY(node->log.contains("unknown or revoked token"));
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster.controller.log.contains("refused node 'node-c'") &&
                                     m_cluster.controller.log.contains("unknown or revoked token"),
                                 5000);
        // An admin's token is not a node's.
        QFile admin(m_cluster.dir.filePath(QStringLiteral("admin-as-node")));
        QVERIFY(admin.open(QIODevice::WriteOnly));
        admin.write(m_cluster.admin.toUtf8());
        admin.close();
        startNode(node, QStringLiteral("node-d"), QStringLiteral("1"), admin.fileName());
        QVERIFY(node->process().waitForFinished(60000));
        QCOMPARE(node->process().exitCode(), 1);
        QVERIFY2(node->log.contains("has the role admin, not node"), node->log.constData());
        // The nodes that belong are still linked.
        QVERIFY(nodeHealth(QStringLiteral("node-a"))["connected"].toBool());
        QVERIFY(nodeHealth(QStringLiteral("node-b"))["connected"].toBool());
    }

    // A node that starts while the controller is down shows what its cache holds (the last wall
    // and layout it had), then converges when the controller comes back with another layout.
    void nodeStartsFromItsCache() {
        // Green, shown by both nodes: a node saves what it receives in its cache before it reports
        // it shown, so the kills need not wait for the cache.
        const quint64 cached = liveRevision();
        m_cluster.controller.kill(); // SIGKILL: the controller is gone
        m_nodeB->kill();
        // With --screenshot the node writes its output's picture and exits: the cached green.
        const QString shot = m_cluster.dir.filePath(QStringLiteral("node-b-cached.png"));
        std::unique_ptr<Process> once;
        startNode(once, QStringLiteral("node-b"), QStringLiteral("1"), m_cluster.nodeTokenFile,
                  {QStringLiteral("--screenshot"), shot});
        QVERIFY(once->process().waitForFinished(60000));
        QVERIFY2(once->process().exitCode() == 0, once->log.constData());
        QVERIFY2(once->log.contains("showing the cached wall and layout (revision " +
                                    QByteArray::number(cached) + ")"),
                 once->log.constData());
        const QImage image(shot);
        QVERIFY(!image.isNull());
        QVERIFY2(near(image.pixel(image.width() / 2, image.height() / 2), {0x20, 0xb0, 0x40}),
                 qPrintable(QStringLiteral("the cached picture is rgb(%1)")
                                .arg(QString::number(
                                    image.pixel(image.width() / 2, image.height() / 2), 16))));
        // Started for good, from the cache; then the controller comes back showing red.
        startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"), m_cluster.nodeTokenFile);
        QTRY_VERIFY_WITH_TIMEOUT(m_nodeB->log.contains("from its cache"), 30000);
        QTest::qWait(500);
        QVERIFY(m_nodeB->running());
        QElapsedTimer t;
        t.start();
        m_cluster.startController({QStringLiteral("--preset"), QStringLiteral("red")});
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster.controller.log.contains("render nodes connect on"),
                                 30000);
        const quint64 revision = liveRevision();
        QVERIFY(revision != cached);
        for (const QString &id : {QStringLiteral("node-a"), QStringLiteral("node-b")})
            QTRY_VERIFY_WITH_TIMEOUT(nodeHealth(id)["connected"].toBool() &&
                                         quint64(nodeHealth(id)["revision"].toInteger()) ==
                                             revision,
                                     60000);
        const qint64 converged = t.elapsed();
        QString why;
        QVERIFY2(outputShows(0, {0xd0, 0x20, 0x20}, 10000, &why), qPrintable(why));
        QVERIFY2(outputShows(1, {0xd0, 0x20, 0x20}, 10000, &why), qPrintable(why));
        std::printf("RESULT nodes: both nodes (one started from its cache while the controller "
                    "was down) showed the controller's layout %lld ms after it was started "
                    "again\n",
                    qlonglong(converged));
    }

    // The controller comes back with a wall whose outputs are larger: each node makes its
    // windows again at the new size. Then with a wall without output 1: its node stops (status 1,
    // logged: the controller refuses it), since it can no longer draw what it was started for.
    void wallChangedLater() {
        auto widthOf = [this](int output) {
            const ApiResponse r =
                api("GET", QStringLiteral("/outputs/%1/snapshot?width=1920").arg(output));
            return r.status == 200 ? QImage::fromData(r.body, "JPEG").width() : -r.status;
        };
        QCOMPARE(widthOf(1), 320);
        m_cluster.controller.kill();
        m_cluster.startController({QStringLiteral("--wall"), QStringLiteral(NODES_WALL_LARGER)});
        QTRY_VERIFY_WITH_TIMEOUT(m_cluster.controller.log.contains("render nodes connect on"),
                                 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_nodeB->log.contains("windows are made again"), 30000);
        QTRY_COMPARE_WITH_TIMEOUT(widthOf(1), 640, 30000);
        QTRY_COMPARE_WITH_TIMEOUT(widthOf(0), 640, 30000);
        const quint64 revision = liveRevision();
        for (const QString &id : {QStringLiteral("node-a"), QStringLiteral("node-b")})
            QTRY_COMPARE_WITH_TIMEOUT(quint64(nodeHealth(id)["revision"].toInteger()), revision,
                                      30000);
        QString why;
        QVERIFY2(outputShows(1, {0xd0, 0x20, 0x20}, 10000, &why), qPrintable(why));

        const QString oneOutput = m_cluster.dir.filePath(QStringLiteral("one-output.json"));
        QFile f(oneOutput);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"schemaVersion": 1, "kind": "opswall.wall", "name": "One output",
            "displays": [{"id": "L", "xMm": 0, "yMm": 0, "widthMm": 1000, "heightMm": 600}],
            "outputs": [{"name": "OUT-0", "x": 0, "y": 0, "width": 320, "height": 180,
                         "regions": [{"display": "L", "x": 0, "y": 0, "width": 320,
                                      "height": 180}]}]})");
        f.close();
        m_cluster.controller.kill();
        m_cluster.startController({QStringLiteral("--wall"), oneOutput});
        QVERIFY(m_nodeB->process().waitForFinished(60000));
        QCOMPARE(m_nodeB->process().exitCode(), 1);
        // Refused on its new link ("the wall has no output 1"), or told by a wall that changed
        // while it was linked ("... has no output 1 any more").
        QVERIFY2(m_nodeB->log.contains("has no output 1"), m_nodeB->log.constData());
        QTRY_VERIFY_WITH_TIMEOUT(nodeHealth(QStringLiteral("node-a"))["connected"].toBool(), 30000);
    }

    void cleanupTestCase() {
        m_nodeA.reset();
        m_nodeB.reset();
        m_cluster.controller.kill();
    }
};

QTEST_MAIN(TestNodes)
#include "tst_nodes.moc"
