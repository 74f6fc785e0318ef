#include "wall/tilekinds.h"

#include <QColor>
#include <QJsonDocument>
#include <QTimeZone>

namespace opswall::wall {

namespace {

constexpr qsizetype kMaxTextLength = 4000;

// An optional string key that must be one of the choices.
void oneOf(const JsonReader &r, const QJsonObject &b, const QString &key,
           const QStringList &choices) {
    if (const auto v = r.string(b, key, false, choices.first()); v && !choices.contains(*v))
        r.error(r.child(key), QStringLiteral("must be %1, got \"%2\"")
                                  .arg(choices.join(QStringLiteral(", ")), v->left(40)));
}

void validateText(const JsonReader &r, const QJsonObject &b) {
    r.rejectUnknown(b, {QStringLiteral("text"), QStringLiteral("align"), QStringLiteral("color"),
                        QStringLiteral("sizeMm")});
    if (const auto text = r.string(b, QStringLiteral("text"));
        text && text->size() > kMaxTextLength)
        r.error(r.child(QStringLiteral("text")),
                QStringLiteral("is longer than %1 characters").arg(kMaxTextLength));
    if (const auto align = r.string(b, QStringLiteral("align"), false, QStringLiteral("left"));
        align &&
        !QStringList{QStringLiteral("left"), QStringLiteral("center"), QStringLiteral("right")}
             .contains(*align))
        r.error(r.child(QStringLiteral("align")),
                QStringLiteral("must be left, center or right, got \"%1\"").arg(*align));
    if (const auto c = r.string(b, QStringLiteral("color"), false, QStringLiteral("#f2f6fa"));
        c && !QColor::isValidColorName(*c))
        r.error(r.child(QStringLiteral("color")),
                QStringLiteral("\"%1\" is not a colour (use #rrggbb or a colour name)").arg(*c));
    if (const auto sz = r.number(b, QStringLiteral("sizeMm"), false, 40.0);
        sz && (*sz <= 0 || *sz > 1000))
        r.error(r.child(QStringLiteral("sizeMm")), QStringLiteral("must be between 0 and 1000 mm"));
}

void validateClock(const JsonReader &r, const QJsonObject &b) {
    r.rejectUnknown(b,
                    {QStringLiteral("timeZone"), QStringLiteral("show"), QStringLiteral("label")});
    if (const auto tz =
            r.string(b, QStringLiteral("timeZone"), false, QStringLiteral("Asia/Ho_Chi_Minh"));
        tz && !QTimeZone(tz->toUtf8()).isValid())
        r.error(r.child(QStringLiteral("timeZone")),
                QStringLiteral("\"%1\" is not a known time zone (use an IANA name such as "
                               "Asia/Ho_Chi_Minh)")
                    .arg(*tz));
    if (const auto show = r.string(b, QStringLiteral("show"), false, QStringLiteral("datetime"));
        show &&
        !QStringList{QStringLiteral("time"), QStringLiteral("date"), QStringLiteral("datetime")}
             .contains(*show))
        r.error(r.child(QStringLiteral("show")),
                QStringLiteral("must be time, date or datetime, got \"%1\"").arg(*show));
    r.string(b, QStringLiteral("label"), false, QString());
}

void validateImage(const JsonReader &r, const QJsonObject &b) {
    r.rejectUnknown(b, {QStringLiteral("source"), QStringLiteral("fill")});
    if (const auto src = r.string(b, QStringLiteral("source")); src && src->isEmpty())
        r.error(r.child(QStringLiteral("source")), QStringLiteral("must not be empty"));

    if (const auto fill = r.string(b, QStringLiteral("fill"), false, QStringLiteral("fit"));
        fill &&
        !QStringList{QStringLiteral("fit"), QStringLiteral("fill"), QStringLiteral("stretch")}
             .contains(*fill))
        r.error(r.child(QStringLiteral("fill")),
                QStringLiteral("must be fit, fill or stretch, got \"%1\"").arg(*fill));
}

void validateColor(const JsonReader &r, const QJsonObject &b) {
    r.rejectUnknown(b, {QStringLiteral("color")});
    if (const auto c = r.string(b, QStringLiteral("color")); c && !QColor::isValidColorName(*c))
        r.error(r.child(QStringLiteral("color")),
                QStringLiteral("\"%1\" is not a colour (use #rrggbb or a colour name)").arg(*c));
}

void validateVideo(const JsonReader &r, const QJsonObject &b) {
    r.rejectUnknown(b, {QStringLiteral("source"), QStringLiteral("uri"), QStringLiteral("label"),
                        QStringLiteral("fill"), QStringLiteral("stats"),
                        QStringLiteral("displayPath")});
    const auto src = r.string(b, QStringLiteral("source"), false, QString());
    const auto uri = r.string(b, QStringLiteral("uri"), false, QString());
    if (src && uri && src->isEmpty() && uri->isEmpty())
        r.error(r.child(QStringLiteral("source")),
                QStringLiteral("a video tile needs a source id or a uri"));
    r.string(b, QStringLiteral("label"), false, QString());
    r.boolean(b, QStringLiteral("stats"), false, false);
    oneOf(r, b, QStringLiteral("fill"),
          {QStringLiteral("fit"), QStringLiteral("fill"), QStringLiteral("stretch")});
    oneOf(r, b, QStringLiteral("displayPath"),
          {QStringLiteral("texture"), QStringLiteral("opengl")});
}

void validateMap(const JsonReader &r, const QJsonObject &b) {
    // The keys of app/maps/mapvalues.h plus the indicator binding of IndicatorMapTile.
    r.rejectUnknown(b, {QStringLiteral("indicator"),      QStringLiteral("period"),
                        QStringLiteral("units"),          QStringLiteral("dataUnits"),
                        QStringLiteral("values"),         QStringLiteral("title"),
                        QStringLiteral("unit"),           QStringLiteral("source"),
                        QStringLiteral("classification"), QStringLiteral("classes"),
                        QStringLiteral("breaks"),         QStringLiteral("palette"),
                        QStringLiteral("centre"),         QStringLiteral("aggregation"),
                        QStringLiteral("weightName"),     QStringLiteral("weights"),
                        QStringLiteral("highlight"),      QStringLiteral("islands"),
                        QStringLiteral("showLabels"),     QStringLiteral("showMessages")});
    for (const QString &key : {QStringLiteral("units"), QStringLiteral("dataUnits")})
        if (const auto n = r.integer(b, key, false, 34); n && *n != 34 && *n != 63)
            r.error(r.child(key), QStringLiteral("must be 34 or 63, got %1").arg(*n));
    if (const auto n = r.integer(b, QStringLiteral("classes"), false, 5); n && (*n < 2 || *n > 9))
        r.error(r.child(QStringLiteral("classes")),
                QStringLiteral("must be 2 to 9, got %1").arg(*n));
    r.number(b, QStringLiteral("centre"), false, 100.0);
    r.object(b, QStringLiteral("values"), false);
    r.object(b, QStringLiteral("weights"), false);
    r.array(b, QStringLiteral("breaks"), false);
    r.array(b, QStringLiteral("highlight"), false);
    for (const QString &key :
         {QStringLiteral("indicator"), QStringLiteral("period"), QStringLiteral("title"),
          QStringLiteral("unit"), QStringLiteral("source"), QStringLiteral("weightName")})
        r.string(b, key, false, QString());
    oneOf(r, b, QStringLiteral("classification"),
          {QStringLiteral("quantiles"), QStringLiteral("equal"), QStringLiteral("breaks")});
    oneOf(r, b, QStringLiteral("palette"),
          {QStringLiteral("sequential"), QStringLiteral("diverging")});
    oneOf(r, b, QStringLiteral("aggregation"),
          {QStringLiteral("sum"), QStringLiteral("weightedMean")});
    oneOf(r, b, QStringLiteral("islands"),
          {QStringLiteral("auto"), QStringLiteral("inplace"), QStringLiteral("inset")});
}

// One row per kind. The built-in kinds' components are in qml/wall (OpsWall.Wall).
constexpr TileKind kKinds[] = {
    {"text",
     "A heading or a notice",
     R"({"align": "left", "sizeMm": 40})",
     validateText,
     {{"wall", nullptr, "qrc:/OpsWall/Wall/TextTile.qml"}, {}},
     true,
     true,
     true},
    {"clock",
     "The time and date in a time zone",
     R"({"timeZone": "Asia/Ho_Chi_Minh", "show": "datetime"})",
     validateClock,
     {{"wall", nullptr, "qrc:/OpsWall/Wall/ClockTile.qml"}, {}},
     true,
     true,
     true},
    {"image",
     "A picture from the assets or media folder",
     R"({})",
     validateImage,
     {{"wall", nullptr, "qrc:/OpsWall/Wall/ImageTile.qml"}, {}},
     true},
    {"color",
     "A plain colour",
     R"({"color": "#1d3557"})",
     validateColor,
     {{"wall", nullptr, "qrc:/OpsWall/Wall/ColorTile.qml"}, {}},
     true,
     true,
     true},
    {"chart",
     "An indicator's series as a line chart",
     R"({})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/LineChartTile.qml"}, {}}},
    {"bar",
     "An indicator's series as bars",
     R"({})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/BarChartTile.qml"}, {}}},
    {"kpi",
     "An indicator's latest value",
     R"({})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/KpiTile.qml"}, {}}},
    {"table",
     "Provinces ranked by an indicator",
     R"({})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/RankedTableTile.qml"}, {}}},
    {"alerts",
     "The open alerts",
     R"({"max": 5})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/AlertListTile.qml"}, {}}},
    {"map",
     "A province map (choropleth)",
     R"({})",
     validateMap,
     {{"indicators", "maps", "qrc:/OpsWall/Indicators/IndicatorMapTile.qml"},
      {"maps", nullptr, "qrc:/OpsWall/Maps/MapTile.qml"}},
     true},
    {"video",
     "A live video source",
     R"({})",
     validateVideo,
     {{"video", nullptr, "qrc:/OpsWall/Video/VideoTile.qml"}, {}},
     false,
     false},
    {"projects",
     "Key projects and their progress",
     R"({})",
     nullptr,
     {{"indicators", nullptr, "qrc:/OpsWall/Indicators/ProjectsTile.qml"}, {}}},
};

