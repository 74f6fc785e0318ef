#pragma once
// Counters of the control servers, and their Prometheus text exposition (format 0.0.4). The
// counters are atomics: the io thread bumps them, any thread may read them.

#include <QByteArray>
#include <QJsonObject>

#include <array>
#include <atomic>
#include <cstdint>

namespace opswall::control {

struct ServerMetrics {
    // Latency histogram bucket upper bounds, in milliseconds.
    static constexpr std::array<double, 9> kBucketsMs{1, 2, 5, 10, 25, 50, 100, 250, 1000};

    std::atomic<std::uint64_t> requests2xx{0}, requests4xx{0}, requests5xx{0};
    std::atomic<std::uint64_t> authFailures{0}, rateLimited{0}, slowClientsCut{0};
    std::array<std::atomic<std::uint64_t>, kBucketsMs.size() + 1> latencyBuckets{};
    std::atomic<std::uint64_t> latencySumUs{0};
    std::atomic<std::int64_t> httpConnections{0}, wsClients{0}, lineClients{0};
    std::atomic<std::uint64_t> eventsPublished{0}, wsClientsDropped{0}, lineCommands{0};
    // Connections refused at accept (global, per-address caps) and line sessions closed for not
    // taking their replies.
    std::atomic<std::uint64_t> connectionsRefused{0}, lineClientsStalled{0};

    void recordRequest(int status, double latencyMs);
};

// health: the JSON of GET /health; its numeric fields (uptimeSeconds, cpuPercent, memoryRssBytes,
// fps, streams' states counted by state) become gauges.
QByteArray formatPrometheus(const ServerMetrics &m, const QJsonObject &health);
// The hot standby's gauges from health's "controller" object (role, epoch, standby link or
// replica; app/nodes/README.md "Hot standby"), appended to out.
void formatControllerGauges(QByteArray &out, const QJsonObject &controller);

// This process: resident memory and CPU use since the previous call (Linux /proc/self).
struct ProcessStats {
    std::int64_t rssBytes = 0;
    double cpuPercent = 0;
};
class ProcessSampler {
public:
    ProcessStats sample();

private:
    std::int64_t m_lastCpuTicks = -1;
    std::int64_t m_lastWallMs = 0;
};

} // namespace opswall::control
