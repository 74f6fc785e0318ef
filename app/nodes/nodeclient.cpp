#include "nodes/nodeclient.h"

#include "core/testhooks.h"
#include "nodes/nodeindicators.h"
#include "nodes/nodeprotocol.h"
#include "nodes/videosync.h"
#include "rep_nodewall_merged.h"
#include "wall/walljson.h"

#include <QFile>
#include <QHostAddress>
#include <QJsonDocument>
#include <QPointer>
#include <QRemoteObjectNode>
#include <QRemoteObjectPendingCallWatcher>
#include <QSslConfiguration>
#include <QSslSocket>

#include <csignal>
#include <cstdio>
#include <tuple>
#include <utility>

namespace opswall::nodes {

namespace {
constexpr int kRetryMs = 1000;
constexpr int kFailoverRetryMs = 100; // with a standby: the one that took over, found at once
constexpr qint64 kMaxDocumentBytes = 16 * 1024 * 1024;
} // namespace

NodeClient::NodeClient(NodeClientConfig config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config)) {
    m_endpoints.append({m_config.host, m_config.port});
    m_endpoints.append(m_config.fallbacks);
    m_retry.setSingleShot(true);
    m_retry.setInterval(m_config.fallbacks.isEmpty() ? kRetryMs : kFailoverRetryMs);
    connect(&m_retry, &QTimer::timeout, this, &NodeClient::connectNow);
    m_deadline.setSingleShot(true);
    m_deadline.setInterval(m_config.silenceMs);
    connect(&m_deadline, &QTimer::timeout, this, [this] {
        onLost(
            QStringLiteral("no answer from the controller within %1 ms").arg(m_config.silenceMs));
    });
    m_beat.setInterval(kBeatMs);
    connect(&m_beat, &QTimer::timeout, this, &NodeClient::beat);
}

NodeClient::~NodeClient() {
    m_refused = true; // no retry from what the teardown below signals
    if (m_socket)
        m_socket->disconnect(this);
    delete std::exchange(m_replica, nullptr);
    delete std::exchange(m_ro, nullptr);
    delete std::exchange(m_socket, nullptr);
}

bool NodeClient::start(QString *error) {
    bool loopback = true;
    for (const auto &[host, port] : std::as_const(m_endpoints)) {
        const QHostAddress a(host);
        loopback =
            loopback && (host == QLatin1String("localhost") || (!a.isNull() && a.isLoopback()));
    }
    m_tls = !m_config.caFile.isEmpty();
    if (!m_tls && !loopback) {
        *error = QStringLiteral("--controller %1 is not a loopback address: the node link needs "
                                "TLS there; give the controller's CA with --controller-ca FILE")
                     .arg(m_config.host);
        return false;
    }
    if (m_tls && QSslCertificate::fromPath(m_config.caFile).isEmpty()) {
        *error =
            QStringLiteral("--controller-ca %1: no PEM certificate there").arg(m_config.caFile);
        return false;
    }
    connectNow();
    return true;
}

void NodeClient::connectNow() {
    if (m_refused)
        return;
    m_socket = new QSslSocket(this);
    QSslSocket *socket = m_socket;
    m_deadline.start(); // a controller that takes the connection but never answers
    connect(socket, &QSslSocket::errorOccurred, this, [this, socket](QAbstractSocket::SocketError) {
        if (socket == m_socket)
            onLost(socket->errorString());
    });
    connect(socket, &QSslSocket::disconnected, this, [this, socket] {
        if (socket == m_socket)
            onLost(QStringLiteral("the controller closed the link"));
    });
    connect(socket, &QSslSocket::readyRead, this, &NodeClient::onAnswer);
    if (!m_config.localAddress.isEmpty() && !socket->bind(QHostAddress(m_config.localAddress))) {
        onLost(QStringLiteral("cannot connect from %1: %2")
                   .arg(m_config.localAddress, socket->errorString()));
        return;
    }
    if (m_tls) {
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setCaCertificates(QSslCertificate::fromPath(m_config.caFile));
        socket->setSslConfiguration(ssl);
        connect(socket, &QSslSocket::encrypted, this, &NodeClient::onSocketReady);
        socket->connectToHostEncrypted(m_config.host, m_config.port);
    } else {
        connect(socket, &QSslSocket::connected, this, &NodeClient::onSocketReady);
        socket->connectToHost(m_config.host, m_config.port);
    }
}

