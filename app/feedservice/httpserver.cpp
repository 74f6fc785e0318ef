#include "feedservice/httpserver.h"

#include <QDateTime>
#include <QLocale>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QWebSocket>
#include <QWebSocketServer>

#include <zlib.h>

namespace opswall::feedservice {

namespace {
constexpr qsizetype kMaxRequestHead = 16 * 1024;

QByteArray reasonPhrase(int status) {
    switch (status) {
    case 200:
        return "OK";
    case 304:
        return "Not Modified";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 429:
        return "Too Many Requests";
    case 500:
        return "Internal Server Error";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    default:
        return "Status";
    }
}
} // namespace

void HttpResponse::setHeader(const QByteArray &name, const QByteArray &value) {
    for (auto &h : headers)
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            h.second = value;
            return;
        }
    headers.append({name, value});
}

HttpResponse HttpResponse::text(int status, const QByteArray &body) {
    HttpResponse r;
    r.status = status;
    r.body = body;
    r.setHeader("Content-Type", "text/plain; charset=utf-8");
    return r;
}

QByteArray httpDate(const QDateTime &t) {
    return QLocale::c()
               .toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy hh:mm:ss"))
               .toLatin1() +
           " GMT";
}

QByteArray gzipCompress(const QByteArray &data) {
    z_stream zs{};
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
        Z_OK)
        return {};
    QByteArray out;
    out.resize(qsizetype(deflateBound(&zs, uLong(data.size()))) + 32);
    zs.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.constData()));
    zs.avail_in = uInt(data.size());
    zs.next_out = reinterpret_cast<Bytef *>(out.data());
    zs.avail_out = uInt(out.size());
    const int rc = deflate(&zs, Z_FINISH);
    const qsizetype produced = qsizetype(zs.total_out);
    deflateEnd(&zs);
    if (rc != Z_STREAM_END)
        return {};
    out.resize(produced);
    return out;
}

HttpServer::HttpServer(HttpHandler handler, QObject *parent)
    : QObject(parent)
    , m_handler(std::move(handler))
    , m_server(new QTcpServer(this)) {
    connect(m_server, &QTcpServer::newConnection, this, &HttpServer::onConnection);
}

HttpServer::~HttpServer() = default;

bool HttpServer::listen(const QHostAddress &address, quint16 port) {
    return m_server->listen(address, port);
}

quint16 HttpServer::port() const {
    return m_server->serverPort();
}

QString HttpServer::errorString() const {
    return m_server->errorString();
}

void HttpServer::onConnection() {
    while (QTcpSocket *s = m_server->nextPendingConnection()) {
        s->setParent(this);
        connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadable(s); });
        connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        // A client that never finishes its request head is dropped.
        QTimer::singleShot(30000, s, [s] {
            if (!s->property("answered").toBool())
                s->abort();
        });
    }
}

void HttpServer::onReadable(QTcpSocket *s) {
    if (s->property("answered").toBool()) {
        s->readAll();
        return;
    }
    // Peek rather than read: a WebSocket upgrade hands the untouched bytes to QWebSocketServer.
    const QByteArray buf = s->peek(kMaxRequestHead + 1);
    const qsizetype end = buf.indexOf("\r\n\r\n");
    if (end < 0) {
        if (buf.size() > kMaxRequestHead) {
            s->setProperty("answered", true);
            s->readAll();
            s->write("HTTP/1.1 431 Request Header Fields Too Large\r\nConnection: "
                     "close\r\nContent-Length: 0\r\n\r\n");
            s->disconnectFromHost();
        }
        return;
    }
    s->setProperty("answered", true);
    const QList<QByteArray> lines = buf.left(end).split('\n');
    const QList<QByteArray> first = lines.value(0).trimmed().split(' ');
    HttpRequest req;
    if (first.size() != 3 || !first[2].startsWith("HTTP/1.")) {
        respond(s, req, HttpResponse::text(400, "bad request line\n"));
        return;
    }
    req.method = first[0];
    const QByteArray target = first[1];
    const qsizetype q = target.indexOf('?');
    req.path = QUrl::fromPercentEncoding(q < 0 ? target : target.left(q));
    if (q >= 0)
        req.query = QUrlQuery(QString::fromUtf8(target.mid(q + 1)));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray l = lines[i].trimmed();
        const qsizetype c = l.indexOf(':');
        if (c > 0)
            req.headers.insert(l.left(c).trimmed().toLower(), l.mid(c + 1).trimmed());
    }
    if (m_ws && req.header("upgrade").toLower() == "websocket" &&
        req.path.startsWith(QLatin1String("/live/"))) {
        s->disconnect(); // ours: readyRead, disconnected -> deleteLater
        s->setParent(nullptr);
        s->setProperty("wsChannel", req.path.mid(6).toUtf8());
        m_ws->handleConnection(s); // takes ownership of the socket
        return;
    }
    s->read(end + 4);
    if (req.method != "GET" && req.method != "HEAD") {
        respond(s, req, HttpResponse::text(405, "only GET and HEAD\n"));
        return;
    }
    respond(s, req, m_handler(req));
}

