// A controller's own outputs (--role controller --outputs LIST): its windows switch a recall at
// the switch time its nodes use, not at once. Their wall scene shows a state of their own that
// follows the live one as a node's does (the hub's layoutPublished: a recall at its switch time
// on the shared clock, tile changes at once), and when their last window drew a scheduled recall
// is measured on the shared clock, as a node measures its own (noderoles.h ownOutputsHealth).
// The layouts expected next (WallState::ahead) are its too, so its windows build them ahead.
#include "shell/noderoles_p.h"

#include "core/engineservices.h"
#include "wallscene.h"

#include <QJsonArray>
#include <QQuickWindow>

#include <cmath>

namespace opswall::shell {

wall::WallState *NodeRoles::ownOutputsState(wall::WallState &state) {
#ifdef OPSWALL_WITH_NODES
    Impl *impl = m_impl.get();
    nodes::NodeHub *hub = impl->hub.get();
    if (!hub || m_options.outputs.isEmpty())
        return &state;
    impl->ownState = std::make_unique<wall::WallState>(state.wall());
    impl->ownState->setLayout(state.layout());
    impl->ownRevision = state.revision();
    wall::WallState *own = impl->ownState.get();
    impl->ownSwitch = std::make_unique<SwitchTimer>([hub] { return hub->clockNowNs(); });
    connect(&state, &wall::WallState::wallChanged, this,
            [own, &state] { own->setWall(state.wall()); });
    // What the wall expects next (a briefing's steps, warm, panel-bound and most recalled
    // presets) is built ahead for its own outputs too: the recall, at the switch time, finds it.
    // A list that changes with a recall (the live state takes it at once; its step recalled may
    // be cut from it) is taken after the list from before the recall until the recall is applied
    // here, as a node takes it (follower.h): from the live recall (before the hub publishes it)
    // until its switch time.
    own->setAheadSources(state.aheadSources());
    impl->ownFollower = std::make_unique<Follower>(
        *own, QStringLiteral("the controller's own outputs"), QStringLiteral("their"));
    Follower *follower = impl->ownFollower.get();
    connect(&state, &wall::WallState::layoutReset, this, [follower] { follower->recallComing(); });
    connect(&state, &wall::WallState::aheadChanged, this,
            [follower, &state] { follower->takeAhead(state.aheadSources()); });
    connect(hub, &nodes::NodeHub::layoutPublished, this,
            [this, impl, own, hub, follower, &state](quint64 revision, qint64 switchAtNs) {
                follower->recallComing();
                impl->ownSwitch->schedule(switchAtNs, [this, impl, own, hub, follower, revision,
                                                       switchAtNs, layout = state.layout()] {
                    follower->applying(revision);
                    applyLayout(*own, layout);
                    follower->applied();
                    if (!impl->ownWindows) {
                        impl->ownRevision = revision;
                        impl->ownSwitchLateNs.reset();
                        return;
                    }
                    qml::TileListModel *tiles = nullptr;
                    if (qml::WallScene *scene =
                            impl->engine ? opswall::lookup<qml::WallScene>(impl->engine) : nullptr)
                        tiles = scene->tiles();
                    const auto now = [hub] { return hub->clockNowNs(); };
                    impl->ownFrames.await(tiles, impl->ownWindows, now,
                                          [impl, revision, switchAtNs, now](qint64 lastSwapNs) {
                                              impl->ownRevision = revision;
                                              impl->ownSwitchLateNs.reset();
                                              if (switchAtNs > 0 && now() >= 0)
                                                  impl->ownSwitchLateNs =
                                                      (lastSwapNs >= 0 ? lastSwapNs : now()) -
                                                      switchAtNs;
                                          });
                });
            });
    qInfo("opswall: the controller's own outputs switch recalls with its nodes");
    return own;
#else
    return &state;
#endif
}

void NodeRoles::measureOwnOutputs(std::function<QList<QQuickWindow *>()> windows) {
    if (!m_impl->ownState)
        return;
    m_impl->ownWindows = std::move(windows);
    // Their windows are made: what each switch builds is logged from now on.
    if (qml::WallScene *scene =
            m_impl->engine ? opswall::lookup<qml::WallScene>(m_impl->engine) : nullptr)
        m_impl->ownFollower->setTiles(scene->tiles());
}

QJsonObject NodeRoles::ownOutputsHealth() const {
    if (!m_impl->ownState)
        return {};
    QJsonArray outputs;
    for (int o : m_options.outputs)
        outputs.append(o);
    QJsonValue late = QJsonValue::Null;
    if (m_impl->ownSwitchLateNs)
        late = std::round(double(*m_impl->ownSwitchLateNs) / 1e5) / 10; // ms, to 0.1
    return {{QStringLiteral("outputs"), outputs},
            {QStringLiteral("revision"), qint64(m_impl->ownRevision)},
            {QStringLiteral("switchLateMs"), late}};
}

} // namespace opswall::shell
