#pragma once
// Which device sits behind each display of the wall, and how to reach it: the "opswall.devices"
// document (schemaVersion 1), validated with messages that name the exact field at fault.
//
//   {"kind": "opswall.devices", "schemaVersion": 1,
//    "pollIntervalMs": 10000, "unreachableAfterMisses": 2,
//    "temperature": {"warnC": 60, "criticalC": 70},
//    "powerSchedule": "on 07:00 mon-fri; off 19:00 mon-fri",
//    "displays": {
//      "r1c1": {"protocol": "mdc", "tcp": "10.0.0.21:1515", "id": 1},
//      "r2c1": {"protocol": "mdc", "serial": {"device": "/dev/ttyUSB0", "baud": 9600,
//               "parity": "none", "stopBits": 1}, "id": 5},
//      "r3c1": {"protocol": "pjlink", "tcp": "10.0.0.40:4352", "password": "secret",
//               "powerSchedule": "",          // this display is left out of the schedule
//               "model": {"name": "EB-L1500U", "inputCodes": {"hdmi1": 32},
//                         "connection": "perCommand", "replyTimeoutMs": 3000}}}}
//
// Displays with the same transport address (one serial device, or one host:port behind a
// serial-to-Ethernet gateway) share one Link: a daisy chain. They must then agree on the
// protocol and the line settings and have distinct IDs.
#include "wall/jsonreader.h"

#include "codec/protocol.h"
#include "link/link.h"
#include "link/transport.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>

#include <optional>

namespace opswall::devices {

using wall::Issue;

enum class TransportKind { Invalid = 0, Tcp, Serial };

struct DeviceBinding {
    QString displayId;
    drivers::ProtocolKind protocol = drivers::ProtocolKind::Invalid;
    TransportKind transport = TransportKind::Invalid;
    QString host; // Tcp
    quint16 port = 0;
    QString serialDevice; // Serial
    int baudRate = 9600;
    drivers::Parity parity = drivers::Parity::None;
    drivers::StopBits stopBits = drivers::StopBits::One;
    int deviceId = 1;              // MDC/NEC/LG set ID on the line; 1 for PJLink
    QString password;              // PJLink only
    QString modelName;             // ModelProfile::model
    QMap<QString, int> inputCodes; // overrides of the protocol's default input map
    drivers::MdcWallNibbles mdcWallNibbles = drivers::MdcWallNibbles::ColumnsHigh;
    // LG: which command family the set speaks (white-balance letters, picture mode); profile.h.
    drivers::LgFamily lgFamily = drivers::LgFamily::Signage;
    drivers::Connection connection = drivers::Connection::Persistent;
    int replyTimeoutMs = 0;               // 0: the protocol's default
    std::optional<QString> powerSchedule; // overrides the wall-wide one; "" = not scheduled

    // Displays with the same key share one Link.
    QString linkKey() const;
    QString describeAddress() const; // "tcp 10.0.0.21:1515 id 1", "serial /dev/ttyUSB0 id 5"
    drivers::ModelProfile profile() const;
    bool operator==(const DeviceBinding &) const = default;
};

struct DeviceConfig {
    static constexpr int kSchemaVersion = 1;
    QList<DeviceBinding> displays; // in document order
    QString powerSchedule;         // wall-wide; empty = none
    int pollIntervalMs = 10000;
    int unreachableAfterMisses = 2; // consecutive failed polls before "unreachable" is raised
    int warnTemperatureC = 60;
    int criticalTemperatureC = 70;

    const DeviceBinding *binding(const QString &displayId) const;
    // The schedule text that applies to a display (its own, else the wall's); empty = none.
    QString scheduleFor(const QString &displayId) const;
    bool operator==(const DeviceConfig &) const = default;
};

struct ParsedConfig {
    std::optional<DeviceConfig> config; // set only when there are no issues
    QList<Issue> issues;
};

// knownDisplays: the wall's display ids; a binding for any other id is an error. Empty list:
// not checked (the wall is not known yet).
ParsedConfig parseDeviceConfig(const QJsonObject &document, const QStringList &knownDisplays = {});
ParsedConfig parseDeviceConfig(const QByteArray &json, const QStringList &knownDisplays = {});
QJsonObject toJson(const DeviceConfig &config);

// "ready tcp 127.0.0.1:PORT" lines of opswall-display-sim -> ports, in order.
QList<quint16> parseSimulatorPorts(const QByteArray &output);
QStringList demoDisplayIds(); // r1c1 .. r3c4
// The demo wall: displays r1c1..r3c4 (row-major) on the given simulator ports, MDC id 1 each,
// scheduled on 07:00 / off 19:00 on working days. Needs at least displayIds.size() ports.
DeviceConfig demoDeviceConfig(const QList<quint16> &ports,
                              const QStringList &displayIds = demoDisplayIds());

} // namespace opswall::devices
