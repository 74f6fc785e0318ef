// Attacks on the real opswall (tests/rendering/appundertest.h) through the store, the pipeline
// builder, the admin token file, the audit log and the tiles, each replayed as an intruder or a
// failing machine would, and shown refused or harmless (issue 11, the store half):
//   - an operator saving a custom pipeline (filesink, filesrc ! tcpclientsink with the admin
//     token file), an admin naming a forbidden element, bins and URI elements that hide one;
//   - the first-start admin token file: gone after first use; someone else's file or a
//     directory at its path is refused, not overwritten;
//   - the database locked 15 s by another sqlite3 process, the free-space guard, a file-size
//     limit (RLIMIT_FSIZE): refusals (503 + Retry-After), an alert, no crash, the wall answers,
//     and the refused actions audited once the store is back;
//   - database and key files 0600;
//   - the audit tail cut, the chain rewritten with recomputed hashes, the log wiped, while the
//     wall is stopped: found after the restart (and against the outside anchor);
//   - image tiles naming ../, absolute paths, file: or a URL no admin allowed; rich text and
//     <img src=http://…> in a text tile: nothing is read or fetched.
#include "appundertest.h"
#include "sqlitelock.h"

#include <QCryptographicHash>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

#include <sqlite3.h>

#include <sys/resource.h>
#include <sys/stat.h>

using namespace opswall;
using apptest::ApiClient;
using apptest::ApiResponse;

namespace {

QJsonObject pipelineSource(const QString &id, const QString &pipeline) {
    return {
        {QStringLiteral("source"), QJsonObject{{QStringLiteral("id"), id},
                                               {QStringLiteral("kind"), QStringLiteral("pipeline")},
                                               {QStringLiteral("pipeline"), pipeline}}}};
}

// A raw HTTP request (Connection: close) so the test sees the status line and headers.
QByteArray rawRequest(quint16 port, const QByteArray &method, const QByteArray &path,
                      const QString &token, const QByteArray &body = {}) {
    QByteArray req = method + " /api/v1" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" +
                     "Authorization: Bearer " + token.toLatin1() + "\r\nConnection: close\r\n";
    if (!body.isEmpty())
        req +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    return rawExchange(port, req + "\r\n" + body, 5000);
}

int modeOf(const QString &path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

bool execSql(const QString &dbPath, const char *sql, QString *error = nullptr) {
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(dbPath).constData(), &db) != SQLITE_OK)
        return false;
    char *err = nullptr;
    const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &err);
    if (err && error)
        *error = QString::fromUtf8(err);
    sqlite3_free(err);
    sqlite3_close(db);
    return rc == SQLITE_OK;
}

// Does anything connect to server within ms?
bool connectionArrives(QTcpServer &server, int ms) {
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < ms) {
        if (server.hasPendingConnections())
            return true;
        QTest::qWait(50);
    }
    return server.hasPendingConnections();
}

} // namespace

class TestAppAttacksStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void firstStartAdminTokenFileIsGoneAfterFirstUse();
    void operatorCannotSaveACustomPipeline();
    void adminCustomPipelineIsCheckedElementByElement();
    void operatorSourceKindsCannotSmuggleElements();
    void imageTilesTakeOnlyAllowedSources();
    void textTilesShowPlainTextAndFetchNothing();
    void databaseAndKeyFilesAreForTheWallsUserOnly();
    void lockedDatabaseIsRefusedWhileTheWallKeepsAnswering();
    void freeSpaceGuardRefusesWritesAndRaisesAnAlert();
    void fileSizeLimitIsRefusedNotFatal();
    void auditTailCutWhileStoppedIsFound();
    void auditRewrittenWithRecomputedHashesIsFound();
    void auditWipedWhileStoppedIsFound();
    void adminTokenPathHeldBySomethingElseIsNotOverwritten();

private:
    // A fresh wall with a few audited actions, stopped, for one tampering.
    bool stoppedWallWithAudit(apptest::Wall &w, QString *why);
    // stoppedWallWithAudit, then `sql` run on its database file, then the wall started again.
    bool tamperedWhileStopped(apptest::Wall &w, const char *sql, QString *why);
    QString verifyOutput(apptest::Wall &w, bool withAnchor, int *exitCode);

    apptest::Wall m_app;
};

