#pragma once
// Per-token request rate limit: a token bucket per key. Pure: the caller passes the time, so
// tests need no clock. Not thread-safe; the API server uses it from its one io thread only.

#include <cstdint>
#include <string>
#include <unordered_map>

namespace opswall::control {

class TokenBucket {
public:
    TokenBucket(double capacity, double refillPerSecond);
    // Takes one token if there is one at nowMs.
    bool tryTake(std::int64_t nowMs);
    // Milliseconds until one token is available (0 when one is), for Retry-After.
    std::int64_t waitMs(std::int64_t nowMs);
    double available(std::int64_t nowMs);
    double level(std::int64_t nowMs) const; // available() without updating

private:
    void refill(std::int64_t nowMs);
    double m_capacity;
    double m_refillPerMs;
    double m_tokens;
    std::int64_t m_lastMs = -1;
};

class RateLimiter {
public:
    RateLimiter(double burst, double perSecond, std::size_t maxKeys = 4096);
    bool allow(const std::string &key, std::int64_t nowMs);
    std::int64_t retryAfterMs(const std::string &key, std::int64_t nowMs);
    std::size_t keyCount() const { return m_buckets.size(); }

private:
    double m_burst;
    double m_perSecond;
    std::size_t m_maxKeys;
    std::unordered_map<std::string, TokenBucket> m_buckets;
};

} // namespace opswall::control
