// Schedules and alert rules with an injected clock, through the real dispatcher and runner over
// the demo presets: Viet Nam's public holidays (the pure table, compensatory days included),
// schedule documents refused at the field at fault, a schedule firing at its time and not on a
// holiday unless asked, respecting the control lock, starting a briefing, and a critical alert
// recalling the incident preset with the indicator's tile in focus. Every firing is audited as
// the system with the schedule's name.
#include "briefingtesting.h"

#include "briefing/holidays.h"
#include "briefing/schedule.h"
#include "control/lockstate.h"

#include <QSignalSpy>

using namespace opswall;
using namespace opswall::briefing;
using namespace opswall::briefing::testing;

namespace {
QJsonObject parseJson(const char *text) {
    return QJsonDocument::fromJson(QByteArray(text)).object();
}
} // namespace

class TestBriefingSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void holidaysOfVietNam();
    void holidaysOutsideTheTableAreUnknown();
    void badSchedulesAreRefusedAtTheirField_data();
    void badSchedulesAreRefusedAtTheirField();
    void aScheduleFiresAtItsTimeAndSkipsHolidays();
    void holidaysTrueRunsOnHolidays();
    void aScheduleRespectsTheLock();
    void aScheduleStartsABriefing();
    void aCriticalAlertRecallsTheIncidentPresetAndFocusesItsTile();
    void schedulesAreKeptInTheStore();

private:
    void save(const char *json);
    std::unique_ptr<Rig> m_rig;
    std::unique_ptr<Scheduler> m_scheduler;
    QDateTime m_now;
    control::LockState m_lock;
    QList<Caller> m_audit;
};

void TestBriefingSchedule::init() {
    m_rig = std::make_unique<Rig>();
    m_lock = control::LockState();
    m_audit.clear();
    m_rig->dispatcher->setGate([this](const Action &a, const Caller &c) {
        const Permission *p = findPermission(a.type);
        if (p && p->effect == Effect::WallChange)
            return m_lock.refusal(c, m_now.toMSecsSinceEpoch());
        return std::optional<ActionResult>();
    });
    m_rig->dispatcher->setAuditHook(
        [this](const Caller &c, const Action &, const ActionResult &) { m_audit.append(c); });
    m_scheduler = std::make_unique<Scheduler>(*m_rig->db, *m_rig->dispatcher, *m_rig->state,
                                              m_rig->runner.get());
    Scheduler *s = m_scheduler.get();
    m_rig->dispatcher->addHandler(
        QStringLiteral("schedule."),
        [s](const Action &a, const Caller &c) { return s->handle(a, c); });
    m_scheduler->setClock([this] { return m_now; });
    m_rig->saveDemoBriefing();
}

void TestBriefingSchedule::cleanup() {
    m_scheduler.reset();
    m_rig.reset();
}

void TestBriefingSchedule::save(const char *json) {
    const ActionResult r =
        m_rig->run("schedule.save", kOperator, {{QStringLiteral("schedule"), parseJson(json)}});
    QVERIFY2(r.ok, describe(r).constData());
}