void NodeClient::onSocketReady() {
    m_socket->write(helloLine({m_config.nodeId, m_config.outputs, m_config.token}));
}

void NodeClient::onAnswer() {
    QSslSocket *socket = m_socket;
    if (!socket || m_ro)
        return;
    if (!socket->canReadLine()) {
        if (socket->bytesAvailable() > kMaxLineBytes)
            onLost(QStringLiteral("the controller's answer is longer than %1 bytes")
                       .arg(kMaxLineBytes));
        return;
    }
    QString reason;
    if (!parseAnswer(socket->readLine(kMaxLineBytes + 2), &reason, &m_linkKey)) {
        qCritical("opswall: node: the controller at %s:%u refused this node ('%s'): %s",
                  qPrintable(m_config.host), unsigned(m_config.port), qPrintable(m_config.nodeId),
                  qPrintable(reason));
        m_refused = true;
        m_deadline.stop();
        socket->disconnect(this);
        socket->abort();
        Q_EMIT refused(reason);
        return;
    }
    disconnect(socket, &QSslSocket::readyRead, this, &NodeClient::onAnswer);
    testhooks::nodeLinked();
    m_deadline.stop();
    m_silence = LinkSilence(m_config.silenceMs);
    m_sinceBeat.start();
    m_sinceHeard.start();
    m_beat.start();
    m_pulled.clear();
    m_ro = new QRemoteObjectNode(this);
    m_ro->addClientSideConnection(socket);
    if (socket->bytesAvailable() > 0) // the controller's first messages came with the OK
        QMetaObject::invokeMethod(socket, "readyRead", Qt::QueuedConnection);
    m_replica = m_ro->acquire<NodeWallReplica>();
    NodeWallReplica *replica = m_replica;
    connect(replica, &NodeWallReplica::wallChanged, this, &NodeClient::takeWall);
    connect(replica, &NodeWallReplica::layoutChanged, this, &NodeClient::takeLayout);
    connect(replica, &NodeWallReplica::aheadChanged, this, &NodeClient::takeAhead);
    connect(replica, &NodeWallReplica::sourcesChanged, this, &NodeClient::takeSources);
    connect(replica, &NodeWallReplica::clockChanged, this, &NodeClient::takeClock);
    connect(replica, &NodeWallReplica::startsChanged, this, &NodeClient::takeStarts);
    connect(replica, &NodeWallReplica::trimsChanged, this, &NodeClient::takeTrims);
    connect(replica, &NodeWallReplica::anchorsChanged, this, &NodeClient::takeAnchors);
    auto takeDoc = [this](const QByteArray &doc, void (NodeClient::*signal)(const QByteArray &)) {
        if (!doc.isEmpty() && doc.size() <= kMaxDocumentBytes)
            Q_EMIT(this->*signal)(doc);
    };
    connect(replica, &NodeWallReplica::indicatorsChanged, this,
            [takeDoc](const QByteArray &doc) { takeDoc(doc, &NodeClient::indicatorsReceived); });
    connect(replica, &NodeWallReplica::alertsChanged, this,
            [takeDoc](const QByteArray &doc) { takeDoc(doc, &NodeClient::alertsReceived); });
    connect(replica, &NodeWallReplica::feedsChanged, this,
            [takeDoc](const QByteArray &doc) { takeDoc(doc, &NodeClient::feedsReceived); });
    connect(replica, &NodeWallReplica::seriesChanged, this, &NodeClient::pullWanted);
    connect(replica, &NodeWallReplica::beat, this, [this] { heard(); });
    connect(replica, &QRemoteObjectReplica::initialized, this, [this, replica, takeDoc] {
        heard();
        sendHeld(); // what the windows showed before this link could carry it
        takeWall(replica->wall());
        takeSources(replica->sources()); // before the layout whose tiles name them
        takeClock(replica->clock());     // before the streams and the switch time it times
        takeStarts(replica->starts());   // before the layout whose streams they place
        takeTrims(replica->trims());
        takeAnchors(replica->anchors());
        takeDoc(replica->indicators(), &NodeClient::indicatorsReceived);
        takeDoc(replica->feeds(), &NodeClient::feedsReceived);
        takeDoc(replica->alerts(), &NodeClient::alertsReceived);
        takeLayout(replica->layout());
        takeAhead(replica->ahead()); // after the layout, as the controller publishes them
        pullWanted({});              // the values this node's tiles show, then what changes
    });
    connect(replica, &NodeWallReplica::snapshotWanted, this,
            [this, replica](int requestId, const QString &nodeId, int output, int widthPx) {
                if (nodeId != m_config.nodeId)
                    return;
                QPointer<NodeWallReplica> alive(replica);
                auto reply = [alive, requestId, key = m_linkKey](QByteArray jpeg, QString why) {
                    if (alive)
                        alive->snapshotTaken(requestId, key, jpeg, why);
                };
                if (!m_snapshot || !m_config.outputs.contains(output))
                    return reply({},
                                 QStringLiteral("this node does not render output %1").arg(output));
                m_snapshot(output, widthPx, reply);
            });
    qInfo("opswall: node: linked to the controller at %s:%u as '%s' (outputs %s)%s",
          qPrintable(m_config.host), unsigned(m_config.port), qPrintable(m_config.nodeId),
          qPrintable(outputsText(m_config.outputs)), m_tls ? " over TLS" : "");
    m_linked = true;
    m_lostLogged = false;
    Q_EMIT linkChanged(true);
}

