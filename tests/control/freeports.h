#pragma once
// Free loopback ports for tests that start a wall process on them (never a fixed port).

#include <QHostAddress>
#include <QTcpServer>

namespace testports {

inline quint16 freePort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

// A free port whose next port is free too: the wall puts its line protocol on the API's port + 1.
inline quint16 freePortPair() {
    for (int attempt = 0; attempt < 50; ++attempt) {
        QTcpServer api;
        QTcpServer line;
        if (api.listen(QHostAddress::LocalHost, 0) && api.serverPort() < 65535 &&
            line.listen(QHostAddress::LocalHost, quint16(api.serverPort() + 1)))
            return api.serverPort();
    }
    return 0;
}

} // namespace testports
