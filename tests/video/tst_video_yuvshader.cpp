// The YUV shader path (app/video/yuvmaterial.h) on a real OpenGL scene graph (Mesa llvmpipe under
// Xvfb; ctest runs it so): a frame of videotestsrc's colour bars, as I420 with BT.601 and BT.709
// colorimetry (limited and full range), drawn by PlanesNode into a window and read back, against
// libyuv's conversion of the same picture (the CPU path: YuvPicture::convertTo).
#include "testframes.h"
#include "video/frameconvert.h"
#include "video/gstptr.h"
#include "video/videonode.h"
#include "video/yuvmaterial.h"

#include <QGuiApplication>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QTest>

#include <gst/app/gstappsink.h>
#include <gst/gst.h>
#include <gst/video/video.h>

using namespace opswall::video;
using opswall::video::test::frames;

namespace {

// The sample as the tiles get it: the decoder's frame itself, or scaled to `size` (YuvPool).
std::shared_ptr<const YuvPicture> pictureOf(GstSample *sample, YuvPool &pool, QSize size = {}) {
    GstVideoInfo info;
    if (!sample || !gst_video_info_from_caps(&info, gst_sample_get_caps(sample)))
        return nullptr;
    if (size.isEmpty())
        size = QSize(GST_VIDEO_INFO_WIDTH(&info), GST_VIDEO_INFO_HEIGHT(&info));
    return pool.make(gst_sample_get_buffer(sample), info, size);
}

// A frame of `pattern` as a tile gets it (scaled to `scaledTo` when given), and libyuv's conversion
// of it: the CPU path's pixels.
struct Reference {
    opswall::video::test::Pair frames;
    YuvPool pool;
    std::shared_ptr<const YuvPicture> picture;
    QImage cpu;
};
std::unique_ptr<Reference> reference(const QString &pattern, QSize size, const QString &colorimetry,
                                     QSize scaledTo = {}) {
    auto r = std::make_unique<Reference>();
    r->frames = frames(pattern, size, colorimetry);
    r->picture = pictureOf(r->frames.yuv.get(), r->pool, scaledTo);
    if (!r->picture)
        return nullptr;
    r->cpu = QImage(r->picture->size(), QImage::Format_RGB32);
    if (!r->picture->convertTo(r->cpu))
        return nullptr;
    return r;
}

// Draws a picture with PlanesNode over the whole item.
class PlanesItem : public QQuickItem {
public:
    explicit PlanesItem(QQuickItem *parent)
        : QQuickItem(parent) {
        setFlag(ItemHasContents, true);
    }
    std::shared_ptr<const YuvPicture> picture;
    bool smooth = false;
    bool drawn = false;

protected:
    QSGNode *updatePaintNode(QSGNode *old, UpdatePaintNodeData *) override {
        auto *node = old ? static_cast<PlanesNode *>(old) : new PlanesNode();
        const QRectF source(QPointF(0, 0), QSizeF(picture->size()));
        drawn =
            node->setPicture(window(), picture, 1, source, QRectF(QPointF(0, 0), size()), smooth);
        if (!drawn) {
            delete node;
            return nullptr;
        }
        return node;
    }
};

// The largest difference of any channel between two pixels.
int difference(QRgb a, QRgb b) {
    return std::max({std::abs(qRed(a) - qRed(b)), std::abs(qGreen(a) - qGreen(b)),
                     std::abs(qBlue(a) - qBlue(b))});
}

struct Shown {
    std::unique_ptr<QQuickWindow> window;
    PlanesItem *item = nullptr;
    QImage grab;
};

// `picture` drawn into a window `scale` times its size (the item at `at`), opacity `opacity` over
// black, and read back.
Shown show(std::shared_ptr<const YuvPicture> picture, double scale = 1.0, double opacity = 1.0,
           QPoint at = {}) {
    Shown s;
    s.window = std::make_unique<QQuickWindow>();
    s.window->setColor(Qt::black);
    const QSize size = (QSizeF(picture->size()) * scale).toSize();
    s.window->resize(size + QSize(at.x(), at.y()));
    s.item = new PlanesItem(s.window->contentItem());
    s.item->picture = std::move(picture);
    s.item->smooth = scale != 1.0;
    s.item->setPosition(at);
    s.item->setSize(size);
    s.item->setOpacity(opacity);
    s.window->show();
    if (QTest::qWaitForWindowExposed(s.window.get()))
        s.grab = s.window->grabWindow();
    // OPSWALL_VIDEO_DUMP=DIR: each grab as DIR/<test>-<row>.png, to look at.
    if (const QString dir = qEnvironmentVariable("OPSWALL_VIDEO_DUMP"); !dir.isEmpty())
        s.grab.save(QStringLiteral("%1/%2-%3.png")
                        .arg(dir, QLatin1String(QTest::currentTestFunction()),
                             QLatin1String(QTest::currentDataTag() ? QTest::currentDataTag() : ""))
                        .replace(QLatin1Char(' '), QLatin1Char('_')));
    return s;
}

} // namespace

