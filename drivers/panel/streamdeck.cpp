#include "streamdeck.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace opswall::drivers::streamdeck {

namespace {

// PROTOCOLS.md section 7 (models, key sizes) and @elgato-stream-deck/core 7.3.2's model
// factories (image format and flips: gen-2 JPEG packers flip x and y, except the Studio; the
// Original is BMP flipped in x; the Mini is BMP rotated with y flipped).
constexpr std::array<Model, 16> kModels = {{
    {"original", 0x0060, 5, 3, 72, 72, ImageFormat::Bmp, ImageTransform::FlipX, 1},
    {"mini", 0x0063, 3, 2, 80, 80, ImageFormat::Bmp, ImageTransform::Rotate90FlipY, 1},
    {"mini-v2", 0x0090, 3, 2, 80, 80, ImageFormat::Bmp, ImageTransform::Rotate90FlipY, 1},
    {"original-v2", 0x006D, 5, 3, 72, 72, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"mk2", 0x0080, 5, 3, 72, 72, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"mk2-scissor", 0x00A5, 5, 3, 72, 72, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"xl", 0x006C, 8, 4, 96, 96, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"xl-v2", 0x008F, 8, 4, 96, 96, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"plus", 0x0084, 4, 2, 120, 120, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"neo", 0x009A, 4, 2, 96, 96, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"studio", 0x00AA, 16, 2, 144, 112, ImageFormat::Jpeg, ImageTransform::None, 2},
    {"module-6", 0x00B8, 3, 2, 80, 80, ImageFormat::Bmp, ImageTransform::Rotate90FlipY, 1},
    {"module-15", 0x00B9, 5, 3, 72, 72, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"module-32", 0x00BA, 8, 4, 96, 96, ImageFormat::Jpeg, ImageTransform::Rotate180, 2},
    {"pedal", 0x0086, 3, 1, 0, 0, ImageFormat::Invalid, ImageTransform::None, 2},
    {"network-dock", 0xFFFF, 0, 0, 0, 0, ImageFormat::Invalid, ImageTransform::None, 2},
}};

void putLe16(Bytes &b, std::size_t at, unsigned v) {
    b[at] = std::uint8_t(v & 0xFF);
    b[at + 1] = std::uint8_t((v >> 8) & 0xFF);
}
void putLe32(Bytes &b, std::size_t at, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b[at + std::size_t(i)] = std::uint8_t(v >> (8 * i));
}
std::uint32_t le32(const std::uint8_t *p) {
    return std::uint32_t(p[0]) | (std::uint32_t(p[1]) << 8) | (std::uint32_t(p[2]) << 16) |
           (std::uint32_t(p[3]) << 24);
}
unsigned le16(const std::uint8_t *p) {
    return unsigned(p[0]) | (unsigned(p[1]) << 8);
}

bool isOriginal(const Model &m) {
    return m.productId == 0x0060;
}

} // namespace

std::span<const Model> models() {
    return kModels;
}

const Model *modelForProductId(std::uint16_t productId) {
    for (const Model &m : kModels)
        if (m.productId == productId)
            return &m;
    return nullptr;
}

const Model *modelByName(const std::string &name) {
    for (const Model &m : kModels)
        if (name == m.name)
            return &m;
    return nullptr;
}

KeyTracker::KeyTracker(const Model &model)
    : m_model(model)
    , m_down(std::size_t(std::max(0, model.keyCount())), false) {}

void KeyTracker::reset() {
    std::fill(m_down.begin(), m_down.end(), false);
}

bool KeyTracker::isDown(int key) const {
    return key >= 0 && std::size_t(key) < m_down.size() && m_down[std::size_t(key)];
}

