// Pure pieces of the control layer: permission table, control lock, rate limiter, request
// routing and path checks, line protocol framing and parsing, server configuration.
#include "control/lineprotocol.h"
#include "control/lockstate.h"
#include "control/openapi.h"
#include "control/permissions.h"
#include "control/ratelimiter.h"
#include "control/router.h"
#include "control/serverconfig.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace opswall;
using namespace opswall::control;

class TstControlPolicy : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void permissionTableMatchesRoles();
    void unknownActionsAreDenied();
    void lockRefusesOthersUntilReleaseOrTimeout();
    void lockRulesForRolesAndAdmin();
    void tokenBucketRefillsOverTime();
    void rateLimiterKeepsKeysApartAndBounded();
    void pathTricksAreRefused_data();
    void pathTricksAreRefused();
    void routesMapToActions();
    void bodiesAreValidated_data();
    void bodiesAreValidated();
    void transitionIsRefusedNotDropped();
    void lineFramerSplitsAndBoundsLines();
    void lineCommandsParse();
    void listenAddressesParse();
    void nonLoopbackNeedsTls();
    void configurationFileIsStrict();
};

void TstControlPolicy::permissionTableMatchesRoles() {
    // A few rows of the documented table (README.md "Permissions"), written out independently.
    QVERIFY(roleAllows(Role::Viewer, QStringLiteral("state.read")));
    QVERIFY(!roleAllows(Role::Viewer, QStringLiteral("preset.recall")));
    QVERIFY(roleAllows(Role::Leader, QStringLiteral("preset.recall")));
    QVERIFY(!roleAllows(Role::Leader, QStringLiteral("preset.save")));
    QVERIFY(roleAllows(Role::Operator, QStringLiteral("tile.move")));
    QVERIFY(!roleAllows(Role::Operator, QStringLiteral("device.command")));
    QVERIFY(roleAllows(Role::Technician, QStringLiteral("device.command")));
    QVERIFY(!roleAllows(Role::Technician, QStringLiteral("layout.publish")));
    QVERIFY(roleAllows(Role::Admin, QStringLiteral("token.create")));
    QVERIFY(!roleAllows(Role::Operator, QStringLiteral("token.create")));
    QVERIFY(!roleAllows(Role::Invalid, QStringLiteral("state.read")));
    // Every row names at least one role and has a "<resource>.<verb>" name.
    for (const Permission &p : permissionTable()) {
        QVERIFY2(p.roleMask != 0, p.action);
        QVERIFY2(QByteArray(p.action).count('.') == 1, p.action);
    }
    QCOMPARE(permissionTableJson().size(), qsizetype(permissionTable().size()));
}

void TstControlPolicy::unknownActionsAreDenied() {
    QVERIFY(!roleAllows(Role::Admin, QStringLiteral("wall.selfdestruct")));
    QVERIFY(findPermission(QStringLiteral("")) == nullptr);
}

