#include "tilelistmodel.h"

#include "tileviewmodel.h"

#include <QDateTime>
#include <QElapsedTimer>

namespace opswall::qml {

TileListModel::TileListModel(wall::WallState *state, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state) {
    const QList<wall::Tile> &tiles = m_state->layout().tiles;
    for (int i = 0; i < tiles.size(); ++i)
        m_rows.append({tiles[i], i, false});
    m_stageTimeout.setSingleShot(true);
    m_stageTimeout.setInterval(1500);
    connect(&m_stageTimeout, &QTimer::timeout, this, &TileListModel::commitStaged);
    m_check.setSingleShot(true);
    m_check.setInterval(0);
    connect(&m_check, &QTimer::timeout, this, &TileListModel::checkStaged);
    m_insert.setInterval(0);
    connect(&m_insert, &QTimer::timeout, this, &TileListModel::insertSome);
    connect(m_state, &wall::WallState::tileAdded, this, &TileListModel::onAdded);
    connect(m_state, &wall::WallState::tileRemoved, this, &TileListModel::onRemoved);
    connect(m_state, &wall::WallState::tileChanged, this, &TileListModel::onChanged);
    connect(m_state, &wall::WallState::layoutReset, this, &TileListModel::onReset);
}

int TileListModel::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant TileListModel::data(const QModelIndex &index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const wall::Tile &t = row.tile;
    switch (role) {
    case TileIdRole:
    case Qt::DisplayRole:
        return t.id;
    case KindRole:
        return t.kind;
    case TitleRole:
        return t.title;
    case XMmRole:
        return t.rectMm.x();
    case YMmRole:
        return t.rectMm.y();
    case WidthMmRole:
        return t.rectMm.width();
    case HeightMmRole:
        return t.rectMm.height();
    case ZRole:
        return t.z;
    case FrameRole:
        return t.frame;
    case BindingRole:
        return t.binding.toVariantMap();
    case StackRole:
        return row.stack;
    case StagedRole:
        return row.staged;
    default:
        return {};
    }
}

QHash<int, QByteArray> TileListModel::roleNames() const {
    return tileRoleNames();
}

QHash<int, QByteArray> TileListModel::tileRoleNames() {
    return {{TileIdRole, "tileId"},     {KindRole, "kind"},        {TitleRole, "title"},
            {XMmRole, "xMm"},           {YMmRole, "yMm"},          {WidthMmRole, "widthMm"},
            {HeightMmRole, "heightMm"}, {ZRole, "zOrder"},         {FrameRole, "showFrame"},
            {BindingRole, "binding"},   {StackRole, "stackIndex"}, {StagedRole, "staged"}};
}

QList<int> TileListModel::update(Row &row, const wall::Tile &tile, int stack) {
    QList<int> roles;
    const wall::Tile &was = row.tile;
    if (was.id != tile.id)
        roles << TileIdRole << Qt::DisplayRole;
    if (was.kind != tile.kind)
        roles << KindRole;
    if (was.title != tile.title)
        roles << TitleRole;
    if (was.rectMm.x() != tile.rectMm.x())
        roles << XMmRole;
    if (was.rectMm.y() != tile.rectMm.y())
        roles << YMmRole;
    if (was.rectMm.width() != tile.rectMm.width())
        roles << WidthMmRole;
    if (was.rectMm.height() != tile.rectMm.height())
        roles << HeightMmRole;
    if (was.z != tile.z)
        roles << ZRole;
    if (was.frame != tile.frame)
        roles << FrameRole;
    if (was.binding != tile.binding)
        roles << BindingRole;
    if (row.stack != stack)
        roles << StackRole;
    if (row.staged)
        roles << StagedRole;
    row.tile = tile;
    row.stack = stack;
    row.staged = false;
    return roles;
}

void TileListModel::updateRow(qsizetype i, const wall::Tile &tile, int stack) {
    const QList<int> roles = update(m_rows[i], tile, stack);
    if (!roles.isEmpty())
        Q_EMIT dataChanged(index(int(i)), index(int(i)), roles);
}

qsizetype TileListModel::rowOf(const QString &id) const {
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].tile.id == id && !m_rows[i].staged)
            return i;
    return -1;
}

