// Render nodes and indicator values (issue #20): a controller running the demo's feeds (its own
// local feed service, real HTTP and SSE) and a node as separate opswall processes. The node
// configures no feed and contacts no feed server; the controller's stored values reach the node's
// cache (compared row by row, in both SQLite files), and a value the live counter pushes to the
// controller later reaches the node too.
#include "control/apiclient.h"
#include "nodeprocess.h"
#include "sqliterows.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>

namespace {

using nodetest::freePort;
using nodetest::freePortPair;
using nodetest::Process;
using nodetest::rows;

// The current values of one feed's series.
QByteArray currentValues(const char *feed) {
    return QByteArray("SELECT s.indicator, s.dimension, v.period_kind, v.period_start, "
                      "printf('%.9g', v.value) FROM feed_values v JOIN feed_series s ON s.id = "
                      "v.series_id WHERE v.current = 1 AND s.feed_id = '") +
           feed + "' ORDER BY 1, 2, 3, 4";
}

} // namespace

class TestNodesFeeds : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nodeGetsTheControllersValues() {
        QTemporaryDir dir;
        const quint16 apiPort = freePortPair();
        const quint16 nodePort = freePort();
        const QString controllerDb = dir.filePath(QStringLiteral("controller.db"));
        const QString nodeDb = dir.filePath(QStringLiteral("node.db"));
        const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
        Process controller(QStringLiteral("controller"), Process::Ending::Stop, "opswall.maps");
        controller.start({"--demo", "--wall", QStringLiteral(NODES_WALL), "--role", "controller",
                          "--node-listen", QStringLiteral("127.0.0.1:%1").arg(nodePort), "--db",
                          controllerDb, "--api", QStringLiteral("127.0.0.1:%1").arg(apiPort),
                          "--admin-token-file", tokenFile, "--lang", "en", "-platform",
                          "offscreen"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile), 60000);
        QFile f(tokenFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        opswall::control::ClientSettings settings;
        settings.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(apiPort);
        settings.token = QString::fromUtf8(f.readAll()).trimmed();
        opswall::control::ApiClient api(settings);
        const opswall::control::ApiResponse made =
            api.request("POST", QStringLiteral("/tokens"), {{"name", "node"}, {"role", "node"}});
        QVERIFY2(made.status == 201 || made.status == 200, made.body.constData());
        const QString nodeTokenFile = dir.filePath(QStringLiteral("node-token"));
        QFile t(nodeTokenFile);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(QJsonDocument::fromJson(made.body).object()["token"].toString().toUtf8());
        t.close();

        // The controller has fetched the CPI from its feed service.
        const QByteArray cpi = currentValues("gso-cpi-sdmx");
        QTRY_VERIFY_WITH_TIMEOUT(!rows(controllerDb, cpi).isEmpty() &&
                                     !rows(controllerDb, cpi).first().startsWith("bad"),
                                 60000);

        Process node(QStringLiteral("node"), Process::Ending::Stop, "opswall.maps");
        node.start({"--role", "node", "--controller", QStringLiteral("127.0.0.1:%1").arg(nodePort),
                    "--outputs", "0", "--token-file", nodeTokenFile, "--node-id", "node-a", "--db",
                    nodeDb, "--lang", "en", "-platform", "offscreen"});
        QTRY_VERIFY_WITH_TIMEOUT(node.log.contains("values) from the controller"), 60000);
        // Row by row, the node holds what the controller holds.
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, cpi), rows(controllerDb, cpi), 20000);
        std::printf("RESULT nodes: %lld current CPI values replicated to the node\n",
                    qlonglong(rows(nodeDb, cpi).size()));
        // The node's indicators carry the controller's metadata; it configures no feed of its
        // own, so it never asks a feed server.
        QCOMPARE(rows(nodeDb, "SELECT code FROM feed_indicators WHERE code = 'CPI_YOY_INDEX'"),
                 rows(controllerDb, "SELECT code FROM feed_indicators WHERE code = "
                                    "'CPI_YOY_INDEX'"));
        QCOMPARE(rows(nodeDb, "SELECT COUNT(*) FROM feed_definitions"), QStringList{"0"});
        QVERIFY(!rows(controllerDb, "SELECT COUNT(*) FROM feed_definitions").contains("0"));

        // The live counter pushes new values to the controller; they reach the node.
        const QByteArray live = currentValues("live-new-enterprises");
        const QStringList first = rows(controllerDb, live);
        QTRY_VERIFY_WITH_TIMEOUT(rows(controllerDb, live) != first, 60000);
        QTRY_VERIFY_WITH_TIMEOUT(
            rows(nodeDb, live) != first && rows(nodeDb, live) == rows(controllerDb, live), 30000);
    }
};

QTEST_GUILESS_MAIN(TestNodesFeeds)
#include "tst_nodes_feeds.moc"
