#include "liveanchors.h"

#include "core/mediatime.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdlib>

namespace opswall::nodes {

std::optional<QHash<QString, StreamAnchor>> parseAnchors(const QByteArray &doc, QString *why) {
    if (doc.size() > kMaxFramesDocBytes) {
        *why = QStringLiteral("larger than %1 bytes").arg(kMaxFramesDocBytes);
        return std::nullopt;
    }
    const QJsonDocument parsed = QJsonDocument::fromJson(doc);
    const QJsonValue anchors = parsed.object().value(QStringLiteral("anchors"));
    if (!parsed.isObject() || !anchors.isObject()) {
        *why = QStringLiteral("not {\"anchors\": {...}}");
        return std::nullopt;
    }
    const QJsonObject all = anchors.toObject();
    if (all.size() > kMaxFrames) {
        *why = QStringLiteral("more than %1 anchors").arg(kMaxFrames);
        return std::nullopt;
    }
    QHash<QString, StreamAnchor> out;
    for (auto it = all.constBegin(); it != all.constEnd(); ++it) {
        if (it.key().isEmpty() || it.key().size() > 512) {
            *why = QStringLiteral("a source name of %1 characters").arg(it.key().size());
            return std::nullopt;
        }
        const QJsonObject a = it.value().toObject();
        const double pts = a.value(QStringLiteral("pts")).toDouble(-1);
        const double shown = a.value(QStringLiteral("shownNs")).toDouble(-1);
        if (!it.value().isObject() || pts < 0 || pts > 4294967295.0 || pts != double(qint64(pts)) ||
            shown < 0 || shown > 4.6e18) {
            *why = QStringLiteral("the anchor of '%1' is not {\"pts\": 0-4294967295, "
                                  "\"shownNs\": 0-2^62}")
                       .arg(it.key());
            return std::nullopt;
        }
        out.insert(it.key(), StreamAnchor{quint32(qint64(pts)), qint64(shown)});
    }
    return out;
}

QByteArray anchorsDocument(const QHash<QString, StreamAnchor> &anchors) {
    QJsonObject all;
    for (auto it = anchors.cbegin(); it != anchors.cend(); ++it)
        all.insert(it.key(), QJsonObject{{QStringLiteral("pts"), double(it->pts)},
                                         {QStringLiteral("shownNs"), double(it->shownNs)}});
    return QJsonDocument(QJsonObject{{QStringLiteral("anchors"), all}})
        .toJson(QJsonDocument::Compact);
}

bool LiveAnchors::setOnScreen(const QSet<QString> &sources) {
    m_onScreen = sources;
    bool changed = false;
    for (auto it = m_anchors.begin(); it != m_anchors.end();) {
        if (sources.contains(it.key())) {
            ++it;
        } else {
            m_moves.remove(it.key());
            it = m_anchors.erase(it);
            changed = true;
        }
    }
    for (QHash<QPair<QString, QString>, int> *runs : {&m_lateRuns, &m_farRuns})
        for (auto it = runs->begin(); it != runs->end();)
            it = sources.contains(it.key().first) ? std::next(it) : runs->erase(it);
    return changed;
}

qint64 LiveAnchors::lateNs(const FrameShown &frame, const StreamAnchor &anchor) {
    // 90 kHz times wrap at 32 bits: the nearest difference.
    const qint64 ticks = qint32(frame.rtpTime - anchor.pts);
    const qint64 due = anchor.shownNs + ticks * 1000000000LL / 90000;
    return frame.shownNs - frame.trimNs.value_or(0) - due;
}

bool LiveAnchors::take(const QString &node, const QList<FrameShown> &frames, qint64 marginNs) {
    bool changed = false;
    for (const FrameShown &f : frames) {
        // Anchors are per source: the OpenGL path's "gl:<id>" reports anchor source <id>.
        const QString source = core::sourceOfStream(f.stream);
        if (f.clockRate != 90000 || f.loopTicks != 0 || !m_onScreen.contains(source) ||
            f.shownNs <= 0)
            continue;
        const auto anchor = m_anchors.find(source);
        if (anchor == m_anchors.end()) {
            // Where this node showed it, without its trim: the trims move around the anchor.
            m_anchors.insert(source,
                             StreamAnchor{f.rtpTime, f.shownNs - f.trimNs.value_or(0) + marginNs});
            changed = true;
            continue;
        }
        const qint64 late = lateNs(f, *anchor);
        // Late and far runs are counted apart: a run of late reports is not one of far ones.
        const bool jumped = std::llabs(late) > kReanchorNs;
        int &run = m_lateRuns[{f.stream, node}];
        int &far = m_farRuns[{f.stream, node}];
        run = late > kLateNs && !jumped ? run + 1 : 0;
        far = jumped ? far + 1 : 0;
        if (jumped ? far < kLateReports : run < kLateReports || m_moves.value(source) >= kMaxMoves)
            continue;
        if (jumped) { // another timeline: anchored anew from this report
            *anchor = StreamAnchor{f.rtpTime, f.shownNs - f.trimNs.value_or(0) + marginNs};
            m_moves.remove(source);
        } else {
            anchor->shownNs += late + kLateMarginNs;
            ++m_moves[source];
        }
        for (QHash<QPair<QString, QString>, int> *runs : {&m_lateRuns, &m_farRuns})
            for (auto it = runs->begin(); it != runs->end(); ++it)
                if (core::sourceOfStream(it.key().first) == source)
                    it.value() = 0;
        changed = true;
    }
    return changed;
}

} // namespace opswall::nodes
