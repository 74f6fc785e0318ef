// Renders real walls through the application's own windows (offscreen platform, software scene
// graph) and checks pixels: each output window shows its displays' share of the canvas, a line
// crossing a bezel stays straight with bezel compensation on, a rotated panel gets its content
// rotated, and the preview shows every display's ID badge.
#include "shell/steprenderer.h"
#include "shell/wallapplication.h"
#include "wall/geometry.h"
#include "wall/layout.h"
#include "wall/walljson.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QJsonDocument>
#include <QPainter>
#include <QPointer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cmath>
#include <numbers>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;

namespace {

// Two 1000×500 mm panels with fat 50 mm bezels side by side, 400×200 px each, one output.
wall::Wall twoPanels(bool compensation, wall::Rotation secondRotation = wall::Rotation::R0) {
    wall::Wall w;
    w.name = QStringLiteral("test wall");
    w.bezelCompensation = compensation;
    for (int i = 0; i < 2; ++i) {
        wall::Display d;
        d.id = QStringLiteral("d%1").arg(i + 1);
        d.label = QString::number(i + 1);
        d.positionMm = {i * 1100.0, 0};
        d.sizeMm = {1100, 600};
        d.bezelMm = {50, 50, 50, 50};
        d.nativeResolution = {400, 200};
        w.displays.append(d);
    }
    w.displays[1].rotation = secondRotation;
    if (secondRotation == wall::Rotation::R90 || secondRotation == wall::Rotation::R270)
        w.displays[1].sizeMm = {600, 1100}; // portrait as mounted
    wall::Output out;
    out.name = QStringLiteral("OUT-1");
    out.geometry = QRect(0, 0, 800, 200);
    out.regions = {{QStringLiteral("d1"), QRect(0, 0, 400, 200)},
                   {QStringLiteral("d2"), QRect(400, 0, 400, 200)}};
    w.outputs.append(out);
    return w;
}

QJsonObject colorTile(const QString &id, QRectF r, const QString &color, int z = 1) {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kind"), QStringLiteral("color")},
            {QStringLiteral("frame"), false},
            {QStringLiteral("z"), z},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), r.x()},
                                                 {QStringLiteral("y"), r.y()},
                                                 {QStringLiteral("width"), r.width()},
                                                 {QStringLiteral("height"), r.height()}}},
            {QStringLiteral("binding"), QJsonObject{{QStringLiteral("color"), color}}}};
}

class Fixture {
public:
    Fixture(const wall::Wall &wall, const QJsonArray &tiles, bool preview,
            const QString &storeConfig = {}) {
        const QString wallFile = m_dir.filePath(QStringLiteral("wall.json"));
        QFile f(wallFile);
        f.open(QIODevice::WriteOnly);
        f.write(QJsonDocument(wall::wallToJson(wall)).toJson());
        f.close();
        shell::Options o;
        o.preview = preview;
        o.wallPath = wallFile;
        o.dbPath = m_dir.filePath(QStringLiteral("wall.db"));
        o.language = QStringLiteral("en");
        o.apiBind = QStringLiteral("127.0.0.1:0"); // a free port: tests run side by side
        o.storeConfigPath = storeConfig;
        app = std::make_unique<shell::WallApplication>(o);
        ok = app->start();
        if (!ok)
            return;
        const QJsonObject layout{{QStringLiteral("schemaVersion"), 1},
                                 {QStringLiteral("name"), QStringLiteral("test")},
                                 {QStringLiteral("background"), QStringLiteral("#000000")},
                                 {QStringLiteral("tiles"), tiles}};
        const auto r = app->dispatcher().dispatch(
            {QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}},
            {QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
             QStringLiteral("test")});
        ok = r.ok;
        error = r.message;
    }

    // Waits until every tile rendered, then grabs every window.
    QList<QImage> grab() {
        bool rendered = false, done = false;
        app->whenRendered(10000, [&](bool allOk, const QStringList &) {
            rendered = allOk;
            done = true;
        });
        if (!QTest::qWaitFor([&] { return done; }, 15000) || !rendered)
            return {};
        QList<QImage> images;
        for (QQuickWindow *w : app->windows())
            images.append(w->grabWindow().convertToFormat(QImage::Format_RGB32));
        return images;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<shell::WallApplication> app;
    bool ok = false;
    QString error;
};

// The canvas points of the line's pixels on one panel: for every panel column, the mean row of
// the white pixels, mapped back to the canvas through the display's geometry.
QList<QPointF> linePoints(const QImage &out, const QRect &region, const wall::Display &d,
                          bool comp) {
    QList<QPointF> points;
    for (int x = 0; x < region.width(); ++x) {
        // Intensity-weighted centre of the line in this column (scaling smooths it to grey).
        double sum = 0, weight = 0;
        int lit = 0;
        for (int y = 0; y < region.height(); ++y) {
            const int v = qGray(out.pixel(region.x() + x, region.y() + y));
            if (v > 60) {
                sum += (y + 0.5) * v;
                weight += v;
                ++lit;
            }
        }
        if (lit > 0 && lit < 12)
            points.append(wall::panelToCanvas(d, comp, QPointF(x + 0.5, sum / weight)));
    }
    return points;
}

// Largest distance (mm) of the points from the least-squares line through them.
double straightnessErrorMm(const QList<QPointF> &pts) {
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (const QPointF &p : pts) {
        sx += p.x();
        sy += p.y();
        sxx += p.x() * p.x();
        sxy += p.x() * p.y();
    }
    const double n = pts.size();
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    const double icpt = (sy - slope * sx) / n;
    double worst = 0;
    for (const QPointF &p : pts)
        worst = std::max(worst,
                         std::abs(p.y() - (slope * p.x() + icpt)) / std::sqrt(1 + slope * slope));
    return worst;
}

} // namespace

