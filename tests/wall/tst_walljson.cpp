// The wall document: the demo wall loads, documents round-trip, and every mistake a technician
// makes is reported at the exact field with a message they can act on.

#include "wall/walljson.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

namespace opswall::wall {

namespace {

QString sourceDir() {
    return qEnvironmentVariable("OPSWALL_SOURCE_DIR");
}

QJsonObject readObject(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(f.readAll()).object();
}

QJsonObject display(const QString &id, double xMm) {
    return {{"id", id},
            {"xMm", xMm},
            {"yMm", 0},
            {"widthMm", 1000},
            {"heightMm", 600},
            {"bezelMm", QJsonObject{{"left", 5}, {"top", 5}, {"right", 5}, {"bottom", 5}}}};
}

QJsonObject region(const QString &displayId, int x, int width = 1920) {
    return {{"display", displayId}, {"x", x}, {"y", 0}, {"width", width}, {"height", 1080}};
}

// Two 1000 × 600 mm displays A and B that touch (not overlap) at x = 1000, one output feeding both.
QJsonObject validWall() {
    return {{"schemaVersion", 1},
            {"kind", "opswall.wall"},
            {"name", "test"},
            {"displays", QJsonArray{display("A", 0), display("B", 1000)}},
            {"outputs",
             QJsonArray{QJsonObject{{"name", "OUT-1"},
                                    {"x", 0},
                                    {"y", 0},
                                    {"width", 3840},
                                    {"height", 1080},
                                    {"regions", QJsonArray{region("A", 0), region("B", 1920)}}}}}};
}

// Edits a value at a path of keys / array indexes inside a JSON object.
QJsonValue edited(const QJsonValue &v, QVariantList path, const QJsonValue &value) {
    if (path.isEmpty())
        return value;
    const QVariant key = path.takeFirst();
    if (key.typeId() == QMetaType::Int) {
        QJsonArray a = v.toArray();
        if (key.toInt() >= a.size())
            a.append(value);
        else
            a[key.toInt()] = edited(a[key.toInt()], path, value);
        return a;
    }
    QJsonObject o = v.toObject();
    if (value.isUndefined() && path.isEmpty())
        o.remove(key.toString());
    else
        o[key.toString()] = edited(o.value(key.toString()), path, value);
    return o;
}

QJsonObject with(const QVariantList &path, const QJsonValue &value, QJsonObject doc = validWall()) {
    return edited(doc, path, value).toObject();
}

QString dump(const QList<Issue> &issues) {
    QStringList lines;
    for (const Issue &i : issues)
        lines.append(i.toString());
    return lines.join(QLatin1Char('\n'));
}

bool hasIssue(const QList<Issue> &issues, const QString &path, const QString &fragment) {
    return std::any_of(issues.begin(), issues.end(), [&](const Issue &i) {
        return i.path == path && i.message.contains(fragment);
    });
}

} // namespace

class TestWallJson : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void demoWallLoadsAndValidates();
    void roundTripGivesEqualWall();
    void roundTripThroughTextGivesEqualWall();
    void touchingDisplaysAreValid();
    void invalidDocumentNamesFieldAndProblem_data();
    void invalidDocumentNamesFieldAndProblem();
    void nanAndInfinityInDisplayAreRefused();
    void infinityInJsonNumberIsRefused();
    void duplicateOutputNamesAreRefused();
};

void TestWallJson::demoWallLoadsAndValidates() {
    QVERIFY2(!sourceDir().isEmpty(), "OPSWALL_SOURCE_DIR is not set");
    const QJsonObject doc = readObject(sourceDir() + QStringLiteral("/assets/demo/wall.json"));
    QVERIFY(!doc.isEmpty());
    const WallParse p = wallFromJson(doc);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QCOMPARE(p.wall.displays.size(), 12); // the demo is a 4 × 3 wall
    QVERIFY(p.wall.outputs.size() == 2 || p.wall.outputs.size() == 4);
    QVERIFY(p.wall.bezelCompensation);
    QVERIFY(!p.wall.name.isEmpty());
    // 55-inch panels: about 1210 × 680 mm active, a few mm bezel to bezel.
    for (const Display &d : p.wall.displays) {
        QVERIFY(qAbs(d.activeRectMm().width() - 1209.6) < 1);
        QVERIFY(qAbs(d.activeRectMm().height() - 680.4) < 1);
        const double bezelToBezel = d.bezelMm.left + d.bezelMm.right;
        QVERIFY(bezelToBezel > 2 && bezelToBezel < 6);
        QCOMPARE(d.nativeResolution, QSize(1920, 1080));
    }
    QVERIFY(validateWall(p.wall).isEmpty());
}

