#pragma once
// The wall's state as one value: its configuration, the live layout with its one persistent
// revision, each display's state (power, input, health), every alert (device, indicator and store
// alerts alike: alertboard.h), and each video stream's state. The API's wall snapshot
// (GET /api/v1/wall, /status, /alerts, /devices, /tiles, /layout) is read from one such value,
// built on the GUI thread from the live layers; it is a plain value and crosses threads by copy.

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace opswall::wall {

struct DisplayState {
    QString display;
    QString power;      // "on", "off", "standby", ... as the controller reported; empty: not known
    QString input;      // "hdmi1", ...; empty: not known
    QString health;     // "ok", "info", "warning", "critical", "unreachable", "unknown",
                        // "unmonitored" (no controller bound)
    QJsonObject detail; // the device layer's row (temperature, fan, errors, last poll, ...)
    QJsonObject toJson() const;
    // From the device layer's row (devices/devicestatemodel.h DisplayHealth::toJson()).
    static DisplayState fromDeviceRow(const QJsonObject &row);
};

struct WallAlert {
    QString id;       // unique across sources, path-safe: "indicator.12", "device.r1c1.overheat"
    QString source;   // "indicator", "device", "store"
    QString severity; // "info", "warning", "critical"
    QString message;  // for people
    QDateTime since;  // UTC, when raised
    QString acknowledgedBy; // empty until acknowledged
    QDateTime acknowledgedAt;
    QString note;       // the acknowledgement's note, when one was given
    QJsonObject detail; // source-specific fields: rule, indicator, feed, display, kind
    bool acknowledged() const { return !acknowledgedBy.isEmpty(); }
    QJsonObject toJson() const;
};

struct StreamState {
    QString source; // the video source's id
    QString state;  // "Playing", "Connecting", "Error", ...
    QJsonObject detail;
    QJsonObject toJson() const;
};

// The keys GET /api/v1/wall adds to the wall document (WallValue::toJson()); a client that reads
// the document back with wallFromJson() removes them first.
inline QJsonObject wallDocumentOf(QJsonObject snapshot) {
    for (const char *key : {"revision", "layout", "displayStates", "alerts", "streams"})
        snapshot.remove(QLatin1String(key));
    return snapshot;
}

struct WallValue {
    Wall wall;
    Layout layout;
    quint64 revision = 0; // the live layout's persistent revision
    QList<DisplayState> displays;
    QList<WallAlert> alerts;
    QList<StreamState> streams;

    // GET /api/v1/wall: the configuration document's fields, plus revision, layout (name and
    // tile count), displayStates, alerts and streams.
    QJsonObject toJson() const;
    // GET /api/v1/status: scalar fields only, for AV control systems.
    QJsonObject statusJson() const;
    QJsonArray alertsJson() const;
    QJsonArray displaysJson() const; // the device rows, for GET /api/v1/devices
    QJsonArray tilesJson() const;
};

} // namespace opswall::wall