class TestRendering : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void eachOutputWindowShowsItsDisplaysShare();
    void lineCrossingBezelStaysStraightWithCompensation();
    void lineCrossingBezelJumpsWithoutCompensation();
    void rotatedPanelGetsRotatedContent();
    void previewShowsEveryDisplayId();
    void previewMapShowsTheValueUnderThePointer();
    void textMeetsTheWallDistanceRule();
    void recallMovesPersistentTilesAndSwitchesAtOnce();
    void tileSpanningDisplaysIsBuiltOncePerWindow();
    void repeatedRecallsLeaveOneFramePerTile();
    void recallLeavesNoTileOfThePreviousLayout();
    void stepPicturesShowOnlyTheirOwnLayout();

private:
    QImage diagonalImage(const QString &path);
    QList<QPointF> renderDiagonal(bool compensation, QList<QPointF> *second);
};

void TestRendering::eachOutputWindowShowsItsDisplaysShare() {
    // A red tile on the left display only, a green one on the right only.
    const wall::Wall w = twoPanels(true);
    Fixture fx(w,
               QJsonArray{colorTile(QStringLiteral("red"), QRectF(100, 100, 800, 400),
                                    QStringLiteral("#ff0000")),
                          colorTile(QStringLiteral("green"), QRectF(1200, 100, 800, 400),
                                    QStringLiteral("#00ff00"))},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QCOMPARE(fx.app->windows().size(), 1);
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    const QImage &img = shots.first();
    QCOMPARE(img.size(), QSize(800, 200));
    // Display 1 shows canvas x 50..1050 in 400 px: red spans canvas 100..900 -> px 20..340.
    QCOMPARE(img.pixel(200, 100), qRgb(255, 0, 0));
    QCOMPARE(img.pixel(10, 100), qRgb(0, 0, 0));
    // Display 2 shows canvas 1150..2150: green 1200..2000 -> px 20..340 of the second region.
    QCOMPARE(img.pixel(400 + 200, 100), qRgb(0, 255, 0));
    QCOMPARE(img.pixel(400 + 380, 100), qRgb(0, 0, 0));
    QCOMPARE(img.pixel(400 + 200, 10), qRgb(0, 0, 0));
}

QImage TestRendering::diagonalImage(const QString &path) {
    QImage img(2000, 400, QImage::Format_RGB32);
    img.fill(Qt::black);
    QPainter p(&img);
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(Qt::white, 10));
    p.drawLine(0, 0, 2000, 400);
    p.end();
    img.save(path);
    return img;
}

QList<QPointF> TestRendering::renderDiagonal(bool compensation, QList<QPointF> *second) {
    // An image tile with a diagonal line spanning both displays and the bezel between them.
    const wall::Wall w = twoPanels(compensation);
    QTemporaryDir dir;
    const QString png = dir.filePath(QStringLiteral("diagonal.png"));
    diagonalImage(png);
    // Image tiles read only from the assets folder, the media folder or allowed URLs: the
    // picture is in this test's media folder.
    const QString config = dir.filePath(QStringLiteral("store.json"));
    QFile c(config);
    if (!c.open(QIODevice::WriteOnly))
        return {};
    c.write(QJsonDocument(QJsonObject{{QStringLiteral("media"),
                                       QJsonObject{{QStringLiteral("folder"), dir.path()}}}})
                .toJson());
    c.close();
    const QJsonObject tile{
        {QStringLiteral("id"), QStringLiteral("diag")},
        {QStringLiteral("kind"), QStringLiteral("image")},
        {QStringLiteral("frame"), false},
        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 100},
                                             {QStringLiteral("y"), 100},
                                             {QStringLiteral("width"), 2000},
                                             {QStringLiteral("height"), 400}}},
        {QStringLiteral("binding"),
         QJsonObject{{QStringLiteral("source"), QStringLiteral("media:diagonal.png")},
                     {QStringLiteral("fill"), QStringLiteral("stretch")}}}};
    Fixture fx(w, QJsonArray{tile}, false, config);
    if (!fx.ok)
        return {};
    const QList<QImage> shots = fx.grab();
    if (shots.size() != 1)
        return {};
    QList<QPointF> first = linePoints(shots[0], QRect(0, 0, 400, 200), w.displays[0], compensation);
    *second = linePoints(shots[0], QRect(400, 0, 400, 200), w.displays[1], compensation);
    return first;
}

void TestRendering::lineCrossingBezelStaysStraightWithCompensation() {
    QList<QPointF> right;
    const QList<QPointF> left = renderDiagonal(true, &right);
    QVERIFY2(left.size() > 100 && right.size() > 100, "the line must show on both displays");
    // Both segments, mapped back to the wall, lie on one straight line (within 2.5 mm = one panel
    // pixel): the part behind the bezel is hidden, not squeezed in.
    QList<QPointF> all = left + right;
    const double err = straightnessErrorMm(all);
    QVERIFY2(err < 2.5 * 1.5, qPrintable(QStringLiteral("line off straight by %1 mm").arg(err)));
}

