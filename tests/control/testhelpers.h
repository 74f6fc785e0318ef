#pragma once
// Helpers shared by the control contract tests: raw HTTP and line-protocol exchanges that keep
// the event loop (the in-process server's GUI-thread side) running.

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>

inline QJsonObject jsonOf(const QByteArray &body) {
    return QJsonDocument::fromJson(body).object();
}

// Sends raw bytes and collects the answer until the server closes or waitMs passes, keeping the
// event loop (the server's GUI-thread side) running.
inline QByteArray rawExchange(quint16 port, const QByteArray &bytes, int waitMs = 3000,
                              qint64 *closedAfterMs = nullptr) {
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(2000))
        return "NO CONNECTION";
    QElapsedTimer t;
    t.start();
    s.write(bytes);
    s.flush();
    QByteArray got;
    while (t.elapsed() < waitMs && s.state() == QAbstractSocket::ConnectedState) {
        QCoreApplication::processEvents();
        s.waitForReadyRead(10);
        got += s.readAll();
    }
    got += s.readAll();
    if (closedAfterMs)
        *closedAfterMs = s.state() == QAbstractSocket::ConnectedState ? -1 : t.elapsed();
    return got;
}

inline int statusOf(const QByteArray &response) {
    if (!response.startsWith("HTTP/1.1 "))
        return 0;
    return response.mid(9, 3).toInt();
}

inline QJsonObject bodyOf(const QByteArray &response) {
    return jsonOf(response.mid(response.indexOf("\r\n\r\n") + 4));
}

inline QByteArray lineCommand(QTcpSocket &s, const QByteArray &cmd, int waitMs = 3000) {
    s.write(cmd + "\r\n");
    QElapsedTimer t;
    t.start();
    while (!s.canReadLine() && t.elapsed() < waitMs &&
           s.state() == QAbstractSocket::ConnectedState) {
        QCoreApplication::processEvents();
        s.waitForReadyRead(10);
    }
    return s.readLine().trimmed();
}

inline bool connectLine(QTcpSocket &s, quint16 port) {
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(2000))
        return false;
    QElapsedTimer t;
    t.start();
    while (!s.canReadLine() && t.elapsed() < 2000)
        s.waitForReadyRead(10);
    return s.readLine().startsWith("OK READY");
}
