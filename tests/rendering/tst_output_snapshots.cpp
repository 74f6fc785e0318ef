// The pictures of the outputs (app/shell/outputsnapshots.h) from a real window drawn by Qt's
// threaded software render loop (the wall's default, WallApplication): a picture asked for before
// the window is on screen (a node's windows just made again, asked for at once) waits for it, and
// the window then draws its content (grabbed before its first expose, it stayed black on screen
// and in every grab until its content changed); one never shown is refused with a clear error.
#include "shell/outputsnapshots.h"

#include <QGuiApplication>
#include <QImage>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickWindow>
#include <QTest>

#include <memory>
#include <optional>
#include <utility>

using namespace opswall;
using opswall::shell::OutputSnapshots;

namespace {

// A window of a wall output's size (its pixels a fresh allocation, as a real output's are), red
// inside a black border; not shown yet.
std::unique_ptr<QQuickWindow> redWindow(QQmlEngine &engine) {
    QQmlComponent c(&engine);
    c.setData(R"(import QtQuick
import QtQuick.Window
Window {
    flags: Qt.FramelessWindowHint
    x: 0; y: 0; width: 640; height: 360
    color: "black"
    Rectangle { x: 10; y: 10; width: 620; height: 340; color: "#d02020" }
})",
              QUrl());
    auto *w = qobject_cast<QQuickWindow *>(c.create());
    if (!w)
        qWarning("%s", qPrintable(c.errorString()));
    return std::unique_ptr<QQuickWindow>(w);
}

bool isRed(QRgb px) {
    return qRed(px) > 160 && qGreen(px) < 80 && qBlue(px) < 80;
}

QRgb centreOf(const QImage &image) {
    return image.pixel(image.width() / 2, image.height() / 2);
}

using Answer = std::optional<std::pair<ActionResult, QByteArray>>;

// Output 0 is the window, grabbed as WallApplication grabs an output window, shown when it is
// visible and exposed (as WallApplication says it).
void attach(OutputSnapshots &snapshots, QQuickWindow *w) {
    snapshots.setGrab([w](int index, QString *) -> std::optional<QImage> {
        if (index != 0)
            return std::nullopt;
        return w->grabWindow();
    });
    snapshots.setShown([w](int index) { return index != 0 || (w->isVisible() && w->isExposed()); });
}

} // namespace

class TestOutputSnapshots : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QCOMPARE(qgetenv("QSG_RENDER_LOOP"), QByteArray("threaded")); }

    void pictureWaitsForTheWindowToBeShown() {
        QQmlEngine engine;
        const auto w = redWindow(engine);
        QVERIFY(w);
        OutputSnapshots snapshots;
        attach(snapshots, w.get());
        w->setVisible(true);
        QVERIFY(!w->isExposed()); // its expose is on its way (the event loop brings it)
        Answer got;
        snapshots.request(0, 640, [&got](ActionResult r, QByteArray jpeg) {
            got.emplace(std::move(r), std::move(jpeg));
        });
        QVERIFY(!got); // not grabbed before the window is on screen
        QTRY_VERIFY_WITH_TIMEOUT(got, 5000);
        QVERIFY2(got->first.ok, qPrintable(got->first.message));
        QCOMPARE(w->rendererInterface()->graphicsApi(), QSGRendererInterface::Software);
        const QImage picture = QImage::fromData(got->second, "JPEG");
        QCOMPARE(picture.width(), 640);
        QVERIFY2(isRed(centreOf(picture)), qPrintable(QString::number(centreOf(picture), 16)));
        // The window shows its content from then on (what a grab reads is what it shows).
        QTest::qWait(300);
        const QImage later = w->grabWindow();
        QVERIFY2(isRed(centreOf(later)), qPrintable(QString::number(centreOf(later), 16)));
        QCOMPARE(snapshots.stats().grabs, quint64(1));
    }

    // A window that is not on screen is not grabbed: refused once the wait is over, with why.
    void windowNotShownIsRefused() {
        QQmlEngine engine;
        const auto w = redWindow(engine);
        QVERIFY(w);
        OutputSnapshots snapshots;
        attach(snapshots, w.get());
        Answer got;
        snapshots.request(0, 320, [&got](ActionResult r, QByteArray jpeg) {
            got.emplace(std::move(r), std::move(jpeg));
        });
        QTRY_VERIFY_WITH_TIMEOUT(got, OutputSnapshots::kShownWaitMs + 5000);
        QVERIFY(!got->first.ok);
        QCOMPARE(got->first.code, QStringLiteral("unavailable"));
        QVERIFY2(got->first.message.contains(QStringLiteral("not on screen")),
                 qPrintable(got->first.message));
        QVERIFY(got->second.isEmpty());
        QCOMPARE(snapshots.stats().grabs, quint64(0));
        // An output with no window here is still told at once (the grab says so).
        Answer none;
        snapshots.request(3, 320, [&none](ActionResult r, QByteArray jpeg) {
            none.emplace(std::move(r), std::move(jpeg));
        });
        QVERIFY(none);
        QCOMPARE(none->first.code, QStringLiteral("not_found"));
    }
};

int main(int argc, char **argv) {
    // The wall's own choices (WallApplication): the software scene graph, the threaded loop.
    if (!qEnvironmentVariableIsSet("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QSG_RENDER_LOOP", "threaded");
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QGuiApplication app(argc, argv);
    TestOutputSnapshots test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_output_snapshots.moc"
