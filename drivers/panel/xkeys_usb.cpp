#include "xkeys_usb.h"

#include <chrono>

namespace opswall::drivers::xkeys {

std::shared_ptr<UsbPanel> UsbPanel::create(boost::asio::io_context &io,
                                           std::shared_ptr<hid::Backend> backend,
                                           UsbSettings settings) {
    auto panel = std::shared_ptr<UsbPanel>(new UsbPanel());
    const int versionTimeoutMs = settings.versionTimeoutMs;
    panel->open(
        io, std::move(backend), linkSettings(kVendorId, "X-keys panel", kMaxInputReport, settings),
        [](const hid::DeviceInfo &d) {
            return productFor(d.productId, d.interfaceNumber) != nullptr;
        },
        // Device thread: ask the version and wait for its answer (other reports are dropped:
        // the full state is asked for right after), then ask for the full key state.
        [versionTimeoutMs](hid::Device &dev, hid::Identity &id) {
            if (dev.write(versionRequest()) >= 0) {
                const auto end =
                    std::chrono::steady_clock::now() + std::chrono::milliseconds(versionTimeoutMs);
                std::uint8_t buffer[kMaxInputReport];
                while (std::chrono::steady_clock::now() < end) {
                    const int n = dev.read(buffer, sizeof buffer, 20);
                    if (n < 0)
                        break;
                    if (const auto v = parseVersion(buffer, std::size_t(n))) {
                        id.firmware = "v" + std::to_string(v->firmware) + ", unit " +
                                      std::to_string(v->unitId);
                        break;
                    }
                }
            }
            (void)dev.write(stateRequest());
        });
    return panel;
}

void UsbPanel::setCallbacks(OnState onState, OnKey onKey) {
    m_onState = std::move(onState);
    m_onKey = std::move(onKey);
}

void UsbPanel::onLinkState(bool ready, const hid::Identity &id, const std::string &why) {
    m_info = UsbInfo{};
    m_keys.reset();
    if (ready) {
        m_info = {productFor(id.productId, id.interfaceNumber), id.productId, id.serial,
                  id.firmware, id.path};
        m_keys = std::make_unique<KeyTracker>(*m_info.product);
    }
    if (m_onState)
        m_onState(ready, m_info, why);
}

void UsbPanel::setBacklight(int key, Light blue, Light red) {
    if (!ready())
        return;
    for (Bytes &r : backlightReports(*m_info.product, key, blue, red))
        m_link->write(std::move(r));
}

void UsbPanel::setIntensity(std::uint8_t blue, std::uint8_t red) {
    if (ready())
        m_link->write(intensityReport(blue, red));
}

void UsbPanel::setIndicator(bool red, Light state) {
    if (ready())
        m_link->write(indicatorReport(red, state));
}

} // namespace opswall::drivers::xkeys
