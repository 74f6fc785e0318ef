// What a running briefing looks like on the wall, through the application's own preview window
// (offscreen, software scene graph) over the demo wall, presets and briefing: the focus tile
// outlined and the rest dimmed, the calm black screen with the organisation's name when blank,
// and the small step indicator in the wall's bottom-right corner. Pictures are saved to
// $BRIEFING_SCREENSHOTS when set.
#include "shell/wallapplication.h"

#include <QApplication>
#include <QDir>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

const Caller kLeader{QStringLiteral("minister"), Role::Leader, QStringLiteral("local"),
                     QStringLiteral("panel")};

double brightness(const QImage &image) {
    double sum = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2)
            sum += qGray(image.pixel(x, y));
    return sum / ((image.width() / 2) * (image.height() / 2));
}

int accentPixels(const QImage &image) {
    int n = 0;
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb p = image.pixel(x, y);
            if (std::abs(qRed(p) - 0xe0) < 20 && std::abs(qGreen(p) - 0xa5) < 20 &&
                std::abs(qBlue(p) - 0x26) < 30)
                ++n;
        }
    return n;
}

} // namespace

class TestBriefingWall : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase() { m_app.reset(); }
    void focusBlankAndIndicatorOnTheWall();

private:
    QImage grab(const char *name);
    void act(const char *type, QJsonObject params = {});

    QTemporaryDir m_dir;
    std::unique_ptr<shell::WallApplication> m_app;
};

void TestBriefingWall::initTestCase() {
    shell::Options o;
    o.demo = true;
    o.noServices = true;
    o.preview = true;
    o.dbPath = m_dir.filePath(QStringLiteral("wall.db"));
    o.language = QStringLiteral("vi");
    o.apiBind = QStringLiteral("127.0.0.1:0");
    m_app = std::make_unique<shell::WallApplication>(o);
    QVERIFY2(m_app->start(), qPrintable(m_app->error()));
    // The preview's display-ID badges sit in each display's bottom-right corner, where the step
    // indicator is; the wall's own output windows have no badges.
    m_app->windows().first()->setProperty("showDisplayIds", false);
}

void TestBriefingWall::act(const char *type, QJsonObject params) {
    const ActionResult r =
        m_app->dispatcher().dispatch({QString::fromLatin1(type), params}, kLeader);
    QVERIFY2(r.ok, qPrintable(r.message));
}

// The preview's wall area (20 px margins and the footer line left out), once every tile drew.
QImage TestBriefingWall::grab(const char *name) {
    bool done = false;
    m_app->whenRendered(8000, [&](bool, const QStringList &) { done = true; });
    if (!QTest::qWaitFor([&] { return done; }, 12000))
        return {};
    QQuickWindow *w = m_app->windows().first();
    const QImage full = w->grabWindow().convertToFormat(QImage::Format_RGB32);
    const QString dir = qEnvironmentVariable("BRIEFING_SCREENSHOTS");
    if (!dir.isEmpty()) {
        QDir().mkpath(dir);
        full.save(dir + QStringLiteral("/wall-%1.png").arg(QLatin1String(name)));
    }
    return full.copy(20, 20, full.width() - 40, full.height() - 40 - 36);
}

void TestBriefingWall::focusBlankAndIndicatorOnTheWall() {
    act("briefing.start", {{"id", 1}, {"step", 3}}); // "Giải ngân vốn đầu tư công": focus pubinv
    const QImage focused = grab("step-3-focus");
    act("briefing.goto", {{"step", 2}}); // the same preset, no focus
    const QImage plain = grab("step-2");
    QVERIFY(!focused.isNull() && !plain.isNull());
    QVERIFY2(brightness(focused) < brightness(plain) * 0.8,
             qPrintable(QStringLiteral("the rest is dimmed: %1 vs %2")
                            .arg(brightness(focused))
                            .arg(brightness(plain))));
    QVERIFY2(accentPixels(focused) > accentPixels(plain) + 100, "the focus tile is outlined");
    // The focus tile itself is not dimmed: its area (pubinv, top left) is as bright as before.
    const QRect pubinv(10, 80, 400, 180); // inside x 20..1215 mm, y 200..840 mm of 4852 x 2052
    QVERIFY2(std::abs(brightness(focused.copy(pubinv)) - brightness(plain.copy(pubinv))) < 8,
             "the focus tile keeps its brightness");

    act("briefing.blank");
    const QImage blank = grab("blank");
    int dark = 0, light = 0;
    for (int y = 0; y < blank.height(); ++y)
        for (int x = 0; x < blank.width(); ++x) {
            const int g = qGray(blank.pixel(x, y));
            dark += g < 30;
            light += g > 150;
        }
    const int all = blank.width() * blank.height();
    QVERIFY2(dark > all * 9 / 10, "blank is a black wall");
    QVERIFY2(light > 200, "with the organisation's name on it");
    // The name sits in the middle band, nothing bright near the top or bottom.
    int lightOutside = 0;
    for (int y = 0; y < blank.height() / 4; ++y)
        for (int x = 0; x < blank.width(); ++x)
            lightOutside += qGray(blank.pixel(x, y)) > 150;
    QCOMPARE(lightOutside, 0);

    act("briefing.unblank");
    const QImage shown = grab("step-2-again");
    act("briefing.end");
    const QImage ended = grab("ended");
    // The only difference between a step and the same layout after the end is the indicator, in
    // the bottom-right corner (the clock at the top right ticks, so only the bottom half counts).
    int inCorner = 0, elsewhere = 0;
    for (int y = shown.height() / 2; y < shown.height(); ++y)
        for (int x = 0; x < shown.width(); ++x) {
            const QRgb a = shown.pixel(x, y), b = ended.pixel(x, y);
            if (std::abs(qGray(a) - qGray(b)) < 24)
                continue;
            if (x > shown.width() * 85 / 100 && y > shown.height() * 85 / 100)
                ++inCorner;
            else
                ++elsewhere;
        }
    QVERIFY2(inCorner > 10, "the step indicator is drawn in the bottom-right corner");
    QVERIFY2(elsewhere < 20,
             qPrintable(QStringLiteral("%1 pixels differ elsewhere").arg(elsewhere)));
}

int main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication app(argc, argv);
    TestBriefingWall t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_briefing_wall.moc"
