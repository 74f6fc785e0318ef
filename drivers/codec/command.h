#pragma once
// Vendor-neutral display commands and results. A protocol adapter (MDC, NEC, LG, PJLink) turns a
// Command into wire frames and a reply frame back into an Outcome; the link turns Outcomes into
// one Result per command. Everything here is a plain value.
#include <string>
#include <string_view>
#include <vector>

namespace opswall::drivers {

enum class Op {
    Invalid = 0,
    PowerOn,
    PowerOff,
    PowerStatus,   // value: PowerState
    SetInput,      // text: input name ("hdmi1", "dp1", ...)
    GetInput,      // text: input name, value: raw vendor code
    SetBrightness, // value 0..100
    GetBrightness,
    SetBacklight, // value 0..100
    GetBacklight,
    SetContrast, // value 0..100
    GetContrast,
    SetColourTemperature, // value in kelvin
    GetColourTemperature,
    SetTiling,            // values: columns, rows, position (1 = top-left, row-major); 1x1 = off
    SetBezelCompensation, // value 1 on, 0 off
    Temperature,          // value in degrees Celsius
    FanStatus,            // value: 0 ok, 1 fault, 2 not available
    SerialNumber,         // text
    ModelName,            // text
    Firmware,             // text
    ErrorStatus,          // value: 0 no error; values/text: vendor detail
    // Picture settings (calibration). Gains and offsets are in the vendor's own units; what a
    // protocol or model cannot do plans as Status::Unsupported ("unsupported on this display").
    SetRgbGain, // values: red, green, blue (white balance gain)
    GetRgbGain,
    SetRgbOffset, // values: red, green, blue (white balance offset / cut-off)
    GetRgbOffset,
    SetPictureMode, // text: picture mode name ("standard", ...), mapped per model
    GetPictureMode, // text: name, value: raw vendor code
    SetGamma,       // text: gamma name ("2.2", "native", ...), mapped per model
    GetGamma,
    GetTiling,            // values: on (0/1), columns, rows, position
    GetBezelCompensation, // value 1 on, 0 off
    SaveSettings,         // make the settings survive a power cycle (NEC 0C); no-op elsewhere
};

std::string_view opName(Op op);

// What the display reports as its power state. Zero is invalid (STYLE.md).
enum class PowerState { Invalid = 0, On, Standby, WarmingUp, CoolingDown, Off };
std::string_view powerStateName(PowerState s);

struct Command {
    Op op = Op::Invalid;
    int value = 0;
    std::vector<int> values; // SetTiling: columns, rows, position
    std::string text;        // SetInput: input name

    static Command make(Op op, int value = 0) { return Command{op, value, {}, {}}; }
    static Command input(std::string name) { return Command{Op::SetInput, 0, {}, std::move(name)}; }
    static Command tiling(int columns, int rows, int position) {
        return Command{Op::SetTiling, 0, {columns, rows, position}, {}};
    }
    static Command rgb(Op op, int red, int green, int blue) {
        return Command{op, 0, {red, green, blue}, {}};
    }
    static Command named(Op op, std::string name) { return Command{op, 0, {}, std::move(name)}; }
    bool changesPowerOrInput() const {
        return op == Op::PowerOn || op == Op::PowerOff || op == Op::SetInput;
    }
};

// Which display(s) on a link a command is for. MDC and NEC daisy chains and LG sets share one
// serial line; the ID picks the panel. Broadcast reaches every panel and gets no reply.
enum class AddressKind { Invalid = 0, Unicast, Broadcast };
struct Address {
    AddressKind kind = AddressKind::Unicast;
    int id = 1;
    static Address broadcast() { return Address{AddressKind::Broadcast, 0}; }
    static Address unicast(int id) { return Address{AddressKind::Unicast, id}; }
};

enum class Status {
    Invalid = 0,
    Ok,
    Nak,           // the display refused (NAK, NG, ERR1/ERR2/ERR4)
    Busy,          // still busy after the retries the busy window allows (NEC null msg, ERR3)
    Timeout,       // no matching reply in time, or the fan-out deadline passed
    Unreachable,   // could not connect / the link closed and reconnecting gave up
    Unsupported,   // the protocol or model cannot do this command
    BadArgument,   // the command's value is out of range for this protocol
    ProtocolError, // the reply did not parse
    AuthFailed,    // PJLink ERRA or a bad password
    Cancelled,     // the link was stopped before the command ran
};
std::string_view statusName(Status s);

struct Result {
    Status status = Status::Invalid;
    int value = -1;
    std::vector<int> values;
    std::string text;
    std::string error; // human readable, says what and why when status != Ok

    bool ok() const { return status == Status::Ok; }
    static Result failure(Status s, std::string why) {
        Result r;
        r.status = s;
        r.error = std::move(why);
        return r;
    }
};

} // namespace opswall::drivers
