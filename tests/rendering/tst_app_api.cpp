// The whole application end to end: the real opswall process (offscreen, demo wall and presets)
// with its control API on loopback, driven over HTTP and WebSocket and by the real wallctl.
// Checks the contract (every endpoint x every role, as tests/control/contract.h says), that API
// actions reach the one dispatcher (preset recall, tile add, move, undo), malformed and slow
// requests get bounded clear errors, events arrive in order, a map tile answers a province query,
// the layout at a past time is rebuilt from the audit and the layout history, a tampered audit
// row is found after a restart, the API configuration file is honoured, and SIGTERM shuts the
// wall down cleanly.
#include "contract.h"
#include "testhelpers.h"

#include "control/apiclient.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcess>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QWebSocket>

#include <csignal>
#include <sqlite3.h>

using namespace opswall;
using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

namespace {

quint16 freePort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

struct Run {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

const int kRequestTimeoutMs = 1500; // from the API configuration file the test gives the app

} // namespace

class TestAppApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void configurationErrorsStopTheStartClearly();
    void tlsFromTheConfigurationFile();
    void presetRecallOverTheApiChangesTheLiveLayout();
    void tileAddMoveUndoGoThroughTheDispatcher();
    void mapTileAnswersAProvinceQuery();
    void videoSourcesAreKeptAndChecked();
    void healthReportsFrameRateAndStreams();
    void layoutAtAPastTimeIsRebuiltFromTheAudit();
    void websocketEventsArriveInOrder();
    void lineProtocolDrivesTheWall();
    void malformedRequestsGetBoundedClearErrors();
    void slowClientsAreCutOff();
    void viewerTokenIsRefusedAndTheAuditChainVerifies();
    void everyEndpointForEveryRole();
    void sigtermShutsTheWallDownCleanly();
    void tamperedAuditRowIsFoundAfterARestart();
    void cleanupTestCase();

private:
    bool startWall(QString *why);
    bool stopWall();
    Run wallctl(const QStringList &args, const QString &token = {});
    ApiClient client(const QString &token) const;
    ApiResponse api(const QByteArray &method, const QString &path, const QJsonObject &body = {});
    static QJsonObject json(const Run &r);
    QStringList liveTileIds();
    QString recallPreset(const QString &name);

    QTemporaryDir m_dir;
    QProcess m_wall;
    quint16 m_port = 0;
    QString m_url;
    QString m_admin;
    QHash<Role, QString> m_tokens;
};

bool TestAppApi::startWall(QString *why) {
    const QString tokenFile = m_dir.filePath(QStringLiteral("admin-token"));
    const QString config = m_dir.filePath(QStringLiteral("api.json"));
    QFile c(config);
    if (!c.open(QIODevice::WriteOnly) ||
        c.write(QStringLiteral(R"({"requestTimeoutMs": %1, "maxBodyBytes": 65536})")
                    .arg(kRequestTimeoutMs)
                    .toUtf8()) < 0) {
        *why = QStringLiteral("cannot write the API configuration");
        return false;
    }
    c.close();
    m_wall.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    m_wall.start(QStringLiteral(OPSWALL_PATH),
                 {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                  m_dir.filePath(QStringLiteral("wall.db")), QStringLiteral("--api"),
                  QStringLiteral("127.0.0.1:%1").arg(m_port), QStringLiteral("--api-config"),
                  config, QStringLiteral("--admin-token-file"), tokenFile, QStringLiteral("--lang"),
                  QStringLiteral("en"), QStringLiteral("-platform"), QStringLiteral("offscreen")});
    if (!m_wall.waitForStarted(5000)) {
        *why = QStringLiteral("opswall did not start");
        return false;
    }
    QElapsedTimer t;
    t.start();
    while (!QFile::exists(tokenFile) && t.elapsed() < 20000)
        QTest::qWait(50);
    QFile f(tokenFile);
    if (!f.open(QIODevice::ReadOnly)) {
        *why = QStringLiteral("no admin token file");
        return false;
    }
    m_admin = QString::fromUtf8(f.readAll()).trimmed();
    // The token file is for this user only.
    if (f.permissions() & (QFile::ReadGroup | QFile::ReadOther)) {
        *why = QStringLiteral("the admin token file is readable by others");
        return false;
    }
    ApiResponse r;
    while (t.elapsed() < 20000) {
        r = api("GET", QStringLiteral("/status"));
        if (r.status == 200)
            return true;
        QTest::qWait(100);
    }
    *why = QStringLiteral("the API did not answer: %1 %2 %3")
               .arg(r.status)
               .arg(QString::fromUtf8(r.body), r.errorText);
    return false;
}

bool TestAppApi::stopWall() {
    ::kill(pid_t(m_wall.processId()), SIGTERM);
    return m_wall.waitForFinished(10000) && m_wall.exitStatus() == QProcess::NormalExit &&
           m_wall.exitCode() == 0;
}

