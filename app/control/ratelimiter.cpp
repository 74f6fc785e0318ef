#include "control/ratelimiter.h"

#include <boost/asio/ip/address.hpp>

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
        while (!m_lru.empty() && m_buckets.size() >= std::max<std::size_t>(1, m_maxKeys)) {
            m_buckets.erase(m_lru.back());
            m_lru.pop_back();
        }
        m_lru.push_front(key);
        it = m_buckets.emplace(key, Entry{TokenBucket(m_burst, m_perSecond), m_lru.begin()}).first;
    } else if (it->second.lru != m_lru.begin()) {
        m_lru.splice(m_lru.begin(), m_lru, it->second.lru);
    }
    return it->second.bucket.tryTake(nowMs);
}

std::int64_t RateLimiter::retryAfterMs(const std::string &key, std::int64_t nowMs) {
    auto it = m_buckets.find(key);
    return it == m_buckets.end() ? 0 : it->second.bucket.waitMs(nowMs);
}

std::string addressPrefixKey(const std::string &address, int v4Bits, int v6Bits) {
    boost::system::error_code ec;
    auto addr = boost::asio::ip::make_address(address, ec);
    if (ec)
        return "ip:" + address.substr(0, 64);
    if (addr.is_v6() && addr.to_v6().is_v4_mapped())
        addr = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, addr.to_v6());
    if (addr.is_v4()) {
        const int bits = std::clamp(v4Bits, 0, 32);
        const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t(0) << (32 - bits);
        const boost::asio::ip::address_v4 net(addr.to_v4().to_uint() & mask);
        return "ip:" + net.to_string() + "/" + std::to_string(bits);
    }
    const int bits = std::clamp(v6Bits, 0, 128);
    auto bytes = addr.to_v6().to_bytes();
    for (int i = 0; i < 16; ++i) {
        const int keep = std::clamp(bits - i * 8, 0, 8);
        bytes[std::size_t(i)] &= std::uint8_t(keep == 0 ? 0 : 0xff << (8 - keep));
    }
    return "ip:" + boost::asio::ip::address_v6(bytes).to_string() + "/" + std::to_string(bits);
}

} // namespace opswall::control
