// Stream Deck: the golden vectors of PROTOCOLS.md sections 7 and 8 (from @elgato-stream-deck/core
// 7.3.2 driven with a fake HID device, and the wire log of the real tcp client), key reports of
// both generations, image packets, Cora and legacy framing split and resynchronised; then our
// host-side TcpClient against the simulated Studio on loopback: ready with model and serial, key
// presses, pictures and brightness arriving, reconnect after the device drops the connection.
#include "check.h"
#include "streamdeck.h"
#include "streamdeck_sim.h"
#include "streamdeck_tcp.h"

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <chrono>
#include <mutex>
#include <thread>

using namespace opswall::drivers;
using namespace opswall::drivers::streamdeck;

namespace {
Bytes hex(const char *h) {
    return fromHex(h).value();
}
const Model &model(const char *name) {
    return *modelByName(name);
}
} // namespace

TEST_CASE("golden: MK.2 brightness 50 is feature 03 08 32 padded to 32 bytes") {
    const Bytes b = brightnessReport(model("mk2"), 50);
    EXPECT_EQ(b.size(), std::size_t(32));
    EXPECT_EQ(toHex(Bytes(b.begin(), b.begin() + 4)), std::string("03 08 32 00"));
    EXPECT_EQ(toHex(brightnessReport(model("mk2"), 250)).substr(0, 8), std::string("03 08 64"));
    EXPECT_EQ(toHex(resetReport(model("studio"))).substr(0, 5), std::string("03 02"));
    // Gen 1: 05 55 AA D1 01 pct, 17 bytes; reset 0B 63.
    const Bytes g1 = brightnessReport(model("original"), 42);
    EXPECT_EQ(g1.size(), std::size_t(17));
    EXPECT_EQ(toHex(Bytes(g1.begin(), g1.begin() + 6)), std::string("05 55 AA D1 01 2A"));
    EXPECT_EQ(toHex(resetReport(model("mini"))).substr(0, 5), std::string("0B 63"));
}

TEST_CASE("golden: a 731-byte JPEG on MK.2 key 0 is one 1024-byte report 02 07 00 01 DB 02 00 00") {
    Bytes jpeg(731, 0x55);
    jpeg.front() = 0xFF;
    const auto reports = keyImageReports(model("mk2"), 0, jpeg);
    EXPECT_EQ(reports.size(), std::size_t(1));
    if (reports.size() != 1)
        return;
    EXPECT_EQ(reports[0].size(), std::size_t(1024));
    EXPECT_EQ(toHex(Bytes(reports[0].begin(), reports[0].begin() + 8)),
              std::string("02 07 00 01 DB 02 00 00"));
    EXPECT_TRUE(std::equal(jpeg.begin(), jpeg.end(), reports[0].begin() + 8));
}

TEST_CASE("key images: pages, last flag, reassembly; refusals") {
    Bytes big(2500);
    for (std::size_t i = 0; i < big.size(); ++i)
        big[i] = std::uint8_t(i * 7);
    const auto reports = keyImageReports(model("studio"), 31, big);
    EXPECT_EQ(reports.size(), std::size_t(3)); // 1016 + 1016 + 468
    if (reports.size() == 3) {
        EXPECT_EQ(toHex(Bytes(reports[1].begin(), reports[1].begin() + 8)),
                  std::string("02 07 1F 00 F8 03 01 00"));
        EXPECT_EQ(toHex(Bytes(reports[2].begin(), reports[2].begin() + 8)),
                  std::string("02 07 1F 01 D4 01 02 00"));
    }
    KeyImageAssembler a;
    std::optional<KeyImageAssembler::Image> got;
    for (const Bytes &r : reports)
        got = a.push(r.data(), r.size());
    EXPECT_TRUE(got.has_value());
    if (got) {
        EXPECT_EQ(got->key, 31);
        EXPECT_TRUE(got->bytes == big);
    }
    // A lost middle page: nothing assembled, and the next picture still comes through.
    KeyImageAssembler b;
    EXPECT_TRUE(!b.push(reports[0].data(), reports[0].size()));
    EXPECT_TRUE(!b.push(reports[2].data(), reports[2].size()));
    for (const Bytes &r : reports)
        got = b.push(r.data(), r.size());
    EXPECT_TRUE(got && got->bytes == big);
    EXPECT_TRUE(keyImageReports(model("studio"), 32, big).empty());
    EXPECT_TRUE(keyImageReports(model("studio"), -1, big).empty());
    EXPECT_TRUE(keyImageReports(model("studio"), 0, Bytes(70000, 1)).empty());
    // Gen 1 Mini: 16-byte header 02 01 LE16(page) last key+1.
    const auto mini = keyImageReports(model("mini"), 2, Bytes(1500, 9));
    EXPECT_EQ(mini.size(), std::size_t(2));
    if (mini.size() == 2)
        EXPECT_EQ(toHex(Bytes(mini[1].begin(), mini[1].begin() + 6)),
                  std::string("02 01 01 00 01 03"));
    // Original: two 8191-byte packets, pages 1 and 2.
    const auto original = keyImageReports(model("original"), 0, Bytes(15606, 1));
    EXPECT_EQ(original.size(), std::size_t(2));
    if (original.size() == 2) {
        EXPECT_EQ(original[0].size(), std::size_t(8191));
        EXPECT_EQ(toHex(Bytes(original[1].begin(), original[1].begin() + 6)),
                  std::string("02 01 02 00 01 01"));
    }
}