void TestWallJson::roundTripGivesEqualWall() {
    const WallParse demo =
        wallFromJson(readObject(sourceDir() + QStringLiteral("/assets/demo/wall.json")));
    QVERIFY(demo.ok());
    const WallParse again = wallFromJson(wallToJson(demo.wall));
    QVERIFY2(again.ok(), qPrintable(dump(again.issues)));
    QCOMPARE(again.wall, demo.wall);

    // An explicit wall with everything set: rotation, labels, screen names, device ids.
    WallParse explicitWall = wallFromJson(validWall());
    QVERIFY(explicitWall.ok());
    Wall w = explicitWall.wall;
    w.displays[1].rotation = Rotation::R180;
    w.displays[1].deviceId = 7;
    w.displays[1].label = QStringLiteral("B-7");
    w.outputs[0].screen = QStringLiteral("HDMI-A-1");
    w.bezelCompensation = false;
    const WallParse back = wallFromJson(wallToJson(w));
    QVERIFY2(back.ok(), qPrintable(dump(back.issues)));
    QCOMPARE(back.wall, w);
    QVERIFY(!back.wall.bezelCompensation);
}

void TestWallJson::roundTripThroughTextGivesEqualWall() {
    const WallParse demo =
        wallFromJson(readObject(sourceDir() + QStringLiteral("/assets/demo/wall.json")));
    QVERIFY(demo.ok());
    const QByteArray text = QJsonDocument(wallToJson(demo.wall)).toJson();
    const WallParse again = wallFromJson(QJsonDocument::fromJson(text).object());
    QVERIFY2(again.ok(), qPrintable(dump(again.issues)));
    QCOMPARE(again.wall, demo.wall);
    // Exact, not merely fuzzy: bezels survive text as written.
    QCOMPARE(again.wall.displays[5].bezelMm.left, demo.wall.displays[5].bezelMm.left);
    QCOMPARE(again.wall.displays[11].positionMm.x(), demo.wall.displays[11].positionMm.x());
}

void TestWallJson::touchingDisplaysAreValid() {
    const WallParse p = wallFromJson(validWall());
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QCOMPARE(p.wall.displays.size(), 2);
    QCOMPARE(p.wall.displays[1].label, QStringLiteral("B")); // label defaults to the id
}

