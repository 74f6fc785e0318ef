// One vocabulary and the wall state as one value (issue 12), against the real opswall process
// (offscreen, demo wall and presets; appundertest.h): the audit names the action a refusal names;
// POST /tiles and PATCH /tiles are the dispatcher's tile.add and tile.update; one revision in
// every view, the same after a restart; every view of the wall read from one value; an alert of
// the one model acknowledged over the API with role checks, audit and an event (a store alert,
// raised by a real sqlite3 holding the database's write lock); the tile-kind table.
#include "appundertest.h"
#include "sqlitelock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QWebSocket>

using namespace opswall;
using apptest::ApiResponse;

namespace {
QJsonArray items(const ApiResponse &r) {
    return jsonOf(r.body).value(QStringLiteral("items")).toArray();
}
} // namespace

class TestAppVocabulary : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void theAuditNamesTheActionARefusalNames();
    void postAndPatchTilesAreTheDispatchersActions();
    void oneRevisionInEveryViewAndAfterARestart();
    void everyViewOfTheWallIsOneValue();
    void anAlertIsAcknowledgedWithRoleChecksAuditAndEvent();
    void tileKindsComeFromOneTable();

private:
    apptest::Wall m_app;
    ApiResponse as(Role role, const QByteArray &method, const QString &path,
                   const QJsonObject &body = {}) {
        return m_app.client(m_app.tokens.value(role)).request(method, path, body);
    }
};

void TestAppVocabulary::initTestCase() {
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QVERIFY2(m_app.makeRoleTokens(&why), qPrintable(why));
    QVERIFY(!m_app.recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty());
    QVERIFY(m_app.liveTileIds().contains(QStringLiteral("vc-main")));
}

void TestAppVocabulary::theAuditNamesTheActionARefusalNames() {
    const QJsonObject move{{QStringLiteral("x"), 40}};
    QCOMPARE(as(Role::Viewer, "PATCH", QStringLiteral("/tiles/vc-main"), move).status, 403);
    const ApiResponse done = as(Role::Operator, "PATCH", QStringLiteral("/tiles/vc-main"), move);
    QVERIFY2(done.status == 200, done.body.constData());
    const QJsonArray rows =
        items(m_app.api("GET", QStringLiteral("/audit?action=tile.&order=desc&limit=2")));
    QCOMPARE(rows.size(), qsizetype(2));
    // Both rows name tile.update: the refusal (by the one role check) and the change.
    QCOMPARE(rows[0][QStringLiteral("action")].toString(), QStringLiteral("tile.update"));
    QCOMPARE(rows[0][QStringLiteral("ok")].toBool(), true);
    QCOMPARE(rows[0][QStringLiteral("user")].toString(), QStringLiteral("e2e-operator"));
    QCOMPARE(rows[1][QStringLiteral("action")].toString(), QStringLiteral("tile.update"));
    QCOMPARE(rows[1][QStringLiteral("ok")].toBool(), false);
    QCOMPARE(rows[1][QStringLiteral("error")][QStringLiteral("code")].toString(),
             QStringLiteral("forbidden"));
    QCOMPARE(rows[1][QStringLiteral("user")].toString(), QStringLiteral("e2e-viewer"));
    // The parameters are what the dispatcher applied: the rectangle's x only.
    QCOMPARE(rows[0][QStringLiteral("params")][QStringLiteral("rect")].toObject(),
             (QJsonObject{{QStringLiteral("x"), 40}}));
    // A refused preset recall is audited once, under its own name, with the preset's number.
    const QString preset = m_app.presetId(QStringLiteral("Tổng quan kinh tế"));
    QCOMPARE(as(Role::Viewer, "POST", QStringLiteral("/presets/%1/recall").arg(preset)).status,
             403);
    const QJsonArray recalls =
        items(m_app.api("GET", QStringLiteral("/audit?action=preset.recall&order=desc&limit=1")));
    QCOMPARE(recalls[0][QStringLiteral("error")][QStringLiteral("code")].toString(),
             QStringLiteral("forbidden"));
    QCOMPARE(recalls[0][QStringLiteral("params")][QStringLiteral("id")].toInt(), preset.toInt());
}

