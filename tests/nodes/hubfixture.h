// A node hub and its clients in one process, over real loopback sockets (tst_nodes_protocol,
// tst_nodes_link): a two-output wall, a hub that takes the token "good", clients of it, and a node
// that speaks nodewall.rep itself over a raw link.
#pragma once

#include "nodes/nodeclient.h"
#include "nodes/nodehub.h"
#include "nodes/nodeprotocol.h"
#include "rep_nodewall_merged.h"
#include "wall/wallstate.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonObject>
#include <QRemoteObjectNode>
#include <QTcpSocket>
#include <QTest>

#include <memory>
#include <optional>

namespace hubtest {

using namespace opswall;
using namespace opswall::nodes;

inline wall::Wall twoOutputs() {
    wall::Wall w;
    w.name = QStringLiteral("t");
    for (int i = 0; i < 2; ++i) {
        wall::Output o;
        o.name = QStringLiteral("OUT-%1").arg(i);
        w.outputs.append(o);
    }
    return w;
}

inline wall::Layout layoutNamed(const QString &name, const QString &color) {
    wall::Layout l;
    l.name = name;
    wall::Tile t;
    t.id = QStringLiteral("c");
    t.kind = QStringLiteral("color");
    t.rectMm = QRectF(0, 0, 100, 100);
    t.binding = {{QStringLiteral("color"), color}};
    l.tiles.append(t);
    return l;
}

inline NodeAuthenticator acceptGood() {
    return [](const QString &token, QString *why) -> std::optional<QString> {
        if (token == QLatin1String("good"))
            return QStringLiteral("node-token");
        *why = QStringLiteral("unknown or revoked token");
        return std::nullopt;
    };
}

// A wall of two outputs showing the layout "first", and a hub over it that takes the token
// "good", listening on a free loopback port (hub is null, with a warning, when it cannot).
struct Controller {
    wall::WallState state{twoOutputs()};
    std::unique_ptr<NodeHub> hub;
    explicit Controller(NodeHubConfig config = {}) {
        state.setLayout(layoutNamed(QStringLiteral("first"), QStringLiteral("red")));
        hub = std::make_unique<NodeHub>(state, std::move(config), acceptGood());
        QString err;
        if (!hub->start(&err)) {
            qWarning("the hub does not start: %s", qPrintable(err));
            hub.reset();
        }
    }
    std::pair<wall::WallState &, NodeHub &> parts() { return {state, *hub}; }
};

inline NodeClientConfig clientOf(const NodeHub &hub, const QString &id, QList<int> outputs,
                                 const QString &token) {
    NodeClientConfig c;
    c.host = QStringLiteral("127.0.0.1");
    c.port = quint16(hub.address().section(QLatin1Char(':'), -1).toUInt());
    c.nodeId = id;
    c.outputs = std::move(outputs);
    c.token = token;
    return c;
}

// A node that speaks nodewall.rep itself over a raw link (a real node token), so that it can name
// another node in what it reports.
struct RawNode {
    QTcpSocket socket;
    QRemoteObjectNode ro;
    std::unique_ptr<NodeWallReplica> replica;
    QByteArray key; // its own link's key
    bool link(const NodeHub &hub, const QString &id, int output) {
        socket.connectToHost(QHostAddress::LocalHost, clientOf(hub, {}, {}, {}).port);
        if (!socket.waitForConnected(5000))
            return false;
        socket.write(helloLine({id, {output}, QStringLiteral("good")}));
        if (!QTest::qWaitFor([this] { return socket.canReadLine(); }, 5000))
            return false;
        QString why;
        if (!parseAnswer(socket.readLine(), &why, &key))
            return false;
        ro.addClientSideConnection(&socket);
        replica.reset(ro.acquire<NodeWallReplica>());
        return replica->waitForSource(5000);
    }
};

// The named node's entry in the hub's health.
inline QJsonObject healthOf(const NodeHub &hub, const QString &id) {
    for (const QJsonValue &n : hub.health())
        if (n[QLatin1String("id")].toString() == id)
            return n.toObject();
    return {};
}

} // namespace hubtest
