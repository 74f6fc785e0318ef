#include "nec.h"

#include <algorithm>
#include <cstdio>

namespace opswall::drivers::nec {

std::uint8_t bcc(const std::uint8_t *from, std::size_t size) {
    std::uint8_t x = 0;
    for (std::size_t i = 0; i < size; ++i)
        x ^= from[i];
    return x;
}

Bytes encode(const Message &m) {
    const std::size_t len = m.body.size() + 2; // STX .. ETX inclusive
    const std::string lenHex = hex2(unsigned(len));
    Bytes out;
    out.reserve(len + 9);
    for (std::uint8_t b : {kSoh, std::uint8_t(0x30), m.destination, m.source, std::uint8_t(m.type),
                           std::uint8_t(lenHex[0]), std::uint8_t(lenHex[1]), kStx})
        out.push_back(b);
    for (char c : m.body)
        out.push_back(std::uint8_t(c));
    out.push_back(kEtx);
    out.push_back(bcc(out.data() + 1, out.size() - 1));
    out.push_back(kCr);
    return out;
}

std::optional<Message> parse(const Bytes &f, std::string *why) {
    auto fail = [why](const char *w) -> std::optional<Message> {
        if (why)
            *why = w;
        return std::nullopt;
    };
    if (f.size() < 11 || f[0] != kSoh || f.back() != kCr)
        return fail("not an NEC frame (SOH ... CR, at least 11 bytes)");
    const auto len = parseHex(std::string_view(reinterpret_cast<const char *>(&f[5]), 2));
    if (!len || f.size() != 7 + *len + 2 || *len < 2)
        return fail("NEC length field does not match the frame");
    if (f[7] != kStx || f[7 + *len - 1] != kEtx)
        return fail("NEC frame lacks STX/ETX where the length says");
    if (bcc(f.data() + 1, 7 + *len - 1) != f[7 + *len])
        return fail("NEC BCC mismatch");
    const char t = char(f[4]);
    if (t < 'A' || t > 'F')
        return fail("NEC message type is not A..F");
    Message m;
    m.destination = f[2];
    m.source = f[3];
    m.type = Type(t);
    m.body.assign(f.begin() + 8, f.begin() + 8 + std::ptrdiff_t(*len - 2));
    return m;
}

std::optional<ParameterReply> parseParameterReply(std::string_view b) {
    if (b.size() != 16)
        return std::nullopt;
    const auto r = parseHex(b.substr(0, 2)), op = parseHex(b.substr(2, 4)),
               t = parseHex(b.substr(6, 2)), mx = parseHex(b.substr(8, 4)),
               cur = parseHex(b.substr(12, 4));
    if (!r || !op || !t || !mx || !cur)
        return std::nullopt;
    return ParameterReply{int(*r), int(*op), int(*t), int(*mx), int(*cur)};
}

std::string parameterReplyBody(const ParameterReply &r) {
    char buf[17];
    std::snprintf(buf, sizeof buf, "%02X%04X%02X%04X%04X", unsigned(r.result) & 0xFF,
                  unsigned(r.opcode) & 0xFFFF, unsigned(r.type) & 0xFF,
                  unsigned(r.maximum) & 0xFFFF, unsigned(r.current) & 0xFFFF);
    return buf;
}

Decoded NecFramer::next() {
    if (m_buffer.empty())
        return NeedMore{};
    if (m_buffer[0] != kSoh) {
        const auto it = std::find(m_buffer.begin(), m_buffer.end(), kSoh);
        const auto skipped = std::distance(m_buffer.begin(), it);
        m_buffer.erase(m_buffer.begin(), it);
        return FrameError{"skipped " + std::to_string(skipped) + " byte(s) before an NEC SOH"};
    }
    if (m_buffer.size() < 7)
        return NeedMore{};
    const auto len = parseHex(std::string_view(reinterpret_cast<const char *>(&m_buffer[5]), 2));
    if (!len || *len < 2) {
        m_buffer.erase(m_buffer.begin());
        return FrameError{"NEC length field is not hex, resynchronising"};
    }
    const std::size_t total = 7 + *len + 2;
    if (m_buffer.size() < total)
        return NeedMore{};
    Bytes frame(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(total));
    std::string why;
    if (!parse(frame, &why)) {
        m_buffer.erase(m_buffer.begin());
        return FrameError{why + ", resynchronising"};
    }
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(total));
    return Frame{std::move(frame)};
}

