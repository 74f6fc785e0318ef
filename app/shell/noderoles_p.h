#pragma once
// What NodeRoles keeps (noderoles.cpp: the controller, joining and following; noderoles_data.cpp:
// what a node takes from the controller into its layers and its cache).

#include "shell/follower.h"
#include "shell/noderoles.h"
#include "shell/nodesync.h"
#include "wall/wallstate.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

#ifdef OPSWALL_WITH_NODES
#include "nodes/nodeclient.h"
#include "nodes/nodehub.h"
#if defined(OPSWALL_WITH_FEEDS)
#include "nodes/feedreplica.h"
#endif
#endif

namespace opswall::feeds {
class FeedHub;
}

namespace opswall::shell {

// Applies the controller's layout to a state that follows it (a node's, the controller's own
// windows'): tile by tile when only tiles changed (so the other tiles are not rebuilt), else as a
// whole (a recall).
void applyLayout(wall::WallState &state, const wall::Layout &next);

struct NodeRoles::Impl {
#ifdef OPSWALL_WITH_NODES
    std::unique_ptr<nodes::NodeHub> hub;
    std::unique_ptr<nodes::NodeClient> client;
#endif
    quint64 shownRevision = 0;         // the controller's revision the windows drew
    quint64 pendingRevision = 0;       // applied, waiting for the windows' next frame
    qint64 pendingSwitchAtNs = -1;     // its scheduled switch time (shared clock); -1: none
    FrameWaiter frames;                // the windows' frames of the pending revision
    std::function<void()> awaitFrames; // follow(): reports the pending revision once shown
    QTimer reportTimer;
    std::unique_ptr<NodeSync> sync; // node: shared clock and scheduled switches
    QQmlEngine *engine = nullptr;   // node: for the wall scene's tiles (follow)
    QTimer stateTimer; // controller: alerts and feeds' status published (also on their signals)

    // Node: what came from the controller is kept until the windows follow (follow()) and the
    // layers take it (takeReplicatedData()); from then on it is handed on at once (on...).
    std::optional<QJsonObject> wallDoc;
    std::optional<std::pair<quint64, QJsonObject>> layoutDoc;
    std::optional<QJsonArray> sources;
    QByteArray indicators;
    QByteArray alerts;
    QByteArray feeds;
    QList<QJsonArray> series;
    std::function<void(const QJsonObject &)> onWall;
    std::function<void(quint64, const QJsonObject &, qint64 switchAtNs)> onLayout;
    std::function<void(const QJsonArray &)> onSources;
    std::function<void(const QByteArray &)> onIndicators;
    std::function<void(const QByteArray &)> onAlerts;
    std::function<void(const QByteArray &)> onFeeds;
    std::function<void(const QJsonArray &)> onSeries;
    // Node: the layouts the controller expects next (nodes/nodeahead.h), built ahead in the
    // windows as the controller's are; one that comes while a recall waits for its switch time
    // is taken after the list from before the recall until it is applied (what the recall takes
    // stays built until then: follower.h, which logs the switches too).
    using Ahead = QMap<QString, QList<wall::Layout>>;
    std::optional<Ahead> ahead; // until follow()
    std::function<void(const Ahead &)> onAhead;
    std::unique_ptr<Follower> follower; // from follow()
    // Node: documents waiting to be saved in the cache (on receipt, coalesced: what one turn of
    // the event loop brought is one write per document).
    QHash<QString, QByteArray> unsaved;
    QTimer saveTimer;
#if defined(OPSWALL_WITH_NODES) && defined(OPSWALL_WITH_FEEDS)
    std::unique_ptr<nodes::FeedReplica> feedReplica;
#endif
    // Controller with its own outputs (noderoles_own.cpp): what its windows show, switched with
    // the nodes (the layouts expected next taken as a node takes them), and when they showed the
    // last scheduled recall.
    std::unique_ptr<wall::WallState> ownState;
    std::unique_ptr<SwitchTimer> ownSwitch;
    std::unique_ptr<Follower> ownFollower;
    FrameWaiter ownFrames;
    std::function<QList<QQuickWindow *>()> ownWindows;
    quint64 ownRevision = 0;               // the revision the own windows show
    std::optional<qint64> ownSwitchLateNs; // of ownRevision, when it was a scheduled recall
};

} // namespace opswall::shell
