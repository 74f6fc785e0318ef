// Link scheduling over the in-memory fake transport: one request in flight, gaps, timeouts,
// busy-window retries, ID matching on a daisy chain, reconnect policy, per-command connections,
// PJLink greeting/authentication. The peer is scripted per test.
#include "check.h"
#include "display.h"
#include "mdc.h"
#include "pjlink.h"

#include <boost/asio/io_context.hpp>

using namespace opswall::drivers;
using namespace std::chrono;
namespace asio = boost::asio;

namespace {

struct Rig {
    asio::io_context io;
    std::shared_ptr<FakeTransport> fake;
    std::shared_ptr<Link> link;

    Rig(ProtocolKind kind, FakeScript script, LinkSettings settings = {}) {
        fake = std::make_shared<FakeTransport>(io, std::move(script));
        link = Link::create(io, fake, makeProtocol(kind, ModelProfile::defaultFor(kind)),
                            std::move(settings));
    }
    // Runs until the callbacks are in (bounded: a stuck test fails instead of hanging).
    std::vector<Result> run(std::vector<std::pair<Command, Address>> commands) {
        std::vector<Result> results(commands.size());
        std::size_t left = commands.size();
        for (std::size_t i = 0; i < commands.size(); ++i)
            link->submit(commands[i].first, commands[i].second, [&, i](Result r) {
                results[i] = std::move(r);
                --left;
            });
        const auto until = steady_clock::now() + seconds(10);
        while (left > 0 && steady_clock::now() < until) {
            io.run_for(milliseconds(20));
            if (io.stopped())
                io.restart();
        }
        EXPECT_EQ(left, std::size_t(0));
        return results;
    }
};

LinkSettings fast(int gapMs = 0, int replyTimeoutMs = 300, int busyWindowMs = 0) {
    LinkSettings s;
    s.timing = Timing{gapMs, replyTimeoutMs, busyWindowMs, 20};
    s.reconnect.initialDelayMs = 10;
    s.reconnect.maxDelayMs = 40;
    s.reconnect.maxAttempts = 3;
    return s;
}

// An MDC peer that ACKs every request with the value 1 for its own ID.
std::vector<Bytes> mdcAck(const Bytes &w) {
    return {mdc::encodeAck(w[2], w[1], {1})};
}

// Line noise, then the ACK.
Bytes concatNoise(const Bytes &w) {
    Bytes all{0x00, 0x13, 0x37};
    const Bytes ack = mdcAck(w)[0];
    all.insert(all.end(), ack.begin(), ack.end());
    return all;
}

const Address id1 = Address::unicast(1);
} // namespace

TEST_CASE("one request in flight and the protocol's gap between sends") {
    FakeScript script;
    script.peer = mdcAck;
    script.replyDelayMs = 60;
    Rig rig(ProtocolKind::Mdc, script, fast(/*gapMs*/ 40));
    const auto results = rig.run({{Command::make(Op::PowerOn), id1},
                                  {Command::make(Op::PowerStatus), id1},
                                  {Command::make(Op::GetBrightness), id1}});
    for (const auto &r : results)
        EXPECT_TRUE(r.ok());
    const auto &w = rig.fake->written();
    EXPECT_EQ(w.size(), std::size_t(3));
    for (std::size_t i = 1; i < w.size(); ++i) // reply delay + gap must separate sends
        EXPECT_TRUE(w[i].at - w[i - 1].at >= milliseconds(95));
    EXPECT_EQ(results[1].value, int(PowerState::On));
}

