#include "tilelistmodel.h"

#include "tileviewmodel.h"

#include "core/cputime.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QQmlEngine>
#include <QQmlIncubationController>
#include <QQuickItem>
#include <QQuickWindow>

#include <algorithm>

namespace opswall::qml {

using core::threadCpuMs;

TileListModel::TileListModel(wall::WallState *state, QObject *parent)
    : QAbstractListModel(parent)
    , m_state(state) {
    const QList<wall::Tile> &tiles = m_state->layout().tiles;
    for (int i = 0; i < tiles.size(); ++i)
        m_rows.append(fresh(tiles[i], i, false));
    m_stageTimeout.setSingleShot(true);
    m_stageTimeout.setInterval(1500);
    connect(&m_stageTimeout, &QTimer::timeout, this, [this] {
        if (!m_awaitingWrite) // never a layout that is not written yet
            commitStaged();
    });
    m_check.setSingleShot(true);
    m_check.setInterval(0);
    connect(&m_check, &QTimer::timeout, this, &TileListModel::checkStaged);
    // The next slice of a recall's rows 1 ms after the last, not at 0 ms: a zero-interval timer
    // that re-arms itself can be run by Qt's glib dispatcher several times in a row before
    // overdue timers (as WallApplication's incubation controller notes), and never lets the
    // event loop sleep while the engine's incubation has nothing to do.
    m_insert.setSingleShot(true);
    m_insert.setTimerType(Qt::PreciseTimer);
    m_insert.setInterval(1);
    connect(&m_insert, &QTimer::timeout, this, &TileListModel::insertSome);
    // Tiles built ahead come in the background: a slice every 8 ms, so that the wall's own work
    // (a feed's update, a recall) comes first.
    m_aheadInsert.setSingleShot(true);
    m_aheadInsert.setInterval(8);
    connect(&m_aheadInsert, &QTimer::timeout, this, &TileListModel::insertAhead);
    connect(&m_afterSwitch, &AfterFrame::drawn, this, &TileListModel::removeRetired);
    connect(m_state, &wall::WallState::aheadChanged, this, &TileListModel::refreshAhead);
    connect(m_state, &wall::WallState::tileAdded, this, &TileListModel::onAdded);
    connect(m_state, &wall::WallState::tileRemoved, this, &TileListModel::onRemoved);
    connect(m_state, &wall::WallState::tileChanged, this, &TileListModel::onChanged);
    connect(m_state, &wall::WallState::layoutReset, this, &TileListModel::onReset);
    connect(m_state, &wall::WallState::layoutPreparing, this, &TileListModel::onPreparing);
    connect(m_state, &wall::WallState::preparedDropped, this, [this] {
        if (m_awaitingWrite)
            dropStaged();
    });
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
    case KeptRole:
        return row.kept;
    case SerialRole:
        return row.serial;
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
            {BindingRole, "binding"},   {StackRole, "stackIndex"}, {StagedRole, "staged"},
            {KeptRole, "keptRow"},      {SerialRole, "rowSerial"}};
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
    if (row.kept)
        roles << KeptRole;
    row.tile = tile;
    row.stack = stack;
    row.staged = false;
    row.kept = false;
    row.ahead = false;
    row.spare = false;
    row.retiring = false;
    return roles;
}

// A recall takes a kept row for a tile with the same id, kind and binding.
bool TileListModel::sameContent(const wall::Tile &a, const wall::Tile &b) {
    return a.id == b.id && a.kind == b.kind && a.binding == b.binding;
}

