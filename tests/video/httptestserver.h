#pragma once
// A small HTTP/1.1 server on 127.0.0.1 for the HLS and HTTP video tests, run on the test's own
// event loop: files from a folder (an HLS playlist and its segments as hlssink2 writes them), and
// "live" paths whose body is the standard output of a producer process, fanned out to every
// client until it disconnects (a progressive MPEG-TS stream). stop() is the server dying: the
// listening socket closes and every connection is aborted; listen(port()) brings it back.
//
//   GET /index.m3u8  → 200, Content-Length, the file, close      (HLS)
//   GET /live.ts     → 200, no length, producer bytes until close (progressive HTTP)
//   anything else    → 404

#include <QDir>
#include <QFile>
#include <QHash>
#include <QPointer>
#include <QProcess>
#include <QTcpServer>
#include <QTcpSocket>

namespace opswall::video::test {

class HttpTestServer : public QObject {
public:
    explicit HttpTestServer(QObject *parent = nullptr)
        : QObject(parent) {
        connect(&m_server, &QTcpServer::newConnection, this, &HttpTestServer::accept);
    }
    ~HttpTestServer() override { stop(); }

    void setRoot(const QString &folder) { m_root = folder; }
    // The producer's stdout becomes the body of `path`; it is read for as long as it runs.
    void addLivePath(const QString &path, QProcess *producer) {
        m_live.insert(path, producer);
        connect(producer, &QProcess::readyReadStandardOutput, this,
                [this, path, producer] { fanOut(path, producer->readAllStandardOutput()); });
    }

    bool listen(quint16 port = 0) {
        if (!m_server.listen(QHostAddress::LocalHost, port))
            return false;
        m_port = m_server.serverPort();
        return true;
    }
    void stop() {
        m_server.close();
        const auto clients = m_clients.keys();
        for (QTcpSocket *socket : clients)
            socket->abort(); // emits disconnected: removed from m_clients there
        m_clients.clear();
    }
    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_port; }
    QString url(const QString &path) const {
        return QStringLiteral("http://127.0.0.1:%1%2").arg(m_port).arg(path);
    }
    int requests() const { return m_requests; }

private:
    struct Client {
        QByteArray request;
        QString livePath; // set once the client streams a live path
    };

    void accept() {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            m_clients.insert(socket, {});
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { read(socket); });
            connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
                m_clients.remove(socket);
                socket->deleteLater();
            });
        }
    }

    void read(QTcpSocket *socket) {
        auto it = m_clients.find(socket);
        if (it == m_clients.end() || !it->livePath.isEmpty())
            return;
        it->request += socket->readAll();
        const qsizetype end = it->request.indexOf("\r\n\r\n");
        if (end < 0)
            return;
        const QList<QByteArray> line = it->request.left(it->request.indexOf("\r\n")).split(' ');
        it->request.clear();
        ++m_requests;
        if (line.size() < 3 || line.at(0) != "GET") {
            reply(socket, "405 Method Not Allowed", "text/plain", "GET only\n");
            return;
        }
        const QString path = QString::fromUtf8(line.at(1).split('?').first());
        if (m_live.contains(path)) {
            it->livePath = path;
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: video/mp2t\r\n"
                          "Cache-Control: no-cache\r\nConnection: close\r\n\r\n");
            return;
        }
        const QString name = QDir::cleanPath(path);
        QFile file(m_root + name);
        if (m_root.isEmpty() || name.contains(QLatin1String("..")) ||
            !file.open(QIODevice::ReadOnly)) {
            reply(socket, "404 Not Found", "text/plain", "not found\n");
            return;
        }
        const QByteArray type = name.endsWith(QLatin1String(".m3u8"))
                                    ? QByteArrayLiteral("application/vnd.apple.mpegurl")
                                    : QByteArrayLiteral("video/mp2t");
        reply(socket, "200 OK", type, file.readAll());
    }

    static void reply(QTcpSocket *socket, const QByteArray &status, const QByteArray &type,
                      const QByteArray &body) {
        socket->write("HTTP/1.1 " + status + "\r\nContent-Type: " + type +
                      "\r\nContent-Length: " + QByteArray::number(body.size()) +
                      "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n" + body);
        socket->disconnectFromHost(); // after the pending bytes are written
    }

    void fanOut(const QString &path, const QByteArray &bytes) {
        for (auto it = m_clients.begin(); it != m_clients.end(); ++it) {
            if (it.key() && it->livePath == path)
                it.key()->write(bytes);
        }
    }

    QTcpServer m_server;
    QString m_root;
    QHash<QString, QPointer<QProcess>> m_live;
    QHash<QTcpSocket *, Client> m_clients;
    quint16 m_port = 0;
    int m_requests = 0;
};

} // namespace opswall::video::test
