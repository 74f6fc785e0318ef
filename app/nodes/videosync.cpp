#include "nodes/videosync.h"

#include "core/mediatime.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <iterator>

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
        const QJsonValue trim = o.value(QStringLiteral("trimNs"));
        if (!trim.isUndefined()) {
            const double ns = trim.toDouble(2e18);
            if (!trim.isDouble() || std::abs(ns) > 1e9 || ns != std::floor(ns)) {
                *why = QStringLiteral("frame %1: trimNs must be -1e9 to 1e9").arg(out.size());
                return std::nullopt;
            }
            f.trimNs = qint64(ns);
        }
        out.append(f);
    }
    return out;
}

namespace {
// {name: ns, ...}, each value a whole number within [low, high].
std::optional<QHash<QString, qint64>> timesOf(const QJsonObject &o, double low, double high,
                                              QString *why) {
    if (o.size() > kMaxFrames) {
        *why = QStringLiteral("more than %1 entries").arg(kMaxFrames);
        return std::nullopt;
    }
    QHash<QString, qint64> out;
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const double v = it.value().toDouble(high + 1);
        if (it.key().isEmpty() || it.key().size() > 512 || !it.value().isDouble() || v < low ||
            v > high || v != std::floor(v)) {
            *why = QStringLiteral("'%1' needs a whole number of ns from %2 to %3")
                       .arg(it.key().left(40))
                       .arg(low)
                       .arg(high);
            return std::nullopt;
        }
        out.insert(it.key(), qint64(v));
    }
    return out;
}

std::optional<QJsonObject> memberOf(const QByteArray &doc, const QString &name, QString *why) {
    if (doc.size() > kMaxFramesDocBytes) {
        *why = QStringLiteral("larger than %1 bytes").arg(kMaxFramesDocBytes);
        return std::nullopt;
    }
    QJsonParseError error{};
    const QJsonValue v = QJsonDocument::fromJson(doc, &error).object().value(name);
    if (error.error != QJsonParseError::NoError || !v.isObject()) {
        *why = QStringLiteral("not {\"%1\": {...}}").arg(name);
        return std::nullopt;
    }
    return v.toObject();
}
} // namespace

std::optional<QHash<QString, qint64>> parseStarts(const QByteArray &doc, QString *why) {
    const std::optional<QJsonObject> starts = memberOf(doc, QStringLiteral("starts"), why);
    return starts ? timesOf(*starts, 0, 4.6e18, why) : std::nullopt;
}