Run TestAppApi::wallctl(const QStringList &args, const QString &token) {
    QProcess p;
    p.start(QStringLiteral(WALLCTL_PATH),
            args + QStringList{QStringLiteral("--url"), m_url, QStringLiteral("--token"),
                               token.isEmpty() ? m_admin : token});
    Run r;
    if (!p.waitForFinished(20000)) {
        p.kill();
        p.waitForFinished();
        return r;
    }
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

ApiClient TestAppApi::client(const QString &token) const {
    ClientSettings s;
    s.baseUrl = m_url;
    s.token = token;
    return ApiClient(s);
}

ApiResponse TestAppApi::api(const QByteArray &method, const QString &path,
                            const QJsonObject &body) {
    return client(m_admin).request(method, path, body);
}

QJsonObject TestAppApi::json(const Run &r) {
    const QJsonDocument d = QJsonDocument::fromJson(r.out);
    return d.isObject() ? d.object() : QJsonObject{{QStringLiteral("items"), d.array()}};
}

QStringList TestAppApi::liveTileIds() {
    QStringList ids;
    const ApiResponse r = api("GET", QStringLiteral("/tiles"));
    for (const QJsonValue &t : jsonOf(r.body).value(QStringLiteral("items")).toArray())
        ids.append(t[QStringLiteral("id")].toString());
    return ids;
}

// Recalls a demo preset by name through wallctl; returns its id ("" when it failed).
QString TestAppApi::recallPreset(const QString &name) {
    const Run list =
        wallctl({QStringLiteral("preset"), QStringLiteral("list"), QStringLiteral("--json")});
    for (const QJsonValue &p : json(list).value(QStringLiteral("items")).toArray())
        if (p[QStringLiteral("name")].toString() == name) {
            const QString id = QString::number(p[QStringLiteral("id")].toInt());
            const Run r = wallctl({QStringLiteral("preset"), QStringLiteral("recall"), id});
            return r.exitCode == 0 ? id : QString();
        }
    return {};
}

void TestAppApi::initTestCase() {
    m_port = freePort();
    QVERIFY(m_port > 0);
    m_url = QStringLiteral("http://127.0.0.1:%1").arg(m_port);
    QString why;
    QVERIFY2(startWall(&why), qPrintable(why));
    // One token per role, made by the admin over the API.
    for (Role role : contract::kRoles) {
        const ApiResponse r =
            api("POST", QStringLiteral("/tokens"),
                {{QStringLiteral("name"), QStringLiteral("e2e-") + roleName(role)},
                 {QStringLiteral("role"), roleName(role)}});
        QVERIFY2(r.status == 201, r.body.constData());
        m_tokens.insert(role, jsonOf(r.body).value(QStringLiteral("token")).toString());
        QVERIFY(m_tokens[role].startsWith(QLatin1String("owt_")));
    }
}

void TestAppApi::configurationErrorsStopTheStartClearly() {
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

void TestAppApi::tlsFromTheConfigurationFile() {
    const QString openssl = QStandardPaths::findExecutable(QStringLiteral("openssl"));
    if (openssl.isEmpty())
        QSKIP("openssl command not found: cannot make a test certificate");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("api.crt"));
    const QString key = dir.filePath(QStringLiteral("api.key"));
    QProcess ssl;
    ssl.start(openssl, {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"),
                        QStringLiteral("ec"), QStringLiteral("-pkeyopt"),
                        QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                        QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert,
                        QStringLiteral("-days"), QStringLiteral("1"), QStringLiteral("-subj"),
                        QStringLiteral("/CN=opswall test"), QStringLiteral("-addext"),
                        QStringLiteral("subjectAltName=IP:127.0.0.1")});
    QVERIFY(ssl.waitForFinished(10000));
    QCOMPARE(ssl.exitCode(), 0);
    const QString config = dir.filePath(QStringLiteral("api.json"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QJsonDocument(
                QJsonObject{{QStringLiteral("tlsCert"), cert}, {QStringLiteral("tlsKey"), key}})
                .toJson());
    f.close();
    const quint16 port = freePort();
    QProcess wall;
    wall.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    const QString tokenFile = dir.filePath(QStringLiteral("admin-token"));
    wall.start(QStringLiteral(OPSWALL_PATH),
               {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                dir.filePath(QStringLiteral("tls.db")), QStringLiteral("--api"),
                QStringLiteral("127.0.0.1:%1").arg(port), QStringLiteral("--api-config"), config,
                QStringLiteral("--admin-token-file"), tokenFile, QStringLiteral("-platform"),
                QStringLiteral("offscreen")});
    QVERIFY(wall.waitForStarted(5000));
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(tokenFile), 20000);
    QFile t(tokenFile);
    QVERIFY(t.open(QIODevice::ReadOnly));
    const QString token = QString::fromUtf8(t.readAll()).trimmed();
    const QString url = QStringLiteral("https://127.0.0.1:%1").arg(port);
    auto run = [&](const QStringList &extra) {
        QProcess p;
        p.start(QStringLiteral(WALLCTL_PATH),
                QStringList{QStringLiteral("status"), QStringLiteral("--url"), url,
                            QStringLiteral("--token"), token} +
                    extra);
        p.waitForFinished(20000);
        return p.exitCode();
    };
    // The certificate is checked: trusted with --cacert, refused without it.
    QTRY_COMPARE_WITH_TIMEOUT(run({QStringLiteral("--cacert"), cert}), 0, 20000);
    QCOMPARE(run({}), 3);
    // Plain HTTP to the TLS port gets no answer.
    const QByteArray raw =
        rawExchange(port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n\r\n", 1500);
    QCOMPARE(statusOf(raw), 0);
    ::kill(pid_t(wall.processId()), SIGTERM);
    QVERIFY(wall.waitForFinished(10000));
    QCOMPARE(wall.exitCode(), 0);
}

void TestAppApi::presetRecallOverTheApiChangesTheLiveLayout() {
    const Run list =
        wallctl({QStringLiteral("preset"), QStringLiteral("list"), QStringLiteral("--json")});
    QCOMPARE(list.exitCode, 0);
    QVERIFY2(json(list).value(QStringLiteral("items")).toArray().size() >= 4, list.out);
    QVERIFY(!recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    QVERIFY2(liveTileIds().contains(QStringLiteral("vc-main")),
             qPrintable(liveTileIds().join(' ')));
    // An unknown preset is a clear failure, not a crash.
    const Run missing =
        wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("999")});
    QVERIFY(missing.exitCode != 0);
}

void TestAppApi::tileAddMoveUndoGoThroughTheDispatcher() {
    const Run add =
        wallctl({QStringLiteral("tile"), QStringLiteral("add"), QStringLiteral("--kind"),
                 QStringLiteral("clock"), QStringLiteral("--x"), QStringLiteral("100"),
                 QStringLiteral("--y"), QStringLiteral("100"), QStringLiteral("--width"),
                 QStringLiteral("800"), QStringLiteral("--height"), QStringLiteral("400"),
                 QStringLiteral("--json")});
    QVERIFY2(add.exitCode == 0, add.out + add.err);
    const QString id = json(add).value(QStringLiteral("id")).toString();
    QVERIFY2(!id.isEmpty(), add.out.constData());
    const Run move = wallctl({QStringLiteral("tile"), QStringLiteral("move"), id,
                              QStringLiteral("--x"), QStringLiteral("300")});
    QVERIFY2(move.exitCode == 0, move.out + move.err);
    auto rectOf = [&](const QString &tileId) {
        const QJsonArray items = json(wallctl({QStringLiteral("tile"), QStringLiteral("list"),
                                               QStringLiteral("--json")}))
                                     .value(QStringLiteral("items"))
                                     .toArray();
        for (const QJsonValue &t : items)
            if (t[QStringLiteral("id")].toString() == tileId)
                return t[QStringLiteral("rect")].toObject();
        return QJsonObject();
    };
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 300.0);
    QCOMPARE(rectOf(id).value(QStringLiteral("width")).toDouble(), 800.0);
    // A tile outside the wall is refused with the field at fault.
    const Run bad = wallctl({QStringLiteral("tile"), QStringLiteral("move"), id,
                             QStringLiteral("--x"), QStringLiteral("900000")});
    QVERIFY(bad.exitCode != 0);
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 300.0);
    const Run undo = wallctl({QStringLiteral("layout"), QStringLiteral("undo")});
    QVERIFY2(undo.exitCode == 0, undo.out + undo.err);
    QCOMPARE(rectOf(id).value(QStringLiteral("x")).toDouble(), 100.0);

    // Options merge into the tile's binding (e.g. a video tile's statistics overlay); an empty
    // value removes one; one undo step each.
    auto bindingOf = [&](const QString &tileId) {
        for (const QJsonValue &t : jsonOf(api("GET", QStringLiteral("/tiles")).body)
                                       .value(QStringLiteral("items"))
                                       .toArray())
            if (t[QStringLiteral("id")].toString() == tileId)
                return t[QStringLiteral("binding")].toObject();
        return QJsonObject();
    };
    Run set = wallctl({QStringLiteral("tile"), QStringLiteral("set"), QStringLiteral("vc-main"),
                       QStringLiteral("stats=true"), QStringLiteral("label=Cầu Hà Nội")});
    QVERIFY2(set.exitCode == 0, set.out + set.err);
    QJsonObject b = bindingOf(QStringLiteral("vc-main"));
    QCOMPARE(b.value(QStringLiteral("stats")).toBool(), true);
    QCOMPARE(b.value(QStringLiteral("label")).toString(), QStringLiteral("Cầu Hà Nội"));
    QVERIFY(b.contains(QStringLiteral("source"))); // the rest of the binding is kept
    set = wallctl({QStringLiteral("tile"), QStringLiteral("set"), QStringLiteral("vc-main"),
                   QStringLiteral("stats=")});
    QVERIFY2(set.exitCode == 0, set.out + set.err);
    QVERIFY(!bindingOf(QStringLiteral("vc-main")).contains(QStringLiteral("stats")));
    QCOMPARE(wallctl({QStringLiteral("layout"), QStringLiteral("undo")}).exitCode, 0);
    QCOMPARE(bindingOf(QStringLiteral("vc-main")).value(QStringLiteral("stats")).toBool(), true);
    // A binding the tile's kind refuses is refused with the field named, and nothing changes.
    const ApiResponse refused =
        client(m_tokens[Role::Operator])
            .request("PATCH", QStringLiteral("/tiles/vc-main"),
                     {{QStringLiteral("options"), QJsonObject{{QStringLiteral("fill"), 42}}}});
    QCOMPARE(refused.status, 400);
    QCOMPARE(jsonOf(refused.body).value(QStringLiteral("field")).toString(),
             QStringLiteral("binding.fill"));
    QCOMPARE(bindingOf(QStringLiteral("vc-main")).value(QStringLiteral("stats")).toBool(), true);
}

