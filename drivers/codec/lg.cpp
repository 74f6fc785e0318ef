#include "lg.h"

#include <algorithm>
#include <array>
#include <cctype>

namespace opswall::drivers::lg {

namespace {
constexpr std::size_t kMaxToken = 64;

} // namespace

Bytes encodeRequest(const Request &r) {
    return toBytes(r.command + " " + hex2(unsigned(r.id)) + " " + r.data + "\r");
}

Bytes encodeReply(const Reply &r) {
    return toBytes(std::string(1, r.command) + " " + hex2(unsigned(r.id)) + " " +
                   (r.ok ? "OK" : "NG") + r.data + "x");
}

std::optional<Request> parseRequest(std::string_view s, std::string *why) {
    auto fail = [why](const char *w) -> std::optional<Request> {
        if (why)
            *why = w;
        return std::nullopt;
    };
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    // "ka 01 01" (data may hold several space-separated hex bytes)
    if (s.size() < 8 || s[2] != ' ' || s[5] != ' ' ||
        !std::isalpha(static_cast<unsigned char>(s[0])) ||
        !std::isalpha(static_cast<unsigned char>(s[1])))
        return fail("LG request must look like 'ka 01 01'");
    const auto id = parseHex(s.substr(3, 2));
    if (!id)
        return fail("LG set ID is not two hex digits");
    return Request{std::string(s.substr(0, 2)), int(*id), std::string(s.substr(6))};
}

std::optional<Reply> parseReply(std::string_view s, std::string *why) {
    auto fail = [why](const char *w) -> std::optional<Reply> {
        if (why)
            *why = w;
        return std::nullopt;
    };
    if (!s.empty() && s.back() == 'x')
        s.remove_suffix(1);
    // "a 01 OK01"
    if (s.size() < 7 || s[1] != ' ' || s[4] != ' ')
        return fail("LG reply must look like 'a 01 OK01x'");
    const auto id = parseHex(s.substr(2, 2));
    const auto status = s.substr(5, 2);
    if (!id || (status != "OK" && status != "NG"))
        return fail("LG reply has no valid set ID or OK/NG");
    const auto data = s.substr(7);
    if (data.find_first_of("\r\n") != data.npos)
        return fail("LG reply data has line breaks");
    return Reply{s[0], int(*id), status == "OK", std::string(data)};
}

Decoded LgFramer::next() {
    // Leading line ends and spaces between replies carry nothing.
    const auto start = std::find_if(m_buffer.begin(), m_buffer.end(), [](std::uint8_t b) {
        return b != '\r' && b != '\n' && b != ' ' && b != 0;
    });
    m_buffer.erase(m_buffer.begin(), start);
    // A reply starts with the command's second letter, which is 'x' itself for "dx" (picture
    // mode): "x 01 OK01x". The first byte is never the end of a reply.
    const auto searchFrom =
        m_delimiter == 'x' && !m_buffer.empty() ? m_buffer.begin() + 1 : m_buffer.begin();
    const auto end = std::find(searchFrom, m_buffer.end(), m_delimiter);
    if (end == m_buffer.end()) {
        if (m_buffer.size() > kMaxToken) {
            m_buffer.clear();
            return FrameError{"LG token longer than 64 bytes without delimiter, dropped"};
        }
        return NeedMore{};
    }
    // Resynchronise on the start of a reply ("a 01 OK") or request ("ka 01 "): line noise in
    // front of it is skipped and reported, the frame itself is kept.
    const std::size_t size = std::size_t(end - m_buffer.begin()) + 1;
    const bool reply = m_delimiter == 'x';
    const std::size_t prefix = reply ? 1 : 2;
    auto isStart = [&](std::size_t p) {
        auto at = [&](std::size_t i) { return char(m_buffer[p + i]); };
        if (p + prefix + 4 > size)
            return false;
        for (std::size_t i = 0; i < prefix; ++i)
            if (!std::isalpha(static_cast<unsigned char>(at(i))))
                return false;
        return at(prefix) == ' ' && std::isxdigit(static_cast<unsigned char>(at(prefix + 1))) &&
               std::isxdigit(static_cast<unsigned char>(at(prefix + 2))) && at(prefix + 3) == ' ';
    };
    std::size_t from = 0;
    while (from < size && !isStart(from))
        ++from;
    if (from == size) {
        m_buffer.erase(m_buffer.begin(), end + 1);
        return FrameError{"LG token without a valid start, dropped"};
    }
    if (from > 0) {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(from));
        return FrameError{"skipped " + std::to_string(from) + " byte(s) of line noise"};
    }
    Bytes token(m_buffer.begin(), end + 1);
    m_buffer.erase(m_buffer.begin(), end + 1);
    if (token.size() > kMaxToken)
        return FrameError{"LG token longer than 64 bytes, dropped"};
    return Frame{std::move(token)};
}

