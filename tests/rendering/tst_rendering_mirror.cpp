// A tile spanning two displays whose kind is mirrored (TileLayer.qml): the part on the other
// display always shows the tile's current picture, after every change of its content, across
// recalls where it persists, moves or is bound again.
#include "tst_rendering.h"

using namespace opswall;
using namespace opswall::rendertest;

// A key-projects tile (mirrored) over both displays of the one output; its title changes at every
// step (the tile persists: same id, kind and binding), it moves, and it is bound again. After each
// change the window is compared, pixel by pixel, with a fresh picture of the same layout (an empty
// layout recalled, then this one: every frame and mirror made anew).
void TestRendering::mirroredPartFollowsItsTile() {
    const auto tile = [](int step, double xMm, const QString &project) {
        return tileJson(QStringLiteral("m"), QStringLiteral("projects"),
                        QStringLiteral("Bước %1 — tiến độ các dự án trọng điểm, bước %1 — %2")
                            .arg(step)
                            .arg(QString(step % 3 == 0 ? 40 : 10, QLatin1Char('W'))),
                        QRectF(xMm, 100, 1900, 420),
                        QJsonObject{{QStringLiteral("projects"),
                                     QJsonArray{QJsonObject{{QStringLiteral("id"), project},
                                                            {QStringLiteral("name"), project}}}}});
    };
    Fixture fx(twoPanels(true), QJsonArray{tile(0, 100, QStringLiteral("DA-01"))}, false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QString why;
    for (int step = 1; step <= 9; ++step) {
        const double x = step % 4 == 0 ? 150 : 100; // moves now and then
        const QString project = step % 5 == 0 ? QStringLiteral("DA-02") : QStringLiteral("DA-01");
        const QJsonArray tiles{tile(step, x, project)};
        // A change drawn in one frame, and another in the next one.
        QSignalSpy frames(fx.app->windows().constFirst(), &QQuickWindow::afterRendering);
        QVERIFY2(setTiles(fx, QJsonArray{tile(step + 100, x, project)}, &why), qPrintable(why));
        QVERIFY(frames.wait(5000));
        QVERIFY2(setTiles(fx, tiles, &why), qPrintable(why));
        const QString diff = differenceFromFresh(fx, tiles, QStringLiteral("mirror-%1").arg(step));
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("step %1: ").arg(step) + diff));
    }
}
