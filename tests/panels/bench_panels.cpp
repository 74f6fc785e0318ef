// Button press to wall change, on the real opswall (offscreen, demo presets, software scene
// graph), p50/p99 over alternating recalls of two presets:
//   OSC (UDP)       send /opswall/preset/recall -> the tablet receives /opswall/preset/active
//   Stream Deck TCP a key press on the simulated Studio -> the deck receives the lit face of
//                   that key (recall applied, face drawn, JPEG encoded, sent)
//   baseline        the same recall over the HTTP API (POST /presets/{id}/recall -> 200), in the
//                   same run
// Figures depend on the machine and its load; the ratios to the baseline are what to compare.
#include "appundertest.h"
#include "streamdeck_sim.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <QCoreApplication>
#include <QNetworkDatagram>
#include <QUdpSocket>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

using apptest::Wall;
namespace asio = boost::asio;
using Clock = std::chrono::steady_clock;

namespace {
struct Stats {
    double p50 = 0, p99 = 0;
    int n = 0;
};
Stats stats(std::vector<double> ms) {
    Stats s;
    s.n = int(ms.size());
    if (ms.empty())
        return s;
    std::sort(ms.begin(), ms.end());
    s.p50 = ms[ms.size() / 2];
    s.p99 = ms[std::min(ms.size() - 1, std::size_t(double(ms.size()) * 0.99))];
    return s;
}

// The simulated Studio on its own io thread; records when each key's picture arrives.
struct Deck {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::shared_ptr<opswall::drivers::sim::StreamDeckSim> sim;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> events;

