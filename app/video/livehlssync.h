#pragma once
// Live HLS in step across the processes of one wall (render nodes, issue #20; filetimeline.h
// has files and HLS on demand, netclock.h the shared clock).
//
// hlsdemux re-timestamps a live stream from wherever each player joins (its first segment's
// place in the playlist it loaded first), so two players' timestamps of the same picture differ
// by seconds, and GStreamer 1.22's hlssink2 writes no EXT-X-PROGRAM-DATE-TIME. What every player
// shares is the MPEG-TS PTS of each picture (one 90 kHz timeline for the whole live stream,
// continuous across its segments). So:
//
//   tsdemux sink ── MpegTsPtsReader: each video PES's PTS ─┐ paired in order (one buffer per PES)
//   tsdemux video src ── its PTS out ───────────────────────┴─▶ delta = PTS out − MPEG-TS PTS
//   appsink frame (PTS x): MPEG-TS PTS = x − delta ─▶ Frame::rtpTime (90 kHz; the skew reports)
//   anchor {pts P, shownNs T} (the controller's: the picture of PTS P shows at T on the shared
//   clock) ─▶ the sinks' ts-offset that shows x at T + (PTS(x) − P) / 90 kHz
//
// The anchor comes from the controller (nodewall.rep `anchors`, app/nodes/liveanchors.h): the
// first node's report of the stream plus a margin, so a node that joins the playlist later
// (further behind the live edge at worst by a segment) still has the picture before its time.

#include "netclock.h"

#include <QList>
#include <QtGlobal>

#include <gst/gst.h>

#include <deque>
#include <memory>
#include <mutex>
#include <optional>

namespace opswall::video {

// Where a live stream's pictures go on the shared clock: the picture whose MPEG-TS PTS (90 kHz,
// low 32 bits, as reported in rtpTime) is pts shows at shownNs (shared clock).
struct LiveAnchor {
    quint32 pts = 0;
    qint64 shownNs = 0;
    bool operator==(const LiveAnchor &) const = default;
};

// How much later than the first report of a live stream its anchor puts it: a node that joins
// later starts a few segments behind the live edge too, but at another point of a segment, so
// it may see each picture up to about a segment later than the first (measured with 1 s
// segments: up to 1.3 s, tests/video/tst_video_livehls). Streams with longer segments need more
// (not covered: see app/nodes/README.md).
constexpr qint64 kLiveAnchorMarginNs = 2000 * 1000000LL;

// Pure: the PTS of each video PES that starts in a stream of MPEG-TS bytes, fed in chunks of any
// size (a packet split over two chunks is joined; bytes out of step are skipped to the next sync
// byte). The video PID is the first whose PES has a video stream id (0xE0-0xEF).
class MpegTsPtsReader {
public:
    // Appends the 33-bit PTS of each video PES header found to *pts.
    void feed(const quint8 *data, qsizetype size, QList<qint64> *pts);
    // A new segment of the stream, a flush: the partial packet is dropped (the PID is kept).
    void reset() { m_partialSize = 0; }
    int videoPid() const { return m_videoPid; }

private:
    void packet(const quint8 *p, QList<qint64> *pts);
    quint8 m_partial[188] = {};
    int m_partialSize = 0;
    int m_videoPid = -1;
};

// The nearest difference a − b of two 32-bit 90 kHz times (they wrap every 13.3 hours), in ns.
qint64 ticksApartNs(quint32 a, quint32 b);

// One pipeline of a live HLS source on the shared clock (PipelineInstance::useSharedClock).
class LiveHlsSync {
public:
    explicit LiveHlsSync(std::shared_ptr<const SharedClock> clock)
        : m_clock(std::move(clock)) {}
    // The tsdemux that hlsdemux's segments go through (deep-element-added): its input is read for
    // the PES's PTS, its video output for the PTS it gives them.
    void attachDemuxer(GstElement *tsdemux);
    // Streaming thread: the MPEG-TS PTS (low 32 bits) of a frame of PTS ptsNs, once the demuxer's
    // mapping is known.
    std::optional<quint32> mpegPtsOf(qint64 ptsNs) const;
    void setAnchor(std::optional<LiveAnchor> anchor);
    std::optional<LiveAnchor> anchor() const;
    // Streaming thread, a frame at the display sink: the sink's ts-offset (apart from a skew
    // trim) that shows it, and so every frame of the stream, where the anchor wants it; nullopt
    // while the anchor or the mapping is not known.
    std::optional<qint64> offsetFor(GstElement *sink, qint64 ptsNs,
                                    const GstSegment *segment) const;
    // An offset further than this is not applied (0 instead, said once): the stream's PTS are
    // not the anchor's any more (an encoder restarted), or the anchor is not this stream's.
    static constexpr qint64 kMaxOffsetNs = 30 * 1000000000LL;

private:
    static GstPadProbeReturn onInput(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onOutput(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static void onPadAdded(GstElement *demux, GstPad *pad, gpointer self);
    std::shared_ptr<const SharedClock> m_clock;
    mutable std::mutex m_mutex;
    MpegTsPtsReader m_reader;
    std::deque<qint64> m_waiting;    // PES PTS (33-bit ticks) not yet out of the demuxer
    std::optional<qint64> m_deltaNs; // PTS out − MPEG-TS PTS (ns), the latest pair's
    std::optional<LiveAnchor> m_anchor;
    int m_videoPads = 0;
};

} // namespace opswall::video
