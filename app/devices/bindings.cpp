#include "devices/bindings.h"

#include "device/schedule.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>

namespace opswall::devices {

using drivers::ProtocolKind;
using wall::JsonReader;

namespace {

const QStringList kDocumentKeys = {
    QStringLiteral("kind"),           QStringLiteral("schemaVersion"),
    QStringLiteral("pollIntervalMs"), QStringLiteral("unreachableAfterMisses"),
    QStringLiteral("temperature"),    QStringLiteral("powerSchedule"),
    QStringLiteral("displays")};
const QStringList kBindingKeys = {QStringLiteral("protocol"),     QStringLiteral("tcp"),
                                  QStringLiteral("serial"),       QStringLiteral("id"),
                                  QStringLiteral("password"),     QStringLiteral("model"),
                                  QStringLiteral("powerSchedule")};
const QList<int> kBaudRates = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};

QString protocolName(ProtocolKind k) {
    return QString::fromLatin1(drivers::protocolKindName(k));
}

// Set-ID ranges the vendors allow on a line (PROTOCOLS.md): MDC 0..253 (0xFE/0xFF address all),
// NEC monitor IDs 1..100, LG set IDs 1..99 (0 addresses all); PJLink has no IDs.
std::pair<int, int> idRange(ProtocolKind k) {
    switch (k) {
    case ProtocolKind::Mdc:
        return {0, 253};
    case ProtocolKind::Nec:
        return {1, 100};
    case ProtocolKind::Lg:
        return {1, 99};
    case ProtocolKind::PjLink:
    case ProtocolKind::Invalid:
        break;
    }
    return {1, 1};
}

bool parseHostPort(const QString &text, QString *host, quint16 *port) {
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0)
        return false;
    QString h = text.left(colon);
    if (h.startsWith(QLatin1Char('[')) && h.endsWith(QLatin1Char(']')))
        h = h.mid(1, h.size() - 2);
    bool ok = false;
    const int p = text.mid(colon + 1).toInt(&ok);
    if (!ok || p < 1 || p > 65535 || h.isEmpty() || h.contains(QLatin1Char(' ')))
        return false;
    *host = h;
    *port = quint16(p);
    return true;
}

QString checkSchedule(const QString &text) {
    std::string why;
    if (!drivers::PowerSchedule::parse(text.toStdString(), &why))
        return QString::fromStdString(why);
    return {};
}

void parseSerial(const JsonReader &r, const QJsonObject &o, DeviceBinding &b) {
    r.rejectUnknown(o, {QStringLiteral("device"), QStringLiteral("baud"), QStringLiteral("parity"),
                        QStringLiteral("stopBits")});
    b.transport = TransportKind::Serial;
    if (auto dev = r.string(o, QStringLiteral("device"))) {
        if (dev->isEmpty() || !dev->startsWith(QLatin1Char('/')))
            r.error(r.child(QStringLiteral("device")),
                    QStringLiteral("must be a device path like /dev/ttyUSB0, got '%1'").arg(*dev));
        b.serialDevice = *dev;
    }
    if (auto baud = r.integer(o, QStringLiteral("baud"), false, 9600)) {
        if (!kBaudRates.contains(*baud))
            r.error(r.child(QStringLiteral("baud")),
                    QStringLiteral("must be one of 1200, 2400, 4800, 9600, 19200, 38400, 57600, "
                                   "115200, got %1")
                        .arg(*baud));
        b.baudRate = *baud;
    }
    if (auto parity = r.string(o, QStringLiteral("parity"), false, QStringLiteral("none"))) {
        b.parity = *parity == QLatin1String("none")   ? drivers::Parity::None
                   : *parity == QLatin1String("odd")  ? drivers::Parity::Odd
                   : *parity == QLatin1String("even") ? drivers::Parity::Even
                                                      : drivers::Parity::Invalid;
        if (b.parity == drivers::Parity::Invalid)
            r.error(r.child(QStringLiteral("parity")),
                    QStringLiteral("must be none, odd or even, got '%1'").arg(*parity));
    }
    if (auto stop = r.number(o, QStringLiteral("stopBits"), false, 1.0)) {
        b.stopBits = *stop == 1.0   ? drivers::StopBits::One
                     : *stop == 1.5 ? drivers::StopBits::OnePointFive
                     : *stop == 2.0 ? drivers::StopBits::Two
                                    : drivers::StopBits::Invalid;
        if (b.stopBits == drivers::StopBits::Invalid)
            r.error(r.child(QStringLiteral("stopBits")),
                    QStringLiteral("must be 1, 1.5 or 2, got %1").arg(*stop));
    }
}

