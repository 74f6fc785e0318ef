#pragma once
// Pure: what the controller makes of its nodes' synchronised-video reports (nodewall.rep
// reportVideo). Each node says, per stream, the RTP time of a frame and when (on the shared
// clock, app/video/netclock.h) its GUI thread took it for the tiles; two nodes showing the same
// stream are compared by
//
//   skew(a, b) = (a.shownNs − b.shownNs) − (a.rtpTime − b.rtpTime) / clockRate
//
// how much later a shows the same instant of the stream than b. The RTP times are the same on
// both nodes for one RTP stream sent to all its clients (a shared gst-rtsp-server media; most
// cameras), so the formula needs no frame to be seen by both at the same moment.
//
// A file (or HLS video on demand) on the wall's timeline (app/video/filetimeline.h) reports its
// position in the clip as its "rtpTime" (ticks of clockRate) and the clip's length as
// "loopTicks": positions repeat each loop, so the skew is taken at the loop that makes it
// smallest (a skew of half a clip or more cannot be told from one loop more).

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>

#include <functional>
#include <optional>

namespace opswall::nodes {

struct FrameShown {
    QString stream;
    quint32 rtpTime = 0;
    int clockRate = 0;
    qint64 shownNs = 0;
    quint32 loopTicks = 0; // a file's length in clockRate ticks; 0: not a loop (RTP)
    // The skew trim the node applies to this stream (ns; SkewTrimmer), std::nullopt where it
    // cannot apply one (the OpenGL display path) or a node that does not say.
    std::optional<qint64> trimNs;
};

// {"frames": [...]} as a node sends it: at most kMaxFrames entries, each checked; std::nullopt
// with *why for anything else.
std::optional<QList<FrameShown>> parseFramesShown(const QByteArray &doc, QString *why);
constexpr int kMaxFrames = 256;
constexpr qsizetype kMaxFramesDocBytes = 64 * 1024;

// std::nullopt when a and b cannot be the same RTP stream: another stream or clock rate, or RTP
// times more than kMaxRtpApartSecs apart (separate RTP sessions with their own random offsets);
// for files, another loop length (another clip under the same key).
std::optional<qint64> skewNs(const FrameShown &a, const FrameShown &b);
constexpr int kMaxRtpApartSecs = 60;

// The controller's documents for a node (nodewall.rep starts, trims), read on the node: bounded
// (kMaxFrames entries, kMaxFramesDocBytes), names 1-512 characters, times within the limits
// (starts 0 to 2^62 ns, trims within ±1 s); std::nullopt with *why for anything else.
// {"starts": {"<source>": ns}} -> source -> ns.
std::optional<QHash<QString, qint64>> parseStarts(const QByteArray &doc, QString *why);
// {"trims": {"<node>": {"<stream>": ns}}} -> this node's stream -> ns (empty when none for it).
std::optional<QHash<QString, qint64>> parseTrims(const QByteArray &doc, const QString &nodeId,
                                                 QString *why);

// The controller's skew correction: a trim per node and stream (how much later the node shows
// that stream than the shared clock says; negative: earlier), published to the nodes
// (nodewall.rep `trims`), which offset their sinks by it. Each node's deviation is
//   - for a stream the shared timeline places (update()'s offTimeline: files and HLS on demand
//     at their start, anchored live HLS; sharedtimeline.h), how late the node shows it against
//     that timeline: each node is held to it on its own, one node alone too, so a node that
//     joins later (and the controller's own outputs, on the same timeline) is in step at once;
//   - for any other stream (RTP: each node's own arrivals are its timeline) shown by two nodes
//     or more, its mean skew against all of them (itself counted as 0), so the trims of one
//     stream sum to about 0 and the nodes meet in the middle; one node alone is not corrected.
// A trim moves only
//   - from a stable median: kWindow samples, one per new report of every node of the stream,
//     all taken with the trims now published in effect (the nodes' reports echo the trim they
//     apply) and at least kSettleMs after the last change; the middle three of five within
//     kStableNs of each other;
//   - with hysteresis: a node's trim starts moving once its median deviation reaches kEngageNs
//     and keeps moving (a step per stable median) until it is under kReleaseNs;
//   - by steps of at most one frame at 30 fps (kStepNs), the median's own size when smaller;
//   - within ±kMaxTrimNs (the pipelines' latency covers it).
// A trim is kept per node and stream while that node shows that stream, and forgetMs() (10 min by
// default) after the node last reported it (a stream that leaves the screen and comes back within
// that keeps its trim: the cause, a sender reaching one node later, stays); then it is forgotten
// (update() returns true) and the stream starts from 0 again on that node. The trims outlive the
// process in the store (saved(), restore(): app/nodes/README.md "Skew correction"): a controller
// started again, or a standby that took over, starts from them and goes on learning from them as
// from its own (a restored trim is a starting point, not a fixed value); one not reported for
// forgetMs(), counted on the wall clock across the restart too, is not restored.
class SkewTrimmer {
public:
    struct NodeReport {
        QString node;
        quint64 sequence = 0; // grows with each new report of that node
        QList<FrameShown> frames;
    };
    // How late (ns) a frame is against the shared timeline, std::nullopt where the timeline does
    // not place it (SharedTimeline::lateNs).
    using OffTimeline = std::function<std::optional<qint64>(const FrameShown &)>;
    // One look at the connected nodes' fresh reports, at nowMs (any monotonic ms); true when a
    // trim changed (publish document()). A stream some of whose nodes' frames the timeline
    // places and others not (a report from before a new start or anchor) waits for the next.
    bool update(const QList<NodeReport> &reports, qint64 nowMs,
                const OffTimeline &offTimeline = {});
    qint64 trimNs(const QString &node, const QString &stream) const;
    // stream -> trim (ns) of a node, non-zero ones only.
    QHash<QString, qint64> trimsOf(const QString &node) const;
    // {"trims": {"<node>": {"<stream>": ns}}}: the non-zero trims.
    QByteArray document() const;
    // Whether there is a non-zero trim.
    bool hasTrims() const;