bool TileListModel::persistsAt(int row) const {
    const Row &r = m_rows.at(row);
    return m_staging && !r.staged && m_persisting.contains(r.tile.id);
}

QRectF TileListModel::targetRectAt(int row) const {
    const Row &r = m_rows.at(row);
    const int i = r.staged ? -1 : int(m_targetIndex.value(r.tile.id, -1));
    return i >= 0 && m_persisting.contains(r.tile.id) ? m_target.at(i).rectMm : r.tile.rectMm;
}

QList<TileViewModel *> TileListModel::liveViews() const {
    QList<TileViewModel *> views;
    for (const QPointer<TileViewModel> &v : m_views)
        if (v)
            views.append(v.data());
    return views;
}

bool TileListModel::anyTileEntersAView() const {
    const QList<TileViewModel *> views = liveViews();
    for (int row = 0; row < m_rows.size(); ++row) {
        if (!persistsAt(row))
            continue;
        for (const TileViewModel *v : views)
            if (v->enters(rectAt(row), targetRectAt(row)))
                return true;
    }
    return false;
}

void TileListModel::attachView(TileViewModel *view) {
    if (view && !liveViews().contains(view))
        m_views.append(view);
}

void TileListModel::detachView(TileViewModel *view) {
    m_views.removeIf([view](const QPointer<TileViewModel> &v) { return !v || v == view; });
    if (m_staging)
        m_check.start();
}

void TileListModel::stagedTileReady(QObject *view, const QString &tileId) {
    if (!m_staging)
        return;
    m_ready.insert({view, tileId});
    m_check.start();
}

void TileListModel::checkStaged() {
    if (!m_staging || !m_toInsert.isEmpty())
        return;
    // Each window waits only for the tiles it shows staged: the recall's new tiles on its
    // displays and the persistent ones that enter it.
    for (TileViewModel *v : liveViews())
        for (const QString &id : v->stagedIds())
            if (!m_ready.contains({v, id}))
                return;
    commitStaged();
}

void TileListModel::onAdded(const QString &id) {
    commitStaged();
    const wall::Layout &layout = m_state->layout();
    const wall::Tile *t = layout.tile(id);
    if (!t)
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append({*t, int(layout.indexOf(id)), false});
    endInsertRows();
}

void TileListModel::onRemoved(const QString &id) {
    commitStaged();
    const qsizetype row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_rows.removeAt(row);
    endRemoveRows();
}

void TileListModel::onChanged(const QString &id) {
    commitStaged();
    const qsizetype row = rowOf(id);
    const wall::Layout &layout = m_state->layout();
    const wall::Tile *t = layout.tile(id);
    if (row < 0 || !t)
        return;
    updateRow(row, *t, int(layout.indexOf(id)));
}

void TileListModel::onReset() {
    commitStaged(); // a recall still being built is shown first; the diff starts from it
    m_target = m_state->layout().tiles;
    m_targetIndex.clear();
    for (int i = 0; i < m_target.size(); ++i)
        m_targetIndex.insert(m_target[i].id, i);
    m_persisting.clear();
    for (const Row &row : std::as_const(m_rows)) {
        const int i = int(m_targetIndex.value(row.tile.id, -1));
        if (i >= 0 && m_target[i].kind == row.tile.kind && m_target[i].binding == row.tile.binding)
            m_persisting.insert(row.tile.id);
    }
    if (!m_buildAhead) {
        applyNow();
        return;
    }
    QList<Row> created;
    for (int i = 0; i < m_target.size(); ++i)
        if (!m_persisting.contains(m_target[i].id))
            created.append({m_target[i], i, true});

    m_ready.clear();
    m_staging = true;
    m_stageStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_toInsert = created;
    // Nothing new to build in any window (no new tile, no persistent one that enters a window
    // it is not in), or no view to build it: switch now (one step, one frame).
    if ((created.isEmpty() && !anyTileEntersAView()) || liveViews().isEmpty()) {
        commitStaged();
        return;
    }
    Q_EMIT stagingChanged();
    m_stageTimeout.start();
    insertSome();
}

