#pragma once
// A Stream Deck on USB (PROTOCOLS.md section 7) over hid::Link (hidlink.h: hot-plug by
// enumeration, one device thread per open deck, "unavailable" with the reason while there is
// none): the deck is any known model with VID 0FD9 (or the one with the configured serial); its
// serial and firmware are read from its feature reports, its input reports become key events,
// and key pictures, brightness and reset are sent.
//
// Threading: the public calls and every callback are on the io_context given.
#include "streamdeck.h"
#include "usbkeypanel.h"

#include <boost/asio/io_context.hpp>

#include <functional>
#include <memory>
#include <string>

namespace opswall::drivers::streamdeck {

struct UsbDeckSettings {
    std::string serial; // the deck with this serial; empty: the first known model found
    int scanIntervalMs = 1000;
    int readTimeoutMs = 10;
};

enum class UsbState { Invalid = 0, Unavailable, Ready };
const char *usbStateName(UsbState s);

struct UsbDeckInfo {
    const Model *model = nullptr;
    std::uint16_t productId = 0;
    std::string serial;
    std::string firmware;
    std::string path;
};

class UsbDeck : public hid::UsbKeyPanel<KeyTracker, KeyEvent> {
public:
    using OnState = std::function<void(UsbState, const UsbDeckInfo &, const std::string &why)>;

    static std::shared_ptr<UsbDeck> create(boost::asio::io_context &io,
                                           std::shared_ptr<hid::Backend> backend,
                                           UsbDeckSettings settings);
    void setCallbacks(OnState onState, OnKey onKey);

    // Ignored unless Ready. The picture is encoded and transformed for the model already.
    void setKeyImage(int key, const Bytes &encoded);
    void setBrightness(int percent);
    void reset();

    UsbState state() const { return m_state; }
    const UsbDeckInfo &info() const { return m_info; }

private:
    UsbDeck() = default;
    void onLinkState(bool ready, const hid::Identity &id, const std::string &why) override;

    OnState m_onState;
    UsbDeckInfo m_info;
    UsbState m_state = UsbState::Invalid;
};

} // namespace opswall::drivers::streamdeck
