// Attacks on the control API's connections and sessions, replayed against the real opswall
// process (issue 11; the test and its wall: tst_app_attacks_api.h):
//   - 1 MB of unread HELP lines keeps the wall's memory bounded and the session is closed;
//   - revoking a token closes its open WebSocket and line session at once;
//   - one viewer's 40 WebSockets, or one address's idle connections, do not lock others out;
//   - a WebSocket that never answers pings, or an upgrade that never completes, is dropped;
//   - refused requests (401/403) are audited, one row per address prefix and minute;
//   - rotating 127.0.2.x does not escape the per-address rate limit;
//   - the TLS start-up line says https://.
#include "testcert.h"
#include "tst_app_attacks_api.h"

#include <QProcess>
#include <QStandardPaths>

#include <arpa/inet.h>
#include <cerrno>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

using namespace opswall;
using namespace attacks;
using apptest::ApiResponse;

namespace {

// A raw HTTP exchange from a chosen loopback source address (Linux routes all of 127/8 to lo).
QByteArray rawFrom(const QString &from, quint16 port, const QByteArray &bytes, int waitMs = 3000) {
    QTcpSocket s;
    if (!s.bind(QHostAddress(from)))
        return "NO BIND";
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(2000))
        return "NO CONNECTION";
    s.write(bytes);
    QElapsedTimer t;
    t.start();
    QByteArray got;
    while (t.elapsed() < waitMs && s.state() == QAbstractSocket::ConnectedState) {
        s.waitForReadyRead(20);
        got += s.readAll();
    }
    return got + s.readAll();
}

// Reads lines from a line-protocol socket until it closes or waitMs passes.
QByteArray drainUntilClosed(QTcpSocket &s, int waitMs) {
    QElapsedTimer t;
    t.start();
    QByteArray got;
    while (t.elapsed() < waitMs && s.state() == QAbstractSocket::ConnectedState) {
        QCoreApplication::processEvents();
        s.waitForReadyRead(20);
        got += s.readAll();
    }
    return got + s.readAll();
}

} // namespace

void TestAppAttacksApi::lineFloodWithoutLoginStaysBounded() {
    const qint64 before = m_app.rssBytes();
    QVERIFY(before > 0);
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    QVERIFY(fd >= 0);
    const int small = 4096; // the attacker reads nothing and keeps its receive window tiny
    ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(quint16(m_app.port + 1));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    QCOMPARE(::connect(fd, reinterpret_cast<const sockaddr *>(&a), sizeof a), 0);
    ::fcntl(fd, F_SETFL, O_NONBLOCK);
    QByteArray flood;
    while (flood.size() < 1024 * 1024)
        flood += "HELP\r\n";
    qsizetype sent = 0;
    QElapsedTimer t;
    t.start();
    while (sent < flood.size() && t.elapsed() < 5000) {
        const ssize_t n =
            ::send(fd, flood.constData() + sent, std::size_t(flood.size() - sent), MSG_NOSIGNAL);
        if (n > 0)
            sent += n;
        else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            QTest::qWait(20);
        else
            break; // closed by the wall
    }
    QTest::qWait(300);
    const qint64 after = m_app.rssBytes();
    qInfo("line flood: %lld of %lld bytes of HELP sent in %lld ms; RSS %.1f -> %.1f MB",
          qint64(sent), qint64(flood.size()), qint64(t.elapsed()), double(before) / 1e6,
          double(after) / 1e6);
    // Unbounded, the reply queue grew ~74 MB for this flood; bounded, it is a few KB.
    QVERIFY2(after - before < 32 * 1024 * 1024,
             qPrintable(QStringLiteral("RSS grew by %1 MB").arg(double(after - before) / 1e6)));
    // Others are served meanwhile, and the stuck session is closed after the stall bound.
    auto viewer = m_app.client(m_app.tokens[Role::Viewer]);
    QCOMPARE(viewer.request("GET", QStringLiteral("/status")).status, 200);
    QVERIFY(waitForHealth(QStringLiteral("lineClients"), 0, kLineStallMs + 8000));
    const QByteArray metrics = viewer.request("GET", QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains("opswall_line_clients_stalled_total ") &&
                 !metrics.contains("opswall_line_clients_stalled_total 0\n"),
             metrics.constData());
    ::close(fd);
}