namespace {
std::string hex4(int v) {
    return hex2(unsigned(v) >> 8) + hex2(unsigned(v) & 0xFF);
}

Step step(std::uint8_t dest, Type type, std::string body, bool expectReply) {
    return Step{encode(Message{dest, kController, type, std::move(body)}), expectReply};
}

// Opcodes, PROTOCOLS.md §2 (controls.txt revision 20180118).
constexpr int kBacklight = 0x0010, kContrast = 0x0012, kColourTemp = 0x0054, kInput = 0x0060,
              kTileH = 0x02D0, kTileV = 0x02D1, kTilePos = 0x02D2, kTileMode = 0x02D3,
              kTileComp = 0x02D5, kTempSelect = 0x0278, kTempRead = 0x0279, kFanSelect = 0x027A,
              kFanRead = 0x027B, kRedGain = 0x0016, kGreenGain = 0x0018, kBlueGain = 0x001A,
              kPictureMode = 0x021A, kGamma = 0x0268;
} // namespace

Plan NecProtocol::plan(const Command &c, const Address &to) const {
    const bool broadcast = to.kind == AddressKind::Broadcast;
    if (!broadcast && (to.id < 1 || to.id > 100))
        return Plan::refuse(Status::BadArgument, "NEC monitor ID must be 1..100");
    const std::uint8_t dest = broadcast ? kAll : monitorByte(to.id);
    const bool reply = !broadcast;
    auto get = [&](int op) { return Plan::of({step(dest, Type::Get, hex4(op), reply)}); };
    auto set = [&](int op, int v) {
        return Plan::of({step(dest, Type::Set, hex4(op) + hex4(v), reply)});
    };
    const bool isQuery =
        c.op == Op::PowerStatus || c.op == Op::GetInput || c.op == Op::GetBrightness ||
        c.op == Op::GetBacklight || c.op == Op::GetContrast || c.op == Op::GetColourTemperature ||
        c.op == Op::Temperature || c.op == Op::FanStatus || c.op == Op::SerialNumber ||
        c.op == Op::ModelName || c.op == Op::ErrorStatus || c.op == Op::GetRgbGain ||
        c.op == Op::GetPictureMode || c.op == Op::GetGamma || c.op == Op::GetTiling ||
        c.op == Op::GetBezelCompensation || c.op == Op::GetRgbOffset;
    if (broadcast && isQuery)
        return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
    const bool percent = c.value >= 0 && c.value <= 100;
    switch (c.op) {
    case Op::PowerOn:
        return Plan::of({step(dest, Type::Command, "C203D60001", reply)});
    case Op::PowerOff:
        return Plan::of({step(dest, Type::Command, "C203D60004", reply)});
    case Op::PowerStatus:
        return Plan::of({step(dest, Type::Command, "01D6", reply)});
    case Op::SetInput: {
        const auto code = m_profile.inputCode(c.text);
        if (!code)
            return Plan::refuse(Status::Unsupported, "unknown input '" + c.text + "'");
        return set(kInput, *code);
    }
    case Op::GetInput:
        return get(kInput);
    // NEC's "Brightness" (0010) is the LCD backlight; 0092 is black level, not brightness.
    case Op::SetBrightness:
    case Op::SetBacklight:
        if (!percent)
            return Plan::refuse(Status::BadArgument, "value must be 0..100");
        return set(kBacklight, c.value);
    case Op::GetBrightness:
    case Op::GetBacklight:
        return get(kBacklight);
    case Op::SetContrast:
        if (!percent)
            return Plan::refuse(Status::BadArgument, "value must be 0..100");
        return set(kContrast, c.value);
    case Op::GetContrast:
        return get(kContrast);
    case Op::SetColourTemperature: // 0 = 2600 K ... 74 = 10000 K in 100 K steps
        if (c.value < 2600 || c.value > 10000)
            return Plan::refuse(Status::BadArgument, "colour temperature must be 2600..10000 K");
        return set(kColourTemp, (c.value - 2600) / 100);
    case Op::GetColourTemperature:
        return get(kColourTemp);
    case Op::SetTiling: {
        if (c.values.size() != 3)
            return Plan::refuse(Status::BadArgument, "tiling needs columns, rows, position");
        const int cols = c.values[0], rows = c.values[1], pos = c.values[2];
        if (cols < 1 || rows < 1 || cols > m_profile.maxTileColumns ||
            rows > m_profile.maxTileRows || pos < 1 || pos > cols * rows)
            return Plan::refuse(Status::BadArgument, "tiling out of range for this model");
        if (cols == 1 && rows == 1)
            return set(kTileMode, 1);
        return Plan::of({step(dest, Type::Set, hex4(kTileH) + hex4(cols), reply),
                         step(dest, Type::Set, hex4(kTileV) + hex4(rows), reply),
                         step(dest, Type::Set, hex4(kTilePos) + hex4(pos), reply),
                         step(dest, Type::Set, hex4(kTileMode) + hex4(2), reply)});
    }
    case Op::SetBezelCompensation:
        return set(kTileComp, c.value ? 2 : 1);
    case Op::Temperature:
        return Plan::of({step(dest, Type::Set, hex4(kTempSelect) + hex4(1), reply),
                         step(dest, Type::Get, hex4(kTempRead), reply)});
    case Op::FanStatus:
        return Plan::of({step(dest, Type::Set, hex4(kFanSelect) + hex4(1), reply),
                         step(dest, Type::Get, hex4(kFanRead), reply)});
    case Op::SerialNumber:
        return Plan::of({step(dest, Type::Command, "C216", reply)});
    case Op::ModelName:
        return Plan::of({step(dest, Type::Command, "C217", reply)});
    case Op::ErrorStatus:
        return Plan::of({step(dest, Type::Command, "B1", reply)});
    case Op::SetRgbGain: {
        if (auto refusal = refuseRgbGain(c, m_profile.maxRgbGain))
            return *refusal;
        return Plan::of({step(dest, Type::Set, hex4(kRedGain) + hex4(c.values[0]), reply),
                         step(dest, Type::Set, hex4(kGreenGain) + hex4(c.values[1]), reply),
                         step(dest, Type::Set, hex4(kBlueGain) + hex4(c.values[2]), reply)});
    }
    case Op::GetRgbGain:
        return Plan::of({step(dest, Type::Get, hex4(kRedGain), reply),
                         step(dest, Type::Get, hex4(kGreenGain), reply),
                         step(dest, Type::Get, hex4(kBlueGain), reply)},
                        true);
    case Op::SetPictureMode:
    case Op::SetGamma: {
        const bool mode = c.op == Op::SetPictureMode;
        const auto code =
            ModelProfile::code(mode ? m_profile.pictureModes : m_profile.gammaCodes, c.text);
        if (!code)
            return Plan::refuse(Status::Unsupported, std::string("unknown ") +
                                                         (mode ? "picture mode" : "gamma") + " '" +
                                                         c.text + "' for this model");
        return set(mode ? kPictureMode : kGamma, *code);
    }
    case Op::GetPictureMode:
        return get(kPictureMode);
    case Op::GetGamma:
        return get(kGamma);
    case Op::GetTiling: // mode (2 = on), then H, V monitors and position
        return Plan::of({step(dest, Type::Get, hex4(kTileMode), reply),
                         step(dest, Type::Get, hex4(kTileH), reply),
                         step(dest, Type::Get, hex4(kTileV), reply),
                         step(dest, Type::Get, hex4(kTilePos), reply)},
                        true);
    case Op::GetBezelCompensation:
        return get(kTileComp);
    case Op::SaveSettings:
        return Plan::of({step(dest, Type::Command, "0C", reply)});
    case Op::SetRgbOffset:
    case Op::GetRgbOffset:
        // 1098..109D are the analogue input's ADC offsets, not a white-balance offset.
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: NEC External Control has no RGB "
                            "offset (only analogue-input ADC offsets)");
    case Op::Firmware:
    case Op::Invalid:
        break;
    }
    return Plan::refuse(Status::Unsupported,
                        "NEC driver does not implement " + std::string(opName(c.op)));
}

