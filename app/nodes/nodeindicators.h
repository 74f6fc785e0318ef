#pragma once
// Which indicators a render node's own tiles show, so that it pulls only those values from the
// controller (nodewall.rep seriesOf): a tile is the node's when its rectangle overlaps a display
// one of the node's outputs drives; an indicator tile names its indicator in its binding
// ("indicator"), a projects tile reads the four PROJ_* indicators (qml/indicators ProjectsTile).
// An alert list names none (the alerts themselves are replicated). Pure, so it is unit-tested.

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QList>
#include <QSet>
#include <QString>

namespace opswall::nodes {

// The indicators one tile shows (empty for a tile that shows none).
QSet<QString> indicatorsOfTile(const wall::Tile &tile);
// The indicators the tiles on the given outputs (indices into wall.outputs) show.
QSet<QString> indicatorsShown(const wall::Wall &wall, const wall::Layout &layout,
                              const QList<int> &outputs);

} // namespace opswall::nodes
