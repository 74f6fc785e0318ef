#include "frameconvert.h"

#include <algorithm>
#include <atomic>
#include <utility>

#ifdef OPSWALL_HAVE_LIBYUV
#include <libyuv/convert_argb.h>
#include <libyuv/scale.h>
#endif

namespace opswall::video {

bool fastConvertAvailable() {
#ifdef OPSWALL_HAVE_LIBYUV
    // OPSWALL_VIDEO_VIDEOCONVERT=1: pipelines built from now on convert with videoconvert (the
    // benchmark's before-and-after in one run).
    return qEnvironmentVariableIntValue("OPSWALL_VIDEO_VIDEOCONVERT") != 1;
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

bool convertI420ToRgb32(const GstVideoFrame &frame, QImage &out, std::vector<uint8_t> *scratch) {
#ifdef OPSWALL_HAVE_LIBYUV
    auto *f = const_cast<GstVideoFrame *>(&frame); // the accessor macros are not const
    const int width = GST_VIDEO_FRAME_WIDTH(f);
    const int height = GST_VIDEO_FRAME_HEIGHT(f);
    if (GST_VIDEO_FRAME_FORMAT(f) != GST_VIDEO_FORMAT_I420 || out.isNull() ||
        out.format() != QImage::Format_RGB32 || out.width() > width || out.height() > height)
        return false;
    const auto *y = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 0));
    const auto *u = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 1));
    const auto *v = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, 2));
    int yStride = GST_VIDEO_FRAME_PLANE_STRIDE(f, 0);
    int uStride = GST_VIDEO_FRAME_PLANE_STRIDE(f, 1);
    int vStride = GST_VIDEO_FRAME_PLANE_STRIDE(f, 2);
    if (out.size() != QSize(width, height)) {
        // Scaled down first, in I420 (box filter: every source pixel counts, no aliasing).
        if (!scratch)
            return false;
        const int w = out.width();
        const int h = out.height();
        const int cw = (w + 1) / 2;
        const int ch = (h + 1) / 2;
        scratch->resize(size_t(w) * size_t(h) + 2 * size_t(cw) * size_t(ch));
        uint8_t *sy = scratch->data();
        uint8_t *su = sy + size_t(w) * size_t(h);
        uint8_t *sv = su + size_t(cw) * size_t(ch);
        if (libyuv::I420Scale(y, yStride, u, uStride, v, vStride, width, height, sy, w, su, cw, sv,
                              cw, w, h, libyuv::kFilterBox) != 0)
            return false;
        y = sy;
        u = su;
        v = sv;
        yStride = w;
        uStride = cw;
        vStride = cw;
    }
    // libyuv's ARGB is B, G, R, A in memory: QImage::Format_RGB32 on little-endian machines.
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "RGB32 is BGRA in memory only on little endian");
    return libyuv::I420ToARGBMatrix(y, yStride, u, uStride, v, vStride, out.bits(),
                                    int(out.bytesPerLine()), constantsFor(frame.info), out.width(),
                                    out.height()) == 0;
#else
    Q_UNUSED(frame);
    Q_UNUSED(out);
    Q_UNUSED(scratch);
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
