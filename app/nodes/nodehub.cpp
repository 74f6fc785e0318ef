#include "nodes/nodehub.h"

#include "nodes/linktls.h"
#include "nodes/nodeprotocol.h"
#include "nodes/sharedtimeline.h"
#include "rep_nodewall_merged.h"
#include "wall/walljson.h"

#include <QDateTime>
#include <QFile>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSet>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QtRemoteObjects/qconnectionfactories.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace opswall::nodes {

// The replicated object; its slots are what nodes call.
class NodeWallSourceImpl : public NodeWallSimpleSource {
public:
    explicit NodeWallSourceImpl(NodeHub *hub)
        : m_hub(hub) {}
    void report(const QString &nodeId, const QByteArray &linkKey, quint64 shownRevision,
                double fps) override {
        m_hub->onReport(nodeId, linkKey, shownRevision, fps);
    }
    void snapshotTaken(int requestId, const QByteArray &linkKey, const QByteArray &jpeg,
                       const QString &why) override {
        m_hub->onSnapshotTaken(requestId, linkKey, jpeg, why);
    }
    // The properties are read-only for replicas; the hub sets them.
    void publishWall(const QByteArray &doc) { setWall(doc); }
    void publishLayout(const QByteArray &doc) { setLayout(doc); }
    void publishSources(const QByteArray &doc) { setSources(doc); }
    void publishIndicators(const QByteArray &doc) { setIndicators(doc); }
    void publishAlerts(const QByteArray &doc) { setAlerts(doc); }
    void publishFeeds(const QByteArray &doc) { setFeeds(doc); }
    void publishClock(const QByteArray &doc) { setClock(doc); }
    void publishStarts(const QByteArray &doc) { setStarts(doc); }
    void publishTrims(const QByteArray &doc) { setTrims(doc); }
    void publishAnchors(const QByteArray &doc) { setAnchors(doc); }
    void reportVideo(const QString &nodeId, const QByteArray &linkKey,
                     const QByteArray &frames) override {
        m_hub->onVideoReport(nodeId, linkKey, frames);
    }
    void reportSwitch(const QString &nodeId, const QByteArray &linkKey, quint64 revision,
                      qint64 shownNs) override {
        m_hub->onSwitchReport(nodeId, linkKey, revision, shownNs);
    }
    void nodeBeat(const QString &nodeId, const QByteArray &linkKey) override {
        m_hub->onNodeBeat(nodeId, linkKey);
    }
    void nodeBusy(const QString &nodeId, const QByteArray &linkKey, int ms) override {
        m_hub->onNodeBusy(nodeId, linkKey, ms);
    }
    QByteArray seriesOf(const QStringList &indicators) override {
        return m_hub->seriesOf(indicators);
    }

private:
    NodeHub *m_hub;
};

namespace {
QString peerOf(const QTcpSocket *s) {
    return QStringLiteral("%1:%2").arg(s->peerAddress().toString()).arg(s->peerPort());
}
constexpr int kHelloTimeoutMs = 5000;
constexpr int kPublishedKept = 64;
constexpr int kSocketGraceMs = 2000;
} // namespace

NodeHub::NodeHub(wall::WallState &state, NodeHubConfig config, NodeAuthenticator authenticate,
                 QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_config(std::move(config))
    , m_authenticate(std::move(authenticate))
    , m_source(std::make_unique<NodeWallSourceImpl>(this)) {
    m_clock.start();
    m_trimmer.setForgetMs(m_config.trimKeepMs);
    // A node linked before takes these from this controller, not what another one told it.
    m_source->publishStarts(QByteArrayLiteral(R"({"starts":{}})"));
    m_source->publishTrims(m_trimmer.document());
    m_source->publishAnchors(anchorsDocument({}));
    connect(&m_state, &wall::WallState::wallChanged, this, &NodeHub::schedulePublish);
    connect(&m_state, &wall::WallState::layoutReset, this, [this] {
        m_switchWanted = true; // a recall (or undo): every node switches at one instant
        schedulePublish();
    });
    connect(&m_state, &wall::WallState::tileChanged, this, &NodeHub::schedulePublish);
    connect(&m_state, &wall::WallState::tileAdded, this, &NodeHub::schedulePublish);
    connect(&m_state, &wall::WallState::tileRemoved, this, &NodeHub::schedulePublish);
}

NodeHub::~NodeHub() {
    for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
        delete it->timer;
        it->done(false, {}, QStringLiteral("the controller is stopping"));
    }
    m_pending.clear();
    m_host.disableRemoting(m_source.get());
    if (m_server)
        m_server->close();
}