void TestRendering::lineCrossingBezelJumpsWithoutCompensation() {
    QList<QPointF> right;
    // Without compensation each panel squeezes its whole outer rectangle in, so the two segments,
    // seen where they physically appear on the wall, no longer line up.
    const wall::Wall w = twoPanels(false);
    const QList<QPointF> left = renderDiagonal(false, &right);
    QVERIFY(left.size() > 100 && right.size() > 100);
    // Where the pixels really are on the wall: map with the compensated (physical) geometry.
    auto physical = [&](const QList<QPointF> &pts, const wall::Display &d) {
        QList<QPointF> out;
        for (const QPointF &p : pts)
            out.append(wall::panelToCanvas(d, true, wall::canvasToPanel(d, false, p)));
        return out;
    };
    const double err =
        straightnessErrorMm(physical(left, w.displays[0]) + physical(right, w.displays[1]));
    QVERIFY2(err > 5, qPrintable(QStringLiteral("expected a visible jump, got %1 mm").arg(err)));
}

void TestRendering::rotatedPanelGetsRotatedContent() {
    // The second display is portrait (rotated 90° clockwise). A red tile in the top-left corner of
    // its active area must light the panel pixels that geometry says are that corner.
    const wall::Wall w = twoPanels(true, wall::Rotation::R90);
    const wall::Display &d = w.displays[1];
    const QRectF a = d.activeRectMm();
    Fixture fx(
        w,
        QJsonArray{colorTile(QStringLiteral("corner"), QRectF(a.x(), a.y(), 100, 100),
                             QStringLiteral("#ff0000")),
                   colorTile(QStringLiteral("rest"),
                             QRectF(a.x() + 100, a.y() + 100, a.width() - 100, a.height() - 100),
                             QStringLiteral("#0000ff"))},
        false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    const QPointF corner = wall::canvasToPanel(d, true, a.topLeft() + QPointF(50, 50));
    const QPointF far = wall::canvasToPanel(d, true, a.bottomRight() - QPointF(50, 50));
    QCOMPARE(shots[0].pixel(400 + int(corner.x()), int(corner.y())), qRgb(255, 0, 0));
    QCOMPARE(shots[0].pixel(400 + int(far.x()), int(far.y())), qRgb(0, 0, 255));
    // And the corner is where a 90° clockwise panel has it: at its own left edge, bottom.
    QVERIFY(corner.x() < 50 && corner.y() > 150);
}

void TestRendering::previewShowsEveryDisplayId() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w,
               QJsonArray{colorTile(QStringLiteral("c"), QRectF(0, 0, 2200, 600),
                                    QStringLiteral("#203040"), 0)},
               true);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    const QImage &img = shots.first();
    // The preview maps the canvas into the window with a 20 px margin and a 36 px footer.
    const QRectF canvas = w.canvasRectMm();
    const double k =
        std::min((img.width() - 40) / canvas.width(), (img.height() - 76) / canvas.height());
    for (const wall::Display &d : w.displays) {
        const QRect r(int(20 + d.positionMm.x() * k), int(20 + d.positionMm.y() * k),
                      int(d.sizeMm.width() * k), int(d.sizeMm.height() * k));
        int badge = 0;
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x) {
                const QRgb p = img.pixel(x, y);
                badge += (qRed(p) > 220 && qGreen(p) > 150 && qGreen(p) < 200 && qBlue(p) < 60);
            }
        QVERIFY2(badge > 200, qPrintable(QStringLiteral("no ID badge on display %1").arg(d.id)));
    }
}

namespace {
// Every item drawn under root (Repeater and Loader children are visual, not QObject, children).
QList<QQuickItem *> visualItems(QQuickItem *root) {
    QList<QQuickItem *> out;
    for (QQuickItem *child : root->childItems())
        out << child << visualItems(child);
    return out;
}
} // namespace

// The operator's preview is where a mouse is: hovering a province of a map tile shows its value.
void TestRendering::previewMapShowsTheValueUnderThePointer() {
    const wall::Wall w = twoPanels(true);
    const QJsonObject map{
        {QStringLiteral("id"), QStringLiteral("m")},
        {QStringLiteral("kind"), QStringLiteral("map")},
        {QStringLiteral("title"), QStringLiteral("Test map")},
        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 50},
                                             {QStringLiteral("y"), 50},
                                             {QStringLiteral("width"), 1000},
                                             {QStringLiteral("height"), 500}}},
        {QStringLiteral("binding"),
         QJsonObject{{QStringLiteral("units"), 63},
                     {QStringLiteral("unit"), QStringLiteral("%")},
                     {QStringLiteral("values"),
                      QJsonObject{{QStringLiteral("01"), 101.57}, {QStringLiteral("79"), 98.2}}}}}};
    Fixture fx(w, QJsonArray{map}, true);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *preview = fx.app->windows().constLast();
    // The map instance (one per display viewport) whose visible part holds Hà Nội.
    QPointF at(-1, -1);
    for (QQuickItem *item : visualItems(preview->contentItem())) {
        if (qstrcmp(item->metaObject()->className(), "opswall::maps::ChoroplethMap") != 0)
            continue;
        QPointF p;
        QMetaObject::invokeMethod(item, "toPixel", Q_RETURN_ARG(QPointF, p), Q_ARG(qreal, 105.75),
                                  Q_ARG(qreal, 21.0));
        const QPointF scene = item->mapToScene(p);

        for (QQuickItem *a = item->parentItem(); a; a = a->parentItem())
            if (a->clip() && a->mapRectToScene(a->boundingRect()).contains(scene))
                at = scene;
    }
    QVERIFY(at.x() >= 0);
    QTest::mouseMove(preview, at.toPoint());
    QQuickItem *shown = nullptr;
    QTRY_VERIFY([&] {
        for (QQuickItem *tip : visualItems(preview->contentItem()))
            if (tip->objectName() == QLatin1String("provinceTip") && tip->isVisible())
                shown = tip;
        return shown != nullptr;
    }());
    const QString said = shown->property("text").toString();
    QVERIFY2(said.startsWith(QStringLiteral("Hà Nội: 101")), qPrintable(said));
    const QImage img = preview->grabWindow();
    if (const QString dir = qEnvironmentVariable("OPSWALL_SCREENSHOT_DIR"); !dir.isEmpty())
        img.save(dir + QStringLiteral("/preview-map-hover.png"));
}

