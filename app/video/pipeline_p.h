#pragma once
// Inside app/video: helpers that pipeline.cpp and pipeline_gl.cpp (the OpenGL display path's
// tail) share.

#include <QImage>

#include <gst/gst.h>

namespace opswall::video::detail {

// gst_element_factory_make with no name; null when the plug-in is missing.
GstElement *make(const char *factory);
// The sample's picture as a QImage wrapping the mapped frame (no copy; unmapped when the last
// QImage copy goes). Null where the sample cannot be mapped.
QImage wrapSample(GstSample *sample, QImage::Format format);

} // namespace opswall::video::detail
