// Contract tests against the real control servers on loopback, in-process, with a fake
// dispatcher: each endpoint x each role as the permission table says; malformed requests, slow
// clients and path tricks get bounded, clear errors; the control lock; the audit chain through
// the API; WebSocket events in order and slow consumers dropped. Line protocol, TLS and wallctl:
// tst_control_clients.cpp.
#include "contract.h"
#include "testhelpers.h"
#include "testserver.h"

#include "control/permissions.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTest>
#include <QWebSocket>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace opswall;
using namespace opswall::control;

namespace {

using contract::kEndpoints;
using contract::kRoles;

// The fake dispatcher knows these ids.
const QHash<QString, QString> kIds{{QStringLiteral("preset"), QStringLiteral("3")},
                                   {QStringLiteral("tile"), QStringLiteral("t1")},
                                   {QStringLiteral("alert"), QStringLiteral("a1")},
                                   {QStringLiteral("device"), QStringLiteral("a1")},
                                   {QStringLiteral("layout"), QStringLiteral("a1")},
                                   {QStringLiteral("code"), QStringLiteral("01")},
                                   {QStringLiteral("source"), QStringLiteral("cam-1")},
                                   {QStringLiteral("index"), QStringLiteral("0")},
                                   {QStringLiteral("presetName"), QStringLiteral("Morning brief")},
                                   {QStringLiteral("briefing"), QStringLiteral("1")},
                                   {QStringLiteral("step"), QStringLiteral("1")}};

} // namespace
class TstControlApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void healthNeedsNoToken();
    void missingOrBadTokenIs401();
    void everyEndpointForEveryRole();
    void tokenCreateIsAdminOnlyAndNeverAudited();
    void presetRecallGoesThroughDispatcherAndAudit();
    void lockRefusesOthersWithReason();
    void malformedRequestsGetClearErrors();
    void pathTricksAreRefused();
    void hugeBodiesAndHeadersAreRefused();
    void slowClientsAreCutOff();
    void rateLimitPerToken();
    void dispatcherThatNeverAnswersGives504();
    void auditTamperDetectedThroughApi();
    void metricsArePrometheusText();
    void openApiIsServed();
    void websocketEventsArriveInOrder();
    void websocketNeedsToken();
    void slowWebSocketClientIsDropped();

private:
    std::unique_ptr<TestServer> m_s;
};

void TstControlApi::initTestCase() {
    m_s = std::make_unique<TestServer>();
    QVERIFY2(m_s->ok, qPrintable(m_s->error));
}

void TstControlApi::healthNeedsNoToken() {
    // Without a token: only that the process is alive, nothing about the wall or its streams.
    auto anyone = m_s->client(Role::Invalid);
    ApiResponse r = anyone.request("GET", QStringLiteral("/health"));
    QCOMPARE(r.status, 200);
    QCOMPARE(jsonOf(r.body), QJsonObject({{QStringLiteral("status"), QStringLiteral("ok")}}));
    // A bad token is refused rather than treated as none.
    ClientSettings bad = anyone.settings();
    bad.token = QStringLiteral("owt_0000_nope");
    QCOMPARE(ApiClient(bad).request("GET", QStringLiteral("/health")).status, 401);
    // A link's token (render node, hot standby) gets no more than anyone.
    for (Role link : {Role::Node, Role::Standby}) {
        r = m_s->client(link).request("GET", QStringLiteral("/health"));
        QCOMPARE(r.status, 200);
        QCOMPARE(jsonOf(r.body), QJsonObject({{QStringLiteral("status"), QStringLiteral("ok")}}));
    }
    // The details for any valid token.
    auto c = m_s->client(Role::Viewer);
    r = c.request("GET", QStringLiteral("/health"));
    QCOMPARE(r.status, 200);
    const QJsonObject h = jsonOf(r.body);
    QCOMPARE(h.value(QStringLiteral("status")).toString(), QStringLiteral("ok"));
    QVERIFY(h.value(QStringLiteral("uptimeSeconds")).toDouble() >= 0);
    QVERIFY(h.value(QStringLiteral("memoryRssBytes")).toDouble() > 1e6);
    QCOMPARE(h.value(QStringLiteral("fps")).toDouble(), 60.0); // from the dispatcher's snapshot
    QCOMPARE(h.value(QStringLiteral("streams")).toArray().size(), qsizetype(1));
}

