#pragma once
// Elgato Stream Deck (PROTOCOLS.md sections 7 and 8): pure codecs, no I/O, no Qt.
//
//   models()                   the models we know: keys, key image size, image format and the
//                              transform the model needs (the app draws the face upright and
//                              applies it before encoding)
//   KeyTracker::update(report) an input report (report id 1 first) -> key presses and releases
//   brightnessReport, resetReport, keyImageReports: host -> device reports (USB feature/output
//                              reports; over TCP the same bytes travel as Cora payloads)
//   cora::Decoder / encode     the network framing of the Studio and the Network Dock: "Cora"
//                              (16-byte header) or legacy fixed blocks, chosen from the first
//                              bytes the device sends
#include "bytes.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace opswall::drivers::streamdeck {

inline constexpr std::uint16_t kVendorId = 0x0FD9;

enum class ImageFormat { Invalid = 0, Jpeg, Bmp };
// What the model does to the picture it is sent (core's image packers): the app sends the
// picture transformed so that the key shows it upright.
enum class ImageTransform { Invalid = 0, None, Rotate180, FlipX, Rotate90FlipY };

struct Model {
    const char *name;
    std::uint16_t productId;
    int columns;
    int rows;
    int keyWidthPx;
    int keyHeightPx;
    ImageFormat format;
    ImageTransform transform;
    int generation; // 1: original protocol; 2: the 1024-byte JPEG protocol
    int keyCount() const { return columns * rows; }
};

std::span<const Model> models();
const Model *modelForProductId(std::uint16_t productId); // nullptr when unknown
const Model *modelByName(const std::string &name);       // "studio", "mk2", "xl", ...

struct KeyEvent {
    int key = -1;
    bool pressed = false;
};

// Key states from input reports; update() returns what changed since the last report.
class KeyTracker {
public:
    explicit KeyTracker(const Model &model);
    // A report that is not a key report (encoders, LCD touch, NFC) yields nothing.
    std::vector<KeyEvent> update(const std::uint8_t *report, std::size_t size);
    void reset(); // after a reconnect: every key up, without events
    bool isDown(int key) const;

private:
    const Model &m_model;
    std::vector<bool> m_down;
};

// Feature reports (percent is clamped to 0..100).
Bytes brightnessReport(const Model &model, int percent);
Bytes resetReport(const Model &model);
// Output reports carrying one key's picture, already encoded as the model wants (JPEG or BMP)
// and transformed. Empty when the key is out of range or the picture too large (over 64 KiB).
std::vector<Bytes> keyImageReports(const Model &model, int key, const Bytes &encoded);

// USB feature reports that say what the device is (PROTOCOLS.md section 7; the read sizes and
// text offsets of @elgato-stream-deck/core 7.3.2's property services):
//   gen 2: serial = report 06, firmware = report 05; [1] = length L, serial text [2, L+2),
//          firmware text [6, L+2)
//   gen 1: serial = report 03, text [5, 17); firmware = report 04, text from [5] to the first NUL
// Reads ask for 32 bytes; gen-1 devices that refuse that are asked again for 17.
struct FeatureQuery {
    std::uint8_t reportId = 0;
    std::size_t size = 32;
};
FeatureQuery serialQuery(const Model &model);
FeatureQuery firmwareQuery(const Model &model);
// Printable ASCII only, at most 32 characters; nullopt when the report is not that answer
// (wrong report id, too short, a length past the end, or no printable text).
std::optional<std::string> parseUsbSerial(const Model &model, const std::uint8_t *report,
                                          std::size_t size);
std::optional<std::string> parseUsbFirmware(const Model &model, const std::uint8_t *report,
                                            std::size_t size);
// The size of the buffer an input report is read into (keys of the largest model plus header).
inline constexpr std::size_t kMaxInputReport = 512;

