#include "control/metrics.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QMap>

#include <algorithm>

#include <unistd.h>

namespace opswall::control {

void ServerMetrics::recordRequest(int status, double latencyMs) {
    (status < 400 ? requests2xx : status < 500 ? requests4xx : requests5xx)++;
    std::size_t i = 0;
    while (i < kBucketsMs.size() && latencyMs > kBucketsMs[i])
        ++i;
    latencyBuckets[i]++;
    latencySumUs += std::uint64_t(latencyMs * 1000.0);
}

namespace {
void line(QByteArray &out, const char *name, const char *type, const char *help, double value,
          const QByteArray &labels = {}) {
    if (type) {
        out += QByteArray("# HELP ") + name + ' ' + help + '\n';
        out += QByteArray("# TYPE ") + name + ' ' + type + '\n';
    }
    out += name;
    if (!labels.isEmpty())
        out += '{' + labels + '}';
    out += ' ' + QByteArray::number(value, 'g', 15) + '\n';
}
} // namespace

QByteArray formatPrometheus(const ServerMetrics &m, const QJsonObject &health) {
    QByteArray out;
    const char *reqHelp = "HTTP requests answered by the control API, by status class.";
    line(out, "opswall_api_requests_total", "counter", reqHelp, double(m.requests2xx.load()),
         "class=\"2xx\"");
    line(out, "opswall_api_requests_total", nullptr, reqHelp, double(m.requests4xx.load()),
         "class=\"4xx\"");
    line(out, "opswall_api_requests_total", nullptr, reqHelp, double(m.requests5xx.load()),
         "class=\"5xx\"");
    out += "# HELP opswall_api_request_duration_seconds Time from full request to response.\n"
           "# TYPE opswall_api_request_duration_seconds histogram\n";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i <= ServerMetrics::kBucketsMs.size(); ++i) {
        cumulative += m.latencyBuckets[i].load();
        const QByteArray le = i < ServerMetrics::kBucketsMs.size()
                                  ? QByteArray::number(ServerMetrics::kBucketsMs[i] / 1000.0)
                                  : QByteArray("+Inf");
        line(out, "opswall_api_request_duration_seconds_bucket", nullptr, nullptr,
             double(cumulative), "le=\"" + le + '"');
    }
    line(out, "opswall_api_request_duration_seconds_sum", nullptr, nullptr,
         double(m.latencySumUs.load()) / 1e6);
    line(out, "opswall_api_request_duration_seconds_count", nullptr, nullptr, double(cumulative));
    line(out, "opswall_api_auth_failures_total", "counter", "Requests with a missing or bad token.",
         double(m.authFailures.load()));
    line(out, "opswall_api_rate_limited_total", "counter", "Requests refused by the rate limit.",
         double(m.rateLimited.load()));
    line(out, "opswall_api_slow_clients_cut_total", "counter",
         "Connections closed because the request did not arrive in time.",
         double(m.slowClientsCut.load()));
    line(out, "opswall_api_http_connections", "gauge", "Open HTTP connections.",
         double(m.httpConnections.load()));
    line(out, "opswall_api_ws_clients", "gauge", "Connected WebSocket event clients.",
         double(m.wsClients.load()));
    line(out, "opswall_api_events_published_total", "counter", "Events published to clients.",
         double(m.eventsPublished.load()));
    line(out, "opswall_api_ws_clients_dropped_total", "counter",
         "WebSocket clients dropped for falling behind.", double(m.wsClientsDropped.load()));
    line(out, "opswall_line_clients", "gauge", "Connected line-protocol clients.",
         double(m.lineClients.load()));
    line(out, "opswall_line_commands_total", "counter", "Line-protocol commands handled.",
         double(m.lineCommands.load()));
    line(out, "opswall_api_connections_refused_total", "counter",
         "Connections refused at once: over the global or a per-address limit.",
         double(m.connectionsRefused.load()));
    line(out, "opswall_line_clients_stalled_total", "counter",
         "Line sessions closed because the peer did not take its replies.",
         double(m.lineClientsStalled.load()));
    struct Gauge {
        const char *key, *name, *help;
    };
    for (const Gauge &g : {Gauge{"uptimeSeconds", "opswall_uptime_seconds", "Seconds since start."},
                           Gauge{"cpuPercent", "opswall_process_cpu_percent",
                                 "CPU use of the process since the previous sample."},
                           Gauge{"memoryRssBytes", "opswall_process_resident_memory_bytes",
                                 "Resident memory of the process."},
                           Gauge{"fps", "opswall_render_fps", "Wall frames per second."}})
        if (health.value(QLatin1String(g.key)).isDouble())
            line(out, g.name, "gauge", g.help, health.value(QLatin1String(g.key)).toDouble());
    // streams: [{"id":..,"state":"Playing"}, ...] -> count per state
    const QJsonArray streams = health.value(QLatin1String("streams")).toArray();
    if (!streams.isEmpty()) {
        QMap<QString, int> byState;
        for (const QJsonValue &s : streams)
            byState[s.toObject().value(QLatin1String("state")).toString()]++;
        bool first = true;
        for (auto it = byState.cbegin(); it != byState.cend(); ++it) {
            QByteArray state = it.key().toUtf8();
            state.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
            line(out, "opswall_streams", first ? "gauge" : nullptr, "Video streams by state.",
                 it.value(), "state=\"" + state + '"');
            first = false;
        }
    }
    // Render nodes of a controller (app/nodes): one series per node.
    const QJsonArray nodes = health.value(QLatin1String("nodes")).toArray();
    struct NodeGauge {
        const char *key, *name, *help;
    };
    for (const NodeGauge &g :
         {NodeGauge{"connected", "opswall_node_connected", "Render node linked (1) or not (0)."},
          NodeGauge{"fps", "opswall_node_fps", "A render node's frames per second."},
          NodeGauge{"lagMs", "opswall_node_lag_ms",
                    "From publishing the live layout to the node's frame of it."},
          NodeGauge{"skewMs", "opswall_node_skew_ms",
                    "Video skew against other nodes showing the same stream (else absent)."},
          NodeGauge{"silentMs", "opswall_node_silent_ms",
                    "Since a linked render node's last heartbeat or report (else absent)."}}) {
        bool first = true;
        for (const QJsonValue &v : nodes) {
            const QJsonObject n = v.toObject();
            const QJsonValue value = n.value(QLatin1String(g.key));
            if (!value.isDouble() && !value.isBool())
                continue;
            QByteArray id = n.value(QLatin1String("id")).toString().toUtf8();
            id.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
            line(out, g.name, first ? "gauge" : nullptr, g.help,
                 value.isBool() ? (value.toBool() ? 1.0 : 0.0) : value.toDouble(),
                 "node=\"" + id + '"');
            first = false;
        }
    }
    // Per node and stream: the skew trims each node applies (trimMs: {stream: ms}) and how late
    // it shows each stream against the wall's timeline (timelineMs: {stream: ms}).
    struct StreamGauge {
        const char *key, *name, *help;
    };
    for (const StreamGauge &g :
         {StreamGauge{"trimMs", "opswall_node_trim_ms",
                      "Video skew trim a render node applies to a stream (later if positive)."},
          StreamGauge{"timelineMs", "opswall_node_timeline_ms",
                      "How late a render node shows a stream against the wall's timeline "
                      "(early if negative; streams the timeline places)."}}) {
        bool first = true;
        for (const QJsonValue &v : nodes) {
            const QJsonObject n = v.toObject();
            const QJsonObject perStream = n.value(QLatin1String(g.key)).toObject();
            for (auto t = perStream.constBegin(); t != perStream.constEnd(); ++t) {
                if (!t.value().isDouble())
                    continue;
                QByteArray id = n.value(QLatin1String("id")).toString().toUtf8();
                QByteArray stream = t.key().toUtf8();
                for (QByteArray *label : {&id, &stream})
                    label->replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n");
                line(out, g.name, first ? "gauge" : nullptr, g.help, t.value().toDouble(),
                     "node=\"" + id + "\",stream=\"" + stream + '"');
                first = false;
            }
        }
    }
    formatControllerGauges(out, health.value(QLatin1String("controller")).toObject());
    return out;
}

