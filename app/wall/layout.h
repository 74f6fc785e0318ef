#pragma once
// Layouts: tiles placed on the canvas (millimetres, see geometry.h). A preset is a saved layout.
// Document format: {"schemaVersion": 1, "kind": "opswall.layout", "name", "background", "tiles"}.

#include "wall/geometry.h"
#include "wall/jsonreader.h"
#include "wall/tilekinds.h" // knownTileKinds(): kinds whose module is not built show a placeholder

#include <QColor>
#include <QJsonObject>
#include <QRectF>
#include <QString>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace opswall::wall {

inline constexpr int kLayoutSchemaVersion = 1;
inline constexpr int kMaxTiles = 500;

struct Tile {
    QString id;
    QString kind;        // "text", "clock", "image", "color", "chart", "kpi", "map", "video", ...
    QString title;       // shown in the tile's frame
    QRectF rectMm;       // on the canvas
    int z = 0;           // higher draws on top
    bool frame = true;   // draw the frame with the title
    QJsonObject binding; // what the tile shows; its fields depend on the kind
    bool operator==(const Tile &) const = default;
};

struct Layout {
    QString name;
    QColor background{0x0b, 0x14, 0x1e};
    QList<Tile> tiles;

    const Tile *tile(const QString &id) const;
    Tile *tile(const QString &id);
    qsizetype indexOf(const QString &id) const;
    bool operator==(const Layout &) const = default;
};

struct LayoutParse {
    Layout layout;
    QList<Issue> issues;
    bool ok() const { return issues.isEmpty(); }
};

// Reads a layout document of any supported schemaVersion (older versions are upgraded).
// With a wall, tiles lying entirely outside the wall are refused too.
LayoutParse layoutFromJson(const QJsonObject &doc, const Wall *wall = nullptr);
QJsonObject layoutToJson(const Layout &layout);

// Reads one tile (the "tile" parameter of tile.add, or an element of "tiles").
std::optional<Tile> tileFromJson(const JsonReader &r, const QJsonObject &o);
QJsonObject tileToJson(const Tile &tile);

// Where an image tile may take its picture from ("source" of its binding):
//   - a path relative to the assets folder, without ".." ("demo/logo.png");
//   - "media:NAME": a file of the media folder an admin configured (--store-config media.folder);
//   - an http(s) URL under a prefix an admin allowed (media.allowedImageUrls).
// Absolute paths, "..", file:, qrc:, data:, other schemes and URLs no admin allowed are refused
// by the dispatcher when a tile or layout comes in (the field named), and by the renderer before
// it loads anything. Layout documents themselves still load with any source (a preset saved by an
// older version is not lost; its image is just not shown).
struct ImageSourcePolicy {
    QString assetsDir;
    QString mediaFolder;            // empty: "media:" sources are refused
    QStringList allowedUrlPrefixes; // "https://host[:port]/path/"
    // std::nullopt when allowed; else why not, for people.
    std::optional<QString> refusal(const QString &source) const;
    // The local file or URL to load; empty when refused.
    QUrl resolve(const QString &source) const;
};
// The syntax check alone (no policy): std::nullopt when the form is one of the three above.
std::optional<QString> imageSourceSyntaxError(const QString &source);

// Validates a whole layout (ids unique, rectangles sane, bindings complete for their kind).
QList<Issue> validateLayout(const Layout &layout, const Wall *wall = nullptr);
QList<Issue> validateTile(const Tile &tile, const QString &path, const Wall *wall = nullptr);

} // namespace opswall::wall
