#include "tileviewmodel.h"

#include "tilelistmodel.h"

namespace opswall::qml {

TileViewModel::TileViewModel(QObject *parent)
    : QSortFilterProxyModel(parent) {
    // No sorting: the rows keep the layout's order (a tile's stack index comes from its role).
    setDynamicSortFilter(true);
}

TileViewModel::~TileViewModel() {
    if (m_tiles)
        m_tiles->detachView(this);
}

void TileViewModel::setTiles(TileListModel *tiles) {
    if (tiles == m_tiles)
        return;
    if (m_tiles) {
        disconnect(m_stagingConnection);
        m_tiles->detachView(this);
    }
    m_tiles = tiles;
    m_entering.clear();
    setSourceModel(tiles);
    if (tiles) {
        m_stagingConnection =
            connect(tiles, &TileListModel::stagingChanged, this, &TileViewModel::onStagingChanged);
        tiles->attachView(this);
    }
    Q_EMIT tilesChanged();
}

void TileViewModel::setRegions(const QVariantList &regions) {
    QList<QRectF> rects;
    for (const QVariant &r : regions)
        if (r.metaType() == QMetaType::fromType<QRectF>())
            if (const QRectF rect = r.toRectF(); rect.width() > 0 && rect.height() > 0)
                rects.append(rect);
    m_regionList = regions;
    if (rects == m_regions)
        return;
    m_regions = rects;
    // Which persistent tiles enter this window may change with its displays (rare: a geometry
    // edit during a recall being built); the rows are filtered again either way.
    if (m_tiles && m_tiles->staging())
        m_entering = enteringTiles();
    invalidateRowsFilter();
    Q_EMIT regionsChanged();
}

QSet<QString> TileViewModel::enteringTiles() const {
    QSet<QString> ids;
    for (int row = 0; row < m_tiles->rowCount(); ++row)
        if (m_tiles->persistsAt(row) && enters(m_tiles->rectAt(row), m_tiles->targetRectAt(row)))
            ids.insert(m_tiles->idAt(row));
    return ids;
}

bool TileViewModel::overlaps(const QRectF &r) const {
    for (const QRectF &s : m_regions) {
        const qreal w = std::min(r.x() + r.width(), s.x() + s.width()) - std::max(r.x(), s.x());
        const qreal h = std::min(r.y() + r.height(), s.y() + s.height()) - std::max(r.y(), s.y());
        if (w > 0 && h > 0)
            return true;
    }
    return false;
}

bool TileViewModel::filterAcceptsRow(int sourceRow, const QModelIndex &) const {
    if (!m_tiles)
        return false;
    return overlaps(m_tiles->rectAt(sourceRow)) ||
           (!m_entering.isEmpty() && m_entering.contains(m_tiles->idAt(sourceRow)));
}

QVariant TileViewModel::data(const QModelIndex &index, int role) const {
    if (!m_entering.isEmpty() && m_tiles && index.isValid()) {
        const int row = mapToSource(index).row();
        if (m_entering.contains(m_tiles->idAt(row))) {
            // Built ahead here, hidden, at the place it takes in the recall.
            const QRectF target = m_tiles->targetRectAt(row);
            switch (role) {
            case TileListModel::StagedRole:
                return true;
            case TileListModel::XMmRole:
                return target.x();
            case TileListModel::YMmRole:
                return target.y();
            case TileListModel::WidthMmRole:
                return target.width();
            case TileListModel::HeightMmRole:
                return target.height();
            default:
                break;
            }
        }
    }
    return QSortFilterProxyModel::data(index, role);
}

QStringList TileViewModel::stagedIds() const {
    QStringList ids;
    for (int row = 0; row < rowCount(); ++row) {
        const QModelIndex i = index(row, 0);
        if (data(i, TileListModel::StagedRole).toBool())
            ids.append(data(i, TileListModel::TileIdRole).toString());
    }
    return ids;
}

void TileViewModel::onStagingChanged() {
    if (!m_tiles)
        return;
    if (m_tiles->staging()) {
        // A recall is being built: the persistent tiles that enter this window are inserted
        // now, staged, so that they are built with the recall's new tiles.
        m_entering = enteringTiles();
        if (!m_entering.isEmpty())
            invalidateRowsFilter();
        return;
    }
    // Switched: the entering tiles are at their new place in the tile model now; they show (in
    // the same turn of the event loop as the others, so in the same frame).
    const QSet<QString> entered = std::exchange(m_entering, {});
    for (int row = 0; row < rowCount(); ++row) {
        const QModelIndex i = index(row, 0);
        if (entered.contains(data(i, TileListModel::TileIdRole).toString()))
            Q_EMIT dataChanged(i, i,
                               {TileListModel::StagedRole, TileListModel::XMmRole,
                                TileListModel::YMmRole, TileListModel::WidthMmRole,
                                TileListModel::HeightMmRole});
    }
    // A tile that entered only by its recall's place and did not get there (the switch was
    // forced by a newer change) goes again.
    if (!entered.isEmpty())
        invalidateRowsFilter();
}

} // namespace opswall::qml
