// Triangulation, projection fitting (islands included), classification and palettes, label
// placement, and 63 -> 34 aggregation checked on real GSO data.
#include "maps/aggregate.h"
#include "maps/classify.h"
#include "maps/geolibrary.h"
#include "maps/labels.h"
#include "maps/maprenderer.h"
#include "maps/mapvalues.h"
#include "maps/projection.h"
#include "maps/topojson.h"
#include "maps/triangulate.h"

#include <QFile>
#include <QPainter>
#include <QPainterPath>
#include <QtTest>

#include <cmath>

using namespace opswall::maps;

namespace {

QString assetDir() {
    return qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets/geo");
}

// gso_code -> column value from the real employment index table (63 provinces + "VN").
QHash<QString, double> readEmploymentIndex(const QString &column, QString *nationalName = nullptr) {
    QFile f(
        qEnvironmentVariable("OPSWALL_SHARED_DIR") +
        QStringLiteral("/data/indicators/gso-2024-12-industrial-employment-index-by-province.csv"));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QStringList lines =
        QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    const QStringList header = lines.first().trimmed().split(QLatin1Char(','));
    const qsizetype col = header.indexOf(column);
    QHash<QString, double> out;
    for (qsizetype l = 1; l < lines.size(); ++l) {
        const QStringList f2 = lines[l].trimmed().split(QLatin1Char(','));
        if (f2.value(0) == QLatin1String("VN")) {
            if (nationalName)
                *nationalName = f2.value(2);
            continue;
        }
        out.insert(f2.value(0), f2.value(col).toDouble());
    }
    return out;
}

} // namespace