namespace {
QJsonObject tileOf(const QString &kind, QRectF r, const QString &title,
                   const QJsonObject &binding) {
    return {{QStringLiteral("id"), kind},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("title"), title},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), r.x()},
                                                 {QStringLiteral("y"), r.y()},
                                                 {QStringLiteral("width"), r.width()},
                                                 {QStringLiteral("height"), r.height()}}},
            {QStringLiteral("binding"), binding}};
}
} // namespace

// The wall-distance text-size rule (README "Text on the wall"): on the demo wall (55-inch
// 1920x1080 panels, 1.587 px per mm) every text of every tile kind, as the output windows draw it,
// has a cap height of at least 4 m x tan(10') = 11.6 mm. Cap heights are measured with the font's
// own metrics (QFontMetricsF::capHeight), in the window's pixels, divided by the panels' pixels per
// millimetre. Text items, chart titles, the sparkline's year labels and the map's labels and
// legend are checked (Qt Charts' axis labels follow the chart's textPx, not read back here).
void TestRendering::textMeetsTheWallDistanceRule() {
    const QString wallFile =
        qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets/demo/wall.json");
    QFile f(wallFile);
    QVERIFY(f.open(QIODevice::ReadOnly));
    const wall::WallParse parsed =
        wall::wallFromJson(QJsonDocument::fromJson(f.readAll()).object());
    QVERIFY(parsed.ok());
    const double pxPerMm = 1920.0 / 1209.6;
    const double minCapMm = 4000.0 * std::tan(10.0 / 60.0 * std::numbers::pi / 180.0);
    const QJsonArray tiles{
        tileOf(QStringLiteral("text"), {20, 20, 1500, 150}, QString(),
               {{QStringLiteral("text"), QStringLiteral("TRUNG TÂM ĐIỀU HÀNH")},
                {QStringLiteral("sizeMm"), 70}}),
        tileOf(QStringLiteral("clock"), {1540, 20, 900, 400}, QString(),
               {{QStringLiteral("label"), QStringLiteral("Hà Nội")}}),
        tileOf(QStringLiteral("kpi"), {2460, 20, 1000, 500}, QStringLiteral("Giải ngân"),
               {{QStringLiteral("indicator"), QStringLiteral("PUBINV_YTD")}}),
        tileOf(QStringLiteral("chart"), {3480, 20, 1330, 500}, QStringLiteral("CPI"),
               {{QStringLiteral("indicator"), QStringLiteral("CPI_YOY_INDEX")}}),
        tileOf(QStringLiteral("bar"), {20, 560, 1200, 700}, QStringLiteral("FDI"),
               {{QStringLiteral("indicator"), QStringLiteral("FDI_YEAR_NEW_CAPITAL")},
                {QStringLiteral("period"), QStringLiteral("2024")}}),
        tileOf(QStringLiteral("table"), {1240, 560, 1200, 700}, QStringLiteral("Xếp hạng"),
               {{QStringLiteral("indicator"), QStringLiteral("IND_EMP_YOY_INDEX")},
                {QStringLiteral("period"), QStringLiteral("2024-12")}}),
        tileOf(QStringLiteral("alerts"), {2460, 560, 1000, 300}, QStringLiteral("Cảnh báo"),
               {{QStringLiteral("max"), 3}}),
        tileOf(QStringLiteral("video"), {3480, 560, 1330, 700}, QStringLiteral("Cầu truyền hình"),
               {{QStringLiteral("source"), QStringLiteral("not-configured")}}),
        tileOf(QStringLiteral("image"), {2460, 880, 1000, 380}, QStringLiteral("Ảnh"),
               {{QStringLiteral("source"), QStringLiteral("missing.png")}}),
        tileOf(QStringLiteral("map"), {20, 1280, 2400, 740}, QStringLiteral("Bản đồ 34 tỉnh"),
               {{QStringLiteral("units"), 34},
                {QStringLiteral("values"), QJsonObject{{QStringLiteral("01"), 101.6},
                                                       {QStringLiteral("79"), 103.0},
                                                       {QStringLiteral("48"), 99.1},
                                                       {QStringLiteral("31"), 100.4}}}}),
        tileOf(QStringLiteral("color"), {2460, 1280, 600, 740}, QString(),
               {{QStringLiteral("color"), QStringLiteral("#203040")}}),
    };
    Fixture fx(parsed.wall, tiles, false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QStringList tooSmall;
    int checked = 0;
    QSet<QString> kindsSeen;
    const auto check = [&](const QString &what, const QFont &font, double sceneScale) {
        const double capMm = QFontMetricsF(font).capHeight() * sceneScale / pxPerMm;
        ++checked;
        if (capMm < minCapMm - 0.05)
            tooSmall << QStringLiteral("%1: cap %2 mm").arg(what).arg(capMm, 0, 'f', 1);
    };
    for (QQuickWindow *w : fx.app->windows()) {
        const QRectF windowRect(QPointF(0, 0), w->size());
        for (QQuickItem *item : visualItems(w->contentItem())) {
            if (!item->isVisible() || item->opacity() <= 0)
                continue;
            const QRectF scene = item->mapRectToScene(item->boundingRect());
            if (!scene.intersects(windowRect))
                continue;
            const double scale = item->mapRectToScene(QRectF(0, 0, 0, 1)).height();
            // Which tile this item belongs to (the frame's tileId), for the message.
            QString tile;
            for (QQuickItem *a = item; a && tile.isEmpty(); a = a->parentItem())
                tile = a->property("tileId").toString();
            const QByteArray cls = item->metaObject()->className();
            if (cls.startsWith("QQuickText") && !item->property("text").toString().isEmpty()) {
                kindsSeen << tile;
                check(tile + QStringLiteral(" '") + item->property("text").toString().left(40) +
                          QLatin1Char('\''),
                      item->property("font").value<QFont>(), scale);
            } else if (cls.contains("DeclarativeChart")) {
                kindsSeen << tile;
                check(tile + QStringLiteral(" chart title"),
                      item->property("titleFont").value<QFont>(), scale);
            } else if (item->property("labelPixelSize").isValid() &&
                       item->property("yearStarts").isValid()) {
                QFont font(QStringLiteral("Noto Sans"));
                font.setPixelSize(qMax(1, int(item->property("labelPixelSize").toDouble())));
                check(tile + QStringLiteral(" sparkline year"), font, scale);
            } else if (cls == "opswall::maps::ChoroplethMap") {
                kindsSeen << tile;
                QVariantMap info;
                QMetaObject::invokeMethod(item, "layoutInfo", Q_RETURN_ARG(QVariantMap, info));
                QFont font(QStringLiteral("DejaVu Sans"));
                font.setPixelSize(
                    qMax(1, int(info.value(QStringLiteral("smallestTextPx")).toDouble())));
                check(tile + QStringLiteral(" map labels and legend"), font, scale);
            }
        }
    }
    std::printf("text-size rule: %d texts checked, minimum cap height %.1f mm at 4 m\n", checked,
                minCapMm);
    QVERIFY2(tooSmall.isEmpty(), qPrintable(tooSmall.join(QStringLiteral("; "))));
    for (const char *kind :
         {"text", "clock", "kpi", "chart", "bar", "table", "alerts", "video", "image", "map"})
        QVERIFY2(kindsSeen.contains(QLatin1String(kind)), kind);
}

namespace {
// The tile frames of one window (TileFrame.qml: an item with tileId and tileReady), by tile id.
QMultiHash<QString, QQuickItem *> framesOf(QQuickWindow *w) {
    QMultiHash<QString, QQuickItem *> frames;
    for (QQuickItem *item : visualItems(w->contentItem()))
        if (item->property("tileReady").isValid())
            frames.insert(item->property("tileId").toString(), item);
    return frames;
}

bool shown(QQuickItem *frame) {
    return frame->isVisible() && !frame->property("retired").toBool();
}

// Whether any frame of the tile is on screen in the window.
bool anyShown(QQuickWindow *w, const QString &tileId) {
    const auto frames = framesOf(w).values(tileId);
    return std::any_of(frames.cbegin(), frames.cend(), shown);
}
} // namespace

// A recall is a diff: a tile that persists (same id, kind and binding) keeps its frame and only
// moves; a new tile is built while the old layout is still shown, and the old tiles go, the
// persistent one moves and the new one shows together (never some of each on screen).
void TestRendering::recallMovesPersistentTilesAndSwitchesAtOnce() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w,
               QJsonArray{colorTile(QStringLiteral("keep"), QRectF(100, 100, 400, 400),
                                    QStringLiteral("#ff0000")),
                          colorTile(QStringLiteral("old"), QRectF(1200, 100, 800, 400),
                                    QStringLiteral("#00ff00"))},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    const QList<QQuickItem *> keepBefore = framesOf(win).values(QStringLiteral("keep"));
    QCOMPARE(keepBefore.size(), 1);
    const QPointer<QQuickItem> keep = keepBefore.first();
    const qreal keepX = keep->x();

    const QJsonObject next{{QStringLiteral("schemaVersion"), 1},
                           {QStringLiteral("name"), QStringLiteral("next")},
                           {QStringLiteral("background"), QStringLiteral("#000000")},
                           {QStringLiteral("tiles"),
                            QJsonArray{colorTile(QStringLiteral("keep"), QRectF(500, 100, 400, 400),
                                                 QStringLiteral("#ff0000")),
                                       colorTile(QStringLiteral("new"), QRectF(1200, 100, 800, 400),
                                                 QStringLiteral("#0000ff"))}}};
    // Every turn of the event loop until the new layout is complete: either the old layout is on
    // screen (old shown, keep where it was, new hidden) or the new one, never a mix.
    int mixed = 0, oldSeen = 0, newSeen = 0;
    QTimer watch;
    watch.setInterval(0);
    connect(&watch, &QTimer::timeout, this, [&] {
        if (!keep)
            return;
        const bool oldShown = anyShown(win, QStringLiteral("old"));
        const bool newShown = anyShown(win, QStringLiteral("new"));
        const bool keepMoved = !qFuzzyCompare(keep->x(), keepX);
        if (oldShown && !newShown && !keepMoved)
            ++oldSeen;
        else if (!oldShown && newShown && keepMoved)
            ++newSeen;
        else
            ++mixed;
    });
    watch.start();
    const auto r = fx.app->dispatcher().dispatch(
        {QStringLiteral("layout.set"), {{QStringLiteral("layout"), next}}},
        {QStringLiteral("test"), Role::Operator, QStringLiteral("local"), QStringLiteral("test")});
    QVERIFY2(r.ok, qPrintable(r.message));
    // The dispatcher has answered; the old layout is still what the window shows.
    QVERIFY(anyShown(win, QStringLiteral("old")));
    QCOMPARE(keep->x(), keepX);
    const QList<QImage> shots = fx.grab();
    watch.stop();
    QCOMPARE(shots.size(), 1);
    QCOMPARE(mixed, 0);
    QVERIFY(newSeen > 0);

    // The persistent tile kept its frame (not rebuilt) and moved: canvas 500..900 on display 1
    // (canvas 50..1050 in 400 px) is px 180..340; where it was (px 20..180) is background now.
    QVERIFY(keep);
    QCOMPARE(framesOf(win).values(QStringLiteral("keep")), QList<QQuickItem *>{keep.data()});
    QCOMPARE(shots[0].pixel(260, 100), qRgb(255, 0, 0));
    QCOMPARE(shots[0].pixel(60, 100), qRgb(0, 0, 0));
    // The new tile replaced the old one on display 2.
    QCOMPARE(shots[0].pixel(400 + 200, 100), qRgb(0, 0, 255));
    QVERIFY(!anyShown(win, QStringLiteral("old")));
    QTRY_VERIFY(framesOf(win).values(QStringLiteral("old")).isEmpty()); // deleted afterwards
    QCOMPARE(framesOf(win).values(QStringLiteral("new")).size(), 1);

    // A tile with the same id but another binding is rebuilt, not kept.
    QJsonArray recoloured{
        colorTile(QStringLiteral("keep"), QRectF(500, 100, 400, 400), QStringLiteral("#ffff00")),
        colorTile(QStringLiteral("new"), QRectF(1200, 100, 800, 400), QStringLiteral("#0000ff"))};
    QJsonObject third = next;
    third[QStringLiteral("tiles")] = recoloured;
    QVERIFY(fx.app->dispatcher()
                .dispatch({QStringLiteral("layout.set"), {{QStringLiteral("layout"), third}}},
                          {QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                           QStringLiteral("test")})
                .ok);
    const QList<QImage> after = fx.grab();
    QCOMPARE(after.size(), 1);
    QCOMPARE(after[0].pixel(260, 100), qRgb(255, 255, 0));
    QTRY_VERIFY(!keep); // the old frame was deleted
    QCOMPARE(framesOf(win).values(QStringLiteral("keep")).size(), 1);
}

