#pragma once
// A socket the test owns in place of systemd's NOTIFY_SOCKET: it binds an AF_UNIX datagram socket
// in a folder of the test's and keeps every datagram the service sends, with the time it came.
#include <QByteArray>
#include <QElapsedTimer>
#include <QList>
#include <QString>
#include <QTest>

#include <cstring>

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace servicetest {

struct Datagram {
    qint64 atMs; // since the reader was made
    QByteArray text;
};

class NotifyReader {
public:
    explicit NotifyReader(const QString &path)
        : m_path(path.toLocal8Bit()) {
        m_clock.start();
        m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr = {};
        addr.sun_family = AF_UNIX;
        if (m_fd < 0 || std::size_t(m_path.size()) >= sizeof(addr.sun_path))
            return;
        std::memcpy(addr.sun_path, m_path.constData(), std::size_t(m_path.size()));
        m_bound = ::bind(m_fd, reinterpret_cast<const sockaddr *>(&addr), sizeof(addr)) == 0;
    }
    ~NotifyReader() {
        if (m_fd >= 0)
            ::close(m_fd);
        ::unlink(m_path.constData());
    }
    NotifyReader(const NotifyReader &) = delete;
    NotifyReader &operator=(const NotifyReader &) = delete;

    bool bound() const { return m_bound; }
    QByteArray path() const { return m_path; }

    // Reads what has come, waiting up to waitMs for the first datagram (Qt events keep running).
    void pump(int waitMs = 0) {
        QElapsedTimer t;
        t.start();
        do {
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, 20) > 0) {
                char buf[4096];
                for (;;) {
                    const ssize_t n = ::recv(m_fd, buf, sizeof(buf), 0);
                    if (n <= 0)
                        break;
                    m_got.append({m_clock.elapsed(), QByteArray(buf, int(n))});
                }
            }
            QCoreApplication::processEvents();
        } while (t.elapsed() < waitMs);
    }

    // Waits until a datagram has a line starting with `prefix`; returns that line, empty on
    // timeout.
    QByteArray waitForLine(const QByteArray &prefix, int timeoutMs, qsizetype from = 0) {
        QElapsedTimer t;
        t.start();
        for (;;) {
            for (qsizetype i = from; i < m_got.size(); ++i)
                for (const QByteArray &line : m_got[i].text.split('\n'))
                    if (line.startsWith(prefix))
                        return line;
            if (t.elapsed() > timeoutMs)
                return {};
            pump(50);
        }
    }

    // The times (ms) of the WATCHDOG=1 pings received in [fromMs, toMs).
    QList<qint64> pings(qint64 fromMs, qint64 toMs) const {
        QList<qint64> at;
        for (const Datagram &d : m_got)
            if (d.atMs >= fromMs && d.atMs < toMs && d.text.split('\n').contains("WATCHDOG=1"))
                at.append(d.atMs);
        return at;
    }

    qint64 now() const { return m_clock.elapsed(); }
    const QList<Datagram> &all() const { return m_got; }

private:
    QByteArray m_path;
    int m_fd = -1;
    bool m_bound = false;
    QElapsedTimer m_clock;
    QList<Datagram> m_got;
};

} // namespace servicetest
