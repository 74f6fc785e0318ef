// The action dispatcher on a real WallStore (a temporary SQLite file): tile edits and their
// signals and events, parameter validation, undo/redo, presets, roles, staging, the audit hook,
// the gate and the live layout history.

#include "store/wallstore.h"
#include "wall/dispatcher.h"
#include "wall/permissions.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

namespace opswall::wall {

namespace {

const Caller kOperator{QStringLiteral("alice"), Role::Operator, QStringLiteral("10.0.0.5:4242"),
                       QStringLiteral("console")};
const Caller kLeader{QStringLiteral("minister"), Role::Leader, QStringLiteral("local"),
                     QStringLiteral("panel")};
const Caller kViewer{QStringLiteral("guest"), Role::Viewer, QStringLiteral("local"),
                     QStringLiteral("api")};
const Caller kTechnician{QStringLiteral("tech"), Role::Technician, QStringLiteral("local"),
                         QStringLiteral("wallctl")};
const Caller kAdmin{QStringLiteral("root"), Role::Admin, QStringLiteral("local"),
                    QStringLiteral("api")};

// The demo wall: 4 × 3 panels of 1213.1 × 683.9 mm, canvas 4852.4 × 2051.7 mm.
Wall demoGrid() {
    GridSpec spec;
    spec.rows = 3;
    spec.cols = 4;
    spec.activeMm = {1209.6, 680.4};
    spec.bezelMm = {2.3, 2.3, 1.2, 1.2};
    spec.outputCount = 2;
    return makeGrid(spec, QStringLiteral("demo"));
}

QJsonObject textTile(const QString &id, double x, double y, double w = 400, double h = 200,
                     int z = 0) {
    return {{"id", id},
            {"kind", "text"},
            {"title", "Tile " + id},
            {"rect", QJsonObject{{"x", x}, {"y", y}, {"width", w}, {"height", h}}},
            {"z", z},
            {"binding", QJsonObject{{"text", "text of " + id}}}};
}

Action act(const char *type, QJsonObject params = {}) {
    return {QString::fromLatin1(type), std::move(params)};
}

QByteArray describe(const ActionResult &r) {
    return QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact);
}

} // namespace

#define DISPATCH_OK(action, caller)                                                                \
    do {                                                                                           \
        const ActionResult r_ = m_dispatcher->dispatch((action), (caller));                        \
        QVERIFY2(r_.ok, describe(r_).constData());                                                 \
    } while (false)

class TestDispatcher : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void tileAddEmitsTileAddedAndEvent();
    void tileMoveChangesPositionOnly();
    void tileResizeChangesSizeOnly();
    void tileRaiseAndLowerReorderStacking();
    void tileUpdateChangesTitleAndBindingKeepsKind();
    void tileRemoveEmitsTileRemoved();
    void invalidParamsAreRefusedWithTheField_data();
    void invalidParamsAreRefusedWithTheField();
    void tileResizeToZeroNamesTheWidthParameter();
    void tileUpdateOfKindIsRefused();
    void layoutSetReplacesWholeLayout();
    void undoRedoRestoreExactLayouts();
    void newEditClearsRedo();
    void undoDepthIsBounded();
    void presetSaveCreatesNewPreset();
    void presetSaveUnderSameNameMakesRevision();
    void presetRecallByIdAndByName();
    void presetDeleteRemovesIt();
    void leadersRecallOnlyPresetsForLeaders();
    void viewersAreRefusedEverything();
    void unknownActionTypeIsRefused();
    void callerWithoutRoleIsRefused();
    void stagePublishDiscard();
    void auditHookSeesEveryAction();
    void gateCanRefuse();
    void liveLayoutHistoryReturnsPastLayout();
    void bezelCompensationIsForTechniciansAndPersists();

private:
    // Adds tile id at (x, y) as the operator.
    bool add(const QString &id, double x, double y, int z = 0) {
        return m_dispatcher
            ->dispatch(act("tile.add", {{"tile", textTile(id, x, y, 400, 200, z)}}), kOperator)
            .ok;
    }
    int savePresetInStore(const QString &name, const QStringList &tileIds, bool forLeaders) {
        Layout l;
        l.name = name;
        double x = 50;
        for (const QString &id : tileIds) {
            Tile t;
            t.id = id;
            t.kind = QStringLiteral("color");
            t.rectMm = {x, 50, 300, 300};
            t.binding = {{"color", "#336699"}};
            l.tiles.append(t);
            x += 400;
        }
        return m_store->savePreset(std::nullopt, name, l, forLeaders);
    }

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<store::WallStore> m_store;
    std::unique_ptr<WallState> m_state;
    std::unique_ptr<Dispatcher> m_dispatcher;
};

