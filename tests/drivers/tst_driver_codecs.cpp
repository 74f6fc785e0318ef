// Codec tests: the golden vectors of PROTOCOLS.md (each checked against two independent
// implementations' source there), split and garbage input, and the reply classification the
// link relies on (ACK/NAK, busy, unsupported, other panel's reply).
#include "check.h"
#include "lg.h"
#include "mdc.h"
#include "nec.h"
#include "pjlink.h"
#include "reconnect.h"

using namespace opswall::drivers;

namespace {
Bytes hex(const char *h) {
    return fromHex(h).value();
}

template<typename P>
P make(ProtocolKind k) {
    return P(ModelProfile::defaultFor(k));
}

std::string planHex(const Protocol &p, const Command &c, Address a, std::size_t step = 0) {
    const auto plan = p.plan(c, a);
    if (!plan.ok() || plan.steps.size() <= step)
        return "refused: " + plan.why;
    return toHex(plan.steps[step].bytes);
}

// Feeds `bytes` in chunks of `chunk` and collects frames and errors.
struct Cut {
    std::vector<Bytes> frames;
    int errors = 0;
};
Cut cut(Framer &f, const Bytes &bytes, std::size_t chunk) {
    Cut c;
    for (std::size_t i = 0; i < bytes.size(); i += chunk) {
        f.push(bytes.data() + i, std::min(chunk, bytes.size() - i));
        for (;;) {
            auto d = f.next();
            if (std::holds_alternative<NeedMore>(d))
                break;
            if (auto *fr = std::get_if<Frame>(&d))
                c.frames.push_back(fr->bytes);
            else
                ++c.errors;
        }
    }
    return c;
}

Bytes concat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto &p : parts)
        out.insert(out.end(), p.begin(), p.end());
    return out;
}
} // namespace

TEST_CASE("mdc golden vectors") {
    const auto p = make<mdc::MdcProtocol>(ProtocolKind::Mdc);
    const auto id1 = Address::unicast(1);
    EXPECT_EQ(planHex(p, Command::make(Op::PowerOn), id1), std::string("AA 11 01 01 01 14"));
    EXPECT_EQ(planHex(p, Command::make(Op::PowerStatus), id1), std::string("AA 11 01 00 12"));
    EXPECT_EQ(planHex(p, Command::input("hdmi1"), id1), std::string("AA 14 01 01 21 37"));
    EXPECT_EQ(toHex(mdc::encode(mdc::cmd::Status, 1, {})), std::string("AA 00 01 00 01"));
    EXPECT_EQ(planHex(p, Command::make(Op::SetBrightness, 50), Address::unicast(0)),
              std::string("AA 25 00 01 32 58"));
    EXPECT_EQ(planHex(p, Command::tiling(2, 2, 1), id1, 0), std::string("AA 84 01 01 01 87"));
    EXPECT_EQ(planHex(p, Command::tiling(2, 2, 1), id1, 1), std::string("AA 89 01 02 22 01 AF"));
    EXPECT_EQ(planHex(p, Command::make(Op::Temperature), id1), std::string("AA 0D 01 00 0E"));
    EXPECT_EQ(toHex(mdc::encodeAck(1, 0x11, {1})), std::string("AA FF 01 03 41 11 01 56"));
    EXPECT_EQ(toHex(mdc::encodeNak(1, 0x11, 1)), std::string("AA FF 01 03 4E 11 01 63"));
}

TEST_CASE("mdc wall geometry nibble order is a model setting") {
    auto profile = ModelProfile::defaultFor(ProtocolKind::Mdc);
    profile.mdcWallNibbles = MdcWallNibbles::RowsHigh;
    const mdc::MdcProtocol rowsHigh(profile);
    const auto plan = rowsHigh.plan(Command::tiling(4, 3, 5), Address::unicast(1));
    EXPECT_TRUE(plan.ok());
    EXPECT_EQ(int(plan.steps[1].bytes[4]), 0x34);
    const auto p = make<mdc::MdcProtocol>(ProtocolKind::Mdc);
    EXPECT_EQ(int(p.plan(Command::tiling(4, 3, 5), Address::unicast(1)).steps[1].bytes[4]), 0x43);
}

