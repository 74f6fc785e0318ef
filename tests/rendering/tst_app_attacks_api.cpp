// Attacks on the control API and its sessions, replayed against the real opswall process
// (issue 11, the API/session half; tests/rendering/appundertest.h). Each slot is one attack seen
// from outside on loopback, as an intruder with no token or with a viewer's token would try it,
// and shows it refused or harmless. Here, what must never leak:
//   - credentials in a video URI never leave: API answers, events, the line protocol, metrics
//     and the log all carry "user:***@"; unauthenticated health says only "alive";
//   - duplicate JSON keys ({"role":"viewer","role":"admin"}) are refused with the key named;
//   - ?access_token= works on the WebSocket route only.
// Connections, sessions, audited refusals and rate limits: tst_app_attacks_sessions.cpp (the same
// test and wall, tst_app_attacks_api.h). The store/pipeline/audit-chain half of the issue is
// tested elsewhere.
#include "tst_app_attacks_api.h"

#include <QProcess>

using namespace opswall;
using namespace attacks;
using apptest::ApiResponse;

namespace {

constexpr char kPassword[] = "Hunter2Secret";
const QString kSecretUri = QStringLiteral("rtsp://cam-user:Hunter2Secret@127.0.0.1:9/live");
const QString kSecretUriDirect = QStringLiteral("rtsp://cam-user:Hunter2Secret@127.0.0.1:9/direct");

} // namespace

void TestAppAttacksApi::initTestCase() {
    m_app.captureLog = true;
    m_app.extraConfig = QStringLiteral(R"("maxConnections": %1, "maxConnectionsPerAddress": %2,
            "maxSessionsPerToken": %3, "wsIdleTimeoutMs": %4, "ratePerSecond": %5,
            "auditRefusalWindowMs": %8, "line": {"maxOutputBytes": %6, "stallTimeoutMs": %7})")
                            .arg(kMaxConnections)
                            .arg(kPerAddress)
                            .arg(kSessionsPerToken)
                            .arg(kWsIdleMs)
                            .arg(kRatePerSecond)
                            .arg(kLineMaxOutput)
                            .arg(kLineStallMs)
                            .arg(kAuditWindowMs);
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
}

void TestAppAttacksApi::cleanupTestCase() {
    QVERIFY(m_app.stop());
}

// Polls the detailed health (as the admin, at a pace well inside the rate limit) until a client
// count is at most `atMost`.
bool TestAppAttacksApi::waitForHealth(const QString &key, int atMost, int timeoutMs) {
    QElapsedTimer t;
    t.start();
    auto admin = m_app.client(m_app.admin);
    while (t.elapsed() < timeoutMs) {
        const QJsonObject h = jsonOf(admin.request("GET", QStringLiteral("/health")).body);
        if (h.contains(key) && h.value(key).toInt() <= atMost)
            return true;
        QTest::qWait(200);
    }
    return false;
}

QString TestAppAttacksApi::makeToken(const QString &name, const char *role) {
    const ApiResponse r =
        m_app.api("POST", QStringLiteral("/tokens"),
                  {{QStringLiteral("name"), name}, {QStringLiteral("role"), QLatin1String(role)}});
    return r.status == 201 ? jsonOf(r.body).value(QStringLiteral("token")).toString() : QString();
}

void TestAppAttacksApi::healthSaysOnlyThatTheProcessIsAlive() {
    const ApiResponse anyone = m_app.client({}).request("GET", QStringLiteral("/health"));
    QCOMPARE(anyone.status, 200);
    QCOMPARE(jsonOf(anyone.body), QJsonObject({{QStringLiteral("status"), QStringLiteral("ok")}}));
    const ApiResponse viewer =
        m_app.client(m_app.tokens[Role::Viewer]).request("GET", QStringLiteral("/health"));
    QCOMPARE(viewer.status, 200);
    QVERIFY(jsonOf(viewer.body).value(QStringLiteral("memoryRssBytes")).toDouble() > 1e6);
    QVERIFY(jsonOf(viewer.body).contains(QStringLiteral("streams")));
    const ApiResponse forged = m_app.client(QStringLiteral("owt_000000000000_forged"))
                                   .request("GET", QStringLiteral("/health"));
    QCOMPARE(forged.status, 401);
}

