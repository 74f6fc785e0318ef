// A controller's side effects outside its store once it is fenced, and a standby that cannot run
// its primary's store (issue #20, app/nodes/README.md "Hot standby"), with opswall processes on
// loopback, a real display (opswall-display-sim behind a relay that counts what the controller
// sends it) and an HTTP feed source that counts its requests.
//   - A fenced controller polls no display, sends no command (refused with the fence's reason) and
//     pulls no feed any more (before the fence the display is polled every 200 ms and the feed
//     pulled every 5 s).
//   - A standby whose primary's store has a part its opswall does not know (a later version's
//     component) does not follow it: its health and log say why.
//   - A standby given an admin token instead of one of the role standby is refused before it gets
//     the store or the key files; both logs say which role the link needs.
#include "control/apiclient.h"
#include "nodeprocess.h"
#include "nodes/standbyfence.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

namespace {

QJsonObject json(const ApiResponse &r) {
    return QJsonDocument::fromJson(r.body).object();
}

// An SQL script run by the sqlite3 shell on a file no process has open: its error, or "".
QString execute(const QString &path, const QString &script) {
    QProcess shell;
    shell.start(QStringLiteral("sqlite3"), {path, script});
    if (!shell.waitForFinished(10000) || shell.exitCode() != 0)
        return QStringLiteral("sqlite3: ") + QString::fromUtf8(shell.readAllStandardError());
    return {};
}

} // namespace

