#pragma once
// The picture check shared by the video integration tests: videotestsrc's SMPTE bars, looked up
// in a window grab at the seven bar centres inside the rectangle a VideoItem painted.

#include "video/videoitem.h"

#include <QImage>
#include <QQuickWindow>
#include <QTest>

namespace opswall::video::test {

inline bool near(QRgb pixel, QRgb expected, int tolerance = 48) {
    return std::abs(qRed(pixel) - qRed(expected)) <= tolerance &&
           std::abs(qGreen(pixel) - qGreen(expected)) <= tolerance &&
           std::abs(qBlue(pixel) - qBlue(expected)) <= tolerance;
}

// videotestsrc's SMPTE bars (full intensity): white, yellow, cyan, green, magenta, red, blue across
// the top two thirds.
inline constexpr QRgb kBars[7] = {0xffffffff, 0xffffff00, 0xff00ffff, 0xff00ff00,
                                  0xffff00ff, 0xffff0000, 0xff0000ff};

// The seven bars in the grabbed window, within `painted` (window coordinates): empty when they
// are all there, else what is off.
inline QString barsMismatch(const QImage &grab, const QRectF &painted) {
    if (grab.isNull() || painted.isEmpty())
        return QStringLiteral("nothing painted");
    if (qEnvironmentVariableIsSet("OPSWALL_VIDEO_DUMP"))
        grab.save(qEnvironmentVariable("OPSWALL_VIDEO_DUMP"));
    for (int bar = 0; bar < 7; ++bar) {
        const QPoint at(int(painted.left() + painted.width() * (bar + 0.5) / 7),
                        int(painted.top() + painted.height() * 0.45));
        const QRgb pixel = grab.pixel(at);
        if (!near(pixel, kBars[bar]))
            return QStringLiteral("bar %1 at (%2,%3) is #%4")
                .arg(bar)
                .arg(at.x())
                .arg(at.y())
                .arg(pixel & 0xffffff, 6, 16, QChar(u'0'));
    }
    return {};
}

// Fails the current test (QVERIFY) when a bar is off; callers check QTest::currentTestFailed().
inline void verifyBarsIn(const QImage &grab, const QRectF &painted) {
    const QString mismatch = barsMismatch(grab, painted);
    QVERIFY2(mismatch.isEmpty(), qPrintable(mismatch));
}

inline void verifyBars(QQuickWindow *window, VideoItem *item) {
    QTRY_VERIFY_WITH_TIMEOUT(!item->paintedRect().isEmpty(), 3000);
    verifyBarsIn(window->grabWindow(), item->paintedRect());
}

} // namespace opswall::video::test