// A tile over both displays of the one output is built once in that window (one frame, one
// content); the second display shows its part of the same frame.
void TestRendering::tileSpanningDisplaysIsBuiltOncePerWindow() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w,
               QJsonArray{colorTile(QStringLiteral("wide"), QRectF(100, 100, 2000, 400),
                                    QStringLiteral("#ff00ff"))},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    QCOMPARE(framesOf(fx.app->windows().constFirst()).values(QStringLiteral("wide")).size(), 1);
    // Both displays show it: display 1 px 20..400, display 2 (canvas 1150..2150) px 0..380.
    QCOMPARE(shots[0].pixel(200, 100), qRgb(255, 0, 255));
    QCOMPARE(shots[0].pixel(400 + 200, 100), qRgb(255, 0, 255));
    QCOMPARE(shots[0].pixel(400 + 390, 100), qRgb(0, 0, 0));
}

// Recalls back and forth between two layouts whose tiles change kind (nothing persists) leave
// exactly one frame per tile in the window, and the picture of the layout recalled last.
void TestRendering::repeatedRecallsLeaveOneFramePerTile() {
    const wall::Wall w = twoPanels(true);
    const auto layoutOf = [](int variant) {
        QJsonArray tiles;
        for (int i = 0; i < 8; ++i) {
            const QRectF r(60 + (i % 4) * 520, 60 + (i / 4) * 250, 480, 200);
            QJsonObject t =
                colorTile(QStringLiteral("t%1").arg(i), r,
                          variant ? QStringLiteral("#0000ff") : QStringLiteral("#ff0000"));
            if ((i + variant) % 2) {
                t[QStringLiteral("kind")] = QStringLiteral("text");
                t[QStringLiteral("binding")] =
                    QJsonObject{{QStringLiteral("text"), QStringLiteral("T")}};
            }
            tiles.append(t);
        }
        return QJsonObject{{QStringLiteral("schemaVersion"), 1},
                           {QStringLiteral("name"), QStringLiteral("v%1").arg(variant)},
                           {QStringLiteral("background"), QStringLiteral("#000000")},
                           {QStringLiteral("tiles"), tiles}};
    };
    Fixture fx(w, layoutOf(0)[QStringLiteral("tiles")].toArray(), false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QQuickWindow *win = fx.app->windows().constFirst();
    for (int round = 1; round <= 6; ++round) {
        QVERIFY(fx.app->dispatcher()
                    .dispatch({QStringLiteral("layout.set"),
                               {{QStringLiteral("layout"), layoutOf(round % 2)}}},
                              {QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                               QStringLiteral("test")})
                    .ok);
        QVERIFY(!fx.grab().isEmpty());
        for (int i = 0; i < 8; ++i) {
            const QString id = QStringLiteral("t%1").arg(i);
            const auto frames = framesOf(win).values(id);
            QCOMPARE(std::count_if(frames.cbegin(), frames.cend(), shown), 1);
            const QString kind =
                (i + round % 2) % 2 ? QStringLiteral("text") : QStringLiteral("color");
            for (QQuickItem *f : frames)
                if (shown(f))
                    QCOMPARE(f->property("kind").toString(), kind);
        }
        QTRY_COMPARE(framesOf(win).size(), 8 + 1); // the tiles and the layer itself
    }
    // A layout change while a recall is still being built: that recall is shown first, then
    // the next one is built; every tile ends up with its content and binding.
    for (int variant : {1, 0})
        QVERIFY(fx.app->dispatcher()
                    .dispatch({QStringLiteral("layout.set"),
                               {{QStringLiteral("layout"), layoutOf(variant)}}},
                              {QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                               QStringLiteral("test")})
                    .ok);
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    QCOMPARE(shots[0].pixel(100, 44), qRgb(255, 0, 0)); // t0, a red colour tile in variant 0
    for (int i = 0; i < 8; ++i) {
        const auto frames = framesOf(win).values(QStringLiteral("t%1").arg(i));
        QCOMPARE(std::count_if(frames.cbegin(), frames.cend(), shown), 1);
        for (QQuickItem *f : frames) {
            if (!shown(f) || i % 2 == 0)
                continue;
            auto *content = f->property("content").value<QObject *>();
            QVERIFY(content);
            QCOMPARE(content->property("binding").toMap().value(QStringLiteral("text")).toString(),
                     QStringLiteral("T"));
        }
    }
}

namespace {
const Caller kTester{QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                     QStringLiteral("test")};

// Two layouts of the two panels (400 px, 2150 mm wide canvas) that share tiles in every way a
// recall meets them: "keep" persists (same id, kind and binding) and moves, spanning both
// displays (its part on the second display is mirrored); "swap" keeps its id but changes kind;
// "a" and "b" are only in one of them, "a" over both displays, so mirrored too.
QJsonObject mixLayout(bool second) {
    QJsonArray tiles;
    if (!second) {
        tiles = {
            colorTile(QStringLiteral("keep"), QRectF(100, 350, 1900, 150),
                      QStringLiteral("#ff0000")),
            colorTile(QStringLiteral("a"), QRectF(600, 60, 1200, 120), QStringLiteral("#ffff00")),
            QJsonObject{{QStringLiteral("id"), QStringLiteral("swap")},
                        {QStringLiteral("kind"), QStringLiteral("text")},
                        {QStringLiteral("frame"), false},
                        {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 200},
                                                             {QStringLiteral("y"), 200},
                                                             {QStringLiteral("width"), 1800},
                                                             {QStringLiteral("height"), 120}}},
                        {QStringLiteral("binding"),
                         QJsonObject{{QStringLiteral("text"), QStringLiteral("AAAAAAAA")}}}}};
    } else {
        tiles = {
            colorTile(QStringLiteral("keep"), QRectF(150, 80, 1900, 150),
                      QStringLiteral("#ff0000")),
            colorTile(QStringLiteral("swap"), QRectF(1300, 300, 300, 150),
                      QStringLiteral("#00ff00")),
            colorTile(QStringLiteral("b"), QRectF(300, 420, 400, 100), QStringLiteral("#0000ff"))};
    }
    // A map, over both displays: content that draws only once shown (its contentReady comes
    // after its first frame), bound to other values in each layout.
    QJsonObject values;
    for (const char *code : {"01", "79", "48", "31", "92"})
        values.insert(QLatin1String(code), (second ? 90.0 : 10.0) + QByteArray(code).toInt() % 7);
    tiles.append(
        QJsonObject{{QStringLiteral("id"), QStringLiteral("map")},
                    {QStringLiteral("kind"), QStringLiteral("map")},
                    {QStringLiteral("frame"), false},
                    {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 900},
                                                         {QStringLiteral("y"), second ? 250 : 10},
                                                         {QStringLiteral("width"), 500},
                                                         {QStringLiteral("height"), 300}}},
                    {QStringLiteral("binding"), QJsonObject{{QStringLiteral("units"), 63},
                                                            {QStringLiteral("values"), values}}}});
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("name"), QStringLiteral("mix")}, // the same name: the same footer
            {QStringLiteral("background"), QStringLiteral("#000000")},
            {QStringLiteral("tiles"), tiles}};
}

