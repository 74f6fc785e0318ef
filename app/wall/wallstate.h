#pragma once
// The live wall: its configuration and the layout on it now. Lives on the GUI thread; only the
// Dispatcher changes it. Views (the tile model, the API's snapshots) read it and follow its
// signals.

#include "wall/geometry.h"
#include "wall/layout.h"

#include <QMap>
#include <QObject>
#include <QStringList>

#include <algorithm>

namespace opswall::wall {

class WallState : public QObject {
    Q_OBJECT
public:
    explicit WallState(Wall wall, QObject *parent = nullptr);

    const Wall &wall() const { return m_wall; }
    const Layout &layout() const { return m_layout; }
    // The live layout's revision, the one the API and events publish: grows with every change.
    // With a store it is the layout's history row (persistent: the same number after a restart);
    // without one it counts the changes of this run.
    quint64 revision() const { return m_revision; }
    // The persistent revision of the layout now live (its history row), after a change was
    // recorded or at startup. Never goes back.
    void adoptRevision(quint64 revision) { m_revision = std::max(m_revision, revision); }

    void setWall(const Wall &wall);
    // Replaces the whole live layout (recall, undo, publish).
    void setLayout(const Layout &layout);
    // A layout about to replace the live one once its write commits (the Dispatcher, while the
    // action's transaction is on the store thread): views may build it ahead, hidden. Either
    // setLayout follows with it, or dropPrepared when the write failed (nothing of it is shown).
    void prepareLayout(const Layout &layout) { Q_EMIT layoutPreparing(layout); }
    void dropPrepared() { Q_EMIT preparedDropped(); }
    // Layouts likely to be recalled next, by who knows it: views may hold their tiles built and
    // hidden, so that the recall only shows them (qml/wall/README.md, "Built ahead"). An empty
    // list withdraws that source's layouts. aheadChanged only when they change.
    void setAhead(const QString &source, const QList<Layout> &layouts);
    // The sources, most likely next first: the order ahead() lists them in, which is the order
    // in which they share the views' bound on tiles built ahead (the first ones are built, the
    // last ones cut). "briefing": the running briefing's next step, then its previous and
    // current ones (BriefingRunner::prepareAhead); "warm": --warm-presets; "panel": the presets
    // a panel button recalls (Dispatcher::setPanelPresets); "recent": the presets recalled most
    // of late (Dispatcher::setRecentPresets). Before them "coming": in a state that follows
    // another (a node's, a controller's own outputs': app/shell/follower.h), the list from before
    // a recall still waiting for its switch time. A source not named here comes after them, by
    // name.
    static const QStringList &aheadOrder();
    static constexpr QLatin1StringView kComingSource{"coming"};
    // Every source's layouts in aheadOrder().
    QList<Layout> ahead() const;
    // Each source's layouts as set (a state that follows another one takes them whole: a
    // controller's own outputs, NodeRoles::ownOutputsState).
    const QMap<QString, QList<Layout>> &aheadSources() const { return m_ahead; }
    void setAheadSources(const QMap<QString, QList<Layout>> &sources);
    // Replaces one tile in place (same id), or appends it, or removes it.
    void putTile(const Tile &tile);
    void removeTile(const QString &id);

Q_SIGNALS:
    void wallChanged();
    void layoutReset();
    void layoutPreparing(const opswall::wall::Layout &layout);
    void preparedDropped();
    void aheadChanged();
    void tileChanged(const QString &id); // geometry, z, title or binding
    void tileAdded(const QString &id);
    void tileRemoved(const QString &id);

private:
    Wall m_wall;
    Layout m_layout;
    quint64 m_revision = 0;
    QMap<QString, QList<Layout>> m_ahead;
};

} // namespace opswall::wall
