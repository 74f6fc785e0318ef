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

#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPointer>
#include <QRemoteObjectHost>
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

    // [{"id", "connected", "outputs", "fps", "skewMs", "lagMs", "revision", "address"}], by id.
    QJsonArray health() const;
    // Replicates the video sources document ({"sources": [...]}) to every node.
    void setSources(const QByteArray &doc);
    // Indicator metadata for every node; the values nodes pull through provider (nodewall.rep
    // seriesOf), told by announceSeries which indicators changed.
    void setIndicators(const QByteArray &doc);
    using SeriesProvider = std::function<QByteArray(const QStringList &indicators)>;
    void setSeriesProvider(SeriesProvider provider) { m_seriesProvider = std::move(provider); }
    void announceSeries(const QStringList &indicators);
    QByteArray seriesOf(const QStringList &indicators) const {
        return m_seriesProvider ? m_seriesProvider(indicators) : QByteArray(R"({"series":[]})");
    }
    // The outputs connected nodes render.
    QList<int> nodeOutputs() const;

    using SnapshotDone = std::function<void(bool ok, QByteArray jpeg, QString why)>;
    // Asks the connected node rendering `output` for a JPEG of it (at most widthPx wide); false
    // (done not called) when no connected node renders it. done is called once: the picture, or
    // why not (the node's answer, or no answer within kSnapshotTimeoutMs).
    bool requestSnapshot(int output, int widthPx, SnapshotDone done);
    static constexpr int kSnapshotTimeoutMs = 5000;

    // Called by the source when a node reports (nodewall.rep report / snapshotTaken).
    void onReport(const QString &nodeId, quint64 shownRevision, double fps);
    void onSnapshotTaken(int requestId, const QByteArray &jpeg, const QString &why);

Q_SIGNALS:
    void nodesChanged();

private:
    struct Node {
        QString id;
        QString tokenName;
        QList<int> outputs;
        QString peer;
        QPointer<QTcpSocket> socket;
        bool connected = false;
        double fps = 0;
        quint64 shownRevision = 0;
        std::optional<qint64> lagMs; // of the switch to shownRevision
        qint64 connectedAtMs = 0;
    };
    struct Pending {
        SnapshotDone done;
        QTimer *timer = nullptr;
    };

    void onNewConnection();
    void onHelloData(QTcpSocket *socket);
    void refuse(QTcpSocket *socket, const QString &peer, const QString &who, const QString &why);
    void forgetLink(QTcpSocket *socket);
    void schedulePublish();
    void publish();
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
};

} // namespace opswall::nodes