void TestBriefingSchedule::holidaysOfVietNam() {
    const auto y2026 = vietnamHolidays(2026);
    QVERIFY(y2026);
    QList<QDate> days;
    for (const Holiday &h : *y2026)
        days << h.date;
    const QList<QDate> expected{
        QDate(2026, 1, 1), QDate(2026, 2, 16), QDate(2026, 2, 17), QDate(2026, 2, 18),
        QDate(2026, 2, 19), QDate(2026, 2, 20), // Tết: the lunar year's last day and the first four
                                                // days
        QDate(2026, 4, 26), // the Hùng Kings (10/3 lunar), a Sunday ...
        QDate(2026, 4, 27), // ... so Monday is off in lieu
        QDate(2026, 4, 30), QDate(2026, 5, 1), QDate(2026, 9, 1), // 2 September is a Wednesday:
                                                                  // the adjacent day is the 1st
        QDate(2026, 9, 2)};
    QCOMPARE(days, expected);
    // 2025: the Government's own plan had 1-2 September (Monday-Tuesday) and Hùng Kings on 7 April.
    QVERIFY(vietnamHoliday(QDate(2025, 9, 1)));
    QVERIFY(vietnamHoliday(QDate(2025, 4, 7)));
    QCOMPARE(vietnamHoliday(QDate(2025, 1, 29))->nameEn, QStringLiteral("Lunar New Year (day 1)"));
    QVERIFY(!vietnamHoliday(QDate(2025, 3, 3)));
    // 2024: Tết began on a Saturday; the weekend days give two days in lieu after the holiday.
    QVERIFY(vietnamHoliday(QDate(2024, 2, 14)));
    QVERIFY(vietnamHoliday(QDate(2024, 2, 15)));
    QVERIFY(!vietnamHoliday(QDate(2024, 2, 16)));
    // Every year of the table: Tết falls between 21 January and 20 February, Hùng Kings' day
    // between 30 March and 30 April (what the lunar calendar allows).
    for (int y = kHolidayFirstYear; y <= kHolidayLastYear; ++y) {
        const auto list = vietnamHolidays(y);
        QVERIFY(list);
        bool tet = false, hung = false;
        for (const Holiday &h : *list) {
            if (h.nameEn == QLatin1String("Lunar New Year (day 1)"))
                tet = h.date >= QDate(y, 1, 21) && h.date <= QDate(y, 2, 20);
            if (h.nameEn == QStringLiteral("Hùng Kings' Commemoration"))
                hung = h.date >= QDate(y, 3, 30) && h.date <= QDate(y, 4, 30);
        }
        QVERIFY2(tet && hung, qPrintable(QString::number(y)));
    }
}

void TestBriefingSchedule::holidaysOutsideTheTableAreUnknown() {
    QVERIFY(!vietnamHolidays(2036));
    QVERIFY(!holidaysKnown(QDate(2023, 12, 31)));
    QVERIFY(!vietnamHoliday(QDate(2036, 1, 1))); // no guess
}

void TestBriefingSchedule::badSchedulesAreRefusedAtTheirField_data() {
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("field");
    const char *action = R"("action": {"type": "preset.recall", "params": {"id": 1}})";
    auto row = [&](const char *name, QString body, const char *field) {
        QTest::newRow(name) << body << QString::fromLatin1(field);
    };
    row("bad time", QStringLiteral(R"({"id": "a", "at": "8am", "days": ["mon"], %1})").arg(action),
        "schedule.at");
    row("bad day",
        QStringLiteral(R"({"id": "a", "at": "08:00", "days": ["mon", "funday"], %1})").arg(action),
        "schedule.days[1]");
    row("no days", QStringLiteral(R"({"id": "a", "at": "08:00", %1})").arg(action),
        "schedule.days");
    row("bad date",
        QStringLiteral(R"({"id": "a", "at": "08:00", "dates": ["2026-13-01"], %1})").arg(action),
        "schedule.dates[0]");
    row("other action",
        QStringLiteral(
            R"({"id": "a", "at": "08:00", "days": ["mon"], "action": {"type": "tile.remove"}})"),
        "schedule.action.type");
    row("both",
        QStringLiteral(R"({"id": "a", "at": "08:00", "days": ["mon"],
        "onAlert": {"severity": "critical"}, %1})")
            .arg(action),
        "schedule");
    row("bad severity",
        QStringLiteral(R"({"id": "a", "onAlert": {"severity": "dire"}, %1})").arg(action),
        "schedule.onAlert.severity");
    row("misspelt",
        QStringLiteral(R"({"id": "a", "at": "08:00", "dayz": ["mon"], %1})").arg(action),
        "schedule.dayz");
    row("bad id",
        QStringLiteral(R"({"id": "a b", "at": "08:00", "days": ["mon"], %1})").arg(action),
        "schedule.id");
}

