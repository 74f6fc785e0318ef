#pragma once
// Pure: the controller's anchors for live HLS streams (nodewall.rep `anchors`; the node side is
// app/video/livehlssync.h). A live playlist has no duration for the wall's timeline, and each
// node joins it at another segment, but its pictures carry the same MPEG-TS PTS on every node,
// which nodes report as the stream's rtpTime (90 kHz, no loop). The controller takes the first
// report of such a stream from any node, "the picture of PTS p was shown at t", and publishes
//
//   {"anchors": {"<source id>": {"pts": p, "shownNs": t + margin}}}
//
// every node (the controller's own outputs too) then shows the picture of PTS p at t + margin
// and every other picture at its distance from p: all in step. The margin lets a node that joins
// later, and so further behind in a segment, still have each picture before its time. An anchor
// is kept while its source stays on screen (a node that comes later joins it; the first node
// jumps once, by the margin, when the anchor arrives) and forgotten when the source leaves it.
// A node that cannot reach it (segments longer than the margin covers: its pictures arrive after
// their time, and it shows them late) reports them late: after kLateReports such reports in a
// row, more than kLateNs late, the anchor moves that much later plus kLateMarginNs (every node
// jumps once), at most kMaxMoves times per anchor. A node's pictures more than kReanchorNs from
// the anchor, kLateReports times in a row, mean the stream's PTS jumped (its encoder restarted):
// the anchor is made again from that report.

#include "videosync.h"

#include <QByteArray>
#include <QHash>
#include <QSet>
#include <QString>

#include <optional>

namespace opswall::nodes {

struct StreamAnchor {
    quint32 pts = 0;    // MPEG-TS PTS, 90 kHz, low 32 bits
    qint64 shownNs = 0; // shared clock
    bool operator==(const StreamAnchor &) const = default;
};

// {"anchors": {...}} -> source -> anchor, read on the node: at most kMaxFrames entries of
// kMaxFramesDocBytes, names 1-512 characters, pts 0 to 2^32 - 1, shownNs 0 to 2^62;
// std::nullopt with *why for anything else.
std::optional<QHash<QString, StreamAnchor>> parseAnchors(const QByteArray &doc, QString *why);
QByteArray anchorsDocument(const QHash<QString, StreamAnchor> &anchors);

class LiveAnchors {
public:
    // The live sources on screen now (the layout's video tiles of kind hls); the anchors of
    // the others are forgotten. True when that changed the anchors.
    bool setOnScreen(const QSet<QString> &sources);
    // A node's report: an anchor for each source on screen that has none yet, from a frame of a
    // live stream (clockRate 90000, no loop), at marginNs after it; an anchor the node shows
    // late moved later. True when an anchor was added or moved.
    bool take(const QString &node, const QList<FrameShown> &frames, qint64 marginNs);
    const QHash<QString, StreamAnchor> &anchors() const { return m_anchors; }
    // How late (ns) a node shows a frame against its stream's anchor (negative: early).
    static qint64 lateNs(const FrameShown &frame, const StreamAnchor &anchor);

    static constexpr qint64 kLateNs = 250 * 1000000LL;
    static constexpr int kLateReports = 3;
    static constexpr qint64 kLateMarginNs = 500 * 1000000LL;
    static constexpr int kMaxMoves = 3;
    static constexpr qint64 kReanchorNs = 20 * 1000000000LL;

private:
    QSet<QString> m_onScreen;
    QHash<QString, StreamAnchor> m_anchors;
    QHash<QString, int> m_moves;                    // source -> times its anchor moved
    QHash<QPair<QString, QString>, int> m_lateRuns; // (source, node) -> late reports in a row
    QHash<QPair<QString, QString>, int> m_farRuns;  // the same, kReanchorNs or more from it
};

} // namespace opswall::nodes
