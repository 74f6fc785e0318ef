#pragma once
// Schedules and rules: the wall acting on its own. A schedule recalls a preset or starts a
// briefing at a time of day on chosen weekdays or dates, skipping Viet Nam's public holidays
// unless asked (holidays.h); a rule does it when an alert fires (a critical alert recalls an
// incident preset and puts the tile showing the alert's indicator in focus). Each runs through
// the dispatcher as the system ("schedule:<name>", via "schedule" or "rule"), so it is audited
// and respects the control lock. Documents:
//
//   {"id": "morning", "name": "Giao ban sáng thứ Hai", "at": "08:00", "days": ["mon"],
//    "dates": ["2026-12-24"], "holidays": false, "skipDates": ["2026-09-01"],
//    "action": {"type": "briefing.start", "params": {"id": 1}}}
//   {"id": "incident", "name": "Sự cố", "onAlert": {"severity": "critical", "indicator": "X"},
//    "action": {"type": "preset.recall", "params": {"name": "Tổng quan kinh tế"}},
//    "focusIndicator": true}

#include "briefing/briefing.h"
#include "core/action.h"
#include "store/database.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QDate>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QTime>
#include <QTimer>

#include <functional>
#include <optional>

namespace opswall::briefing {

class BriefingRunner;

struct Schedule {
    QString id;
    QString name;
    // A time schedule: at (local time) on weekdays (1 = Monday .. 7) and/or dates.
    std::optional<QTime> at;
    QList<int> weekdays;
    QList<QDate> dates;
    bool onHolidays = false; // run on public holidays too
    QList<QDate> skipDates;
    // A rule: on an alert of at least this severity ("warning", "critical"), optionally for one
    // indicator.
    QString alertSeverity;
    QString alertIndicator;
    bool focusIndicator = false;
    Action action; // preset.recall or briefing.start
    bool enabled = true;

    bool isRule() const { return !alertSeverity.isEmpty(); }
    // Whether a time schedule runs on date (weekday or date listed, not skipped, holidays).
    bool runsOn(QDate date) const;
};

struct ScheduleParse {
    Schedule schedule;
    QList<wall::Issue> issues;
    bool ok() const { return issues.isEmpty(); }
};

ScheduleParse scheduleFromJson(const QJsonObject &doc);
QJsonObject scheduleToJson(const Schedule &s);

// The firing times of a time schedule in (after, upTo], local time; bounded to 366 days.
QList<QDateTime> firings(const Schedule &s, const QDateTime &after, const QDateTime &upTo);

// Keeps the schedules (SQLite, component "schedules"), fires them on a timer from an injectable
// clock, and applies the rules to alerts. Handles the schedule.save / schedule.delete actions.
class Scheduler : public QObject {
    Q_OBJECT
public:
    Scheduler(store::Database &db, wall::Dispatcher &dispatcher, wall::WallState &state,
              BriefingRunner *runner, QObject *parent = nullptr);

    ActionResult handle(const Action &action, const Caller &caller);
    QList<Schedule> schedules() const { return m_schedules; }

    // The clock (local time); tests inject one and call check() themselves.
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }
    // Starts the once-a-second timer (the first check only looks forward from now).
    void start();
    // Fires every time schedule due since the last check; returns how many fired.
    int check();
    // An alert was raised: applies the matching rules; returns how many fired.
    int onAlert(const QString &indicator, const QString &severity, const QString &message);

Q_SIGNALS:
    // Each firing, with the dispatcher's answer (for the log and tests).
    void fired(const QString &scheduleId, const ActionResult &result);

private:
    // Submits the schedule's action (the GUI thread does not wait for the store); then runs
    // with the result once it is applied (at once when the dispatcher has no store thread).
    void fire(const Schedule &s, const QString &via, const QString &why,
              std::function<void(const ActionResult &)> then = {});
    void load();

    store::Database &m_db;
    wall::Dispatcher &m_dispatcher;
    wall::WallState &m_state;
    BriefingRunner *m_runner;
    QList<Schedule> m_schedules;
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTime(); };
    QDateTime m_lastCheck;
    QTimer m_timer;
};

} // namespace opswall::briefing
