// OSC codec and listener: the golden vectors of PROTOCOLS.md section 10 (encoded by npm `osc`
// 2.4.5, the first rows also decoded by liblo's oscdump), both TCP framings fed whole, split and
// byte by byte, address patterns, malformed packets refused with a reason, and the listener on
// loopback (UDP and TCP on one port, allow-list, feedback to the tablets that talked to it).
#include "check.h"
#include "osc.h"
#include "oscserver.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>

#include <array>
#include <chrono>
#include <mutex>
#include <thread>

using namespace opswall::drivers;
using namespace opswall::drivers::osc;

namespace {
Bytes hex(const char *h) {
    return fromHex(h).value();
}

std::vector<Message> decodeOk(const Bytes &b) {
    auto d = decode(b);
    if (const Error *e = std::get_if<Error>(&d)) {
        check::fail(__FILE__, __LINE__, "decode failed: " + e->what);
        return {};
    }
    return std::get<std::vector<Message>>(d);
}

std::string decodeError(const Bytes &b, const Limits &limits = {}) {
    auto d = decode(b, limits);
    if (const Error *e = std::get_if<Error>(&d))
        return e->what;
    return "";
}

const char *kPresetHello = "2f77616c6c2f707265736574000000002c6973000000000368656c6c6f000000";
const char *kPush1 = "2f312f7075736831000000002c6600003f800000";
const char *kBundle = "2362756e646c650000000000000000010000000c2f6100002c6600003f800000";

// Everything the decoder yields for `bytes` fed in chunks of `chunk`.
std::vector<Bytes> feed(StreamDecoder &d, const Bytes &bytes, std::size_t chunk, int *errors) {
    std::vector<Bytes> out;
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
        d.push(bytes.data() + i, std::min(chunk, bytes.size() - i));
        for (;;) {
            auto n = d.next();
            if (std::holds_alternative<NeedMore>(n))
                break;
            if (std::holds_alternative<Error>(n)) {
                ++*errors;
                return out;
            }
            out.push_back(std::get<Bytes>(n));
        }
    }
    return out;
}
} // namespace

TEST_CASE("golden: message with int and string decodes and re-encodes byte for byte") {
    const auto msgs = decodeOk(hex(kPresetHello));
    EXPECT_EQ(msgs.size(), std::size_t(1));
    if (msgs.size() != 1)
        return;
    EXPECT_EQ(msgs[0].address, std::string("/wall/preset"));
    EXPECT_EQ(msgs[0].typeTags(), std::string(",is"));
    EXPECT_EQ(msgs[0].args[0].i, std::int64_t(3));
    EXPECT_EQ(msgs[0].args[1].s, std::string("hello"));
    EXPECT_EQ(toHex(encode(msgs[0])), toHex(hex(kPresetHello)));
    Message m{"/wall/preset", {Arg::int32(3), Arg::string("hello")}};
    EXPECT_EQ(toHex(encode(m)), toHex(hex(kPresetHello)));
}

TEST_CASE("golden: float message and TouchOSC's 1.0 button press as a whole number") {
    const auto msgs = decodeOk(hex(kPush1));
    EXPECT_EQ(msgs.size(), std::size_t(1));
    if (msgs.empty())
        return;
    EXPECT_EQ(msgs[0].address, std::string("/1/push1"));
    EXPECT_TRUE(msgs[0].args[0].type == ArgType::Float32);
    EXPECT_TRUE(msgs[0].args[0].asInt() == std::optional<std::int64_t>(1));
    EXPECT_EQ(toHex(encode(Message{"/1/push1", {Arg::float32(1.0f)}})), toHex(hex(kPush1)));
    EXPECT_TRUE(!Arg::float32(1.5f).asInt());
    EXPECT_TRUE(!Arg::string("1").asInt());
}