namespace {
// "C316" + hex-encoded ASCII -> the text.
std::string hexAscii(std::string_view hex) {
    std::string s;
    for (std::size_t i = 0; i + 1 < hex.size(); i += 2)
        if (auto v = parseHex(hex.substr(i, 2)); v && *v)
            s.push_back(char(*v));
    return s;
}
} // namespace

Outcome NecProtocol::interpret(const Command &c, const Address &, const Step &step,
                               const Bytes &frame) const {
    Outcome o;
    std::string why;
    const auto m = parse(frame, &why);
    const auto sent = parse(step.bytes);
    if (!m || !sent) {
        o.kind = Outcome::Kind::Malformed;
        o.detail = why;
        return o;
    }
    // The reply's source is the monitor's ID byte; anything else belongs to another monitor.
    if (m->source != sent->destination || m->destination != kController) {
        o.kind = Outcome::Kind::Unrelated;
        return o;
    }
    if (m->body == kNullMessage) {
        o.kind = Outcome::Kind::Busy;
        o.detail = "monitor answered the null message (busy or unknown command)";
        return o;
    }
    const std::string &b = m->body;
    o.kind = Outcome::Kind::Ok;
    if (sent->type == Type::Get || sent->type == Type::Set) {
        const auto p = parseParameterReply(b);
        const Type want = sent->type == Type::Get ? Type::GetReply : Type::SetReply;
        if (m->type != want || !p) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "NEC parameter reply expected, got '" + b + "'";
            return o;
        }
        if (p->opcode != int(parseHex(std::string_view(sent->body).substr(0, 4)).value_or(0))) {
            o.kind = Outcome::Kind::Unrelated;
            return o;
        }
        if (p->result != 0) {
            o.kind = Outcome::Kind::Unsupported;
            o.detail = "monitor reports the parameter as unsupported";
            return o;
        }
        o.value = p->current;
        o.values = {p->maximum, p->current};
        switch (c.op) {
        case Op::GetInput:
            o.text = m_profile.inputName(p->current).value_or("code-" + std::to_string(p->current));
            break;
        case Op::GetColourTemperature:
            o.value = 2600 + p->current * 100;
            break;
        case Op::Temperature: // [U] magik1969 decodes half degrees, signed
            o.value = int(std::int16_t(std::uint16_t(p->current))) / 2;
            break;
        case Op::FanStatus:
            o.value = p->current == 2 ? 1 : 0;
            break;
        case Op::GetBezelCompensation:
            o.value = p->current == 2 ? 1 : 0;
            break;
        case Op::GetTiling:
            if (p->opcode == kTileMode)
                o.value = p->current == 2 ? 1 : 0;
            break;
        case Op::GetPictureMode:
        case Op::GetGamma:
            o.text = ModelProfile::name(c.op == Op::GetPictureMode ? m_profile.pictureModes
                                                                   : m_profile.gammaCodes,
                                        p->current)
                         .value_or("code-" + std::to_string(p->current));
            break;
        default:
            break;
        }
        return o;
    }
    if (m->type != Type::CommandReply) {
        o.kind = Outcome::Kind::Malformed;
        o.detail = "NEC command reply expected";
        return o;
    }
    switch (c.op) {
    case Op::PowerOn:
    case Op::PowerOff:
        if (b.size() != 12 || b.substr(0, 2) != "00") {
            o.kind = b.size() == 12 ? Outcome::Kind::Nak : Outcome::Kind::Malformed;
            o.detail = "power command refused: '" + b + "'";
        }
        break;
    case Op::PowerStatus: {
        // "02" reply code, "00" result, "D6" opcode, "00" type, max(4), current(4)
        const std::string_view v(b);
        const auto current = b.size() == 16 ? parseHex(v.substr(12, 4)) : std::nullopt;
        if (!current || v.substr(0, 6) != "0200D6") {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "power status reply '" + b + "'";
            break;
        }
        static constexpr PowerState map[] = {PowerState::Invalid, PowerState::On,
                                             PowerState::Standby, PowerState::Standby,
                                             PowerState::Off};
        o.value = int(*current >= 1 && *current <= 4 ? map[*current] : PowerState::Invalid);
        break;
    }
    case Op::SerialNumber:
    case Op::ModelName:
        if (b.size() < 4 || b.substr(0, 4) != (c.op == Op::SerialNumber ? "C316" : "C317")) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "unexpected reply '" + b + "'";
            break;
        }
        o.text = hexAscii(std::string_view(b).substr(4));
        break;
    case Op::SaveSettings:
        if (b != "000C") {
            o.kind = Outcome::Kind::Nak;
            o.detail = "save settings refused: '" + b + "'";
        }
        break;
    case Op::ErrorStatus:
        if (b.size() < 4 || b.substr(0, 2) != "A1") {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "self-diagnosis reply '" + b + "'";
            break;
        }
        for (std::size_t i = 2; i + 1 < b.size(); i += 2)
            o.values.push_back(int(parseHex(std::string_view(b).substr(i, 2)).value_or(0xFF)));
        o.value = std::any_of(o.values.begin(), o.values.end(), [](int v) { return v != 0; });
        break;
    default:
        break;
    }
    return o;
}

} // namespace opswall::drivers::nec
