#include "responders.h"
#include "lg.h"
#include "mdc.h"
#include "nec.h"
#include "pjlink.h"

#include <random>

namespace opswall::drivers::sim {

namespace {

std::string hex4(int v) {
    return hex2(unsigned(v) >> 8 & 0xFF) + hex2(unsigned(v) & 0xFF);
}

// ---------------------------------------------------------------- Samsung MDC
class MdcResponder final : public Responder {
public:
    explicit MdcResponder(SimBank &bank)
        : m_bank(bank) {}
    std::unique_ptr<Framer> requestFramer() const override {
        return std::make_unique<mdc::MdcFramer>();
    }
    SimReply handle(const Bytes &frame) override {
        const auto req = mdc::parseRequest(frame);
        if (!req)
            return {};
        if (req->id == mdc::kBroadcastId) { // every panel acts, none answers
            for (auto &[id, p] : m_bank.panels)
                apply(p, *req);
            return {};
        }
        SimPanel *p = m_bank.panel(req->id);
        if (!p)
            return {}; // nobody with this ID on the chain: silence, as on a real line
        return {{apply(*p, *req)}, false};
    }

private:
    Bytes apply(SimPanel &p, const mdc::Request &r) {
        ++p.commands;
        const auto id = std::uint8_t(p.id);
        const bool get = r.data.empty();
        const int v = get ? -1 : r.data[0];
        auto ack = [&](Bytes d) { return mdc::encodeAck(id, r.command, d); };
        auto nak = [&](std::uint8_t e) { return mdc::encodeNak(id, r.command, e); };
        if (p.nakNext > 0) {
            --p.nakNext;
            return nak(1);
        }
        if (!get && p.refuses(hex2(r.command), v))
            return nak(2);
        auto value = [&](int &field) {
            if (!get)
                field = v;
            return ack({std::uint8_t(field)});
        };
        switch (r.command) {
        case mdc::cmd::Power:
            if (!get) {
                if (v == 1 && !p.on)
                    p.startBusy();
                p.on = v == 1;
            }
            return ack({std::uint8_t(p.on ? 1 : 0)});
        case mdc::cmd::Health:
            return ack({std::uint8_t(p.lampError), std::uint8_t(p.temperatureC > 70), 0, 0,
                        std::uint8_t(p.temperatureC), std::uint8_t(p.fan)});
        case mdc::cmd::Serial:
            return ack(toBytes(p.serial));
        case mdc::cmd::ModelName:
            return ack(toBytes(p.model));
        case mdc::cmd::Firmware:
            return ack(toBytes(p.firmware));
        default:
            break;
        }
        // Everything else needs a panel that is on and finished booting.
        if (!p.on || p.busy())
            return nak(p.on ? 2 : 1);
        switch (r.command) {
        case mdc::cmd::Input:
            if (!get && !m_bank.profile.inputName(v))
                return nak(2);
            if (!get && v != p.input)
                p.startBusy();
            return value(p.input);
        case mdc::cmd::Brightness:
            return value(p.brightness);
        case mdc::cmd::Contrast:
            return value(p.contrast);
        case mdc::cmd::Backlight:
            return value(p.backlight);
        case mdc::cmd::ColourTemp: {
            int hecto = p.colourTemperatureK / 100;
            const auto reply = value(hecto);
            p.colourTemperatureK = hecto * 100;
            return reply;
        }
        case mdc::cmd::WallOn: {
            int wall = p.tiling;
            const auto reply = value(wall);
            p.tiling = wall == 1;
            return reply;
        }
        case mdc::cmd::WallMode: {
            int full = p.bezelCompensation ? 0 : 1;
            const auto reply = value(full);
            p.bezelCompensation = full == 0;
            return reply;
        }
        case mdc::cmd::PictureMode:
            if (!get && !ModelProfile::name(m_bank.profile.pictureModes, v))
                return nak(2);
            return value(p.pictureMode);
        case mdc::cmd::RgbStatus: // GET only: contrast, brightness, tone, hK, 0, R, G, B
            if (!get)
                return nak(3);
            return ack({std::uint8_t(p.contrast), std::uint8_t(p.brightness), 2,
                        std::uint8_t(p.colourTemperatureK / 100), 0, std::uint8_t(p.rgbGain[0]),
                        std::uint8_t(p.rgbGain[1]), std::uint8_t(p.rgbGain[2])});
        case mdc::cmd::WallUser:
            if (r.data.size() == 2) {
                p.tileGeometryByte = r.data[0];
                p.tilePosition = r.data[1];
            }
            return ack({std::uint8_t(p.tileGeometryByte), std::uint8_t(p.tilePosition)});
        default:
            return nak(3);
        }
    }
    SimBank &m_bank;
};

// ---------------------------------------------------------------- NEC
class NecResponder final : public Responder {
public:
    explicit NecResponder(SimBank &bank)
        : m_bank(bank) {}
    std::unique_ptr<Framer> requestFramer() const override {
        return std::make_unique<nec::NecFramer>();
    }
    SimReply handle(const Bytes &frame) override {
        const auto m = nec::parse(frame);
        if (!m || m->source != nec::kController)
            return {};
        if (m->destination == nec::kAll) {
            for (auto &[id, p] : m_bank.panels)
                apply(p, *m);
            return {};
        }
        SimPanel *p = m_bank.panel(int(m->destination) - 0x40);
        if (!p)
            return {};
        return {{apply(*p, *m)}, false};
    }

private:
    Bytes reply(const SimPanel &p, nec::Type type, std::string body) {
        return nec::encode(
            nec::Message{nec::kController, nec::monitorByte(p.id), type, std::move(body)});
    }
    Bytes apply(SimPanel &p, const nec::Message &m) {
        ++p.commands;
        const std::string &b = m.body;
        if (p.nakNext > 0 || (p.busy() && b != "01D6")) {
            if (p.nakNext > 0)
                --p.nakNext;
            return reply(p, nec::Type::Command, std::string(nec::kNullMessage));
        }
        if (m.type == nec::Type::Command) {
            if (b.size() == 10 && b.substr(0, 8) == "C203D600") {
                const bool on = b[9] == '1';
                if (on && !p.on)
                    p.startBusy();
                p.on = on;
                return reply(p, nec::Type::CommandReply, "00" + b);
            }
            if (b == "01D6")
                return reply(p, nec::Type::CommandReply,
                             std::string("0200D6000004000") + (p.on ? "1" : "4"));
            if (b == "C216" || b == "C217") {
                std::string hex;
                for (char c : (b == "C216" ? p.serial : p.model))
                    hex += hex2(unsigned(static_cast<unsigned char>(c)));
                return reply(p, nec::Type::CommandReply, (b == "C216" ? "C316" : "C317") + hex);
            }
            if (b == "B1") {
                std::string codes;
                if (p.fan)
                    codes += "80";
                if (p.temperatureC > 70)
                    codes += "A0";
                return reply(p, nec::Type::CommandReply, "A1" + (codes.empty() ? "00" : codes));
            }
            if (b == "0C")
                return reply(p, nec::Type::CommandReply, "000C");
            return reply(p, nec::Type::Command, std::string(nec::kNullMessage));
        }
        const bool set = m.type == nec::Type::Set;
        if ((!set && m.type != nec::Type::Get) || b.size() != (set ? 8u : 4u))
            return reply(p, nec::Type::Command, std::string(nec::kNullMessage));
        const int op = int(parseHex(std::string_view(b).substr(0, 4)).value_or(0));
        const int value = set ? int(parseHex(std::string_view(b).substr(4, 4)).value_or(0)) : 0;
        int *field = nullptr;
        int maximum = 100;
        int scratch = 0;
        switch (op) {
        case 0x0010:
            field = &p.backlight;
            break;
        case 0x0012:
            field = &p.contrast;
            break;
        case 0x0060:
            field = &p.input;
            maximum = 0xFF;
            break;
        case 0x0054:
            scratch = (p.colourTemperatureK - 2600) / 100;
            field = &scratch;
            maximum = 74;
            break;
        case 0x02D0:
            field = &p.tileColumns;
            maximum = 10;
            break;
        case 0x02D1:
            field = &p.tileRows;
            maximum = 10;
            break;
        case 0x02D2:
            field = &p.tilePosition;
            maximum = 100;
            break;
        case 0x02D3:
            scratch = p.tiling ? 2 : 1;
            field = &scratch;
            maximum = 3;
            break;
        case 0x02D5:
            scratch = p.bezelCompensation ? 2 : 1;
            field = &scratch;
            maximum = 2;
            break;
        case 0x0016:
        case 0x0018:
        case 0x001A:
            field = &p.rgbGain[std::size_t(op - 0x0016) / 2];
            maximum = 255;
            break;
        case 0x021A:
            field = &p.pictureMode;
            maximum = 17;
            break;
        case 0x0268:
            field = &p.gamma;
            maximum = 14;
            break;
        case 0x0278:
        case 0x027A:
            scratch = 1;
            field = &scratch;
            maximum = 3;
            break;
        case 0x0279:
            scratch = p.temperatureC * 2;
            field = &scratch;
            maximum = 0xFFFF;
            break;
        case 0x027B:
            scratch = p.fan ? 2 : 1;
            field = &scratch;
            maximum = 2;
            break;
        default:
            break;
        }
        const auto type = set ? nec::Type::SetReply : nec::Type::GetReply;
        if (!field || !p.on)
            return reply(p, type, nec::parameterReplyBody({1, op, 0, 0, 0}));
        if (set && (value < 0 || value > maximum || p.refuses(hex4(op), value)))
            return reply(p, type, nec::parameterReplyBody({1, op, 0, maximum, *field}));
        if (set) {
            if (op == 0x0060 && value != p.input)
                p.startBusy();
            *field = value;
            if (op == 0x0054)
                p.colourTemperatureK = 2600 + value * 100;
            if (op == 0x02D3)
                p.tiling = value == 2;
            if (op == 0x02D5)
                p.bezelCompensation = value == 2;
        }
        return reply(p, type, nec::parameterReplyBody({0, op, 0, maximum, *field}));
    }
    SimBank &m_bank;
};

// ---------------------------------------------------------------- LG
class LgResponder final : public Responder {
public:
    explicit LgResponder(SimBank &bank)
        : m_bank(bank) {}
    std::unique_ptr<Framer> requestFramer() const override {
        return std::make_unique<lg::LgFramer>('\r');
    }
    SimReply handle(const Bytes &frame) override {
        const auto r = lg::parseRequest(toString(frame));
        if (!r)
            return {};
        if (r->id == 0) { // set ID 00: all sets act, none acknowledges
            for (auto &[id, p] : m_bank.panels)
                apply(p, *r);
            return {};
        }
        SimPanel *p = m_bank.panel(r->id);
        if (!p)
            return {};
        return {{apply(*p, *r)}, false};
    }

private:
    Bytes apply(SimPanel &p, const lg::Request &r) {
        ++p.commands;
        auto ok = [&](std::string data) {
            return lg::encodeReply({r.command[1], p.id, true, std::move(data)});
        };
        auto ng = [&] { return lg::encodeReply({r.command[1], p.id, false, "00"}); };
        if (p.nakNext > 0) {
            --p.nakNext;
            return ng();
        }
        const bool read = r.data == "FF";
        const auto v = parseHex(r.data);
        if (r.command == "ka") {
            if (!read && v) {
                if (*v == 1 && !p.on)
                    p.startBusy();
                p.on = *v == 1;
            }
            return ok(p.on ? "01" : "00");
        }
        if (r.command == "fy")
            return ok(p.serial);
        if (!p.on || p.busy() || (!read && !v))
            return ng();
        if (!read && p.refuses(r.command, int(*v)))
            return ng();
        auto value = [&](int &field, int maximum) {
            if (!read) {
                if (int(*v) > maximum)
                    return ng();
                field = int(*v);
            }
            return ok(hex2(unsigned(field)));
        };
        const auto &letters = m_bank.profile.lgTiles;
        if (r.command == "xb") {
            if (!read && !m_bank.profile.inputName(int(*v)))
                return ng();
            if (!read && int(*v) != p.input)
                p.startBusy();
            return value(p.input, 0xFF);
        }
        if (r.command == "kh")
            return value(p.brightness, 100);
        if (r.command == "kg")
            return value(p.contrast, 100);
        if (r.command == "mg")
            return value(p.backlight, 100);
        // The family's white-balance letters (profile.h LgFamily); the other family's are
        // unknown commands to this set and answered NG, like a set that lacks them.
        const bool multivision = m_bank.profile.lgFamily == LgFamily::Multivision;
        const char *gains[3] = {"jm", "jn", "jo"};
        if (multivision) {
            gains[0] = "jw";
            gains[1] = "jy";
            gains[2] = "jz";
        }
        for (int i = 0; i < 3; ++i)
            if (r.command == gains[i])
                return value(p.rgbGain[std::size_t(i)], m_bank.profile.maxRgbGain);
        if (r.command == "dx" && !multivision) {
            if (!read && !ModelProfile::name(m_bank.profile.pictureModes, int(*v)))
                return ng();
            return value(p.pictureMode, 0xFF);
        }
        if (r.command == "dn")
            return ok(hex2(unsigned(p.temperatureC)));
        if (r.command == letters.tileMode) {
            int geometry = p.tiling ? (p.tileColumns << 4 | p.tileRows) : 0;
            const auto reply = value(geometry, 0xFF);
            p.tiling = geometry != 0;
            p.tileColumns = geometry >> 4;
            p.tileRows = geometry & 0xF;
            return reply;
        }
        if (r.command == letters.tileId)
            return value(p.tilePosition, 0xE1);
        if (r.command == letters.naturalMode) {
            int natural = p.bezelCompensation;
            const auto reply = value(natural, 1);
            p.bezelCompensation = natural == 1;
            return reply;
        }
        return ng();
    }
    SimBank &m_bank;
};

// ---------------------------------------------------------------- PJLink
class PjLinkResponder final : public Responder {
public:
    explicit PjLinkResponder(SimBank &bank)
        : m_bank(bank) {
        static std::mt19937 rng{std::random_device{}()};
        static constexpr char digits[] = "0123456789abcdef";
        for (int i = 0; i < 8; ++i)
            m_random.push_back(digits[rng() % 16]);
    }
    Bytes greeting() override {
        return toBytes(m_bank.password.empty() ? "PJLINK 0\r" : "PJLINK 1 " + m_random + "\r");
    }
    std::unique_ptr<Framer> requestFramer() const override {
        return std::make_unique<pjlink::LineFramer>(pjlink::Resync::No);
    }
    SimReply handle(const Bytes &frame) override {
        std::string line = toString(frame);
        if (!m_bank.password.empty() && !m_authenticated) {
            if (line.size() < 32 ||
                line.substr(0, 32) != pjlink::authDigest(m_random, m_bank.password))
                return {{toBytes("PJLINK ERRA\r")}, true};
            m_authenticated = true;
            line.erase(0, 32);
        }
        const auto l = pjlink::parse(line);
        if (!l || l->separator != ' ')
            return {};
        SimPanel *p = m_bank.panels.empty() ? nullptr : &m_bank.panels.begin()->second;
        if (!p)
            return {};
        ++p->commands;
        auto answer = [&](const std::string &param) {
            return SimReply{{pjlink::encode(pjlink::Line{l->pjClass, l->command, '=', param})},
                            false};
        };
        if (p->nakNext > 0) {
            --p->nakNext;
            return answer("ERR4");
        }
        const std::string &a = l->parameter;
        const bool query = a == "?";
        const std::string &c = l->command;
        if (l->pjClass == '2' && c != "SNUM" && c != "SVER" && c != "INPT" && c != "POWR" &&
            c != "ERST" && c != "CLSS")
            return answer("ERR1");
        if (c == "POWR") {
            if (query)
                return answer(p->busy() ? (p->on ? "3" : "2") : p->on ? "1" : "0");
            if (a != "0" && a != "1")
                return answer("ERR2");
            if (p->busy())
                return answer("ERR3");
            if (a == "1" && !p->on)
                p->startBusy();
            p->on = a == "1";
            return answer("OK");
        }
        if (c == "INPT") {
            if (query)
                return answer(p->on ? std::to_string(p->input) : "ERR3");
            const int code = a.size() == 2 && std::isdigit(static_cast<unsigned char>(a[0])) &&
                                     std::isdigit(static_cast<unsigned char>(a[1]))
                                 ? std::stoi(a)
                                 : -1;
            if (!m_bank.profile.inputName(code))
                return answer("ERR2");
            if (!p->on || p->busy())
                return answer("ERR3");
            p->input = code;
            return answer("OK");
        }
        if (c == "ERST") // fan, lamp, temperature, cover, filter, other
            return answer(std::string(1, p->fan ? '2' : '0') + (p->lampError ? '2' : '0') +
                          (p->temperatureC > 70 ? '2' : '0') + "000");
        if (c == "AVMT")
            return answer(query ? "30" : "OK");
        if (c == "LAMP")
            return answer(query ? std::string("1234 ") + (p->on ? "1" : "0") : "ERR2");
        if (c == "INST")
            return answer("11 31 32");
        if (c == "NAME")
            return answer("OpsWall sim " + std::to_string(p->id));
        if (c == "INF1")
            return answer("OPSWALL");
        if (c == "INF2")
            return answer(p->model);
        if (c == "INFO")
            return answer("simulator");
        if (c == "CLSS")
            return answer("2");
        if (c == "SNUM")
            return answer(p->serial);
        if (c == "SVER")
            return answer(p->firmware);
        return answer("ERR1");
    }

private:
    SimBank &m_bank;
    std::string m_random;
    bool m_authenticated = false;
};

} // namespace

std::unique_ptr<Responder> makeResponder(SimBank &bank) {
    switch (bank.kind) {
    case ProtocolKind::Mdc:
        return std::make_unique<MdcResponder>(bank);
    case ProtocolKind::Nec:
        return std::make_unique<NecResponder>(bank);
    case ProtocolKind::Lg:
        return std::make_unique<LgResponder>(bank);
    case ProtocolKind::PjLink:
        return std::make_unique<PjLinkResponder>(bank);
    case ProtocolKind::Invalid:
        break;
    }
    return nullptr;
}

} // namespace opswall::drivers::sim