void TestAppAttacksStore::initTestCase() {
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
}

void TestAppAttacksStore::firstStartAdminTokenFileIsGoneAfterFirstUse() {
    // start() read the token and used it: the hand-over file has done its job.
    const QString file = m_app.dir.filePath(QStringLiteral("admin-token"));
    QTRY_VERIFY_WITH_TIMEOUT(!QFile::exists(file), 5000);
    // The token itself still works.
    QCOMPARE(m_app.api("GET", QStringLiteral("/tokens")).status, 200);
}

void TestAppAttacksStore::operatorCannotSaveACustomPipeline() {
    QTcpServer listener; // where the stolen token would have been sent
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    const QString written = m_app.dir.filePath(QStringLiteral("written-by-pipeline"));
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    const ApiResponse sink = op.request(
        "POST", QStringLiteral("/sources"),
        pipelineSource(
            QStringLiteral("evil1"),
            QStringLiteral("videotestsrc num-buffers=5 ! filesink location=%1").arg(written)));
    QCOMPARE(sink.status, 403);
    QVERIFY2(sink.body.contains("pipeline"), sink.body.constData());
    const ApiResponse exfil = op.request(
        "POST", QStringLiteral("/sources"),
        pipelineSource(QStringLiteral("evil2"),
                       QStringLiteral("filesrc location=%1 ! tcpclientsink host=127.0.0.1 port=%2")
                           .arg(m_app.dir.filePath(QStringLiteral("wall.db")))
                           .arg(listener.serverPort())));
    QCOMPARE(exfil.status, 403);
    QVERIFY(!connectionArrives(listener, 1500));
    QVERIFY(!QFile::exists(written));
    // Nothing was kept, and the refusals are audited.
    const QByteArray sources = m_app.api("GET", QStringLiteral("/sources")).body;
    QVERIFY2(!sources.contains("evil"), sources.constData());
    const QJsonArray audit =
        jsonOf(
            m_app.api("GET", QStringLiteral("/audit?action=source.save&order=desc&limit=5")).body)
            .value(QStringLiteral("items"))
            .toArray();
    QVERIFY(audit.size() >= 2);
    QCOMPARE(audit[0][QStringLiteral("ok")].toBool(), false);
    QCOMPARE(audit[0][QStringLiteral("user")].toString(), QStringLiteral("e2e-operator"));
}

void TestAppAttacksStore::adminCustomPipelineIsCheckedElementByElement() {
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    const QString written = m_app.dir.filePath(QStringLiteral("written-by-admin-pipeline"));
    const QString dbFile = m_app.dir.filePath(QStringLiteral("wall.db"));
    struct Case {
        QString pipeline;
        QByteArray named; // the element the refusal names
    };
    const QList<Case> cases{
        {QStringLiteral("videotestsrc ! filesink location=%1").arg(written), "filesink"},
        {QStringLiteral("filesrc location=%1 ! tcpclientsink host=127.0.0.1 port=%2")
             .arg(dbFile)
             .arg(listener.serverPort()),
         "filesrc"},
        // A URI element: no "filesrc" in the text at all.
        {QStringLiteral("file://%1 ! queue").arg(dbFile), "filesrc"},
        // Hidden in a bin in brackets.
        {QStringLiteral("videotestsrc ! queue ! ( multifilesink location=%1 )").arg(written),
         "multifilesink"},
        {QStringLiteral("videotestsrc ! shmsink socket-path=%1").arg(written), "shmsink"},
        {QStringLiteral("videotestsrc ! fdsink fd=2"), "fdsink"},
        {QStringLiteral("videotestsrc ! queue2 temp-template=%1-XXXXXX").arg(written), "queue2"},
        {QStringLiteral("appsrc ! videoconvert"), "appsrc"},
    };
    for (const Case &c : cases) {
        const ApiResponse r = m_app.api("POST", QStringLiteral("/sources"),
                                        pipelineSource(QStringLiteral("adm"), c.pipeline));
        QVERIFY2(r.status == 400,
                 qPrintable(c.pipeline + QStringLiteral(" -> ") + QString::number(r.status) + u' ' +
                            QString::fromUtf8(r.body)));
        const QJsonObject e = jsonOf(r.body);
        QCOMPARE(e.value(QStringLiteral("field")).toString(), QStringLiteral("source.pipeline"));
        QVERIFY2(e.value(QStringLiteral("message")).toString().contains(QLatin1String(c.named)),
                 r.body.constData());
    }
    QVERIFY(!connectionArrives(listener, 1000));
    QVERIFY(QDir(m_app.dir.path()).entryList({QStringLiteral("written-by-*")}).isEmpty());
    // What custom pipelines are for still works, for an admin.
    const ApiResponse ok =
        m_app.api("POST", QStringLiteral("/sources"),
                  pipelineSource(
                      QStringLiteral("adm-ok"),
                      QStringLiteral("videotestsrc is-live=true ! video/x-raw,width=320,height=240 "
                                     "! queue ! videoconvert")));
    QVERIFY2(ok.status == 201, ok.body.constData());
    QCOMPARE(m_app.api("DELETE", QStringLiteral("/sources/adm-ok")).status, 200);
}

