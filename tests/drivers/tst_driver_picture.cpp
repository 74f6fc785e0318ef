// Picture settings (calibration) in the codecs and simulators: golden request frames built by the
// vendors' framing rules (PROTOCOLS.md; command codes from vgavro/samsung-mdc commands.py and
// NEC's necpdsdk controls.txt), reply decoding, what each protocol refuses as "unsupported on
// this display", and every setting set and read back through real TCP links to the simulators,
// including a panel that refuses one setting.
#include "lg.h"
#include "mdc.h"
#include "nec.h"
#include "pjlink.h"
#include "rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
Bytes hex(const char *h) {
    return fromHex(h).value();
}

std::string planHex(const Protocol &p, const Command &c, std::size_t step = 0) {
    const auto plan = p.plan(c, Address::unicast(1));
    if (!plan.ok() || plan.steps.size() <= step)
        return "refused: " + plan.why;
    return toHex(plan.steps[step].bytes);
}

bool unsupported(const Protocol &p, const Command &c) {
    const auto plan = p.plan(c, Address::unicast(1));
    return plan.error == Status::Unsupported &&
           plan.why.find("unsupported on this display") != std::string::npos;
}

const mdc::MdcProtocol kMdc(ModelProfile::defaultFor(ProtocolKind::Mdc));
const nec::NecProtocol kNec(ModelProfile::defaultFor(ProtocolKind::Nec));
const lg::LgProtocol kLg(ModelProfile::defaultFor(ProtocolKind::Lg));
const pjlink::PjLinkProtocol kPj(ModelProfile::defaultFor(ProtocolKind::PjLink));
} // namespace

TEST_CASE("mdc picture golden vectors") {
    // 0x58 manual lamp (backlight), 0x24 contrast, 0x3F colour temperature in hectokelvin,
    // 0x71 picture mode, 0x06 RGB status (GET), 0x84/0x89 wall state/user, 0x5C wall mode.
    EXPECT_EQ(planHex(kMdc, Command::make(Op::SetBacklight, 40)), std::string("AA 58 01 01 28 82"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::SetContrast, 75)), std::string("AA 24 01 01 4B 71"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::SetColourTemperature, 6500)),
              std::string("AA 3F 01 01 41 82"));
    EXPECT_EQ(planHex(kMdc, Command::named(Op::SetPictureMode, "standard")),
              std::string("AA 71 01 01 01 74"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::GetPictureMode)), std::string("AA 71 01 00 72"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::GetRgbGain)), std::string("AA 06 01 00 07"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::GetTiling), 0), std::string("AA 84 01 00 85"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::GetTiling), 1), std::string("AA 89 01 00 8A"));
    EXPECT_EQ(planHex(kMdc, Command::make(Op::GetBezelCompensation)),
              std::string("AA 5C 01 00 5D"));
    // No public MDC command sets RGB gain, offset or gamma: refused, never faked.
    EXPECT_TRUE(unsupported(kMdc, Command::rgb(Op::SetRgbGain, 200, 190, 180)));
    EXPECT_TRUE(unsupported(kMdc, Command::rgb(Op::SetRgbOffset, 1, 2, 3)));
    EXPECT_TRUE(unsupported(kMdc, Command::named(Op::SetGamma, "2.2")));
    EXPECT_TRUE(
        kMdc.plan(Command::named(Op::SetPictureMode, "nonsense"), Address::unicast(1)).error ==
        Status::Unsupported);
    EXPECT_TRUE(
        kMdc.plan(Command::make(Op::SetColourTemperature, 1000), Address::unicast(1)).error ==
        Status::BadArgument);
}

