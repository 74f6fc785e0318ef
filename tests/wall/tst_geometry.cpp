// Wall geometry: canvas <-> panel pixel mapping (bezel compensation on and off, rotated panels),
// an irregular wall (mixed sizes, a portrait panel, gaps) and the regular-grid generator.

#include "../support/demowall.h"
#include "wall/geometry.h"
#include "wall/walljson.h"

#include <QLineF>
#include <QSet>
#include <QTest>

namespace opswall::wall {

namespace {

// A 55-inch 1920×1080 panel as mounted in the demo: 1209.6 × 680.4 mm active area, bezels of
// 2.3 mm (left, top) and 1.2 mm (right, bottom) — 3.5 mm bezel to bezel between neighbours.
constexpr double kActiveW = 1209.6;
constexpr double kActiveH = 680.4;
const BezelMm kBezel{2.3, 2.3, 1.2, 1.2};
constexpr double kOuterW = kActiveW + 2.3 + 1.2; // 1213.1
constexpr double kOuterH = kActiveH + 2.3 + 1.2; // 683.9

Display panel(const QString &id, QPointF posMm, Rotation rotation = Rotation::R0) {
    Display d;
    d.id = id;
    d.label = id;
    d.positionMm = posMm;
    const bool portrait = rotation == Rotation::R90 || rotation == Rotation::R270;
    d.sizeMm = portrait ? QSizeF(kOuterH, kOuterW) : QSizeF(kOuterW, kOuterH);
    d.bezelMm = kBezel;
    d.rotation = rotation;
    d.nativeResolution = {1920, 1080};
    return d;
}

bool near(QPointF a, QPointF b, double tolerance = 1e-6) {
    return std::abs(a.x() - b.x()) <= tolerance && std::abs(a.y() - b.y()) <= tolerance;
}

QByteArray show(QPointF p) {
    return QByteArray::number(p.x(), 'f', 4) + ',' + QByteArray::number(p.y(), 'f', 4);
}

#define VERIFY_NEAR(actual, expected)                                                              \
    QVERIFY2(near((actual), (expected)),                                                           \
             QByteArray("got " + show(actual) + ", expected " + show(expected)).constData())

// Where on the wall (mm) a pixel of an unrotated panel physically is: its active area spread
// evenly over its pixels. Computed from the panel's geometry alone, not from canvasToPanel.
QPointF physicalMm(const Display &d, QPointF panelPx) {
    const QRectF a = d.activeRectMm();
    return {a.x() + panelPx.x() * a.width() / d.nativeResolution.width(),
            a.y() + panelPx.y() * a.height() / d.nativeResolution.height()};
}

bool onPanel(const Display &d, QPointF px) {
    const QSize r = d.nativeResolution;
    return px.x() >= 0 && px.y() >= 0 && px.x() <= r.width() && px.y() <= r.height();
}

// Two landscape panels side by side: a vertical bezel at x = kOuterW.
QList<Display> pair() {
    return {panel(QStringLiteral("L"), {0, 0}), panel(QStringLiteral("R"), {kOuterW, 0})};
}

// Mixed sizes, a portrait panel beside landscape ones, gaps between some of them.
Wall irregularWall() {
    Wall w;
    w.name = QStringLiteral("irregular");
    w.displays.append(panel(QStringLiteral("L1"), {0, 0}));
    w.displays.append(panel(QStringLiteral("L2"), {kOuterW, 0}));
    w.displays.append(panel(QStringLiteral("P"), {2500, 0}, Rotation::R90)); // 73.8 mm gap
    Display s;                                                               // a 46-inch panel
    s.id = QStringLiteral("S");
    s.label = QStringLiteral("S");
    s.positionMm = {100, kOuterH + 100}; // 100 mm below L1
    s.sizeMm = {1021.6, 576.2};
    s.bezelMm = {1.75, 1.75, 1.75, 1.75};
    w.displays.append(s);
    Output o;
    o.name = QStringLiteral("OUT-1");
    o.geometry = {0, 0, 3840 + 1080, 2160};
    o.regions = {{QStringLiteral("L1"), {0, 0, 1920, 1080}},
                 {QStringLiteral("L2"), {1920, 0, 1920, 1080}},
                 {QStringLiteral("P"), {3840, 0, 1080, 1920}},
                 {QStringLiteral("S"), {0, 1080, 1920, 1080}}};
    w.outputs.append(o);
    return w;
}

} // namespace

class TestGeometry : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void canvasPanelRoundTrip_data();
    void canvasPanelRoundTrip();
    void bezelCompensationOnKeepsHorizontalLineOnSamePanelRow();
    void bezelCompensationOnKeepsDiagonalLineStraightAcrossBezel();
    void bezelCompensationOnHidesContentBehindBezel();
    void bezelCompensationOffSqueezesOuterRectIntoPanel();
    void rotatedPanelCornersMapToPanelCorners_data();
    void rotatedPanelCornersMapToPanelCorners();
    void rotatedPanelMountedResolutionIsTransposed();
    void irregularWallIsValidAndCanvasIsItsBoundingBox();
    void irregularWallDisplaysCovering_data();
    void irregularWallDisplaysCovering();
    void irregularWallPortraitPanelMapsItsCentre();
    void makeGridNamesAndPlacesDisplaysRowMajor();
    void makeGridSplitsOutputsIntoColumnBands();
    void makeGridRegionsLieInsideTheirOutputs();
    void makeGridWithGapAndPortraitPanels();
    void makeGridClampsOutputCountToColumns();
};

