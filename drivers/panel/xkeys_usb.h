#pragma once
// X-keys on USB (PROTOCOLS.md section 9, xkeys.h) over hid::Link (hot-plug by enumeration, one
// device thread, "unavailable" with the reason while there is none): the panel is any known
// product with VID 05F3 on its key interface; on opening, its version (firmware, unit id) is
// asked for and read, and the full key state requested; input reports become key events (key
// numbers 1..N, 0 the program switch); key backlights and their intensity are sent.
//
// Threading: the public calls and every callback are on the io_context given.
#include "usbkeypanel.h"
#include "xkeys.h"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace opswall::drivers::xkeys {

struct UsbSettings {
    std::string serial; // the panel with this serial; empty: the first known product found
    int scanIntervalMs = 1000;
    int readTimeoutMs = 10;
    int versionTimeoutMs = 300; // how long opening waits for the version answer
};

struct UsbInfo {
    const Product *product = nullptr;
    std::uint16_t productId = 0;
    std::string serial;
    std::string firmware; // "v<firmware>, unit <id>"; empty when the panel did not answer
    std::string path;
};

class UsbPanel : public hid::UsbKeyPanel<KeyTracker, KeyEvent> {
public:
    using OnState = std::function<void(bool ready, const UsbInfo &, const std::string &why)>;

    static std::shared_ptr<UsbPanel> create(boost::asio::io_context &io,
                                            std::shared_ptr<hid::Backend> backend,
                                            UsbSettings settings);
    void setCallbacks(OnState onState, OnKey onKey);

    // Ignored unless ready.
    void setBacklight(int key, Light blue, Light red);
    void setIntensity(std::uint8_t blue, std::uint8_t red);
    void setIndicator(bool red, Light state); // the green (6) or red (7) indicator LED

    bool ready() const { return m_info.product != nullptr; }
    const UsbInfo &info() const { return m_info; }

private:
    UsbPanel() = default;
    void onLinkState(bool ready, const hid::Identity &id, const std::string &why) override;

    OnState m_onState;
    UsbInfo m_info;
};

} // namespace opswall::drivers::xkeys
