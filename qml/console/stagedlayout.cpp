#include "stagedlayout.h"

#include "wall/walljson.h"
#include "wall/wallvalue.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>

namespace opswall::console {

namespace {
unsigned edgesFrom(const QString &s) {
    if (s == QLatin1String("move"))
        return kMoveEdges;
    unsigned e = EdgeNone;
    if (s.contains(u'l'))
        e |= EdgeLeft;
    if (s.contains(u't'))
        e |= EdgeTop;
    if (s.contains(u'r'))
        e |= EdgeRight;
    if (s.contains(u'b'))
        e |= EdgeBottom;
    return e;
}

QVariantMap result(bool ok, const QString &field = {}, const QString &message = {}) {
    return {{QStringLiteral("ok"), ok},
            {QStringLiteral("field"), field},
            {QStringLiteral("message"), message}};
}
} // namespace

StagedLayout::StagedLayout(QObject *parent)
    : QAbstractListModel(parent) {}

int StagedLayout::rowCount(const QModelIndex &parent) const {
    return parent.isValid() ? 0 : int(m_staged.tiles.size());
}

QString StagedLayout::stateOf(const wall::Tile &t) const {
    const wall::Tile *b = m_base.tile(t.id);
    if (!b)
        return QStringLiteral("added");
    if (b->rectMm != t.rectMm)
        return QStringLiteral("moved");
    if (!(*b == t))
        return QStringLiteral("changed");
    return {};
}

QVariant StagedLayout::data(const QModelIndex &index, int role) const {
    if (!index.isValid() || index.row() >= m_staged.tiles.size())
        return {};
    const wall::Tile &t = m_staged.tiles[index.row()];
    switch (role) {
    case IdRole:
        return t.id;
    case KindRole:
        return t.kind;
    case TitleRole:
        return t.title;
    case XRole:
        return t.rectMm.x();
    case YRole:
        return t.rectMm.y();
    case WidthRole:
        return t.rectMm.width();
    case HeightRole:
        return t.rectMm.height();
    case ZRole:
        return t.z;
    case BindingRole:
        return t.binding.toVariantMap();
    case SelectedRole:
        return m_selection.contains(t.id);
    case StateRole:
        return stateOf(t);
    default:
        return {};
    }
}

QHash<int, QByteArray> StagedLayout::roleNames() const {
    return {{IdRole, "tileId"},       {KindRole, "kind"},
            {TitleRole, "title"},     {XRole, "xMm"},
            {YRole, "yMm"},           {WidthRole, "widthMm"},
            {HeightRole, "heightMm"}, {ZRole, "zOrder"},
            {BindingRole, "binding"}, {SelectedRole, "selected"},
            {StateRole, "editState"}};
}

QVariantMap StagedLayout::diff() const {
    const LayoutDiff d = diffLayouts(m_base, m_staged);
    return {{QStringLiteral("added"), d.added},
            {QStringLiteral("removed"), d.removed},
            {QStringLiteral("moved"), d.moved},
            {QStringLiteral("changed"), d.changed}};
}

bool StagedLayout::dirty() const {
    return !diffLayouts(m_base, m_staged).isEmpty();
}

void StagedLayout::setGridMm(double mm) {
    m_snap.gridMm = std::max(0.0, mm);
    Q_EMIT snapChanged();
}

void StagedLayout::setSnapMm(double mm) {
    m_snap.thresholdMm = std::max(0.0, mm);
    Q_EMIT snapChanged();
}

void StagedLayout::setWall(const QVariantMap &wallJson) {
    // The API's wall is the document plus the wall's state (revision, displays, alerts, ...).
    const auto parsed =
        wall::wallFromJson(wall::wallDocumentOf(QJsonObject::fromVariantMap(wallJson)));
    if (!parsed.ok())
        return;
    m_wall = parsed.wall;
    Q_EMIT wallChanged();
}

void StagedLayout::setLive(const QVariantMap &live) {
    const auto parsed = wall::layoutFromJson(
        QJsonObject::fromVariantMap(live.value(QStringLiteral("layout")).toMap()));
    if (!parsed.ok())
        return;
    m_latest = parsed.layout;
    m_latestRevision = live.value(QStringLiteral("revision")).toDouble();
    m_latestInstance = live.value(QStringLiteral("instance")).toString();
    if (!m_hasBase || !dirty()) {
        // Nothing of ours is staged: follow the live wall.
        m_hasBase = true;
        m_base = m_latest;
        m_baseRevision = m_latestRevision;
        m_baseInstance = m_latestInstance;
        m_behindLive = false;
        const bool keepHistory = !m_undo.empty() || !m_redo.empty();
        setStaged(m_latest);
        if (keepHistory) {
            m_undo.clear();
            m_redo.clear();
            Q_EMIT historyChanged();
        }
    } else {
        m_behindLive = m_latestRevision != m_baseRevision || m_latestInstance != m_baseInstance;
    }
    Q_EMIT baseChanged();
    Q_EMIT diffChanged();
}

void StagedLayout::discard() {
    m_base = m_latest;
    m_baseRevision = m_latestRevision;
    m_baseInstance = m_latestInstance;
    m_behindLive = false;
    m_undo.clear();
    m_redo.clear();
    setStaged(m_latest);
    Q_EMIT historyChanged();
    Q_EMIT baseChanged();
    Q_EMIT diffChanged();
}

void StagedLayout::markPublished() {
    m_base = m_staged;
    m_latest = m_staged;
    m_behindLive = false;
    m_undo.clear();
    m_redo.clear();
    Q_EMIT historyChanged();
    Q_EMIT baseChanged();
    Q_EMIT diffChanged();
    // Outlines of added/moved tiles go.
    if (!m_staged.tiles.isEmpty())
        Q_EMIT dataChanged(index(0), index(int(m_staged.tiles.size()) - 1));
}

void StagedLayout::rebase() {
    pushUndo();
    const wall::Layout rebased = console::rebase(m_base, m_staged, m_latest);
    m_base = m_latest;
    m_baseRevision = m_latestRevision;
    m_baseInstance = m_latestInstance;
    m_behindLive = false;
    setStaged(rebased);
    Q_EMIT baseChanged();
    Q_EMIT diffChanged();
}

void StagedLayout::setStaged(const wall::Layout &layout) {
    const int before = int(m_staged.tiles.size());
    beginResetModel();
    m_staged = layout;
    endResetModel();
    QStringList kept;
    for (const QString &id : std::as_const(m_selection))
        if (m_staged.tile(id))
            kept.append(id);
    if (kept != m_selection) {
        m_selection = kept;
        Q_EMIT selectionChanged();
    }
    if (before != m_staged.tiles.size())
        Q_EMIT countChanged();
}

void StagedLayout::changed(const QString &id) {
    const qsizetype i = m_staged.indexOf(id);
    if (i >= 0)
        Q_EMIT dataChanged(index(int(i)), index(int(i)));
}

void StagedLayout::pushUndo() {
    m_undo.push_back(m_staged);
    if (m_undo.size() > kUndoDepth)
        m_undo.pop_front();
    m_redo.clear();
    Q_EMIT historyChanged();
}

void StagedLayout::undo() {
    if (m_undo.empty())
        return;
    m_redo.push_back(m_staged);
    const wall::Layout l = m_undo.back();
    m_undo.pop_back();
    setStaged(l);
    Q_EMIT historyChanged();
    Q_EMIT diffChanged();
}

void StagedLayout::redo() {
    if (m_redo.empty())
        return;
    m_undo.push_back(m_staged);
    const wall::Layout l = m_redo.back();
    m_redo.pop_back();
    setStaged(l);
    Q_EMIT historyChanged();
    Q_EMIT diffChanged();
}

QVariantMap StagedLayout::tile(const QString &id) const {
    const wall::Tile *t = m_staged.tile(id);
    if (!t)
        return {};
    QVariantMap m = wall::tileToJson(*t).toVariantMap();
    m.insert(QStringLiteral("bindingText"),
             QString::fromUtf8(QJsonDocument(t->binding).toJson(QJsonDocument::Indented)));
    m.insert(QStringLiteral("editState"), stateOf(*t));
    return m;
}

QVariantMap StagedLayout::layoutJson() const {
    return wall::layoutToJson(m_staged).toVariantMap();
}

QVariantMap StagedLayout::liveLayoutJson() const {
    return wall::layoutToJson(m_latest).toVariantMap();
}

void StagedLayout::select(const QString &id, bool add) {
    QStringList before = m_selection;
    if (!add)
        m_selection.clear();
    if (!id.isEmpty() && m_staged.tile(id)) {
        if (add && before.contains(id))
            m_selection.removeAll(id);
        else if (!m_selection.contains(id))
            m_selection.append(id);
    }
    if (before != m_selection) {
        Q_EMIT selectionChanged();
        for (const QString &i : before + m_selection)
            changed(i);
    }
}

void StagedLayout::selectAll() {
    const QStringList before = m_selection;
    m_selection.clear();
    for (const wall::Tile &t : m_staged.tiles)
        m_selection.append(t.id);
    Q_EMIT selectionChanged();
    for (const QString &i : m_selection)
        changed(i);
    Q_UNUSED(before);
}

void StagedLayout::selectInRect(double xMm, double yMm, double widthMm, double heightMm,
                                const QStringList &keep) {
    // The band, drawn either way, selects every tile it touches (in stacking order).
    const QRectF band = QRectF(xMm, yMm, widthMm, heightMm).normalized();
    const QStringList before = m_selection;
    m_selection.clear();
    for (const QString &id : keep)
        if (m_staged.tile(id) && !m_selection.contains(id))
            m_selection.append(id);
    for (const wall::Tile &t : m_staged.tiles)
        if (band.intersects(t.rectMm) && !m_selection.contains(t.id))
            m_selection.append(t.id);
    if (before != m_selection) {
        Q_EMIT selectionChanged();
        for (const QString &i : before + m_selection)
            changed(i);
    }
}

void StagedLayout::clearSelection() {
    select(QString(), false);
}

void StagedLayout::selectNext(int step) {
    if (m_staged.tiles.isEmpty())
        return;
    const qsizetype n = m_staged.tiles.size();
    qsizetype i =
        m_selection.isEmpty() ? (step > 0 ? -1 : 0) : m_staged.indexOf(m_selection.last());
    i = ((i + step) % n + n) % n;
    select(m_staged.tiles[i].id, false);
}

QString StagedLayout::place(const QString &kind, const QVariantMap &binding, const QString &title,
                            double xMm, double yMm, double widthMm, double heightMm, bool snap) {
    wall::Tile t;
    t.id = freeTileId(m_staged, kind + QLatin1Char('-'));
    t.kind = kind;
    t.title = title;
    t.binding = QJsonObject::fromVariantMap(binding);
    t.rectMm = snapped(xMm, yMm, widthMm, heightMm, snap);
    int top = 0;
    for (const wall::Tile &o : m_staged.tiles)
        top = std::max(top, o.z);
    t.z = top + 1;
    pushUndo();
    beginInsertRows({}, int(m_staged.tiles.size()), int(m_staged.tiles.size()));
    m_staged.tiles.append(t);
    endInsertRows();
    Q_EMIT countChanged();
    select(t.id, false);
    Q_EMIT diffChanged();
    return t.id;
}

QRectF StagedLayout::snapped(double xMm, double yMm, double widthMm, double heightMm,
                             bool snap) const {
    const QRectF r(xMm, yMm, widthMm, heightMm);
    if (!snap)
        return r;
    return snapRect(r, kMoveEdges, m_wall, m_staged.tiles, {}, m_snap).rect;
}

QStringList StagedLayout::displaysUnder(double xMm, double yMm, double widthMm,
                                        double heightMm) const {
    return m_wall.displaysCovering(QRectF(xMm, yMm, widthMm, heightMm));
}

void StagedLayout::nudge(double dxMm, double dyMm) {
    if (m_selection.isEmpty())
        return;
    pushUndo();
    for (const QString &id : std::as_const(m_selection))
        if (wall::Tile *t = tileById(id)) {
            t->rectMm.translate(dxMm, dyMm);
            changed(id);
        }
    Q_EMIT diffChanged();
}

void StagedLayout::removeSelected() {
    if (m_selection.isEmpty())
        return;
    pushUndo();
    for (const QString &id : std::as_const(m_selection)) {
        const qsizetype i = m_staged.indexOf(id);
        if (i < 0)
            continue;
        beginRemoveRows({}, int(i), int(i));
        m_staged.tiles.removeAt(i);
        endRemoveRows();
    }
    m_selection.clear();
    Q_EMIT selectionChanged();
    Q_EMIT countChanged();
    Q_EMIT diffChanged();
}

void StagedLayout::raiseSelected() {
    if (m_selection.isEmpty())
        return;
    pushUndo();
    int top = 0;
    for (const wall::Tile &o : m_staged.tiles)
        top = std::max(top, o.z);
    for (const QString &id : std::as_const(m_selection))
        if (wall::Tile *t = tileById(id)) {
            t->z = ++top;
            changed(id);
        }
    Q_EMIT diffChanged();
}

void StagedLayout::lowerSelected() {
    if (m_selection.isEmpty())
        return;
    pushUndo();
    int bottom = 0;
    for (const wall::Tile &o : m_staged.tiles)
        bottom = std::min(bottom, o.z);
    for (const QString &id : std::as_const(m_selection))
        if (wall::Tile *t = tileById(id)) {
            t->z = --bottom;
            changed(id);
        }
    Q_EMIT diffChanged();
}

void StagedLayout::alignSelected(const QString &how) {
    static const QHash<QString, Align> names{
        {QStringLiteral("left"), Align::Left},       {QStringLiteral("right"), Align::Right},
        {QStringLiteral("top"), Align::Top},         {QStringLiteral("bottom"), Align::Bottom},
        {QStringLiteral("hcenter"), Align::HCenter}, {QStringLiteral("vcenter"), Align::VCenter}};
    if (m_selection.size() < 2 || !names.contains(how))
        return;
    pushUndo();
    align(m_staged, m_selection, names.value(how));
    for (const QString &id : std::as_const(m_selection))
        changed(id);
    Q_EMIT diffChanged();
}

void StagedLayout::distributeSelected(const QString &axis) {
    if (m_selection.size() < 3)
        return;
    pushUndo();
    distribute(m_staged, m_selection,
               axis == QLatin1String("vertical") ? Axis::Vertical : Axis::Horizontal);
    for (const QString &id : std::as_const(m_selection))
        changed(id);
    Q_EMIT diffChanged();
}

void StagedLayout::fillDisplays(const QStringList &displayIds) {
    const QRectF r = displaysRect(m_wall, displayIds);
    if (r.isNull() || m_selection.isEmpty())
        return;
    pushUndo();
    for (const QString &id : std::as_const(m_selection))
        if (wall::Tile *t = tileById(id)) {
            t->rectMm = r;
            changed(id);
        }
    Q_EMIT diffChanged();
}

void StagedLayout::fillDisplayAt(double xMm, double yMm) {
    for (const wall::Display &d : m_wall.displays)
        if (d.outerRectMm().contains(QPointF(xMm, yMm)))
            return fillDisplays({d.id});
}

QVariantMap StagedLayout::setTitle(const QString &id, const QString &title) {
    wall::Tile *t = tileById(id);
    if (!t)
        return result(false, QStringLiteral("id"), tr("no such tile"));
    if (t->title == title)
        return result(true);
    wall::Tile copy = *t;
    copy.title = title;
    const QList<wall::Issue> issues = wall::validateTile(copy, QString(), &m_wall);
    if (!issues.isEmpty())
        return result(false, issues.first().path.mid(1), issues.first().message);
    pushUndo();
    *t = copy;
    changed(id);
    Q_EMIT diffChanged();
    return result(true);
}

QVariantMap StagedLayout::setBindingText(const QString &id, const QString &json) {
    wall::Tile *t = tileById(id);
    if (!t)
        return result(false, QStringLiteral("id"), tr("no such tile"));
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return result(
            false, QStringLiteral("binding"),
            pe.error != QJsonParseError::NoError
                ? QStringLiteral("not JSON: %1 at %2").arg(pe.errorString()).arg(pe.offset)
                : QStringLiteral("must be a JSON object"));
    // The same reading and checks the wall applies to a tile (app/wall/layout.cpp).
    QJsonObject merged = wall::tileToJson(*t);
    merged.insert(QStringLiteral("binding"), doc.object());
    QList<wall::Issue> issues;
    const auto updated = wall::tileFromJson(wall::JsonReader(&issues), merged);
    if (updated && issues.isEmpty())
        issues = wall::validateTile(*updated, QString(), &m_wall);
    if (!updated || !issues.isEmpty()) {
        const wall::Issue first = issues.isEmpty() ? wall::Issue{QStringLiteral("binding"),
                                                                 QStringLiteral("not accepted")}
                                                   : issues.first();
        QString field = first.path;
        while (field.startsWith(u'.'))
            field.remove(0, 1);
        return result(false, field, first.message);
    }
    if (updated->binding == t->binding)
        return result(true);
    pushUndo();
    *t = *updated;
    changed(id);
    Q_EMIT diffChanged();
    return result(true);
}

void StagedLayout::beginGesture(const QString &id) {
    if (!m_staged.tile(id))
        return;
    m_gestureId = id;
    pushUndo();
}

void StagedLayout::updateGesture(double xMm, double yMm, double widthMm, double heightMm,
                                 const QString &edges, bool snap) {
    wall::Tile *t = tileById(m_gestureId);
    if (!t)
        return;
    QRectF r(xMm, yMm, std::max(1.0, widthMm), std::max(1.0, heightMm));
    SnapResult s = unsnapped(r);
    if (snap) {
        QSet<QString> exclude(m_selection.begin(), m_selection.end());
        exclude.insert(m_gestureId);
        s = snapRect(r, edgesFrom(edges), m_wall, m_staged.tiles, exclude, m_snap);
    }
    setGuide(s);
    const QPointF delta = s.rect.topLeft() - t->rectMm.topLeft();
    const bool move = edges == QLatin1String("move");
    t->rectMm = s.rect;
    changed(m_gestureId);
    // A move carries the rest of the selection along.
    if (move)
        for (const QString &id : std::as_const(m_selection))
            if (id != m_gestureId)
                if (wall::Tile *o = tileById(id)) {
                    o->rectMm.translate(delta);
                    changed(id);
                }
}

void StagedLayout::endGesture() {
    m_gestureId.clear();
    setGuide(SnapResult{});
    // A click without a move is no undo step.
    if (!m_undo.empty() && m_undo.back() == m_staged) {
        m_undo.pop_back();
        Q_EMIT historyChanged();
    }
    Q_EMIT diffChanged();
}

void StagedLayout::setGuide(const SnapResult &s) {
    QVariantMap g{{QStringLiteral("x"), s.guideXMm},
                  {QStringLiteral("y"), s.guideYMm},
                  {QStringLiteral("xKind"), s.guideXKind},
                  {QStringLiteral("yKind"), s.guideYKind}};
    if (g != m_guide) {
        m_guide = g;
        Q_EMIT guideChanged();
    }
}

} // namespace opswall::console