void parseModel(const JsonReader &r, const QJsonObject &o, DeviceBinding &b) {
    r.rejectUnknown(o, {QStringLiteral("name"), QStringLiteral("inputCodes"),
                        QStringLiteral("mdcWallNibbles"), QStringLiteral("connection"),
                        QStringLiteral("replyTimeoutMs"), QStringLiteral("lgFamily")});
    if (auto name = r.string(o, QStringLiteral("name"), false))
        b.modelName = *name;
    if (auto codes = r.object(o, QStringLiteral("inputCodes"), false)) {
        const JsonReader cr = r.at(QStringLiteral("inputCodes"));
        for (auto it = codes->begin(); it != codes->end(); ++it) {
            const auto code = cr.integer(*codes, it.key());
            if (code && (*code < 0 || *code > 0xFFFF))
                cr.error(cr.child(it.key()), QStringLiteral("must be 0-65535, got %1").arg(*code));
            else if (code)
                b.inputCodes.insert(it.key().toLower(), *code);
        }
    }
    if (auto n = r.string(o, QStringLiteral("mdcWallNibbles"), false)) {
        b.mdcWallNibbles = *n == QLatin1String("columnsHigh") ? drivers::MdcWallNibbles::ColumnsHigh
                           : *n == QLatin1String("rowsHigh")  ? drivers::MdcWallNibbles::RowsHigh
                                                              : drivers::MdcWallNibbles::Invalid;
        if (b.mdcWallNibbles == drivers::MdcWallNibbles::Invalid)
            r.error(r.child(QStringLiteral("mdcWallNibbles")),
                    QStringLiteral("must be columnsHigh or rowsHigh, got '%1'").arg(*n));
    }
    if (auto f = r.string(o, QStringLiteral("lgFamily"), false)) {
        b.lgFamily = drivers::lgFamilyFromName(f->toStdString());
        if (b.lgFamily == drivers::LgFamily::Invalid || b.protocol != ProtocolKind::Lg)
            r.error(r.child(QStringLiteral("lgFamily")),
                    b.protocol != ProtocolKind::Lg
                        ? QStringLiteral("is for LG displays only")
                        : QStringLiteral("must be signage or multivision, got '%1'").arg(*f));
    }
    if (auto c = r.string(o, QStringLiteral("connection"), false)) {
        b.connection = *c == QLatin1String("persistent")   ? drivers::Connection::Persistent
                       : *c == QLatin1String("perCommand") ? drivers::Connection::PerCommand
                                                           : drivers::Connection::Invalid;
        if (b.connection == drivers::Connection::Invalid)
            r.error(r.child(QStringLiteral("connection")),
                    QStringLiteral("must be persistent or perCommand, got '%1'").arg(*c));
    }
    if (auto t = r.integer(o, QStringLiteral("replyTimeoutMs"), false)) {
        if (*t < 100 || *t > 60000)
            r.error(r.child(QStringLiteral("replyTimeoutMs")),
                    QStringLiteral("must be 100-60000, got %1").arg(*t));
        b.replyTimeoutMs = *t;
    }
}