TEST_CASE("golden: immediate bundle is flattened; encodeBundle matches npm osc") {
    const auto msgs = decodeOk(hex(kBundle));
    EXPECT_EQ(msgs.size(), std::size_t(1));
    if (msgs.empty())
        return;
    EXPECT_EQ(msgs[0].address, std::string("/a"));
    EXPECT_EQ(toHex(encodeBundle({Message{"/a", {Arg::float32(1.0f)}}})), toHex(hex(kBundle)));
    // Nested bundles flatten in order.
    const Bytes inner = encodeBundle({Message{"/b", {}}, Message{"/c", {Arg::int32(7)}}});
    Bytes outer = hex("2362756e646c65000000000000000001");
    const Bytes first = encode(Message{"/a", {}});
    for (const Bytes *e : {&first, &inner}) {
        const auto n = std::uint32_t(e->size());
        outer.insert(outer.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16),
                                   std::uint8_t(n >> 8), std::uint8_t(n)});
        outer.insert(outer.end(), e->begin(), e->end());
    }
    const auto flat = decodeOk(outer);
    EXPECT_EQ(flat.size(), std::size_t(3));
    if (flat.size() == 3) {
        EXPECT_EQ(flat[0].address, std::string("/a"));
        EXPECT_EQ(flat[2].address, std::string("/c"));
        EXPECT_EQ(flat[2].args[0].i, std::int64_t(7));
    }
}

TEST_CASE("every argument type round-trips") {
    Message m{"/all", {}};
    m.args.push_back(Arg::int32(-5));
    m.args.push_back(Arg::float32(0.25f));
    m.args.push_back(Arg::string("Hà Nội"));
    m.args.push_back(Arg::blobOf({1, 2, 3, 4, 5}));
    m.args.push_back(Arg{ArgType::Int64, -1234567890123LL, 0, {}, {}});
    m.args.push_back(Arg{ArgType::Double, 0, 2.5, {}, {}});
    m.args.push_back(Arg{ArgType::True, 1, 0, {}, {}});
    m.args.push_back(Arg{ArgType::False, 0, 0, {}, {}});
    m.args.push_back(Arg{ArgType::Nil, 0, 0, {}, {}});
    m.args.push_back(Arg{ArgType::Impulse, 0, 0, {}, {}});
    const Bytes b = encode(m);
    EXPECT_EQ(b.size() % 4, std::size_t(0));
    const auto back = decodeOk(b);
    EXPECT_EQ(back.size(), std::size_t(1));
    if (back.empty())
        return;
    EXPECT_EQ(back[0].typeTags(), std::string(",ifsbhdTFNI"));
    EXPECT_EQ(back[0].args[0].i, std::int64_t(-5));
    EXPECT_TRUE(back[0].args[1].f == 0.25);
    EXPECT_EQ(back[0].args[2].s, std::string("Hà Nội"));
    EXPECT_TRUE(back[0].args[3].blob == Bytes({1, 2, 3, 4, 5}));
    EXPECT_EQ(back[0].args[4].i, std::int64_t(-1234567890123LL));
    EXPECT_TRUE(back[0].args[5].f == 2.5);
    EXPECT_TRUE(back[0].args[6].asInt() == std::optional<std::int64_t>(1));
    EXPECT_TRUE(back[0].args[7].asInt() == std::optional<std::int64_t>(0));
}

TEST_CASE("old senders without type tags: a message without arguments") {
    const auto msgs = decodeOk(hex("2f70696e67000000")); // "/ping"
    EXPECT_EQ(msgs.size(), std::size_t(1));
    if (!msgs.empty())
        EXPECT_TRUE(msgs[0].args.empty());
}

TEST_CASE("malformed packets are refused with a reason, never a crash") {
    EXPECT_EQ(decodeError({}), std::string("empty packet"));
    EXPECT_TRUE(decodeError(hex("2f6100")).find("multiple of 4") != std::string::npos);
    EXPECT_TRUE(decodeError(hex("78797a00")).find("starts with '/'") != std::string::npos);
    // Address without a NUL.
    EXPECT_TRUE(decodeError(hex("2f616263")).find("NUL") != std::string::npos);
    // Int argument cut short: ",i" but no 4 bytes.
    EXPECT_TRUE(decodeError(hex("2f6100002c690000")).find("past the end") != std::string::npos);
    // Blob claiming 1 GiB.
    EXPECT_TRUE(decodeError(hex("2f6100002c62000040000000")).find("blob") != std::string::npos);
    // Unknown type tag 'z'.
    EXPECT_TRUE(decodeError(hex("2f6100002c7a0000")).find("unknown type tag") != std::string::npos);
    // Arrays are refused.
    EXPECT_TRUE(decodeError(hex("2f6100002c5b5d00")).find("array") != std::string::npos);
    // Trailing garbage after the arguments.
    EXPECT_TRUE(decodeError(hex("2f6100002c00000001020304")).find("after the last") !=
                std::string::npos);
    // Padding that is not NUL.
    EXPECT_TRUE(decodeError(hex("2f610001")).find("padding") != std::string::npos);
    // A bundle element whose size runs past the end.
    EXPECT_TRUE(decodeError(hex("2362756e646c6500000000000000000100000100")).find("element") !=
                std::string::npos);
    // Over the packet limit.
    Limits small;
    small.maxPacketBytes = 16;
    EXPECT_TRUE(decodeError(hex(kPresetHello), small).find("over the limit") != std::string::npos);
    // Too many messages in a bundle.
    Limits few;
    few.maxMessages = 2;
    const Bytes three = encodeBundle({Message{"/a", {}}, Message{"/b", {}}, Message{"/c", {}}});
    EXPECT_TRUE(decodeError(three, few).find("messages") != std::string::npos);
    // Bundles nested past the depth limit.
    Bytes nested = encode(Message{"/x", {}});
    for (int i = 0; i < 6; ++i) {
        Bytes b = hex("2362756e646c65000000000000000001");
        const auto n = std::uint32_t(nested.size());
        b.insert(b.end(), {std::uint8_t(n >> 24), std::uint8_t(n >> 16), std::uint8_t(n >> 8),
                           std::uint8_t(n)});
        b.insert(b.end(), nested.begin(), nested.end());
        nested = b;
    }
    EXPECT_TRUE(decodeError(nested).find("nested") != std::string::npos);
}

