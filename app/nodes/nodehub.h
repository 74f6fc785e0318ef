#pragma once
// The controller's side of the render nodes (opswall --role controller --node-listen HOST:PORT).
// Accepts node links on a TCP port (TLS when the API has a certificate, and always off loopback),
// checks each node's token and outputs, then hands the link to Qt Remote Objects, which replicates
// the NodeWall source (nodewall.rep): the wall document and the live layout with its revision. A
// node that connects late or again gets the current values at once (Qt Remote Objects sends a
// replica the source's properties when it is acquired).
//
//   node ──TCP/TLS──> hello (id, outputs, token) ──> authenticate ──OK──> QRemoteObjectHost
//                                                       └─REFUSED reason, logged, closed
//
// What the nodes report (the revision their windows drew, fps) is kept per node for
// GET /api/v1/health ("nodes") and /metrics. GUI thread.

#include "nodes/linksilence.h"
#include "nodes/liveanchors.h"
#include "nodes/videosync.h"
#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectHost>
#include <QSet>
#include <QTcpServer>

#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;

namespace opswall::nodes {

class NodeWallSourceImpl;

struct NodeHubConfig {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 0;    // 0: any free port (tests)
    QString tlsCertFile; // PEM; with tlsKeyFile: the link is TLS (required off loopback)
    QString tlsKeyFile;
    // A node silent this long (no heartbeat, linksilence.h) is disconnected: its link is closed.
    int silenceMs = kDefaultSilenceMs;
    // Correct the measured video skew between nodes with per-node, per-stream trims
    // (videosync.h SkewTrimmer; --node-skew-correction off: measured only).
    bool skewCorrection = true;
    // How long a node's trim for a stream is kept after it last showed it (--node-trim-keep-s).
    qint64 trimKeepMs = SkewTrimmer::kForgetMs;
};

// Whether a token may connect as a node: the token's name, or std::nullopt with *why.
using NodeAuthenticator = std::function<std::optional<QString>(const QString &token, QString *why)>;

class NodeHub : public QObject {
    Q_OBJECT
public:
    NodeHub(wall::WallState &state, NodeHubConfig config, NodeAuthenticator authenticate,
            QObject *parent = nullptr);
    ~NodeHub() override;

    // Listens; false with *error when it cannot (address in use, TLS files unreadable, a
    // non-loopback address without TLS).
    bool start(QString *error);
    // Where it listens ("127.0.0.1:8480").
    QString address() const;
    // Stops accepting nodes and closes every node's link: a fenced controller (README.md "Hot
    // standby"), whose nodes go on to the controller that took over, showing what they showed.
    void close();

    // [{"id", "connected", "outputs", "fps", "skewMs", "trimMs", "lagMs", "revision", "address",
    // "switchLateMs", "streams", "silentMs"}], by id. trimMs: {stream: ms} the skew trims the
    // node applies (videosync.h SkewTrimmer), skewMs measured with them in effect. silentMs: since
    // the node was last heard (a beat, a report; counted only while this process ran), null when
    // not connected. streams: what its synchronised video shows. skewMs: the largest video skew
    // against another node showing one of its streams (videosync.h); switchLateMs: how long after
    // the scheduled switch time its windows showed the revision they show (null when not
    // scheduled). Both on the shared clock.
    QJsonArray health() const;
    // Replicates the video sources document ({"sources": [...]}) to every node.
    void setSources(const QByteArray &doc);
    // Indicator metadata for every node; the values nodes pull through provider (nodewall.rep
    // seriesOf), told by announceSeries which indicators changed.
    void setIndicators(const QByteArray &doc);
    using SeriesProvider = std::function<QByteArray(const QStringList &indicators)>;
    void setSeriesProvider(SeriesProvider provider) { m_seriesProvider = std::move(provider); }
    void announceSeries(const QStringList &indicators);
    // The controller's open alerts ({"alerts": [...]}) and its feeds' status ({"feeds": [...]})
    // for every node (nodewall.rep); published when the document differs from the last one.
    void setAlerts(const QByteArray &doc);
    void setFeeds(const QByteArray &doc);
    // nodewall.rep seriesOf, answered by the provider on this (the GUI) thread; the time it took
    // is logged per call in the category opswall.nodes.series (debug:
    // QT_LOGGING_RULES=opswall.nodes.series.debug=true), for the figures in README.md, and so is
    // the time of the whole read of the link that answered it (Qt Remote Objects' decoding, the
    // answers, their encoding and their write into the socket; the send itself, and TLS, follow
    // when the socket is writable).
    QByteArray seriesOf(const QStringList &indicators);
    // The outputs connected nodes render.
    QList<int> nodeOutputs() const;