void TestDispatcher::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = std::make_unique<store::Database>(m_dir->filePath(QStringLiteral("wall.db")));
    m_store = std::make_unique<store::WallStore>(*m_db);
    m_state = std::make_unique<WallState>(demoGrid());
    m_dispatcher = std::make_unique<Dispatcher>(*m_state, m_store.get());
}

void TestDispatcher::cleanup() {
    m_dispatcher.reset();
    m_state.reset();
    m_store.reset();
    m_db.reset();
    m_dir.reset();
}

void TestDispatcher::tileAddEmitsTileAddedAndEvent() {
    QSignalSpy added(m_state.get(), &WallState::tileAdded);
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    const quint64 before = m_state->revision();
    const ActionResult r =
        m_dispatcher->dispatch(act("tile.add", {{"tile", textTile("a", 100, 100)}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data.value("id").toString(), QStringLiteral("a"));
    QCOMPARE(added.size(), 1);
    QCOMPARE(added[0][0].toString(), QStringLiteral("a"));
    const Tile *t = m_state->layout().tile(QStringLiteral("a"));
    QVERIFY(t);
    QCOMPARE(t->rectMm, QRectF(100, 100, 400, 200));
    QCOMPARE(t->title, QStringLiteral("Tile a"));
    QCOMPARE(t->binding.value("text").toString(), QStringLiteral("text of a"));
    QCOMPARE(m_state->revision(), before + 1);
    QCOMPARE(events.size(), 1);
    const QJsonObject ev = events[0][0].toJsonObject();
    QCOMPARE(ev.value("type").toString(), QStringLiteral("tile.add"));
    QCOMPARE(ev.value("by").toString(), QStringLiteral("alice"));
    QCOMPARE(ev.value("role").toString(), QStringLiteral("operator"));
    QCOMPARE(ev.value("via").toString(), QStringLiteral("console"));
    QCOMPARE(ev.value("id").toString(), QStringLiteral("a"));
    QCOMPARE(ev.value("revision").toInteger(), qint64(m_state->revision()));
    QVERIFY(m_dispatcher->canUndo());
}

void TestDispatcher::tileMoveChangesPositionOnly() {
    QVERIFY(add("a", 100, 100));
    QSignalSpy changed(m_state.get(), &WallState::tileChanged);
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 1500.5}, {"y", 700}}), kOperator);
    QCOMPARE(m_state->layout().tile("a")->rectMm, QRectF(1500.5, 700, 400, 200));
    QCOMPARE(changed.size(), 1);
    QCOMPARE(changed[0][0].toString(), QStringLiteral("a"));
    QCOMPARE(events.size(), 1);
    const QJsonObject ev = events[0][0].toJsonObject();
    QCOMPARE(ev.value("type").toString(), QStringLiteral("tile.move"));
    QCOMPARE(ev.value("tile").toObject().value("rect").toObject().value("x").toDouble(), 1500.5);
}

void TestDispatcher::tileResizeChangesSizeOnly() {
    QVERIFY(add("a", 100, 100));
    QSignalSpy changed(m_state.get(), &WallState::tileChanged);
    DISPATCH_OK(act("tile.resize", {{"id", "a"}, {"width", 2426.2}, {"height", 1367.8}}),
                kOperator);
    QCOMPARE(m_state->layout().tile("a")->rectMm, QRectF(100, 100, 2426.2, 1367.8));
    QCOMPARE(changed.size(), 1);
}

void TestDispatcher::tileRaiseAndLowerReorderStacking() {
    QVERIFY(add("a", 100, 100, 0));
    QVERIFY(add("b", 200, 150, 0));
    QVERIFY(add("c", 300, 200, 5));
    DISPATCH_OK(act("tile.raise", {{"id", "a"}}), kOperator);
    const auto z = [this](const char *id) { return m_state->layout().tile(id)->z; };
    QVERIFY(z("a") > z("b") && z("a") > z("c"));
    DISPATCH_OK(act("tile.lower", {{"id", "c"}}), kOperator);
    QVERIFY(z("c") < z("a") && z("c") < z("b"));
    // Raising the top tile keeps it on top.
    DISPATCH_OK(act("tile.raise", {{"id", "a"}}), kOperator);
    QVERIFY(z("a") > z("b") && z("a") > z("c"));
}