TEST_CASE("encode refuses what a strict peer would refuse") {
    EXPECT_TRUE(encode(Message{"no-slash", {}}).empty());
    EXPECT_TRUE(encode(Message{"/with space", {}}).empty());
    EXPECT_TRUE(encode(Message{"/pattern/*", {}}).empty());
    EXPECT_TRUE(encode(Message{"/nul", {Arg::string(std::string("a\0b", 3))}}).empty());
    EXPECT_TRUE(validate(Message{"/opswall/preset/active", {Arg::int32(3)}}) == std::nullopt);
}

TEST_CASE("address patterns: OSC 1.0 wildcards and 1.1 path traversal") {
    const std::string a = "/opswall/preset/recall";
    EXPECT_TRUE(matches(a, a));
    EXPECT_TRUE(matches("/opswall/preset/*", a));
    EXPECT_TRUE(matches("/opswall/*/recall", a));
    EXPECT_TRUE(matches("/opswall/preset/rec?ll", a));
    EXPECT_TRUE(matches("/opswall/preset/[qr]ecall", a));
    EXPECT_TRUE(matches("/opswall/preset/[a-z]ecall", a));
    EXPECT_TRUE(matches("/opswall/preset/[!x]ecall", a));
    EXPECT_TRUE(matches("/opswall/{briefing,preset}/recall", a));
    EXPECT_TRUE(matches("//recall", a));
    EXPECT_TRUE(matches("/opswall//recall", a));
    EXPECT_TRUE(matches("/*/*/*", a));
    EXPECT_TRUE(!matches("/opswall/*", a)); // '*' stays within one level
    EXPECT_TRUE(!matches("/opswall/preset/[!r]ecall", a));
    EXPECT_TRUE(!matches("/opswall/preset/recal", a));
    EXPECT_TRUE(!matches("/opswall/preset/recall/x", a));
    EXPECT_TRUE(!matches("/opswall/{briefing,blank}/recall", a));
    EXPECT_TRUE(!matches("/opswall/preset/[abc", a)); // unclosed: no match, no crash
    EXPECT_TRUE(!matches("/opswall/{preset/recall", a));
    EXPECT_TRUE(!matches("opswall/preset/recall", a));
    // A pathological pattern stays cheap (memoised).
    EXPECT_TRUE(!matches("/" + std::string(200, '*') + "x", "/" + std::string(200, 'a')));
}

TEST_CASE("TCP framings: detected from the first byte, whole, split and byte by byte") {
    const Bytes pkt = hex(kPresetHello);
    const Bytes two = hex("2fc0db00"); // a packet holding both SLIP special bytes
    EXPECT_EQ(toHex(frame(Framing::Slip, hex("2fc0db"))), std::string("C0 2F DB DC DB DD C0"));
    for (Framing f : {Framing::LengthPrefix, Framing::Slip}) {
        Bytes stream = frame(f, pkt);
        const Bytes second = frame(f, two);
        stream.insert(stream.end(), second.begin(), second.end());
        for (std::size_t chunk : {stream.size(), std::size_t(1), std::size_t(3), std::size_t(7)}) {
            StreamDecoder d;
            int errors = 0;
            const auto packets = feed(d, stream, chunk, &errors);
            EXPECT_EQ(errors, 0);
            EXPECT_TRUE(d.framing() == f);
            EXPECT_EQ(packets.size(), std::size_t(2));
            if (packets.size() == 2) {
                EXPECT_EQ(toHex(packets[0]), toHex(pkt));
                EXPECT_EQ(toHex(packets[1]), toHex(two));
            }
        }
    }
    // Golden: the SLIP-framed message of PROTOCOLS.md.
    EXPECT_EQ(toHex(frame(Framing::Slip, pkt)), "C0 " + toHex(pkt) + " C0");
}

