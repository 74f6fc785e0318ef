#pragma once
// OSC 1.0 / 1.1 codec (PROTOCOLS.md section 10): pure, bounded, no I/O, no Qt.
//
//   decode(bytes)        one UDP datagram or one TCP frame -> the messages in it (bundles are
//                        flattened, outermost first; time tags are not scheduled: a panel's press
//                        acts at once) or an Error saying what is wrong and where
//   encode(message)      -> bytes; strict: the wall never sends what a strict peer would refuse
//   matches(pattern, a)  OSC address patterns: ? * [abc] [a-z] [!..] {foo,bar}, and 1.1's //
//   StreamDecoder        TCP framing, detected per connection from the first byte: C0 -> SLIP
//                        (OSC 1.1, RFC 1055), anything else -> int32 big-endian length (OSC 1.0)
//   frame(framing, pkt)  the same framings for sending
//
// Why our own codec rather than liblo: see drivers/README.md ("OSC").
#include "bytes.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace opswall::drivers::osc {

// Everything a hostile or broken sender could make us allocate or loop over is bounded here.
struct Limits {
    std::size_t maxPacketBytes = 64 * 1024; // a UDP datagram is at most 64 KiB anyway
    std::size_t maxMessages = 64;           // per packet, after flattening bundles
    int maxBundleDepth = 4;
    std::size_t maxArgs = 64;
    std::size_t maxAddressBytes = 256;
};

// Type tags (OSC 1.0 core i f s b; 1.1 T F N I t; common extras h d c S r m). Arrays '[' ']'
// are refused: no wall method takes one.
enum class ArgType : char {
    Int32 = 'i',
    Float32 = 'f',
    String = 's',
    Blob = 'b',
    Int64 = 'h',
    Double = 'd',
    TimeTag = 't',
    Char = 'c',
    Symbol = 'S',
    Rgba = 'r',
    Midi = 'm',
    True = 'T',
    False = 'F',
    Nil = 'N',
    Impulse = 'I',
};

struct Arg {
    ArgType type = ArgType::Nil;
    std::int64_t i = 0; // i h c r m t (raw bits); T = 1, F = 0
    double f = 0;       // f d
    std::string s;      // s S
    Bytes blob;         // b

    static Arg int32(std::int32_t v) { return Arg{ArgType::Int32, v, 0, {}, {}}; }
    static Arg float32(float v) { return Arg{ArgType::Float32, 0, double(v), {}, {}}; }
    static Arg string(std::string v) { return Arg{ArgType::String, 0, 0, std::move(v), {}}; }
    static Arg blobOf(Bytes v) { return Arg{ArgType::Blob, 0, 0, {}, std::move(v)}; }

    // The argument as a whole number: i, h, T/F, and f/d when they hold a whole number (TouchOSC
    // buttons send 1.0 and 0.0 as floats). nullopt otherwise.
    std::optional<std::int64_t> asInt() const;
    // "3", "1.5", "\"hi\"", "<blob 4>": for log lines and test failures.
    std::string describe() const;
};

struct Message {
    std::string address;
    std::vector<Arg> args;

    std::string typeTags() const; // ",is"
    std::string describe() const; // "/opswall/preset/recall ,i 3"
};

struct Error {
    std::string what;
    std::size_t offset = 0; // where in the packet
};

using Decoded = std::variant<std::vector<Message>, Error>;

Decoded decode(const std::uint8_t *data, std::size_t size, const Limits &limits = {});
inline Decoded decode(const Bytes &packet, const Limits &limits = {}) {
    return decode(packet.data(), packet.size(), limits);
}

// Empty when the message can be sent: an address of printable ASCII starting with '/' and no
// pattern characters, strings without NUL. Otherwise what is wrong.
std::optional<Error> validate(const Message &m);
// The message's bytes. Call validate() first: encode() of an invalid message returns {}.
Bytes encode(const Message &m);
// #bundle with the time tag (1 = immediately) holding the given messages.
Bytes encodeBundle(const std::vector<Message> &messages, std::uint64_t timeTag = 1);

// Whether the address pattern (as received) selects the method address (as the wall names it).
// Bounded: patterns and addresses over Limits::maxAddressBytes never match.
bool matches(std::string_view pattern, std::string_view address);

// TCP framings.
enum class Framing { Unknown = 0, LengthPrefix, Slip };
Bytes frame(Framing framing, const Bytes &packet);

struct NeedMore {};

// One TCP connection's incoming bytes -> packets. The framing is fixed by the first byte seen.
// An Error (a length over the limit, an oversized SLIP packet, a bad SLIP escape) means the
// stream cannot be trusted any more: close the connection.
class StreamDecoder {
public:
    explicit StreamDecoder(std::size_t maxPacketBytes = Limits{}.maxPacketBytes);
    void push(const std::uint8_t *data, std::size_t size);
    std::variant<Bytes, NeedMore, Error> next();
    Framing framing() const { return m_framing; }

private:
    std::size_t m_max;
    Framing m_framing = Framing::Unknown;
    Bytes m_buffer;         // not yet consumed input
    std::size_t m_read = 0; // consumed prefix of m_buffer
    Bytes m_packet;         // SLIP: the packet decoded so far
    bool m_failed = false;
};

} // namespace opswall::drivers::osc