    using SnapshotDone = std::function<void(bool ok, QByteArray jpeg, QString why)>;
    // Asks the connected node rendering `output` for a JPEG of it (at most widthPx wide); false
    // (done not called) when no connected node renders it. done is called once: the picture, or
    // why not (the node's answer, or no answer within kSnapshotTimeoutMs).
    bool requestSnapshot(int output, int widthPx, SnapshotDone done);
    static constexpr int kSnapshotTimeoutMs = 5000;

    // Called by the source when a node reports (nodewall.rep report / snapshotTaken): taken only
    // with the key of the link of the node that is named (or was asked).
    void onReport(const QString &nodeId, const QByteArray &linkKey, quint64 shownRevision,
                  double fps);
    void onSnapshotTaken(int requestId, const QByteArray &linkKey, const QByteArray &jpeg,
                         const QString &why);
    // Reports (of every kind) ignored because they did not come with the named node's link key
    // (tests).
    int reportsRefused() const { return m_reportsRefused; }
    // Synchronised video (videosync.h, app/video/netclock.h): the clock document every node
    // gets, and the shared clock's time (ns) on which a recall is scheduled: published with
    // "switchAtNs" kSwitchMarginMs ahead (covering the link), which nodes apply at that instant.
    // Without a clock a recall is applied by each node as soon as it has it.
    using ClockNow = std::function<qint64()>;
    void setClock(const QByteArray &doc, ClockNow now);
    static constexpr int kSwitchMarginMs = 250;
    // A file or HLS on demand that a layout brings on screen is stamped with a start on the
    // shared clock: its switch time (now for a tile edit) plus kStartLeadMs, for the nodes to
    // build and preroll its pipeline; every node shows the clip from its beginning there. One
    // that stays on screen across a change keeps its start. Source id -> start (ns).
    static constexpr int kStartLeadMs = 500;
    QHash<QString, qint64> streamStarts() const { return m_startsNs; }
    // Live HLS on screen (liveanchors.h): anchored from the first node's report of it,
    // kLiveAnchorMarginMs later (app/video/livehlssync.h kLiveAnchorMarginNs). Source id ->
    // anchor; streamAnchorsChanged when it changes.
    static constexpr int kLiveAnchorMarginMs = 2000;
    QHash<QString, StreamAnchor> streamAnchors() const { return m_liveAnchors.anchors(); }

    // A node's heartbeat (nodewall.rep nodeBeat): taken only with its link's key, as reports
    // (which count as heard too).
    void onNodeBeat(const QString &nodeId, const QByteArray &linkKey);
    // A node about to be busy for up to ms (nodewall.rep nodeBusy, making its windows): its
    // silence is allowed that long until it is heard again (linksilence.h allow).
    void onNodeBusy(const QString &nodeId, const QByteArray &linkKey, int ms);
    // Taken, like reports, only with the named node's link key.
    void onVideoReport(const QString &nodeId, const QByteArray &linkKey, const QByteArray &frames);
    void onSwitchReport(const QString &nodeId, const QByteArray &linkKey, quint64 revision,
                        qint64 shownNs);

    // The shared clock's time (ns), -1 without one (setClock).
    qint64 clockNowNs() const { return m_clockNow ? m_clockNow() : -1; }

    // The skew trims outlive the process (README.md "Skew correction"): save is called with
    // SkewTrimmer::saved() when a trim changes or is forgotten, and every kTrimSaveMs (a quarter
    // of the keep time when shorter) while there are trims (their seenAt); never after close()
    // (a fenced controller writes nothing).
    using TrimSaver = std::function<void(const QByteArray &saved)>;
    void setTrimSaver(TrimSaver save) { m_trimSaver = std::move(save); }
    static constexpr int kTrimSaveMs = 60000;
    // Starts from the trims an earlier controller saved (SkewTrimmer::restore; logged), and
    // publishes them; none with the correction off.
    void restoreTrims(const QByteArray &saved);

Q_SIGNALS:
    void nodesChanged();
    // The live layout at this revision went to the nodes, to be shown at switchAtNs on the shared
    // clock (a recall), or at once (-1): the controller's own windows switch with them.
    void layoutPublished(quint64 revision, qint64 switchAtNs);
    // streamStarts() changed (emitted before the layout that brings the streams is published).
    void streamStartsChanged();
    void streamAnchorsChanged();

private:
    struct Node {
        QString id;
        QString tokenName;
        QList<int> outputs;
        QString peer;
        QPointer<QTcpSocket> socket;
        QByteArray linkKey;           // nodeprotocol.h: what its reports must carry
        QSet<QByteArray> spoofLogged; // kinds of report refused (logged once each)
        bool connected = false;
        double fps = 0;
        quint64 shownRevision = 0;
        std::optional<qint64> lagMs; // of the switch to shownRevision
        qint64 connectedAtMs = 0;
        QList<FrameShown> frames;           // its synchronised streams' newest frames (reportVideo)
        qint64 framesAtMs = -1;             // when they came
        quint64 framesSequence = 0;         // counts its video reports (SkewTrimmer)
        quint64 switchRevision = 0;         // the last scheduled switch it showed
        std::optional<qint64> switchLateNs; // how long after its switch time it showed it
        // Since its opening line, then its link's last heartbeat or report. A node's start
        // (making its windows holds its GUI thread for seconds on a busy machine) is announced
        // (nodeBusy), not assumed.
        LinkSilence silence;
        qint64 heardAtMs = 0; // when it was last heard (this process's clock)
    };
    struct Pending {
        SnapshotDone done;
        QTimer *timer = nullptr;
        QString nodeId; // the node asked
    };

