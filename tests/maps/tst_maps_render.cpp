// Pixel tests of the map tile on the software scene graph (offscreen): provinces filled with the
// colour of their class, legend swatches present, Hoàng Sa and Trường Sa drawn, the no-data style,
// hover lookup, redraw only on data change, and clear messages for bad bindings.
#include "choroplethmap.h"
#include "core/engineservices.h"
#include "maps/geolibrary.h"

#include <QFile>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickWindow>
#include <QtQml/qqmlextensionplugin.h>
#include <QtTest>

#include <cmath>
#include <memory>
#include <utility>

Q_IMPORT_QML_PLUGIN(OpsWall_MapsPlugin)

using namespace opswall::maps;

namespace {

// Column `column` of a CSV file in the shared data's indicators, by its first column (the
// province code); the header line is skipped.
QHash<QString, double> provinceColumn(const QString &file, int column) {
    QFile f(qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/indicators/") +
            file);
    QHash<QString, double> out;
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QStringList lines =
        QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    for (qsizetype l = 1; l < lines.size(); ++l) {
        const QStringList c = lines[l].trimmed().split(QLatin1Char(','));
        out.insert(c.value(0), c.value(column).toDouble());
    }
    return out;
}

// The industrial employment index (index_vs_same_month_prev_year) by province, without the
// country's row (VN).
QHash<QString, double> employmentIndex() {
    QHash<QString, double> out = provinceColumn(
        QStringLiteral("gso-2024-12-industrial-employment-index-by-province.csv"), 4);
    out.remove(QStringLiteral("VN"));
    return out;
}

// Employed persons by the 63 provinces, 2024 (NSO table E02.45, thousand persons): the weights of
// the demo's 34-province map of the employment index.
QHash<QString, double> employed2024() {
    return provinceColumn(QStringLiteral("gso-population-by-province.csv"), 5);
}

QString jsonValues(const QHash<QString, double> &values) {
    QStringList parts;
    for (auto it = values.cbegin(); it != values.cend(); ++it)
        parts << QStringLiteral("\"%1\": %2").arg(it.key()).arg(it.value(), 0, 'g', 10);
    return QLatin1Char('{') + parts.join(QStringLiteral(", ")) + QLatin1Char('}');
}

struct Scene {
    std::unique_ptr<QQmlEngine> engine;
    std::unique_ptr<QQuickWindow> window;
    QQuickItem *root = nullptr;
    ChoroplethMap *map = nullptr;
};

// A MapTile in a window of the given size; binding is a QML object literal.
Scene makeScene(const QString &binding, QSize size, bool pointer = false) {
    Scene s;
    s.engine = std::make_unique<QQmlEngine>();
    s.engine->addImportPath(QStringLiteral("qrc:/"));
    QQmlComponent component(s.engine.get());
    component.setData(QStringLiteral("import QtQuick\nimport OpsWall.Maps\n"
                                     "MapTile { hoverEnabled: %2; binding: %1 }")
                          .arg(binding, pointer ? QStringLiteral("true") : QStringLiteral("false"))
                          .toUtf8(),
                      QUrl(QStringLiteral("qrc:/test/scene.qml")));
    if (component.isError())
        qWarning() << component.errors();
    s.window = std::make_unique<QQuickWindow>();
    s.window->resize(size);
    s.root = qobject_cast<QQuickItem *>(component.create());
    if (!s.root)
        return s;
    s.root->setParentItem(s.window->contentItem());
    s.root->setSize(size);
    s.map = s.root->property("map").value<ChoroplethMap *>();
    s.window->show();
    return s;
}

bool waitRendered(ChoroplethMap *map, int atLeast) {
    return QTest::qWaitFor([&] { return map->renderCount() >= atLeast; }, 5000);
}

int countColour(const QImage &img, const QRectF &area, QRgb colour) {
    int n = 0;
    const QRect r = area.toAlignedRect().intersected(img.rect());
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x)
            n += (img.pixel(x, y) & 0xffffff) == (colour & 0xffffff);
    }
    return n;
}

} // namespace

