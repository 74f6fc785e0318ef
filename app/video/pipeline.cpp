#include "pipeline.h"

#include "gstsupport.h"

#include <QMetaObject>

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <algorithm>
#include <chrono>

#include <pthread.h>

namespace opswall::video {

// ───────────────────────────── StreamLink ─────────────────────────────

StreamLink::StreamLink(QObject *context, FrameWake wake, BusSink bus)
    : m_context(context)
    , m_wake(std::move(wake))
    , m_bus(std::move(bus)) {}

void StreamLink::detach() {
    std::lock_guard lock(m_mutex);
    m_context = nullptr;
    m_slot.reset();
    m_snapshot.reset();
}

void StreamLink::putFrame(Frame frame, PipelineCounters *overwrites) {
    std::lock_guard lock(m_mutex);
    if (!m_context)
        return;
    const bool wasEmpty = !m_slot.has_value();
    if (!wasEmpty && overwrites)
        overwrites->overwritten.fetch_add(1, std::memory_order_relaxed);
    m_slot = std::move(frame);
    if (wasEmpty) // one wake-up per empty→full transition; the GUI takes the newest frame
        QMetaObject::invokeMethod(m_context, m_wake, Qt::QueuedConnection);
}

std::optional<Frame> StreamLink::takeFrame() {
    std::lock_guard lock(m_mutex);
    std::optional<Frame> out = std::move(m_slot);
    m_slot.reset();
    return out;
}

void StreamLink::putSnapshot(Frame snapshot) {
    std::lock_guard lock(m_mutex);
    if (m_context)
        m_snapshot = std::move(snapshot);
}

std::optional<Frame> StreamLink::takeSnapshot() {
    std::lock_guard lock(m_mutex);
    std::optional<Frame> out = std::move(m_snapshot);
    m_snapshot.reset();
    return out;
}

void StreamLink::postBus(BusEvent event) {
    std::lock_guard lock(m_mutex);
    if (!m_context)
        return;
    QMetaObject::invokeMethod(
        m_context, [sink = m_bus, event = std::move(event)] { sink(event); }, Qt::QueuedConnection);
}

// ───────────────────────────── PipelineInstance ─────────────────────────────

namespace {
QString fromUtf8(const gchar *text) {
    return text ? QString::fromUtf8(text) : QString();
}

GstElement *make(const char *factory) {
    return gst_element_factory_make(factory, nullptr);
}

void releaseMappedFrame(void *info) {
    auto *frame = static_cast<GstVideoFrame *>(info);
    gst_video_frame_unmap(frame); // drops the buffer reference taken by gst_video_frame_map
    delete frame;
}

// The sample's picture as a QImage wrapping the mapped frame (no copy; unmapped when the last
// QImage copy goes). Null where the sample cannot be mapped.
QImage wrapSample(GstSample *sample, QImage::Format format) {
    GstBuffer *buffer = gst_sample_get_buffer(sample);
    GstCaps *caps = gst_sample_get_caps(sample);
    GstVideoInfo vinfo;
    if (!buffer || !caps || !gst_video_info_from_caps(&vinfo, caps))
        return {};
    auto *mapped = new GstVideoFrame;
    if (!gst_video_frame_map(mapped, &vinfo, buffer, GST_MAP_READ)) {
        delete mapped;
        return {};
    }
    return QImage(static_cast<const uchar *>(GST_VIDEO_FRAME_PLANE_DATA(mapped, 0)),
                  GST_VIDEO_FRAME_WIDTH(mapped), GST_VIDEO_FRAME_HEIGHT(mapped),
                  GST_VIDEO_FRAME_PLANE_STRIDE(mapped, 0), format, &releaseMappedFrame, mapped);
}

GstPadProbeReturn onVideoCaps(GstPad *, GstPadProbeInfo *info, gpointer data) {
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
    if (GST_EVENT_TYPE(event) == GST_EVENT_CAPS) {
        GstCaps *caps = nullptr;
        gst_event_parse_caps(event, &caps);
        GstVideoInfo vinfo;
        if (caps && gst_video_info_from_caps(&vinfo, caps)) {
            auto *counters = static_cast<PipelineCounters *>(data);
            std::lock_guard lock(counters->textMutex);
            counters->sourceSize =
                QSize(GST_VIDEO_INFO_WIDTH(&vinfo), GST_VIDEO_INFO_HEIGHT(&vinfo));
        }
    }
    return GST_PAD_PROBE_OK;
}
} // namespace

std::unique_ptr<PipelineInstance> PipelineInstance::create(const PipelinePlan &plan,
                                                           std::shared_ptr<StreamLink> link,
                                                           const QList<QObject *> &glItems,
                                                           QString *error) {
    std::unique_ptr<PipelineInstance> self(new PipelineInstance);
    self->m_plan = plan;
    self->m_link = std::move(link);

    GError *rawError = nullptr;
    GstElement *parsed = gst_parse_launch_full(plan.front.toUtf8().constData(), nullptr,
                                               GST_PARSE_FLAG_PLACE_IN_BIN, &rawError);
    ErrorPtr parseError(rawError);
    if (parsed)
        gst_object_ref_sink(parsed);
    ElementPtr owned(parsed);
    if (!owned || parseError) {
        if (error)
            *error = QStringLiteral("Invalid pipeline: %1")
                         .arg(parseError ? fromUtf8(parseError->message) : QStringLiteral("?"));
        return nullptr;
    }
    if (!GST_IS_PIPELINE(owned.get())) {
        ElementPtr pipeline(GST_ELEMENT(gst_object_ref_sink(gst_pipeline_new(nullptr))));
        // gst_parse_launch_full(PLACE_IN_BIN) hands back a plain GstBin: put it in a pipeline.
        // Our reference is no longer floating, so gst_bin_add takes a new one and ours is dropped
        // below (releasing it into the bin leaked the bin and every element in it).
        gst_bin_add(GST_BIN(pipeline.get()), owned.get());
        owned = std::move(pipeline);
    }
    self->m_pipeline = std::move(owned);
    GstElement *pipeline = self->m_pipeline.get();

    ElementPtr dec(gst_bin_get_by_name(GST_BIN(pipeline), "dec"));
    if (!dec) {
        if (error)
            *error = QStringLiteral("Invalid pipeline: no element named 'dec'");
        return nullptr;
    }

    GstBin *parent = GST_BIN(GST_ELEMENT_PARENT(dec.get()));
    const bool tailAdded = glItems.isEmpty() ? self->addAppSinkTail(parent, error)
                                             : self->addGlTail(parent, glItems, error);
    if (!tailAdded)
        return nullptr;
    PadPtr tailSink(gst_element_get_static_pad(self->m_videoIn, "sink"));
    gst_pad_add_probe(tailSink.get(), GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &onVideoCaps,
                      &self->m_counters, nullptr);

    PadPtr staticSrc(gst_element_get_static_pad(dec.get(), "src"));
    if (staticSrc) {
        if (!gst_element_link(dec.get(), self->m_videoIn)) {
            if (error)
                *error = QStringLiteral("Invalid pipeline: its output is not video");
            return nullptr;
        }
        self->m_videoLinked = true;
        std::lock_guard lock(self->m_counters.textMutex);
        self->m_counters.codec = codecName(QStringLiteral("video/x-raw"));
        self->m_counters.decoder = QStringLiteral("none");
    } else {
        g_signal_connect(dec.get(), "pad-added", G_CALLBACK(&PipelineInstance::onPadAdded),
                         self.get());
    }
    if (g_signal_lookup("source-setup", G_OBJECT_TYPE(dec.get())) != 0)
        g_signal_connect(dec.get(), "source-setup", G_CALLBACK(&PipelineInstance::onSourceSetup),
                         self.get());
    g_signal_connect(pipeline, "deep-element-added",
                     G_CALLBACK(&PipelineInstance::onDeepElementAdded), self.get());

    BusPtr bus(gst_element_get_bus(pipeline));
    gst_bus_set_sync_handler(bus.get(), &PipelineInstance::onBusMessage, self.get(), nullptr);
    return self;
}

bool PipelineInstance::addAppSinkTail(GstBin *parent, QString *error) {
    // videoscale ! videoconvert ! capsfilter(BGRx[,WxH]) ! appsink
    GstElement *scale = make("videoscale");
    GstElement *convert = make("videoconvert");
    GstElement *filter = make("capsfilter");
    GstElement *sink = make("appsink");
    if (!scale || !convert || !filter || !sink) {
        for (GstElement *e : {scale, convert, filter, sink}) {
            if (e)
                gst_object_unref(gst_object_ref_sink(e));
        }
        if (error)
            *error = QStringLiteral("GStreamer elements for display are missing "
                                    "(gstreamer1.0-plugins-base)");
        return false;
    }
    gst_bin_add_many(parent, scale, convert, filter, sink, nullptr);
    gst_element_link_many(scale, convert, filter, sink, nullptr);
    m_videoIn = scale;
    m_capsFilter = filter;
    setOutputSize({});
    // Live sources are shown as they arrive (sync=false: STACK-NOTES, 36 ms to the texture). The
    // others must be paced by the clock: a file would play at decoding speed, and HLS delivers
    // whole segments, which unsynchronised become a burst of frames and then a frozen picture
    // (longer than the stall watchdog with the usual 2-6 s segments).
    g_object_set(sink, "sync", gboolean(!m_plan.live), "max-buffers", 1u, "drop", TRUE,
                 "enable-last-sample", FALSE, "emit-signals", FALSE, nullptr);
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &PipelineInstance::onNewSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, this, nullptr);
    return true;
}

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

