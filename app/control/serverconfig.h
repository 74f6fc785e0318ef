#pragma once
// Settings of the control servers. main() fills host/port from `--api HOST:PORT` with
// ServerConfig::parseListen and the TLS files from its configuration; validate() says what is
// wrong in words (e.g. a non-loopback address without a certificate).

#include <QByteArray>
#include <QString>

#include <cstddef>
#include <cstdint>
#include <optional>

namespace opswall::control {

struct ServerConfig {
    QString host = QStringLiteral("127.0.0.1");
    std::uint16_t port = 8470; // 0: pick a free port (tests); ControlServer::httpPort() tells
    // TLS: required for any non-loopback host; optional (but honoured) on loopback.
    QString tlsCertFile; // PEM certificate chain
    QString tlsKeyFile;  // PEM private key

    // Line protocol for AV control systems; disabled when linePort is 0 and lineEnabled is false.
    bool lineEnabled = false;
    QString lineHost = QStringLiteral("127.0.0.1");
    std::uint16_t linePort = 8471;
    // AV controllers rarely speak TLS; a non-loopback plain-text line port must be asked for.
    bool lineAllowRemotePlaintext = false;
    std::size_t lineMaxBytes = 512;
    int lineIdleTimeoutMs = 10 * 60 * 1000;

    std::size_t maxHeaderBytes = 8 * 1024;
    std::size_t maxBodyBytes = 256 * 1024;
    std::size_t maxTargetBytes = 1024;
    int requestTimeoutMs = 10'000; // whole request must arrive within this (slow clients cut off)
    int actionTimeoutMs = 15'000;  // the dispatcher must answer within this (504 otherwise)
    int maxConnections = 256;
    double rateBurst = 60;     // requests a token may send at once
    double ratePerSecond = 30; // sustained requests per second per token
    // A WebSocket client is dropped when it has more than this many events, or bytes, not yet
    // taken by its socket. Bursts from the GUI thread arrive faster than the io thread writes, so
    // the count must stay well above any burst (a layout change can publish hundreds).
    std::size_t wsQueueMax = 4096;
    std::size_t wsQueueMaxBytes = 8 * 1024 * 1024;

    // Hardening (issue 11). One address may hold at most this many open connections (HTTP,
    // WebSocket and line together); one token at most this many WebSockets and line sessions, so
    // one client cannot take the global maxConnections from everyone else.
    int maxConnectionsPerAddress = 64;
    int maxSessionsPerToken = 32;
    // A WebSocket peer that sends nothing (not even a pong to our ping, sent at half of this) for
    // this long is dropped; its token is also checked again at that pace.
    int wsIdleTimeoutMs = 60'000;
    // Rate limits for unauthenticated requests and bad tokens are keyed by the address's network
    // prefix (rotating 10.0.0.x does not help), in a table of at most rateMaxKeys entries that
    // forgets the least recently seen first.
    int rateIpv4PrefixBits = 24;
    int rateIpv6PrefixBits = 64;
    std::size_t rateMaxKeys = 4096;
    // Line protocol: replies not yet taken by the peer. Above this the session stops reading;
    // when the peer takes nothing for lineStallTimeoutMs the session is closed.
    std::size_t lineMaxOutputBytes = 64 * 1024;
    int lineStallTimeoutMs = 10'000;
    // Refused requests (401/403) are audited once per address prefix and status in this window;
    // the rest of the window as one row with their count.
    int auditRefusalWindowMs = 60'000;

    // Settings from the app's API configuration file (a JSON object; opswall --api-config):
    //   {"listen": "0.0.0.0:8443", "tlsCert": "/etc/opswall/api.crt", "tlsKey": "...",
    //    "line": {"enabled": true, "listen": "127.0.0.1:8471", "allowRemotePlaintext": false},
    //    "maxBodyBytes": 262144, "maxHeaderBytes": 8192, "requestTimeoutMs": 10000,
    //    "actionTimeoutMs": 15000, "maxConnections": 256, "rateBurst": 60, "ratePerSecond": 30,
    //    "maxConnectionsPerAddress": 64, "maxSessionsPerToken": 32, "wsIdleTimeoutMs": 60000,
    //    "rateIpv4PrefixBits": 24, "rateIpv6PrefixBits": 64, "rateMaxKeys": 4096,
    //    "auditRefusalWindowMs": 60000}
    //    (line also takes "maxOutputBytes": 65536 and "stallTimeoutMs": 10000)
    // Unknown keys and wrong types are refused with the key named; false + error, nothing applied.
    bool applyJson(const QByteArray &json, QString *error);

    // "127.0.0.1:8470", "[::1]:8470", "0.0.0.0:8443", ":8470" (loopback). std::nullopt + error.
    static std::optional<ServerConfig> parseListen(const QString &hostPort, QString *error);
    bool isLoopback() const;
    bool tlsEnabled() const { return !tlsCertFile.isEmpty() || !tlsKeyFile.isEmpty(); }
    QString validate() const; // empty when usable
};

} // namespace opswall::control
