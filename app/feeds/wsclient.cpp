#include "feeds/wsclient.h"

#include <QNetworkRequest>
#include <QRandomGenerator>
#include <QWebSocket>

namespace opswall::feeds {

WebSocketClient::WebSocketClient(const QUrl &url, QMap<QByteArray, QByteArray> headers,
                                 QObject *parent)
    : QObject(parent)
    , m_url(url)
    , m_headers(std::move(headers))
    , m_policy(BackoffConfig{60 * 1000, 1000, 60 * 1000, 2.0, 0.2}) {
    m_reconnect.setSingleShot(true);
    connect(&m_reconnect, &QTimer::timeout, this, &WebSocketClient::open);
    m_idle.setSingleShot(true);
    m_idle.setInterval(150 * 1000);
    connect(&m_idle, &QTimer::timeout, this, [this] {
        onBroken(QStringLiteral("no message for %1 s").arg(m_idle.interval() / 1000));
    });
}

WebSocketClient::~WebSocketClient() {
    stop();
}

void WebSocketClient::start() {
    m_running = true;
    open();
}

void WebSocketClient::stop() {
    m_running = false;
    m_reconnect.stop();
    m_idle.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket.reset();
    }
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
}

void WebSocketClient::open() {
    if (!m_running)
        return;
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setMaxAllowedIncomingMessageSize(64 * 1024);
    m_socket->setMaxAllowedIncomingFrameSize(64 * 1024);
    connect(m_socket.get(), &QWebSocket::connected, this, [this] {
        m_connected = true;
        m_state = {};
        m_idle.start();
        Q_EMIT connectedChanged(true);
    });
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_idle.start();
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
    m_idle.start(); // also bounds the opening handshake
    m_socket->open(req);
}

void WebSocketClient::onBroken(const QString &error) {
    m_idle.stop();
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket.release()->deleteLater(); // we may be inside one of its signals
    }
    if (m_connected) {
        m_connected = false;
        Q_EMIT connectedChanged(false);
    }
    Q_EMIT failed(error);
    if (!m_running)
        return;
    const BackoffDecision d = m_policy.decide(FetchEvent::TransientFailure, m_state,
                                              QRandomGenerator::global()->generateDouble());
    m_state = d.next;
    m_reconnect.start(d.delayMs);
}

} // namespace opswall::feeds
