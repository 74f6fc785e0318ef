#pragma once
// Which tiles of the layouts expected next (WallState::ahead) are built ahead, hidden
// (qml/wall/README.md "Built ahead"). One rule for the views (qml::TileListModel::refreshAhead)
// and for the document a controller replicates to its render nodes (nodes::aheadChosen), so that
// a node's views, walking that document in the same order, choose exactly the tiles the
// controller chose.

#include "wall/layout.h"

#include <QList>
#include <QMap>
#include <QStringList>

namespace opswall::wall {

// The views' bound on tiles built ahead (TileListModel's default), the nodes' document's too.
inline constexpr int kAheadTiles = 120;

// Takes the tiles of the layouts expected next one by one, in their order (the most likely
// first): a tile of the same id, kind, binding and place as one taken before is not taken again
// (the same tile at another place is: it is another frame), a tile of a kind never kept built
// (unkeptKinds: tilekinds.h unkeptTileKinds, a video) is never taken, and at most maxTiles are
// taken, the first ones.
class AheadChoice {
public:
    AheadChoice(int maxTiles, QStringList unkeptKinds);
    // True when tile is taken (it is then the last of taken()).
    bool take(const Tile &tile);
    const QList<Tile> &taken() const { return m_taken; }

private:
    int m_maxTiles;
    QStringList m_unkept;
    QList<Tile> m_taken;
};

// How many tiles the layouts of each source (WallState::aheadSources) have in all.
int aheadTileCount(const QMap<QString, QList<Layout>> &sources);

// The tiles AheadChoice takes from layouts, in their order.
QList<Tile> aheadTiles(const QList<Layout> &layouts, int maxTiles, const QStringList &unkeptKinds);

} // namespace opswall::wall