bool NodeHub::start(QString *error) {
    const bool tls = !m_config.tlsCertFile.isEmpty() || !m_config.tlsKeyFile.isEmpty();
    if (!tls && !isLoopbackHost(m_config.host)) {
        *error = QStringLiteral("--node-listen %1 is not a loopback address: the node link needs "
                                "TLS there (tlsCert and tlsKey in --api-config)")
                     .arg(m_config.host);
        return false;
    }
    if (tls) {
        const auto ssl = serverTls(m_config.tlsCertFile, m_config.tlsKeyFile,
                                   QStringLiteral("node link"), error);
        if (!ssl)
            return false;
        auto server = std::make_unique<QSslServer>();
        server->setSslConfiguration(*ssl);
        connect(server.get(), &QSslServer::errorOccurred, this,
                [](QSslSocket *s, QAbstractSocket::SocketError) {
                    qWarning("opswall: node link: TLS handshake with %s failed: %s",
                             qPrintable(peerOf(s)), qPrintable(s->errorString()));
                });
        m_server = std::move(server);
    } else {
        m_server = std::make_unique<QTcpServer>();
    }
    const QHostAddress bindAddress = m_config.host == QLatin1String("localhost")
                                         ? QHostAddress::LocalHost
                                         : QHostAddress(m_config.host);
    if (bindAddress.isNull() || !m_server->listen(bindAddress, m_config.port)) {
        *error = QStringLiteral("the node link cannot listen on %1:%2: %3")
                     .arg(m_config.host)
                     .arg(m_config.port)
                     .arg(bindAddress.isNull() ? QStringLiteral("not an IP address")
                                               : m_server->errorString());
        return false;
    }
    connect(m_server.get(), &QTcpServer::pendingConnectionAvailable, this,
            &NodeHub::onNewConnection);
    // Connections come from our own server (addHostSideConnection), not from a URL of Qt's.
    m_host.setHostUrl(QUrl(QStringLiteral("opswall-node://controller")),
                      QRemoteObjectHost::AllowExternalRegistration);
    publish();
    if (!m_host.enableRemoting(m_source.get())) {
        *error = QStringLiteral("the node link cannot share the wall (Qt Remote Objects: %1)")
                     .arg(int(m_host.lastError()));
        return false;
    }
    m_beat = new QTimer(this);
    m_beat->setInterval(kBeatMs);
    connect(m_beat, &QTimer::timeout, this, &NodeHub::beat);
    m_beatAtMs = nowMs();
    m_beat->start();
    qInfo("opswall: render nodes connect on %s%s (heartbeat every %d ms, a node silent for %d ms "
          "is disconnected)",
          qPrintable(address()), tls ? " (TLS)" : "", kBeatMs, m_config.silenceMs);
    return true;
}

QString NodeHub::address() const {
    if (!m_server || !m_server->isListening())
        return {};
    return QStringLiteral("%1:%2")
        .arg(m_server->serverAddress().toString())
        .arg(m_server->serverPort());
}

void NodeHub::onNewConnection() {
    while (QTcpSocket *socket = m_server->nextPendingConnection()) {
        socket->setParent(this);
        const QString peer = peerOf(socket);
        auto *deadline = new QTimer(socket);
        deadline->setSingleShot(true);
        connect(deadline, &QTimer::timeout, socket, [this, socket, peer] {
            refuse(socket, peer, QStringLiteral("?"),
                   QStringLiteral("no opening line within %1 s").arg(kHelloTimeoutMs / 1000));
        });
        deadline->start(kHelloTimeoutMs);
        socket->setProperty("opswallDeadline", QVariant::fromValue<QObject *>(deadline));
        connect(socket, &QTcpSocket::readyRead, this, [this, socket] { onHelloData(socket); });
        connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        if (socket->bytesAvailable() > 0)
            onHelloData(socket);
    }
}