namespace {
// White-balance red, green, blue gain letters of a family (profile.h LgFamily, with sources).
const std::array<std::string, 3> &gainLetters(LgFamily family) {
    static const std::array<std::string, 3> signage{"jm", "jn", "jo"};
    static const std::array<std::string, 3> multivision{"jw", "jy", "jz"};
    return family == LgFamily::Multivision ? multivision : signage;
}

Step step(std::string command, int id, std::string data, bool reply) {
    return Step{encodeRequest(Request{std::move(command), id, std::move(data)}), reply};
}
} // namespace

Plan LgProtocol::plan(const Command &c, const Address &to) const {
    const bool broadcast = to.kind == AddressKind::Broadcast;
    if (!broadcast && (to.id < 1 || to.id > 0xFF))
        return Plan::refuse(Status::BadArgument, "LG set ID must be 1..255");
    const int id = broadcast ? 0 : to.id;
    const bool reply = !broadcast;
    auto one = [&](const char *command, std::string data) {
        if (broadcast && data == "FF")
            return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
        return Plan::of({step(command, id, std::move(data), reply)});
    };
    const bool percent = c.value >= 0 && c.value <= 100;
    switch (c.op) {
    case Op::PowerOn:
        return one("ka", "01");
    case Op::PowerOff:
        return one("ka", "00");
    case Op::PowerStatus:
        return one("ka", "FF");
    case Op::SetInput: {
        const auto code = m_profile.inputCode(c.text);
        if (!code)
            return Plan::refuse(Status::Unsupported, "unknown input '" + c.text + "'");
        return one("xb", hex2(unsigned(*code)));
    }
    case Op::GetInput:
        return one("xb", "FF");
    case Op::SetBrightness:
    case Op::SetContrast:
    case Op::SetBacklight:
        if (!percent)
            return Plan::refuse(Status::BadArgument, "value must be 0..100");
        return one(c.op == Op::SetBrightness ? "kh"
                   : c.op == Op::SetContrast ? "kg"
                                             : "mg",
                   hex2(unsigned(c.value)));
    case Op::GetBrightness:
        return one("kh", "FF");
    case Op::GetContrast:
        return one("kg", "FF");
    case Op::GetBacklight:
        return one("mg", "FF");
    case Op::SetTiling: {
        if (c.values.size() != 3)
            return Plan::refuse(Status::BadArgument, "tiling needs columns, rows, position");
        const int cols = c.values[0], rows = c.values[1], pos = c.values[2];
        if (cols < 1 || rows < 1 || cols > 15 || rows > 15 || pos < 1 || pos > cols * rows)
            return Plan::refuse(Status::BadArgument, "tiling out of range (1..15, position 1..N)");
        const auto &l = m_profile.lgTiles;
        if (cols == 1 && rows == 1)
            return one(l.tileMode.c_str(), "00");
        // dd: high nibble columns, low nibble rows; di: tile ID (position).
        return Plan::of({step(l.tileMode, id, hex2(unsigned(cols << 4 | rows)), reply),
                         step(l.tileId, id, hex2(unsigned(pos)), reply)});
    }
    case Op::SetBezelCompensation:
        return one(m_profile.lgTiles.naturalMode.c_str(), c.value ? "01" : "00");
    case Op::Temperature:
        return one("dn", "FF");
    case Op::SerialNumber:
        return one("fy", "FF");
    case Op::SetRgbGain: {
        if (auto refusal = refuseRgbGain(c, m_profile.maxRgbGain))
            return *refusal;
        // White balance red / green / blue gain, per family (profile.h LgFamily, with sources).
        const auto &g = gainLetters(m_profile.lgFamily);
        return Plan::of({step(g[0], id, hex2(unsigned(c.values[0])), reply),
                         step(g[1], id, hex2(unsigned(c.values[1])), reply),
                         step(g[2], id, hex2(unsigned(c.values[2])), reply)});
    }
    case Op::GetRgbGain: {
        if (broadcast)
            return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
        const auto &g = gainLetters(m_profile.lgFamily);
        return Plan::of(
            {step(g[0], id, "FF", reply), step(g[1], id, "FF", reply), step(g[2], id, "FF", reply)},
            true);
    }
    case Op::SetPictureMode:
    case Op::GetPictureMode: {
        if (m_profile.lgFamily == LgFamily::Multivision)
            return Plan::refuse(Status::Unsupported,
                                "unsupported on this display: LG multi-vision monitors (M-series "
                                "RS-232C) have no picture-mode command");
        if (c.op == Op::GetPictureMode)
            return one("dx", "FF");
        const auto code = ModelProfile::code(m_profile.pictureModes, c.text);
        if (!code)
            return Plan::refuse(Status::Unsupported,
                                "unknown picture mode '" + c.text + "' for this model");
        return one("dx", hex2(unsigned(*code)));
    }
    case Op::GetTiling:
        if (broadcast)
            return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
        return Plan::of({step(m_profile.lgTiles.tileMode, id, "FF", reply),
                         step(m_profile.lgTiles.tileId, id, "FF", reply)},
                        true);
    case Op::GetBezelCompensation:
        return one(m_profile.lgTiles.naturalMode.c_str(), "FF");
    case Op::SetRgbOffset:
    case Op::GetRgbOffset:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: LG's RS-232C has no RGB offset command "
                            "(only the service-mode white balance)");
    case Op::SetGamma:
    case Op::GetGamma:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: no LG RS-232C gamma command is known");
    case Op::SaveSettings:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: LG sets keep settings without a save "
                            "command");
    case Op::SetColourTemperature: // "ku" takes a model-specific enum, not kelvin
    case Op::GetColourTemperature:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: LG's colour temperature (ku) is a "
                            "model-specific preset list, not kelvin");
    case Op::FanStatus:
    case Op::ModelName:
    case Op::Firmware:
    case Op::ErrorStatus:
    case Op::Invalid:
        break;
    }
    return Plan::refuse(Status::Unsupported,
                        "LG driver does not implement " + std::string(opName(c.op)));
}

