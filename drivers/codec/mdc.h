#pragma once
// Samsung MDC (Multiple Display Control), PROTOCOLS.md §1. Pure: bytes in, values out.
//   request: AA CMD ID LEN DATA[LEN] CHK      reply: AA FF ID LEN ('A'|'N') RCMD DATA CHK
//   CHK = sum of every byte after AA, mod 256. ID FE = broadcast, never answered.
#include "protocol.h"

#include <optional>

namespace opswall::drivers::mdc {

constexpr std::uint8_t kHeader = 0xAA;
constexpr std::uint8_t kReplyCmd = 0xFF;
constexpr std::uint8_t kAck = 0x41; // 'A'
constexpr std::uint8_t kNak = 0x4E; // 'N'
constexpr std::uint8_t kBroadcastId = 0xFE;

namespace cmd {
constexpr std::uint8_t Status = 0x00, RgbStatus = 0x06, Serial = 0x0B, Health = 0x0D,
                       Firmware = 0x0E, Power = 0x11, Input = 0x14, Contrast = 0x24,
                       Brightness = 0x25, ColourTemp = 0x3F, Backlight = 0x58, WallMode = 0x5C,
                       WallOn = 0x84, WallUser = 0x89, ModelName = 0x8A, PictureMode = 0x71;
}

std::uint8_t checksum(const std::uint8_t *from, std::size_t size);
Bytes encode(std::uint8_t command, std::uint8_t id, const Bytes &data);
// A reply as the display sends it (used by the simulator and the tests).
Bytes encodeAck(std::uint8_t id, std::uint8_t command, const Bytes &data);
Bytes encodeNak(std::uint8_t id, std::uint8_t command, std::uint8_t error);

struct Reply {
    std::uint8_t id = 0;
    bool ack = false;
    std::uint8_t command = 0;
    Bytes data; // ACK: value bytes after RCMD; NAK: the single error byte
};
struct Request {
    std::uint8_t command = 0;
    std::uint8_t id = 0;
    Bytes data;
};
// Both take one whole frame (as the framer cuts it) and check header, length and checksum.
std::optional<Reply> parseReply(const Bytes &frame, std::string *why = nullptr);
std::optional<Request> parseRequest(const Bytes &frame, std::string *why = nullptr);

// Cuts AA-headed frames out of a byte stream in either direction; skips bytes before a header
// and frames whose checksum is wrong, reporting each as FrameError.
class MdcFramer final : public BufferedFramer {
public:
    Decoded next() override;
};

std::uint8_t packWallGeometry(int columns, int rows, MdcWallNibbles order);
// The inverse: {columns, rows}.
std::pair<int, int> unpackWallGeometry(std::uint8_t geometry, MdcWallNibbles order);

class MdcProtocol final : public ProfiledProtocol {
public:
    using ProfiledProtocol::ProfiledProtocol;
    std::string_view name() const override { return "mdc"; }
    // vgavro/samsung-mdc: 5 s reply timeout; NAKs expected for ~15 s after power-on.
    Timing defaultTiming() const override { return Timing{50, 5000, 15000, 1000}; }
    Plan plan(const Command &cmd, const Address &to) const override;
    std::unique_ptr<Framer> makeFramer() const override { return std::make_unique<MdcFramer>(); }
    Outcome interpret(const Command &cmd, const Address &to, const Step &step,
                      const Bytes &reply) const override;
};

} // namespace opswall::drivers::mdc
