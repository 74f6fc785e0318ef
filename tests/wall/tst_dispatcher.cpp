// The action dispatcher on a real WallStore (a temporary SQLite file): tile edits and their
// signals and events, parameter validation, undo/redo. Presets, roles, staging, audit and
// history: tst_dispatcher_presets.cpp.

#include "dispatcherfixture.h"

namespace opswall::wall::testing {

class TestDispatcher : public QObject, protected DispatcherFixture {
    Q_OBJECT
private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

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
    void tileFocusFillsTheWallAndUnfocusPutsItBack();
    void tileFocusOnSomeDisplaysTogglesAndRefusesWhatItCannot();
};

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
    // The revision is the live layout's history row, which shows the wall as it was after it.
    const qint64 revision = ev.value("revision").toInteger();
    QVERIFY(revision > 0);
    QVERIFY(m_store->liveLayoutRevision(revision));
    QCOMPARE(*m_store->liveLayoutRevision(revision), m_state->layout());
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
    QCOMPARE(bad.field, QStringLiteral("binding.text"));
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
    QTest::newRow("move off the wall") << "tile.move" << QJsonObject{{"id", "a"}, {"x", 90000}, {"y", 0}} << invalid << "x";
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
    QCOMPARE(r.field, QStringLiteral("width"));
}

void TestDispatcher::tileUpdateOfKindIsRefused() {
    // The kind of a tile cannot change by update ("the id and kind stay"); asking for it must be
    // refused like any other field update cannot change, not silently ignored with ok: true.
    QVERIFY(add("a", 100, 100));
    const ActionResult r =
        m_dispatcher->dispatch(act("tile.update", {{"id", "a"}, {"kind", "clock"}}), kOperator);
    QCOMPARE(m_state->layout().tile("a")->kind, QStringLiteral("text"));
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

void TestDispatcher::tileFocusFillsTheWallAndUnfocusPutsItBack() {
    QVERIFY(add("a", 100, 100, 2));
    QVERIFY(add("b", 900, 400, 7));
    QList<QPair<QString, QString>> audited; // (type, via)
    m_dispatcher->setAuditHook([&](const Caller &c, const Action &a, const ActionResult &r) {
        if (r.ok)
            audited.append({a.type, c.via});
    });
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    const QRectF canvas = m_state->wall().canvasRectMm();
    DISPATCH_OK(act("tile.focus", {{"id", "a"}}), kLeader); // a leader's panel button
    const Tile *a = m_state->layout().tile("a");
    QCOMPARE(a->rectMm, canvas);
    QVERIFY(a->z > m_state->layout().tile("b")->z);
    QCOMPARE(m_dispatcher->focusedTiles(), QStringList{"a"});
    QCOMPARE(events.size(), 1);
    QCOMPARE(events[0][0].toJsonObject().value("focused").toBool(), true);
    QCOMPARE(events[0][0].toJsonObject().value("via").toString(), QStringLiteral("panel"));
    // Focusing again (another button) keeps what it was before the first focus.
    DISPATCH_OK(act("tile.focus", {{"id", "a"}}), kOperator);
    DISPATCH_OK(act("tile.unfocus", {{"id", "a"}}), kLeader);
    QCOMPARE(m_state->layout().tile("a")->rectMm, QRectF(100, 100, 400, 200));
    QCOMPARE(m_state->layout().tile("a")->z, 2);
    QVERIFY(m_dispatcher->focusedTiles().isEmpty());
    QCOMPARE(events.last()[0].toJsonObject().value("focused").toBool(), false);
    // Undo walks back through it like any change.
    DISPATCH_OK(act("layout.undo"), kOperator);
    QCOMPARE(m_state->layout().tile("a")->rectMm, canvas);
    QCOMPARE(audited.size(), 4);
    QCOMPARE(audited[0], qMakePair(QStringLiteral("tile.focus"), QStringLiteral("panel")));
    QCOMPARE(audited[2], qMakePair(QStringLiteral("tile.unfocus"), QStringLiteral("panel")));
    // A viewer may not.
    QCOMPARE(m_dispatcher->dispatch(act("tile.focus", {{"id", "b"}}), kViewer).code,
             QStringLiteral("forbidden"));
}

void TestDispatcher::tileFocusOnSomeDisplaysTogglesAndRefusesWhatItCannot() {
    QVERIFY(add("a", 100, 100));
    const QRectF group = m_state->wall().display("r1c1")->outerRectMm() |
                         m_state->wall().display("r2c2")->outerRectMm();
    const QJsonObject toggle{
        {"id", "a"}, {"displays", QJsonArray{"r1c1", "r2c2"}}, {"toggle", true}};
    DISPATCH_OK(act("tile.focus", toggle), kOperator);
    QCOMPARE(m_state->layout().tile("a")->rectMm, group);
    DISPATCH_OK(act("tile.focus", toggle), kOperator); // the same button again: back
    QCOMPARE(m_state->layout().tile("a")->rectMm, QRectF(100, 100, 400, 200));
    // Not focused: unfocus is a conflict naming the tile.
    ActionResult r = m_dispatcher->dispatch(act("tile.unfocus", {{"id", "a"}}), kOperator);
    QCOMPARE(r.code, QStringLiteral("conflict"));
    QVERIFY2(r.message.contains("\"a\" is not focused"), qPrintable(r.message));
    // Focused, then raised by someone: no longer focused (unfocus would undo their change).
    DISPATCH_OK(act("tile.focus", {{"id", "a"}}), kOperator);
    DISPATCH_OK(act("tile.raise", {{"id", "a"}}), kOperator);
    QCOMPARE(m_dispatcher->dispatch(act("tile.unfocus", {{"id", "a"}}), kOperator).code,
             QStringLiteral("conflict"));
    r = m_dispatcher->dispatch(act("tile.focus", {{"id", "a"}, {"displays", QJsonArray{"zz9"}}}),
                               kOperator);
    QCOMPARE(r.code, QStringLiteral("invalid"));
    QCOMPARE(r.field, QStringLiteral("displays[0]"));
    QCOMPARE(m_dispatcher->dispatch(act("tile.focus", {{"id", "nope"}}), kOperator).code,
             QStringLiteral("not_found"));
    QCOMPARE(
        m_dispatcher->dispatch(act("tile.focus", {{"id", "a"}, {"toggle", 1}}), kOperator).field,
        QStringLiteral("toggle"));
}

} // namespace opswall::wall::testing

QTEST_GUILESS_MAIN(opswall::wall::testing::TestDispatcher)
#include "tst_dispatcher.moc"