    // What the store keeps: {"version": 1, "trims": {"<node>": {"<stream>": {"ns": trim,
    // "seenAt": ms}}}}, the non-zero trims with when (ms since the epoch, UTC) the node last
    // reported the stream, at nowMs (update()'s clock) and utcNowMs (the wall clock).
    QByteArray saved(qint64 nowMs, qint64 utcNowMs) const;
    // Takes the trims of saved() (bounded as parseTrims: kMaxFrames nodes and streams a node,
    // kMaxFramesDocBytes, names 1-512 characters; trims within ±kMaxTrimNs), except those seen
    // more than forgetMs() before utcNowMs and those of a node and stream that has a trim here
    // already. Each starts a new window (not engaged), its forgetMs() counted from its seenAt (a
    // seenAt in the future from now). Returns how many were taken; std::nullopt with *why (and
    // nothing taken) for a document that is not one.
    std::optional<int> restore(const QByteArray &saved, qint64 nowMs, qint64 utcNowMs,
                               QString *why);

    static constexpr int kWindow = 5;
    static constexpr qint64 kStableNs = 12 * 1000000LL;
    static constexpr qint64 kEngageNs = 10 * 1000000LL;
    static constexpr qint64 kReleaseNs = 3 * 1000000LL;
    static constexpr qint64 kStepNs = 1000000000LL / 30;
    static constexpr qint64 kMaxTrimNs = 100 * 1000000LL;
    static constexpr qint64 kSettleMs = 1500;
    static constexpr qint64 kForgetMs = 10 * 60 * 1000; // the default of setForgetMs
    // How long a node's trim for a stream is kept after the node last reported the stream.
    void setForgetMs(qint64 ms) { m_forgetMs = ms; }
    qint64 forgetMs() const { return m_forgetMs; }

private:
    // Forgets the trims of nodes that have not reported their stream for forgetMs(); true when
    // a non-zero one went.
    bool forget(qint64 nowMs);
    struct PerNode {
        qint64 trimNs = 0;
        bool engaged = false;
        quint64 usedSequence = 0;
        qint64 seenMs = 0;        // when the node last reported the stream (update()'s clock)
        QList<qint64> deviations; // the window, oldest first
    };
    struct PerStream {
        QMap<QString, PerNode> nodes;
        qint64 settleUntilMs = 0;
        bool onTimeline = false; // its windows are of deviations from the shared timeline
    };
    QMap<QString, PerStream> m_streams;
    qint64 m_forgetMs = kForgetMs;
};

} // namespace opswall::nodes
