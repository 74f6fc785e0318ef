#pragma once
// Layouts: tiles placed on the canvas (millimetres, see geometry.h). A preset is a saved layout.
// Document format: {"schemaVersion": 1, "kind": "opswall.layout", "name", "background", "tiles"}.

#include "wall/geometry.h"
#include "wall/jsonreader.h"

#include <QColor>
#include <QJsonObject>
#include <QRectF>
#include <QString>
#include <QStringList>

namespace opswall::wall {

inline constexpr int kLayoutSchemaVersion = 1;
inline constexpr int kMaxTiles = 500;

// Kinds this build knows. Kinds whose module is not built still load and show a placeholder.
QStringList knownTileKinds();

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

// Validates a whole layout (ids unique, rectangles sane, bindings complete for their kind).
QList<Issue> validateLayout(const Layout &layout, const Wall *wall = nullptr);
QList<Issue> validateTile(const Tile &tile, const QString &path, const Wall *wall = nullptr);

} // namespace opswall::wall
