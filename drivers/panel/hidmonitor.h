#pragma once
// USB panel hot-plug without udev: enumerates the panel vendors (Elgato, P.I. Engineering) on a
// timer and reports what appeared and what went away since the last look. hidapi's enumeration
// walks sysfs (a few hundred microseconds here); once a second is cheap. hid::Link (hidlink.h)
// does the same for one configured panel while it has no device; this one sees every deck,
// configured or not, so the API can list what is plugged in.
//
// Threading: everything on the io_context given; the callback too.
#include "hid.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace opswall::drivers::hid {

struct MonitorSettings {
    std::vector<std::uint16_t> vendorIds;
    int intervalMs = 1000;
};

class Monitor : public std::enable_shared_from_this<Monitor> {
public:
    // plugged: true when the device appeared, false when it went away.
    using OnChange = std::function<void(bool plugged, const DeviceInfo &)>;
    // The host's HID stack became unusable (text) or usable again (empty); said once per change.
    using OnError = std::function<void(const std::string &error)>;

    static std::shared_ptr<Monitor>
    create(boost::asio::io_context &io, std::shared_ptr<Backend> backend, MonitorSettings settings);
    void setCallbacks(OnChange onChange, OnError onError = {});
    void start(); // looks at once (devices present at start are reported as plugged)
    void stop();

    // What the last look found, by path.
    std::vector<DeviceInfo> present() const;
    void scanNow(); // one look now (tests; also what the timer runs)

private:
    Monitor(boost::asio::io_context &io, std::shared_ptr<Backend> backend,
            MonitorSettings settings);
    void schedule();

    std::shared_ptr<Backend> m_backend;
    MonitorSettings m_settings;
    boost::asio::steady_timer m_timer;
    OnChange m_onChange;
    OnError m_onError;
    std::map<std::string, DeviceInfo> m_present;
    std::string m_error;
    bool m_stopped = true;
};

} // namespace opswall::drivers::hid
