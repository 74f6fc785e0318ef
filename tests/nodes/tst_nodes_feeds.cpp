// Render nodes and indicator values (issue #20): a controller running the demo's feeds (its own
// local feed service, real HTTP and SSE) and a node as separate opswall processes. The node
// configures no feed and contacts no feed server. Of the indicators its own tiles show, every
// stored revision reaches the node's cache with the controller's revision numbers and times
// (compared row by row, in both SQLite files); an indicator on an output it does not draw is not
// pulled until a layout moves it there. The controller's open alerts and acknowledgements reach
// the node, whose alert list draws them; its feeds' status reaches the node, also when the feed
// service dies and the live feed fails; a value the live counter pushes later reaches the node.
#include "control/apiclient.h"
#include "nodeprocess.h"
#include "sqliterows.h"

#include <QColor>
#include <QElapsedTimer>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <csignal>
#include <cstdio>

namespace {

using nodetest::freePort;
using nodetest::freePortPair;
using nodetest::Process;
using nodetest::rows;

// Every stored revision of one indicator's values, with its revision number and the time it was
// received: on a node, the controller's time.
QByteArray revisionsOf(const char *indicator) {
    return QByteArray("SELECT s.dimension, v.period_kind, v.period_start, v.revision, "
                      "printf('%.9g', v.value), v.fetched_at, v.current FROM feed_values v JOIN "
                      "feed_series s ON s.id = v.series_id WHERE s.indicator = '") +
           indicator + "' ORDER BY 1, 2, 3, 4";
}

QByteArray statusOf(const char *feed) {
    return QByteArray("SELECT state, last_success FROM feed_status WHERE feed_id = '") + feed + "'";
}

QJsonObject tile(const char *id, const char *kind, QRectF rect, QJsonObject binding, int z = 0) {
    return {{"id", id},
            {"kind", kind},
            {"title", ""},
            {"frame", false},
            {"rect", QJsonObject{{"x", rect.x()},
                                 {"y", rect.y()},
                                 {"width", rect.width()},
                                 {"height", rect.height()}}},
            {"z", z},
            {"binding", binding}};
}

// On the node's output 0 (display L, x 0 to 1000 mm): the CPI, the live counter and the alert
// list; on output 1 (display R, drawn by no node here): the IIP, or, with iipOnTheNode, the IIP
// moves to output 0.
QJsonObject feedsLayout(bool iipOnTheNode) {
    return {
        {"schemaVersion", 1},
        {"kind", "opswall.layout"},
        {"name", iipOnTheNode ? "feeds, IIP on the node" : "feeds"},
        {"background", "#000000"},
        {"tiles",
         QJsonArray{tile("cpi", "kpi", {20, 20, 300, 270}, {{"indicator", "CPI_YOY_INDEX"}}),
                    tile("live", "kpi", {340, 20, 300, 270}, {{"indicator", "ENT_NEW_TODAY"}}),
                    tile("alerts", "alerts", {20, 310, 960, 270}, {{"max", 3}, {"language", "en"}}),
                    tile("iip", "kpi", {iipOnTheNode ? 660.0 : 1100.0, 20, 300, 270},
                         {{"indicator", "IIP_YOY_INDEX"}})}}};
}

// The pid of the controller's child whose command name starts with `name` (0 when none).
qint64 childNamed(qint64 parent, const QByteArray &name) {
    QFile children(QStringLiteral("/proc/%1/task/%1/children").arg(parent));
    if (!children.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &pid : children.readAll().split(' ')) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(QString::fromLatin1(pid.trimmed())));
        if (!pid.trimmed().isEmpty() && comm.open(QIODevice::ReadOnly) &&
            comm.readAll().startsWith(name.left(15)))
            return pid.trimmed().toLongLong();
    }
    return 0;
}

// Real ms per replayed minute of the demo's live counter (opswall --demo-tick-ms): a tick
// every 2 s, so a new value comes within seconds and stays long enough (between two pushes) for
// the node's copy to be compared with the controller's.
constexpr int kDemoTickMs = 2000;

bool near(QRgb px, QColor want) {
    return std::abs(qRed(px) - want.red()) < 40 && std::abs(qGreen(px) - want.green()) < 40 &&
           std::abs(qBlue(px) - want.blue()) < 40;
}

} // namespace