void TestAppAttacksApi::revokingATokenClosesItsSessionsAtOnce() {
    const QString token = makeToken(QStringLiteral("revoke-me"), "operator");
    QVERIFY(!token.isEmpty());
    EventClient ws(m_app.port, token);
    QTRY_VERIFY_WITH_TIMEOUT(ws.hello, 5000);
    QTcpSocket line;
    QVERIFY(connectLine(line, m_app.port + 1));
    QVERIFY(lineCommand(line, "LOGIN " + token.toLatin1()).startsWith("OK LOGIN"));

    QElapsedTimer t;
    t.start();
    QCOMPARE(m_app.api("DELETE", QStringLiteral("/tokens/revoke-me")).status, 200);
    const QByteArray lineTail = drainUntilClosed(line, 3000);
    QCOMPARE(line.state(), QAbstractSocket::UnconnectedState);
    QVERIFY2(lineTail.contains("ERR unauthorized token revoked"), lineTail.constData());
    QTRY_VERIFY_WITH_TIMEOUT(ws.closed, 3000);
    qInfo("revocation closed both sessions within %lld ms", qint64(t.elapsed()));
    QVERIFY(t.elapsed() < 3000);
    QCOMPARE(ws.socket.closeCode(), QWebSocketProtocol::CloseCodePolicyViolated);
    QCOMPARE(ws.socket.closeReason(), QStringLiteral("token revoked"));
    // Further use is refused everywhere.
    QCOMPARE(m_app.client(token).request("GET", QStringLiteral("/status")).status, 401);
    EventClient again(m_app.port, token);
    QTRY_VERIFY_WITH_TIMEOUT(
        again.closed || again.socket.error() != QAbstractSocket::UnknownSocketError, 5000);
    QVERIFY(!again.hello);
    QTcpSocket line2;
    QVERIFY(connectLine(line2, m_app.port + 1));
    QVERIFY(lineCommand(line2, "LOGIN " + token.toLatin1()).startsWith("ERR unauthorized"));

    // The same through wallctl, for a line session of another token.
    const QString second = makeToken(QStringLiteral("revoke-me-2"), "leader");
    QVERIFY(!second.isEmpty());
    QTcpSocket line3;
    QVERIFY(connectLine(line3, m_app.port + 1));
    QVERIFY(lineCommand(line3, "LOGIN " + second.toLatin1()).startsWith("OK LOGIN"));
    const apptest::Run revoke = m_app.wallctl(
        {QStringLiteral("token"), QStringLiteral("revoke"), QStringLiteral("revoke-me-2")});
    QVERIFY2(revoke.exitCode == 0, revoke.out + revoke.err);
    const QByteArray tail3 = drainUntilClosed(line3, 3000);
    QVERIFY2(tail3.contains("token revoked"), tail3.constData());
    QCOMPARE(line3.state(), QAbstractSocket::UnconnectedState);
}

void TestAppAttacksApi::oneViewerOrAddressCannotTakeTheApi() {
    // One viewer opens 40 WebSockets: as many as the wall's whole connection limit.
    const QString flood = makeToken(QStringLiteral("flood-viewer"), "viewer");
    QVERIFY(!flood.isEmpty());
    std::vector<std::unique_ptr<EventClient>> clients;
    for (int i = 0; i < kMaxConnections; ++i)
        clients.push_back(std::make_unique<EventClient>(m_app.port, flood));
    auto settled = [&] {
        int n = 0;
        for (const auto &c : clients)
            n += (c->hello || c->closed || c->socket.error() != QAbstractSocket::UnknownSocketError)
                     ? 1
                     : 0;
        return n;
    };
    QTRY_VERIFY_WITH_TIMEOUT(settled() == kMaxConnections, 10000);
    int open = 0;
    for (const auto &c : clients)
        open += c->hello && !c->closed ? 1 : 0;
    qInfo("one viewer asked for %d WebSockets and holds %d", kMaxConnections, open);
    QVERIFY2(open >= 1 && open <= kSessionsPerToken, qPrintable(QString::number(open)));
    // The next one is told why.
    const QByteArray refused = rawExchange(m_app.port, upgradeRequest(flood), 3000);
    QCOMPARE(statusOf(refused), 429);
    QCOMPARE(bodyOf(refused).value(QStringLiteral("code")).toString(),
             QStringLiteral("too_many_sessions"));
    // Everyone else still gets in: an operator's WebSocket and requests.
    EventClient other(m_app.port, m_app.tokens[Role::Operator]);
    QTRY_VERIFY_WITH_TIMEOUT(other.hello, 5000);
    QCOMPARE(
        m_app.client(m_app.tokens[Role::Leader]).request("GET", QStringLiteral("/status")).status,
        200);
    clients.clear();

    // One address opens idle connections: it gets its share, the rest are refused at once.
    std::vector<std::unique_ptr<QTcpSocket>> held;
    for (int i = 0; i < 2 * kPerAddress; ++i) {
        auto s = std::make_unique<QTcpSocket>();
        QVERIFY(s->bind(QHostAddress(QStringLiteral("127.0.0.3"))));
        s->connectToHost(QHostAddress::LocalHost, m_app.port);
        held.push_back(std::move(s));
    }
    QTest::qWait(500); // accepted or closed by the wall, well inside the request deadline
    int stillOpen = 0;
    for (const auto &s : held)
        stillOpen += s->state() == QAbstractSocket::ConnectedState ? 1 : 0;
    qInfo("one address asked for %d connections and holds %d", 2 * kPerAddress, stillOpen);
    QVERIFY2(stillOpen >= 1 && stillOpen <= kPerAddress, qPrintable(QString::number(stillOpen)));
    QCOMPARE(
        m_app.client(m_app.tokens[Role::Viewer]).request("GET", QStringLiteral("/status")).status,
        200);
    const QByteArray metrics =
        m_app.client(m_app.tokens[Role::Viewer]).request("GET", QStringLiteral("/metrics")).body;
    QVERIFY2(metrics.contains("opswall_api_connections_refused_total ") &&
                 !metrics.contains("opswall_api_connections_refused_total 0\n"),
             metrics.constData());
}