TEST_CASE("mdc picture replies decode") {
    const auto rgbPlan = kMdc.plan(Command::make(Op::GetRgbGain), Address::unicast(1));
    // ACK to 0x06: contrast 70, brightness 50, tone 2, 65 hK, 0, gains C8 BE B4
    auto o = kMdc.interpret(Command::make(Op::GetRgbGain), Address::unicast(1), rgbPlan.steps[0],
                            hex("AA FF 01 0A 41 06 46 32 02 41 00 C8 BE B4 46"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_TRUE((o.values == std::vector<int>{200, 190, 180}));
    const auto pm = kMdc.plan(Command::make(Op::GetPictureMode), Address::unicast(1));
    o = kMdc.interpret(Command::make(Op::GetPictureMode), Address::unicast(1), pm.steps[0],
                       hex("AA FF 01 03 41 71 01 B6"));
    EXPECT_EQ(o.text, std::string("standard"));
    const auto tiling = kMdc.plan(Command::make(Op::GetTiling), Address::unicast(1));
    EXPECT_TRUE(tiling.collect);
    o = kMdc.interpret(Command::make(Op::GetTiling), Address::unicast(1), tiling.steps[1],
                       hex("AA FF 01 04 41 89 43 05 16"));
    EXPECT_TRUE((o.parts == std::vector<int>{4, 3, 5})); // columns-high default: 4x3, position 5
    const auto bl = kMdc.plan(Command::make(Op::SetBacklight, 40), Address::unicast(1));
    o = kMdc.interpret(Command::make(Op::SetBacklight, 40), Address::unicast(1), bl.steps[0],
                       hex("AA FF 01 03 4E 58 02 AB"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Nak);
}

TEST_CASE("nec picture golden vectors") {
    // controls.txt: 0016/0018/001A red/green/blue gain, 0054 colour temperature (0 = 2600 K,
    // 100 K steps), 0268 gamma, 021A picture mode; command 0C saves the settings.
    const auto gains = Command::rgb(Op::SetRgbGain, 0x80, 0xC8, 0xFF);
    EXPECT_EQ(planHex(kNec, gains, 0),
              std::string("01 30 41 30 45 30 41 02 30 30 31 36 30 30 38 30 03 7B 0D"));
    EXPECT_EQ(planHex(kNec, gains, 1),
              std::string("01 30 41 30 45 30 41 02 30 30 31 38 30 30 43 38 03 06 0D"));
    EXPECT_EQ(planHex(kNec, gains, 2),
              std::string("01 30 41 30 45 30 41 02 30 30 31 41 30 30 46 46 03 04 0D"));
    EXPECT_EQ(planHex(kNec, Command::make(Op::GetRgbGain), 0),
              std::string("01 30 41 30 43 30 36 02 30 30 31 36 03 02 0D"));
    EXPECT_EQ(planHex(kNec, Command::named(Op::SetGamma, "2.2")),
              std::string("01 30 41 30 45 30 41 02 30 32 36 38 30 30 30 34 03 7C 0D"));
    EXPECT_EQ(planHex(kNec, Command::named(Op::SetPictureMode, "standard")),
              std::string("01 30 41 30 45 30 41 02 30 32 31 41 30 30 30 34 03 02 0D"));
    EXPECT_EQ(planHex(kNec, Command::make(Op::SetColourTemperature, 6500)),
              std::string("01 30 41 30 45 30 41 02 30 30 35 34 30 30 32 37 03 70 0D"));
    EXPECT_EQ(planHex(kNec, Command::make(Op::SaveSettings)),
              std::string("01 30 41 30 41 30 34 02 30 43 03 76 0D"));
    EXPECT_EQ(planHex(kNec, Command::make(Op::GetTiling), 0),
              std::string("01 30 41 30 43 30 36 02 30 32 44 33 03 70 0D"));
    EXPECT_TRUE(unsupported(kNec, Command::rgb(Op::SetRgbOffset, 1, 2, 3)));
    EXPECT_TRUE(kNec.plan(Command::rgb(Op::SetRgbGain, 0, 0, 256), Address::unicast(1)).error ==
                Status::BadArgument);
    // A broadcast cannot read.
    EXPECT_TRUE(kNec.plan(Command::make(Op::GetRgbGain), Address::broadcast()).error ==
                Status::BadArgument);
}

TEST_CASE("nec picture replies decode") {
    const auto save = kNec.plan(Command::make(Op::SaveSettings), Address::unicast(1));
    const auto reply = nec::encode(
        nec::Message{nec::kController, nec::monitorByte(1), nec::Type::CommandReply, "000C"});
    auto o =
        kNec.interpret(Command::make(Op::SaveSettings), Address::unicast(1), save.steps[0], reply);
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    const auto gamma = kNec.plan(Command::make(Op::GetGamma), Address::unicast(1));
    o = kNec.interpret(Command::make(Op::GetGamma), Address::unicast(1), gamma.steps[0],
                       nec::encode(nec::Message{nec::kController, nec::monitorByte(1),
                                                nec::Type::GetReply, "00026800000E0008"}));
    EXPECT_EQ(o.text, std::string("2.4"));
    // result 01: the monitor does not take this parameter.
    o = kNec.interpret(Command::make(Op::GetGamma), Address::unicast(1), gamma.steps[0],
                       nec::encode(nec::Message{nec::kController, nec::monitorByte(1),
                                                nec::Type::GetReply, "01026800000E0008"}));
    EXPECT_TRUE(o.kind == Outcome::Kind::Unsupported);
}

TEST_CASE("lg picture golden vectors") {
    // kh brightness, kg contrast, mg backlight, jm/jn/jo white-balance gains, dx picture mode,
    // dd/di tile mode and ID read with FF.
    EXPECT_EQ(
        toString(kLg.plan(Command::make(Op::SetBacklight, 40), Address::unicast(1)).steps[0].bytes),
        std::string("mg 01 28\r"));
    const auto gains =
        kLg.plan(Command::rgb(Op::SetRgbGain, 0xC0, 0xB0, 0xA0), Address::unicast(1));
    EXPECT_EQ(gains.steps.size(), std::size_t(3));
    EXPECT_EQ(toString(gains.steps[0].bytes), std::string("jm 01 C0\r"));
    EXPECT_EQ(toString(gains.steps[1].bytes), std::string("jn 01 B0\r"));
    EXPECT_EQ(toString(gains.steps[2].bytes), std::string("jo 01 A0\r"));
    const auto read = kLg.plan(Command::make(Op::GetRgbGain), Address::unicast(1));
    EXPECT_TRUE(read.collect);
    EXPECT_EQ(toString(read.steps[1].bytes), std::string("jn 01 FF\r"));
    // FF means "read" on the wire, so 255 is not a gain LG can take.
    EXPECT_TRUE(kLg.plan(Command::rgb(Op::SetRgbGain, 255, 0, 0), Address::unicast(1)).error ==
                Status::BadArgument);
    EXPECT_EQ(toString(kLg.plan(Command::named(Op::SetPictureMode, "standard"), Address::unicast(1))
                           .steps[0]
                           .bytes),
              std::string("dx 01 01\r"));
    // The picture mode's reply starts with its own delimiter letter: "x 01 OK01x".
    lg::LgFramer framer('x');
    static_cast<Framer &>(framer).push(toBytes("x 01 OK01xd 01 OK43x"));
    const auto first = framer.next();
    EXPECT_TRUE(std::holds_alternative<Frame>(first) &&
                toString(std::get<Frame>(first).bytes) == "x 01 OK01x");
    const auto second = framer.next();
    EXPECT_TRUE(std::holds_alternative<Frame>(second) &&
                toString(std::get<Frame>(second).bytes) == "d 01 OK43x");
    const auto tiling = kLg.plan(Command::make(Op::GetTiling), Address::unicast(1));
    EXPECT_EQ(toString(tiling.steps[0].bytes), std::string("dd 01 FF\r"));
    auto o = kLg.interpret(Command::make(Op::GetTiling), Address::unicast(1), tiling.steps[0],
                           toBytes("d 01 OK43x"));
    EXPECT_TRUE((o.parts == std::vector<int>{1, 4, 3}));
    EXPECT_TRUE(unsupported(kLg, Command::make(Op::SetColourTemperature, 6500)));
    EXPECT_TRUE(unsupported(kLg, Command::named(Op::SetGamma, "2.2")));
    EXPECT_TRUE(unsupported(kLg, Command::rgb(Op::SetRgbOffset, 1, 2, 3)));
}

TEST_CASE("lg multivision family: jw/jy/jz gains, no picture mode") {
    // LG M4210N owner's manual, RS-232C 14-16: "Red/Green/Blue Gain Adjust (Command: j w / j y /
    // j z)", data 00H..64H (profile.h LgFamily has the sources of both families).
    ModelProfile profile = ModelProfile::defaultFor(ProtocolKind::Lg);
    profile.useLgFamily(LgFamily::Multivision);
    const lg::LgProtocol mv(profile);
    const auto gains = mv.plan(Command::rgb(Op::SetRgbGain, 0x64, 0x32, 0x00), Address::unicast(1));
    EXPECT_EQ(gains.steps.size(), std::size_t(3));
    EXPECT_EQ(toString(gains.steps[0].bytes), std::string("jw 01 64\r"));
    EXPECT_EQ(toString(gains.steps[1].bytes), std::string("jy 01 32\r"));
    EXPECT_EQ(toString(gains.steps[2].bytes), std::string("jz 01 00\r"));
    const auto read = mv.plan(Command::make(Op::GetRgbGain), Address::unicast(7));
    EXPECT_TRUE(read.collect);
    EXPECT_EQ(toString(read.steps[2].bytes), std::string("jz 07 FF\r"));
    // 0..100 on this family: 101 is refused before anything is sent.
    EXPECT_TRUE(mv.plan(Command::rgb(Op::SetRgbGain, 101, 0, 0), Address::unicast(1)).error ==
                Status::BadArgument);
    EXPECT_TRUE(unsupported(mv, Command::named(Op::SetPictureMode, "standard")));
    EXPECT_TRUE(unsupported(mv, Command::make(Op::GetPictureMode)));
    // Its reply to a gain read: "w 01 OK3Cx" is 60.
    const auto o = mv.interpret(Command::make(Op::GetRgbGain), Address::unicast(7), read.steps[0],
                                toBytes("w 07 OK3Cx"));
    EXPECT_TRUE(o.kind == Outcome::Kind::Ok);
    EXPECT_EQ(o.value, 0x3C);
    // Names: the binding's model.lgFamily.
    EXPECT_TRUE(lgFamilyFromName("multivision") == LgFamily::Multivision);
    EXPECT_TRUE(lgFamilyFromName("signage") == LgFamily::Signage);
    EXPECT_TRUE(lgFamilyFromName("webos") == LgFamily::Invalid);
    // The signage family's picture modes include APS (08), as the LS75A manual lists.
    EXPECT_EQ(planHex(kLg, Command::named(Op::SetPictureMode, "aps")),
              toHex(toBytes("dx 01 08\r")));
}

TEST_CASE("an lg multivision simulator keeps jw/jy/jz gains") {
    asio::io_context io;
    TcpDisplay t(io, ProtocolKind::Lg, quick(), 1,
                 [](sim::SimBank &b) { b.profile.useLgFamily(LgFamily::Multivision); });
    const Display &d = *t.display;
    t.panel().on = true;
    EXPECT_TRUE(exec(io, d, Command::rgb(Op::SetRgbGain, 90, 80, 70)).ok());
    EXPECT_TRUE((t.panel().rgbGain == std::array<int, 3>{90, 80, 70}));
    const auto r = exec(io, d, Command::make(Op::GetRgbGain));
    EXPECT_TRUE((r.values == std::vector<int>{90, 80, 70}));
    EXPECT_TRUE(exec(io, d, Command::named(Op::SetPictureMode, "standard")).status ==
                Status::Unsupported);
}

TEST_CASE("pjlink has no picture settings") {
    for (const auto &c :
         {Command::make(Op::SetBacklight, 40), Command::make(Op::SetContrast, 40),
          Command::rgb(Op::SetRgbGain, 1, 2, 3), Command::named(Op::SetPictureMode, "standard"),
          Command::make(Op::GetTiling)})
        EXPECT_TRUE(unsupported(kPj, c));
}

TEST_CASE("simulators keep picture settings and answer reads") {
    for (auto kind : {ProtocolKind::Mdc, ProtocolKind::Nec, ProtocolKind::Lg}) {
        std::printf("  %s\n", std::string(protocolKindName(kind)).c_str());
        asio::io_context io;
        TcpDisplay t(io, kind);
        const Display &d = *t.display;
        t.panel().on = true;
        auto r = exec(io, d, Command::make(Op::SetBacklight, 33));
        EXPECT_TRUE(r.ok());
        EXPECT_EQ(exec(io, d, Command::make(Op::GetBacklight)).value, 33);
        EXPECT_TRUE(exec(io, d, Command::make(Op::SetContrast, 71)).ok());
        EXPECT_EQ(exec(io, d, Command::make(Op::GetContrast)).value, 71);
        r = exec(io, d, Command::named(Op::SetPictureMode, "standard"));
        if (!r.ok())
            std::printf("    set picture mode: %s\n", r.error.c_str());
        EXPECT_TRUE(r.ok());
        r = exec(io, d, Command::make(Op::GetPictureMode));
        EXPECT_EQ(r.text, std::string("standard"));
        // RGB gain: MDC can only read it.
        if (kind == ProtocolKind::Mdc) {
            t.panel().rgbGain = {201, 202, 203};
            r = exec(io, d, Command::rgb(Op::SetRgbGain, 1, 2, 3));
            EXPECT_TRUE(r.status == Status::Unsupported);
        } else {
            r = exec(io, d, Command::rgb(Op::SetRgbGain, 201, 202, 203));
            EXPECT_TRUE(r.ok());
        }
        r = exec(io, d, Command::make(Op::GetRgbGain));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE((r.values == std::vector<int>{201, 202, 203}));
        EXPECT_TRUE((t.panel().rgbGain == std::array<int, 3>{201, 202, 203}));
        // Tiling set, then read back as on, columns, rows, position.
        EXPECT_TRUE(exec(io, d, Command::tiling(4, 3, 6)).ok());
        r = exec(io, d, Command::make(Op::GetTiling));
        EXPECT_TRUE(r.ok());
        EXPECT_TRUE((r.values == std::vector<int>{1, 4, 3, 6}));
        EXPECT_TRUE(exec(io, d, Command::make(Op::SetBezelCompensation, 1)).ok());
        EXPECT_EQ(exec(io, d, Command::make(Op::GetBezelCompensation)).value, 1);
        if (kind != ProtocolKind::Lg) {
            EXPECT_TRUE(exec(io, d, Command::make(Op::SetColourTemperature, 7500)).ok());
            EXPECT_EQ(exec(io, d, Command::make(Op::GetColourTemperature)).value, 7500);
        }
        if (kind == ProtocolKind::Nec) {
            EXPECT_TRUE(exec(io, d, Command::named(Op::SetGamma, "2.4")).ok());
            EXPECT_EQ(exec(io, d, Command::make(Op::GetGamma)).text, std::string("2.4"));
            EXPECT_TRUE(exec(io, d, Command::make(Op::SaveSettings)).ok());
        }
    }
}

TEST_CASE("a simulator refuses the setting it is told to, and only that one") {
    struct Case {
        ProtocolKind kind;
        const char *refuse;
        Status expected;
    };
    for (const auto &c : {Case{ProtocolKind::Mdc, "58", Status::Nak},
                          Case{ProtocolKind::Nec, "0010=40", Status::Unsupported},
                          Case{ProtocolKind::Lg, "mg", Status::Nak}}) {
        asio::io_context io;
        TcpDisplay t(io, c.kind, quick(1000, 0));
        const Display &d = *t.display;
        t.panel().on = true;
        t.panel().refuse.insert(c.refuse);
        const int before = t.panel().backlight;
        auto r = exec(io, d, Command::make(Op::SetBacklight, 40));
        EXPECT_TRUE(r.status == c.expected);
        EXPECT_TRUE(!r.error.empty());
        EXPECT_EQ(t.panel().backlight, before);
        EXPECT_TRUE(exec(io, d, Command::make(Op::SetContrast, 40)).ok());
        EXPECT_EQ(t.panel().contrast, 40);
        EXPECT_EQ(exec(io, d, Command::make(Op::GetBacklight)).value, before);
    }
}

CHECK_MAIN
