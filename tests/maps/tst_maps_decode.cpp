// Boundary decoding: the shipped TopoJSON sets, TopoJSON vs GeoJSON of the same data, and bad
// geometry (each problem reported per feature, the rest still loads).
#include "maps/geojson.h"
#include "maps/topojson.h"

#include "../support/testfiles.h"

#include <QFile>
#include <QtTest>

#include <cmath>

using namespace opswall::maps;
using opswall::testsupport::readFileOrDie;

namespace {

QString sharedGeo(const QString &name) {
    return qEnvironmentVariable("OPSWALL_SHARED_DIR") + QStringLiteral("/data/geo/") + name;
}

QString assetGeo(const QString &name) {
    return qEnvironmentVariable("OPSWALL_SOURCE_DIR") + QStringLiteral("/assets/geo/") + name;
}

bool hasIssue(const FeatureSet &set, const QString &needle) {
    for (const GeometryIssue &i : set.issues) {
        if (i.message.contains(needle))
            return true;
    }
    return false;
}

// A 2x2 square as a TopoJSON arc list; the square's arcs are written out by the test cases.
QByteArray topo(const QByteArray &arcs, const QByteArray &geometries,
                const QByteArray &transform = {}) {
    return "{\"type\":\"Topology\"," +
           (transform.isEmpty() ? QByteArray() : "\"transform\":" + transform + ",") +
           "\"objects\":{\"provinces\":{\"type\":\"GeometryCollection\",\"geometries\":[" +
           geometries + "]}},\"arcs\":" + arcs + "}";
}

} // namespace