TEST_CASE("key reports: gen 2 offsets, the Original's right-to-left rows, other reports") {
    KeyTracker studio(model("studio"));
    // Wire log: 01 00 20 00 ... with byte 9 = 1 -> key 5 down (PROTOCOLS.md section 8).
    Bytes r(36, 0);
    r[0] = 0x01;
    r[2] = 0x20;
    r[9] = 1;
    auto e = studio.update(r.data(), r.size());
    EXPECT_EQ(e.size(), std::size_t(1));
    if (!e.empty()) {
        EXPECT_EQ(e[0].key, 5);
        EXPECT_TRUE(e[0].pressed);
    }
    EXPECT_TRUE(studio.update(r.data(), r.size()).empty()); // no change, no event
    r[9] = 0;
    e = studio.update(r.data(), r.size());
    EXPECT_TRUE(e.size() == 1 && !e[0].pressed);
    // An encoder report (01 03 ...) is not a key report.
    Bytes enc(36, 0);
    enc[0] = 0x01;
    enc[1] = 0x03;
    enc[5] = 1;
    EXPECT_TRUE(studio.update(enc.data(), enc.size()).empty());
    // Too short: ignored, no crash.
    EXPECT_TRUE(studio.update(r.data(), 10).empty());
    // Original: keys right to left: the first state byte is the top-right key (4).
    KeyTracker original(model("original"));
    Bytes o(16, 0);
    o[0] = 0x01;
    o[1] = 1;
    e = original.update(o.data(), o.size());
    EXPECT_TRUE(e.size() == 1 && e[0].key == 4);
}

TEST_CASE("models: ids, sizes and the transform each needs") {
    EXPECT_TRUE(modelForProductId(0x00AA) == modelByName("studio"));
    EXPECT_EQ(model("studio").keyCount(), 32);
    EXPECT_TRUE(model("studio").transform == ImageTransform::None);
    EXPECT_TRUE(model("mk2").transform == ImageTransform::Rotate180);
    EXPECT_TRUE(model("original").format == ImageFormat::Bmp);
    EXPECT_TRUE(modelForProductId(0x1234) == nullptr);
}

