#pragma once
// Byte buffers and hex helpers shared by the codecs. No I/O, no Qt.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opswall::drivers {

using Bytes = std::vector<std::uint8_t>;

inline Bytes toBytes(std::string_view s) {
    return Bytes(s.begin(), s.end());
}

inline std::string toString(const Bytes &b) {
    return std::string(b.begin(), b.end());
}

// "AA 11 01" or "aa1101" -> bytes; nullopt on an odd digit count or a non-hex character.
std::optional<Bytes> fromHex(std::string_view hex);
// Bytes -> "AA 11 01" (upper case, space separated): readable in test failures and logs.
std::string toHex(const Bytes &b);
// One value 0..255 as two upper-case hex characters, as NEC and LG put numbers on the wire.
std::string hex2(unsigned value);
// Parses exactly `text` as hexadecimal (either case); nullopt when empty or not hex.
std::optional<unsigned> parseHex(std::string_view text);
// Parses exactly `text` as a decimal int (a leading '-' allowed); nullopt when empty, not a
// number or out of int's range. Command lines (wallctl's device mode, the simulators).
std::optional<int> parseDecimal(std::string_view text);

} // namespace opswall::drivers
