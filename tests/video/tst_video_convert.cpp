// The texture path's I420 → RGB32 conversion (app/video/frameconvert.h) against GStreamer's own
// videoconvert on the same frames (real pipelines: videotestsrc → I420 → tee → appsink and
// videoconvert → BGRx → appsink), for BT.601 and BT.709 in limited and full range, odd sizes, and
// the frame pool's reuse rules.
#include "testframes.h"
#include "video/frameconvert.h"
#include "video/gstptr.h"

#include <QTest>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

using namespace opswall::video;
using opswall::video::test::frames;
using opswall::video::test::Pair;

namespace {

struct Difference {
    int flat = 999;    // the largest difference of any channel where the picture is flat (the
                       // pixel and its 8 neighbours one colour in videoconvert's picture)
    double mean = 999; // the mean difference over every channel of every pixel
    int flatPixels = 0;
    QString where; // the worst flat pixel
};

// Our image against videoconvert's BGRx of the same frame.
Difference compare(GstSample *yuvSample, GstSample *rgbSample, QImage *ours) {
    Difference out;
    GstVideoInfo yuvInfo;
    GstVideoInfo rgbInfo;
    gst_video_info_from_caps(&yuvInfo, gst_sample_get_caps(yuvSample));
    gst_video_info_from_caps(&rgbInfo, gst_sample_get_caps(rgbSample));
    GstVideoFrame yuv;
    GstVideoFrame rgb;
    if (!gst_video_frame_map(&yuv, &yuvInfo, gst_sample_get_buffer(yuvSample), GST_MAP_READ))
        return out;
    if (!gst_video_frame_map(&rgb, &rgbInfo, gst_sample_get_buffer(rgbSample), GST_MAP_READ)) {
        gst_video_frame_unmap(&yuv);
        return out;
    }
    *ours = QImage(GST_VIDEO_INFO_WIDTH(&yuvInfo), GST_VIDEO_INFO_HEIGHT(&yuvInfo),
                   QImage::Format_RGB32);
    if (!convertI420ToRgb32(yuv, *ours)) {
        out.where = QStringLiteral("the conversion refused the frame");
    } else {
        const auto *base = static_cast<const uchar *>(GST_VIDEO_FRAME_PLANE_DATA(&rgb, 0));
        const int stride = GST_VIDEO_FRAME_PLANE_STRIDE(&rgb, 0);
        const auto theirs = [&](int x, int y) {
            const uchar *p = base + y * stride + x * 4; // B, G, R, x
            return qRgb(p[2], p[1], p[0]);
        };
        out.flat = 0;
        double sum = 0;
        for (int y = 0; y < ours->height(); ++y) {
            for (int x = 0; x < ours->width(); ++x) {
                const QRgb a = ours->pixel(x, y);
                const QRgb b = theirs(x, y);
                const int d =
                    std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                              std::abs(qBlue(a) - qBlue(b))});
                sum += std::abs(qRed(a) - qRed(b)) + std::abs(qGreen(a) - qGreen(b)) +
                       std::abs(qBlue(a) - qBlue(b));
                bool flat = x > 0 && y > 0 && x + 1 < ours->width() && y + 1 < ours->height();
                for (int dy = -1; dy <= 1 && flat; ++dy)
                    for (int dx = -1; dx <= 1 && flat; ++dx)
                        flat = theirs(x + dx, y + dy) == b;
                if (!flat)
                    continue;
                ++out.flatPixels;
                if (d > out.flat) {
                    out.flat = d;
                    out.where = QStringLiteral("(%1,%2): ours #%3, videoconvert #%4")
                                    .arg(x)
                                    .arg(y)
                                    .arg(a & 0xffffff, 6, 16, QChar(u'0'))
                                    .arg(b & 0xffffff, 6, 16, QChar(u'0'));
                }
            }
        }
        out.mean = sum / (3.0 * ours->width() * ours->height());
    }
    gst_video_frame_unmap(&rgb);
    gst_video_frame_unmap(&yuv);
    return out;
}

