#include "wall/layout.h"

#include "wall/tilekinds.h"

#include <QDir>

#include <QJsonArray>
#include <QSet>
#include <QTimeZone>

#include <cmath>

namespace opswall::wall {

namespace {
constexpr double kMaxCoordinateMm = 1e6; // a kilometre of wall is already absurd
} // namespace

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

void validateBinding(const Tile &t, const QString &path, QList<Issue> &issues) {
    // The kind's own check (tilekinds.cpp); kinds without one are validated by their own modules
    // when they bind.
    if (const TileKind *kind = findTileKind(t.kind); kind && kind->validate)
        kind->validate(JsonReader(&issues, path + QStringLiteral(".binding")), t.binding);
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
