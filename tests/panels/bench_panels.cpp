// Button press to wall change, on the real opswall (offscreen, demo presets, software scene
// graph), p50/p99 over alternating recalls of two presets:
//   OSC (UDP)       send /opswall/preset/recall -> the tablet receives /opswall/preset/active
//   Stream Deck TCP a key press on the simulated Studio -> the deck receives the lit face of
//                   that key (recall applied, face drawn, JPEG encoded, sent)
//   Stream Deck USB a key report from the HID fake's device (tests/drivers/fakehid.h; these hosts
//                   have no /dev/uhid for a kernel HID device, so this path runs in-process: a
//                   PanelService with a USB MK.2 on the fake, its presses recalling over the
//                   wall's API) -> the action submitted, and -> the lit face's last picture
//                   report written to the device (device thread read, hop to the GUI thread,
//                   recall over HTTP, face drawn, JPEG, packets written)
//   baseline        the same recall over the HTTP API (POST /presets/{id}/recall -> 200), in the
//                   same run
// Figures depend on the machine and its load; the ratios to the baseline are what to compare.
#include "../support/panelbuttons.h"
#include "appundertest.h"
#include "fakehid.h"
#include "panelrecalls.h"
#include "panels/panelservice.h"
#include "streamdeck_sim.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <QGuiApplication>
#include <QNetworkDatagram>
#include <QUdpSocket>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
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

// A USB MK.2 on the HID fake, run by an in-process PanelService whose presses recall over the
// real wall's API (the wall's own service submits to its dispatcher instead).
struct UsbDeckPath {
    std::shared_ptr<fakehid::FakeHid> hid = std::make_shared<fakehid::FakeHid>();
    std::shared_ptr<fakehid::FakeDeck> deck;
    std::unique_ptr<opswall::panels::PanelService> service;
    Clock::time_point submittedAt;

