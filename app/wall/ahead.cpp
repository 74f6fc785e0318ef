#include "wall/ahead.h"

#include <algorithm>
#include <utility>

namespace opswall::wall {

AheadChoice::AheadChoice(int maxTiles, QStringList unkeptKinds)
    : m_maxTiles(std::max(0, maxTiles))
    , m_unkept(std::move(unkeptKinds)) {}

bool AheadChoice::take(const Tile &tile) {
    if (m_taken.size() >= m_maxTiles || m_unkept.contains(tile.kind) ||
        std::any_of(m_taken.cbegin(), m_taken.cend(), [&tile](const Tile &t) {
            return t.id == tile.id && t.kind == tile.kind && t.binding == tile.binding &&
                   t.rectMm == tile.rectMm;
        }))
        return false;
    m_taken.append(tile);
    return true;
}

int aheadTileCount(const QMap<QString, QList<Layout>> &sources) {
    int n = 0;
    for (const QList<Layout> &layouts : sources)
        for (const Layout &l : layouts)
            n += int(l.tiles.size());
    return n;
}

QList<Tile> aheadTiles(const QList<Layout> &layouts, int maxTiles, const QStringList &unkeptKinds) {
    AheadChoice choice(maxTiles, unkeptKinds);
    for (const Layout &layout : layouts)
        for (const Tile &t : layout.tiles)
            choice.take(t);
    return choice.taken();
}

} // namespace opswall::wall
