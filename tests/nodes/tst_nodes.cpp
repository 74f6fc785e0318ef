// Render nodes end to end (issue #20): a controller and two nodes as separate opswall processes on
// loopback, offscreen. Presets are recalled through the controller's API; each node's output is
// grabbed through the controller (GET /api/v1/outputs/{i}/snapshot, answered by the node that
// draws it) and must show the new layout. A node killed with SIGKILL and started again converges;
// a node with a bad token is refused, with a log line on both sides. The switch spread (the
// difference between the nodes' lags from the controller publishing a layout to the node's frame
// of it) is measured by the controller and printed.
#include "nodecluster.h"

#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cstdio>
#include <memory>

using opswall::control::ApiResponse;

namespace {

using nodetest::Cluster;
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

QJsonObject colourLayout(const QString &name, const QString &colour) {
    // One colour tile over the whole 2000 × 600 mm canvas, and the same background.
    return {
        {"schemaVersion", 1},
        {"kind", "opswall.layout"},
        {"name", name},
        {"background", colour},
        {"tiles", QJsonArray{QJsonObject{
                      {"id", "fill"},
                      {"kind", "color"},
                      {"title", ""},
                      {"frame", false},
                      {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 2000}, {"height", 600}}},
                      {"z", 0},
                      {"binding", QJsonObject{{"color", colour}}}}}}};
}

} // namespace

class TestNodes : public QObject {
    Q_OBJECT

    Cluster m_cluster;
    std::unique_ptr<Process> m_nodeA;
    std::unique_ptr<Process> m_nodeB;
    QHash<QString, int> m_presets; // colour name -> preset id
    QList<double> m_spreads;

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
        const quint64 revision = m_cluster.recall(m_presets.value(colour));
        QList<double> lags;
        QElapsedTimer t;
        t.start();
        for (const QString &id : nodes) {
            QJsonObject h;
            while (t.elapsed() < 20000) {
                h = m_cluster.nodeHealth(id);
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
        QString why;
        QVERIFY2(m_cluster.start(&why), qPrintable(why));
        for (const auto &[name, colour] :
             {std::pair{"red", "#d02020"}, std::pair{"blue", "#2040d0"},
              std::pair{"green", "#20b040"}}) {
            const ApiResponse r = m_cluster.api(
                "POST", QStringLiteral("/layouts"),
                {{"name", QString::fromLatin1(name)},
                 {"layout", colourLayout(QString::fromLatin1(name), QString::fromLatin1(colour))}});
            QVERIFY2(r.status == 201, r.body.constData());
            const QJsonObject data = Cluster::json(r);
            m_presets.insert(QString::fromLatin1(name), data["id"].toInt());
            QVERIFY2(data["id"].toInt() > 0, r.body.constData());
        }
    }

    // A node token may connect as a node and do nothing else on the API.
    void nodeTokenCannotUseTheApi() {
        QFile f(m_cluster.nodeTokenFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString token = QString::fromUtf8(f.readAll()).trimmed();
        QCOMPARE(m_cluster.api("GET", QStringLiteral("/wall"), {}, token).status, 403);
        QCOMPARE(m_cluster
                     .api("POST", QStringLiteral("/presets/%1/recall").arg(m_presets.value("red")),
                          {}, token)
                     .status,
                 403);
        const ApiResponse h = m_cluster.api("GET", QStringLiteral("/health"), {}, token);
        QCOMPARE(h.status, 200);
        QCOMPARE(Cluster::json(h), (QJsonObject{{"status", "ok"}})); // no details for a node token
    }

    void twoNodesFollowRecalls() {
        QVERIFY(m_cluster.startTwoNodes(m_nodeA, m_nodeB));
        const QJsonObject a = m_cluster.nodeHealth(QStringLiteral("node-a"));
        QCOMPARE(a["outputs"].toArray(), QJsonArray{0});
        QVERIFY2(a["address"].toString().startsWith(QLatin1String("127.0.0.3:")),
                 qPrintable(a["address"].toString()));
        QVERIFY(m_cluster.nodeHealth(QStringLiteral("node-b"))["address"].toString().startsWith(
            QLatin1String("127.0.0.4:")));
        QVERIFY(a["skewMs"].isNull()); // no video shown yet: no skew
        QCOMPARE(m_cluster.nodeHealth(QStringLiteral("node-b"))["outputs"].toArray(),
                 QJsonArray{1});

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
            QStringList args{QStringLiteral("nodes"), QStringLiteral("--url"),
                             QStringLiteral("http://127.0.0.1:%1").arg(m_cluster.apiPort),
                             QStringLiteral("--token"), m_cluster.admin};
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
            } else {
                QVERIFY2(out.contains("node-a  connected  outputs 0  fps "), out.constData());
                QVERIFY2(out.contains("node-b  connected  outputs 1  fps "), out.constData());
                QVERIFY2(out.contains("skew -"), out.constData());
            }
        }
        // The metrics carry the nodes too.
        const ApiResponse m = m_cluster.api("GET", QStringLiteral("/metrics"));
        QCOMPARE(m.status, 200);
        QVERIFY2(m.body.contains("opswall_node_connected{node=\"node-a\"} 1"), m.body.constData());
        QVERIFY(m.body.contains("opswall_node_lag_ms{node=\"node-b\"}"));
    }

    // A video tile naming a source by id: the source is defined on the controller only (its
    // API), replicated to the nodes, and each node decodes the stream for its own output.
    void videoSourceReachesNodes() {
        ApiResponse r = m_cluster.api("POST", QStringLiteral("/sources"),
                                      {{"source", QJsonObject{{"id", "cam-white"},
                                                              {"name", "White test pattern"},
                                                              {"kind", "testpattern"},
                                                              {"pattern", "white"}}}});
        QVERIFY2(r.status == 201 || r.status == 200, r.body.constData());
        r = m_cluster.api("POST", QStringLiteral("/layouts"),
                          {{"name", "video"}, {"layout", videoLayout("video", "cam-white")}});
        QVERIFY2(r.status == 201, r.body.constData());
        m_presets.insert(QStringLiteral("video"), Cluster::json(r)["id"].toInt());
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
        QTRY_VERIFY_WITH_TIMEOUT(
            !m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool(), 10000);
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
        m_cluster.startNode(m_nodeB, QStringLiteral("node-b"), QStringLiteral("1"),
                            m_cluster.nodeTokenFile);
        const quint64 revision = m_cluster.liveRevision();
        QTRY_VERIFY_WITH_TIMEOUT(
            m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool() &&
                quint64(m_cluster.nodeHealth(QStringLiteral("node-b"))["revision"].toInteger()) ==
                    revision,
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
        m_cluster.startNode(node, QStringLiteral("node-c"), QStringLiteral("1"), bad);
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
        m_cluster.startNode(node, QStringLiteral("node-d"), QStringLiteral("1"), admin.fileName());
        QVERIFY(node->process().waitForFinished(60000));
        QCOMPARE(node->process().exitCode(), 1);
        QVERIFY2(node->log.contains("has the role admin, not node"), node->log.constData());
        // The nodes that belong are still linked.
        QVERIFY(m_cluster.nodeHealth(QStringLiteral("node-a"))["connected"].toBool());
        QVERIFY(m_cluster.nodeHealth(QStringLiteral("node-b"))["connected"].toBool());
    }

    void cleanupTestCase() {
        m_nodeA.reset();
        m_nodeB.reset();
        m_cluster.controller.kill();
    }
};

QTEST_MAIN(TestNodes)
#include "tst_nodes.moc"