std::vector<KeyEvent> KeyTracker::update(const std::uint8_t *report, std::size_t size) {
    std::vector<KeyEvent> events;
    if (size < 1 || report[0] != 0x01)
        return events;
    const int keys = m_model.keyCount();
    std::size_t offset = 1;
    if (m_model.generation == 2) {
        // 01 <type> LEN_lo LEN_hi states...; type 00 = keys (03 encoder, 02 LCD, 04 NFC)
        if (size < 4 || report[1] != 0x00)
            return events;
        offset = 4;
    }
    if (size < offset + std::size_t(keys))
        return events;
    for (int key = 0; key < keys; ++key) {
        int hid = key;
        if (isOriginal(m_model)) // the Original numbers its keys right to left in each row
            hid = (key / m_model.columns) * m_model.columns +
                  (m_model.columns - 1 - key % m_model.columns);
        const bool down = report[offset + std::size_t(hid)] != 0;
        if (down != m_down[std::size_t(key)]) {
            m_down[std::size_t(key)] = down;
            events.push_back({key, down});
        }
    }
    return events;
}

Bytes brightnessReport(const Model &model, int percent) {
    const auto pct = std::uint8_t(std::clamp(percent, 0, 100));
    if (model.generation == 1) {
        Bytes b(17, 0);
        const std::uint8_t head[] = {0x05, 0x55, 0xAA, 0xD1, 0x01, pct};
        std::memcpy(b.data(), head, sizeof head);
        return b;
    }
    Bytes b(32, 0);
    b[0] = 0x03;
    b[1] = 0x08;
    b[2] = pct;
    return b;
}

Bytes resetReport(const Model &model) {
    if (model.generation == 1) {
        Bytes b(17, 0);
        b[0] = 0x0B;
        b[1] = 0x63;
        return b;
    }
    Bytes b(32, 0);
    b[0] = 0x03;
    b[1] = 0x02;
    return b;
}

std::vector<Bytes> keyImageReports(const Model &model, int key, const Bytes &encoded) {
    std::vector<Bytes> out;
    if (key < 0 || key >= model.keyCount() || encoded.empty() || encoded.size() > 64 * 1024 ||
        model.format == ImageFormat::Invalid)
        return out;
    if (isOriginal(model)) {
        // Two 8191-byte packets, the picture split in halves, 16-byte gen-1 header, pages 1, 2.
        constexpr std::size_t kPacket = 8191, kHeader = 16;
        const std::size_t half = encoded.size() / 2;
        if (encoded.size() - half > kPacket - kHeader)
            return out;
        for (int page = 1; page <= 2; ++page) {
            Bytes p(kPacket, 0);
            p[0] = 0x02;
            p[1] = 0x01;
            putLe16(p, 2, unsigned(page));
            p[4] = page == 2 ? 1 : 0;
            p[5] = std::uint8_t(key + 1);
            const std::size_t from = page == 1 ? 0 : half;
            const std::size_t to = page == 1 ? half : encoded.size();
            std::copy(encoded.begin() + std::ptrdiff_t(from), encoded.begin() + std::ptrdiff_t(to),
                      p.begin() + std::ptrdiff_t(kHeader));
            out.push_back(std::move(p));
        }
        return out;
    }
    const std::size_t header = model.generation == 1 ? 16 : 8;
    constexpr std::size_t kPacket = 1024;
    const std::size_t room = kPacket - header;
    std::size_t done = 0;
    for (unsigned page = 0; done < encoded.size(); ++page) {
        const std::size_t n = std::min(room, encoded.size() - done);
        const bool last = done + n == encoded.size();
        Bytes p(kPacket, 0);
        p[0] = 0x02;
        if (model.generation == 1) {
            p[1] = 0x01;
            putLe16(p, 2, page);
            p[4] = last ? 1 : 0;
            p[5] = std::uint8_t(key + 1);
        } else {
            p[1] = 0x07;
            p[2] = std::uint8_t(key);
            p[3] = last ? 1 : 0;
            putLe16(p, 4, unsigned(n));
            putLe16(p, 6, page);
        }
        std::copy(encoded.begin() + std::ptrdiff_t(done),
                  encoded.begin() + std::ptrdiff_t(done + n), p.begin() + std::ptrdiff_t(header));
        done += n;
        out.push_back(std::move(p));
    }
    return out;
}

