#pragma once
// One row per display of the wall (wall order, stable: rows change only when the wall itself
// changes), with what its device last reported. Filled by DeviceService on the GUI thread; QML
// and the API read it (snapshot()). Volatile things (links, sockets) stay in the service.
#include "device/display.h"

#include <QAbstractListModel>
#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QtQml/qqmlregistration.h>

#include <optional>

namespace opswall::devices {

struct DisplayHealth {
    QString displayId;
    QString label;
    bool bound = false;     // a device is configured for this display
    QString protocol;       // mdc, nec, lg, pjlink
    QString address;        // "mdc tcp 10.0.0.21:1515 id 1"
    bool polled = false;    // at least one poll has finished
    bool reachable = false; // the last poll got an answer
    QDateTime lastSeen;     // UTC, last answer
    QDateTime lastPoll;     // UTC, last finished poll
    QString power;          // on, off, standby, warming-up, cooling-down; "" unknown
    QString input;          // hdmi1, dp1, ...; "" unknown
    std::optional<int> temperatureC;
    QString temperatureText; // PJLink reports ok/warning/error instead of degrees
    QString fan;             // ok, fault, n/a; "" unknown
    QString errors;          // "" none/unknown; vendor error codes otherwise
    QString lastError;       // why the last poll (or part of it) failed
    QString alertSeverity;   // worst active alert: "", info, warning, critical
    QString alertMessage;    // its message

    QJsonObject toJson() const;
    bool operator==(const DisplayHealth &) const = default;
};

// Copies one poll's answers into a row (pure): fields the display did not answer keep their
// previous value only when the display answered nothing at all (so a panel that cannot report
// fans shows "n/a", and an unreachable one keeps its last known state, marked unreachable).
void applyHealth(DisplayHealth &row, const drivers::Health &health, const QDateTime &now);

class DeviceStateModel : public QAbstractListModel {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DeviceService owns the device state model")
    Q_PROPERTY(int count READ count NOTIFY countChanged)
public:
    enum Role {
        DisplayIdRole = Qt::UserRole + 1,
        LabelRole,
        BoundRole,
        ProtocolRole,
        AddressRole,
        PolledRole,
        ReachableRole,
        LastSeenRole,
        PowerRole,
        InputRole,
        TemperatureRole, // int, or undefined when unknown
        TemperatureTextRole,
        FanRole,
        ErrorsRole,
        LastErrorRole,
        AlertSeverityRole,
        AlertMessageRole,
    };
    Q_ENUM(Role)

    explicit DeviceStateModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QHash<int, QByteArray> roleNames() const override;

    int count() const { return int(m_rows.size()); }
    // Replaces all rows (the wall or the bindings changed).
    void reset(QList<DisplayHealth> rows);
    // Updates the row of row.displayId in place; false when the wall has no such display.
    bool update(const DisplayHealth &row);
    const DisplayHealth *row(const QString &displayId) const;
    const QList<DisplayHealth> &rows() const { return m_rows; }
    // One object per display, the same fields as the roles (for the control API).
    QJsonArray snapshot() const;

Q_SIGNALS:
    void countChanged();

private:
    QList<DisplayHealth> m_rows;
};

} // namespace opswall::devices
