#include "devices/alerttracker.h"

namespace opswall::devices {

using drivers::AlertKind;

namespace {

int rank(const QString &severity) {
    if (severity == QLatin1String("critical"))
        return 3;
    if (severity == QLatin1String("warning"))
        return 2;
    if (severity == QLatin1String("info"))
        return 1;
    return 0;
}

bool noAnswer(const drivers::Result &r) {
    using drivers::Status;
    return r.status == Status::Timeout || r.status == Status::Unreachable ||
           r.status == Status::AuthFailed;
}

QString wording(const AlertTracker::Context &c, const drivers::Alert &a, const drivers::Health &h) {
    const QString display = QStringLiteral("Display %1").arg(c.displayId);
    const QString detail = QString::fromStdString(a.message);
    switch (a.kind) {
    case AlertKind::Unreachable:
        if (h.power.status == drivers::Status::AuthFailed)
            return QStringLiteral("%1 refuses the controller's password (%2). Check the PJLink "
                                  "password in the device bindings.")
                .arg(display, c.address);
        return QStringLiteral("%1 does not answer (%2): %3. Check its mains power, the network "
                              "or serial cable and its set ID.")
            .arg(display, c.address, QString::fromStdString(h.power.error));
    case AlertKind::Overheat:
        return QStringLiteral("%1 is too hot: %2 (warning from %3 °C, critical from %4 °C). "
                              "Check ventilation and fans behind the wall.")
            .arg(display, detail)
            .arg(c.expect.warnTemperatureC)
            .arg(c.expect.criticalTemperatureC);
    case AlertKind::FanFault:
        return QStringLiteral("%1 reports a fan fault. It may overheat; check its fans.")
            .arg(display);
    case AlertKind::PowerMismatch:
        return QStringLiteral("%1 is not as its power schedule says: it %2.").arg(display, detail);
    case AlertKind::WrongInput:
        return QStringLiteral("%1 is %2.").arg(display, detail);
    case AlertKind::DeviceError:
        return QStringLiteral("%1 %2. See the display's service menu.").arg(display, detail);
    case AlertKind::Invalid:
        break;
    }
    return QStringLiteral("%1: %2").arg(display, detail);
}

} // namespace

QString severityName(drivers::Severity s) {
    switch (s) {
    case drivers::Severity::Info:
        return QStringLiteral("info");
    case drivers::Severity::Warning:
        return QStringLiteral("warning");
    case drivers::Severity::Critical:
        return QStringLiteral("critical");
    case drivers::Severity::Invalid:
        break;
    }
    return QStringLiteral("invalid");
}

QJsonObject DeviceAlert::toJson() const {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("source"), QStringLiteral("device")},
            {QStringLiteral("display"), displayId},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("severity"), severity},
            {QStringLiteral("message"), message},
            {QStringLiteral("since"), since.toString(Qt::ISODate)}};
}

AlertTracker::Changes AlertTracker::assess(const Context &c, const drivers::Health &health,
                                           const QDateTime &now) {
    Changes changes;
    int &misses = m_misses[c.displayId];
    if (noAnswer(health.power)) {
        ++misses;
        if (misses < c.missesBeforeUnreachable)
            return changes; // keep what we knew until the display has missed enough polls
    } else {
        misses = 0;
    }
    QMap<QString, DeviceAlert> &active = m_active[c.displayId];
    QMap<QString, DeviceAlert> next;
    for (const drivers::Alert &a : drivers::assessHealth(health, c.expect)) {
        DeviceAlert alert;
        alert.kind = QString::fromLatin1(drivers::alertKindName(a.kind));
        alert.displayId = c.displayId;
        alert.id = QStringLiteral("device/%1/%2").arg(c.displayId, alert.kind);
        alert.severity = severityName(a.severity);
        alert.message = wording(c, a, health);
        const auto it = active.constFind(alert.kind);
        if (it != active.constEnd()) {
            alert.since = it->since;
            if (it->severity != alert.severity)
                changes.raised.append(alert);
            else
                alert.message = it->message; // keep the first wording: no churn per degree
        } else {
            alert.since = now.toUTC();
            changes.raised.append(alert);
        }
        next.insert(alert.kind, alert);
    }
    for (auto it = active.constBegin(); it != active.constEnd(); ++it)
        if (!next.contains(it.key()))
            changes.cleared.append(it.value());
    active = next;
    return changes;
}

AlertTracker::Changes AlertTracker::forget(const QString &displayId) {
    Changes changes;
    changes.cleared = m_active.take(displayId).values();
    m_misses.remove(displayId);
    return changes;
}

QList<DeviceAlert> AlertTracker::active() const {
    QList<DeviceAlert> all;
    for (const auto &perDisplay : m_active)
        all += perDisplay.values();
    return all;
}

QList<DeviceAlert> AlertTracker::active(const QString &displayId) const {
    return m_active.value(displayId).values();
}

QString AlertTracker::worstSeverity(const QString &displayId) const {
    QString worst;
    for (const DeviceAlert &a : m_active.value(displayId))
        if (rank(a.severity) > rank(worst))
            worst = a.severity;
    return worst;
}

bool AlertTracker::unreachable(const QString &displayId) const {
    return m_active.value(displayId).contains(
        QString::fromLatin1(drivers::alertKindName(AlertKind::Unreachable)));
}

} // namespace opswall::devices