class TestVideoYuvShader : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        gst_init(nullptr, nullptr);
        QString why;
        if (!fastConvertAvailable() || !yuvShaderBuilt(&why))
            QSKIP(qPrintable(QStringLiteral("no YUV shader path in this build: %1").arg(why)));
        QQuickWindow probe;
        probe.show();
        QVERIFY(QTest::qWaitForWindowExposed(&probe));
        const QSGRendererInterface::GraphicsApi api = probe.rendererInterface()->graphicsApi();
        QVERIFY2(api == QSGRendererInterface::OpenGL,
                 "run on the OpenGL scene graph (QSG_RHI_BACKEND=opengl under Xvfb, as ctest "
                 "does)");
    }

    void matchesLibyuvPixelForPixel_data() {
        QTest::addColumn<QString>("pattern");
        QTest::addColumn<QSize>("size");
        QTest::addColumn<QString>("colorimetry");
        QTest::newRow("bars BT.601 limited") << "smpte" << QSize(640, 360) << "bt601";
        QTest::newRow("bars BT.709 limited") << "smpte" << QSize(640, 360) << "bt709";
        QTest::newRow("bars BT.601 full") << "smpte" << QSize(640, 360) << "1:4:0:0";
        QTest::newRow("bars BT.709 full") << "smpte" << QSize(640, 360) << "1:3:5:1";
        // Odd sizes: rows padded to 4 bytes (GStreamer's I420), a last chroma sample of one pixel.
        QTest::newRow("bars BT.709 odd size") << "smpte" << QSize(321, 181) << "bt709";
        // Every value of a fine pattern: each pixel its own chroma, nothing flat.
        QTest::newRow("zone plate BT.601") << "zone-plate" << QSize(320, 240) << "bt601";
        QTest::newRow("snow BT.709") << "snow" << QSize(320, 240) << "bt709";
    }
    void matchesLibyuvPixelForPixel() {
        QFETCH(QString, pattern);
        QFETCH(QSize, size);
        QFETCH(QString, colorimetry);
        const std::unique_ptr<Reference> ref = reference(pattern, size, colorimetry);
        QVERIFY(ref);
        const QImage &cpu = ref->cpu;
        const Shown s = show(ref->picture);
        QVERIFY(s.item->drawn);
        QCOMPARE(s.grab.size(), size);
        int worst = 0;
        QString where;
        qint64 off = 0;
        for (int y = 0; y < size.height(); ++y) {
            for (int x = 0; x < size.width(); ++x) {
                const int d = difference(s.grab.pixel(x, y), cpu.pixel(x, y));
                off += d > 0;
                if (d > worst) {
                    worst = d;
                    where = QStringLiteral("(%1,%2): shader #%3, libyuv #%4")
                                .arg(x)
                                .arg(y)
                                .arg(s.grab.pixel(x, y) & 0xffffff, 6, 16, QChar(u'0'))
                                .arg(cpu.pixel(x, y) & 0xffffff, 6, 16, QChar(u'0'));
                }
            }
        }
        qInfo("%s: %lld of %d pixels differ, by at most %d%s%s", QTest::currentDataTag(), off,
              size.width() * size.height(), worst, where.isEmpty() ? "" : " at ",
              qPrintable(where));
        // The shader computes libyuv's fixed-point formula in floats: a level where a product
        // falls on a rounding edge, no more.
        QVERIFY2(worst <= 1, qPrintable(where));
    }

    void scaledPictureIsDrawnAsIs() {
        // YuvPool's scaled pictures (rows padded to 4 bytes) go through the shader too.
        const std::unique_ptr<Reference> ref = reference(QStringLiteral("smpte"), QSize(640, 360),
                                                         QStringLiteral("bt709"), QSize(301, 171));
        QVERIFY(ref);
        QVERIFY(ref->picture->stride(0) % 4 == 0 && ref->picture->stride(1) % 4 == 0);
        const QImage &cpu = ref->cpu;
        const Shown s = show(ref->picture);
        QVERIFY(s.item->drawn);
        int worst = 0;
        for (int y = 0; y < cpu.height(); ++y)
            for (int x = 0; x < cpu.width(); ++x)
                worst = std::max(worst, difference(s.grab.pixel(x, y), cpu.pixel(x, y)));
        QVERIFY2(worst <= 1, qPrintable(QString::number(worst)));
    }

    void enlargedPictureIsSmoothAndKeepsItsColours() {
        // Drawn 2.5 times its size (bilinear): every flat area keeps libyuv's colour, and the
        // edges between bars are blends, not steps of whole samples.
        const std::unique_ptr<Reference> ref =
            reference(QStringLiteral("smpte"), QSize(160, 90), QStringLiteral("bt601"));
        QVERIFY(ref);
        const QImage &cpu = ref->cpu;
        const double scale = 2.5;
        const Shown s = show(ref->picture, scale);
        QVERIFY(s.item->drawn);
        int worstFlat = 0;
        int flat = 0;
        for (int y = 0; y < s.grab.height(); ++y) {
            for (int x = 0; x < s.grab.width(); ++x) {
                const int sx = int(x / scale);
                const int sy = int(y / scale);
                bool same = sx > 1 && sy > 1 && sx + 2 < cpu.width() && sy + 2 < cpu.height();
                for (int dy = -2; dy <= 2 && same; ++dy)
                    for (int dx = -2; dx <= 2 && same; ++dx)
                        same = cpu.pixel(sx + dx, sy + dy) == cpu.pixel(sx, sy);
                if (!same)
                    continue;
                ++flat;
                worstFlat = std::max(worstFlat, difference(s.grab.pixel(x, y), cpu.pixel(sx, sy)));
            }
        }
        QVERIFY(flat > s.grab.width() * s.grab.height() / 4);
        QVERIFY2(worstFlat <= 1, qPrintable(QString::number(worstFlat)));
        // Between the yellow (2nd) and cyan (3rd) bars, on a row of the top two thirds: blends.
        const int y = int(20 * scale);
        QSet<QRgb> colours;
        const int edge = int(2 * 160 / 7.0 * scale);
        for (int x = edge - 6; x <= edge + 6; ++x)
            colours.insert(s.grab.pixel(x, y));
        QVERIFY2(colours.size() > 3, qPrintable(QString::number(colours.size())));
    }

    void translucentTileBlends() {
        const std::unique_ptr<Reference> ref =
            reference(QStringLiteral("smpte"), QSize(320, 180), QStringLiteral("bt709"));
        QVERIFY(ref);
        const QImage &cpu = ref->cpu;
        const Shown s = show(ref->picture, 1.0, 0.5, QPoint(7, 5));
        QVERIFY(s.item->drawn);
        // Half of libyuv's colour over black, placed where the item is.
        for (const QPoint p : {QPoint(20, 40), QPoint(160, 40), QPoint(300, 40), QPoint(60, 170)}) {
            const QRgb ours = s.grab.pixel(p + QPoint(7, 5));
            const QRgb half =
                qRgb(qRed(cpu.pixel(p)) / 2, qGreen(cpu.pixel(p)) / 2, qBlue(cpu.pixel(p)) / 2);
            QVERIFY2(difference(ours, half) <= 2,
                     qPrintable(QStringLiteral("#%1 vs #%2")
                                    .arg(ours & 0xffffff, 6, 16, QChar(u'0'))
                                    .arg(half & 0xffffff, 6, 16, QChar(u'0'))));
        }
        QCOMPARE(s.grab.pixel(3, 3) & 0xffffff, 0u); // outside the item: the window's black
    }

    void unalignedRowsAreRefused() {
        // A picture whose rows are not a multiple of 4 bytes cannot be uploaded as it is: refused
        // with a reason (the tile then converts on the CPU), nothing drawn.
        GstVideoInfo info;
        gst_video_info_set_format(&info, GST_VIDEO_FORMAT_I420, 62, 32);
        gsize offsets[4] = {0, 62 * 32, 62 * 32 + 31 * 16, 0};
        gint strides[4] = {62, 31, 31, 0};
        std::vector<uint8_t> bytes(62 * 32 + 2 * 31 * 16, 128);
        GstBuffer *buffer =
            gst_buffer_new_wrapped_full(GST_MEMORY_FLAG_READONLY, bytes.data(), bytes.size(), 0,
                                        bytes.size(), nullptr, nullptr);
        gst_buffer_add_video_meta_full(buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_I420, 62,
                                       32, 3, offsets, strides);
        YuvPool pool;
        {
            std::shared_ptr<const YuvPicture> picture = pool.make(buffer, info, QSize(62, 32));
            QVERIFY(picture);
            QString why;
            QVERIFY(!yuvPlanesUsable(*picture, &why));
            QVERIFY2(why.contains(QLatin1String("multiple of 4")), qPrintable(why));
            QQuickWindow window;
            QVERIFY(!makeYuvTextures(&window, picture).planes[0]);
        }
        gst_buffer_unref(buffer);
    }
};

int main(int argc, char **argv) {
    QGuiApplication app(argc, argv);
    TestVideoYuvShader test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_video_yuvshader.moc"
