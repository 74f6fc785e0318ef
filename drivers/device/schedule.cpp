#include "schedule.h"

#include <array>
#include <cctype>
#include <sstream>

namespace opswall::drivers {

namespace {
constexpr std::array<std::string_view, 7> kDays = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr int kWeekMinutes = 7 * 24 * 60;

int dayIndex(std::string_view d) {
    for (std::size_t i = 0; i < kDays.size(); ++i)
        if (kDays[i] == d)
            return int(i);
    return -1;
}

std::optional<unsigned> parseDays(std::string_view s) {
    if (s == "daily")
        return 0x7Fu;
    unsigned mask = 0;
    while (!s.empty()) {
        const auto comma = s.find(',');
        const auto part = s.substr(0, comma);
        const auto dash = part.find('-');
        const int a = dayIndex(part.substr(0, dash));
        const int b = dash == part.npos ? a : dayIndex(part.substr(dash + 1));
        if (a < 0 || b < 0)
            return std::nullopt;
        for (int d = a;; d = (d + 1) % 7) { // ranges may wrap: fri-mon
            mask |= 1u << d;
            if (d == b)
                break;
        }
        s = comma == s.npos ? std::string_view{} : s.substr(comma + 1);
    }
    return mask ? std::optional(mask) : std::nullopt;
}

int weekMinute(int day, int minute) {
    return day * 24 * 60 + minute;
}
} // namespace

std::optional<PowerSchedule> PowerSchedule::parse(std::string_view text, std::string *why) {
    auto fail = [why](std::string w) -> std::optional<PowerSchedule> {
        if (why)
            *why = std::move(w);
        return std::nullopt;
    };
    PowerSchedule schedule;
    std::string lowered(text);
    for (auto &c : lowered)
        c = char(std::tolower(static_cast<unsigned char>(c)));
    std::stringstream all(lowered);
    std::string item;
    while (std::getline(all, item, ';')) {
        std::stringstream words(item);
        std::string power, time, days, extra;
        if (!(words >> power))
            continue; // empty item, e.g. a trailing ';'
        if (!(words >> time >> days) || (words >> extra))
            return fail("expected 'on|off HH:MM DAYS', got '" + item + "'");
        PowerRule rule;
        rule.power = power == "on" ? Power::On : power == "off" ? Power::Off : Power::Invalid;
        if (rule.power == Power::Invalid)
            return fail("'" + power + "' is neither on nor off");
        int h = -1, m = -1;
        if (time.size() != 5 || time[2] != ':' ||
            std::sscanf(time.c_str(), "%2d:%2d", &h, &m) != 2 || h < 0 || h > 23 || m < 0 || m > 59)
            return fail("time must be HH:MM (00:00-23:59), got '" + time + "'");
        rule.minuteOfDay = h * 60 + m;
        const auto mask = parseDays(days);
        if (!mask)
            return fail("days must be daily or mon..sun lists/ranges, got '" + days + "'");
        rule.days = *mask;
        schedule.m_rules.push_back(rule);
    }
    if (schedule.m_rules.empty())
        return fail("no rules");
    return schedule;
}

std::optional<Power> PowerSchedule::stateAt(LocalTime t) const {
    const std::optional<PastChange> last = lastAtOrBefore(t);
    return last ? std::optional<Power>(last->power) : std::nullopt;
}

std::optional<PastChange> PowerSchedule::lastAtOrBefore(LocalTime t) const {
    const int now = weekMinute(t.weekday, t.minuteOfDay);
    std::optional<PastChange> best;
    for (const auto &r : m_rules)
        for (int d = 0; d < 7; ++d) {
            if (!(r.days & (1u << d)))
                continue;
            const int ago =
                ((now - weekMinute(d, r.minuteOfDay)) % kWeekMinutes + kWeekMinutes) % kWeekMinutes;
            if (!best || ago < best->minutesAgo)
                best = PastChange{r.power, ago};
        }
    return best;
}

std::optional<ScheduledChange> PowerSchedule::nextAfter(LocalTime t) const {
    const int now = weekMinute(t.weekday, t.minuteOfDay);
    std::optional<ScheduledChange> best;
    for (const auto &r : m_rules)
        for (int d = 0; d < 7; ++d) {
            if (!(r.days & (1u << d)))
                continue;
            int ahead =
                ((weekMinute(d, r.minuteOfDay) - now) % kWeekMinutes + kWeekMinutes) % kWeekMinutes;
            if (ahead == 0)
                ahead = kWeekMinutes;
            if (!best || ahead < best->minutesFromNow)
                best = ScheduledChange{r.power, ahead};
        }
    return best;
}

} // namespace opswall::drivers
