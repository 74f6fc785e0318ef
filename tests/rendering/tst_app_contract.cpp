// The control API's promises, checked on the real running wall (tests/rendering/appundertest.h):
// every endpoint for every role as tests/control/contract.h says; malformed, oversized, slow and
// path-trick requests get bounded, clear errors; TLS comes from the API configuration file with
// the certificate checked; a wrong configuration stops the start and says why. What the wall does
// with the calls: tst_app_api.cpp.
#include "appundertest.h"
#include "contract.h"
#include "testcert.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>

using namespace opswall;
using apptest::ApiClient;
using apptest::ApiResponse;
using apptest::freePort;

class TestAppContract : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void configurationErrorsStopTheStartClearly();
    void tlsFromTheConfigurationFile();
    void malformedRequestsGetBoundedClearErrors();
    void slowClientsAreCutOff();
    void everyEndpointForEveryRole();

private:
    apptest::Wall m_app;
};

void TestAppContract::initTestCase() {
    QString why;
    // The matrix sends every endpoint for every role as fast as it can; the per-token rate limit
    // (its own tests live in tst_app_attacks_api) would answer 429 before the matrix is through.
    m_app.extraConfig = QStringLiteral(R"("rateBurst": 100000, "ratePerSecond": 100000)");
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
}

void TestAppContract::configurationErrorsStopTheStartClearly() {
    // Any address but loopback without TLS, and a configuration file with a wrong key: the wall
    // refuses to start and says why, instead of serving tokens in clear text.
    QTemporaryDir other; // its own database and admin token file
    const QString bad = other.filePath(QStringLiteral("bad-api.json"));
    QFile f(bad);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"listen": "127.0.0.1:0", "requestTimeout": 5})");
    f.close();
    const struct {
        QStringList args;
        const char *said;
    } cases[] = {
        {{QStringLiteral("--api"), QStringLiteral("0.0.0.0:0")}, "not loopback"},
        {{QStringLiteral("--api-config"), bad}, "unknown setting 'requestTimeout'"},
        {{QStringLiteral("--api-config"), other.filePath(QStringLiteral("none.json"))},
         "cannot read"},
    };
    for (const auto &c : cases) {
        QProcess p;
        p.start(QStringLiteral(OPSWALL_PATH),
                QStringList{QStringLiteral("--demo"), QStringLiteral("--no-services"),
                            QStringLiteral("--db"), other.filePath(QStringLiteral("other.db")),
                            QStringLiteral("-platform"), QStringLiteral("offscreen")} +
                    c.args);
        QVERIFY(p.waitForFinished(20000));
        const QByteArray said = p.readAllStandardError() + p.readAllStandardOutput();
        QVERIFY2(p.exitCode() != 0, said.constData());
        QVERIFY2(said.contains(c.said), said.constData());
    }
}

void TestAppContract::tlsFromTheConfigurationFile() {
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("api.crt"));
    const QString key = dir.filePath(QStringLiteral("api.key"));
    TESTCERT_MAKE_OR_SKIP(cert, key);
    const QString config = dir.filePath(QStringLiteral("api.json"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(
                QJsonObject{{QStringLiteral("tlsCert"), cert}, {QStringLiteral("tlsKey"), key}})
                .toJson());
    f.close();
    // The port was free when chosen; should something take it before the wall binds it, the wall
    // stops with "Address already in use" and is started again on another port.
    quint16 port = 0;
    QProcess wall;
    wall.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
    QString token;
    QString url;
    auto run = [&](const QStringList &extra) {
        QProcess p;
        p.start(QStringLiteral(WALLCTL_PATH),
                QStringList{QStringLiteral("status"), QStringLiteral("--url"), url,
                            QStringLiteral("--token"), token} +
                    extra);
        p.waitForFinished(20000);
        return p.exitCode();
    };
    for (int attempt = 0; attempt < 3 && token.isEmpty(); ++attempt) {
        port = freePort();
        url = QStringLiteral("https://127.0.0.1:%1").arg(port);
        const QString db = dir.filePath(QStringLiteral("tls-%1.db").arg(attempt));
        wall.start(QStringLiteral(OPSWALL_PATH),
                   {QStringLiteral("--demo"), QStringLiteral("--no-services"),
                    QStringLiteral("--db"), db, QStringLiteral("--api"),
                    QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--api-config"),
                    config, QStringLiteral("--admin-token-file"), tokenFile,
                    QStringLiteral("-platform"), QStringLiteral("offscreen")});
        QVERIFY(wall.waitForStarted(5000));
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile) || wall.state() == QProcess::NotRunning,
                                 20000);
        if (QFile::exists(tokenFile)) {
            QFile t(tokenFile);
            QVERIFY(t.open(QIODevice::ReadOnly));
            token = QString::fromUtf8(t.readAll()).trimmed();
            t.close();
        }
        // The token file is written before the API listens: wait for an answer or an exit.
        QTRY_VERIFY_WITH_TIMEOUT(wall.state() == QProcess::NotRunning ||
                                     run({QStringLiteral("--cacert"), cert}) == 0,
                                 20000);
        if (wall.state() == QProcess::NotRunning) {
            qWarning("opswall exited before its API answered on port %u; another port",
                     unsigned(port));
            token.clear();
            QFile::remove(tokenFile);
        }
    }
    QVERIFY2(!token.isEmpty(), "the wall did not serve TLS on three ports in a row");
    // The certificate is checked: trusted with --cacert, refused without it.
    QCOMPARE(run({QStringLiteral("--cacert"), cert}), 0);
    QCOMPARE(run({}), 3);
    // Plain HTTP to the TLS port gets no answer.
    const QByteArray raw =
        rawExchange(port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
    QCOMPARE(statusOf(raw), 0);
    ::kill(pid_t(wall.processId()), SIGTERM);
    QVERIFY(wall.waitForFinished(10000));
    QCOMPARE(wall.exitCode(), 0);
}