std::optional<DeviceBinding> parseBinding(const JsonReader &r, const QString &displayId,
                                          const QJsonObject &o) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, kBindingKeys);
    DeviceBinding b;
    b.displayId = displayId;
    if (auto p = r.string(o, QStringLiteral("protocol"))) {
        b.protocol = drivers::protocolKindFromName(p->toStdString());
        if (b.protocol == ProtocolKind::Invalid)
            r.error(r.child(QStringLiteral("protocol")),
                    QStringLiteral("must be one of mdc, nec, lg, pjlink, got '%1'").arg(*p));
    }
    const bool hasTcp = o.contains(QStringLiteral("tcp"));
    const bool hasSerial = o.contains(QStringLiteral("serial"));
    if (hasTcp == hasSerial) {
        r.error(r.path(), hasTcp ? QStringLiteral("has both tcp and serial; give exactly one")
                                 : QStringLiteral("needs an address: tcp \"HOST:PORT\" or serial "
                                                  "{\"device\": ...}"));
    } else if (hasTcp) {
        if (auto t = r.string(o, QStringLiteral("tcp"))) {
            b.transport = TransportKind::Tcp;
            if (!parseHostPort(*t, &b.host, &b.port))
                r.error(r.child(QStringLiteral("tcp")),
                        QStringLiteral("must be HOST:PORT with a port 1-65535, got '%1'").arg(*t));
        }
    } else if (auto s = r.object(o, QStringLiteral("serial"))) {
        parseSerial(r.at(QStringLiteral("serial")), *s, b);
    }
    if (auto id = r.integer(o, QStringLiteral("id"), false, idRange(b.protocol).first)) {
        const auto [lo, hi] = idRange(b.protocol);
        if (b.protocol != ProtocolKind::Invalid && (*id < lo || *id > hi))
            r.error(r.child(QStringLiteral("id")),
                    b.protocol == ProtocolKind::PjLink
                        ? QStringLiteral("PJLink devices have no ID; leave it out")
                        : QStringLiteral("must be %1-%2 for %3, got %4")
                              .arg(lo)
                              .arg(hi)
                              .arg(protocolName(b.protocol))
                              .arg(*id));
        b.deviceId = *id;
    }
    if (auto pw = r.string(o, QStringLiteral("password"), false)) {
        if (b.protocol != ProtocolKind::PjLink && b.protocol != ProtocolKind::Invalid)
            r.error(r.child(QStringLiteral("password")),
                    QStringLiteral("only PJLink uses a password; %1 has none")
                        .arg(protocolName(b.protocol)));
        b.password = *pw;
    }
    if (auto m = r.object(o, QStringLiteral("model"), false))
        parseModel(r.at(QStringLiteral("model")), *m, b);
    if (auto s = r.string(o, QStringLiteral("powerSchedule"), false)) {
        if (!s->trimmed().isEmpty())
            if (const QString why = checkSchedule(*s); !why.isEmpty())
                r.error(r.child(QStringLiteral("powerSchedule")), why);
        b.powerSchedule = s->trimmed();
    }
    if (r.issueCount() != before)
        return std::nullopt;
    return b;
}

// Displays sharing one line must agree on how that line is driven, and differ in ID.
void checkSharedLinks(const JsonReader &r, const QList<DeviceBinding> &all) {
    QMap<QString, const DeviceBinding *> first;
    QMap<QString, QMap<int, QString>> ids;
    for (const DeviceBinding &b : all) {
        const JsonReader br = r.at(b.displayId);
        const QString key = b.linkKey();
        const DeviceBinding *f = first.value(key);
        const QString where = b.transport == TransportKind::Serial
                                  ? b.serialDevice
                                  : b.host + QLatin1Char(':') + QString::number(b.port);
        const QString addressField =
            br.child(b.transport == TransportKind::Serial ? QStringLiteral("serial")
                                                          : QStringLiteral("tcp"));
        if (!f) {
            first.insert(key, &b);
        } else if (f->protocol != b.protocol) {
            r.error(br.child(QStringLiteral("protocol")),
                    QStringLiteral("shares %1 with %2, which speaks %3; one line speaks one "
                                   "protocol")
                        .arg(where, f->displayId, protocolName(f->protocol)));
        } else if (f->baudRate != b.baudRate || f->parity != b.parity ||
                   f->stopBits != b.stopBits) {
            r.error(addressField,
                    QStringLiteral("shares %1 with %2 but with other line settings (%3 baud here, "
                                   "%4 there); one line has one speed and format")
                        .arg(where, f->displayId)
                        .arg(b.baudRate)
                        .arg(f->baudRate));
        } else if (f->connection != b.connection || f->replyTimeoutMs != b.replyTimeoutMs ||
                   f->password != b.password) {
            r.error(br.child(QStringLiteral("model")),
                    QStringLiteral("shares %1 with %2 but with another connection mode, reply "
                                   "timeout or password")
                        .arg(where, f->displayId));
        }
        QMap<int, QString> &used = ids[key];
        if (used.contains(b.deviceId))
            r.error(br.child(QStringLiteral("id")),
                    QStringLiteral("%1 already uses id %2 on %3; displays on one line need "
                                   "distinct IDs")
                        .arg(used.value(b.deviceId))
                        .arg(b.deviceId)
                        .arg(where));
        else
            used.insert(b.deviceId, b.displayId);
    }
}

} // namespace