void TestAppApi::mapTileAnswersAProvinceQuery() {
    // A 34-unit map of 63-unit amounts: Tuyên Quang (08) since 2025 = Hà Giang (02) + Tuyên
    // Quang (08) by the sum rule.
    const QJsonObject options{{QStringLiteral("units"), 34},
                              {QStringLiteral("dataUnits"), 63},
                              {QStringLiteral("aggregation"), QStringLiteral("sum")},
                              {QStringLiteral("unit"), QStringLiteral("bn VND")},
                              {QStringLiteral("values"), QJsonObject{{QStringLiteral("02"), 120.5},
                                                                     {QStringLiteral("08"), 80},
                                                                     {QStringLiteral("01"), 300}}}};
    const ApiResponse add = client(m_tokens[Role::Operator])
                                .request("POST", QStringLiteral("/tiles"),
                                         {{QStringLiteral("kind"), QStringLiteral("map")},
                                          {QStringLiteral("x"), 200},
                                          {QStringLiteral("y"), 200},
                                          {QStringLiteral("width"), 1200},
                                          {QStringLiteral("height"), 900},
                                          {QStringLiteral("options"), options}});
    QVERIFY2(add.status == 201, add.body.constData());
    const QString id = jsonOf(add.body).value(QStringLiteral("id")).toString();
    const Run tq = wallctl({QStringLiteral("tile"), QStringLiteral("province"), id,
                            QStringLiteral("08"), QStringLiteral("--json")},
                           m_tokens[Role::Viewer]);
    QVERIFY2(tq.exitCode == 0, tq.out + tq.err);
    const QJsonObject o = json(tq);
    QCOMPARE(o.value(QStringLiteral("name")).toString(), QStringLiteral("Tuyên Quang"));
    QCOMPARE(o.value(QStringLiteral("value")).toDouble(), 200.5);
    QCOMPARE(o.value(QStringLiteral("unit")).toString(), QStringLiteral("bn VND"));
    QVERIFY(o.value(QStringLiteral("classIndex")).toInt() >= 0);
    QCOMPARE(o.value(QStringLiteral("units")).toInt(), 34);
    // A province of the map without data says so; a 63-unit code is not on a 34-unit map.
    const ApiResponse hcm = api("GET", QStringLiteral("/tiles/%1/provinces/79").arg(id));
    QCOMPARE(hcm.status, 200);
    QCOMPARE(jsonOf(hcm.body).value(QStringLiteral("hasValue")).toBool(), false);
    QCOMPARE(jsonOf(hcm.body).value(QStringLiteral("classIndex")).toInt(), -1);
    QCOMPARE(api("GET", QStringLiteral("/tiles/%1/provinces/02").arg(id)).status, 404);
    // Not a map tile, and no such tile.
    const ApiResponse notMap = api("GET", QStringLiteral("/tiles/vc-main/provinces/01"));
    QCOMPARE(notMap.status, 404);
    QCOMPARE(jsonOf(notMap.body).value(QStringLiteral("code")).toString(),
             QStringLiteral("not_found"));
    QCOMPARE(api("GET", QStringLiteral("/tiles/nope/provinces/01")).status, 404);
    QCOMPARE(api("DELETE", QStringLiteral("/tiles/") + id).status, 200);
}

