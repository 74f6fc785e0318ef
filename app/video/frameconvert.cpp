#include "frameconvert.h"

#include <algorithm>
#include <atomic>
#include <utility>

#ifdef OPSWALL_HAVE_LIBYUV
#include <libyuv/convert_argb.h>
#endif

namespace opswall::video {

bool fastConvertAvailable() {
#ifdef OPSWALL_HAVE_LIBYUV
    return true;
#else
    return false;
#endif
}

#ifdef OPSWALL_HAVE_LIBYUV
namespace {
const libyuv::YuvConstants *constantsFor(const GstVideoInfo &info) {
    const bool full = info.colorimetry.range == GST_VIDEO_COLOR_RANGE_0_255;
    GstVideoColorMatrix matrix = info.colorimetry.matrix;
    if (matrix != GST_VIDEO_COLOR_MATRIX_BT601 && matrix != GST_VIDEO_COLOR_MATRIX_BT709 &&
        matrix != GST_VIDEO_COLOR_MATRIX_BT2020)
        matrix = GST_VIDEO_INFO_HEIGHT(&info) > 576 ? GST_VIDEO_COLOR_MATRIX_BT709
                                                    : GST_VIDEO_COLOR_MATRIX_BT601;
    switch (matrix) {
    case GST_VIDEO_COLOR_MATRIX_BT709:
        return full ? &libyuv::kYuvF709Constants : &libyuv::kYuvH709Constants;
    case GST_VIDEO_COLOR_MATRIX_BT2020:
        return full ? &libyuv::kYuvV2020Constants : &libyuv::kYuv2020Constants;
    default:
        return full ? &libyuv::kYuvJPEGConstants : &libyuv::kYuvI601Constants;
    }
}
} // namespace
#endif

bool convertI420ToRgb32(const GstVideoFrame &frame, QImage &out) {
#ifdef OPSWALL_HAVE_LIBYUV
    const int width = GST_VIDEO_FRAME_WIDTH(&frame);
    const int height = GST_VIDEO_FRAME_HEIGHT(&frame);
    if (GST_VIDEO_FRAME_FORMAT(&frame) != GST_VIDEO_FORMAT_I420 || out.isNull() ||
        out.format() != QImage::Format_RGB32 || out.size() != QSize(width, height))
        return false;
    // libyuv's ARGB is B, G, R, A in memory: QImage::Format_RGB32 on little-endian machines.
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "RGB32 is BGRA in memory only on little endian");
    const auto *frameData = &frame;
    auto *f = const_cast<GstVideoFrame *>(frameData); // the accessor macros are not const
    return libyuv::I420ToARGBMatrix(static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 0)),
                                    GST_VIDEO_FRAME_PLANE_STRIDE(f, 0),
                                    static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 1)),
                                    GST_VIDEO_FRAME_PLANE_STRIDE(f, 1),
                                    static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 2)),
                                    GST_VIDEO_FRAME_PLANE_STRIDE(f, 2), out.bits(),
                                    int(out.bytesPerLine()), constantsFor(frame.info), width,
                                    height) == 0;
#else
    Q_UNUSED(frame);
    Q_UNUSED(out);
    return false;
#endif
}

QImage FramePool::take(QSize size) {
    for (QImage &image : m_images) {
        if (image.isNull())
            continue;
        if (image.size() != size) {
            image = QImage(); // the stream changed size: old images go as their readers finish
            continue;
        }
        if (!image.isDetached())
            continue; // a tile's texture or the stream's last frame still shows it
        // Every other copy has been dropped; pair with those threads' releases before writing.
        std::atomic_thread_fence(std::memory_order_acquire);
        return std::exchange(image,
                             QImage()); // the caller is the sole owner: bits() copies nothing
    }
    return QImage(size, QImage::Format_RGB32);
}

void FramePool::keep(const QImage &image) {
    for (QImage &slot : m_images) {
        if (slot.isNull()) {
            slot = image;
            return;
        }
    }
    if (int(m_images.size()) < kKept)
        m_images.push_back(image);
}

int FramePool::kept() const {
    return int(std::count_if(m_images.begin(), m_images.end(),
                             [](const QImage &image) { return !image.isNull(); }));
}

} // namespace opswall::video