void TestDispatcher::tileUpdateChangesTitleAndBindingKeepsKind() {
    QVERIFY(add("a", 100, 100));
    QSignalSpy changed(m_state.get(), &WallState::tileChanged);
    DISPATCH_OK(
        act("tile.update", {{"id", "a"},
                            {"title", "Cảnh báo"},
                            {"frame", false},
                            {"binding", QJsonObject{{"text", "Mưa lớn"}, {"align", "center"}}}}),
        kOperator);
    const Tile *t = m_state->layout().tile("a");
    QCOMPARE(t->title, QStringLiteral("Cảnh báo"));
    QCOMPARE(t->kind, QStringLiteral("text"));
    QVERIFY(!t->frame);
    QCOMPARE(t->binding.value("text").toString(), QStringLiteral("Mưa lớn"));
    QCOMPARE(t->rectMm, QRectF(100, 100, 400, 200));
    QCOMPARE(changed.size(), 1);
    // A binding that is wrong for the kind is refused and changes nothing.
    const ActionResult bad = m_dispatcher->dispatch(
        act("tile.update", {{"id", "a"}, {"binding", QJsonObject{}}}), kOperator);
    QVERIFY(!bad.ok);
    QCOMPARE(bad.code, QStringLiteral("invalid"));
    QCOMPARE(bad.field, QStringLiteral("tile.binding.text"));
    QCOMPARE(m_state->layout().tile("a")->binding.value("text").toString(),
             QStringLiteral("Mưa lớn"));
}

void TestDispatcher::tileRemoveEmitsTileRemoved() {
    QVERIFY(add("a", 100, 100));
    QVERIFY(add("b", 600, 100));
    QSignalSpy removed(m_state.get(), &WallState::tileRemoved);
    DISPATCH_OK(act("tile.remove", {{"id", "a"}}), kOperator);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(removed[0][0].toString(), QStringLiteral("a"));
    QVERIFY(!m_state->layout().tile("a"));
    QCOMPARE(m_state->layout().tiles.size(), 1);
    const ActionResult again = m_dispatcher->dispatch(act("tile.remove", {{"id", "a"}}), kOperator);
    QCOMPARE(again.code, QStringLiteral("not_found"));
    QCOMPARE(again.field, QStringLiteral("id"));
}

void TestDispatcher::invalidParamsAreRefusedWithTheField_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<QJsonObject>("params");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("field");
    const QString invalid = QStringLiteral("invalid");
    const QString notFound = QStringLiteral("not_found");
    QJsonObject noRect = textTile("n", 0, 0);
    noRect.remove("rect");
    QJsonObject hologram = textTile("h", 0, 0);
    hologram["kind"] = "hologram";
    QJsonObject noText = textTile("t", 0, 0);
    noText["binding"] = QJsonObject{{"align", "left"}};
    // clang-format off
    QTest::newRow("move without y") << "tile.move" << QJsonObject{{"id", "a"}, {"x", 10}} << invalid << "y";
    QTest::newRow("move x as text") << "tile.move" << QJsonObject{{"id", "a"}, {"x", "10"}, {"y", 5}} << invalid << "x";
    QTest::newRow("move without id") << "tile.move" << QJsonObject{{"x", 1}, {"y", 1}} << invalid << "id";
    QTest::newRow("move unknown tile") << "tile.move" << QJsonObject{{"id", "nope"}, {"x", 1}, {"y", 1}} << notFound << "id";
    QTest::newRow("move off the wall") << "tile.move" << QJsonObject{{"id", "a"}, {"x", 90000}, {"y", 0}} << invalid << "tile.rect";
    QTest::newRow("resize without height") << "tile.resize" << QJsonObject{{"id", "a"}, {"width", 100}} << invalid << "height";
    QTest::newRow("raise without id") << "tile.raise" << QJsonObject{} << invalid << "id";
    QTest::newRow("add without tile") << "tile.add" << QJsonObject{} << invalid << "tile";
    QTest::newRow("add duplicate id") << "tile.add" << QJsonObject{{"tile", textTile("a", 0, 0)}} << invalid << "tile.id";
    QTest::newRow("add without rect") << "tile.add" << QJsonObject{{"tile", noRect}} << invalid << "tile.rect";
    QTest::newRow("add unknown kind") << "tile.add" << QJsonObject{{"tile", hologram}} << invalid << "tile.kind";
    QTest::newRow("add text tile without text") << "tile.add" << QJsonObject{{"tile", noText}} << invalid << "tile.binding.text";
    QTest::newRow("update unknown field") << "tile.update" << QJsonObject{{"id", "a"}, {"colour", "red"}} << invalid << "colour";
    QTest::newRow("update rect width as text") << "tile.update" << QJsonObject{{"id", "a"}, {"rect", QJsonObject{{"x", 0}, {"y", 0}, {"width", "w"}, {"height", 1}}}} << invalid << "rect.width";
    QTest::newRow("recall id as text") << "preset.recall" << QJsonObject{{"id", "x"}} << invalid << "id";
    QTest::newRow("recall fractional id") << "preset.recall" << QJsonObject{{"id", 1.5}} << invalid << "id";
    QTest::newRow("recall unknown id") << "preset.recall" << QJsonObject{{"id", 999}} << notFound << "id";
    QTest::newRow("recall empty name") << "preset.recall" << QJsonObject{{"name", ""}} << invalid << "name";
    QTest::newRow("recall unknown name") << "preset.recall" << QJsonObject{{"name", "Không có"}} << notFound << "name";
    QTest::newRow("save without name") << "preset.save" << QJsonObject{} << invalid << "name";
    QTest::newRow("save unknown id") << "preset.save" << QJsonObject{{"name", "x"}, {"id", 999}} << notFound << "id";
    QTest::newRow("delete without id") << "preset.delete" << QJsonObject{} << invalid << "id";
    QTest::newRow("set without layout") << "layout.set" << QJsonObject{} << invalid << "layout";
    QTest::newRow("set with zero-width tile") << "layout.set" << QJsonObject{{"layout", QJsonObject{{"schemaVersion", 1}, {"tiles", QJsonArray{textTile("z", 0, 0, 0, 100)}}}}} << invalid << "tiles[0].rect.width";
    QTest::newRow("stage without layout") << "layout.stage" << QJsonObject{} << invalid << "layout";
    QTest::newRow("stage unknown preset") << "layout.stage" << QJsonObject{{"id", 999}} << notFound << "id";
    QTest::newRow("bezel compensation as text") << "wall.bezelCompensation" << QJsonObject{{"enabled", "yes"}} << invalid << "enabled";
    // clang-format on
}