void TestAppApi::videoSourcesAreKeptAndChecked() {
    QVERIFY(!recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty()); // vc-main shows demo-vc
    const QString op = m_tokens[Role::Operator];
    Run r = wallctl({QStringLiteral("source"), QStringLiteral("add"), QStringLiteral("demo-vc"),
                     QStringLiteral("--kind"), QStringLiteral("testpattern"),
                     QStringLiteral("--name"), QStringLiteral("Cầu truyền hình"),
                     QStringLiteral("--site"), QStringLiteral("UBND tỉnh Lào Cai")},
                    op);
    QVERIFY2(r.exitCode == 0, r.out + r.err);
    r = wallctl({QStringLiteral("source"), QStringLiteral("get"), QStringLiteral("demo-vc"),
                 QStringLiteral("--json")},
                m_tokens[Role::Viewer]);
    QCOMPARE(r.exitCode, 0);
    QCOMPARE(json(r)[QStringLiteral("conference")][QStringLiteral("site")].toString(),
             QStringLiteral("UBND tỉnh Lào Cai"));
    // Bad sources are refused with the field named; nothing is stored.
    const struct {
        QJsonObject source;
        const char *field;
    } bad[] = {
        {{{QStringLiteral("id"), QStringLiteral("cam-2")},
          {QStringLiteral("kind"), QStringLiteral("rtsp")},
          {QStringLiteral("uri"), QStringLiteral("http://10.0.0.5/live")}},
         "source.uri"},
        {{{QStringLiteral("id"), QStringLiteral("cam-2")},
          {QStringLiteral("kind"), QStringLiteral("rtsp")},
          {QStringLiteral("urii"), QStringLiteral("rtsp://10.0.0.5/live")}},
         "source.urii"},
        {{{QStringLiteral("id"), QStringLiteral("cam 2")},
          {QStringLiteral("kind"), QStringLiteral("testpattern")}},
         "source.id"},
        {{{QStringLiteral("id"), QStringLiteral("cam-2")},
          {QStringLiteral("kind"), QStringLiteral("ndi")}},
         "source.kind"},
    };
    for (const auto &b : bad) {
        const ApiResponse resp = client(op).request("POST", QStringLiteral("/sources"),
                                                    {{QStringLiteral("source"), b.source}});
        QVERIFY2(resp.status == 400, resp.body.constData());
        QCOMPARE(jsonOf(resp.body).value(QStringLiteral("field")).toString(),
                 QLatin1String(b.field));
    }
    QCOMPARE(api("GET", QStringLiteral("/sources/cam-2")).status, 404);
    // A source on the live wall cannot be removed from under its tile.
    r = wallctl({QStringLiteral("source"), QStringLiteral("remove"), QStringLiteral("demo-vc")},
                op);
    QCOMPARE(r.exitCode, 1);
    QVERIFY2((r.out + r.err).contains("vc-main"), r.out + r.err);
    QCOMPARE(api("GET", QStringLiteral("/sources/demo-vc")).status, 200);
    // Every change is in the audit.
    const QByteArray audit = api("GET", QStringLiteral("/audit?action=source.&limit=20")).body;
    QVERIFY2(audit.contains("source.save") && audit.contains("source.delete"), audit.constData());
}

