#pragma once
// Health of the wall's displays: pure rules that turn one poll's answers into alerts, and a
// poller that runs the polls on a timer. The app bridges HealthPoller's callback into its wall
// state and alert list; the rules are tested without any I/O.
#include "display.h"

#include <boost/asio/steady_timer.hpp>

#include <optional>
#include <vector>

namespace opswall::drivers {

enum class Severity { Invalid = 0, Info, Warning, Critical };
enum class AlertKind {
    Invalid = 0,
    Unreachable,   // no answer at all (timeout, connection refused)
    PowerMismatch, // should be on (schedule/layout) but reports off/standby, or the reverse
    WrongInput,    // not on the input the layout needs
    Overheat,
    FanFault,
    DeviceError, // lamp, sensor, PSU, ... (vendor error status)
};
std::string_view alertKindName(AlertKind k);

struct Alert {
    AlertKind kind = AlertKind::Invalid;
    Severity severity = Severity::Invalid;
    std::string message;
};

struct HealthExpectations {
    std::optional<Power> power;       // what the wall wants now (none: no opinion)
    std::optional<std::string> input; // the input the layout shows on this display
    int warnTemperatureC = 60;
    int criticalTemperatureC = 70;
};

std::vector<Alert> assessHealth(const Health &health, const HealthExpectations &expect);

// Polls every display's health every intervalMs; a display whose previous poll has not finished
// is skipped that round (a slow link never piles up requests).
class HealthPoller : public std::enable_shared_from_this<HealthPoller> {
public:
    using OnHealth = std::function<void(std::size_t index, const Health &health)>;

    static std::shared_ptr<HealthPoller> create(boost::asio::io_context &io,
                                                std::vector<Display> displays, int intervalMs,
                                                OnHealth onHealth);
    void start(); // first poll at once
    void stop();
    int rounds() const { return m_rounds; }

private:
    HealthPoller(boost::asio::io_context &io, std::vector<Display> displays, int intervalMs,
                 OnHealth onHealth);
    void poll();

    boost::asio::steady_timer m_timer;
    std::vector<Display> m_displays;
    std::vector<bool> m_busy;
    int m_intervalMs;
    OnHealth m_onHealth;
    bool m_stopped = true;
    int m_rounds = 0;
};

} // namespace opswall::drivers