class TestNodesFence : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    nodetest::Process m_primary{QStringLiteral("primary")};
    nodetest::Process m_standby{QStringLiteral("standby")};
    QProcess m_display;       // opswall-display-sim, an MDC panel
    QTcpServer m_relay;       // what the controller connects to, passed on to the panel
    qint64 m_sentToPanel = 0; // bytes the controller sent the panel
    int m_connections = 0;
    QTcpServer m_feedServer; // an HTTP feed source the controller pulls every 5 s
    int m_feedRequests = 0;
    quint16 m_api = 0, m_link = 0, m_node = 0;
    QString m_admin;
    QString m_standbyToken; // of the role standby: the link's own
    QStringList m_args;

    ApiResponse api(const QByteArray &method, const QString &path, const QJsonObject &body = {},
                    quint16 port = 0) {
        ClientSettings s;
        s.baseUrl = QStringLiteral("http://127.0.0.1:%1").arg(port ? port : m_api);
        s.token = m_admin;
        s.timeoutMs = 10000;
        return ApiClient(s).request(method, path, body);
    }
    // A token of ROLE made over the API, written to a file: the file's path ("" on failure).
    QString tokenFile(const QString &name, const QString &tokenRole, QString *token = nullptr) {
        const ApiResponse r =
            api("POST", QStringLiteral("/tokens"), {{"name", name}, {"role", tokenRole}});
        const QString text = json(r)["token"].toString();
        const QString path = m_dir.filePath(name + QStringLiteral("-token"));
        QFile f(path);
        if (r.status != 201 || text.isEmpty() || !f.open(QIODevice::WriteOnly)) {
            qWarning("token %s: HTTP %d %s", qPrintable(name), r.status, r.body.constData());
            return {};
        }
        f.write(text.toUtf8());
        if (token)
            *token = text;
        return path;
    }
    // Starts the standby on the primary's link with the token in FILE; false without free ports.
    bool startStandby(const QString &file) {
        const quint16 standbyApi = nodetest::freePortPair();
        const quint16 node = nodetest::freePort();
        if (!standbyApi || !node)
            return false;
        m_standbyApi = standbyApi;
        m_standby.start({QStringLiteral("--role"), QStringLiteral("standby"),
                         QStringLiteral("--primary"), QStringLiteral("127.0.0.1:%1").arg(m_link),
                         QStringLiteral("--node-listen"), QStringLiteral("127.0.0.1:%1").arg(node),
                         QStringLiteral("--api"), QStringLiteral("127.0.0.1:%1").arg(standbyApi),
                         QStringLiteral("--token-file"), file, QStringLiteral("--db"),
                         m_dir.filePath(QStringLiteral("standby/standby.db")),
                         QStringLiteral("--lang"), QStringLiteral("en"),
                         QStringLiteral("-platform"), QStringLiteral("offscreen")});
        return true;
    }
    quint16 m_standbyApi = 0;
    // Nothing of the primary's store was taken, and its keys were not written.
    static void verifyNothingTaken(const QTemporaryDir &dir) {
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("standby/standby.db"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("standby/keys/audit.key"))));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("standby/keys/secrets.key"))));
    }
    QString role(quint16 port = 0) {
        return json(api("GET", QStringLiteral("/health"), {}, port))["controller"]
            .toObject()["role"]
            .toString();
    }

    // Starts the panel and the relay in front of it; the relay's port.
    quint16 startDisplay() {
        m_display.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        m_display.start(QStringLiteral(OPSWALL_DISPLAY_SIM),
                        {QStringLiteral("--protocol"), QStringLiteral("mdc"),
                         QStringLiteral("--tcp"), QStringLiteral("0"), QStringLiteral("--ids"),
                         QStringLiteral("1")});
        QByteArray said;
        QElapsedTimer t;
        t.start();
        while (!said.contains('\n') && t.elapsed() < 10000 && m_display.waitForReadyRead(500))
            said += m_display.readAllStandardOutput();
        const qsizetype at = said.indexOf("ready tcp 127.0.0.1:");
        const quint16 panel =
            at < 0 ? 0 : quint16(said.mid(at + 20).trimmed().split('\n').value(0).toUInt());
        if (!panel || !m_relay.listen(QHostAddress::LocalHost, 0)) // the test's own listener
            return 0;
        connect(&m_relay, &QTcpServer::newConnection, this, [this, panel] {
            while (QTcpSocket *in = m_relay.nextPendingConnection()) {
                ++m_connections;
                auto *out = new QTcpSocket(in);
                out->connectToHost(QHostAddress::LocalHost, panel);
                connect(in, &QTcpSocket::readyRead, out, [this, in, out] {
                    const QByteArray b = in->readAll();
                    m_sentToPanel += b.size();
                    out->write(b);
                });
                connect(out, &QTcpSocket::readyRead, in, [in, out] { in->write(out->readAll()); });
                connect(in, &QTcpSocket::disconnected, in, &QObject::deleteLater);
                connect(out, &QTcpSocket::disconnected, in, [in] { in->disconnectFromHost(); });
            }
        });
        return m_relay.serverPort();
    }

    // A feed source: every request is counted and answered with one CSV value.
    quint16 startFeedServer() {
        if (!m_feedServer.listen(QHostAddress::LocalHost, 0)) // the test's own listener
            return 0;
        connect(&m_feedServer, &QTcpServer::newConnection, this, [this] {
            while (QTcpSocket *s = m_feedServer.nextPendingConnection()) {
                connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
                connect(s, &QTcpSocket::readyRead, s, [this, s] {
                    if (!s->peek(8192).contains("\r\n\r\n"))
                        return;
                    s->readAll();
                    ++m_feedRequests;
                    const QByteArray csv = "period,indicator,value,unit\n2026-11,FENCE_PROBE,1,n\n";
                    s->write("HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: " +
                             QByteArray::number(csv.size()) + "\r\nConnection: close\r\n\r\n" +
                             csv);
                    s->disconnectFromHost();
                });
            }
        });
        return m_feedServer.serverPort();
    }

