#include "control/ratelimiter.h"

#include <algorithm>
#include <cmath>

namespace opswall::control {

TokenBucket::TokenBucket(double capacity, double refillPerSecond)
    : m_capacity(std::max(1.0, capacity))
    , m_refillPerMs(std::max(0.0, refillPerSecond) / 1000.0)
    , m_tokens(m_capacity) {}

void TokenBucket::refill(std::int64_t nowMs) {
    if (m_lastMs >= 0 && nowMs > m_lastMs)
        m_tokens = std::min(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_refillPerMs);
    if (m_lastMs < 0 || nowMs > m_lastMs)
        m_lastMs = nowMs; // a clock stepping back never refills
}

bool TokenBucket::tryTake(std::int64_t nowMs) {
    refill(nowMs);
    if (m_tokens < 1.0)
        return false;
    m_tokens -= 1.0;
    return true;
}

double TokenBucket::available(std::int64_t nowMs) {
    refill(nowMs);
    return m_tokens;
}

double TokenBucket::level(std::int64_t nowMs) const {
    if (m_lastMs < 0 || nowMs <= m_lastMs)
        return m_tokens;
    return std::min(m_capacity, m_tokens + double(nowMs - m_lastMs) * m_refillPerMs);
}

std::int64_t TokenBucket::waitMs(std::int64_t nowMs) {
    refill(nowMs);
    if (m_tokens >= 1.0)
        return 0;
    if (m_refillPerMs <= 0)
        return INT64_MAX;
    return std::int64_t(std::ceil((1.0 - m_tokens) / m_refillPerMs));
}

RateLimiter::RateLimiter(double burst, double perSecond, std::size_t maxKeys)
    : m_burst(burst)
    , m_perSecond(perSecond)
    , m_maxKeys(maxKeys) {}

bool RateLimiter::allow(const std::string &key, std::int64_t nowMs) {
    auto it = m_buckets.find(key);
    if (it == m_buckets.end()) {
        if (m_buckets.size() >= m_maxKeys) {
            // Forget full buckets first: they carry no state worth keeping.
            std::erase_if(m_buckets, [&](auto &kv) { return kv.second.level(nowMs) >= m_burst; });
            if (m_buckets.size() >= m_maxKeys)
                m_buckets.clear();
        }
        it = m_buckets.emplace(key, TokenBucket(m_burst, m_perSecond)).first;
    }
    return it->second.tryTake(nowMs);
}

std::int64_t RateLimiter::retryAfterMs(const std::string &key, std::int64_t nowMs) {
    auto it = m_buckets.find(key);
    return it == m_buckets.end() ? 0 : it->second.waitMs(nowMs);
}

} // namespace opswall::control