void TestAppVocabulary::postAndPatchTilesAreTheDispatchersActions() {
    ApiResponse r = as(Role::Operator, "POST", QStringLiteral("/tiles"),
                       {{QStringLiteral("kind"), QStringLiteral("clock")},
                        {QStringLiteral("x"), 100},
                        {QStringLiteral("y"), 100},
                        {QStringLiteral("width"), 600},
                        {QStringLiteral("height"), 300},
                        {QStringLiteral("options"), QJsonObject{{"label", "Hà Nội"}}}});
    QCOMPARE(r.status, 201);
    const QString id = jsonOf(r.body)[QStringLiteral("id")].toString();
    QVERIFY2(id.startsWith(u't'), r.body.constData());
    QJsonObject tile;
    for (const QJsonValue &t : items(m_app.api("GET", QStringLiteral("/tiles"))))
        if (t[QStringLiteral("id")].toString() == id)
            tile = t.toObject();
    // The kind's default binding (the tile-kind table) under the options given.
    QCOMPARE(tile[QStringLiteral("binding")][QStringLiteral("timeZone")].toString(),
             QStringLiteral("Asia/Ho_Chi_Minh"));
    QCOMPARE(tile[QStringLiteral("binding")][QStringLiteral("label")].toString(),
             QStringLiteral("Hà Nội"));
    // PATCH with part of the rectangle and an option removed: one tile.update.
    r = as(Role::Operator, "PATCH", QStringLiteral("/tiles/") + id,
           {{QStringLiteral("height"), 400},
            {QStringLiteral("options"), QJsonObject{{"label", QJsonValue::Null}}}});
    QVERIFY2(r.status == 200, r.body.constData());
    const QJsonObject after = jsonOf(r.body)[QStringLiteral("tile")].toObject();
    QCOMPARE(after[QStringLiteral("rect")].toObject(),
             (QJsonObject{{QStringLiteral("x"), 100},
                          {QStringLiteral("y"), 100},
                          {QStringLiteral("width"), 600},
                          {QStringLiteral("height"), 400}}));
    QVERIFY(!after[QStringLiteral("binding")].toObject().contains(QStringLiteral("label")));
    // One undo step takes it back.
    QCOMPARE(as(Role::Operator, "POST", QStringLiteral("/layouts/undo")).status, 200);
    for (const QJsonValue &t : items(m_app.api("GET", QStringLiteral("/tiles"))))
        if (t[QStringLiteral("id")].toString() == id)
            QCOMPARE(t[QStringLiteral("rect")][QStringLiteral("height")].toInt(), 300);
    QCOMPARE(as(Role::Operator, "DELETE", QStringLiteral("/tiles/") + id).status, 200);
}

