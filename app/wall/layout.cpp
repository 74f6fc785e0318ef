#include "wall/layout.h"

#include <QDir>

#include <QJsonArray>
#include <QSet>
#include <QTimeZone>

#include <cmath>

namespace opswall::wall {

namespace {
constexpr qsizetype kMaxTextLength = 4000;
constexpr double kMaxCoordinateMm = 1e6; // a kilometre of wall is already absurd
} // namespace

QStringList knownTileKinds() {
    return {QStringLiteral("text"),  QStringLiteral("clock"), QStringLiteral("image"),
            QStringLiteral("color"), QStringLiteral("chart"), QStringLiteral("bar"),
            QStringLiteral("kpi"),   QStringLiteral("table"), QStringLiteral("alerts"),
            QStringLiteral("map"),   QStringLiteral("video"), QStringLiteral("projects")};
}

const Tile *Layout::tile(const QString &id) const {
    const qsizetype i = indexOf(id);
    return i < 0 ? nullptr : &tiles[i];
}

Tile *Layout::tile(const QString &id) {
    const qsizetype i = indexOf(id);
    return i < 0 ? nullptr : &tiles[i];
}

qsizetype Layout::indexOf(const QString &id) const {
    for (qsizetype i = 0; i < tiles.size(); ++i)
        if (tiles[i].id == id)
            return i;
    return -1;
}

std::optional<Tile> tileFromJson(const JsonReader &r, const QJsonObject &o) {
    const qsizetype before = r.issueCount();
    r.rejectUnknown(o, {QStringLiteral("id"), QStringLiteral("kind"), QStringLiteral("title"),
                        QStringLiteral("rect"), QStringLiteral("z"), QStringLiteral("frame"),
                        QStringLiteral("binding")});
    const auto id = r.string(o, QStringLiteral("id"));
    const auto kind = r.string(o, QStringLiteral("kind"));
    const auto title = r.string(o, QStringLiteral("title"), false, QString());
    const auto z = r.integer(o, QStringLiteral("z"), false, 0);
    const auto frame = r.boolean(o, QStringLiteral("frame"), false, true);
    const auto binding = r.object(o, QStringLiteral("binding"), false);
    std::optional<QRectF> rect;
    if (const auto ro = r.object(o, QStringLiteral("rect"))) {
        const JsonReader rr = r.at(QStringLiteral("rect"));
        rr.rejectUnknown(*ro, {QStringLiteral("x"), QStringLiteral("y"), QStringLiteral("width"),
                               QStringLiteral("height")});
        const auto x = rr.number(*ro, QStringLiteral("x"));
        const auto y = rr.number(*ro, QStringLiteral("y"));
        const auto w = rr.number(*ro, QStringLiteral("width"));
        const auto h = rr.number(*ro, QStringLiteral("height"));
        if (x && y && w && h)
            rect = QRectF(*x, *y, *w, *h);
    }
    if (r.issueCount() != before || !id || !kind || !title || !z || !frame || !rect)
        return std::nullopt;
    Tile t;
    t.id = *id;
    t.kind = *kind;
    t.title = *title;
    t.rectMm = *rect;
    t.z = *z;
    t.frame = *frame;
    t.binding = binding.value_or(QJsonObject());
    return t;
}

QJsonObject tileToJson(const Tile &t) {
    QJsonObject o{
        {QStringLiteral("id"), t.id},
        {QStringLiteral("kind"), t.kind},
        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), t.rectMm.x()},
                                             {QStringLiteral("y"), t.rectMm.y()},
                                             {QStringLiteral("width"), t.rectMm.width()},
                                             {QStringLiteral("height"), t.rectMm.height()}}},
        {QStringLiteral("z"), t.z}};
    if (!t.title.isEmpty())
        o.insert(QStringLiteral("title"), t.title);
    if (!t.frame)
        o.insert(QStringLiteral("frame"), false);
    if (!t.binding.isEmpty())
        o.insert(QStringLiteral("binding"), t.binding);
    return o;
}

