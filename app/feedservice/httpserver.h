#pragma once
// A minimal HTTP/1.1 server on QTcpServer for the demo feed service and for tests: GET/HEAD, one
// request per connection (Connection: close), bounded request head, Server-Sent Events channels,
// and response shaping used by fault tests (slow drip, truncation, stall).

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QObject>
#include <QPair>
#include <QPointer>
#include <QUrlQuery>

#include <functional>

class QTcpServer;
class QTcpSocket;
class QWebSocket;
class QWebSocketServer;

namespace opswall::feedservice {

struct HttpRequest {
    QByteArray method;
    QString path; // decoded, without the query
    QUrlQuery query;
    QMap<QByteArray, QByteArray> headers; // names in lower case
    QByteArray header(const QByteArray &name) const { return headers.value(name.toLower()); }
};

struct HttpResponse {
    int status = 200;
    QList<QPair<QByteArray, QByteArray>> headers;
    QByteArray body;
    // Shaping for fault tests:
    int dripBytes = 0;      // send the body this many bytes at a time ...
    int dripIntervalMs = 0; // ... every this many ms
    qint64 truncateAt = -1; // announce the full length, close after this many body bytes
    bool stall = false;     // accept the request, never answer
    QByteArray sseChannel;  // keep the connection open as an event stream on this channel

    void setHeader(const QByteArray &name, const QByteArray &value);
    static HttpResponse text(int status, const QByteArray &body);
};

using HttpHandler = std::function<HttpResponse(const HttpRequest &)>;

class HttpServer : public QObject {
    Q_OBJECT
public:
    explicit HttpServer(HttpHandler handler, QObject *parent = nullptr);
    ~HttpServer() override;
    bool listen(const QHostAddress &address, quint16 port);
    quint16 port() const;
    QString errorString() const;
    // Sends one event-stream chunk ("event: ...\ndata: ...\n\n") to every subscriber of a channel.
    void publish(const QByteArray &channel, const QByteArray &chunk);
    int subscriberCount(const QByteArray &channel) const;
    // WebSocket upgrades on /live/<channel> join that channel; publishText sends one text message
    // to each of them.
    void enableWebSockets();
    void publishText(const QByteArray &channel, const QString &text);
    int webSocketCount(const QByteArray &channel) const;

Q_SIGNALS:
    // A WebSocket client joined a channel (the service sends it the current value).
    void webSocketJoined(const QByteArray &channel, QWebSocket *socket);

private:
    void onConnection();
    void onReadable(QTcpSocket *socket);
    void respond(QTcpSocket *socket, const HttpRequest &req, HttpResponse resp);

    HttpHandler m_handler;
    QTcpServer *m_server;
    QMap<QByteArray, QList<QPointer<QTcpSocket>>> m_channels;
    QWebSocketServer *m_ws = nullptr;
    QMap<QByteArray, QList<QPointer<QWebSocket>>> m_wsChannels;
};

QByteArray httpDate(const QDateTime &t);
QByteArray gzipCompress(const QByteArray &data);

} // namespace opswall::feedservice
