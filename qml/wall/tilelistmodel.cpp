#include "tilelistmodel.h"

#include <QJsonDocument>

namespace opswall::qml {

TileListModel::TileListModel(wall::WallState *state, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state) {
    for (const wall::Tile &t : m_state->layout().tiles)
        m_ids.append(t.id);
    connect(m_state, &wall::WallState::tileAdded, this, &TileListModel::onAdded);
    connect(m_state, &wall::WallState::tileRemoved, this, &TileListModel::onRemoved);
    connect(m_state, &wall::WallState::tileChanged, this, &TileListModel::onChanged);
    connect(m_state, &wall::WallState::layoutReset, this, &TileListModel::onReset);
}

int TileListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_ids.size());
}

QVariant TileListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const wall::Tile *t = m_state->layout().tile(m_ids.at(index.row()));
    if (!t)
        return {};
    switch (role) {
    case TileIdRole:
    case Qt::DisplayRole:
        return t->id;
    case KindRole:
        return t->kind;
    case TitleRole:
        return t->title;
    case XMmRole:
        return t->rectMm.x();
    case YMmRole:
        return t->rectMm.y();
    case WidthMmRole:
        return t->rectMm.width();
    case HeightMmRole:
        return t->rectMm.height();
    case ZRole:
        return t->z;
    case FrameRole:
        return t->frame;
    case BindingRole:
        return t->binding.toVariantMap();
    default:
        return {};
    }
}

QHash<int, QByteArray> TileListModel::roleNames() const {
    return {{TileIdRole, "tileId"},     {KindRole, "kind"}, {TitleRole, "title"},
            {XMmRole, "xMm"},           {YMmRole, "yMm"},   {WidthMmRole, "widthMm"},
            {HeightMmRole, "heightMm"}, {ZRole, "zOrder"},  {FrameRole, "showFrame"},
            {BindingRole, "binding"}};
}

qsizetype TileListModel::rowOf(const QString &id) const {
    return m_ids.indexOf(id);
}

void TileListModel::onAdded(const QString &id) {
    const int row = int(m_ids.size());
    beginInsertRows({}, row, row);
    m_ids.append(id);
    endInsertRows();
}

void TileListModel::onRemoved(const QString &id) {
    const qsizetype row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_ids.removeAt(row);
    endRemoveRows();
}

void TileListModel::onChanged(const QString &id) {
    const qsizetype row = rowOf(id);
    if (row < 0)
        return;
    const QModelIndex i = index(int(row));
    Q_EMIT dataChanged(i, i);
}

void TileListModel::onReset() {
    beginResetModel();
    m_ids.clear();
    for (const wall::Tile &t : m_state->layout().tiles)
        m_ids.append(t.id);
    endResetModel();
}

} // namespace opswall::qml