bool PipelineInstance::addSnapshotBranch(GstBin *parent, QString *error) {
    // queue(leaky, 1) ! videorate(drop-only, ≤ 1/s) ! videoscale ! capsfilter(RGBA, ≤ 640) !
    // appsink: the frame that stays on the tile while the stream reconnects. The leaky one-buffer
    // queue never holds up the tee (files and HLS included), and only about one frame a second is
    // scaled, on this branch's own thread.
    GstElement *queue = make("queue");
    GstElement *rate = make("videorate");
    GstElement *scale = make("videoscale");
    GstElement *filter = make("capsfilter");
    GstElement *sink = make("appsink");
    if (!queue || !rate || !scale || !filter || !sink) {
        for (GstElement *e : {queue, rate, scale, filter, sink}) {
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
    g_object_set(rate, "drop-only", TRUE, "max-rate", 1, nullptr);
    // Scaled down (never up), keeping the picture's aspect ratio (videoscale fixates so).
    CapsPtr small(gst_caps_from_string("video/x-raw,format=RGBA,width=(int)[16,640],"
                                       "height=(int)[16,640],pixel-aspect-ratio=(fraction)1/1"));
    g_object_set(filter, "caps", small.get(), nullptr);
    g_object_set(sink, "sync", FALSE, "async", FALSE, "max-buffers", 1u, "drop", TRUE,
                 "enable-last-sample", FALSE, "emit-signals", FALSE, nullptr);
    GstAppSinkCallbacks callbacks{};
    callbacks.new_sample = &PipelineInstance::onSnapshotSample;
    gst_app_sink_set_callbacks(GST_APP_SINK(sink), &callbacks, this, nullptr);
    gst_bin_add_many(parent, queue, rate, scale, filter, sink, nullptr);
    PadPtr teePad(gst_element_request_pad_simple(m_tee, "src_%u"));
    PadPtr queueSink(gst_element_get_static_pad(queue, "sink"));
    if (!gst_element_link_many(queue, rate, scale, filter, sink, nullptr) || !teePad ||
        gst_pad_link(teePad.get(), queueSink.get()) != GST_PAD_LINK_OK) {
        if (error)
            *error = QStringLiteral("The OpenGL path's snapshot branch cannot be linked");
        return false;
    }
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
    // Each branch uploads on its own thread. Live sources: a slow display drops its own old
    // frames instead of holding up the others. Files and HLS are paced by the sinks' clock
    // waits, which must reach the source, so their queues block (and stay short).
    g_object_set(queue, "max-size-buffers", 2u, "max-size-bytes", 0u, "max-size-time", guint64(0),
                 nullptr);
    if (m_plan.live)
        g_object_set(queue, "leaky", 2 /* downstream */, nullptr);
    // "widget" is a plain pointer to the Qt6GLVideoItem: the caller made sure it is one.
    g_object_set(sink, "widget", static_cast<gpointer>(glItem), "sync", gboolean(!m_plan.live),
                 nullptr);
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
    ok = !running || gst_element_sync_state_with_parent(bin);
    if (ok) {
        branch.teePad.reset(gst_element_request_pad_simple(m_tee, "src_%u"));
        PadPtr binSink(gst_element_get_static_pad(bin, "sink"));
        ok = branch.teePad && gst_pad_link(branch.teePad.get(), binSink.get()) == GST_PAD_LINK_OK;
    }
    m_glBranches.push_back(std::move(branch));
    if (!ok) {
        removeGlBranch(glItem);
        if (error)
            *error = QStringLiteral("The OpenGL display branch cannot be added");
        return false;
    }
    return true;
}

void PipelineInstance::removeGlBranch(QObject *glItem) {
    const auto it = std::find_if(m_glBranches.begin(), m_glBranches.end(),
                                 [glItem](const GlBranch &b) { return b.item == glItem; });
    if (it == m_glBranches.end())
        return;
    GlBranch branch = std::move(*it);
    m_glBranches.erase(it);
    // First the tee stops feeding the branch (a push under way into it ends ignored), then the
    // branch stops: it is unlinked, so the flushing its queue returns reaches nobody.
    if (branch.teePad)
        gst_element_release_request_pad(m_tee, branch.teePad.get());
    gst_element_set_locked_state(branch.bin, TRUE); // the pipeline's state changes pass it by
    gst_element_set_state(branch.bin, GST_STATE_NULL);
    gst_bin_remove(GST_BIN(GST_ELEMENT_PARENT(m_tee)), branch.bin);
}

GstPadProbeReturn PipelineInstance::onGlFrame(GstPad *, GstPadProbeInfo *info, gpointer data) {
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
    self->m_counters.frames.fetch_add(1, std::memory_order_relaxed);
    self->m_counters.lastFrameUs.store(frame.arrivalUs, std::memory_order_relaxed);
    self->m_link->putFrame(std::move(frame), nullptr);
    return GST_PAD_PROBE_OK;
}

PipelineInstance::~PipelineInstance() {
    if (!m_pipeline)
        return;
    m_link->detach();
    gst_element_set_state(m_pipeline.get(), GST_STATE_NULL); // joins the streaming threads
    BusPtr bus(gst_element_get_bus(m_pipeline.get()));
    gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
    gst_bus_set_flushing(bus.get(), TRUE);
}

bool PipelineInstance::start(QString *error) {
    if (gst_element_set_state(m_pipeline.get(), GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE) {
        if (error)
            *error = QStringLiteral("The pipeline refused to start");
        return false;
    }
    return true;
}

std::optional<BusEvent> PipelineInstance::firstError() {
    std::lock_guard lock(m_errorMutex);
    return m_firstError;
}

void PipelineInstance::seekToStart() {
    gst_element_seek_simple(m_pipeline.get(), GST_FORMAT_TIME,
                            GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 0);
}

void PipelineInstance::recalculateLatency() {
    gst_bin_recalculate_latency(GST_BIN(m_pipeline.get()));
}

qint64 PipelineInstance::latencyMs() {
    QueryPtr query(gst_query_new_latency());
    if (!gst_element_query(m_pipeline.get(), query.get()))
        return -1;
    gboolean live = FALSE;
    GstClockTime minLatency = 0;
    gst_query_parse_latency(query.get(), &live, &minLatency, nullptr);
    if (!GST_CLOCK_TIME_IS_VALID(minLatency))
        return -1;
    return qint64(minLatency / GST_MSECOND);
}

void PipelineInstance::setOutputSize(QSize size) {
    if (!m_capsFilter)
        return; // the OpenGL path scales on the GPU
    GstCaps *caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRx",
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
    if (size.isValid() && !size.isEmpty())
        gst_caps_set_simple(caps, "width", G_TYPE_INT, size.width(), "height", G_TYPE_INT,
                            size.height(), nullptr);
    CapsPtr owned(caps);
    g_object_set(m_capsFilter, "caps", owned.get(), nullptr);
}

void PipelineInstance::setAudio(bool muted, double volume) {
    std::lock_guard lock(m_audioMutex);
    m_muted = muted;
    m_volumeLevel = volume;
    if (m_volume)
        g_object_set(m_volume, "mute", gboolean(muted), "volume", volume, nullptr);
}

GstElement *PipelineInstance::makeAudioTail() {
    // queue ! audioconvert ! audioresample ! volume(mute) ! audio sink, in one bin with a ghost pad
    GstElement *bin = gst_bin_new(nullptr);
    GstElement *queue = make("queue");
    GstElement *convert = make("audioconvert");
    GstElement *resample = make("audioresample");
    GstElement *volume = make("volume");
    const QByteArray sinkName = qEnvironmentVariableIsSet("OPSWALL_AUDIO_SINK")
                                    ? qgetenv("OPSWALL_AUDIO_SINK")
                                    : QByteArrayLiteral("autoaudiosink");
    GstElement *sink = make(sinkName.constData());
    if (!sink)
        sink = make("fakesink");
    gst_bin_add_many(GST_BIN(bin), queue, convert, resample, volume, sink, nullptr);
    gst_element_link_many(queue, convert, resample, volume, sink, nullptr);
    g_object_set(queue, "leaky", 2 /* downstream */, nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "async"))
        g_object_set(sink, "async", FALSE, nullptr);
    PadPtr target(gst_element_get_static_pad(queue, "sink"));
    gst_element_add_pad(bin, gst_ghost_pad_new("sink", target.get()));
    std::lock_guard lock(m_audioMutex);
    m_volume = volume;
    g_object_set(m_volume, "mute", gboolean(m_muted), "volume", m_volumeLevel, nullptr);
    return bin;
}

void PipelineInstance::linkPad(GstPad *pad) {
    CapsPtr caps(gst_pad_get_current_caps(pad));
    if (!caps)
        caps.reset(gst_pad_query_caps(pad, nullptr));
    const QString media =
        caps && gst_caps_get_size(caps.get()) > 0
            ? fromUtf8(gst_structure_get_name(gst_caps_get_structure(caps.get(), 0)))
            : QString();
    GstBin *bin = GST_BIN(m_pipeline.get());
    if (media.startsWith(QLatin1String("video/")) && !m_videoLinked.exchange(true)) {
        PadPtr sinkPad(gst_element_get_static_pad(m_videoIn, "sink"));
        if (gst_pad_link(pad, sinkPad.get()) == GST_PAD_LINK_OK)
            return;
        m_videoLinked = false;
    }
    GstElement *target = nullptr;
    bool audio = false;
    {
        std::lock_guard lock(m_audioMutex);
        audio = media.startsWith(QLatin1String("audio/x-raw")) && !m_volume;
    }
    if (audio) {
        target = makeAudioTail();
    } else {
        // Streams nobody shows (a second video, subtitles, data) end here: an unlinked pad would
        // return not-linked and stop the whole source.
        target = make("fakesink");
        g_object_set(target, "sync", FALSE, "async", FALSE, nullptr);
    }
    gst_bin_add(bin, target);
    PadPtr sinkPad(gst_element_get_static_pad(target, "sink"));
    gst_pad_link(pad, sinkPad.get());
    gst_element_sync_state_with_parent(target);
}

void PipelineInstance::onPadAdded(GstElement *, GstPad *pad, gpointer data) {
    static_cast<PipelineInstance *>(data)->linkPad(pad);
}

void PipelineInstance::onSourceSetup(GstElement *, GstElement *source, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    for (const auto &[name, value] : self->m_plan.sourceProperties) {
        if (g_object_class_find_property(G_OBJECT_GET_CLASS(source), name.constData()))
            gst_util_set_object_arg(G_OBJECT(source), name.constData(), value.toUtf8().constData());
    }
}

void PipelineInstance::onDeepElementAdded(GstBin *, GstBin *, GstElement *element, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    GstElementFactory *factory = gst_element_get_factory(element);
    if (!factory)
        return;
    const QString klass =
        fromUtf8(gst_element_factory_get_metadata(factory, GST_ELEMENT_METADATA_KLASS));
    const QString name = fromUtf8(gst_plugin_feature_get_name(GST_PLUGIN_FEATURE(factory)));
    if (self->m_plan.tuneTsDemux && name == QLatin1String("tsdemux"))
        g_object_set(element, "latency", 0, nullptr);
    if (!klass.contains(QLatin1String("Decoder")) || !klass.contains(QLatin1String("Video")))
        return;
    // Frames decoded without their reference frames (joining mid-GOP) are garbage: drop them in
    // the decoder when it can; the appsink callback also drops buffers flagged CORRUPTED.
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(element), "output-corrupt"))
        g_object_set(element, "output-corrupt", FALSE, nullptr);
    {
        std::lock_guard lock(self->m_counters.textMutex);
        self->m_counters.decoder = name;
    }
    PadPtr sinkPad(gst_element_get_static_pad(element, "sink"));
    if (sinkPad)
        gst_pad_add_probe(sinkPad.get(), GST_PAD_PROBE_TYPE_BUFFER,
                          &PipelineInstance::onEncodedBuffer, self, nullptr);
}