void TstControlPolicy::lockRefusesOthersUntilReleaseOrTimeout() {
    LockState lock;
    const Caller leader{QStringLiteral("ana"), Role::Leader, QStringLiteral("local"), QString()};
    const Caller op{QStringLiteral("bo"), Role::Operator, QStringLiteral("local"), QString()};
    QVERIFY(!lock.refusal(op, 1000));
    QVERIFY(lock.acquire(leader, 1000, 60'000, QStringLiteral("minister's briefing")).ok);
    QVERIFY(!lock.refusal(leader, 2000)); // the holder keeps working
    const auto refused = lock.refusal(op, 2000);
    QVERIFY(refused);
    QCOMPARE(refused->code, QStringLiteral("locked"));
    QVERIFY2(refused->message.contains(QLatin1String("ana")) &&
                 refused->message.contains(QLatin1String("minister's briefing")),
             qPrintable(refused->message));
    // Someone else cannot take it or release it.
    QCOMPARE(lock.acquire(op, 3000, 60'000, {}).code, QStringLiteral("locked"));
    QCOMPARE(lock.release(op, 3000).code, QStringLiteral("locked"));
    // It times out by itself.
    QVERIFY(!lock.refusal(op, 1000 + 60'000));
    QVERIFY(!lock.current(61'000));
    // Release by the holder.
    QVERIFY(lock.acquire(op, 70'000, 60'000, {}).ok);
    QVERIFY(lock.refusal(leader, 70'001));
    QVERIFY(lock.release(op, 70'002).ok);
    QVERIFY(!lock.refusal(leader, 70'003));
    QCOMPARE(lock.release(op, 70'004).code, QStringLiteral("not_found"));
}

void TstControlPolicy::lockRulesForRolesAndAdmin() {
    LockState lock;
    const Caller viewer{QStringLiteral("v"), Role::Viewer, {}, {}};
    const Caller tech{QStringLiteral("t"), Role::Technician, {}, {}};
    const Caller leader{QStringLiteral("l"), Role::Leader, {}, {}};
    const Caller admin{QStringLiteral("root"), Role::Admin, {}, {}};
    QCOMPARE(lock.acquire(viewer, 0, 1000, {}).code, QStringLiteral("forbidden"));
    QCOMPARE(lock.acquire(tech, 0, 1000, {}).code, QStringLiteral("forbidden"));
    QCOMPARE(lock.acquire(leader, 0, 0, {}).code, QStringLiteral("invalid"));
    QCOMPARE(lock.acquire(leader, 0, LockState::kMaxTtlMs + 1, {}).field,
             QStringLiteral("ttlSeconds"));
    QVERIFY(lock.acquire(leader, 0, 10'000, {}).ok);
    QVERIFY(lock.refusal(admin, 1));    // the lock holds admins back too...
    QVERIFY(lock.release(admin, 2).ok); // ...but an admin may force it open
    QVERIFY(!lock.current(3));
    QVERIFY(lock.toJson(3).value(QStringLiteral("locked")) == false);
}

void TstControlPolicy::tokenBucketRefillsOverTime() {
    TokenBucket b(3, 2); // burst 3, 2 per second
    QVERIFY(b.tryTake(0));
    QVERIFY(b.tryTake(0));
    QVERIFY(b.tryTake(0));
    QVERIFY(!b.tryTake(0));
    QCOMPARE(b.waitMs(0), std::int64_t(500));
    QVERIFY(!b.tryTake(499));
    QVERIFY(b.tryTake(500));
    QVERIFY(!b.tryTake(500));
    QVERIFY(b.available(100'000) <= 3.0); // never above the burst
    TokenBucket c(1, 1);
    QVERIFY(c.tryTake(10'000));
    QVERIFY(!c.tryTake(5'000));
    QVERIFY(!c.tryTake(10'500));
    QVERIFY(c.tryTake(11'000));
}

void TstControlPolicy::rateLimiterKeepsKeysApartAndBounded() {
    RateLimiter rl(2, 1, 8);
    QVERIFY(rl.allow("a", 0));
    QVERIFY(rl.allow("a", 0));
    QVERIFY(!rl.allow("a", 0));
    QVERIFY(rl.allow("b", 0)); // another token is not affected
    QCOMPARE(rl.retryAfterMs("a", 0), std::int64_t(1000));
    for (int i = 0; i < 100; ++i)
        rl.allow("k" + std::to_string(i), 0);
    QVERIFY(rl.keyCount() <= 8);
}

void TstControlPolicy::pathTricksAreRefused_data() {
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<int>("status");
    QTest::newRow("dotdot") << QByteArray("/api/v1/../etc/passwd") << 400;
    QTest::newRow("dotdot-inside") << QByteArray("/api/v1/presets/../tokens") << 400;
    QTest::newRow("dot") << QByteArray("/api/v1/./health") << 400;
    QTest::newRow("encoded-dot") << QByteArray("/api/v1/%2e%2e/tokens") << 400;
    QTest::newRow("encoded-dot-upper") << QByteArray("/api/v1/%2E%2E/tokens") << 400;
    QTest::newRow("encoded-slash") << QByteArray("/api/v1/presets%2f3") << 400;
    QTest::newRow("double-slash") << QByteArray("/api/v1//health") << 400;
    QTest::newRow("backslash") << QByteArray("/api/v1/presets\\3") << 400;
    QTest::newRow("nul") << QByteArray("/api/v1/health\0x", 16) << 400;
    QTest::newRow("utf8") << QByteArray("/api/v1/presets/\xc3\xa9") << 400;
    QTest::newRow("relative") << QByteArray("api/v1/health") << 400;
    QTest::newRow("overlong") << QByteArray("/api/v1/presets/") + QByteArray(2000, 'a') << 414;
    QTest::newRow("outside-api") << QByteArray("/etc/passwd") << 404;
}

void TstControlPolicy::pathTricksAreRefused() {
    QFETCH(QByteArray, target);
    QFETCH(int, status);
    const Route r = route("GET", target, {});
    QCOMPARE(r.kind, RouteKind::Error);
    QCOMPARE(r.error.status, status);
    const QJsonObject e = QJsonDocument::fromJson(r.error.toJson()).object();
    QVERIFY(!e.value(QStringLiteral("code")).toString().isEmpty());
    QVERIFY(!e.value(QStringLiteral("message")).toString().isEmpty());
}

void TstControlPolicy::routesMapToActions() {
    Route r = route("POST", "/api/v1/presets/3/recall", {});
    QCOMPARE(r.kind, RouteKind::Submit);
    QCOMPARE(r.action.type, QStringLiteral("preset.recall"));
    // The router emits the dispatcher's actions as they are applied and audited: a preset's id
    // is a number, a tile change is one tile.update with the rectangle's fields given.
    QCOMPARE(r.action.params.value(QStringLiteral("id")), QJsonValue(3));
    r = route("PATCH", "/api/v1/tiles/t7", R"({"x": 10, "y": 20, "options": {"text": null}})");
    QCOMPARE(r.action.type, QStringLiteral("tile.update"));
    QCOMPARE(r.action.params.value(QStringLiteral("rect")).toObject(),
             (QJsonObject{{QStringLiteral("x"), 10}, {QStringLiteral("y"), 20}}));
    QVERIFY(r.action.params.value(QStringLiteral("options"))[QStringLiteral("text")].isNull());
    QCOMPARE(r.action.params.value(QStringLiteral("id")).toString(), QStringLiteral("t7"));
    QVERIFY(!r.action.params.contains(QStringLiteral("x")));
    r = route(
        "POST", "/api/v1/tiles",
        R"({"kind": "text", "x": 1, "y": 2, "width": 3, "height": 4, "options": {"text": "a"}})");
    QCOMPARE(r.action.type, QStringLiteral("tile.add"));
    QCOMPARE(r.action.params
                 .value(QStringLiteral("tile"))[QStringLiteral("binding")][QStringLiteral("text")]
                 .toString(),
             QStringLiteral("a"));
    QVERIFY(!r.action.params.value(QStringLiteral("tile"))
                 .toObject()
                 .contains(QStringLiteral("id"))); // the dispatcher picks a free one
    r = route("POST", "/api/v1/devices/r1c1/commands",
              R"({"command": "power", "args": {"value": "on"}})");
    QCOMPARE(r.action.type, QStringLiteral("device.command"));
    QCOMPARE(r.action.params.value(QStringLiteral("displays")).toArray(),
             QJsonArray{QStringLiteral("r1c1")});
    QCOMPARE(r.action.params.value(QStringLiteral("value")).toString(), QStringLiteral("on"));
    r = route("POST", "/api/v1/layouts/stage", R"({"layoutId": "4"})");
    QCOMPARE(r.action.params.value(QStringLiteral("id")), QJsonValue(4));
    r = route("POST", "/api/v1/presets/notanumber/recall", {});
    QCOMPARE(r.action.params.value(QStringLiteral("id")).toString(),
             QStringLiteral("notanumber")); // refused by the dispatcher, naming "id"
    r = route("GET", "/api/v1/health", {});
    QCOMPARE(r.kind, RouteKind::Health);
    QVERIFY(!r.needsToken());
    r = route("GET", "/api/v1/presets/", {}); // a trailing slash is tolerated
    QCOMPARE(r.kind, RouteKind::Snapshot);
    QCOMPARE(r.snapshot, QStringLiteral("presets"));
    QVERIFY(r.needsToken());
    r = route("GET", "/api/v1/audit?from=1&to=2", {});
    QCOMPARE(r.controlRead, QStringLiteral("audit.query"));
    QCOMPARE(r.query.queryItemValue(QStringLiteral("to")), QStringLiteral("2"));
    r = route("DELETE", "/api/v1/health", {});
    QCOMPARE(r.error.status, 405);
    r = route("GET", "/api/v1/nothing", {});
    QCOMPARE(r.error.status, 404);
    r = route("GET", "/api/v1/tiles/map-1/provinces/08?lang=en", {});
    QCOMPARE(r.kind, RouteKind::Snapshot);
    QCOMPARE(r.snapshot, QStringLiteral("province:map-1:08:en"));
    QCOMPARE(r.permission, QStringLiteral("state.read"));
    QCOMPARE(route("GET", "/api/v1/tiles/map-1/provinces/0$8", {}).error.status, 400);
    QCOMPARE(statusForCode(QStringLiteral("locked")), 423);
    QCOMPARE(statusForCode(QStringLiteral("forbidden")), 403);
}

void TstControlPolicy::bodiesAreValidated_data() {
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QByteArray>("target");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    QTest::newRow("bad-json") << QByteArray("POST") << QByteArray("/api/v1/presets")
                              << QByteArray("{\"name\": ") << "bad_json"
                              << "";
    QTest::newRow("not-object") << QByteArray("POST") << QByteArray("/api/v1/presets")
                                << QByteArray("[1,2]") << "bad_json"
                                << "";
    QTest::newRow("unknown-field")
        << QByteArray("POST") << QByteArray("/api/v1/presets")
        << QByteArray(R"({"name":"a","colour":"red"})") << "unknown_field"
        << "colour";
    QTest::newRow("missing") << QByteArray("POST") << QByteArray("/api/v1/tiles")
                             << QByteArray(R"({"kind":"kpi","x":1,"y":2,"width":3})")
                             << "missing_field"
                             << "height";
    QTest::newRow("wrong-type") << QByteArray("PATCH") << QByteArray("/api/v1/tiles/t1")
                                << QByteArray(R"({"x":"left"})") << "invalid"
                                << "x";
    QTest::newRow("recall-extra") << QByteArray("POST") << QByteArray("/api/v1/presets/3/recall")
                                  << QByteArray(R"({"id":"4"})") << "unknown_field"
                                  << "id";
    QTest::newRow("bad-id") << QByteArray("GET") << QByteArray("/api/v1/presets/a;b")
                            << QByteArray() << "bad_path"
                            << "";
}

void TstControlPolicy::bodiesAreValidated() {
    QFETCH(QByteArray, method);
    QFETCH(QByteArray, target);
    QFETCH(QByteArray, body);
    QFETCH(QString, code);
    QFETCH(QString, field);
    const Route r = route(method, target, body);
    QCOMPARE(r.kind, RouteKind::Error);
    QCOMPARE(r.error.status, 400);
    QCOMPARE(r.error.code, code);
    QCOMPARE(r.error.field, field);
}

// A recall and a publish are a cut (issue 12: `transition` was advertised and silently dropped):
// the contract has no transition any more, and a client that still sends one is told, by name,
// instead of getting a cut it did not ask for.
void TstControlPolicy::transitionIsRefusedNotDropped() {
    for (const QByteArray &target :
         {QByteArray("/api/v1/presets/3/recall"), QByteArray("/api/v1/layouts/publish")}) {
        const Route plain = route("POST", target, "{}");
        QCOMPARE(plain.kind, RouteKind::Submit);
        const Route r = route("POST", target, R"({"transition":"fade"})");
        QCOMPARE(r.kind, RouteKind::Error);
        QCOMPARE(r.error.status, 400);
        QCOMPARE(r.error.code, QStringLiteral("unknown_field"));
        QCOMPARE(r.error.field, QStringLiteral("transition"));
    }
    // No request or response property of the OpenAPI document is called transition (the word
    // appears only in the descriptions that say there is none).
    const QList<QByteArray> lines = openApiYaml().split('\n');
    QVERIFY(lines.size() > 100);
    for (const QByteArray &line : lines) {
        const QByteArray t = line.trimmed();
        QVERIFY2(!t.startsWith("transition:") && !t.startsWith("- transition") &&
                     !t.contains("{transition:") && !t.contains(" transition: {"),
                 t.constData());
    }
}

void TstControlPolicy::lineFramerSplitsAndBoundsLines() {
    LineFramer f(16);
    QCOMPARE(f.feed("PI"), QList<QByteArray>());
    QCOMPARE(f.feed("NG\r\nSTA"), QList<QByteArray>{"PING"});
    QCOMPARE(f.feed("TUS\n\n"), (QList<QByteArray>{"STATUS", ""}));
    QVERIFY(!f.overflowed());
    f.feed(QByteArray(40, 'x')); // no newline, longer than the bound
    QVERIFY(f.overflowed());
    QCOMPARE(f.feed("PING\n"), QList<QByteArray>());
    LineFramer g(8);
    g.feed("123456789\n");
    QVERIFY(g.overflowed());
}

void TstControlPolicy::lineCommandsParse() {
    LineCommand c = parseLine("preset recall 3");
    QCOMPARE(c.kind, LineCommandKind::Submit);
    QCOMPARE(c.action.type, QStringLiteral("preset.recall"));
    QCOMPARE(c.action.params.value(QStringLiteral("id")), QJsonValue(3));
    c = parseLine("TILE MOVE t1 10 20 300 200");
    QCOMPARE(c.action.type, QStringLiteral("tile.update"));
    QCOMPARE(c.action.params.value(QStringLiteral("rect"))[QStringLiteral("height")].toDouble(),
             200.0);
    QCOMPARE(c.action.params.value(QStringLiteral("id")).toString(), QStringLiteral("t1"));
    c = parseLine("TILE MOVE t1 10 abc");
    QCOMPARE(c.kind, LineCommandKind::Error);
    QCOMPARE(c.errorCode, QStringLiteral("invalid"));
    c = parseLine("LOCK 600 morning briefing");
    QCOMPARE(c.action.type, QStringLiteral("lock.acquire"));
    QCOMPARE(c.action.params.value(QStringLiteral("ttlSeconds")).toDouble(), 600.0);
    QCOMPARE(c.action.params.value(QStringLiteral("reason")).toString(),
             QStringLiteral("morning briefing"));
    c = parseLine("audio unmute demo-vc");
    QCOMPARE(c.action.type, QStringLiteral("audio.set"));
    QCOMPARE(c.action.params.value(QStringLiteral("source")).toString(), QStringLiteral("demo-vc"));
    c = parseLine("AUDIO MUTE");
    QVERIFY(c.action.params.value(QStringLiteral("source")).toString().isEmpty());
    QVERIFY(c.action.params.contains(QStringLiteral("source")));
    QCOMPARE(parseLine("AUDIO VOLUME 0.7").action.params.value(QStringLiteral("volume")).toDouble(),
             0.7);
    QCOMPARE(parseLine("AUDIO VOLUME loud").errorCode, QStringLiteral("usage"));
    QCOMPARE(parseLine("AUDIO UNMUTE").errorCode, QStringLiteral("usage"));
    c = parseLine("LOGIN owt_abc_def");
    QCOMPARE(c.kind, LineCommandKind::Login);
    QCOMPARE(c.token, QStringLiteral("owt_abc_def"));
    QCOMPARE(parseLine("LOGIN").errorCode, QStringLiteral("usage"));
    QCOMPARE(parseLine("FLY ME").errorCode, QStringLiteral("unknown_command"));
    QCOMPARE(parseLine("PRESET RECALL ../x").errorCode, QStringLiteral("invalid"));
    QCOMPARE(parseLine("STATUS\x01").errorCode, QStringLiteral("bad_line"));
    QCOMPARE(parseLine("   ").kind, LineCommandKind::Empty);
    QCOMPARE(lineErr(QStringLiteral("locked"), QStringLiteral("a\r\nb")),
             QByteArray("ERR locked a  b\r\n"));
    QCOMPARE(flatKeyValues(QJsonObject{{QStringLiteral("a"), 1},
                                       {QStringLiteral("b"), QStringLiteral("x y")},
                                       {QStringLiteral("c"), true}}),
             QStringLiteral("a=1 b=\"x y\" c=1"));
}

void TstControlPolicy::listenAddressesParse() {
    QString error;
    auto c = ServerConfig::parseListen(QStringLiteral("127.0.0.1:9000"), &error);
    QVERIFY(c);
    QCOMPARE(c->port, std::uint16_t(9000));
    c = ServerConfig::parseListen(QStringLiteral("[::1]:8470"), &error);
    QVERIFY(c);
    QCOMPARE(c->host, QStringLiteral("::1"));
    QVERIFY(c->isLoopback());
    c = ServerConfig::parseListen(QStringLiteral(":8470"), &error);
    QVERIFY(c && c->isLoopback());
    QVERIFY(!ServerConfig::parseListen(QStringLiteral("8470"), &error));
    QVERIFY(!ServerConfig::parseListen(QStringLiteral("1.2.3.4:99999"), &error));
    QVERIFY(!ServerConfig::parseListen(QStringLiteral("::1:80"), &error));
    QVERIFY(error.contains(QLatin1String("brackets")));
    QVERIFY(!ServerConfig::parseListen(QStringLiteral("wall.example:80"), &error));
}

void TstControlPolicy::nonLoopbackNeedsTls() {
    ServerConfig c;
    QVERIFY(c.validate().isEmpty());
    // The default: loopback only, port 8470.
    QVERIFY(c.isLoopback());
    QCOMPARE(c.host, QStringLiteral("127.0.0.1"));
    QCOMPARE(c.port, std::uint16_t(8470));
    c.host = QStringLiteral("0.0.0.0");
    QVERIFY(c.validate().contains(QLatin1String("TLS")));
    c.tlsCertFile = QStringLiteral("/nonexistent/cert.pem");
    c.tlsKeyFile = QStringLiteral("/nonexistent/key.pem");
    QVERIFY(c.validate().contains(QLatin1String("cannot read")));
    ServerConfig l;
    l.lineEnabled = true;
    l.lineHost = QStringLiteral("192.168.1.10");
    QVERIFY(l.validate().contains(QLatin1String("lineAllowRemotePlaintext")));
    l.lineAllowRemotePlaintext = true;
    QVERIFY(l.validate().isEmpty());
}

void TstControlPolicy::configurationFileIsStrict() {
    ServerConfig c;
    QString error;
    QVERIFY2(c.applyJson(R"({"listen": "0.0.0.0:8443", "tlsCert": "/etc/opswall/api.crt",
                             "tlsKey": "/etc/opswall/api.key", "requestTimeoutMs": 1500,
                             "maxBodyBytes": 65536, "rateBurst": 10, "ratePerSecond": 2,
                             "line": {"enabled": true, "listen": "127.0.0.1:9001"}})",
                         &error),
             qPrintable(error));
    QCOMPARE(c.host, QStringLiteral("0.0.0.0"));
    QCOMPARE(c.port, std::uint16_t(8443));
    QCOMPARE(c.tlsKeyFile, QStringLiteral("/etc/opswall/api.key"));
    QCOMPARE(c.requestTimeoutMs, 1500);
    QCOMPARE(c.maxBodyBytes, std::size_t(65536));
    QCOMPARE(c.rateBurst, 10.0);
    QVERIFY(c.lineEnabled);
    QCOMPARE(c.linePort, std::uint16_t(9001));
    // Wrong files change nothing and name what is wrong.
    const ServerConfig before = c;
    const struct {
        const char *json;
        const char *named;
    } bad[] = {{"[1]", "JSON object"},
               {"{\"listen\": 8443}", "'listen' must be a string"},
               {"{\"listen\": \"nowhere\"}", "'listen'"},
               {"{\"requestTimeoutMs\": 5}", "'requestTimeoutMs' must be between"},
               {"{\"maxBodyBytes\": \"big\"}", "'maxBodyBytes' must be a number"},
               {"{\"tlsCertificate\": \"x\"}", "unknown setting 'tlsCertificate'"},
               {"{\"line\": {\"port\": 1}}", "unknown setting 'line.port'"},
               {"{\"line\": {\"enabled\": \"yes\"}}", "'line.enabled' must be true or false"},
               {"{\"rateBurst\": 5, \"oops\": 1}", "unknown setting 'oops'"},
               {"{not json", "not valid JSON"}};
    for (const auto &b : bad) {
        QVERIFY2(!c.applyJson(b.json, &error), b.json);
        QVERIFY2(error.contains(QLatin1String(b.named)), qPrintable(error));
        QCOMPARE(c.rateBurst, before.rateBurst);
        QCOMPARE(c.port, before.port);
    }
}

QTEST_GUILESS_MAIN(TstControlPolicy)
#include "tst_control_policy.moc"
