#include "osc.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <utility>

namespace opswall::drivers::osc {

namespace {

constexpr char kBundleTag[] = "#bundle"; // 7 characters + NUL = 8 bytes on the wire

std::uint32_t readBe32(const std::uint8_t *p) {
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) |
           std::uint32_t(p[3]);
}

std::uint64_t readBe64(const std::uint8_t *p) {
    return (std::uint64_t(readBe32(p)) << 32) | readBe32(p + 4);
}

void putBe32(Bytes &out, std::uint32_t v) {
    out.push_back(std::uint8_t(v >> 24));
    out.push_back(std::uint8_t(v >> 16));
    out.push_back(std::uint8_t(v >> 8));
    out.push_back(std::uint8_t(v));
}

void putBe64(Bytes &out, std::uint64_t v) {
    putBe32(out, std::uint32_t(v >> 32));
    putBe32(out, std::uint32_t(v));
}

void putString(Bytes &out, std::string_view s) {
    out.insert(out.end(), s.begin(), s.end());
    const std::size_t pad = 4 - (s.size() % 4); // 1..4 NULs, at least one terminates
    out.insert(out.end(), pad, 0);
}

std::string printable(std::string_view s, std::size_t max = 64) {
    std::string out;
    for (char c : s.substr(0, max))
        out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
    if (s.size() > max)
        out += "...";
    return out;
}

// Reads one message or bundle; appends messages to out.
class Reader {
public:
    Reader(const Limits &limits, std::vector<Message> &out)
        : m_limits(limits)
        , m_out(out) {}

    std::optional<Error> element(const std::uint8_t *data, std::size_t size, std::size_t base,
                                 int depth) {
        if (size == 0)
            return Error{"empty packet", base};
        if (size % 4 != 0)
            return Error{"packet size " + std::to_string(size) + " is not a multiple of 4", base};
        if (data[0] == '#')
            return bundle(data, size, base, depth);
        if (data[0] == '/')
            return message(data, size, base);
        return Error{"a packet starts with '/' (message) or '#bundle'", base};
    }

private:
    // An OSC-string at off: NUL-terminated, padded with NULs to a multiple of 4.
    std::optional<Error> string(const std::uint8_t *data, std::size_t size, std::size_t &off,
                                std::size_t base, std::string &s, std::size_t max) {
        const std::size_t start = off;
        const void *nul = std::memchr(data + off, 0, size - off);
        if (!nul)
            return Error{"string without its terminating NUL", base + start};
        const std::size_t len = std::size_t(static_cast<const std::uint8_t *>(nul) - (data + off));
        if (len > max)
            return Error{"string longer than " + std::to_string(max) + " bytes", base + start};
        const std::size_t end = off + (len / 4 + 1) * 4;
        if (end > size)
            return Error{"string padding runs past the end", base + start};
        for (std::size_t i = off + len; i < end; ++i)
            if (data[i] != 0)
                return Error{"string padding is not NUL", base + i};
        s.assign(reinterpret_cast<const char *>(data + off), len);
        off = end;
        return std::nullopt;
    }

    std::optional<Error> bundle(const std::uint8_t *data, std::size_t size, std::size_t base,
                                int depth) {
        if (size < 16 || std::memcmp(data, kBundleTag, 8) != 0)
            return Error{"a bundle starts with '#bundle', NUL and an 8-byte time tag", base};
        if (depth >= m_limits.maxBundleDepth)
            return Error{"bundles nested deeper than " + std::to_string(m_limits.maxBundleDepth),
                         base};
        std::size_t off = 16; // tag + time tag (not scheduled: see osc.h)
        while (off < size) {
            if (size - off < 4)
                return Error{"bundle element size cut short", base + off};
            const std::uint32_t n = readBe32(data + off);
            off += 4;
            if (n == 0 || n % 4 != 0 || n > size - off)
                return Error{"bundle element size " + std::to_string(n) + " is not valid",
                             base + off - 4};
            if (auto e = element(data + off, n, base + off, depth + 1))
                return e;
            off += n;
        }
        return std::nullopt;
    }

