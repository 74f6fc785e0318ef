#include "netclock.h"

#include <QJsonValue>

#include <gst/net/gstnet.h>
#include <gst/rtp/gstrtpbuffer.h>

#include <algorithm>
#include <vector>

namespace opswall::video {

QJsonObject SyncSettings::toJson() const {
    return {{QStringLiteral("port"), int(port)},
            {QStringLiteral("baseTimeNs"), double(baseTimeNs)},
            {QStringLiteral("latencyMs"), latencyMs}};
}

std::optional<SyncSettings> SyncSettings::fromJson(const QJsonObject &o, QString *why) {
    const QJsonValue port = o.value(QStringLiteral("port"));
    const QJsonValue base = o.value(QStringLiteral("baseTimeNs"));
    const QJsonValue latency = o.value(QStringLiteral("latencyMs"));
    // JSON numbers are doubles: past 2^53 ns (104 days of uptime) the base time loses a few ns,
    // far below a frame. Checked against 2^62 ns.
    if (!port.isDouble() || port.toDouble() < 1 || port.toDouble() > 65535 ||
        port.toDouble() != double(port.toInt())) {
        *why = QStringLiteral("port: not a UDP port");
        return std::nullopt;
    }
    if (!base.isDouble() || base.toDouble() < 0 || base.toDouble() > 4.6e18) {
        *why = QStringLiteral("baseTimeNs: not a time");
        return std::nullopt;
    }
    if (!latency.isDouble() || latency.toInt() < 0 || latency.toInt() > 10000) {
        *why = QStringLiteral("latencyMs: not 0-10000");
        return std::nullopt;
    }
    SyncSettings s;
    s.port = quint16(port.toInt());
    s.baseTimeNs = qint64(base.toDouble());
    s.latencyMs = latency.toInt();
    return s;
}

std::shared_ptr<SharedClock> SharedClock::serve(const QString &host, int latencyMs,
                                                QString *error) {
    std::shared_ptr<SharedClock> self(new SharedClock);
    self->m_clock = gst_system_clock_obtain();
    GstNetTimeProvider *provider =
        gst_net_time_provider_new(self->m_clock, host.toUtf8().constData(), 0);
    if (!provider) {
        *error =
            QStringLiteral("the video clock cannot be served on %1 (GstNetTimeProvider)").arg(host);
        return nullptr;
    }
    self->m_provider = GST_OBJECT(provider);
    int port = 0;
    g_object_get(provider, "port", &port, nullptr);
    self->m_settings.port = quint16(port);
    self->m_settings.baseTimeNs = qint64(gst_clock_get_time(self->m_clock));
    self->m_settings.latencyMs = latencyMs;
    return self;
}

std::shared_ptr<SharedClock> SharedClock::follow(const QString &host, const SyncSettings &settings,
                                                 QString *error) {
    std::shared_ptr<SharedClock> self(new SharedClock);
    // Starts at the controller's base time, so that until its first answer the clock is at
    // least near the controller's (both are monotonic clocks of machines started apart).
    self->m_clock = gst_net_client_clock_new("opswall-video-clock", host.toUtf8().constData(),
                                             settings.port, GstClockTime(settings.baseTimeNs));
    if (!self->m_clock) {
        *error = QStringLiteral("the controller's video clock at %1:%2 cannot be followed")
                     .arg(host)
                     .arg(settings.port);
        return nullptr;
    }
    gst_object_ref_sink(self->m_clock);
    self->m_settings = settings;
    return self;
}

SharedClock::~SharedClock() {
    if (m_provider)
        gst_object_unref(m_provider);
    if (m_clock)
        gst_object_unref(m_clock);
}

qint64 SharedClock::nowNs() const {
    return qint64(gst_clock_get_time(m_clock));
}

bool SharedClock::synced() const {
    return m_provider || gst_clock_is_synced(m_clock);
}

bool SharedClock::waitForSync(int timeoutMs) const {
    return m_provider || gst_clock_wait_for_sync(m_clock, GstClockTime(timeoutMs) * GST_MSECOND);
}

void SharedClock::apply(GstElement *pipeline) const {
    // The GStreamer manual's recipe for network-synchronised playback: the one clock, no base
    // time of the pipeline's own (start time NONE), everyone's base time, one latency.
    gst_pipeline_use_clock(GST_PIPELINE(pipeline), m_clock);
    gst_element_set_start_time(pipeline, GST_CLOCK_TIME_NONE);
    gst_element_set_base_time(pipeline, GstClockTime(m_settings.baseTimeNs));
    gst_pipeline_set_latency(GST_PIPELINE(pipeline),
                             GstClockTime(m_settings.latencyMs) * GST_MSECOND);
}

// ───────────────────────────── RtpTimeTrace ─────────────────────────────

void RtpTimeTrace::attach(GstElement *depayloader) {
    PadPtr in(gst_element_get_static_pad(depayloader, "sink"));
    if (in)
        gst_pad_add_probe(
            in.get(), GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST),
            &RtpTimeTrace::onRtp, this, nullptr);
}