void TstControlApi::missingOrBadTokenIs401() {
    auto c = m_s->client(Role::Invalid);
    ApiResponse r = c.request("GET", QStringLiteral("/wall"));
    QCOMPARE(r.status, 401);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(),
             QStringLiteral("unauthorized"));
    ClientSettings s = c.settings();
    s.token = QStringLiteral("owt_0000_nope");
    r = ApiClient(s).request("GET", QStringLiteral("/wall"));
    QCOMPARE(r.status, 401);
    QVERIFY(jsonOf(r.body)
                .value(QStringLiteral("message"))
                .toString()
                .contains(QLatin1String("unknown")));
}

void TstControlApi::everyEndpointForEveryRole() {
    int checked = 0;
    for (Role role : kRoles) {
        auto c = m_s->client(role);
        for (const contract::Endpoint &e : kEndpoints) {
            const QString broken = contract::check(c, role, e, kIds);
            QVERIFY2(broken.isEmpty(), qPrintable(broken));
            ++checked;
        }
    }
    QCOMPARE(checked, int(contract::kEndpointCount * std::size(kRoles)));
}

void TstControlApi::tokenCreateIsAdminOnlyAndNeverAudited() {
    auto op = m_s->client(Role::Operator);
    QCOMPARE(op.request("POST", QStringLiteral("/tokens"),
                        {{QStringLiteral("name"), QStringLiteral("x")},
                         {QStringLiteral("role"), QStringLiteral("admin")}})
                 .status,
             403);
    auto admin = m_s->client(Role::Admin);
    ApiResponse r = admin.request("POST", QStringLiteral("/tokens"),
                                  {{QStringLiteral("name"), QStringLiteral("extron-1")},
                                   {QStringLiteral("role"), QStringLiteral("operator")}});
    QCOMPARE(r.status, 201);
    const QString token = jsonOf(r.body).value(QStringLiteral("token")).toString();
    QVERIFY(token.startsWith(QLatin1String("owt_")));
    r = admin.request("POST", QStringLiteral("/tokens"),
                      {{QStringLiteral("name"), QStringLiteral("extron-1")},
                       {QStringLiteral("role"), QStringLiteral("operator")}});
    QCOMPARE(r.status, 409);
    r = admin.request("POST", QStringLiteral("/tokens"),
                      {{QStringLiteral("name"), QStringLiteral("y")},
                       {QStringLiteral("role"), QStringLiteral("emperor")}});
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("role"));
    ClientSettings s = admin.settings();
    s.token = token;
    QCOMPARE(ApiClient(s).request("GET", QStringLiteral("/wall")).status, 200);
    // The audit has the creation but not the secret.
    r = admin.request("GET", QStringLiteral("/audit?action=token.&order=desc&limit=5"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("extron-1"));
    QVERIFY(!r.body.contains(token.toLatin1()));
    QCOMPARE(admin.request("DELETE", QStringLiteral("/tokens/extron-1")).status, 200);
    QCOMPARE(ApiClient(s).request("GET", QStringLiteral("/wall")).status, 401);
}

void TstControlApi::presetRecallGoesThroughDispatcherAndAudit() {
    const std::size_t before = m_s->sink.applied.size();
    auto leader = m_s->client(Role::Leader);
    ApiResponse r = leader.request("POST", QStringLiteral("/presets/3/recall"));
    QCOMPARE(r.status, 200);
    QVERIFY(jsonOf(r.body).value(QStringLiteral("revision")).toInt() > 0);
    QCOMPARE(m_s->sink.applied.size(), before + 1);
    QCOMPARE(m_s->sink.applied.back().type, QStringLiteral("preset.recall"));
    QCOMPARE(m_s->sink.livePreset, QStringLiteral("3"));
    r = leader.request("POST", QStringLiteral("/presets/missing/recall"));
    QCOMPARE(r.status, 404);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("id"));
    // Who, role, action, parameters, result and address are in the audit.
    r = leader.request("GET", QStringLiteral("/audit?action=preset.recall&order=desc&limit=2"));
    QCOMPARE(r.status, 200);
    const QJsonArray rows = jsonOf(r.body).value(QStringLiteral("items")).toArray();
    QCOMPARE(rows.size(), qsizetype(2));
    const QJsonObject failed = rows[0].toObject();
    const QJsonObject done = rows[1].toObject();
    QCOMPARE(failed.value(QStringLiteral("ok")).toBool(), false);
    QCOMPARE(done.value(QStringLiteral("user")).toString(), QStringLiteral("leader-1"));
    QCOMPARE(done.value(QStringLiteral("role")).toString(), QStringLiteral("leader"));
    // The preset's number as the dispatcher takes it (the router emits its actions directly).
    QCOMPARE(done.value(QStringLiteral("params")).toObject().value(QStringLiteral("id")),
             QJsonValue(3));
    QVERIFY(
        done.value(QStringLiteral("remote")).toString().startsWith(QLatin1String("127.0.0.1:")));
    QCOMPARE(done.value(QStringLiteral("via")).toString(), QStringLiteral("api"));
    // Time-range query: nothing in the future.
    const qint64 later = QDateTime::currentMSecsSinceEpoch() + 60'000;
    r = leader.request("GET", QStringLiteral("/audit?from=%1").arg(later));
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("items")).toArray().size(), qsizetype(0));
    r = leader.request("GET", QStringLiteral("/audit?from=yesterday"));
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("from"));
    // The wall's layout at that time: the last layout change and the layout at its revision.
    r = leader.request("GET", QStringLiteral("/audit/layout?at=%1").arg(later));
    QCOMPARE(r.status, 200);
    QVERIFY(jsonOf(r.body)
                .value(QStringLiteral("layout"))
                .toObject()
                .contains(QStringLiteral("revision")));
}

