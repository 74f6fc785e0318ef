#pragma once
// Inside app/video: helpers that pipeline.cpp and pipeline_gl.cpp (the OpenGL display path's
// tail) share.

#include <QImage>
#include <QString>

#include <algorithm>
#include <array>
#include <mutex>

#include <gst/gst.h>

namespace opswall::video::detail {

// gst_element_factory_make with no name; null when the plug-in is missing.
GstElement *make(const char *factory);
// The sample's picture as a QImage wrapping the mapped frame (no copy; unmapped when the last
// QImage copy goes). Null where the sample cannot be mapped.
QImage wrapSample(GstSample *sample, QImage::Format format);

// A GLib string as a QString (empty for null).
inline QString fromUtf8(const gchar *text) {
    return text ? QString::fromUtf8(text) : QString();
}

} // namespace opswall::video::detail

namespace opswall::video {

// The latency benchmark's stage times: pad probes on the depayloader and the decoder note when
// each frame passed, keyed by its PTS (RTP depayloaders and decoders keep it), and the appsink
// callback copies them into the Frame. Probes are added only with OPSWALL_VIDEO_STAGES=1.
struct StageTrace {
    struct Entry {
        qint64 pts = -1;
        qint64 arrivedUs = -1; // the frame's first packet at the jitter buffer
        qint64 receivedUs = -1;
        qint64 depayedUs = -1;
        qint64 decodedUs = -1;
    };
    std::mutex mutex;
    std::array<Entry, 64> ring{};
    size_t next = 0;

    void note(GstBuffer *buffer, qint64 Entry::*field) {
        if (!GST_BUFFER_PTS_IS_VALID(buffer))
            return;
        const qint64 pts = qint64(GST_BUFFER_PTS(buffer));
        const qint64 now = g_get_monotonic_time();
        std::lock_guard lock(mutex);
        auto it =
            std::find_if(ring.begin(), ring.end(), [&](const Entry &e) { return e.pts == pts; });
        if (it == ring.end()) {
            it = ring.begin() + qsizetype(next);
            next = (next + 1) % ring.size();
            *it = Entry{};
            it->pts = pts;
        }
        if ((*it).*field < 0)
            (*it).*field = now; // the first packet of the frame, the first output
    }
    // RTP packets before the jitter buffer have no PTS of the frame yet: keyed by RTP time.
    std::array<std::pair<quint32, qint64>, 64> arrivals{};
    size_t nextArrival = 0;

    static std::optional<quint32> rtpTime(GstBuffer *buffer) {
        guint8 header[8];
        if (gst_buffer_extract(buffer, 0, header, sizeof header) != sizeof header ||
            (header[0] >> 6) != 2)
            return std::nullopt;
        return quint32(header[4]) << 24 | quint32(header[5]) << 16 | quint32(header[6]) << 8 |
               quint32(header[7]);
    }
    void arrived(GstBuffer *buffer) {
        const std::optional<quint32> time = rtpTime(buffer);
        if (!time)
            return;
        const qint64 now = g_get_monotonic_time();
        std::lock_guard lock(mutex);
        for (const auto &a : arrivals) {
            if (a.second > 0 && a.first == *time)
                return; // the frame's first packet is noted
        }
        arrivals[nextArrival] = {*time, now};
        nextArrival = (nextArrival + 1) % arrivals.size();
    }
    // At the depayloader's input: the frame's jitter-buffer arrival, by RTP time, onto its PTS.
    void received(GstBuffer *buffer) {
        note(buffer, &Entry::receivedUs);
        const std::optional<quint32> time = rtpTime(buffer);
        if (!time || !GST_BUFFER_PTS_IS_VALID(buffer))
            return;
        std::lock_guard lock(mutex);
        const auto a = std::find_if(arrivals.begin(), arrivals.end(), [&](const auto &x) {
            return x.second > 0 && x.first == *time;
        });
        const qint64 pts = qint64(GST_BUFFER_PTS(buffer));
        const auto e =
            std::find_if(ring.begin(), ring.end(), [&](const Entry &x) { return x.pts == pts; });
        if (a != arrivals.end() && e != ring.end() && e->arrivedUs < 0)
            e->arrivedUs = a->second;
    }
    Entry find(qint64 pts) {
        std::lock_guard lock(mutex);
        auto it =
            std::find_if(ring.begin(), ring.end(), [&](const Entry &e) { return e.pts == pts; });
        return it == ring.end() ? Entry{} : *it;
    }
};

} // namespace opswall::video