void TestAppAttacksApi::socketsCannotBeHeldWithoutAnsweringOrAuthenticating() {
    // The previous attacks' connections are gone.
    QVERIFY(waitForHealth(QStringLiteral("eventClients"), 2, 5000));
    QVERIFY(waitForHealth(QStringLiteral("apiClients"), 4, 5000));
    // A WebSocket client that never answers the wall's pings is dropped after the idle deadline.
    QTcpSocket s;
    s.connectToHost(QHostAddress::LocalHost, m_app.port);
    QVERIFY(s.waitForConnected(2000));
    s.write(upgradeRequest(m_app.tokens[Role::Technician]));
    QByteArray got;
    QElapsedTimer t;
    t.start();
    while (!got.contains("\r\n\r\n") && t.elapsed() < 3000) {
        s.waitForReadyRead(20);
        got += s.readAll();
    }
    QVERIFY2(got.startsWith("HTTP/1.1 101"), got.constData());
    t.restart();
    QByteArray frames;
    while (s.state() == QAbstractSocket::ConnectedState && t.elapsed() < 4 * kWsIdleMs) {
        s.waitForReadyRead(20);
        frames += s.readAll();
    }
    const qint64 heldMs = t.elapsed();
    qInfo("a silent WebSocket was dropped after %lld ms (idle deadline %d ms)", heldMs, kWsIdleMs);
    QCOMPARE(s.state(), QAbstractSocket::UnconnectedState);
    QVERIFY(heldMs < kWsIdleMs + 2500);
    QVERIFY2(frames.contains(char(0x89)), frames.toHex().constData()); // it was pinged first

    // No token: refused at once, no socket to hold.
    QCOMPARE(statusOf(rawExchange(m_app.port, upgradeRequest({}), 3000)), 401);
    // An upgrade request that never ends is cut at the request deadline.
    qint64 closedAfter = -1;
    rawExchange(m_app.port,
                "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n",
                apptest::kRequestTimeoutMs + 4000, &closedAfter);
    QVERIFY2(closedAfter > 0 && closedAfter < apptest::kRequestTimeoutMs + 2500,
             qPrintable(QString::number(closedAfter)));
}

