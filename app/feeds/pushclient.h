#pragma once
// What the push sources' clients (SseClient, WebSocketClient) share around their transport: start
// and stop, the connected flag, an idle bound (a silent stream is dropped), and reconnects through
// the BackoffPolicy. A subclass opens and drops its transport and reports what it sees.

#include "feeds/backoff.h"

#include <QObject>
#include <QString>
#include <QTimer>

namespace opswall::feeds {

class PushClient : public QObject {
    Q_OBJECT
public:
    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    void setIdleTimeoutMs(int ms) { m_idle.setInterval(ms); }

Q_SIGNALS:
    void connectedChanged(bool connected);
    void failed(const QString &error); // the stream broke; a reconnect is scheduled

protected:
    // idleWhat: what did not come, for the message when the idle bound runs out.
    PushClient(int idleTimeoutMs, QString idleWhat, QObject *parent);

    enum class Drop { Invalid = 0, Stopping, Broken }; // Broken: we may be inside its signal
    virtual void open() = 0;                           // called while running
    virtual void dropTransport(Drop why) = 0;
    virtual int serverRetryMs() const { return 0; } // the server's own reconnection delay, if any

    bool isRunning() const { return m_running; }
    void restartIdle() { m_idle.start(); }
    void onConnected();
    void onBroken(const QString &error);

private:
    void disconnectNow(Drop why);

    QString m_idleWhat;
    BackoffPolicy m_policy;
    BackoffState m_state;
    QTimer m_reconnect;
    QTimer m_idle;
    bool m_running = false;
    bool m_connected = false;
};

} // namespace opswall::feeds