void TstControlApi::lockRefusesOthersWithReason() {
    auto leader = m_s->client(Role::Leader);
    auto op = m_s->client(Role::Operator);
    QCOMPARE(leader
                 .request("POST", QStringLiteral("/lock"),
                          {{QStringLiteral("reason"), QStringLiteral("minister briefing")},
                           {QStringLiteral("ttlSeconds"), 120}})
                 .status,
             200);
    ApiResponse r = op.request("POST", QStringLiteral("/presets/3/recall"));
    QCOMPARE(r.status, 423);
    const QString msg = jsonOf(r.body).value(QStringLiteral("message")).toString();
    QVERIFY2(msg.contains(QLatin1String("leader-1")) && msg.contains(QLatin1String("minister")),
             qPrintable(msg));
    QCOMPARE(leader.request("POST", QStringLiteral("/presets/3/recall")).status, 200);
    QCOMPARE(op.request("DELETE", QStringLiteral("/lock")).status, 423);
    QCOMPARE(jsonOf(op.request("GET", QStringLiteral("/lock")).body)
                 .value(QStringLiteral("holder"))
                 .toString(),
             QStringLiteral("leader-1"));
    QCOMPARE(leader.request("DELETE", QStringLiteral("/lock")).status, 200);
    QCOMPARE(op.request("POST", QStringLiteral("/presets/3/recall")).status, 200);
    // The refusal was audited.
    r = m_s->client(Role::Admin)
            .request("GET", QStringLiteral("/audit?action=preset.recall&order=desc&limit=3"));
    QVERIFY(r.body.contains("\"locked\""));
}

void TstControlApi::malformedRequestsGetClearErrors() {
    auto op = m_s->client(Role::Operator);
    ApiResponse r = op.requestRaw("POST", QStringLiteral("/presets"), "{\"name\":");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(), QStringLiteral("bad_json"));
    r = op.requestRaw("POST", QStringLiteral("/presets"), R"({"name":"a","owner":"me"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(),
             QStringLiteral("unknown_field"));
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("owner"));
    r = op.requestRaw("PATCH", QStringLiteral("/tiles/t1"), R"({"x":"left"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("x"));
    r = op.requestRaw("PUT", QStringLiteral("/presets"), "{}");
    QCOMPARE(r.status, 405);
    // Not HTTP at all: a clear 400, then the connection closes.
    const QByteArray raw = rawExchange(m_s->server->httpPort(), "HELLO THERE\r\n\r\n");
    QCOMPARE(statusOf(raw), 400);
    QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("bad_request"));
}

void TstControlApi::pathTricksAreRefused() {
    for (const char *target : {"/api/v1/../api/v1/health", "/api/v1/%2e%2e/tokens",
                               "/api/v1//tokens", "/api/v1/presets/..", "/api/v1/./wall"}) {
        const QByteArray raw = rawExchange(m_s->server->httpPort(),
                                           QByteArray("GET ") + target +
                                               " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                                               "Authorization: Bearer " +
                                               m_s->tokens[Role::Admin].toLatin1() + "\r\n\r\n");
        QVERIFY2(statusOf(raw) == 400, target);
        QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("bad_path"));
    }
    const QByteArray raw = rawExchange(m_s->server->httpPort(),
                                       "GET /api/v1/presets/" + QByteArray(3000, 'a') +
                                           " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    QCOMPARE(statusOf(raw), 414);
}

