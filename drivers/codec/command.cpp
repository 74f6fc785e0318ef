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
    case Op::SetRgbGain:
        return "set-rgb-gain";
    case Op::GetRgbGain:
        return "get-rgb-gain";
    case Op::SetRgbOffset:
        return "set-rgb-offset";
    case Op::GetRgbOffset:
        return "get-rgb-offset";
    case Op::SetPictureMode:
        return "set-picture-mode";
    case Op::GetPictureMode:
        return "get-picture-mode";
    case Op::SetGamma:
        return "set-gamma";
    case Op::GetGamma:
        return "get-gamma";
    case Op::GetTiling:
        return "get-tiling";
    case Op::GetBezelCompensation:
        return "get-bezel-compensation";
    case Op::SaveSettings:
        return "save-settings";
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

std::optional<int> ModelProfile::code(const std::map<std::string, int, std::less<>> &names,
                                      std::string_view name) {
    const auto it = names.find(name);
    if (it == names.end())
        return std::nullopt;
    return it->second;
}

std::optional<std::string> ModelProfile::name(const std::map<std::string, int, std::less<>> &names,
                                              int code) {
    for (const auto &[n, c] : names)
        if (c == code)
            return n;
    return std::nullopt;
}

std::optional<int> ModelProfile::inputCode(std::string_view name) const {
    return code(inputCodes, name);
}

std::optional<std::string> ModelProfile::inputName(int code) const {
    return name(inputCodes, code);
}

ModelProfile ModelProfile::defaultFor(ProtocolKind kind) {
    ModelProfile p;
    switch (kind) {
    case ProtocolKind::Mdc: // PROTOCOLS.md §1, command 0x14
        p.inputCodes = {{"hdmi1", 0x21}, {"hdmi2", 0x23},     {"hdmi3", 0x31},  {"hdmi4", 0x33},
                        {"dp1", 0x25},   {"dp2", 0x26},       {"dp3", 0x27},    {"dvi", 0x18},
                        {"pc", 0x14},    {"magicinfo", 0x20}, {"hdbaset", 0x55}};
        // 0x71 picture mode (vgavro/samsung-mdc PICTURE_MODE, MDC protocol v15.0) [S]
        p.pictureModes = {{"dynamic", 0x00},         {"standard", 0x01},      {"movie", 0x02},
                          {"natural", 0x04},         {"custom", 0x13},        {"calibration", 0x16},
                          {"videowall-video", 0x26}, {"videowall-text", 0x27}};
        break;
    case ProtocolKind::Nec: // PROTOCOLS.md §2, opcode 0060
        p.inputCodes = {{"vga", 1},     {"dvi", 3},     {"option", 13},       {"dp1", 15},
                        {"dp2", 16},    {"hdmi1", 17},  {"hdmi2", 18},        {"dp3", 128},
                        {"hdmi3", 130}, {"hdmi4", 131}, {"mediaplayer", 135}, {"compute", 136}};
        // controls.txt (necpdsdk): 021A picture mode, 0268 gamma [S]
        p.pictureModes = {{"srgb", 1},    {"hi-bright", 3}, {"standard", 4},  {"cinema", 5},
                          {"custom1", 8}, {"custom2", 9},   {"ambient1", 11}, {"ambient2", 12}};
        p.gammaCodes = {{"native", 1}, {"2.2", 4},   {"2.4", 8},   {"s-curve", 7},
                        {"dicom", 5},  {"srgb", 11}, {"lstar", 12}};
        p.maxRgbGain = 255;
        break;
    case ProtocolKind::Lg: // PROTOCOLS.md §3, command xb (model-specific; these are the DTV codes)
        p.inputCodes = {
            {"hdmi1", 0x90}, {"hdmi2", 0x91}, {"dp1", 0xC0}, {"dvi", 0x70}, {"rgb", 0x60}};
        p.useLgFamily(LgFamily::Signage);
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

const char *lgFamilyName(LgFamily family) {
    switch (family) {
    case LgFamily::Signage:
        return "signage";
    case LgFamily::Multivision:
        return "multivision";
    case LgFamily::Invalid:
        break;
    }
    return "invalid";
}

LgFamily lgFamilyFromName(std::string_view name) {
    for (auto f : {LgFamily::Signage, LgFamily::Multivision})
        if (name == lgFamilyName(f))
            return f;
    return LgFamily::Invalid;
}

void ModelProfile::useLgFamily(LgFamily family) {
    lgFamily = family;
    if (family == LgFamily::Multivision) {
        pictureModes.clear(); // no picture-mode command in the M-series manuals
        maxRgbGain = 0x64;    // jw/jy/jz take 00..64
        return;
    }
    // dx picture mode (LG 42LS75A/49LS75A/55LS75A manual; see LgFamily).
    pictureModes = {{"vivid", 0x00}, {"standard", 0x01}, {"cinema", 0x02},  {"sport", 0x03},
                    {"game", 0x04},  {"expert1", 0x05},  {"expert2", 0x06}, {"aps", 0x08}};
    // jm/jn/jo white-balance gains take 00..FE (FF means "read").
    maxRgbGain = 0xFE;
}

std::optional<Plan> refuseRgbGain(const Command &c, int maxRgbGain) {
    if (c.values.size() != 3)
        return Plan::refuse(Status::BadArgument, "RGB gain needs red, green, blue");
    for (int v : c.values)
        if (v < 0 || v > maxRgbGain)
            return Plan::refuse(Status::BadArgument,
                                "RGB gain must be 0.." + std::to_string(maxRgbGain));
    return std::nullopt;
}

} // namespace opswall::drivers