void NodeClient::beat() {
    if (m_replica && m_replica->isInitialized()) {
        m_replica->nodeBeat(m_config.nodeId, m_linkKey);
        // Sent now, not on the socket's next turn of the event loop: a GUI thread busy again
        // before that turn would hold the beat back another stall.
        m_socket->flush();
    }
    // Counted from the last tick, or from when the controller was heard if that came since.
    if (m_silence.tick(std::min(m_sinceBeat.restart(), m_sinceHeard.elapsed())))
        onLost(QStringLiteral("the controller has been silent for %1 ms (no heartbeat: stopped, "
                              "hung or cut off)")
                   .arg(m_silence.silentMs()));
}

void NodeClient::heard() {
    m_silence.heard();
    m_sinceHeard.restart();
}

void NodeClient::announceBusy(int ms) {
    if (!m_replica || !m_replica->isInitialized())
        return;
    m_replica->nodeBusy(m_config.nodeId, m_linkKey, ms);
    m_socket->flush();
}

void NodeClient::beatNow() {
    if (!m_replica || !m_replica->isInitialized())
        return;
    m_replica->nodeBeat(m_config.nodeId, m_linkKey);
    m_socket->flush();
}

void NodeClient::onLost(const QString &why) {
    m_deadline.stop();
    m_beat.stop();
    Q_EMIT unreachable(why);
    if (!m_lostLogged) {
        qWarning("opswall: node: no link to the controller at %s:%u (%s); trying again every "
                 "%d ms, the windows keep what they show",
                 qPrintable(m_config.host), unsigned(m_config.port), qPrintable(why),
                 m_retry.interval());
        m_lostLogged = true;
    }
    if (m_replica)
        m_replica->deleteLater();
    if (m_ro)
        m_ro->deleteLater();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        // Qt Remote Objects lets go of the socket when its node goes; the socket goes after.
        QTimer::singleShot(kRetryMs, m_socket, &QObject::deleteLater);
    }
    m_replica = nullptr;
    m_ro = nullptr;
    m_socket = nullptr;
    m_lastLayout.clear(); // the next link's layout is taken even when it is the same
    m_pulled.clear();
    m_lastSources.clear();
    m_lastClock.clear();
    if (m_linked) {
        m_linked = false;
        Q_EMIT linkChanged(false);
    }
    if (m_endpoints.size() > 1) { // the next controller: the standby may have taken over
        m_endpoint = (m_endpoint + 1) % m_endpoints.size();
        std::tie(m_config.host, m_config.port) = m_endpoints.at(m_endpoint);
    }
    if (!m_refused && !m_retry.isActive())
        m_retry.start();
}