TileListModel::Row TileListModel::fresh(const wall::Tile &tile, int stack, bool staged) {
    Row row;
    row.tile = tile;
    row.stack = stack;
    row.staged = staged;
    row.serial = m_nextSerial++;
    return row;
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

QList<QQuickWindow *> TileListModel::viewWindows() const {
    // A view is a child of its window's TileLayer (TileLayer.qml).
    QList<QQuickWindow *> windows;
    for (TileViewModel *v : liveViews())
        if (const auto *layer = qobject_cast<QQuickItem *>(v->parent()); layer && layer->window())
            windows.append(layer->window());
    return windows;
}

void TileListModel::holdWindows() {
    m_hold.hold(viewWindows());
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
    if (!m_staging || !m_toInsert.isEmpty() || m_awaitingWrite)
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
    settle();
    const wall::Layout &layout = m_state->layout();
    const wall::Tile *t = layout.tile(id);
    if (!t)
        return;
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.append(fresh(*t, int(layout.indexOf(id)), false));
    endInsertRows();
}

void TileListModel::onRemoved(const QString &id) {
    settle();
    const qsizetype row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, int(row), int(row));
    m_rows.removeAt(row);
    endRemoveRows();
}

void TileListModel::onChanged(const QString &id) {
    settle();
    const qsizetype row = rowOf(id);
    const wall::Layout &layout = m_state->layout();
    const wall::Tile *t = layout.tile(id);
    if (row < 0 || !t)
        return;
    updateRow(row, *t, int(layout.indexOf(id)));
}

void TileListModel::settle() {
    if (m_awaitingWrite)
        dropStaged();
    else
        commitStaged();
}

void TileListModel::onPreparing(const wall::Layout &layout) {
    if (!m_buildAhead)
        return;
    settle(); // a recall still being built is shown first; the diff starts from it
    m_awaitingWrite = true;
    stageTowards(layout.tiles);
    if (!m_staging) // nothing to build: switched at once, which must wait for the write
        m_awaitingWrite = false;
}

void TileListModel::dropStaged() {
    m_awaitingWrite = false;
    if (!m_staging)
        return;
    m_staging = false;
    m_hold.release();
    m_toInsert.clear();
    m_insert.stop();
    m_stageTimeout.stop();
    m_check.stop();
    m_ready.clear();
    for (Row &row : m_rows) // the kept rows it would have taken stay kept, untouched
        row.reviveTo = -1;
    // The staged tiles were built for nothing shown: kept built where layouts are kept (a retry
    // of the same recall takes them), else removed. They stay hidden either way.
    QList<qsizetype> staged;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].staged && !m_rows[i].kept)
            staged.append(i);
    m_target.clear();
    m_targetIndex.clear();
    m_persisting.clear();
    keepOrRemove(staged, false);
    Q_EMIT stagingChanged();
    refreshAhead();
    removeRetiredAfterFrame(); // rows a switch retired while this was being built
}

void TileListModel::onReset() {
    if (m_awaitingWrite) {
        m_awaitingWrite = false;
        if (m_staging && m_target == m_state->layout().tiles) {
            // The layout built ahead is written and live now: switched once its tiles are
            // ready. One that took only kept tiles is switched now, in the recall itself; one
            // that built tiles (perhaps all of them already) on the next pass of the event loop,
            // not in the dispatcher's call.
            m_stageTimeout.start();
            if (m_builtNew)
                m_check.start();
            else
                checkStaged();
            return;
        }
        dropStaged(); // another layout came: built from the start
    }
    commitStaged(); // a recall still being built is shown first; the diff starts from it
    stageTowards(m_state->layout().tiles);
}