TEST_CASE("Cora: header, keepalive answer, split input, resync, legacy blocks") {
    cora::Message m;
    m.flags = cora::kVerbatim;
    m.op = cora::HidOp::SendReport;
    m.id = 0x01020304;
    m.payload = {0x03, 0x08, 0x2A};
    EXPECT_EQ(toHex(cora::encode(cora::Framing::Cora, m)),
              std::string("43 93 8A 41 00 80 01 00 04 03 02 01 03 00 00 00 03 08 2A"));
    // Keepalive with connection number 7 -> ACK 03 1A 07, 32 bytes, same id and op.
    const cora::Message ka = cora::keepAlive(7, 99);
    const cora::Message ack = cora::keepAliveAck(ka);
    EXPECT_EQ(ack.flags, cora::kAckNak);
    EXPECT_EQ(ack.id, std::uint32_t(99));
    EXPECT_EQ(ack.payload.size(), std::size_t(32));
    EXPECT_EQ(toHex(Bytes(ack.payload.begin(), ack.payload.begin() + 3)), std::string("03 1A 07"));

    Bytes stream = hex("deadbeef"); // garbage before the first message: skipped
    const Bytes one = cora::encode(cora::Framing::Cora, ka);
    const Bytes two = cora::encode(cora::Framing::Cora, cora::serialAnswer(5, "AB12"));
    stream.insert(stream.end(), one.begin(), one.end());
    stream.insert(stream.end(), two.begin(), two.end());
    for (std::size_t chunk : {std::size_t(1), std::size_t(5), stream.size()}) {
        cora::Decoder d(true);
        d.setFraming(cora::Framing::Cora);
        std::vector<cora::Message> got;
        for (std::size_t i = 0; i < stream.size(); i += chunk) {
            d.push(stream.data() + i, std::min(chunk, stream.size() - i));
            for (;;) {
                auto n = d.next();
                if (!std::holds_alternative<cora::Message>(n))
                    break;
                got.push_back(std::get<cora::Message>(n));
            }
        }
        EXPECT_EQ(got.size(), std::size_t(2));
        if (got.size() == 2) {
            EXPECT_TRUE(cora::isKeepAlive(got[0]));
            EXPECT_TRUE(cora::parseSerial(got[1].payload) == std::optional<std::string>("AB12"));
        }
    }
    // Detection from the first bytes (host side): Cora magic, or the legacy keepalive.
    cora::Decoder legacy(true);
    const Bytes block = cora::encode(cora::Framing::Legacy, ka, cora::kLegacyToHost);
    EXPECT_EQ(block.size(), std::size_t(512));
    legacy.push(block.data(), block.size());
    auto n = legacy.next();
    EXPECT_TRUE(legacy.framing() == cora::Framing::Legacy);
    EXPECT_TRUE(std::holds_alternative<cora::Message>(n) &&
                cora::isKeepAlive(std::get<cora::Message>(n)));
    cora::Decoder junk(true);
    const Bytes http = toBytes("HTTP/1.1 200 OK");
    junk.push(http.data(), http.size());
    EXPECT_TRUE(std::holds_alternative<cora::Error>(junk.next()));
    // A hostile length is refused and the decoder moves on.
    cora::Decoder big(true);
    big.setFraming(cora::Framing::Cora);
    const Bytes huge = hex("43938A41000000000000000000FFFFFF");
    big.push(huge.data(), huge.size());
    EXPECT_TRUE(std::holds_alternative<cora::Error>(big.next()));
}

TEST_CASE("child info: attached deck on its own port, and a dock with nothing attached") {
    const auto info =
        cora::parseChildInfo(cora::childInfo(0, true, kVendorId, 0x0080, "CHILD1", 40123).payload);
    EXPECT_TRUE(info && info->attached && info->productId == 0x0080 && info->tcpPort == 40123 &&
                info->serial == "CHILD1");
    const auto none = cora::parseChildInfo(cora::childInfo(0, false, 0, 0, "", 0).payload);
    EXPECT_TRUE(none && !none->attached);
    const auto ids = cora::parseDeviceInfo(cora::deviceInfoAnswer(1, kVendorId, 0x00AA).payload);
    EXPECT_TRUE(ids && ids->first == kVendorId && ids->second == 0x00AA);
}

namespace {
namespace asio = boost::asio;

// The simulated Studio and our client on one io thread, with what each saw.
struct Rig {
    asio::io_context io;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};
    std::shared_ptr<sim::StreamDeckSim> sim;
    std::shared_ptr<TcpClient> client;
    std::mutex mutex;
    std::vector<std::string> simEvents;
    std::vector<std::string> states;
    std::vector<std::string> keys;
    std::thread thread;

