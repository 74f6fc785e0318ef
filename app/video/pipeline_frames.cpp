// The frame path: the appsink callback that hands each frame over, the pad probes that count
// encoded bytes and note the latency benchmark's stage times, and the mapped-sample QImage.
#include "pipeline.h"
#include "pipeline_p.h"

#include "gstsupport.h"
#include "pipelinepolicy.h"

#include <gst/app/gstappsink.h>
#include <gst/video/video.h>

#include <algorithm>

namespace opswall::video {

namespace detail {

namespace {
void releaseMappedFrame(void *info) {
    auto *frame = static_cast<GstVideoFrame *>(info);
    gst_video_frame_unmap(frame); // drops the buffer reference taken by gst_video_frame_map
    delete frame;
}

} // namespace

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

} // namespace detail

using detail::fromUtf8;
using detail::wrapSample;

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

namespace {
// The probe's buffer, or the first of its list.
GstBuffer *firstBuffer(GstPadProbeInfo *info) {
    if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST) {
        GstBufferList *list = GST_PAD_PROBE_INFO_BUFFER_LIST(info);
        return list && gst_buffer_list_length(list) > 0 ? gst_buffer_list_get(list, 0) : nullptr;
    }
    return GST_PAD_PROBE_INFO_BUFFER(info);
}
} // namespace

GstPadProbeReturn PipelineInstance::onJitterIn(GstPad *, GstPadProbeInfo *info, gpointer data) {
    if (GstBuffer *buffer = firstBuffer(info))
        static_cast<PipelineInstance *>(data)->m_trace->arrived(buffer);
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn PipelineInstance::onDepayIn(GstPad *, GstPadProbeInfo *info, gpointer data) {
    if (GstBuffer *buffer = firstBuffer(info))
        static_cast<PipelineInstance *>(data)->m_trace->received(buffer);
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn PipelineInstance::onDepayOut(GstPad *, GstPadProbeInfo *info, gpointer data) {
    static_cast<PipelineInstance *>(data)->m_trace->note(GST_PAD_PROBE_INFO_BUFFER(info),
                                                         &StageTrace::Entry::depayedUs);
    return GST_PAD_PROBE_OK;
}

GstPadProbeReturn PipelineInstance::onDecoded(GstPad *, GstPadProbeInfo *info, gpointer data) {
    static_cast<PipelineInstance *>(data)->m_trace->note(GST_PAD_PROBE_INFO_BUFFER(info),
                                                         &StageTrace::Entry::decodedUs);
    return GST_PAD_PROBE_OK;
}

void PipelineInstance::stampMediaTime(Frame &frame, GstSample *sample) {
    if (m_rtpTimes) {
        const RtpTimeTrace::Stamp stamp = m_rtpTimes->find(frame.ptsNs);
        frame.rtpTime = stamp.rtpTime;
        frame.rtpClockRate = stamp.clockRate;
    }
    const qint64 loopNs = m_fileSync ? m_fileSync->durationNs() : 0;
    const GstSegment *segment = gst_sample_get_segment(sample);
    if (loopNs > 0 && frame.ptsNs >= 0 && segment && segment->format == GST_FORMAT_TIME) {
        // Its position in the clip (stream time), which the wall's timeline places.
        const guint64 position =
            gst_segment_to_stream_time(segment, GST_FORMAT_TIME, GstClockTime(frame.ptsNs));
        if (GST_CLOCK_TIME_IS_VALID(position)) {
            frame.rtpTime = fileTicks(qint64(position) % loopNs);
            frame.rtpClockRate = kFileClockRate;
            frame.loopTicks = fileTicks(loopNs);
        }
    } else if (m_liveSync && m_liveHls.load() && frame.ptsNs >= 0) {
        // Live HLS: its MPEG-TS PTS, the same on every player (livehlssync.h), and the sinks'
        // offset that shows it where the controller's anchor wants it.
        if (const std::optional<quint32> pts = m_liveSync->mpegPtsOf(frame.ptsNs)) {
            frame.rtpTime = *pts;
            frame.rtpClockRate = 90000;
        }
        // The OpenGL tail places its frames at the tee (onGlFrame), before its sinks wait: this
        // is its snapshot sink (m_appSink null), which only reports.
        if (m_appSink)
            placeLive(m_appSink, frame.ptsNs, segment);
    }
}

void PipelineInstance::placeLive(GstElement *sink, qint64 ptsNs, const GstSegment *segment) {
    const std::optional<qint64> offset = m_liveSync->offsetFor(sink, ptsNs, segment);
    if (!offset)
        return;
    const bool far = std::abs(*offset) > LiveHlsSync::kMaxOffsetNs;
    if (far && !m_liveFarSaid.exchange(true))
        qWarning("video: live HLS: the controller's anchor is %.1f s from this stream's "
                 "pictures (its timestamps jumped?); played on its own timeline",
                 double(*offset) / 1e9);
    setLiveOffset(far ? 0 : *offset);
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
    frame.arrivalUs = g_get_monotonic_time();
    GstVideoInfo vinfo;
    if (gst_video_info_from_caps(&vinfo, gst_sample_get_caps(sample.get())) &&
        GST_VIDEO_INFO_FORMAT(&vinfo) == GST_VIDEO_FORMAT_I420) {
        // The tail asked for I420 (frameconvert.h): scaled here to the biggest tile, and
        // converted into a pooled image only where a tile draws textures.
        const QSize decoded(GST_VIDEO_INFO_WIDTH(&vinfo), GST_VIDEO_INFO_HEIGHT(&vinfo));
        const quint64 wanted = self->m_outputSize.load();
        const QSize target(int(wanted >> 32), int(wanted & 0xffffffffu));
        const bool scale =
            wanted != 0 && target.width() <= decoded.width() && target.height() <= decoded.height();
        frame.yuv = self->m_yuvPool.make(buffer, vinfo, scale ? target : decoded);
        if (!frame.yuv)
            return GST_FLOW_OK;
        if (self->m_rgbWanted.load(std::memory_order_relaxed)) {
            QImage image = self->m_pool.take(frame.yuv->size());
            if (image.isNull() || !frame.yuv->convertTo(image))
                return GST_FLOW_OK;
            self->m_pool.keep(image);
            frame.image = std::move(image);
        }
    } else {
        frame.image = wrapSample(sample.get(), QImage::Format_RGB32); // BGRx from videoconvert
        if (frame.image.isNull())
            return GST_FLOW_OK;
    }
    frame.sequence = ++self->m_sequence;
    frame.ptsNs = GST_BUFFER_PTS_IS_VALID(buffer) ? qint64(GST_BUFFER_PTS(buffer)) : -1;
    self->stampMediaTime(frame, sample.get());
    if (self->m_trace) {
        const StageTrace::Entry stages = self->m_trace->find(frame.ptsNs);
        frame.arrivedUs = stages.arrivedUs;
        frame.receivedUs = stages.receivedUs;
        frame.depayedUs = stages.depayedUs;
        frame.decodedUs = stages.decodedUs;
        frame.convertedUs = g_get_monotonic_time();
    }
    self->m_counters.frames.fetch_add(1, std::memory_order_relaxed);
    // A live HLS source moved later by its anchor holds its next frame that much longer: the
    // frame watchdog counts from when it is due (setLiveOffset).
    self->m_counters.lastFrameUs.store(std::max(frame.arrivalUs, self->m_liveHoldUntilUs.load()),
                                       std::memory_order_relaxed);
    self->m_link->putFrame(std::move(frame), &self->m_counters);
    return GST_FLOW_OK;
}

} // namespace opswall::video