bool NodeClient::ready() const {
    // linked() comes with the controller's answer; the replica has the source a round trip
    // later, and Qt Remote Objects sends no call before that.
    return m_replica && m_replica->isInitialized();
}

void NodeClient::sendHeld() {
    if (const auto r = std::exchange(m_heldReport, std::nullopt))
        report(r->first, r->second);
    if (const auto s = std::exchange(m_heldSwitch, std::nullopt))
        reportSwitch(s->first, s->second);
}

void NodeClient::report(quint64 shownRevision, double fps) {
    if (!ready()) {
        m_heldReport = {shownRevision, fps};
        return;
    }
    m_heldReport.reset();
    m_replica->report(m_config.nodeId, m_linkKey, shownRevision, fps);
}

void NodeClient::reportVideo(const QByteArray &frames) {
    if (ready())
        m_replica->reportVideo(m_config.nodeId, m_linkKey, frames);
}

void NodeClient::reportSwitch(quint64 revision, qint64 shownNs) {
    if (!ready()) {
        m_heldSwitch = {revision, shownNs};
        return;
    }
    m_heldSwitch.reset();
    m_replica->reportSwitch(m_config.nodeId, m_linkKey, revision, shownNs);
}

void NodeClient::takeClock(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastClock || doc.size() > kMaxLineBytes)
        return;
    m_lastClock = doc;
    const QJsonDocument parsed = QJsonDocument::fromJson(doc);
    if (parsed.isObject())
        Q_EMIT clockReceived(parsed.object());
    else
        qWarning("opswall: node: the controller's video clock document is not an object; ignored");
}

void NodeClient::takeStarts(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastStarts)
        return;
    m_lastStarts = doc;
    QString why;
    if (const auto starts = parseStarts(doc, &why))
        Q_EMIT startsReceived(*starts);
    else
        qWarning("opswall: node: the controller's streams' starts are not valid (%s); ignored",
                 qPrintable(why));
}

void NodeClient::takeAnchors(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastAnchors)
        return;
    m_lastAnchors = doc;
    QString why;
    if (const auto anchors = parseAnchors(doc, &why))
        Q_EMIT anchorsReceived(*anchors);
    else
        qWarning("opswall: node: the controller's live HLS anchors are not valid (%s); ignored",
                 qPrintable(why));
}

void NodeClient::takeTrims(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastTrims)
        return;
    m_lastTrims = doc;
    QString why;
    if (const auto trims = parseTrims(doc, m_config.nodeId, &why))
        Q_EMIT trimsReceived(*trims);
    else
        qWarning("opswall: node: the controller's skew trims are not valid (%s); ignored",
                 qPrintable(why));
}

void NodeClient::takeWall(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastWall || doc.size() > kMaxDocumentBytes)
        return;
    m_lastWall = doc;
    const QJsonObject o = QJsonDocument::fromJson(doc).object();
    if (o.value(QStringLiteral("wall")).isObject()) {
        m_wallDoc = o.value(QStringLiteral("wall")).toObject();
        updateWanted();
        Q_EMIT wallReceived(m_wallDoc);
    } else
        qWarning("opswall: node: the controller's wall document is not an object; ignored");
}

void NodeClient::pullSeries(const QStringList &indicators) {
    if (!m_replica)
        return;
    auto *watcher = new QRemoteObjectPendingCallWatcher(m_replica->seriesOf(indicators), this);
    connect(watcher, &QRemoteObjectPendingCallWatcher::finished, this,
            [this](QRemoteObjectPendingCallWatcher *w) {
                w->deleteLater();
                if (w->error() != QRemoteObjectPendingCall::NoError)
                    return; // the link went; the next one pulls everything again
                const QByteArray doc = w->returnValue().toByteArray();
                if (doc.size() > kMaxDocumentBytes) {
                    qWarning("opswall: node: the controller's series document is larger than "
                             "%lld bytes; ignored",
                             qlonglong(kMaxDocumentBytes));
                    return;
                }
                const QJsonValue series =
                    QJsonDocument::fromJson(doc).object().value(QStringLiteral("series"));
                if (!series.isArray()) {
                    qWarning("opswall: node: the controller's series document is not valid; "
                             "ignored");
                    return;
                }
                Q_EMIT seriesReceived(series.toArray());
            });
}

