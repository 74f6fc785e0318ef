// The OpenGL display path's tail of a pipeline (PipelineInstance, pipeline.h): decoded frames
// → videoconvert → RGBA → tee, one queue ! glupload ! qml6glsink branch per tile item, added and
// removed on the running pipeline, and a 1 fps snapshot branch for the dimmed last frame.
#include "pipeline.h"
#include "pipeline_p.h"

#include "gstsupport.h"

#include <QMetaObject>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

namespace opswall::video {

using detail::make;
using detail::wrapSample;

bool PipelineInstance::addGlTail(GstBin *parent, const QList<QObject *> &glItems, QString *error) {
    // videoconvert ! capsfilter(RGBA) ! tee, then a queue ! glupload ! qml6glsink per item:
    // STACK-NOTES measured this form; colour conversion stays on the CPU, once per stream
    // (glcolorconvert costs 185% on llvmpipe).
    GstElement *convert = make("videoconvert");
    GstElement *filter = make("capsfilter");
    GstElement *tee = make("tee");
    if (!convert || !filter || !tee) {
        for (GstElement *e : {convert, filter, tee}) {
            if (e)
                gst_object_unref(gst_object_ref_sink(e));
        }
        if (error)
            *error = QStringLiteral("GStreamer elements for display are missing "
                                    "(gstreamer1.0-plugins-base)");
        return false;
    }
    CapsPtr rgba(gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "RGBA", nullptr));
    g_object_set(filter, "caps", rgba.get(), nullptr);
    // An item may go while the others stay: a tee without branches must not stop the source.
    g_object_set(tee, "allow-not-linked", TRUE, nullptr);
    gst_bin_add_many(parent, convert, filter, tee, nullptr);
    gst_element_link_many(convert, filter, tee, nullptr);
    m_videoIn = convert;
    m_tee = tee;
    // Counted once per decoded frame, before the branches.
    PadPtr teeSink(gst_element_get_static_pad(tee, "sink"));
    gst_pad_add_probe(teeSink.get(), GST_PAD_PROBE_TYPE_BUFFER, &PipelineInstance::onGlFrame, this,
                      nullptr);
    if (!addSnapshotBranch(parent, error))
        return false;
    for (QObject *item : glItems) {
        if (!addGlBranch(item, error))
            return false;
    }
    return true;
}

namespace {
// The snapshot branch's pace: about one frame a second passes (a frame a second or more after
// the last one passed, or before it: a seek or a loop), with its own timestamps (videorate
// would put them on its one-second grid, and the skew figures need the frame's own).
GstPadProbeReturn onSnapshotPace(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto *lastPts = static_cast<qint64 *>(data); // the tee's streaming thread only
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!buffer || !GST_BUFFER_PTS_IS_VALID(buffer))
        return GST_PAD_PROBE_OK;
    const qint64 pts = qint64(GST_BUFFER_PTS(buffer));
    if (*lastPts >= 0 && pts >= *lastPts && pts < *lastPts + qint64(GST_SECOND))
        return GST_PAD_PROBE_DROP;
    *lastPts = pts;
    return GST_PAD_PROBE_OK;
}
} // namespace

bool PipelineInstance::addSnapshotBranch(GstBin *parent, QString *error) {
    // (about one a second) queue(leaky, 1) ! videoscale ! capsfilter(RGBA, ≤ 640) ! appsink: the
    // frame that stays on the tile while the stream reconnects. The leaky one-buffer queue never
    // holds up the tee (files and HLS included), and only about one frame a second is scaled,
    // on this branch's own thread.
    GstElement *queue = make("queue");
    GstElement *scale = make("videoscale");
    GstElement *filter = make("capsfilter");
    GstElement *sink = make("appsink");
    if (!queue || !scale || !filter || !sink) {
        for (GstElement *e : {queue, scale, filter, sink}) {
            if (e)
                gst_object_unref(gst_object_ref_sink(e));
        }
        if (error)
            *error = QStringLiteral("GStreamer elements for display are missing "
                                    "(gstreamer1.0-plugins-base)");
        return false;
    }
    g_object_set(queue, "max-size-buffers", 1u, "max-size-bytes", 0u, "max-size-time", guint64(0),
                 "leaky", 2 /* downstream */, nullptr);
    // Scaled down (never up), keeping the picture's aspect ratio (videoscale fixates so).
    CapsPtr small(gst_caps_from_string("video/x-raw,format=RGBA,width=(int)[16,640],"
                                       "height=(int)[16,640],pixel-aspect-ratio=(fraction)1/1"));
    g_object_set(filter, "caps", small.get(), nullptr);
    g_object_set(sink, "sync", FALSE, "async", FALSE, "max-buffers", 1u, "drop", TRUE,
                 "enable-last-sample", FALSE, "emit-signals", FALSE, nullptr);
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &PipelineInstance::onSnapshotSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, this, nullptr);
    m_snapshotSink = sink;
    gst_bin_add_many(parent, queue, scale, filter, sink, nullptr);
    PadPtr teePad(gst_element_request_pad_simple(m_tee, "src_%u"));
    PadPtr queueSink(gst_element_get_static_pad(queue, "sink"));
    if (!gst_element_link_many(queue, scale, filter, sink, nullptr) || !teePad ||
        gst_pad_link(teePad.get(), queueSink.get()) != GST_PAD_LINK_OK) {
        if (error)
            *error = QStringLiteral("The OpenGL path's snapshot branch cannot be linked");
        return false;
    }
    gst_pad_add_probe(queueSink.get(), GST_PAD_PROBE_TYPE_BUFFER, &onSnapshotPace,
                      &m_snapshotLastPts, nullptr);
    return true;
}