// The pixels in which two pictures differ by more than a few levels in a channel, and where the
// first one is. (The OpenGL scene graph's text may differ by a level between two pictures: its
// glyph atlas is filled in another order; a tile left over differs by far more.)
QString differences(const QImage &got, const QImage &want) {
    if (got.size() != want.size())
        return QStringLiteral("sizes differ: %1x%2 against %3x%4")
            .arg(got.width())
            .arg(got.height())
            .arg(want.width())
            .arg(want.height());
    const QImage a = got.convertToFormat(QImage::Format_RGB32);
    const QImage b = want.convertToFormat(QImage::Format_RGB32);
    int count = 0;
    QPoint first(-1, -1);
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
                std::abs(qRed(p) - qRed(q)) > 4 || std::abs(qGreen(p) - qGreen(q)) > 4 ||
                std::abs(qBlue(p) - qBlue(q)) > 4) {
                if (count++ == 0)
                    first = {x, y};
            }
    if (count == 0)
        return {};
    return QStringLiteral("%1 pixels differ, the first at (%2, %3): #%4 against #%5")
        .arg(count)
        .arg(first.x())
        .arg(first.y())
        .arg(a.pixel(first) & 0xffffff, 6, 16, QLatin1Char('0'))
        .arg(b.pixel(first) & 0xffffff, 6, 16, QLatin1Char('0'));
}