void TestWallJson::invalidDocumentNamesFieldAndProblem_data() {
    QTest::addColumn<QJsonObject>("doc");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("fragment");

    QTest::newRow("overlapping displays")
        << with({"displays", 1, "xMm"}, 900) << "displays[1] (\"B\")"
        << "overlaps display \"A\" by 100 mm × 600 mm";
    QTest::newRow("zero width") << with({"displays", 0, "widthMm"}, 0) << "displays[0] (\"A\")"
                                << "size must be greater than zero, got 0 mm × 600 mm";
    QTest::newRow("negative height")
        << with({"displays", 1, "heightMm"}, -600) << "displays[1] (\"B\")"
        << "size must be greater than zero, got 1000 mm × -600 mm";
    QTest::newRow("negative bezel")
        << with({"displays", 0, "bezelMm", "top"}, -1) << "displays[0] (\"A\")"
        << "bezels must not be negative";
    QTest::newRow("bezels wider than the display")
        << with({"displays", 0, "bezelMm", "left"}, 1000) << "displays[0] (\"A\")"
        << "left + right bezel (1005 mm) leaves no active area in a display 1000 mm wide";
    QTest::newRow("bezels taller than the display")
        << with({"displays", 1, "bezelMm", "bottom"}, 595) << "displays[1] (\"B\")"
        << "top + bottom bezel (600 mm) leaves no active area";

    QJsonObject extraOutput = validWall();
    QJsonArray outputs = extraOutput["outputs"].toArray();
    outputs.append(QJsonObject{{"name", "OUT-2"},
                               {"x", 3840},
                               {"y", 0},
                               {"width", 1920},
                               {"height", 1080},
                               {"regions", QJsonArray{}}});
    extraOutput["outputs"] = outputs;
    QTest::newRow("output covering no display") << extraOutput << "outputs[1] (\"OUT-2\")"
                                                << "covers no display";
    QTest::newRow("display fed by no output")
        << with({"outputs", 0, "regions"}, QJsonArray{region("A", 0)}) << "displays[1] (\"B\")"
        << "is fed by no output";
    QTest::newRow("display fed twice") << with({"outputs", 0, "regions", 2}, region("A", 0, 100))
                                       << "outputs[0] (\"OUT-1\").regions[2]"
                                       << "display \"A\" is already fed by output \"OUT-1\"";
    QTest::newRow("unknown display in an output")
        << with({"outputs", 0, "regions", 1, "display"}, "Z") << "outputs[0] (\"OUT-1\").regions[1]"
        << "names display \"Z\", which the wall does not have";
    QTest::newRow("region outside the output")
        << with({"outputs", 0, "regions", 1, "x"}, 3000) << "outputs[0] (\"OUT-1\").regions[1]"
        << "rectangle 3000,0 1920×1080 is empty or outside the output's 3840×1080 pixels";
    QTest::newRow("duplicate display ids")
        << with({"displays", 1, "id"}, "A") << "displays[1] (\"A\")"
        << "id \"A\" is used by another display";
    QTest::newRow("unknown field (typo)")
        << with({"displays", 0, "bezelMm", "rigth"}, 5) << "displays[0].bezelMm.rigth"
        << "is not a known field (expected one of: left, top, right, bottom)";
    QTest::newRow("unknown top-level field")
        << with({"bezelCompenstion"}, false) << "bezelCompenstion"
        << "is not a known field";
    QTest::newRow("wrong type") << with({"displays", 0, "xMm"}, "0") << "displays[0].xMm"
                                << "must be a number, got a string";
    QTest::newRow("wrong type of bezel compensation")
        << with({"bezelCompensation"}, "yes") << "bezelCompensation"
        << "must be true or false, got a string";
    QTest::newRow("missing size") << with({"displays", 1, "heightMm"}, QJsonValue::Undefined)
                                  << "displays[1].heightMm"
                                  << "is required but missing";
    QTest::newRow("rotation 45") << with({"displays", 0, "rotation"}, 45) << "displays[0].rotation"
                                 << "must be 0, 90, 180 or 270 degrees, got 45";
    QTest::newRow("schemaVersion too new")
        << with({"schemaVersion"}, 2) << "schemaVersion"
        << "version 2 is not supported (this program reads 1 to 1)";
    QTest::newRow("wrong kind") << with({"kind"}, "opswall.layout") << "kind"
                                << "must be \"opswall.wall\"";
    QTest::newRow("neither grid nor displays")
        << with({"displays"}, QJsonValue::Undefined) << ""
        << "give either \"grid\" or \"displays\" (exactly one)";
    QTest::newRow("outputs missing") << with({"outputs"}, QJsonValue::Undefined) << "outputs"
                                     << "is required when displays are listed";
    QTest::newRow("region size not whole pixels")
        << with({"outputs", 0, "regions", 0, "width"}, 19.5) << "outputs[0].regions[0].width"
        << "must be a whole number, got 19.5";
    QTest::newRow("resolution not pixels")
        << with({"displays", 0, "resolution"}, QJsonArray{1920}) << "displays[0].resolution"
        << "must be [width, height] in pixels";

    const QJsonObject grid{{"schemaVersion", 1},
                           {"grid", QJsonObject{{"rows", 0},
                                                {"cols", 4},
                                                {"activeMm", QJsonArray{1209.6, 680.4}},
                                                {"outputs", 5}}}};
    QTest::newRow("grid with zero rows") << grid << "grid.rows"
                                         << "must be between 1 and 64";
    QTest::newRow("grid with more outputs than columns")
        << grid << "grid.outputs"
        << "must be between 1 and the number of columns (4)";
}

