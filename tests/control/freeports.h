#pragma once
// Free loopback ports for tests that start a wall process on them (never a fixed port).
//
// A port the kernel hands out for port 0 comes from the ephemeral range, which every outgoing
// connection on the machine draws from too: between the moment a test learns the port and the
// moment the wall binds it, any client socket (a feed fetch, a wallctl call, another test) may take
// it, and the wall stops with "Address already in use" (CI saw this). So the ports are drawn at
// random below the ephemeral range, where nothing is allocated behind our back, and checked free.

#include <QFile>
#include <QHostAddress>
#include <QRandomGenerator>
#include <QTcpServer>
#include <QUdpSocket>

namespace testports {

namespace detail {

// The lowest ephemeral port (Linux: /proc/sys/net/ipv4/ip_local_port_range, 32768 by default).
inline int ephemeralLow() {
    QFile f(QStringLiteral("/proc/sys/net/ipv4/ip_local_port_range"));
    if (f.open(QIODevice::ReadOnly)) {
        bool ok = false;
        const int low =
            QString::fromLatin1(f.readAll()).simplified().section(u' ', 0, 0).toInt(&ok);
        if (ok && low > 0)
            return low;
    }
    return 32768;
}

// A random port in [10000, ephemeral low - 2], or 0 where that range is too small to draw from.
inline quint16 candidate() {
    const int high = ephemeralLow() - 2;
    if (high - 10000 < 1000)
        return 0;
    return quint16(QRandomGenerator::global()->bounded(10000, high + 1));
}

// True when TCP and UDP on 127.0.0.1:port are both free now (the wall's node clock uses UDP).
inline bool isFree(quint16 port) {
    QTcpServer tcp;
    QUdpSocket udp;
    return tcp.listen(QHostAddress::LocalHost, port) &&
           udp.bind(QHostAddress::LocalHost, port, QAbstractSocket::DontShareAddress);
}

inline quint16 kernelPort() {
    QTcpServer s;
    s.listen(QHostAddress::LocalHost, 0);
    return s.serverPort();
}

} // namespace detail

inline quint16 freePort() {
    for (int attempt = 0; attempt < 200; ++attempt) {
        const quint16 port = detail::candidate();
        if (port == 0)
            break;
        if (detail::isFree(port))
            return port;
    }
    return detail::kernelPort();
}

// A port free for UDP (and TCP) now: a listener the test gives to a child process (OSC, SRT).
inline quint16 freeUdpPort() {
    return freePort();
}

// A free port whose next port is free too: the wall puts its line protocol on the API's port + 1.
inline quint16 freePortPair() {
    for (int attempt = 0; attempt < 200; ++attempt) {
        const quint16 port = detail::candidate();
        if (port == 0)
            break;
        if (detail::isFree(port) && detail::isFree(quint16(port + 1)))
            return port;
    }
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
