#include "filetimeline.h"

#include "gstptr.h"

#include <algorithm>

namespace opswall::video {

qint64 FileTimeline::positionAt(qint64 runningNs) const {
    if (durationNs <= 0 || (originNs > 0 && runningNs < originNs))
        return 0; // a stamped clip waits at its beginning until its origin
    const qint64 r = (runningNs - originNs) % durationNs;
    return r < 0 ? r + durationNs : r;
}

qint64 FileTimeline::runningTimeOf(qint64 positionNs, qint64 nearRunningNs) const {
    if (durationNs <= 0)
        return std::max<qint64>(0, positionNs);
    qint64 rt = nearRunningNs - nearestLoop(nearRunningNs - originNs - positionNs, durationNs);
    // Not before the stamped clip's first loop; at least 0 without a stamp.
    const qint64 first = originNs > 0 ? originNs + positionNs : 0;
    while (rt < first)
        rt += durationNs;
    return rt;
}

qint64 FileTimeline::leadNs() const {
    return std::min(kLeadNs, durationNs / 4);
}

quint32 fileTicks(qint64 ns) {
    // In two parts: no overflow for any clip (13 hours of ticks fit 32 bits).
    return quint32(ns / 1000000000LL * kFileClockRate +
                   ns % 1000000000LL * kFileClockRate / 1000000000LL);
}

qint64 FileSync::nowRunningNs() const {
    const SyncSettings &s = m_clock->settings();
    return m_clock->nowNs() - s.baseTimeNs - qint64(s.latencyMs) * 1000000;
}

FileTimeline FileSync::timeline(qint64 durationNs) const {
    FileTimeline t{durationNs};
    if (m_startNs >= 0) {
        const SyncSettings &s = m_clock->settings();
        t.originNs = m_startNs - s.baseTimeNs - qint64(s.latencyMs) * 1000000;
    }
    return t;
}

void FileSync::attach(GstPad *tailSink) {
    if (tailSink)
        gst_pad_add_probe(tailSink, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, &FileSync::onEvent, this,
                          nullptr);
}

GstPadProbeReturn FileSync::onEvent(GstPad *, GstPadProbeInfo *info, gpointer data) {
    auto *self = static_cast<FileSync *>(data);
    GstEvent *event = GST_PAD_PROBE_INFO_EVENT(info);
    const qint64 duration = self->durationNs();
    if (GST_EVENT_TYPE(event) != GST_EVENT_SEGMENT || duration <= 0)
        return GST_PAD_PROBE_OK;
    const GstSegment *segment = nullptr;
    gst_event_parse_segment(event, &segment);
    if (!segment || segment->format != GST_FORMAT_TIME || segment->rate != 1.0 ||
        !GST_CLOCK_TIME_IS_VALID(segment->time))
        return GST_PAD_PROBE_OK;
    // The segment's first position (its stream time) goes where the timeline has it, at the
    // occurrence the seek aimed at (or, for a loop's seek back to 0, the one coming now).
    const FileTimeline timeline = self->timeline(duration);
    GstSegment placed;
    gst_segment_copy_into(segment, &placed);
    placed.base = guint64(
        timeline.runningTimeOf(qint64(segment->time), self->nowRunningNs() + timeline.leadNs()));
    GstEvent *replaced = gst_event_new_segment(&placed);
    gst_event_set_seqnum(replaced, gst_event_get_seqnum(event));
    gst_event_set_running_time_offset(replaced, gst_event_get_running_time_offset(event));
    gst_event_unref(event);
    GST_PAD_PROBE_INFO_DATA(info) = replaced;
    return GST_PAD_PROBE_OK;
}

bool FileSync::begin(GstElement *pipeline, QString *why) {
    gint64 duration = -1;
    const bool known = gst_element_query_duration(pipeline, GST_FORMAT_TIME, &duration) &&
                       duration >= FileTimeline::kMinDurationNs;
    gboolean seekable = FALSE;
    if (known) {
        QueryPtr query(gst_query_new_seeking(GST_FORMAT_TIME));
        if (gst_element_query(pipeline, query.get()))
            gst_query_parse_seeking(query.get(), nullptr, &seekable, nullptr, nullptr);
    }
    bool placed = false;
    if (!known) {
        *why =
            duration > 0
                ? QStringLiteral("shorter than %1 ms").arg(FileTimeline::kMinDurationNs / 1000000)
                : QStringLiteral("its duration is not known (a live stream)");
    } else if (!seekable) {
        *why = QStringLiteral("it cannot be seeked");
    } else {
        const FileTimeline timeline = this->timeline(qint64(duration));
        m_durationNs.store(duration, std::memory_order_relaxed);
        const qint64 position = timeline.positionAt(nowRunningNs() + timeline.leadNs());
        // A segment seek: the clip's end is SEGMENT_DONE, and loop() goes on without a flush.
        // HLS on demand (hlsdemux2) refuses segment seeks: a plain one then, and the clip's end
        // is EOS and a flushing seek back to 0 (VideoStream), placed on the timeline alike.
        const auto seek = [&](GstSeekFlags more) {
            return gst_element_seek(
                pipeline, 1.0, GST_FORMAT_TIME,
                GstSeekFlags(GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_ACCURATE | more),
                GST_SEEK_TYPE_SET, position, GST_SEEK_TYPE_NONE, -1);
        };
        placed = seek(GST_SEEK_FLAG_SEGMENT) || seek(GST_SEEK_FLAG_NONE);
        if (!placed) {
            m_durationNs.store(0, std::memory_order_relaxed);
            *why = QStringLiteral("the seek was refused");
        }
    }
    if (!placed) {
        // A timeline of its own from now: its prerolled first frame (running time about 0)
        // shows after the lead, as a pipeline with a base time of its own would show it.
        const SyncSettings &s = m_clock->settings();
        gst_element_set_base_time(pipeline, GstClockTime(m_clock->nowNs() + FileTimeline::kLeadNs -
                                                         qint64(s.latencyMs) * 1000000));
    }
    gst_element_set_state(pipeline, GST_STATE_PLAYING);
    return placed;
}

void FileSync::loop(GstElement *pipeline) {
    // Queued behind the last loop's data: its SEGMENT is placed by onEvent like any other.
    gst_element_seek(pipeline, 1.0, GST_FORMAT_TIME, GST_SEEK_FLAG_SEGMENT, GST_SEEK_TYPE_SET, 0,
                     GST_SEEK_TYPE_NONE, -1);
}

} // namespace opswall::video
