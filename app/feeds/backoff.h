#pragma once
// When to fetch a feed next: a pure policy (no timers, no clock), unit tested on its own. The
// scheduler feeds it what happened and runs a single-shot timer for the delay it returns.
//   success / not modified -> next regular fetch after the interval
//   transient failure (network, timeout, 5xx, 429) -> retry sooner, exponential, capped
//   permanent failure (4xx, unparsable body, over the size limit) -> no fast retries: a broken
//     document will not mend itself in 5 s; try again at the regular interval (or the cap)

#include <algorithm>

namespace opswall::feeds {

enum class FetchEvent { Invalid = 0, Success, NotModified, TransientFailure, PermanentFailure };
enum class BackoffAction { Invalid = 0, FetchAtInterval, Retry };

struct BackoffConfig {
    int intervalMs = 3600 * 1000;
    int initialRetryMs = 5000;
    int maxRetryMs = 15 * 60 * 1000;
    double factor = 2.0;
    double jitter = 0.2; // +-20 % so a wall of feeds does not retry in lockstep
};

struct BackoffState {
    int consecutiveFailures = 0;
};

struct BackoffDecision {
    BackoffAction action = BackoffAction::Invalid;
    int delayMs = 0;
    BackoffState next;
};

class BackoffPolicy {
public:
    explicit BackoffPolicy(BackoffConfig config = {})
        : m_config(config) {}
    const BackoffConfig &config() const { return m_config; }

    // jitterUnit in [0, 1) comes from the caller (a random source in production, a constant in
    // tests); retryAfterMs is the server's Retry-After, 0 if none.
    BackoffDecision decide(FetchEvent event, BackoffState state, double jitterUnit,
                           int retryAfterMs = 0) const {
        BackoffDecision d;
        const double j = 1.0 + m_config.jitter * (2.0 * std::clamp(jitterUnit, 0.0, 1.0) - 1.0);
        switch (event) {
        case FetchEvent::Success:
        case FetchEvent::NotModified:
            d.action = BackoffAction::FetchAtInterval;
            d.delayMs = m_config.intervalMs;
            d.next.consecutiveFailures = 0;
            return d;
        case FetchEvent::TransientFailure: {
            d.next.consecutiveFailures = state.consecutiveFailures + 1;
            double delay = m_config.initialRetryMs;
            for (int i = 1; i < d.next.consecutiveFailures && delay < m_config.maxRetryMs; ++i)
                delay *= m_config.factor;
            delay = std::min<double>(delay, m_config.maxRetryMs) * j;
            delay = std::max<double>(delay, retryAfterMs);
            if (delay >= m_config.intervalMs) {
                d.action = BackoffAction::FetchAtInterval;
                d.delayMs = m_config.intervalMs;
            } else {
                d.action = BackoffAction::Retry;
                d.delayMs = int(delay);
            }
            return d;
        }
        case FetchEvent::PermanentFailure:
            d.next.consecutiveFailures = state.consecutiveFailures + 1;
            d.action = BackoffAction::FetchAtInterval;
            d.delayMs = std::max(std::min(m_config.intervalMs, m_config.maxRetryMs), retryAfterMs);
            return d;
        case FetchEvent::Invalid:
            break;
        }
        return d; // Invalid action: the caller has a bug
    }

private:
    BackoffConfig m_config;
};

} // namespace opswall::feeds