FeatureQuery serialQuery(const Model &model) {
    return {model.generation == 1 ? std::uint8_t(0x03) : std::uint8_t(0x06), 32};
}

FeatureQuery firmwareQuery(const Model &model) {
    return {model.generation == 1 ? std::uint8_t(0x04) : std::uint8_t(0x05), 32};
}

namespace {
// [from, to) of the report as printable text; trailing NULs and spaces dropped.
std::optional<std::string> textOf(const std::uint8_t *report, std::size_t size, std::size_t from,
                                  std::size_t to, bool stopAtNul) {
    to = std::min(to, size);
    if (from >= to)
        return std::nullopt;
    std::string text;
    for (std::size_t i = from; i < to && text.size() < 32; ++i) {
        const std::uint8_t c = report[i];
        if (c == 0) {
            if (stopAtNul)
                break;
            continue;
        }
        if (c < 0x20 || c > 0x7E)
            return std::nullopt;
        text.push_back(char(c));
    }
    while (!text.empty() && text.back() == ' ')
        text.pop_back();
    if (text.empty())
        return std::nullopt;
    return text;
}

std::optional<std::string> gen1Text(const std::uint8_t *report, std::size_t size,
                                    std::uint8_t reportId, std::size_t to, bool stopAtNul) {
    if (size < 6 || report[0] != reportId)
        return std::nullopt;
    return textOf(report, size, 5, to, stopAtNul);
}

std::optional<std::string> gen2Text(const std::uint8_t *report, std::size_t size,
                                    std::uint8_t reportId, std::size_t from) {
    if (size < 2 || report[0] != reportId)
        return std::nullopt;
    const std::size_t end = std::size_t(report[1]) + 2;
    if (end > size)
        return std::nullopt;
    return textOf(report, size, from, end, false);
}
} // namespace

std::optional<std::string> parseUsbSerial(const Model &model, const std::uint8_t *report,
                                          std::size_t size) {
    if (!report)
        return std::nullopt;
    return model.generation == 1 ? gen1Text(report, size, 0x03, 17, false)
                                 : gen2Text(report, size, 0x06, 2);
}

std::optional<std::string> parseUsbFirmware(const Model &model, const std::uint8_t *report,
                                            std::size_t size) {
    if (!report)
        return std::nullopt;
    return model.generation == 1 ? gen1Text(report, size, 0x04, size, true)
                                 : gen2Text(report, size, 0x05, 6);
}

std::optional<KeyImageAssembler::Image> KeyImageAssembler::push(const std::uint8_t *report,
                                                                std::size_t size) {
    if (size < 8 || report[0] != 0x02 || report[1] != 0x07)
        return std::nullopt;
    const int key = report[2];
    const bool last = report[3] != 0;
    const std::size_t len = le16(report + 4);
    const int page = int(le16(report + 6));
    if (len > size - 8)
        return std::nullopt;
    if (page == 0 || key != m_key || page != m_nextPage) {
        m_bytes.clear();
        m_key = key;
        m_nextPage = 0;
        if (page != 0)
            return std::nullopt; // a lost page: wait for the next picture
    }
    if (m_bytes.size() + len > 64 * 1024) {
        m_bytes.clear();
        m_key = -1;
        return std::nullopt;
    }
    m_bytes.insert(m_bytes.end(), report + 8, report + 8 + len);
    ++m_nextPage;
    if (!last)
        return std::nullopt;
    Image done{m_key, std::move(m_bytes)};
    m_bytes.clear();
    m_key = -1;
    m_nextPage = 0;
    return done;
}

