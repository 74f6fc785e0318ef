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
#include "store/storethread.h"

#include <QSignalSpy>

#include <cmath>
#include <memory>
#include <optional>

using namespace opswall;
using namespace opswall::briefing;
using namespace opswall::briefing::testing;

namespace {
QJsonObject parseJson(const char *text) {
    return QJsonDocument::fromJson(QByteArray(text)).object();
}

// An independent Vietnamese lunar calendar, to check the holiday table against rather than
// trust it: Hồ Ngọc Đức's astronomical algorithm ("Âm lịch Việt Nam", the one Vietnamese
// calendars are printed from). A lunar month starts on the day (local time) of a new moon; month
// 11 holds the winter solstice; a year with 13 months repeats the first month without a major
// solar term. Times are local at UTC+7 (Viet Nam since 1968); at UTC+8 the same rules give
// China's calendar, which differs in some years (1985's Tết, checked below).
namespace lunar {
constexpr double kPi = 3.14159265358979323846;

long jdFromDate(int dd, int mm, int yy) {
    const long a = (14 - mm) / 12;
    const long y = yy + 4800 - a;
    const long m = mm + 12 * a - 3;
    long jd = dd + (153 * m + 2) / 5 + 365 * y + y / 4 - y / 100 + y / 400 - 32045;
    if (jd < 2299161)
        jd = dd + (153 * m + 2) / 5 + 365 * y + y / 4 - 32083;
    return jd;
}

// The k-th new moon after 1900-01-01 (Julian day, UT), after Meeus.
double newMoon(long k) {
    const double T = double(k) / 1236.85;
    const double T2 = T * T, T3 = T2 * T, dr = kPi / 180;
    double jd1 = 2415020.75933 + 29.53058868 * double(k) + 0.0001178 * T2 - 0.000000155 * T3;
    jd1 += 0.00033 * std::sin((166.56 + 132.87 * T - 0.009173 * T2) * dr);
    const double M = 359.2242 + 29.10535608 * double(k) - 0.0000333 * T2 - 0.00000347 * T3;
    const double Mpr = 306.0253 + 385.81691806 * double(k) + 0.0107306 * T2 + 0.00001236 * T3;
    const double F = 21.2964 + 390.67050646 * double(k) - 0.0016528 * T2 - 0.00000239 * T3;
    double c1 = (0.1734 - 0.000393 * T) * std::sin(M * dr) + 0.0021 * std::sin(2 * dr * M);
    c1 = c1 - 0.4068 * std::sin(Mpr * dr) + 0.0161 * std::sin(dr * 2 * Mpr);
    c1 = c1 - 0.0004 * std::sin(dr * 3 * Mpr);
    c1 = c1 + 0.0104 * std::sin(dr * 2 * F) - 0.0051 * std::sin(dr * (M + Mpr));
    c1 = c1 - 0.0074 * std::sin(dr * (M - Mpr)) + 0.0004 * std::sin(dr * (2 * F + M));
    c1 = c1 - 0.0004 * std::sin(dr * (2 * F - M)) - 0.0006 * std::sin(dr * (2 * F + Mpr));
    c1 = c1 + 0.0010 * std::sin(dr * (2 * F - Mpr)) + 0.0005 * std::sin(dr * (2 * Mpr + M));
    const double deltat =
        T < -11 ? 0.001 + 0.000839 * T + 0.0002261 * T2 - 0.00000845 * T3 - 0.000000081 * T * T3
                : -0.000278 + 0.000265 * T + 0.000262 * T2;
    return jd1 + c1 - deltat;
}

long newMoonDay(long k, double zone) {
    return long(std::floor(newMoon(k) + 0.5 + zone / 24));
}

// The sun's longitude at the start of a local day, as one of 12 sectors (0 = 0°..30°).
int sunSector(long dayNumber, double zone) {
    const double T = (double(dayNumber) - 0.5 - zone / 24 - 2451545.0) / 36525;
    const double T2 = T * T, dr = kPi / 180;
    const double M = 357.52910 + 35999.05030 * T - 0.0001559 * T2 - 0.00000048 * T * T2;
    const double L0 = 280.46645 + 36000.76983 * T + 0.0003032 * T2;
    double DL = (1.914600 - 0.004817 * T - 0.000014 * T2) * std::sin(dr * M);
    DL += (0.019993 - 0.000101 * T) * std::sin(dr * 2 * M) + 0.000290 * std::sin(dr * 3 * M);
    double L = (L0 + DL) * dr;
    L -= kPi * 2 * std::floor(L / (kPi * 2));
    return int(std::floor(L / kPi * 6));
}

// The first day of the lunar month 11 (the one with the winter solstice) of year yy.
long month11(int yy, double zone) {
    const long off = jdFromDate(31, 12, yy) - 2415021;
    const long k = long(std::floor(double(off) / 29.530588853));
    long nm = newMoonDay(k, zone);
    if (sunSector(nm, zone) >= 9)
        nm = newMoonDay(k - 1, zone);
    return nm;
}

int leapMonthOffset(long a11, double zone) {
    const long k = long(std::floor((double(a11) - 2415021.076998695) / 29.530588853 + 0.5));
    int i = 1;
    int arc = sunSector(newMoonDay(k + i, zone), zone);
    int last = 0;
    do {
        last = arc;
        ++i;
        arc = sunSector(newMoonDay(k + i, zone), zone);
    } while (arc != last && i < 14);
    return i - 1;
}

// The Gregorian date of lunar day/month of lunar year (not a leap month).
QDate toSolar(int day, int month, int year, double zone) {
    const long a11 = month < 11 ? month11(year - 1, zone) : month11(year, zone);
    const long b11 = month < 11 ? month11(year, zone) : month11(year + 1, zone);
    const long k = long(std::floor(0.5 + (double(a11) - 2415021.076998695) / 29.530588853));
    int off = month - 11;
    if (off < 0)
        off += 12;
    if (b11 - a11 > 365 && off >= leapMonthOffset(a11, zone))
        off += 1;
    return QDate::fromJulianDay(newMoonDay(k + off, zone) + day - 1);
}
} // namespace lunar
} // namespace