    std::optional<Error> message(const std::uint8_t *data, std::size_t size, std::size_t base) {
        if (m_out.size() >= m_limits.maxMessages)
            return Error{"more than " + std::to_string(m_limits.maxMessages) +
                             " messages in one packet",
                         base};
        Message m;
        std::size_t off = 0;
        if (auto e = string(data, size, off, base, m.address, m_limits.maxAddressBytes))
            return e;
        for (char c : m.address)
            if (c <= 0x20 || c >= 0x7f)
                return Error{"address has a space or a non-ASCII character", base};
        if (off == size) { // OSC 1.0 senders may omit the type tags: a message without arguments
            m_out.push_back(std::move(m));
            return std::nullopt;
        }
        if (data[off] != ',')
            return Error{"type tags start with ','", base + off};
        std::string tags;
        if (auto e = string(data, size, off, base, tags, m_limits.maxArgs + 1))
            return e;
        for (std::size_t t = 1; t < tags.size(); ++t) {
            Arg a;
            const char tag = tags[t];
            const std::size_t at = off;
            auto need = [&](std::size_t n) -> std::optional<Error> {
                if (size - off < n)
                    return Error{std::string("argument '") + tag + "' runs past the end",
                                 base + at};
                return std::nullopt;
            };
            switch (tag) {
            case 'i':
            case 'c':
            case 'r':
            case 'm':
                if (auto e = need(4))
                    return e;
                a.type = ArgType(tag);
                a.i = tag == 'i' ? std::int64_t(std::int32_t(readBe32(data + off)))
                                 : std::int64_t(readBe32(data + off));
                off += 4;
                break;
            case 'f':
                if (auto e = need(4))
                    return e;
                a.type = ArgType::Float32;
                a.f = double(std::bit_cast<float>(readBe32(data + off)));
                off += 4;
                break;
            case 'h':
            case 't':
                if (auto e = need(8))
                    return e;
                a.type = ArgType(tag);
                a.i = std::int64_t(readBe64(data + off));
                off += 8;
                break;
            case 'd':
                if (auto e = need(8))
                    return e;
                a.type = ArgType::Double;
                a.f = std::bit_cast<double>(readBe64(data + off));
                off += 8;
                break;
            case 's':
            case 'S':
                a.type = ArgType(tag);
                if (auto e = string(data, size, off, base, a.s, m_limits.maxPacketBytes))
                    return e;
                break;
            case 'b': {
                if (auto e = need(4))
                    return e;
                const std::uint32_t n = readBe32(data + off);
                off += 4;
                const std::size_t padded = (std::size_t(n) + 3) / 4 * 4;
                if (n > m_limits.maxPacketBytes || padded > size - off)
                    return Error{"blob size " + std::to_string(n) + " runs past the end",
                                 base + at};
                a.type = ArgType::Blob;
                a.blob.assign(data + off, data + off + n);
                off += padded;
                break;
            }
            case 'T':
            case 'F':
                a.type = ArgType(tag);
                a.i = tag == 'T' ? 1 : 0;
                break;
            case 'N':
            case 'I':
                a.type = ArgType(tag);
                break;
            case '[':
            case ']':
                return Error{"array arguments are not supported", base + at};
            default:
                return Error{"unknown type tag '" + printable(std::string_view(&tag, 1)) + "'",
                             base + at};
            }
            m.args.push_back(std::move(a));
        }
        if (off != size)
            return Error{std::to_string(size - off) + " bytes after the last argument", base + off};
        m_out.push_back(std::move(m));
        return std::nullopt;
    }

    const Limits &m_limits;
    std::vector<Message> &m_out;
};

// Pattern matching, memoised over (pattern position, address position): bounded by the product
// of the two lengths whatever the pattern (a run of '*' cannot go exponential).
class Matcher {
public:
    Matcher(std::string_view pattern, std::string_view address)
        : m_p(pattern)
        , m_a(address)
        , m_memo((pattern.size() + 1) * (address.size() + 1), -1) {}

    bool run() { return at(0, 0); }

private:
    bool at(std::size_t p, std::size_t a) {
        signed char &memo = m_memo[p * (m_a.size() + 1) + a];
        if (memo < 0)
            memo = compute(p, a) ? 1 : 0;
        return memo == 1;
    }

    bool compute(std::size_t p, std::size_t a) {
        if (p == m_p.size())
            return a == m_a.size();
        const char c = m_p[p];
        if (c == '/' && p + 1 < m_p.size() && m_p[p + 1] == '/') {
            // OSC 1.1 "//": any number of whole path levels, including none.
            if (a >= m_a.size() || m_a[a] != '/')
                return false;
            for (std::size_t next = a; next < m_a.size(); ++next)
                if (m_a[next] == '/' && at(p + 1, next))
                    return true;
            return false;
        }
        if (c == '*') {
            for (std::size_t next = a;; ++next) {
                if (at(p + 1, next))
                    return true;
                if (next >= m_a.size() || m_a[next] == '/')
                    return false;
            }
        }
        if (a >= m_a.size())
            return false;
        const char x = m_a[a];
        switch (c) {
        case '?':
            return x != '/' && at(p + 1, a + 1);
        case '[': {
            const std::size_t close = m_p.find(']', p + 1);
            if (close == std::string_view::npos || x == '/')
                return false;
            std::size_t i = p + 1;
            const bool negate = i < close && m_p[i] == '!';
            if (negate)
                ++i;
            bool in = false;
            for (; i < close; ++i) {
                if (i + 2 < close && m_p[i + 1] == '-') {
                    const char lo = std::min(m_p[i], m_p[i + 2]);
                    const char hi = std::max(m_p[i], m_p[i + 2]);
                    in = in || (x >= lo && x <= hi);
                    i += 2;
                } else {
                    in = in || m_p[i] == x;
                }
            }
            return in != negate && at(close + 1, a + 1);
        }
        case '{': {
            const std::size_t close = m_p.find('}', p + 1);
            if (close == std::string_view::npos)
                return false;
            std::size_t start = p + 1;
            while (start <= close) {
                std::size_t comma = m_p.find(',', start);
                if (comma == std::string_view::npos || comma > close)
                    comma = close;
                const std::string_view alt = m_p.substr(start, comma - start);
                if (m_a.substr(a, alt.size()) == alt && at(close + 1, a + alt.size()))
                    return true;
                start = comma + 1;
            }
            return false;
        }
        default:
            return c == x && at(p + 1, a + 1);
        }
    }

