#pragma once
// systemd's service notification protocol (sd_notify(3)) without libsystemd: one datagram of
// "KEY=VALUE\n" lines to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or "@name" for the
// abstract namespace). Like the journal writer beside it, it is a small documented format, and
// writing it ourselves lets a test own the socket and read every datagram the wall sends.
//
// The wall uses it for Type=notify (READY=1 once the windows are up), STATUS= (the line
// `systemctl status opswall` shows: "wall running, 12 displays, 3 streams"), STOPPING=1, and the
// watchdog: WATCHDOG=1 from a timer on the GUI thread, so a GUI thread that stops turning its
// event loop stops the pings and systemd restarts the wall after WatchdogSec=, while a busy GUI
// thread that still returns to its loop keeps pinging.

#include <QByteArray>

#include <chrono>
#include <optional>

namespace opswall::logging {

// What the environment asks for, read once (and removed from it, so the wall's child processes
// do not inherit the socket: systemd would refuse their messages anyway under NotifyAccess=main).
struct NotifyEnvironment {
    QByteArray socket; // $NOTIFY_SOCKET; empty: not under a notify service
    // $WATCHDOG_USEC, when $WATCHDOG_PID is unset or names this process; empty: no watchdog.
    std::optional<std::chrono::microseconds> watchdog;
};

// Reads (and with unset = true clears) NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. A malformed
// or zero WATCHDOG_USEC means no watchdog, as in sd_watchdog_enabled(3).
NotifyEnvironment takeNotifyEnvironment(bool unset = true);

// How often to ping for a watchdog interval: half of it, as sd_watchdog_enabled(3) advises, and
// at least every 10 ms.
std::chrono::milliseconds watchdogPingInterval(std::chrono::microseconds watchdog);

// "STATUS=" with the text made safe for the protocol: one line, at most 512 bytes.
QByteArray statusMessage(const QByteArray &text);

class SystemdNotifier {
public:
    explicit SystemdNotifier(QByteArray socket);
    ~SystemdNotifier();
    SystemdNotifier(const SystemdNotifier &) = delete;
    SystemdNotifier &operator=(const SystemdNotifier &) = delete;

    // True when there is a socket to talk to.
    bool enabled() const { return m_fd >= 0; }
    // Sends one datagram ("READY=1\nSTATUS=..."). Never blocks; false when not enabled or the
    // socket refused it (systemd gone, a full queue).
    bool send(const QByteArray &message) const;

private:
    int m_fd = -1;
    QByteArray m_address; // the sockaddr_un bytes
};

} // namespace opswall::logging