class TestBriefingSchedule : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void holidaysOfVietNam();
    void holidaysOutsideTheTableAreUnknown();
    void lunarHolidaysMatchTheLunarCalendar();
    void badSchedulesAreRefusedAtTheirField_data();
    void badSchedulesAreRefusedAtTheirField();
    void aScheduleFiresAtItsTimeAndSkipsHolidays();
    void holidaysTrueRunsOnHolidays();
    void aScheduleRespectsTheLock();
    void aScheduleStartsABriefing();
    void aCriticalAlertRecallsTheIncidentPresetAndFocusesItsTile();
    void schedulesAreKeptInTheStore();
    void aScheduleIsSavedAndFiredThroughTheStoreThread();
    void aRefusedWriteLeavesSchedulesAndTheWallAsTheyWere();

private:
    // The app's arrangement: writes go to a store thread, completions come back by queued call.
    void useStoreThread();
    // Submits action as the dispatcher's callers do (never waiting); the result once it is back.
    std::shared_ptr<std::optional<ActionResult>> submit(const char *type,
                                                        const QJsonObject &params);
    std::unique_ptr<store::StoreThread> m_writer;
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
    if (m_writer) {
        m_rig->db->setWriter(nullptr);
        m_writer.reset();
    }
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

// Tết (1/1 lunar) and the Hùng Kings' day (10/3 lunar) in the table, 2024-2035, against the
// lunar calendar computed at UTC+7 (lunar:: above), not against another table.
void TestBriefingSchedule::lunarHolidaysMatchTheLunarCalendar() {
    // The computation first, on dates everyone knows: Tết 2024, 2025, 2026 and the Hùng Kings in
    // 2025 (from the Government's notices), and 1985, when Viet Nam's Tết (21 January, UTC+7)
    // fell a month before China's (20 February, UTC+8).
    QCOMPARE(lunar::toSolar(1, 1, 2024, 7), QDate(2024, 2, 10));
    QCOMPARE(lunar::toSolar(1, 1, 2025, 7), QDate(2025, 1, 29));
    QCOMPARE(lunar::toSolar(1, 1, 2026, 7), QDate(2026, 2, 17));
    QCOMPARE(lunar::toSolar(10, 3, 2025, 7), QDate(2025, 4, 7));
    QCOMPARE(lunar::toSolar(1, 1, 1985, 7), QDate(1985, 1, 21));
    QCOMPARE(lunar::toSolar(1, 1, 1985, 8), QDate(1985, 2, 20));
    QCOMPARE(lunar::toSolar(1, 1, 2007, 7), QDate(2007, 2, 17)); // China: 18 February
    QCOMPARE(lunar::toSolar(1, 1, 2007, 8), QDate(2007, 2, 18));
    // 2030: the new moon is shortly after 23:00 on 2 February in Viet Nam, after midnight in China.
    // (The table had China's date, 3 February, until this check.)
    QCOMPARE(lunar::toSolar(1, 1, 2030, 7), QDate(2030, 2, 2));
    QCOMPARE(lunar::toSolar(1, 1, 2030, 8), QDate(2030, 2, 3));
    int checked = 0;
    for (int y = kHolidayFirstYear; y <= kHolidayLastYear; ++y) {
        const QDate tet = lunar::toSolar(1, 1, y, 7);
        const QDate hung = lunar::toSolar(10, 3, y, 7);
        const auto list = vietnamHolidays(y);
        QVERIFY(list);
        QDate tableTet, tableHung, tableEve;
        for (const Holiday &h : *list) {
            if (h.nameEn == QLatin1String("Lunar New Year (day 1)"))
                tableTet = h.date;
            if (h.nameEn == QLatin1String("Lunar New Year's Eve"))
                tableEve = h.date;
            if (h.nameEn == QStringLiteral("Hùng Kings' Commemoration"))
                tableHung = h.date;
        }
        QVERIFY2(tableTet == tet,
                 qPrintable(QStringLiteral("%1: Tết is %2, the table says %3")
                                .arg(y)
                                .arg(tet.toString(Qt::ISODate), tableTet.toString(Qt::ISODate))));
        QCOMPARE(tableEve, tet.addDays(-1)); // the last day of the old lunar year
        QVERIFY2(tableHung == hung,
                 qPrintable(QStringLiteral("%1: the Hùng Kings' day is %2, the table says %3")
                                .arg(y)
                                .arg(hung.toString(Qt::ISODate), tableHung.toString(Qt::ISODate))));
        // Tết falls on a new moon's day: the lunar month before it has 29 or 30 days.
        const qint64 month = lunar::toSolar(1, 12, y - 1, 7).daysTo(tet);
        QVERIFY2(month == 29 || month == 30 || month == 59 || month == 60,
                 qPrintable(QString::number(month)));
        ++checked;
    }
    QCOMPARE(checked, kHolidayLastYear - kHolidayFirstYear + 1);
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

void TestBriefingSchedule::useStoreThread() {
    m_writer = std::make_unique<store::StoreThread>(m_rig->db->path());
    m_rig->db->setWriter(m_writer.get());
}

std::shared_ptr<std::optional<ActionResult>>
TestBriefingSchedule::submit(const char *type, const QJsonObject &params) {
    auto out = std::make_shared<std::optional<ActionResult>>();
    m_rig->dispatcher->submit({QString::fromLatin1(type), params}, kOperator,
                              [out](ActionResult r) { *out = std::move(r); });
    return out;
}

void TestBriefingSchedule::aScheduleIsSavedAndFiredThroughTheStoreThread() {
    useStoreThread();
    const auto saved = submit("schedule.save", {{QStringLiteral("schedule"), parseJson(R"(
        {"id": "morning", "name": "Giao ban", "at": "08:00", "days": ["tue"],
         "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})")}});
    // Answered and fired from only once the row is committed: not before submit returns.
    QVERIFY(!saved->has_value());
    QVERIFY(m_scheduler->schedules().isEmpty());
    QTRY_VERIFY(saved->has_value());
    QVERIFY2((*saved)->ok, describe(**saved).constData());
    QCOMPARE(m_scheduler->schedules().size(), 1);

    m_now = QDateTime(QDate(2026, 4, 28), QTime(7, 59)); // a Tuesday
    QCOMPARE(m_scheduler->check(), 0);
    QSignalSpy fired(m_scheduler.get(), &Scheduler::fired);
    const QString before = m_rig->state->layout().name;
    m_now = m_now.addSecs(90);
    // The firing is submitted and check() returns without waiting for the disk; the wall shows
    // the preset once its history row and audit row are written.
    QCOMPARE(m_scheduler->check(), 1);
    QCOMPARE(fired.count(), 0);
    QCOMPARE(m_rig->state->layout().name, before);
    QTRY_COMPARE(fired.count(), 1);
    QVERIFY(fired.at(0).at(1).value<ActionResult>().ok);
    QCOMPARE(m_rig->state->layout().name, QStringLiteral("Đầu tư công"));
    QCOMPARE(m_audit.last().user, QStringLiteral("schedule:Giao ban"));
    // The history row is on the disk: a connection of its own reads it.
    store::Database reader(m_rig->db->path(), store::OpenMode::ReadOnly);
    store::Statement last =
        reader.prepare("SELECT cause FROM live_layouts ORDER BY id DESC LIMIT 1");
    QVERIFY(last.step());
    QVERIFY2(last.text(0).startsWith(QLatin1String("preset.recall ")), qPrintable(last.text(0)));
}

void TestBriefingSchedule::aRefusedWriteLeavesSchedulesAndTheWallAsTheyWere() {
    save(R"({"id": "noon", "name": "Trưa", "at": "12:00", "days": ["tue"],
             "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})");
    useStoreThread();
    // The free-space guard refuses every write (on the store thread's connection too).
    m_rig->db->setMinFreeBytes(std::int64_t(1) << 60);
    const auto saved = submit("schedule.save", {{QStringLiteral("schedule"), parseJson(R"(
        {"id": "evening", "at": "18:00", "days": ["tue"],
         "action": {"type": "preset.recall", "params": {"name": "Đầu tư công"}}})")}});
    QTRY_VERIFY(saved->has_value());
    QCOMPARE((*saved)->code, QStringLiteral("store_unavailable"));
    QCOMPARE(m_scheduler->schedules().size(), 1); // the refused one is not fired from
    const auto removed =
        submit("schedule.delete", {{QStringLiteral("id"), QStringLiteral("noon")}});
    QTRY_VERIFY(removed->has_value());
    QCOMPARE((*removed)->code, QStringLiteral("store_unavailable"));
    QCOMPARE(m_scheduler->schedules().size(), 1); // still there, as in the table

    m_now = QDateTime(QDate(2026, 4, 28), QTime(11, 59));
    m_scheduler->check();
    QSignalSpy fired(m_scheduler.get(), &Scheduler::fired);
    const QString before = m_rig->state->layout().name;
    m_now = m_now.addSecs(90);
    QCOMPARE(m_scheduler->check(), 1);
    QTRY_COMPARE(fired.count(), 1);
    QCOMPARE(fired.at(0).at(1).value<ActionResult>().code, QStringLiteral("store_unavailable"));
    QCOMPARE(m_rig->state->layout().name, before);
}

QTEST_GUILESS_MAIN(TestBriefingSchedule)
#include "tst_briefing_schedule.moc"