GstPadProbeReturn PipelineInstance::onEncodedBuffer(GstPad *pad, GstPadProbeInfo *info,
                                                    gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    const quint64 before = self->m_counters.encodedBytes.fetch_add(gst_buffer_get_size(buffer));
    if (before == 0) {
        CapsPtr caps(gst_pad_get_current_caps(pad));
        if (caps && gst_caps_get_size(caps.get()) > 0) {
            std::lock_guard lock(self->m_counters.textMutex);
            self->m_counters.codec =
                codecName(fromUtf8(gst_structure_get_name(gst_caps_get_structure(caps.get(), 0))));
        }
    }
    return GST_PAD_PROBE_OK;
}

GstFlowReturn PipelineInstance::onNewSample(GstAppSink *sink, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    SamplePtr sample(gst_app_sink_pull_sample(sink));
    if (!sample)
        return GST_FLOW_OK;
    GstBuffer *buffer = gst_sample_get_buffer(sample.get());
    if (!buffer || !gst_sample_get_caps(sample.get()))
        return GST_FLOW_OK;
    if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_CORRUPTED)) {
        self->m_counters.corrupt.fetch_add(1, std::memory_order_relaxed);
        return GST_FLOW_OK;
    }
    Frame frame;
    frame.image = wrapSample(sample.get(), QImage::Format_RGB32);
    if (frame.image.isNull())
        return GST_FLOW_OK;
    frame.sequence = ++self->m_sequence;
    frame.arrivalUs = g_get_monotonic_time();
    frame.ptsNs = GST_BUFFER_PTS_IS_VALID(buffer) ? qint64(GST_BUFFER_PTS(buffer)) : -1;
    self->m_counters.frames.fetch_add(1, std::memory_order_relaxed);
    self->m_counters.lastFrameUs.store(frame.arrivalUs, std::memory_order_relaxed);
    self->m_link->putFrame(std::move(frame), &self->m_counters);
    return GST_FLOW_OK;
}