void TstControlApi::hugeBodiesAndHeadersAreRefused() {
    const quint16 port = m_s->server->httpPort();
    QByteArray raw = rawExchange(port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\n"
                                       "Content-Type: application/json\r\n"
                                       "Content-Length: 50000000\r\n\r\n{\"name\":\"");
    QCOMPARE(statusOf(raw), 413);
    QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("too_large"));
    raw = rawExchange(port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Junk: " +
                                QByteArray(20000, 'j') + "\r\n\r\n");
    QCOMPARE(statusOf(raw), 431);
    // A real body over the limit, sent in full.
    const QByteArray big = "{\"name\":\"" + QByteArray(300 * 1024, 'n') + "\"}";
    raw = rawExchange(port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                QByteArray::number(big.size()) + "\r\n\r\n" + big);
    QCOMPARE(statusOf(raw), 413);
}

void TstControlApi::slowClientsAreCutOff() {
    const int limitMs = TestServer::defaultConfig().requestTimeoutMs;
    // Headers never finished.
    qint64 closedMs = -1;
    rawExchange(m_s->server->httpPort(), "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", 4000,
                &closedMs);
    QVERIFY2(closedMs >= limitMs - 50 && closedMs < limitMs + 1500,
             qPrintable(QString::number(closedMs)));
    // A body dripped one byte at a time: the deadline is for the whole request.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_s->server->httpPort());
    QVERIFY(s.waitForConnected(2000));
    s.write("POST /api/v1/presets HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n");
    QElapsedTimer t;
    t.start();
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 4000) {
        s.write("x");
        s.waitForBytesWritten(50);
        QTest::qWait(50);
    }
    QVERIFY2(t.elapsed() < limitMs + 1500, qPrintable(QString::number(t.elapsed())));
    QVERIFY(m_s->server->metrics().slowClientsCut.load() >= 2);
    // The server still answers everyone else.
    QCOMPARE(m_s->client(Role::Viewer).request("GET", QStringLiteral("/wall")).status, 200);
}

void TstControlApi::rateLimitPerToken() {
    ServerConfig cfg = TestServer::defaultConfig();
    cfg.rateBurst = 5;
    cfg.ratePerSecond = 0.5;
    TestServer s(cfg);
    QVERIFY2(s.ok, qPrintable(s.error));
    auto viewer = s.client(Role::Viewer);
    for (int i = 0; i < 5; ++i)
        QCOMPARE(viewer.request("GET", QStringLiteral("/wall")).status, 200);
    const ApiResponse r = viewer.request("GET", QStringLiteral("/wall"));
    QCOMPARE(r.status, 429);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(),
             QStringLiteral("rate_limited"));
    // Another token has its own bucket.
    QCOMPARE(s.client(Role::Operator).request("GET", QStringLiteral("/wall")).status, 200);
    QVERIFY(s.server->metrics().rateLimited.load() >= 1);
}

void TstControlApi::dispatcherThatNeverAnswersGives504() {
    m_s->sink.answer = false;
    QElapsedTimer t;
    t.start();
    const ApiResponse r =
        m_s->client(Role::Operator).request("POST", QStringLiteral("/layouts/publish"));
    m_s->sink.answer = true;
    QCOMPARE(r.status, 504);
    QVERIFY(t.elapsed() < TestServer::defaultConfig().actionTimeoutMs + 1500);
}

void TstControlApi::auditTamperDetectedThroughApi() {
    auto admin = m_s->client(Role::Admin);
    QCOMPARE(m_s->client(Role::Operator).request("POST", QStringLiteral("/layouts/publish")).status,
             200);
    ApiResponse r = admin.request("GET", QStringLiteral("/audit/verify"));
    QCOMPARE(r.status, 200);
    QVERIFY2(jsonOf(r.body).value(QStringLiteral("ok")).toBool(), r.body.constData());
    // Someone with the disk rewrites who did it.
    sqlite3 *db = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(m_s->dbPath).constData(), &db), SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "UPDATE control_audit SET user='nobody' WHERE id=(SELECT max(id) FROM "
                          "control_audit WHERE action='layout.publish')",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    sqlite3_close(db);
    r = admin.request("GET", QStringLiteral("/audit/verify"));
    QCOMPARE(r.status, 200);
    const QJsonObject v = jsonOf(r.body);
    QCOMPARE(v.value(QStringLiteral("ok")).toBool(), false);
    QVERIFY(v.value(QStringLiteral("firstBadId")).toInt() > 0);
    QVERIFY(v.value(QStringLiteral("message")).toString().contains(QLatin1String("altered")));
}

