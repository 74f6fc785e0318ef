#include "mdc.h"

#include <algorithm>
#include <numeric>

namespace opswall::drivers::mdc {

std::uint8_t checksum(const std::uint8_t *from, std::size_t size) {
    return std::uint8_t(std::accumulate(from, from + size, 0u) & 0xFF);
}

Bytes encode(std::uint8_t command, std::uint8_t id, const Bytes &data) {
    Bytes out{kHeader, command, id, std::uint8_t(data.size())};
    out.insert(out.end(), data.begin(), data.end());
    out.push_back(checksum(out.data() + 1, out.size() - 1));
    return out;
}

Bytes encodeAck(std::uint8_t id, std::uint8_t command, const Bytes &data) {
    Bytes payload{kAck, command};
    payload.insert(payload.end(), data.begin(), data.end());
    return encode(kReplyCmd, id, payload);
}

Bytes encodeNak(std::uint8_t id, std::uint8_t command, std::uint8_t error) {
    return encode(kReplyCmd, id, Bytes{kNak, command, error});
}

namespace {
bool checkFrame(const Bytes &f, std::string *why) {
    auto fail = [why](const char *w) {
        if (why)
            *why = w;
        return false;
    };
    if (f.size() < 5 || f[0] != kHeader)
        return fail("not an MDC frame (needs AA header and at least 5 bytes)");
    if (f.size() != std::size_t(f[3]) + 5)
        return fail("MDC length byte does not match the frame size");
    if (checksum(f.data() + 1, f.size() - 2) != f.back())
        return fail("MDC checksum mismatch");
    return true;
}
} // namespace

std::optional<Reply> parseReply(const Bytes &f, std::string *why) {
    if (!checkFrame(f, why))
        return std::nullopt;
    if (f[1] != kReplyCmd || f[3] < 2 || (f[4] != kAck && f[4] != kNak)) {
        if (why)
            *why = "MDC frame is not an ACK/NAK reply";
        return std::nullopt;
    }
    Reply r;
    r.id = f[2];
    r.ack = f[4] == kAck;
    r.command = f[5];
    r.data.assign(f.begin() + 6, f.end() - 1);
    return r;
}

std::optional<Request> parseRequest(const Bytes &f, std::string *why) {
    if (!checkFrame(f, why))
        return std::nullopt;
    if (f[1] == kReplyCmd) {
        if (why)
            *why = "MDC frame is a reply, not a request";
        return std::nullopt;
    }
    return Request{f[1], f[2], Bytes(f.begin() + 4, f.end() - 1)};
}

Decoded MdcFramer::next() {
    if (m_buffer.empty())
        return NeedMore{};
    if (m_buffer[0] != kHeader) {
        const auto it = std::find(m_buffer.begin(), m_buffer.end(), kHeader);
        const auto skipped = std::distance(m_buffer.begin(), it);
        m_buffer.erase(m_buffer.begin(), it);
        return FrameError{"skipped " + std::to_string(skipped) + " byte(s) before an MDC header"};
    }
    if (m_buffer.size() < 4)
        return NeedMore{};
    const std::size_t total = std::size_t(m_buffer[3]) + 5;
    if (m_buffer.size() < total)
        return NeedMore{};
    Bytes frame(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(total));
    if (checksum(frame.data() + 1, total - 2) != frame.back()) {
        m_buffer.erase(m_buffer.begin()); // resynchronise on the next AA
        return FrameError{"MDC checksum mismatch, resynchronising"};
    }
    m_buffer.erase(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(total));
    return Frame{std::move(frame)};
}

std::uint8_t packWallGeometry(int columns, int rows, MdcWallNibbles order) {
    const auto c = std::uint8_t(columns & 0xF), r = std::uint8_t(rows & 0xF);
    return order == MdcWallNibbles::RowsHigh ? std::uint8_t(r << 4 | c) : std::uint8_t(c << 4 | r);
}

std::pair<int, int> unpackWallGeometry(std::uint8_t g, MdcWallNibbles order) {
    const int high = g >> 4, low = g & 0xF;
    return order == MdcWallNibbles::RowsHigh ? std::pair{low, high} : std::pair{high, low};
}

namespace {
bool inPercent(int v) {
    return v >= 0 && v <= 100;
}

struct Wire {
    std::uint8_t command;
    Bytes data;
};

// The MDC command (and data) behind each operation; GET when data is empty.
std::optional<Wire> wireFor(const Command &c, const ModelProfile &profile, std::string &why) {
    switch (c.op) {
    case Op::PowerOn:
        return Wire{cmd::Power, {1}};
    case Op::PowerOff:
        return Wire{cmd::Power, {0}};
    case Op::PowerStatus:
        return Wire{cmd::Power, {}};
    case Op::SetInput: {
        const auto code = profile.inputCode(c.text);
        if (!code) {
            why = "unknown input '" + c.text + "' for this model";
            return std::nullopt;
        }
        return Wire{cmd::Input, {std::uint8_t(*code)}};
    }
    case Op::GetInput:
        return Wire{cmd::Input, {}};
    case Op::SetBrightness:
    case Op::SetContrast:
    case Op::SetBacklight:
        if (!inPercent(c.value)) {
            why = "value must be 0..100";
            return std::nullopt;
        }
        return Wire{c.op == Op::SetBrightness ? cmd::Brightness
                    : c.op == Op::SetContrast ? cmd::Contrast
                                              : cmd::Backlight,
                    {std::uint8_t(c.value)}};
    case Op::GetBrightness:
        return Wire{cmd::Brightness, {}};
    case Op::GetContrast:
        return Wire{cmd::Contrast, {}};
    case Op::GetBacklight:
        return Wire{cmd::Backlight, {}};
    case Op::SetColourTemperature: // hectokelvin on current models (28..160)
        if (c.value < 2800 || c.value > 16000) {
            why = "colour temperature must be 2800..16000 K";
            return std::nullopt;
        }
        return Wire{cmd::ColourTemp, {std::uint8_t(c.value / 100)}};
    case Op::GetColourTemperature:
        return Wire{cmd::ColourTemp, {}};
    case Op::SetBezelCompensation: // 0 natural (bezel compensated), 1 full
        return Wire{cmd::WallMode, {std::uint8_t(c.value ? 0 : 1)}};
    case Op::Temperature:
    case Op::FanStatus:
    case Op::ErrorStatus:
        return Wire{cmd::Health, {}};
    case Op::SerialNumber:
        return Wire{cmd::Serial, {}};
    case Op::ModelName:
        return Wire{cmd::ModelName, {}};
    case Op::Firmware:
        return Wire{cmd::Firmware, {}};
    case Op::SetPictureMode: {
        const auto code = ModelProfile::code(profile.pictureModes, c.text);
        if (!code) {
            why = "unknown picture mode '" + c.text + "' for this model";
            return std::nullopt;
        }
        return Wire{cmd::PictureMode, {std::uint8_t(*code)}};
    }
    case Op::GetPictureMode:
        return Wire{cmd::PictureMode, {}};
    case Op::GetRgbGain: // the 0x06 RGB status (GET only) reports the gains in bytes 5..7
        return Wire{cmd::RgbStatus, {}};
    case Op::GetBezelCompensation:
        return Wire{cmd::WallMode, {}};
    case Op::SetRgbGain:
    case Op::SetRgbOffset:
    case Op::GetRgbOffset:
    case Op::SetGamma:
    case Op::GetGamma:
    case Op::SaveSettings:
    case Op::GetTiling:
    case Op::SetTiling:
    case Op::Invalid:
        break;
    }
    why = "not an MDC operation";
    return std::nullopt;
}
} // namespace

Plan MdcProtocol::plan(const Command &c, const Address &to) const {
    const bool broadcast = to.kind == AddressKind::Broadcast;
    if (!broadcast && (to.id < 0 || to.id > 0xFD))
        return Plan::refuse(Status::BadArgument, "MDC display ID must be 0..253");
    const std::uint8_t id = broadcast ? kBroadcastId : std::uint8_t(to.id);
    const bool expectReply = !broadcast;

    if (c.op == Op::SetTiling) {
        if (c.values.size() != 3)
            return Plan::refuse(Status::BadArgument, "tiling needs columns, rows, position");
        const int cols = c.values[0], rows = c.values[1], pos = c.values[2];
        if (cols < 1 || rows < 1 || cols > 15 || rows > 15 || pos < 1 || pos > cols * rows)
            return Plan::refuse(Status::BadArgument, "tiling out of range (1..15, position 1..N)");
        if (cols == 1 && rows == 1)
            return Plan::of({Step{encode(cmd::WallOn, id, {0}), expectReply}});
        return Plan::of({Step{encode(cmd::WallOn, id, {1}), expectReply},
                         Step{encode(cmd::WallUser, id,
                                     {packWallGeometry(cols, rows, m_profile.mdcWallNibbles),
                                      std::uint8_t(pos)}),
                              expectReply}});
    }
    switch (c.op) {
    case Op::SetRgbGain:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: no public MDC command sets RGB gain "
                            "(MDC protocol v15.0 only reports the gains, in the 0x06 RGB status)");
    case Op::SetRgbOffset:
    case Op::GetRgbOffset:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: MDC has no RGB offset command");
    case Op::SetGamma:
    case Op::GetGamma:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: MDC has no gamma command");
    case Op::SaveSettings:
        return Plan::refuse(Status::Unsupported,
                            "unsupported on this display: MDC panels keep settings without a save "
                            "command");
    case Op::GetTiling: // 0x84 wall on/off, then 0x89 geometry and position
        if (broadcast)
            return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
        return Plan::of(
            {Step{encode(cmd::WallOn, id, {}), true}, Step{encode(cmd::WallUser, id, {}), true}},
            true);
    default:
        break;
    }
    std::string why;
    const auto wire = wireFor(c, m_profile, why);
    if (!wire)
        return Plan::refuse(c.op == Op::SetInput || c.op == Op::Invalid ||
                                    c.op == Op::SetPictureMode
                                ? Status::Unsupported
                                : Status::BadArgument,
                            why);
    if (broadcast && wire->data.empty())
        return Plan::refuse(Status::BadArgument, "a broadcast gets no reply: cannot query");
    return Plan::of({Step{encode(wire->command, id, wire->data), expectReply}});
}

