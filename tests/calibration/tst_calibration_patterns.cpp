// Test patterns drawn by the wall itself, through the application's own output windows (offscreen
// software renderer here; the same test runs on the OpenGL scene graph under Xvfb): solid fields,
// grey steps and ramp, colour bars, a crosshatch whose lines continue across the bezels, the ID
// cards and the uniformity target; patterns on some displays only; and the live layout back
// untouched, pixel for pixel, when the pattern is dismissed. PNGs of every pattern are written to
// $OPSWALL_PATTERN_PNG_DIR to be looked at (the README's screenshots come from there).
#include "../support/rendered.h"
#include "shell/wallapplication.h"
#include "wall/geometry.h"
#include "wall/walljson.h"

#include <QApplication>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QQuickWindow>
#include <QTemporaryDir>
#include <QTest>
#include <QtQml/qqmlextensionplugin.h>

#include <cmath>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

const Caller kTech{"tech", Role::Technician, "local", "test"};

// 2 x 2 panels: 1000 x 560 mm active, 25 mm bezels, 640 x 360 px, one 1280 x 720 output.
wall::Wall testWall() {
    wall::GridSpec g;
    g.rows = 2;
    g.cols = 2;
    g.activeMm = QSizeF(1000, 560);
    g.bezelMm = {25, 25, 25, 25};
    g.nativeResolution = QSize(640, 360);
    return wall::makeGrid(g, QStringLiteral("pattern wall"));
}

QJsonObject colorTile(const QString &id, QRectF r, const QString &color) {
    return {{"id", id},
            {"kind", "color"},
            {"frame", false},
            {"z", 1},
            {"rect",
             QJsonObject{{"x", r.x()}, {"y", r.y()}, {"width", r.width()}, {"height", r.height()}}},
            {"binding", QJsonObject{{"color", color}}}};
}

class Fixture {
public:
    explicit Fixture(const wall::Wall &w) {
        const QString wallFile = m_dir.filePath("wall.json");
        QFile f(wallFile);
        f.open(QIODevice::WriteOnly);
        f.write(QJsonDocument(wall::wallToJson(w)).toJson());
        f.close();
        shell::Options o;
        o.wallPath = wallFile;
        o.dbPath = m_dir.filePath("wall.db");
        o.language = "en";
        o.apiBind = "127.0.0.1:0";
        app = std::make_unique<shell::WallApplication>(o);
        ok = app->start();
        if (!ok)
            return;
        // A layout to come back to: two colour tiles across the seams.
        const QJsonObject layout{
            {"schemaVersion", 1},
            {"name", "live"},
            {"background", "#102030"},
            {"tiles", QJsonArray{colorTile("a", QRectF(200, 100, 1200, 500), "#ff8000"),
                                 colorTile("b", QRectF(600, 500, 900, 500), "#2060ff")}}};
        const auto r = app->dispatcher().dispatch({"layout.set", {{"layout", layout}}},
                                                  {"test", Role::Operator, "local", "test"});
        ok = r.ok;
        error = r.message;
    }

    QImage grab() {
        if (!testsupport::waitRendered(*app))
            return {};
        QTest::qWait(50); // a pattern change is one more frame
        return app->windows().first()->grabWindow().convertToFormat(QImage::Format_RGB32);
    }

    bool pattern(const QString &name, const QJsonArray &displays = {}) {
        QJsonObject p{{"pattern", name}};
        if (!displays.isEmpty())
            p.insert("displays", displays);
        const ActionResult r = app->dispatcher().dispatch(
            {name.isEmpty() ? "calibration.patternClear" : "calibration.pattern", p}, kTech);
        if (!r.ok)
            qWarning() << r.message;
        return r.ok;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<shell::WallApplication> app;
    bool ok = false;
    QString error;
};

void save(const QImage &img, const QString &name) {
    const QString dir = qEnvironmentVariable("OPSWALL_PATTERN_PNG_DIR");
    if (dir.isEmpty())
        return;
    QDir().mkpath(dir);
    const QString renderer = qEnvironmentVariable("QSG_RHI_BACKEND", "software");
    img.save(dir + u'/' + name + u'-' + renderer + QStringLiteral(".png"));
}

// The centre of display (row, col)'s region in the 1280 x 720 output.
QPoint centre(int row, int col) {
    return {col * 640 + 320, row * 360 + 180};
}

} // namespace

class TestCalibrationPatterns : public QObject {
    Q_OBJECT
    std::unique_ptr<Fixture> m_fx;
    QImage m_live;

private Q_SLOTS:
    void initTestCase() {
        m_fx = std::make_unique<Fixture>(testWall());
        QVERIFY2(m_fx->ok, qPrintable(m_fx->error + m_fx->app->error()));
        m_live = m_fx->grab();
        QCOMPARE(m_live.size(), QSize(1280, 720));
        save(m_live, "live");
    }

