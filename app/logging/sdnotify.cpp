#include "logging/sdnotify.h"

#include <QtGlobal>

#include <algorithm>
#include <cstring>

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace opswall::logging {

NotifyEnvironment takeNotifyEnvironment(bool unset) {
    NotifyEnvironment env;
    env.socket = qgetenv("NOTIFY_SOCKET");
    const QByteArray usec = qgetenv("WATCHDOG_USEC");
    const QByteArray pid = qgetenv("WATCHDOG_PID");
    bool pidOk = true;
    if (!pid.isEmpty()) {
        bool ok = false;
        const qlonglong p = pid.toLongLong(&ok);
        pidOk = ok && p == qlonglong(::getpid());
    }
    bool ok = false;
    const qulonglong us = usec.toULongLong(&ok);
    if (pidOk && ok && us > 0)
        env.watchdog = std::chrono::microseconds(us);
    if (unset) {
        qunsetenv("NOTIFY_SOCKET");
        qunsetenv("WATCHDOG_USEC");
        qunsetenv("WATCHDOG_PID");
    }
    return env;
}

std::chrono::milliseconds watchdogPingInterval(std::chrono::microseconds watchdog) {
    const auto half = std::chrono::duration_cast<std::chrono::milliseconds>(watchdog / 2);
    return std::max(half, std::chrono::milliseconds(10));
}

QByteArray statusMessage(const QByteArray &text) {
    QByteArray line = text.left(512);
    line.replace('\n', ' ');
    return QByteArrayLiteral("STATUS=") + line;
}

SystemdNotifier::SystemdNotifier(QByteArray socket) {
    if (socket.isEmpty())
        return;
    sockaddr_un addr = {};
    addr.sun_family = AF_UNIX;
    // "@name": the abstract namespace (a leading NUL byte), as systemd documents.
    const bool abstract = socket.startsWith('@');
    if (std::size_t(socket.size()) >= sizeof(addr.sun_path) ||
        !(abstract || socket.startsWith('/')))
        return;
    std::memcpy(addr.sun_path, socket.constData(), std::size_t(socket.size()));
    if (abstract)
        addr.sun_path[0] = '\0';
    const auto length = socklen_t(offsetof(sockaddr_un, sun_path) + std::size_t(socket.size()) +
                                  (abstract ? 0 : 1));
    m_address = QByteArray(reinterpret_cast<const char *>(&addr), int(length));
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
}

SystemdNotifier::~SystemdNotifier() {
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SystemdNotifier::send(const QByteArray &message) const {
    if (m_fd < 0)
        return false;
    const ssize_t n = ::sendto(m_fd, message.constData(), std::size_t(message.size()), MSG_NOSIGNAL,
                               reinterpret_cast<const sockaddr *>(m_address.constData()),
                               socklen_t(m_address.size()));
    return n == message.size();
}

} // namespace opswall::logging
