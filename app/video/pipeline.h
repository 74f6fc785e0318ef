#pragma once
// One GStreamer pipeline instance for one attempt of one stream (a reconnect builds a new one),
// the one-slot frame mailbox its appsink fills, and the reaper thread that takes pipelines to
// NULL off the GUI thread with a bounded wait at shutdown.
//
//   streaming threads                         GUI thread
//   appsink "new-sample" ─▶ StreamLink::putFrame ─(one slot, newest wins)─▶ VideoStream::takeFrame
//   bus sync handler    ─▶ StreamLink::postBus  ─(queued call, generation-tagged)─▶ VideoStream
//
// Frames are QImages that wrap the mapped GstVideoFrame (no copy); the mapping and the buffer
// are released when the last QImage copy goes (after the scene graph made its texture).

#include "filetimeline.h"
#include "frameconvert.h"
#include "gstptr.h"
#include "livehlssync.h"
#include "netclock.h"
#include "pipelinebuilder.h"

#include <gst/app/gstappsink.h>

#include <QImage>
#include <QList>
#include <QPointer>
#include <QSize>
#include <QString>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace opswall::video {

struct Frame {
    // The picture for the tiles: `yuv` where the tail asks for I420 (libyuv), converted to `image`
    // (RGB32) on the streaming thread only while a tile needs RGB (PipelineInstance::setRgbWanted;
    // VideoStream::picture() converts otherwise); `image` alone from videoconvert (BGRx) and the
    // OpenGL path's snapshots.
    QImage image;
    std::shared_ptr<const YuvPicture> yuv;
    QSize size() const { return yuv ? yuv->size() : image.size(); }
    quint64 sequence = 0;
    qint64 arrivalUs = 0; // g_get_monotonic_time() when the appsink got it
    qint64 ptsNs = -1;
    // Stage times (g_get_monotonic_time, µs), only where the pipeline was built with
    // OPSWALL_VIDEO_STAGES=1 (the latency benchmark); -1 where unknown (no depayloader: not RTP).
    qint64 arrivedUs = -1;   // the frame's first RTP packet at the jitter buffer (RTP sources)
    qint64 receivedUs = -1;  // the frame's first packet at the depayloader (jitter buffer passed)
    qint64 depayedUs = -1;   // the depayloader put out the whole access unit
    qint64 decodedUs = -1;   // the decoder put out the picture
    qint64 convertedUs = -1; // scaled and converted to RGB32, ready for the tiles
    // Synchronised pipelines (netclock.h, filetimeline.h): the frame's media time in ticks of
    // rtpClockRate (0: unknown), its RTP timestamp or (a file on the wall's timeline) its position
    // in the clip, whose length in those ticks is loopTicks (0: not a loop); and when the GUI
    // thread took it, on the shared clock (-1: not synchronised).
    quint32 rtpTime = 0;
    int rtpClockRate = 0;
    quint32 loopTicks = 0;
    qint64 shownNs = -1;
};

struct BusEvent {
    // AsyncDone: the pipeline prerolled; SegmentDone: the clip's end (both forwarded only for a
    // file on the wall's timeline).
    enum class Kind {
        Invalid = 0,
        Error,
        Warning,
        Eos,
        MissingPlugin,
        Latency,
        AsyncDone,
        SegmentDone
    };
    Kind kind = Kind::Invalid;
    GQuark domain = 0;
    int code = 0;
    QString message;
    QString debug;
    QString detail; // MissingPlugin: the media type without a decoder
};

// Counters written by streaming threads, read by the GUI thread's stats tick.
struct PipelineCounters {
    std::atomic<quint64> frames{0};      // displayable frames put in the mailbox
    std::atomic<quint64> overwritten{0}; // frames replaced before the GUI took them
    std::atomic<quint64> corrupt{0};     // hidden: CORRUPTED flag or before the first keyframe
    std::atomic<quint64> encodedBytes{0};
    std::atomic<qint64> lastFrameUs{0};
    std::mutex textMutex;
    QString codec;    // guarded by textMutex
    QString decoder;  // guarded by textMutex
    QSize sourceSize; // guarded by textMutex: decoded size before scaling
};

