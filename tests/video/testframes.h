#pragma once
// One frame of videotestsrc in I420 with a given colorimetry, and the same frame through
// videoconvert to BGRx (real pipelines): the video tests' reference pictures
// (tst_video_convert, tst_video_yuvshader).
#include "video/gstptr.h"

#include <QSize>
#include <QString>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>

namespace opswall::video::test {

struct Pair {
    SamplePtr yuv;
    SamplePtr rgb;
};

// One frame of `pattern` as I420 with `colorimetry`, and the same frame through videoconvert.
inline Pair frames(const QString &pattern, QSize size, const QString &colorimetry) {
    const QString desc =
        QStringLiteral("videotestsrc pattern=%1 num-buffers=1 ! "
                       "video/x-raw,format=I420,width=%2,height=%3,colorimetry=%4 ! tee name=t "
                       "t. ! queue ! appsink name=yuv sync=false "
                       "t. ! queue ! videoconvert ! video/x-raw,format=BGRx ! appsink name=rgb "
                       "sync=false")
            .arg(pattern)
            .arg(size.width())
            .arg(size.height())
            .arg(colorimetry);
    GError *error = nullptr;
    ElementPtr pipeline(gst_parse_launch(desc.toUtf8().constData(), &error));
    ErrorPtr owned(error);
    if (!pipeline || error)
        return {};
    gst_element_set_state(pipeline.get(), GST_STATE_PLAYING);
    ElementPtr yuv(gst_bin_get_by_name(GST_BIN(pipeline.get()), "yuv"));
    ElementPtr rgb(gst_bin_get_by_name(GST_BIN(pipeline.get()), "rgb"));
    Pair out{SamplePtr(gst_app_sink_try_pull_sample(GST_APP_SINK(yuv.get()), 10 * GST_SECOND)),
             SamplePtr(gst_app_sink_try_pull_sample(GST_APP_SINK(rgb.get()), 10 * GST_SECOND))};
    gst_element_set_state(pipeline.get(), GST_STATE_NULL);
    return out;
}

} // namespace opswall::video::test