void TestDispatcher::invalidParamsAreRefusedWithTheField() {
    QFETCH(QString, type);
    QFETCH(QJsonObject, params);
    QFETCH(QString, code);
    QFETCH(QString, field);
    QVERIFY(add("a", 100, 100));
    const Layout before = m_state->layout();
    const quint64 revision = m_state->revision();
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    QSignalSpy undoChanged(m_dispatcher.get(), &Dispatcher::undoStateChanged);
    const ActionResult r = m_dispatcher->dispatch({type, params}, kAdmin);
    QVERIFY(!r.ok);
    QCOMPARE(r.code, code);
    QCOMPARE(r.field, field);
    QVERIFY(!r.message.isEmpty());
    QCOMPARE(m_state->layout(), before);
    QCOMPARE(m_state->revision(), revision);
    QCOMPARE(events.size(), 0);
    QCOMPARE(undoChanged.size(), 0);
    QCOMPARE(r.toJson().value("error").toObject().value("code").toString(), code);
}

void TestDispatcher::tileResizeToZeroNamesTheWidthParameter() {
    // ActionResult::field is "the parameter at fault". tile.resize's parameters are id, width
    // and height, so a zero width must be reported as "width".
    QVERIFY(add("a", 100, 100));
    const ActionResult r = m_dispatcher->dispatch(
        act("tile.resize", {{"id", "a"}, {"width", 0}, {"height", 100}}), kOperator);
    QVERIFY(!r.ok);
    QCOMPARE(r.code, QStringLiteral("invalid"));
    QCOMPARE(m_state->layout().tile("a")->rectMm.width(), 400.0);
    QEXPECT_FAIL("",
                 "BUG: Dispatcher::tileAction (app/wall/dispatcher.cpp) reports the "
                 "validateTile path \"tile.rect.width\", which is not a tile.resize parameter",
                 Continue);
    QCOMPARE(r.field, QStringLiteral("width"));
}

void TestDispatcher::tileUpdateOfKindIsRefused() {
    // The kind of a tile cannot change by update ("the id and kind stay"); asking for it must be
    // refused like any other field update cannot change, not silently ignored with ok: true.
    QVERIFY(add("a", 100, 100));
    const ActionResult r =
        m_dispatcher->dispatch(act("tile.update", {{"id", "a"}, {"kind", "clock"}}), kOperator);
    QCOMPARE(m_state->layout().tile("a")->kind, QStringLiteral("text"));
    QEXPECT_FAIL("",
                 "BUG: Dispatcher::tileAction update (app/wall/dispatcher.cpp) accepts "
                 "\"kind\" and ignores it, answering ok",
                 Abort);
    QVERIFY2(!r.ok, describe(r).constData());
    QCOMPARE(r.field, QStringLiteral("kind"));
}