void TstControlApi::metricsArePrometheusText() {
    const ApiResponse r = m_s->client(Role::Viewer).request("GET", QStringLiteral("/metrics"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.contains("# TYPE opswall_api_requests_total counter"));
    QVERIFY(r.body.contains("opswall_api_requests_total{class=\"2xx\"} "));
    QVERIFY(r.body.contains("opswall_api_request_duration_seconds_bucket{le=\"+Inf\"} "));
    QVERIFY(r.body.contains("opswall_render_fps 60\n"));
    QVERIFY(r.body.contains("opswall_streams{state=\"Playing\"} 1\n"));
}

void TstControlApi::openApiIsServed() {
    const ApiResponse r =
        m_s->client(Role::Invalid).request("GET", QStringLiteral("/openapi.yaml"));
    QCOMPARE(r.status, 200);
    QVERIFY(r.body.startsWith("openapi: 3"));
    QVERIFY(r.body.contains("/presets/{id}/recall:"));
    QVERIFY(r.body.contains("/events:"));
    // Every endpoint of the contract is documented, with its method, in the served document.
    const QList<QByteArray> lines = r.body.split('\n');
    QSet<QByteArray> inContract; // "get /panels/{id}", as the document writes them
    for (const contract::Endpoint &e : kEndpoints) {
        QByteArray path = QByteArray(e.path).split('?').first();
        for (const char *id :
             {"{preset}", "{tile}", "{alert}", "{device}", "{layout}", "{source}", "{briefing}",
              "contract-matrix", "contract-cam", "contract-panel", "contract-schedule"})
            path.replace(id, "{id}");
        path.replace("/keys/0/", "/keys/{n}/");
        inContract.insert(QByteArray(e.method).toLower() + ' ' + path);
        const qsizetype at = lines.indexOf("  " + path + ':');
        QVERIFY2(at >= 0, path.constData());
        bool method = false;
        for (qsizetype i = at + 1; i < lines.size() && lines[i].startsWith("    "); ++i)
            method = method || lines[i].startsWith("    " + QByteArray(e.method).toLower() + ':');
        QVERIFY2(method, (QByteArray(e.method) + ' ' + path).constData());
    }
    // And the other way: every documented route and method is in the contract's matrix, so a
    // new route cannot go unchecked for some role.
    QByteArray path;
    int documented = 0;
    for (const QByteArray &line : lines) {
        if (line.startsWith("  /") && line.endsWith(':'))
            path = line.mid(2, line.size() - 3);
        else if (!line.startsWith(' ') && !line.isEmpty())
            path.clear(); // a top-level key after paths:
        for (const char *m : {"get", "post", "put", "patch", "delete"})
            if (!path.isEmpty() && line == "    " + QByteArray(m) + ':') {
                QVERIFY2(inContract.contains(QByteArray(m) + ' ' + path),
                         (QByteArray(m) + ' ' + path + " is not in tests/control/contract.h")
                             .constData());
                ++documented;
            }
    }
    QCOMPARE(documented, int(inContract.size()));
}

namespace {
struct WsClient {
    QWebSocket ws;
    QList<QJsonObject> got;
    explicit WsClient(const QString &url, const QString &token) {
        QObject::connect(&ws, &QWebSocket::textMessageReceived,
                         [this](const QString &m) { got.append(jsonOf(m.toUtf8())); });
        QNetworkRequest req{QUrl(url)};
        if (!token.isEmpty())
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        ws.open(req);
    }
};
QString wsUrl(const TestServer &s) {
    return QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(s.server->httpPort());
}
} // namespace

void TstControlApi::websocketEventsArriveInOrder() {
    std::vector<std::unique_ptr<WsClient>> clients;
    for (Role r : {Role::Viewer, Role::Leader, Role::Technician})
        clients.push_back(std::make_unique<WsClient>(wsUrl(*m_s), m_s->tokens[r]));
    for (auto &c : clients)
        QTRY_COMPARE_WITH_TIMEOUT(c->got.size(), qsizetype(1), 3000); // hello
    QCOMPARE(clients[1]->got.front().value(QStringLiteral("role")).toString(),
             QStringLiteral("leader"));
    const int n = 1000; // one burst, faster than the io thread writes: nobody may be dropped
    for (int i = 0; i < n; ++i)
        m_s->service->publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("test")},
                                          {QStringLiteral("n"), i}});
    for (auto &c : clients) {
        QTRY_COMPARE_WITH_TIMEOUT(c->got.size(), qsizetype(n + 1), 8000);
        double lastSeq = 0;
        for (int i = 0; i < n; ++i) {
            const QJsonObject e = c->got[i + 1];
            QCOMPARE(e.value(QStringLiteral("n")).toInt(), i);
            QVERIFY(e.value(QStringLiteral("seq")).toDouble() > lastSeq);
            lastSeq = e.value(QStringLiteral("seq")).toDouble();
        }
    }
    QCOMPARE(m_s->server->metrics().wsClientsDropped.load(), std::uint64_t(0));
    // An action through the API shows up as an event too.
    QCOMPARE(
        m_s->client(Role::Operator).request("POST", QStringLiteral("/presets/3/recall")).status,
        200);
    QTRY_VERIFY_WITH_TIMEOUT(clients[0]->got.size() > n + 1, 3000);
    QCOMPARE(clients[0]->got.back().value(QStringLiteral("type")).toString(),
             QStringLiteral("preset.recall"));
}