void TestAppAttacksStore::operatorSourceKindsCannotSmuggleElements() {
    // Every other kind is built from quoted fields: gst-launch syntax in a URI or a pattern stays
    // inside its quotes (or is refused), so no element of the operator's choosing is created.
    const QString written = m_app.dir.filePath(QStringLiteral("written-by-quote"));
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    const QStringList uris{
        QStringLiteral("rtsp://127.0.0.1:1/x\" ! filesink location=%1 ! fakesrc name=\"")
            .arg(written),
        QStringLiteral("http://127.0.0.1:1/a.ts ! filesink location=%1").arg(written),
    };
    for (const QString &uri : uris) {
        const QString kind =
            uri.startsWith(QLatin1String("rtsp")) ? QStringLiteral("rtsp") : QStringLiteral("http");
        const ApiResponse r =
            op.request("POST", QStringLiteral("/sources"),
                       {{QStringLiteral("source"),
                         QJsonObject{{QStringLiteral("id"), QStringLiteral("q-") + kind},
                                     {QStringLiteral("kind"), kind},
                                     {QStringLiteral("uri"), uri}}}});
        QVERIFY2(r.status == 201 || r.status == 400, r.body.constData());
        if (r.status == 201) {
            // Show it on the wall so a pipeline is really built from it.
            const ApiResponse tile =
                op.request("POST", QStringLiteral("/tiles"),
                           {{QStringLiteral("kind"), QStringLiteral("video")},
                            {QStringLiteral("source"), QStringLiteral("q-") + kind},
                            {QStringLiteral("x"), 100},
                            {QStringLiteral("y"), 100},
                            {QStringLiteral("width"), 800},
                            {QStringLiteral("height"), 450}});
            QVERIFY2(tile.status == 201, tile.body.constData());
            QTest::qWait(1500);
            op.request("DELETE", QStringLiteral("/tiles/") +
                                     jsonOf(tile.body).value(QStringLiteral("id")).toString());
        }
    }
    QVERIFY(!QFile::exists(written));
}