void NodeHub::refuse(QTcpSocket *socket, const QString &peer, const QString &who,
                     const QString &why) {
    qWarning("opswall: node link: refused node '%s' from %s: %s", qPrintable(who), qPrintable(peer),
             qPrintable(why));
    socket->disconnect(this);
    socket->write(refusedLine(why));
    socket->disconnectFromHost();
    QTimer::singleShot(2000, socket, &QObject::deleteLater);
}

void NodeHub::onHelloData(QTcpSocket *socket) {
    const QString peer = peerOf(socket);
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > kMaxLineBytes)
            refuse(socket, peer, QStringLiteral("?"),
                   QStringLiteral("the opening line is longer than %1 bytes").arg(kMaxLineBytes));
        return;
    }
    const QByteArray line = socket->readLine(kMaxLineBytes + 2);
    delete socket->property("opswallDeadline").value<QObject *>();
    QString why;
    const auto hello = parseHello(line.chopped(line.endsWith('\n') ? 1 : 0), &why);
    if (!hello)
        return refuse(socket, peer, QStringLiteral("?"), why);
    const auto tokenName = m_authenticate(hello->token, &why);
    if (!tokenName)
        return refuse(socket, peer, hello->nodeId, why);
    const qsizetype outputCount = m_state.wall().outputs.size();
    for (int o : hello->outputs) {
        if (o >= outputCount)
            return refuse(socket, peer, hello->nodeId,
                          QStringLiteral("the wall has no output %1 (it has %2: 0 to %3)")
                              .arg(o)
                              .arg(outputCount)
                              .arg(outputCount - 1));
        for (const Node &n : std::as_const(m_nodes))
            if (n.connected && n.id != hello->nodeId && n.outputs.contains(o))
                return refuse(
                    socket, peer, hello->nodeId,
                    QStringLiteral("output %1 is rendered by node '%2'").arg(o).arg(n.id));
    }
    Node &node = m_nodes[hello->nodeId];
    if (node.socket && node.socket != socket) {
        if (node.connected)
            qInfo("opswall: node link: node '%s' connected again; its previous link is closed",
                  qPrintable(hello->nodeId));
        node.socket->disconnect(this);
        forgetLink(node.socket);
        node.socket->abort();
    }
    node.id = hello->nodeId;
    node.tokenName = *tokenName;
    node.outputs = hello->outputs;
    node.peer = peer;
    node.socket = socket;
    node.connected = true;
    node.linkKey = newLinkKey();
    node.fps = 0;
    node.shownRevision = 0;
    node.lagMs.reset();
    node.connectedAtMs = nowMs();
    node.frames.clear();
    node.framesAtMs = -1;
    node.switchLateNs.reset();
    node.silence = LinkSilence(m_config.silenceMs); // counted from now: its opening line
    node.heardAtMs = node.connectedAtMs;
    socket->disconnect(this);
    // Qt Remote Objects drops its side of the link after `disconnected`; the socket must outlive
    // it, so it goes with it (forgetLink), not at once as before the hand-over.
    disconnect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    connect(socket, &QTcpSocket::disconnected, this, [this, id = hello->nodeId, socket] {
        linkLost(id, socket, QStringLiteral("disconnected"));
    });
    qInfo("opswall: node link: node '%s' (outputs %s, token '%s') connected from %s",
          qPrintable(node.id), qPrintable(outputsText(node.outputs)), qPrintable(node.tokenName),
          qPrintable(peer));
    socket->write(okLine(node.linkKey));
    m_host.addHostSideConnection(socket);
    if (socket->bytesAvailable() > 0) // what the node sent right after its opening line
        QMetaObject::invokeMethod(socket, "readyRead", Qt::QueuedConnection);
    Q_EMIT nodesChanged();
}