// How close libyuv comes to videoconvert (measured; a regression beyond these fails). Full range:
// both round fixed-point matrices alike. Limited range: libyuv's 8-bit chroma gains clip the blue
// of saturated colours apart (BT.709 yellow #ffff00 comes out #ffff0c, green #00fa00 as
// #00ff02), and edges differ where a chroma sample spans two colours, so only flat areas and
// the mean are held.
struct Tolerance {
    int flat;
    double mean;
};
constexpr Tolerance kFull{3, 1.0};
constexpr Tolerance kLimited{12, 4.0};
// Scaled against unscaled, flat areas: the box filter's fixed-point average may be a level or two
// off in U or V, which BT.709's blue gain (2.1) turns into up to 4.
constexpr int kScaled = 5;

} // namespace

class TestVideoConvert : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        gst_init(nullptr, nullptr);
        if (!fastConvertAvailable())
            QSKIP("built without libyuv: frames are converted by videoconvert");
    }

    void matchesVideoconvert_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("colorimetry");
        QTest::addColumn<bool>("limited");
        for (const char *pattern : {"smpte", "snow", "colors"}) {
            // bt601 and bt709 (limited range), the same matrices in full range (range:matrix:
            // transfer:primaries), an odd size.
            QTest::addRow("%s bt601", pattern) << pattern << QSize(320, 180) << "bt601" << true;
            QTest::addRow("%s bt709", pattern) << pattern << QSize(1280, 720) << "bt709" << true;
            QTest::addRow("%s bt601 full", pattern)
                << pattern << QSize(320, 180) << "1:4:0:0" << false;
            QTest::addRow("%s bt709 full", pattern)
                << pattern << QSize(320, 180) << "1:3:5:1" << false;
            QTest::addRow("%s odd size", pattern) << pattern << QSize(321, 181) << "bt709" << true;
            QTest::addRow("%s odd size full", pattern)
                << pattern << QSize(321, 181) << "1:3:5:1" << false;
        }
    }

    // Within the tolerance of videoconvert wherever the picture is flat, and close on average.
    void matchesVideoconvert() {
        QFETCH(QString, pattern);
        QFETCH(QSize, size);
        QFETCH(QString, colorimetry);
        QFETCH(bool, limited);
        const Tolerance t = limited ? kLimited : kFull;
        const Pair p = frames(pattern, size, colorimetry);
        QVERIFY2(p.yuv && p.rgb, "the reference pipeline gave no frames");
        QImage ours;
        const Difference d = compare(p.yuv.get(), p.rgb.get(), &ours);
        qInfo("flat: worst %d over %d pixels; mean %.2f over all", d.flat, d.flatPixels, d.mean);
        QVERIFY2(d.flat <= t.flat,
                 qPrintable(QStringLiteral("off by %1 at %2").arg(d.flat).arg(d.where)));
        QVERIFY2(d.mean <= t.mean, qPrintable(QString::number(d.mean)));
        QCOMPARE(ours.size(), size);
    }

    // The wrong matrix is caught: BT.601 limited read as BT.709 is far off on saturated colours.
    void theMatrixMatters() {
        const Pair p = frames(QStringLiteral("smpte"), QSize(320, 180), QStringLiteral("bt601"));
        QVERIFY(p.yuv && p.rgb);
        GstVideoInfo info;
        gst_video_info_from_caps(&info, gst_sample_get_caps(p.yuv.get()));
        info.colorimetry.matrix = GST_VIDEO_COLOR_MATRIX_BT709;
        GstVideoFrame frame;
        QVERIFY(
            gst_video_frame_map(&frame, &info, gst_sample_get_buffer(p.yuv.get()), GST_MAP_READ));
        QImage as709(320, 180, QImage::Format_RGB32);
        const bool converted = convertI420ToRgb32(frame, as709);
        gst_video_frame_unmap(&frame);
        QVERIFY(converted);
        QImage as601;
        QVERIFY(compare(p.yuv.get(), p.rgb.get(), &as601).flat <= kLimited.flat);
        int worst = 0;
        for (int x = 0; x < 320; ++x) {
            const QRgb a = as601.pixel(x, 60);
            const QRgb b = as709.pixel(x, 60);
            worst = std::max({worst, std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                              std::abs(qBlue(a) - qBlue(b))});
        }
        QVERIFY2(worst > 20, qPrintable(QString::number(worst)));
    }

    void refusesWhatItCannotConvert() {
        GstVideoInfo info;
        gst_video_info_set_format(&info, GST_VIDEO_FORMAT_NV12, 64, 64);
        BufferPtr buffer(gst_buffer_new_allocate(nullptr, info.size, nullptr));
        GstVideoFrame frame;
        QVERIFY(gst_video_frame_map(&frame, &info, buffer.get(), GST_MAP_READ));
        QImage out(64, 64, QImage::Format_RGB32);
        out.fill(Qt::red);
        QVERIFY(!convertI420ToRgb32(frame, out)); // not I420
        gst_video_frame_unmap(&frame);
        QCOMPARE(out.pixel(0, 0), qRgb(255, 0, 0)); // untouched

        gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 64, 64);
        BufferPtr i420(gst_buffer_new_allocate(nullptr, info.size, nullptr));
        QVERIFY(gst_video_frame_map(&frame, &info, i420.get(), GST_MAP_READ));
        QImage small(32, 32, QImage::Format_RGB32);
        QVERIFY(!convertI420ToRgb32(frame, small)); // smaller, without a scratch buffer
        QImage big(128, 64, QImage::Format_RGB32);
        std::vector<uint8_t> scratch;
        QVERIFY(!convertI420ToRgb32(frame, big, &scratch)); // never scaled up
        QImage argb(64, 64, QImage::Format_ARGB32);
        QVERIFY(!convertI420ToRgb32(frame, argb)); // not RGB32
        gst_video_frame_unmap(&frame);
    }

    // Scaled down to the tile's size before conversion: the bars where they were, in their
    // colours (compared with the full-size conversion away from the bar edges), for an even 2:1
    // step and an uneven one.
    void scalesDownBeforeConverting_data() {
        QTest::addColumn<QSize>("target");
        QTest::addRow("half") << QSize(640, 360);
        QTest::addRow("uneven") << QSize(498, 282);
    }
    void scalesDownBeforeConverting() {
        QFETCH(QSize, target);
        const Pair p = frames(QStringLiteral("smpte"), QSize(1280, 720), QStringLiteral("bt709"));
        QVERIFY(p.yuv && p.rgb);
        QImage full; // our own full-size conversion: this checks the scaling alone
        QVERIFY(compare(p.yuv.get(), p.rgb.get(), &full).flat <= kLimited.flat);
        GstVideoInfo info;
        gst_video_info_from_caps(&info, gst_sample_get_caps(p.yuv.get()));
        GstVideoFrame frame;
        QVERIFY(
            gst_video_frame_map(&frame, &info, gst_sample_get_buffer(p.yuv.get()), GST_MAP_READ));
        QImage scaled(target, QImage::Format_RGB32);
        std::vector<uint8_t> scratch;
        const bool converted = convertI420ToRgb32(frame, scaled, &scratch);
        gst_video_frame_unmap(&frame);
        QVERIFY(converted);
        const double k = 1280.0 / target.width();
        int compared = 0;
        for (int y = 0; y < target.height(); y += 3) {
            for (int x = 0; x < target.width(); x += 3) {
                // The source area of this pixel (and a margin) must be one colour in the
                // full-size picture for the comparison to be fair.
                const int sx = int((x + 0.5) * k);
                const int sy = int((y + 0.5) * k);
                const int r = 2 * int(std::ceil(k)) + 2; // chroma: twice the reach
                if (sx - r < 0 || sy - r < 0 || sx + r >= 1280 || sy + r >= 720)
                    continue;
                const QRgb centre = full.pixel(sx, sy);
                bool flat = true;
                for (int dy = -r; dy <= r && flat; ++dy)
                    for (int dx = -r; dx <= r && flat; ++dx)
                        flat = full.pixel(sx + dx, sy + dy) == centre;
                if (!flat)
                    continue;
                const QRgb got = scaled.pixel(x, y);
                const int d = std::max({std::abs(qRed(got) - qRed(centre)),
                                        std::abs(qGreen(got) - qGreen(centre)),
                                        std::abs(qBlue(got) - qBlue(centre))});
                QVERIFY2(d <= kScaled, qPrintable(QStringLiteral("(%1,%2): #%3 vs #%4")
                                                      .arg(x)
                                                      .arg(y)
                                                      .arg(got & 0xffffff, 6, 16, QChar(u'0'))
                                                      .arg(centre & 0xffffff, 6, 16, QChar(u'0'))));
                ++compared;
            }
        }
        QVERIFY2(compared > 2000, qPrintable(QString::number(compared)));
    }

    // The picture node converts only the part of the picture the renderer repaints, which may
    // start on an odd row or column: every part must be exactly that part of the whole picture
    // converted at once (each pixel with its own chroma sample), unscaled and scaled alike.
    void partsMatchTheWholePicture_data() {
        QTest::addColumn<QSize>("size");
        QTest::addRow("unscaled") << QSize(321, 181);
        QTest::addRow("scaled") << QSize(250, 141);
    }
    void partsMatchTheWholePicture() {
        QFETCH(QSize, size);
        const Pair p = frames(QStringLiteral("smpte"), QSize(321, 181), QStringLiteral("bt709"));
        QVERIFY(p.yuv);
        GstVideoInfo info;
        QVERIFY(gst_video_info_from_caps(&info, gst_sample_get_caps(p.yuv.get())));
        YuvPool pool;
        const std::shared_ptr<const YuvPicture> picture =
            pool.make(gst_sample_get_buffer(p.yuv.get()), info, size);
        QVERIFY(picture);
        QCOMPARE(picture->size(), size);
        QImage whole(size, QImage::Format_RGB32);
        QVERIFY(picture->convertTo(whole));
        const QList<QRect> parts = {QRect(0, 0, 1, 1),
                                    QRect(1, 1, 1, 1),
                                    QRect(7, 3, 40, 21),
                                    QRect(8, 4, 39, 20),
                                    QRect(3, 0, 2, size.height() - 1),
                                    QRect(0, 5, size.width(), 1),
                                    QRect(size.width() - 1, size.height() - 1, 1, 1),
                                    QRect(QPoint(0, 0), size)};
        for (const QRect &part : parts) {
            QImage out(part.size(), QImage::Format_RGB32);
            out.fill(Qt::black);
            QVERIFY2(picture->convertTo(part, out.bits(), int(out.bytesPerLine())),
                     qPrintable(QStringLiteral("%1,%2 %3x%4")
                                    .arg(part.x())
                                    .arg(part.y())
                                    .arg(part.width())
                                    .arg(part.height())));
            QCOMPARE(out, whole.copy(part));
        }
        QImage out(4, 4, QImage::Format_RGB32);
        QVERIFY(!picture->convertTo(QRect(size.width() - 2, 0, 4, 4), out.bits(),
                                    int(out.bytesPerLine()))); // outside the picture
        QVERIFY(!pool.make(gst_sample_get_buffer(p.yuv.get()), info, QSize(400, 200))); // larger
    }

    // A frame from a pool with a fixed number of buffers (a capture device's) is copied, not
    // held: with every picture still alive, the pool hands out all its buffers again. A frame
    // from a pool that grows is the picture itself (no copy).
    void boundedPoolsAreNotHeld() {
        GstVideoInfo info;
        gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 64, 36);
        CapsPtr caps(gst_video_info_to_caps(&info));
        const auto poolOf = [&](guint maxBuffers) {
            GstBufferPool *pool = gst_video_buffer_pool_new();
            GstStructure *config = gst_buffer_pool_get_config(pool);
            gst_buffer_pool_config_set_params(config, caps.get(), guint(info.size), 0, maxBuffers);
            gst_buffer_pool_set_config(pool, config);
            gst_buffer_pool_set_active(pool, TRUE);
            return pool;
        };
        const auto acquire = [](GstBufferPool *pool) {
            GstBuffer *buffer = nullptr;
            GstBufferPoolAcquireParams params{};
            params.flags = GST_BUFFER_POOL_ACQUIRE_FLAG_DONTWAIT;
            return gst_buffer_pool_acquire_buffer(pool, &buffer, &params) == GST_FLOW_OK ? buffer
                                                                                         : nullptr;
        };
        YuvPool yuv;
        GstBufferPool *bounded = poolOf(2);
        std::vector<std::shared_ptr<const YuvPicture>> held;
        for (int i = 0; i < 2; ++i) {
            GstBuffer *buffer = acquire(bounded);
            QVERIFY(buffer);
            gst_buffer_memset(buffer, 0, guint8(40 + 100 * i), gst_buffer_get_size(buffer));
            held.push_back(yuv.make(buffer, info, QSize(64, 36)));
            gst_buffer_unref(buffer); // back to the pool unless the picture holds it
            QVERIFY(held.back());
        }
        GstBuffer *again[2] = {acquire(bounded), acquire(bounded)};
        QVERIFY2(again[0] && again[1], "a picture held a bounded pool's buffer");
        for (GstBuffer *b : again)
            gst_buffer_unref(b);
        QImage first(64, 36, QImage::Format_RGB32);
        QImage second(64, 36, QImage::Format_RGB32);
        QVERIFY(held[0]->convertTo(first) && held[1]->convertTo(second));
        QVERIFY(first.pixel(10, 10) != second.pixel(10, 10)); // two copies, each its own frame
        gst_buffer_pool_set_active(bounded, FALSE);
        gst_object_unref(bounded);

        GstBufferPool *growing = poolOf(0);
        GstBuffer *buffer = acquire(growing);
        QVERIFY(buffer);
        const std::shared_ptr<const YuvPicture> picture = yuv.make(buffer, info, QSize(64, 36));
        QVERIFY(picture);
        QCOMPARE(GST_MINI_OBJECT_REFCOUNT_VALUE(buffer), 2); // ours and the picture's
        gst_buffer_unref(buffer);
        gst_buffer_pool_set_active(growing, FALSE);
        gst_object_unref(growing);
    }

    // An image is handed out again only once every reader has let it go; a new size starts over.
    void poolReusesOnlyReleasedImages() {
        FramePool pool;
        QImage a = pool.take(QSize(64, 36));
        QVERIFY(a.isDetached());
        const uchar *aBits = a.constBits();
        pool.keep(a);
        QImage held = a; // a tile's texture still shows it
        a = QImage();
        QImage b = pool.take(QSize(64, 36));
        QVERIFY(b.constBits() != aBits); // not the held one
        pool.keep(b);
        b = QImage();
        held = QImage(); // the reader let go
        QImage again = pool.take(QSize(64, 36));
        QVERIFY(again.isDetached());
        QVERIFY(again.constBits() == aBits); // the first kept image, free again
        QVERIFY(again.bits() == aBits);      // writing it copies nothing
        pool.keep(again);
        for (int i = 0; i < 10; ++i)
            pool.keep(pool.take(QSize(64, 36)));
        QVERIFY(pool.kept() <= FramePool::kKept);
        QImage other = pool.take(QSize(32, 18));
        QCOMPARE(other.size(), QSize(32, 18));
        QCOMPARE(other.format(), QImage::Format_RGB32);
    }
};

QTEST_GUILESS_MAIN(TestVideoConvert)
#include "tst_video_convert.moc"