void HttpServer::respond(QTcpSocket *s, const HttpRequest &req, HttpResponse resp) {
    if (resp.stall)
        return; // the socket stays open, silent, until the client gives up
    QByteArray head =
        "HTTP/1.1 " + QByteArray::number(resp.status) + ' ' + reasonPhrase(resp.status) + "\r\n";
    for (const auto &h : resp.headers)
        head += h.first + ": " + h.second + "\r\n";
    head += "Date: " + httpDate(QDateTime::currentDateTimeUtc()) +
            "\r\nServer: opswall-feedservice\r\n";
    if (!resp.sseChannel.isEmpty()) {
        head += "Cache-Control: no-cache\r\nConnection: close\r\n\r\n";
        s->write(head);
        s->write(resp.body); // initial events (retry:, the current value)
        m_channels[resp.sseChannel].append(QPointer<QTcpSocket>(s));
        return;
    }
    head +=
        "Content-Length: " + QByteArray::number(resp.body.size()) + "\r\nConnection: close\r\n\r\n";
    s->write(head);
    QByteArray body = req.method == "HEAD" || resp.status == 304 ? QByteArray() : resp.body;
    if (resp.truncateAt >= 0) {
        s->write(body.left(resp.truncateAt));
        s->flush();
        s->disconnectFromHost();
        return;
    }
    if (resp.dripBytes > 0 && resp.dripIntervalMs > 0) {
        auto *timer = new QTimer(s);
        auto offset = std::make_shared<qsizetype>(0);
        connect(timer, &QTimer::timeout, s, [s, timer, body, offset, n = resp.dripBytes] {
            s->write(body.mid(*offset, n));
            *offset += n;
            if (*offset >= body.size()) {
                timer->stop();
                s->disconnectFromHost();
            }
        });
        timer->start(resp.dripIntervalMs);
        return;
    }
    s->write(body);
    s->disconnectFromHost();
}

void HttpServer::publish(const QByteArray &channel, const QByteArray &chunk) {
    auto &subs = m_channels[channel];
    subs.removeIf([](const QPointer<QTcpSocket> &p) {
        return !p || p->state() != QAbstractSocket::ConnectedState;
    });
    for (const auto &p : subs)
        p->write(chunk);
}

void HttpServer::enableWebSockets() {
    if (m_ws)
        return;
    m_ws = new QWebSocketServer(QStringLiteral("opswall-feedservice"),
                                QWebSocketServer::NonSecureMode, this);
    connect(m_ws, &QWebSocketServer::newConnection, this, [this] {
        while (QWebSocket *ws = m_ws->nextPendingConnection()) {
            ws->setParent(this);
            const QByteArray channel = ws->requestUrl().path().mid(6).toUtf8();
            m_wsChannels[channel].append(QPointer<QWebSocket>(ws));
            connect(ws, &QWebSocket::disconnected, ws, &QObject::deleteLater);
            Q_EMIT webSocketJoined(channel, ws);
        }
    });
}

void HttpServer::publishText(const QByteArray &channel, const QString &text) {
    auto &subs = m_wsChannels[channel];
    subs.removeIf([](const QPointer<QWebSocket> &p) {
        return !p || p->state() != QAbstractSocket::ConnectedState;
    });
    for (const auto &p : subs)
        p->sendTextMessage(text);
}

int HttpServer::webSocketCount(const QByteArray &channel) const {
    int n = 0;
    for (const auto &p : m_wsChannels.value(channel))
        if (p && p->state() == QAbstractSocket::ConnectedState)
            ++n;
    return n;
}

int HttpServer::subscriberCount(const QByteArray &channel) const {
    int n = 0;
    for (const auto &p : m_channels.value(channel))
        if (p && p->state() == QAbstractSocket::ConnectedState)
            ++n;
    return n;
}

} // namespace opswall::feedservice
