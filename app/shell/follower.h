#pragma once
// A wall state that follows the controller's, each recall at its switch time: a render node's
// (NodeRoles::follow) and a controller's own outputs' (NodeRoles::ownOutputsState). Both take
// the layouts expected next (WallState::aheadSources) the same way, and log what each switch built
// and when a list was built ahead the same way.

#include "wall/layout.h"
#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <optional>

namespace opswall::qml {
class TileListModel;
}

namespace opswall::shell {

class Follower : public QObject {
public:
    using Ahead = QMap<QString, QList<wall::Layout>>;
    // The log lines: "opswall: <who>: revision R switched in: B tiles built for it, T taken built
    // ahead or kept, P kept in place, L left (X ms)" and "opswall: <who>: the layouts expected
    // next are built ahead: N tiles of M layouts (K in <whose> model) in X ms".
    Follower(wall::WallState &state, QString who, QString whose, QObject *parent = nullptr);
    // The wall scene's model of state, once there is one: switches are logged from then on.
    void setTiles(qml::TileListModel *tiles);

    // The layouts expected next: taken now. While a recall is coming, taken after the list from
    // before the recall (the source "coming", first in WallState::aheadOrder) until the recall is
    // applied, then alone (the newest), so that what the recall takes stays built until it is
    // shown (the list that comes with a recall may no longer name the layout recalled: a
    // briefing's step once it is shown, cut by the bound on tiles built ahead) while what the new
    // list adds (a briefing's first step, as it starts) is built at once.
    void takeAhead(const Ahead &ahead);
    // A recall is coming: scheduled for its switch time, or changed on the state followed and
    // not scheduled yet. Until applied(), lists are taken after the one from before it.
    void recallComing() { m_recallComing = true; }
    // revision is being applied now: what the windows build from here is counted for it.
    void applying(quint64 revision);
    // It is applied: a list held meanwhile is taken.
    void applied();

private:
    void take(const Ahead &ahead);

    wall::WallState &m_state;
    QPointer<qml::TileListModel> m_tiles;
    QString m_who;
    QString m_whose;
    bool m_recallComing = false;
    std::optional<Ahead> m_held;
    QList<wall::Layout> m_before; // the list from before the recall coming (in order)
    quint64 m_revision = 0;       // the revision applied last (the switch's log line)
    int m_built = 0;     // tiles built (rows inserted, not kept or ahead) since it was applied
    QTimer m_aheadBuilt; // polls until the layouts expected next are built
    QElapsedTimer m_aheadSince;
};

} // namespace opswall::shell
