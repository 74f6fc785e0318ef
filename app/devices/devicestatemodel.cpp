#include "devices/devicestatemodel.h"

namespace opswall::devices {

using drivers::Status;

namespace {
QJsonValue orNull(const QString &s) {
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}
QJsonValue orNull(const QDateTime &t) {
    return t.isValid() ? QJsonValue(t.toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}
bool noAnswer(const drivers::Result &r) {
    return r.status == Status::Timeout || r.status == Status::Unreachable ||
           r.status == Status::AuthFailed || r.status == Status::Cancelled;
}
QString errorOf(const drivers::Result &r) {
    return r.ok() ? QString() : QString::fromStdString(r.error);
}
} // namespace

QJsonObject DisplayHealth::toJson() const {
    return {{QStringLiteral("display"), displayId},
            {QStringLiteral("label"), label},
            {QStringLiteral("bound"), bound},
            {QStringLiteral("protocol"), orNull(protocol)},
            {QStringLiteral("address"), orNull(address)},
            {QStringLiteral("polled"), polled},
            {QStringLiteral("reachable"), reachable},
            {QStringLiteral("lastSeen"), orNull(lastSeen)},
            {QStringLiteral("lastPoll"), orNull(lastPoll)},
            {QStringLiteral("power"), orNull(power)},
            {QStringLiteral("input"), orNull(input)},
            {QStringLiteral("temperatureC"),
             temperatureC ? QJsonValue(*temperatureC) : QJsonValue(QJsonValue::Null)},
            {QStringLiteral("temperatureText"), orNull(temperatureText)},
            {QStringLiteral("fan"), orNull(fan)},
            {QStringLiteral("errors"), orNull(errors)},
            {QStringLiteral("lastError"), orNull(lastError)},
            {QStringLiteral("alertSeverity"), orNull(alertSeverity)},
            {QStringLiteral("alertMessage"), orNull(alertMessage)}};
}

void applyHealth(DisplayHealth &row, const drivers::Health &h, const QDateTime &now) {
    row.polled = true;
    row.lastPoll = now.toUTC();
    if (noAnswer(h.power)) {
        row.reachable = false;
        row.lastError = errorOf(h.power);
        return; // keep the last known state; the row says it is stale
    }
    row.reachable = true;
    row.lastSeen = now.toUTC();
    row.power =
        h.power.ok()
            ? QString::fromLatin1(drivers::powerStateName(drivers::PowerState(h.power.value)))
            : QString();
    row.input = h.input.ok() ? QString::fromStdString(h.input.text) : QString();
    row.temperatureC.reset();
    row.temperatureText.clear();
    if (h.temperature.ok()) {
        if (h.temperature.value >= 0)
            row.temperatureC = h.temperature.value;
        row.temperatureText = QString::fromStdString(h.temperature.text);
    }
    row.fan = !h.fans.ok()
                  ? (h.fans.status == Status::Unsupported ? QStringLiteral("n/a") : QString())
              : h.fans.value == 0 ? QStringLiteral("ok")
              : h.fans.value == 1 ? QStringLiteral("fault")
                                  : QStringLiteral("n/a");
    row.errors.clear();
    if (h.errors.ok() && h.errors.value != 0) {
        QStringList codes;
        for (int v : h.errors.values)
            codes.append(QString::number(v));
        row.errors = codes.isEmpty() ? QStringLiteral("error") : codes.join(QLatin1Char(' '));
    }
    QStringList why;
    for (const drivers::Result *r : {&h.power, &h.input, &h.temperature, &h.fans, &h.errors})
        if (!r->ok() && r->status != Status::Unsupported && !r->error.empty())
            why.append(QString::fromStdString(r->error));
    row.lastError = why.join(QStringLiteral("; "));
}

DeviceStateModel::DeviceStateModel(QObject *parent)
    : QAbstractListModel(parent) {}

int DeviceStateModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant DeviceStateModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const DisplayHealth &r = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
    case DisplayIdRole:
        return r.displayId;
    case LabelRole:
        return r.label;
    case BoundRole:
        return r.bound;
    case ProtocolRole:
        return r.protocol;
    case AddressRole:
        return r.address;
    case PolledRole:
        return r.polled;
    case ReachableRole:
        return r.reachable;
    case LastSeenRole:
        return r.lastSeen;
    case PowerRole:
        return r.power;
    case InputRole:
        return r.input;
    case TemperatureRole:
        return r.temperatureC ? QVariant(*r.temperatureC) : QVariant();
    case TemperatureTextRole:
        return r.temperatureText;
    case FanRole:
        return r.fan;
    case ErrorsRole:
        return r.errors;
    case LastErrorRole:
        return r.lastError;
    case AlertSeverityRole:
        return r.alertSeverity;
    case AlertMessageRole:
        return r.alertMessage;
    default:
        return {};
    }
}

QHash<int, QByteArray> DeviceStateModel::roleNames() const {
    return {{DisplayIdRole, "displayId"},
            {LabelRole, "label"},
            {BoundRole, "bound"},
            {ProtocolRole, "protocol"},
            {AddressRole, "address"},
            {PolledRole, "polled"},
            {ReachableRole, "reachable"},
            {LastSeenRole, "lastSeen"},
            {PowerRole, "power"},
            {InputRole, "input"},
            {TemperatureRole, "temperatureC"},
            {TemperatureTextRole, "temperatureText"},
            {FanRole, "fan"},
            {ErrorsRole, "errors"},
            {LastErrorRole, "lastError"},
            {AlertSeverityRole, "alertSeverity"},
            {AlertMessageRole, "alertMessage"}};
}

void DeviceStateModel::reset(QList<DisplayHealth> rows) {
    const bool countChanges = rows.size() != m_rows.size();
    beginResetModel();
    m_rows = std::move(rows);
    endResetModel();
    if (countChanges)
        Q_EMIT countChanged();
}

bool DeviceStateModel::update(const DisplayHealth &row) {
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].displayId != row.displayId)
            continue;
        if (m_rows[i] == row)
            return true;
        m_rows[i] = row;
        const QModelIndex at = index(int(i));
        Q_EMIT dataChanged(at, at);
        return true;
    }
    return false;
}

const DisplayHealth *DeviceStateModel::row(const QString &displayId) const {
    for (const DisplayHealth &r : m_rows)
        if (r.displayId == displayId)
            return &r;
    return nullptr;
}

QJsonArray DeviceStateModel::snapshot() const {
    QJsonArray all;
    for (const DisplayHealth &r : m_rows)
        all.append(r.toJson());
    return all;
}

} // namespace opswall::devices