// Whether the picture has a pixel of exactly this colour (a tile of only one of the layouts).
bool hasColour(const QImage &picture, QRgb colour) {
    const QImage image = picture.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if ((image.pixel(x, y) & 0xffffff) == (colour & 0xffffff))
                return true;
    return false;
}
} // namespace

// The live wall after recalling A and then B looks exactly as it did when B was first set: no
// tile of A (nor a mirrored part of one on the other display) is left, and a persistent tile's
// mirrored part moved with it.
void TestRendering::recallLeavesNoTileOfThePreviousLayout() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w, mixLayout(true)[QStringLiteral("tiles")].toArray(), false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> fresh = fx.grab();
    QCOMPARE(fresh.size(), 1);
    QCOMPARE(fresh[0].pixel(400 + 100, 40), qRgb(255, 0, 0)); // keep's part on display 2
    for (int round = 0; round < 3; ++round) {
        for (bool second : {false, true}) {
            const auto r = fx.app->dispatcher().dispatch(
                {QStringLiteral("layout.set"), {{QStringLiteral("layout"), mixLayout(second)}}},
                kTester);
            QVERIFY2(r.ok, qPrintable(r.message));
            const QList<QImage> shots = fx.grab();
            QCOMPARE(shots.size(), 1);
            if (!second) {
                QVERIFY(!differences(shots[0], fresh[0]).isEmpty()); // A is not B
                // Nothing of B's own tiles ("b" blue, "swap" green while a colour tile).
                QVERIFY(hasColour(shots[0], qRgb(255, 255, 0)));
                QVERIFY(!hasColour(shots[0], qRgb(0, 0, 255)));
                QVERIFY(!hasColour(shots[0], qRgb(0, 255, 0)));
                continue;
            }
            QVERIFY(!hasColour(shots[0], qRgb(255, 255, 0))); // nothing of A's own tile "a"
            const QString diff = differences(shots[0], fresh[0]);
            QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("round %1: ").arg(round) + diff));
        }
    }
}