void TestAppAttacksStore::imageTilesTakeOnlyAllowedSources() {
    QTcpServer listener; // a URL no admin allowed
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    const QStringList refused{
        QStringLiteral("../../../etc/passwd"),
        QStringLiteral("demo/../../wall.db"),
        m_app.dir.filePath(QStringLiteral("wall.db")),
        QStringLiteral("file://") + m_app.dir.filePath(QStringLiteral("wall.db")),
        QStringLiteral("qrc:/OpsWall/Wall/Main.qml"),
        QStringLiteral("media:../wall.db"),
        QStringLiteral("http://127.0.0.1:%1/pixel.png").arg(listener.serverPort()),
    };
    for (const QString &src : refused) {
        const ApiResponse r =
            op.request("POST", QStringLiteral("/tiles"),
                       {{QStringLiteral("kind"), QStringLiteral("image")},
                        {QStringLiteral("x"), 100},
                        {QStringLiteral("y"), 100},
                        {QStringLiteral("width"), 800},
                        {QStringLiteral("height"), 450},
                        {QStringLiteral("options"), QJsonObject{{QStringLiteral("source"), src}}}});
        QVERIFY2(r.status == 400, qPrintable(src + u' ' + QString::fromUtf8(r.body)));
        QCOMPARE(jsonOf(r.body)[QStringLiteral("field")].toString(),
                 QStringLiteral("tile.binding.source"));
    }
    QVERIFY(!connectionArrives(listener, 1500));
    // The assets folder stays open.
    const ApiResponse ok = op.request(
        "POST", QStringLiteral("/tiles"),
        {{QStringLiteral("kind"), QStringLiteral("image")},
         {QStringLiteral("x"), 100},
         {QStringLiteral("y"), 100},
         {QStringLiteral("width"), 800},
         {QStringLiteral("height"), 450},
         {QStringLiteral("options"),
          QJsonObject{{QStringLiteral("source"), QStringLiteral("demo/images/logo.png")}}}});
    QVERIFY2(ok.status == 201, ok.body.constData());
    op.request("DELETE",
               QStringLiteral("/tiles/") + jsonOf(ok.body).value(QStringLiteral("id")).toString());
}

void TestAppAttacksStore::textTilesShowPlainTextAndFetchNothing() {
    QTcpServer listener;
    QVERIFY(listener.listen(QHostAddress::LocalHost, 0));
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    const QString rich = QStringLiteral("<b>Chú ý</b><img src=\"http://127.0.0.1:%1/beacon.png\">")
                             .arg(listener.serverPort());
    const ApiResponse r =
        op.request("POST", QStringLiteral("/tiles"),
                   {{QStringLiteral("kind"), QStringLiteral("text")},
                    {QStringLiteral("x"), 100},
                    {QStringLiteral("y"), 100},
                    {QStringLiteral("width"), 1600},
                    {QStringLiteral("height"), 400},
                    {QStringLiteral("options"), QJsonObject{{QStringLiteral("text"), rich}}}});
    QVERIFY2(r.status == 201, r.body.constData());
    // Rendered as plain text: the markup is shown, the image never requested.
    QVERIFY(!connectionArrives(listener, 2500));
    op.request("DELETE",
               QStringLiteral("/tiles/") + jsonOf(r.body).value(QStringLiteral("id")).toString());
}

void TestAppAttacksStore::databaseAndKeyFilesAreForTheWallsUserOnly() {
    const QString db = m_app.dir.filePath(QStringLiteral("wall.db"));
    QCOMPARE(modeOf(db), 0600);
    QCOMPARE(modeOf(db + QStringLiteral("-wal")), 0600);
    QCOMPARE(modeOf(db + QStringLiteral("-shm")), 0600);
    QCOMPARE(modeOf(m_app.dir.filePath(QStringLiteral("keys/audit.key"))), 0600);
    QCOMPARE(modeOf(m_app.dir.filePath(QStringLiteral("keys"))), 0700);
    QCOMPARE(modeOf(m_app.dir.filePath(QStringLiteral("audit-anchor.jsonl"))), 0600);
}