void TileListModel::stageTowards(const QList<wall::Tile> &tiles) {
    m_target = tiles;
    m_targetIndex.clear();
    for (int i = 0; i < m_target.size(); ++i)
        m_targetIndex.insert(m_target[i].id, i);
    m_persisting.clear();
    for (const Row &row : std::as_const(m_rows)) {
        if (row.kept)
            continue;
        const int i = int(m_targetIndex.value(row.tile.id, -1));
        if (i >= 0 && m_target[i].kind == row.tile.kind && m_target[i].binding == row.tile.binding)
            m_persisting.insert(row.tile.id);
    }
    if (!m_buildAhead) {
        applyNow();
        return;
    }
    // The recall's tiles that a kept layout has built already (same id, kind and binding).
    QHash<qsizetype, int> revive; // kept (or spare) row -> index in m_target
    QList<Row> created;
    int sparesTaken = 0;
    for (int i = 0; i < m_target.size(); ++i) {
        const wall::Tile &t = m_target[i];
        if (m_persisting.contains(t.id))
            continue;
        // A kept row at the place the tile takes first (nothing moves before the switch).
        qsizetype kept = -1;
        for (qsizetype r = 0; r < m_rows.size(); ++r)
            if (m_rows[r].kept && !m_rows[r].retiring && !m_rows[r].spare &&
                m_rows[r].reviveTo < 0 && !revive.contains(r) && sameContent(m_rows[r].tile, t) &&
                (kept < 0 ||
                 (m_rows[r].tile.rectMm == t.rectMm && m_rows[kept].tile.rectMm != t.rectMm)))
                kept = r;
        // Shown in the switch as it is now; a tile built ahead whose frames are not all built
        // yet is taken as a staged tile instead (the recall waits for it).
        if (kept >= 0 && m_rows[kept].tile.rectMm == t.rectMm && builtEverywhere(kept)) {
            m_rows[kept].reviveTo = i;
        } else if (kept >= 0) {
            revive.insert(kept, i);
        } else if (const qsizetype spare = spareFor(t, revive); spare >= 0) {
            // A spare frame of the kind is given the tile, hidden, as a kept one that moves.
            revive.insert(spare, i);
            ++sparesTaken;
        } else {
            created.append({t, i, true}); // numbered when inserted
        }
    }
    m_sparesTaken += sparesTaken;
    // The recall's own build comes first; what is still wanted ahead is queued after it.
    m_aheadToInsert.clear();
    m_aheadInsert.stop();

    m_ready.clear();
    m_staging = true;
    m_builtNew = !created.isEmpty() || anyTileEntersAView();
    m_stageStartedMs = QDateTime::currentMSecsSinceEpoch();
    m_toInsert = created;
    // Nothing new to build or show in any window (no new tile, no kept one, no persistent one
    // that enters a window it is not in), or no view to build it: switch now (one step, one
    // frame).
    const bool takesKept =
        std::any_of(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.reviveTo >= 0; });
    if ((created.isEmpty() && revive.isEmpty() && !takesKept && !anyTileEntersAView()) ||
        liveViews().isEmpty()) {
        if (m_awaitingWrite) { // nothing to build ahead: switched once it is live (onReset)
            m_staging = false;
            for (Row &row : m_rows)
                row.reviveTo = -1;
            m_target.clear();
            m_targetIndex.clear();
            m_persisting.clear();
        } else {
            commitStaged();
        }
        return;
    }
    Q_EMIT stagingChanged();
    if (!m_awaitingWrite) // the write is waited for; the time to build counts from then
        m_stageTimeout.start();
    // The new tiles are built hidden: the windows draw nothing of it, so they wait for the
    // switch (or UpdateHold::kMaxHoldMs) to synchronise.
    if (!created.isEmpty() || sparesTaken > 0 || anyTileEntersAView())
        holdWindows();
    // The kept tiles at the place they take in the recall (reviveTo) are left as they are, kept
    // and hidden, and shown in the switch: nothing in the windows changes before it (a change to
    // an item, hidden or not, has each window synchronise its scene with its render thread, which
    // may be sleeping out its refresh interval: the GUI thread waited there, and the answer with
    // it). The others become the recall's staged tiles: moved to their places in it, still hidden
    // (into another window, perhaps, which builds them). Their frames are built: each window
    // reports them ready as they stop being kept (now).
    for (auto it = revive.cbegin(); it != revive.cend(); ++it) {
        Row &row = m_rows[it.key()];
        QList<int> roles = update(row, m_target[it.value()], it.value());
        row.staged = true; // shown in the switch
        roles.removeAll(StagedRole);
        Q_EMIT dataChanged(index(int(it.key())), index(int(it.key())), roles);
    }
    insertSome();
    // Every tile of the recall kept built: the windows reported them ready just now, so the
    // switch is made at once, in the same turn of the event loop as the recall itself.
    if (m_staging && created.isEmpty())
        checkStaged();
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
            created.append(fresh(m_target[i], i, false));
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
    // One stretch of building per turn of the event loop (kBuildSliceMs, at least one row; all
    // that is left once the recall is shown): the rows (each window builds a row's frame, title
    // and copies when it is inserted), then, in the same stretch, the engine's incubation of their
    // content. A recall of a few dozen light tiles is built in one stretch, and switched in it
    // when its write is committed: no turn of the event loop lets a window synchronise the hidden
    // build, which held the switch's frame back by a refresh interval each time (the threaded
    // render loop draws at most one frame per interval, and sleeps one out after a sync that
    // changed nothing).
    // The stretch is measured in this thread's CPU time (what the build costs; on a loaded
    // machine the wall clock also counts the time other processes ran), and ends at 33 ms of wall
    // clock whatever it cost: no frame of the layout on screen waits longer for it.
    QElapsedTimer wall;
    wall.start();
    const double cpu0 = threadCpuMs();
    const auto left = [&] {
        if (wall.elapsed() >= kBuildSliceWallMs)
            return 0.0;
        return kBuildSliceMs - (threadCpuMs() - cpu0);
    };
    while (!m_toInsert.isEmpty() && (left() > 0 || !m_staging)) {
        const int row = int(m_rows.size());
        Row next = m_toInsert.takeFirst();
        next.serial = m_nextSerial++;
        beginInsertRows({}, row, row);
        m_rows.append(next);
        endInsertRows();
    }
    if (m_toInsert.isEmpty()) {
        m_insert.stop();
        if (m_staging) {
            incubateFor(int(left()));
            // The frames built now reported themselves ready (stagedTileReady): switched on the
            // next turn of the event loop if the write is committed and every window has all it
            // shows.
            m_check.start();
        }
    } else if (!m_insert.isActive()) {
        m_insert.start();
    }
}