void TestAppVocabulary::oneRevisionInEveryViewAndAfterARestart() {
    auto revisions = [this] {
        return QList<qint64>{
            jsonOf(m_app.api("GET", QStringLiteral("/wall")).body)[QStringLiteral("revision")]
                .toInteger(),
            jsonOf(m_app.api("GET", QStringLiteral("/status")).body)[QStringLiteral("revision")]
                .toInteger(),
            jsonOf(m_app.api("GET", QStringLiteral("/layout")).body)[QStringLiteral("revision")]
                .toInteger()};
    };
    // A change over the WebSocket's eyes: its event and its answer carry the same revision.
    QWebSocket ws;
    QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(m_app.port)));
    req.setRawHeader("Authorization", "Bearer " + m_app.admin.toUtf8());
    QList<QJsonObject> events;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&events](const QString &m) {
        events.append(QJsonDocument::fromJson(m.toUtf8()).object());
    });
    ws.open(req);
    QTRY_VERIFY_WITH_TIMEOUT(ws.state() == QAbstractSocket::ConnectedState, 5000);
    const QString preset = m_app.presetId(QStringLiteral("Tổng quan kinh tế"));
    const ApiResponse r =
        as(Role::Operator, "POST", QStringLiteral("/presets/%1/recall").arg(preset));
    QVERIFY2(r.status == 200, r.body.constData());
    const qint64 revision = jsonOf(r.body)[QStringLiteral("revision")].toInteger();
    QVERIFY(revision > 0);
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty() && events.last()[QStringLiteral("type")] ==
                                                      QStringLiteral("preset.recall"),
                             5000);
    QCOMPARE(events.last()[QStringLiteral("revision")].toInteger(), revision);
    QCOMPARE(revisions(), (QList<qint64>{revision, revision, revision}));
    ws.close();
    // After a restart on the same database the wall shows the same layout at the same revision.
    QVERIFY(m_app.stop());
    QString why;
    QVERIFY2(m_app.start(&why), qPrintable(why));
    QCOMPARE(revisions(), (QList<qint64>{revision, revision, revision}));
    // The next change goes on from it.
    QCOMPARE(as(Role::Operator, "PATCH", QStringLiteral("/tiles/") + m_app.liveTileIds().first(),
                {{QStringLiteral("z"), 7}})
                 .status,
             200);
    QVERIFY(revisions().first() > revision);
}

void TestAppVocabulary::everyViewOfTheWallIsOneValue() {
    const QJsonObject wall = jsonOf(m_app.api("GET", QStringLiteral("/wall")).body);
    const QJsonObject status = jsonOf(m_app.api("GET", QStringLiteral("/status")).body);
    // The configuration, the layout, the states, one revision.
    QVERIFY(!wall[QStringLiteral("displays")].toArray().isEmpty());
    QCOMPARE(wall[QStringLiteral("layout")][QStringLiteral("name")].toString(),
             status[QStringLiteral("layout")].toString());
    QCOMPARE(wall[QStringLiteral("layout")][QStringLiteral("tiles")].toInt(),
             items(m_app.api("GET", QStringLiteral("/tiles"))).size());
    QCOMPARE(wall[QStringLiteral("alerts")].toArray(),
             items(m_app.api("GET", QStringLiteral("/alerts"))));
    QCOMPARE(wall[QStringLiteral("displayStates")].toArray(),
             items(m_app.api("GET", QStringLiteral("/devices"))));
    QVERIFY(wall[QStringLiteral("streams")].isArray());
    QCOMPARE(status[QStringLiteral("displays")].toInt(),
             wall[QStringLiteral("displays")].toArray().size());
    for (const char *k :
         {"alerts", "alertsUnacknowledged", "displaysOn", "streams", "streamsPlaying"})
        QVERIFY2(status.contains(QLatin1String(k)), k);
    // Each display's state says its health (no controllers in this run: unmonitored or unknown).
    for (const QJsonValue &d : wall[QStringLiteral("displayStates")].toArray())
        QVERIFY2(!d[QStringLiteral("health")].toString().isEmpty(),
                 QJsonDocument(d.toObject()).toJson().constData());
}