TEST_CASE("mdc replies: ack values, nak, other display's reply, broadcast") {
    const auto p = make<mdc::MdcProtocol>(ProtocolKind::Mdc);
    const auto id1 = Address::unicast(1);
    const auto status = p.plan(Command::make(Op::PowerStatus), id1).steps[0];
    auto o =
        p.interpret(Command::make(Op::PowerStatus), id1, status, hex("AA FF 01 03 41 11 01 56"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_EQ(o.value, int(PowerState::On));
    o = p.interpret(Command::make(Op::PowerStatus), id1, status, hex("AA FF 01 03 4E 11 01 63"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Nak);
    EXPECT_EQ(o.value, 1);
    // Display 2's ACK on the same chain is not the answer to display 1.
    o = p.interpret(Command::make(Op::PowerStatus), id1, status, mdc::encodeAck(2, 0x11, {1}));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unrelated);
    const auto health = p.plan(Command::make(Op::Temperature), id1).steps[0];
    o = p.interpret(Command::make(Op::Temperature), id1, health,
                    mdc::encodeAck(1, 0x0D, {0, 0, 0, 0, 41, 0}));
    EXPECT_EQ(o.value, 41);
    o = p.interpret(Command::make(Op::Temperature), id1, health, mdc::encodeAck(1, 0x0D, {0, 0}));
    EXPECT_TRUE(o.kind == Outcome::Kind::Malformed);

    const auto b = p.plan(Command::make(Op::PowerOn), Address::broadcast());
    EXPECT_TRUE(b.ok());
    EXPECT_EQ(int(b.steps[0].bytes[2]), 0xFE);
    EXPECT_TRUE(!b.steps[0].expectReply);
    EXPECT_TRUE(!p.plan(Command::make(Op::PowerStatus), Address::broadcast()).ok());
    EXPECT_TRUE(p.plan(Command::make(Op::SetBrightness, 101), id1).error == Status::BadArgument);
    EXPECT_TRUE(p.plan(Command::input("scart"), id1).error == Status::Unsupported);
}

TEST_CASE("mdc framer: split, garbage, bad checksum") {
    const Bytes a = hex("AA FF 01 03 41 11 01 56"), b = hex("AA FF 02 03 4E 11 01 64");
    for (std::size_t chunk : {1u, 3u, 100u}) {
        mdc::MdcFramer f;
        const auto c =
            cut(f, concat({hex("00 13 37"), a, hex("AA FF 01 03 41 11 01 57"), b}), chunk);
        EXPECT_EQ(c.frames.size(), std::size_t(2));
        if (c.frames.size() == 2) {
            EXPECT_EQ(toHex(c.frames[0]), toHex(a));
            EXPECT_EQ(toHex(c.frames[1]), toHex(b));
        }
        EXPECT_TRUE(c.errors >= 2); // leading garbage and the corrupted frame
    }
    std::string why;
    EXPECT_TRUE(!mdc::parseReply(hex("AA FF 01 03 41 11"), &why));
    EXPECT_TRUE(!why.empty());
}

TEST_CASE("nec golden vectors") {
    const auto p = make<nec::NecProtocol>(ProtocolKind::Nec);
    const auto id1 = Address::unicast(1);
    EXPECT_EQ(planHex(p, Command::make(Op::PowerOn), id1),
              std::string("01 30 41 30 41 30 43 02 43 32 30 33 44 36 30 30 30 31 03 73 0D"));
    EXPECT_EQ(planHex(p, Command::make(Op::PowerOff), id1),
              std::string("01 30 41 30 41 30 43 02 43 32 30 33 44 36 30 30 30 34 03 76 0D"));
    EXPECT_EQ(planHex(p, Command::make(Op::PowerStatus), id1),
              std::string("01 30 41 30 41 30 36 02 30 31 44 36 03 74 0D"));
    EXPECT_EQ(planHex(p, Command::make(Op::GetBacklight), id1),
              std::string("01 30 41 30 43 30 36 02 30 30 31 30 03 04 0D"));
    EXPECT_EQ(planHex(p, Command::make(Op::SetBacklight, 50), id1),
              std::string("01 30 41 30 45 30 41 02 30 30 31 30 30 30 33 32 03 74 0D"));
    EXPECT_EQ(planHex(p, Command::input("hdmi1"), Address::broadcast()),
              std::string("01 30 2A 30 45 30 41 02 30 30 36 30 30 30 31 31 03 19 0D"));
    EXPECT_EQ(planHex(p, Command::make(Op::Temperature), id1, 1),
              std::string("01 30 41 30 43 30 36 02 30 32 37 39 03 09 0D"));
}

TEST_CASE("nec replies: power status, parameter, null message, unsupported, other monitor") {
    const auto p = make<nec::NecProtocol>(ProtocolKind::Nec);
    const auto id1 = Address::unicast(1);
    auto reply = [](int id, nec::Type t, std::string body) {
        return nec::encode(
            nec::Message{nec::kController, nec::monitorByte(id), t, std::move(body)});
    };
    const auto status = p.plan(Command::make(Op::PowerStatus), id1).steps[0];
    auto o = p.interpret(Command::make(Op::PowerStatus), id1, status,
                         reply(1, nec::Type::CommandReply, "0200D60000040004"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_EQ(o.value, int(PowerState::Off));
    o = p.interpret(Command::make(Op::PowerStatus), id1, status,
                    reply(2, nec::Type::CommandReply, "0200D60000040001"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unrelated);
    o = p.interpret(Command::make(Op::PowerStatus), id1, status,
                    reply(1, nec::Type::Command, "BE"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Busy);

    const auto get = p.plan(Command::make(Op::GetBacklight), id1).steps[0];
    o = p.interpret(Command::make(Op::GetBacklight), id1, get,
                    reply(1, nec::Type::GetReply,
                          "00001000006400"
                          "32"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_EQ(o.value, 50);
    o = p.interpret(Command::make(Op::GetBacklight), id1, get,
                    reply(1, nec::Type::GetReply,
                          "01001000000000"
                          "00"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unsupported);
    // A reply for another opcode is not this command's answer.
    o = p.interpret(Command::make(Op::GetBacklight), id1, get,
                    reply(1, nec::Type::GetReply,
                          "00001200006400"
                          "32"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unrelated);

    const auto temp = p.plan(Command::make(Op::Temperature), id1).steps[1];
    o = p.interpret(
        Command::make(Op::Temperature), id1, temp,
        reply(1, nec::Type::GetReply, nec::parameterReplyBody({0, 0x0279, 0, 0xFFFF, 84})));
    EXPECT_EQ(o.value, 42);

    const auto serial = p.plan(Command::make(Op::SerialNumber), id1).steps[0];
    o = p.interpret(Command::make(Op::SerialNumber), id1, serial,
                    reply(1, nec::Type::CommandReply,
                          "C316"
                          "4142313233"));
    EXPECT_EQ(o.text, std::string("AB123"));
}

TEST_CASE("nec framer: split, garbage, bad BCC, lower-case hex accepted") {
    const Bytes a = hex("01 30 41 30 41 30 36 02 30 31 44 36 03 74 0D");
    Bytes bad = a;
    bad[bad.size() - 2] ^= 0xFF;
    for (std::size_t chunk : {1u, 4u, 64u}) {
        nec::NecFramer f;
        const auto c = cut(f, concat({hex("FF 0D 41"), bad, a}), chunk);
        EXPECT_EQ(c.frames.size(), std::size_t(1));
        if (!c.frames.empty())
            EXPECT_EQ(toHex(c.frames[0]), toHex(a));
        EXPECT_TRUE(c.errors >= 2);
    }
    EXPECT_TRUE(nec::parseParameterReply("00001000006400ff").has_value());
    EXPECT_EQ(nec::parseParameterReply("00001000006400ff")->current, 255);
}

TEST_CASE("lg golden vectors and replies") {
    const auto p = make<lg::LgProtocol>(ProtocolKind::Lg);
    const auto id1 = Address::unicast(1);
    EXPECT_EQ(toString(p.plan(Command::make(Op::PowerOn), id1).steps[0].bytes),
              std::string("ka 01 01\r"));
    // IDs are hex on the wire: set 10 is "0A" (PlaceOS's decimal padding is wrong).
    EXPECT_EQ(toString(p.plan(Command::make(Op::PowerStatus), Address::unicast(10)).steps[0].bytes),
              std::string("ka 0A FF\r"));
    EXPECT_EQ(toString(p.plan(Command::make(Op::SetBacklight, 100), id1).steps[0].bytes),
              std::string("mg 01 64\r"));
    const auto tiling = p.plan(Command::tiling(1, 2, 2), id1);
    EXPECT_TRUE(tiling.ok() && tiling.steps.size() == 2);
    if (tiling.steps.size() == 2) {
        EXPECT_EQ(toString(tiling.steps[0].bytes), std::string("dd 01 12\r"));
        EXPECT_EQ(toString(tiling.steps[1].bytes), std::string("di 01 02\r"));
    }
    const auto all = p.plan(Command::make(Op::PowerOff), Address::broadcast());
    EXPECT_EQ(toString(all.steps[0].bytes), std::string("ka 00 00\r"));
    EXPECT_TRUE(!all.steps[0].expectReply);

    const auto step = p.plan(Command::make(Op::PowerStatus), id1).steps[0];
    auto o = p.interpret(Command::make(Op::PowerStatus), id1, step, toBytes("a 01 OK01x"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_EQ(o.value, int(PowerState::On));
    o = p.interpret(Command::make(Op::PowerStatus), id1, step, toBytes("a 01 NG00x"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Nak);
    o = p.interpret(Command::make(Op::PowerStatus), id1, step, toBytes("a 02 OK01x"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unrelated);
    o = p.interpret(Command::make(Op::PowerStatus), id1, step, toBytes("h 01 OK01x"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unrelated);
    EXPECT_TRUE(p.plan(Command::make(Op::SetColourTemperature, 6500), id1).error ==
                Status::Unsupported);
}

TEST_CASE("lg framer: replies end with x, split and noise") {
    for (std::size_t chunk : {1u, 5u, 64u}) {
        lg::LgFramer f('x');
        const auto c = cut(f, toBytes("\r\n\x7f\x01#a 01 OK01x a 01 NG00x"), chunk);
        EXPECT_EQ(c.frames.size(), std::size_t(2));
        if (c.frames.size() == 2) {
            EXPECT_EQ(toString(c.frames[0]), std::string("a 01 OK01x"));
            EXPECT_EQ(toString(c.frames[1]), std::string("a 01 NG00x"));
        }
        EXPECT_TRUE(c.errors >= 1);
    }
    lg::LgFramer f('x');
    const auto c = cut(f, Bytes(200, 'q'), 50);
    EXPECT_TRUE(c.frames.empty());
    EXPECT_TRUE(c.errors >= 1);
}

TEST_CASE("pjlink authentication: spec example and prefix on the first command only") {
    EXPECT_EQ(pjlink::authDigest("498e4a67", "JBMIAProjectorLink"),
              std::string("5d8409bc1c3fa39749434aa3a5c38682"));
    const auto p = make<pjlink::PjLinkProtocol>(ProtocolKind::PjLink);
    Session s;
    Credentials creds{"JBMIAProjectorLink"};
    auto o = p.onGreeting(toBytes("PJLINK 1 498e4a67"), creds, s);
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    Bytes first = p.plan(Command::make(Op::PowerStatus), Address::unicast(1)).steps[0].bytes;
    p.beforeSend(first, s);
    EXPECT_EQ(toString(first), std::string("5d8409bc1c3fa39749434aa3a5c38682%1POWR ?\r"));
    Bytes second = p.plan(Command::make(Op::PowerStatus), Address::unicast(1)).steps[0].bytes;
    p.beforeSend(second, s);
    EXPECT_EQ(toString(second), std::string("%1POWR ?\r"));

    Session none;
    EXPECT_TRUE(p.onGreeting(toBytes("PJLINK 1 498e4a67"), Credentials{}, none).kind ==
                Outcome::Kind::AuthFailed);
    EXPECT_TRUE(p.onGreeting(toBytes("PJLINK ERRA"), creds, none).kind ==
                Outcome::Kind::AuthFailed);
    EXPECT_TRUE(p.onGreeting(toBytes("HELLO"), creds, none).kind == Outcome::Kind::Malformed);
    EXPECT_TRUE(p.onGreeting(toBytes("PJLINK 0"), Credentials{}, none).kind == Outcome::Kind::Ok);
}

TEST_CASE("pjlink replies: power states, ERR1-4, ERRA, lower case, ERST") {
    const auto p = make<pjlink::PjLinkProtocol>(ProtocolKind::PjLink);
    const auto a = Address::unicast(1);
    const auto power = p.plan(Command::make(Op::PowerStatus), a).steps[0];
    auto kind = [&](const char *reply) {
        return p.interpret(Command::make(Op::PowerStatus), a, power, toBytes(reply)).kind;
    };
    EXPECT_EQ(p.interpret(Command::make(Op::PowerStatus), a, power, toBytes("%1POWR=3")).value,
              int(PowerState::WarmingUp));
    EXPECT_EQ(p.interpret(Command::make(Op::PowerStatus), a, power, toBytes("%1powr=1")).value,
              int(PowerState::On));
    EXPECT_TRUE(kind("%1POWR=ERR1") == Outcome::Kind::Unsupported);
    EXPECT_TRUE(kind("%1POWR=ERR2") == Outcome::Kind::Nak);
    EXPECT_TRUE(kind("%1POWR=ERR3") == Outcome::Kind::Busy);
    EXPECT_TRUE(kind("%1POWR=ERR4") == Outcome::Kind::Nak);
    EXPECT_TRUE(kind("PJLINK ERRA") == Outcome::Kind::AuthFailed);
    EXPECT_TRUE(kind("%1INPT=31") == Outcome::Kind::Unrelated);
    EXPECT_TRUE(kind("%1POWR=7") == Outcome::Kind::Malformed);
    const auto erst = p.plan(Command::make(Op::FanStatus), a).steps[0];
    const auto o = p.interpret(Command::make(Op::FanStatus), a, erst, toBytes("%1ERST=200000"));
    EXPECT_EQ(o.value, 1);
    EXPECT_EQ(o.values.size(), std::size_t(6));
    EXPECT_EQ(toString(p.plan(Command::input("hdmi1"), a).steps[0].bytes),
              std::string("%1INPT 31\r"));
    EXPECT_TRUE(p.plan(Command::make(Op::SetBrightness, 5), a).error == Status::Unsupported);
}

TEST_CASE("pjlink framer and class 2 datagrams") {
    pjlink::LineFramer f;
    const auto c = cut(f, toBytes("PJLINK 0\r\x01\x02%1POWR=OK\r%1POWR="), 2);
    EXPECT_EQ(c.frames.size(), std::size_t(2));
    if (c.frames.size() == 2)
        EXPECT_EQ(toString(c.frames[1]), std::string("%1POWR=OK"));
    EXPECT_EQ(toString(pjlink::searchDatagram()), std::string("%2SRCH\r"));
    const auto n = pjlink::parseNotification(toBytes("%2POWR=1\r"));
    EXPECT_TRUE(n.has_value());
    EXPECT_TRUE(n && n->command == "POWR" && n->parameter == "1");
    EXPECT_TRUE(!pjlink::parseNotification(toBytes("%1POWR=1\r")));
    EXPECT_TRUE(!pjlink::parse(std::string(200, 'A')));
}

TEST_CASE("reconnect policy: bounded backoff, give up, timeouts") {
    ReconnectPolicy p;
    p.initialDelayMs = 100;
    p.maxDelayMs = 300;
    p.maxAttempts = 4;
    auto d = p.decide(LinkEvent::ConnectFailed, 0);
    EXPECT_TRUE(d.action == LinkAction::Reconnect);
    EXPECT_EQ(d.delayMs, 100);
    EXPECT_EQ(p.decide(LinkEvent::ConnectFailed, 1).delayMs, 200);
    EXPECT_EQ(p.decide(LinkEvent::Closed, 2).delayMs, 300); // capped
    EXPECT_TRUE(p.decide(LinkEvent::ConnectFailed, 3).action == LinkAction::GiveUp);
    EXPECT_TRUE(p.decide(LinkEvent::Connected, 3).action == LinkAction::None);
    EXPECT_TRUE(p.decide(LinkEvent::ReplyTimeout, 0).action == LinkAction::Reconnect);
    p.reconnectOnReplyTimeout = false;
    EXPECT_TRUE(p.decide(LinkEvent::ReplyTimeout, 0).action == LinkAction::None);
    EXPECT_TRUE(p.decide(LinkEvent::Invalid, 0).action == LinkAction::Invalid);
}

CHECK_MAIN