void TestDispatcher::layoutSetReplacesWholeLayout() {
    QVERIFY(add("a", 100, 100));
    QSignalSpy reset(m_state.get(), &WallState::layoutReset);
    const QJsonObject doc{{"schemaVersion", 1},
                          {"name", "Khẩn cấp"},
                          {"tiles", QJsonArray{textTile("x", 10, 10), textTile("y", 900, 10)}}};
    const ActionResult r = m_dispatcher->dispatch(act("layout.set", {{"layout", doc}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data.value("tiles").toInt(), 2);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(m_state->layout().name, QStringLiteral("Khẩn cấp"));
    QVERIFY(!m_state->layout().tile("a"));
    QVERIFY(m_state->layout().tile("x") && m_state->layout().tile("y"));
    DISPATCH_OK(act("layout.undo"), kOperator);
    QVERIFY(m_state->layout().tile("a"));
}

void TestDispatcher::undoRedoRestoreExactLayouts() {
    const Layout l0 = m_state->layout();
    QVERIFY(!m_dispatcher->canUndo());
    QVERIFY(add("a", 100, 100));
    const Layout l1 = m_state->layout();
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 2000}, {"y", 900}}), kOperator);
    const Layout l2 = m_state->layout();
    DISPATCH_OK(act("tile.update", {{"id", "a"}, {"title", "đổi tên"}}), kOperator);
    const Layout l3 = m_state->layout();
    QVERIFY(l0 != l1 && l1 != l2 && l2 != l3);

    QSignalSpy reset(m_state.get(), &WallState::layoutReset);
    DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout(), l2);
    DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout(), l1);
    QVERIFY(m_dispatcher->canRedo());
    DISPATCH_OK(act("layout.redo"), kOperator);
    QCOMPARE(m_state->layout(), l2);
    DISPATCH_OK(act("layout.redo"), kOperator);
    QCOMPARE(m_state->layout(), l3);
    QCOMPARE(reset.size(), 4); // every undo/redo re-renders the whole layout
    const ActionResult noRedo = m_dispatcher->dispatch(act("layout.redo"), kOperator);
    QCOMPARE(noRedo.code, QStringLiteral("conflict"));
    for (int i = 0; i < 3; ++i)
        DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout(), l0);
    QVERIFY(!m_dispatcher->canUndo());
    QCOMPARE(m_dispatcher->dispatch(act("layout.undo"), kOperator).code,
             QStringLiteral("conflict"));
    // Undo and redo are persisted like any other change of the live layout.
    const auto last = m_store->lastLiveLayout();
    QVERIFY(last);
    QCOMPARE(*last, l0);
}

void TestDispatcher::newEditClearsRedo() {
    QVERIFY(add("a", 100, 100));
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 200}, {"y", 200}}), kOperator);
    DISPATCH_OK(act("layout.undo"), kOperator);
    QVERIFY(m_dispatcher->canRedo());
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 300}, {"y", 300}}), kOperator);
    QVERIFY(!m_dispatcher->canRedo());
    QCOMPARE(m_dispatcher->dispatch(act("layout.redo"), kOperator).code,
             QStringLiteral("conflict"));
    QCOMPARE(m_state->layout().tile("a")->rectMm.topLeft(), QPointF(300, 300));
}

void TestDispatcher::undoDepthIsBounded() {
    const int depth = int(Dispatcher::kUndoDepth);
    QVERIFY(add("a", 0, 0));
    const int moves = depth + 10;
    for (int i = 1; i <= moves; ++i)
        DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 100 + i}, {"y", 0}}), kOperator);
    int undone = 0;
    while (m_dispatcher->dispatch(act("layout.undo"), kOperator).ok)
        ++undone;
    QCOMPARE(undone, depth);
    // 1 add + 110 moves were remembered; the oldest 11 fell off, so undo stops at the layout
    // after move 10.
    QCOMPARE(m_state->layout().tile("a")->rectMm.x(), 110.0);
    // Redo walks all the way back.
    int redone = 0;
    while (m_dispatcher->dispatch(act("layout.redo"), kOperator).ok)
        ++redone;
    QCOMPARE(redone, depth);
    QCOMPARE(m_state->layout().tile("a")->rectMm.x(), 100.0 + moves);
}

void TestDispatcher::presetSaveCreatesNewPreset() {
    QVERIFY(add("a", 100, 100));
    const ActionResult r = m_dispatcher->dispatch(
        act("preset.save", {{"name", "Sáng"}, {"forLeaders", true}}), kOperator);
    QVERIFY2(r.ok, describe(r).constData());
    const int id = r.data.value("id").toInt();
    QVERIFY(id > 0);
    const auto stored = m_store->preset(id);
    QVERIFY(stored);
    QCOMPARE(stored->info.name, QStringLiteral("Sáng"));
    QCOMPARE(stored->info.revision, 1);
    QVERIFY(stored->info.forLeaders);
    QCOMPARE(stored->layout.tiles, m_state->layout().tiles);
    QCOMPARE(stored->layout.name, QStringLiteral("Sáng"));
    // A second name is a second preset.
    const ActionResult other =
        m_dispatcher->dispatch(act("preset.save", {{"name", "Chiều"}}), kOperator);
    QVERIFY(other.ok);
    QVERIFY(other.data.value("id").toInt() != id);
    QCOMPARE(m_store->presets().size(), 2);
}