void TestAppApi::healthReportsFrameRateAndStreams() {
    // vc-main now shows the stored test pattern: one decoder, playing, drawn at its rate.
    QVERIFY(!recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    QJsonObject h;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            h = jsonOf(client({}).request("GET", QStringLiteral("/health")).body);
            const QJsonArray streams = h.value(QStringLiteral("streams")).toArray();
            return streams.size() == 1 &&
                   streams[0][QStringLiteral("state")].toString() == QLatin1String("Playing") &&
                   h.value(QStringLiteral("fps")).toDouble() >= 10;
        }(),
        15000);
    const QJsonObject stream = h.value(QStringLiteral("streams")).toArray().first().toObject();
    QCOMPARE(stream.value(QStringLiteral("id")).toString(), QStringLiteral("demo-vc"));
    QVERIFY(stream.value(QStringLiteral("fps")).toDouble() > 10);
    QVERIFY(stream.value(QStringLiteral("tiles")).toInt() >= 1); // one decoder for every viewport
    QCOMPARE(h.value(QStringLiteral("outputs")).toArray().size(), qsizetype(2)); // the demo's two
    QVERIFY(h.value(QStringLiteral("memoryRssBytes")).toDouble() > 1e6);
    QVERIFY(h.value(QStringLiteral("uptimeSeconds")).toDouble() > 0);
    // The same in Prometheus text.
    const QByteArray metrics = api("GET", QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains("\nopswall_render_fps ") &&
                 metrics.contains("opswall_streams{state=\"Playing\"} 1"),
             metrics.constData());
    // The wall resource carries each display's state next to its geometry.
    const QJsonObject wallJson = jsonOf(api("GET", QStringLiteral("/wall")).body);
    QVERIFY(wallJson.contains(QStringLiteral("displayStates")));
    QCOMPARE(wallJson.value(QStringLiteral("displays")).toArray().size(), qsizetype(12));
}