GstFlowReturn PipelineInstance::onSnapshotSample(GstAppSink *sink, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    SamplePtr sample(gst_app_sink_pull_sample(sink));
    if (!sample)
        return GST_FLOW_OK;
    Frame snapshot;
    // RGBA from videoconvert: the alpha is opaque, so RGBX (no blending).
    snapshot.image = wrapSample(sample.get(), QImage::Format_RGBX8888);
    if (snapshot.image.isNull())
        return GST_FLOW_OK;
    snapshot.arrivalUs = g_get_monotonic_time();
    if (self->m_clock) {
        // On the shared clock this sink waits for the frame's time as the item's sinks do: when
        // it is released is when they were given the frame (the skew figures of this path).
        GstBuffer *buffer = gst_sample_get_buffer(sample.get());
        snapshot.ptsNs =
            buffer && GST_BUFFER_PTS_IS_VALID(buffer) ? qint64(GST_BUFFER_PTS(buffer)) : -1;
        self->stampMediaTime(snapshot, sample.get());
        if (snapshot.rtpClockRate > 0)
            snapshot.shownNs = self->m_clock->nowNs();
    }
    self->m_link->putSnapshot(std::move(snapshot));
    return GST_FLOW_OK;
}

bool PipelineInstance::addGlBranch(QObject *glItem, QString *error) {
    if (!m_tee || !glItem)
        return false;
    for (const GlBranch &b : m_glBranches) {
        if (b.item == glItem)
            return true;
    }
    GstElement *queue = make("queue");
    GstElement *upload = make("glupload");
    GstElement *sink = make("qml6glsink");
    if (!queue || !upload || !sink) {
        for (GstElement *e : {queue, upload, sink}) {
            if (e)
                gst_object_unref(gst_object_ref_sink(e));
        }
        if (error)
            *error = QStringLiteral("GStreamer elements for the OpenGL display path are missing "
                                    "(gstreamer1.0-gl, gstreamer1.0-qt6)");
        return false;
    }
    // "widget" is a plain pointer to the Qt6GLVideoItem: the caller made sure it is one.
    g_object_set(sink, "widget", static_cast<gpointer>(glItem), nullptr);
    // Not yet started (create() builds the first branches): the pipeline takes them along.
    GstElement *pipeline = m_pipeline.get();
    GST_OBJECT_LOCK(pipeline);
    const bool running = GST_STATE(pipeline) != GST_STATE_NULL ||
                         GST_STATE_PENDING(pipeline) != GST_STATE_VOID_PENDING;
    GST_OBJECT_UNLOCK(pipeline);
    // A sink joining a running pipeline does not take part in its preroll (which is long over).
    if (running)
        g_object_set(sink, "async", FALSE, nullptr);
    GstElement *bin = gst_bin_new(nullptr);
    gst_bin_add_many(GST_BIN(bin), queue, upload, sink, nullptr);
    bool ok = gst_element_link_many(queue, upload, sink, nullptr);
    PadPtr queueSink(gst_element_get_static_pad(queue, "sink"));
    gst_element_add_pad(bin, gst_ghost_pad_new("sink", queueSink.get()));
    // The branch reaches READY on its own, before it meets the pipeline: glupload then takes
    // its OpenGL context from its own sink (the item's, shared with that window's context).
    // Inside the pipeline it would first be handed the display the pipeline cached from another
    // branch's sink, look for a context while its sink is not ready, and settle for any
    // context of that display: another window's, where this window shows nothing.
    ok = ok && gst_element_set_state(bin, GST_STATE_READY) != GST_STATE_CHANGE_FAILURE;
    if (!ok) {
        gst_element_set_state(bin, GST_STATE_NULL);
        gst_object_unref(gst_object_ref_sink(bin));
        if (error)
            *error = QStringLiteral("The OpenGL display branch cannot be made ready");
        return false;
    }
    gst_bin_add(GST_BIN(GST_ELEMENT_PARENT(m_tee)), bin);
    GlBranch branch;
    branch.item = glItem;
    branch.bin = bin;
    branch.queue = queue;
    branch.sink = sink;
    configureGlBranch(branch);
    {
        // The display offset (skew trim and live HLS anchor) and the list in one step: the
        // tee's thread may move the anchor's offset (setLiveOffset) at any time.
        std::lock_guard lock(m_audioMutex);
        g_object_set(branch.sink, "ts-offset", gint64(totalOffsetNs()), nullptr);
        m_glBranches.push_back(std::move(branch));
    }
    ok = !running || gst_element_sync_state_with_parent(bin);
    if (ok) {
        PadPtr teePad(gst_element_request_pad_simple(m_tee, "src_%u"));
        PadPtr binSink(gst_element_get_static_pad(bin, "sink"));
        ok = teePad && gst_pad_link(teePad.get(), binSink.get()) == GST_PAD_LINK_OK;
        std::lock_guard lock(m_audioMutex);
        m_glBranches.back().teePad = std::move(teePad);
    }
    if (!ok) {
        removeGlBranch(glItem);
        if (error)
            *error = QStringLiteral("The OpenGL display branch cannot be added");
        return false;
    }
    return true;
}

