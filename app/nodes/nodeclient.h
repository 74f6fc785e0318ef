#pragma once
// The node's side of the link (opswall --role node --controller HOST:PORT --outputs 1,2
// --token-file FILE): connects to the controller (TLS when given a CA to trust, and always off
// loopback), says who it is, and on OK acquires the NodeWall replica (nodewall.rep), whose wall
// and layout documents it hands on. A lost link is retried every second; the replica is
// acquired again on the new link, and Qt Remote Objects sends it the current values at once,
// so a node that reconnects converges. A refusal is final (refused()): the token is wrong. With
// fallbacks (a hot standby) each retry goes to the next controller in turn. Both sides beat every
// kBeatMs (linksilence.h): a controller that stops answering but keeps its sockets open (SIGSTOP,
// hung, a network path gone without a reset) is lost after config.silenceMs, as a closed link is.

#include "nodes/linksilence.h"
#include "nodes/liveanchors.h"
#include "nodes/nodeahead.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>
#include <utility>

class QSslSocket;
class QRemoteObjectNode;
class NodeWallReplica;

namespace opswall::nodes {

struct NodeClientConfig {
    QString host;
    quint16 port = 0;
    QString nodeId;
    QList<int> outputs;
    QString token;
    QString caFile;       // PEM certificates to trust: the link is TLS (required off loopback)
    QString localAddress; // connect from this address (empty: the system's choice)
    // A hot standby's node link (--controller A,B): tried in turn after host:port when a link is
    // lost, every kFailoverRetryMs, so a node finds the controller that took over at once.
    QList<std::pair<QString, quint16>> fallbacks;
    // A controller silent this long (no heartbeat, linksilence.h; or no answer to the opening
    // line) is taken as lost, as a closed link is: the windows keep what they show, the link is
    // made again (to the next controller with fallbacks).
    int silenceMs = kDefaultSilenceMs;
};

class NodeClient : public QObject {
    Q_OBJECT
public:
    explicit NodeClient(NodeClientConfig config, QObject *parent = nullptr);
    ~NodeClient() override;

    // Checks the configuration (TLS off loopback, the CA file) and starts connecting.
    bool start(QString *error);
    bool linked() const { return m_linked; }
    const NodeClientConfig &config() const { return m_config; }

    // What the windows show now: the controller's layout revision they drew, and the frame rate.
    // One made while the link is not ready (none yet, or linked() but the controller's values not
    // in yet: a round trip later) is held, the latest one, and sent as soon as it is: a report
    // made as the link comes up is not lost.
    void report(quint64 shownRevision, double fps);
    // The GUI thread is about to be busy for up to ms (making the windows): the controller
    // allows that much silence until it hears this node again (nodewall.rep nodeBusy). Sent at
    // once (the socket is flushed: the busy thread would not send it).
    void announceBusy(int ms);
    // A heartbeat now, sent at once: after a busy stretch, so that the controller counts this
    // node's silence with its usual timeout again.
    void beatNow();
    // Synchronised video and switches (nodewall.rep reportVideo, reportSwitch). A switch report
    // is held as a report is; a video report (a measurement of now) is not: the next one comes.
    void reportVideo(const QByteArray &frames);
    void reportSwitch(quint64 revision, qint64 shownNs);

    // The indicators this node's tiles show (nodeindicators.h), worked out from each wall and
    // layout received, and those of the tiles it builds ahead (aheadReceived): only their values
    // are pulled (on each link, when announced, and when a layout binds new ones).
    QSet<QString> wantedIndicators() const { return m_wanted; }

