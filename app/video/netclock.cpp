#include "netclock.h"

#include "filetimeline.h"

#include <QJsonValue>

#include <gst/net/gstnet.h>
#include <gst/rtp/gstrtpbuffer.h>

#include <algorithm>
#include <limits>
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

// ───────────────────────────── RtpTimeline ─────────────────────────────

qint64 RtpTimeline::extend(quint32 rtpTime) const {
    return m_lastExt + qint32(rtpTime - m_lastRtp); // RTP times wrap at 2^32
}

qint64 RtpTimeline::mediaNs(qint64 extended) const {
    const qint64 ticks = extended - m_firstExt; // in two parts: no overflow in a year of 90 kHz
    return ticks / m_rate * 1000000000LL + ticks % m_rate * 1000000000LL / m_rate;
}

void RtpTimeline::arrived(quint32 rtpTime, int clockRate, qint64 arrivalNs) {
    if (clockRate <= 0)
        return;
    if (clockRate != m_rate || m_nowSecond < 0) { // the first packet, or another stream
        *this = RtpTimeline{};
        m_rate = clockRate;
        m_lastRtp = rtpTime;
        m_lastExt = m_firstExt = rtpTime;
    }
    const qint64 ext = extend(rtpTime);
    if (ext > m_lastExt) {
        m_lastExt = ext;
        m_lastRtp = rtpTime;
    }
    const qint64 offset = arrivalNs - mediaNs(ext);
    const qint64 second = arrivalNs / 1000000000LL;
    if (m_startSecond < 0)
        m_startSecond = second;
    else if (second >= m_startSecond + kStartSecs) {
        m_buckets.fill(Bucket{});
        m_startSecond = std::numeric_limits<qint64>::max(); // once
    }
    m_nowSecond = std::max(m_nowSecond, second);
    Bucket &b = m_buckets[size_t(second % kWindowSecs)];
    if (b.second != second)
        b = Bucket{second, offset};
    else
        b.minOffsetNs = std::min(b.minOffsetNs, offset);
}

std::optional<qint64> RtpTimeline::ptsOf(quint32 rtpTime, int clockRate) const {
    if (m_nowSecond < 0 || clockRate != m_rate)
        return std::nullopt;
    std::optional<qint64> smallest;
    for (const Bucket &b : m_buckets)
        if (b.second > m_nowSecond - kWindowSecs && b.second >= 0)
            smallest = std::min(smallest.value_or(b.minOffsetNs), b.minOffsetNs);
    if (!smallest)
        return std::nullopt;
    return mediaNs(extend(rtpTime)) + *smallest;
}

// ───────────────────────────── RtpTimeTrace ─────────────────────────────

namespace {
// The clock rate of a video RTP pad; 0 for anything else (an audio stream's RTP times are
// another clock's).
int videoClockRate(GstPad *pad) {
    CapsPtr caps(gst_pad_get_current_caps(pad));
    const GstStructure *s =
        caps && gst_caps_get_size(caps.get()) > 0 ? gst_caps_get_structure(caps.get(), 0) : nullptr;
    int rate = 0;
    if (!s || g_strcmp0(gst_structure_get_string(s, "media"), "video") != 0 ||
        !gst_structure_get_int(s, "clock-rate", &rate))
        return 0;
    return rate;
}

std::optional<quint32> rtpTimeOf(GstBuffer *buffer) {
    GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
    if (!buffer || !gst_rtp_buffer_map(buffer, GST_MAP_READ, &rtp))
        return std::nullopt;
    const quint32 time = gst_rtp_buffer_get_timestamp(&rtp);
    gst_rtp_buffer_unmap(&rtp);
    return time;
}

constexpr auto kBuffers =
    GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST);
} // namespace

void RtpTimeTrace::attachJitterBuffer(GstElement *jitterBuffer) {
    if (PadPtr in{gst_element_get_static_pad(jitterBuffer, "sink")})
        gst_pad_add_probe(in.get(), kBuffers, &RtpTimeTrace::onArrival, this, nullptr);
}

void RtpTimeTrace::attachDepayloader(GstElement *depayloader) {
    if (PadPtr in{gst_element_get_static_pad(depayloader, "sink")})
        gst_pad_add_probe(in.get(), kBuffers, &RtpTimeTrace::onDepay, this, nullptr);
}