class TestNodesFeeds : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void nodeGetsWhatItsTilesShow() {
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
                          "--admin-token-file", tokenFile, "--lang", "en", "--demo-tick-ms",
                          QString::number(kDemoTickMs), "-platform", "offscreen"});
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile), 60000);
        QFile f(tokenFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        opswall::control::ClientSettings settings;
        settings.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(apiPort);
        settings.token = QString::fromUtf8(f.readAll()).trimmed();
        settings.timeoutMs = 15000;
        opswall::control::ApiClient api(settings);
        const opswall::control::ApiResponse made =
            api.request("POST", QStringLiteral("/tokens"), {{"name", "node"}, {"role", "node"}});
        QVERIFY2(made.status == 201 || made.status == 200, made.body.constData());
        const QString nodeTokenFile = dir.filePath(QStringLiteral("node-token"));
        QFile t(nodeTokenFile);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(QJsonDocument::fromJson(made.body).object()["token"].toString().toUtf8());
        t.close();
        auto publish = [&api](bool iipOnTheNode) {
            const auto r = api.request("PUT", QStringLiteral("/layout"),
                                       {{"layout", feedsLayout(iipOnTheNode)}});
            return r.status == 200 ? QByteArray() : r.body;
        };
        QCOMPARE(publish(false), QByteArray());

        // The controller has fetched the CPI and the IIP from its feed service, and has alerts.
        const QByteArray cpi = revisionsOf("CPI_YOY_INDEX");
        const QByteArray iip = revisionsOf("IIP_YOY_INDEX");
        QTRY_VERIFY_WITH_TIMEOUT(rows(controllerDb, cpi).size() > 1 &&
                                     !rows(controllerDb, cpi).first().startsWith("bad") &&
                                     rows(controllerDb, iip).size() > 1,
                                 60000);
        auto openAlerts = [&api] {
            QStringList ids;
            const QJsonArray items = QJsonDocument::fromJson(api.request("GET", "/alerts").body)
                                         .object()["items"]
                                         .toArray();
            for (const QJsonValue &a : items)
                ids << a["id"].toString() + (a["acknowledged"].toBool() ? "+ack" : "");
            return ids;
        };
        QTRY_VERIFY_WITH_TIMEOUT(!openAlerts().isEmpty(), 60000);

        Process node(QStringLiteral("node"), Process::Ending::Stop, "opswall.maps");
        node.start({"--role", "node", "--controller", QStringLiteral("127.0.0.1:%1").arg(nodePort),
                    "--outputs", "0", "--token-file", nodeTokenFile, "--node-id", "node-a", "--db",
                    nodeDb, "--lang", "en", "-platform", "offscreen"});
        QTRY_VERIFY_WITH_TIMEOUT(node.log.contains("values;"), 60000);
        // Row by row, every revision, with the controller's revision numbers and times: the age
        // a node's tile tells is the one the controller's would.
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, cpi), rows(controllerDb, cpi), 20000);
        std::printf("RESULT nodes: %lld CPI revisions replicated to the node with the "
                    "controller's times\n",
                    qlonglong(rows(nodeDb, cpi).size()));
        // The IIP is on an output this node does not draw: not pulled.
        QVERIFY2(rows(nodeDb, iip).isEmpty(), qPrintable(rows(nodeDb, iip).join('\n')));
        // The node's indicators carry the controller's metadata; it configures no feed of its
        // own, so it never asks a feed server; the feeds' status is the controller's.
        QCOMPARE(rows(nodeDb, "SELECT code FROM feed_indicators WHERE code = 'CPI_YOY_INDEX'"),
                 rows(controllerDb, "SELECT code FROM feed_indicators WHERE code = "
                                    "'CPI_YOY_INDEX'"));
        QCOMPARE(rows(nodeDb, "SELECT COUNT(*) FROM feed_definitions"), QStringList{"0"});
        QVERIFY(!rows(controllerDb, "SELECT COUNT(*) FROM feed_definitions").contains("0"));
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, statusOf("gso-monthly")),
                                  rows(controllerDb, statusOf("gso-monthly")), 20000);

        // The controller's open alerts reach the node (kept in its cache), and its alert list
        // tile draws them: a severity colour on output 0, drawn by the node.
        auto nodeAlerts = [&nodeDb] {
            QStringList ids;
            const QStringList doc =
                rows(nodeDb, "SELECT value FROM settings WHERE key = 'node.alerts'");
            for (const QJsonValue &a :
                 QJsonDocument::fromJson(doc.value(0).toUtf8()).object()["alerts"].toArray())
                ids << a["id"].toString() + (a["acknowledged"].toBool() ? "+ack" : "");
            return ids;
        };
        QTRY_COMPARE_WITH_TIMEOUT(nodeAlerts(), openAlerts(), 20000);
        QStringList shown;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto r = api.request("GET", "/outputs/0/snapshot?width=640");
                const QImage image = QImage::fromData(r.body, "JPEG");
                shown.clear();
                for (int y = image.height() / 2; y < image.height(); ++y)
                    for (int x = 0; x < image.width(); ++x)
                        for (const char *c : {"#d64545", "#e0a526", "#4f8fd0"})
                            if (near(image.pixel(x, y), QColor(c)) && !shown.contains(c))
                                shown << c;
                return !shown.isEmpty();
            }(),
            20000);
        std::printf("RESULT nodes: %lld open alerts replicated; the node's alert list shows "
                    "severity colours %s\n",
                    qlonglong(nodeAlerts().size()), qPrintable(shown.join(' ')));
        // An acknowledgement on the controller reaches the node.
        const QString first = openAlerts().first();
        QVERIFY(!first.endsWith("+ack"));
        QCOMPARE(api.request("POST", QStringLiteral("/alerts/%1/ack").arg(first), {}).status, 200);
        QTRY_VERIFY_WITH_TIMEOUT(nodeAlerts().contains(first + "+ack"), 10000);

        // A layout that moves the IIP onto the node's output: the node pulls it.
        QCOMPARE(publish(true), QByteArray());
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, iip), rows(controllerDb, iip), 20000);

        // The live counter pushes new values to the controller; they reach the node. The demo's
        // counter moves about one registration per replayed minute, one every kDemoTickMs here
        // (--demo-tick-ms) instead of every real minute: a change within a few ticks.
        const QByteArray live = revisionsOf("ENT_NEW_TODAY");
        const QStringList before = rows(controllerDb, live);
        QTRY_VERIFY_WITH_TIMEOUT(rows(controllerDb, live) != before, 15 * kDemoTickMs);
        QTRY_VERIFY_WITH_TIMEOUT(
            rows(nodeDb, live) != before && rows(nodeDb, live) == rows(controllerDb, live), 30000);

        // The feed service goes: the controller's live feed fails, the node's status of it says
        // so too, and the node's tile of the live counter shows its stale marker (KpiTile's
        // #b36b00 age badge, in the tile's top right), which it did not before.
        auto liveTileStale = [&api] {
            const QImage image =
                QImage::fromData(api.request("GET", "/outputs/0/snapshot?width=640").body, "JPEG");
            if (image.width() != 640)
                return -1;
            // The live tile: 340-640 mm across, 20-290 mm down; 640 px for 990 mm from 5 mm.
            const double k = 640.0 / 990.0;
            for (int y = int((20 - 5) * k); y < int((290 - 5) * k); ++y)
                for (int x = int((340 - 5) * k); x < int((640 - 5) * k); ++x)
                    if (near(image.pixel(x, y), QColor(0xb3, 0x6b, 0x00)))
                        return 1;
            return 0;
        };
        QCOMPARE(liveTileStale(), 0);
        const qint64 service = childNamed(controller.process().processId(), "opswall-feedservice");
        QVERIFY(service > 0);
        QVERIFY(::kill(pid_t(service), SIGKILL) == 0);
        const QByteArray liveStatus = statusOf("live-new-enterprises");
        QTRY_VERIFY_WITH_TIMEOUT(rows(controllerDb, liveStatus).value(0).startsWith("4|"), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(rows(nodeDb, liveStatus), rows(controllerDb, liveStatus), 20000);
        QTRY_COMPARE_WITH_TIMEOUT(liveTileStale(), 1, 20000);
    }
};

QTEST_MAIN(TestNodesFeeds)
#include "tst_nodes_feeds.moc"
