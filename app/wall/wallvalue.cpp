#include "wall/wallvalue.h"

#include "wall/walljson.h"

namespace opswall::wall {

namespace {
QString text(const QJsonObject &o, const char *key) {
    return o.value(QLatin1String(key)).toString();
}
} // namespace

QJsonObject DisplayState::toJson() const {
    QJsonObject o = detail;
    o.insert(QStringLiteral("display"), display);
    o.insert(QStringLiteral("power"), power.isEmpty() ? QJsonValue() : QJsonValue(power));
    o.insert(QStringLiteral("input"), input.isEmpty() ? QJsonValue() : QJsonValue(input));
    o.insert(QStringLiteral("health"), health);
    return o;
}

DisplayState DisplayState::fromDeviceRow(const QJsonObject &row) {
    DisplayState d;
    d.display = text(row, "display");
    d.power = text(row, "power");
    d.input = text(row, "input");
    d.detail = row;
    if (!row.value(QStringLiteral("bound")).toBool())
        d.health = QStringLiteral("unmonitored");
    else if (!row.value(QStringLiteral("polled")).toBool())
        d.health = QStringLiteral("unknown");
    else if (!row.value(QStringLiteral("reachable")).toBool())
        d.health = QStringLiteral("unreachable");
    else if (const QString severity = text(row, "alertSeverity"); !severity.isEmpty())
        d.health = severity;
    else
        d.health = QStringLiteral("ok");
    return d;
}

QJsonObject WallAlert::toJson() const {
    QJsonObject o = detail;
    o.insert(QStringLiteral("id"), id);
    o.insert(QStringLiteral("source"), source);
    o.insert(QStringLiteral("severity"), severity);
    o.insert(QStringLiteral("message"), message);
    o.insert(QStringLiteral("since"), since.toUTC().toString(Qt::ISODate));
    o.insert(QStringLiteral("acknowledged"), acknowledged());
    o.insert(QStringLiteral("acknowledgedBy"), acknowledgedBy);
    if (acknowledged())
        o.insert(QStringLiteral("acknowledgedAt"), acknowledgedAt.toUTC().toString(Qt::ISODate));
    if (!note.isEmpty())
        o.insert(QStringLiteral("note"), note);
    return o;
}

QJsonObject StreamState::toJson() const {
    QJsonObject o = detail;
    o.insert(QStringLiteral("id"), source);
    o.insert(QStringLiteral("state"), state);
    return o;
}

QJsonObject WallValue::toJson() const {
    QJsonObject o = wallToJson(wall);
    o.insert(QStringLiteral("revision"), qint64(revision));
    o.insert(QStringLiteral("layout"), QJsonObject{{QStringLiteral("name"), layout.name},
                                                   {QStringLiteral("tiles"), layout.tiles.size()}});
    o.insert(QStringLiteral("displayStates"), displaysJson());
    o.insert(QStringLiteral("alerts"), alertsJson());
    QJsonArray s;
    for (const StreamState &st : streams)
        s.append(st.toJson());
    o.insert(QStringLiteral("streams"), s);
    return o;
}

QJsonObject WallValue::statusJson() const {
    int on = 0, unhealthy = 0, open = 0, unacknowledged = 0, playing = 0;
    for (const DisplayState &d : displays) {
        on += d.power == QLatin1String("on");
        unhealthy += d.health != QLatin1String("ok") && d.health != QLatin1String("unmonitored");
    }
    for (const WallAlert &a : alerts) {
        ++open;
        unacknowledged += !a.acknowledged();
    }
    for (const StreamState &s : streams)
        playing += s.state == QLatin1String("Playing");
    return {{QStringLiteral("layout"), layout.name},
            {QStringLiteral("tiles"), layout.tiles.size()},
            {QStringLiteral("displays"), wall.displays.size()},
            {QStringLiteral("revision"), qint64(revision)},
            {QStringLiteral("displaysOn"), on},
            {QStringLiteral("displaysUnhealthy"), unhealthy},
            {QStringLiteral("alerts"), open},
            {QStringLiteral("alertsUnacknowledged"), unacknowledged},
            {QStringLiteral("streams"), streams.size()},
            {QStringLiteral("streamsPlaying"), playing}};
}

QJsonArray WallValue::alertsJson() const {
    QJsonArray a;
    for (const WallAlert &al : alerts)
        a.append(al.toJson());
    return a;
}

QJsonArray WallValue::displaysJson() const {
    QJsonArray a;
    for (const DisplayState &d : displays)
        a.append(d.toJson());
    return a;
}

QJsonArray WallValue::tilesJson() const {
    QJsonArray a;
    for (const Tile &t : layout.tiles)
        a.append(tileToJson(t));
    return a;
}

} // namespace opswall::wall