GstBusSyncReply PipelineInstance::onBusMessage(GstBus *, GstMessage *message, gpointer data) {
    auto *self = static_cast<PipelineInstance *>(data);
    // Every message is dropped here, and a sync handler that returns GST_BUS_DROP owns the
    // message (GstBusSyncHandler docs): without this unref each message, and the pipeline it
    // names as its source, would leak.
    MessagePtr owned(message);
    BusEvent event;
    switch (GST_MESSAGE_TYPE(message)) {
    case GST_MESSAGE_ERROR:
    case GST_MESSAGE_WARNING: {
        GError *raw = nullptr;
        gchar *rawDebug = nullptr;
        if (GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR)
            gst_message_parse_error(message, &raw, &rawDebug);
        else
            gst_message_parse_warning(message, &raw, &rawDebug);
        ErrorPtr error(raw);
        GCharPtr debug(rawDebug);
        event.kind = GST_MESSAGE_TYPE(message) == GST_MESSAGE_ERROR ? BusEvent::Kind::Error
                                                                    : BusEvent::Kind::Warning;
        event.domain = error ? error->domain : 0;
        event.code = error ? error->code : 0;
        event.message = error ? fromUtf8(error->message) : QString();
        event.debug = fromUtf8(debug.get());
        break;
    }
    case GST_MESSAGE_EOS:
        event.kind = BusEvent::Kind::Eos;
        break;
    case GST_MESSAGE_LATENCY:
        event.kind = BusEvent::Kind::Latency;
        break;
    case GST_MESSAGE_ELEMENT: {
        const GstStructure *s = gst_message_get_structure(message);
        if (!s || !gst_structure_has_name(s, "missing-plugin"))
            return GST_BUS_DROP;
        event.kind = BusEvent::Kind::MissingPlugin;
        const GValue *detail = gst_structure_get_value(s, "detail");
        if (detail && G_VALUE_HOLDS(detail, GST_TYPE_CAPS)) {
            const GstCaps *caps = gst_value_get_caps(detail);
            if (caps && gst_caps_get_size(caps) > 0)
                event.detail = fromUtf8(gst_structure_get_name(gst_caps_get_structure(caps, 0)));
        } else if (detail && G_VALUE_HOLDS_STRING(detail)) {
            event.detail = fromUtf8(g_value_get_string(detail));
        }
        break;
    }
    default:
        return GST_BUS_DROP;
    }
    if (event.kind == BusEvent::Kind::Error) {
        std::lock_guard lock(self->m_errorMutex);
        if (!self->m_firstError)
            self->m_firstError = event;
    }
    self->m_link->postBus(std::move(event));
    return GST_BUS_DROP;
}

