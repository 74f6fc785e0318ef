#pragma once
// Pure: where the wall's shared timeline puts a node's frames, so that the controller's skew
// correction (videosync.h SkewTrimmer) holds each node to that timeline, and not only nodes to
// each other: a stream one node alone shows is corrected too, and a node that joins it later
// (or the controller's own outputs, which follow the same timeline untrimmed) is in step at once.
//
//   a file or HLS on demand (a report with loopTicks; app/video/filetimeline.h): position p of
//   its clip is due at start + p on the shared clock, at some loop (start: the one the controller
//   stamped for the source, NodeHub streamStarts(), the OpenGL path's "gl:<id>" stream taking
//   its source's; without one, a {"uri"} clip, the timeline's epoch, base time + latency)
//   live HLS with an anchor (liveanchors.h): the picture of PTS p is due at
//   anchor.shownNs + (p − anchor.pts) / 90 kHz
//   anything else (RTP: each node times it from its own arrivals): no place on a shared timeline
//
// What a node's report says it showed (its trim in effect) minus when it was due is how late
// that node shows the stream.

#include "nodes/liveanchors.h"
#include "nodes/videosync.h"

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace opswall::nodes {

struct SharedTimeline {
    // Where running time 0 is on the shared clock (base time + latency); -1: no clock.
    qint64 epochNs = -1;
    QHash<QString, qint64> startsNs;      // source id -> its clip's start (shared clock)
    QHash<QString, StreamAnchor> anchors; // live HLS source id -> its anchor

    // From the controller's clock document ({"port", "baseTimeNs", "latencyMs"}, nodewall.rep
    // clock; anything else: no epoch), its clips' starts and its live HLS anchors.
    static SharedTimeline of(const QByteArray &clockDoc, const QHash<QString, qint64> &startsNs,
                             const QHash<QString, StreamAnchor> &anchors);

    // How much later (ns; negative: earlier) the frame was shown than the timeline has it due,
    // the node's trim in effect; std::nullopt for a stream the timeline does not place, and for
    // one more than kMaxApartNs from it (not on this timeline: a report from before the clock,
    // the clip's start or the anchor changed).
    std::optional<qint64> lateNs(const FrameShown &frame) const;
    static constexpr qint64 kMaxApartNs = 1000 * 1000000LL;

    // {"<stream>": ms} (to 0.1 ms) of lateNs for the frames it places: health's timelineMs.
    QJsonObject lateMsOf(const QList<FrameShown> &frames) const;
};

} // namespace opswall::nodes