    void solidFields_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QRgb>("rgb");
        QTest::newRow("white") << "white" << qRgb(255, 255, 255);
        QTest::newRow("black") << "black" << qRgb(0, 0, 0);
        QTest::newRow("red") << "red" << qRgb(255, 0, 0);
        QTest::newRow("green") << "green" << qRgb(0, 255, 0);
        QTest::newRow("blue") << "blue" << qRgb(0, 0, 255);
        QTest::newRow("grey") << "grey" << qRgb(128, 128, 128);
    }
    void solidFields() {
        QFETCH(QString, name);
        QFETCH(QRgb, rgb);
        QVERIFY(m_fx->pattern(name));
        const QImage img = m_fx->grab();
        // Every pixel of every display, sampled on a grid.
        for (int y = 5; y < 720; y += 37)
            for (int x = 5; x < 1280; x += 41)
                QVERIFY2(img.pixel(x, y) == rgb, qPrintable(QStringLiteral("%1 at %2,%3: %4")
                                                                .arg(name)
                                                                .arg(x)
                                                                .arg(y)
                                                                .arg(img.pixel(x, y), 0, 16)));
        save(img, name);
    }

    void greyStepsRampAndBars() {
        QVERIFY(m_fx->pattern("greysteps"));
        QImage img = m_fx->grab();
        save(img, "greysteps");
        for (int k = 0; k < 11; ++k) { // band k of 11 on each display: 10 % steps
            const int x = int((k + 0.5) * 640 / 11);
            QCOMPARE(qGray(img.pixel(640 + x, 180)), qRound(k * 25.5));
        }
        QVERIFY(m_fx->pattern("greyramp"));
        img = m_fx->grab();
        save(img, "greyramp");
        int last = -1;
        for (int x = 2; x < 640; x += 32) { // rises left to right
            const int v = qGray(img.pixel(x, 100));
            QVERIFY2(v >= last, qPrintable(QString::number(x)));
            last = v;
        }
        QVERIFY(qGray(img.pixel(2, 100)) < 8);
        QVERIFY(qGray(img.pixel(637, 100)) > 247);
        QVERIFY(m_fx->pattern("colourbars"));
        img = m_fx->grab();
        save(img, "colourbars");
        const QRgb bars[] = {qRgb(255, 255, 255), qRgb(255, 255, 0), qRgb(0, 255, 255),
                             qRgb(0, 255, 0),     qRgb(255, 0, 255), qRgb(255, 0, 0),
                             qRgb(0, 0, 255),     qRgb(0, 0, 0)};
        for (int k = 0; k < 8; ++k)
            QCOMPARE(img.pixel(640 + 40 + k * 80, 360 + 200), bars[k]);
    }

    void crosshatchContinuesAcrossTheBezels() {
        QVERIFY(m_fx->pattern("crosshatch"));
        const QImage img = m_fx->grab();
        save(img, "crosshatch");
        const wall::Wall w = testWall();
        // Every lit column of a display's middle row, mapped back to the canvas, lies on the
        // 100 mm grid (within a pixel), on both sides of the vertical seam; likewise rows across
        // the horizontal seam. Content behind the bezels is hidden, so the grid carries on.
        const double mmPerPx = 1000.0 / 640;
        QList<double> columnsMm, rowsMm;
        for (int row = 0; row < 2; ++row)
            for (int col = 0; col < 2; ++col) {
                const wall::Display &d = w.displays[row * 2 + col];
                const QPoint origin(col * 640, row * 360);
                for (int x = 0; x < 640; ++x)
                    if (qGray(img.pixel(origin.x() + x, origin.y() + 17)) > 200 &&
                        qGray(img.pixel(origin.x() + x, origin.y() + 211)) > 200) {
                        const QPointF mm = wall::panelToCanvas(d, true, QPointF(x + 0.5, 17));
                        columnsMm.append(mm.x());
                    }
                for (int y = 0; y < 360; ++y)
                    if (qGray(img.pixel(origin.x() + 23, origin.y() + y)) > 200 &&
                        qGray(img.pixel(origin.x() + 301, origin.y() + y)) > 200) {
                        const QPointF mm = wall::panelToCanvas(d, true, QPointF(23, y + 0.5));
                        rowsMm.append(mm.y());
                    }
            }
        QVERIFY(columnsMm.size() >= 2 * 2 * 9 * 2); // 10 lines a display, 2 px each
        QVERIFY(rowsMm.size() >= 2 * 2 * 5 * 2);
        for (double v : columnsMm + rowsMm)
            QVERIFY2(std::abs(v - 100 * std::round(v / 100)) <= 1.5 * mmPerPx,
                     qPrintable(QString::number(v)));
        // The lines nearest the vertical seam: 1000 mm on the left panel (its active area ends at
        // 1025 mm) and 1100 mm on the right one (active from 1075 mm): one pitch apart, with the
        // bezel hiding what lies between.
        QVERIFY(std::any_of(columnsMm.begin(), columnsMm.end(),
                            [](double v) { return std::abs(v - 1000) < 2; }));
        QVERIFY(std::any_of(columnsMm.begin(), columnsMm.end(),
                            [](double v) { return std::abs(v - 1100) < 2; }));
    }

    void idCardsAndUniformityTarget() {
        QVERIFY(m_fx->pattern("idcard"));
        QImage img = m_fx->grab();
        save(img, "idcard");
        for (int row = 0; row < 2; ++row)
            for (int col = 0; col < 2; ++col) {
                int lit = 0; // text: white on black, in the middle of each display
                for (int y = 60; y < 300; y += 2)
                    for (int x = 120; x < 520; x += 2)
                        lit += qGray(img.pixel(col * 640 + x, row * 360 + y)) > 128;
                QVERIFY2(lit > 300, qPrintable(QString::number(lit)));
                QCOMPARE(img.pixel(col * 640 + 4, row * 360 + 4), qRgb(0, 0, 0));
            }
        QVERIFY(m_fx->pattern("uniformity"));
        img = m_fx->grab();
        save(img, "uniformity");
        for (int row = 0; row < 2; ++row)
            for (int col = 0; col < 2; ++col) {
                const QPoint c = centre(row, col);
                QCOMPARE(img.pixel(c), qRgb(0, 0, 0));                        // the target's cross
                QCOMPARE(img.pixel(c + QPoint(80, 40)), qRgb(255, 255, 255)); // full white
                int ring = 0; // the circle, 30 px out from the centre
                for (int dx = 25; dx <= 32; ++dx)
                    ring += qGray(img.pixel(c + QPoint(dx, 0))) < 64;
                QVERIFY(ring >= 1);
            }
    }

    void geometryNudgeMovesTheCrosshatchLive() {
        QVERIFY(m_fx->pattern("crosshatch"));
        // The first lit column of r1c2 (the top-right display) in its middle row.
        auto firstLine = [](const QImage &img, int originX) {
            for (int x = 0; x < 640; ++x)
                if (qGray(img.pixel(originX + x, 180)) > 200 &&
                    qGray(img.pixel(originX + x, 300)) > 200)
                    return x;
            return -1;
        };
        const QImage before = m_fx->grab();
        const int r1c2Before = firstLine(before, 640), r1c1Before = firstLine(before, 0);
        QCOMPARE(r1c2Before, 15); // canvas 1100 mm: (1100 - 1075) x 0.64 px/mm, 2 px wide
        auto dispatch = [&](const QString &type, const QJsonObject &p) {
            return m_fx->app->dispatcher().dispatch({type, p}, kTech);
        };
        // The technician finds r1c2 mounted 20 mm further right than the model says.
        ActionResult r = dispatch("calibration.geometry", {{"display", "r1c2"}, {"dx", 20}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(r.data["x"].toDouble(), 1070.0);
        QImage img = m_fx->grab();
        save(img, "crosshatch-nudged");
        // r1c2 now shows canvas from 1095 mm: the 1100 mm line is 12.8 px further left.
        QCOMPARE(firstLine(img, 640), 2);
        QCOMPARE(firstLine(img, 0), r1c1Before); // the other displays stay
        // Refused with the field named: overlapping its neighbour.
        r = dispatch("calibration.geometry", {{"display", "r1c2"}, {"dx", -200}});
        QCOMPARE(r.code, QStringLiteral("invalid"));
        r = dispatch("calibration.geometry", {{"display", "r1c2"}, {"rotation", 45}});
        QCOMPARE(r.field, QStringLiteral("rotation"));
        // Undo before saving: back to the model as it was.
        QVERIFY(dispatch("calibration.geometryUndo", {}).ok);
        QCOMPARE(firstLine(m_fx->grab(), 640), r1c2Before);
        // Nudge, save as a wall revision, undo to the geometry from before set-up.
        QVERIFY(dispatch("calibration.geometry", {{"display", "r1c2"}, {"dx", 20}}).ok);
        r = dispatch("calibration.geometrySave", {{"note", "r1c2 mounted 20 mm right"}});
        QVERIFY2(r.ok, qPrintable(r.message));
        QCOMPARE(m_fx->app->state().wall().display("r1c2")->positionMm.x(), 1070.0);
        QVERIFY(dispatch("calibration.geometryUndo", {}).ok);
        QCOMPARE(m_fx->app->state().wall().display("r1c2")->positionMm.x(), 1050.0);
        QCOMPARE(firstLine(m_fx->grab(), 640), r1c2Before);
        QVERIFY(!dispatch("calibration.geometryUndo", {}).ok); // nothing before that
    }

    void patternOnSomeDisplaysThenTheLiveLayoutUntouched() {
        QVERIFY(m_fx->pattern("red", {"r2c1"}));
        QImage img = m_fx->grab();
        save(img, "red-on-r2c1");
        QCOMPARE(img.pixel(centre(1, 0)), qRgb(255, 0, 0));
        // The other displays still show the live layout.
        for (const QPoint &p : {centre(0, 0), centre(0, 1), centre(1, 1), QPoint(10, 10)})
            QCOMPARE(img.pixel(p), m_live.pixel(p));
        QVERIFY(!m_fx->pattern("plaid"));
        QVERIFY(m_fx->pattern(QString()));
        img = m_fx->grab();
        QVERIFY(img == m_live); // every pixel
    }
};

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    TestCalibrationPatterns t;
    return QTest::qExec(&t, argc, argv);
}
#include "tst_calibration_patterns.moc"