class TestMapsLogic : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void earcutSquareWithHole() {
        // 4x4 square with a 2x2 hole: 8 triangles, area 12.
        Feature f;
        f.polygons.append(
            {Ring{{0, 0}, {4, 0}, {4, 4}, {0, 4}}, {Ring{{1, 1}, {1, 3}, {3, 3}, {3, 1}}}});
        const FeatureMesh mesh = triangulate(f);
        QCOMPARE(mesh.indices.size(), 8 * 3);
        QCOMPARE(mesh.triangleArea(), 12.0);
    }

    // Every province of both sets triangulates, once, to its own area (holes subtracted).
    void shippedSetsTriangulateToTheirArea() {
        GeoLibrary library(assetDir());
        for (int units : {34, 63}) {
            QString error;
            const auto geo = library.provinces(units, &error);
            QVERIFY2(geo, qPrintable(error));
            QCOMPARE(geo->meshes().size(), geo->features.features.size());
            for (int i = 0; i < geo->meshes().size(); ++i) {
                const Feature &f = geo->features.features[i];
                double area = 0;
                for (const Polygon &p : f.polygons)
                    area += polygonArea(p);
                const double meshArea = geo->meshes()[i].triangleArea();
                // Khánh Hòa's one self-intersecting reef ring makes its mesh differ a hair.
                QVERIFY2(std::abs(meshArea - area) / area <
                             (f.code == QLatin1String("56") ? 1e-3 : 1e-6),
                         qPrintable(QStringLiteral("%1 %2: mesh %3 vs polygon %4")
                                        .arg(units)
                                        .arg(f.name)
                                        .arg(meshArea)
                                        .arg(area)));
            }
            QString again;
            QCOMPARE(library.provinces(units, &again), geo); // cached, not decoded twice
        }
    }

    // The source's one self-intersecting ring (assets/geo/README.md) is a Trường Sa atoll of
    // Khánh Hòa: its reef rim and its lagoon joined into one ring whose joining edges cross. It
    // fills like its valid form (the same reef in the GEOS-checked GeoJSON): the rim filled, the
    // lagoon empty, under the renderer's non-zero rule and under odd-even alike, and its mesh
    // covers the rim; the crossing itself encloses a few square metres.
    void selfIntersectingReefFillsLikeItsValidForm() {
        GeoLibrary library(assetDir());
        for (int units : {34, 63}) {
            QString error;
            const auto geo = library.provinces(units, &error);
            QVERIFY2(geo, qPrintable(error));
            QList<Polygon> crossing;
            QString code;
            for (const Feature &f : geo->features.features) {
                for (const Polygon &polygon : f.polygons) {
                    if (ringSelfIntersects(polygon.outer)) {
                        crossing << polygon;
                        code = f.code;
                    }
                }
            }
            QCOMPARE(crossing.size(), 1);
            QCOMPARE(code, QStringLiteral("56"));
            const Polygon &reef = crossing.first();
            QVERIFY(reef.holes.isEmpty());
            const double rimArea = std::abs(signedArea(reef.outer)); // outer loop less lagoon

            // Drawn 2000 px across (about 2.5 m a pixel), far beyond any wall scale.
            const QRectF b = ringBounds(reef.outer);
            const double scale = 2000.0 / b.width();
            const QTransform toPx(scale, 0, 0, -scale, -b.left() * scale + 1,
                                  b.bottom() * scale + 1);
            const QSize size(2002, int(b.height() * scale) + 2);
            const QPointF lagoon = toPx.map(QPointF(114.08, 10.92));
            const QPointF rim = toPx.map(QPointF(114.0594, 10.912)); // west rim, between the loops
            for (const Qt::FillRule rule : {Qt::WindingFill, Qt::OddEvenFill}) {
                QImage img(size, QImage::Format_Grayscale8);
                img.fill(0);
                QPainterPath path;
                path.setFillRule(rule);
                path.addPolygon(toPx.map(QPolygonF(reef.outer)));
                path.closeSubpath();
                QPainter painter(&img);
                painter.setPen(Qt::NoPen);
                painter.setBrush(Qt::white);
                painter.drawPath(path);
                painter.end();
                qint64 filled = 0;
                for (int y = 0; y < img.height(); ++y) {
                    const uchar *line = img.constScanLine(y);
                    for (int x = 0; x < img.width(); ++x)
                        filled += line[x] > 127;
                }
                const double expected = rimArea * scale * scale;
                QVERIFY2(std::abs(double(filled) - expected) < 0.01 * expected,
                         qPrintable(QStringLiteral("%1 set, rule %2: %3 px filled, rim %4 px")
                                        .arg(units)
                                        .arg(int(rule))
                                        .arg(filled)
                                        .arg(expected)));
                QCOMPARE(img.pixelColor(lagoon.toPoint()).value(), 0);
                QCOMPARE(img.pixelColor(rim.toPoint()).value(), 255);
            }
            Feature alone;
            alone.polygons << reef;
            QVERIFY(std::abs(triangulate(alone).triangleArea() - rimArea) < 0.01 * rimArea);
            QVERIFY(!pointInPolygon(reef, QPointF(114.08, 10.92)));
            QVERIFY(pointInPolygon(reef, QPointF(114.0594, 10.912)));
        }
    }

    // preload() decodes on a worker what provinces() would decode itself: the same sets, the
    // same issues, the same errors; a library destroyed while preloading waits for the worker.
    void preloadGivesWhatALoadGives() {
        GeoLibrary direct(assetDir());
        GeoLibrary preloaded(assetDir());
        preloaded.preload();
        preloaded.preload({34, 63, 7}); // again, and an unknown set: nothing more to do
        for (int units : {34, 63}) {
            QString e1, e2;
            const auto a = direct.provinces(units, &e1);
            const auto b = preloaded.provinces(units, &e2);
            QVERIFY2(a && b, qPrintable(e1 + e2));
            QCOMPARE(b->units, units);
            QCOMPARE(b->features.features.size(), a->features.features.size());
            QCOMPARE(b->features.issueMessages(), a->features.issueMessages());
            for (qsizetype i = 0; i < a->features.features.size(); ++i) {
                QCOMPARE(b->features.features[i].code, a->features.features[i].code);
                QCOMPARE(b->features.features[i].polygons.size(),
                         a->features.features[i].polygons.size());
                QCOMPARE(b->features.features[i].polygons.first().outer,
                         a->features.features[i].polygons.first().outer);
            }
            QCOMPARE(preloaded.provinces(units, &e2), b); // kept, not decoded again
        }
        GeoLibrary missing(QStringLiteral("/nonexistent-geo"));
        missing.preload({34});
        QString error;
        QVERIFY(!missing.provinces(34, &error));
        QVERIFY2(error.startsWith(QStringLiteral("cannot read /nonexistent-geo/vn-provinces-34")),
                 qPrintable(error));
        error.clear();
        QVERIFY(!missing.provinces(34, &error)); // asked again: the same clear error
        QVERIFY(error.startsWith(QStringLiteral("cannot read")));
        QVERIFY(!missing.provinces(7, &error));
        QCOMPARE(error, QStringLiteral("no province map with 7 units (34 or 63)"));
        {
            GeoLibrary leftAtOnce(assetDir());
            leftAtOnce.preload();
        }
    }

    void projectionFitsWithIslands() {
        GeoLibrary library(assetDir());
        QString error;
        const auto geo = library.provinces(34, &error);
        QVERIFY(geo);
        const QRectF tile(0, 0, 1000, 1000);
        for (IslandLayout layout : {IslandLayout::InPlace, IslandLayout::InsetBoxes}) {
            const MapProjection proj = MapProjection::fit(geo->features, tile, layout, 10);
            QVERIFY(proj.isValid());
            QRectF drawn;
            QRectF spratly;
            for (const Feature &f : geo->features.features) {
                for (const Polygon &p : f.polygons) {
                    const int region = proj.regionOf(p);
                    const QRectF r =
                        proj.regions()[region].lonLatToPixel.mapRect(ringBounds(p.outer));
                    drawn = drawn.isNull() ? r : drawn.united(r);
                    if (f.code == QLatin1String("56") && ringBounds(p.outer).left() > 111)
                        spratly = spratly.isNull() ? r : spratly.united(r);
                }
            }
            // Everything, the archipelagos included, inside the tile minus padding.
            QVERIFY2(tile.adjusted(9.9, 9.9, -9.9, -9.9).contains(drawn),
                     qPrintable(QStringLiteral("%1").arg(int(layout))));
            QVERIFY(!spratly.isEmpty());
            // Aspect kept: 1 degree of latitude and cos(lat0) degrees of longitude are equal.
            const QTransform &t = proj.regions()[0].lonLatToPixel;
            QVERIFY(std::abs(t.m11() / -t.m22() -
                             std::cos(geo->features.bounds.center().y() * M_PI / 180)) < 1e-9);
            // The inverse finds Hà Nội's lon/lat again.
            int region = -1;
            const QPointF back = proj.toLonLat(proj.toPixel({105.85, 21.03}, 0), &region);
            QCOMPARE(region, 0);
            QVERIFY(std::abs(back.x() - 105.85) < 1e-9 && std::abs(back.y() - 21.03) < 1e-9);
        }
        // In a square tile the inset layout gives the mainland a larger scale than in-place.
        const MapProjection inPlace =
            MapProjection::fit(geo->features, tile, IslandLayout::InPlace, 10);
        const MapProjection inset =
            MapProjection::fit(geo->features, tile, IslandLayout::InsetBoxes, 10);
        QCOMPARE(inset.regions().size(), 3);
        QVERIFY(inset.pixelsPerDegreeLat(0) > inPlace.pixelsPerDegreeLat(0) * 1.05);
    }

    void classification() {
        QString error;
        const QList<double> v{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        ClassBreaks q = classify(v, {ClassificationMethod::Quantiles, 5, {}, {}}, &error);
        QCOMPARE(q.count(), 5);
        int perClass[5] = {};
        for (double x : v)
            ++perClass[q.classOf(x)];
        for (int k = 0; k < 5; ++k)
            QCOMPARE(perClass[k], 2);
        ClassBreaks e = classify(v, {ClassificationMethod::EqualIntervals, 3, {}, {}}, &error);
        QCOMPARE(e.edges, (QList<double>{1, 4, 7, 10}));
        QCOMPARE(e.classOf(10), 2);
        QCOMPARE(e.classOf(qQNaN()), -1);
        ClassBreaks x = classify(v, {ClassificationMethod::ExplicitBreaks, 0, {3, 8}, {}}, &error);
        QCOMPARE(x.edges, (QList<double>{1, 3, 8, 10}));
        QCOMPARE(x.classOf(3), 1);
        // Diverging around 100: an edge on 100, symmetric equal intervals.
        ClassBreaks d = classify({92, 99, 101, 104},
                                 {ClassificationMethod::EqualIntervals, 4, {}, 100.0}, &error);
        QCOMPARE(d.edges, (QList<double>{92, 96, 100, 104, 108}));
        ClassBreaks dq = classify({90, 95, 98, 101, 103, 110},
                                  {ClassificationMethod::Quantiles, 4, {}, 100.0}, &error);
        QVERIFY(dq.edges.contains(100.0));
        QCOMPARE(dq.classOf(99.9) + 1, dq.classOf(100.1));
        const QList<QColor> colors = classColors(PaletteKind::Diverging, d, 100.0);
        QCOMPARE(colors.size(), 4);
        QVERIFY(colors[0].red() > colors[0].blue()); // decline: red
        QVERIFY(colors[3].blue() > colors[3].red()); // growth: blue
        QCOMPARE(
            QSet<QRgb>({colors[0].rgb(), colors[1].rgb(), colors[2].rgb(), colors[3].rgb()}).size(),
            4);
        const QList<QColor> seq = classColors(PaletteKind::Sequential, q, {});
        QVERIFY(seq.first().lightness() > seq.last().lightness());
        // Bad options are refused with a message.
        QVERIFY(classify(v, {ClassificationMethod::ExplicitBreaks, 0, {5, 3}, {}}, &error)
                    .edges.isEmpty());
        QVERIFY(error.contains(QStringLiteral("ascending")));
        QVERIFY(classify(v, {ClassificationMethod::Quantiles, 12, {}, {}}, &error).edges.isEmpty());
        QVERIFY(error.contains(QStringLiteral("between 2 and 9")));
    }

    void labelsDoNotCollide() {
        QList<LabelCandidate> c;
        for (int i = 0; i < 20; ++i) // 20 labels on almost the same spot
            c.append({i, QPointF(100 + i, 100), QSizeF(60, 14), double(i)});
        const QList<PlacedLabel> placed =
            placeLabels(c, QRectF(0, 0, 400, 400), {QRectF(0, 0, 400, 60)});
        QVERIFY(placed.size() >= 3);
        QVERIFY(placed.size() < 20);
        QCOMPARE(placed.first().featureIndex, 19); // highest priority first
        for (int a = 0; a < placed.size(); ++a) {
            QVERIFY(!placed[a].rectPx.intersects(QRectF(0, 0, 400, 60)));
            for (int b = a + 1; b < placed.size(); ++b)
                QVERIFY(!placed[a].rectPx.intersects(placed[b].rectPx));
        }
    }

    void labelAnchorsAreInside() {
        GeoLibrary library(assetDir());
        QString error;
        for (int units : {34, 63}) {
            const auto geo = library.provinces(units, &error);
            for (const Feature &f : geo->features.features) {
                int p = -1;
                const QPointF a = labelAnchor(f, &p);
                QVERIFY2(p >= 0 && pointInPolygon(f.polygons[p], a), qPrintable(f.name));
            }
        }
    }

    // Real data: GSO's December 2024 industrial employment index, all 63 provinces.
    void aggregationOnRealData() {
        QString national;
        const QHash<QString, double> idx =
            readEmploymentIndex(QStringLiteral("index_vs_same_month_prev_year"), &national);
        if (idx.isEmpty())
            QSKIP("employment index CSV not found in OPSWALL_SHARED_DIR");
        QCOMPARE(idx.size(), 63);
        QCOMPARE(national, QStringLiteral("Cả nước"));
        GeoLibrary library(assetDir());
        QString error;
        const Crosswalk &cw = library.crosswalk(&error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        QCOMPARE(cw.newCodeOf.size(), 63);
        QCOMPARE(cw.membersOf.size(), 34);

        // An index is a weighted mean; without the weight series it is refused, clearly.
        const IndicatorAggregation index{AggregationRule::WeightedMean,
                                         QStringLiteral("industrial employment")};
        const AggregationResult refused = aggregate63To34(cw, idx, index);
        QVERIFY(!refused.ok);
        QVERIFY2(refused.error.contains(QStringLiteral("'industrial employment'")) &&
                     refused.error.contains(QStringLiteral("not available")),
                 qPrintable(refused.error));

        // With a weight series: Tuyên Quang (08) = Hà Giang (02) + Tuyên Quang (08), by weight.
        QHash<QString, double> weights;
        for (auto it = idx.cbegin(); it != idx.cend(); ++it)
            weights.insert(it.key(), 1000 + it.key().toInt()); // any positive, distinct weights
        const AggregationResult r = aggregate63To34(cw, idx, index, weights);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.values.size(), 34);
        QVERIFY2(r.messages.isEmpty(), qPrintable(r.messages.join('\n')));
        const double expected08 = (idx["02"] * 1002 + idx["08"] * 1008) / (1002.0 + 1008.0);
        QVERIFY(std::abs(r.values["08"] - expected08) < 1e-9);
        QCOMPARE(r.values["01"], idx["01"]); // Hà Nội unchanged in 2025
        for (auto it = r.values.cbegin(); it != r.values.cend(); ++it) {
            double lo = 1e9, hi = -1e9;
            for (const QString &m : cw.membersOf[it.key()]) {
                lo = std::min(lo, idx[m]);
                hi = std::max(hi, idx[m]);
            }
            QVERIFY(it.value() >= lo - 1e-9 &&
                    it.value() <= hi + 1e-9); // a mean lies between its members
        }
        // Amounts sum: the 34-unit total equals the 63-unit total.
        const AggregationResult s = aggregate63To34(cw, weights, {AggregationRule::Sum, {}});
        double total63 = 0, total34 = 0;
        for (double w : weights)
            total63 += w;
        for (double w : s.values)
            total34 += w;
        QCOMPARE(total34, total63);
        // A missing member gives no data for that unit only, with a message naming it.
        QHash<QString, double> partial = idx;
        partial.remove(QStringLiteral("06")); // Bắc Kạn -> Thái Nguyên (19)
        const AggregationResult p = aggregate63To34(cw, partial, index, weights);
        QVERIFY(!p.values.contains(QStringLiteral("19")));
        QCOMPARE(p.values.size(), 33);
        QVERIFY(p.messages.join('\n').contains(QStringLiteral("06 (Bắc Kạn)")));
        // 34 -> 63 is refused.
        const AggregationResult back = convertUnits(cw, r.values, 34, 63, index, weights);
        QVERIFY(!back.ok);
        QVERIFY2(back.error.contains(QStringLiteral("cannot be split")), qPrintable(back.error));
    }

    // A layout's binding is read in one place (the map item and the API both use it): wrong
    // values are named and replaced by the defaults, never silently taken.
    void bindingIsReadWithClearMessages() {
        const MapBinding ok = mapBindingFromVariant(
            {{QStringLiteral("units"), 63},
             {QStringLiteral("values"), QVariantMap{{QStringLiteral("01"), 101.5},
                                                    {QStringLiteral("79"), QStringLiteral("99")}}},
             {QStringLiteral("classification"), QStringLiteral("breaks")},
             {QStringLiteral("breaks"), QVariantList{95, 100, 105}},
             {QStringLiteral("palette"), QStringLiteral("diverging")},
             {QStringLiteral("aggregation"), QStringLiteral("sum")},
             {QStringLiteral("highlight"), QStringList{QStringLiteral("01")}},
             {QStringLiteral("islands"), QStringLiteral("inset")}});
        QVERIFY2(ok.messages.isEmpty(), qPrintable(ok.messages.join('\n')));
        QCOMPARE(ok.units, 63);
        QCOMPARE(ok.values.value(QStringLiteral("79")), 99.0); // a numeric string is a number
        QCOMPARE(ok.classification, ClassificationMethod::ExplicitBreaks);
        QCOMPARE(ok.breaks, (QList<double>{95, 100, 105}));
        QCOMPARE(ok.palette, PaletteKind::Diverging);
        QCOMPARE(ok.aggregation.rule, AggregationRule::Sum);
        QCOMPARE(ok.islands, IslandMode::InsetBoxes);

        const MapBinding bad = mapBindingFromVariant(
            {{QStringLiteral("units"), 40},
             {QStringLiteral("values"), QVariantMap{{QStringLiteral("01"), QStringLiteral("n/a")}}},
             {QStringLiteral("classification"), QStringLiteral("jenks")},
             {QStringLiteral("palette"), QStringLiteral("rainbow")},
             {QStringLiteral("classes"), QStringLiteral("five")},
             {QStringLiteral("aggregation"), QStringLiteral("average")}});
        QCOMPARE(bad.units, 34);
        QCOMPARE(bad.classification, ClassificationMethod::Quantiles);
        QCOMPARE(bad.palette, PaletteKind::Sequential);
        QCOMPARE(bad.classCount, 5);
        QCOMPARE(bad.aggregation.rule, AggregationRule::Invalid);
        QVERIFY(bad.values.isEmpty());
        const QString all = bad.messages.join('\n');
        for (const char *named : {"'units' must be 34 or 63", "value for 01 is not a number",
                                  "'classification' must be one of", "'palette' must be one of",
                                  "'classes' is not a number", "'aggregation' must be one of"})
            QVERIFY2(all.contains(QLatin1String(named)), qPrintable(all));
    }

    // What the API answers for a province is what the map draws: 63-unit data on the 34-unit
    // map, combined by the rule, then classified; real GSO values.
    void provinceInfoOfAThirtyFourUnitMap() {
        const QHash<QString, double> idx =
            readEmploymentIndex(QStringLiteral("index_vs_same_month_prev_year"));
        if (idx.isEmpty())
            QSKIP("employment index CSV not found in OPSWALL_SHARED_DIR");
        GeoLibrary library(assetDir());
        QString error;
        const auto geo34 = library.provinces(34, &error);
        QVERIFY2(geo34, qPrintable(error));
        QVariantMap values, weights;
        for (auto it = idx.cbegin(); it != idx.cend(); ++it) {
            values.insert(it.key(), it.value());
            weights.insert(it.key(), 1000 + it.key().toInt());
        }
        QVariantMap binding{{QStringLiteral("units"), 34},
                            {QStringLiteral("dataUnits"), 63},
                            {QStringLiteral("values"), values},
                            {QStringLiteral("unit"), QStringLiteral("%")},
                            {QStringLiteral("period"), QStringLiteral("T12/2024")},
                            {QStringLiteral("aggregation"), QStringLiteral("weightedMean")},
                            {QStringLiteral("weightName"), QStringLiteral("lao động")}};
        // Without weights: refused in words, every province shown as no data.
        MapBinding b = mapBindingFromVariant(binding);
        MapValues shown = computeMapValues(geo34->features, library.crosswalk(&error), b);
        QVERIFY2(shown.messages.join(u'\n').contains(QStringLiteral("'lao động'")),
                 qPrintable(shown.messages.join(u'\n')));
        QVariantMap tq = provinceInfo(geo34->features, shown, b, QStringLiteral("08"));
        QCOMPARE(tq.value(QStringLiteral("name")).toString(), QStringLiteral("Tuyên Quang"));
        QCOMPARE(tq.value(QStringLiteral("hasValue")).toBool(), false);
        QCOMPARE(tq.value(QStringLiteral("classIndex")).toInt(), -1);

        binding.insert(QStringLiteral("weights"), weights);
        b = mapBindingFromVariant(binding);
        shown = computeMapValues(geo34->features, library.crosswalk(&error), b);
        QVERIFY2(shown.messages.isEmpty(), qPrintable(shown.messages.join('\n')));
        tq = provinceInfo(geo34->features, shown, b, QStringLiteral("08"));
        const double expected = (idx["02"] * 1002 + idx["08"] * 1008) / (1002.0 + 1008.0);
        QVERIFY(std::abs(tq.value(QStringLiteral("value")).toDouble() - expected) < 1e-9);
        const int k = tq.value(QStringLiteral("classIndex")).toInt();
        QVERIFY(k >= 0 && k < shown.breaks.count());
        QVERIFY(tq.value(QStringLiteral("classFrom")).toDouble() <= expected);
        QVERIFY(tq.value(QStringLiteral("classTo")).toDouble() >= expected);
        QCOMPARE(tq.value(QStringLiteral("period")).toString(), QStringLiteral("T12/2024"));
        // Hà Giang (02) is no longer a province of the 34-unit map.
        QVERIFY(provinceInfo(geo34->features, shown, b, QStringLiteral("02")).isEmpty());
    }

    void crosswalkErrors() {
        QString error;
        parseCrosswalkCsv("gso_code_63,gso_code_34\n01,01\n2,08\n", &error);
        QVERIFY2(error.contains(QStringLiteral("line 3")), qPrintable(error));
        parseCrosswalkCsv("a,b\n", &error);
        QVERIFY(error.contains(QStringLiteral("gso_code_63")));
    }

    void sourceLineSaysSourceOnceInTheWallsLanguage() {
        // Sources in the metadata often carry their own "Nguồn:"; the map writes the prefix once,
        // in the wall's language (an English wall read "Source: Nguồn: ..." before).
        MapContent en;
        en.sourcePrefix = QStringLiteral("Source");
        en.source = QStringLiteral("Nguồn: Tổng cục Thống kê / Cục Thống kê");
        QCOMPARE(sourceLine(en), QStringLiteral("Source: Tổng cục Thống kê / Cục Thống kê"));
        en.source = QStringLiteral("General Statistics Office");
        QCOMPARE(sourceLine(en), QStringLiteral("Source: General Statistics Office"));
        en.source = QStringLiteral("source : General Statistics Office");
        QCOMPARE(sourceLine(en), QStringLiteral("Source: General Statistics Office"));
        MapContent vi; // Vietnamese by default
        vi.source = QStringLiteral("Nguồn: Tổng cục Thống kê");
        QCOMPARE(sourceLine(vi), QStringLiteral("Nguồn: Tổng cục Thống kê"));
        vi.source = QStringLiteral("Source: General Statistics Office");
        QCOMPARE(sourceLine(vi), QStringLiteral("Nguồn: General Statistics Office"));
        vi.source = QStringLiteral("Tổng cục Thống kê");
        QCOMPARE(sourceLine(vi), QStringLiteral("Nguồn: Tổng cục Thống kê"));
        // A source that only mentions the word is not cut; no source, no line.
        vi.source = QStringLiteral("Nguồn cấp dữ liệu mở");
        QCOMPARE(sourceLine(vi), QStringLiteral("Nguồn: Nguồn cấp dữ liệu mở"));
        vi.source = QStringLiteral("  Nguồn:  ");
        QCOMPARE(sourceLine(vi), QString());
        vi.source.clear();
        QCOMPARE(sourceLine(vi), QString());
    }
};

QTEST_GUILESS_MAIN(TestMapsLogic)
#include "tst_maps_logic.moc"