namespace {

// An optional string key that must be one of the choices.
void oneOf(const JsonReader &r, const QJsonObject &b, const QString &key,
           const QStringList &choices) {
    if (const auto v = r.string(b, key, false, choices.first()); v && !choices.contains(*v))
        r.error(r.child(key), QStringLiteral("must be %1, got \"%2\"")
                                  .arg(choices.join(QStringLiteral(", ")), v->left(40)));
}

void validateBinding(const Tile &t, const QString &path, QList<Issue> &issues) {
    const JsonReader r(&issues, path + QStringLiteral(".binding"));
    const QJsonObject &b = t.binding;
    if (t.kind == QLatin1String("text")) {
        r.rejectUnknown(b, {QStringLiteral("text"), QStringLiteral("align"),
                            QStringLiteral("color"), QStringLiteral("sizeMm")});
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
            r.error(
                r.child(QStringLiteral("color")),
                QStringLiteral("\"%1\" is not a colour (use #rrggbb or a colour name)").arg(*c));
        if (const auto sz = r.number(b, QStringLiteral("sizeMm"), false, 40.0);
            sz && (*sz <= 0 || *sz > 1000))
            r.error(r.child(QStringLiteral("sizeMm")),
                    QStringLiteral("must be between 0 and 1000 mm"));
    } else if (t.kind == QLatin1String("clock")) {
        r.rejectUnknown(
            b, {QStringLiteral("timeZone"), QStringLiteral("show"), QStringLiteral("label")});
        if (const auto tz =
                r.string(b, QStringLiteral("timeZone"), false, QStringLiteral("Asia/Ho_Chi_Minh"));
            tz && !QTimeZone(tz->toUtf8()).isValid())
            r.error(r.child(QStringLiteral("timeZone")),
                    QStringLiteral("\"%1\" is not a known time zone (use an IANA name such as "
                                   "Asia/Ho_Chi_Minh)")
                        .arg(*tz));
        if (const auto show =
                r.string(b, QStringLiteral("show"), false, QStringLiteral("datetime"));
            show &&
            !QStringList{QStringLiteral("time"), QStringLiteral("date"), QStringLiteral("datetime")}
                 .contains(*show))
            r.error(r.child(QStringLiteral("show")),
                    QStringLiteral("must be time, date or datetime, got \"%1\"").arg(*show));
        r.string(b, QStringLiteral("label"), false, QString());
    } else if (t.kind == QLatin1String("image")) {
        r.rejectUnknown(b, {QStringLiteral("source"), QStringLiteral("fill")});
        if (const auto src = r.string(b, QStringLiteral("source")); src && src->isEmpty())
            r.error(r.child(QStringLiteral("source")), QStringLiteral("must not be empty"));

        if (const auto fill = r.string(b, QStringLiteral("fill"), false, QStringLiteral("fit"));
            fill &&
            !QStringList{QStringLiteral("fit"), QStringLiteral("fill"), QStringLiteral("stretch")}
                 .contains(*fill))
            r.error(r.child(QStringLiteral("fill")),
                    QStringLiteral("must be fit, fill or stretch, got \"%1\"").arg(*fill));
    } else if (t.kind == QLatin1String("color")) {
        r.rejectUnknown(b, {QStringLiteral("color")});
        if (const auto c = r.string(b, QStringLiteral("color")); c && !QColor::isValidColorName(*c))
            r.error(
                r.child(QStringLiteral("color")),
                QStringLiteral("\"%1\" is not a colour (use #rrggbb or a colour name)").arg(*c));
    } else if (t.kind == QLatin1String("video")) {
        r.rejectUnknown(b, {QStringLiteral("source"), QStringLiteral("uri"),
                            QStringLiteral("label"), QStringLiteral("fill"),
                            QStringLiteral("stats"), QStringLiteral("displayPath")});
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
    } else if (t.kind == QLatin1String("map")) {
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
        if (const auto n = r.integer(b, QStringLiteral("classes"), false, 5);
            n && (*n < 2 || *n > 9))
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
    // Other kinds are validated by their own modules when they bind.
}

} // namespace

QList<Issue> validateTile(const Tile &t, const QString &path, const Wall *wall) {
    QList<Issue> issues;
    if (t.id.isEmpty() || t.id.size() > 64)
        issues.append({path + QStringLiteral(".id"), QStringLiteral("must be 1 to 64 characters")});
    if (!knownTileKinds().contains(t.kind))
        issues.append({path + QStringLiteral(".kind"),
                       QStringLiteral("\"%1\" is not a tile kind (expected one of: %2)")
                           .arg(t.kind, knownTileKinds().join(u", "))});
    if (t.title.size() > 200)
        issues.append(
            {path + QStringLiteral(".title"), QStringLiteral("is longer than 200 characters")});
    const QRectF &r = t.rectMm;
    const QString rp = path + QStringLiteral(".rect");
    if (!std::isfinite(r.x()) || !std::isfinite(r.y()) || !std::isfinite(r.width()) ||
        !std::isfinite(r.height()) || std::abs(r.x()) > kMaxCoordinateMm ||
        std::abs(r.y()) > kMaxCoordinateMm || r.width() > kMaxCoordinateMm ||
        r.height() > kMaxCoordinateMm) {
        issues.append({rp, QStringLiteral("must be finite and within a kilometre of the origin")});
    } else {
        if (r.width() <= 0)
            issues.append({rp + QStringLiteral(".width"),
                           QStringLiteral("must be greater than 0, got %1").arg(r.width())});
        if (r.height() <= 0)
            issues.append({rp + QStringLiteral(".height"),
                           QStringLiteral("must be greater than 0, got %1").arg(r.height())});
        if (wall && r.width() > 0 && r.height() > 0 && wall->displaysCovering(r).isEmpty())
            issues.append({rp, QStringLiteral("lies entirely outside the wall's displays")});
    }
    validateBinding(t, path, issues);
    return issues;
}

QList<Issue> validateLayout(const Layout &layout, const Wall *wall) {
    QList<Issue> issues;
    if (layout.tiles.size() > kMaxTiles)
        issues.append(
            {QStringLiteral("tiles"), QStringLiteral("has %1 tiles; at most %2 are allowed")
                                          .arg(layout.tiles.size())
                                          .arg(kMaxTiles)});
    QSet<QString> ids;
    for (qsizetype i = 0; i < layout.tiles.size(); ++i) {
        const Tile &t = layout.tiles[i];
        const QString path = QStringLiteral("tiles[%1]").arg(i);
        if (ids.contains(t.id))
            issues.append({path + QStringLiteral(".id"),
                           QStringLiteral("\"%1\" is used by another tile").arg(t.id)});
        ids.insert(t.id);
        issues.append(validateTile(t, path, wall));
    }
    return issues;
}

LayoutParse layoutFromJson(const QJsonObject &doc, const Wall *wall) {
    LayoutParse result;
    const JsonReader r(&result.issues);
    const auto version = r.integer(doc, QStringLiteral("schemaVersion"));
    if (!version)
        return result;
    if (*version < 1 || *version > kLayoutSchemaVersion) {
        r.error(QStringLiteral("schemaVersion"),
                QStringLiteral("version %1 is not supported (this program reads 1 to %2)")
                    .arg(*version)
                    .arg(kLayoutSchemaVersion));
        return result;
    }
    // Upgrades from older schema versions go here, one step per version, before reading.
    r.rejectUnknown(doc, {QStringLiteral("schemaVersion"), QStringLiteral("kind"),
                          QStringLiteral("name"), QStringLiteral("background"),
                          QStringLiteral("tiles")});
    const auto kind =
        r.string(doc, QStringLiteral("kind"), false, QStringLiteral("opswall.layout"));
    if (kind && *kind != QLatin1String("opswall.layout"))
        r.error(QStringLiteral("kind"),
                QStringLiteral("must be \"opswall.layout\", got \"%1\"").arg(*kind));
    const auto name = r.string(doc, QStringLiteral("name"), false, QString());
    const auto background =
        r.string(doc, QStringLiteral("background"), false, QStringLiteral("#0b141e"));
    if (background && !QColor::isValidColorName(*background))
        r.error(QStringLiteral("background"),
                QStringLiteral("\"%1\" is not a colour (use #rrggbb or a colour name)")
                    .arg(*background));
    Layout layout;
    if (const auto tiles = r.array(doc, QStringLiteral("tiles"))) {
        if (tiles->size() > kMaxTiles) {
            r.error(QStringLiteral("tiles"), QStringLiteral("has %1 tiles; at most %2 are allowed")
                                                 .arg(tiles->size())
                                                 .arg(kMaxTiles));
            return result;
        }
        const JsonReader tr = r.at(QStringLiteral("tiles"));
        for (qsizetype i = 0; i < tiles->size(); ++i) {
            if (!tiles->at(i).isObject()) {
                tr.error(
                    tr.index(i),
                    QStringLiteral("must be an object, got %1").arg(jsonTypeName(tiles->at(i))));
                continue;
            }
            if (const auto t = tileFromJson(tr.at(i), tiles->at(i).toObject()))
                layout.tiles.append(*t);
        }
    }
    if (!result.issues.isEmpty())
        return result;
    layout.name = name.value_or(QString());
    layout.background = QColor::fromString(background.value_or(QStringLiteral("#0b141e")));
    result.issues = validateLayout(layout, wall);
    result.layout = layout;
    return result;
}

QJsonObject layoutToJson(const Layout &layout) {
    QJsonArray tiles;
    for (const Tile &t : layout.tiles)
        tiles.append(tileToJson(t));
    return {{QStringLiteral("schemaVersion"), kLayoutSchemaVersion},
            {QStringLiteral("kind"), QStringLiteral("opswall.layout")},
            {QStringLiteral("name"), layout.name},
            {QStringLiteral("background"), layout.background.alpha() == 255
                                               ? layout.background.name()
                                               : layout.background.name(QColor::HexArgb)},
            {QStringLiteral("tiles"), tiles}};
}

namespace {
const QString kMediaScheme = QStringLiteral("media:");

// A relative path that stays inside its folder: no "..", no leading "/", no backslash tricks.
bool isContainedRelativePath(const QString &path) {
    if (path.isEmpty() || path.startsWith(u'/') || path.contains(u'\\') || path.contains(u'\0') ||
        path.size() > 1024)
        return false;
    for (const QString &part : path.split(u'/'))
        if (part == QLatin1String(".."))
            return false;
    return true;
}

bool urlUnderPrefix(const QUrl &url, const QString &prefix) {
    const QUrl p(prefix);
    if (!p.isValid() || url.scheme() != p.scheme() ||
        url.host().compare(p.host(), Qt::CaseInsensitive) != 0 ||
        url.port(url.scheme() == QLatin1String("https") ? 443 : 80) !=
            p.port(p.scheme() == QLatin1String("https") ? 443 : 80))
        return false;
    QString base = p.path();
    if (!base.endsWith(u'/'))
        base += u'/';
    const QString path = url.path();
    return path.startsWith(base) || path == p.path() || base == QLatin1String("/");
}
} // namespace

std::optional<QString> imageSourceSyntaxError(const QString &source) {
    if (source.startsWith(kMediaScheme)) {
        if (!isContainedRelativePath(source.mid(kMediaScheme.size())))
            return QStringLiteral("\"%1\": a media: name must be a path inside the media folder "
                                  "(no \"..\", not absolute)")
                .arg(source.left(80));
        return std::nullopt;
    }
    const QUrl url(source, QUrl::StrictMode);
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https")) {
        if (!url.isValid() || url.host().isEmpty())
            return QStringLiteral("\"%1\" is not a valid URL").arg(source.left(80));
        if (!url.userInfo().isEmpty())
            return QStringLiteral("a URL with a user or password is not allowed");
        return std::nullopt;
    }
    if (!scheme.isEmpty() && scheme.size() > 1)
        return QStringLiteral("\"%1:\" sources are not allowed: use a file of the assets folder, "
                              "media:NAME or an http(s) URL an admin allowed")
            .arg(scheme.left(20));
    if (QDir::isAbsolutePath(source) || !isContainedRelativePath(source))
        return QStringLiteral("\"%1\": only paths inside the assets folder (no \"..\", not "
                              "absolute), media:NAME or an http(s) URL an admin allowed")
            .arg(source.left(80));
    return std::nullopt;
}

