#include "livehlssync.h"

#include "gstptr.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>

namespace opswall::video {

namespace {
constexpr qint64 kTicksPerSecond = 90000;
constexpr qint64 kWrap33 = qint64(1) << 33;

qint64 ticksToNs(qint64 ticks) {
    return ticks / kTicksPerSecond * 1000000000LL +
           ticks % kTicksPerSecond * 1000000000LL / kTicksPerSecond;
}
qint64 nsToTicks(qint64 ns) {
    // Rounded: a PTS made from ticks (gst_util_uint64_scale floors) comes back to its ticks.
    const qint64 whole = ns / 1000000000LL;
    const qint64 rest = ns % 1000000000LL;
    return whole * kTicksPerSecond + (rest * kTicksPerSecond + 500000000LL) / 1000000000LL;
}
// Within two frames at 30 fps: the same pairing of PES and demuxed buffer.
constexpr qint64 kSamePairNs = 2 * 1000000LL;
} // namespace

qint64 ticksApartNs(quint32 a, quint32 b) {
    return ticksToNs(qint64(qint32(a - b)));
}

void MpegTsPtsReader::feed(const quint8 *data, qsizetype size, QList<qint64> *pts) {
    qsizetype i = 0;
    if (m_partialSize > 0) {
        const qsizetype take = std::min<qsizetype>(188 - m_partialSize, size);
        std::memcpy(m_partial + m_partialSize, data, size_t(take));
        m_partialSize += int(take);
        i = take;
        if (m_partialSize < 188)
            return;
        m_partialSize = 0;
        if (m_partial[0] == 0x47)
            packet(m_partial, pts);
    }
    while (i < size) {
        // Out of step (a sync byte not followed by another a packet later, where that can be
        // seen): on to the next sync byte.
        if (data[i] != 0x47 || (i + 188 < size && data[i + 188] != 0x47)) {
            ++i;
            continue;
        }
        if (size - i < 188) {
            m_partialSize = int(size - i);
            std::memcpy(m_partial, data + i, size_t(m_partialSize));
            return;
        }
        packet(data + i, pts);
        i += 188;
    }
}

void MpegTsPtsReader::packet(const quint8 *p, QList<qint64> *pts) {
    const bool payloadStart = p[1] & 0x40;
    const int pid = (p[1] & 0x1f) << 8 | p[2];
    const int adaptation = (p[3] >> 4) & 3;
    if (!payloadStart || adaptation == 0 || adaptation == 2 || pid == 0x1fff)
        return;
    if (m_videoPid >= 0 && pid != m_videoPid)
        return;
    int offset = 4;
    if (adaptation == 3)
        offset += 1 + p[4];
    if (offset + 14 > 188)
        return;
    const quint8 *e = p + offset;
    // A PES header: 00 00 01, a video stream id, its PTS flag (PTS or PTS and DTS).
    if (e[0] != 0 || e[1] != 0 || e[2] != 1 || (e[3] & 0xf0) != 0xe0 || !(e[7] & 0x80))
        return;
    m_videoPid = pid;
    const quint8 *t = e + 9;
    pts->append(qint64(t[0] & 0x0e) << 29 | qint64(t[1]) << 22 | qint64(t[2] & 0xfe) << 14 |
                qint64(t[3]) << 7 | qint64(t[4]) >> 1);
}

void LiveHlsSync::attachDemuxer(GstElement *tsdemux) {
    PadPtr in(gst_element_get_static_pad(tsdemux, "sink"));
    if (!in)
        return;
    gst_pad_add_probe(in.get(),
                      GstPadProbeType(GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST |
                                      GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM |
                                      GST_PAD_PROBE_TYPE_EVENT_FLUSH),
                      &LiveHlsSync::onInput, this, nullptr);
    g_signal_connect(tsdemux, "pad-added", G_CALLBACK(&LiveHlsSync::onPadAdded), this);
}

void LiveHlsSync::onPadAdded(GstElement *, GstPad *pad, gpointer data) {
    // tsdemux names its pads by kind: video_<program>_<pid>.
    if (!g_str_has_prefix(GST_PAD_NAME(pad), "video"))
        return;
    auto *self = static_cast<LiveHlsSync *>(data);
    {
        std::lock_guard lock(self->m_mutex);
        if (self->m_videoPads++ > 0)
            return; // the first video stream only (the one the tiles show)
    }
    gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, &LiveHlsSync::onOutput, self, nullptr);
}

