#include "pjlink.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cctype>
#include <utility>

namespace opswall::drivers::pjlink {

Bytes encode(const Line &l) {
    return toBytes(std::string("%") + l.pjClass + l.command + l.separator + l.parameter + "\r");
}

std::optional<Line> parse(std::string_view s, std::string *why) {
    auto fail = [why](const char *w) -> std::optional<Line> {
        if (why)
            *why = w;
        return std::nullopt;
    };
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    if (s.size() > kMaxLine)
        return fail("PJLink line longer than 136 bytes");
    if (s.size() < 7 || s[0] != '%' || (s[1] != '1' && s[1] != '2'))
        return fail("PJLink line must start with %1 or %2");
    Line l;
    l.pjClass = s[1];
    for (char c : s.substr(2, 4)) {
        if (!std::isalnum(static_cast<unsigned char>(c)))
            return fail("PJLink command must be 4 letters or digits");
        l.command.push_back(char(std::toupper(static_cast<unsigned char>(c))));
    }
    l.separator = s[6];
    if (l.separator != ' ' && l.separator != '=')
        return fail("PJLink command must be followed by a space or '='");
    l.parameter = std::string(s.substr(7));
    return l;
}

std::optional<Greeting> parseGreeting(std::string_view s) {
    while (!s.empty() && (s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    if (s == "PJLINK 0")
        return Greeting{};
    if (s == "PJLINK ERRA")
        return Greeting{false, true, {}};
    if (s.size() == 17 && s.substr(0, 9) == "PJLINK 1 ")
        return Greeting{true, false, std::string(s.substr(9))};
    return std::nullopt;
}

std::string md5Hex(std::string_view data) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    EVP_Digest(data.data(), data.size(), digest, &size, EVP_md5(), nullptr);
    static constexpr char digits[] = "0123456789abcdef";
    std::string hex;
    for (unsigned i = 0; i < size; ++i) {
        hex.push_back(digits[digest[i] >> 4]);
        hex.push_back(digits[digest[i] & 0xF]);
    }
    return hex;
}

std::string authDigest(std::string_view random, std::string_view password) {
    return md5Hex(std::string(random) + std::string(password));
}

int errorCode(std::string_view p) {
    if (p.size() == 4 && p.substr(0, 3) == "ERR" && p[3] >= '1' && p[3] <= '4')
        return p[3] - '0';
    return 0;
}

Decoded LineFramer::next() {
    const auto start = std::find_if(m_buffer.begin(), m_buffer.end(),
                                    [](std::uint8_t b) { return b != '\r' && b != '\n'; });
    m_buffer.erase(m_buffer.begin(), start);
    const auto end = std::find_if(m_buffer.begin(), m_buffer.end(),
                                  [](std::uint8_t b) { return b == '\r' || b == '\n'; });
    if (end == m_buffer.end()) {
        if (m_buffer.size() > kMaxLine) {
            m_buffer.clear();
            return FrameError{"PJLink line longer than 136 bytes without CR, dropped"};
        }
        return NeedMore{};
    }
    Bytes line(m_buffer.begin(), end);
    m_buffer.erase(m_buffer.begin(), end + 1);
    if (m_resync == Resync::Yes) {
        const std::string text = toString(line);
        const auto from = std::min(text.find('%'), text.find("PJLINK"));
        if (from == std::string::npos)
            return FrameError{"PJLink line without '%' or 'PJLINK', dropped"};
        if (from > 0) {
            line.erase(line.begin(), line.begin() + std::ptrdiff_t(from));
            // Report the noise, keep the line for the next call.
            m_buffer.insert(m_buffer.begin(), '\r');
            m_buffer.insert(m_buffer.begin(), line.begin(), line.end());
            return FrameError{"skipped " + std::to_string(from) + " byte(s) of line noise"};
        }
    }
    if (line.size() > kMaxLine)
        return FrameError{"PJLink line longer than 136 bytes, dropped"};
    return Frame{std::move(line)};
}

namespace {
Step query(char cls, const char *command) {
    return Step{encode(Line{cls, command, ' ', "?"}), true};
}
} // namespace

Plan PjLinkProtocol::plan(const Command &c, const Address &to) const {
    if (to.kind == AddressKind::Broadcast)
        return Plan::refuse(Status::BadArgument, "PJLink addresses one device per connection");
    switch (c.op) {
    case Op::PowerOn:
        return Plan::of({Step{encode(Line{'1', "POWR", ' ', "1"}), true}});
    case Op::PowerOff:
        return Plan::of({Step{encode(Line{'1', "POWR", ' ', "0"}), true}});
    case Op::PowerStatus:
        return Plan::of({query('1', "POWR")});
    case Op::SetInput: {
        const auto code = m_profile.inputCode(c.text);
        if (!code || *code < 11 || *code > 99)
            return Plan::refuse(Status::Unsupported, "unknown input '" + c.text + "'");
        return Plan::of({Step{encode(Line{'1', "INPT", ' ', std::to_string(*code)}), true}});
    }
    case Op::GetInput:
        return Plan::of({query('1', "INPT")});
    case Op::FanStatus:
    case Op::ErrorStatus:
    case Op::Temperature:
        return Plan::of({query('1', "ERST")});
    case Op::ModelName:
        return Plan::of({query('1', "INF2")});
    case Op::SerialNumber:
        return Plan::of({query('2', "SNUM")});
    case Op::Firmware:
        return Plan::of({query('2', "SVER")});
    default:
        break;
    }
    return Plan::refuse(Status::Unsupported,
                        "unsupported on this display: PJLink (class 1/2) has no command for " +
                            std::string(opName(c.op)));
}

Outcome PjLinkProtocol::interpret(const Command &c, const Address &, const Step &step,
                                  const Bytes &frame) const {
    Outcome o;
    const std::string text = toString(frame);
    if (text.rfind("PJLINK ERRA", 0) == 0) {
        o.kind = Outcome::Kind::AuthFailed;
        o.detail = "projector refused the password (PJLINK ERRA)";
        return o;
    }
    std::string why;
    const auto l = parse(text, &why);
    const auto sent = parse(toString(step.bytes));
    if (!l || !sent || l->separator != '=') {
        o.kind = Outcome::Kind::Malformed;
        o.detail = why.empty() ? "PJLink reply lacks '='" : why;
        return o;
    }
    if (l->command != sent->command) {
        o.kind = Outcome::Kind::Unrelated;
        return o;
    }
    // ERR1..ERR4: what each says about the request.
    static constexpr std::pair<Outcome::Kind, const char *> kErrors[] = {
        {Outcome::Kind::Unsupported, "ERR1: undefined command"},
        {Outcome::Kind::Nak, "ERR2: parameter out of range"},
        {Outcome::Kind::Busy, "ERR3: unavailable now (warming up or cooling down)"},
        {Outcome::Kind::Nak, "ERR4: projector/display failure"},
    };
    if (const int error = errorCode(l->parameter); error != 0) {
        o.kind = kErrors[error - 1].first;
        o.detail = kErrors[error - 1].second;
        return o;
    }
    o.kind = Outcome::Kind::Ok;
    const std::string &p = l->parameter;
    switch (c.op) {
    case Op::PowerStatus: {
        static constexpr PowerState map[] = {PowerState::Standby, PowerState::On,
                                             PowerState::CoolingDown, PowerState::WarmingUp};
        o.value = int(p.size() == 1 && p[0] >= '0' && p[0] <= '3' ? map[p[0] - '0']
                                                                  : PowerState::Invalid);
        if (o.value == int(PowerState::Invalid)) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "POWR reply '" + p + "'";
        }
        break;
    }
    case Op::GetInput:
        o.value = p.size() == 2 && std::isdigit(static_cast<unsigned char>(p[0])) &&
                          std::isdigit(static_cast<unsigned char>(p[1]))
                      ? std::stoi(p)
                      : -1;
        o.text = m_profile.inputName(o.value).value_or(p);
        break;
    case Op::FanStatus:
    case Op::ErrorStatus:
    case Op::Temperature:
        // ERST: fan, lamp, temperature, cover, filter, other; each 0 ok, 1 warning, 2 error.
        if (p.size() != 6 ||
            !std::all_of(p.begin(), p.end(), [](char ch) { return ch >= '0' && ch <= '2'; })) {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "ERST reply '" + p + "'";
            break;
        }
        for (char ch : p)
            o.values.push_back(ch - '0');
        if (c.op == Op::FanStatus)
            o.value = o.values[0] ? 1 : 0;
        else if (c.op == Op::ErrorStatus)
            o.value = *std::max_element(o.values.begin(), o.values.end()) ? 1 : 0;
        else // PJLink reports a temperature alarm level, not degrees
            o.value = -1, o.text = o.values[2] == 0 ? "ok" : o.values[2] == 1 ? "warning" : "error";
        break;
    case Op::PowerOn:
    case Op::PowerOff:
    case Op::SetInput:
        if (p != "OK") {
            o.kind = Outcome::Kind::Malformed;
            o.detail = "expected OK, got '" + p + "'";
        }
        break;
    default:
        o.text = p;
        break;
    }
    return o;
}

Outcome PjLinkProtocol::onGreeting(const Bytes &line, const Credentials &credentials,
                                   Session &session) const {
    Outcome o;
    const auto g = parseGreeting(toString(line));
    if (!g) {
        o.kind = Outcome::Kind::Malformed;
        o.detail = "not a PJLink greeting: '" + toString(line) + "'";
        return o;
    }
    if (g->authFailed || (g->authRequired && credentials.password.empty())) {
        o.kind = Outcome::Kind::AuthFailed;
        o.detail = g->authFailed ? "projector refused the connection (PJLINK ERRA)"
                                 : "projector requires a password and none is configured";
        return o;
    }
    session.greeted = true;
    session.authPrefix = g->authRequired ? authDigest(g->random, credentials.password) : "";
    o.kind = Outcome::Kind::Ok;
    return o;
}

void PjLinkProtocol::beforeSend(Bytes &bytes, Session &session) const {
    if (!session.authPrefix.empty()) {
        bytes.insert(bytes.begin(), session.authPrefix.begin(), session.authPrefix.end());
        session.authPrefix.clear();
    }
}

std::optional<Notification> parseNotification(const Bytes &datagram) {
    const auto l = parse(toString(datagram));
    if (!l || l->pjClass != '2' || l->separator != '=')
        return std::nullopt;
    return Notification{l->command, l->parameter};
}

Bytes searchDatagram() {
    return toBytes("%2SRCH\r");
}

} // namespace opswall::drivers::pjlink
