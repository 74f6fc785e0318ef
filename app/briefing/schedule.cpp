#include "briefing/schedule.h"

#include "briefing/holidays.h"
#include "briefing/runner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QPointer>

#include <algorithm>

namespace opswall::briefing {

namespace {

using wall::JsonReader;

constexpr store::Migration kMigrations[] = {
    {1, R"sql(
        CREATE TABLE schedules(
            id TEXT PRIMARY KEY,
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL);
    )sql"},
};

const char *const kDays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

int severityRank(const QString &s) {
    if (s == QLatin1String("info"))
        return 1;
    if (s == QLatin1String("warning"))
        return 2;
    if (s == QLatin1String("critical"))
        return 3;
    return 0;
}

bool validId(const QString &s) {
    if (s.isEmpty() || s.size() > 64)
        return false;
    for (QChar c : s)
        if (!(c.isLetterOrNumber() || c == u'-' || c == u'_' || c == u'.'))
            return false;
    return true;
}

} // namespace

bool Schedule::runsOn(QDate date) const {
    if (skipDates.contains(date))
        return false;
    if (!weekdays.contains(date.dayOfWeek()) && !dates.contains(date))
        return false;
    // A date listed explicitly runs even on a holiday: someone chose that day.
    if (!onHolidays && !dates.contains(date) && vietnamHoliday(date))
        return false;
    return true;
}

ScheduleParse scheduleFromJson(const QJsonObject &doc) {
    ScheduleParse result;
    const JsonReader r(&result.issues);
    r.rejectUnknown(doc, {QStringLiteral("id"), QStringLiteral("name"), QStringLiteral("at"),
                          QStringLiteral("days"), QStringLiteral("dates"),
                          QStringLiteral("holidays"), QStringLiteral("skipDates"),
                          QStringLiteral("onAlert"), QStringLiteral("focusIndicator"),
                          QStringLiteral("action"), QStringLiteral("enabled")});
    Schedule s;
    if (const auto id = r.string(doc, QStringLiteral("id"))) {
        if (!validId(*id))
            r.error(QStringLiteral("id"),
                    QStringLiteral("1 to 64 letters, digits, '-', '_' or '.'"));
        s.id = *id;
    }
    if (const auto name = r.string(doc, QStringLiteral("name"), false, s.id))
        s.name = name->left(200);
    s.enabled = r.boolean(doc, QStringLiteral("enabled"), false, true).value_or(true);
    s.onHolidays = r.boolean(doc, QStringLiteral("holidays"), false, false).value_or(false);
    s.focusIndicator =
        r.boolean(doc, QStringLiteral("focusIndicator"), false, false).value_or(false);
    const bool timed = doc.contains(QStringLiteral("at"));
    const bool rule = doc.contains(QStringLiteral("onAlert"));
    if (timed == rule)
        r.error(QString(), timed ? QStringLiteral("has both \"at\" and \"onAlert\"; give one")
                                 : QStringLiteral("needs \"at\" (a time of day) or \"onAlert\""));
    if (timed) {
        if (const auto at = r.string(doc, QStringLiteral("at"))) {
            const QTime t = QTime::fromString(*at, QStringLiteral("HH:mm"));
            if (!t.isValid())
                r.error(QStringLiteral("at"),
                        QStringLiteral("must be HH:mm, got \"%1\"").arg(at->left(16)));
            else
                s.at = t;
        }
        const JsonReader dr = r.at(QStringLiteral("days"));
        if (const auto days = r.array(doc, QStringLiteral("days"), false)) {
            for (qsizetype i = 0; i < days->size() && i < 7; ++i) {
                const QString d = days->at(i).toString();
                int found = 0;
                for (int k = 0; k < 7; ++k)
                    if (d == QLatin1String(kDays[k]))
                        found = k + 1;
                if (!found)
                    dr.error(dr.index(i), QStringLiteral("must be one of mon, tue, wed, thu, fri, "
                                                         "sat, sun"));
                else if (!s.weekdays.contains(found))
                    s.weekdays.append(found);
            }
        }
        for (const char *key : {"dates", "skipDates"}) {
            const JsonReader ar = r.at(QLatin1String(key));
            if (const auto list = r.array(doc, QLatin1String(key), false))
                for (qsizetype i = 0; i < list->size() && i < 400; ++i) {
                    const QDate d =
                        QDate::fromString(list->at(i).toString(), QStringLiteral("yyyy-MM-dd"));
                    if (!d.isValid())
                        ar.error(ar.index(i), QStringLiteral("must be a date yyyy-MM-dd"));
                    else
                        (QByteArray(key) == "dates" ? s.dates : s.skipDates).append(d);
                }
        }
        if (s.weekdays.isEmpty() && s.dates.isEmpty() && result.issues.isEmpty())
            r.error(QStringLiteral("days"),
                    QStringLiteral("give weekdays (\"days\") or \"dates\""));
    }
    if (rule) {
        if (const auto on = r.object(doc, QStringLiteral("onAlert"))) {
            const JsonReader ar = r.at(QStringLiteral("onAlert"));
            ar.rejectUnknown(*on, {QStringLiteral("severity"), QStringLiteral("indicator")});
            if (const auto sev = ar.string(*on, QStringLiteral("severity"))) {
                if (severityRank(*sev) == 0)
                    ar.error(ar.child(QStringLiteral("severity")),
                             QStringLiteral("must be info, warning or critical"));
                s.alertSeverity = *sev;
            }
            s.alertIndicator =
                ar.string(*on, QStringLiteral("indicator"), false, QString()).value_or(QString());
        }
    }
    if (const auto action = r.object(doc, QStringLiteral("action"))) {
        const JsonReader ar = r.at(QStringLiteral("action"));
        ar.rejectUnknown(*action, {QStringLiteral("type"), QStringLiteral("params")});
        if (const auto type = ar.string(*action, QStringLiteral("type"))) {
            if (*type != QLatin1String("preset.recall") && *type != QLatin1String("briefing.start"))
                ar.error(ar.child(QStringLiteral("type")),
                         QStringLiteral("must be preset.recall or briefing.start"));
            s.action.type = *type;
        }
        if (const auto params = ar.object(*action, QStringLiteral("params"), false))
            s.action.params = *params;
    }
    if (result.issues.isEmpty())
        result.schedule = s;
    return result;
}

QJsonObject scheduleToJson(const Schedule &s) {
    QJsonObject o{
        {QStringLiteral("id"), s.id},
        {QStringLiteral("name"), s.name},
        {QStringLiteral("enabled"), s.enabled},
        {QStringLiteral("action"), QJsonObject{{QStringLiteral("type"), s.action.type},
                                               {QStringLiteral("params"), s.action.params}}}};
    if (s.isRule()) {
        QJsonObject on{{QStringLiteral("severity"), s.alertSeverity}};
        if (!s.alertIndicator.isEmpty())
            on.insert(QStringLiteral("indicator"), s.alertIndicator);
        o.insert(QStringLiteral("onAlert"), on);
        o.insert(QStringLiteral("focusIndicator"), s.focusIndicator);
        return o;
    }
    if (s.at)
        o.insert(QStringLiteral("at"), s.at->toString(QStringLiteral("HH:mm")));
    QJsonArray days, dates, skip;
    for (int d : s.weekdays)
        days.append(QLatin1String(kDays[d - 1]));
    for (const QDate &d : s.dates)
        dates.append(d.toString(Qt::ISODate));
    for (const QDate &d : s.skipDates)
        skip.append(d.toString(Qt::ISODate));
    o.insert(QStringLiteral("days"), days);
    o.insert(QStringLiteral("dates"), dates);
    o.insert(QStringLiteral("skipDates"), skip);
    o.insert(QStringLiteral("holidays"), s.onHolidays);
    return o;
}

QList<QDateTime> firings(const Schedule &s, const QDateTime &after, const QDateTime &upTo) {
    QList<QDateTime> out;
    if (!s.at || !s.enabled || !after.isValid() || !upTo.isValid() || upTo <= after)
        return out;
    const QDate last = std::min(upTo.date(), after.date().addDays(366));
    for (QDate d = after.date(); d <= last; d = d.addDays(1)) {
        const QDateTime when(d, *s.at, after.timeSpec());
        if (when > after && when <= upTo && s.runsOn(d))
            out.append(when);
    }
    return out;
}

Scheduler::Scheduler(store::Database &db, wall::Dispatcher &dispatcher, wall::WallState &state,
                     BriefingRunner *runner, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_dispatcher(dispatcher)
    , m_state(state)
    , m_runner(runner) {
    m_db.migrateComponent("schedules", kMigrations);
    load();
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, [this] { check(); });
}

void Scheduler::load() {
    m_schedules.clear();
    auto st = m_db.prepare("SELECT json FROM schedules ORDER BY id");
    while (st.step()) {
        const ScheduleParse p =
            scheduleFromJson(QJsonDocument::fromJson(st.text(0).toUtf8()).object());
        if (p.ok())
            m_schedules.append(p.schedule);
    }
}

void Scheduler::start() {
    m_lastCheck = m_now();
    m_timer.start();
}

int Scheduler::check() {
    const QDateTime now = m_now();
    if (!m_lastCheck.isValid() || now < m_lastCheck) { // first check, or the clock went back
        m_lastCheck = now;
        return 0;
    }
    int n = 0;
    const QList<Schedule> all = m_schedules;
    for (const Schedule &s : all)
        for (const QDateTime &when : firings(s, m_lastCheck, now)) {
            fire(s, QStringLiteral("schedule"),
                 QStringLiteral("at %1").arg(when.toString(Qt::ISODate)));
            ++n;
        }
    m_lastCheck = now;
    return n;
}

int Scheduler::onAlert(const QString &indicator, const QString &severity, const QString &) {
    int n = 0;
    const QList<Schedule> all = m_schedules;
    for (const Schedule &s : all) {
        if (!s.enabled || !s.isRule() || severityRank(severity) < severityRank(s.alertSeverity))
            continue;
        if (!s.alertIndicator.isEmpty() && s.alertIndicator != indicator)
            continue;
        ++n;
        fire(s, QStringLiteral("rule"), indicator,
             [this, focus = s.focusIndicator, indicator](const ActionResult &r) {
                 if (!r.ok || !focus || !m_runner)
                     return;
                 // The tile that shows the alert's indicator, in the layout the rule just
                 // recalled.
                 for (const wall::Tile &t : m_state.layout().tiles)
                     if (t.binding.value(QStringLiteral("indicator")).toString() == indicator) {
                         m_runner->setSpotlight(t.id);
                         break;
                     }
             });
    }
    return n;
}

void Scheduler::fire(const Schedule &s, const QString &via, const QString &,
                     std::function<void(const ActionResult &)> then) {
    const Caller system{QStringLiteral("%1:%2").arg(via, s.name.isEmpty() ? s.id : s.name),
                        Role::Admin, QStringLiteral("local"), via};
    m_dispatcher.submit(s.action, system,
                        [alive = QPointer<Scheduler>(this), id = s.id, via,
                         then = std::move(then)](const ActionResult &r) {
                            if (!r.ok)
                                qWarning("opswall: %s '%s' did not run: %s", qPrintable(via),
                                         qPrintable(id), qPrintable(r.message));
                            if (!alive)
                                return;
                            Q_EMIT alive->fired(id, r);
                            if (then)
                                then(r);
                        });
}

ActionResult Scheduler::handle(const Action &action, const Caller &) {
    if (action.type == QLatin1String("schedule.save")) {
        const QJsonValue doc = action.params.value(QStringLiteral("schedule"));
        if (!doc.isObject())
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("schedule: a schedule is required"),
                                         QStringLiteral("schedule"));
        const ScheduleParse p = scheduleFromJson(doc.toObject());
        if (!p.ok())
            return ActionResult::failure(QStringLiteral("invalid"), p.issues.first().toString(),
                                         p.issues.first().path.isEmpty()
                                             ? QStringLiteral("schedule")
                                             : QStringLiteral("schedule.") + p.issues.first().path);
        // Written on the store thread, in the action's transaction; the list in memory (the one
        // the scheduler fires from, ordered by id as load() reads it) changes once committed.
        m_db.writeThen(
            [id = p.schedule.id,
             json = QString::fromUtf8(
                 QJsonDocument(scheduleToJson(p.schedule)).toJson(QJsonDocument::Compact)),
             at = QDateTime::currentMSecsSinceEpoch()](store::Database &db) {
                db.prepare("INSERT INTO schedules(id, json, saved_at_ms) VALUES(?, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET json=excluded.json, "
                           "saved_at_ms=excluded.saved_at_ms")
                    .bind(1, id)
                    .bind(2, json)
                    .bind(3, at)
                    .run();
            },
            [alive = QPointer<Scheduler>(this), schedule = p.schedule] {
                if (!alive)
                    return;
                QList<Schedule> &list = alive->m_schedules;
                list.removeIf([&](const Schedule &s) { return s.id == schedule.id; });
                const auto at = std::lower_bound(
                    list.begin(), list.end(), schedule.id,
                    [](const Schedule &s, const QString &id) { return s.id < id; });
                list.insert(at, schedule);
            });
        return ActionResult::success(scheduleToJson(p.schedule));
    }
    if (action.type == QLatin1String("schedule.delete")) {
        const QString id = action.params.value(QStringLiteral("id")).toString();
        if (std::none_of(m_schedules.cbegin(), m_schedules.cend(),
                         [&](const Schedule &s) { return s.id == id; }))
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no schedule '%1'").arg(id.left(64)),
                                         QStringLiteral("id"));
        m_db.writeThen(
            [id](store::Database &db) {
                db.prepare("DELETE FROM schedules WHERE id = ?").bind(1, id).run();
            },
            [alive = QPointer<Scheduler>(this), id] {
                if (alive)
                    alive->m_schedules.removeIf([&](const Schedule &s) { return s.id == id; });
            });
        return ActionResult::success({{QStringLiteral("id"), id}});
    }
    return ActionResult::failure(QStringLiteral("unknown_action"),
                                 QStringLiteral("%1 is not an action").arg(action.type),
                                 QStringLiteral("type"));
}

} // namespace opswall::briefing
