#pragma once
// Synchronised files and HLS video on demand across the processes of one wall (render nodes,
// issue #20; netclock.h has the shared clock and live sources).
//
//   the wall's timeline: running time rt = shared clock − base time − latency (the same on every
//   process of the wall), and a clip of duration D shows position rt mod D at rt
//
//   pipeline (PAUSED) ─ preroll ─▶ FileSync::begin: duration D, seekable? ─▶ flushing segment
//   seek to (now + lead) mod D ─▶ PLAYING; at the clip's end the demuxer posts SEGMENT_DONE
//   (not EOS) and FileSync::loop seeks back to 0 without a flush, while the sinks still show the
//   frames queued before it; every SEGMENT reaching the display tail gets the base that puts its
//   first position at its place on the timeline (FileTimeline::runningTimeOf), so a loop, a node
//   that starts late and a node that reconnects all land in step.
//
// The loop is a segment seek rather than a flushing seek at EOS: EOS comes once the last frame
// has been shown, so after a flush the next loop's first frames came late by the seek and the
// new preroll; without the flush they are decoded while the last ones wait for their time.
//
// The segments are placed at the display tail, after the decoder, so the decoder's running times
// are not the sinks': a sink that sends QoS events (qml6glsink, a GstVideoSink) must not, or the
// decoder reads the sinks' running times as its own and drops every frame as late (the OpenGL
// path's stall at the first loop: a loop dropped whole, EOS, the seek, EOS again). The tails
// turn QoS off for a file on the timeline (appsink has it off anyway).
//
// A clip's origin is where the controller stamped it (render nodes: the running time at which a
// stream a layout brought on screen shows its first frame, the same on every process, announced
// with the layout: app/nodes/README.md), so a clip a preset shows starts at its beginning; without
// a stamp it is the timeline's epoch, the controller's base time (a clip then shows wherever the
// timeline is). Either way a late node finds the place by itself.

#include "core/mediatime.h"
#include "netclock.h"

#include <QString>

#include <gst/gst.h>

#include <atomic>
#include <memory>

namespace opswall::video {

using core::nearestLoop;

// Pure: where a clip of durationNs is on the wall's timeline.
struct FileTimeline {
    qint64 durationNs = 0;
    // The running time at which the clip's position 0 shows (its first loop); 0: the epoch,
    // the clip's loops before and after it alike.
    qint64 originNs = 0;
    // The position shown at running time runningNs ((runningNs - origin) mod the duration; 0
    // before an origin > 0: the clip waits at its beginning).
    qint64 positionAt(qint64 runningNs) const;
    // The running time at which positionNs is shown: its occurrence nearest to nearRunningNs,
    // never before the origin's loop (nor negative).
    qint64 runningTimeOf(qint64 positionNs, qint64 nearRunningNs) const;
    // How far ahead a seek aims, for the pipeline to preroll there in time: kLeadNs, at most a
    // quarter of the clip (so that the nearest occurrence is the one aimed at).
    qint64 leadNs() const;
    static constexpr qint64 kLeadNs = 300 * 1000000LL;
    // Shorter clips are not put on the timeline (their loops would be a seek each few frames).
    static constexpr qint64 kMinDurationNs = 200 * 1000000LL;
};

// A synchronised file's media position in the skew reports (videosync.h): ticks of this rate,
// like a video RTP time, and the clip's length in them (the loop).
constexpr int kFileClockRate = 90000;
quint32 fileTicks(qint64 ns);

// One pipeline of a file or HLS source on the shared clock (PipelineInstance::useSharedClock).
class FileSync {
public:
    // startNs: when (shared clock) the clip's first frame is due, as the controller stamped the
    // stream (-1: none; the clip is placed from the timeline's epoch).
    explicit FileSync(std::shared_ptr<const SharedClock> clock, qint64 startNs = -1)
        : m_clock(std::move(clock))
        , m_startNs(startNs) {}
    // A display tail's sink pad (video, audio): its SEGMENT events are put on the timeline once
    // begin() found the duration.
    void attach(GstPad *tailSink);
    // GUI thread, once the pipeline (started PAUSED) has prerolled: a clip with a duration that
    // can be seeked goes on the timeline (seeked to its place; true); anything else, live HLS
    // included, plays on a timeline of its own from now (false, *why says why). Then PLAYING.
    bool begin(GstElement *pipeline, QString *why);
    // GUI thread, on the pipeline's SEGMENT_DONE: the next loop, from 0, without a flush.
    void loop(GstElement *pipeline);
    // The clip's duration once on the timeline; 0 otherwise (any thread).
    qint64 durationNs() const { return m_durationNs.load(std::memory_order_relaxed); }

private:
    static GstPadProbeReturn onEvent(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    qint64 nowRunningNs() const;
    FileTimeline timeline(qint64 durationNs) const; // with the origin of m_startNs
    std::shared_ptr<const SharedClock> m_clock;
    qint64 m_startNs = -1;
    std::atomic<qint64> m_durationNs{0};
};

} // namespace opswall::video