void NodeHub::close() {
    m_closed = true;
    if (m_server)
        m_server->close();
    for (const Node &n : std::as_const(m_nodes))
        if (n.socket)
            n.socket->disconnectFromHost(); // `disconnected` forgets the link as usual
}

void NodeHub::linkLost(const QString &id, QTcpSocket *socket, const QString &why) {
    auto it = m_nodes.find(id);
    if (it == m_nodes.end() || it->socket != socket || !it->connected)
        return;
    it->connected = false;
    it->fps = 0;
    forgetLink(socket);
    qWarning("opswall: node link: node '%s' (%s) %s", qPrintable(id), qPrintable(it->peer),
             qPrintable(why));
    Q_EMIT nodesChanged();
}

void NodeHub::beat() {
    const qint64 now = nowMs();
    const qint64 previous = std::exchange(m_beatAtMs, now);
    Q_EMIT m_source->beat(++m_beats);
    updateTrims();
    for (const Node &n : std::as_const(m_nodes))
        if (n.connected && n.socket)
            n.socket->flush(); // now, not after another stall of this thread (nodeclient.cpp)
    QList<std::pair<QString, QPointer<QTcpSocket>>> silent;
    for (Node &n : m_nodes)
        // Since the last tick, or since it was heard if that came after: a silence is not
        // counted longer than it is (by up to a beat).
        if (n.connected && n.silence.tick(now - std::max(previous, n.heardAtMs)))
            silent.append({n.id, n.socket});
    for (const auto &[id, socket] : silent) {
        if (!socket)
            continue;
        linkLost(id, socket,
                 QStringLiteral("has been silent for %1 ms (no heartbeat: stopped, hung or cut "
                                "off); shown disconnected, its link is closed")
                     .arg(m_nodes.value(id).silence.silentMs()));
        socket->disconnect(this);
        socket->abort(); // a node that wakes finds its link closed and links again
    }
}

void NodeHub::forgetLink(QTcpSocket *socket) {
    // Qt Remote Objects 6.4 never hears that an external link closed (its device looks for the
    // signal "2disconnected()", so it does not forward the socket's disconnected()), keeps writing
    // to it and crashes once the socket is gone. Tell it, unless it has already closed the link;
    // and the socket goes only with Qt's side of the link (a link it closed itself may stay: it
    // writes to a closed socket nothing, to a deleted one it crashed, the heartbeat every 250 ms).
    QPointer<QTcpSocket> alive(socket);
    QTimer::singleShot(0, this, [this, alive] {
        if (!alive)
            return;
        bool held = false;
        const auto links = m_host.findChildren<QtROIoDeviceBase *>();
        for (QtROIoDeviceBase *link : links) {
            if (link->connection() != alive.data())
                continue;
            held = true;
            connect(link, &QObject::destroyed, alive.data(), &QObject::deleteLater);
            if (!link->isClosing())
                Q_EMIT link->disconnected();
        }
        if (!held)
            QTimer::singleShot(kSocketGraceMs, alive.data(), &QObject::deleteLater);
    });
}

void NodeHub::schedulePublish() {
    if (m_publishQueued)
        return;
    m_publishQueued = true;
    // After the change is complete: the dispatcher adopts the stored revision after setLayout.
    QTimer::singleShot(0, this, [this] {
        m_publishQueued = false;
        publish();
    });
}