void TileListModel::applyNow() {
    // The old tiles go (from the end, so that row numbers hold), the persistent ones move, the
    // new ones are appended, not staged: their frames load their content synchronously.
    int removed = 0;
    for (qsizetype i = m_rows.size() - 1; i >= 0; --i) {
        if (m_persisting.contains(m_rows[i].tile.id))
            continue;
        beginRemoveRows({}, int(i), int(i));
        m_rows.removeAt(i);
        endRemoveRows();
        ++removed;
    }
    // Only what changed is told: a moved tile's content is not handed its binding again.
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const int stack = m_targetIndex.value(m_rows[i].tile.id);
        updateRow(i, m_target[stack], stack);
    }
    const int persisted = int(m_rows.size());
    QList<Row> created;
    for (int i = 0; i < m_target.size(); ++i)
        if (!m_persisting.contains(m_target[i].id))
            created.append({m_target[i], i, false});
    if (!created.isEmpty()) {
        const int first = int(m_rows.size());
        beginInsertRows({}, first, first + int(created.size()) - 1);
        m_rows.append(created);
        endInsertRows();
    }
    m_target.clear();
    m_targetIndex.clear();
    m_persisting.clear();
    Q_EMIT switched(persisted, int(created.size()), removed, 0);
}

void TileListModel::insertSome() {
    // About half a frame's worth of building per turn of the event loop, at least one row; all
    // that is left once the recall is shown.
    QElapsedTimer spent;
    spent.start();
    while (!m_toInsert.isEmpty() && (spent.elapsed() < 8 || !m_staging)) {
        const int row = int(m_rows.size());
        beginInsertRows({}, row, row);
        m_rows.append(m_toInsert.takeFirst());
        endInsertRows();
    }
    if (m_toInsert.isEmpty()) {
        m_insert.stop();
        if (m_staging)
            m_check.start();
    } else if (!m_insert.isActive()) {
        m_insert.start();
    }
}

void TileListModel::commitStaged() {
    if (!m_staging)
        return;
    m_staging = false;
    insertSome(); // what is still to be built is built now
    m_stageTimeout.stop();
    m_check.stop();
    m_ready.clear();
    // The old tiles go (contiguous runs, from the end so that row numbers hold).
    int removed = 0;
    for (qsizetype i = m_rows.size() - 1; i >= 0;) {
        if (m_rows[i].staged || m_persisting.contains(m_rows[i].tile.id)) {
            --i;
            continue;
        }
        qsizetype first = i;
        while (first > 0 && !m_rows[first - 1].staged &&
               !m_persisting.contains(m_rows[first - 1].tile.id))
            --first;
        beginRemoveRows({}, int(first), int(i));
        m_rows.remove(first, i - first + 1);
        endRemoveRows();
        removed += int(i - first + 1);
        i = first - 1;
    }
    // The persistent tiles move, the staged ones show, all in this turn of the event loop, so
    // in one frame. Only the roles that changed are told: a moved tile's content is not handed
    // its binding again (nor its copies in other displays theirs).
    int persisted = 0, created = 0;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        const int stack = int(m_targetIndex.value(m_rows[i].tile.id, -1));
        if (stack < 0)
            continue;
        m_rows[i].staged ? ++created : ++persisted;
        updateRow(i, m_target[stack], stack);
    }
    m_target.clear();
    m_targetIndex.clear();
    m_persisting.clear();
    Q_EMIT stagingChanged();
    Q_EMIT switched(persisted, created, removed,
                    QDateTime::currentMSecsSinceEpoch() - m_stageStartedMs);
}

} // namespace opswall::qml
