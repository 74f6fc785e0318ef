#include "xkeys.h"

#include <algorithm>
#include <array>

namespace opswall::drivers::xkeys {

namespace {
// Panels whose keys are a plain matrix with "legacy" blue/red backlights (product ids and
// interfaces, columns x rows, program switch, red offset from @xkeys-lib/core 3.3.0's table).
constexpr std::array<Product, 6> kProducts = {{
    {"xk-24", {0x0405, 0x0403, 0, 0}, 0, 4, 6, true, 32},
    {"xk-60", {0x0461, 0x0463, 0x04CF, 0x04D2}, 0, 10, 8, true, 80},
    {"xk-80", {0x0441, 0x0443, 0x04C1, 0x04C4}, 0, 10, 8, true, 80},
    {"xkr-32", {0x04FF, 0x0502, 0, 0}, 0, 4, 8, false, 32},
    {"xke-128", {0x04CB, 0x04CE, 0, 0}, 0, 16, 8, false, 128},
    {"xk-12-jog", {0x0426, 0x0428, 0, 0}, 0, 4, 3, true, 32},
}};

Bytes out(std::initializer_list<std::uint8_t> head) {
    Bytes b(kOutputReport, 0);
    std::copy(head.begin(), head.end(), b.begin());
    return b;
}
} // namespace

bool Product::has(std::uint16_t productId) const {
    return productId != 0 && std::find(std::begin(productIds), std::end(productIds), productId) !=
                                 std::end(productIds);
}

std::span<const Product> products() {
    return kProducts;
}

const Product *productFor(std::uint16_t productId, int interfaceNumber) {
    for (const Product &p : kProducts)
        if (p.has(productId) && (interfaceNumber < 0 || interfaceNumber == p.interfaceNumber))
            return &p;
    return nullptr;
}

const Product *productByName(const std::string &name) {
    for (const Product &p : kProducts)
        if (name == p.name)
            return &p;
    return nullptr;
}

KeyTracker::KeyTracker(const Product &product)
    : m_product(product)
    , m_down(std::size_t(product.keyCount() + 1), false) {}

void KeyTracker::reset() {
    std::fill(m_down.begin(), m_down.end(), false);
}

std::vector<KeyEvent> KeyTracker::update(const std::uint8_t *report, std::size_t size) {
    std::vector<KeyEvent> events;
    if (!report || size < 2 + std::size_t(m_product.columns) || report[1] > 3)
        return events;
    auto set = [&](int key, bool down) {
        if (m_down[std::size_t(key)] != down) {
            m_down[std::size_t(key)] = down;
            events.push_back({key, down});
        }
    };
    for (int c = 0; c < m_product.columns; ++c)
        for (int r = 0; r < m_product.rows; ++r)
            set(c * m_product.rows + r + 1, (report[2 + c] >> r) & 1);
    if (m_product.programSwitch)
        set(0, report[1] & 1);
    return events;
}

std::vector<Bytes> backlightReports(const Product &product, int key, Light blue, Light red) {
    if (key < 1 || key > product.keyCount())
        return {};
    const int column = (key - 1) / product.rows;
    const int row = (key - 1) % product.rows;
    const auto led = std::uint8_t(column * 8 + row);
    return {out({0x00, 0xB5, led, std::uint8_t(blue), 0x01}),
            out({0x00, 0xB5, std::uint8_t(led + product.redOffset), std::uint8_t(red), 0x01})};
}

Bytes bankReport(bool red, std::uint8_t value) {
    return out({0x00, 0xB6, std::uint8_t(red ? 1 : 0), value});
}

Bytes intensityReport(std::uint8_t blue, std::uint8_t red) {
    return out({0x00, 0xBB, blue, red});
}

Bytes indicatorReport(bool red, Light state) {
    return out({0x00, 0xB3, std::uint8_t(red ? 7 : 6), std::uint8_t(state)});
}

Bytes stateRequest() {
    return out({0x00, 0xB1});
}

Bytes versionRequest() {
    return out({0x00, 0xD6});
}

std::optional<Version> parseVersion(const std::uint8_t *report, std::size_t size) {
    if (!report || size < 13 || report[1] != 0xD6)
        return std::nullopt;
    return Version{report[0], report[10] ? report[10] : 1,
                   std::uint16_t(report[11] | (report[12] << 8))};
}

} // namespace opswall::drivers::xkeys
