// One libFuzzer target per protocol (OPSWALL_FUZZ_PROTOCOL selects it at compile time): the
// bytes go through the controller side (framer -> interpret against several plans, greeting)
// and the display side (simulator framer -> responder). Nothing may crash, hang or throw.
#include "protocol.h"
#include "responders.h"

#include <cstdint>
#include <cstring>

using namespace opswall::drivers;

namespace {
ProtocolKind kind() {
    return protocolKindFromName(OPSWALL_FUZZ_PROTOCOL);
}

void controllerSide(const Protocol &p, const std::uint8_t *data, std::size_t size) {
    auto framer = p.makeFramer();
    // Two pushes: a frame split at an arbitrary point must behave like one push.
    const std::size_t half = size ? data[0] % (size + 1) : 0;
    framer->push(data, half);
    framer->push(data + half, size - half);
    static const Command commands[] = {
        Command::make(Op::PowerStatus),
        Command::make(Op::GetInput),
        Command::make(Op::Temperature),
        Command::make(Op::FanStatus),
        Command::make(Op::ErrorStatus),
        Command::make(Op::SerialNumber),
        Command::make(Op::PowerOn),
        Command::make(Op::GetBacklight),
        Command::tiling(2, 2, 1),
        Command::make(Op::GetRgbGain),
        Command::rgb(Op::SetRgbGain, 200, 190, 180),
        Command::make(Op::GetPictureMode),
        Command::named(Op::SetPictureMode, "standard"),
        Command::make(Op::GetGamma),
        Command::make(Op::GetTiling),
        Command::make(Op::GetBezelCompensation),
        Command::make(Op::SaveSettings),
        Command::make(Op::GetColourTemperature),
    };
    Session session;
    for (int guard = 0; guard < 10000; ++guard) {
        auto d = framer->next();
        if (std::holds_alternative<NeedMore>(d))
            break;
        const auto *frame = std::get_if<Frame>(&d);
        if (!frame)
            continue;
        p.onGreeting(frame->bytes, Credentials{"pw"}, session);
        for (const auto &c : commands) {
            const auto plan = p.plan(c, Address::unicast(1));
            for (const auto &step : plan.steps)
                p.interpret(c, Address::unicast(1), step, frame->bytes);
        }
    }
}

void displaySide(const std::uint8_t *data, std::size_t size) {
    sim::SimBank bank = sim::SimBank::make(kind(), {1, 2});
    if (kind() == ProtocolKind::Lg && size % 3 == 0) // the other LG family's letters too
        bank.profile.useLgFamily(LgFamily::Multivision);
    bank.panels[1].on = true;
    bank.password = size % 2 ? "pw" : "";
    auto responder = sim::makeResponder(bank);
    auto framer = responder->requestFramer();
    framer->push(data, size);
    for (int guard = 0; guard < 10000; ++guard) {
        auto d = framer->next();
        if (std::holds_alternative<NeedMore>(d))
            break;
        if (const auto *frame = std::get_if<Frame>(&d))
            responder->handle(frame->bytes);
    }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size) {
    static const auto protocol = makeProtocol(kind(), ModelProfile::defaultFor(kind()));
    controllerSide(*protocol, data, size);
    if (kind() == ProtocolKind::Lg) { // LG's multi-vision family plans jw/jy/jz
        static const auto multivision = [] {
            ModelProfile p = ModelProfile::defaultFor(ProtocolKind::Lg);
            p.useLgFamily(LgFamily::Multivision);
            return makeProtocol(ProtocolKind::Lg, p);
        }();
        controllerSide(*multivision, data, size);
    }
    displaySide(data, size);
    return 0;
}
