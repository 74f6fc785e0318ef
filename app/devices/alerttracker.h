#pragma once
// Turns health polls into raised and cleared alerts (pure; no timers, no I/O). The drivers'
// assessHealth judges one poll; the tracker remembers what is active per display, waits for
// several missed polls before calling a display unreachable (one lost packet is not an alarm),
// raises an alert again only when its severity changes (a temperature creeping up one degree
// at a time is one alert, not thirty), and words alerts for a technician (English; the UI
// translates by "kind").
#include "device/health.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>

namespace opswall::devices {

struct DeviceAlert {
    QString id;        // "device/r1c1/overheat": stable while the condition lasts
    QString displayId; // "r1c1"
    QString kind;      // drivers::alertKindName: unreachable, overheat, fan-fault, ...
    QString severity;  // info, warning, critical
    QString message;   // for a technician, English
    QDateTime since;   // UTC, when it was first raised
    QJsonObject toJson() const;
};

QString severityName(drivers::Severity s);

class AlertTracker {
public:
    struct Changes {
        QList<DeviceAlert> raised; // new, or active with a new severity (same id)
        QList<DeviceAlert> cleared;
    };
    struct Context {
        QString displayId;
        QString address; // "mdc tcp 10.0.0.21:1515 id 1": where a technician looks
        drivers::HealthExpectations expect;
        int missesBeforeUnreachable = 2;
    };

    Changes assess(const Context &context, const drivers::Health &health, const QDateTime &now);
    // The display is no longer watched (unbound, or the service stopped): clears its alerts.
    Changes forget(const QString &displayId);

    QList<DeviceAlert> active() const;
    QList<DeviceAlert> active(const QString &displayId) const;
    // The worst active severity of a display ("" when none).
    QString worstSeverity(const QString &displayId) const;
    // Whether the display is counted as not answering: its "unreachable" alert is raised (after
    // missesBeforeUnreachable consecutive polls without an answer, not after one).
    bool unreachable(const QString &displayId) const;

private:
    QMap<QString, QMap<QString, DeviceAlert>> m_active; // display -> kind -> alert
    QMap<QString, int> m_misses;                        // consecutive polls without an answer
};

} // namespace opswall::devices
