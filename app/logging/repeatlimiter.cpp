#include "logging/repeatlimiter.h"

#include <algorithm>

namespace opswall::logging {

bool RepeatLimiter::admit(const QString &key, std::int64_t nowMs) {
    auto it = m_entries.find(key);
    if (it != m_entries.end() && nowMs - it->openedMs < m_config.windowMs) {
        ++it->repeats;
        return false;
    }
    if (it != m_entries.end()) {
        // The window ended without expire() having run: start a new one (expire() reports the
        // old one's repeats when it is called before admit(), as the handler does).
        it->openedMs = nowMs;
        it->repeats = 0;
        return true;
    }
    if (m_entries.size() < m_config.maxKeys)
        m_entries.insert(key, Entry{nowMs, 0});
    return true;
}

std::vector<RepeatLimiter::Summary> RepeatLimiter::expire(std::int64_t nowMs, bool all) {
    std::vector<Summary> out;
    for (auto it = m_entries.begin(); it != m_entries.end();) {
        const std::int64_t openMs = nowMs - it->openedMs;
        if (all || openMs >= m_config.windowMs) {
            if (it->repeats > 0)
                out.push_back(Summary{it.key(), it->repeats,
                                      std::clamp<std::int64_t>(openMs, 0, m_config.windowMs)});
            it = m_entries.erase(it);
        } else {
            ++it;
        }
    }
    return out;
}

} // namespace opswall::logging
