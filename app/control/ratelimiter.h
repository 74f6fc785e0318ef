#pragma once
// Per-token request rate limit: a token bucket per key. Pure: the caller passes the time, so
// tests need no clock. Not thread-safe; the API server uses it from its one io thread only.
// The table holds at most maxKeys buckets and forgets the least recently used one to make room
// (an attacker cycling through keys evicts only keys nobody used for longer; nobody is reset).
// Addresses are keyed by their network prefix (addressPrefixKey), so rotating the low bits of
// an address, as 127.0.0.x or an IPv6 /64 allows, lands in one bucket.

#include <cstdint>
#include <list>
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
    bool contains(const std::string &key) const { return m_buckets.count(key) != 0; }

private:
    struct Entry {
        TokenBucket bucket;
        std::list<std::string>::iterator lru;
    };
    double m_burst;
    double m_perSecond;
    std::size_t m_maxKeys;
    std::list<std::string> m_lru; // most recently used first
    std::unordered_map<std::string, Entry> m_buckets;
};

// "ip:10.1.2.0/24" for 10.1.2.77 with v4Bits 24; "ip:2001:db8:0:1::/64" for an IPv6 address;
// an IPv4-mapped IPv6 address counts as IPv4. Anything unparsable is kept as "ip:<text>".
std::string addressPrefixKey(const std::string &address, int v4Bits = 24, int v6Bits = 64);

} // namespace opswall::control
