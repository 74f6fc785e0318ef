// The pure pieces of the API's hardening (issue 11): the one redaction every outward path uses,
// the duplicate-key scan in front of every JSON body, the rate limiter's least-recently-used
// table and address prefixes, and the new configuration keys. The attacks themselves are
// replayed against the real opswall in tests/rendering/tst_app_attacks_api.cpp.
#include "control/ratelimiter.h"
#include "control/router.h"
#include "control/serverconfig.h"
#include "core/jsonstrict.h"
#include "core/redact.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace opswall;
using namespace opswall::control;

class TstControlHardening : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void urisLoseTheirPasswords_data();
    void urisLoseTheirPasswords();
    void jsonLosesSecretsAtAnyDepth();
    void duplicateKeysAreNamed_data();
    void duplicateKeysAreNamed();
    void routerRefusesDuplicateKeys();
    void rateLimiterForgetsTheLeastRecentlyUsed();
    void addressesAreKeyedByPrefix();
    void hardeningSettingsAreConfigurable();
};

void TstControlHardening::urisLoseTheirPasswords_data() {
    QTest::addColumn<QString>("in");
    QTest::addColumn<QString>("out");
    QTest::newRow("rtsp") << "rtsp://cam:pa55w0rd@10.0.0.5:554/live"
                          << "rtsp://cam:***@10.0.0.5:554/live";
    QTest::newRow("user-only") << "rtsp://tok3n@10.0.0.5/live"
                               << "rtsp://***@10.0.0.5/live";
    QTest::newRow("at-in-password") << "rtsp://u:p@ss@h/x"
                                    << "rtsp://u:***@h/x";
    QTest::newRow("no-credentials") << "rtsp://10.0.0.5/live?x=1"
                                    << "rtsp://10.0.0.5/live?x=1";
    QTest::newRow("srt-passphrase") << "srt://10.0.0.9:9000?mode=caller&passphrase=abcdefghij"
                                    << "srt://10.0.0.9:9000?mode=caller&passphrase=***";
    QTest::newRow("query-token") << "https://feeds.example/api?token=s3cr3t&page=2"
                                 << "https://feeds.example/api?token=***&page=2";
    QTest::newRow("in-text") << "could not open rtsp://a:b@h/x (refused); retry rtsp://c:d@h/y"
                             << "could not open rtsp://a:***@h/x (refused); retry rtsp://c:***@h/y";
    QTest::newRow("quoted") << R"(uri="rtsp://a:b@h/x" next)"
                            << R"(uri="rtsp://a:***@h/x" next)";
    QTest::newRow("not-a-uri") << "ratio 3://4 and a@b"
                               << "ratio 3://4 and a@b";
    QTest::newRow("plain") << "Cầu Hà Nội"
                           << "Cầu Hà Nội";
}

void TstControlHardening::urisLoseTheirPasswords() {
    QFETCH(QString, in);
    QFETCH(QString, out);
    QCOMPARE(redactText(in), out);
    QCOMPARE(redactText(out), out); // idempotent
}

void TstControlHardening::jsonLosesSecretsAtAnyDepth() {
    const QJsonObject in{
        {QStringLiteral("id"), QStringLiteral("cam-1")},
        {QStringLiteral("uri"), QStringLiteral("rtsp://u:hunter2@h/x")},
        {QStringLiteral("password"), QStringLiteral("pjlink-pass")},
        {QStringLiteral("passwordSet"), true},
        {QStringLiteral("headers"),
         QJsonObject{{QStringLiteral("Authorization"), QStringLiteral("Bearer abc")},
                     {QStringLiteral("X-Api-Key"), QStringLiteral("k3y")},
                     {QStringLiteral("Accept"), QStringLiteral("text/csv")}}},
        {QStringLiteral("streams"),
         QJsonArray{QJsonObject{{QStringLiteral("id"), QStringLiteral("rtsp://u:hunter2@h/x")}}}}};
    const QJsonObject out = redactJson(in);
    const QByteArray text = QJsonDocument(out).toJson(QJsonDocument::Compact);
    for (const char *secret : {"hunter2", "pjlink-pass", "Bearer abc", "k3y"})
        QVERIFY2(!text.contains(secret), text.constData());
    QCOMPARE(out.value(QStringLiteral("uri")).toString(), QStringLiteral("rtsp://u:***@h/x"));
    QCOMPARE(out.value(QStringLiteral("passwordSet")).toBool(), true); // not a secret itself
    QCOMPARE(out[QStringLiteral("headers")][QStringLiteral("Accept")].toString(),
             QStringLiteral("text/csv"));
    QCOMPARE(out.value(QStringLiteral("id")).toString(), QStringLiteral("cam-1"));
}

void TstControlHardening::duplicateKeysAreNamed_data() {
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("path"); // empty: no duplicate
    QTest::newRow("top") << QByteArray(R"({"role":"viewer","role":"admin"})") << "role";
    QTest::newRow("nested") << QByteArray(R"({"source":{"id":"a","uri":"x","uri":"y"}})")
                            << "source.uri";
    QTest::newRow("escaped") << QByteArray(R"({"name":"a","na\u006de":"b"})") << "name";
    QTest::newRow("in-array") << QByteArray(
                                     R"({"layout":{"tiles":[{"id":"a"},{"id":"b","id":"c"}]}})")
                              << "layout.tiles[1].id";
    QTest::newRow("siblings") << QByteArray(R"([{"a":1},{"a":2}])") << QString();
    QTest::newRow("levels") << QByteArray(R"({"a":{"b":1},"b":{"a":1}})") << QString();
    QTest::newRow("in-string") << QByteArray(R"({"t":"{\"y\":1,\"y\":2}"})") << QString();
    QTest::newRow("value-equals-key") << QByteArray(R"({"a":"a","b":"a"})") << QString();
    QTest::newRow("broken") << QByteArray(R"({"a":1,"a)") << QString();
}

