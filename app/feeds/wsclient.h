#pragma once
// A WebSocket push source (QWebSocket): one text message per value, the same JSON as the SSE
// data lines; reconnects through the BackoffPolicy; a silent socket is dropped after an idle bound.

#include "feeds/pushclient.h"

#include <QMap>
#include <QUrl>

#include <memory>

class QWebSocket;

namespace opswall::feeds {

class WebSocketClient : public PushClient {
    Q_OBJECT
public:
    WebSocketClient(const QUrl &url, QMap<QByteArray, QByteArray> headers,
                    QObject *parent = nullptr);
    ~WebSocketClient() override;

Q_SIGNALS:
    void message(const QString &text);

private:
    void open() override;
    void dropTransport(Drop why) override;

    QUrl m_url;
    QMap<QByteArray, QByteArray> m_headers;
    std::unique_ptr<QWebSocket> m_socket;
};

} // namespace opswall::feeds
