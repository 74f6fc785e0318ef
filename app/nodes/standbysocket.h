#pragma once
// The standby link's sockets are let go the same way on both sides: no more signals to owner,
// aborted, deleted from the event loop (a slot of it may be running), and forgotten.

#include <QTcpSocket>

namespace opswall::nodes::standby {

inline void dropSocket(QTcpSocket *&socket, QObject *owner) {
    if (!socket)
        return;
    socket->disconnect(owner);
    socket->abort();
    socket->deleteLater();
    socket = nullptr;
}

} // namespace opswall::nodes::standby