Outcome LgProtocol::interpret(const Command &c, const Address &, const Step &step,
                              const Bytes &frame) const {
    Outcome o;
    std::string why;
    const auto r = parseReply(
        std::string_view(reinterpret_cast<const char *>(frame.data()), frame.size()), &why);
    const auto sent = parseRequest(
        std::string_view(reinterpret_cast<const char *>(step.bytes.data()), step.bytes.size()));
    if (!r || !sent) {
        o.kind = Outcome::Kind::Malformed;
        o.detail = why;
        return o;
    }
    if (r->command != sent->command[1] || r->id != sent->id) {
        o.kind = Outcome::Kind::Unrelated;
        return o;
    }
    if (!r->ok) {
        o.kind = Outcome::Kind::Nak;
        o.detail = "display answered NG" + r->data;
        return o;
    }
    o.kind = Outcome::Kind::Ok;
    if (c.op == Op::SerialNumber) {
        o.text = r->data;
        return o;
    }
    const auto v = parseHex(r->data);
    o.value = v ? int(*v) : -1;
    if (c.op == Op::PowerStatus)
        o.value = int(o.value == 1   ? PowerState::On
                      : o.value == 0 ? PowerState::Off
                                     : PowerState::Invalid);
    else if (c.op == Op::GetInput)
        o.text = m_profile.inputName(o.value).value_or("code-" + std::to_string(o.value));
    else if (c.op == Op::GetPictureMode)
        o.text = ModelProfile::name(m_profile.pictureModes, o.value)
                     .value_or("code-" + std::to_string(o.value));
    else if (c.op == Op::GetTiling && sent->command == m_profile.lgTiles.tileMode && v)
        o.parts = {*v != 0 ? 1 : 0, int(*v >> 4), int(*v & 0xF)};
    return o;
}

} // namespace opswall::drivers::lg