void NodeClient::takeSources(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastSources || doc.size() > kMaxDocumentBytes)
        return;
    m_lastSources = doc;
    const QJsonValue sources =
        QJsonDocument::fromJson(doc).object().value(QStringLiteral("sources"));
    if (!sources.isArray()) {
        qWarning("opswall: node: the controller's video sources document is not valid; ignored");
        return;
    }
    Q_EMIT sourcesReceived(sources.toArray());
}

void NodeClient::takeLayout(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastLayout || doc.size() > kMaxDocumentBytes)
        return;
    m_lastLayout = doc;
    const QJsonObject o = QJsonDocument::fromJson(doc).object();
    const QJsonValue rev = o.value(QStringLiteral("revision"));
    if (!o.value(QStringLiteral("layout")).isObject() || !rev.isDouble() || rev.toDouble() < 0) {
        qWarning("opswall: node: the controller's layout document is not valid; ignored");
        return;
    }
    m_layoutDoc = o.value(QStringLiteral("layout")).toObject();
    updateWanted();
    const QJsonValue switchAt = o.value(QStringLiteral("switchAtNs"));
    const qint64 switchAtNs =
        switchAt.isDouble() && switchAt.toDouble() > 0 && switchAt.toDouble() < 4.6e18
            ? qint64(switchAt.toDouble())
            : -1;
    Q_EMIT layoutReceived(quint64(rev.toDouble()), m_layoutDoc, switchAtNs);
}

void NodeClient::takeAhead(const QByteArray &doc) {
    if (doc.isEmpty() || doc == m_lastAhead)
        return;
    m_lastAhead = doc;
    QString why;
    std::optional<AheadLayouts> ahead = parseAhead(doc, &why);
    if (!ahead) {
        qWarning("opswall: node: the controller's layouts expected next are not valid (%s); "
                 "ignored (the ones before stay built ahead)",
                 qPrintable(why));
        return;
    }
    m_ahead = std::move(*ahead);
    updateWanted();
    Q_EMIT aheadReceived(m_ahead);
}

void NodeClient::updateWanted() {
    const wall::WallParse wall = wall::wallFromJson(m_wallDoc);
    if (!wall.ok() || m_layoutDoc.isEmpty())
        return;
    const wall::LayoutParse layout = wall::layoutFromJson(m_layoutDoc, &wall.wall);
    QSet<QString> wanted = indicatorsShown(wall.wall, layout.layout, m_config.outputs);
    // Those of the tiles built ahead too: a recall shows them with their values.
    for (const QList<wall::Layout> &layouts : std::as_const(m_ahead))
        for (const wall::Layout &l : layouts)
            wanted.unite(indicatorsShown(wall.wall, l, m_config.outputs));
    if (wanted == m_wanted)
        return;
    m_wanted = wanted;
    // One no tile shows any more is not followed: when a layout binds it again, it is pulled again.
    m_pulled.intersect(m_wanted);
    if (m_replica && m_replica->isInitialized())
        pullWanted({}); // the ones the new layout binds
}

void NodeClient::pullWanted(const QStringList &announced) {
    // Announced: those of them this node shows, again; else the ones not pulled on this link yet.
    QStringList pull;
    if (!announced.isEmpty()) {
        for (const QString &code : announced)
            if (m_wanted.contains(code))
                pull.append(code);
    } else {
        for (const QString &code : std::as_const(m_wanted))
            if (!m_pulled.contains(code))
                pull.append(code);
    }
    if (pull.isEmpty())
        return; // an empty list would ask for every indicator
    pull.sort();
    for (const QString &code : std::as_const(pull))
        m_pulled.insert(code);
    pullSeries(pull);
}

} // namespace opswall::nodes
