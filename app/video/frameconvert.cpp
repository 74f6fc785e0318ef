#include "frameconvert.h"

#include "core/diagnostics.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <optional>
#include <utility>

#ifdef OPSWALL_HAVE_LIBYUV
#include <libyuv/convert_argb.h>
#include <libyuv/row.h> // struct YuvConstants: the coefficients the shader path uses
#include <libyuv/scale.h>
#endif

namespace opswall::video {

bool fastConvertAvailable() {
#ifdef OPSWALL_HAVE_LIBYUV
    // OPSWALL_VIDEO_VIDEOCONVERT=1: pipelines built from now on convert with videoconvert (the
    // benchmark's before-and-after in one run).
    return !diagnostics::isOn(diagnostics::Switch::VideoConvert);
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

// Three I420 planes of `width` x `height`.
struct Planes {
    const uint8_t *data[3] = {};
    int stride[3] = {};
    int width = 0;
    int height = 0;
};

Planes planesOf(const GstVideoFrame &frame) {
    auto *f = const_cast<GstVideoFrame *>(&frame); // the accessor macros are not const
    Planes p;
    for (int i = 0; i < 3; ++i) {
        p.data[i] = static_cast<const uint8_t *>(GST_VIDEO_FRAME_PLANE_DATA(f, i));
        p.stride[i] = GST_VIDEO_FRAME_PLANE_STRIDE(f, i);
    }
    p.width = GST_VIDEO_FRAME_WIDTH(f);
    p.height = GST_VIDEO_FRAME_HEIGHT(f);
    return p;
}

// `from` scaled down to w x h (box filter: every source pixel counts, no aliasing) into
// `storage`: the returned planes point into it. Rows are padded to 4 bytes, as GStreamer lays out
// I420, so the shader path can upload each plane as it is (four samples per RGBA texel).
std::optional<Planes> scaled(const Planes &from, int w, int h, std::vector<uint8_t> &storage) {
    const int cw = (w + 1) / 2;
    const int ch = (h + 1) / 2;
    const int stride = (w + 3) & ~3;
    const int cstride = (cw + 3) & ~3;
    storage.resize(size_t(stride) * size_t(h) + 2 * size_t(cstride) * size_t(ch));
    Planes to;
    to.data[0] = storage.data();
    to.data[1] = to.data[0] + size_t(stride) * size_t(h);
    to.data[2] = to.data[1] + size_t(cstride) * size_t(ch);
    to.stride[0] = stride;
    to.stride[1] = cstride;
    to.stride[2] = cstride;
    to.width = w;
    to.height = h;
    auto *y = const_cast<uint8_t *>(to.data[0]);
    auto *u = const_cast<uint8_t *>(to.data[1]);
    auto *v = const_cast<uint8_t *>(to.data[2]);
    if (libyuv::I420Scale(from.data[0], from.stride[0], from.data[1], from.stride[1], from.data[2],
                          from.stride[2], from.width, from.height, y, stride, u, cstride, v,
                          cstride, w, h, libyuv::kFilterBox) != 0)
        return std::nullopt;
    return to;
}

// True when `buffer` comes from a pool with a fixed number of buffers (a capture device's, say):
// a picture holding it until the tiles let go could leave the source without buffers, so such a
// frame is copied. Decoders' pools grow (gst-libav refuses bounded ones), so theirs are held.
bool fromBoundedPool(GstBuffer *buffer) {
    if (!buffer->pool)
        return false;
    GstStructure *config = gst_buffer_pool_get_config(buffer->pool);
    guint maxBuffers = 0;
    gst_buffer_pool_config_get_params(config, nullptr, nullptr, nullptr, &maxBuffers);
    gst_structure_free(config);
    return maxBuffers != 0;
}

// Rows [y, y + h) and columns [x, x + w) of `p` into dst. libyuv takes chroma for pixel pairs
// (x, x + 1) and row pairs (y, y + 1) from the block's first pair: x must be even, and y even
// unless h is 1, for each pixel to get its own chroma sample.
bool convertBlock(const Planes &p, const libyuv::YuvConstants *k, int x, int y, int w, int h,
                  uchar *dst, int dstStride) {
    const size_t cx = size_t(x / 2);
    const size_t cy = size_t(y / 2);
    return libyuv::I420ToARGBMatrix(p.data[0] + size_t(y) * size_t(p.stride[0]) + size_t(x),
                                    p.stride[0], p.data[1] + cy * size_t(p.stride[1]) + cx,
                                    p.stride[1], p.data[2] + cy * size_t(p.stride[2]) + cx,
                                    p.stride[2], dst, dstStride, k, w, h) == 0;
}

// Rows [y, y + h) (y even, or h 1) of `source`'s columns into dst.
bool convertRows(const Planes &p, const libyuv::YuvConstants *k, const QRect &source, int y, int h,
                 uchar *dst, int dstStride) {
    int x = source.left();
    const int right = source.right() + 1;
    if (x & 1) {
        // An odd first column: converted as the second pixel of the pair it belongs to.
        std::vector<uint32_t> pair(size_t(h) * 2);
        if (!convertBlock(p, k, x - 1, y, 2, h, reinterpret_cast<uchar *>(pair.data()), 8))
            return false;
        for (int row = 0; row < h; ++row)
            std::memcpy(dst + size_t(row) * size_t(dstStride), &pair[size_t(row) * 2 + 1], 4);
        ++x;
        dst += 4;
    }
    return x >= right || convertBlock(p, k, x, y, right - x, h, dst, dstStride);
}

bool convertRect(const Planes &p, const libyuv::YuvConstants *k, QRect source, uchar *dst,
                 int dstStride) {
    if (source.isEmpty() || !QRect(0, 0, p.width, p.height).contains(source))
        return false;
    // libyuv's ARGB is B, G, R, A in memory: QImage::Format_RGB32 on little-endian machines.
    static_assert(Q_BYTE_ORDER == Q_LITTLE_ENDIAN, "RGB32 is BGRA in memory only on little endian");
    int y = source.top();
    if (y & 1) { // an odd first row: alone, with its own chroma row
        if (!convertRows(p, k, source, y, 1, dst, dstStride))
            return false;
        ++y;
        dst += dstStride;
    }
    const int bottom = source.bottom() + 1;
    return y >= bottom || convertRows(p, k, source, y, bottom - y, dst, dstStride);
}
} // namespace
#endif

bool convertI420ToRgb32(const GstVideoFrame &frame, QImage &out, std::vector<uint8_t> *scratch) {
#ifdef OPSWALL_HAVE_LIBYUV
    Planes p = planesOf(frame);
    if (GST_VIDEO_FRAME_FORMAT(&frame) != GST_VIDEO_FORMAT_I420 || out.isNull() ||
        out.format() != QImage::Format_RGB32 || out.width() > p.width || out.height() > p.height)
        return false;
    if (out.size() != QSize(p.width, p.height)) {
        if (!scratch)
            return false;
        const std::optional<Planes> small = scaled(p, out.width(), out.height(), *scratch);
        if (!small)
            return false;
        p = *small;
    }
    return convertRect(p, constantsFor(frame.info), out.rect(), out.bits(),
                       int(out.bytesPerLine()));
#else
    Q_UNUSED(frame);
    Q_UNUSED(out);
    Q_UNUSED(scratch);
    return false;
#endif
}

YuvPicture::~YuvPicture() {
    if (m_isMapped)
        gst_video_frame_unmap(&m_mapped); // drops the buffer reference the map took
}

bool YuvPicture::convertTo(QRect source, uchar *dst, int dstStride) const {
#ifdef OPSWALL_HAVE_LIBYUV
    Planes p;
    for (int i = 0; i < 3; ++i) {
        p.data[i] = m_plane[i];
        p.stride[i] = m_stride[i];
    }
    p.width = m_width;
    p.height = m_height;
    return convertRect(p, static_cast<const libyuv::YuvConstants *>(m_constants), source, dst,
                       dstStride);
#else
    Q_UNUSED(source);
    Q_UNUSED(dst);
    Q_UNUSED(dstStride);
    return false;
#endif
}

YuvPicture::Coefficients YuvPicture::coefficients() const {
    Coefficients c;
#ifdef OPSWALL_HAVE_LIBYUV
    const auto *k = static_cast<const libyuv::YuvConstants *>(m_constants);
    if (!k)
        return c;
#if defined(__aarch64__) || defined(__arm__) || defined(__riscv)
    // row_common.cc (ARM): y1 without a bias; B = y1 + U * ub - bb, G = y1 + bg - (U * ug + V *
    // vg), R = y1 + V * vr - br, with U and V unsigned.
    c.ub = k->kUVCoeff[0];
    c.vr = k->kUVCoeff[1];
    c.ug = k->kUVCoeff[2];
    c.vg = k->kUVCoeff[3];
    c.yg = k->kRGBCoeffBias[0];
    c.biasB = 128 * c.ub - k->kRGBCoeffBias[1];
    c.biasG = k->kRGBCoeffBias[2] - 128 * (c.ug + c.vg);
    c.biasR = 128 * c.vr - k->kRGBCoeffBias[3];
#else
    // row_common.cc (x86, as its SIMD rows): y1 = (Y * 0x0101 * yg >> 16) + yb, then the signed
    // chroma times the unsigned 8-bit gains.
    c.ub = k->kUVToB[0];
    c.ug = k->kUVToG[0];
    c.vg = k->kUVToG[1];
    c.vr = k->kUVToR[1];
    c.yg = k->kYToRgb[0];
    c.biasB = c.biasG = c.biasR = k->kYBiasToRgb[0];
#endif
#endif
    return c;
}

bool YuvPicture::convertTo(QImage &out) const {
    if (out.size() != size() || out.format() != QImage::Format_RGB32)
        return false;
    return convertTo(out.rect(), out.bits(), int(out.bytesPerLine()));
}

std::shared_ptr<const YuvPicture> YuvPool::make(GstBuffer *buffer, const GstVideoInfo &info,
                                                QSize size) {
#ifdef OPSWALL_HAVE_LIBYUV
    if (GST_VIDEO_INFO_FORMAT(&info) != GST_VIDEO_FORMAT_I420 ||
        size.width() > GST_VIDEO_INFO_WIDTH(&info) ||
        size.height() > GST_VIDEO_INFO_HEIGHT(&info) || size.isEmpty())
        return nullptr;
    const auto fill = [&](YuvPicture &picture, const Planes &p) {
        for (int i = 0; i < 3; ++i) {
            picture.m_plane[i] = p.data[i];
            picture.m_stride[i] = p.stride[i];
        }
        picture.m_width = p.width;
        picture.m_height = p.height;
        picture.m_constants = constantsFor(info);
    };
    if (size == QSize(GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info)) &&
        !fromBoundedPool(buffer)) {
        auto picture = std::make_shared<YuvPicture>();
        if (!gst_video_frame_map(&picture->m_mapped, &info, buffer, GST_MAP_READ))
            return nullptr;
        picture->m_isMapped = true;
        fill(*picture, planesOf(picture->m_mapped));
        return picture;
    }
    // Scaled (or copied, from a bounded pool: I420Scale copies at the same size) into a kept
    // picture every reader has let go of (same rule as FramePool), else a new one, kept while
    // there is room.
    std::shared_ptr<YuvPicture> picture;
    for (std::shared_ptr<YuvPicture> &kept : m_scaled) {
        if (kept.use_count() == 1) {
            std::atomic_thread_fence(std::memory_order_acquire); // pairs with the readers' release
            picture = kept;
            break;
        }
    }
    if (!picture) {
        picture = std::make_shared<YuvPicture>();
        if (int(m_scaled.size()) < kKept)
            m_scaled.push_back(picture);
    }
    GstVideoFrame mapped;
    if (!gst_video_frame_map(&mapped, &info, buffer, GST_MAP_READ))
        return nullptr;
    const std::optional<Planes> small =
        scaled(planesOf(mapped), size.width(), size.height(), picture->m_storage);
    gst_video_frame_unmap(&mapped);
    if (!small)
        return nullptr;
    fill(*picture, *small);
    return picture;
#else
    Q_UNUSED(buffer);
    Q_UNUSED(info);
    Q_UNUSED(size);
    return nullptr;
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
