#pragma once
// Repeats of one log message, summarised: the first is written, the repeats within the window are
// counted, and when the window ends a summary says how many there were ("display r2c3
// unreachable" once, then "... (repeated 41 times in 60 s)"). Pure: time is passed in; the
// handler calls expire() before admit() and from a timer, so a summary comes even when the
// message stops. Bounded: at most maxKeys messages are tracked; beyond that, new messages are
// written every time (nothing is lost, only not summarised).

#include <QHash>
#include <QString>

#include <cstdint>
#include <vector>

namespace opswall::logging {

class RepeatLimiter {
public:
    struct Config {
        std::int64_t windowMs = 60 * 1000;
        int maxKeys = 512;
    };
    struct Summary {
        QString key;
        int repeats = 0;           // suppressed in the window
        std::int64_t windowMs = 0; // how long the window was open (shorter when cut by `all`)
    };

    RepeatLimiter() = default;
    explicit RepeatLimiter(Config config)
        : m_config(config) {}

    // True when the message with this key is to be written now.
    bool admit(const QString &key, std::int64_t nowMs);
    // The windows that ended by nowMs with repeats in them, as summaries to write; their keys
    // are forgotten (the next occurrence is written and opens a new window). all: end every
    // window now (at exit), so no count is lost.
    std::vector<Summary> expire(std::int64_t nowMs, bool all = false);
    int tracked() const { return int(m_entries.size()); }
    bool tracks(const QString &key) const { return m_entries.contains(key); }

private:
    struct Entry {
        std::int64_t openedMs = 0;
        int repeats = 0;
    };
    Config m_config;
    QHash<QString, Entry> m_entries;
};

} // namespace opswall::logging