GstPadProbeReturn LiveHlsSync::onInput(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<LiveHlsSync *>(data);
    if (info->type & (GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM | GST_PAD_PROBE_TYPE_EVENT_FLUSH)) {
        GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
        if (GST_EVENT_TYPE(event) == GST_EVENT_FLUSH_STOP) {
            std::lock_guard lock(self->m_mutex);
            self->m_reader.reset();
            self->m_waiting.clear();
        }
        return GST_PAD_PROBE_OK;
    }
    const auto read = [self](GstBuffer *buffer) {
        if (GST_BUFFER_FLAG_IS_SET(buffer, GST_BUFFER_FLAG_DISCONT))
            self->m_reader.reset(); // a new segment's bytes: no packet continues over it
        GstMapInfo map;
        if (!gst_buffer_map(buffer, &map, GST_MAP_READ))
            return;
        QList<qint64> pts;
        self->m_reader.feed(map.data, qsizetype(map.size), &pts);
        gst_buffer_unmap(buffer, &map);
        self->m_waiting.insert(self->m_waiting.end(), pts.cbegin(), pts.cend());
        while (self->m_waiting.size() > 600) // a demuxer that puts out nothing: bounded
            self->m_waiting.pop_front();
    };
    std::lock_guard lock(self->m_mutex);
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
        for (guint i = 0; list && i < gst_buffer_list_length(list); ++i)
            read(gst_buffer_list_get(list, i));
    } else if (GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info)) {
        read(buffer);
    }
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn LiveHlsSync::onOutput(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<LiveHlsSync *>(data);
    GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER(info);
    if (!buffer || !GST_BUFFER_PTS_IS_VALID(buffer))
        return GST_PAD_PROBE_OK; // a PES without a PTS: the reader skipped it too
    const qint64 out = qint64(GST_BUFFER_PTS(buffer));
    std::lock_guard lock(self->m_mutex);
    if (self->m_waiting.empty())
        return GST_PAD_PROBE_OK;
    // One buffer per PES, in order; a PES the demuxer dropped is passed over when the mapping
    // known so far places this buffer at a later one.
    if (self->m_deltaNs) {
        for (auto it = self->m_waiting.cbegin(); it != self->m_waiting.cend(); ++it) {
            if (std::abs(out - ticksToNs(*it) - *self->m_deltaNs) < kSamePairNs) {
                self->m_waiting.erase(self->m_waiting.cbegin(), it + 1);
                return GST_PAD_PROBE_OK;
            }
        }
    }
    self->m_deltaNs = out - ticksToNs(self->m_waiting.front());
    self->m_waiting.pop_front();
    return GST_PAD_PROBE_OK;
}

std::optional<quint32> LiveHlsSync::mpegPtsOf(qint64 ptsNs) const {
    std::lock_guard lock(m_mutex);
    if (!m_deltaNs || ptsNs < 0)
        return std::nullopt;
    const qint64 ticks = nsToTicks(ptsNs - *m_deltaNs) % kWrap33;
    return quint32((ticks + kWrap33) % kWrap33);
}

void LiveHlsSync::setAnchor(std::optional<LiveAnchor> anchor) {
    std::lock_guard lock(m_mutex);
    m_anchor = anchor;
}

std::optional<LiveAnchor> LiveHlsSync::anchor() const {
    std::lock_guard lock(m_mutex);
    return m_anchor;
}

std::optional<qint64> LiveHlsSync::offsetFor(GstElement *sink, qint64 ptsNs,
                                             const GstSegment *segment) const {
    const std::optional<LiveAnchor> wanted = anchor();
    const std::optional<quint32> pts = mpegPtsOf(ptsNs);
    if (!wanted || !pts || !sink || !segment || segment->format != GST_FORMAT_TIME)
        return std::nullopt;
    const guint64 running =
        gst_segment_to_running_time(segment, GST_FORMAT_TIME, GstClockTime(ptsNs));
    if (!GST_CLOCK_TIME_IS_VALID(running))
        return std::nullopt;
    // When the sink shows it without an offset: base time + running time + the latency.
    const qint64 natural = qint64(gst_element_get_base_time(sink)) + qint64(running) +
                           qint64(m_clock->settings().latencyMs) * 1000000;
    const qint64 due = wanted->shownNs + ticksApartNs(*pts, wanted->pts);
    return due - natural;
}

} // namespace opswall::video
