#pragma once
// A WebSocket push source (QWebSocket): one text message per value, the same JSON as the SSE
// data lines; reconnects through the BackoffPolicy; a silent socket is dropped after an idle bound.

#include "feeds/backoff.h"

#include <QMap>
#include <QObject>
#include <QTimer>
#include <QUrl>

#include <memory>

class QWebSocket;

namespace opswall::feeds {

class WebSocketClient : public QObject {
    Q_OBJECT
public:
    WebSocketClient(const QUrl &url, QMap<QByteArray, QByteArray> headers,
                    QObject *parent = nullptr);
    ~WebSocketClient() override;
    void start();
    void stop();
    bool isConnected() const { return m_connected; }
    void setIdleTimeoutMs(int ms) { m_idle.setInterval(ms); }

Q_SIGNALS:
    void message(const QString &text);
    void connectedChanged(bool connected);
    void failed(const QString &error);

private:
    void open();
    void onBroken(const QString &error);

    QUrl m_url;
    QMap<QByteArray, QByteArray> m_headers;
    std::unique_ptr<QWebSocket> m_socket;
    BackoffPolicy m_policy;
    BackoffState m_state;
    QTimer m_reconnect;
    QTimer m_idle;
    bool m_running = false;
    bool m_connected = false;
};

} // namespace opswall::feeds
