#pragma once
// Power schedules ("on 07:00 mon-fri; off 19:00 mon-fri"): pure, on local wall-clock values the
// caller supplies, so they are tested without clocks and time zones stay the app's business.
#include "display.h"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace opswall::drivers {

struct LocalTime {
    int weekday = 0;     // 0 Monday ... 6 Sunday
    int minuteOfDay = 0; // 0 ... 1439
};

struct PowerRule {
    Power power = Power::Invalid;
    int minuteOfDay = 0;
    unsigned days = 0; // bit 0 Monday ... bit 6 Sunday
};

struct ScheduledChange {
    Power power = Power::Invalid;
    int minutesFromNow = 0;
};

struct PastChange {
    Power power = Power::Invalid;
    int minutesAgo = 0; // 0: a rule of this very minute
};

class PowerSchedule {
public:
    // "on 07:00 mon-fri; off 19:00 mon-fri; on 08:00 sat" - days: mon..sun, ranges, "daily".
    static std::optional<PowerSchedule> parse(std::string_view text, std::string *why = nullptr);

    // What the wall should be at `t`: the most recent rule in the past week (none: no rules).
    std::optional<Power> stateAt(LocalTime t) const;
    // That most recent rule (at `t`'s minute or before, within a week): the schedule's last
    // transition, which ends an operator's manual change (none: no rules).
    std::optional<PastChange> lastAtOrBefore(LocalTime t) const;
    // The next rule strictly after `t` (within a week).
    std::optional<ScheduledChange> nextAfter(LocalTime t) const;
    const std::vector<PowerRule> &rules() const { return m_rules; }

private:
    std::vector<PowerRule> m_rules;
};

} // namespace opswall::drivers