void TestWallJson::invalidDocumentNamesFieldAndProblem() {
    QFETCH(QJsonObject, doc);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    const WallParse p = wallFromJson(doc);
    QVERIFY(!p.ok());
    QVERIFY2(
        hasIssue(p.issues, path, fragment),
        qPrintable(
            QStringLiteral("expected %1: …%2…\ngot:\n%3").arg(path, fragment, dump(p.issues))));
}

void TestWallJson::nanAndInfinityInDisplayAreRefused() {
    // JSON cannot carry NaN, but a wall built in code (the calibration UI, the grid generator
    // fed from a form) can; validateWall must catch it.
    const WallParse base = wallFromJson(validWall());
    QVERIFY(base.ok());
    const double nan = std::numeric_limits<double>::quiet_NaN();
    const double inf = std::numeric_limits<double>::infinity();
    struct Case {
        const char *name;
        std::function<void(Display &)> spoil;
    } cases[] = {
        {"NaN width", [&](Display &d) { d.sizeMm.setWidth(nan); }},
        {"NaN x", [&](Display &d) { d.positionMm.setX(nan); }},
        {"infinite height", [&](Display &d) { d.sizeMm.setHeight(inf); }},
        {"NaN bezel", [&](Display &d) { d.bezelMm.right = nan; }},
        {"-infinite y", [&](Display &d) { d.positionMm.setY(-inf); }},
    };
    for (const Case &c : cases) {
        Wall w = base.wall;
        c.spoil(w.displays[1]);
        const QList<Issue> issues = validateWall(w);
        QVERIFY2(hasIssue(issues, QStringLiteral("displays[1] (\"B\")"),
                          QStringLiteral("position, size and bezels must be finite numbers")),
                 qPrintable(QString::fromLatin1(c.name) + QLatin1Char('\n') + dump(issues)));
    }
}

void TestWallJson::infinityInJsonNumberIsRefused() {
    // A QJsonObject built in memory (not parsed from text) can hold an infinite double.
    const QJsonObject doc =
        with({"displays", 0, "widthMm"}, QJsonValue(std::numeric_limits<double>::infinity()));
    const WallParse p = wallFromJson(doc);
    QVERIFY(!p.ok());
    QVERIFY2(hasIssue(p.issues, QStringLiteral("displays[0].widthMm"),
                      QStringLiteral("must be a finite number")) ||
                 hasIssue(p.issues, QStringLiteral("displays[0].widthMm"),
                          QStringLiteral("must be a number")),
             qPrintable(dump(p.issues)));
}

void TestWallJson::duplicateOutputNamesAreRefused() {
    // Outputs are addressed by name (API, calibration, the window title); two outputs with the
    // same name are ambiguous and must be reported like duplicate display ids.
    QJsonObject doc = with({"outputs", 0, "regions"}, QJsonArray{region("A", 0)});
    QJsonArray outputs = doc["outputs"].toArray();
    outputs.append(QJsonObject{{"name", "OUT-1"},
                               {"x", 3840},
                               {"y", 0},
                               {"width", 1920},
                               {"height", 1080},
                               {"regions", QJsonArray{region("B", 0)}}});
    doc["outputs"] = outputs;
    const WallParse p = wallFromJson(doc);
    QVERIFY2(hasIssue(p.issues, QStringLiteral("outputs[1] (\"OUT-1\")"), QStringLiteral("OUT-1")),
             qPrintable(dump(p.issues)));
}

} // namespace opswall::wall

QTEST_GUILESS_MAIN(opswall::wall::TestWallJson)
#include "tst_walljson.moc"