void TestAppAttacksApi::refusalsAreAuditedOncePerAddressAndMinute() {
    // A token guesser on its own address prefix: 30 refusals, one audit row.
    const QString from = QStringLiteral("127.0.1.5");
    for (int i = 0; i < 30; ++i)
        QCOMPARE(statusOf(rawFrom(
                     from, m_app.port,
                     getRequest("/status", QStringLiteral("owt_0123456789ab_guess%1").arg(i)))),
                 401);
    // A viewer reading what it may not.
    QCOMPARE(
        m_app.client(m_app.tokens[Role::Viewer]).request("GET", QStringLiteral("/tokens")).status,
        403);
    auto rows = [&] {
        return jsonOf(
                   m_app.api("GET", QStringLiteral("/audit?action=auth.refused&limit=5000")).body)
            .value(QStringLiteral("items"))
            .toArray();
    };
    auto fromGuesser = [&] {
        QJsonArray out;
        for (const QJsonValue &r : rows())
            if (r[QStringLiteral("remote")].toString().startsWith(from + u':'))
                out.append(r);
        return out;
    };
    QTRY_COMPARE_WITH_TIMEOUT(fromGuesser().size(), qsizetype(1), 5000);
    const QJsonObject row = fromGuesser().first().toObject();
    QCOMPARE(row[QStringLiteral("params")][QStringLiteral("status")].toInt(), 401);
    QCOMPARE(row[QStringLiteral("params")][QStringLiteral("request")].toString(),
             QStringLiteral("GET /api/v1/status"));
    QCOMPARE(row[QStringLiteral("via")].toString(), QStringLiteral("api"));
    QCOMPARE(row[QStringLiteral("ok")].toBool(), false);
    bool viewerRefused = false;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            for (const QJsonValue &r : rows())
                viewerRefused =
                    viewerRefused ||
                    (r[QStringLiteral("user")].toString() == QLatin1String("e2e-viewer") &&
                     r[QStringLiteral("params")][QStringLiteral("status")].toInt() == 403);
            return viewerRefused;
        }(),
        5000);
    // The rest of the window: one more row that counts them, when the window ends.
    auto counted = [&] {
        int n = 0;
        for (const QJsonValue &r : fromGuesser())
            n += r[QStringLiteral("params")][QStringLiteral("count")].toInt();
        return n;
    };
    QTRY_COMPARE_WITH_TIMEOUT(counted(), 30, 2 * kAuditWindowMs + 5000);
    QCOMPARE(fromGuesser().size(), qsizetype(2)); // coalesced, not one row per request
    QVERIFY2(
        fromGuesser()[1][QStringLiteral("error")][QStringLiteral("message")].toString().contains(
            QLatin1String("29 times")),
        QJsonDocument(fromGuesser()).toJson().constData());
    // Written through the one audit path: the chain still verifies.
    const ApiResponse verify = m_app.api("GET", QStringLiteral("/audit/verify"));
    QVERIFY2(jsonOf(verify.body).value(QStringLiteral("ok")).toBool(), verify.body.constData());
}

void TestAppAttacksApi::theTlsStartLineSaysHttps() {
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("api.crt"));
    const QString key = dir.filePath(QStringLiteral("api.key"));
    TESTCERT_MAKE_OR_SKIP(cert, key);
    apptest::Wall tls;
    tls.captureLog = true;
    tls.extraConfig = QStringLiteral(R"("tlsCert": "%1", "tlsKey": "%2")").arg(cert, key);
    tls.port = apptest::freePortPair();
    tls.url = QStringLiteral("https://127.0.0.1:%1").arg(tls.port);
    QString why;
    QVERIFY2(tls.start(&why), qPrintable(why)); // waits for the API over TLS
    const QByteArray expected =
        QStringLiteral("control API on https://127.0.0.1:%1/api/v1").arg(tls.port).toLatin1();
    QTRY_VERIFY_WITH_TIMEOUT(tls.log.contains(expected), 20000);
    QVERIFY2(!tls.log.contains("control API on http://"), tls.log.constData());
    QVERIFY(tls.stop());
}

void TestAppAttacksApi::rotatingAddressesDoesNotEscapeTheRateLimit() {
    // 240 token guesses, each from another address of 127.0.2.0/24, 30 at a time.
    int total = 0;
    int limited = 0;
    int unauthorized = 0;
    QElapsedTimer t;
    t.start();
    for (int batch = 0; batch < 8; ++batch) {
        std::vector<std::unique_ptr<QTcpSocket>> socks;
        for (int i = 0; i < 30; ++i) {
            auto s = std::make_unique<QTcpSocket>();
            QVERIFY(s->bind(QHostAddress(QStringLiteral("127.0.2.%1").arg(10 + batch * 30 + i))));
            s->connectToHost(QHostAddress::LocalHost, m_app.port);
            socks.push_back(std::move(s));
        }
        for (auto &s : socks) {
            QVERIFY(s->waitForConnected(2000));
            s->write(getRequest("/status", QStringLiteral("owt_0123456789ab_rotate")));
        }
        for (auto &s : socks) {
            QByteArray got;
            QElapsedTimer w;
            w.start();
            while (s->state() == QAbstractSocket::ConnectedState && w.elapsed() < 3000) {
                s->waitForReadyRead(10);
                got += s->readAll();
            }
            got += s->readAll();
            ++total;
            limited += statusOf(got) == 429 ? 1 : 0;
            unauthorized += statusOf(got) == 401 ? 1 : 0;
        }
    }
    const double seconds = double(t.elapsed()) / 1000.0;
    const int allowed = kRateBurst + int(kRatePerSecond * seconds) + 1;
    qInfo("%d guesses from rotating addresses in %.1f s: %d answered 401, %d refused 429 "
          "(the prefix's bucket allows at most %d)",
          total, seconds, unauthorized, limited, allowed);
    QCOMPARE(limited + unauthorized, total);
    QVERIFY(limited > 0);
    QVERIFY2(unauthorized <= allowed, qPrintable(QString::number(unauthorized)));
    // The other prefixes are not punished for it.
    QCOMPARE(m_app.client({}).request("GET", QStringLiteral("/health")).status, 200);
}