std::optional<QHash<QString, qint64>> parseTrims(const QByteArray &doc, const QString &nodeId,
                                                 QString *why) {
    const std::optional<QJsonObject> trims = memberOf(doc, QStringLiteral("trims"), why);
    if (!trims)
        return std::nullopt;
    if (trims->size() > kMaxFrames) {
        *why = QStringLiteral("more than %1 nodes").arg(kMaxFrames);
        return std::nullopt;
    }
    const QJsonValue mine = trims->value(nodeId);
    if (mine.isUndefined())
        return QHash<QString, qint64>();
    if (!mine.isObject()) {
        *why = QStringLiteral("the node's trims are not an object");
        return std::nullopt;
    }
    return timesOf(mine.toObject(), -1e9, 1e9, why);
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

namespace opswall::nodes {

namespace {
qint64 medianOf(QList<qint64> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}
// The spread of the middle of the window (an outlier each side left out).
qint64 middleSpreadOf(QList<qint64> v) {
    std::sort(v.begin(), v.end());
    const qsizetype cut = v.size() >= 5 ? 1 : 0;
    return v[v.size() - 1 - cut] - v[cut];
}
} // namespace

bool SkewTrimmer::update(const QList<NodeReport> &reports, qint64 nowMs,
                         const OffTimeline &offTimeline) {
    // stream -> the nodes showing it, with their frame and report sequence
    struct Shown {
        QString node;
        quint64 sequence;
        FrameShown frame;
    };
    QMap<QString, QList<Shown>> byStream;
    for (const NodeReport &r : reports)
        for (const FrameShown &f : r.frames) {
            byStream[f.stream].append({r.node, r.sequence, f});
            m_streams[f.stream].nodes[r.node].seenMs = nowMs;
        }
    bool changed = forget(nowMs);
    for (auto it = byStream.cbegin(); it != byStream.cend(); ++it) {
        const QList<Shown> &shown = it.value();
        // Each node against the shared timeline where it places the stream, else (two nodes or
        // more) the nodes against each other.
        QList<qint64> late;
        if (offTimeline)
            for (const Shown &s : shown)
                if (const std::optional<qint64> l = offTimeline(s.frame))
                    late.append(*l);
        if (!late.isEmpty() && late.size() != shown.size())
            continue; // placed for some nodes only: reports from before a new start or anchor
        const bool onTimeline = !late.isEmpty();
        if (!onTimeline && shown.size() < 2)
            continue;
        PerStream &stream = m_streams[it.key()];
        if (stream.onTimeline != onTimeline) { // the other way's samples do not compare
            stream.onTimeline = onTimeline;
            for (PerNode &n : stream.nodes)
                n.deviations.clear();
        }
        // A new report from every node, each with the trim published for it in effect (a node
        // that cannot apply one stops the correction of that stream).
        bool fresh = true;
        for (const Shown &s : shown) {
            const PerNode &n = stream.nodes[s.node];
            if (!s.frame.trimNs || *s.frame.trimNs != n.trimNs || s.sequence <= n.usedSequence)
                fresh = false;
        }
        if (!fresh)
            continue;
        for (const Shown &s : shown)
            stream.nodes[s.node].usedSequence = s.sequence;
        if (nowMs < stream.settleUntilMs)
            continue;
        bool comparable = true;
        QList<qint64> deviations = late;
        for (qsizetype a = 0; !onTimeline && a < shown.size(); ++a) {
            qint64 sum = 0;
            for (qsizetype b = 0; b < shown.size(); ++b) {
                if (a == b)
                    continue;
                const std::optional<qint64> skew = skewNs(shown[a].frame, shown[b].frame);
                if (!skew) {
                    comparable = false;
                    break;
                }
                sum += *skew;
            }
            deviations.append(sum / shown.size());
        }
        if (!comparable)
            continue;
        bool full = true;
        for (qsizetype i = 0; i < shown.size(); ++i) {
            QList<qint64> &window = stream.nodes[shown[i].node].deviations;
            window.append(deviations[i]);
            while (window.size() > kWindow)
                window.removeFirst();
            full = full && window.size() == kWindow;
        }
        if (!full)
            continue;
        bool stable = true;
        for (const Shown &s : shown)
            stable = stable && middleSpreadOf(stream.nodes[s.node].deviations) <= kStableNs;
        if (!stable)
            continue; // wait for a steadier window (the oldest sample goes with the next)
        bool moved = false;
        for (const Shown &s : shown) {
            PerNode &n = stream.nodes[s.node];
            const qint64 median = medianOf(n.deviations);
            const qint64 size = std::llabs(median);
            n.engaged = n.engaged ? size >= kReleaseNs : size >= kEngageNs;
            if (!n.engaged)
                continue;
            const qint64 step = std::clamp(median, -kStepNs, kStepNs);
            const qint64 trim = std::clamp(n.trimNs - step, -kMaxTrimNs, kMaxTrimNs);
            if (trim != n.trimNs) {
                n.trimNs = trim;
                moved = true;
            }
        }
        if (!moved)
            continue;
        changed = true;
        stream.settleUntilMs = nowMs + kSettleMs;
        for (PerNode &n : stream.nodes)
            n.deviations.clear();
    }
    return changed;
}

bool SkewTrimmer::forget(qint64 nowMs) {
    // A node that has not reported a stream for forgetMs(): its trim (and window) go.
    bool changed = false;
    for (auto s = m_streams.begin(); s != m_streams.end();) {
        for (auto n = s->nodes.begin(); n != s->nodes.end();) {
            if (nowMs - n->seenMs <= m_forgetMs) {
                ++n;
                continue;
            }
            changed = changed || n->trimNs != 0;
            n = s->nodes.erase(n);
        }
        s = s->nodes.isEmpty() ? m_streams.erase(s) : std::next(s);
    }
    return changed;
}

bool SkewTrimmer::hasTrims() const {
    for (const PerStream &s : m_streams)
        for (const PerNode &n : s.nodes)
            if (n.trimNs != 0)
                return true;
    return false;
}

QByteArray SkewTrimmer::saved(qint64 nowMs, qint64 utcNowMs) const {
    QJsonObject nodes;
    for (auto s = m_streams.cbegin(); s != m_streams.cend(); ++s)
        for (auto n = s->nodes.cbegin(); n != s->nodes.cend(); ++n)
            if (n->trimNs != 0) {
                QJsonObject streams = nodes.value(n.key()).toObject();
                streams.insert(s.key(), QJsonObject{{QStringLiteral("ns"), double(n->trimNs)},
                                                    {QStringLiteral("seenAt"),
                                                     double(utcNowMs - (nowMs - n->seenMs))}});
                nodes.insert(n.key(), streams);
            }
    return QJsonDocument(
               QJsonObject{{QStringLiteral("version"), 1}, {QStringLiteral("trims"), nodes}})
        .toJson(QJsonDocument::Compact);
}

std::optional<int> SkewTrimmer::restore(const QByteArray &saved, qint64 nowMs, qint64 utcNowMs,
                                        QString *why) {
    const std::optional<QJsonObject> trims = memberOf(saved, QStringLiteral("trims"), why);
    if (!trims)
        return std::nullopt;
    if (QJsonDocument::fromJson(saved).object().value(QStringLiteral("version")).toInt() != 1) {
        *why = QStringLiteral("not version 1");
        return std::nullopt;
    }
    if (trims->size() > kMaxFrames) {
        *why = QStringLiteral("more than %1 nodes").arg(kMaxFrames);
        return std::nullopt;
    }
    struct Taken {
        QString node, stream;
        qint64 trimNs, seenAtMs;
    };
    QList<Taken> taken;
    for (auto n = trims->constBegin(); n != trims->constEnd(); ++n) {
        const QJsonObject streams = n.value().toObject();
        if (n.key().isEmpty() || n.key().size() > 512 || !n.value().isObject() ||
            streams.size() > kMaxFrames) {
            *why = QStringLiteral("node '%1': needs a name of 1-512 characters and at most %2 "
                                  "streams")
                       .arg(n.key().left(40))
                       .arg(kMaxFrames);
            return std::nullopt;
        }
        for (auto s = streams.constBegin(); s != streams.constEnd(); ++s) {
            const QJsonObject t = s.value().toObject();
            const double ns = t.value(QStringLiteral("ns")).toDouble(1e18);
            const double seenAt = t.value(QStringLiteral("seenAt")).toDouble(-1);
            if (s.key().isEmpty() || s.key().size() > 512 || std::abs(ns) > double(kMaxTrimNs) ||
                ns != std::floor(ns) || seenAt < 0 || seenAt > 4.6e18 ||
                seenAt != std::floor(seenAt)) {
                *why = QStringLiteral("node '%1' stream '%2': needs a name of 1-512 characters, "
                                      "\"ns\" within ±%3 and \"seenAt\" (ms)")
                           .arg(n.key().left(40), s.key().left(40))
                           .arg(kMaxTrimNs);
                return std::nullopt;
            }
            taken.append({n.key(), s.key(), qint64(ns), qint64(seenAt)});
        }
    }
    int count = 0;
    for (const Taken &t : std::as_const(taken)) {
        const qint64 agoMs = std::max<qint64>(0, utcNowMs - t.seenAtMs);
        if (agoMs > m_forgetMs || t.trimNs == 0 || trimNs(t.node, t.stream) != 0)
            continue;
        PerNode &n = m_streams[t.stream].nodes[t.node];
        n = PerNode{};
        n.trimNs = t.trimNs;
        n.seenMs = nowMs - agoMs;
        ++count;
    }
    return count;
}

qint64 SkewTrimmer::trimNs(const QString &node, const QString &stream) const {
    const auto s = m_streams.constFind(stream);
    if (s == m_streams.cend())
        return 0;
    const auto n = s->nodes.constFind(node);
    return n == s->nodes.cend() ? 0 : n->trimNs;
}

QHash<QString, qint64> SkewTrimmer::trimsOf(const QString &node) const {
    QHash<QString, qint64> out;
    for (auto s = m_streams.cbegin(); s != m_streams.cend(); ++s) {
        const auto n = s->nodes.constFind(node);
        if (n != s->nodes.cend() && n->trimNs != 0)
            out.insert(s.key(), n->trimNs);
    }
    return out;
}

QByteArray SkewTrimmer::document() const {
    QJsonObject nodes;
    for (auto s = m_streams.cbegin(); s != m_streams.cend(); ++s)
        for (auto n = s->nodes.cbegin(); n != s->nodes.cend(); ++n)
            if (n->trimNs != 0) {
                QJsonObject streams = nodes.value(n.key()).toObject();
                streams.insert(s.key(), double(n->trimNs));
                nodes.insert(n.key(), streams);
            }
    return QJsonDocument(QJsonObject{{QStringLiteral("trims"), nodes}})
        .toJson(QJsonDocument::Compact);
}

} // namespace opswall::nodes