void NodeHub::publish() {
    const QByteArray wallDoc =
        QJsonDocument(QJsonObject{{QStringLiteral("wall"), wall::wallToJson(m_state.wall())}})
            .toJson(QJsonDocument::Compact);
    if (wallDoc != m_source->wall())
        m_source->publishWall(wallDoc);
    const quint64 revision = m_state.revision();
    QJsonObject layout{{QStringLiteral("revision"), qint64(revision)},
                       {QStringLiteral("layout"), wall::layoutToJson(m_state.layout())}};
    const QByteArray body = QJsonDocument(layout).toJson(QJsonDocument::Compact);
    const bool scheduled = std::exchange(m_switchWanted, false) && m_clockNow;
    if (body == m_layoutBody)
        return;
    m_layoutBody = body;
    m_publishedAtMs.insert(revision, nowMs());
    while (m_publishedAtMs.size() > kPublishedKept)
        m_publishedAtMs.erase(m_publishedAtMs.begin());
    m_publishedRevision = revision;
    if (!scheduled) {
        if (m_clockNow)
            stampStarts(m_state.layout(), m_clockNow());
        m_source->publishLayout(body);
        Q_EMIT layoutPublished(revision, -1);
        return;
    }
    const qint64 switchAtNs = m_clockNow() + qint64(kSwitchMarginMs) * 1000000;
    stampStarts(m_state.layout(), switchAtNs);
    m_switchAtNs.insert(revision, switchAtNs);
    while (m_switchAtNs.size() > kPublishedKept)
        m_switchAtNs.erase(m_switchAtNs.begin());
    layout.insert(QStringLiteral("switchAtNs"), double(switchAtNs));
    m_source->publishLayout(QJsonDocument(layout).toJson(QJsonDocument::Compact));
    Q_EMIT layoutPublished(revision, switchAtNs);
}

void NodeHub::stampStarts(const wall::Layout &layout, qint64 atNs) {
    noteLiveSources(layout);
    // The sources that are placed on the wall's timeline (files, HLS: a live playlist ignores
    // its start), by the sources document.
    QSet<QString> placed;
    const QJsonArray sources = QJsonDocument::fromJson(m_source->sources())
                                   .object()
                                   .value(QStringLiteral("sources"))
                                   .toArray();
    for (const QJsonValue &v : sources) {
        const QString kind = v.toObject().value(QStringLiteral("kind")).toString();
        if (kind == QLatin1String("file") || kind == QLatin1String("hls"))
            placed.insert(v.toObject().value(QStringLiteral("id")).toString());
    }
    QHash<QString, qint64> starts;
    for (const wall::Tile &tile : layout.tiles) {
        const QString id = tile.binding.value(QStringLiteral("source")).toString();
        if (tile.kind != QLatin1String("video") || !placed.contains(id) || starts.contains(id))
            continue;
        // Kept while it stays on screen; else its clip begins after the lead.
        starts.insert(id, m_startsNs.value(id, atNs + qint64(kStartLeadMs) * 1000000));
    }
    if (starts == m_startsNs)
        return;
    m_startsNs = starts;
    QJsonObject doc;
    for (auto it = starts.cbegin(); it != starts.cend(); ++it)
        doc.insert(it.key(), double(it.value()));
    // Before the layout: a node has the starts when the layout's tiles ask for their streams.
    m_source->publishStarts(
        QJsonDocument(QJsonObject{{QStringLiteral("starts"), doc}}).toJson(QJsonDocument::Compact));
    Q_EMIT streamStartsChanged();
}

void NodeHub::updateTrims() {
    if (!m_config.skewCorrection)
        return;
    constexpr qint64 kFreshMs = 5000;
    QList<SkewTrimmer::NodeReport> reports;
    for (const Node &n : std::as_const(m_nodes))
        if (n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= kFreshMs)
            reports.append({n.id, n.framesSequence, n.frames});
    const SharedTimeline timeline =
        SharedTimeline::of(m_source->clock(), m_startsNs, m_liveAnchors.anchors());
    const bool changed = m_trimmer.update(
        reports, nowMs(), [&timeline](const FrameShown &f) { return timeline.lateNs(f); });
    if (changed) {
        const QByteArray doc = m_trimmer.document();
        qInfo("opswall: node link: video skew trims now %s", doc.constData());
        m_source->publishTrims(doc);
    }
    saveTrims(changed);
}

void NodeHub::saveTrims(bool changed) {
    if (!m_trimSaver || m_closed)
        return;
    // Their seenAt lags by this much at most: a quarter of the keep time at most, so that a
    // restart or takeover soon after a save finds them.
    const qint64 everyMs = std::min<qint64>(kTrimSaveMs, m_trimmer.forgetMs() / 4);
    if (!changed && (nowMs() - m_trimsSavedAtMs < everyMs || !m_trimmer.hasTrims()))
        return;
    m_trimsSavedAtMs = nowMs();
    m_trimSaver(m_trimmer.saved(nowMs(), QDateTime::currentMSecsSinceEpoch()));
}