// ───────────────────────────── PipelineReaper ─────────────────────────────

PipelineReaper::PipelineReaper()
    : m_state(std::make_shared<State>())
    , m_thread(&PipelineReaper::run, m_state) {}

PipelineReaper::~PipelineReaper() {
    const bool drained = drain(3000);
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->wake.notify_all();
    if (drained) {
        m_thread.join();
    } else {
        qWarning("video: a pipeline did not reach NULL within 3 s; leaving it behind");
        m_thread.detach();
    }
}

void PipelineReaper::dispose(std::unique_ptr<PipelineInstance> instance) {
    if (!instance)
        return;
    {
        std::lock_guard lock(m_state->mutex);
        m_state->queue.push_back(std::move(instance));
    }
    m_state->wake.notify_one();
}

bool PipelineReaper::drain(int timeoutMs) {
    std::unique_lock lock(m_state->mutex);
    return m_state->idle.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                  [this] { return m_state->queue.empty() && !m_state->busy; });
}

void PipelineReaper::run(std::shared_ptr<State> state) {
    pthread_setname_np(pthread_self(), "video-reaper");
    std::unique_lock lock(state->mutex);
    for (;;) {
        state->wake.wait(lock, [&] { return state->stop || !state->queue.empty(); });
        if (state->queue.empty())
            return; // stop requested and nothing left
        std::unique_ptr<PipelineInstance> next = std::move(state->queue.front());
        state->queue.pop_front();
        state->busy = true;
        lock.unlock();
        next.reset(); // → NULL, joins its streaming threads
        lock.lock();
        state->busy = false;
        if (state->queue.empty())
            state->idle.notify_all();
    }
}

} // namespace opswall::video