QString DeviceBinding::linkKey() const {
    if (transport == TransportKind::Serial)
        return QStringLiteral("serial:") + serialDevice;
    return QStringLiteral("tcp:%1:%2").arg(host.toLower()).arg(port);
}

QString DeviceBinding::describeAddress() const {
    const QString where = transport == TransportKind::Serial
                              ? QStringLiteral("serial %1").arg(serialDevice)
                              : QStringLiteral("tcp %1:%2").arg(host).arg(port);
    if (protocol == ProtocolKind::PjLink)
        return QStringLiteral("%1 %2").arg(protocolName(protocol), where);
    return QStringLiteral("%1 %2 id %3").arg(protocolName(protocol), where).arg(deviceId);
}

drivers::ModelProfile DeviceBinding::profile() const {
    drivers::ModelProfile p = drivers::ModelProfile::defaultFor(protocol);
    if (!modelName.isEmpty())
        p.model = modelName.toStdString();
    for (auto it = inputCodes.begin(); it != inputCodes.end(); ++it)
        p.inputCodes[it.key().toStdString()] = it.value();
    p.mdcWallNibbles = mdcWallNibbles;
    if (protocol == ProtocolKind::Lg)
        p.useLgFamily(lgFamily);
    return p;
}

const DeviceBinding *DeviceConfig::binding(const QString &displayId) const {
    for (const DeviceBinding &b : displays)
        if (b.displayId == displayId)
            return &b;
    return nullptr;
}

QString DeviceConfig::scheduleFor(const QString &displayId) const {
    const DeviceBinding *b = binding(displayId);
    if (!b)
        return {};
    return b->powerSchedule.value_or(powerSchedule);
}

