#include "pipeline.h"
#include "pipeline_p.h"

#include "core/diagnostics.h"
#include "gstsupport.h"
#include "pipelinepolicy.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

namespace opswall::video {

// ───────────────────────────── PipelineInstance ─────────────────────────────

PipelineInstance::PipelineInstance() = default;

namespace detail {

GstElement *make(const char *factory) {
    return gst_element_factory_make(factory, nullptr);
}

} // namespace detail

using detail::fromUtf8;
using detail::make;

namespace {

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
    if (diagnostics::isOn(diagnostics::Switch::VideoStages))
        self->m_trace = std::make_unique<StageTrace>();

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
    // A custom pipeline stored before the allow-list existed (or written into the database by
    // hand) is checked again here, before anything in it can run.
    if (plan.custom)
        if (auto why = checkCustomPipelineBin(GST_BIN(owned.get()), "dec")) {
            if (error)
                *error = QStringLiteral("Refused pipeline: %1").arg(*why);
            return nullptr;
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
    // videoscale ! videoconvert ! capsfilter ! appsink. With libyuv: capsfilter(I420), which the
    // decoders' usual output passes untouched, scaled to the biggest tile and converted in
    // onNewSample (videoscale only squares non-square pixels). Without: capsfilter(BGRx[,WxH]).
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
    m_appSink = sink;
    m_fastConvert = fastConvertAvailable();
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

PipelineInstance::~PipelineInstance() {
    if (!m_pipeline)
        return;
    m_link->detach();
    gst_element_set_state(m_pipeline.get(), GST_STATE_NULL); // joins the streaming threads
    BusPtr bus(gst_element_get_bus(m_pipeline.get()));
    gst_bus_set_sync_handler(bus.get(), nullptr, nullptr, nullptr);
    gst_bus_set_flushing(bus.get(), TRUE);
}

void PipelineInstance::useSharedClock(std::shared_ptr<const SharedClock> clock, qint64 startNs) {
    if (!clock)
        return;
    m_clock = std::move(clock);
    if (m_plan.live) {
        m_rtpTimes = std::make_unique<RtpTimeTrace>(m_clock);
    } else {
        m_fileSync = std::make_unique<FileSync>(m_clock, startNs);
        PadPtr in(gst_element_get_static_pad(m_videoIn, "sink"));
        m_fileSync->attach(in.get());
        // A live playlist has no duration for the timeline: its MPEG-TS PTS places it (the
        // appsink's frames, or the OpenGL tail's at its tee: stampMediaTime, onGlFrame).
        if (m_plan.hls && (m_appSink || m_tee))
            m_liveSync = std::make_unique<LiveHlsSync>(m_clock);
    }
    // The OpenGL tail's snapshot sink too: it measures when the item's sinks got each frame.
    for (GstElement *sink : {m_appSink, m_snapshotSink})
        if (sink)
            g_object_set(sink, "sync", TRUE, nullptr);
    for (const GlBranch &branch : m_glBranches)
        configureGlBranch(branch);
    m_clock->apply(m_pipeline.get());
}

bool PipelineInstance::setDisplayOffset(qint64 offsetNs) {
    if (!m_appSink && !m_snapshotSink)
        return false;
    std::lock_guard lock(m_audioMutex);
    m_displayOffsetNs = offsetNs;
    // GstBaseSink reads ts-offset for each buffer it synchronises: it takes effect at the next
    // frame (a frame already waiting keeps its time). The OpenGL tail: every item's qml6glsink
    // and the snapshot sink, which measures when they were given each frame. A live HLS anchor's
    // offset (setLiveOffset) adds to it.
    applyTsOffset();
    return true;
}

void PipelineInstance::setLiveAnchor(std::optional<LiveAnchor> anchor) {
    if (!m_liveSync)
        return;
    m_liveSync->setAnchor(anchor);
    if (!anchor)
        setLiveOffset(0); // back on its own timeline
}

void PipelineInstance::setLiveOffset(qint64 offsetNs) {
    std::lock_guard lock(m_audioMutex);
    // The offset is the same for every frame of one mapping: a change under a millisecond is
    // the rounding of the PTS.
    if (std::abs(offsetNs - m_liveOffsetNs) < 1000000)
        return;
    qInfo("video: live HLS placed by the controller's anchor: shown %.1f ms later than on its "
          "own timeline (was %.1f ms)",
          double(offsetNs) / 1e6, double(m_liveOffsetNs) / 1e6);
    if (offsetNs > m_liveOffsetNs)
        m_liveHoldUntilUs.store(g_get_monotonic_time() + (offsetNs - m_liveOffsetNs) / 1000);
    m_liveOffsetNs = offsetNs;
    applyTsOffset();
}

void PipelineInstance::applyTsOffset() {
    const qint64 totalNs = totalOffsetNs();
    for (GstElement *sink : {m_appSink, m_snapshotSink})
        if (sink)
            g_object_set(sink, "ts-offset", gint64(totalNs), nullptr);
    for (const GlBranch &branch : m_glBranches)
        g_object_set(branch.sink, "ts-offset", gint64(totalNs), nullptr);
    if (m_audioSink && g_object_class_find_property(G_OBJECT_GET_CLASS(m_audioSink), "ts-offset"))
        g_object_set(m_audioSink, "ts-offset", gint64(totalNs), nullptr);
}

bool PipelineInstance::start(QString *error) {
    // A file for the wall's timeline prerolls first: prerolled() knows its duration then.
    const GstState target = m_fileSync ? GST_STATE_PAUSED : GST_STATE_PLAYING;
    if (gst_element_set_state(m_pipeline.get(), target) == GST_STATE_CHANGE_FAILURE) {
        if (error)
            *error = QStringLiteral("The pipeline refused to start");
        return false;
    }
    return true;
}

std::optional<QString> PipelineInstance::prerolled() {
    if (!m_fileSync || std::exchange(m_fileSyncBegun, true))
        return std::nullopt;
    QString why;
    if (m_fileSync->begin(m_pipeline.get(), &why))
        return std::nullopt;
    if (m_liveSync)
        m_liveHls.store(true); // its MPEG-TS PTS from now on (livehlssync.h)
    return why;
}

std::optional<BusEvent> PipelineInstance::firstError() {
    std::lock_guard lock(m_errorMutex);
    return m_firstError;
}

void PipelineInstance::seekToStart() {
    gst_element_seek_simple(m_pipeline.get(), GST_FORMAT_TIME,
                            GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT), 0);
}

void PipelineInstance::loopOnTimeline() {
    if (m_fileSync)
        m_fileSync->loop(m_pipeline.get());
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
    const bool scaled = size.isValid() && !size.isEmpty();
    if (m_fastConvert) {
        // The appsink takes the decoder's I420 as it is and scales and converts it itself (at a
        // fraction of videoscale's and videoconvert's CPU, frameconvert.h): no renegotiation.
        m_outputSize.store(scaled ? quint64(size.width()) << 32 | quint32(size.height()) : 0);
        if (m_tailCapsSet)
            return;
        m_tailCapsSet = true;
        CapsPtr caps(gst_caps_from_string("video/x-raw,format=I420,pixel-aspect-ratio=1/1"));
        g_object_set(m_capsFilter, "caps", caps.get(), nullptr);
        return;
    }
    GstCaps *caps = gst_caps_new_simple("video/x-raw", "format", G_TYPE_STRING, "BGRx",
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1, nullptr);
    if (scaled)
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
    // Leaky, so that a stuck audio device never holds the demuxer (and the picture) up; as long
    // as the sound may run ahead of its time, so that it is not dropped while the sink waits for
    // it: a playlist or a file is read ahead of the clock by what the picture's queues hold
    // (decodebin prerolls up to 10 s of a stream that cannot seek), and a live HLS anchor moves
    // the picture, and the sound with it, up to LiveHlsSync::kMaxOffsetNs later. With the
    // queue's default second, an anchored live playlist played one buffer of sound in three
    // seconds (tst_video_livehlsaudio). Bounded by time only (raw audio: time × rate bytes).
    constexpr guint64 kAudioAheadNs = LiveHlsSync::kMaxOffsetNs + 10 * GST_SECOND;
    g_object_set(queue, "leaky", 2 /* downstream */, "max-size-time", kAudioAheadNs,
                 "max-size-buffers", 0u, "max-size-bytes", 0u, nullptr);
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "async"))
        g_object_set(sink, "async", FALSE, nullptr);
    PadPtr target(gst_element_get_static_pad(queue, "sink"));
    GstPad *ghost = gst_ghost_pad_new("sink", target.get());
    gst_element_add_pad(bin, ghost);
    if (m_fileSync)
        m_fileSync->attach(ghost); // the sound on the same timeline as the picture
    std::lock_guard lock(m_audioMutex);
    m_volume = volume;
    m_audioSink = sink;
    g_object_set(m_volume, "mute", gboolean(m_muted), "volume", m_volumeLevel, nullptr);
    // The picture's offset as it is now: the display's trim and, where the anchor has already
    // placed a live HLS picture (the audio pad can appear after the first frames), the anchor's.
    if (g_object_class_find_property(G_OBJECT_GET_CLASS(sink), "ts-offset"))
        g_object_set(sink, "ts-offset", gint64(totalOffsetNs()), nullptr);
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
    if (self->m_liveSync && name == QLatin1String("tsdemux"))
        self->m_liveSync->attachDemuxer(element);
    if (self->m_trace && name == QLatin1String("rtpjitterbuffer")) {
        PadPtr in(gst_element_get_static_pad(element, "sink"));
        if (in)
            gst_pad_add_probe(
                in.get(),
                GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                &PipelineInstance::onJitterIn, self, nullptr);
    }
    if (self->m_rtpTimes && name == QLatin1String("rtpjitterbuffer"))
        self->m_rtpTimes->attachJitterBuffer(element);
    if (self->m_rtpTimes && klass.contains(QLatin1String("Depayloader")))
        self->m_rtpTimes->attachDepayloader(element);
    if (self->m_trace && klass.contains(QLatin1String("Depayloader"))) {
        PadPtr in(gst_element_get_static_pad(element, "sink"));
        PadPtr out(gst_element_get_static_pad(element, "src"));
        if (in)
            gst_pad_add_probe(
                in.get(),
                GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
                &PipelineInstance::onDepayIn, self, nullptr);
        if (out)
            gst_pad_add_probe(out.get(), GST_PAD_PROBE_TYPE_BUFFER, &PipelineInstance::onDepayOut,
                              self, nullptr);
    }
    if (!klass.contains(QLatin1String("Decoder")) || !klass.contains(QLatin1String("Video")))
        return;
    if (self->m_trace) {
        PadPtr out(gst_element_get_static_pad(element, "src"));
        if (out)
            gst_pad_add_probe(out.get(), GST_PAD_PROBE_TYPE_BUFFER, &PipelineInstance::onDecoded,
                              self, nullptr);
    }
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
    case GST_MESSAGE_ASYNC_DONE:
        // The whole pipeline prerolled: a file for the timeline is placed then (prerolled()).
        if (!self->m_fileSync || GST_MESSAGE_SRC(message) != GST_OBJECT(self->m_pipeline.get()))
            return GST_BUS_DROP;
        event.kind = BusEvent::Kind::AsyncDone;
        break;
    case GST_MESSAGE_SEGMENT_DONE:
        // The clip's end after FileSync's segment seek (the pipeline's, once every element
        // that started the segment is done).
        if (!self->m_fileSync || GST_MESSAGE_SRC(message) != GST_OBJECT(self->m_pipeline.get()))
            return GST_BUS_DROP;
        event.kind = BusEvent::Kind::SegmentDone;
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

} // namespace opswall::video