void TstControlHardening::duplicateKeysAreNamed() {
    QFETCH(QByteArray, json);
    QFETCH(QString, path);
    const auto dup = findDuplicateKey(json);
    QCOMPARE(dup ? dup->path : QString(), path);
    if (dup)
        QVERIFY2(dup->message().contains(u'\'' + dup->key + u'\''), qPrintable(dup->message()));
    // Deep nesting is bounded, not recursive.
    QByteArray deep(100000, '[');
    QVERIFY(!findDuplicateKey(deep));
}

void TstControlHardening::routerRefusesDuplicateKeys() {
    // Qt would read this token request as an admin token; the body is refused instead.
    const Route r =
        route("POST", "/api/v1/tokens", R"({"name":"screen","role":"viewer","role":"admin"})");
    QCOMPARE(r.kind, RouteKind::Error);
    QCOMPARE(r.error.status, 400);
    QCOMPARE(r.error.code, QStringLiteral("duplicate_key"));
    QCOMPARE(r.error.field, QStringLiteral("role"));
    const Route s =
        route("POST", "/api/v1/sources",
              R"({"source":{"id":"c","kind":"rtsp","uri":"rtsp://a/b","uri":"rtsp://c/d"}})");
    QCOMPARE(s.error.field, QStringLiteral("source.uri"));
    QString error;
    ServerConfig c;
    QVERIFY(!c.applyJson(R"({"maxConnections":10,"maxConnections":100000})", &error));
    QVERIFY2(error.contains(QLatin1String("maxConnections")), qPrintable(error));
}

void TstControlHardening::rateLimiterForgetsTheLeastRecentlyUsed() {
    RateLimiter rl(2, 0.001, 4);
    QVERIFY(rl.allow("attacker", 0));
    QVERIFY(rl.allow("attacker", 0));
    QVERIFY(!rl.allow("attacker", 0)); // empty
    // Three other keys, then the attacker again (recently used): nobody forgot it.
    for (const char *k : {"a", "b", "c"})
        QVERIFY(rl.allow(k, 1));
    QVERIFY(!rl.allow("attacker", 2));
    // Many new keys evict the least recently used, one at a time, never everyone at once.
    QVERIFY(rl.allow("d", 3));
    QVERIFY(!rl.contains("a"));
    QVERIFY(rl.contains("attacker"));
    QCOMPARE(rl.keyCount(), std::size_t(4));
    QVERIFY(!rl.allow("attacker", 4));
}

void TstControlHardening::addressesAreKeyedByPrefix() {
    QCOMPARE(addressPrefixKey("127.0.0.1"), std::string("ip:127.0.0.0/24"));
    QCOMPARE(addressPrefixKey("127.0.0.199"), std::string("ip:127.0.0.0/24"));
    QCOMPARE(addressPrefixKey("10.1.2.3", 16), std::string("ip:10.1.0.0/16"));
    QCOMPARE(addressPrefixKey("10.1.2.3", 32), std::string("ip:10.1.2.3/32"));
    QCOMPARE(addressPrefixKey("::ffff:192.168.7.9"), std::string("ip:192.168.7.0/24"));
    QCOMPARE(addressPrefixKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"),
             std::string("ip:2001:db8:1:2::/64"));
    QCOMPARE(addressPrefixKey("2001:db8:1:2:ffff::1"), addressPrefixKey("2001:db8:1:2::9"));
    QVERIFY(addressPrefixKey("2001:db8:1:3::1") != addressPrefixKey("2001:db8:1:2::1"));
    QCOMPARE(addressPrefixKey("not an address"), std::string("ip:not an address"));
}

void TstControlHardening::hardeningSettingsAreConfigurable() {
    ServerConfig c;
    QString error;
    QVERIFY2(c.applyJson(R"({"maxConnectionsPerAddress":8,"maxSessionsPerToken":3,
                             "wsIdleTimeoutMs":2000,"rateIpv4PrefixBits":16,
                             "rateIpv6PrefixBits":56,"rateMaxKeys":100,"auditRefusalWindowMs":5000,
                             "line":{"maxOutputBytes":4096,"stallTimeoutMs":500}})",
                         &error),
             qPrintable(error));
    QCOMPARE(c.maxConnectionsPerAddress, 8);
    QCOMPARE(c.maxSessionsPerToken, 3);
    QCOMPARE(c.wsIdleTimeoutMs, 2000);
    QCOMPARE(c.rateIpv4PrefixBits, 16);
    QCOMPARE(c.rateIpv6PrefixBits, 56);
    QCOMPARE(c.rateMaxKeys, std::size_t(100));
    QCOMPARE(c.auditRefusalWindowMs, 5000);
    QCOMPARE(c.lineMaxOutputBytes, std::size_t(4096));
    QCOMPARE(c.lineStallTimeoutMs, 500);
    QVERIFY(c.validate().isEmpty());
    QVERIFY(!c.applyJson(R"({"rateIpv4PrefixBits":40})", &error));
    QVERIFY2(error.contains(QLatin1String("rateIpv4PrefixBits")), qPrintable(error));
    QVERIFY(!c.applyJson(R"({"line":{"maxOutputBytes":"lots"}})", &error));
    QVERIFY2(error.contains(QLatin1String("line.maxOutputBytes")), qPrintable(error));
    QCOMPARE(c.lineMaxOutputBytes, std::size_t(4096)); // nothing applied
}

QTEST_GUILESS_MAIN(TstControlHardening)
#include "tst_control_hardening.moc"
