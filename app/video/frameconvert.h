#pragma once
// The texture path's scaling and colour conversion, once per stream on its streaming thread: the
// appsink takes the decoder's I420, and libyuv's SIMD rows scale it down to the biggest tile's
// size (when that is smaller) and turn it into the RGB32 image the tiles show. On this project's
// build machine (AVX2) that costs about a fifth of `videoconvert ! video/x-raw,format=BGRx` (1080p:
// 0.37 vs 1.9 ms of CPU per frame). A build without libyuv (libyuv-dev) keeps videoconvert to BGRx.
//
// The images come from a small pool: an image is written again only once every copy handed out
// with an earlier frame is gone (the tiles' textures, the stream's last frame), so a frame is
// never changed under a reader and the streaming thread does not fault in 8 MB of fresh pages per
// 1080p frame.

#include <QImage>
#include <QRect>
#include <QSize>

#include <cstdint>
#include <memory>
#include <vector>

#include <gst/video/video.h>

namespace opswall::video {

// True when this build converts with libyuv (the appsink tail then asks for I420) and
// OPSWALL_VIDEO_VIDEOCONVERT=1 does not ask for videoconvert instead (a diagnostic).
bool fastConvertAvailable();

// Converts a mapped I420 frame into `out` (RGB32) with the matrix and range of the frame's
// colorimetry (BT.601, BT.709 or BT.2020; limited or full range; anything else as BT.601 for SD
// and BT.709 for HD, as GStreamer defaults). An `out` smaller than the frame gets the frame scaled
// down to it first (in I420, box filter, through `scratch`): the tiles' size, at a fraction of
// videoscale's CPU (1080p to 960x540: 0.07 vs 4.5 ms). False (and `out` untouched) when the frame
// is not I420, `out` is larger than the frame or not RGB32, scaling is needed without a scratch
// buffer, or the build has no libyuv.
bool convertI420ToRgb32(const GstVideoFrame &frame, QImage &out,
                        std::vector<uint8_t> *scratch = nullptr);

// One picture in I420 for the tiles: the decoder's frame itself (mapped, no copy; its buffer is
// held until the last reader lets go) or the frame scaled down to the tiles' size (YuvPool). Not
// changed once made, so any thread may read it: the frame, the stream and the tiles'
// scene-graph nodes share it. On the software scene graph a tile converts it straight into the
// window (videonode.h), so the RGB32 picture is written once, where it is shown.
class YuvPicture {
public:
    YuvPicture() = default;
    ~YuvPicture();
    YuvPicture(const YuvPicture &) = delete;
    YuvPicture &operator=(const YuvPicture &) = delete;

    QSize size() const { return QSize(m_width, m_height); }
    // Converts `source` (within the picture) into RGB32 (B, G, R, 255 in memory) at `dst`, the
    // pixel of source's top-left, `dstStride` bytes per row. Any rectangle: a part that starts
    // on an odd row or column gets the same pixels as the whole picture converted at once.
    bool convertTo(QRect source, uchar *dst, int dstStride) const;
    // The whole picture into `out` (RGB32, the picture's size).
    bool convertTo(QImage &out) const;

    // Plane 0 (Y), 1 (U) or 2 (V) and its bytes per row: the shader path (yuvmaterial.h) uploads
    // them as they are.
    const uint8_t *plane(int i) const { return m_plane[i]; }
    int stride(int i) const { return m_stride[i]; }
    // libyuv's fixed-point conversion of this picture's colorimetry, for the shader to compute
    // the same pixels: with U' = U - 128, V' = V - 128 and y1 = floor(Y * 257 * yg / 65536),
    //   B = (y1 + U' * ub + biasB) >> 6,  G = (y1 - U' * ug - V' * vg + biasG) >> 6,
    //   R = (y1 + V' * vr + biasR) >> 6,  each clamped to 0..255.
    // All zero (yg 0) in a build without libyuv.
    struct Coefficients {
        float yg = 0, ub = 0, ug = 0, vg = 0, vr = 0, biasB = 0, biasG = 0, biasR = 0;
    };
    Coefficients coefficients() const;

private:
    friend class YuvPool;
    const uint8_t *m_plane[3] = {};
    int m_stride[3] = {};
    int m_width = 0;
    int m_height = 0;
    const void *m_constants = nullptr; // libyuv::YuvConstants of the frame's colorimetry
    GstVideoFrame m_mapped{};          // the decoder's frame, when not scaled
    bool m_isMapped = false;
    std::vector<uint8_t> m_storage; // the scaled planes
};

// Pictures of one stream's frames, made on its streaming thread.
class YuvPool {
public:
    // `buffer` (I420, `info`) as a picture: the mapped frame itself when `size` is its size
    // (copied instead when the buffer's pool has a fixed number of buffers, so holding it cannot
    // starve the source), else scaled down to `size` (box filter) into planes that no reader
    // still holds. Null where the frame is not I420, cannot be mapped, `size` is larger, or the
    // build has no libyuv.
    std::shared_ptr<const YuvPicture> make(GstBuffer *buffer, const GstVideoInfo &info, QSize size);
    static constexpr int kKept = 4; // scaled pictures kept for reuse

private:
    std::vector<std::shared_ptr<YuvPicture>> m_scaled;
};

// RGB32 images of one size for one stream's frames. Used from one thread (the streaming thread).
class FramePool {
public:
    // An image nobody else holds (write it, then keep() it): a kept one that every reader has let
    // go of, else a new one.
    QImage take(QSize size);
    // Keeps a copy of a written image for reuse once its readers let go (at most kKept).
    void keep(const QImage &image);
    int kept() const; // images held for reuse
    static constexpr int kKept = 4;

private:
    std::vector<QImage> m_images;
};

} // namespace opswall::video
