#include "hidmonitor.h"

namespace opswall::drivers::hid {

std::shared_ptr<Monitor> Monitor::create(boost::asio::io_context &io,
                                         std::shared_ptr<Backend> backend,
                                         MonitorSettings settings) {
    return std::shared_ptr<Monitor>(new Monitor(io, std::move(backend), std::move(settings)));
}

Monitor::Monitor(boost::asio::io_context &io, std::shared_ptr<Backend> backend,
                 MonitorSettings settings)
    : m_backend(std::move(backend))
    , m_settings(std::move(settings))
    , m_timer(io) {}

void Monitor::setCallbacks(OnChange onChange, OnError onError) {
    m_onChange = std::move(onChange);
    m_onError = std::move(onError);
}

void Monitor::start() {
    m_stopped = false;
    scanNow();
    schedule();
}

void Monitor::stop() {
    m_stopped = true;
    m_timer.cancel();
}

std::vector<DeviceInfo> Monitor::present() const {
    std::vector<DeviceInfo> out;
    out.reserve(m_present.size());
    for (const auto &[path, info] : m_present)
        out.push_back(info);
    return out;
}

void Monitor::schedule() {
    if (m_stopped)
        return;
    m_timer.expires_after(std::chrono::milliseconds(std::max(10, m_settings.intervalMs)));
    m_timer.async_wait([weak = weak_from_this()](boost::system::error_code e) {
        auto self = weak.lock();
        if (e || !self || self->m_stopped)
            return;
        self->scanNow();
        self->schedule();
    });
}

void Monitor::scanNow() {
    std::map<std::string, DeviceInfo> now;
    std::string error;
    for (std::uint16_t vendor : m_settings.vendorIds) {
        std::string why;
        for (DeviceInfo &d : m_backend->enumerate(vendor, &why))
            if (d.vendorId == vendor)
                now.emplace(d.path, std::move(d));
        if (!why.empty() && error.empty())
            error = why;
    }
    if (error != m_error) {
        m_error = error;
        if (m_onError)
            m_onError(error);
    }
    // An unusable HID stack says nothing about what is plugged in: keep the last picture.
    if (!error.empty())
        return;
    std::vector<std::pair<bool, DeviceInfo>> changes;
    for (const auto &[path, info] : m_present)
        if (!now.count(path))
            changes.emplace_back(false, info);
    for (const auto &[path, info] : now) {
        const auto it = m_present.find(path);
        // The same node now naming another device: the old one went, the new one came.
        if (it != m_present.end() &&
            (it->second.productId != info.productId || it->second.serial != info.serial)) {
            changes.emplace_back(false, it->second);
            changes.emplace_back(true, info);
        } else if (it == m_present.end()) {
            changes.emplace_back(true, info);
        }
    }
    m_present = std::move(now);
    if (m_onChange)
        for (const auto &[plugged, info] : changes)
            m_onChange(plugged, info);
}

} // namespace opswall::drivers::hid