// The bridge from streaming threads to the object that owns the stream on the GUI thread. The
// owner detaches before it hands the pipeline to the reaper, so a late callback goes nowhere.
class StreamLink {
public:
    using FrameWake = std::function<void()>;
    using BusSink = std::function<void(const BusEvent &)>;

    StreamLink(QObject *context, FrameWake wake, BusSink bus);
    void detach();
    // `overwrites` counts a frame replaced before the GUI took it (a frame never shown); null
    // where the frame is shown elsewhere and only the notification is coalesced (OpenGL path).
    void putFrame(Frame frame, PipelineCounters *overwrites);
    std::optional<Frame> takeFrame();
    // OpenGL path: a small copy of a recent frame (about one a second), kept by the stream for
    // the dimmed picture while it reconnects. No wake-up of its own: the next frame's takes it.
    void putSnapshot(Frame snapshot);
    std::optional<Frame> takeSnapshot();
    void postBus(BusEvent event);

private:
    std::mutex m_mutex;
    QObject *m_context = nullptr; // guarded by m_mutex; null once detached
    FrameWake m_wake;
    BusSink m_bus;
    std::optional<Frame> m_slot;
    std::optional<Frame> m_snapshot;
};

struct StageTrace; // pipeline.cpp: per-frame stage times, by PTS

class PipelineInstance {
public:
    // Parses the plan's front, adds the display tail and wires the callbacks. Not started.
    // With glItems (GstGLQt6VideoItems whose scene graphs are initialised) the tail is the
    // OpenGL display path instead of the appsink: one decoder, one branch per item.
    //   dec ─▶ videoconvert ─▶ capsfilter(RGBA) ─▶ tee ─┬▶ queue ─▶ glupload ─▶ qml6glsink(item 1)
    //                                                   ├▶ queue ─▶ glupload ─▶ qml6glsink(item N)
    //                                                   └▶ queue(leaky, 1; ≤ 1/s: a probe) ─▶
    //                                                      videoscale(≤ 640 px) ─▶ appsink
    // The items draw the frames themselves; frames still reach the link (without an image) so the
    // supervisor, the watchdog and the statistics work the same (counted once, before the tee).
    // The last branch puts a small snapshot in the link about once a second: the item draws it,
    // dimmed, while the stream reconnects (the sinks clear their items when the pipeline stops).
    // No scaling in GStreamer for the items.
    static std::unique_ptr<PipelineInstance> create(const PipelinePlan &plan,
                                                    std::shared_ptr<StreamLink> link,
                                                    const QList<QObject *> &glItems,
                                                    QString *error);
    ~PipelineInstance(); // → NULL (blocking: run it on the reaper thread)
    PipelineInstance(const PipelineInstance &) = delete;
    PipelineInstance &operator=(const PipelineInstance &) = delete;

