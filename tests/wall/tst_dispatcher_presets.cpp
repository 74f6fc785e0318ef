// The action dispatcher on a real WallStore: presets (save, revisions, recall, delete), roles
// (leaders, viewers, no role, unknown actions), stage/publish/discard, the audit hook, the gate,
// effects sent only after the commit (afterCommit),
// the live layout history and bezel compensation; the start-up's one transaction (startWith).

#include "dispatcherfixture.h"

#include <QThread>

namespace opswall::wall::testing {

class TestDispatcherPresets : public QObject, protected DispatcherFixture {
    Q_OBJECT
private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

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
    void afterCommitRunsOnlyOnceTheActionCommitted();
    void liveLayoutHistoryReturnsPastLayout();
    void bezelCompensationIsForTechniciansAndPersists();
    void startWithStoresItsDocumentsWithTheFirstLayout();
};

void TestDispatcherPresets::presetSaveCreatesNewPreset() {
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

void TestDispatcherPresets::presetSaveUnderSameNameMakesRevision() {
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
    QVERIFY2(second.ok, describe(second).constData());
    QCOMPARE(second.data.value("id").toInt(), id);
    const auto stored = m_store->preset(id);
    QCOMPARE(stored->info.revision, 2);
    QCOMPARE(stored->layout.tile("a")->rectMm.topLeft(), QPointF(1000, 500));
    QCOMPARE(m_store->presetRevisions(id).size(), 2);
    QCOMPARE(m_store->presetRevision(id, 1)->tile("a")->rectMm.topLeft(), QPointF(100, 100));
}

void TestDispatcherPresets::presetRecallByIdAndByName() {
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

void TestDispatcherPresets::presetDeleteRemovesIt() {
    const int id = savePresetInStore(QStringLiteral("Xoá"), {"x"}, false);
    DISPATCH_OK(act("preset.delete", {{"id", id}}), kOperator);
    QVERIFY(!m_store->preset(id));
    const ActionResult again =
        m_dispatcher->dispatch(act("preset.delete", {{"id", id}}), kOperator);
    QCOMPARE(again.code, QStringLiteral("not_found"));
    QCOMPARE(m_dispatcher->dispatch(act("preset.recall", {{"id", id}}), kOperator).code,
             QStringLiteral("not_found"));
}

void TestDispatcherPresets::leadersRecallOnlyPresetsForLeaders() {
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

void TestDispatcherPresets::viewersAreRefusedEverything() {
    const int id = savePresetInStore(QStringLiteral("Giao ban"), {"b"}, true);
    QVERIFY(add("a", 100, 100));
    const Layout before = m_state->layout();
    QSignalSpy events(m_dispatcher.get(), &Dispatcher::event);
    int checked = 0;
    for (const QString &type : knownActionTypes()) {
        if (roleAllows(Role::Viewer, type)) // reading is for everyone
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

void TestDispatcherPresets::unknownActionTypeIsRefused() {
    for (const char *type : {"tile.explode", "", "TILE.ADD", "preset.recall "}) {
        const ActionResult r = m_dispatcher->dispatch(act(type), kAdmin);
        QCOMPARE(r.code, QStringLiteral("unknown_action"));
        QCOMPARE(r.field, QStringLiteral("type"));
    }
}

void TestDispatcherPresets::callerWithoutRoleIsRefused() {
    const Caller nobody{QStringLiteral("x"), Role::Invalid, QStringLiteral("local"),
                        QStringLiteral("api")};
    const ActionResult r =
        m_dispatcher->dispatch(act("tile.add", {{"tile", textTile("a", 0, 0)}}), nobody);
    QCOMPARE(r.code, QStringLiteral("unauthenticated"));
    QVERIFY(m_state->layout().tiles.isEmpty());
}

void TestDispatcherPresets::stagePublishDiscard() {
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

void TestDispatcherPresets::auditHookSeesEveryAction() {
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

void TestDispatcherPresets::gateCanRefuse() {
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

void TestDispatcherPresets::afterCommitRunsOnlyOnceTheActionCommitted() {
    // A handler's effect outside the wall (a command to a display) waits for the commit of the
    // action's transaction: a store that refuses the write refuses the action, and nothing goes.
    int sent = 0;
    m_dispatcher->addHandler(QStringLiteral("device."), [&](const Action &a, const Caller &) {
        m_dispatcher->afterCommit([&sent] { ++sent; });
        if (a.params.value(QStringLiteral("refuse")).toBool())
            return ActionResult::failure(QStringLiteral("invalid"), QStringLiteral("refused"));
        return ActionResult::success();
    });
    m_db->setBusyTimeoutMs(50);
    {
        // Another connection (a backup, an sqlite3 shell) holds the write lock.
        store::Database other(m_dir->filePath(QStringLiteral("wall.db")));
        other.exec("BEGIN IMMEDIATE");
        const ActionResult refused = m_dispatcher->dispatch(act("device.command"), kTechnician);
        QCOMPARE(refused.code, QStringLiteral("store_unavailable"));
        QCOMPARE(sent, 0);
        other.exec("ROLLBACK");
    }
    const ActionResult r = m_dispatcher->dispatch(act("device.command"), kTechnician);
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(sent, 1);
    // Refused by its handler: nothing goes either.
    const ActionResult invalid =
        m_dispatcher->dispatch(act("device.command", {{"refuse", true}}), kTechnician);
    QCOMPARE(invalid.code, QStringLiteral("invalid"));
    QCOMPARE(sent, 1);
    // Outside an action: at once.
    m_dispatcher->afterCommit([&sent] { ++sent; });
    QCOMPARE(sent, 2);
}

void TestDispatcherPresets::liveLayoutHistoryReturnsPastLayout() {
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

void TestDispatcherPresets::bezelCompensationIsForTechniciansAndPersists() {
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

void TestDispatcherPresets::startWithStoresItsDocumentsWithTheFirstLayout() {
    // Start-up: a first start's preset and the first layout's history row are one transaction;
    // the layout is shown once it committed, and what is submitted after it finds the preset.
    const auto named = [](const QString &name) {
        Layout l;
        l.name = name;
        return l;
    };
    const auto savesPreset = [](const Layout &l) {
        return
            [l](ActionTransaction &on) { on.layouts().savePreset(std::nullopt, l.name, l, false); };
    };
    std::optional<ActionResult> done;
    const auto answer = [&done](ActionResult r) { done = std::move(r); };
    m_dispatcher->startWith(
        savesPreset(named(QStringLiteral("first"))),
        QPair<Layout, QString>{named(QStringLiteral("first")), QStringLiteral("startup")}, answer);
    QVERIFY(done && done->ok);
    QCOMPARE(m_state->layout().name, QStringLiteral("first"));
    QCOMPARE(m_store->lastLiveLayout().value_or(Layout{}).name, QStringLiteral("first"));
    DISPATCH_OK(act("preset.recall", {{"name", "first"}}), kOperator);

    // A store that refuses the write: no preset, no layout shown, and the caller is told.
    m_db->setBusyTimeoutMs(50);
    store::Database other(m_dir->filePath(QStringLiteral("wall.db")));
    other.exec("BEGIN IMMEDIATE");
    done.reset();
    const qint64 revision = m_store->lastLiveRevision();
    m_dispatcher->startWith(
        savesPreset(named(QStringLiteral("second"))),
        QPair<Layout, QString>{named(QStringLiteral("second")), QStringLiteral("startup")}, answer);
    other.exec("ROLLBACK");
    QVERIFY(done);
    QCOMPARE(done->code, QStringLiteral("store_unavailable"));
    QCOMPARE(m_state->layout().name, QStringLiteral("first"));
    QVERIFY(!m_store->presetByName(QStringLiteral("second")));
    QCOMPARE(m_store->lastLiveRevision(), revision);
}

} // namespace opswall::wall::testing

QTEST_GUILESS_MAIN(opswall::wall::testing::TestDispatcherPresets)
#include "tst_dispatcher_presets.moc"