ParsedConfig parseDeviceConfig(const QJsonObject &doc, const QStringList &knownDisplays) {
    ParsedConfig out;
    const JsonReader r(&out.issues);
    r.rejectUnknown(doc, kDocumentKeys);
    if (auto kind = r.string(doc, QStringLiteral("kind")); kind && *kind != "opswall.devices")
        r.error(QStringLiteral("kind"),
                QStringLiteral("must be \"opswall.devices\", got \"%1\"").arg(*kind));
    if (auto v = r.integer(doc, QStringLiteral("schemaVersion"))) {
        if (*v > DeviceConfig::kSchemaVersion)
            r.error(QStringLiteral("schemaVersion"),
                    QStringLiteral("%1 was written by a newer OpsWall; this one reads up to %2")
                        .arg(*v)
                        .arg(DeviceConfig::kSchemaVersion));
        else if (*v < 1)
            r.error(QStringLiteral("schemaVersion"), QStringLiteral("must be 1, got %1").arg(*v));
    }
    DeviceConfig config;
    if (auto ms = r.integer(doc, QStringLiteral("pollIntervalMs"), false, config.pollIntervalMs)) {
        if (*ms < 100 || *ms > 3600000)
            r.error(QStringLiteral("pollIntervalMs"),
                    QStringLiteral("must be 100-3600000, got %1").arg(*ms));
        config.pollIntervalMs = *ms;
    }
    if (auto n = r.integer(doc, QStringLiteral("unreachableAfterMisses"), false,
                           config.unreachableAfterMisses)) {
        if (*n < 1 || *n > 100)
            r.error(QStringLiteral("unreachableAfterMisses"),
                    QStringLiteral("must be 1-100, got %1").arg(*n));
        config.unreachableAfterMisses = *n;
    }
    if (auto t = r.object(doc, QStringLiteral("temperature"), false)) {
        const JsonReader tr = r.at(QStringLiteral("temperature"));
        tr.rejectUnknown(*t, {QStringLiteral("warnC"), QStringLiteral("criticalC")});
        const auto warn = tr.integer(*t, QStringLiteral("warnC"), false, config.warnTemperatureC);
        const auto crit =
            tr.integer(*t, QStringLiteral("criticalC"), false, config.criticalTemperatureC);
        if (warn && crit) {
            if (*warn < 20 || *warn > 120)
                tr.error(tr.child(QStringLiteral("warnC")),
                         QStringLiteral("must be 20-120 °C, got %1").arg(*warn));
            else if (*crit <= *warn || *crit > 150)
                tr.error(tr.child(QStringLiteral("criticalC")),
                         QStringLiteral("must be above warnC (%1) and at most 150 °C, got %2")
                             .arg(*warn)
                             .arg(*crit));
            config.warnTemperatureC = *warn;
            config.criticalTemperatureC = *crit;
        }
    }
    if (auto s = r.string(doc, QStringLiteral("powerSchedule"), false)) {
        if (!s->trimmed().isEmpty())
            if (const QString why = checkSchedule(*s); !why.isEmpty())
                r.error(QStringLiteral("powerSchedule"), why);
        config.powerSchedule = s->trimmed();
    }
    if (auto displays = r.object(doc, QStringLiteral("displays"))) {
        const JsonReader dr = r.at(QStringLiteral("displays"));
        for (auto it = displays->begin(); it != displays->end(); ++it) {
            const JsonReader br = dr.at(it.key());
            if (!knownDisplays.isEmpty() && !knownDisplays.contains(it.key())) {
                dr.error(br.path(), QStringLiteral("the wall has no display \"%1\"").arg(it.key()));
                continue;
            }
            if (!it.value().isObject()) {
                dr.error(br.path(),
                         QStringLiteral("must be an object, got %1").arg(jsonTypeName(it.value())));
                continue;
            }
            if (auto b = parseBinding(br, it.key(), it.value().toObject()))
                config.displays.append(*b);
        }
        if (out.issues.isEmpty())
            checkSharedLinks(dr, config.displays);
    }
    if (out.issues.isEmpty())
        out.config = std::move(config);
    return out;
}

ParsedConfig parseDeviceConfig(const QByteArray &json, const QStringList &knownDisplays) {
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &err);
    if (err.error != QJsonParseError::NoError)
        return {std::nullopt,
                {{QString(), QStringLiteral("not valid JSON at offset %1: %2")
                                 .arg(err.offset)
                                 .arg(err.errorString())}}};
    if (!doc.isObject())
        return {std::nullopt, {{QString(), QStringLiteral("must be a JSON object")}}};
    return parseDeviceConfig(doc.object(), knownDisplays);
}

