#include "streamdeck_usb.h"

namespace opswall::drivers::streamdeck {

const char *usbStateName(UsbState s) {
    switch (s) {
    case UsbState::Unavailable:
        return "unavailable";
    case UsbState::Ready:
        return "ready";
    case UsbState::Invalid:
        break;
    }
    return "invalid";
}

namespace {
const Model *deckModel(std::uint16_t productId) {
    const Model *m = modelForProductId(productId);
    return m && m->keyCount() > 0 ? m : nullptr;
}
} // namespace

std::shared_ptr<UsbDeck> UsbDeck::create(boost::asio::io_context &io,
                                         std::shared_ptr<hid::Backend> backend,
                                         UsbDeckSettings settings) {
    auto deck = std::shared_ptr<UsbDeck>(new UsbDeck());
    deck->open(
        io, std::move(backend), linkSettings(kVendorId, "Stream Deck", kMaxInputReport, settings),
        [](const hid::DeviceInfo &d) { return deckModel(d.productId) != nullptr; },
        // Device thread: serial and firmware from the feature reports (gen 1 retried at 17).
        [](hid::Device &dev, hid::Identity &id) {
            const Model &m = *deckModel(id.productId);
            auto feature = [&](FeatureQuery q) {
                auto r = dev.getFeature(q.reportId, q.size);
                if (!r && m.generation == 1)
                    r = dev.getFeature(q.reportId, 17);
                return r;
            };
            if (const auto r = feature(serialQuery(m)))
                if (auto s = parseUsbSerial(m, r->data(), r->size()))
                    id.serial = *s;
            if (const auto r = feature(firmwareQuery(m)))
                if (auto f = parseUsbFirmware(m, r->data(), r->size()))
                    id.firmware = *f;
        });
    return deck;
}

void UsbDeck::setCallbacks(OnState onState, OnKey onKey) {
    m_onState = std::move(onState);
    m_onKey = std::move(onKey);
}

void UsbDeck::onLinkState(bool ready, const hid::Identity &id, const std::string &why) {
    m_state = ready ? UsbState::Ready : UsbState::Unavailable;
    m_info = UsbDeckInfo{};
    m_keys.reset();
    if (ready) {
        m_info = {deckModel(id.productId), id.productId, id.serial, id.firmware, id.path};
        m_keys = std::make_unique<KeyTracker>(*m_info.model); // every key up on a new device
    }
    if (m_onState)
        m_onState(m_state, m_info, why);
}

void UsbDeck::setKeyImage(int key, const Bytes &encoded) {
    if (m_state != UsbState::Ready || !m_info.model)
        return;
    for (Bytes &r : keyImageReports(*m_info.model, key, encoded))
        if (!m_link->write(std::move(r)))
            return;
}

void UsbDeck::setBrightness(int percent) {
    if (m_state == UsbState::Ready && m_info.model)
        m_link->sendFeature(brightnessReport(*m_info.model, percent));
}

void UsbDeck::reset() {
    if (m_state == UsbState::Ready && m_info.model)
        m_link->sendFeature(resetReport(*m_info.model));
}

} // namespace opswall::drivers::streamdeck