void formatControllerGauges(QByteArray &out, const QJsonObject &c) {
    // The hot standby (app/nodes/README.md): this controller's role and epoch, its standby link.
    if (c.isEmpty())
        return;
    const QString role = c.value(QLatin1String("role")).toString();
    line(out, "opswall_controller_active", "gauge",
         "This controller takes changes (1: primary or took over) or not (0: standby, fenced).",
         role == QLatin1String("primary") || role == QLatin1String("active") ? 1.0 : 0.0);
    line(out, "opswall_controller_epoch", "gauge", "This controller's epoch (term).",
         c.value(QLatin1String("epoch")).toDouble());
    const QJsonObject link = c.value(QLatin1String("standbyLink")).toObject();
    if (!link.isEmpty()) {
        line(out, "opswall_standby_connected", "gauge", "A standby is linked (1) or not (0).",
             link.value(QLatin1String("connected")).toBool() ? 1.0 : 0.0);
        line(out, "opswall_standby_in_sync", "gauge",
             "Changes are answered only once the standby has them (1) or not (0).",
             link.value(QLatin1String("inSync")).toBool() ? 1.0 : 0.0);
        if (link.value(QLatin1String("lagMs")).isDouble())
            line(out, "opswall_standby_lag_ms", "gauge",
                 "The last change's time from shipping to the standby's confirmation.",
                 link.value(QLatin1String("lagMs")).toDouble());
    }
    const QJsonObject replica = c.value(QLatin1String("replica")).toObject();
    if (!replica.isEmpty()) {
        line(out, "opswall_standby_primary_reachable", "gauge",
             "The standby is linked to its primary (1) or not (0).",
             replica.value(QLatin1String("primaryReachable")).toBool() ? 1.0 : 0.0);
        line(out, "opswall_standby_changes_behind", "gauge",
             "Changes the primary shipped that this standby has not applied yet.",
             std::max(0.0, replica.value(QLatin1String("primarySeq")).toDouble() -
                               replica.value(QLatin1String("appliedSeq")).toDouble()));
        if (replica.value(QLatin1String("lastHeardMs")).isDouble())
            line(out, "opswall_standby_last_heard_ms", "gauge",
                 "Time since the standby last heard its primary.",
                 replica.value(QLatin1String("lastHeardMs")).toDouble());
    }
}