std::optional<QString> ImageSourcePolicy::refusal(const QString &source) const {
    if (auto bad = imageSourceSyntaxError(source))
        return bad;
    if (source.startsWith(kMediaScheme)) {
        if (mediaFolder.isEmpty())
            return QStringLiteral("no media folder is configured (media.folder of the store "
                                  "configuration)");
        return std::nullopt;
    }
    const QUrl url(source, QUrl::StrictMode);
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https")) {
        for (const QString &prefix : allowedUrlPrefixes)
            if (urlUnderPrefix(url, prefix))
                return std::nullopt;
        return QStringLiteral("\"%1\" is not under a URL an admin allowed for images "
                              "(media.allowedImageUrls of the store configuration)")
            .arg(source.left(120));
    }
    return std::nullopt;
}

QUrl ImageSourcePolicy::resolve(const QString &source) const {
    if (source.isEmpty() || refusal(source))
        return {};
    if (source.startsWith(kMediaScheme))
        return QUrl::fromLocalFile(
            QDir(mediaFolder).absoluteFilePath(source.mid(kMediaScheme.size())));
    const QUrl url(source, QUrl::StrictMode);
    if (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        return url;
    return QUrl::fromLocalFile(QDir(assetsDir).absoluteFilePath(source));
}

} // namespace opswall::wall