namespace cora {

Bytes encode(Framing framing, const Message &m, std::size_t legacyBlock) {
    if (framing == Framing::Legacy) {
        Bytes b(std::max(legacyBlock, m.payload.size()), 0);
        std::copy(m.payload.begin(), m.payload.end(), b.begin());
        return b;
    }
    Bytes b(16 + m.payload.size(), 0);
    std::memcpy(b.data(), kMagic, 4);
    putLe16(b, 4, m.flags);
    b[6] = std::uint8_t(m.op);
    putLe32(b, 8, m.id);
    putLe32(b, 12, std::uint32_t(m.payload.size()));
    std::copy(m.payload.begin(), m.payload.end(), b.begin() + 16);
    return b;
}

Decoder::Decoder(bool fromDevice)
    : m_fromDevice(fromDevice) {}

void Decoder::push(const std::uint8_t *data, std::size_t size) {
    if (m_read > 0 && (m_read >= m_buffer.size() || m_read > 4096)) {
        m_buffer.erase(m_buffer.begin(), m_buffer.begin() + std::ptrdiff_t(m_read));
        m_read = 0;
    }
    m_buffer.insert(m_buffer.end(), data, data + size);
}

std::variant<Message, NeedMore, Error> Decoder::next() {
    const std::size_t avail = m_buffer.size() - m_read;
    const std::uint8_t *p = m_buffer.data() + m_read;
    if (m_framing == Framing::Unknown) {
        if (avail < 2)
            return NeedMore{};
        if (avail >= 4 && std::memcmp(p, kMagic, 4) == 0)
            m_framing = Framing::Cora;
        else if (p[0] == 0x01 && p[1] == 0x0A) // the device's first keepalive, legacy mode
            m_framing = Framing::Legacy;
        else if (m_fromDevice || avail >= 4)
            return Error{"neither Cora (43 93 8A 41) nor a legacy keepalive (01 0A) first"};
        else
            return NeedMore{};
    }
    if (m_framing == Framing::Legacy) {
        const std::size_t block = m_fromDevice ? kLegacyToHost : kLegacyToDevice;
        if (avail < block)
            return NeedMore{};
        Message m;
        m.payload.assign(p, p + block);
        m_read += block;
        return m;
    }
    // Cora: resynchronise on the magic like the reference client does.
    const std::uint8_t *found = nullptr;
    for (std::size_t i = 0; i + 4 <= avail; ++i)
        if (std::memcmp(p + i, kMagic, 4) == 0) {
            found = p + i;
            break;
        }
    if (!found) {
        if (avail > 3)
            m_read += avail - 3; // keep a possible start of the magic
        return NeedMore{};
    }
    m_read += std::size_t(found - p);
    p = found;
    const std::size_t left = m_buffer.size() - m_read;
    if (left < 16)
        return NeedMore{};
    const std::uint32_t len = le32(p + 12);
    if (len > kMaxPayload) {
        m_read += 4; // skip this magic; look for the next message
        return Error{"Cora payload length " + std::to_string(len) + " over the limit"};
    }
    if (left < 16 + len)
        return NeedMore{};
    Message m;
    m.flags = std::uint16_t(le16(p + 4));
    m.op = HidOp(p[6] <= 2 ? p[6] : 0);
    m.id = le32(p + 8);
    m.payload.assign(p + 16, p + 16 + len);
    m_read += 16 + len;
    return m;
}

bool isKeepAlive(const Message &m) {
    return m.payload.size() > 5 && m.payload[0] == 0x01 && m.payload[1] == 0x0A;
}

Message keepAlive(std::uint8_t connection, std::uint32_t id) {
    Message m;
    m.op = HidOp::Write;
    m.id = id;
    m.payload.assign(32, 0);
    m.payload[0] = 0x01;
    m.payload[1] = 0x0A;
    m.payload[5] = connection;
    return m;
}

Message keepAliveAck(const Message &k) {
    Message m;
    m.flags = kAckNak;
    m.op = k.op;
    m.id = k.id;
    m.payload.assign(32, 0);
    m.payload[0] = 0x03;
    m.payload[1] = 0x1A;
    m.payload[2] = k.payload.size() > 5 ? k.payload[5] : 0;
    return m;
}

namespace {
// A Get Report result of `size` bytes whose payload starts with its two report bytes.
Message reportResult(std::uint32_t id, std::size_t size, std::uint8_t first, std::uint8_t second) {
    Message m;
    m.flags = kResult;
    m.op = HidOp::GetReport;
    m.id = id;
    m.payload.assign(size, 0);
    m.payload[0] = first;
    m.payload[1] = second;
    return m;
}
} // namespace

Message deviceInfoAnswer(std::uint32_t id, std::uint16_t vendorId, std::uint16_t productId) {
    Message m = reportResult(id, 32, 0x03, 0x80);
    putLe16(m.payload, 12, vendorId);
    putLe16(m.payload, 14, productId);
    return m;
}

Message serialAnswer(std::uint32_t id, const std::string &serial) {
    Message m = reportResult(id, 32, 0x03, 0x84);
    const std::size_t n = std::min<std::size_t>(serial.size(), 28);
    m.payload[3] = std::uint8_t(n);
    std::copy(serial.begin(), serial.begin() + std::ptrdiff_t(n), m.payload.begin() + 4);
    return m;
}

Message firmwareAnswer(std::uint32_t id, std::uint8_t reportId, const std::string &version) {
    Message m = reportResult(id, 32, 0x03, reportId);
    const std::size_t n = std::min<std::size_t>(version.size(), 8);
    std::copy(version.begin(), version.begin() + std::ptrdiff_t(n), m.payload.begin() + 8);
    return m;
}

Message childInfo(std::uint32_t id, bool attached, std::uint16_t vendorId, std::uint16_t productId,
                  const std::string &serial, std::uint16_t tcpPort) {
    Message m = reportResult(id, 128, 0x01, 0x0B);
    m.payload[4] = attached ? 0x02 : 0x00;
    if (attached) {
        putLe16(m.payload, 26, vendorId);
        putLe16(m.payload, 28, productId);
        const std::size_t n = std::min<std::size_t>(serial.size(), 31);
        std::copy(serial.begin(), serial.begin() + std::ptrdiff_t(n), m.payload.begin() + 94);
        putLe16(m.payload, 126, tcpPort);
    }
    return m;
}

std::optional<ChildInfo> parseChildInfo(const Bytes &payload) {
    if (payload.size() < 2 || payload[0] != 0x01 || payload[1] != 0x0B)
        return std::nullopt;
    ChildInfo c;
    if (payload.size() < 128 || payload[4] != 0x02)
        return c; // nothing attached
    c.attached = true;
    c.vendorId = std::uint16_t(le16(payload.data() + 26));
    c.productId = std::uint16_t(le16(payload.data() + 28));
    for (std::size_t i = 94; i < 125 && payload[i] != 0; ++i)
        c.serial.push_back(char(payload[i] >= 0x20 && payload[i] < 0x7F ? payload[i] : '?'));
    c.tcpPort = std::uint16_t(le16(payload.data() + 126));
    return c;
}

std::optional<std::pair<std::uint16_t, std::uint16_t>> parseDeviceInfo(const Bytes &payload) {
    if (payload.size() < 16 || payload[0] != 0x03 || payload[1] != 0x80)
        return std::nullopt;
    return std::make_pair(std::uint16_t(le16(payload.data() + 12)),
                          std::uint16_t(le16(payload.data() + 14)));
}

std::optional<std::string> parseSerial(const Bytes &payload) {
    if (payload.size() < 4 || payload[0] != 0x03 || payload[1] != 0x84)
        return std::nullopt;
    const std::size_t n = std::min<std::size_t>(payload[3], payload.size() - 4);
    std::string s;
    for (std::size_t i = 0; i < n; ++i)
        s.push_back(char(payload[4 + i] >= 0x20 && payload[4 + i] < 0x7F ? payload[4 + i] : '?'));
    return s;
}

} // namespace cora

} // namespace opswall::drivers::streamdeck
