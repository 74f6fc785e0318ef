// The dispatcher's sources of the layouts built ahead (dispatcher_ahead.cpp) on a real WallStore:
// the order the sources share (WallState::aheadOrder), a preset named once, the most recalled
// presets weighted by age over the history the store keeps (WallStore::presetRecalls), each
// recall counted once, and the sources following a preset's deletion.

#include "dispatcherfixture.h"

#include <QDateTime>

namespace opswall::wall::testing {

namespace {
QStringList names(const QList<Layout> &layouts) {
    QStringList out;
    for (const Layout &l : layouts)
        out << l.name;
    return out;
}
constexpr qint64 kDay = 24LL * 3600 * 1000;
} // namespace

class TestDispatcherAhead : public QObject, protected DispatcherFixture {
    Q_OBJECT
private Q_SLOTS:
    void init() { setUp(); }
    void cleanup() { tearDown(); }

    void sourcesAreListedInTheirOrderAndNameAPresetOnce();
    void mostRecalledWeighsRecentRecallsMore();
    void recallsAreReadFromTheHistoryAndCountedOnce();
    void deletedPresetIsLetGo();
};

// briefing, warm, panel, recent, whatever order they were set in; a preset warm and bound to a
// key is "warm" only, and the most recalled are others.
void TestDispatcherAhead::sourcesAreListedInTheirOrderAndNameAPresetOnce() {
    const int a = savePresetInStore(QStringLiteral("A"), {"a1"}, false);
    const int b = savePresetInStore(QStringLiteral("B"), {"b1"}, false);
    const int c = savePresetInStore(QStringLiteral("C"), {"c1"}, false);
    m_dispatcher->setRecentPresets(1);
    for (int id : {a, c, c})
        DISPATCH_OK(act("preset.recall", {{"id", id}}), kOperator);
    m_dispatcher->setPanelPresets({{b, {}}, {0, QStringLiteral("A")}});
    m_dispatcher->setWarmPresets({a});
    Layout step;
    step.name = QStringLiteral("step");
    m_state->setAhead(QStringLiteral("briefing"), {step});
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("warm")), QList<int>{a});
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("panel")), QList<int>{b}); // A is warm
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{c});
    QCOMPARE(names(m_state->ahead()), (QStringList{"step", "A", "B", "C"}));
    QCOMPARE(WallState::aheadOrder(),
             (QStringList{"coming", "briefing", "warm", "panel", "recent"}));
    // Off: that source only.
    m_dispatcher->setRecentPresets(0);
    QCOMPARE(names(m_state->ahead()), (QStringList{"step", "A", "B"}));
}

// Three recalls six days ago weigh less than one now (½ per day); those eight days ago count not
// at all (7 days).
void TestDispatcherAhead::mostRecalledWeighsRecentRecallsMore() {
    const int old = savePresetInStore(QStringLiteral("cũ"), {"o1"}, false);
    const int now = savePresetInStore(QStringLiteral("mới"), {"n1"}, false);
    const int gone = savePresetInStore(QStringLiteral("quá hạn"), {"g1"}, false);
    const qint64 t = QDateTime::currentMSecsSinceEpoch();
    m_dispatcher->setRecentPresets(3);
    m_dispatcher->addRecalls({{0, old, t - 6 * kDay},
                              {0, old, t - 6 * kDay},
                              {0, old, t - 6 * kDay},
                              {0, now, t - 1000},
                              {0, gone, t - 8 * kDay},
                              {0, gone, t - 8 * kDay}});
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), (QList<int>{now, old}));
    // Two recalls three days ago (¼ together) come between them; with one wanted, the one now.
    const int other = savePresetInStore(QStringLiteral("khác"), {"k1"}, false);
    m_dispatcher->addRecalls({{0, other, t - 3 * kDay}, {0, other, t - 3 * kDay}});
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), (QList<int>{now, other, old}));
    m_dispatcher->setRecentPresets(1);
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{now});
}

// The history's recalls (WallStore::presetRecalls: "preset.recall N" rows only, since a time)
// and the recalls committed in this run are one count: a row read back after it was counted
// counts once.
void TestDispatcherAhead::recallsAreReadFromTheHistoryAndCountedOnce() {
    const int a = savePresetInStore(QStringLiteral("A"), {"a1"}, false);
    const int b = savePresetInStore(QStringLiteral("B"), {"b1"}, false);
    m_dispatcher->setRecentPresets(1);
    for (int i = 0; i < 2; ++i)
        DISPATCH_OK(act("preset.recall", {{"id", b}}), kOperator);
    DISPATCH_OK(act("tile.add", {{"tile", textTile("x", 10, 10, 100, 100, 1)}}), kOperator);
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{b});
    // Three recalls of A written by an earlier run.
    for (int i = 0; i < 3; ++i)
        m_store->recordLiveLayout(Layout{}, QStringLiteral("preset.recall %1").arg(a));
    const QList<store::WallStore::Recall> rows = store::WallStore::presetRecalls(
        *m_db, QDateTime::currentMSecsSinceEpoch() - Dispatcher::kRecentWindowMs);
    QCOMPARE(rows.size(), 5); // B's two of this run, A's three; not the tile.add
    QList<Dispatcher::Recall> recalls;
    for (const store::WallStore::Recall &r : rows)
        recalls.append({r.row, r.preset, r.atMs});
    m_dispatcher->addRecalls(recalls); // B's two are the ones counted already
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{a});
    m_dispatcher->addRecalls(recalls); // again: nothing changes
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{a});
    // Two more of B now: 4 against 3.
    for (int i = 0; i < 2; ++i)
        DISPATCH_OK(act("preset.recall", {{"id", b}}), kOperator);
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("recent")), QList<int>{b});
}

// A preset deleted goes from every source at once; saved again under its name, a panel button
// naming it takes it again.
void TestDispatcherAhead::deletedPresetIsLetGo() {
    const int a = savePresetInStore(QStringLiteral("A"), {"a1"}, false);
    m_dispatcher->setRecentPresets(2);
    DISPATCH_OK(act("preset.recall", {{"id", a}}), kOperator);
    m_dispatcher->setPanelPresets({{0, QStringLiteral("A")}});
    m_dispatcher->setWarmPresets({a});
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("warm")), QList<int>{a});
    QTest::ignoreMessage(
        QtWarningMsg,
        qPrintable(
            QStringLiteral("opswall: warm preset %1: no such preset; not built ahead").arg(a)));
    DISPATCH_OK(act("preset.delete", {{"id", a}}), kOperator);
    QCOMPARE(names(m_state->ahead()), QStringList{});
    QVERIFY(add("z", 100, 100));
    const ActionResult saved =
        m_dispatcher->dispatch(act("preset.save", {{"name", "A"}}), kOperator);
    QVERIFY2(saved.ok, describe(saved).constData());
    const int again = saved.data.value("id").toInt();
    QCOMPARE(m_dispatcher->aheadPresets(QStringLiteral("panel")), QList<int>{again});
}

} // namespace opswall::wall::testing

QTEST_GUILESS_MAIN(opswall::wall::testing::TestDispatcherAhead)
#include "tst_dispatcher_ahead.moc"