void TestAppContract::malformedRequestsGetBoundedClearErrors() {
    auto op = m_app.client(m_app.tokens[Role::Operator]);
    ApiResponse r = op.requestRaw("POST", QStringLiteral("/presets"), "{\"name\":");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("code")).toString(), QStringLiteral("bad_json"));
    r = op.requestRaw("POST", QStringLiteral("/tiles"),
                      R"({"kind":"clock","x":0,"y":0,"width":1,"height":1,"colour":"red"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("colour"));
    r = op.requestRaw("PATCH", QStringLiteral("/tiles/vc-main"), R"({"x":"left"})");
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body).value(QStringLiteral("field")).toString(), QStringLiteral("x"));
    // A tile of a kind the wall does not know is refused by the dispatcher, field named.
    r = op.requestRaw("POST", QStringLiteral("/tiles"),
                      R"({"kind":"hologram","x":0,"y":0,"width":10,"height":10})");
    QVERIFY2(r.status == 400 || r.status == 422, r.body.constData());
    QVERIFY2(!jsonOf(r.body).value(QStringLiteral("message")).toString().isEmpty(), r.body);
    const QByteArray auth = "Authorization: Bearer " + m_app.admin.toLatin1() + "\r\n";
    for (const char *target : {"/api/v1/../api/v1/tokens", "/api/v1/%2e%2e/tokens",
                               "/api/v1//tokens", "/api/v1/presets/..", "/api/v1/./wall"}) {
        const QByteArray raw = rawExchange(m_app.port, QByteArray("GET ") + target +
                                                           " HTTP/1.1\r\nHost: x\r\nConnection: "
                                                           "close\r\n" +
                                                           auth + "\r\n");
        QVERIFY2(statusOf(raw) == 400, target);
        QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("bad_path"));
    }
    // The body limit from the configuration file (64 KiB), announced and sent.
    QByteArray raw = rawExchange(m_app.port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\n" + auth +
                                                 "Content-Length: 50000000\r\n\r\n{\"name\":\"");
    QCOMPARE(statusOf(raw), 413);
    QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("too_large"));
    const QByteArray big = "{\"name\":\"" + QByteArray(100 * 1024, 'n') + "\"}";
    raw = rawExchange(m_app.port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\n" + auth +
                                      "Content-Length: " + QByteArray::number(big.size()) +
                                      "\r\n\r\n" + big);
    QCOMPARE(statusOf(raw), 413);
    raw = rawExchange(m_app.port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Junk: " +
                                      QByteArray(20000, 'j') + "\r\n\r\n");
    QCOMPARE(statusOf(raw), 431);
    raw = rawExchange(m_app.port, "HELLO THERE\r\n\r\n");
    QCOMPARE(statusOf(raw), 400);
    // Nothing of that reached the wall: it still answers and its audit chain holds.
    QCOMPARE(m_app.api("GET", QStringLiteral("/audit/verify")).status, 200);
}