    // How long node n has been silent now, in ms (null when not connected).
    QJsonValue silentMsOf(const Node &n) const;
    // The connected node named, if linkKey is its link's; else nullptr (counted, logged once
    // per node and kind of report: `what`).
    Node *reporter(const QString &nodeId, const QByteArray &linkKey, const char *what);
    void onNewConnection();
    void onHelloData(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, const QString &peer, const QString &who, const QString &why);
    void forgetLink(QTcpSocket *socket);
    // The link of node id (its socket) is gone (disconnected, or silent: `why`): shown
    // disconnected, logged.
    void linkLost(const QString &id, QTcpSocket *socket, const QString &why);
    // Every kBeatMs: the controller's heartbeat, and nodes silent for too long disconnected.
    void beat();
    void finishSnapshot(int requestId, const QByteArray &jpeg, const QString &why);
    // After Qt Remote Objects handled a read of a link: the seriesOf it answered logged.
    void seriesRead();
    void schedulePublish();
    void publish(); // the wall and the live layout (publishLayout), then the layouts ahead
    void publishLayout();
    QJsonValue skewMsOf(const Node &node) const;
    // Every beat: the skew trims from the nodes' latest reports, published when they change.
    void updateTrims();
    void saveTrims(bool changed);
    // The starts of the file and HLS sources the layout shows (publish), at atNs for new ones.
    void stampStarts(const wall::Layout &layout, qint64 atNs);
    void noteLiveSources(const wall::Layout &layout); // the live HLS anchors' sources on screen
    void publishAnchors();
    qint64 nowMs() const { return m_clock.elapsed(); }

    wall::WallState &m_state;
    NodeHubConfig m_config;
    NodeAuthenticator m_authenticate;
    std::unique_ptr<QTcpServer> m_server;
    QRemoteObjectHost m_host;
    std::unique_ptr<NodeWallSourceImpl> m_source;
    QMap<QString, Node> m_nodes;
    QHash<int, Pending> m_pending;
    int m_nextRequest = 0;
    bool m_publishQueued = false;
    QElapsedTimer m_clock;
    QMap<quint64, qint64> m_publishedAtMs; // revision -> when it was published (last 64)
    quint64 m_publishedRevision = 0;
    SeriesProvider m_seriesProvider;
    QElapsedTimer m_linkRead; // since the link's readyRead began (seriesRead)
    struct SeriesAnswer {
        qint64 indicators = 0;
        qint64 bytes = 0;
        qint64 ns = 0; // the provider's time
    };
    QList<SeriesAnswer> m_seriesAnswers; // seriesOf answered in it
    int m_reportsRefused = 0;
    ClockNow m_clockNow;
    bool m_switchWanted = false; // a recall since the last publish: schedule it
    bool m_aheadWanted = false;  // the layouts expected next changed since the last publish
    QByteArray m_layoutBody;     // the last layout document published, without its switch time
    QMap<quint64, qint64> m_switchAtNs; // revision -> its switch time (last 64)
    SkewTrimmer m_trimmer;
    TrimSaver m_trimSaver;
    qint64 m_trimsSavedAtMs = 0;
    bool m_closed = false;             // close(): fenced
    QHash<QString, qint64> m_startsNs; // source id -> its clip's start (shared clock, ns)
    LiveAnchors m_liveAnchors;
    QTimer *m_beat = nullptr;
    qint64 m_beatAtMs = 0;
    quint64 m_beats = 0;
};

} // namespace opswall::nodes