void TestAppVocabulary::anAlertIsAcknowledgedWithRoleChecksAuditAndEvent() {
    const QString db = m_app.dir.filePath(QStringLiteral("wall.db"));
    // A real sqlite3 holds the write lock (a backup, a shell): the wall's next write is refused
    // and the store raises its alert.
    QProcess shell;
    QVERIFY(apptest::holdWriteLock(shell, db));
    QTRY_VERIFY_WITH_TIMEOUT(as(Role::Operator, "POST", QStringLiteral("/presets"),
                                {{QStringLiteral("name"), QStringLiteral("while-locked")}})
                                     .status == 503,
                             5000);
    QJsonObject alert;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QJsonValue &a : items(as(Role::Viewer, "GET", QStringLiteral("/alerts"))))
                if (a[QStringLiteral("id")].toString() == QLatin1String("store.unavailable"))
                    alert = a.toObject();
            return !alert.isEmpty();
        }(),
        5000);
    QCOMPARE(alert[QStringLiteral("source")].toString(), QStringLiteral("store"));
    QCOMPARE(alert[QStringLiteral("acknowledged")].toBool(), false);
    const QString ack = QStringLiteral("/alerts/store.unavailable/ack");
    QWebSocket ws; // the acknowledgement is an event to every client
    QList<QJsonObject> events;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&events](const QString &m) {
        events.append(QJsonDocument::fromJson(m.toUtf8()).object());
    });
    QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(m_app.port)));
    req.setRawHeader("Authorization", "Bearer " + m_app.tokens.value(Role::Viewer).toUtf8());
    ws.open(req);
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 5000); // hello
    // Viewers and leaders may not; an operator may, once.
    QCOMPARE(as(Role::Viewer, "POST", ack, {{QStringLiteral("note"), QStringLiteral("x")}}).status,
             403);
    QCOMPARE(as(Role::Leader, "POST", ack).status, 403);
    ApiResponse r = as(Role::Operator, "POST", ack,
                       {{QStringLiteral("note"), QStringLiteral("backup running")}});
    QVERIFY2(r.status == 200, r.body.constData());
    QCOMPARE(jsonOf(r.body)[QStringLiteral("alert")][QStringLiteral("acknowledgedBy")].toString(),
             QStringLiteral("e2e-operator"));
    QTRY_VERIFY_WITH_TIMEOUT(
        events.last()[QStringLiteral("type")].toString() == QLatin1String("alert.ack"), 5000);
    QCOMPARE(events.last()[QStringLiteral("id")].toString(), QStringLiteral("store.unavailable"));
    QCOMPARE(events.last()[QStringLiteral("by")].toString(), QStringLiteral("e2e-operator"));
    r = as(Role::Technician, "POST", ack);
    QCOMPARE(r.status, 409);
    QCOMPARE(as(Role::Operator, "POST", QStringLiteral("/alerts/device.nothing/ack")).status, 404);
    // Every view shows it acknowledged, with the note.
    bool seen = false;
    for (const QJsonValue &a :
         jsonOf(m_app.api("GET", QStringLiteral("/wall")).body)[QStringLiteral("alerts")].toArray())
        if (a[QStringLiteral("id")].toString() == QLatin1String("store.unavailable")) {
            seen = true;
            QCOMPARE(a[QStringLiteral("acknowledgedBy")].toString(),
                     QStringLiteral("e2e-operator"));
            QCOMPARE(a[QStringLiteral("note")].toString(), QStringLiteral("backup running"));
        }
    QVERIFY(seen);
    // The other sources' alerts of this wall (indicator alerts of the demo data) are in the same
    // model. Theirs is kept with the feed's alert, in the store: refused while it is locked,
    // clearly, and nothing changes.
    auto unacknowledged = [this] {
        QStringList ids;
        for (const QJsonValue &a : items(m_app.api("GET", QStringLiteral("/alerts"))))
            if (!a[QStringLiteral("acknowledged")].toBool())
                ids.append(a[QStringLiteral("id")].toString());
        return ids;
    };
    const QStringList open = unacknowledged();
    QVERIFY(!open.contains(QStringLiteral("store.unavailable")));
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)
                 .value(QStringLiteral("alertsUnacknowledged"))
                 .toInt(),
             open.size());
    qInfo("other open alerts: %s", qPrintable(open.join(QStringLiteral(", "))));
    for (const QString &id : open)
        if (id.startsWith(QLatin1String("indicator."))) {
            r = as(Role::Technician, "POST", QStringLiteral("/alerts/%1/ack").arg(id));
            QCOMPARE(r.status, 503);
            QCOMPARE(jsonOf(r.body)[QStringLiteral("code")].toString(),
                     QStringLiteral("store_unavailable"));
        }
    QCOMPARE(unacknowledged(), open);
    // The lock goes; the alert with it; the refusals and the acknowledgement are in the audit
    // (written when the store is back), under alert.ack.
    shell.write("ROLLBACK;\n.quit\n");
    QVERIFY(shell.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(as(Role::Operator, "POST", QStringLiteral("/presets"),
                                {{QStringLiteral("name"), QStringLiteral("after-lock")}})
                                     .status == 201,
                             10000);
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_app.api("GET", QStringLiteral("/alerts")).body.contains("store.unavailable"), 10000);
    QJsonArray audit;
    QTRY_VERIFY_WITH_TIMEOUT(
        (audit = items(m_app.api("GET", QStringLiteral("/audit?action=alert.ack&limit=50"))))
                .size() >= 4,
        10000);
    QStringList outcomes;
    for (const QJsonValue &row : audit)
        outcomes.append(row[QStringLiteral("user")].toString() + u' ' +
                        (row[QStringLiteral("ok")].toBool()
                             ? QStringLiteral("ok")
                             : row[QStringLiteral("error")][QStringLiteral("code")].toString()));
    for (const char *want : {"e2e-viewer forbidden", "e2e-leader forbidden", "e2e-operator ok",
                             "e2e-technician conflict"})
        QVERIFY2(outcomes.contains(QLatin1String(want)), qPrintable(outcomes.join(", ")));
    // With the store back, every other source's alert is acknowledged the same way (wallctl).
    for (const QString &id : open) {
        const apptest::Run run = m_app.wallctl({QStringLiteral("alert"), QStringLiteral("ack"), id,
                                                QStringLiteral("--note"), QStringLiteral("seen")},
                                               m_app.tokens.value(Role::Technician));
        QVERIFY2(run.exitCode == 0, run.err.constData());
    }
    QVERIFY(unacknowledged().isEmpty());
    QCOMPARE(jsonOf(m_app.api("GET", QStringLiteral("/status")).body)
                 .value(QStringLiteral("alertsUnacknowledged"))
                 .toInt(),
             0);
    QCOMPARE(m_app.wallctl({QStringLiteral("audit"), QStringLiteral("verify")}).exitCode, 0);
}