QJsonObject toJson(const DeviceConfig &config) {
    QJsonObject displays;
    for (const DeviceBinding &b : config.displays) {
        QJsonObject o{{QStringLiteral("protocol"), protocolName(b.protocol)}};
        if (b.transport == TransportKind::Serial) {
            const char *parity = b.parity == drivers::Parity::Odd    ? "odd"
                                 : b.parity == drivers::Parity::Even ? "even"
                                                                     : "none";
            const double stop = b.stopBits == drivers::StopBits::Two            ? 2.0
                                : b.stopBits == drivers::StopBits::OnePointFive ? 1.5
                                                                                : 1.0;
            o.insert(QStringLiteral("serial"),
                     QJsonObject{{QStringLiteral("device"), b.serialDevice},
                                 {QStringLiteral("baud"), b.baudRate},
                                 {QStringLiteral("parity"), QString::fromLatin1(parity)},
                                 {QStringLiteral("stopBits"), stop}});
        } else {
            const QString host = b.host.contains(QLatin1Char(':'))
                                     ? QLatin1Char('[') + b.host + QLatin1Char(']')
                                     : b.host;
            o.insert(QStringLiteral("tcp"), host + QLatin1Char(':') + QString::number(b.port));
        }
        if (b.protocol != ProtocolKind::PjLink)
            o.insert(QStringLiteral("id"), b.deviceId);
        if (!b.password.isEmpty())
            o.insert(QStringLiteral("password"), b.password);
        QJsonObject model;
        if (!b.modelName.isEmpty())
            model.insert(QStringLiteral("name"), b.modelName);
        if (!b.inputCodes.isEmpty()) {
            QJsonObject codes;
            for (auto it = b.inputCodes.begin(); it != b.inputCodes.end(); ++it)
                codes.insert(it.key(), it.value());
            model.insert(QStringLiteral("inputCodes"), codes);
        }
        if (b.mdcWallNibbles == drivers::MdcWallNibbles::RowsHigh)
            model.insert(QStringLiteral("mdcWallNibbles"), QStringLiteral("rowsHigh"));
        if (b.lgFamily != drivers::LgFamily::Signage)
            model.insert(QStringLiteral("lgFamily"), QString::fromLatin1(lgFamilyName(b.lgFamily)));
        if (b.connection == drivers::Connection::PerCommand)
            model.insert(QStringLiteral("connection"), QStringLiteral("perCommand"));
        if (b.replyTimeoutMs > 0)
            model.insert(QStringLiteral("replyTimeoutMs"), b.replyTimeoutMs);
        if (!model.isEmpty())
            o.insert(QStringLiteral("model"), model);
        if (b.powerSchedule)
            o.insert(QStringLiteral("powerSchedule"), *b.powerSchedule);
        displays.insert(b.displayId, o);
    }
    QJsonObject doc{{QStringLiteral("kind"), QStringLiteral("opswall.devices")},
                    {QStringLiteral("schemaVersion"), DeviceConfig::kSchemaVersion},
                    {QStringLiteral("pollIntervalMs"), config.pollIntervalMs},
                    {QStringLiteral("unreachableAfterMisses"), config.unreachableAfterMisses},
                    {QStringLiteral("temperature"),
                     QJsonObject{{QStringLiteral("warnC"), config.warnTemperatureC},
                                 {QStringLiteral("criticalC"), config.criticalTemperatureC}}},
                    {QStringLiteral("displays"), displays}};
    if (!config.powerSchedule.isEmpty())
        doc.insert(QStringLiteral("powerSchedule"), config.powerSchedule);
    return doc;
}

QList<quint16> parseSimulatorPorts(const QByteArray &output) {
    QList<quint16> ports;
    for (const QByteArray &raw : output.split('\n')) {
        const QByteArray line = raw.trimmed();
        if (!line.startsWith("ready tcp "))
            continue;
        const qsizetype colon = line.lastIndexOf(':');
        bool ok = false;
        const int port = line.mid(colon + 1).toInt(&ok);
        if (ok && port > 0 && port <= 65535)
            ports.append(quint16(port));
    }
    return ports;
}

QStringList demoDisplayIds() {
    QStringList ids;
    for (int row = 1; row <= 3; ++row)
        for (int col = 1; col <= 4; ++col)
            ids.append(QStringLiteral("r%1c%2").arg(row).arg(col));
    return ids;
}

DeviceConfig demoDeviceConfig(const QList<quint16> &ports, const QStringList &displayIds) {
    DeviceConfig config;
    config.pollIntervalMs = 3000;
    config.powerSchedule = QStringLiteral("on 07:00 mon-fri; off 19:00 mon-fri");
    for (qsizetype i = 0; i < displayIds.size() && i < ports.size(); ++i) {
        DeviceBinding b;
        b.displayId = displayIds.at(i);
        b.protocol = ProtocolKind::Mdc;
        b.transport = TransportKind::Tcp;
        b.host = QStringLiteral("127.0.0.1");
        b.port = ports.at(i);
        b.deviceId = 1; // each simulated display listens on its own port as set ID 1
        config.displays.append(b);
    }
    return config;
}

} // namespace opswall::devices