    // A picture of one of this node's outputs for the controller: reply(jpeg, why) once.
    using SnapshotHandler = std::function<void(int output, int widthPx,
                                               std::function<void(QByteArray, QString)> reply)>;
    void setSnapshotHandler(SnapshotHandler handler) { m_snapshot = std::move(handler); }

Q_SIGNALS:
    void wallReceived(const QJsonObject &wall);
    // switchAtNs: when to show it, on the shared video clock (a recall); -1: at once.
    void layoutReceived(quint64 revision, const QJsonObject &layout, qint64 switchAtNs);
    // The layouts the controller expects next, as its views build them ahead (nodewall.rep
    // ahead, nodeahead.h): after the layout that came with them.
    void aheadReceived(const opswall::nodes::AheadLayouts &ahead);
    // The controller's video clock document (app/video/netclock.h SyncSettings), when it has one.
    void clockReceived(const QJsonObject &clock);
    // Source id -> when its clip begins (shared clock, ns): the streams' starts, before the
    // layout that shows them (nodewall.rep starts).
    void startsReceived(const QHash<QString, qint64> &startsNs);
    // This node's skew trims: stream key -> ns (nodewall.rep trims).
    void trimsReceived(const QHash<QString, qint64> &trimsNs);
    // Live HLS in step: source id -> the controller's anchor (nodewall.rep anchors).
    void anchorsReceived(const QHash<QString, opswall::nodes::StreamAnchor> &anchors);
    void sourcesReceived(const QJsonArray &sources);
    // The indicator metadata document, and values pulled from the controller (after the link
    // is made: those this node's tiles show; then those of them the controller says changed,
    // and those a new layout binds).
    void indicatorsReceived(const QByteArray &doc);
    void seriesReceived(const QJsonArray &series);
    // The controller's open alerts ({"alerts": [...]}) and feeds' status ({"feeds": [...]}).
    void alertsReceived(const QByteArray &doc);
    void feedsReceived(const QByteArray &doc);
    // A link attempt failed or a link was lost (also before the first link: the controller is
    // down); the client keeps trying.
    void unreachable(const QString &why);
    void refused(const QString &reason);
    void linkChanged(bool up);

private:
    void connectNow();
    void onSocketReady();
    void onAnswer();
    void onLost(const QString &why);
    void beat();  // every kBeatMs while linked: the node's heartbeat, and the controller's silence
    void heard(); // something came from the controller
    void takeWall(const QByteArray &doc);
    void takeLayout(const QByteArray &doc);
    void takeAhead(const QByteArray &doc);
    void takeSources(const QByteArray &doc);
    void takeClock(const QByteArray &doc);
    void takeStarts(const QByteArray &doc);
    void takeTrims(const QByteArray &doc);
    void takeAnchors(const QByteArray &doc);
    void pullSeries(const QStringList &indicators);
    void updateWanted();
    void pullWanted(const QStringList &announced);
    bool ready() const; // the replica has the controller's values: what is sent arrives
    void sendHeld();    // the reports held while the link was not ready

    NodeClientConfig m_config;
    bool m_tls = false;
    bool m_linked = false;
    bool m_refused = false;
    bool m_lostLogged = false;
    QSslSocket *m_socket = nullptr;
    QRemoteObjectNode *m_ro = nullptr;
    NodeWallReplica *m_replica = nullptr;
    QByteArray m_lastWall;
    QByteArray m_lastLayout;
    QByteArray m_lastSources;
    QByteArray m_linkKey; // nodeprotocol.h: sent with every report
    // The latest report and switch report made while the link was not ready (report()).
    std::optional<std::pair<quint64, double>> m_heldReport;
    std::optional<std::pair<quint64, qint64>> m_heldSwitch;
    QJsonObject m_wallDoc; // the last wall and layout documents, for wantedIndicators
    QJsonObject m_layoutDoc;
    QByteArray m_lastAhead;
    AheadLayouts m_ahead;   // the last valid one
    QSet<QString> m_wanted; // the indicators this node's tiles show
    QSet<QString> m_pulled; // pulled on this link (or asked for)
    QByteArray m_lastClock;
    QByteArray m_lastStarts;
    QByteArray m_lastTrims;
    QByteArray m_lastAnchors;
    QTimer m_retry;
    QTimer m_deadline; // the link's opening (connect, TLS, the answer) takes at most silenceMs
    QTimer m_beat;
    QElapsedTimer m_sinceBeat;  // since the last tick of m_silence
    QElapsedTimer m_sinceHeard; // since the controller was last heard
    LinkSilence m_silence;
    SnapshotHandler m_snapshot;
    QList<std::pair<QString, quint16>> m_endpoints; // host:port first, then the fallbacks
    qsizetype m_endpoint = 0;
};

} // namespace opswall::nodes
