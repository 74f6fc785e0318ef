// Renders real walls through the application's own windows (offscreen platform, software scene
// graph) and checks pixels: each output window shows its displays' share of the canvas, a line
// crossing a bezel stays straight with bezel compensation on, a rotated panel gets its content
// rotated, and the preview shows every display's ID badge.
#include "tst_rendering.h"

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

using namespace opswall;
using namespace opswall::rendertest;

namespace {

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

// A KPI figure on a real panel is 100-200 px tall. Glyphs that size were cached by the software
// scene graph with QT_MAX_CACHED_GLYPH_SIZE=256 and then not drawn at all in the output windows
// (the wall showed KPI tiles without their figures); they must reach the pixels.
void TestRendering::bigTextIsDrawnInTheOutputWindow() {
    const wall::Wall w = twoPanels(false);
    const auto textTile = [](const QString &id, QRectF r, const QString &text, double sizeMm) {
        QJsonObject t = colorTile(id, r, QString());
        t.insert(QStringLiteral("kind"), QStringLiteral("text"));
        t.insert(QStringLiteral("binding"),
                 QJsonObject{{QStringLiteral("text"), text},
                             {QStringLiteral("color"), QStringLiteral("#ffffff")},
                             {QStringLiteral("sizeMm"), sizeMm}});
        return t;
    };
    Fixture fx(w,
               QJsonArray{textTile(QStringLiteral("small"), QRectF(0, 0, 1100, 150),
                                   QStringLiteral("Giải ngân vốn đầu tư công"), 60),
                          textTile(QStringLiteral("big"), QRectF(0, 120, 1100, 480),
                                   QStringLiteral("8,5 %"), 300),
                          textTile(QStringLiteral("bigger"), QRectF(1100, 60, 1100, 540),
                                   QStringLiteral("7,40"), 380)},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    const QImage &img = shots.first();
    // White ink under each tile (the wall is black): the glyphs' strokes are thousands of pixels.
    const auto ink = [&img](QRect r) {
        int n = 0;
        for (int y = r.top(); y <= r.bottom(); ++y)
            for (int x = r.left(); x <= r.right(); ++x)
                n += qGray(img.pixel(x, y)) > 160 ? 1 : 0;
        return n;
    };
    const int small = ink(QRect(0, 0, 400, 50));
    const int big = ink(QRect(0, 50, 400, 150));
    const int bigger = ink(QRect(400, 20, 400, 180));
    qInfo("ink: small %d, big %d, bigger %d pixels", small, big, bigger);
    QVERIFY2(small > 50, qPrintable(QString::number(small)));
    QVERIFY2(big > 800, qPrintable(QString::number(big)));
    QVERIFY2(bigger > 800, qPrintable(QString::number(bigger)));
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

// The operator's preview is where a mouse is: hovering a province of a map tile shows its value.
void TestRendering::previewMapShowsTheValueUnderThePointer() {
    const wall::Wall w = twoPanels(true);
    const QJsonObject map = tileJson(
        QStringLiteral("m"), QStringLiteral("map"), QStringLiteral("Test map"),
        QRectF(50, 50, 1000, 500),
        QJsonObject{{QStringLiteral("units"), 63},
                    {QStringLiteral("unit"), QStringLiteral("%")},
                    {QStringLiteral("values"),
                     QJsonObject{{QStringLiteral("01"), 101.57}, {QStringLiteral("79"), 98.2}}}});
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
    return tileJson(kind, kind, title, r, binding);
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

int main(int argc, char **argv) {
    // The software scene graph (offscreen), or the OpenGL one where the run asks for it
    // (tst_rendering_opengl: Mesa llvmpipe under Xvfb).
    if (qEnvironmentVariable("QSG_RHI_BACKEND") != QLatin1String("opengl"))
        QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication app(argc, argv);
    TestRendering t;
    return QTest::qExec(&t, argc, argv);
}

// A title too wide for its bar takes a second line (a bar 1.75 times as high) where the tile is
// at least six bars tall; a short title, or a long one on a low tile, keeps one line (TileFrame:
// the title's width on one line is its text's implicit width).
void TestRendering::longTitleTakesASecondLineWhereTheTileIsTall() {
    const QString longTitle =
        QStringLiteral("Tiến độ giải ngân vốn đầu tư công của các bộ, ngành và địa phương");
    const auto titled = [](const QString &id, const QString &title, QRectF r) {
        return tileJson(id, QStringLiteral("text"), title, r,
                        QJsonObject{{QStringLiteral("text"), QString()}});
    };
    // About 0.36 px per mm: a bar is 60 mm, six bars 360 mm; the tiles are about 330 px wide.
    Fixture fx(twoPanels(false),
               QJsonArray{titled(QStringLiteral("tall"), longTitle, QRectF(100, 50, 900, 500)),
                          titled(QStringLiteral("short"), QStringLiteral("Giải ngân"),
                                 QRectF(1200, 50, 900, 500)),
                          titled(QStringLiteral("low"), longTitle, QRectF(1200, 400, 900, 200))},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> shots = fx.grab();
    QCOMPARE(shots.size(), 1);
    const auto frames = framesOf(fx.app->windows().first());
    const auto bar = [&](const QString &id) {
        QQuickItem *frame = frames.value(id);
        return frame ? frame->findChild<QQuickItem *>(QStringLiteral("titleBar")) : nullptr;
    };
    const auto lines = [&](const QString &id) {
        QQuickItem *b = bar(id);
        QObject *text = b ? b->findChild<QObject *>(QStringLiteral("titleText")) : nullptr;
        return text ? text->property("lineCount").toInt() : -1;
    };
    for (const QString &id :
         {QStringLiteral("tall"), QStringLiteral("short"), QStringLiteral("low")})
        QVERIFY2(bar(id), qPrintable(id));
    QCOMPARE(frames.value(QStringLiteral("tall"))->property("twoLineTitle").toBool(), true);
    QCOMPARE(frames.value(QStringLiteral("short"))->property("twoLineTitle").toBool(), false);
    QCOMPARE(frames.value(QStringLiteral("low"))->property("twoLineTitle").toBool(), false);
    const double k = frames.value(QStringLiteral("tall"))->property("pxPerMm").toDouble();
    QVERIFY(k > 0.3 && k < 0.5);
    QCOMPARE(bar(QStringLiteral("tall"))->height(), 60 * 1.75 * k);
    QCOMPARE(bar(QStringLiteral("short"))->height(), 60 * k);
    QCOMPARE(bar(QStringLiteral("low"))->height(), 60 * k);
    QCOMPARE(lines(QStringLiteral("tall")), 2);
    QCOMPARE(lines(QStringLiteral("short")), 1);
    QCOMPARE(lines(QStringLiteral("low")), 1);
    // And drawn so: title ink (light on the bar) in the top and the bottom half of the tall bar.
    const QImage &img = shots.first();
    const QRectF r = bar(QStringLiteral("tall"))
                         ->mapRectToScene(QRectF(QPointF(), bar(QStringLiteral("tall"))->size()));
    const auto ink = [&img](int top, int bottom, int left, int right) {
        int n = 0;
        for (int y = top; y < bottom; ++y)
            for (int x = left; x < right; ++x)
                n += qGray(img.pixel(x, y)) > 160 ? 1 : 0;
        return n;
    };
    const int mid = int(r.center().y());
    QVERIFY(ink(int(r.top()), mid, int(r.left()) + 12, int(r.right())) > 20);
    QVERIFY(ink(mid, int(r.bottom()), int(r.left()) + 12, int(r.right())) > 20);
}