class TestMapsRender : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() {
        m_index = employmentIndex();
        if (m_index.size() != 63)
            QSKIP("employment index CSV not found in OPSWALL_SHARED_DIR");
    }

    // 63 provinces, real data, diverging around 100; three provinces left without data.
    void provincesColouredByClass_data() {
        QTest::addColumn<QString>("islands");
        QTest::addColumn<QSize>("size");
        QTest::newRow("wide, in place") << "inplace" << QSize(1280, 720);
        QTest::newRow("portrait, insets") << "inset" << QSize(700, 900);
    }
    void provincesColouredByClass() {
        QFETCH(QString, islands);
        QFETCH(QSize, size);
        QHash<QString, double> values = m_index;
        values.remove(QStringLiteral("01")); // Hà Nội, Đà Nẵng (Hoàng Sa), Khánh Hòa kept
        values.remove(QStringLiteral("31"));
        values.remove(QStringLiteral("94"));
        const QString binding =
            QStringLiteral("({units: 63, values: %1, title: \"Chỉ số sử dụng lao động "
                           "công nghiệp\", unit: \"cùng kỳ = 100\", period: \"01/12/2024\", "
                           "source: \"Cục Thống kê\", palette: \"diverging\", centre: 100, "
                           "classes: 6, islands: \"%2\", highlight: [\"79\"]})")
                .arg(jsonValues(values), islands);
        Scene s = makeScene(binding, size);
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        QVERIFY2(s.map->messages().isEmpty(), qPrintable(s.map->messages().join('\n')));
        const QImage img = s.window->grabWindow();
        QCOMPARE(img.size(), size);
        // The same pixels are expected on both scene-graph backends: check which one ran.
        QCOMPARE(s.window->rendererInterface()->graphicsApi(),
                 qEnvironmentVariable("QSG_RHI_BACKEND") == QLatin1String("opengl")
                     ? QSGRendererInterface::OpenGL
                     : QSGRendererInterface::Software);
        if (qEnvironmentVariableIsSet("OPSWALL_MAPS_SNAPSHOT_DIR")) // for looking at it
            img.save(qEnvironmentVariable("OPSWALL_MAPS_SNAPSHOT_DIR") +
                     QStringLiteral("/map-%1.png").arg(islands));
        const QList<QColor> colors = s.map->classColors();
        QCOMPARE(colors.size(), 6);
        QVERIFY(s.map->classEdges().contains(100.0));

        // Sample a grid: every pixel on a province is its class colour, or (border, label,
        // hatch) not the colour of any other class.
        QHash<QString, int> exact;
        int wrong = 0, onProvince = 0;
        for (int y = 2; y < size.height(); y += 5) {
            for (int x = 2; x < size.width(); x += 5) {
                const QVariantMap p = s.map->provinceAt(x + 0.5, y + 0.5); // pixel centre
                if (p.isEmpty())
                    continue;
                ++onProvince;
                const QRgb px = img.pixel(x, y) & 0xffffff;
                const int k = p.value(QStringLiteral("classIndex")).toInt();
                if (k >= 0 && px == (colors[k].rgb() & 0xffffff)) {
                    ++exact[p.value(QStringLiteral("code")).toString()];
                    continue;
                }
                for (int j = 0; j < colors.size(); ++j) {
                    if (j != k && px == (colors[j].rgb() & 0xffffff)) {
                        ++wrong;
                        qInfo() << "pixel" << x << y << "on" << p.value(QStringLiteral("name"))
                                << "class" << k << "shows class" << j;
                    }
                }
            }
        }
        QVERIFY(onProvince > 1000);
        // A few pixels may belong to a coastal islet's minimum-size dot that spills onto the
        // neighbouring province; anything more means a wrong class colour.
        QVERIFY2(wrong * 200 <= onProvince,
                 qPrintable(QStringLiteral("%1 of %2").arg(wrong).arg(onProvince)));
        QVERIFY2(exact.size() >= 55,
                 qPrintable(QString::number(exact.size()))); // tiny ones may be all border
        // Hà Nội has no data: its pixels are the no-data grey or the hatch, never a class colour.
        const QPointF hanoi = s.map->toPixel(105.75, 21.0);
        QCOMPARE(s.map->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("code")).toString(),
                 QStringLiteral("01"));
        QVERIFY(
            !s.map->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("hasValue")).toBool());
        const MapStyle style;
        const QRectF around(hanoi - QPointF(6, 6), QSizeF(12, 12));
        QVERIFY(countColour(img, around, style.noData.rgb()) > 5);
        QVERIFY(countColour(img, around, style.noDataHatch.rgb()) > 2);
        QCOMPARE(exact.value(QStringLiteral("01")), 0);

        // Legend: a swatch of every class and the hatched no-data swatch.
        const QRectF legend = s.map->legendRect();
        QVERIFY(!legend.isEmpty());
        for (const QColor &c : colors)
            QVERIFY2(countColour(img, legend, c.rgb()) > 20, qPrintable(c.name()));
        QVERIFY(countColour(img, legend, style.noDataHatch.rgb()) > 5);

        // Islands: the largest Trường Sa reefs (Khánh Hòa) and Hoàng Sa islands (Đà Nẵng) are
        // filled with their province's class colour.
        GeoLibrary lib(qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets/geo"));
        QString error;
        const auto geo = lib.provinces(63, &error);
        QVERIFY(geo);
        for (const auto &[code, north] :
             {std::pair{QStringLiteral("56"), false}, std::pair{QStringLiteral("48"), true}}) {
            const Feature &f = geo->features.features[geo->features.indexOf(code)];
            const int k = s.map->province(code).value(QStringLiteral("classIndex")).toInt();
            QVERIFY(k >= 0);
            int islandsDrawn = 0, offshore = 0;
            for (const Polygon &p : f.polygons) {
                const QRectF b = ringBounds(p.outer);
                if (b.left() < 111 || (b.center().y() > 14) != north)
                    continue;
                ++offshore;
                const QPointF a = s.map->toPixel(b.left(), b.bottom()),
                              c = s.map->toPixel(b.right(), b.top());
                const QRectF box = QRectF(a, c).normalized().adjusted(-1, -1, 1, 1);
                QVERIFY(box.right() < size.width() && box.bottom() < size.height() &&
                        box.left() > 0);
                islandsDrawn += countColour(img, box, colors[k].rgb()) > 0;
            }
            QVERIFY(offshore > 5);
            QVERIFY2(islandsDrawn >= 3,
                     qPrintable(
                         QStringLiteral("%1: %2 of %3").arg(code).arg(islandsDrawn).arg(offshore)));
        }
        // Labels: many placed (at a size read at wall distance, so crowded ones are left out),
        // with their diacritics, none overlapping each other or the legend, the highlighted
        // province's first.
        const QVariantList labels = s.map->placedLabels();
        QVERIFY2(labels.size() >= 22, qPrintable(QString::number(labels.size())));
        QList<QRectF> rects;
        QStringList names;
        for (const QVariant &v : labels) {
            const QVariantMap l = v.toMap();
            rects << QRectF(l[QStringLiteral("x")].toDouble(), l[QStringLiteral("y")].toDouble(),
                            l[QStringLiteral("width")].toDouble(),
                            l[QStringLiteral("height")].toDouble());
            names << l[QStringLiteral("name")].toString();
            QVERIFY(!rects.last().intersects(legend));
        }
        QCOMPARE(names.first(), QStringLiteral("Hồ Chí Minh"));
        QVERIFY(names.contains(QStringLiteral("Đắk Lắk")) ||
                names.contains(QStringLiteral("Nghệ An")));
        for (int a = 0; a < rects.size(); ++a) {
            for (int b = a + 1; b < rects.size(); ++b)
                QVERIFY2(!rects[a].intersects(rects[b]), qPrintable(names[a] + " / " + names[b]));
        }
        // Label text is drawn: the text colour appears inside the Hồ Chí Minh label box.
        int textPixels = 0; // antialiased glyphs: light neutral pixels
        const QRect box = rects.first().toAlignedRect().intersected(img.rect());
        for (int y = box.top(); y <= box.bottom(); ++y) {
            for (int x = box.left(); x <= box.right(); ++x) {
                const QRgb px = img.pixel(x, y);
                const int lo = std::min({qRed(px), qGreen(px), qBlue(px)});
                const int hi = std::max({qRed(px), qGreen(px), qBlue(px)});
                textPixels += lo > 0xa0 && hi - lo < 24; // light grey/white, unlike any class
            }
        }
        QVERIFY2(textPixels > 3, qPrintable(QString::number(textPixels)));

        // The highlighted province (Hồ Chí Minh) has the highlight outline.
        const QPointF hcm = s.map->toPixel(106.7, 10.78);
        QVERIFY(countColour(img, QRectF(hcm - QPointF(60, 60), QSizeF(120, 120)),
                            style.highlight.rgb()) > 10);
    }

    // The demo's map: the employment index of the 63 former provinces on the 34 provinces,
    // weighted by employment, in a wide, a square and a tall tile. The tile is used to its
    // edges (no empty band), a wide one gets the ranked side list, the 34 units carry the
    // aggregated values' colours, and labels neither collide nor shrink below the legend's size
    // less a little.
    void demo34MapFillsTheTileAtThreeAspects_data() {
        QTest::addColumn<QSize>("size");
        QTest::addColumn<bool>("sideList");
        QTest::newRow("wide 16:9") << QSize(1600, 900) << true;
        QTest::newRow("square") << QSize(900, 900) << false;
        QTest::newRow("tall 9:16") << QSize(630, 1120) << false;
    }
    void demo34MapFillsTheTileAtThreeAspects() {
        QFETCH(QSize, size);
        QFETCH(bool, sideList);
        const QHash<QString, double> weights = employed2024();
        QCOMPARE(weights.size(), 63);
        const QString binding =
            QStringLiteral("({units: 34, dataUnits: 63, values: %1, aggregation: \"weightedMean\", "
                           "weightName: \"lao động có việc làm\", weights: %2, title: \"Chỉ số "
                           "sử dụng lao động công nghiệp\", unit: \"%\", period: \"T12/2024\", "
                           "source: \"Cục Thống kê\", palette: \"diverging\", centre: 100, "
                           "classes: 5})")
                .arg(jsonValues(m_index), jsonValues(weights));
        Scene s = makeScene(binding, size);
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        QVERIFY2(s.map->messages().isEmpty(), qPrintable(s.map->messages().join('\n')));
        const QImage img = s.window->grabWindow();
        if (qEnvironmentVariableIsSet("OPSWALL_MAPS_SNAPSHOT_DIR"))
            img.save(qEnvironmentVariable("OPSWALL_MAPS_SNAPSHOT_DIR") +
                     QStringLiteral("/map34-%1x%2.png").arg(size.width()).arg(size.height()));
        // Hồ Chí Minh (79 + 74 + 77, weighted by employment; the arithmetic is in
        // tests/feeds/qml/tst_indicatortiles.qml) is painted in its class's colour.
        const QVariantMap hcm = s.map->province(QStringLiteral("79"));
        QVERIFY(std::abs(hcm.value(QStringLiteral("value")).toDouble() - 749715.9166 / 7281.03) <
                1e-9);
        const QPointF hcmPx = s.map->toPixel(106.62, 10.85);
        const int k = hcm.value(QStringLiteral("classIndex")).toInt();
        QVERIFY(k >= 0);
        QVERIFY(countColour(img, QRectF(hcmPx - QPointF(8, 8), QSizeF(16, 16)),
                            s.map->classColors()[k].rgb()) > 10);
        // Filled: every column and every row of a 4 x 4 grid over the tile has drawn pixels
        // (anything not the background colour).
        const QRgb background = MapStyle().background.rgb() & 0xffffff;
        for (int axis = 0; axis < 2; ++axis) {
            for (int cell = 0; cell < 4; ++cell) {
                int drawn = 0;
                const int w = size.width(), h = size.height();
                const QRect band =
                    axis == 0 ? QRect(cell * w / 4, 0, w / 4, h) : QRect(0, cell * h / 4, w, h / 4);
                for (int y = band.top(); y <= band.bottom(); y += 3)
                    for (int x = band.left(); x <= band.right(); x += 3)
                        drawn += (img.pixel(x, y) & 0xffffff) != background;
                QVERIFY2(drawn > band.width() * band.height() / 9 / 50,
                         qPrintable(QStringLiteral("%1 %2 is nearly empty (%3 drawn samples)")
                                        .arg(axis == 0 ? "column" : "row")
                                        .arg(cell + 1)
                                        .arg(drawn)));
            }
        }
        // The ranked side list: on the wide tile, highest first, the aggregated values.
        const QVariantMap info = s.map->layoutInfo();
        const QVariantList ranked = info.value(QStringLiteral("ranked")).toList();
        const QRectF list = info.value(QStringLiteral("rankingRect")).toRectF();
        if (sideList) {
            QVERIFY(!list.isEmpty());
            QVERIFY2(ranked.size() >= 12, qPrintable(QString::number(ranked.size())));
            for (qsizetype r = 1; r < ranked.size(); ++r)
                QVERIFY(ranked[r - 1].toMap()[QStringLiteral("value")].toDouble() >=
                        ranked[r].toMap()[QStringLiteral("value")].toDouble());
            QVERIFY(list.left() >= info.value(QStringLiteral("mapRect")).toRectF().right());
        }
        // Labels: none overlapping another, the legend or the list; readable size.
        const QVariantList labels = s.map->placedLabels();
        QVERIFY2(labels.size() >= 15, qPrintable(QString::number(labels.size())));
        QList<QRectF> rects;
        for (const QVariant &v : labels) {
            const QVariantMap l = v.toMap();
            rects << QRectF(l[QStringLiteral("x")].toDouble(), l[QStringLiteral("y")].toDouble(),
                            l[QStringLiteral("width")].toDouble(),
                            l[QStringLiteral("height")].toDouble());
            QVERIFY(!rects.last().intersects(s.map->legendRect()));
            QVERIFY(!rects.last().intersects(list));
        }
        for (int a = 0; a < rects.size(); ++a)
            for (int b = a + 1; b < rects.size(); ++b)
                QVERIFY(!rects[a].intersects(rects[b]));
        QVERIFY(info.value(QStringLiteral("smallestTextPx")).toDouble() >= 10.0);
    }

    void hoverLookupAndRedrawOnlyOnDataChange() {
        Scene s = makeScene(
            QStringLiteral("({units: 63, values: %1, unit: \"%\"})").arg(jsonValues(m_index)),
            QSize(800, 600));
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        const QPointF p = s.map->toPixel(105.75, 21.0);
        const QVariantMap info = s.map->provinceAt(p.x(), p.y());
        QCOMPARE(info.value(QStringLiteral("code")).toString(), QStringLiteral("01"));
        QCOMPARE(info.value(QStringLiteral("name")).toString(), QStringLiteral("Hà Nội"));
        QCOMPARE(info.value(QStringLiteral("value")).toDouble(), 101.57);
        QVERIFY(s.map->provinceAt(5, 5).isEmpty()); // the title corner is no province
        const int before = s.map->renderCount();
        s.window->contentItem()->update();
        QTest::qWait(50);
        QCOMPARE(s.map->renderCount(), before); // nothing changed: no redraw
        QHash<QString, double> changed = m_index;
        changed[QStringLiteral("01")] = 150;
        s.map->setSeries(changed, 63,
                         {QStringLiteral("%"),
                          QStringLiteral("12/2024"),
                          QStringLiteral("Cục Thống kê"),
                          {},
                          {},
                          {}});
        QVERIFY(waitRendered(s.map, before + 1));
        QTest::qWait(50);
        QCOMPARE(s.map->renderCount(), before + 1); // one change, one redraw
        QCOMPARE(s.map->provinceAt(p.x(), p.y()).value(QStringLiteral("value")).toDouble(), 150.0);
    }

    // On a console the pointer shows the value under it; on a touch screen a tap does.
    void consolePointerShowsTheValueUnderIt() {
        Scene s = makeScene(
            QStringLiteral("({units: 63, values: %1, unit: \"%\"})").arg(jsonValues(m_index)),
            QSize(800, 600), true);
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        QVERIFY(QTest::qWaitForWindowExposed(s.window.get()));
        auto *tip = s.root->findChild<QQuickItem *>(QStringLiteral("provinceTip"));
        QVERIFY(tip);
        QVERIFY(!tip->isVisible());
        const QPoint hanoi = s.map->toPixel(105.75, 21.0).toPoint();
        QTest::mouseMove(s.window.get(), hanoi);
        QTRY_VERIFY(tip->isVisible());
        const QString said = tip->property("text").toString();
        QVERIFY2(said.startsWith(QStringLiteral("Hà Nội: 101")) &&
                     said.endsWith(QLatin1String("57 %")),
                 qPrintable(said));
        // Drawn near the pointer, inside the tile.
        QVERIFY(QRectF(0, 0, 800, 600).contains(tip->mapRectToScene(tip->boundingRect())));
        QVERIFY(std::abs(tip->x() - hanoi.x()) < 400 && std::abs(tip->y() - hanoi.y()) < 100);
        // A tap on Hồ Chí Minh City moves it there.
        const QPoint hcm = s.map->toPixel(106.7, 10.78).toPoint();
        QTest::mouseClick(s.window.get(), Qt::LeftButton, {}, hcm);
        QTRY_VERIFY(tip->property("text").toString().startsWith(QStringLiteral("Hồ Chí Minh")));
        // Outside every province: nothing shown.
        QTest::mouseMove(s.window.get(), QPoint(5, 5));
        QTRY_VERIFY(!tip->isVisible());
    }

    // A tile spanning displays is one item per display, all drawing the same picture: it is drawn
    // once and shared; a different picture (other data, other size) is drawn on its own.
    void itemsOfOneTileDrawOnce() {
        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/"));
        GeoLibrary library; // the shipped boundaries, compiled in
        opswall::provide(&engine, &library);
        QQmlComponent component(&engine);
        component.setData(
            QStringLiteral(
                "import QtQuick\nimport OpsWall.Maps\n"
                "Item { width: 1200; height: 400\n"
                "  property var b: ({units: 63, values: %1, unit: \"%\"})\n"
                "  MapTile { objectName: \"a\"; width: 600; height: 400; binding: parent.b }\n"
                "  MapTile { objectName: \"b\"; x: 600; width: 600; height: 400; binding: parent.b "
                "}\n"
                "}")
                .arg(jsonValues(m_index))
                .toUtf8(),
            QUrl(QStringLiteral("qrc:/test/two.qml")));
        QQuickWindow window;
        window.resize(1200, 400);
        std::unique_ptr<QQuickItem> root(qobject_cast<QQuickItem *>(component.create()));
        QVERIFY2(root, qPrintable(component.errorString()));
        root->setParentItem(window.contentItem());
        window.show();
        auto mapOf = [&](const char *name) {
            return root->findChild<QQuickItem *>(QLatin1String(name))
                ->property("map")
                .value<ChoroplethMap *>();
        };
        ChoroplethMap *a = mapOf("a");
        ChoroplethMap *b = mapOf("b");
        QVERIFY(waitRendered(a, 1) && waitRendered(b, 1));
        QCOMPARE(library.mapsDrawn(), 1);
        const QImage img = window.grabWindow();
        QCOMPARE(img.copy(0, 0, 600, 400), img.copy(600, 0, 600, 400)); // the same picture
        // Each item still answers for itself: hover and labels work on the one that did not draw.
        const QPointF hanoi = b->toPixel(105.75, 21.0);
        QCOMPARE(b->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("code")).toString(),
                 QStringLiteral("01"));
        QVERIFY(!b->placedLabels().isEmpty());
        // Other data on one of them: that one is drawn again, alone.
        QHash<QString, double> changed = m_index;
        changed[QStringLiteral("01")] = 150;
        b->setSeries(changed, 63, {QStringLiteral("%"), {}, {}, {}, {}, {}});
        QVERIFY(waitRendered(b, 2));
        QCOMPARE(library.mapsDrawn(), 2);
        QCOMPARE(b->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("value")).toDouble(),
                 150.0);
        QCOMPARE(a->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("value")).toDouble(),
                 101.57);
    }

    // A map tile drawn very small (a preset's thumbnail, a briefing step's picture) leaves the
    // map itself no room: the tile draws its frame without provinces, and grown again it draws
    // them all. (A box under 4 px once crashed the wall: the projection had no region to use.)
    void tinyTileDrawsWithoutAMapAndRecovers() {
        Scene s = makeScene(
            QStringLiteral("({units: 63, values: %1, unit: \"%\"})").arg(jsonValues(m_index)),
            QSize(900, 600));
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        const QPointF hanoiBig = s.map->toPixel(105.75, 21.0);
        QCOMPARE(
            s.map->provinceAt(hanoiBig.x(), hanoiBig.y()).value(QStringLiteral("code")).toString(),
            QStringLiteral("01"));
        for (const QSize tiny : {QSize(40, 30), QSize(12, 8), QSize(200, 3), QSize(3, 200)}) {
            const int before = s.map->renderCount();
            s.window->resize(tiny);
            s.root->setSize(tiny);
            QVERIFY2(waitRendered(s.map, before + 1),
                     qPrintable(QStringLiteral("%1x%2").arg(tiny.width()).arg(tiny.height())));
            QVERIFY(s.map->provinceAt(tiny.width() / 2.0, tiny.height() / 2.0).isEmpty());
        }
        const int before = s.map->renderCount();
        s.window->resize(900, 600);
        s.root->setSize(QSizeF(900, 600));
        QVERIFY(waitRendered(s.map, before + 1));
        const QPointF hanoi = s.map->toPixel(105.75, 21.0);
        QCOMPARE(hanoi, hanoiBig);
        QCOMPARE(s.map->provinceAt(hanoi.x(), hanoi.y()).value(QStringLiteral("code")).toString(),
                 QStringLiteral("01"));
    }

    // The About view reads the CC BY-SA attribution from the MapCredits singleton.
    // A new item of a size another item of the engine laid out starts from that layout (the
    // projected paths and the border layer GeoLibrary keeps) and draws the very pixels an item
    // drawing from scratch draws.
    void newItemStartsFromAKeptLayout() {
        const QSize size(900, 600);
        QHash<QString, double> other = m_index;
        for (auto it = other.begin(); it != other.end(); ++it)
            it.value() = 200.0 - it.value(); // another indicator: other classes
        const SeriesInfo info{
            QStringLiteral("%"), QStringLiteral("12/2024"), QStringLiteral("test"), {}, {}, {}};
        const auto draw = [&](QQmlEngine *engine, const QHash<QString, double> &values) {
            QQuickWindow window;
            window.resize(size);
            ChoroplethMap map;
            if (engine)
                QQmlEngine::setContextForObject(&map, engine->rootContext());
            map.setParentItem(window.contentItem());
            map.setSize(size);
            map.setUnits(63);
            map.setSeries(values, 63, info);
            window.show();
            return window.grabWindow();
        };
        QQmlEngine engine;
        GeoLibrary library;
        opswall::provide(&engine, &library);
        const QImage first = draw(&engine, m_index); // lays the 900 x 600 map out
        QCOMPARE(library.mapsDrawn(), 1);
        // The first item's picture, which nothing shows any more, is kept for the next map of
        // its size to draw into (no fresh image: 8,100 page faults at 4K).
        QVERIFY(library.takeImage(QSize(900, 601)).isNull()); // not for another size
        QImage spare = library.takeImage(size);
        QVERIFY(!spare.isNull());
        QVERIFY(library.takeImage(size).isNull()); // taken
        const uchar *const bits = spare.constBits();
        library.recycleImage(std::exchange(spare, QImage()));
        const QImage kept = draw(&engine, other); // a new item: from the kept layout
        QCOMPARE(library.mapsDrawn(), 2);
        const QImage scratch = draw(nullptr, other); // its own library: from scratch
        QCOMPARE(kept.size(), size);
        QVERIFY(kept != first);
        QVERIFY(kept == scratch); // drawn over the old picture: the pixels of a fresh image
        QCOMPARE(library.takeImage(size).constBits(), bits); // it drew into that very buffer
    }

    void creditsSingleton() {
        QQmlEngine engine;
        engine.addImportPath(QStringLiteral("qrc:/"));
        QQmlComponent c(&engine);
        c.setData("import QtQml\nimport OpsWall.Maps\nQtObject { property string text: "
                  "MapCredits.attribution + ' ' + MapCredits.licenseUrl }",
                  QUrl(QStringLiteral("qrc:/test/credits.qml")));
        std::unique_ptr<QObject> o(c.create());
        QVERIFY2(o, qPrintable(c.errorString()));
        const QString text = o->property("text").toString();
        QVERIFY(text.contains(QStringLiteral("Open Development Mekong")));
        QVERIFY(text.contains(QStringLiteral("CC BY-SA 4.0")));
        QVERIFY(text.contains(QStringLiteral("creativecommons.org/licenses/by-sa/4.0")));
    }

    // 63-unit data on the 34-unit map: summed for amounts; an index without its weight series is
    // refused with a message and the map shows no data; unknown codes are named.
    void aggregationAndBadBindings() {
        QHash<QString, double> values = m_index;
        values.insert(QStringLiteral("XX"), 5);
        Scene s = makeScene(
            QStringLiteral("({units: 34, dataUnits: 63, values: %1, aggregation: \"weightedMean\", "
                           "weightName: \"lao động công nghiệp\"})")
                .arg(jsonValues(values)),
            QSize(640, 480));
        QVERIFY(s.map);
        QVERIFY(waitRendered(s.map, 1));
        const QString messages = s.map->messages().join('\n');
        QVERIFY2(messages.contains(QStringLiteral("'lao động công nghiệp'")) &&
                     messages.contains(QStringLiteral("not available")),
                 qPrintable(messages));
        QVERIFY(!s.map->province(QStringLiteral("01")).value(QStringLiteral("hasValue")).toBool());

        s.root->setProperty(
            "binding",
            QVariantMap{{QStringLiteral("units"), 34},
                        {QStringLiteral("dataUnits"), 63},
                        {QStringLiteral("aggregation"), QStringLiteral("sum")},
                        {QStringLiteral("values"), QVariantMap{{QStringLiteral("02"), 1.0},
                                                               {QStringLiteral("08"), 2.0},
                                                               {QStringLiteral("XX"), 3.0}}}});
        QVERIFY(QTest::qWaitFor(
            [&] {
                return s.map->province(QStringLiteral("08"))
                    .value(QStringLiteral("hasValue"))
                    .toBool();
            },
            5000));
        QCOMPARE(s.map->province(QStringLiteral("08")).value(QStringLiteral("value")).toDouble(),
                 3.0); // Hà Giang + Tuyên Quang
        QVERIFY2(s.map->messages().join('\n').contains(QStringLiteral("unknown 63-unit code 'XX'")),
                 qPrintable(s.map->messages().join('\n')));

        // 34-unit data on a 63-unit map is refused.
        s.root->setProperty("binding", QVariantMap{{QStringLiteral("units"), 63},
                                                   {QStringLiteral("dataUnits"), 34},
                                                   {QStringLiteral("values"),
                                                    QVariantMap{{QStringLiteral("08"), 2.0}}}});
        QVERIFY(QTest::qWaitFor(
            [&] {
                return s.map->messages().join('\n').contains(QStringLiteral("cannot be split"));
            },
            5000));
    }

private:
    QHash<QString, double> m_index;
};

QTEST_MAIN(TestMapsRender)
#include "tst_maps_render.moc"
