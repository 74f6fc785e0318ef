#pragma once
// The operator console's editing rules, pure (no I/O, no QML): snapping a tile to display edges,
// bezels, other tiles and a grid; aligning, distributing and filling displays; the difference
// between the live layout and the staged copy; rebasing the staged copy onto a newer live layout.
// All coordinates are canvas millimetres (app/wall/geometry.h).

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QList>
#include <QRectF>
#include <QSet>
#include <QString>
#include <QStringList>

namespace opswall::console {

// Which edges of a rectangle a gesture moves: all four (a move) or those of a resize handle.
enum Edge : unsigned { EdgeNone = 0, EdgeLeft = 1, EdgeTop = 2, EdgeRight = 4, EdgeBottom = 8 };
inline constexpr unsigned kMoveEdges = EdgeLeft | EdgeTop | EdgeRight | EdgeBottom;

struct SnapSettings {
    double thresholdMm = 25; // how near a line pulls an edge (about 6 px at a typical zoom)
    double gridMm = 50;      // 0: no grid
};

struct SnapResult {
    QRectF rect;
    double guideXMm = -1; // the vertical line snapped to, or -1
    double guideYMm = -1;
    QString guideXKind; // "display", "bezel", "tile", "grid"
    QString guideYKind;
};
// rect as it is, snapped to nothing.
inline SnapResult unsnapped(const QRectF &rect) {
    SnapResult s;
    s.rect = rect;
    return s;
}

// Snaps the moving edges of rect (a move keeps the size; a resize keeps the other edges) to the
// nearest line within the threshold: display outer edges, active-area edges (the bezels), the
// edges of the tiles not in `exclude`; the grid only when none of those is within the threshold.
SnapResult snapRect(const QRectF &rect, unsigned edges, const wall::Wall &wall,
                    const QList<wall::Tile> &tiles, const QSet<QString> &exclude,
                    const SnapSettings &settings);

enum class Align { Invalid = 0, Left, Right, Top, Bottom, HCenter, VCenter };
enum class Axis { Invalid = 0, Horizontal, Vertical };

// Aligns the tiles ids to the first of them (the anchor, selected first).
void align(wall::Layout &layout, const QStringList &ids, Align how);
// Spaces the tiles ids evenly between the outermost two (at least three tiles).
void distribute(wall::Layout &layout, const QStringList &ids, Axis axis);
// The rectangle covering the given displays (outer rectangles, so bezels are inside it).
QRectF displaysRect(const wall::Wall &wall, const QStringList &displayIds);

// What publishing staged over base changes, tile by tile.
struct LayoutDiff {
    QStringList added, removed, moved, changed; // moved: rectangle; changed: title, binding, z...
    bool isEmpty() const {
        return added.isEmpty() && removed.isEmpty() && moved.isEmpty() && changed.isEmpty();
    }
};
LayoutDiff diffLayouts(const wall::Layout &base, const wall::Layout &staged);

// The staged edits (diff of base -> staged) replayed onto newLive: added tiles are added (with a
// new id when the id was taken meanwhile), removed tiles removed, moved or changed tiles take the
// staged version when they still exist. Tiles the others changed and we did not keep their change.
wall::Layout rebase(const wall::Layout &base, const wall::Layout &staged,
                    const wall::Layout &newLive);

// A tile id not used in layout: prefix + the first free number.
QString freeTileId(const wall::Layout &layout, const QString &prefix);

} // namespace opswall::console