void TestBriefingSchedule::badSchedulesAreRefusedAtTheirField() {
    QFETCH(QString, json);
    QFETCH(QString, field);
    const ActionResult r =
        m_rig->run("schedule.save", kOperator,
                   {{QStringLiteral("schedule"), QJsonDocument::fromJson(json.toUtf8()).object()}});
    QVERIFY(!r.ok);
    QCOMPARE(r.code, QStringLiteral("invalid"));
    QCOMPARE(r.field, field);
    QVERIFY(m_scheduler->schedules().isEmpty());
}

void TestBriefingSchedule::aScheduleFiresAtItsTimeAndSkipsHolidays() {
    save(R"({"id": "morning", "name": "Giao ban đầu tuần", "at": "08:00", "days": ["mon", "tue"],
             "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})");
    QSignalSpy fired(m_scheduler.get(), &Scheduler::fired);
    m_now = QDateTime(QDate(2026, 4, 26), QTime(7, 0)); // Sunday
    QCOMPARE(m_scheduler->check(), 0);
    m_now = QDateTime(QDate(2026, 4, 27), QTime(8, 0, 1)); // Monday, off in lieu of Hùng Kings
    QCOMPARE(m_scheduler->check(), 0);
    QVERIFY(m_rig->state->layout().name != QStringLiteral("Đầu tư công"));
    m_now = QDateTime(QDate(2026, 4, 28), QTime(7, 59, 59)); // Tuesday, not yet
    QCOMPARE(m_scheduler->check(), 0);
    m_now = m_now.addSecs(2);
    QCOMPARE(m_scheduler->check(), 1);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Đầu tư công"));
    QCOMPARE(fired.count(), 1);
    QCOMPARE(m_audit.last().user, QStringLiteral("schedule:Giao ban đầu tuần"));
    QCOMPARE(m_audit.last().via, QStringLiteral("schedule"));
    QCOMPARE(m_scheduler->check(), 0); // once
    // A day later at the same time it has nothing to do (Wednesday is not in its days).
    m_now = m_now.addDays(1);
    QCOMPARE(m_scheduler->check(), 0);
}

void TestBriefingSchedule::holidaysTrueRunsOnHolidays() {
    save(R"({"id": "duty", "at": "08:00", "days": ["mon"], "holidays": true,
             "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})");
    m_now = QDateTime(QDate(2026, 4, 27), QTime(7, 0));
    m_scheduler->check();
    m_now = QDateTime(QDate(2026, 4, 27), QTime(8, 0));
    QCOMPARE(m_scheduler->check(), 1);
}

void TestBriefingSchedule::aScheduleRespectsTheLock() {
    save(R"({"id": "x", "at": "09:30", "dates": ["2026-12-03"],
             "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})");
    m_now = QDateTime(QDate(2026, 12, 3), QTime(9, 0));
    m_scheduler->check();
    QVERIFY(
        m_lock.acquire(kLeader, m_now.toMSecsSinceEpoch(), 3'600'000, QStringLiteral("họp")).ok);
    QSignalSpy fired(m_scheduler.get(), &Scheduler::fired);
    const QString before = m_rig->state->layout().name;
    m_now = QDateTime(QDate(2026, 12, 3), QTime(9, 31));
    QCOMPARE(m_scheduler->check(), 1);
    QCOMPARE(fired.count(), 1);
    const ActionResult r = fired.at(0).at(1).value<ActionResult>();
    QCOMPARE(r.code, QStringLiteral("locked"));
    QCOMPARE(m_rig->state->layout().name, before);
}