const TileComponent *componentFor(const TileKind &kind, const QStringList &modules) {
    auto built = [&modules](const char *m) {
        return m &&
               (QLatin1String(m) == QLatin1String("wall") || modules.contains(QLatin1String(m)));
    };
    for (const TileComponent &c : kind.components)
        if (c.url && built(c.module) && (!c.needs || built(c.needs)))
            return &c;
    return nullptr;
}

} // namespace

std::span<const TileKind> tileKinds() {
    return std::span<const TileKind>(kKinds);
}

const TileKind *findTileKind(const QString &name) {
    for (const TileKind &k : kKinds)
        if (name == QLatin1String(k.name))
            return &k;
    return nullptr;
}

QStringList knownTileKinds() {
    QStringList names;
    for (const TileKind &k : kKinds)
        names.append(QString::fromLatin1(k.name));
    return names;
}

QStringList perDisplayTileKinds() {
    QStringList names;
    if (qEnvironmentVariable("OPSWALL_MIRROR_EVERY_KIND") == QLatin1String("1"))
        return names; // every kind mirrored: bench_topology's other configuration
    for (const TileKind &k : kKinds)
        if (k.drawnPerDisplay)
            names.append(QString::fromLatin1(k.name));
    return names;
}

QStringList unkeptTileKinds() {
    QStringList names;
    for (const TileKind &k : kKinds)
        if (!k.keptWhenHidden)
            names.append(QString::fromLatin1(k.name));
    return names;
}

QStringList reusableTileKinds() {
    QStringList names;
    for (const TileKind &k : kKinds)
        if (k.reusable)
            names.append(QString::fromLatin1(k.name));
    return names;
}

QJsonObject defaultBinding(const QString &kind) {
    const TileKind *k = findTileKind(kind);
    return k ? QJsonDocument::fromJson(k->defaultBinding).object() : QJsonObject();
}

QVariantMap tileComponents(const QStringList &modules) {
    QVariantMap out;
    for (const TileKind &k : kKinds)
        if (const TileComponent *c = componentFor(k, modules))
            out.insert(QString::fromLatin1(k.name), QString::fromLatin1(c->url));
    return out;
}

QJsonArray tileKindsJson(const QStringList &modules) {
    QJsonArray out;
    for (const TileKind &k : kKinds)
        out.append(
            QJsonObject{{QStringLiteral("kind"), QString::fromLatin1(k.name)},
                        {QStringLiteral("description"), QString::fromLatin1(k.description)},
                        {QStringLiteral("defaultBinding"), defaultBinding(QLatin1String(k.name))},
                        {QStringLiteral("drawn"), componentFor(k, modules) != nullptr}});
    return out;
}

} // namespace opswall::wall