void NodeHub::restoreTrims(const QByteArray &saved) {
    if (saved.isEmpty())
        return;
    if (!m_config.skewCorrection) {
        qInfo("opswall: node link: the saved video skew trims are not applied "
              "(--node-skew-correction off)");
        return;
    }
    QString why;
    const std::optional<int> taken =
        m_trimmer.restore(saved, nowMs(), QDateTime::currentMSecsSinceEpoch(), &why);
    if (!taken) {
        qWarning("opswall: node link: the saved video skew trims are not valid (%s); starting "
                 "without them",
                 qPrintable(why));
        return;
    }
    const QByteArray doc = m_trimmer.document();
    qInfo("opswall: node link: %d video skew trims restored from the store (those seen in the "
          "last %lld s): %s",
          *taken, qlonglong(m_trimmer.forgetMs() / 1000), doc.constData());
    if (*taken > 0)
        m_source->publishTrims(doc);
}

void NodeHub::setClock(const QByteArray &doc, ClockNow now) {
    m_clockNow = std::move(now);
    if (m_clockNow) // the layout published before there was a clock: its clips begin now
        stampStarts(m_state.layout(), m_clockNow());
    if (doc != m_source->clock())
        m_source->publishClock(doc);
}

void NodeHub::onVideoReport(const QString &nodeId, const QByteArray &linkKey,
                            const QByteArray &frames) {
    Node *node = reporter(nodeId, linkKey, "video report");
    if (!node)
        return;
    QString why;
    std::optional<QList<FrameShown>> parsed = parseFramesShown(frames, &why);
    if (!parsed) {
        qWarning("opswall: node link: node '%s' sent a video report that is not valid (%s); "
                 "ignored",
                 qPrintable(nodeId), qPrintable(why));
        return;
    }
    node->frames = std::move(*parsed);
    node->framesAtMs = nowMs();
    ++node->framesSequence;
    if (m_liveAnchors.take(node->id, node->frames, qint64(kLiveAnchorMarginMs) * 1000000))
        publishAnchors();
}

void NodeHub::noteLiveSources(const wall::Layout &layout) {
    // The HLS sources on screen: a live playlist among them is anchored from its first report
    // (one on demand reports positions in its clip, with a loop, and is not).
    QSet<QString> hls;
    const QJsonArray sources = QJsonDocument::fromJson(m_source->sources())
                                   .object()
                                   .value(QStringLiteral("sources"))
                                   .toArray();
    for (const QJsonValue &v : sources)
        if (v.toObject().value(QStringLiteral("kind")).toString() == QLatin1String("hls"))
            hls.insert(v.toObject().value(QStringLiteral("id")).toString());
    QSet<QString> onScreen;
    for (const wall::Tile &tile : layout.tiles) {
        const QString id = tile.binding.value(QStringLiteral("source")).toString();
        if (tile.kind == QLatin1String("video") && hls.contains(id))
            onScreen.insert(id);
    }
    if (m_liveAnchors.setOnScreen(onScreen))
        publishAnchors();
}

void NodeHub::publishAnchors() {
    const QByteArray doc = anchorsDocument(m_liveAnchors.anchors());
    if (doc == m_source->anchors())
        return;
    qInfo("opswall: node link: live HLS anchors now %s", doc.constData());
    m_source->publishAnchors(doc);
    Q_EMIT streamAnchorsChanged();
}

void NodeHub::onSwitchReport(const QString &nodeId, const QByteArray &linkKey, quint64 revision,
                             qint64 shownNs) {
    Node *node = reporter(nodeId, linkKey, "switch report");
    const auto at = m_switchAtNs.constFind(revision);
    if (!node || at == m_switchAtNs.cend())
        return;
    node->switchRevision = revision;
    node->switchLateNs = shownNs - *at;
}

