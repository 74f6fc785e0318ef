// NodeHub: the node link: listening, each node's opening line (hello, token, outputs), the hand-
// over to Qt Remote Objects, and liveness (the heartbeat both ways, silence, a lost link). The
// published properties (wall state, layout, starts, trims, anchors) are in nodehub.cpp.
#include "nodes/nodehub.h"

#include "nodes/linktls.h"
#include "nodes/nodehub_source.h"
#include "nodes/nodeprotocol.h"

#include <QHostAddress>
#include <QSslServer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>
#include <QtRemoteObjects/qconnectionfactories.h>

#include <algorithm>
#include <utility>

namespace opswall::nodes {

namespace {
QString peerOf(const QTcpSocket *s) {
    return QStringLiteral("%1:%2").arg(s->peerAddress().toString()).arg(s->peerPort());
}
constexpr int kHelloTimeoutMs = 5000;
constexpr int kSocketGraceMs = 2000;
} // namespace

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
    // What Qt Remote Objects does on this thread with what the link brought (decoding, the slots,
    // encoding and writing their answers) runs within the socket's readyRead, between these two:
    // timed when it answered a seriesOf (seriesOf's log).
    connect(socket, &QTcpSocket::readyRead, this, [this] {
        m_linkRead.start();
        m_seriesAnswers.clear();
    });
    m_host.addHostSideConnection(socket);
    connect(socket, &QTcpSocket::readyRead, this, [this] { seriesRead(); });
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

} // namespace opswall::nodes
