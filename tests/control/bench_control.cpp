// Benchmark of the control API on loopback, in-process with a fake dispatcher: request latency
// p50/p99 and requests per second, and the time to fan one event out to 50 WebSocket clients.
// Baselines measured in the same run: a request answered on the io thread alone (404, no GUI
// hop), and fan-out to 1 client. Prints figures; asserts nothing about time.
#include "testserver.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QWebSocket>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace opswall;
using namespace opswall::control;

namespace {
struct Stats {
    double p50 = 0, p99 = 0, perSecond = 0;
};

Stats measure(ApiClient &c, const QString &path, int expectStatus, int n) {
    std::vector<double> ms;
    ms.reserve(std::size_t(n));
    QElapsedTimer all;
    all.start();
    for (int i = 0; i < n; ++i) {
        QElapsedTimer t;
        t.start();
        const ApiResponse r = c.request("GET", path);
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
        if (r.status != expectStatus) {
            std::fprintf(stderr, "unexpected status %d for %s\n", r.status, qPrintable(path));
            break;
        }
    }
    const double total = double(all.nsecsElapsed()) / 1e9;
    std::sort(ms.begin(), ms.end());
    Stats s;
    s.p50 = ms[ms.size() / 2];
    s.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    s.perSecond = double(ms.size()) / total;
    return s;
}

Stats fanOut(TestServer &s, int clients, int rounds) {
    std::vector<std::unique_ptr<QWebSocket>> sockets;
    std::vector<int> counts(std::size_t(clients), 0);
    for (int i = 0; i < clients; ++i) {
        auto ws = std::make_unique<QWebSocket>();
        QObject::connect(ws.get(), &QWebSocket::textMessageReceived,
                         [&counts, i](const QString &) { counts[std::size_t(i)]++; });
        QNetworkRequest req(
            QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(s.server->httpPort())));
        req.setRawHeader("Authorization", "Bearer " + s.tokens[Role::Viewer].toLatin1());
        ws->open(req);
        sockets.push_back(std::move(ws));
    }
    auto waitAll = [&](int n) {
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 10'000) {
            if (std::all_of(counts.begin(), counts.end(), [n](int c) { return c >= n; }))
                return true;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        }
        return false;
    };
    Stats st;
    if (!waitAll(1)) { // hello
        std::fprintf(stderr, "clients did not connect\n");
        return st;
    }
    std::vector<double> ms;
    for (int r = 0; r < rounds; ++r) {
        QElapsedTimer t;
        t.start();
        s.service->publish(QJsonObject{{QStringLiteral("type"), QStringLiteral("bench")},
                                       {QStringLiteral("round"), r}});
        if (!waitAll(r + 2))
            break;
        ms.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    std::sort(ms.begin(), ms.end());
    if (!ms.empty()) {
        st.p50 = ms[ms.size() / 2];
        st.p99 = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
    }
    return st;
}
} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    ServerConfig cfg = TestServer::defaultConfig();
    cfg.requestTimeoutMs = 10'000;
    cfg.rateBurst = 1e6;
    cfg.ratePerSecond = 1e6;
    TestServer s(cfg);
    if (!s.ok) {
        std::fprintf(stderr, "server: %s\n", qPrintable(s.error));
        return 1;
    }
    auto c = s.client(Role::Viewer);
    const int n = 2000;
    measure(c, QStringLiteral("/wall"), 200, 100); // warm up
    const Stats base = measure(c, QStringLiteral("/nothing"), 404, n);
    const Stats wall = measure(c, QStringLiteral("/wall"), 200, n);
    const Stats health = measure(c, QStringLiteral("/health"), 200, n);
    std::printf("control API on loopback, one sequential client, %d requests each\n", n);
    std::printf("%-34s %9s %9s %10s\n", "request", "p50 ms", "p99 ms", "req/s");
    auto row = [&](const char *name, const Stats &st) {
        std::printf("%-34s %9.3f %9.3f %10.0f  (x%.2f of baseline p50)\n", name, st.p50, st.p99,
                    st.perSecond, st.p50 / base.p50);
    };
    row("baseline: 404 on io thread", base);
    row("GET /wall (GUI hop + snapshot)", wall);
    row("GET /health (no token)", health);

    const Stats one = fanOut(s, 1, 200);
    const Stats fifty = fanOut(s, 50, 200);
    std::printf("\nevent fan-out, publish() to delivery at every client, 200 events\n");
    std::printf("%-34s %9.3f %9.3f\n", "baseline: 1 client", one.p50, one.p99);
    std::printf("%-34s %9.3f %9.3f  (x%.2f of baseline p50)\n", "50 clients", fifty.p50, fifty.p99,
                one.p50 > 0 ? fifty.p50 / one.p50 : 0.0);
    return 0;
}