    explicit Rig(cora::Framing framing) {
        sim::StreamDeckSimSettings s;
        s.framing = framing;
        s.keepaliveMs = 200;
        s.serial = "OWTEST7";
        sim = sim::StreamDeckSim::create(io, s, [this](const std::string &line) {
            std::lock_guard lock(mutex);
            simEvents.push_back(line);
        });
        std::string error;
        EXPECT_TRUE(sim->start(&error));
        TcpClientSettings c;
        c.port = sim->port();
        c.silenceTimeoutMs = 1500;
        c.reconnect.initialDelayMs = 50;
        c.reconnect.maxDelayMs = 200;
        client = TcpClient::create(io, c);
        client->setCallbacks(
            [this](LinkState st, const DeviceInfo &info, const std::string &) {
                std::lock_guard lock(mutex);
                states.push_back(std::string(linkStateName(st)) +
                                 (st == LinkState::Ready ? " " + info.serial : ""));
            },
            [this](const KeyEvent &e) {
                std::lock_guard lock(mutex);
                keys.push_back((e.pressed ? "down " : "up ") + std::to_string(e.key));
            });
        asio::post(io, [this] { client->start(); });
        thread = std::thread([this] { io.run(); });
    }
    ~Rig() {
        asio::post(io, [this] {
            client->stop();
            sim->stop();
        });
        work.reset();
        thread.join();
    }
    template<typename F>
    bool waitFor(F done, int ms = 5000) {
        return check::waitLocked(mutex, done, ms);
    }
    bool simSaid(const std::string &line) {
        return std::find(simEvents.begin(), simEvents.end(), line) != simEvents.end();
    }
    int count(const std::vector<std::string> &v, const std::string &what) {
        return int(std::count(v.begin(), v.end(), what));
    }
};

void driveTheSimulator(cora::Framing framing) {
    Rig rig(framing);
    EXPECT_TRUE(rig.waitFor([&] { return rig.count(rig.states, "ready OWTEST7") == 1; }));
    asio::post(rig.io, [&] {
        rig.sim->press(7, true);
        rig.sim->press(7, false);
        rig.client->setBrightness(61);
        Bytes jpeg(900, 0x11);
        jpeg[0] = 0xFF;
        jpeg[1] = 0xD8;
        jpeg[898] = 0xFF;
        jpeg[899] = 0xD9;
        rig.client->setKeyImage(12, jpeg);
    });
    EXPECT_TRUE(rig.waitFor([&] { return rig.keys.size() == 2; }));
    EXPECT_TRUE(rig.waitFor([&] { return rig.simSaid("image 12 900 jpeg"); }));
    EXPECT_TRUE(rig.waitFor([&] { return rig.simSaid("brightness 61"); }));
    {
        std::lock_guard lock(rig.mutex);
        EXPECT_EQ(rig.keys.size(), std::size_t(2));
        if (rig.keys.size() == 2) {
            EXPECT_EQ(rig.keys[0], std::string("down 7"));
            EXPECT_EQ(rig.keys[1], std::string("up 7"));
        }
        EXPECT_TRUE(rig.client->keepalivesAnswered() >= 1);
    }
    // The device restarts: our client notices and comes back by itself.
    asio::post(rig.io, [&] { rig.sim->dropConnections(); });
    EXPECT_TRUE(rig.waitFor([&] { return rig.count(rig.states, "ready OWTEST7") == 2; }));
    EXPECT_TRUE(rig.waitFor([&] { return rig.simSaid("connected 2"); }));
}
} // namespace

TEST_CASE("client against the simulated Studio, Cora framing: ready, keys, pictures, restart") {
    driveTheSimulator(cora::Framing::Cora);
}

TEST_CASE("client against the simulated Studio, legacy framing: ready, keys, pictures, restart") {
    driveTheSimulator(cora::Framing::Legacy);
}

TEST_CASE("client: nothing listening is Disconnected with a reason, then retried") {
    asio::io_context io;
    TcpClientSettings c;
    {
        // A port with nothing on it: bind one and close it.
        asio::ip::tcp::acceptor a(io,
                                  asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        c.port = a.local_endpoint().port();
    }
    c.reconnect.initialDelayMs = 20;
    c.reconnect.maxDelayMs = 40;
    auto client = TcpClient::create(io, c);
    int disconnected = 0;
    std::string why;
    client->setCallbacks(
        [&](LinkState s, const DeviceInfo &, const std::string &w) {
            if (s == LinkState::Disconnected) {
                ++disconnected;
                why = w;
            }
        },
        [](const KeyEvent &) {});
    client->start();
    io.run_for(std::chrono::milliseconds(400));
    client->stop();
    EXPECT_TRUE(disconnected >= 3);
    EXPECT_TRUE(why.find("connect") != std::string::npos);
}

CHECK_MAIN