void TestAppAttacksStore::lockedDatabaseIsRefusedWhileTheWallKeepsAnswering() {
    const QString db = m_app.dir.filePath(QStringLiteral("wall.db"));
    // Another process takes the write lock and holds it 15 s (a backup, an sqlite3 shell).
    QProcess shell;
    QVERIFY(apptest::holdWriteLock(shell, db));
    QElapsedTimer held;
    held.start();
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    int refused = 0, attempts = 0;
    qint64 slowestReadMs = 0, slowestWriteMs = 0;
    bool sawAlert = false, sawRetryAfter = false;
    while (held.elapsed() < 15000) {
        QElapsedTimer t;
        t.start();
        const QByteArray w =
            rawRequest(m_app.port, "POST", "/presets", m_app.tokens.value(Role::Operator),
                       QJsonDocument(QJsonObject{{QStringLiteral("name"),
                                                  QStringLiteral("locked-%1").arg(attempts)}})
                           .toJson(QJsonDocument::Compact));
        slowestWriteMs = std::max(slowestWriteMs, t.elapsed());
        ++attempts;
        if (statusOf(w) == 503) {
            ++refused;
            QCOMPARE(bodyOf(w)[QStringLiteral("code")].toString(),
                     QStringLiteral("store_unavailable"));
            sawRetryAfter = sawRetryAfter || w.toLower().contains("\r\nretry-after: ");
        } else {
            QFAIL(w.constData());
        }
        t.restart();
        const ApiResponse presets = op.request("GET", QStringLiteral("/presets"));
        QCOMPARE(presets.status, 200); // readers are not blocked (WAL)
        const ApiResponse alerts = op.request("GET", QStringLiteral("/alerts"));
        slowestReadMs = std::max(slowestReadMs, t.elapsed());
        sawAlert = sawAlert || alerts.body.contains("\"source\":\"store\"");
        QTest::qWait(400);
    }
    QVERIFY(m_app.process.state() == QProcess::Running);
    QVERIFY2(refused == attempts && attempts >= 10, qPrintable(QString::number(attempts)));
    QVERIFY(sawRetryAfter);
    QVERIFY(sawAlert);
    // The GUI thread waits about a frame for the lock, never seconds.
    QVERIFY2(slowestWriteMs < 1000, qPrintable(QString::number(slowestWriteMs)));
    QVERIFY2(slowestReadMs < 1000, qPrintable(QString::number(slowestReadMs)));
    shell.write("ROLLBACK;\n.quit\n");
    QVERIFY(shell.waitForFinished(5000));
    // Back: writes work again, the alert goes, and the refused saves are in the audit.
    QTRY_VERIFY_WITH_TIMEOUT(op.request("POST", QStringLiteral("/presets"),
                                        {{QStringLiteral("name"), QStringLiteral("after-lock")}})
                                     .status == 201,
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !op.request("GET", QStringLiteral("/alerts")).body.contains("\"source\":\"store\""), 10000);
    const QJsonArray audit =
        jsonOf(m_app.api("GET", QStringLiteral("/audit?action=preset.save&limit=5000")).body)
            .value(QStringLiteral("items"))
            .toArray();
    int auditedRefusals = 0;
    for (const QJsonValue &e : audit)
        if (e[QStringLiteral("error")][QStringLiteral("code")].toString() ==
            QLatin1String("store_unavailable"))
            ++auditedRefusals;
    QCOMPARE(auditedRefusals, refused);
    const apptest::Run verify = m_app.wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
    QVERIFY2(verify.exitCode == 0, verify.out + verify.err);
}

void TestAppAttacksStore::freeSpaceGuardRefusesWritesAndRaisesAnAlert() {
    // A restart whose guard asks for more free space than any disk here has: every write is
    // refused cleanly, reads and the wall go on.
    const QString config = m_app.dir.filePath(QStringLiteral("store-guard.json"));
    QFile f(config);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(R"({"minFreeMb": 1048576})");
    f.close();
    QVERIFY(m_app.stop());
    m_app.extraArgs = {QStringLiteral("--store-config"), config};
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    ApiClient op = m_app.client(m_app.tokens.value(Role::Operator));
    const ApiResponse save = op.request("POST", QStringLiteral("/presets"),
                                        {{QStringLiteral("name"), QStringLiteral("guarded")}});
    QCOMPARE(save.status, 503);
    QVERIFY2(save.body.contains("below the configured minimum"), save.body.constData());
    const ApiResponse alerts = op.request("GET", QStringLiteral("/alerts"));
    QVERIFY2(alerts.body.contains("\"source\":\"store\""), alerts.body.constData());
    QCOMPARE(op.request("GET", QStringLiteral("/presets")).status, 200);
    QVERIFY(m_app.process.state() == QProcess::Running);
    // Back to normal for the tests after this one.
    QVERIFY(m_app.stop());
    m_app.extraArgs.clear();
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QCOMPARE(op.request("POST", QStringLiteral("/presets"),
                        {{QStringLiteral("name"), QStringLiteral("guarded")}})
                 .status,
             201);
}

