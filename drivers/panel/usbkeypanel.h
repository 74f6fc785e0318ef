#pragma once
// What the USB panels on a hid::Link share (streamdeck_usb.h, xkeys_usb.h): the link, the key
// tracker of the device in use (made when it is ready, dropped when it goes), input reports
// through it to key events, start and stop. A panel supplies how to recognise and identify its
// devices and what "ready" means for it (onLinkState).
//
// Threading: as hid::Link: everything on the io_context given.
#include "hidlink.h"

#include <functional>
#include <memory>
#include <string>

namespace opswall::drivers::hid {

template<typename Tracker, typename Event>
class UsbKeyPanel : public std::enable_shared_from_this<UsbKeyPanel<Tracker, Event>> {
public:
    using OnKey = std::function<void(const Event &)>;
    virtual ~UsbKeyPanel() = default;

    void start() { m_link->start(); } // scans at once; unavailable (with why) when none is found
    void stop() {                     // joins the device thread; no callbacks after it returns
        m_link->stop();
        m_keys.reset();
    }

protected:
    UsbKeyPanel() = default;
    // Called once, right after the panel is owned by a shared_ptr: makes the link and wires its
    // states to onLinkState and its input reports through m_keys to m_onKey.
    void open(boost::asio::io_context &io, std::shared_ptr<Backend> backend, LinkSettings link,
              Link::Match match, Link::Identify identify) {
        m_link = Link::create(io, std::move(backend), std::move(link), std::move(match),
                              std::move(identify));
        std::weak_ptr<UsbKeyPanel> weak = this->shared_from_this();
        m_link->setCallbacks(
            [weak](bool ready, const Identity &id, const std::string &why) {
                if (auto self = weak.lock())
                    self->onLinkState(ready, id, why);
            },
            [weak](const Bytes &report) {
                auto self = weak.lock();
                if (!self || !self->m_keys)
                    return;
                for (const Event &e : self->m_keys->update(report.data(), report.size()))
                    if (self->m_onKey)
                        self->m_onKey(e);
            });
    }
    // The link's settings from a panel's own (serial, scanIntervalMs, readTimeoutMs).
    template<typename PanelSettings>
    static LinkSettings linkSettings(std::uint16_t vendorId, const char *what, std::size_t readSize,
                                     const PanelSettings &s) {
        LinkSettings link;
        link.vendorId = vendorId;
        link.what = what;
        link.serial = s.serial;
        link.scanIntervalMs = s.scanIntervalMs;
        link.readTimeoutMs = s.readTimeoutMs;
        link.readSize = readSize;
        return link;
    }
    // The device in use is ready (make m_keys for it) or gone (m_keys is already dropped).
    virtual void onLinkState(bool ready, const Identity &id, const std::string &why) = 0;

    std::shared_ptr<Link> m_link;
    OnKey m_onKey;
    std::unique_ptr<Tracker> m_keys;
};

} // namespace opswall::drivers::hid
