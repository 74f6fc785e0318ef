#pragma once
// P.I. Engineering X-keys (PROTOCOLS.md section 9): pure codec, no I/O.
//
// Facts from the public @xkeys-lib/core 3.3.0 (MIT, SuperFly.tv) product table and its report
// handling, checked against that library driven with a fake HID device (golden vectors in
// tests/drivers/tst_driver_xkeys.cpp); nothing copied.
//
//   input report (32+ bytes): [0] unit id, [1] flags (bit 0 program switch, bit 1 "generated
//       data" answer to B1); key bits from [2], one byte per column, bit r = row r: key number
//       column * rows + row + 1 (0 is the program switch). [1] > 3 is a special report, not keys;
//       [1] = D6 answers the version request: firmware at [10], product id LE16 at [11].
//   output reports: 36 bytes, report id 0 first: 00 B5 led state bank (backlight of one key;
//       state 0 off, 1 on, 2 flash; "legacy" panels: led = (column * 8 + row), red LEDs at
//       led + redOffset, last byte 1), 00 B6 bank value (a whole bank: 0 blue, 1 red),
//       00 BB blue red (intensity), 00 B3 led state (indicator: 6 green, 7 red), 00 B1 (send the
//       full key state), 00 D6 (send the version).
#include "bytes.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace opswall::drivers::xkeys {

inline constexpr std::uint16_t kVendorId = 0x05F3;
inline constexpr std::size_t kOutputReport = 36;
inline constexpr std::size_t kMaxInputReport = 64;

struct Product {
    const char *name;
    std::uint16_t productIds[4]; // 0: unused slot
    int interfaceNumber;         // the HID interface that carries the keys
    int columns;                 // bytes of key bits
    int rows;                    // bits used in each
    bool programSwitch;
    int redOffset; // red backlight LEDs start here (blue at 0)
    int keyCount() const { return columns * rows; }
    bool has(std::uint16_t productId) const;
};

std::span<const Product> products();
// nullptr when unknown, or when the interface is not the one with the keys (-1: any).
const Product *productFor(std::uint16_t productId, int interfaceNumber = -1);
const Product *productByName(const std::string &name); // "xk-24", "xk-60", "xk-80", ...

struct KeyEvent {
    int key = -1; // 1..keyCount(); 0 = the program switch
    bool pressed = false;
};

class KeyTracker {
public:
    explicit KeyTracker(const Product &product);
    std::vector<KeyEvent> update(const std::uint8_t *report, std::size_t size);
    void reset();

private:
    const Product &m_product;
    std::vector<bool> m_down; // index = key number
};

enum class Light { Off = 0, On = 1, Flash = 2 };

// One key's blue and red backlight (two reports). Empty when the key is out of range.
std::vector<Bytes> backlightReports(const Product &product, int key, Light blue, Light red);
Bytes bankReport(bool red, std::uint8_t value); // every key of a colour: 0 off, 255 full
Bytes intensityReport(std::uint8_t blue, std::uint8_t red); // 0..255 each
Bytes indicatorReport(bool red, Light state);
Bytes stateRequest();   // 00 B1: answered with an input report flagged "generated data"
Bytes versionRequest(); // 00 D6

struct Version {
    int unitId = 0;
    int firmware = 0;
    std::uint16_t productId = 0;
};
std::optional<Version> parseVersion(const std::uint8_t *report, std::size_t size);

} // namespace opswall::drivers::xkeys