void TestAppAttacksApi::credentialsNeverLeaveTheWall() {
    const QString viewer = m_app.tokens[Role::Viewer];
    auto op = m_app.client(m_app.tokens[Role::Operator]);
    EventClient ws(m_app.port, viewer);
    QTRY_VERIFY_WITH_TIMEOUT(ws.hello, 5000);
    QTcpSocket line;
    QVERIFY(connectLine(line, m_app.port + 1));
    QVERIFY(lineCommand(line, "LOGIN " + viewer.toLatin1()).startsWith("OK LOGIN"));

    // A camera with credentials in its URI, shown by one tile; a second tile names a URI itself.
    ApiResponse r = op.request("POST", QStringLiteral("/sources"),
                               {{QStringLiteral("source"),
                                 QJsonObject{{QStringLiteral("id"), QStringLiteral("secret-cam")},
                                             {QStringLiteral("kind"), QStringLiteral("rtsp")},
                                             {QStringLiteral("uri"), kSecretUri}}}});
    QVERIFY2(r.status == 201, r.body.constData());
    QVERIFY2(!r.body.contains(kPassword), r.body.constData());
    r = op.request("POST", QStringLiteral("/tiles"),
                   {{QStringLiteral("kind"), QStringLiteral("video")},
                    {QStringLiteral("source"), QStringLiteral("secret-cam")},
                    {QStringLiteral("x"), 0},
                    {QStringLiteral("y"), 0},
                    {QStringLiteral("width"), 800},
                    {QStringLiteral("height"), 450}});
    QVERIFY2(r.status == 201, r.body.constData());
    const QString bySource = jsonOf(r.body).value(QStringLiteral("id")).toString();
    r = op.request(
        "POST", QStringLiteral("/tiles"),
        {{QStringLiteral("kind"), QStringLiteral("video")},
         {QStringLiteral("x"), 900},
         {QStringLiteral("y"), 0},
         {QStringLiteral("width"), 800},
         {QStringLiteral("height"), 450},
         {QStringLiteral("options"), QJsonObject{{QStringLiteral("uri"), kSecretUriDirect}}}});
    QVERIFY2(r.status == 201, r.body.constData());
    const QString byUri = jsonOf(r.body).value(QStringLiteral("id")).toString();

    // Both streams try the camera (nothing listens on port 9) and report their state.
    auto viewerClient = m_app.client(viewer);
    QByteArray health;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            health = viewerClient.request("GET", QStringLiteral("/health")).body;
            return jsonOf(health).value(QStringLiteral("streams")).toArray().size() >= 2;
        }(),
        15000);
    QTRY_VERIFY_WITH_TIMEOUT(ws.all().count("tile.add") >= 2, 5000);
    // The stream's failure is logged with the camera's URI in it, redacted.
    QTRY_VERIFY_WITH_TIMEOUT(m_app.log.contains("rtsp://cam-user:***@127.0.0.1:9/"), 15000);

    // Every answer a viewer can get, the audit an admin reads, events, line STATUS, the log.
    QHash<QString, QByteArray> seen;
    for (const char *path : {"/sources", "/sources/secret-cam", "/tiles", "/wall", "/health",
                             "/metrics", "/feeds", "/status", "/alerts", "/devices"}) {
        const ApiResponse a = viewerClient.request("GET", QLatin1String(path));
        QVERIFY2(a.status == 200, path);
        seen.insert(QLatin1String(path), a.body);
    }
    seen.insert(QStringLiteral("audit (admin)"),
                m_app.api("GET", QStringLiteral("/audit?order=desc&limit=200")).body);
    seen.insert(QStringLiteral("line STATUS"), lineCommand(line, "STATUS"));
    seen.insert(QStringLiteral("events"), ws.all());
    seen.insert(QStringLiteral("log"), m_app.log);
    for (auto it = seen.cbegin(); it != seen.cend(); ++it)
        QVERIFY2(
            !it.value().contains(kPassword),
            qPrintable(it.key() + QStringLiteral(": ") + QString::fromUtf8(it.value().left(3000))));
    // Redacted, not left out: the operator still sees whose camera it is and where.
    QVERIFY2(seen[QStringLiteral("/sources/secret-cam")].contains(
                 "rtsp://cam-user:***@127.0.0.1:9/live"),
             seen[QStringLiteral("/sources/secret-cam")].constData());
    QVERIFY2(seen[QStringLiteral("/tiles")].contains("rtsp://cam-user:***@127.0.0.1:9/direct"),
             seen[QStringLiteral("/tiles")].constData());
    QVERIFY2(seen[QStringLiteral("events")].contains("cam-user:***@"),
             seen[QStringLiteral("events")].constData());
    QVERIFY2(seen[QStringLiteral("audit (admin)")].contains("cam-user:***@"),
             seen[QStringLiteral("audit (admin)")].left(3000).constData());

    // An operator's client reads the source (stars and all), renames it and saves it back: the
    // wall keeps the stored password rather than storing the stars.
    QJsonObject readBack = jsonOf(seen[QStringLiteral("/sources/secret-cam")]);
    readBack.insert(QStringLiteral("name"), QStringLiteral("Camera cổng chính"));
    r = op.request("POST", QStringLiteral("/sources"), {{QStringLiteral("source"), readBack}});
    QVERIFY2(r.status == 201, r.body.constData());
    // The stored source (read by a real sqlite3; the audit row keeps the request as the client
    // sent it, stars and all, since the router no longer rewrites actions).
    QProcess sqlite;
    sqlite.start(QStringLiteral("sqlite3"),
                 {m_app.dir.filePath(QStringLiteral("wall.db")),
                  QStringLiteral("SELECT json FROM video_sources WHERE id = 'secret-cam'")});
    QVERIFY2(sqlite.waitForFinished(10000), "sqlite3 is needed (Debian package sqlite3)");
    const QByteArray stored = sqlite.readAllStandardOutput();
    QVERIFY2(stored.contains("secret-cam"), stored.constData());
    QVERIFY2(!stored.contains("cam-user:***@"), stored.constData());
    QVERIFY(stored.contains("cam-user:Hunter2Secret@"));
    // The audit rows in the database (what a backup copies) keep no password and no token,
    // while the chain still verifies over them.
    sqlite.start(QStringLiteral("sqlite3"),
                 {m_app.dir.filePath(QStringLiteral("wall.db")),
                  QStringLiteral("SELECT action, params, message, result FROM control_audit")});
    QVERIFY(sqlite.waitForFinished(10000));
    const QByteArray auditRows = sqlite.readAllStandardOutput();
    QVERIFY2(auditRows.contains("source.save"), auditRows.left(2000).constData());
    QVERIFY2(!auditRows.contains("Hunter2Secret"), auditRows.left(4000).constData());
    for (const QString &token : std::as_const(m_app.tokens))
        QVERIFY2(!auditRows.contains(token.toUtf8()), "a token in the audit table");
    QVERIFY2(jsonOf(m_app.api("GET", QStringLiteral("/audit/verify")).body)
                 .value(QStringLiteral("ok"))
                 .toBool(),
             "the audit chain does not verify over redacted rows");

    QCOMPARE(op.request("DELETE", QStringLiteral("/tiles/") + bySource).status, 200);
    QCOMPARE(op.request("DELETE", QStringLiteral("/tiles/") + byUri).status, 200);
    QCOMPARE(op.request("DELETE", QStringLiteral("/sources/secret-cam")).status, 200);
}