QJsonValue NodeHub::skewMsOf(const Node &node) const {
    // Reports older than this are of streams the node may not show any more.
    constexpr qint64 kFreshMs = 5000;
    const auto fresh = [this](const Node &n) {
        return n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= kFreshMs;
    };
    if (!fresh(node))
        return QJsonValue::Null;
    std::optional<qint64> worst;
    for (const Node &other : m_nodes) {
        if (other.id == node.id || !fresh(other))
            continue;
        for (const FrameShown &mine : node.frames)
            for (const FrameShown &theirs : other.frames)
                if (const auto skew = skewNs(mine, theirs))
                    worst = std::max(worst.value_or(0), std::abs(*skew));
    }
    if (!worst)
        return QJsonValue::Null;                  // no other node shows one of its streams
    return std::round(double(*worst) / 1e5) / 10; // ms, to 0.1
}

NodeHub::Node *NodeHub::reporter(const QString &nodeId, const QByteArray &linkKey,
                                 const char *what) {
    auto it = m_nodes.find(nodeId);
    if (it == m_nodes.end() || !it->connected)
        return nullptr;
    if (linkKey != it->linkKey) {
        // Another link's report (a node naming another), or one sent on a link since replaced:
        // logged once per node and kind of report.
        if (!it->spoofLogged.contains(what))
            qWarning("opswall: node link: a %s for node '%s' came without the key of its link; "
                     "ignored (a node may report only for itself)",
                     what, qPrintable(nodeId));
        it->spoofLogged.insert(what);
        ++m_reportsRefused;
        return nullptr;
    }
    it->silence.heard();
    it->heardAtMs = nowMs();
    return &*it;
}

void NodeHub::onNodeBeat(const QString &nodeId, const QByteArray &linkKey) {
    reporter(nodeId, linkKey, "heartbeat");
}

void NodeHub::onNodeBusy(const QString &nodeId, const QByteArray &linkKey, int ms) {
    Node *node = reporter(nodeId, linkKey, "busy notice");
    if (!node)
        return;
    node->silence.allow(ms);
    qInfo("opswall: node link: node '%s' is busy (making its windows): silent for up to %d ms "
          "allowed until it is heard again",
          qPrintable(nodeId), node->silence.allowedMs());
}

QJsonValue NodeHub::silentMsOf(const Node &n) const {
    if (!n.connected)
        return QJsonValue::Null;
    // The counted silence (this process's own stalls left out) plus the time since the last
    // tick, unless the node was heard since.
    const qint64 sinceTick = nowMs() - m_beatAtMs;
    return double(std::min(nowMs() - n.heardAtMs, n.silence.silentMs() + sinceTick));
}

void NodeHub::onReport(const QString &nodeId, const QByteArray &linkKey, quint64 shownRevision,
                       double fps) {
    Node *node = reporter(nodeId, linkKey, "report");
    if (!node)
        return;
    node->fps = fps;
    if (shownRevision != node->shownRevision) {
        node->shownRevision = shownRevision;
        const auto at = m_publishedAtMs.constFind(shownRevision);
        if (at != m_publishedAtMs.cend())
            node->lagMs = nowMs() - std::max(*at, node->connectedAtMs);
        else
            node->lagMs.reset(); // published before this controller started
    }
}

bool NodeHub::requestSnapshot(int output, int widthPx, SnapshotDone done) {
    for (const Node &n : std::as_const(m_nodes)) {
        if (!n.connected || !n.outputs.contains(output))
            continue;
        const int id = ++m_nextRequest;
        auto *timer = new QTimer(this);
        timer->setSingleShot(true);
        connect(timer, &QTimer::timeout, this, [this, id, node = n.id] {
            finishSnapshot(id, {},
                           QStringLiteral("node '%1' did not answer within %2 s")
                               .arg(node)
                               .arg(kSnapshotTimeoutMs / 1000));
        });
        timer->start(kSnapshotTimeoutMs);
        m_pending.insert(id, Pending{std::move(done), timer, n.id});
        Q_EMIT m_source->snapshotWanted(id, n.id, output, widthPx);
        return true;
    }
    return false;
}

