// Clients other than HTTP: the line protocol for AV control systems (many clients, roles, lock,
// limits), TLS, and wallctl end to end, against the real servers on loopback in-process.
#include "testcert.h"
#include "testhelpers.h"
#include "testserver.h"

#include <QDir>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <sqlite3.h>

using namespace opswall;
using namespace opswall::control;

class TstControlClients : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void lineProtocolManyClients();
    void lineProtocolRolesLockAndLimits();
    void nonLoopbackWithoutTlsRefusedToStart();
    void tlsServesHttps();
    void wallctlEndToEnd();

private:
    std::unique_ptr<TestServer> m_s;
};

void TstControlClients::initTestCase() {
    m_s = std::make_unique<TestServer>();
    QVERIFY2(m_s->ok, qPrintable(m_s->error));
}

void TstControlClients::lineProtocolManyClients() {
    const quint16 port = m_s->server->linePort();
    std::vector<std::unique_ptr<QTcpSocket>> socks;
    for (int i = 0; i < 20; ++i) {
        socks.push_back(std::make_unique<QTcpSocket>());
        QVERIFY(connectLine(*socks.back(), port));
    }
    QTRY_COMPARE_WITH_TIMEOUT(m_s->server->metrics().lineClients.load(), std::int64_t(20), 3000);
    for (auto &s : socks)
        QVERIFY(lineCommand(*s, "LOGIN " + m_s->tokens[Role::Viewer].toLatin1())
                    .startsWith("OK LOGIN viewer-1 viewer"));
    for (auto &s : socks) {
        const QByteArray st = lineCommand(*s, "STATUS");
        QVERIFY2(st.startsWith("OK STATUS ") && st.contains("locked=0"), st.constData());
    }
    for (auto &s : socks)
        QCOMPARE(lineCommand(*s, "QUIT"), QByteArray("OK BYE"));
    QTRY_COMPARE_WITH_TIMEOUT(m_s->server->metrics().lineClients.load(), std::int64_t(0), 3000);
}

void TstControlClients::lineProtocolRolesLockAndLimits() {
    const quint16 port = m_s->server->linePort();
    QTcpSocket op, viewer, leader;
    QVERIFY(connectLine(op, port) && connectLine(viewer, port) && connectLine(leader, port));
    QCOMPARE(lineCommand(op, "PRESET RECALL 3").left(16), QByteArray("ERR unauthorize"
                                                                     "d"));
    QVERIFY(lineCommand(op, "LOGIN owt_bad_token").startsWith("ERR unauthorized"));
    QVERIFY(lineCommand(op, "LOGIN " + m_s->tokens[Role::Operator].toLatin1()).startsWith("OK"));
    QVERIFY(lineCommand(viewer, "LOGIN " + m_s->tokens[Role::Viewer].toLatin1()).startsWith("OK"));
    QVERIFY(lineCommand(leader, "LOGIN " + m_s->tokens[Role::Leader].toLatin1()).startsWith("OK"));
    QByteArray reply = lineCommand(op, "preset recall 3");
    QVERIFY2(reply.startsWith("OK PRESET "), reply.constData());
    QCOMPARE(m_s->sink.applied.back().type, QStringLiteral("preset.recall"));
    reply = lineCommand(viewer, "PRESET RECALL 3");
    QVERIFY2(reply.startsWith("ERR forbidden "), reply.constData());
    QVERIFY(lineCommand(op, "FLY").startsWith("ERR unknown_command"));
    QVERIFY(lineCommand(op, "TILE MOVE t1 1 x").startsWith("ERR invalid"));
    QVERIFY(lineCommand(op, "PING") == "OK PONG");
    // The control lock applies to the line protocol as well.
    QVERIFY(lineCommand(leader, "LOCK 60 briefing").startsWith("OK LOCK"));
    reply = lineCommand(op, "PRESET RECALL 3");
    QVERIFY2(reply.startsWith("ERR locked ") && reply.contains("leader-1"), reply.constData());
    QVERIFY(lineCommand(leader, "UNLOCK").startsWith("OK UNLOCK"));
    QVERIFY(lineCommand(op, "PRESET RECALL 3").startsWith("OK"));
    // Audited with via=line.
    const ApiResponse r =
        m_s->client(Role::Admin)
            .request("GET", QStringLiteral("/audit?action=lock.&order=desc&limit=1"));
    QVERIFY2(r.body.contains("\"via\":\"line\""), r.body.constData());
    // A link token (a render node's, a standby's: app/nodes) may read nothing here either: STATUS
    // is refused as GET /status is, and so is any action.
    for (const Role link : {Role::Node, Role::Standby}) {
        QTcpSocket node;
        QVERIFY(connectLine(node, port));
        QVERIFY(lineCommand(node, "LOGIN " + m_s->tokens[link].toLatin1()).startsWith("OK LOGIN"));
        reply = lineCommand(node, "STATUS");
        QVERIFY2(reply.startsWith("ERR forbidden ") && reply.contains("state.read"),
                 reply.constData());
        reply = lineCommand(node, "PRESET RECALL 3");
        QVERIFY2(reply.startsWith("ERR forbidden "), reply.constData());
        QCOMPARE(m_s->client(link).request("GET", QStringLiteral("/status")).status, 403);
    }
    // An overlong line: a clear error, then the connection closes.
    reply = lineCommand(op, QByteArray(2000, 'A'));
    QVERIFY2(reply.startsWith("ERR line_too_long"), reply.constData());
    QTRY_COMPARE_WITH_TIMEOUT(op.state(), QAbstractSocket::UnconnectedState, 3000);
}