void TestAppAttacksStore::fileSizeLimitIsRefusedNotFatal() {
    // A wall whose files may not grow past a limit (RLIMIT_FSIZE set before exec, as a full
    // disk or a quota would): saves are refused with 503, the wall keeps running.
    apptest::Wall w;
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    QVERIFY(w.stop());
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    const qint64 limit =
        std::max(QFileInfo(db).size(), QFileInfo(db + QStringLiteral("-wal")).size()) + 512 * 1024;
    w.process.setChildProcessModifier([limit] {
        struct rlimit rl {
            rlim_t(limit), rlim_t(limit)
        };
        ::setrlimit(RLIMIT_FSIZE, &rl);
    });
    QVERIFY2(w.start(&why), qPrintable(why));
    // A big layout document per save, until the files hit the limit.
    QJsonArray tiles;
    for (int i = 0; i < 45; ++i)
        tiles.append(
            QJsonObject{{QStringLiteral("id"), QStringLiteral("t%1").arg(i)},
                        {QStringLiteral("kind"), QStringLiteral("text")},
                        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 10 * i},
                                                             {QStringLiteral("y"), 10},
                                                             {QStringLiteral("width"), 100},
                                                             {QStringLiteral("height"), 100}}},
                        {QStringLiteral("binding"),
                         QJsonObject{{QStringLiteral("text"),
                                      QString(800, QLatin1Char('x')) + QString::number(i)}}}});
    const QJsonObject layout{{QStringLiteral("schemaVersion"), 1},
                             {QStringLiteral("name"), QStringLiteral("big")},
                             {QStringLiteral("tiles"), tiles}};
    // The operators are told: the store's alert reaches every client as an event. (It may be
    // cleared a moment later: a small write, such as the refusal's own audit row, still fits.)
    QWebSocket ws;
    QStringList raised;
    bool hello = false;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&raised, &hello](const QString &m) {
        hello = true;
        const QJsonObject ev = QJsonDocument::fromJson(m.toUtf8()).object();
        if (ev[QStringLiteral("type")].toString() == QLatin1String("alert.raised"))
            raised.append(ev[QStringLiteral("id")].toString() + u' ' +
                          ev[QStringLiteral("source")].toString());
    });
    QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(w.port)));
    req.setRawHeader("Authorization", "Bearer " + w.admin.toUtf8());
    ws.open(req);
    QTRY_VERIFY_WITH_TIMEOUT(hello, 5000);
    int refused = 0;
    for (int i = 0; i < 200 && refused < 3; ++i) {
        const ApiResponse r = w.api("POST", QStringLiteral("/layouts"),
                                    {{QStringLiteral("name"), QStringLiteral("big-%1").arg(i)},
                                     {QStringLiteral("layout"), layout}});
        QVERIFY2(r.status == 201 || r.status == 503,
                 qPrintable(QString::number(r.status) + u' ' + QString::fromUtf8(r.body)));
        if (r.status == 503) {
            ++refused;
            QCOMPARE(jsonOf(r.body)[QStringLiteral("code")].toString(),
                     QStringLiteral("store_unavailable"));
        }
    }
    QVERIFY2(refused >= 3, "the file-size limit was never reached");
    QVERIFY(w.process.state() == QProcess::Running);
    QTRY_VERIFY2_WITH_TIMEOUT(raised.contains(QStringLiteral("store.unavailable store")),
                              qPrintable(raised.join(u',')), 5000);
    QCOMPARE(w.api("GET", QStringLiteral("/status")).status, 200);
    QVERIFY(w.stop());
}

bool TestAppAttacksStore::stoppedWallWithAudit(apptest::Wall &w, QString *why) {
    if (!w.start(why))
        return false;
    for (int i = 0; i < 5; ++i)
        w.api("POST", QStringLiteral("/presets"),
              {{QStringLiteral("name"), QStringLiteral("audit-%1").arg(i)}});
    const apptest::Run v = w.wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
    if (v.exitCode != 0) {
        *why = QString::fromUtf8(v.out + v.err);
        return false;
    }
    if (!w.stop()) {
        *why = QStringLiteral("the wall did not stop cleanly");
        return false;
    }
    return true;
}

