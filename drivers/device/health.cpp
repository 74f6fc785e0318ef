#include "health.h"

namespace opswall::drivers {

std::string_view alertKindName(AlertKind k) {
    switch (k) {
    case AlertKind::Invalid:
        return "invalid";
    case AlertKind::Unreachable:
        return "unreachable";
    case AlertKind::PowerMismatch:
        return "power-mismatch";
    case AlertKind::WrongInput:
        return "wrong-input";
    case AlertKind::Overheat:
        return "overheat";
    case AlertKind::FanFault:
        return "fan-fault";
    case AlertKind::DeviceError:
        return "device-error";
    }
    return "invalid";
}

namespace {
bool noAnswer(const Result &r) {
    return r.status == Status::Timeout || r.status == Status::Unreachable ||
           r.status == Status::AuthFailed;
}
} // namespace

std::vector<Alert> assessHealth(const Health &h, const HealthExpectations &expect) {
    std::vector<Alert> alerts;
    if (noAnswer(h.power)) {
        // Nothing else can be judged without an answer.
        alerts.push_back({AlertKind::Unreachable, Severity::Critical,
                          "display does not answer: " + h.power.error});
        return alerts;
    }
    const auto power = h.power.ok() ? PowerState(h.power.value) : PowerState::Invalid;
    const bool on = power == PowerState::On || power == PowerState::WarmingUp;
    if (expect.power && power != PowerState::Invalid) {
        if (*expect.power == Power::On && !on)
            alerts.push_back({AlertKind::PowerMismatch, Severity::Warning,
                              "should be on but is " + std::string(powerStateName(power))});
        else if (*expect.power == Power::Off && on)
            alerts.push_back({AlertKind::PowerMismatch, Severity::Info,
                              "should be off but is " + std::string(powerStateName(power))});
    }
    if (expect.input && on && h.input.ok() && h.input.text != *expect.input)
        alerts.push_back({AlertKind::WrongInput, Severity::Warning,
                          "on input " + h.input.text + ", layout needs " + *expect.input});
    if (h.temperature.ok()) {
        const int t = h.temperature.value;
        if (t >= expect.criticalTemperatureC || h.temperature.text == "error")
            alerts.push_back(
                {AlertKind::Overheat, Severity::Critical,
                 t >= 0 ? "temperature " + std::to_string(t) + " °C" : "temperature alarm"});
        else if (t >= expect.warnTemperatureC || h.temperature.text == "warning")
            alerts.push_back(
                {AlertKind::Overheat, Severity::Warning,
                 t >= 0 ? "temperature " + std::to_string(t) + " °C" : "temperature warning"});
    }
    if (h.fans.ok() && h.fans.value == 1)
        alerts.push_back({AlertKind::FanFault, Severity::Critical, "fan fault"});
    if (h.errors.ok() && h.errors.value != 0) {
        std::string codes;
        for (int v : h.errors.values)
            codes += (codes.empty() ? "" : " ") + std::to_string(v);
        alerts.push_back(
            {AlertKind::DeviceError, Severity::Warning, "display reports errors (" + codes + ")"});
    }
    return alerts;
}

std::shared_ptr<HealthPoller> HealthPoller::create(boost::asio::io_context &io,
                                                   std::vector<Display> displays, int intervalMs,
                                                   OnHealth onHealth) {
    return std::shared_ptr<HealthPoller>(
        new HealthPoller(io, std::move(displays), intervalMs, std::move(onHealth)));
}

HealthPoller::HealthPoller(boost::asio::io_context &io, std::vector<Display> displays,
                           int intervalMs, OnHealth onHealth)
    : m_timer(io)
    , m_displays(std::move(displays))
    , m_busy(m_displays.size(), false)
    , m_intervalMs(intervalMs)
    , m_onHealth(std::move(onHealth)) {}

void HealthPoller::start() {
    m_stopped = false;
    poll();
}

void HealthPoller::stop() {
    m_stopped = true;
    m_timer.cancel();
}

void HealthPoller::poll() {
    if (m_stopped)
        return;
    ++m_rounds;
    for (std::size_t i = 0; i < m_displays.size(); ++i) {
        if (m_busy[i])
            continue;
        m_busy[i] = true;
        m_displays[i].health([weak = weak_from_this(), i](Health h) {
            auto self = weak.lock();
            if (!self)
                return;
            self->m_busy[i] = false;
            if (!self->m_stopped)
                self->m_onHealth(i, h);
        });
    }
    m_timer.expires_after(std::chrono::milliseconds(m_intervalMs));
    m_timer.async_wait([weak = weak_from_this()](const boost::system::error_code &ec) {
        if (auto self = weak.lock(); self && !ec)
            self->poll();
    });
}

} // namespace opswall::drivers
