// What the attacks on the control API share (tst_app_attacks_api.cpp: leaks of secrets and
// tokens; tst_app_attacks_sessions.cpp: connections, sessions, audit and rate limits): the wall's
// limits, raw requests, a WebSocket event client and the test class.
#pragma once

#include "appundertest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QWebSocket>

namespace attacks {

// The limits this wall runs with (its --api-config), small enough to reach in a test.
inline constexpr int kMaxConnections = 40;
inline constexpr int kPerAddress = 16;
inline constexpr int kSessionsPerToken = 4;
inline constexpr int kWsIdleMs = 3000;
inline constexpr int kLineMaxOutput = 16384;
inline constexpr int kLineStallMs = 1500;
inline constexpr int kRateBurst = 60; // the default
inline constexpr int kRatePerSecond = 10;
inline constexpr int kAuditWindowMs = 3000;

inline QByteArray getRequest(const QByteArray &path, const QString &token = {}) {
    QByteArray r = "GET /api/v1" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token.toLatin1() + "\r\n";
    return r + "\r\n";
}

inline QByteArray upgradeRequest(const QString &token) {
    QByteArray r = "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                   "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                   "Sec-WebSocket-Version: 13\r\n";
    if (!token.isEmpty())
        r += "Authorization: Bearer " + token.toLatin1() + "\r\n";
    return r + "\r\n";
}

// A WebSocket event client that keeps what it hears.
struct EventClient {
    QWebSocket socket;
    QList<QByteArray> messages;
    bool hello = false;
    bool closed = false;

    EventClient(quint16 port, const QString &token, bool inQuery = false) {
        QObject::connect(&socket, &QWebSocket::textMessageReceived, &socket,
                         [this](const QString &m) {
                             messages.append(m.toUtf8());
                             hello = hello || m.contains(QLatin1String("\"hello\""));
                         });
        QObject::connect(&socket, &QWebSocket::disconnected, &socket, [this] { closed = true; });
        QUrl url(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(port));
        if (inQuery)
            url.setQuery(QStringLiteral("access_token=") + token);
        QNetworkRequest req(url);
        if (!inQuery)
            req.setRawHeader("Authorization", "Bearer " + token.toLatin1());
        socket.open(req);
    }
    QByteArray all() const { return messages.join('\n'); }
};

} // namespace attacks

// One wall for all slots (initTestCase), which run in this order.
class TestAppAttacksApi : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void healthSaysOnlyThatTheProcessIsAlive();
    void credentialsNeverLeaveTheWall();
    void duplicateJsonKeysAreRefusedWithTheKeyNamed();
    void accessTokenInTheUrlOnlyOnTheEventsRoute();
    void lineFloodWithoutLoginStaysBounded();
    void revokingATokenClosesItsSessionsAtOnce();
    void oneViewerOrAddressCannotTakeTheApi();
    void socketsCannotBeHeldWithoutAnsweringOrAuthenticating();
    void refusalsAreAuditedOncePerAddressAndMinute();
    void theTlsStartLineSaysHttps();
    void rotatingAddressesDoesNotEscapeTheRateLimit(); // last: it empties 127.0.2.0/24's bucket
    void cleanupTestCase();

private:
    QString makeToken(const QString &name, const char *role);
    bool waitForHealth(const QString &key, int atMost, int timeoutMs);
    apptest::Wall m_app;
};