    UsbDeckPath(Wall &wall, int a, int b) {
        deck = hid->plug(
            {"/dev/hidraw7", opswall::drivers::streamdeck::kVendorId, 0x0080, "BENCH1", "SD", 0},
            [](fakehid::FakeDeck &d) {
                opswall::drivers::Bytes serial(32, 0);
                serial[0] = 0x06;
                serial[1] = 6;
                std::memcpy(serial.data() + 2, "BENCH1", 6);
                d.features[0x06] = serial;
            });
        using opswall::panels::PanelService;
        service = std::make_unique<PanelService>([this, &wall](const opswall::Action &action,
                                                               const opswall::Caller &,
                                                               PanelService::Done done) {
            submittedAt = Clock::now();
            const int id = action.params.value(QStringLiteral("id")).toInt();
            const auto r = wall.api("POST", QStringLiteral("/presets/%1/recall").arg(id));
            done(r.status == 200 ? opswall::ActionResult::success()
                                 : opswall::ActionResult::failure(QStringLiteral("failed"),
                                                                  QString::number(r.status)));
            if (r.status == 200)
                shown(id);
        });
        service->setHidBackend(hid);
        const auto button = [](int key, int id) {
            return opswall::testsupport::presetRecallButton(key, id, QString::number(id));
        };
        const QJsonObject doc{
            {QStringLiteral("kind"), QStringLiteral("opswall.panels")},
            {QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("panels"),
             QJsonArray{QJsonObject{
                 {QStringLiteral("id"), QStringLiteral("usbdesk")},
                 {QStringLiteral("type"), QStringLiteral("streamdeck-usb")},
                 {QStringLiteral("model"), QStringLiteral("mk2")},
                 {QStringLiteral("pages"),
                  QJsonArray{QJsonObject{
                      {QStringLiteral("id"), QStringLiteral("main")},
                      {QStringLiteral("buttons"), QJsonArray{button(0, a), button(1, b)}}}}}}}}};
        opswall::panels::BindingContext context;
        context.actions = {QStringLiteral("preset.recall")};
        context.presets = {a, b};
        const auto parsed = opswall::panels::parsePanels(QJsonDocument(doc).toJson(), context);
        if (parsed.config)
            service->startPanels(parsed.config->panels);
    }
    ~UsbDeckPath() { service->stop(); }
    // The wall event the wall's own service gets from ControlService: the preset now shown.
    void shown(int id) {
        service->onWallEvent({{QStringLiteral("type"), QStringLiteral("preset.recall")},
                              {QStringLiteral("id"), id}});
    }
    // Last packets of a key's pictures written so far.
    std::size_t faces(int key) {
        return hid->locked([&] {
            return std::size_t(std::count_if(deck->writes.begin(), deck->writes.end(),
                                             [&](const opswall::drivers::Bytes &w) {
                                                 return w.size() == 1024 && w[0] == 0x02 &&
                                                        w[1] == 0x07 && w[2] == key && w[3] == 1;
                                             }));
        });
    }
    std::size_t writes() {
        return hid->locked([&] { return deck->writes.size(); });
    }
    template<typename P>
    bool until(P done, int ms) {
        const auto end = Clock::now() + std::chrono::milliseconds(ms);
        while (!done()) {
            if (Clock::now() > end)
                return false;
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
        }
        return true;
    }
    void press(int key) {
        opswall::drivers::Bytes down(512, 0), up(512, 0);
        down[0] = up[0] = 0x01;
        down[2] = up[2] = 15;
        down[4 + std::size_t(key)] = 1;
        hid->press(deck, down);
        hid->press(deck, up);
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
    QGuiApplication app(argc, argv); // key faces are drawn with fonts
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
    const QStringList presets = paneltest::presetIds(wall);
    if (presets.size() < 2) {
        std::fprintf(stderr, "the demo needs two presets\n");
        return 1;
    }
    const int a = presets[0].toInt();
    const int b = presets[1].toInt();
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
                       opswall::testsupport::presetRecallButton(0, a, QStringLiteral("A")),
                       opswall::testsupport::presetRecallButton(1, b, QStringLiteral("B"))}}}}}}}}};
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
    UsbDeckPath usb(wall, a, b);
    if (!usb.until([&] { return usb.faces(1) > 0; }, 15000)) {
        std::fprintf(stderr, "the USB deck got no faces\n");
        return 1;
    }

    // The three paths interleaved, so the machine's load falls on each alike; every press
    // recalls the preset that is not on the wall.
    std::vector<double> api, osc, sd, usbIn, usbFace;
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
        // Stream Deck USB (HID fake): key report -> submitted; -> the lit face written.
        {
            const bool toA = next();
            const int key = toA ? 0 : 1;
            usb.shown(toA ? b : a); // the wall shows the other one now (the paths above)
            for (int settle = 0; settle < 50; ++settle) {
                const std::size_t written = usb.writes();
                usb.until([] { return false; }, 100);
                if (usb.writes() == written)
                    break;
            }
            const std::size_t before = usb.faces(key);
            const auto t0 = Clock::now();
            usb.submittedAt = {};
            usb.press(key);
            if (!usb.until([&] { return usb.faces(key) > before; }, 10000) ||
                usb.submittedAt < t0) {
                std::fprintf(stderr, "no lit face for USB key %d\n", key);
                return 1;
            }
            usbFace.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
            usbIn.push_back(
                std::chrono::duration<double, std::milli>(usb.submittedAt - t0).count());
        }
    }
    wall.stop();

    const Stats base = stats(api), o = stats(osc), s = stats(sd), ui = stats(usbIn),
                uf = stats(usbFace);
    std::printf("button press to wall change, real opswall (offscreen), %d alternating recalls\n",
                n);
    std::printf("%-46s %9s %9s\n", "path", "p50 ms", "p99 ms");
    std::printf("%-46s %9.2f %9.2f  (baseline)\n", "HTTP API recall -> 200", base.p50, base.p99);
    std::printf("%-46s %9.2f %9.2f  (x%.2f of baseline p50)\n",
                "OSC UDP recall -> /opswall/preset/active", o.p50, o.p99, o.p50 / base.p50);
    std::printf("%-46s %9.2f %9.2f  (x%.2f of baseline p50)\n",
                "Stream Deck TCP key -> lit key face at deck", s.p50, s.p99, s.p50 / base.p50);
    std::printf("%-46s %9.2f %9.2f  (USB input path alone)\n",
                "Stream Deck USB (HID fake) key -> submitted", ui.p50, ui.p99);
    std::printf("%-46s %9.2f %9.2f  (x%.2f of baseline p50)\n",
                "Stream Deck USB key -> recall -> lit face out", uf.p50, uf.p99, uf.p50 / base.p50);
    return 0;
}