    std::string_view m_p;
    std::string_view m_a;
    std::vector<signed char> m_memo;
};

} // namespace

std::optional<std::int64_t> Arg::asInt() const {
    switch (type) {
    case ArgType::Int32:
    case ArgType::Int64:
    case ArgType::True:
    case ArgType::False:
        return i;
    case ArgType::Float32:
    case ArgType::Double:
        if (std::isfinite(f) && f == std::floor(f) && std::fabs(f) < 9.0e15)
            return std::int64_t(f);
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

std::string Arg::describe() const {
    switch (type) {
    case ArgType::Int32:
    case ArgType::Int64:
    case ArgType::Char:
    case ArgType::Rgba:
    case ArgType::Midi:
    case ArgType::TimeTag:
        return std::to_string(i);
    case ArgType::Float32:
    case ArgType::Double: {
        std::string text = std::to_string(f);
        while (text.size() > 1 && text.back() == '0' && text[text.size() - 2] != '.')
            text.pop_back();
        return text;
    }
    case ArgType::String:
    case ArgType::Symbol:
        return "\"" + printable(s) + "\"";
    case ArgType::Blob:
        return "<blob " + std::to_string(blob.size()) + ">";
    case ArgType::True:
        return "true";
    case ArgType::False:
        return "false";
    case ArgType::Nil:
        return "nil";
    case ArgType::Impulse:
        return "impulse";
    }
    return "?";
}

std::string Message::typeTags() const {
    std::string t = ",";
    for (const Arg &a : args)
        t.push_back(char(a.type));
    return t;
}

std::string Message::describe() const {
    std::string out = printable(address) + " " + typeTags();
    for (const Arg &a : args)
        out += " " + a.describe();
    return out;
}

Decoded decode(const std::uint8_t *data, std::size_t size, const Limits &limits) {
    if (size > limits.maxPacketBytes)
        return Error{"packet of " + std::to_string(size) + " bytes is over the limit of " +
                         std::to_string(limits.maxPacketBytes),
                     0};
    std::vector<Message> out;
    Reader reader(limits, out);
    if (auto e = reader.element(data, size, 0, 0))
        return *e;
    return out;
}

std::optional<Error> validate(const Message &m) {
    if (m.address.empty() || m.address[0] != '/')
        return Error{"the address must start with '/'", 0};
    if (m.address.size() > Limits{}.maxAddressBytes)
        return Error{"the address is too long", 0};
    for (char c : m.address)
        if (c <= 0x20 || c >= 0x7f || std::strchr("#*,?[]{}", c))
            return Error{"the address has a character OSC reserves for patterns or a space", 0};
    for (const Arg &a : m.args) {
        if ((a.type == ArgType::String || a.type == ArgType::Symbol) &&
            a.s.find('\0') != std::string::npos)
            return Error{"a string argument holds a NUL", 0};
        if (a.type == ArgType::Blob && a.blob.size() > Limits{}.maxPacketBytes)
            return Error{"a blob is too large", 0};
    }
    if (m.args.size() > Limits{}.maxArgs)
        return Error{"too many arguments", 0};
    return std::nullopt;
}

Bytes encode(const Message &m) {
    if (validate(m))
        return {};
    Bytes out;
    putString(out, m.address);
    putString(out, m.typeTags());
    for (const Arg &a : m.args) {
        switch (a.type) {
        case ArgType::Int32:
        case ArgType::Char:
        case ArgType::Rgba:
        case ArgType::Midi:
            putBe32(out, std::uint32_t(a.i));
            break;
        case ArgType::Float32:
            putBe32(out, std::bit_cast<std::uint32_t>(float(a.f)));
            break;
        case ArgType::Int64:
        case ArgType::TimeTag:
            putBe64(out, std::uint64_t(a.i));
            break;
        case ArgType::Double:
            putBe64(out, std::bit_cast<std::uint64_t>(a.f));
            break;
        case ArgType::String:
        case ArgType::Symbol:
            putString(out, a.s);
            break;
        case ArgType::Blob:
            putBe32(out, std::uint32_t(a.blob.size()));
            out.insert(out.end(), a.blob.begin(), a.blob.end());
            out.insert(out.end(), (4 - a.blob.size() % 4) % 4, 0);
            break;
        case ArgType::True:
        case ArgType::False:
        case ArgType::Nil:
        case ArgType::Impulse:
            break;
        }
    }
    return out;
}

Bytes encodeBundle(const std::vector<Message> &messages, std::uint64_t timeTag) {
    Bytes out(kBundleTag, kBundleTag + 8);
    putBe64(out, timeTag);
    for (const Message &m : messages) {
        const Bytes one = encode(m);
        if (one.empty())
            continue;
        putBe32(out, std::uint32_t(one.size()));
        out.insert(out.end(), one.begin(), one.end());
    }
    return out;
}

bool matches(std::string_view pattern, std::string_view address) {
    const std::size_t max = Limits{}.maxAddressBytes;
    if (pattern.size() > max || address.size() > max || pattern.empty() || pattern[0] != '/')
        return false;
    return Matcher(pattern, address).run();
}

Bytes frame(Framing framing, const Bytes &packet) {
    Bytes out;
    if (framing == Framing::Slip) {
        // OSC 1.1: END before and after (PROTOCOLS.md: liblo and npm osc both accept this).
        out.reserve(packet.size() + 8);
        out.push_back(0xC0);
        for (std::uint8_t b : packet) {
            if (b == 0xC0) {
                out.push_back(0xDB);
                out.push_back(0xDC);
            } else if (b == 0xDB) {
                out.push_back(0xDB);
                out.push_back(0xDD);
            } else {
                out.push_back(b);
            }
        }
        out.push_back(0xC0);
        return out;
    }
    out.reserve(packet.size() + 4);
    putBe32(out, std::uint32_t(packet.size()));
    out.insert(out.end(), packet.begin(), packet.end());
    return out;
}

StreamDecoder::StreamDecoder(std::size_t maxPacketBytes)
    : m_max(maxPacketBytes) {}

void StreamDecoder::push(const std::uint8_t *data, std::size_t size) {
    if (m_failed || size == 0)
        return;
    if (m_read > 0 && (m_read >= m_buffer.size() || m_read > 4096)) {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(m_read));
        m_read = 0;
    }
    if (m_framing == Framing::Unknown)
        m_framing = data[0] == 0xC0 ? Framing::Slip : Framing::LengthPrefix;
    m_buffer.insert(m_buffer.end(), data, data + size);
}

std::variant<Bytes, NeedMore, Error> StreamDecoder::next() {
    if (m_failed)
        return Error{"the stream failed earlier", 0};
    const std::size_t avail = m_buffer.size() - m_read;
    const std::uint8_t *p = m_buffer.data() + m_read;
    if (m_framing == Framing::LengthPrefix) {
        if (avail < 4)
            return NeedMore{};
        const std::uint32_t n = readBe32(p);
        if (n > m_max) {
            m_failed = true;
            return Error{"frame length " + std::to_string(n) + " is over the limit of " +
                             std::to_string(m_max),
                         0};
        }
        if (avail - 4 < n)
            return NeedMore{};
        Bytes packet(p + 4, p + 4 + n);
        m_read += 4 + n;
        return packet;
    }
    if (m_framing == Framing::Slip) {
        // Decoded as the bytes arrive (m_packet holds the packet so far), so feeding a packet
        // one byte at a time costs the same as feeding it at once. Empty packets (the END before
        // each packet meeting the END after the previous one) are skipped.
        while (m_read < m_buffer.size()) {
            const std::uint8_t b = m_buffer[m_read];
            if (b == 0xC0) {
                ++m_read;
                if (!m_packet.empty())
                    return std::exchange(m_packet, {});
                continue;
            }
            if (b == 0xDB) {
                if (m_read + 1 >= m_buffer.size())
                    return NeedMore{};
                const std::uint8_t e = m_buffer[m_read + 1];
                if (e != 0xDC && e != 0xDD) {
                    m_failed = true;
                    return Error{"SLIP escape DB followed by a byte other than DC or DD", 0};
                }
                m_packet.push_back(e == 0xDC ? 0xC0 : 0xDB);
                m_read += 2;
            } else {
                m_packet.push_back(b);
                ++m_read;
            }
            if (m_packet.size() > m_max) {
                m_failed = true;
                return Error{"SLIP packet over the limit of " + std::to_string(m_max) + " bytes",
                             0};
            }
        }
        return NeedMore{};
    }
    return NeedMore{};
}

} // namespace opswall::drivers::osc