GstPadProbeReturn RtpTimeTrace::onRtp(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<RtpTimeTrace *>(data);
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
        if (list && gst_buffer_list_length(list) > 0)
            self->note(pad, gst_buffer_list_get(list, 0));
    } else {
        self->note(pad, GST_PAD_PROBE_INFO_BUFFER(info));
    }
    return GST_PAD_PROBE_OK;
}

void RtpTimeTrace::note(GstPad *pad, GstBuffer *buffer) {
    if (!buffer || !GST_BUFFER_PTS_IS_VALID(buffer))
        return;
    // Only the video's depayloader: an audio stream's RTP times are another clock's.
    CapsPtr caps(gst_pad_get_current_caps(pad));
    const GstStructure *rtpCaps =
        caps && gst_caps_get_size(caps.get()) > 0 ? gst_caps_get_structure(caps.get(), 0) : nullptr;
    if (!rtpCaps || g_strcmp0(gst_structure_get_string(rtpCaps, "media"), "video") != 0)
        return;
    const qint64 pts = qint64(GST_BUFFER_PTS(buffer));
    if (pts == m_lastPts) // the frame's other packets (one video streaming thread writes this)
        return;
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (!gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp))
        return;
    Stamp stamp;
    stamp.rtpTime = gst_rtp_buffer_get_timestamp(&rtp);
    gst_rtp_buffer_unmap(&rtp);
    gst_structure_get_int(rtpCaps, "clock-rate", &stamp.clockRate);
    m_lastPts = pts;
    std::lock_guard lock(m_mutex);
    m_ring[m_next] = Entry{pts, stamp};
    m_next = (m_next + 1) % m_ring.size();
}

RtpTimeTrace::Stamp RtpTimeTrace::find(qint64 ptsNs) {
    std::lock_guard lock(m_mutex);
    const auto it = std::find_if(m_ring.cbegin(), m_ring.cend(),
                                 [&](const Entry &e) { return e.pts == ptsNs; });
    return it == m_ring.cend() ? Stamp{} : it->stamp;
}

// ───────────────────────────── SyncTrail ─────────────────────────────

void SyncTrail::add(quint32 rtpTime, int clockRate, qint64 shownNs) {
    if (clockRate <= 0)
        return;
    if (m_count > 0) {
        const Point &last = m_points[(m_next + m_points.size() - 1) % m_points.size()];
        if (last.clockRate != clockRate)
            m_count = 0; // another stream: start again
    }
    m_points[m_next] = Point{rtpTime, clockRate, shownNs};
    m_next = (m_next + 1) % m_points.size();
    m_count = std::min(m_count + 1, m_points.size());
}

std::optional<SyncSample> SyncTrail::sample() const {
    if (m_count == 0)
        return std::nullopt;
    const Point &newest = m_points[(m_next + m_points.size() - 1) % m_points.size()];
    // Each frame's shown time carried to the newest frame's media time: a frame shown on time
    // gives the newest frame's shown time exactly; the median drops the late wake-ups.
    std::vector<qint64> at;
    at.reserve(m_count);
    for (size_t i = 0; i < m_count; ++i) {
        const Point &p = m_points[(m_next + m_points.size() - 1 - i) % m_points.size()];
        const qint64 ticks = qint32(newest.rtpTime - p.rtpTime); // wraps like RTP times do
        at.push_back(p.shownNs + ticks * 1000000000LL / newest.clockRate);
    }
    std::nth_element(at.begin(), at.begin() + qsizetype(at.size() / 2), at.end());
    return SyncSample{newest.rtpTime, newest.clockRate, at[at.size() / 2], int(m_count)};
}

} // namespace opswall::video