    // Before start(): the shared clock, base time and latency of a wall of several processes
    // (netclock.h); the sinks (appsink or qml6glsink) then synchronise. Live sources are shown
    // at their running time (RTP sources: on their RtpTimeline); files and HLS go on the wall's
    // timeline (filetimeline.h): start() only prerolls them, prerolled() places and plays them,
    // from startNs (shared clock) when the controller stamped the stream with a start (-1: none).
    void useSharedClock(std::shared_ptr<const SharedClock> clock, qint64 startNs = -1);
    // The thread that adds OpenGL branches (the GUI thread), at any time: the frames (and the
    // sound) are shown offsetNs later than the shared clock says (negative: earlier), the
    // ts-offset of the appsink, or of the OpenGL path's qml6glsinks (those added later too) and
    // snapshot sink, and of the audio sink: a render node's skew trim (app/nodes/README.md).
    bool setDisplayOffset(qint64 offsetNs);
    // Any thread: a live HLS source (not on the wall's timeline) shows its pictures where the
    // controller's anchor puts them (livehlssync.h; added to the display offset above), through
    // the appsink or the OpenGL display path's sinks; nullopt: on its own timeline. Ignored by
    // other sources.
    void setLiveAnchor(std::optional<LiveAnchor> anchor);
    bool start(QString *error);
    // GUI thread, on BusEvent AsyncDone: a file started for the timeline is seeked to its place
    // and played (once). std::nullopt when it is on the timeline or was already; else why not
    // (live HLS: no duration), and it plays on a timeline of its own from now.
    std::optional<QString> prerolled();
    // The first ERROR the pipeline posted, recorded as it was posted: when start() fails, the
    // element that refused has usually said why (v4l2src: "Cannot identify device …") before
    // set_state returned, while the queued copy of that message is still on its way.
    std::optional<BusEvent> firstError();
    void seekToStart(); // looping files (a flushing seek, on EOS)
    // A file on the wall's timeline, on SegmentDone: its next loop without a flush (FileSync).
    void loopOnTimeline();
    void recalculateLatency();
    qint64 latencyMs(); // pipeline latency query; -1 when unknown
    // Scaled on the streaming thread before conversion (libyuv in onNewSample, else videoscale);
    // empty = the source's own size.
    void setOutputSize(QSize size);
    // libyuv tail: whether frames also carry an RGB32 image (a tile draws textures, not the
    // picture itself: VideoItem on a scene graph other than the software one).
    void setRgbWanted(bool wanted) { m_rgbWanted.store(wanted, std::memory_order_relaxed); }
    void setAudio(bool muted, double volume);
    // OpenGL path, GUI thread: a branch for one more item while the pipeline runs (the item has
    // reported itemInitialized), or the branch of an item that goes. The other items keep
    // playing: the tee takes request pads on and off at any time (its release_pad ignores a push
    // already under way), and the branch goes to NULL only once the tee no longer feeds it.
    bool addGlBranch(QObject *glItem, QString *error);
    void removeGlBranch(QObject *glItem);
    int glBranches() const { return int(m_glBranches.size()); }
    PipelineCounters &counters() { return m_counters; }
    GstElement *pipeline() const { return m_pipeline.get(); }

private:
    PipelineInstance(); // pipeline.cpp: StageTrace is complete there
    static void onPadAdded(GstElement *element, GstPad *pad, gpointer self);
    static void onDeepElementAdded(GstBin *bin, GstBin *sub, GstElement *element, gpointer self);
    static void onSourceSetup(GstElement *bin, GstElement *source, gpointer self);
    static GstFlowReturn onNewSample(GstAppSink *sink, gpointer self);
    static GstFlowReturn onSnapshotSample(GstAppSink *sink, gpointer self);
    static GstBusSyncReply onBusMessage(GstBus *bus, GstMessage *message, gpointer self);
    static GstPadProbeReturn onEncodedBuffer(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onGlFrame(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onJitterIn(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onDepayIn(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onDepayOut(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    static GstPadProbeReturn onDecoded(GstPad *pad, GstPadProbeInfo *info, gpointer self);
    bool addAppSinkTail(GstBin *parent, QString *error);
    bool addGlTail(GstBin *parent, const QList<QObject *> &glItems, QString *error);
    bool addSnapshotBranch(GstBin *parent, QString *error);
    struct GlBranch {
        QObject *item = nullptr;     // identifies the branch only; never dereferenced here
        GstElement *bin = nullptr;   // queue ! glupload ! qml6glsink; borrowed (the pipeline's)
        GstElement *queue = nullptr; // borrowed (the bin's)
        GstElement *sink = nullptr;  // borrowed (the bin's)
        PadPtr teePad;               // the tee's request pad feeding this branch
    };
    void linkPad(GstPad *pad);
    // Synchronised pipelines: the frame's media time (RTP time, or a file's position and loop).
    void stampMediaTime(Frame &frame, GstSample *sample);
    void setLiveOffset(qint64 offsetNs); // streaming thread: a live HLS source's anchor offset
    // Under m_audioMutex (the OpenGL tail's branches are added and removed under it): every
    // display sink's ts-offset (appsink, snapshot sink, the OpenGL tail's qml6glsinks, the audio
    // sink where it has one) set to totalOffsetNs(). A sink made later (an OpenGL branch, the
    // audio tail when its pad appears after the anchor placed the picture) takes the same.
    void applyTsOffset();
    // Under m_audioMutex: the display offset plus the live HLS anchor's, what every sink of this
    // pipeline waits by, so that the sound stays with the picture.
    qint64 totalOffsetNs() const { return m_displayOffsetNs + m_liveOffsetNs; }
    // Streaming thread, live HLS with an anchor: the offset that shows the frame of ptsNs (in
    // segment, as sink will synchronise it) where the anchor wants it, applied (setLiveOffset).
    void placeLive(GstElement *sink, qint64 ptsNs, const GstSegment *segment);
    void configureGlBranch(const GlBranch &branch); // sync and queue: live, synchronised or not
    GstElement *makeAudioTail();

    PipelinePlan m_plan;
    std::shared_ptr<StreamLink> m_link;
    ElementPtr m_pipeline;
    GstElement *m_videoIn = nullptr;    // borrowed (the pipeline owns it): the tail's first element
    GstElement *m_capsFilter = nullptr; // appsink tail only: I420 (or BGRx) and the scaled size
    FramePool m_pool;                   // appsink tail, streaming thread: RGB32 images to reuse
    YuvPool m_yuvPool;                  // libyuv tail, streaming thread: the scaled I420
    std::atomic<bool> m_rgbWanted{true};  // libyuv tail: convert to RGB32 on the streaming thread
    std::atomic<quint64> m_outputSize{0}; // libyuv tail: width << 32 | height; 0 = unscaled
    bool m_fastConvert = false;           // appsink tail: libyuv scales and converts
    bool m_tailCapsSet = false;           // libyuv tail: the caps are set once
    std::unique_ptr<StageTrace> m_trace;  // OPSWALL_VIDEO_STAGES=1 only
    GstElement *m_tee = nullptr;          // OpenGL tail only: one branch per item
    // OpenGL tail only: changed on the GUI thread under m_audioMutex (setLiveOffset reads it on
    // the tee's streaming thread under it too); the GUI thread reads it without.
    std::vector<GlBranch> m_glBranches;
    GstElement *m_volume = nullptr;             // set under m_audioMutex once an audio pad appeared
    GstElement *m_audioSink = nullptr;          // the same; borrowed
    qint64 m_displayOffsetNs = 0;               // under m_audioMutex: setDisplayOffset
    GstElement *m_appSink = nullptr;            // appsink tail only; borrowed
    GstElement *m_snapshotSink = nullptr;       // OpenGL tail only: the snapshot branch's; borrowed
    qint64 m_snapshotLastPts = -1;              // OpenGL tail, the tee's thread: its pace
    std::shared_ptr<const SharedClock> m_clock; // useSharedClock
    std::unique_ptr<RtpTimeTrace> m_rtpTimes;   // useSharedClock, live sources
    std::unique_ptr<FileSync> m_fileSync;       // useSharedClock, files and HLS
    bool m_fileSyncBegun = false;               // GUI thread: prerolled() ran
    std::unique_ptr<LiveHlsSync> m_liveSync;    // useSharedClock, HLS
    std::atomic<bool> m_liveHls{false};         // prerolled(): HLS without a duration
    qint64 m_liveOffsetNs = 0;                  // under m_audioMutex: setLiveOffset
    std::atomic<qint64> m_liveHoldUntilUs{0};   // setLiveOffset: the next frame's wait (µs)
    std::atomic<bool> m_liveFarSaid{false};     // an anchor too far from the stream, logged
    std::mutex m_audioMutex;
    bool m_muted = true;
    double m_volumeLevel = 1.0;
    std::atomic<bool> m_videoLinked{false};
    std::atomic<quint64> m_sequence{0};
    PipelineCounters m_counters;
    std::mutex m_errorMutex;
    std::optional<BusEvent> m_firstError; // guarded by m_errorMutex
};

// Takes pipelines to NULL and frees them on its own thread, so neither a frozen server nor a
// slow teardown blocks the GUI. drain() waits, bounded, for everything handed over so far.
class PipelineReaper {
public:
    PipelineReaper();
    // Drains with a 3 s bound; a thread still stuck after that is detached. It owns its state
    // (shared), so it may finish later without touching this object.
    ~PipelineReaper();
    PipelineReaper(const PipelineReaper &) = delete;
    PipelineReaper &operator=(const PipelineReaper &) = delete;
    void dispose(std::unique_ptr<PipelineInstance> instance);
    bool drain(int timeoutMs);

private:
    struct State {
        std::mutex mutex;
        std::condition_variable wake;
        std::condition_variable idle;
        std::deque<std::unique_ptr<PipelineInstance>> queue;
        bool busy = false;
        bool stop = false;
    };
    static void run(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
    std::thread m_thread;
};

} // namespace opswall::video