void TestAppApi::layoutAtAPastTimeIsRebuiltFromTheAudit() {
    QVERIFY(!recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    QTest::qWait(30);
    const qint64 duringVideo = QDateTime::currentMSecsSinceEpoch();
    QTest::qWait(30);
    const QString overview = recallPreset(QStringLiteral("Tổng quan kinh tế"));
    QVERIFY(!overview.isEmpty());
    const QStringList overviewTiles = liveTileIds();
    QVERIFY(!overviewTiles.contains(QStringLiteral("vc-main")));
    QTest::qWait(30);
    const qint64 duringOverview = QDateTime::currentMSecsSinceEpoch();

    auto tilesAt = [&](qint64 at, QJsonObject *change) {
        const Run r =
            wallctl({QStringLiteral("audit"), QStringLiteral("layout"), QStringLiteral("--at"),
                     QString::number(at), QStringLiteral("--json")},
                    m_tokens[Role::Leader]);
        QStringList ids;
        *change = json(r).value(QStringLiteral("change")).toObject();
        for (const QJsonValue &t :
             json(r)[QStringLiteral("layout")][QStringLiteral("tiles")].toArray())
            ids.append(t[QStringLiteral("id")].toString());
        return ids;
    };
    QJsonObject change;
    const QStringList then = tilesAt(duringVideo, &change);
    QVERIFY2(then.contains(QStringLiteral("vc-main")), qPrintable(then.join(' ')));
    QCOMPARE(change.value(QStringLiteral("action")).toString(), QStringLiteral("preset.recall"));
    QCOMPARE(change.value(QStringLiteral("user")).toString(), QStringLiteral("admin"));
    QStringList now = tilesAt(duringOverview, &change);
    now.sort();
    QStringList expected = overviewTiles;
    expected.sort();
    QCOMPARE(now, expected);
    // Before the wall ever changed there is nothing to show; an operator may not look.
    const Run before = wallctl({QStringLiteral("audit"), QStringLiteral("layout"),
                                QStringLiteral("--at"), QStringLiteral("2000-01-01T00:00:00Z")});
    QCOMPARE(before.exitCode, 1);
    const Run refused = wallctl({QStringLiteral("audit"), QStringLiteral("layout"),
                                 QStringLiteral("--at"), QString::number(duringVideo)},
                                m_tokens[Role::Operator]);
    QCOMPARE(refused.exitCode, 4);
}

void TestAppApi::websocketEventsArriveInOrder() {
    QWebSocket ws;
    QList<QJsonObject> got;
    connect(&ws, &QWebSocket::textMessageReceived,
            [&got](const QString &m) { got.append(jsonOf(m.toUtf8())); });
    QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(m_port)));
    req.setRawHeader("Authorization", "Bearer " + m_tokens[Role::Viewer].toLatin1());
    ws.open(req);
    QTRY_COMPARE_WITH_TIMEOUT(got.size(), qsizetype(1), 5000);
    QCOMPARE(got.front().value(QStringLiteral("type")).toString(), QStringLiteral("hello"));
    const ApiResponse add = client(m_tokens[Role::Operator])
                                .request("POST", QStringLiteral("/tiles"),
                                         {{QStringLiteral("kind"), QStringLiteral("clock")},
                                          {QStringLiteral("x"), 0},
                                          {QStringLiteral("y"), 0},
                                          {QStringLiteral("width"), 500},
                                          {QStringLiteral("height"), 300}});
    QCOMPARE(add.status, 201);
    const QString id = jsonOf(add.body).value(QStringLiteral("id")).toString();
    const int moves = 20;
    for (int i = 1; i <= moves; ++i)
        QCOMPARE(
            client(m_tokens[Role::Operator])
                .request("PATCH", QStringLiteral("/tiles/") + id, {{QStringLiteral("x"), 10 * i}})
                .status,
            200);
    QTRY_VERIFY_WITH_TIMEOUT(got.size() >= 2 + moves, 5000);
    QCOMPARE(got[1].value(QStringLiteral("type")).toString(), QStringLiteral("tile.add"));
    double lastSeq = got[1].value(QStringLiteral("seq")).toDouble();
    qint64 lastRevision = got[1].value(QStringLiteral("revision")).toInteger();
    for (int i = 0; i < moves; ++i) {
        const QJsonObject e = got[2 + i];
        QCOMPARE(e.value(QStringLiteral("type")).toString(), QStringLiteral("tile.update"));
        QCOMPARE(e.value(QStringLiteral("by")).toString(), QStringLiteral("e2e-operator"));
        QVERIFY(e.value(QStringLiteral("seq")).toDouble() > lastSeq);
        QVERIFY(e.value(QStringLiteral("revision")).toInteger() > lastRevision);
        lastSeq = e.value(QStringLiteral("seq")).toDouble();
        lastRevision = e.value(QStringLiteral("revision")).toInteger();
    }
    ws.close();
    QCOMPARE(api("DELETE", QStringLiteral("/tiles/") + id).status, 200);
}