void TestGeometry::canvasPanelRoundTrip_data() {
    QTest::addColumn<int>("rotation");
    QTest::addColumn<bool>("compensation");
    for (int r : {0, 90, 180, 270})
        for (bool comp : {true, false})
            QTest::addRow("rot%d-%s", r, comp ? "comp" : "nocomp") << r << comp;
}

void TestGeometry::canvasPanelRoundTrip() {
    QFETCH(int, rotation);
    QFETCH(bool, compensation);
    const Display d = panel(QStringLiteral("D"), {500, 250}, Rotation(rotation));
    const QRectF outer = d.outerRectMm();
    for (double fx : {0.0, 0.013, 0.25, 0.5, 0.77, 1.0}) {
        for (double fy : {0.0, 0.4, 0.999}) {
            const QPointF canvas(outer.x() + fx * outer.width(), outer.y() + fy * outer.height());
            const QPointF px = canvasToPanel(d, compensation, canvas);
            VERIFY_NEAR(panelToCanvas(d, compensation, px), canvas);
            // The transform and the point overload agree.
            VERIFY_NEAR(canvasToPanel(d, compensation).map(canvas), px);
        }
    }
    for (QPointF px : {QPointF(0, 0), QPointF(1919.5, 0.5), QPointF(960, 540), QPointF(1, 1079)})
        VERIFY_NEAR(canvasToPanel(d, compensation, panelToCanvas(d, compensation, px)), px);
}

void TestGeometry::bezelCompensationOnKeepsHorizontalLineOnSamePanelRow() {
    const auto [l, r] = std::pair(pair()[0], pair()[1]);
    for (double y : {10.0, 300.0, 512.25, 680.0}) {
        const QPointF onLeft = canvasToPanel(l, true, {1000, y});
        const QPointF onRight = canvasToPanel(r, true, {1500, y});
        QVERIFY(onPanel(l, onLeft));
        QVERIFY(onPanel(r, onRight));
        QCOMPARE(onLeft.y(), onRight.y());
    }
}

void TestGeometry::bezelCompensationOnKeepsDiagonalLineStraightAcrossBezel() {
    // A diagonal canvas line from the left panel into the right one. With compensation each lit
    // pixel sits physically where the canvas point is, so the pixels on both panels lie on the
    // one straight line (only the part behind the bezel is missing).
    const QList<Display> ds = pair();
    const QPointF a(800, 100), b(1700, 600);
    int lit[2] = {0, 0};
    for (int i = 0; i <= 100; ++i) {
        const QPointF c = a + (b - a) * (i / 100.0);
        for (int k = 0; k < 2; ++k) {
            const QPointF px = canvasToPanel(ds[k], true, c);
            if (!onPanel(ds[k], px))
                continue;
            ++lit[k];
            VERIFY_NEAR(physicalMm(ds[k], px), c);
        }
    }
    QVERIFY(lit[0] > 10);
    QVERIFY(lit[1] > 10);
}

void TestGeometry::bezelCompensationOnHidesContentBehindBezel() {
    const auto [l, r] = std::pair(pair()[0], pair()[1]);
    // L's right bezel covers x in (1211.9, 1213.1); R's left bezel (1213.1, 1215.4).
    for (double x : {1212.0, 1213.1, 1214.0, 1215.3}) {
        const QPointF pl = canvasToPanel(l, true, {x, 300});
        const QPointF pr = canvasToPanel(r, true, {x, 300});
        QVERIFY2(pl.x() > 1920, show(pl).constData());
        QVERIFY2(pr.x() < 0, show(pr).constData());
    }
    // The active edges map onto the panels' edge columns.
    QCOMPARE(canvasToPanel(l, true, {kOuterW - 1.2, 300}).x(), 1920.0);
    QVERIFY(qAbs(canvasToPanel(r, true, {kOuterW + 2.3, 300}).x()) < 1e-9);
}