void TestAppAttacksApi::duplicateJsonKeysAreRefusedWithTheKeyNamed() {
    // Qt's parser keeps the last key: this would have made an admin token.
    auto admin = m_app.client(m_app.admin);
    ApiResponse r = admin.requestRaw("POST", QStringLiteral("/tokens"),
                                     R"({"name":"dup-screen","role":"viewer","role":"admin"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(),
             QStringLiteral("duplicate_key"));
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("role"));
    QVERIFY2(jsonOf(r.body)
                 .value(QStringLiteral("message"))
                 .toString()
                 .contains(QLatin1String("'role'")),
             r.body.constData());
    QVERIFY(!m_app.api("GET", QStringLiteral("/tokens")).body.contains("dup-screen"));
    // Nested in documents: a source, a layout's tile.
    auto op = m_app.client(m_app.tokens[Role::Operator]);
    r = op.requestRaw("POST", QStringLiteral("/sources"),
                      R"({"source":{"id":"dup-cam","kind":"testpattern","kind":"rtsp"}})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(),
             QStringLiteral("source.kind"));
    QCOMPARE(m_app.api("GET", QStringLiteral("/sources/dup-cam")).status, 404);
    r = op.requestRaw("POST", QStringLiteral("/layouts"),
                      R"({"name":"dup","layout":{"tiles":[{"id":"a"},{"id":"b","i\u0064":"c"}]}})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(),
             QStringLiteral("layout.tiles[1].id"));
}

void TestAppAttacksApi::accessTokenInTheUrlOnlyOnTheEventsRoute() {
    const QString viewer = m_app.tokens[Role::Viewer];
    for (const QByteArray &path :
         {QByteArray("/status"), QByteArray("/health"), QByteArray("/tokens")}) {
        const QByteArray raw =
            rawExchange(m_app.port, getRequest(path + "?access_token=" + viewer.toLatin1()), 3000);
        QCOMPARE(statusOf(raw), 400);
        QCOMPARE(bodyOf(raw).value(QStringLiteral("field")).toString(),
                 QStringLiteral("access_token"));
    }
    // Browsers cannot set headers on a WebSocket: there it still works.
    EventClient ws(m_app.port, viewer, /*inQuery=*/true);
    QTRY_VERIFY_WITH_TIMEOUT(ws.hello, 5000);
    ws.socket.close();
}
QTEST_GUILESS_MAIN(TestAppAttacksApi)