    Deck() {
        opswall::drivers::sim::StreamDeckSimSettings s;
        s.keepaliveMs = 500;
        sim = opswall::drivers::sim::StreamDeckSim::create(io, s, [this](const std::string &l) {
            std::lock_guard lock(mutex);
            events.push_back(l);
            changed.notify_all();
        });
        std::string error;
        sim->start(&error);
        thread = std::thread([this] { io.run(); });
    }
    ~Deck() {
        asio::post(io, [this] { sim->stop(); });
        work.reset();
        io.stop();
        thread.join();
    }
    std::size_t count(const std::string &prefix) {
        std::lock_guard lock(mutex);
        return std::size_t(std::count_if(events.begin(), events.end(), [&](const std::string &e) {
            return e.rfind(prefix, 0) == 0;
        }));
    }
    bool waitFor(const std::string &prefix, std::size_t n, int ms) {
        std::unique_lock lock(mutex);
        return changed.wait_for(lock, std::chrono::milliseconds(ms), [&] {
            return std::size_t(
                       std::count_if(events.begin(), events.end(), [&](const std::string &e) {
                           return e.rfind(prefix, 0) == 0;
                       })) >= n;
        });
    }
};

QByteArray oscRecall(int id) {
    QByteArray m("/opswall/preset/recall\0\0", 24);
    m += QByteArray(",i\0\0", 4);
    const quint32 v = quint32(id);
    m += char(v >> 24);
    m += char(v >> 16);
    m += char(v >> 8);
    m += char(v);
    return m;
}
} // namespace

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    const int n = 40;
    Deck deck;
    Wall wall;
    quint16 oscPort = 0;
    {
        QUdpSocket probe;
        probe.bind(QHostAddress::LocalHost, 0);
        oscPort = probe.localPort();
    }
    // First start: the demo presets' ids.
    QString why;
    if (!wall.start(&why)) {
        std::fprintf(stderr, "opswall: %s\n", qPrintable(why));
        return 1;
    }
    const QJsonArray presets =
        jsonOf(wall.api("GET", QStringLiteral("/presets")).body)[QLatin1String("items")].toArray();
    if (presets.size() < 2) {
        std::fprintf(stderr, "the demo needs two presets\n");
        return 1;
    }
    const int a = presets[0][QLatin1String("id")].toInt();
    const int b = presets[1][QLatin1String("id")].toInt();
    wall.stop();
    const QJsonObject doc{
        {QStringLiteral("kind"), QStringLiteral("opswall.panels")},
        {QStringLiteral("schemaVersion"), 1},
        {QStringLiteral("panels"),
         QJsonArray{QJsonObject{
             {QStringLiteral("id"), QStringLiteral("desk")},
             {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
             {QStringLiteral("host"), QStringLiteral("127.0.0.1")},
             {QStringLiteral("port"), deck.sim->port()},
             {QStringLiteral("pages"),
              QJsonArray{QJsonObject{
                  {QStringLiteral("id"), QStringLiteral("main")},
                  {QStringLiteral("buttons"),
                   QJsonArray{
                       QJsonObject{
                           {QStringLiteral("key"), 0},
                           {QStringLiteral("label"), QStringLiteral("A")},
                           {QStringLiteral("action"), QStringLiteral("preset.recall")},
                           {QStringLiteral("params"), QJsonObject{{QStringLiteral("id"), a}}}},
                       QJsonObject{{QStringLiteral("key"), 1},
                                   {QStringLiteral("label"), QStringLiteral("B")},
                                   {QStringLiteral("action"), QStringLiteral("preset.recall")},
                                   {QStringLiteral("params"),
                                    QJsonObject{{QStringLiteral("id"), b}}}}}}}}}}}}};
    QFile f(wall.dir.filePath(QStringLiteral("panels.json")));
    f.open(QIODevice::WriteOnly);
    f.write(QJsonDocument(doc).toJson());
    f.close();
    wall.extraArgs = {QStringLiteral("--panels"), f.fileName(), QStringLiteral("--osc"),
                      QStringLiteral("127.0.0.1:%1").arg(oscPort)};
    if (!wall.start(&why)) {
        std::fprintf(stderr, "opswall: %s\n", qPrintable(why));
        return 1;
    }
    if (!deck.waitFor("image 1 ", 1, 15000)) {
        std::fprintf(stderr, "the deck got no faces\n");
        return 1;
    }

    // The three paths interleaved, so the machine's load falls on each alike; every press
    // recalls the preset that is not on the wall.
    std::vector<double> api, osc, sd;
    QUdpSocket tablet;
    tablet.bind(QHostAddress::LocalHost, 0);
    bool showingA = false;
    auto next = [&] {
        showingA = !showingA;
        return showingA;
    };
    for (int i = 0; i < n; ++i) {
        // Baseline: the API.
        {
            const int id = next() ? a : b;
            const auto t0 = Clock::now();
            const auto r = wall.api("POST", QStringLiteral("/presets/%1/recall").arg(id));
            if (r.status != 200) {
                std::fprintf(stderr, "API recall: %d\n", r.status);
                return 1;
            }
            api.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        // OSC over UDP: press -> the tablet hears the wall's feedback for that preset.
        {
            const int id = next() ? a : b;
            // Feedback of the other paths' recalls (the tablet is a peer by now) is not ours.
            QTest::qWait(20);
            while (tablet.hasPendingDatagrams())
                tablet.receiveDatagram();
            const auto t0 = Clock::now();
            tablet.writeDatagram(oscRecall(id), QHostAddress::LocalHost, oscPort);
            bool got = false;
            while (!got && Clock::now() - t0 < std::chrono::seconds(10)) {
                if (!tablet.waitForReadyRead(100))
                    continue;
                while (tablet.hasPendingDatagrams()) {
                    const QByteArray d = tablet.receiveDatagram().data();
                    if (d.startsWith("/opswall/preset/active") && d.size() >= 4 &&
                        int(quint8(d[d.size() - 1])) == (id & 0xFF))
                        got = true;
                }
            }
            if (!got) {
                std::fprintf(stderr, "OSC feedback for preset %d never came\n", id);
                return 1;
            }
            osc.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
        // Stream Deck over TCP: press -> the pressed key's lit face arrives at the deck.
        {
            const int key = next() ? 0 : 1;
            const std::string prefix = "image " + std::to_string(key) + " ";
            // The faces the previous recall changed must have landed first: wait until the
            // deck has had no picture for 150 ms (at most 5 s).
            for (int settle = 0; settle < 50; ++settle) {
                const std::size_t images = deck.count("image ");
                QTest::qWait(150);
                if (deck.count("image ") == images)
                    break;
            }
            const std::size_t before = deck.count(prefix);
            const auto t0 = Clock::now();
            asio::post(deck.io, [&deck, key] {
                deck.sim->press(key, true);
                deck.sim->press(key, false);
            });
            if (!deck.waitFor(prefix, before + 1, 10000)) {
                std::fprintf(stderr, "no lit face for key %d\n", key);
                return 1;
            }
            sd.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        }
    }
    wall.stop();

    const Stats base = stats(api), o = stats(osc), s = stats(sd);
    std::printf("button press to wall change, real opswall (offscreen), %d alternating recalls\n",
                n);
    std::printf("%-46s %9s %9s\n", "path", "p50 ms", "p99 ms");
    std::printf("%-46s %9.2f %9.2f  (baseline)\n", "HTTP API recall -> 200", base.p50, base.p99);
    std::printf("%-46s %9.2f %9.2f  (x%.2f of baseline p50)\n",
                "OSC UDP recall -> /opswall/preset/active", o.p50, o.p99, o.p50 / base.p50);
    std::printf("%-46s %9.2f %9.2f  (x%.2f of baseline p50)\n",
                "Stream Deck TCP key -> lit key face at deck", s.p50, s.p99, s.p50 / base.p50);
    return 0;
}
