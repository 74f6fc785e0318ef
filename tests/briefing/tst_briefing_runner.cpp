// Running a briefing through the one dispatcher: every briefing action for every role (leaders,
// operators and admins may; viewers and technicians are refused with the reason), the control
// lock taken in the starter's name and released at the end (with the real LockState and the gate
// the shell installs), steps shown on the live wall with their focus, blank/unblank, the run's
// record, audit rows and events.
#include "briefingtesting.h"

#include "control/lockstate.h"
#include "store/storethread.h"

#include <QSignalSpy>

using namespace opswall;
using namespace opswall::briefing;
using namespace opswall::briefing::testing;

class TestBriefingRunner : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup() { m_rig.reset(); }
    void everyActionForEveryRole_data();
    void everyActionForEveryRole();
    void startShowsTheFirstStepAndTakesTheLock();
    void othersAreHeldBackByTheLockUntilTheEnd();
    void stepsMoveTheWallAndAreRecorded();
    void focusDimsTheRestOfTheStep();
    void blankAndUnblank();
    void boundsAndBadRequestsAreRefusedClearly();
    void aPresetRemovedSinceSavingIsReportedAtItsStep();
    void everyActionIsAuditedAndPublished();
    void aScheduleStartsWithoutTakingTheLock();
    void aRefusedWriteLeavesTheRunAsItWas();

private:
    std::unique_ptr<Rig> m_rig;
    control::LockState m_lock;
    qint64 m_nowMs = 1'800'000'000'000;
    QList<QPair<Caller, ActionResult>> m_audit;
    int m_id = 0;
};

void TestBriefingRunner::init() {
    m_rig = std::make_unique<Rig>();
    m_lock = control::LockState();
    m_audit.clear();
    // As the shell wires it: the lock is checked by the dispatcher's gate for every wall change,
    // and the runner takes and releases it.
    m_rig->dispatcher->setGate([this](const Action &a, const Caller &c) {
        const Permission *p = findPermission(a.type);
        if (p && p->effect == Effect::WallChange && a.type != QLatin1String("lock.release"))
            return m_lock.refusal(c, m_nowMs);
        return std::optional<ActionResult>();
    });
    m_rig->dispatcher->setAuditHook([this](const Caller &c, const Action &, const ActionResult &r) {
        m_audit.append({c, r});
    });
    m_rig->runner->setLockHooks({[this](const Caller &c, qint64 ttl, const QString &reason) {
                                     return m_lock.acquire(c, m_nowMs, ttl, reason);
                                 },
                                 [this](const Caller &c) { return m_lock.release(c, m_nowMs); }});
    m_id = m_rig->saveDemoBriefing();
}

void TestBriefingRunner::everyActionForEveryRole_data() {
    QTest::addColumn<QString>("type");
    QTest::addColumn<int>("role");
    QTest::addColumn<bool>("allowed");
    const struct {
        const char *type;
        const char *roles;
    } table[] = {{"briefing.start", "LOA"}, {"briefing.next", "LOA"},  {"briefing.previous", "LOA"},
                 {"briefing.goto", "LOA"},  {"briefing.blank", "LOA"}, {"briefing.unblank", "LOA"},
                 {"briefing.end", "LOA"},   {"briefing.save", "OA"},   {"briefing.delete", "OA"}};
    const struct {
        Role role;
        char letter;
    } roles[] = {{Role::Viewer, 'V'},
                 {Role::Leader, 'L'},
                 {Role::Operator, 'O'},
                 {Role::Technician, 'T'},
                 {Role::Admin, 'A'}};
    for (const auto &row : table)
        for (const auto &r : roles)
            QTest::addRow("%s as %s", row.type, qPrintable(roleName(r.role)))
                << QString::fromLatin1(row.type) << int(r.role)
                << (QByteArray(row.roles).indexOf(r.letter) >= 0);
}

void TestBriefingRunner::everyActionForEveryRole() {
    QFETCH(QString, type);
    QFETCH(int, role);
    QFETCH(bool, allowed);
    const Caller caller{QStringLiteral("someone"), Role(role), QStringLiteral("local"),
                        QStringLiteral("api")};
    // Put the briefing where the action can succeed: running at step 2 for stepping actions.
    const bool stepping = type != QLatin1String("briefing.start") &&
                          type != QLatin1String("briefing.save") &&
                          type != QLatin1String("briefing.delete");
    if (stepping) {
        QVERIFY(m_rig
                    ->run("briefing.start", caller.role == Role::Invalid ? kAdmin : kAdmin,
                          {{"id", m_id}, {"step", 2}})
                    .ok);
        m_lock.release(kAdmin, m_nowMs); // the lock is tested below; here only the role counts
    }
    QJsonObject params{{"id", m_id}};
    if (type == QLatin1String("briefing.goto"))
        params.insert(QStringLiteral("step"), 3);
    if (type == QLatin1String("briefing.save"))
        params.insert(QStringLiteral("briefing"),
                      readJson(sourceDir() + "/assets/demo/briefings/economy.json"));
    const ActionResult r = m_rig->dispatcher->dispatch({type, params}, caller);
    if (allowed) {
        QVERIFY2(r.ok, describe(r).constData());
    } else {
        QVERIFY(!r.ok);
        QCOMPARE(r.code, QStringLiteral("forbidden"));
        // The reason names the role and the action.
        QVERIFY2(r.message.contains(roleName(Role(role))) && r.message.contains(type),
                 describe(r).constData());
    }
}

