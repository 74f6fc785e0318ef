// DeviceService's side on the GUI thread that does not drive the io thread: the bindings and
// the model's rows, health polled into the model and the alerts, and the power schedule (run as
// device.command actions through the dispatcher). Starting, stopping and commands:
// deviceservice.cpp.
#include "devices/deviceservice.h"

#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include "device/health.h"

#include <QJsonArray>
#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>

Q_DECLARE_LOGGING_CATEGORY(lcDevices)

namespace opswall::devices {

using namespace drivers;

namespace {

LocalTime localTime(const QDateTime &t) {
    return LocalTime{t.date().dayOfWeek() - 1, t.time().hour() * 60 + t.time().minute()};
}

QDateTime toMinute(const QDateTime &t) {
    QDateTime m = t;
    m.setTime(QTime(t.time().hour(), t.time().minute()));
    return m;
}

} // namespace

void DeviceService::setClock(Clock clock) {
    m_clock = std::move(clock);
    m_lastScheduleMinute = {};
}

QList<Issue> DeviceService::setConfig(const DeviceConfig &config) {
    QStringList known;
    for (const wall::Display &d : m_state.wall().displays)
        known.append(d.id);
    // Re-validate: the config may come from code, not from a parsed document.
    ParsedConfig parsed = parseDeviceConfig(toJson(config), known);
    if (!parsed.config)
        return parsed.issues;
    const bool wasRunning = isRunning();
    if (wasRunning)
        stop();
    m_config = *parsed.config;
    m_schedules.clear();
    m_bound.clear();
    for (const DeviceBinding &b : m_config.displays) {
        m_bound.append(b.displayId);
        const QString text = m_config.scheduleFor(b.displayId);
        if (!text.isEmpty())
            if (auto s = PowerSchedule::parse(text.toStdString()))
                m_schedules.insert(b.displayId, *s);
    }
    rebuildRows();
    if (wasRunning)
        start();
    return {};
}

void DeviceService::rebuildRows() {
    // Alerts of displays that are no longer watched are cleared.
    for (const DeviceAlert &a : m_alerts.active())
        if (!m_bound.contains(a.displayId) || !m_state.wall().display(a.displayId))
            emitChanges(m_alerts.forget(a.displayId));
    QList<DisplayHealth> rows;
    for (const wall::Display &d : m_state.wall().displays) {
        DisplayHealth row;
        if (const DisplayHealth *old = m_model.row(d.id))
            row = *old;
        row.displayId = d.id;
        row.label = d.label.isEmpty() ? d.id : d.label;
        const DeviceBinding *b = m_config.binding(d.id);
        if (!b || !row.bound || row.address != b->describeAddress()) {
            const QString label = row.label;
            row = DisplayHealth(); // new device: nothing known about it yet
            row.displayId = d.id;
            row.label = label;
        }
        row.bound = b != nullptr;
        if (b) {
            row.protocol = QString::fromLatin1(protocolKindName(b->protocol));
            row.address = b->describeAddress();
        }
        rows.append(row);
    }
    m_model.reset(rows);
}

QJsonArray DeviceService::activeAlerts() const {
    QJsonArray all;
    for (const DeviceAlert &a : m_alerts.active())
        all.append(a.toJson());
    return all;
}

std::optional<bool> DeviceService::scheduledOn(const QString &displayId) const {
    const std::optional<Power> p = expectedPower(displayId);
    if (!p || *p == Power::Invalid)
        return std::nullopt;
    return *p == Power::On;
}

std::optional<Power> DeviceService::expectedPower(const QString &displayId) const {
    const auto it = m_schedules.constFind(displayId);
    if (it == m_schedules.constEnd())
        return std::nullopt;
    return it->stateAt(localTime(m_clock()));
}

void DeviceService::onHealth(quint64 generation, const QString &displayId, const Health &health) {
    if (generation != m_generation)
        return;
    const DisplayHealth *current = m_model.row(displayId);
    const DeviceBinding *binding = m_config.binding(displayId);
    if (!current || !binding)
        return;
    // A display that answers again after it was counted as not answering (a power cut, a cable:
    // its "unreachable" alert, raised after unreachableAfterMisses polls in a row) may have
    // restarted in any state: reconciled again. One lost answer is not a reconnection.
    if (m_alerts.unreachable(displayId) && m_schedules.contains(displayId) &&
        !m_reconcileDue.contains(displayId))
        m_reconcileDue.insert(displayId, QStringLiteral("reconnect"));
    DisplayHealth row = *current;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    applyHealth(row, health, now);
    AlertTracker::Context context;
    context.displayId = displayId;
    context.address = binding->describeAddress();
    reconcileIfDue(displayId, health);
    // A display a reconciling command is on its way to is not "not as its schedule says" (for
    // as long as the command may take: its answer ends the wait sooner).
    if (const auto r = m_reconciling.constFind(displayId);
        r != m_reconciling.constEnd() && r->hasExpired())
        m_reconciling.erase(r);
    if (!m_reconciling.contains(displayId))
        context.expect.power = expectedPower(displayId);
    context.expect.warnTemperatureC = m_config.warnTemperatureC;
    context.expect.criticalTemperatureC = m_config.criticalTemperatureC;
    context.missesBeforeUnreachable = m_config.unreachableAfterMisses;
    const AlertTracker::Changes changes = m_alerts.assess(context, health, now);
    row.alertSeverity = m_alerts.worstSeverity(displayId);
    row.alertMessage.clear();
    for (const DeviceAlert &a : m_alerts.active(displayId))
        if (a.severity == row.alertSeverity)
            row.alertMessage = a.message;
    m_model.update(row);
    emitChanges(changes);
    Q_EMIT healthUpdated(displayId);
}

void DeviceService::emitChanges(const AlertTracker::Changes &changes) {
    for (const DeviceAlert &a : changes.cleared)
        Q_EMIT alertCleared(a.toJson());
    for (const DeviceAlert &a : changes.raised)
        Q_EMIT alertRaised(a.toJson());
}

void DeviceService::reconcileIfDue(const QString &displayId, const Health &health) {
    if (!health.power.ok() || !m_reconcileDue.contains(displayId))
        return; // only an answered poll tells what the display is
    const QString reason = m_reconcileDue.take(displayId);
    const std::optional<Power> want = expectedPower(displayId);
    if (!want || *want == Power::Invalid)
        return;
    if (manualChangeStands(displayId)) {
        qCInfo(lcDevices) << "power of" << displayId << "not reconciled (" << reason
                          << "): an operator's change stands until the schedule's next rule";
        return;
    }
    // Not as the schedule says, by the alert's own rule (warming up counts as on).
    HealthExpectations expect;
    expect.power = want;
    const std::vector<Alert> found = assessHealth(health, expect);
    if (std::none_of(found.begin(), found.end(),
                     [](const Alert &a) { return a.kind == AlertKind::PowerMismatch; }))
        return;
    m_reconciling.insert(displayId, QDeadlineTimer(kReconcileWaitMs));
    m_reconcileGathered.insert(displayId, {*want, reason});
    if (!m_reconcileTimer.isActive())
        m_reconcileTimer.start();
}

bool DeviceService::manualChangeStands(const QString &displayId) const {
    const auto at = m_manualPowerAt.constFind(displayId);
    const auto schedule = m_schedules.constFind(displayId);
    if (at == m_manualPowerAt.constEnd() || schedule == m_schedules.constEnd())
        return false;
    const QDateTime now = m_clock();
    const std::optional<PastChange> last = schedule->lastAtOrBefore(localTime(now));
    // From the transition's minute on: a command within that minute, after it, stands.
    return !last || *at >= toMinute(now).addSecs(-60 * qint64(last->minutesAgo));
}

Caller DeviceService::scheduleCaller() {
    return Caller{QStringLiteral("schedule"), Role::Technician, QStringLiteral("local"),
                  QStringLiteral("schedule")};
}

void DeviceService::sendReconcile() {
    const auto gathered = std::exchange(m_reconcileGathered, {});
    for (const Power power : {Power::On, Power::Off}) {
        QJsonArray displays;
        QStringList ids;
        QString reason;
        for (const QString &id : m_bound) // wall order of the bindings
            if (const auto it = gathered.constFind(id);
                it != gathered.constEnd() && it->first == power) {
                displays.append(id);
                ids.append(id);
                // "start" when any display is reconciled because the wall started.
                if (reason.isEmpty() || it->second == QLatin1String("start"))
                    reason = it->second;
            }
        if (ids.isEmpty())
            continue;
        const Action action{QStringLiteral("device.command"),
                            {{QStringLiteral("displays"), displays},
                             {QStringLiteral("command"), QStringLiteral("power")},
                             {QStringLiteral("value"),
                              power == Power::On ? QStringLiteral("on") : QStringLiteral("off")},
                             {QStringLiteral("reason"), reason}}};
        const Caller caller = scheduleCaller();
        QPointer<DeviceService> self(this);
        const quint64 generation = m_generation;
        m_dispatcher.submit(action, caller, [self, ids, generation](const ActionResult &result) {
            if (!self || generation != self->m_generation)
                return;
            const quint64 requestId =
                quint64(result.data.value(QStringLiteral("requestId")).toInteger());
            if (result.ok && requestId != 0) {
                self->m_reconcileRequests.insert(requestId, ids);
                return;
            }
            // Refused (a fenced controller, a store that refuses the write): the alert says so.
            qCWarning(lcDevices) << "power reconciled to the schedule" << ids
                                 << "refused:" << result.message;
            for (const QString &id : ids)
                self->m_reconciling.remove(id);
        });
    }
}

void DeviceService::reconcileFinished(quint64 requestId) {
    // Done (ok or not): the next poll says whether the display is as the schedule says.
    for (const QString &id : m_reconcileRequests.take(requestId))
        m_reconciling.remove(id);
}

void DeviceService::startSchedule() {
    m_lastScheduleMinute = toMinute(m_clock());
    m_scheduleTimer.start();
}

void DeviceService::checkSchedule() {
    const QDateTime now = toMinute(m_clock());
    const QDateTime last = m_lastScheduleMinute;
    m_lastScheduleMinute = now;
    if (!last.isValid() || now <= last || m_schedules.isEmpty())
        return; // first check, or the clock went back: nothing is replayed
    // Walk the minutes that passed (a late timer, a suspended box), at most one day back; per
    // display the latest rule in that window wins.
    QDateTime t = std::max(last.addSecs(60), now.addDays(-1).addSecs(60));
    QMap<QString, Power> due;
    for (; t <= now; t = t.addSecs(60)) {
        const LocalTime lt = localTime(t);
        for (auto it = m_schedules.constBegin(); it != m_schedules.constEnd(); ++it)
            for (const PowerRule &rule : it->rules())
                if (rule.minuteOfDay == lt.minuteOfDay && (rule.days >> lt.weekday) & 1u)
                    due.insert(it.key(), rule.power);
    }
    for (const Power power : {Power::On, Power::Off}) {
        QJsonArray displays;
        for (const QString &id : m_bound) // wall order of the bindings, not hash order
            if (due.value(id, Power::Invalid) == power)
                displays.append(id);
        if (displays.isEmpty())
            continue;
        const Action action{QStringLiteral("device.command"),
                            {{QStringLiteral("displays"), displays},
                             {QStringLiteral("command"), QStringLiteral("power")},
                             {QStringLiteral("value"),
                              power == Power::On ? QStringLiteral("on") : QStringLiteral("off")}}};
        const Caller caller = scheduleCaller();
        // Submitted: the GUI thread does not wait for the action's transaction.
        m_dispatcher.submit(action, caller, [params = action.params](const ActionResult &result) {
            if (!result.ok)
                qCWarning(lcDevices) << "scheduled power" << params << "refused:" << result.message;
        });
    }
}

} // namespace opswall::devices