bool TestAppAttacksStore::tamperedWhileStopped(apptest::Wall &w, const char *sql, QString *why) {
    if (!stoppedWallWithAudit(w, why))
        return false;
    if (!execSql(w.dir.filePath(QStringLiteral("wall.db")), sql, why)) {
        why->prepend(QStringLiteral("tampering: "));
        return false;
    }
    return w.start(why);
}

QString TestAppAttacksStore::verifyOutput(apptest::Wall &w, bool withAnchor, int *exitCode) {
    QStringList args{QStringLiteral("audit"), QStringLiteral("verify"), QStringLiteral("--json")};
    if (withAnchor)
        args << QStringLiteral("--anchor") << w.dir.filePath(QStringLiteral("audit-anchor.jsonl"));
    const apptest::Run r = w.wallctl(args);
    *exitCode = r.exitCode;
    return QString::fromUtf8(r.out + r.err);
}

void TestAppAttacksStore::auditTailCutWhileStoppedIsFound() {
    apptest::Wall w;
    QString why;
    // Cut the newest two rows and make the head and the id sequence agree, as a careful intruder
    // with the database (but not the key) would.
    QVERIFY2(tamperedWhileStopped(
                 w,
                 "DELETE FROM control_audit WHERE id > (SELECT MAX(id) - 2 FROM control_audit);"
                 "UPDATE control_audit_head SET last_id = (SELECT MAX(id) FROM control_audit), "
                 "last_hash = (SELECT hash FROM control_audit ORDER BY id DESC LIMIT 1);"
                 "UPDATE sqlite_sequence SET seq = (SELECT MAX(id) FROM control_audit) "
                 "WHERE name = 'control_audit';",
                 &why),
             qPrintable(why));
    int rc = 0;
    QString out = verifyOutput(w, false, &rc);
    QVERIFY2(rc != 0 && out.contains(QLatin1String("seal")), qPrintable(out));
    out = verifyOutput(w, true, &rc);
    QVERIFY2(rc != 0, qPrintable(out));
}