void TestAppContract::slowClientsAreCutOff() {
    qint64 closedMs = -1;
    rawExchange(m_app.port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n",
                apptest::kRequestTimeoutMs + 3000, &closedMs);
    QVERIFY2(closedMs >= apptest::kRequestTimeoutMs - 50 &&
                 closedMs < apptest::kRequestTimeoutMs + 1500,
             qPrintable(QString::number(closedMs)));
    // Counted for the operators' monitoring.
    const QByteArray metrics = m_app.api("GET", QStringLiteral("/metrics")).body;
    const qsizetype at = metrics.indexOf("\nopswall_api_slow_clients_cut_total ");
    QVERIFY2(at >= 0, metrics.left(3000).constData());
    const QByteArray value = metrics.mid(at + 36, metrics.indexOf('\n', at + 1) - at - 36);
    QVERIFY2(value.toDouble() >= 1, value.constData());
    QCOMPARE(m_app.api("GET", QStringLiteral("/wall")).status, 200);
}

void TestAppContract::everyEndpointForEveryRole() {
    // Real ids of this wall: a demo preset, a live tile, a display.
    QString preset;
    for (const QJsonValue &p : jsonOf(m_app.api("GET", QStringLiteral("/presets")).body)
                                   .value(QStringLiteral("items"))
                                   .toArray())
        if (p[QStringLiteral("name")].toString() == QStringLiteral("Tổng quan kinh tế"))
            preset = QString::number(p[QStringLiteral("id")].toInt());
    QVERIFY(!preset.isEmpty());
    const QJsonArray displays = jsonOf(m_app.api("GET", QStringLiteral("/wall")).body)
                                    .value(QStringLiteral("displays"))
                                    .toArray();
    QVERIFY(!displays.isEmpty());
    const QHash<QString, QString> ids{
        {QStringLiteral("preset"), preset},
        {QStringLiteral("layout"), preset},
        {QStringLiteral("tile"), QStringLiteral("vc-main")},
        {QStringLiteral("alert"), QStringLiteral("1")},
        {QStringLiteral("device"), displays[0][QStringLiteral("id")].toString()},
        {QStringLiteral("code"), QStringLiteral("01")},
        {QStringLiteral("source"), QStringLiteral("demo-vc")},
        {QStringLiteral("index"), QStringLiteral("0")},
        {QStringLiteral("presetName"), QStringLiteral("Tổng quan kinh tế")},
        {QStringLiteral("briefing"), QStringLiteral("1")},
        {QStringLiteral("step"), QStringLiteral("1")}};
    int checked = 0;
    for (Role role : contract::kRoles) {
        ApiClient c = m_app.client(m_app.tokens[role]);
        // Each role starts from the same live layout, so that allowed calls hit real objects.
        QVERIFY(!m_app.recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
        for (const contract::Endpoint &e : contract::kEndpoints) {
            if (QByteArray(e.method) == "DELETE" && QByteArray(e.path).startsWith("/presets/"))
                continue; // checked last: it removes the preset the others use
            const QString broken = contract::check(c, role, e, ids);
            QVERIFY2(broken.isEmpty(), qPrintable(broken));
            ++checked;
        }
    }
    // Deleting a preset: refused to all but operators and admins; the operator's delete is real.
    for (Role role : contract::kRoles) {
        const ApiResponse r = m_app.client(m_app.tokens[role])
                                  .request("DELETE", QStringLiteral("/presets/") + preset);
        const bool may = role == Role::Operator || role == Role::Admin;
        if (role == Role::Admin) // already deleted by the operator
            QCOMPARE(r.status, 404);
        else
            QVERIFY2(r.status == (may ? 200 : 403), r.body.constData());
        ++checked;
    }
    QCOMPARE(checked, int(contract::kEndpointCount * std::size(contract::kRoles)));
    // Every refusal above is in the audit, and the chain still verifies.
    const ApiResponse refusals =
        m_app.api("GET", QStringLiteral("/audit?action=preset.delete&limit=50"));
    QVERIFY2(refusals.body.contains("forbidden"), refusals.body.left(2000).constData());
    QCOMPARE(m_app.wallctl({QStringLiteral("audit"), QStringLiteral("verify")}).exitCode, 0);
}

QTEST_GUILESS_MAIN(TestAppContract)
#include "tst_app_contract.moc"