// The key image a device received, reassembled (for the simulator and tests): the key and the
// bytes once the packet flagged last arrives.
class KeyImageAssembler {
public:
    struct Image {
        int key = -1;
        Bytes bytes;
    };
    // A gen-2 image packet (02 07 key last len page ...). nullopt until the last page.
    std::optional<Image> push(const std::uint8_t *report, std::size_t size);

private:
    int m_key = -1;
    int m_nextPage = 0;
    Bytes m_bytes;
};

namespace cora {

inline constexpr std::uint8_t kMagic[4] = {0x43, 0x93, 0x8A, 0x41};
inline constexpr std::uint16_t kVerbatim = 0x8000; // to the child / USB device as is
inline constexpr std::uint16_t kReqAck = 0x4000;
inline constexpr std::uint16_t kAckNak = 0x0200;
inline constexpr std::uint16_t kResult = 0x0100;
inline constexpr std::size_t kMaxPayload = 64 * 1024;
inline constexpr std::size_t kLegacyToDevice = 1024; // host -> device block
inline constexpr std::size_t kLegacyToHost = 512;    // device -> host block

enum class HidOp : std::uint8_t { Write = 0, SendReport = 1, GetReport = 2 };
enum class Framing { Unknown = 0, Cora, Legacy };

struct Message {
    std::uint16_t flags = 0;
    HidOp op = HidOp::Write;
    std::uint32_t id = 0;
    Bytes payload;
};

// Host -> device (and device -> host in Cora mode) bytes of one message. Legacy: the payload
// zero-padded to `legacyBlock` (1024 host -> device, 512 device -> host).
Bytes encode(Framing framing, const Message &m, std::size_t legacyBlock = kLegacyToDevice);

struct NeedMore {};
struct Error {
    std::string what;
};

// One connection's incoming bytes. Direction matters only in legacy mode (block size).
class Decoder {
public:
    // fromDevice: the host side (512-byte legacy blocks); otherwise the device side (1024).
    explicit Decoder(bool fromDevice);
    void push(const std::uint8_t *data, std::size_t size);
    std::variant<Message, NeedMore, Error> next();
    Framing framing() const { return m_framing; }
    // The device side knows its framing (it chose it); the host side detects it.
    void setFraming(Framing f) { m_framing = f; }

private:
    bool m_fromDevice;
    Framing m_framing = Framing::Unknown;
    Bytes m_buffer;
    std::size_t m_read = 0;
};

// The device's keepalive (payload 01 0A, byte 5 = connection number) and the host's answer
// (payload 03 1A <conn#>, 32 bytes; the same message id and op, flags ACK/NAK).
bool isKeepAlive(const Message &m);
Message keepAlive(std::uint8_t connection, std::uint32_t id);
Message keepAliveAck(const Message &keepAlive);

// Answers the device gives to GET_REPORT 03 xx (primary) and the child-info report (01 0B).
Message deviceInfoAnswer(std::uint32_t id, std::uint16_t vendorId, std::uint16_t productId);
Message serialAnswer(std::uint32_t id, const std::string &serial);
Message firmwareAnswer(std::uint32_t id, std::uint8_t reportId, const std::string &version);
Message childInfo(std::uint32_t id, bool attached, std::uint16_t vendorId, std::uint16_t productId,
                  const std::string &serial, std::uint16_t tcpPort);

struct ChildInfo {
    bool attached = false;
    std::uint16_t vendorId = 0;
    std::uint16_t productId = 0;
    std::string serial;
    std::uint16_t tcpPort = 0;
};
std::optional<ChildInfo> parseChildInfo(const Bytes &payload); // payload 01 0B ...; nullopt if not
// 03 80 answer -> VID/PID; 03 84 answer -> serial. nullopt when the payload is not that answer.
std::optional<std::pair<std::uint16_t, std::uint16_t>> parseDeviceInfo(const Bytes &payload);
std::optional<std::string> parseSerial(const Bytes &payload);

} // namespace cora

} // namespace opswall::drivers::streamdeck