void TestDispatcher::presetSaveUnderSameNameMakesRevision() {
    QVERIFY(add("a", 100, 100));
    const ActionResult first =
        m_dispatcher->dispatch(act("preset.save", {{"name", "Sáng"}}), kOperator);
    QVERIFY2(first.ok, describe(first).constData());
    const int id = first.data.value("id").toInt();
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 1000}, {"y", 500}}), kOperator);
    const ActionResult second =
        m_dispatcher->dispatch(act("preset.save", {{"name", "Sáng"}}), kOperator);
    if (!second.ok)
        qInfo("second save: %s", describe(second).constData());
    QEXPECT_FAIL("",
                 "BUG: WallStore::savePreset (app/store/wallstore.cpp) copies the current "
                 "revision into preset_revisions, which already holds it: UNIQUE constraint "
                 "failed, so no preset can ever get a second revision",
                 Abort);
    QVERIFY2(second.ok, describe(second).constData());
    QCOMPARE(second.data.value("id").toInt(), id);
    const auto stored = m_store->preset(id);
    QCOMPARE(stored->info.revision, 2);
    QCOMPARE(stored->layout.tile("a")->rectMm.topLeft(), QPointF(1000, 500));
    QCOMPARE(m_store->presetRevisions(id).size(), 2);
    QCOMPARE(m_store->presetRevision(id, 1)->tile("a")->rectMm.topLeft(), QPointF(100, 100));
}

void TestDispatcher::presetRecallByIdAndByName() {
    const int p1 = savePresetInStore(QStringLiteral("Một"), {"x1"}, false);
    const int p2 = savePresetInStore(QStringLiteral("Hai"), {"y1", "y2"}, false);
    QVERIFY(add("a", 100, 100));
    const Layout before = m_state->layout();
    QSignalSpy reset(m_state.get(), &WallState::layoutReset);
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);

    const ActionResult byId = m_dispatcher->dispatch(act("preset.recall", {{"id", p1}}), kOperator);
    QVERIFY2(byId.ok, describe(byId).constData());
    QCOMPARE(m_state->layout(), m_store->preset(p1)->layout);
    QCOMPARE(reset.size(), 1);
    QCOMPARE(events.last()[0].toJsonObject().value("name").toString(), QStringLiteral("Một"));

    const ActionResult byName =
        m_dispatcher->dispatch(act("preset.recall", {{"name", "Hai"}}), kOperator);
    QVERIFY2(byName.ok, describe(byName).constData());
    QCOMPARE(byName.data.value("id").toInt(), p2);
    QCOMPARE(m_state->layout().tiles.size(), 2);
    QVERIFY(m_state->layout().tile("y2"));
    // A recall is undoable like an edit.
    DISPATCH_OK(act("layout.undo"), kOperator);
    DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout(), before);
}

void TestDispatcher::presetDeleteRemovesIt() {
    const int id = savePresetInStore(QStringLiteral("Xoá"), {"x"}, false);
    DISPATCH_OK(act("preset.delete", {{"id", id}}), kOperator);
    QVERIFY(!m_store->preset(id));
    const ActionResult again =
        m_dispatcher->dispatch(act("preset.delete", {{"id", id}}), kOperator);
    QCOMPARE(again.code, QStringLiteral("not_found"));
    QCOMPARE(m_dispatcher->dispatch(act("preset.recall", {{"id", id}}), kOperator).code,
             QStringLiteral("not_found"));
}

void TestDispatcher::leadersRecallOnlyPresetsForLeaders() {
    const int briefing = savePresetInStore(QStringLiteral("Giao ban"), {"b"}, true);
    const int working = savePresetInStore(QStringLiteral("Làm việc"), {"w"}, false);
    const ActionResult ok =
        m_dispatcher->dispatch(act("preset.recall", {{"id", briefing}}), kLeader);
    QVERIFY2(ok.ok, describe(ok).constData());
    QVERIFY(m_state->layout().tile("b"));
    const Layout shown = m_state->layout();

    const ActionResult refused =
        m_dispatcher->dispatch(act("preset.recall", {{"id", working}}), kLeader);
    QCOMPARE(refused.code, QStringLiteral("forbidden"));
    QCOMPARE(m_state->layout(), shown);
    QCOMPARE(m_dispatcher->dispatch(act("preset.recall", {{"name", "Làm việc"}}), kLeader).code,
             QStringLiteral("forbidden"));
    // Leaders do not edit.
    for (const char *type : {"tile.move", "preset.save", "layout.set", "layout.undo"})
        QCOMPARE(m_dispatcher->dispatch(act(type, {{"id", "b"}, {"x", 1}, {"y", 1}}), kLeader).code,
                 QStringLiteral("forbidden"));
    // An operator may recall any preset.
    DISPATCH_OK(act("preset.recall", {{"id", working}}), kOperator);
}