void TestGeometry::bezelCompensationOffSqueezesOuterRectIntoPanel() {
    const auto [l, r] = std::pair(pair()[0], pair()[1]);
    VERIFY_NEAR(canvasToPanel(l, false, l.outerRectMm().topLeft()), QPointF(0, 0));
    VERIFY_NEAR(canvasToPanel(l, false, l.outerRectMm().bottomRight()), QPointF(1920, 1080));
    VERIFY_NEAR(canvasToPanel(r, false, r.outerRectMm().topLeft()), QPointF(0, 0));
    // Content behind the bezel is squeezed in, not hidden: it lands on a panel.
    for (double x : {1212.0, 1213.0})
        QVERIFY(onPanel(l, canvasToPanel(l, false, {x, 300})));
    for (double x : {1213.2, 1215.0})
        QVERIFY(onPanel(r, canvasToPanel(r, false, {x, 300})));
    // ...so a line crossing the bezel jumps: the canvas edge shared by both panels is lit on L at
    // its active right edge and on R at its active left edge, 3.5 mm apart on the wall.
    const QPointF left = physicalMm(l, canvasToPanel(l, false, {kOuterW, 300}));
    const QPointF right = physicalMm(r, canvasToPanel(r, false, {kOuterW, 300}));
    QVERIFY(qAbs(left.x() - (kOuterW - 1.2)) < 1e-6);
    QVERIFY(qAbs(right.x() - (kOuterW + 2.3)) < 1e-6);
}

void TestGeometry::rotatedPanelCornersMapToPanelCorners_data() {
    // Canvas corners of the active area (top-left, top-right, bottom-right, bottom-left as seen on
    // the wall) and the panel pixel each must light. A panel turned 90° clockwise has its own
    // top-left pixel at the wall's top-right, etc.
    QTest::addColumn<int>("rotation");
    QTest::addColumn<QList<QPointF>>("panelCorners");
    const QPointF tl(0, 0), tr(1920, 0), br(1920, 1080), bl(0, 1080);
    QTest::newRow("0") << 0 << QList<QPointF>{tl, tr, br, bl};
    QTest::newRow("90") << 90 << QList<QPointF>{bl, tl, tr, br};
    QTest::newRow("180") << 180 << QList<QPointF>{br, bl, tl, tr};
    QTest::newRow("270") << 270 << QList<QPointF>{tr, br, bl, tl};
}

void TestGeometry::rotatedPanelCornersMapToPanelCorners() {
    QFETCH(int, rotation);
    QFETCH(QList<QPointF>, panelCorners);
    const Display d = panel(QStringLiteral("D"), {100, 40}, Rotation(rotation));
    const QRectF a = d.activeRectMm();
    const QList<QPointF> canvasCorners{a.topLeft(), a.topRight(), a.bottomRight(), a.bottomLeft()};
    for (int i = 0; i < 4; ++i)
        VERIFY_NEAR(canvasToPanel(d, true, canvasCorners[i]), panelCorners[i]);
    // The middle of the active area is the middle of the panel whatever the rotation.
    VERIFY_NEAR(canvasToPanel(d, true, a.center()), QPointF(960, 540));
}

void TestGeometry::rotatedPanelMountedResolutionIsTransposed() {
    QCOMPARE(panel(QStringLiteral("D"), {}, Rotation::R0).mountedResolution(), QSize(1920, 1080));
    QCOMPARE(panel(QStringLiteral("D"), {}, Rotation::R90).mountedResolution(), QSize(1080, 1920));
    QCOMPARE(panel(QStringLiteral("D"), {}, Rotation::R180).mountedResolution(), QSize(1920, 1080));
    QCOMPARE(panel(QStringLiteral("D"), {}, Rotation::R270).mountedResolution(), QSize(1080, 1920));
    // Pixels stay square on a portrait panel: 1080 px across its 680.4 mm, 1920 down 1209.6 mm.
    const Display p = panel(QStringLiteral("P"), {0, 0}, Rotation::R90);
    const QPointF oneMmRight = canvasToPanel(p, true, p.activeRectMm().topLeft() + QPointF(1, 0));
    const QPointF oneMmDown = canvasToPanel(p, true, p.activeRectMm().topLeft() + QPointF(0, 1));
    const QPointF origin = canvasToPanel(p, true, p.activeRectMm().topLeft());
    const double pxPerMmAcross = QLineF(origin, oneMmRight).length();
    const double pxPerMmDown = QLineF(origin, oneMmDown).length();
    QVERIFY(qAbs(pxPerMmAcross - pxPerMmDown) < 1e-6);
}

