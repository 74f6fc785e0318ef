// One vocabulary and the wall state as one value (issue 12): the dispatcher takes the API's
// tile.add and tile.update as the router emits them, checks the role once, publishes one
// persistent revision; the tile-kind table; the one alert model behind alert.ack. On a real
// WallStore (a temporary SQLite file); alert sources are functions here (unit test).

#include "dispatcherfixture.h"

#include "wall/alertboard.h"
#include "wall/tilekinds.h"
#include "wall/wallvalue.h"

namespace opswall::wall::testing {

class TestWallVocabulary : public QObject, protected DispatcherFixture {
    Q_OBJECT
private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void tileAddWithoutIdPicksAFreeOneAndTheKindsDefaults();
    void tileUpdateMergesPartOfTheRectAndOptions();
    void oneRevisionIsTheHistoryRowAndSurvivesARestart();
    void theRoleIsCheckedOnceBeforeTheGate();
    void tileKindTableServesValidationAndComponents();
    void alertsOfEverySourceAreOneList();
    void alertAckIsCheckedAuditedAndPublished();
    void alertAckRefusals();
    void wallValueViews();
};

void TestWallVocabulary::tileAddWithoutIdPicksAFreeOneAndTheKindsDefaults() {
    QVERIFY(add(QStringLiteral("t1"), 0, 0));
    // POST /tiles as router.cpp emits it: no id, an empty binding.
    const QJsonObject tile{
        {"kind", "clock"},
        {"rect", QJsonObject{{"x", 500}, {"y", 0}, {"width", 300}, {"height", 200}}},
        {"binding", QJsonObject{{"label", "Hà Nội"}}}};
    ActionResult r = m_dispatcher->dispatch(act("tile.add", {{"tile", tile}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data.value("id").toString(), QStringLiteral("t2")); // t1 is taken
    const Tile *t = m_state->layout().tile(QStringLiteral("t2"));
    QVERIFY(t);
    // The kind's default binding (tilekinds.cpp) under what was given.
    QCOMPARE(t->binding.value("timeZone").toString(), QStringLiteral("Asia/Ho_Chi_Minh"));
    QCOMPARE(t->binding.value("label").toString(), QStringLiteral("Hà Nội"));
    // A text tile still needs its text: the defaults fill only what has a sensible default.
    r = m_dispatcher->dispatch(
        act("tile.add",
            {{"tile",
              QJsonObject{
                  {"kind", "text"},
                  {"rect", QJsonObject{{"x", 0}, {"y", 300}, {"width", 300}, {"height", 200}}}}}}),
        kOperator);
    QVERIFY(!r.ok);
    QCOMPARE(r.field, QStringLiteral("tile.binding.text"));
    // A binding of the wrong type is still refused, naming it.
    r = m_dispatcher->dispatch(
        act("tile.add",
            {{"tile",
              QJsonObject{
                  {"kind", "text"},
                  {"binding", "x"},
                  {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", 9}, {"height", 9}}}}}}),
        kOperator);
    QVERIFY(!r.ok);
    QCOMPARE(r.field, QStringLiteral("tile.binding"));
}

void TestWallVocabulary::tileUpdateMergesPartOfTheRectAndOptions() {
    QVERIFY(add(QStringLiteral("a"), 100, 100));
    // PATCH /tiles/a {"x": 150, "options": {"align": "center", "color": null}}
    ActionResult r = m_dispatcher->dispatch(
        act("tile.update",
            {{"id", "a"},
             {"rect", QJsonObject{{"x", 150}}},
             {"options", QJsonObject{{"align", "center"}, {"sizeMm", QJsonValue::Null}}}}),
        kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    const Tile *t = m_state->layout().tile(QStringLiteral("a"));
    QCOMPARE(t->rectMm, QRectF(150, 100, 400, 200)); // y, width, height stay
    QCOMPARE(t->binding.value("align").toString(), QStringLiteral("center"));
    QCOMPARE(t->binding.value("text").toString(), QStringLiteral("text of a")); // kept
    // A null option removes the key.
    r = m_dispatcher->dispatch(
        act("tile.update", {{"id", "a"}, {"options", QJsonObject{{"align", QJsonValue::Null}}}}),
        kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QVERIFY(!m_state->layout().tile(QStringLiteral("a"))->binding.contains("align"));
    // Wrong shapes are refused with the field, and nothing changes.
    r = m_dispatcher->dispatch(act("tile.update", {{"id", "a"}, {"options", 3}}), kOperator);
    QCOMPARE(r.field, QStringLiteral("options"));
    r = m_dispatcher->dispatch(
        act("tile.update", {{"id", "a"}, {"rect", QJsonObject{{"depth", 3}}}}), kOperator);
    QVERIFY(!r.ok);
    QCOMPARE(m_state->layout().tile(QStringLiteral("a"))->rectMm, QRectF(150, 100, 400, 200));
}

void TestWallVocabulary::oneRevisionIsTheHistoryRowAndSurvivesARestart() {
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    QVERIFY(add(QStringLiteral("a"), 100, 100));
    QVERIFY(add(QStringLiteral("b"), 600, 100));
    const ActionResult r = m_dispatcher->dispatch(
        act("tile.update", {{"id", "a"}, {"rect", QJsonObject{{"y", 300}}}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    const qint64 row = m_store->lastLiveRevision();
    QVERIFY(row >= 3);
    // The result, the event and the live state name one number: the history row.
    QCOMPARE(r.data.value("revision").toInteger(), row);
    QCOMPARE(events.last()[0].toJsonObject().value("revision").toInteger(), row);
    QCOMPARE(qint64(m_state->revision()), row);
    // An action that changes no layout publishes the same revision.
    const ActionResult saved =
        m_dispatcher->dispatch(act("preset.save", {{"name", "p"}}), kOperator);
    QVERIFY2(saved.ok, describe(saved).constData());
    QCOMPARE(events.last()[0].toJsonObject().value("revision").toInteger(), row);
    // A restart (a new store and state over the same file) starts from it, and goes on from it.
    m_dispatcher.reset();
    m_state.reset();
    m_store = std::make_unique<store::WallStore>(*m_db);
    m_state = std::make_unique<WallState>(testsupport::demoWall());
    QVERIFY(m_store->lastLiveLayout());
    m_state->setLayout(*m_store->lastLiveLayout());
    m_state->adoptRevision(quint64(m_store->lastLiveRevision()));
    QCOMPARE(qint64(m_state->revision()), row);
    m_dispatcher = std::make_unique<Dispatcher>(*m_state, m_store.get());
    QVERIFY(add(QStringLiteral("c"), 100, 600));
    QVERIFY(qint64(m_state->revision()) > row);
    QCOMPARE(qint64(m_state->revision()), m_store->lastLiveRevision());
    // The revision never goes back.
    m_state->adoptRevision(1);
    QCOMPARE(qint64(m_state->revision()), m_store->lastLiveRevision());
}

void TestWallVocabulary::theRoleIsCheckedOnceBeforeTheGate() {
    int gateCalls = 0;
    QStringList audited;
    m_dispatcher->setGate([&](const Action &, const Caller &) -> std::optional<ActionResult> {
        ++gateCalls;
        return std::nullopt;
    });
    m_dispatcher->setAuditHook([&](const Caller &, const Action &a, const ActionResult &r) {
        audited.append(a.type + u' ' + (r.ok ? QStringLiteral("ok") : r.code));
    });
    // A viewer's tile.update: refused by the role table; the gate (the lock) is not asked.
    const QJsonObject update{{"id", "a"}, {"rect", QJsonObject{{"x", 1}}}};
    ActionResult r = m_dispatcher->dispatch(act("tile.update", update), kViewer);
    QCOMPARE(r.code, QStringLiteral("forbidden"));
    QVERIFY2(r.message.contains("may not tile.update"), qPrintable(r.message));
    QCOMPARE(gateCalls, 0);
    QVERIFY(add(QStringLiteral("a"), 100, 100));
    QCOMPARE(gateCalls, 1);
    r = m_dispatcher->dispatch(act("tile.update", update), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(gateCalls, 2);
    // The audit names the action the caller sent, refused or applied.
    QCOMPARE(audited, (QStringList{"tile.update forbidden", "tile.add ok", "tile.update ok"}));
    // No role, an unknown action: the same one check.
    QCOMPARE(m_dispatcher->dispatch(act("tile.update", update), Caller{}).code,
             QStringLiteral("unauthenticated"));
    QCOMPARE(m_dispatcher->dispatch(act("tile.teleport", update), kAdmin).code,
             QStringLiteral("unknown_action"));
    QCOMPARE(gateCalls, 2);
}

void TestWallVocabulary::tileKindTableServesValidationAndComponents() {
    // Every kind of the table, and only those, is known to layouts.
    QStringList names;
    for (const TileKind &k : tileKinds())
        names.append(QString::fromLatin1(k.name));
    QCOMPARE(knownTileKinds(), names);
    QVERIFY(names.contains("map") && names.contains("video") && names.contains("text"));
    // The built-in kinds are drawn by OpsWall.Wall in every build; the others by their module.
    const QVariantMap bare = tileComponents({});
    QCOMPARE(bare.value("text").toString(), QStringLiteral("qrc:/OpsWall/Wall/TextTile.qml"));
    QVERIFY(!bare.contains("video"));
    QVERIFY(!bare.contains("map"));
    const QVariantMap all = tileComponents({"indicators", "video", "maps"});
    for (const QString &k : names)
        QVERIFY2(all.value(k).toString().startsWith("qrc:/OpsWall/"), qPrintable(k));
    // A map is drawn with indicators when both modules are built, else by the maps module.
    QCOMPARE(all.value("map").toString(),
             QStringLiteral("qrc:/OpsWall/Indicators/IndicatorMapTile.qml"));
    QCOMPARE(tileComponents({"maps"}).value("map").toString(),
             QStringLiteral("qrc:/OpsWall/Maps/MapTile.qml"));
    QVERIFY(!tileComponents({"indicators"}).contains("map"));
    // Validation comes from the table: a tile with its kind's default binding is valid, except
    // where the kind needs what it cannot guess (a text, a source); the field is named.
    for (const QString &k : names) {
        Tile t;
        t.id = QStringLiteral("x");
        t.kind = k;
        t.rectMm = {0, 0, 100, 100};
        t.binding = defaultBinding(k);
        const QList<Issue> issues = validateTile(t, QStringLiteral("tile"));
        if (k == QLatin1String("image") || k == QLatin1String("video") ||
            k == QLatin1String("text")) {
            QVERIFY2(!issues.isEmpty(), qPrintable(k));
            QCOMPARE(issues.first().path, k == QLatin1String("text")
                                              ? QStringLiteral("tile.binding.text")
                                              : QStringLiteral("tile.binding.source"));
        } else {
            QVERIFY2(issues.isEmpty(), qPrintable(k + u' ' + issues.value(0).toString()));
        }
    }
    Tile bad;
    bad.id = QStringLiteral("x");
    bad.kind = QStringLiteral("text");
    bad.rectMm = {0, 0, 100, 100};
    bad.binding = {{"text", "a"}, {"align", "diagonal"}};
    QCOMPARE(validateTile(bad, QStringLiteral("t")).value(0).path,
             QStringLiteral("t.binding.align"));
    bad.kind = QStringLiteral("hologram");
    QCOMPARE(validateTile(bad, QStringLiteral("t")).value(0).path, QStringLiteral("t.kind"));
    // The API's list.
    const QJsonArray json = tileKindsJson({});
    QCOMPARE(json.size(), names.size());
    for (const QJsonValue &v : json)
        QCOMPARE(v["drawn"].toBool(), bare.contains(v["kind"].toString()));
}

namespace {
WallAlert alert(const QString &id, const char *severity, const QDateTime &since) {
    WallAlert a;
    a.id = id;
    a.severity = QString::fromLatin1(severity);
    a.message = QStringLiteral("alert ") + id;
    a.since = since;
    return a;
}
} // namespace

void TestWallVocabulary::alertsOfEverySourceAreOneList() {
    const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    AlertBoard board;
    QList<WallAlert> device{alert("r1c1.overheat", "critical", t0)};
    QList<WallAlert> indicator{alert("12", "warning", t0.addSecs(60))};
    board.addSource({"device", [&] { return device; }, {}});
    board.addSource({"indicator", [&] { return indicator; }, {}});
    const QList<WallAlert> all = board.alerts();
    QCOMPARE(all.size(), 2);
    QCOMPARE(all[0].id, QStringLiteral("indicator.12")); // newest first
    QCOMPARE(all[0].source, QStringLiteral("indicator"));
    QCOMPARE(all[1].id, QStringLiteral("device.r1c1.overheat"));
    QCOMPARE(all[1].toJson().value("acknowledged").toBool(), false);
    device.clear();
    QCOMPARE(board.alerts().size(), 1);
}

void TestWallVocabulary::alertAckIsCheckedAuditedAndPublished() {
    const QDateTime t0 = QDateTime::fromSecsSinceEpoch(1'800'000'000, Qt::UTC);
    AlertBoard board;
    QList<WallAlert> device{alert("r1c1.overheat", "critical", t0)};
    // Indicator alerts keep their acknowledgement with their feed: the source's own ack.
    QList<WallAlert> indicator{alert("12", "warning", t0)};
    QString ackedBy;
    board.addSource({"device", [&] { return device; }, {}});
    board.addSource({"indicator", [&] { return indicator; },
                     [&](const QString &id, const Caller &c, const QString &) {
                         if (id != QLatin1String("12") || !indicator[0].acknowledgedBy.isEmpty())
                             return false;
                         indicator[0].acknowledgedBy = c.user;
                         ackedBy = c.user;
                         return true;
                     }});
    m_dispatcher->addHandler(QStringLiteral("alert."), [&board](const Action &a, const Caller &c) {
        return board.acknowledge(a.params, c);
    });
    QStringList audited;
    m_dispatcher->setAuditHook([&](const Caller &, const Action &a, const ActionResult &r) {
        audited.append(a.type + u' ' + (r.ok ? QStringLiteral("ok") : r.code));
    });
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    // Viewers and leaders may not acknowledge (permission table: operator, technician, admin).
    const Action ack = act("alert.ack", {{"id", "device.r1c1.overheat"}, {"note", "fan ordered"}});
    QCOMPARE(m_dispatcher->dispatch(ack, kViewer).code, QStringLiteral("forbidden"));
    QCOMPARE(m_dispatcher->dispatch(ack, kLeader).code, QStringLiteral("forbidden"));
    QCOMPARE(events.size(), 0);
    ActionResult r = m_dispatcher->dispatch(ack, kTechnician);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data.value("alert")["acknowledgedBy"].toString(), QStringLiteral("tech"));
    QCOMPARE(r.data.value("alert")["note"].toString(), QStringLiteral("fan ordered"));
    QCOMPARE(events.size(), 1);
    const QJsonObject ev = events[0][0].toJsonObject();
    QCOMPARE(ev.value("type").toString(), QStringLiteral("alert.ack"));
    QCOMPARE(ev.value("id").toString(), QStringLiteral("device.r1c1.overheat"));
    QCOMPARE(ev.value("by").toString(), QStringLiteral("tech"));
    // The list shows it acknowledged; a second acknowledgement is a conflict.
    for (const WallAlert &a : board.alerts())
        QCOMPARE(a.acknowledgedBy,
                 a.source == QLatin1String("device") ? QStringLiteral("tech") : QString());
    QCOMPARE(m_dispatcher->dispatch(ack, kOperator).code, QStringLiteral("conflict"));
    // The same condition raised again (a new "since") wants a new acknowledgement.
    device[0].since = t0.addSecs(600);
    QVERIFY(!board.alerts().first().acknowledged());
    QVERIFY(m_dispatcher->dispatch(ack, kOperator).ok);
    // An indicator alert by its full id or by its number (as the API numbered them before).
    r = m_dispatcher->dispatch(act("alert.ack", {{"id", "12"}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(ackedBy, QStringLiteral("alice"));
    QCOMPARE(r.data.value("id").toString(), QStringLiteral("indicator.12"));
    QCOMPARE(audited, (QStringList{"alert.ack forbidden", "alert.ack forbidden", "alert.ack ok",
                                   "alert.ack conflict", "alert.ack ok", "alert.ack ok"}));
}

void TestWallVocabulary::alertAckRefusals() {
    AlertBoard board;
    board.addSource({"store",
                     [] {
                         return QList<WallAlert>{
                             alert("unavailable", "critical", QDateTime::currentDateTimeUtc())};
                     },
                     {}});
    const Caller op = kOperator;
    QCOMPARE(board.acknowledge({{"id", "device.nothing"}}, op).code, QStringLiteral("not_found"));
    QCOMPARE(board.acknowledge({{"id", "device.nothing"}}, op).field, QStringLiteral("id"));
    QCOMPARE(board.acknowledge({}, op).code, QStringLiteral("invalid"));
    QCOMPARE(board.acknowledge({{"id", "store.unavailable"}, {"note", 5}}, op).field,
             QStringLiteral("note"));
    QCOMPARE(
        board.acknowledge({{"id", "store.unavailable"}, {"note", QString(501, u'x')}}, op).code,
        QStringLiteral("invalid"));
    QVERIFY(!board.alerts().first().acknowledged()); // nothing changed
    QVERIFY(board.acknowledge({{"id", "store.unavailable"}}, op).ok);
}

void TestWallVocabulary::wallValueViews() {
    QVERIFY(add(QStringLiteral("a"), 100, 100));
    WallValue v;
    v.wall = m_state->wall();
    v.layout = m_state->layout();
    v.revision = m_state->revision();
    v.displays.append(DisplayState::fromDeviceRow({{"display", "r1c1"},
                                                   {"bound", true},
                                                   {"polled", true},
                                                   {"reachable", true},
                                                   {"power", "on"},
                                                   {"input", "hdmi1"},
                                                   {"alertSeverity", QJsonValue::Null}}));
    v.displays.append(DisplayState::fromDeviceRow(
        {{"display", "r1c2"}, {"bound", true}, {"polled", true}, {"reachable", false}}));
    v.displays.append(DisplayState::fromDeviceRow({{"display", "r1c3"}, {"bound", false}}));
    v.alerts.append(alert("device.r1c2.unreachable", "critical", QDateTime::currentDateTimeUtc()));
    v.streams.append({QStringLiteral("cam1"), QStringLiteral("Playing"), {}});
    QCOMPARE(v.displays[0].health, QStringLiteral("ok"));
    QCOMPARE(v.displays[1].health, QStringLiteral("unreachable"));
    QCOMPARE(v.displays[2].health, QStringLiteral("unmonitored"));
    const QJsonObject status = v.statusJson();
    QCOMPARE(status.value("revision").toInteger(), qint64(m_state->revision()));
    QCOMPARE(status.value("displaysOn").toInt(), 1);
    QCOMPARE(status.value("displaysUnhealthy").toInt(), 1);
    QCOMPARE(status.value("alertsUnacknowledged").toInt(), 1);
    QCOMPARE(status.value("streamsPlaying").toInt(), 1);
    for (auto it = status.begin(); it != status.end(); ++it)
        QVERIFY2(!it->isObject() && !it->isArray(), qPrintable(it.key())); // flat, for AV systems
    const QJsonObject wall = v.toJson();
    QCOMPARE(wall.value("revision").toInteger(), qint64(m_state->revision()));
    QCOMPARE(wall.value("displayStates").toArray().size(), qsizetype(3));
    QCOMPARE(wall.value("alerts").toArray().at(0)["id"].toString(),
             QStringLiteral("device.r1c2.unreachable"));
    QCOMPARE(wall.value("streams").toArray().at(0)["state"].toString(), QStringLiteral("Playing"));
    QCOMPARE(wall.value("displays").toArray().size(), m_state->wall().displays.size());
    QCOMPARE(v.tilesJson().size(), 1);
}

} // namespace opswall::wall::testing

QTEST_GUILESS_MAIN(opswall::wall::testing::TestWallVocabulary)
#include "tst_wall_vocabulary.moc"
