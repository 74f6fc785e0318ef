#pragma once
// The standby link's client sockets (the standby's, the fencing probe's) are opened the same way
// (TLS trusting caFile when it is given), and every socket of the link is let go the same way: no
// more signals to owner, aborted, deleted from the event loop (a slot of it may be running), and
// forgotten.

#include "nodes/linktls.h"

#include <QSslSocket>
#include <QTcpSocket>

#include <functional>

namespace opswall::nodes::standby {

// Connects to host:port; ready runs once the socket can speak (connected, or encrypted).
inline QTcpSocket *openSocket(QObject *owner, const QString &host, quint16 port,
                              const QString &caFile, const std::function<void()> &ready) {
    auto *s = new QSslSocket(owner);
    if (caFile.isEmpty()) {
        QObject::connect(s, &QSslSocket::connected, owner, ready);
        s->connectToHost(host, port);
    } else {
        s->setSslConfiguration(clientTls(caFile));
        QObject::connect(s, &QSslSocket::encrypted, owner, ready);
        s->connectToHostEncrypted(host, port);
    }
    return s;
}

inline void dropSocket(QTcpSocket *&socket, QObject *owner) {
    if (!socket)
        return;
    socket->disconnect(owner);
    socket->abort();
    socket->deleteLater();
    socket = nullptr;
}

} // namespace opswall::nodes::standby
