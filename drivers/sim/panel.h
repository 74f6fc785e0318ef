#pragma once
// Simulated displays: the state a panel keeps and the faults a test can script. A SimBank is
// what sits behind one simulated link: one panel on TCP, or several on a daisy-chained serial
// line (each answers only to its own ID). Tests change the bank between commands (single io
// thread), the standalone simulator configures it from the command line.
#include "protocol.h"

#include <array>
#include <chrono>
#include <map>
#include <set>
#include <string>

namespace opswall::drivers::sim {

struct SimPanel {
    int id = 1;
    bool on = false;
    int input = 0; // vendor code
    int brightness = 50;
    int backlight = 60;
    int contrast = 70;
    int colourTemperatureK = 6500;
    bool tiling = false;
    int tileColumns = 1;
    int tileRows = 1;
    int tilePosition = 1;
    int tileGeometryByte = 0x11; // MDC 0x89 as received (nibble order is the driver's business)
    bool bezelCompensation = false;
    std::array<int, 3> rgbGain{192, 192, 192}; // vendor units
    int pictureMode = 0;                       // vendor code (SimBank::make: "standard")
    int gamma = 0;                             // vendor code (NEC: "2.2")
    // Settings this panel refuses to take (for tests): the protocol's own command name
    // (MDC "58", NEC "0016", LG "jm"), or "name=value" (value in decimal) to refuse one value.
    // Reads are always answered.
    std::set<std::string> refuse;
    int temperatureC = 38;
    int fan = 0; // 0 ok, 1 fault
    bool lampError = false;
    std::string serial = "SIM0000000001";
    std::string model = "OPSWALL-SIM55";
    std::string firmware = "1.0.0";
    // Booting after power-on / switching input: NAK, null message or ERR3 until then.
    int bootMs = 0;
    std::chrono::steady_clock::time_point busyUntil{};
    int nakNext = 0;  // answer the next N commands negatively
    int commands = 0; // every command this panel received (broadcast included)

    bool busy() const { return std::chrono::steady_clock::now() < busyUntil; }
    bool refuses(const std::string &command, int value) const {
        return refuse.contains(command) || refuse.contains(command + "=" + std::to_string(value));
    }
    void startBusy() {
        busyUntil = std::chrono::steady_clock::now() + std::chrono::milliseconds(bootMs);
    }
};

// Line-level faults, applied by the server around whatever the responder answers.
struct SimFaults {
    int delayMs = 0;              // slow: each reply this much later
    int garbageBytes = 0;         // garbage: this many junk bytes before each reply
    int dropNext = 0;             // drop: close the connection instead of answering, N times
    bool silent = false;          // silence: read everything, answer nothing
    bool splitBytes = false;      // write replies one byte at a time
    bool closeAfterReply = false; // like LG's TCP port: the device hangs up after each answer
};

struct SimBank {
    ProtocolKind kind = ProtocolKind::Invalid;
    std::map<int, SimPanel> panels;
    SimFaults faults;
    ModelProfile profile;
    std::string password; // PJLink: empty = no authentication
    std::string mac = "00:11:22:33:44:55";

    static SimBank make(ProtocolKind kind, std::initializer_list<int> ids);
    SimPanel *panel(int id);
};

} // namespace opswall::drivers::sim