void TestDispatcher::viewersAreRefusedEverything() {
    const int id = savePresetInStore(QStringLiteral("Giao ban"), {"b"}, true);
    QVERIFY(add("a", 100, 100));
    const Layout before = m_state->layout();
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    int checked = 0;
    for (const QString &type : knownActionTypes()) {
        if (type == QLatin1String("watch")) // reading is for everyone
            continue;
        const ActionResult r = m_dispatcher->dispatch(
            {type, {{"id", id}, {"name", "Giao ban"}, {"x", 1}, {"y", 1}}}, kViewer);
        QVERIFY2(!r.ok && r.code == QLatin1String("forbidden"),
                 qPrintable(type + QLatin1Char(' ') + QString::fromUtf8(describe(r))));
        ++checked;
    }
    QVERIFY(checked > 20);
    QCOMPARE(m_state->layout(), before);
    QCOMPARE(events.size(), 0);
    QVERIFY(m_store->preset(id));
}

void TestDispatcher::unknownActionTypeIsRefused() {
    for (const char *type : {"tile.explode", "", "TILE.ADD", "preset.recall "}) {
        const ActionResult r = m_dispatcher->dispatch(act(type), kAdmin);
        QCOMPARE(r.code, QStringLiteral("unknown_action"));
        QCOMPARE(r.field, QStringLiteral("type"));
    }
}

void TestDispatcher::callerWithoutRoleIsRefused() {
    const Caller nobody{QStringLiteral("x"), Role::Invalid, QStringLiteral("local"),
                        QStringLiteral("api")};
    const ActionResult r =
        m_dispatcher->dispatch(act("tile.add", {{"tile", textTile("a", 0, 0)}}), nobody);
    QCOMPARE(r.code, QStringLiteral("unauthenticated"));
    QVERIFY(m_state->layout().tiles.isEmpty());
}

void TestDispatcher::stagePublishDiscard() {
    QVERIFY(add("live", 100, 100));
    const Layout live = m_state->layout();
    const QJsonObject doc{{"schemaVersion", 1},
                          {"name", "Sắp tới"},
                          {"tiles", QJsonArray{textTile("next", 500, 500)}}};
    const ActionResult staged =
        m_dispatcher->dispatch(act("layout.stage", {{"layout", doc}}), kOperator);
    QVERIFY2(staged.ok, describe(staged).constData());
    QCOMPARE(m_state->layout(), live); // staging does not touch the wall
    QVERIFY(m_dispatcher->staged());
    QVERIFY(m_dispatcher->staged()->tile("next"));
    QVERIFY(staged.data.value("staged").toObject().contains("tiles"));

    QSignalSpy reset(m_state.get(), &WallState::layoutReset);
    DISPATCH_OK(act("layout.publish"), kOperator);
    QCOMPARE(reset.size(), 1);
    QVERIFY(m_state->layout().tile("next"));
    QVERIFY(!m_state->layout().tile("live"));
    QVERIFY(!m_dispatcher->staged());
    QCOMPARE(m_dispatcher->dispatch(act("layout.publish"), kOperator).code,
             QStringLiteral("conflict"));
    DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout(), live);

    // Staging a preset, then discarding it: the wall never changes.
    const int id = savePresetInStore(QStringLiteral("P"), {"p"}, false);
    DISPATCH_OK(act("layout.stage", {{"id", id}}), kOperator);
    QCOMPARE(*m_dispatcher->staged(), m_store->preset(id)->layout);
    DISPATCH_OK(act("layout.discard"), kOperator);
    QVERIFY(!m_dispatcher->staged());
    QCOMPARE(m_state->layout(), live);
    QCOMPARE(m_dispatcher->dispatch(act("layout.publish"), kOperator).code,
             QStringLiteral("conflict"));
}

