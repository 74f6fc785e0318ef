#include "wall/wallstate.h"

namespace opswall::wall {

WallState::WallState(Wall wall, QObject *parent)
    : QObject(parent)
    , m_wall(std::move(wall)) {}

void WallState::setWall(const Wall &wall) {
    m_wall = wall;
    Q_EMIT wallChanged();
}

void WallState::setLayout(const Layout &layout) {
    m_layout = layout;
    ++m_revision;
    Q_EMIT layoutReset();
}

void WallState::setAhead(const QString &source, const QList<Layout> &layouts) {
    if (m_ahead.value(source) == layouts)
        return;
    if (layouts.isEmpty())
        m_ahead.remove(source);
    else
        m_ahead.insert(source, layouts);
    Q_EMIT aheadChanged();
}

void WallState::setAheadSources(const QMap<QString, QList<Layout>> &sources) {
    if (m_ahead == sources)
        return;
    m_ahead = sources;
    Q_EMIT aheadChanged();
}

const QStringList &WallState::aheadOrder() {
    static const QStringList order{QString(kComingSource), QStringLiteral("briefing"),
                                   QStringLiteral("warm"), QStringLiteral("panel"),
                                   QStringLiteral("recent")};
    return order;
}

QList<Layout> WallState::ahead() const {
    QList<Layout> all;
    for (const QString &source : aheadOrder())
        all += m_ahead.value(source);
    for (auto it = m_ahead.cbegin(); it != m_ahead.cend(); ++it)
        if (!aheadOrder().contains(it.key()))
            all += it.value();
    return all;
}

void WallState::putTile(const Tile &tile) {
    ++m_revision;
    if (Tile *existing = m_layout.tile(tile.id)) {
        *existing = tile;
        Q_EMIT tileChanged(tile.id);
    } else {
        m_layout.tiles.append(tile);
        Q_EMIT tileAdded(tile.id);
    }
}

void WallState::removeTile(const QString &id) {
    const qsizetype i = m_layout.indexOf(id);
    if (i < 0)
        return;
    m_layout.tiles.removeAt(i);
    ++m_revision;
    Q_EMIT tileRemoved(id);
}

} // namespace opswall::wall