Outcome MdcProtocol::interpret(const Command &c, const Address &, const Step &step,
                               const Bytes &frame) const {
    Outcome o;
    std::string why;
    const auto reply = parseReply(frame, &why);
    if (!reply) {
        o.kind = Outcome::Kind::Malformed;
        o.detail = why;
        return o;
    }
    // Replies are matched by ID and command: on a daisy chain every panel's reply is on the line.
    if (reply->id != step.bytes[2] || reply->command != step.bytes[1]) {
        o.kind = Outcome::Kind::Unrelated;
        return o;
    }
    if (!reply->ack) {
        o.kind = Outcome::Kind::Nak;
        o.value = reply->data.empty() ? -1 : reply->data[0];
        o.detail = "display answered NAK, error code " + std::to_string(o.value);
        return o;
    }
    o.kind = Outcome::Kind::Ok;
    const Bytes &d = reply->data;
    const bool isGet = step.bytes[3] == 0;
    auto first = [&d] { return d.empty() ? -1 : int(d[0]); };
    switch (c.op) {
    case Op::PowerStatus: {
        const int v = first();
        o.value = int(v == 1 ? PowerState::On : v == 0 ? PowerState::Off : PowerState::Invalid);
        break;
    }
    case Op::GetInput:
        o.value = first();
        o.text = m_profile.inputName(o.value).value_or("code-" + std::to_string(o.value));
        break;
    case Op::GetColourTemperature:
        o.value = first() < 0 ? -1 : first() * 100;
        break;
    case Op::GetPictureMode:
        o.value = first();
        o.text = ModelProfile::name(m_profile.pictureModes, o.value)
                     .value_or("code-" + std::to_string(o.value));
        break;
    case Op::GetBezelCompensation: // 0x5C: 0 natural (bezel compensated), 1 full
        o.value = first() < 0 ? -1 : first() == 0 ? 1 : 0;
        break;
    case Op::GetRgbGain:
        // contrast, brightness, colour tone, colour temperature, (ignored), R, G, B gain
        if (d.size() < 8) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "MDC RGB status reply shorter than 8 bytes";
            break;
        }
        o.values = {d[5], d[6], d[7]};
        break;
    case Op::GetTiling:
        if (step.bytes[1] == cmd::WallOn) {
            o.value = first() == 1 ? 1 : 0;
        } else if (d.size() >= 2) {
            const auto [cols, rows] = unpackWallGeometry(d[0], m_profile.mdcWallNibbles);
            o.parts = {cols, rows, d[1]};
        } else {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "MDC video wall user reply shorter than 2 bytes";
        }
        break;
    case Op::Temperature:
    case Op::FanStatus:
    case Op::ErrorStatus:
        if (d.size() < 6) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "MDC health reply shorter than 6 bytes";
            break;
        }
        o.values.assign(d.begin(), d.begin() + 6);
        if (c.op == Op::Temperature)
            o.value = d[4];
        else if (c.op == Op::FanStatus)
            o.value = d[5] == 0 ? 0 : d[5] == 1 ? 1 : 2;
        else
            o.value = (d[0] || d[1] || d[2] || d[3] || d[5] == 1) ? 1 : 0;
        break;
    case Op::SerialNumber:
    case Op::ModelName:
    case Op::Firmware: {
        std::string s(d.begin(), d.end());
        s.erase(std::find(s.begin(), s.end(), '\0'), s.end());
        o.text = s;
        break;
    }
    default:
        o.value = isGet || !d.empty() ? first() : -1;
        break;
    }
    return o;
}

} // namespace opswall::drivers::mdc
