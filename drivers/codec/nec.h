#pragma once
// NEC large-format display "External Control", PROTOCOLS.md §2. Pure.
//   SOH '0' DEST SRC TYPE LEN(2 hex) | STX MESSAGE ETX | BCC CR
//   BCC = XOR of every byte after SOH up to and including ETX; MESSAGE is ASCII hex.
#include "protocol.h"

#include <optional>

namespace opswall::drivers::nec {

constexpr std::uint8_t kSoh = 0x01, kStx = 0x02, kEtx = 0x03, kCr = 0x0D;
constexpr std::uint8_t kController = 0x30; // '0'
constexpr std::uint8_t kAll = 0x2A;        // '*'

enum class Type : char {
    Command = 'A',
    CommandReply = 'B',
    Get = 'C',
    GetReply = 'D',
    Set = 'E',
    SetReply = 'F',
};

struct Message {
    std::uint8_t destination = 0;
    std::uint8_t source = 0;
    Type type = Type::Command;
    std::string body; // the ASCII hex message between STX and ETX
};

// Monitor ID 1..100 -> 'A'(0x41)..0xA4 on the wire.
constexpr std::uint8_t monitorByte(int id) {
    return std::uint8_t(0x40 + id);
}

std::uint8_t bcc(const std::uint8_t *from, std::size_t size);
Bytes encode(const Message &m);
std::optional<Message> parse(const Bytes &frame, std::string *why = nullptr);

// Reply to a get/set parameter: result(2) opcode(4) type(2) max(4) current(4).
struct ParameterReply {
    int result = -1; // 0 supported, 1 unsupported
    int opcode = -1;
    int type = -1;
    int maximum = -1;
    int current = -1;
};
std::optional<ParameterReply> parseParameterReply(std::string_view body);
std::string parameterReplyBody(const ParameterReply &r);
// "BE": the monitor is busy or did not understand (the "null message").
constexpr std::string_view kNullMessage = "BE";

class NecFramer final : public BufferedFramer {
public:
    Decoded next() override;
};

class NecProtocol final : public ProfiledProtocol {
public:
    using ProfiledProtocol::ProfiledProtocol;
    std::string_view name() const override { return "nec"; }
    // NEC SDK: 7 s reply timeout; PlaceOS: >= 120 ms between sends.
    Timing defaultTiming() const override { return Timing{120, 7000, 15000, 1000}; }
    Plan plan(const Command &cmd, const Address &to) const override;
    std::unique_ptr<Framer> makeFramer() const override { return std::make_unique<NecFramer>(); }
    Outcome interpret(const Command &cmd, const Address &to, const Step &step,
                      const Bytes &reply) const override;
};

} // namespace opswall::drivers::nec
