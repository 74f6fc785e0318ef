#include "feeds/wsclient.h"

#include <QNetworkRequest>
#include <QWebSocket>

namespace opswall::feeds {

WebSocketClient::WebSocketClient(const QUrl &url, QMap<QByteArray, QByteArray> headers,
                                 QObject *parent)
    : PushClient(150 * 1000, QStringLiteral("no message"), parent)
    , m_url(url)
    , m_headers(std::move(headers)) {}

WebSocketClient::~WebSocketClient() {
    stop();
}

void WebSocketClient::open() {
    if (!isRunning())
        return;
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setMaxAllowedIncomingMessageSize(64 * 1024);
    m_socket->setMaxAllowedIncomingFrameSize(64 * 1024);
    connect(m_socket.get(), &QWebSocket::connected, this, [this] {
        restartIdle();
        onConnected();
    });
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        restartIdle();
        Q_EMIT message(text);
    });
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] {
        onBroken(m_socket && m_socket->error() != QAbstractSocket::UnknownSocketError
                     ? m_socket->errorString()
                     : QStringLiteral("server closed the WebSocket"));
    });
    QNetworkRequest req(m_url);
    for (auto it = m_headers.begin(); it != m_headers.end(); ++it)
        req.setRawHeader(it.key(), it.value());
    restartIdle(); // also bounds the opening handshake
    m_socket->open(req);
}

void WebSocketClient::dropTransport(Drop why) {
    if (!m_socket)
        return;
    m_socket->disconnect(this);
    m_socket->abort();
    if (why == Drop::Broken)
        m_socket.release()->deleteLater(); // we may be inside one of its signals
    else
        m_socket.reset();
}

} // namespace opswall::feeds