void TestBriefingSchedule::aScheduleStartsABriefing() {
    save(R"({"id": "brief", "name": "Giao ban tháng", "at": "14:00", "days": ["thu"],
             "action": {"type": "briefing.start", "params": {"id": 1}}})");
    m_now = QDateTime(QDate(2026, 12, 3), QTime(13, 0)); // Thursday
    m_scheduler->check();
    m_now = QDateTime(QDate(2026, 12, 3), QTime(14, 0, 30));
    QCOMPARE(m_scheduler->check(), 1);
    QVERIFY(m_rig->runner->running());
    QCOMPARE(m_rig->runner->status()["startedBy"].toString(),
             QStringLiteral("schedule:Giao ban tháng"));
    QVERIFY(!m_lock.current(m_now.toMSecsSinceEpoch())); // leaders step it
    QVERIFY(m_rig->run("briefing.next", kLeader).ok);
}

void TestBriefingSchedule::aCriticalAlertRecallsTheIncidentPresetAndFocusesItsTile() {
    save(R"({"id": "incident", "name": "Giải ngân chậm",
             "onAlert": {"severity": "critical", "indicator": "PUBINV_YTD_PCT_OF_PLAN"},
             "action": {"type": "preset.recall", "params": {"name": "Tổng quan kinh tế"}},
             "focusIndicator": true})");
    QVERIFY(
        m_rig->run("preset.recall", kOperator, {{"name", QStringLiteral("Họp trực tuyến")}}).ok);
    // A warning, or another indicator, does nothing.
    QCOMPARE(m_scheduler->onAlert(QStringLiteral("PUBINV_YTD_PCT_OF_PLAN"),
                                  QStringLiteral("warning"), {}),
             0);
    QCOMPARE(m_scheduler->onAlert(QStringLiteral("CPI_YOY_INDEX"), QStringLiteral("critical"), {}),
             0);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Họp trực tuyến"));
    QCOMPARE(m_scheduler->onAlert(QStringLiteral("PUBINV_YTD_PCT_OF_PLAN"),
                                  QStringLiteral("critical"), QStringLiteral("behind plan")),
             1);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Tổng quan kinh tế"));
    QCOMPARE(m_audit.last().user, QStringLiteral("rule:Giải ngân chậm"));
    QCOMPARE(m_audit.last().via, QStringLiteral("rule"));
    const QVariantMap view = m_rig->runner->view();
    QCOMPARE(view["focus"].toString(), QStringLiteral("pubinv"));
    QVERIFY(view["focusRect"].toMap()["width"].toDouble() > 0);
    // The spotlight lasts until the wall next changes.
    QVERIFY(m_rig->run("preset.recall", kOperator, {{"name", QStringLiteral("Đầu tư công")}}).ok);
    QCOMPARE(m_rig->runner->view()["active"].toBool(), false);
}

void TestBriefingSchedule::schedulesAreKeptInTheStore() {
    save(R"({"id": "keep", "at": "08:00", "days": ["mon"], "skipDates": ["2026-12-07"],
             "action": {"type": "preset.recall", "params": {"id": 2}}})");
    Scheduler again(*m_rig->db, *m_rig->dispatcher, *m_rig->state, nullptr);
    QCOMPARE(again.schedules().size(), 1);
    QCOMPARE(again.schedules()[0].skipDates, (QList<QDate>{QDate(2026, 12, 7)}));
    QVERIFY(!again.schedules()[0].runsOn(QDate(2026, 12, 7)));
    QVERIFY(again.schedules()[0].runsOn(QDate(2026, 12, 14)));
    QVERIFY(m_rig->run("schedule.delete", kOperator, {{"id", QStringLiteral("keep")}}).ok);
    QCOMPARE(m_rig->run("schedule.delete", kOperator, {{"id", QStringLiteral("keep")}}).code,
             QStringLiteral("not_found"));
    QCOMPARE(m_rig->run("schedule.save", kLeader, {}).code, QStringLiteral("forbidden"));
}

QTEST_GUILESS_MAIN(TestBriefingSchedule)
#include "tst_briefing_schedule.moc"