void TestBriefingRunner::startShowsTheFirstStepAndTakesTheLock() {
    const ActionResult r = m_rig->run("briefing.start", kLeader, {{"id", QString::number(m_id)}});
    QVERIFY2(r.ok, describe(r).constData());
    QCOMPARE(r.data["briefing"]["step"].toInt(), 1);
    QCOMPARE(r.data["briefing"]["stepCount"].toInt(), 8);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Mở đầu giao ban"));
    const auto lock = m_lock.current(m_nowMs);
    QVERIFY(lock);
    QCOMPARE(lock->holder, kLeader.user);
    QVERIFY(lock->reason.contains(QStringLiteral("Tình hình kinh tế")));
    QVERIFY(lock->untilMs - m_nowMs >= 30 * 60 * 1000);
    // A second start while it runs is refused with the reason.
    const ActionResult again = m_rig->run("briefing.start", kLeader, {{"id", m_id}});
    QCOMPARE(again.code, QStringLiteral("conflict"));
    QVERIFY(again.message.contains(QStringLiteral("end it first")));
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    QVERIFY2(!m_lock.current(m_nowMs), "the end of the briefing released the lock");
    QCOMPARE(m_rig->runner->status()["active"].toBool(), false);
}

void TestBriefingRunner::othersAreHeldBackByTheLockUntilTheEnd() {
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).ok);
    // Another leader, an operator, even an admin: their stepping and recalls are refused, naming
    // the holder and the briefing.
    for (const Caller &other : {kOtherLeader, kOperator, kAdmin}) {
        const ActionResult r = m_rig->run("briefing.next", other);
        QCOMPARE(r.code, QStringLiteral("locked"));
        QVERIFY2(r.message.contains(kLeader.user) && r.message.contains(QStringLiteral("briefing")),
                 describe(r).constData());
    }
    QCOMPARE(m_rig->run("preset.recall", kOperator, {{"id", 1}}).code, QStringLiteral("locked"));
    QCOMPARE(m_rig->run("briefing.end", kOperator).code, QStringLiteral("locked"));
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 1);
    // The holder steps freely and ends; then the others may act again.
    QVERIFY(m_rig->run("briefing.next", kLeader).ok);
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    QVERIFY2(m_rig->run("preset.recall", kOperator, {{"id", 1}}).ok, "the lock was released");
}

void TestBriefingRunner::stepsMoveTheWallAndAreRecorded() {
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).ok);
    const ActionResult next = m_rig->run("briefing.next", kLeader);
    QVERIFY2(next.ok, describe(next).constData());
    QCOMPARE(next.data["step"].toInt(), 2);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Tổng quan kinh tế"));
    QVERIFY(next.data.contains(QStringLiteral("revision"))); // a history row, like a recall
    QVERIFY(m_rig->run("briefing.goto", kLeader, {{"step", 6}}).ok);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("FDI theo địa phương"));
    QVERIFY(m_rig->run("briefing.previous", kLeader).ok);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Đầu tư công"));
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 5);
    QCOMPARE(m_rig->runner->status()["steppedBy"].toString(), kLeader.user);
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    const auto run = m_rig->briefings->lastRun(m_id);
    QVERIFY(run);
    QList<int> shown;
    for (const ShownStep &s : run->shown)
        shown << s.stepIndex + 1;
    QCOMPARE(shown, (QList<int>{1, 2, 6, 5}));
    QCOMPARE(run->startedBy, kLeader.user);
    QVERIFY(run->endedAt.isValid());
    // After the end the last step stays on the wall, without the briefing's overlay.
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Đầu tư công"));
    QCOMPARE(m_rig->runner->view()["active"].toBool(), false);
}

