#pragma once
// The layouts a wall expects next (WallState::aheadSources: a running briefing's steps, the warm
// presets, those panel buttons recall, the most recalled ones), replicated to render nodes
// (nodewall.rep ahead), so that each node builds them ahead, hidden, in its own windows as the
// controller's views do (qml/wall/README.md "Built ahead"), and a recall there only shows them.
//
// Document: {"ahead": {"<source>": [<opswall.layout document>, ...]}}. Only what the views build
// ahead travels, chosen by the views' own rule (wall/ahead.h: the tiles of WallState::ahead() in
// its order, each (id, kind, binding and place) once, none of a kind never kept built (video), at
// most kAheadTiles in all, the views' bound: TileListModel::setAheadTiles); a layout left with no
// tile is left out. A node's views, walking the document in the same order, choose exactly these
// tiles.

#include "wall/ahead.h"
#include "wall/layout.h"

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>

#include <optional>

namespace opswall::nodes {

using AheadLayouts = QMap<QString, QList<wall::Layout>>;

// The views' bound on tiles built ahead (TileListModel's default), and the document's bounds.
inline constexpr int kAheadTiles = wall::kAheadTiles;
inline constexpr int kMaxAheadSources = 16;
inline constexpr int kMaxAheadLayouts = 64;
inline constexpr qsizetype kMaxAheadSourceName = 64;
inline constexpr qsizetype kMaxAheadBytes = 4 * 1024 * 1024;

// sources (as WallState::aheadSources) as the views would build them ahead (above): the tiles
// chosen, in order, within maxTiles, grouped by source and layout as they came.
AheadLayouts aheadChosen(const AheadLayouts &sources, int maxTiles = kAheadTiles);
// The document of aheadChosen(sources): compact JSON.
QByteArray aheadDocument(const AheadLayouts &sources);
// A document from the controller: each source and layout, or std::nullopt with *why (not JSON,
// more than kMaxAheadBytes, sources, layouts or tiles beyond the bounds, a layout that does not
// parse, a tile of a kind never built ahead).
std::optional<AheadLayouts> parseAhead(const QByteArray &doc, QString *why);

} // namespace opswall::nodes
