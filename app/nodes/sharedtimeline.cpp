#include "nodes/sharedtimeline.h"

#include "core/mediatime.h"

#include <QJsonDocument>

#include <cmath>
#include <cstdlib>

namespace opswall::nodes {

SharedTimeline SharedTimeline::of(const QByteArray &clockDoc,
                                  const QHash<QString, qint64> &startsNs,
                                  const QHash<QString, StreamAnchor> &anchors) {
    SharedTimeline t;
    t.startsNs = startsNs;
    t.anchors = anchors;
    const QJsonObject clock = QJsonDocument::fromJson(clockDoc).object();
    const double base = clock.value(QStringLiteral("baseTimeNs")).toDouble(-1);
    const double latencyMs = clock.value(QStringLiteral("latencyMs")).toDouble(-1);
    if (base >= 0 && base <= 4.6e18 && latencyMs >= 0 && latencyMs <= 10000)
        t.epochNs = qint64(base) + qint64(latencyMs) * 1000000;
    return t;
}

std::optional<qint64> SharedTimeline::lateNs(const FrameShown &frame) const {
    if (frame.clockRate <= 0)
        return std::nullopt;
    std::optional<qint64> late;
    if (frame.loopTicks > 0) {
        // A clip: its position is due at its start plus the position, at the nearest loop.
        const qint64 startNs = startsNs.value(core::sourceOfStream(frame.stream), epochNs);
        if (startNs < 0)
            return std::nullopt;
        const qint64 positionNs = qint64(frame.rtpTime) * 1000000000LL / frame.clockRate;
        const qint64 loopNs = qint64(frame.loopTicks) * 1000000000LL / frame.clockRate;
        late = core::nearestLoop(frame.shownNs - startNs - positionNs, loopNs);
    } else if (const auto anchor = anchors.constFind(core::sourceOfStream(frame.stream));
               anchor != anchors.cend() && frame.clockRate == 90000) {
        // Live HLS: LiveAnchors::lateNs takes the trim out (the anchor moves only for what the
        // trims cannot cover); here it counts, as it moves what the node shows.
        late = LiveAnchors::lateNs(frame, *anchor) + frame.trimNs.value_or(0);
    }
    if (!late || std::llabs(*late) > kMaxApartNs)
        return std::nullopt;
    return late;
}

QJsonObject SharedTimeline::lateMsOf(const QList<FrameShown> &frames) const {
    QJsonObject out;
    for (const FrameShown &f : frames)
        if (const std::optional<qint64> late = lateNs(f))
            out.insert(f.stream, std::round(double(*late) / 1e5) / 10);
    return out;
}

} // namespace opswall::nodes