GstPadProbeReturn RtpTimeTrace::onArrival(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<RtpTimeTrace *>(data);
    const int rate = videoClockRate(pad);
    if (rate <= 0)
        return GST_PAD_PROBE_OK;
    // Now, on the shared clock, as running time: the probe runs as the packet is received.
    const qint64 arrivalNs = self->m_clock->nowNs() - self->m_clock->settings().baseTimeNs;
    auto note = [&](GstBuffer *buffer) {
        if (const auto time = rtpTimeOf(buffer)) {
            std::lock_guard lock(self->m_mutex);
            self->m_timeline.arrived(*time, rate, arrivalNs);
        }
    };
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
        for (guint i = 0; list && i < gst_buffer_list_length(list); ++i)
            note(gst_buffer_list_get(list, i));
    } else {
        note(GST_PAD_PROBE_INFO_BUFFER(info));
    }
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn RtpTimeTrace::onDepay(GstPad *pad, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<RtpTimeTrace *>(data);
    const int rate = videoClockRate(pad);
    if (rate <= 0)
        return GST_PAD_PROBE_OK;
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList *list = gst_buffer_list_make_writable(GST_PAD_PROBE_INFO_BUFFER_LIST(info));
        GST_PAD_PROBE_INFO_DATA(info) = list;
        for (guint i = 0; i < gst_buffer_list_length(list); ++i)
            self->retime(gst_buffer_list_get_writable(list, i), rate);
    } else {
        GstBuffer *buffer = gst_buffer_make_writable(GST_PAD_PROBE_INFO_BUFFER(info));
        GST_PAD_PROBE_INFO_DATA(info) = buffer;
        self->retime(buffer, rate);
    }
    return GST_PAD_PROBE_OK;
}

void RtpTimeTrace::retime(GstBuffer *buffer, int clockRate) {
    const std::optional<quint32> time = rtpTimeOf(buffer);
    if (!time)
        return;
    // Every packet of a frame gets the frame's first packet's time (the window may move between
    // them); a frame is noted once.
    if (m_lastPts < 0 || *time != m_lastRtp) {
        std::lock_guard lock(m_mutex);
        const std::optional<qint64> pts = m_timeline.ptsOf(*time, clockRate);
        if (!pts || *pts < 0)
            return; // the jitter buffer's time stays
        m_lastRtp = *time;
        m_lastPts = *pts;
        m_ring[m_next] = Entry{*pts, Stamp{*time, clockRate}};
        m_next = (m_next + 1) % m_ring.size();
    }
    GST_BUFFER_PTS(buffer) = GstClockTime(m_lastPts);
    GST_BUFFER_DTS(buffer) = GstClockTime(m_lastPts);
}

RtpTimeTrace::Stamp RtpTimeTrace::find(qint64 ptsNs) {
    std::lock_guard lock(m_mutex);
    const auto it = std::find_if(m_ring.cbegin(), m_ring.cend(),
                                 [&](const Entry &e) { return e.pts == ptsNs; });
    return it == m_ring.cend() ? Stamp{} : it->stamp;
}

// ───────────────────────────── SyncTrail ─────────────────────────────

void SyncTrail::add(quint32 rtpTime, int clockRate, qint64 shownNs, quint32 loopTicks) {
    if (clockRate <= 0)
        return;
    if (m_count > 0) {
        const Point &last = m_points[(m_next + m_points.size() - 1) % m_points.size()];
        if (last.clockRate != clockRate || last.loopTicks != loopTicks)
            m_count = 0; // another stream: start again
    }
    m_points[m_next] = Point{rtpTime, clockRate, shownNs, loopTicks};
    m_next = (m_next + 1) % m_points.size();
    m_count = std::min(m_count + 1, m_points.size());
}

std::optional<SyncSample> SyncTrail::sample() const {
    if (m_count == 0)
        return std::nullopt;
    const Point &newest = m_points[(m_next + m_points.size() - 1) % m_points.size()];
    const qint64 loopNs = qint64(newest.loopTicks) * 1000000000LL / newest.clockRate;
    // Each frame's shown time carried to the newest frame's media time: a frame shown on time
    // gives the newest frame's shown time exactly; the median drops the late wake-ups. A file's
    // position goes back to 0 at each loop: the carried time is taken at the loop nearest to
    // the newest frame's shown time.
    std::vector<qint64> at;
    at.reserve(m_count);
    for (size_t i = 0; i < m_count; ++i) {
        const Point &p = m_points[(m_next + m_points.size() - 1 - i) % m_points.size()];
        const qint64 ticks = qint32(newest.rtpTime - p.rtpTime); // wraps like RTP times do
        const qint64 carried = p.shownNs + ticks * 1000000000LL / newest.clockRate;
        at.push_back(newest.shownNs + nearestLoop(carried - newest.shownNs, loopNs));
    }
    std::nth_element(at.begin(), at.begin() + qsizetype(at.size() / 2), at.end());
    return SyncSample{newest.rtpTime, newest.clockRate, at[at.size() / 2], int(m_count),
                      newest.loopTicks};
}

} // namespace opswall::video