void TestDispatcher::auditHookSeesEveryAction() {
    struct Seen {
        QString user, type, code;
        bool ok;
    };
    QList<Seen> seen;
    m_dispatcher->setAuditHook([&](const Caller &c, const Action &a, const ActionResult &r) {
        seen.append({c.user, a.type, r.code, r.ok});
    });
    m_dispatcher->setGate([](const Action &a, const Caller &) -> std::optional<ActionResult> {
        if (a.type == QLatin1String("tile.remove"))
            return ActionResult::failure(QStringLiteral("locked"), QStringLiteral("held"));
        return std::nullopt;
    });
    QList<ActionResult> results;
    results << m_dispatcher->dispatch(act("tile.add", {{"tile", textTile("a", 10, 10)}}), kOperator)
            << m_dispatcher->dispatch(act("tile.move", {{"id", "a"}, {"x", 1}, {"y", 1}}), kViewer)
            << m_dispatcher->dispatch(act("tile.move", {{"id", "a"}}), kOperator)
            << m_dispatcher->dispatch(act("no.such"), kAdmin)
            << m_dispatcher->dispatch(act("tile.remove", {{"id", "a"}}), kOperator)
            << m_dispatcher->dispatch(act("layout.undo"), kOperator);
    QCOMPARE(seen.size(), results.size());
    const QStringList users{"alice", "guest", "alice", "root", "alice", "alice"};
    const QStringList codes{"", "forbidden", "invalid", "unknown_action", "locked", ""};
    for (qsizetype i = 0; i < results.size(); ++i) {
        QCOMPARE(seen[i].user, users[i]);
        QCOMPARE(seen[i].ok, results[i].ok);
        QCOMPARE(seen[i].code, results[i].code);
        QCOMPARE(seen[i].code, codes[i]);
    }
    QCOMPARE(seen[1].type, QStringLiteral("tile.move"));
}

void TestDispatcher::gateCanRefuse() {
    // A control lock held by "holder": everyone else's layout edits are refused.
    m_dispatcher->setGate([](const Action &a, const Caller &c) -> std::optional<ActionResult> {
        if (a.type.startsWith(QLatin1String("tile.")) && c.user != QLatin1String("holder"))
            return ActionResult::failure(QStringLiteral("locked"),
                                         QStringLiteral("the wall is locked by holder"));
        return std::nullopt;
    });
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    const ActionResult refused =
        m_dispatcher->dispatch(act("tile.add", {{"tile", textTile("a", 10, 10)}}), kOperator);
    QCOMPARE(refused.code, QStringLiteral("locked"));
    QVERIFY(m_state->layout().tiles.isEmpty());
    QVERIFY(!m_dispatcher->canUndo());
    QCOMPARE(events.size(), 0);
    const Caller holder{QStringLiteral("holder"), Role::Operator, QStringLiteral("local"),
                        QStringLiteral("console")};
    DISPATCH_OK(act("tile.add", {{"tile", textTile("a", 10, 10)}}), holder);
    QCOMPARE(events.size(), 1);
    // Actions the gate lets through still work for others.
    DISPATCH_OK(act("preset.save", {{"name", "ok"}}), kOperator);
}

void TestDispatcher::liveLayoutHistoryReturnsPastLayout() {
    const QDateTime start = QDateTime::currentDateTimeUtc().addMSecs(-1);
    QThread::msleep(15);
    QVERIFY(!m_store->liveLayoutAt(start));
    QVERIFY(add("a", 100, 100));
    const Layout afterAdd = m_state->layout();
    QThread::msleep(15);
    const QDateTime middle = QDateTime::currentDateTimeUtc();
    QThread::msleep(15);
    DISPATCH_OK(act("tile.move", {{"id", "a"}, {"x", 3000}, {"y", 1000}}), kOperator);
    QThread::msleep(15);
    const QDateTime later = QDateTime::currentDateTimeUtc();
    QThread::msleep(15);
    DISPATCH_OK(act("tile.remove", {{"id", "a"}}), kOperator);

    const auto atMiddle = m_store->liveLayoutAt(middle);
    QVERIFY(atMiddle);
    QCOMPARE(*atMiddle, afterAdd);
    const auto atLater = m_store->liveLayoutAt(later);
    QVERIFY(atLater);
    QCOMPARE(atLater->tile("a")->rectMm.topLeft(), QPointF(3000, 1000));
    const auto now = m_store->liveLayoutAt(QDateTime::currentDateTimeUtc().addSecs(1));
    QVERIFY(now);
    QVERIFY(now->tiles.isEmpty());
    QCOMPARE(m_store->lastLiveLayout().value_or(afterAdd), m_state->layout());
}

void TestDispatcher::bezelCompensationIsForTechniciansAndPersists() {
    QSignalSpy wallChanged(m_state.get(), &WallState::wallChanged);
    QCOMPARE(
        m_dispatcher->dispatch(act("wall.bezelCompensation", {{"enabled", false}}), kOperator).code,
        QStringLiteral("forbidden"));
    QVERIFY(m_state->wall().bezelCompensation);
    DISPATCH_OK(act("wall.bezelCompensation", {{"enabled", false}}), kTechnician);
    QVERIFY(!m_state->wall().bezelCompensation);
    QCOMPARE(wallChanged.size(), 1);
    const auto stored = m_store->loadWall();
    QVERIFY(stored);
    QVERIFY(!stored->bezelCompensation);
    QCOMPARE(stored->displays, m_state->wall().displays);
}

} // namespace opswall::wall

QTEST_GUILESS_MAIN(opswall::wall::TestDispatcher)
#include "tst_dispatcher.moc"
