#pragma once
// The shell's side of render nodes (app/nodes): what WallApplication does differently as a
// controller (--role controller: the node hub, nodes in health, node outputs' snapshots) or as a
// node (--role node: the wall and layout from the controller, frames reported back). Nothing
// here runs in the default single-box mode. Built without app/nodes, every call says so.

#include "shell/options.h"
#include "wall/geometry.h"
#include "wall/layout.h"

#include <QJsonArray>
#include <QList>
#include <QObject>

#include <functional>
#include <memory>
#include <optional>

class QQmlEngine;
class QQuickWindow;

namespace opswall::wall {
class WallState;
}
namespace opswall::store {
class WallStore;
}

namespace opswall::shell {

class FrameMeter;
class OutputSnapshots;
class Services;

class NodeRoles : public QObject {
    Q_OBJECT
public:
    explicit NodeRoles(const Options &options, QObject *parent = nullptr);
    ~NodeRoles() override;

    // Node: where the last wall, layout, alerts and feeds' status from the controller are kept
    // (settings of the node's cache database), so that a node started while the controller is
    // down shows them. Before join().
    void setCache(store::WallStore *cache) { m_cache = cache; }
    // Node: connects to the controller and waits (turning the event loop) until it has sent the
    // wall and the live layout; or, when the cache has a wall and a layout and the controller
    // cannot be reached (a refused or failed connection, or no answer within kCacheWaitMs),
    // starts from the cache and keeps trying in the background. False with *error when the
    // controller refuses this node, the token file cannot be read, the cached wall lacks one of
    // --outputs, or the process is asked to stop first.
    bool join(QString *error);
    static constexpr int kCacheWaitMs = 3000;
    bool startedFromCache() const { return m_fromCache; }
    const wall::Wall &joinedWall() const { return m_wall; }
    const wall::Layout &joinedLayout() const { return m_layout; }
    // Node, once the windows exist: follows the controller's changes into state, tells it which
    // revision the windows drew (after their next frame) and the frame rate, and answers its
    // snapshot requests with snapshots.
    void follow(wall::WallState &state, std::function<QList<QQuickWindow *>()> windows,
                FrameMeter *frames, OutputSnapshots *snapshots);

    // Node, once the services are up and before the windows are made: the video sources, the
    // indicator metadata and the indicators' values from the controller go into the node's video
    // and feeds layers (its cache), and follow the controller's changes.
    void takeReplicatedData(QQmlEngine &engine);

    // Controller: accepts nodes at --node-listen (TLS with the API's certificate), and
    // replicates the video sources of engine's video layer.
    bool startController(wall::WallState &state, Services &services, QQmlEngine &engine,
                         QString *error);
    // Controller: [{"id", "connected", "outputs", "fps", "skewMs", "lagMs", ...}].
    QJsonArray health() const;
    // Controller, fenced by the hot standby: no render node any more (they go to the
    // controller that took over).
    void fence();
    // Controller: output pictures from the nodes that draw them.
    void serveSnapshots(OutputSnapshots *snapshots);

    // Controller with its own outputs (--outputs): the state its windows show (give it to the
    // wall scene), which follows `state` as a node's does: a recall (or undo) at the nodes'
    // switch time on the shared clock, other changes at once. Without own outputs: `state`.
    // After startController().
    wall::WallState *ownOutputsState(wall::WallState &state);
    // Controller, once its windows exist: measures when they show each scheduled recall, as a
    // node does (ownOutputsHealth).
    void measureOwnOutputs(std::function<QList<QQuickWindow *>()> windows);
    // {"outputs", "revision", "switchLateMs"}: the revision its own windows show and, for a
    // scheduled recall, from its switch time to their last window's frame of it (shared clock);
    // empty without own outputs.
    QJsonObject ownOutputsHealth() const;

    // The cache database of a node (its feeds' read model), next to the default database.
    static QString nodeDbPath(const QString &nodeId);

Q_SIGNALS:
    // Node: the controller's wall changed one of this node's outputs (or the displays): the
    // windows must be made again (WallApplication does). The state has the new wall already.
    void outputsChanged();

private:
    struct Impl;
    void keepReceived();
    // Node: what came from the controller and is not in the cache yet, into it (noderoles_data).
    void saveReceived();
    void saveToCache(const QString &key, const QByteArray &doc);

    const Options &m_options;
    store::WallStore *m_cache = nullptr;
    bool m_fromCache = false;
    wall::Wall m_wall;
    wall::Layout m_layout;
    std::unique_ptr<Impl> m_impl;
};

} // namespace opswall::shell