TEST_CASE("TCP framings: a hostile length or a bad escape breaks the stream, bounded") {
    {
        StreamDecoder d(1024);
        int errors = 0;
        feed(d, hex("7fffffff00000000"), 8, &errors);
        EXPECT_EQ(errors, 1);
    }
    {
        StreamDecoder d;
        int errors = 0;
        feed(d, hex("c02fdb01c0"), 5, &errors);
        EXPECT_EQ(errors, 1);
    }
    {
        StreamDecoder d(64);
        int errors = 0;
        Bytes endless(1, 0xC0);
        endless.insert(endless.end(), 200, 0x41);
        feed(d, endless, 1, &errors);
        EXPECT_EQ(errors, 1);
    }
}

namespace {
namespace asio = boost::asio;
using asio::ip::tcp;
using asio::ip::udp;

// The listener on its own io thread, with what it saw.
struct Rig {
    asio::io_context io;
    std::shared_ptr<OscServer> server;
    std::mutex mutex;
    std::vector<std::string> messages;
    std::vector<std::string> drops;
    std::vector<std::string> newPeers;
    std::thread thread;
    asio::executor_work_guard<asio::io_context::executor_type> work{io.get_executor()};

    explicit Rig(ServerSettings s) {
        server = OscServer::create(
            io, std::move(s),
            [this](const Message &m, const Peer &p) {
                std::lock_guard lock(mutex);
                messages.push_back(p.describe().substr(0, 3) + " " + m.describe());
            },
            [this](const std::string &why, const Peer &) {
                std::lock_guard lock(mutex);
                drops.push_back(why);
            },
            [this](const Peer &p) {
                std::lock_guard lock(mutex);
                newPeers.push_back(p.describe());
            });
    }
    bool start() {
        std::string error;
        const bool ok = server->start(&error);
        if (!ok)
            std::fprintf(stderr, "start: %s\n", error.c_str());
        thread = std::thread([this] { io.run(); });
        return ok;
    }
    ~Rig() {
        asio::post(io, [this] { server->stop(); });
        work.reset();
        io.stop();
        thread.join();
    }
    template<typename F>
    bool waitFor(F done, int ms = 3000) {
        return check::waitLocked(mutex, done, ms);
    }
    void sendToPeers(const Message &m) {
        asio::post(io, [this, m] { server->sendToPeers(m); });
    }
};
} // namespace