private Q_SLOTS:
    void initTestCase() {
        if (QStringLiteral(OPSWALL_DISPLAY_SIM).isEmpty())
            QSKIP("built without opswall-display-sim");
        QVERIFY(m_dir.isValid());
        m_api = nodetest::freePortPair();
        m_link = nodetest::freePort();
        m_node = nodetest::freePort();
        QVERIFY(m_api && m_link && m_node);
        const quint16 display = startDisplay();
        QVERIFY2(display, "opswall-display-sim or the relay did not start");
        const quint16 feeds = startFeedServer();
        QVERIFY(feeds);
        const QString adminFile = m_dir.filePath(QStringLiteral("admin-token"));
        const QString db = m_dir.filePath(QStringLiteral("primary.db"));
        m_args = QStringLiteral("--role controller --node-listen 127.0.0.1:%1 --standby-listen "
                                "127.0.0.1:%2 --api 127.0.0.1:%3 --lang en -platform offscreen")
                     .arg(m_node)
                     .arg(m_link)
                     .arg(m_api)
                     .split(u' ');
        m_args << QStringLiteral("--wall") << QStringLiteral(NODES_WALL) << QStringLiteral("--db")
               << db << QStringLiteral("--admin-token-file") << adminFile;
        // A first start makes the store's tables; then display L is bound to the panel (through
        // the relay), and the store gets a part of a later opswall version.
        m_primary.start(m_args);
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(adminFile), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(m_primary.log.contains("a standby controller connects on"), 30000);
        m_primary.kill();
        QFile f(adminFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        m_admin = QString::fromUtf8(f.readAll()).trimmed();
        const QByteArray devices =
            QJsonDocument(
                QJsonObject{
                    {"kind", "opswall.devices"},
                    {"schemaVersion", 1},
                    {"pollIntervalMs", 200},
                    {"unreachableAfterMisses", 2},
                    {"displays",
                     QJsonObject{
                         {"L", QJsonObject{{"protocol", "mdc"},
                                           {"tcp", QStringLiteral("127.0.0.1:%1").arg(display)},
                                           {"id", 1}}}}}})
                .toJson(QJsonDocument::Compact);
        const QByteArray feed =
            QJsonDocument(
                QJsonObject{{"id", "fence-probe"},
                            {"name", "pulled every 5 s"},
                            {"url", QStringLiteral("http://127.0.0.1:%1/values.csv").arg(feeds)},
                            {"format", "csv"},
                            {"mapping", QJsonObject{{"timeField", "period"},
                                                    {"indicatorField", "indicator"},
                                                    {"valueField", "value"},
                                                    {"unitField", "unit"}}},
                            {"intervalSecs", 5},
                            {"timeoutMs", 2000},
                            {"maxBytes", 65536}})
                .toJson(QJsonDocument::Compact);
        const QString error = execute(
            db, QStringLiteral("INSERT OR REPLACE INTO device_config (id, document, updated_at) "
                               "VALUES (1, '%1', '2026-12-03T00:00:00Z'); INSERT INTO "
                               "feed_definitions(id, definition, updated_at) VALUES "
                               "('fence-probe', '%2', 0); INSERT INTO schema_versions(component, "
                               "version) VALUES ('later_component', 1);")
                    .arg(QString::fromUtf8(devices), QString::fromUtf8(feed)));
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_primary.start(m_args);
        QTRY_COMPARE_WITH_TIMEOUT(role(), QStringLiteral("primary"), 30000);
    }

    // An admin token is for the API, not for the store and its key files: the link refuses it
    // before the Welcome (which carries the keys), and both sides say which role it needs.
    void standbyLinkRefusesAnAdminToken() {
        const QString admin = tokenFile(QStringLiteral("standby-admin"), QStringLiteral("admin"));
        QVERIFY(!admin.isEmpty());
        QVERIFY(startStandby(admin));
        const QByteArray needed = "the standby link needs a token of the role standby";
        QTRY_VERIFY_WITH_TIMEOUT(m_primary.log.contains(needed), 30000);
        QVERIFY2(m_primary.log.contains("standby link: refused") &&
                     m_primary.log.contains("has the role admin, not standby"),
                 m_primary.log.right(2000).constData());
        QTRY_VERIFY_WITH_TIMEOUT(m_standby.log.contains(needed), 10000);
        QVERIFY2(m_standby.log.contains("not following the primary") &&
                     m_standby.log.contains("refused: token 'standby-admin' has the role admin, "
                                            "not standby"),
                 m_standby.log.right(2000).constData());
        // Its health says so too, for whoever looks there rather than in the log.
        const QString refusal =
            json(api("GET", QStringLiteral("/health"), {}, m_standbyApi))["controller"]
                .toObject()["replica"]
                .toObject()["refusal"]
                .toString();
        QVERIFY2(refusal.contains(QString::fromLatin1(needed)), qPrintable(refusal));
        QVERIFY(!m_primary.log.contains("sending the store"));
        QVERIFY(!m_primary.log.contains("standby link: standby '"));
        verifyNothingTaken(m_dir);
        m_standby.kill();
    }

    // The standby's opswall does not know a part of the primary's store: it does not follow it
    // (it could not run it after a takeover), and says so.
    void standbyRefusesAStoreItCannotRun() {
        const QString file =
            tokenFile(QStringLiteral("standby"), QStringLiteral("standby"), &m_standbyToken);
        QVERIFY(!file.isEmpty());
        QVERIFY(startStandby(file));
        const quint16 standbyApi = m_standbyApi;
        QString refusal;
        QTRY_VERIFY_WITH_TIMEOUT(
            !(refusal = json(api("GET", QStringLiteral("/health"), {}, standbyApi))["controller"]
                            .toObject()["replica"]
                            .toObject()["refusal"]
                            .toString())
                 .isEmpty(),
            30000);
        QVERIFY2(refusal.contains(QLatin1String("later_component 1 (unknown here)")),
                 qPrintable(refusal));
        QVERIFY(m_standby.log.contains("not following the primary"));
        // The primary refused it too, before taking a snapshot for it.
        QVERIFY(m_primary.log.contains("standby link: refused"));
        QVERIFY(!m_primary.log.contains("sending the store"));
        QVERIFY(!json(api("GET", QStringLiteral("/health")))["controller"]
                     .toObject()["standbyLink"]
                     .toObject()["inSync"]
                     .toBool());
        verifyNothingTaken(m_dir);
        m_standby.kill();
    }

    // Polled every 200 ms and its feed pulled every 5 s until fenced; after the fence no byte
    // more reaches the panel, a command is refused, and the feed is not pulled again.
    void fencedControllerPollsNoDisplay() {
        QTRY_VERIFY_WITH_TIMEOUT(m_feedRequests >= 2, 20000); // pulled at start, then again
        const qint64 before = m_sentToPanel;
        QTRY_VERIFY_WITH_TIMEOUT(m_sentToPanel > before, 10000);
        const qint64 polled = m_sentToPanel;
        QTest::qWait(1000);
        QVERIFY2(m_sentToPanel > polled, "the display is not polled regularly before the fence");

        // The test is the controller that took over: hello at a higher epoch, as FenceProber does.
        opswall::nodes::standby::FenceProberConfig config;
        config.host = QStringLiteral("127.0.0.1");
        config.port = m_link;
        config.id = QStringLiteral("tst-active");
        config.token = m_standbyToken; // the link's own role, as a standby that took over
        config.epoch = 2;
        opswall::nodes::standby::FenceProber prober(config);
        prober.start();
        QTRY_VERIFY_WITH_TIMEOUT(prober.fencedSeen(), 10000);
        QTRY_COMPARE_WITH_TIMEOUT(role(), QStringLiteral("fenced"), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(
            m_primary.log.contains("fenced: display polling and commands stopped"), 10000);
        QVERIFY(m_primary.log.contains("fenced: the feeds stopped fetching"));
        const qint64 atFence = m_sentToPanel;
        const int connections = m_connections;
        const int pulls = m_feedRequests;
        const ApiResponse command =
            api("POST", QStringLiteral("/devices/L/commands"),
                {{"command", "power"}, {"args", QJsonObject{{"on", false}}}});
        // Refused with the fence's reason, not as if display control had merely stopped.
        QVERIFY2(command.status >= 400, command.body.constData());
        QVERIFY2(command.body.contains("this controller is fenced") &&
                     command.body.contains("tst-active") && !command.body.contains("not running"),
                 command.body.constData());
        QTest::qWait(6000); // thirty poll intervals, more than a feed interval
        QCOMPARE(m_sentToPanel, atFence);
        QCOMPARE(m_connections, connections);
        QCOMPARE(m_feedRequests, pulls);
    }

    void cleanupTestCase() {
        m_primary.kill();
        m_standby.kill();
        m_display.kill();
        m_display.waitForFinished(5000);
    }
};

QTEST_GUILESS_MAIN(TestNodesFence)
#include "tst_nodes_fence.moc"