class TestMapsDecode : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void shippedSetsDecode_data() {
        QTest::addColumn<QString>("file");
        QTest::addColumn<int>("count");
        QTest::newRow("34") << "vn-provinces-34.topo.json" << 34;
        QTest::newRow("63") << "vn-provinces-63.topo.json" << 63;
    }
    void shippedSetsDecode() {
        QFETCH(QString, file);
        QFETCH(int, count);
        const FeatureSet set = decodeTopoJson(readFileOrDie(assetGeo(file)));
        QVERIFY2(set.ok(), qPrintable(set.error));
        QCOMPARE(set.features.size(), count);
        // No feature dropped; the one known self-intersection (Trường Sa reef in Khánh Hòa,
        // README "What was changed" 4) is reported as a warning naming the place.
        for (const GeometryIssue &issue : set.issues)
            QCOMPARE(issue.severity, IssueSeverity::Warning);
        QVERIFY(hasIssue(set, QStringLiteral("Khánh Hòa")));
        const Feature &khanhHoa = set.features[set.indexOf(QStringLiteral("56"))];
        QCOMPARE(khanhHoa.name, QStringLiteral("Khánh Hòa"));
        // Trường Sa (Spratlys) belongs to Khánh Hòa: polygons east of 111°E, south of 12°N.
        QVERIFY(khanhHoa.bounds.right() > 114.0);
        QVERIFY(khanhHoa.bounds.top() < 9.0);
        const Feature &daNang = set.features[set.indexOf(QStringLiteral("48"))];
        QVERIFY2(daNang.bounds.right() > 111.5 && daNang.bounds.bottom() > 16.0,
                 "Hoàng Sa in Đà Nẵng");
        QVERIFY(set.bounds.contains(QPointF(105.85, 21.03))); // Hà Nội
    }

    // TopoJSON and GeoJSON of the same set decode to the same geometry within the GeoJSON's
    // 4-decimal rounding (half a unit of the 4th decimal, plus the transform's float error).
    void topoAndGeoJsonAgree_data() {
        QTest::addColumn<QString>("base");
        QTest::newRow("34") << "vn-provinces-34";
        QTest::newRow("63") << "vn-provinces-63";
    }
    void topoAndGeoJsonAgree() {
        QFETCH(QString, base);
        const QString geoPath = sharedGeo(base + QStringLiteral(".geojson"));
        if (!QFile::exists(geoPath))
            QSKIP("GeoJSON not found in OPSWALL_SHARED_DIR/data/geo");
        const FeatureSet t =
            decodeTopoJson(readFileOrDie(sharedGeo(base + QStringLiteral(".topo.json"))));
        const FeatureSet g = decodeGeoJson(readFileOrDie(geoPath));
        QVERIFY2(t.ok() && g.ok(), qPrintable(t.error + g.error));
        QCOMPARE(g.features.size(), t.features.size());
        qsizetype compared = 0;
        for (const Feature &tf : t.features) {
            const int gi = g.indexOf(tf.code);
            QVERIFY2(gi >= 0, qPrintable(tf.code));
            const Feature &gf = g.features[gi];
            QCOMPARE(gf.name, tf.name);
            if (tf.code == QLatin1String("56")) {
                // The GeoJSON's one repaired Spratly reef polygon was split in two (README step 4).
                QCOMPARE(gf.polygons.size(), tf.polygons.size() + 1);
                double ta = 0, ga = 0;
                for (const Polygon &p : tf.polygons)
                    ta += polygonArea(p);
                for (const Polygon &p : gf.polygons)
                    ga += polygonArea(p);
                QVERIFY(std::abs(ta - ga) / ta < 1e-3);
                continue;
            }
            QCOMPARE(gf.polygons.size(), tf.polygons.size());
            for (int p = 0; p < tf.polygons.size(); ++p) {
                const Polygon &a = tf.polygons[p], &b = gf.polygons[p];
                QCOMPARE(b.holes.size(), a.holes.size());
                QList<Ring> ra{a.outer}, rb{b.outer};
                ra << a.holes;
                rb << b.holes;
                for (int r = 0; r < ra.size(); ++r) {
                    // The GeoJSON is the TopoJSON rounded to 4 decimals; rounding can merge two
                    // neighbouring points, which the decoder then drops as a duplicate.
                    Ring rounded;
                    for (const QPointF &pt : ra[r]) {
                        const QPointF q(std::round(pt.x() * 1e4) / 1e4,
                                        std::round(pt.y() * 1e4) / 1e4);
                        if (rounded.isEmpty() || rounded.last() != q)
                            rounded << q;
                    }
                    while (rounded.size() > 1 && rounded.first() == rounded.last())
                        rounded.removeLast();
                    QCOMPARE(rb[r].size(), rounded.size());
                    for (qsizetype k = 0; k < rounded.size(); ++k) {
                        const QPointF e = rounded[k] - rb[r][k];
                        if (std::abs(e.x()) > 1.01e-4 || std::abs(e.y()) > 1.01e-4)
                            QFAIL(qPrintable(
                                QStringLiteral("%1 polygon %2 ring %3 point %4 differs by %5, %6")
                                    .arg(tf.code)
                                    .arg(p)
                                    .arg(r)
                                    .arg(k)
                                    .arg(e.x())
                                    .arg(e.y())));
                        ++compared;
                    }
                }
            }
        }
        QVERIFY(compared > 70000);
        qInfo("compared %lld points", qlonglong(compared));
    }

    void quantisedDeltaArcsAndReversal() {
        // Two unit squares sharing the arc x=1 (arc 0), one using it reversed (~0 = -1).
        // transform scale 0.5, translate (100, 10): quantised positions are doubled.
        const QByteArray arcs =
            "[[[2,0],[0,2]],"              // arc 0: (2,0)->(2,2) shared edge
            "[[2,2],[-2,0],[0,-2],[2,0]]," // arc 1: left square's other 3 sides
            "[[2,0],[2,0],[0,2],[-2,0]]]"; // arc 2: right square's other 3 sides
        const QByteArray geoms = "{\"type\":\"Polygon\",\"id\":\"01\",\"properties\":{\"name\":"
                                 "\"Trái\"},\"arcs\":[[0,1]]},"
                                 "{\"type\":\"Polygon\",\"id\":\"02\",\"properties\":{\"name\":"
                                 "\"Phải\"},\"arcs\":[[2,-1]]}";
        const FeatureSet set =
            decodeTopoJson(topo(arcs, geoms, "{\"scale\":[0.5,0.5],\"translate\":[100,10]}"));
        QVERIFY2(set.ok(), qPrintable(set.error));
        QVERIFY2(set.issues.isEmpty(), qPrintable(set.issueMessages().join('\n')));
        QCOMPARE(set.features.size(), 2);
        const Ring &left = set.features[0].polygons[0].outer;
        QCOMPARE(left, (Ring{{101, 10}, {101, 11}, {100, 11}, {100, 10}}));
        const Ring &right = set.features[1].polygons[0].outer;
        QCOMPARE(right, (Ring{{101, 10}, {102, 10}, {102, 11}, {101, 11}}));
        QCOMPARE(std::abs(signedArea(right)), 1.0);
        QCOMPARE(set.features[1].name, QStringLiteral("Phải"));
    }

    void multiPolygonWithHoleGeoJson() {
        const QByteArray json =
            "{\"type\":\"FeatureCollection\",\"features\":[{\"type\":\"Feature\",\"properties\":"
            "{\"gso_code\":\"07\",\"name\":\"Đảo\"},\"geometry\":{\"type\":\"MultiPolygon\","
            "\"coordinates\":"
            "[[[[0,0],[4,0],[4,4],[0,4],[0,0]],[[1,1],[1,3],[3,3],[3,1],[1,1]]],"
            "[[[10,0],[11,0],[11,1],[10,0]]]]}}]}";
        const FeatureSet set = decodeGeoJson(json);
        QVERIFY2(set.ok(), qPrintable(set.error));
        QCOMPARE(set.features.size(), 1);
        const Feature &f = set.features[0];
        QCOMPARE(f.code, QStringLiteral("07"));
        QCOMPARE(f.polygons.size(), 2);
        QCOMPARE(f.polygons[0].holes.size(), 1);
        QCOMPARE(polygonArea(f.polygons[0]), 12.0);
        QVERIFY(!pointInPolygon(f.polygons[0], {2, 2})); // in the hole
        QVERIFY(pointInPolygon(f.polygons[0], {0.5, 2}));
    }

    // Each kind of bad geometry gives a message naming the feature, and the good feature loads.
    void badGeometryIsReportedAndTheRestLoads_data() {
        QTest::addColumn<QByteArray>("badFeature");
        QTest::addColumn<QString>("message");
        QTest::addColumn<bool>("badKept"); // the bad feature still loads (repaired / warned)
        auto f = [](const char *code, const char *geometry) {
            return QByteArray("{\"type\":\"Feature\",\"properties\":{\"gso_code\":\"") + code +
                   "\",\"name\":\"Xấu\"},\"geometry\":" + geometry + "}";
        };
        QTest::newRow("unclosed ring")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,0],[1,1],[0,1]]]}")
            << "is not closed" << true;
        QTest::newRow("self-intersection")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[2,2],[2,0],[0,3],[0,0]]]}")
            << "intersects itself near 1.2000°E 1.2000°N" << true;
        QTest::newRow("empty feature")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[]}") << "empty geometry" << false;
        QTest::newRow("null geometry") << f("11", "null") << "empty geometry" << false;
        QTest::newRow("NaN-like coordinate")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[\"x\",0],[1,1],[0,0]]]}")
            << "not a finite number" << false;
        QTest::newRow("out of range")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[500,0],[1,1],[0,0]]]}")
            << "outside longitude/latitude" << false;
        QTest::newRow("degenerate ring")
            << f("11", "{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[1,1],[0,0]]]}")
            << "fewer than 3 distinct points" << false;
        QTest::newRow("duplicate code")
            << f("01", "{\"type\":\"Polygon\",\"coordinates\":[[[5,5],[6,5],[6,6],[5,5]]]}")
            << "duplicate code" << false;
        QTest::newRow("malformed code")
            << f("abc!", "{\"type\":\"Polygon\",\"coordinates\":[[[5,5],[6,5],[6,6],[5,5]]]}")
            << "malformed province code" << false;
        QTest::newRow("point geometry")
            << f("11", "{\"type\":\"Point\",\"coordinates\":[1,1]}") << "is not an area" << false;
    }
    void badGeometryIsReportedAndTheRestLoads() {
        QFETCH(QByteArray, badFeature);
        QFETCH(QString, message);
        QFETCH(bool, badKept);
        const QByteArray good =
            "{\"type\":\"Feature\",\"properties\":{\"gso_code\":\"01\",\"name\":\"Tốt\"},"
            "\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[0,0],[3,0],[3,3],[0,3],[0,0]]]}"
            "}";
        const FeatureSet set = decodeGeoJson("{\"type\":\"FeatureCollection\",\"features\":[" +
                                             good + "," + badFeature + "]}");
        QVERIFY2(set.ok(), qPrintable(set.error));
        QVERIFY2(hasIssue(set, message), qPrintable(set.issueMessages().join('\n')));
        QVERIFY2(hasIssue(set, QStringLiteral("feature 1 (")), "the message names the feature");
        QVERIFY(set.indexOf(QStringLiteral("01")) == 0);
        QCOMPARE(set.features[0].name, QStringLiteral("Tốt"));
        QCOMPARE(set.features.size(), badKept ? 2 : 1);
    }

    void badTopologyReferences() {
        const QByteArray arcs = "[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[5]]]";
        const QByteArray geoms =
            "{\"type\":\"Polygon\",\"id\":\"01\",\"arcs\":[[0]]},"
            "{\"type\":\"Polygon\",\"id\":\"02\",\"arcs\":[[7]]},"
            "{\"type\":\"Polygon\",\"id\":\"03\",\"arcs\":[[1]]},"
            "{\"type\":\"MultiPolygon\",\"id\":\"04\",\"arcs\":[[[0]],[[-9]]]}";
        const FeatureSet set = decodeTopoJson(topo(arcs, geoms));
        QVERIFY2(set.ok(), qPrintable(set.error));
        QVERIFY(hasIssue(set, QStringLiteral("refers to arc 7, but the topology has 2 arcs")));
        QVERIFY(hasIssue(set, QStringLiteral("arc 1 is malformed")));
        QVERIFY(hasIssue(set, QStringLiteral("feature 1 (code '02'")));
        QCOMPARE(set.indexOf(QStringLiteral("02")), -1);
        QCOMPARE(set.indexOf(QStringLiteral("03")), -1);
        // 04 keeps its good polygon; the one with a bad arc reference is left out.
        const int i04 = set.indexOf(QStringLiteral("04"));
        QVERIFY(i04 >= 0);
        QCOMPARE(set.features[i04].polygons.size(), 1);
    }

    void documentErrors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("error");
        QTest::newRow("not json") << QByteArray("{\"type\":") << "not valid JSON";
        QTest::newRow("not topology")
            << QByteArray("{\"type\":\"FeatureCollection\"}") << "not a TopoJSON";
        QTest::newRow("bad transform")
            << QByteArray("{\"type\":\"Topology\",\"transform\":{\"scale\":[0,1],"
                          "\"translate\":[0,0]},\"objects\":{\"a\":{}},\"arcs\":[]}")
            << "transform";
        QTest::newRow("no objects")
            << QByteArray("{\"type\":\"Topology\",\"objects\":{},\"arcs\":[]}") << "no objects";
    }
    void documentErrors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, error);
        const FeatureSet set = decodeTopoJson(json);
        QVERIFY(!set.ok());
        QVERIFY2(set.error.contains(error), qPrintable(set.error));
        QVERIFY(set.features.isEmpty());
    }

    void limitsAreEnforced() {
        DecodeLimits limits;
        limits.maxPoints = 1000;
        const FeatureSet set = decodeTopoJson(
            readFileOrDie(assetGeo(QStringLiteral("vn-provinces-34.topo.json"))), {}, limits);
        QVERIFY(!set.ok());
        QVERIFY2(set.error.contains(QStringLiteral("too many points")), qPrintable(set.error));
        limits = {};
        limits.maxBytes = 100;
        QVERIFY(
            decodeGeoJson(QByteArray(200, ' '), limits).error.contains(QStringLiteral("limit")));
    }
};

QTEST_GUILESS_MAIN(TestMapsDecode)
#include "tst_maps_decode.moc"