TEST_CASE("reply timeout gives Timeout and the next command reconnects") {
    FakeScript script;
    script.peer = mdcAck;
    script.silent = true;
    Rig rig(ProtocolKind::Mdc, script, fast(0, 100));
    auto r = rig.run({{Command::make(Op::PowerStatus), id1}});
    EXPECT_TRUE(r[0].status == Status::Timeout);
    EXPECT_TRUE(r[0].error.find("within 100 ms") != std::string::npos);
    EXPECT_EQ(rig.link->stats().timeouts, 1);
    rig.fake->script().silent = false;
    r = rig.run({{Command::make(Op::PowerStatus), id1}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(rig.fake->opens(), 2);
}

TEST_CASE("busy window: NAKs after power-on are retried, outside it they fail") {
    int naks = 2;
    FakeScript script;
    script.peer = [&naks](const Bytes &w) -> std::vector<Bytes> {
        if (w[1] == mdc::cmd::Input && naks > 0) {
            --naks;
            return {mdc::encodeNak(w[2], w[1], 2)};
        }
        return mdcAck(w);
    };
    Rig rig(ProtocolKind::Mdc, script, fast(0, 300, /*busyWindowMs*/ 2000));
    auto r = rig.run({{Command::make(Op::PowerOn), id1}, {Command::input("hdmi2"), id1}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_TRUE(r[1].ok());
    EXPECT_EQ(rig.link->stats().retries, 2);

    naks = 1;
    Rig cold(ProtocolKind::Mdc, script, fast(0, 300, 2000));
    r = cold.run({{Command::input("hdmi2"), id1}});
    EXPECT_TRUE(r[0].status == Status::Nak);
    EXPECT_TRUE(r[0].error.find("NAK") != std::string::npos);
}

TEST_CASE("daisy chain: another panel's reply is skipped, ours is taken") {
    FakeScript script;
    script.peer = [](const Bytes &w) -> std::vector<Bytes> {
        return {mdc::encodeAck(std::uint8_t(w[2] + 1), w[1], {0}), mdc::encodeAck(w[2], w[1], {1})};
    };
    Rig rig(ProtocolKind::Mdc, script, fast());
    const auto r = rig.run({{Command::make(Op::PowerStatus), Address::unicast(3)}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(r[0].value, int(PowerState::On));
    EXPECT_TRUE(rig.link->stats().skippedFrames >= 1);
}

TEST_CASE("split and noisy replies are reassembled") {
    FakeScript script;
    script.peer = [](const Bytes &w) {
        Bytes all = concatNoise(w);
        std::vector<Bytes> chunks;
        for (auto b : all)
            chunks.push_back({b});
        return chunks;
    };
    Rig rig(ProtocolKind::Mdc, script, fast());
    const auto r = rig.run({{Command::make(Op::PowerStatus), id1}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_TRUE(rig.link->stats().skippedFrames >= 1);
}

TEST_CASE("connect failures back off then give up with Unreachable") {
    FakeScript script;
    script.peer = mdcAck;
    script.failConnects = 100;
    Rig rig(ProtocolKind::Mdc, script, fast());
    auto r = rig.run({{Command::make(Op::PowerOn), id1}});
    EXPECT_TRUE(r[0].status == Status::Unreachable);
    EXPECT_TRUE(r[0].error.find("3 attempts") != std::string::npos);
    EXPECT_EQ(rig.fake->opens(), 3);
    rig.fake->script().failConnects = 1;
    r = rig.run({{Command::make(Op::PowerOn), id1}});
    EXPECT_TRUE(r[0].ok());
}

TEST_CASE("peer hangs up mid-request: reconnect and resend") {
    FakeScript script;
    script.peer = mdcAck;
    script.closeAfterWrites = 1;
    Rig rig(ProtocolKind::Mdc, script, fast());
    const auto r = rig.run({{Command::make(Op::PowerOn), id1}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_EQ(rig.fake->opens(), 2);
    EXPECT_EQ(rig.fake->written().size(), std::size_t(2));
}

TEST_CASE("per-command connection opens and closes around each command") {
    FakeScript script;
    script.peer = [](const Bytes &) { return std::vector<Bytes>{toBytes("a 01 OK01x")}; };
    auto settings = fast();
    settings.connection = Connection::PerCommand;
    Rig rig(ProtocolKind::Lg, script, settings);
    const auto r = rig.run({{Command::make(Op::PowerOn), id1}, {Command::make(Op::PowerOn), id1}});
    EXPECT_TRUE(r[0].ok() && r[1].ok());
    EXPECT_EQ(rig.fake->opens(), 2);
    EXPECT_TRUE(!rig.fake->isOpen());
}

TEST_CASE("broadcast completes without waiting for a reply") {
    FakeScript script;
    script.silent = true;
    Rig rig(ProtocolKind::Mdc, script, fast(0, 5000));
    const auto start = steady_clock::now();
    const auto r = rig.run({{Command::make(Op::PowerOff), Address::broadcast()}});
    EXPECT_TRUE(r[0].ok());
    EXPECT_TRUE(steady_clock::now() - start < milliseconds(1000));
    EXPECT_EQ(int(rig.fake->written().at(0).bytes[2]), 0xFE);
}

TEST_CASE("stop cancels queued commands; bad arguments never reach the wire") {
    FakeScript script;
    script.silent = true;
    Rig rig(ProtocolKind::Mdc, script, fast(0, 5000));
    std::vector<Result> results;
    for (int i = 0; i < 3; ++i)
        rig.link->submit(Command::make(Op::PowerStatus), id1,
                         [&](Result r) { results.push_back(std::move(r)); });
    rig.io.run_for(milliseconds(50));
    rig.link->stop();
    rig.io.restart();
    rig.io.run_for(milliseconds(50));
    EXPECT_EQ(results.size(), std::size_t(3));
    for (const auto &r : results)
        EXPECT_TRUE(r.status == Status::Cancelled);

    Rig bad(ProtocolKind::Mdc, script, fast());
    const auto r = bad.run({{Command::make(Op::SetBrightness, 250), id1}});
    EXPECT_TRUE(r[0].status == Status::BadArgument);
    EXPECT_TRUE(bad.fake->written().empty());
}

TEST_CASE("pjlink: greeting, digest on the first command, ERRA is AuthFailed") {
    FakeScript script;
    script.greeting = toBytes("PJLINK 1 498e4a67\r");
    script.peer = [](const Bytes &w) {
        const std::string s = toString(w);
        if (s.rfind("5d8409bc1c3fa39749434aa3a5c38682%1POWR ?", 0) == 0 || s == "%1POWR ?\r")
            return std::vector<Bytes>{toBytes("%1POWR=1\r")};
        return std::vector<Bytes>{toBytes("PJLINK ERRA\r")};
    };
    auto settings = fast();
    settings.credentials.password = "JBMIAProjectorLink";
    Rig rig(ProtocolKind::PjLink, script, settings);
    auto r =
        rig.run({{Command::make(Op::PowerStatus), id1}, {Command::make(Op::PowerStatus), id1}});
    EXPECT_TRUE(r[0].ok() && r[1].ok());
    EXPECT_EQ(r[0].value, int(PowerState::On));

    settings.credentials.password = "wrong";
    Rig wrong(ProtocolKind::PjLink, script, settings);
    r = wrong.run({{Command::make(Op::PowerStatus), id1}});
    EXPECT_TRUE(r[0].status == Status::AuthFailed);
}

CHECK_MAIN
