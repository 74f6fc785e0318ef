#pragma once
// Pure: a VideoSource → the gst-launch description of its "front" (source + demux + decode) and
// the settings applied to elements created later. No GStreamer calls, so it is unit-tested with
// plain strings. PipelineInstance (pipeline.h) parses the front, then attaches the display tail:
//
//   front (this file)                      tail (pipeline.cpp, one per pipeline)
//   ┌────────────────────────┐ video  ┌──────────┐ ┌────────────┐ ┌────────────┐ ┌──────────┐
//   │ … ! <element name=dec> │──pad──▶│videoscale│▶│videoconvert│▶│ capsfilter │▶│ appsink  │
//   │ (decoded or raw video) │        └──────────┘ └────────────┘ │ BGRx[,WxH] │ │sync=!live│
//   └────────────────────────┘                                    └────────────┘ └──────────┘
//        │ audio pad → queue ! audioconvert ! audioresample ! volume(mute) ! audio sink
//        └ other pads → fakesink
//
// The element named "dec" either has dynamic pads (uridecodebin, decodebin) or a static "src" pad.

#include "videosource.h"

#include <QList>
#include <QPair>
#include <QString>

namespace opswall::video {

struct PipelinePlan {
    QString front; // gst-launch syntax, contains an element named "dec"
    // Properties set on the source element uridecodebin creates ("source-setup"), when it has them.
    QList<QPair<QByteArray, QString>> sourceProperties;
    bool live = true;         // shown as it arrives; false: paced by the clock (files, HLS)
    bool loop = false;        // seek back to the start on end-of-stream (local files)
    bool tuneTsDemux = false; // SRT carries MPEG-TS: tsdemux latency=0 (STACK-NOTES: 1.1 s → 0.2 s)
    QString sdpText;          // RtpUdp: the stream writes it to a file and fills in %SDP_PATH%
    bool custom = false;      // Pipeline: checked against the allow-list before it plays
    bool hls = false;         // Hls: a live playlist can be put in step (livehlssync.h)
};

// Fails (with a message naming the field) only when the source does not validate.
struct PlanResult {
    std::optional<PipelinePlan> plan;
    QString error;
};
PlanResult buildPlan(const VideoSource &source);

// Quotes a value for gst-launch syntax: "…" with \ and " escaped.
QString gstQuote(const QString &value);

// The SRT URI with mode and latency as srtsrc understands them (srt://host:port?mode=caller&…).
QString srtUri(const VideoSource &source);

} // namespace opswall::video