void TstControlApi::websocketNeedsToken() {
    // No token, or a link's token (render node, hot standby): no events.watch, no stream.
    for (const QString &token :
         {QString(), m_s->tokens.at(Role::Node), m_s->tokens.at(Role::Standby)}) {
        WsClient c(wsUrl(*m_s), token);
        QSignalSpy closed(&c.ws, &QWebSocket::disconnected);
        QTRY_VERIFY_WITH_TIMEOUT(
            closed.size() > 0 || c.ws.state() == QAbstractSocket::UnconnectedState, 3000);
        QCOMPARE(c.got.size(), qsizetype(0));
    }
    // A person's token gets the stream (the same client, so the refusals above are the role's).
    WsClient viewer(wsUrl(*m_s), m_s->tokens.at(Role::Viewer));
    QTRY_VERIFY_WITH_TIMEOUT(viewer.got.size() > 0, 3000);
}

void TstControlApi::slowWebSocketClientIsDropped() {
    ServerConfig cfg = TestServer::defaultConfig();
    cfg.wsQueueMax = 32;
    TestServer s(cfg);
    QVERIFY2(s.ok, qPrintable(s.error));
    WsClient good(wsUrl(s), s.tokens[Role::Viewer]);
    QTRY_COMPARE_WITH_TIMEOUT(good.got.size(), qsizetype(1), 3000);

    // A client that handshakes and then never reads, with a tiny receive buffer.
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    int small = 4096;
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    timeval tv{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(s.server->httpPort());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    const QByteArray hs = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                          "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer " +
                          s.tokens[Role::Viewer].toLatin1() + "\r\n\r\n";
    QCOMPARE(::send(fd, hs.constData(), std::size_t(hs.size()), 0), ssize_t(hs.size()));
    char buf[512] = {};
    const ssize_t got = ::recv(fd, buf, sizeof buf - 1, 0);
    QVERIFY(got > 0);
    QVERIFY2(QByteArray(buf).startsWith("HTTP/1.1 101"), buf);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().wsClients.load(), std::int64_t(2), 2000);

    const QByteArray pad(4096, 'p');
    // Publish until the stalled client overflows its queue (once the kernel's socket buffers
    // are full), at most 64 MiB; the good client must get every event meanwhile.
    int n = 0;
    while (n < 16'000 && s.server->metrics().wsClientsDropped.load() == 0) {
        s.service->publish(QJsonObject{{QStringLiteral("n"), n},
                                       {QStringLiteral("pad"), QString::fromLatin1(pad)}});
        ++n;
        if (n % 20 == 0) { // let the good client keep up
            QElapsedTimer t;
            t.start();
            while (good.got.size() < n + 1 && t.elapsed() < 3000)
                QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            QCOMPARE(good.got.size(), qsizetype(n + 1));
        }
    }
    QTRY_COMPARE_WITH_TIMEOUT(good.got.size(), qsizetype(n + 1), 5000);
    QCOMPARE(good.got.back().value(QStringLiteral("n")).toInt(), n - 1);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().wsClientsDropped.load(), std::uint64_t(1), 5000);
    QTRY_COMPARE_WITH_TIMEOUT(s.server->metrics().wsClients.load(), std::int64_t(1), 5000);
    QCOMPARE(good.ws.state(), QAbstractSocket::ConnectedState);
    ::close(fd);
}

QTEST_GUILESS_MAIN(TstControlApi)
#include "tst_control_api.moc"