void TestAppAttacksStore::auditRewrittenWithRecomputedHashesIsFound() {
    apptest::Wall w;
    QString why;
    QVERIFY2(stoppedWallWithAudit(w, &why), qPrintable(why));
    // Change who did something, then recompute every later link with SHA-256 (the old, unkeyed
    // chain), the head included: without the key the keyed hashes cannot be made.
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    sqlite3 *h = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(db).constData(), &h), SQLITE_OK);
    sqlite3_stmt *st = nullptr;
    QCOMPARE(sqlite3_prepare_v2(h,
                                "SELECT id, time_ms, user, role, via, remote, action, params, ok, "
                                "code, message, result FROM control_audit ORDER BY id",
                                -1, &st, nullptr),
             SQLITE_OK);
    QByteArray prev(32, '\0');
    QList<QPair<qint64, QPair<QByteArray, QByteArray>>> rows; // id, prev, hash
    qint64 editedId = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        auto text = [&](int c) {
            return QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, c)));
        };
        const qint64 id = sqlite3_column_int64(st, 0);
        QString user = text(2);
        if (editedId == 0 && text(6) == QLatin1String("preset.save")) {
            user = QStringLiteral("nobody");
            editedId = id;
        }
        const QJsonObject canon{{QStringLiteral("id"), QString::number(id)},
                                {QStringLiteral("t"), QString::number(sqlite3_column_int64(st, 1))},
                                {QStringLiteral("user"), user},
                                {QStringLiteral("role"), text(3)},
                                {QStringLiteral("via"), text(4)},
                                {QStringLiteral("remote"), text(5)},
                                {QStringLiteral("action"), text(6)},
                                {QStringLiteral("params"), text(7)},
                                {QStringLiteral("ok"), sqlite3_column_int(st, 8) != 0},
                                {QStringLiteral("code"), text(9)},
                                {QStringLiteral("message"), text(10)},
                                {QStringLiteral("result"), text(11)}};
        const QByteArray hash = QCryptographicHash::hash(
            prev + QJsonDocument(canon).toJson(QJsonDocument::Compact), QCryptographicHash::Sha256);
        rows.append({id, {prev, hash}});
        prev = hash;
    }
    sqlite3_finalize(st);
    QVERIFY(editedId > 0);
    QCOMPARE(sqlite3_exec(h,
                          QStringLiteral("UPDATE control_audit SET user='nobody' WHERE id=%1")
                              .arg(editedId)
                              .toUtf8()
                              .constData(),
                          nullptr, nullptr, nullptr),
             SQLITE_OK);
    for (const auto &r : rows) {
        sqlite3_stmt *up = nullptr;
        sqlite3_prepare_v2(h, "UPDATE control_audit SET prev_hash=?, hash=? WHERE id=?", -1, &up,
                           nullptr);
        sqlite3_bind_blob(up, 1, r.second.first.constData(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_blob(up, 2, r.second.second.constData(), 32, SQLITE_TRANSIENT);
        sqlite3_bind_int64(up, 3, r.first);
        QCOMPARE(sqlite3_step(up), SQLITE_DONE);
        sqlite3_finalize(up);
    }
    sqlite3_stmt *head = nullptr;
    sqlite3_prepare_v2(h, "UPDATE control_audit_head SET last_hash=?", -1, &head, nullptr);
    sqlite3_bind_blob(head, 1, prev.constData(), 32, SQLITE_TRANSIENT);
    QCOMPARE(sqlite3_step(head), SQLITE_DONE);
    sqlite3_finalize(head);
    sqlite3_close(h);
    QVERIFY2(w.start(&why), qPrintable(why));
    int rc = 0;
    QString out = verifyOutput(w, false, &rc);
    QVERIFY2(rc != 0, qPrintable(out));
    out = verifyOutput(w, true, &rc);
    QVERIFY2(rc != 0, qPrintable(out));
}

void TestAppAttacksStore::auditWipedWhileStoppedIsFound() {
    apptest::Wall w;
    QString why;
    QVERIFY2(tamperedWhileStopped(w,
                                  "DELETE FROM control_audit; DELETE FROM control_audit_head; "
                                  "DELETE FROM audit_seal; DELETE FROM sqlite_sequence WHERE "
                                  "name='control_audit';",
                                  &why),
             qPrintable(why));
    int rc = 0;
    QString out = verifyOutput(w, true, &rc);
    QVERIFY2(rc != 0 && out.contains(QLatin1String("missing")), qPrintable(out));
    out = verifyOutput(w, false, &rc);
    QVERIFY2(rc != 0, qPrintable(out)); // the wall noticed at start and said so in the log
}

void TestAppAttacksStore::adminTokenPathHeldBySomethingElseIsNotOverwritten() {
    auto firstStart = [](QTemporaryDir &dir, QByteArray *err) {
        QProcess p;
        p.start(QStringLiteral(OPSWALL_PATH),
                {QStringLiteral("--demo"), QStringLiteral("--no-services"), QStringLiteral("--db"),
                 dir.filePath(QStringLiteral("wall.db")), QStringLiteral("--api"),
                 QStringLiteral("127.0.0.1:0"), QStringLiteral("--admin-token-file"),
                 dir.filePath(QStringLiteral("admin-token")), QStringLiteral("-platform"),
                 QStringLiteral("offscreen")});
        if (!p.waitForFinished(30000)) {
            p.kill();
            p.waitForFinished();
            return -1;
        }
        *err = p.readAllStandardError();
        return p.exitCode();
    };
    {
        QTemporaryDir dir;
        QFile notes(dir.filePath(QStringLiteral("admin-token")));
        QVERIFY(notes.open(QIODevice::WriteOnly));
        notes.write("someone's notes, not a token\n");
        notes.close();
        QByteArray err;
        QCOMPARE(firstStart(dir, &err), 1);
        QVERIFY2(err.contains("refusing to overwrite") && err.contains("admin-token"),
                 err.constData());
        QVERIFY(notes.open(QIODevice::ReadOnly));
        QCOMPARE(notes.readAll(), QByteArray("someone's notes, not a token\n"));
    }
    {
        QTemporaryDir dir;
        QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("admin-token")));
        QByteArray err;
        QCOMPARE(firstStart(dir, &err), 1); // a clear error, not an abort
        QVERIFY2(err.contains("is a directory"), err.constData());
    }
}

QTEST_GUILESS_MAIN(TestAppAttacksStore)
#include "tst_app_attacks_store.moc"
