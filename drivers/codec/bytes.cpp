#include "bytes.h"

#include <charconv>

namespace opswall::drivers {

namespace {
int hexValue(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}
} // namespace

std::optional<Bytes> fromHex(std::string_view hex) {
    Bytes out;
    int high = -1;
    for (char c : hex) {
        if (c == ' ' || c == ':')
            continue;
        const int v = hexValue(c);
        if (v < 0)
            return std::nullopt;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(std::uint8_t(high * 16 + v));
            high = -1;
        }
    }
    if (high >= 0)
        return std::nullopt;
    return out;
}

std::string toHex(const Bytes &b) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string s;
    s.reserve(b.size() * 3);
    for (std::size_t i = 0; i < b.size(); ++i) {
        if (i)
            s.push_back(' ');
        s.push_back(digits[b[i] >> 4]);
        s.push_back(digits[b[i] & 0xF]);
    }
    return s;
}

std::string hex2(unsigned value) {
    static constexpr char digits[] = "0123456789ABCDEF";
    return {digits[(value >> 4) & 0xF], digits[value & 0xF]};
}

std::optional<int> parseDecimal(std::string_view text) {
    int v = 0;
    const auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || p != text.data() + text.size())
        return std::nullopt;
    return v;
}

std::optional<unsigned> parseHex(std::string_view text) {
    if (text.empty() || text.size() > 8)
        return std::nullopt;
    unsigned v = 0;
    for (char c : text) {
        const int d = hexValue(c);
        if (d < 0)
            return std::nullopt;
        v = v * 16 + unsigned(d);
    }
    return v;
}

} // namespace opswall::drivers