// An AV control system (Crestron, Extron, AMX) on the line protocol, next port to the API's.
void TestAppApi::lineProtocolDrivesTheWall() {
    QTcpSocket av;
    QVERIFY(connectLine(av, m_port + 1));
    QVERIFY(lineCommand(av, "PRESET RECALL 1").startsWith("ERR unauthorized"));
    QVERIFY(lineCommand(av, "LOGIN " + m_tokens[Role::Leader].toLatin1()).startsWith("OK LOGIN"));
    QString video;
    for (const QJsonValue &p : jsonOf(api("GET", QStringLiteral("/presets")).body)
                                   .value(QStringLiteral("items"))
                                   .toArray())
        if (p[QStringLiteral("name")].toString() == QStringLiteral("Họp trực tuyến"))
            video = QString::number(p[QStringLiteral("id")].toInt());
    QVERIFY(!video.isEmpty());
    const QByteArray reply = lineCommand(av, "PRESET RECALL " + video.toLatin1());
    QVERIFY2(reply.startsWith("OK"), reply.constData());
    QVERIFY(liveTileIds().contains(QStringLiteral("vc-main")));
    // A leader may lock the wall for a briefing; the operator's API call is then refused.
    QVERIFY(lineCommand(av, "LOCK 60 briefing").startsWith("OK LOCK"));
    const ApiResponse refused =
        client(m_tokens[Role::Operator]).request("DELETE", QStringLiteral("/tiles/vc-main"));
    QCOMPARE(refused.status, 423);
    QVERIFY2(refused.body.contains("e2e-leader"), refused.body.constData());
    QVERIFY(lineCommand(av, "UNLOCK").startsWith("OK UNLOCK"));
    const QByteArray status = lineCommand(av, "STATUS");
    QVERIFY2(status.startsWith("OK STATUS") && status.contains("locked=0"), status.constData());
    QCOMPARE(lineCommand(av, "QUIT"), QByteArray("OK BYE"));
    // Audited as coming from the line protocol.
    const QJsonArray rows =
        jsonOf(api("GET", QStringLiteral("/audit?action=preset.recall&order=desc&limit=1")).body)
            .value(QStringLiteral("items"))
            .toArray();
    QCOMPARE(rows.size(), qsizetype(1));
    QCOMPARE(rows[0][QStringLiteral("via")].toString(), QStringLiteral("line"));
    QCOMPARE(rows[0][QStringLiteral("user")].toString(), QStringLiteral("e2e-leader"));
}

void TestAppApi::malformedRequestsGetBoundedClearErrors() {
    auto op = client(m_tokens[Role::Operator]);
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
    const QByteArray auth = "Authorization: Bearer " + m_admin.toLatin1() + "\r\n";
    for (const char *target : {"/api/v1/../api/v1/tokens", "/api/v1/%2e%2e/tokens",
                               "/api/v1//tokens", "/api/v1/presets/..", "/api/v1/./wall"}) {
        const QByteArray raw = rawExchange(m_port, QByteArray("GET ") + target +
                                                       " HTTP/1.1\r\nHost: x\r\nConnection: "
                                                       "close\r\n" +
                                                       auth + "\r\n");
        QVERIFY2(statusOf(raw) == 400, target);
        QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("bad_path"));
    }
    // The body limit from the configuration file (64 KiB), announced and sent.
    QByteArray raw = rawExchange(m_port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\n" + auth +
                                             "Content-Length: 50000000\r\n\r\n{\"name\":\"");
    QCOMPARE(statusOf(raw), 413);
    QCOMPARE(bodyOf(raw).value(QStringLiteral("code")).toString(), QStringLiteral("too_large"));
    const QByteArray big = "{\"name\":\"" + QByteArray(100 * 1024, 'n') + "\"}";
    raw = rawExchange(m_port, "POST /api/v1/presets HTTP/1.1\r\nHost: x\r\n" + auth +
                                  "Content-Length: " + QByteArray::number(big.size()) + "\r\n\r\n" +
                                  big);
    QCOMPARE(statusOf(raw), 413);
    raw = rawExchange(m_port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\nX-Junk: " +
                                  QByteArray(20000, 'j') + "\r\n\r\n");
    QCOMPARE(statusOf(raw), 431);
    raw = rawExchange(m_port, "HELLO THERE\r\n\r\n");
    QCOMPARE(statusOf(raw), 400);
    // Nothing of that reached the wall: it still answers and its audit chain holds.
    QCOMPARE(api("GET", QStringLiteral("/audit/verify")).status, 200);
}

void TestAppApi::slowClientsAreCutOff() {
    qint64 closedMs = -1;
    rawExchange(m_port, "GET /api/v1/health HTTP/1.1\r\nHost: x\r\n", kRequestTimeoutMs + 3000,
                &closedMs);
    QVERIFY2(closedMs >= kRequestTimeoutMs - 50 && closedMs < kRequestTimeoutMs + 1500,
             qPrintable(QString::number(closedMs)));
    // Counted for the operators' monitoring.
    const QByteArray metrics = api("GET", QStringLiteral("/metrics")).body;
    const qsizetype at = metrics.indexOf("\nopswall_api_slow_clients_cut_total ");
    QVERIFY2(at >= 0, metrics.left(3000).constData());
    const QByteArray value = metrics.mid(at + 36, metrics.indexOf('\n', at + 1) - at - 36);
    QVERIFY2(value.toDouble() >= 1, value.constData());
    QCOMPARE(api("GET", QStringLiteral("/wall")).status, 200);
}