void TestBriefingRunner::focusDimsTheRestOfTheStep() {
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}, {"step", 4}}).ok);
    const QVariantMap v = m_rig->runner->view();
    QCOMPARE(v["focus"].toString(), QStringLiteral("pubinv-map"));
    const QVariantMap rect = v["focusRect"].toMap();
    const wall::Tile *t = m_rig->state->layout().tile(QStringLiteral("pubinv-map"));
    QVERIFY(t);
    QCOMPARE(rect["x"].toDouble(), t->rectMm.x());
    QCOMPARE(rect["width"].toDouble(), t->rectMm.width());
    QCOMPARE(v["indicator"].toString(), QStringLiteral("4 / 8"));
    QVERIFY(m_rig->run("briefing.goto", kLeader, {{"step", 2}}).ok);
    QCOMPARE(m_rig->runner->view()["focus"].toString(), QString()); // step 2 has no focus
}

void TestBriefingRunner::blankAndUnblank() {
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}, {"step", 3}}).ok);
    QSignalSpy viewChanged(m_rig->runner.get(), &BriefingRunner::viewChanged);
    const ActionResult blank = m_rig->run("briefing.blank", kLeader);
    QVERIFY(blank.ok);
    QCOMPARE(blank.data["blank"].toBool(), true);
    QCOMPARE(m_rig->runner->view()["blank"].toBool(), true);
    QCOMPARE(m_rig->runner->view()["organisation"].toString(), QStringLiteral("Bộ Tài chính"));
    QCOMPARE(viewChanged.count(), 1);
    QVERIFY(m_rig->run("briefing.unblank", kLeader).ok);
    QCOMPARE(m_rig->runner->view()["blank"].toBool(), false);
    // Stepping while blank shows the next step (as a presentation does).
    QVERIFY(m_rig->run("briefing.blank", kLeader).ok);
    QVERIFY(m_rig->run("briefing.next", kLeader).ok);
    QCOMPARE(m_rig->runner->view()["blank"].toBool(), false);
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 4);
}

void TestBriefingRunner::boundsAndBadRequestsAreRefusedClearly() {
    ActionResult r = m_rig->run("briefing.next", kLeader);
    QCOMPARE(r.code, QStringLiteral("conflict"));
    QVERIFY(r.message.contains(QStringLiteral("no briefing is running")));
    QCOMPARE(m_rig->run("briefing.start", kLeader, {{"id", 77}}).code, QStringLiteral("not_found"));
    r = m_rig->run("briefing.start", kLeader, {{"id", m_id}, {"step", 9}});
    QCOMPARE(r.field, QStringLiteral("step"));
    QVERIFY2(!m_lock.current(m_nowMs), "a refused start takes no lock");
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).ok);
    r = m_rig->run("briefing.previous", kLeader);
    QCOMPARE(r.code, QStringLiteral("conflict"));
    QVERIFY(r.message.contains(QStringLiteral("first step")));
    r = m_rig->run("briefing.goto", kLeader, {{"step", 0}});
    QCOMPARE(r.field, QStringLiteral("step"));
    QVERIFY(r.message.contains(QStringLiteral("1 to 8")));
    r = m_rig->run("briefing.goto", kLeader, {{"step", QStringLiteral("three")}});
    QCOMPARE(r.field, QStringLiteral("step"));
    QVERIFY(m_rig->run("briefing.goto", kLeader, {{"step", 8}}).ok);
    r = m_rig->run("briefing.next", kLeader);
    QCOMPARE(r.code, QStringLiteral("conflict"));
    QVERIFY(r.message.contains(QStringLiteral("last step")));
    // The id in a stepping request must be the running briefing's.
    r = m_rig->run("briefing.next", kLeader, {{"id", m_id + 1}});
    QCOMPARE(r.field, QStringLiteral("id"));
    QCOMPARE(m_rig->run("briefing.delete", kOperator, {{"id", m_id}}).code,
             QStringLiteral("locked"));
    m_lock.release(kLeader, m_nowMs);
    r = m_rig->run("briefing.delete", kOperator, {{"id", m_id}});
    QCOMPARE(r.code, QStringLiteral("conflict")); // a running briefing is not deleted
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 8);
}

void TestBriefingRunner::aPresetRemovedSinceSavingIsReportedAtItsStep() {
    const auto preset = m_rig->presets->presetByName(QStringLiteral("Họp trực tuyến"));
    QVERIFY(preset);
    QVERIFY(m_rig->presets->removePreset(preset->info.id));
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}, {"step", 6}}).ok);
    const QString before = m_rig->state->layout().name;
    const ActionResult r = m_rig->run("briefing.next", kLeader);
    QCOMPARE(r.code, QStringLiteral("not_found"));
    QVERIFY2(r.message.contains(QStringLiteral("step 7")) &&
                 r.message.contains(QStringLiteral("Họp trực tuyến")),
             describe(r).constData());
    QCOMPARE(m_rig->state->layout().name, before); // the wall stays as it was
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 6);
    QVERIFY(m_rig->run("briefing.goto", kLeader, {{"step", 8}}).ok); // and the rest still runs
}

