#include "shell/follower.h"

#include "tilelistmodel.h"
#include "wall/ahead.h"

#include <algorithm>
#include <utility>

namespace opswall::shell {

Follower::Follower(wall::WallState &state, QString who, QString whose, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_who(std::move(who))
    , m_whose(std::move(whose)) {
    // Logged once the layouts expected next are built in every window.
    m_aheadBuilt.setInterval(100);
    m_aheadBuilt.callOnTimeout(this, [this] {
        if (m_tiles && (m_tiles->staging() || !m_tiles->aheadReady()))
            return;
        m_aheadBuilt.stop();
        qInfo("opswall: %s: the layouts expected next are built ahead: %d tiles of %d layouts "
              "(%d in %s model) in %lld ms",
              qPrintable(m_who), wall::aheadTileCount(m_state.aheadSources()),
              int(m_state.ahead().size()), m_tiles ? m_tiles->aheadCount() : 0, qPrintable(m_whose),
              qlonglong(m_aheadSince.elapsed()));
    });
}

void Follower::setTiles(qml::TileListModel *tiles) {
    if (!tiles || m_tiles)
        return;
    m_tiles = tiles;
    // What a recall builds at its switch (rows made for the live layout, not ahead or kept),
    // logged with the switch: a recall of a layout built ahead builds none.
    connect(tiles, &QAbstractItemModel::rowsInserted, this,
            [this](const QModelIndex &, int first, int last) {
                for (int row = first; row <= last; ++row)
                    if (!m_tiles->data(m_tiles->index(row), qml::TileListModel::KeptRole).toBool())
                        ++m_built;
            });
    connect(tiles, &qml::TileListModel::switched, this,
            [this](int persisted, int created, int removed, qint64 builtMs) {
                const int built = std::exchange(m_built, 0);
                qInfo("opswall: %s: revision %llu switched in: %d tiles built for it, %d taken "
                      "built ahead or kept, %d kept in place, %d left (%lld ms)",
                      qPrintable(m_who), static_cast<unsigned long long>(m_revision), built,
                      std::max(0, created - built), persisted, removed, qlonglong(builtMs));
            });
}

void Follower::takeAhead(const Ahead &ahead) {
    if (!m_recallComing) {
        take(ahead);
        return;
    }
    // A recall is coming: the new list is taken now under the list from before the recall
    // ("coming", first in WallState::aheadOrder), so what the recall takes stays built until it
    // is shown and what the new list adds is built from now, as far as the bound allows; the new
    // list alone once the recall is applied.
    if (!m_held)
        m_before = m_state.ahead();
    m_held = ahead;
    Ahead both = ahead;
    if (!m_before.isEmpty())
        both.insert(wall::WallState::kComingSource, m_before);
    take(both);
}

void Follower::applying(quint64 revision) {
    m_recallComing = false;
    m_revision = revision;
    m_built = 0;
}

void Follower::applied() {
    if (auto held = std::exchange(m_held, std::nullopt))
        take(*held);
}

void Follower::take(const Ahead &ahead) {
    if (ahead == m_state.aheadSources())
        return;
    m_state.setAheadSources(ahead);
    m_aheadSince.start();
    m_aheadBuilt.start();
}

} // namespace opswall::shell