void TestAppApi::viewerTokenIsRefusedAndTheAuditChainVerifies() {
    const Run created =
        wallctl({QStringLiteral("token"), QStringLiteral("create"), QStringLiteral("--role"),
                 QStringLiteral("viewer"), QStringLiteral("--name"), QStringLiteral("screen-1")});
    QVERIFY2(created.exitCode == 0, created.out + created.err);
    const QString viewer =
        QString::fromUtf8(created.out).trimmed().split(QLatin1Char('\n')).last().trimmed();
    QVERIFY(!viewer.isEmpty());
    QCOMPARE(wallctl({QStringLiteral("status")}, viewer).exitCode, 0);
    const Run refused =
        wallctl({QStringLiteral("preset"), QStringLiteral("recall"), QStringLiteral("1")}, viewer);
    QCOMPARE(refused.exitCode, 4); // refused: authentication or permission
    const Run verify = wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
    QVERIFY2(verify.exitCode == 0, verify.out + verify.err);
    const Run audit =
        wallctl({QStringLiteral("audit"), QStringLiteral("query"), QStringLiteral("--json")});
    QCOMPARE(audit.exitCode, 0);
    QVERIFY2(audit.out.contains("preset.recall") && audit.out.contains("tile.update"),
             audit.out.left(2000).constData());
}

void TestAppApi::everyEndpointForEveryRole() {
    // Real ids of this wall: a demo preset, a live tile, a display.
    QString preset;
    for (const QJsonValue &p : jsonOf(api("GET", QStringLiteral("/presets")).body)
                                   .value(QStringLiteral("items"))
                                   .toArray())
        if (p[QStringLiteral("name")].toString() == QStringLiteral("Tổng quan kinh tế"))
            preset = QString::number(p[QStringLiteral("id")].toInt());
    QVERIFY(!preset.isEmpty());
    const QJsonArray displays = jsonOf(api("GET", QStringLiteral("/wall")).body)
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
        {QStringLiteral("source"), QStringLiteral("demo-vc")}};
    int checked = 0;
    for (Role role : contract::kRoles) {
        ApiClient c = client(m_tokens[role]);
        // Each role starts from the same live layout, so that allowed calls hit real objects.
        QVERIFY(!recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
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
        const ApiResponse r =
            client(m_tokens[role]).request("DELETE", QStringLiteral("/presets/") + preset);
        const bool may = role == Role::Operator || role == Role::Admin;
        if (role == Role::Admin) // already deleted by the operator
            QCOMPARE(r.status, 404);
        else
            QVERIFY2(r.status == (may ? 200 : 403), r.body.constData());
        ++checked;
    }
    QCOMPARE(checked, int(contract::kEndpointCount * std::size(contract::kRoles)));
    // Every refusal above is in the audit, and the chain still verifies.
    const ApiResponse refusals = api("GET", QStringLiteral("/audit?action=preset.delete&limit=50"));
    QVERIFY2(refusals.body.contains("forbidden"), refusals.body.left(2000).constData());
    QCOMPARE(wallctl({QStringLiteral("audit"), QStringLiteral("verify")}).exitCode, 0);
}

void TestAppApi::sigtermShutsTheWallDownCleanly() {
    QVERIFY(stopWall());
}

void TestAppApi::tamperedAuditRowIsFoundAfterARestart() {
    // Someone with the disk rewrites who recalled a preset, while the wall is down.
    sqlite3 *db = nullptr;
    QCOMPARE(
        sqlite3_open(QFile::encodeName(m_dir.filePath(QStringLiteral("wall.db"))).constData(), &db),
        SQLITE_OK);
    QCOMPARE(sqlite3_exec(db,
                          "UPDATE control_audit SET user='nobody' WHERE id=(SELECT min(id) FROM "
                          "control_audit WHERE action='preset.recall')",
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    QCOMPARE(sqlite3_changes(db), 1);
    sqlite3_close(db);
    QString why;
    QVERIFY2(startWall(&why), qPrintable(why));
    // The tokens and the audit survived the restart; verify names the altered row.
    const Run verify =
        wallctl({QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json")},
                m_tokens[Role::Technician]);
    QCOMPARE(verify.exitCode, 1);
    const QJsonObject v = json(verify);
    QCOMPARE(v.value(QStringLiteral("ok")).toBool(), false);
    QVERIFY(v.value(QStringLiteral("firstBadId")).toInt() > 0);
    QVERIFY2(v.value(QStringLiteral("message")).toString().contains(QLatin1String("altered")),
             verify.out.constData());
    // Sources are stored with the wall.
    QCOMPARE(api("GET", QStringLiteral("/sources/demo-vc")).status, 200);
    QVERIFY(stopWall());
}

void TestAppApi::cleanupTestCase() {
    if (m_wall.state() != QProcess::NotRunning) {
        m_wall.kill();
        m_wall.waitForFinished(5000);
    }
}

QTEST_GUILESS_MAIN(TestAppApi)
#include "tst_app_api.moc"