void TestBriefingRunner::everyActionIsAuditedAndPublished() {
    QSignalSpy events(m_rig->dispatcher.get(), &wall::Dispatcher::event);
    m_audit.clear(); // the save in init()
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).ok);
    QVERIFY(m_rig->run("briefing.next", kLeader).ok);
    QVERIFY(!m_rig->run("briefing.next", kViewer).ok);
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    QCOMPARE(m_audit.size(), 4); // refusals are audited too
    QCOMPARE(m_audit[2].second.code, QStringLiteral("forbidden"));
    QCOMPARE(events.count(), 3);
    const QJsonObject next = events.at(1).at(0).toJsonObject();
    QCOMPARE(next["type"].toString(), QStringLiteral("briefing.next"));
    QCOMPARE(next["by"].toString(), kLeader.user);
    QCOMPARE(next["briefing"]["step"].toInt(), 2);
    QCOMPARE(next["briefing"]["stepTitle"].toObject()["vi"].toString(),
             QStringLiteral("Toàn cảnh nền kinh tế"));
    QCOMPARE(events.at(2).at(0).toJsonObject()["briefing"].toObject()["active"].toBool(), false);
}

void TestBriefingRunner::aScheduleStartsWithoutTakingTheLock() {
    const Caller schedule{QStringLiteral("schedule:morning"), Role::Admin, QStringLiteral("local"),
                          QStringLiteral("schedule")};
    QVERIFY(m_rig->run("briefing.start", schedule, {{"id", m_id}}).ok);
    QVERIFY(!m_lock.current(m_nowMs));
    QVERIFY(m_rig->run("briefing.next", kLeader).ok); // leaders step what the schedule started
    // A schedule respects someone else's lock.
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    QVERIFY(m_lock.acquire(kOperator, m_nowMs, 60'000, QStringLiteral("maintenance")).ok);
    QCOMPARE(m_rig->run("briefing.start", schedule, {{"id", m_id}}).code, QStringLiteral("locked"));
}

void TestBriefingRunner::aRefusedWriteLeavesTheRunAsItWas() {
    // As in the app: the run's rows go to the store thread, in the action's transaction.
    store::StoreThread writer(m_rig->db->path());
    m_rig->db->setWriter(&writer);
    const auto refuseWrites = [this](bool refuse) { // the free-space guard, on both connections
        m_rig->db->setMinFreeBytes(refuse ? std::int64_t(1) << 60 : 0);
    };
    QSignalSpy view(m_rig->runner.get(), &BriefingRunner::viewChanged);
    const QString before = m_rig->state->layout().name;
    refuseWrites(true);
    QCOMPARE(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).code,
             QStringLiteral("store_unavailable"));
    QVERIFY(!m_rig->runner->running());
    QCOMPARE(m_rig->runner->status()["active"].toBool(), false);
    QVERIFY2(!m_lock.current(m_nowMs), "a start that did not happen took the lock");
    QCOMPARE(m_rig->state->layout().name, before);
    QCOMPARE(view.count(), 0);

    refuseWrites(false);
    QVERIFY(m_rig->run("briefing.start", kLeader, {{"id", m_id}}).ok);
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 1);
    QVERIFY(m_lock.current(m_nowMs));
    const QString first = m_rig->state->layout().name;
    refuseWrites(true);
    QCOMPARE(m_rig->run("briefing.next", kLeader).code, QStringLiteral("store_unavailable"));
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 1);
    QCOMPARE(m_rig->state->layout().name, first);
    QCOMPARE(m_rig->run("briefing.end", kLeader).code, QStringLiteral("store_unavailable"));
    QVERIFY(m_rig->runner->running());
    QVERIFY(m_lock.current(m_nowMs));

    refuseWrites(false);
    QVERIFY(m_rig->run("briefing.next", kLeader).ok);
    QCOMPARE(m_rig->runner->status()["step"].toInt(), 2);
    QVERIFY(m_rig->run("briefing.end", kLeader).ok);
    QVERIFY(!m_rig->runner->running());
    QVERIFY(!m_lock.current(m_nowMs));
    // The table holds what memory showed: one run, ended, with its two steps.
    store::Statement runs = m_rig->db->prepare(
        "SELECT COUNT(*), SUM(ended_at_ms IS NOT NULL), (SELECT COUNT(*) FROM briefing_run_steps) "
        "FROM briefing_runs");
    QVERIFY(runs.step());
    QCOMPARE(runs.int64(0), 1);
    QCOMPARE(runs.int64(1), 1);
    QCOMPARE(runs.int64(2), 2);
    m_rig->db->setWriter(nullptr);
}

QTEST_GUILESS_MAIN(TestBriefingRunner)
#include "tst_briefing_runner.moc"