void TileListModel::incubateFor(int ms) {
    if (ms <= 0)
        return;
    for (TileViewModel *view : liveViews())
        if (QQmlEngine *engine = qmlEngine(view)) {
            if (QQmlIncubationController *incubation = engine->incubationController())
                incubation->incubateFor(ms);
            return;
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
    // The old tiles leave the picture: kept built and hidden (the last few layouts' tiles), or
    // removed.
    QList<qsizetype> old;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (!m_rows[i].staged && !m_persisting.contains(m_rows[i].tile.id))
            old.append(i);
    const int removed = int(old.size());
    keepOrRemove(old);
    // The persistent tiles move, the staged ones show, all in this turn of the event loop, so
    // in one frame. Only the roles that changed are told: a moved tile's content is not handed
    // its binding again (nor its copies in other displays theirs).
    int persisted = 0, created = 0;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].kept && m_rows[i].reviveTo < 0)
            continue;
        const int stack = m_rows[i].kept ? std::exchange(m_rows[i].reviveTo, -1)
                                         : int(m_targetIndex.value(m_rows[i].tile.id, -1));
        if (stack < 0)
            continue;
        m_rows[i].staged ? ++created : ++persisted;
        updateRow(i, m_target[stack], stack); // a kept one: no longer kept nor staged
    }
    m_target.clear();
    m_targetIndex.clear();
    m_persisting.clear();
    m_hold.release(); // every window draws the switch in its next frame
    Q_EMIT stagingChanged();
    Q_EMIT switched(persisted, created, removed,
                    QDateTime::currentMSecsSinceEpoch() - m_stageStartedMs);
    refreshAhead(); // the layout left may hold tiles expected next; the live one may cover some
    removeRetiredAfterFrame();
}

} // namespace opswall::qml