void PipelineInstance::configureGlBranch(const GlBranch &branch) {
    // Each branch uploads on its own thread. Live sources: a slow display drops its own old
    // frames instead of holding up the others. Files and HLS are paced by the sinks' clock
    // waits, which must reach the source, so their queues block (and stay short).
    // On the shared clock (a wall of several processes, netclock.h) every sink waits for the
    // frame's time on it, live sources included: a live branch's queue then holds the frames
    // of the pipeline's latency (it drops only beyond that and half a second more).
    const bool synchronised = m_clock != nullptr;
    const guint64 holdNs = synchronised && m_plan.live
                               ? guint64(m_clock->settings().latencyMs + 500) * GST_MSECOND
                               : 0;
    g_object_set(branch.queue, "max-size-buffers", holdNs ? 0u : 2u, "max-size-bytes", 0u,
                 "max-size-time", holdNs, nullptr);
    if (m_plan.live)
        g_object_set(branch.queue, "leaky", 2 /* downstream */, nullptr);
    g_object_set(branch.sink, "sync", gboolean(synchronised || !m_plan.live), nullptr);
    // A file on the wall's timeline (filetimeline.h) has its segments placed at the display
    // tail, after the decoder: the decoder's running times are not the sinks'. qml6glsink (a
    // GstVideoSink) sends QoS events upstream in its own running time, and the decoder, reading
    // them as its own, took every frame for late and dropped it (a whole loop dropped, EOS, the
    // loop's seek, EOS again: the stall at the first loop). appsink sends none (qos is off).
    g_object_set(branch.sink, "qos", gboolean(!m_fileSync), nullptr);
}

void PipelineInstance::removeGlBranch(QObject *glItem) {
    const auto it = std::find_if(m_glBranches.begin(), m_glBranches.end(),
                                 [glItem](const GlBranch &b) { return b.item == glItem; });
    if (it == m_glBranches.end())
        return;
    GlBranch branch;
    {
        std::lock_guard lock(m_audioMutex);
        branch = std::move(*it);
        m_glBranches.erase(it);
    }
    // First the tee stops feeding the branch (a push under way into it ends ignored), then the
    // branch stops: it is unlinked, so the flushing its queue returns reaches nobody.
    if (branch.teePad)
        gst_element_release_request_pad(m_tee, branch.teePad.get());
    gst_element_set_locked_state(branch.bin, TRUE); // the pipeline's state changes pass it by
    gst_element_set_state(branch.bin, GST_STATE_NULL);
    gst_bin_remove(GST_BIN(GST_ELEMENT_PARENT(m_tee)), branch.bin);
}

GstPadProbeReturn PipelineInstance::onGlFrame(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED)) {
        self->m_counters.corrupt.fetch_add(1, std::memory_order_relaxed);
        return GST_PAD_PROBE_DROP; // hidden, as on the appsink path
    }
    // The item shows the buffer; the stream only learns that a frame arrived (no image).
    Frame frame;
    frame.sequence = ++self->m_sequence;
    frame.arrivalUs = g_get_monotonic_time();
    frame.ptsNs = GST_BUFFER_PTS_IS_VALID(buffer) ? qint64(GST_BUFFER_PTS(buffer)) : -1;
    if (self->m_liveSync && self->m_liveHls.load() && frame.ptsNs >= 0 && self->m_snapshotSink) {
        // Live HLS with the controller's anchor: placed here, before the branches' queues, so the
        // sinks wait for this frame's time with the anchor's offset (livehlssync.h). The sinks
        // share the pipeline's base time and this pad's segment.
        EventPtr segmentEvent(gst_pad_get_sticky_event(pad, GST_EVENT_SEGMENT, 0));
        const GstSegment *segment = nullptr;
        if (segmentEvent)
            gst_event_parse_segment(segmentEvent.get(), &segment);
        self->placeLive(self->m_snapshotSink, frame.ptsNs, segment);
    }
    self->m_counters.frames.fetch_add(1, std::memory_order_relaxed);
    // A live HLS source moved later by its anchor holds the tee that much longer (its branches'
    // queues are full): the frame watchdog counts from when it is due, as on the appsink path.
    self->m_counters.lastFrameUs.store(std::max(frame.arrivalUs, self->m_liveHoldUntilUs.load()),
                                       std::memory_order_relaxed);
    self->m_link->putFrame(std::move(frame), nullptr);
    return GST_PAD_PROBE_OK;
}

} // namespace opswall::video