void NodeHub::setSources(const QByteArray &doc) {
    if (doc == m_source->sources())
        return;
    m_source->publishSources(doc);
    if (m_clockNow) // a file source that the live layout names and that was not known yet
        stampStarts(m_state.layout(), m_clockNow());
}

void NodeHub::setIndicators(const QByteArray &doc) {
    if (doc != m_source->indicators())
        m_source->publishIndicators(doc);
}

void NodeHub::setAlerts(const QByteArray &doc) {
    if (doc != m_source->alerts())
        m_source->publishAlerts(doc);
}

void NodeHub::setFeeds(const QByteArray &doc) {
    if (doc != m_source->feeds())
        m_source->publishFeeds(doc);
}

Q_LOGGING_CATEGORY(lcNodeSeries, "opswall.nodes.series", QtWarningMsg)

QByteArray NodeHub::seriesOf(const QStringList &indicators) const {
    QElapsedTimer took;
    took.start();
    QByteArray doc = m_seriesProvider ? m_seriesProvider(indicators) : R"({"series":[]})";
    qCDebug(lcNodeSeries,
            "seriesOf: %lld indicators, %lld bytes, answered in %lld us on the GUI thread",
            qlonglong(indicators.size()), qlonglong(doc.size()), took.nsecsElapsed() / 1000);
    return doc;
}

void NodeHub::announceSeries(const QStringList &indicators) {
    if (!indicators.isEmpty())
        Q_EMIT m_source->seriesChanged(indicators);
}

QList<int> NodeHub::nodeOutputs() const {
    QList<int> out;
    for (const Node &n : m_nodes)
        if (n.connected)
            out += n.outputs;
    return out;
}

QJsonArray NodeHub::health() const {
    QJsonArray out;
    for (const Node &n : m_nodes) {
        QJsonArray outputs;
        for (int o : n.outputs)
            outputs.append(o);
        QJsonValue lag = QJsonValue::Null;
        if (n.connected && n.shownRevision == m_publishedRevision && n.lagMs)
            lag = double(*n.lagMs);
        else if (n.connected && m_publishedAtMs.contains(m_publishedRevision))
            // Not showing the live layout yet: how long it has been waiting.
            lag = double(nowMs() -
                         std::max(m_publishedAtMs.value(m_publishedRevision), n.connectedAtMs));
        QJsonArray streams; // what its synchronised video shows, by the report's stream keys
        if (n.connected)
            for (const FrameShown &f : n.frames)
                streams.append(f.stream);
        QJsonObject trims; // the trims it applies, ms to 0.1
        const QHash<QString, qint64> trimsNs = m_trimmer.trimsOf(n.id);
        for (auto t = trimsNs.cbegin(); t != trimsNs.cend(); ++t)
            trims.insert(t.key(), std::round(double(t.value()) / 1e5) / 10);
        const QJsonObject timelineMs = // how late it shows each stream against the timeline
            n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= 5000
                ? SharedTimeline::of(m_source->clock(), m_startsNs, m_liveAnchors.anchors())
                      .lateMsOf(n.frames)
                : QJsonObject();
        QJsonValue switchLate = QJsonValue::Null;
        if (n.connected && n.switchLateNs && n.switchRevision == n.shownRevision)
            switchLate = std::round(double(*n.switchLateNs) / 1e5) / 10;
        out.append(QJsonObject{{QStringLiteral("id"), n.id},
                               {QStringLiteral("connected"), n.connected},
                               {QStringLiteral("outputs"), outputs},
                               {QStringLiteral("fps"), n.fps},
                               {QStringLiteral("skewMs"), skewMsOf(n)},
                               {QStringLiteral("trimMs"), trims},
                               {QStringLiteral("timelineMs"), timelineMs},
                               {QStringLiteral("lagMs"), lag},
                               {QStringLiteral("revision"), qint64(n.shownRevision)},
                               {QStringLiteral("address"), n.peer},
                               {QStringLiteral("switchLateMs"), switchLate},
                               {QStringLiteral("streams"), streams},
                               {QStringLiteral("silentMs"), silentMsOf(n)}});
    }
    return out;
}

} // namespace opswall::nodes