// Pictures of layouts not on the wall (a briefing's steps, a preset's picture) are drawn one
// after another by one renderer: the picture of B after one of A is the picture of B drawn
// first, pixel for pixel, whether each waited for its tiles or not (a blank step's picture
// does not wait), and whether B was asked for after A was drawn or while it was.
void TestRendering::stepPicturesShowOnlyTheirOwnLayout() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w, QJsonArray{}, false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    shell::StepRenderer *renderer = fx.app->stepRenderer();
    QVERIFY(renderer);
    const auto layoutOf = [&](bool second) {
        wall::LayoutParse parsed = wall::layoutFromJson(mixLayout(second), &w);
        return parsed.layout;
    };
    const wall::Layout a = layoutOf(false), b = layoutOf(true);
    QCOMPARE(a.tiles.size(), 4);
    QCOMPARE(b.tiles.size(), 4);
    QList<QImage> pictures;
    const auto ask = [&](const wall::Layout &layout, int waitMs) {
        renderer->render(layout, {}, 1000, waitMs, [&](QImage image) { pictures.append(image); });
    };
    ask(b, 1500);
    QTRY_COMPARE_WITH_TIMEOUT(pictures.size(), 1, 15000);
    const QImage fresh = pictures.takeFirst();
    QVERIFY(!fresh.isNull());
    if (!qEnvironmentVariableIsEmpty("OPSWALL_TEST_PICTURES"))
        fresh.save(qEnvironmentVariable("OPSWALL_TEST_PICTURES") + QStringLiteral("/fresh.png"));
    for (int waitMs : {1500, 0}) {
        // One after the other.
        ask(a, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(pictures.size(), 1, 15000);
        if (!qEnvironmentVariableIsEmpty("OPSWALL_TEST_PICTURES"))
            pictures.first().save(qEnvironmentVariable("OPSWALL_TEST_PICTURES") +
                                  QStringLiteral("/a%1.png").arg(waitMs));
        const QImage pictureOfA = pictures.takeFirst();
        QVERIFY(!differences(pictureOfA, fresh).isEmpty()); // A is not B
        QVERIFY(hasColour(pictureOfA, qRgb(255, 255, 0)));  // A's own tile
        QVERIFY2(!hasColour(pictureOfA, qRgb(0, 0, 255)) && !hasColour(pictureOfA, qRgb(0, 255, 0)),
                 "a tile of B in the picture of A");
        ask(b, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(pictures.size(), 1, 15000);
        QString diff = differences(pictures.takeFirst(), fresh);
        QVERIFY2(diff.isEmpty(), qPrintable(QStringLiteral("wait %1 ms: ").arg(waitMs) + diff));
        // Both asked at once.
        ask(a, waitMs);
        ask(b, waitMs);
        QTRY_COMPARE_WITH_TIMEOUT(pictures.size(), 2, 15000);
        QVERIFY2(!hasColour(pictures.first(), qRgb(0, 0, 255)) &&
                     !hasColour(pictures.first(), qRgb(0, 255, 0)),
                 "a tile of B in the picture of A");
        diff = differences(pictures.takeLast(), fresh);
        pictures.clear();
        QVERIFY2(diff.isEmpty(),
                 qPrintable(QStringLiteral("wait %1 ms, queued: ").arg(waitMs) + diff));
    }
}

int main(int argc, char **argv) {
    // The software scene graph (offscreen), or the OpenGL one where the run asks for it
    // (tst_rendering_opengl: Mesa llvmpipe under Xvfb).
    if (qEnvironmentVariable("QSG_RHI_BACKEND") != QLatin1String("opengl"))
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication app(argc, argv);
    TestRendering t;
    return QTest::qExec(&t, argc, argv);
}

#include "tst_rendering.moc"
