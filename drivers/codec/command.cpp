#include "command.h"
#include "lg.h"
#include "mdc.h"
#include "nec.h"
#include "pjlink.h"
#include "protocol.h"

namespace opswall::drivers {

std::string_view opName(Op op) {
    switch (op) {
    case Op::Invalid:
        return "invalid";
    case Op::PowerOn:
        return "power-on";
    case Op::PowerOff:
        return "power-off";
    case Op::PowerStatus:
        return "power-status";
    case Op::SetInput:
        return "set-input";
    case Op::GetInput:
        return "get-input";
    case Op::SetBrightness:
        return "set-brightness";
    case Op::GetBrightness:
        return "get-brightness";
    case Op::SetBacklight:
        return "set-backlight";
    case Op::GetBacklight:
        return "get-backlight";
    case Op::SetContrast:
        return "set-contrast";
    case Op::GetContrast:
        return "get-contrast";
    case Op::SetColourTemperature:
        return "set-colour-temperature";
    case Op::GetColourTemperature:
        return "get-colour-temperature";
    case Op::SetTiling:
        return "set-tiling";
    case Op::SetBezelCompensation:
        return "set-bezel-compensation";
    case Op::Temperature:
        return "temperature";
    case Op::FanStatus:
        return "fan-status";
    case Op::SerialNumber:
        return "serial-number";
    case Op::ModelName:
        return "model-name";
    case Op::Firmware:
        return "firmware";
    case Op::ErrorStatus:
        return "error-status";
    }
    return "invalid";
}

std::string_view powerStateName(PowerState s) {
    switch (s) {
    case PowerState::Invalid:
        return "unknown";
    case PowerState::On:
        return "on";
    case PowerState::Standby:
        return "standby";
    case PowerState::WarmingUp:
        return "warming-up";
    case PowerState::CoolingDown:
        return "cooling-down";
    case PowerState::Off:
        return "off";
    }
    return "unknown";
}

std::string_view statusName(Status s) {
    switch (s) {
    case Status::Invalid:
        return "invalid";
    case Status::Ok:
        return "ok";
    case Status::Nak:
        return "nak";
    case Status::Busy:
        return "busy";
    case Status::Timeout:
        return "timeout";
    case Status::Unreachable:
        return "unreachable";
    case Status::Unsupported:
        return "unsupported";
    case Status::BadArgument:
        return "bad-argument";
    case Status::ProtocolError:
        return "protocol-error";
    case Status::AuthFailed:
        return "auth-failed";
    case Status::Cancelled:
        return "cancelled";
    }
    return "invalid";
}

std::string_view protocolKindName(ProtocolKind k) {
    switch (k) {
    case ProtocolKind::Invalid:
        return "invalid";
    case ProtocolKind::Mdc:
        return "mdc";
    case ProtocolKind::Nec:
        return "nec";
    case ProtocolKind::Lg:
        return "lg";
    case ProtocolKind::PjLink:
        return "pjlink";
    }
    return "invalid";
}

ProtocolKind protocolKindFromName(std::string_view name) {
    for (auto k : {ProtocolKind::Mdc, ProtocolKind::Nec, ProtocolKind::Lg, ProtocolKind::PjLink})
        if (protocolKindName(k) == name)
            return k;
    return ProtocolKind::Invalid;
}

std::unique_ptr<Protocol> makeProtocol(ProtocolKind kind, ModelProfile profile) {
    switch (kind) {
    case ProtocolKind::Mdc:
        return std::make_unique<mdc::MdcProtocol>(std::move(profile));
    case ProtocolKind::Nec:
        return std::make_unique<nec::NecProtocol>(std::move(profile));
    case ProtocolKind::Lg:
        return std::make_unique<lg::LgProtocol>(std::move(profile));
    case ProtocolKind::PjLink:
        return std::make_unique<pjlink::PjLinkProtocol>(std::move(profile));
    case ProtocolKind::Invalid:
        break;
    }
    return nullptr;
}

std::optional<int> ModelProfile::inputCode(std::string_view name) const {
    const auto it = inputCodes.find(name);
    if (it == inputCodes.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> ModelProfile::inputName(int code) const {
    for (const auto &[name, c] : inputCodes)
        if (c == code)
            return name;
    return std::nullopt;
}

ModelProfile ModelProfile::defaultFor(ProtocolKind kind) {
    ModelProfile p;
    switch (kind) {
    case ProtocolKind::Mdc: // PROTOCOLS.md §1, command 0x14
        p.inputCodes = {{"hdmi1", 0x21}, {"hdmi2", 0x23},     {"hdmi3", 0x31},  {"hdmi4", 0x33},
                        {"dp1", 0x25},   {"dp2", 0x26},       {"dp3", 0x27},    {"dvi", 0x18},
                        {"pc", 0x14},    {"magicinfo", 0x20}, {"hdbaset", 0x55}};
        break;
    case ProtocolKind::Nec: // PROTOCOLS.md §2, opcode 0060
        p.inputCodes = {{"vga", 1},     {"dvi", 3},     {"option", 13},       {"dp1", 15},
                        {"dp2", 16},    {"hdmi1", 17},  {"hdmi2", 18},        {"dp3", 128},
                        {"hdmi3", 130}, {"hdmi4", 131}, {"mediaplayer", 135}, {"compute", 136}};
        break;
    case ProtocolKind::Lg: // PROTOCOLS.md §3, command xb (model-specific; these are the DTV codes)
        p.inputCodes = {
            {"hdmi1", 0x90}, {"hdmi2", 0x91}, {"dp1", 0xC0}, {"dvi", 0x70}, {"rgb", 0x60}};
        break;
    case ProtocolKind::PjLink: // PROTOCOLS.md §4, INPT: type digit then index
        p.inputCodes = {{"rgb1", 11},  {"rgb2", 12},  {"video1", 21},   {"hdmi1", 31},
                        {"hdmi2", 32}, {"hdmi3", 33}, {"storage1", 41}, {"network1", 51}};
        break;
    case ProtocolKind::Invalid:
        break;
    }
    return p;
}

} // namespace opswall::drivers
