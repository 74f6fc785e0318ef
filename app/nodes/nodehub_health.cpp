// NodeHub's account of its nodes: health (GET /api/v1/health "nodes", /metrics), the video skew
// between them, their silence, the outputs they draw.
#include "nodes/nodehub.h"

#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace opswall::nodes {

QJsonValue NodeHub::skewMsOf(const Node &node) const {
    // Reports older than this are of streams the node may not show any more.
    constexpr qint64 kFreshMs = 5000;
    const auto fresh = [this](const Node &n) {
        return n.connected && n.framesAtMs >= 0 && nowMs() - n.framesAtMs <= kFreshMs;
    };
    if (!fresh(node))
        return QJsonValue::Null;
    std::optional<qint64> worst;
    for (const Node &other : m_nodes) {
        if (other.id == node.id || !fresh(other))
            continue;
        for (const FrameShown &mine : node.frames)
            for (const FrameShown &theirs : other.frames)
                if (const auto skew = skewNs(mine, theirs))
                    worst = std::max(worst.value_or(0), std::abs(*skew));
    }
    if (!worst)
        return QJsonValue::Null;                  // no other node shows one of its streams
    return std::round(double(*worst) / 1e5) / 10; // ms, to 0.1
}

QJsonValue NodeHub::silentMsOf(const Node &n) const {
    if (!n.connected)
        return QJsonValue::Null;
    // The counted silence (this process's own stalls left out) plus the time since the last
    // tick, unless the node was heard since.
    const qint64 sinceTick = nowMs() - m_beatAtMs;
    return double(std::min(nowMs() - n.heardAtMs, n.silence.silentMs() + sinceTick));
}

QList<int> NodeHub::nodeOutputs() const {
    QList<int> out;
    for (const Node &n : m_nodes)
        if (n.connected)
            out += n.outputs;
    return out;
}

QJsonArray NodeHub::health() const {
    QJsonArray out;
    for (const Node &n : m_nodes) {
        QJsonArray outputs;
        for (int o : n.outputs)
            outputs.append(o);
        QJsonValue lag = QJsonValue::Null;
        if (n.connected && n.shownRevision == m_publishedRevision && n.lagMs)
            lag = double(*n.lagMs);
        else if (n.connected && m_publishedAtMs.contains(m_publishedRevision))
            // Not showing the live layout yet: how long it has been waiting.
            lag = double(nowMs() -
                         std::max(m_publishedAtMs.value(m_publishedRevision), n.connectedAtMs));
        QJsonArray streams; // what its synchronised video shows, by the report's stream keys
        if (n.connected)
            for (const FrameShown &f : n.frames)
                streams.append(f.stream);
        QJsonValue switchLate = QJsonValue::Null;
        if (n.connected && n.switchLateNs && n.switchRevision == n.shownRevision)
            switchLate = std::round(double(*n.switchLateNs) / 1e5) / 10;
        out.append(QJsonObject{{QStringLiteral("id"), n.id},
                               {QStringLiteral("connected"), n.connected},
                               {QStringLiteral("outputs"), outputs},
                               {QStringLiteral("fps"), n.fps},
                               {QStringLiteral("skewMs"), skewMsOf(n)},
                               {QStringLiteral("lagMs"), lag},
                               {QStringLiteral("revision"), qint64(n.shownRevision)},
                               {QStringLiteral("address"), n.peer},
                               {QStringLiteral("switchLateMs"), switchLate},
                               {QStringLiteral("streams"), streams},
                               {QStringLiteral("silentMs"), silentMsOf(n)}});
    }
    return out;
}

} // namespace opswall::nodes