void TestGeometry::irregularWallIsValidAndCanvasIsItsBoundingBox() {
    const Wall w = irregularWall();
    const QList<Issue> issues = validateWall(w);
    for (const Issue &i : issues)
        qWarning("%s", qPrintable(i.toString()));
    QVERIFY(issues.isEmpty());
    // x: 0 .. P's right edge (2500 + 683.9); y: 0 .. max(P's 1213.1, S's 783.9 + 576.2).
    const QRectF c = w.canvasRectMm();
    QVERIFY(qAbs(c.left()) < 1e-9);
    QVERIFY(qAbs(c.top()) < 1e-9);
    QVERIFY(qAbs(c.right() - (2500 + kOuterH)) < 1e-9);
    QVERIFY(qAbs(c.bottom() - (kOuterH + 100 + 576.2)) < 1e-9);
}

void TestGeometry::irregularWallDisplaysCovering_data() {
    QTest::addColumn<QRectF>("rect");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("inside one panel") << QRectF(100, 100, 200, 100) << QStringList{"L1"};
    QTest::newRow("across the L1|L2 bezel")
        << QRectF(1100, 100, 300, 100) << QStringList{"L1", "L2"};
    QTest::newRow("inside the gap L2..P") << QRectF(2430, 100, 60, 100) << QStringList{};
    QTest::newRow("across the gap L2..P") << QRectF(2300, 500, 400, 100) << QStringList{"L2", "P"};
    QTest::newRow("across the gap L1..S") << QRectF(500, 600, 100, 300) << QStringList{"L1", "S"};
    QTest::newRow("empty wall area below L2") << QRectF(1500, 900, 200, 200) << QStringList{};
    QTest::newRow("only touching L1's right edge")
        << QRectF(kOuterW, 100, 100, 100) << QStringList{"L2"};
    QTest::newRow("P's lower half only") << QRectF(2550, 800, 100, 300) << QStringList{"P"};
    QTest::newRow("everything") << QRectF(-10, -10, 4000, 2000)
                                << QStringList{"L1", "L2", "P", "S"};
}

void TestGeometry::irregularWallDisplaysCovering() {
    QFETCH(QRectF, rect);
    QFETCH(QStringList, expected);
    QCOMPARE(irregularWall().displaysCovering(rect), expected);
}

void TestGeometry::irregularWallPortraitPanelMapsItsCentre() {
    const Wall w = irregularWall();
    const Display *p = w.display(QStringLiteral("P"));
    QVERIFY(p);
    QCOMPARE(p->mountedResolution(), QSize(1080, 1920));
    VERIFY_NEAR(panelToCanvas(*p, true, {960, 540}), p->activeRectMm().center());
    QVERIFY(!w.display(QStringLiteral("nope")));
}

void TestGeometry::makeGridNamesAndPlacesDisplaysRowMajor() {
    const Wall w = testsupport::demoWall(QStringLiteral("demo"));
    QCOMPARE(w.name, QStringLiteral("demo"));
    QCOMPARE(w.displays.size(), 12);
    for (int r = 0; r < 3; ++r) {
        for (int c = 0; c < 4; ++c) {
            const Display &d = w.displays[r * 4 + c];
            QCOMPARE(d.id, QStringLiteral("r%1c%2").arg(r + 1).arg(c + 1));
            QCOMPARE(d.deviceId, r * 4 + c + 1);
            QCOMPARE(d.label, QString::number(r * 4 + c + 1));
            VERIFY_NEAR(d.positionMm, QPointF(c * kOuterW, r * kOuterH));
            VERIFY_NEAR(QPointF(d.sizeMm.width(), d.sizeMm.height()), QPointF(kOuterW, kOuterH));
            QCOMPARE(d.bezelMm, kBezel);
            QVERIFY(qAbs(d.activeRectMm().width() - kActiveW) < 1e-9);
        }
    }
    QVERIFY(validateWall(w).isEmpty());
    const QRectF c = w.canvasRectMm();
    QVERIFY(qAbs(c.width() - 4 * kOuterW) < 1e-9 && qAbs(c.height() - 3 * kOuterH) < 1e-9);
}