ProcessStats ProcessSampler::sample() {
    ProcessStats s;
    QFile statm(QStringLiteral("/proc/self/statm"));
    if (statm.open(QIODevice::ReadOnly)) {
        const QList<QByteArray> f = statm.readAll().split(' ');
        if (f.size() > 1)
            s.rssBytes = f[1].toLongLong() * ::sysconf(_SC_PAGESIZE);
    }
    QFile stat(QStringLiteral("/proc/self/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        const QByteArray all = stat.readAll();
        // Fields after the ")" that closes the command name; utime and stime are 14 and 15.
        const QList<QByteArray> f = all.mid(all.lastIndexOf(')') + 2).split(' ');
        if (f.size() > 13) {
            const std::int64_t ticks = f[11].toLongLong() + f[12].toLongLong();
            const std::int64_t nowMs = QDateTime::currentMSecsSinceEpoch();
            if (m_lastCpuTicks >= 0 && nowMs > m_lastWallMs) {
                const double cpuMs =
                    double(ticks - m_lastCpuTicks) * 1000.0 / double(::sysconf(_SC_CLK_TCK));
                s.cpuPercent = 100.0 * cpuMs / double(nowMs - m_lastWallMs);
            }
            m_lastCpuTicks = ticks;
            m_lastWallMs = nowMs;
        }
    }
    return s;
}

} // namespace opswall::control