void TstControlClients::nonLoopbackWithoutTlsRefusedToStart() {
    ServerConfig cfg = TestServer::defaultConfig();
    cfg.host = QStringLiteral("0.0.0.0");
    TestServer s(cfg);
    QVERIFY(!s.ok);
    QVERIFY2(s.error.contains(QLatin1String("TLS")), qPrintable(s.error));
}

void TstControlClients::tlsServesHttps() {
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    TESTCERT_MAKE_OR_SKIP(cert, key);
    ServerConfig cfg = TestServer::defaultConfig();
    cfg.tlsCertFile = cert;
    cfg.tlsKeyFile = key;
    TestServer s(cfg);
    QVERIFY2(s.ok, qPrintable(s.error));
    QVERIFY(s.server->baseUrl().startsWith(QLatin1String("https://")));
    ClientSettings cs;
    cs.baseUrl = s.server->baseUrl();
    cs.token = s.tokens[Role::Viewer];
    cs.caCertFile = cert;
    cs.insecure = true; // self-signed for 127.0.0.1
    ApiClient c(cs);
    QCOMPARE(c.request("GET", QStringLiteral("/wall")).status, 200);
    // Plain HTTP to the TLS port gets nothing useful.
    const QByteArray raw =
        rawExchange(s.server->httpPort(), "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
    QCOMPARE(statusOf(raw), 0);
}

namespace {
struct Run {
    int code = -1;
    QByteArray out, err;
};

Run wallctl(const QStringList &args, const QMap<QString, QString> &env = {}) {
    QProcess p;
    QProcessEnvironment e = QProcessEnvironment::systemEnvironment();
    e.remove(QStringLiteral("WALLCTL_TOKEN"));
    e.remove(QStringLiteral("WALLCTL_URL"));
    e.insert(QStringLiteral("XDG_CONFIG_HOME"), QStringLiteral("/nonexistent-opswall-test"));
    for (auto it = env.begin(); it != env.end(); ++it)
        e.insert(it.key(), it.value());
    p.setProcessEnvironment(e);
    p.start(qEnvironmentVariable("WALLCTL_BIN"), args);
    QElapsedTimer t;
    t.start();
    p.waitForStarted(5000);
    while (p.state() != QProcess::NotRunning && t.elapsed() < 15000) {
        QCoreApplication::processEvents(); // the in-process server's GUI side
        p.waitForFinished(10);
    }
    Run r;
    r.code = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1;
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}
} // namespace

void TstControlClients::wallctlEndToEnd() {
    if (qEnvironmentVariableIsEmpty("WALLCTL_BIN"))
        QSKIP("wallctl is not built in this configuration");
    const QString url = m_s->server->baseUrl();
    const QString op = m_s->tokens[Role::Operator];
    const QString viewer = m_s->tokens[Role::Viewer];
    // Without a token health says only that the wall is alive; the figures need one.
    Run r = wallctl({QStringLiteral("status"), QStringLiteral("--url"), url});
    QVERIFY2(r.code == 0 && !r.out.contains("uptimeSeconds"), r.out.constData());
    r = wallctl({QStringLiteral("status"), QStringLiteral("--url"), url, QStringLiteral("--token"),
                 viewer});
    QVERIFY2(r.code == 0 && r.out.contains("uptimeSeconds"), r.err.constData());
    r = wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("3"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"), op});
    QVERIFY2(r.code == 0, r.err.constData());
    // Token from the environment: a viewer is refused (exit 4).
    r = wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("3"),
                 QStringLiteral("--url"), url},
                {{QStringLiteral("WALLCTL_TOKEN"), viewer}});
    QCOMPARE(r.code, 4);
    QVERIFY(r.err.contains("forbidden"));
    // --token wins over the environment.
    r = wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("3"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"), op},
                {{QStringLiteral("WALLCTL_TOKEN"), viewer}});
    QCOMPARE(r.code, 0);
    // The config file when neither is given.
    QTemporaryDir cfg;
    QDir().mkpath(cfg.filePath(QStringLiteral("opswall")));
    QFile f(cfg.filePath(QStringLiteral("opswall/wallctl.conf")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(("# test\nurl = " + url + "\ntoken = " + op + "\n").toUtf8());
    f.close();
    r = wallctl({QStringLiteral("preset"), QStringLiteral("list"), QStringLiteral("--json")},
                {{QStringLiteral("XDG_CONFIG_HOME"), cfg.path()}});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonOf(r.out).value(QStringLiteral("items")).toArray().size(), qsizetype(1));
    // Options before the command work as after it (wallctl/argorder.h), in both spellings.
    r = wallctl({QStringLiteral("--url"), url, QStringLiteral("--token"), op,
                 QStringLiteral("--json"), QStringLiteral("preset"), QStringLiteral("list")});
    QVERIFY2(r.code == 0, r.err.constData());
    QCOMPARE(jsonOf(r.out).value(QStringLiteral("items")).toArray().size(), qsizetype(1));
    r = wallctl({QStringLiteral("--url=") + url, QStringLiteral("--json"), QStringLiteral("status"),
                 QStringLiteral("--token"), op});
    QVERIFY2(r.code == 0 && jsonOf(r.out).contains(QStringLiteral("uptimeSeconds")), r.out + r.err);
    // Before the command, the command's own options still belong after it; no command is a
    // usage error, not a request.
    QCOMPARE(wallctl({QStringLiteral("--url"), url, QStringLiteral("--json")}).code, 2);
    r = wallctl(
        {QStringLiteral("--frobnicate"), QStringLiteral("status"), QStringLiteral("--url"), url});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("--frobnicate"), r.err.constData());
    // token create prints just the token; it works.
    r = wallctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                 QStringLiteral("technician"), QStringLiteral("--name"), QStringLiteral("ci-tech"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"),
                 m_s->tokens[Role::Admin]});
    QVERIFY2(r.code == 0, r.err.constData());
    const QString tech = QString::fromLatin1(r.out.trimmed());
    QVERIFY(tech.startsWith(QLatin1String("owt_")));
    r = wallctl({QStringLiteral("devices"), QStringLiteral("command"), QStringLiteral("a1"),
                 QStringLiteral("power"), QStringLiteral("on=1"), QStringLiteral("--url"), url,
                 QStringLiteral("--token"), tech});
    QVERIFY2(r.code == 0, r.err.constData());
    // Lock: others get exit 1 with the reason.
    const QString leader = m_s->tokens[Role::Leader];
    // A move written without its options is refused as a usage error, not sent as no change.
    r = wallctl({QStringLiteral("tile"), QStringLiteral("move"), QStringLiteral("t1"),
                 QStringLiteral("10"), QStringLiteral("20"), QStringLiteral("--url"), url,
                 QStringLiteral("--token"), op});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("'10' is not an option"), r.err.constData());
    r = wallctl({QStringLiteral("tile"), QStringLiteral("move"), QStringLiteral("t1"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"), op});
    QCOMPARE(r.code, 2);
    QVERIFY2(r.err.contains("needs at least one of --x"), r.err.constData());
    r = wallctl({QStringLiteral("lock"), QStringLiteral("--reason"), QStringLiteral("drill"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"), leader});
    QVERIFY2(r.code == 0, r.err.constData());
    r = wallctl({QStringLiteral("tile"), QStringLiteral("move"), QStringLiteral("t1"),
                 QStringLiteral("--x"), QStringLiteral("10"), QStringLiteral("--url"), url,
                 QStringLiteral("--token"), op});
    QCOMPARE(r.code, 1);
    QVERIFY(r.err.contains("drill"));
    r = wallctl({QStringLiteral("lock"), QStringLiteral("release"), QStringLiteral("--url"), url,
                 QStringLiteral("--token"), leader});
    QCOMPARE(r.code, 0);
    // Audit verify: the chain is intact (exit 0); after tampering it is not (exit 1).
    const QString admin = m_s->tokens[Role::Admin];
    r = wallctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json"),
                 QStringLiteral("--url"), url, QStringLiteral("--token"), admin});
    QVERIFY2(r.code == 0, r.out.constData());
    QVERIFY(jsonOf(r.out).value(QStringLiteral("ok")).toBool());
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(m_s->dbPath).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db, "DELETE FROM control_audit WHERE id=2", nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    r = wallctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--url"), url,
                 QStringLiteral("--token"), admin});
    QCOMPARE(r.code, 1);
    QVERIFY2(r.out.contains("missing"), r.out.constData());
    // Usage errors, unreachable, help.
    QCOMPARE(wallctl({QStringLiteral("preset"), QStringLiteral("frobnicate")}).code, 2);
    QCOMPARE(wallctl({QStringLiteral("tile"), QStringLiteral("add"), QStringLiteral("--x")}).code,
             2);
    r = wallctl({QStringLiteral("status"), QStringLiteral("--url"),
                 QStringLiteral("http://127.0.0.1:1"), QStringLiteral("--timeout"),
                 QStringLiteral("3")});
    QCOMPARE(r.code, 3);
    r = wallctl({QStringLiteral("preset"), QStringLiteral("--help")});
    QCOMPARE(r.code, 0);
    QVERIFY(r.out.contains("WALLCTL_TOKEN") && r.out.contains("token create --role ROLE"));
    // "wallctl help api" is the same text, and it names every subcommand group.
    const Run topic = wallctl({QStringLiteral("help"), QStringLiteral("api")});
    QCOMPARE(topic.code, 0);
    QCOMPARE(topic.out, r.out);
    for (const char *sub :
         {"status", "preset list", "layout list", "tile list", "set ID KEY=VALUE",
          "province ID CODE", "source list", "add (--file FILE", "feeds", "alert list", "devices",
          "audit query", "layout --at", "token create", "lock"})
        QVERIFY2(r.out.contains(sub), sub);
}

QTEST_GUILESS_MAIN(TstControlClients)
#include "tst_control_clients.moc"