void TestGeometry::makeGridSplitsOutputsIntoColumnBands() {
    const Wall w = makeGrid(testsupport::demoWallSpec());
    QCOMPARE(w.outputs.size(), 2);
    QCOMPARE(w.outputs[0].name, QStringLiteral("OUT-1"));
    QCOMPARE(w.outputs[1].name, QStringLiteral("OUT-2"));
    QCOMPARE(w.outputs[0].geometry, QRect(0, 0, 3840, 3240));
    QCOMPARE(w.outputs[1].geometry, QRect(3840, 0, 3840, 3240));
    QSet<QString> first, second;
    for (const OutputRegion &r : w.outputs[0].regions)
        first.insert(r.displayId);
    for (const OutputRegion &r : w.outputs[1].regions)
        second.insert(r.displayId);
    QCOMPARE(first, (QSet<QString>{"r1c1", "r1c2", "r2c1", "r2c2", "r3c1", "r3c2"}));
    QCOMPARE(second, (QSet<QString>{"r1c3", "r1c4", "r2c3", "r2c4", "r3c3", "r3c4"}));
    // r2c4 is the second column, second row of OUT-2.
    for (const OutputRegion &r : w.outputs[1].regions)
        if (r.displayId == QLatin1String("r2c4"))
            QCOMPARE(r.rectPx, QRect(1920, 1080, 1920, 1080));
}

void TestGeometry::makeGridRegionsLieInsideTheirOutputs() {
    for (int outputs : {1, 2, 3, 4}) {
        GridSpec spec;
        spec.rows = 2;
        spec.cols = 4;
        spec.activeMm = {kActiveW, kActiveH};
        spec.outputCount = outputs;
        const Wall w = makeGrid(spec);
        QCOMPARE(w.outputs.size(), outputs);
        QHash<QString, int> fed;
        int desktopX = 0;
        for (const Output &o : w.outputs) {
            QCOMPARE(o.geometry.x(), desktopX); // side by side, no overlap, no hole
            desktopX += o.geometry.width();
            const QRect local(QPoint(0, 0), o.geometry.size());
            for (const OutputRegion &r : o.regions) {
                QVERIFY2(local.contains(r.rectPx), qPrintable(r.displayId));
                QCOMPARE(r.rectPx.size(), QSize(1920, 1080));
                ++fed[r.displayId];
            }
        }
        QCOMPARE(fed.size(), 8);
        for (auto it = fed.cbegin(); it != fed.cend(); ++it)
            QCOMPARE(it.value(), 1);
        QVERIFY(validateWall(w).isEmpty());
    }
}

void TestGeometry::makeGridWithGapAndPortraitPanels() {
    GridSpec spec;
    spec.rows = 1;
    spec.cols = 3;
    spec.activeMm = {kActiveW, kActiveH}; // as manufactured (landscape)
    spec.bezelMm = kBezel;
    spec.gapMm = 10;
    spec.rotation = Rotation::R90;
    const Wall w = makeGrid(spec);
    QCOMPARE(w.displays.size(), 3);
    const Display &d2 = w.displays[1];
    QVERIFY(qAbs(d2.sizeMm.width() - kOuterH) < 1e-9); // portrait: narrow and tall
    QVERIFY(qAbs(d2.sizeMm.height() - kOuterW) < 1e-9);
    QVERIFY(qAbs(d2.positionMm.x() - (kOuterH + 10)) < 1e-9);
    QCOMPARE(d2.rotation, Rotation::R90);
    QCOMPARE(w.outputs.size(), 1);
    QCOMPARE(w.outputs[0].geometry, QRect(0, 0, 3 * 1080, 1920));
    QCOMPARE(w.outputs[0].regions[2].rectPx, QRect(2160, 0, 1080, 1920));
    QVERIFY(validateWall(w).isEmpty());
    // Nothing covers the gap between two panels.
    QVERIFY(w.displaysCovering(QRectF(kOuterH + 1, 100, 8, 100)).isEmpty());
}

void TestGeometry::makeGridClampsOutputCountToColumns() {
    GridSpec spec;
    spec.rows = 2;
    spec.cols = 3;
    spec.activeMm = {kActiveW, kActiveH};
    spec.outputCount = 9;
    QCOMPARE(makeGrid(spec).outputs.size(), 3);
    spec.outputCount = 0;
    QCOMPARE(makeGrid(spec).outputs.size(), 1);
}

} // namespace opswall::wall

QTEST_GUILESS_MAIN(opswall::wall::TestGeometry)
#include "tst_geometry.moc"
