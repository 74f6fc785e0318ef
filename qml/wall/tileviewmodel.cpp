#include "tileviewmodel.h"

#include "tilelistmodel.h"

#include <algorithm>

namespace opswall::qml {

TileViewModel::TileViewModel(QObject *parent)
    : QAbstractListModel(parent) {}

TileViewModel::~TileViewModel() {
    if (m_tiles)
        m_tiles->detachView(this);
}

void TileViewModel::setTiles(TileListModel *tiles) {
    if (tiles == m_tiles)
        return;
    beginResetModel();
    for (const QMetaObject::Connection &c : std::as_const(m_connections))
        disconnect(c);
    m_connections.clear();
    if (m_tiles)
        m_tiles->detachView(this);
    m_tiles = tiles;
    m_entering.clear();
    m_rows.clear();
    if (tiles) {
        using M = TileListModel;
        m_connections = {
            connect(tiles, &M::rowsInserted, this,
                    [this](const QModelIndex &, int first, int last) { onInserted(first, last); }),
            connect(tiles, &M::rowsAboutToBeRemoved, this,
                    [this](const QModelIndex &, int first, int last) {
                        onAboutToBeRemoved(first, last);
                    }),
            connect(tiles, &M::rowsRemoved, this,
                    [this](const QModelIndex &, int first, int last) { onRemoved(first, last); }),
            connect(tiles, &M::dataChanged, this, &TileViewModel::onDataChanged),
            connect(tiles, &M::modelReset, this, &TileViewModel::onReset),
            connect(tiles, &M::stagingChanged, this, &TileViewModel::onStagingChanged)};
        tiles->attachView(this);
        for (int row = 0; row < tiles->rowCount(); ++row)
            if (accepts(row))
                m_rows.append(row);
    }
    endResetModel();
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
    // Which persistent tiles enter this window changes with its displays (a geometry edit while a
    // recall is being built).
    if (m_tiles && m_tiles->staging())
        m_entering = enteringTiles();
    refilter();
    Q_EMIT regionsChanged();
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

QSet<QString> TileViewModel::enteringTiles() const {
    QSet<QString> ids;
    for (int row = 0; row < m_tiles->rowCount(); ++row)
        if (m_tiles->persistsAt(row) && enters(m_tiles->rectAt(row), m_tiles->targetRectAt(row)))
            ids.insert(m_tiles->idAt(row));
    return ids;
}

bool TileViewModel::accepts(int sourceRow) const {
    return overlaps(m_tiles->rectAt(sourceRow)) ||
           (!m_entering.isEmpty() && m_entering.contains(m_tiles->idAt(sourceRow)));
}

int TileViewModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QHash<int, QByteArray> TileViewModel::roleNames() const {
    return TileListModel::tileRoleNames();
}

QVariant TileViewModel::data(const QModelIndex &index, int role) const {
    if (!m_tiles || !checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const int row = m_rows.at(index.row());
    if (!m_entering.isEmpty() && m_entering.contains(m_tiles->idAt(row))) {
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
    return m_tiles->data(m_tiles->index(row), role);
}

QStringList TileViewModel::stagedIds() const {
    QStringList ids;
    for (int row : m_rows)
        if (m_tiles->stagedAt(row) || m_entering.contains(m_tiles->idAt(row)))
            ids.append(m_tiles->idAt(row));
    return ids;
}

void TileViewModel::refilter() {
    if (!m_tiles)
        return;
    for (qsizetype i = m_rows.size() - 1; i >= 0; --i) {
        if (accepts(m_rows[i]))
            continue;
        beginRemoveRows({}, int(i), int(i));
        m_rows.removeAt(i);
        endRemoveRows();
    }
    for (int row = 0; row < m_tiles->rowCount(); ++row) {
        const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), row);
        if ((at != m_rows.end() && *at == row) || !accepts(row))
            continue;
        const int pos = int(at - m_rows.begin());
        beginInsertRows({}, pos, pos);
        m_rows.insert(pos, row);
        endInsertRows();
    }
}

void TileViewModel::onInserted(int first, int last) {
    const int count = last - first + 1;
    for (int &row : m_rows)
        if (row >= first)
            row += count;
    for (int row = first; row <= last; ++row) {
        if (!accepts(row))
            continue;
        const int pos = int(std::lower_bound(m_rows.begin(), m_rows.end(), row) - m_rows.begin());
        beginInsertRows({}, pos, pos);
        m_rows.insert(pos, row);
        endInsertRows();
    }
}

void TileViewModel::onAboutToBeRemoved(int first, int last) {
    // The tile model's rows are still there: the views let the frames go while they can read them.
    const auto from = std::lower_bound(m_rows.begin(), m_rows.end(), first);
    const auto to = std::upper_bound(m_rows.begin(), m_rows.end(), last);
    if (from == to)
        return;
    const int a = int(from - m_rows.begin()), b = int(to - m_rows.begin());
    beginRemoveRows({}, a, b - 1);
    m_rows.remove(a, b - a);
    endRemoveRows();
}

void TileViewModel::onRemoved(int first, int last) {
    const int count = last - first + 1;
    for (int &row : m_rows)
        if (row > last)
            row -= count;
}

void TileViewModel::onDataChanged(const QModelIndex &topLeft, const QModelIndex &bottomRight,
                                  const QList<int> &roles) {
    for (int row = topLeft.row(); row <= bottomRight.row(); ++row) {
        const auto at = std::lower_bound(m_rows.begin(), m_rows.end(), row);
        const int pos = int(at - m_rows.begin());
        const bool shown = at != m_rows.end() && *at == row;
        const bool accepted = accepts(row);
        if (shown && accepted) {
            Q_EMIT dataChanged(index(pos), index(pos), roles);
        } else if (shown) { // moved off this window's displays
            beginRemoveRows({}, pos, pos);
            m_rows.removeAt(pos);
            endRemoveRows();
        } else if (accepted) { // moved onto them
            beginInsertRows({}, pos, pos);
            m_rows.insert(pos, row);
            endInsertRows();
        }
    }
}

void TileViewModel::onReset() {
    beginResetModel();
    m_rows.clear();
    m_entering.clear();
    for (int row = 0; row < m_tiles->rowCount(); ++row)
        if (accepts(row))
            m_rows.append(row);
    endResetModel();
}

void TileViewModel::onStagingChanged() {
    if (m_tiles->staging()) {
        // A recall is being built: the persistent tiles that enter this window are inserted
        // now, staged, so that they are built with the recall's new tiles.
        m_entering = enteringTiles();
        if (!m_entering.isEmpty())
            refilter();
        return;
    }
    // Switched: the entering tiles are at their new place in the tile model now; they show in
    // the same turn of the event loop as the others, so in the same frame.
    const QSet<QString> entered = std::exchange(m_entering, {});
    if (entered.isEmpty())
        return;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (entered.contains(m_tiles->idAt(m_rows[i])))
            Q_EMIT dataChanged(index(int(i)), index(int(i)),
                               {TileListModel::StagedRole, TileListModel::XMmRole,
                                TileListModel::YMmRole, TileListModel::WidthMmRole,
                                TileListModel::HeightMmRole});
    refilter();
}

} // namespace opswall::qml
