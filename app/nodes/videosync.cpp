#include "nodes/videosync.h"

#include "core/mediatime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>
#include <cstdlib>

namespace opswall::nodes {

std::optional<QList<FrameShown>> parseFramesShown(const QByteArray &doc, QString *why) {
    if (doc.size() > kMaxFramesDocBytes) {
        *why = QStringLiteral("larger than %1 bytes").arg(kMaxFramesDocBytes);
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonDocument parsed = QJsonDocument::fromJson(doc, &error);
    const QJsonValue frames = parsed.object().value(QStringLiteral("frames"));
    if (error.error != QJsonParseError::NoError || !frames.isArray()) {
        *why = QStringLiteral("not {\"frames\": [...]}");
        return std::nullopt;
    }
    const QJsonArray list = frames.toArray();
    if (list.size() > kMaxFrames) {
        *why = QStringLiteral("more than %1 frames").arg(kMaxFrames);
        return std::nullopt;
    }
    QList<FrameShown> out;
    for (const QJsonValue &v : list) {
        const QJsonObject o = v.toObject();
        FrameShown f;
        f.stream = o.value(QStringLiteral("stream")).toString();
        const double rtp = o.value(QStringLiteral("rtpTime")).toDouble(-1);
        const double rate = o.value(QStringLiteral("clockRate")).toDouble(-1);
        const double shown = o.value(QStringLiteral("shownNs")).toDouble(-1);
        if (f.stream.isEmpty() || f.stream.size() > 512 || rtp < 0 || rtp > 4294967295.0 ||
            rtp != std::floor(rtp) || rate < 1 || rate > 1e7 || rate != std::floor(rate) ||
            shown < 0 || shown > 4.6e18) {
            *why = QStringLiteral("frame %1: needs stream, rtpTime (32 bits), clockRate, shownNs")
                       .arg(out.size());
            return std::nullopt;
        }
        f.rtpTime = quint32(rtp);
        f.clockRate = int(rate);
        f.shownNs = qint64(shown);
        const QJsonValue loop = o.value(QStringLiteral("loopTicks"));
        const double loopTicks = loop.toDouble(-1);
        if (!loop.isUndefined() &&
            (loopTicks < 1 || loopTicks > 4294967295.0 || loopTicks != std::floor(loopTicks))) {
            *why = QStringLiteral("frame %1: loopTicks must be 1 to 2^32-1").arg(out.size());
            return std::nullopt;
        }
        f.loopTicks = loop.isUndefined() ? 0 : quint32(loopTicks);
        out.append(f);
    }
    return out;
}

std::optional<qint64> skewNs(const FrameShown &a, const FrameShown &b) {
    if (a.stream != b.stream || a.clockRate != b.clockRate || a.clockRate <= 0 ||
        a.loopTicks != b.loopTicks)
        return std::nullopt;
    if (a.loopTicks > 0) { // positions in one clip: the loop that makes the skew smallest
        const qint64 ticks = qint64(a.rtpTime) - qint64(b.rtpTime);
        const qint64 loopNs = qint64(a.loopTicks) * 1000000000LL / a.clockRate;
        return core::nearestLoop((a.shownNs - b.shownNs) - ticks * 1000000000LL / a.clockRate,
                                 loopNs);
    }
    const qint64 ticks = qint32(a.rtpTime - b.rtpTime); // RTP times wrap at 2^32
    if (std::llabs(ticks) > qint64(kMaxRtpApartSecs) * a.clockRate)
        return std::nullopt;
    return (a.shownNs - b.shownNs) - ticks * 1000000000LL / a.clockRate;
}

} // namespace opswall::nodes