TEST_CASE("listener: UDP and TCP (both framings) on one port; feedback to each tablet") {
    Rig rig(ServerSettings{});
    EXPECT_TRUE(rig.start());
    const unsigned short port = rig.server->port();
    EXPECT_TRUE(port != 0);

    asio::io_context client;
    udp::socket tablet(client, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const udp::endpoint wall(asio::ip::make_address("127.0.0.1"), port);
    const Bytes recall = encode(Message{"/opswall/preset/recall", {Arg::int32(3)}});
    tablet.send_to(asio::buffer(recall), wall);
    EXPECT_TRUE(rig.waitFor([&] { return rig.messages.size() == 1; }));

    tcp::socket slip(client), prefixed(client), silent(client);
    silent.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    slip.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    prefixed.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    const Bytes next = encode(Message{"/opswall/briefing/next", {}});
    asio::write(slip, asio::buffer(frame(Framing::Slip, next)));
    asio::write(prefixed, asio::buffer(frame(Framing::LengthPrefix, next)));
    EXPECT_TRUE(rig.waitFor([&] { return rig.messages.size() == 3; }));
    {
        std::lock_guard lock(rig.mutex);
        EXPECT_EQ(rig.messages[0], std::string("udp /opswall/preset/recall ,i 3"));
        EXPECT_EQ(rig.messages[1], std::string("tcp /opswall/briefing/next ,"));
        EXPECT_EQ(rig.drops.size(), std::size_t(0));
        EXPECT_EQ(rig.newPeers.size(), std::size_t(3));
    }

    // Feedback: the UDP tablet gets a datagram, each TCP tablet a frame in its own framing.
    const Message active{"/opswall/preset/active", {Arg::int32(3)}};
    rig.sendToPeers(active);
    std::array<std::uint8_t, 512> buf{};
    udp::endpoint from;
    const std::size_t n = tablet.receive_from(asio::buffer(buf), from);
    EXPECT_EQ(toHex(Bytes(buf.begin(), buf.begin() + std::ptrdiff_t(n))), toHex(encode(active)));
    EXPECT_EQ(from.port(), port);
    const Bytes slipExpected = frame(Framing::Slip, encode(active));
    Bytes got(slipExpected.size());
    asio::read(slip, asio::buffer(got));
    EXPECT_EQ(toHex(got), toHex(slipExpected));
    const Bytes lpExpected = frame(Framing::LengthPrefix, encode(active));
    got.assign(lpExpected.size(), 0);
    asio::read(prefixed, asio::buffer(got));
    EXPECT_EQ(toHex(got), toHex(lpExpected));
    // A connection that never talked is no tablet: its framing is unknown, it gets nothing.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    EXPECT_EQ(silent.available(), std::size_t(0));
}

TEST_CASE("listener: malformed input is dropped with a reason and the listener keeps serving") {
    Rig rig(ServerSettings{});
    EXPECT_TRUE(rig.start());
    const unsigned short port = rig.server->port();
    asio::io_context client;
    udp::socket tablet(client, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    const udp::endpoint wall(asio::ip::make_address("127.0.0.1"), port);
    tablet.send_to(asio::buffer(hex("2f6100002c690000")), wall); // int cut short
    tcp::socket bad(client);
    bad.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    asio::write(bad, asio::buffer(hex("7fffffff"))); // 2 GiB frame length
    EXPECT_TRUE(rig.waitFor([&] { return rig.drops.size() == 2; }));
    // The hostile connection was closed by the wall.
    std::array<std::uint8_t, 4> b{};
    boost::system::error_code ec;
    bad.read_some(asio::buffer(b), ec);
    EXPECT_TRUE(ec == asio::error::eof || ec == asio::error::connection_reset);
    // A good packet still goes through, and the malformed one did not make a feedback target.
    tablet.send_to(asio::buffer(encode(Message{"/ok", {}})), wall);
    EXPECT_TRUE(rig.waitFor([&] { return rig.messages.size() == 1; }));
    std::lock_guard lock(rig.mutex);
    EXPECT_TRUE(rig.drops[0].find("malformed packet") != std::string::npos);
    EXPECT_TRUE(rig.drops[1].find("broken stream") != std::string::npos);
    EXPECT_EQ(rig.server->udpPeerCount(), std::size_t(1));
}

TEST_CASE("listener: sources outside the allow-list are dropped before decoding") {
    ServerSettings s;
    s.allow = {"10.1.2.0/24"};
    Rig rig(s);
    EXPECT_TRUE(rig.start());
    asio::io_context client;
    udp::socket tablet(client, udp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    tablet.send_to(asio::buffer(encode(Message{"/opswall/preset/recall", {Arg::int32(1)}})),
                   udp::endpoint(asio::ip::make_address("127.0.0.1"), rig.server->port()));
    tcp::socket t(client);
    t.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), rig.server->port()));
    EXPECT_TRUE(rig.waitFor([&] { return rig.drops.size() == 2; }));
    std::lock_guard lock(rig.mutex);
    EXPECT_TRUE(rig.messages.empty());
    EXPECT_TRUE(rig.drops[0].find("not allowed") != std::string::npos);
    EXPECT_EQ(rig.server->udpPeerCount(), std::size_t(0));
}

TEST_CASE("listener settings: a bad allow entry or feedback target is named") {
    ServerSettings s;
    s.allow = {"127.0.0.1", "10.0.0.0/33"};
    EXPECT_TRUE(validateSettings(s).find("allow[1]") == 0);
    s.allow = {"::1", "fe80::/10", "10.0.0.7"};
    s.feedbackTo = {"10.0.0.7"};
    EXPECT_TRUE(validateSettings(s).find("feedbackTo[0]") == 0);
    s.feedbackTo = {"10.0.0.7:9001", "[::1]:9000"};
    EXPECT_EQ(validateSettings(s), std::string());
}

CHECK_MAIN