void TestAppVocabulary::tileKindsComeFromOneTable() {
    const QJsonArray kinds = items(as(Role::Viewer, "GET", QStringLiteral("/tile-kinds")));
    QStringList names;
    for (const QJsonValue &k : kinds) {
        names.append(k[QStringLiteral("kind")].toString());
        // This build has every module: every kind is drawn by its own component.
        QVERIFY2(k[QStringLiteral("drawn")].toBool(), qPrintable(names.last()));
        QVERIFY(k[QStringLiteral("defaultBinding")].isObject());
    }
    for (const char *k : {"text", "clock", "image", "color", "chart", "bar", "kpi", "table",
                          "alerts", "map", "video", "projects"})
        QVERIFY2(names.contains(QLatin1String(k)), k);
    // A kind not in the table is refused by name.
    const ApiResponse r = as(Role::Operator, "POST", QStringLiteral("/tiles"),
                             {{QStringLiteral("kind"), QStringLiteral("hologram")},
                              {QStringLiteral("x"), 0},
                              {QStringLiteral("y"), 0},
                              {QStringLiteral("width"), 10},
                              {QStringLiteral("height"), 10}});
    QCOMPARE(r.status, 400);
    QCOMPARE(jsonOf(r.body)[QStringLiteral("field")].toString(), QStringLiteral("tile.kind"));
}

QTEST_GUILESS_MAIN(TestAppVocabulary)
#include "tst_app_vocabulary.moc"
