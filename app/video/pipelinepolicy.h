#pragma once
// What a custom pipeline (a source of kind "pipeline") may contain. The description is parsed by
// GStreamer itself and every element of the result (nested bins included) is checked by its
// factory: a check on the text could be dodged by a URI element ("file:///…"), an alias or a
// bin in brackets; the parsed bin cannot.
//
// Allowed: the network and capture sources OpsWall plays anyway (rtspsrc, srtsrc, udpsrc,
// souphttpsrc, v4l2src, videotestsrc, audiotestsrc), anything GStreamer classes as a decoder,
// demuxer, parser or depayloader (and not also as a source, sink, muxer, encoder or payloader),
// and a fixed list of plumbing: queues, caps filters, converters, scalers, rate, crop, overlays.
// Everything else is refused with the element named: sinks of every kind (filesink,
// multifilesink, tcpclientsink, udpsink, shmsink, fdsink, appsink), filesrc and every other
// source, appsrc, queue2 (it can spill to a file), tee, identity, encoders and muxers.
//
// Custom pipelines are an admin's tool on top of this (app/core/permissions.cpp
// "source.pipeline"); the list stops an admin's mistake or a stolen admin token from turning the
// wall into a file reader or a network relay.
//
// GStreamer must be initialised (initGStreamer). Parsing creates the elements but never changes
// their state, so nothing is opened, read, written or connected by a check.

#include <QString>
#include <QStringList>

#include <optional>

typedef struct _GstBin GstBin;

namespace opswall::video {

// Whether one element may be part of a custom pipeline; klass is the factory's "Klass" metadata
// ("Sink/File", "Codec/Decoder/Video", …).
bool customPipelineElementAllowed(const QString &factoryName, const QString &klass);

// Parses description (gst-launch syntax) and checks every element. std::nullopt when all are
// allowed; otherwise a message for people naming the first element refused, or the parse error.
std::optional<QString> checkCustomPipeline(const QString &description);

// The same check on a bin already built (PipelineInstance, before it goes to PLAYING); the
// element named skipName (our own decodebin) is not checked.
std::optional<QString> checkCustomPipelineBin(GstBin *bin, const char *skipName = nullptr);

// For the README and error messages.
QStringList allowedCustomPipelineSources();

} // namespace opswall::video
