// Layout documents: every fixture of every schema version loads, every known-bad fixture is
// refused at its exact field, the demo presets load against the demo wall, and layouts
// round-trip through JSON.
//
// Fixtures: tests/wall/fixtures/valid/v<N>-*.json (must load) and fixtures/bad/*.json (one
// mistake each; the expected field is in the table below — a new bad fixture needs a row).

#include "../support/demowall.h"
#include "wall/layout.h"
#include "wall/walljson.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <algorithm>

namespace opswall::wall {

namespace {

struct BadCase {
    const char *file;
    const char *path;     // Issue::path expected
    const char *fragment; // part of Issue::message expected
    const char *bug;      // non-null: a known bug in the code under test (QEXPECT_FAIL)
};

// clang-format off
const BadCase kBadFixtures[] = {
    {"duplicate-tile-id.json",      "tiles[1].id",             "\"a\" is used by another tile", nullptr},
    {"zero-width.json",             "tiles[0].rect.width",     "must be greater than 0, got 0", nullptr},
    {"unknown-kind.json",           "tiles[0].kind",           "\"hologram\" is not a tile kind", nullptr},
    {"text-without-text.json",      "tiles[0].binding.text",   "is required but missing", nullptr},
    {"bad-colour.json",             "tiles[0].binding.color",  "\"#12345g\" is not a colour", nullptr},
    {"bad-time-zone.json",          "tiles[0].binding.timeZone", "\"Mars/Olympus_Mons\" is not a known time zone", nullptr},
    {"outside-wall.json",           "tiles[0].rect",           "lies entirely outside the wall's displays", nullptr},
    {"unknown-field.json",          "tiles[0].titel",          "is not a known field", nullptr},
    {"wrong-type.json",             "tiles[0].z",              "must be a whole number, got a string", nullptr},
    {"schema-version-99.json",      "schemaVersion",           "version 99 is not supported", nullptr},
    {"missing-schema-version.json", "schemaVersion",           "is required but missing", nullptr},
    {"tile-not-object.json",        "tiles[0]",                "must be an object, got a string", nullptr},
    // The document is an array: QJsonDocument::object() gives {} and the loader must still refuse.
    {"not-object.json",             "schemaVersion",           "is required but missing", nullptr},
    {"bad-background.json",         "background",              "\"#0b141\" is not a colour", nullptr},
    {"text-bad-colour.json",        "tiles[0].binding.color",  "is not a colour", nullptr},
    {"video-without-source.json",   "tiles[0].binding.source", "needs a source id or a uri", nullptr},
    {"video-bad-fill.json",         "tiles[0].binding.fill",   "must be fit, fill, stretch, got \"zoom\"", nullptr},
    {"map-bad-units.json",          "tiles[0].binding.units",  "must be 34 or 63, got 64", nullptr},
    {"map-unknown-key.json",        "tiles[0].binding.pallete", "is not a known field", nullptr},
};
// clang-format on

QString sourceDir() {
    return qEnvironmentVariable("OPSWALL_SOURCE_DIR");
}

QString fixturesDir() {
    const QString env = qEnvironmentVariable("OPSWALL_FIXTURES_DIR");
    return env.isEmpty() ? sourceDir() + QStringLiteral("/tests/wall/fixtures") : env;
}

QJsonDocument readDocument(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &error);
    if (error.error != QJsonParseError::NoError)
        qFatal("%s is not JSON: %s", qPrintable(path), qPrintable(error.errorString()));
    return doc;
}

Wall demoWall() {
    const auto parsed =
        wallFromJson(readDocument(sourceDir() + QStringLiteral("/assets/demo/wall.json")).object());
    if (!parsed.ok())
        qFatal("the demo wall does not load");
    return parsed.wall;
}

QString dump(const QList<Issue> &issues) {
    QStringList lines;
    for (const Issue &i : issues)
        lines.append(i.toString());
    return lines.join(QLatin1Char('\n'));
}

QStringList jsonFiles(const QString &dir) {
    return QDir(dir).entryList({QStringLiteral("*.json")}, QDir::Files, QDir::Name);
}

QJsonObject textTile(const QString &id, double x, double y) {
    return {{"id", id},
            {"kind", "text"},
            {"rect", QJsonObject{{"x", x}, {"y", y}, {"width", 100}, {"height", 50}}},
            {"binding", QJsonObject{{"text", id}}}};
}

QJsonObject layoutWithTiles(int count) {
    QJsonArray tiles;
    for (int i = 0; i < count; ++i)
        tiles.append(
            textTile(QStringLiteral("t%1").arg(i), 10 + (i % 40) * 110, 10 + (i / 40) * 60));
    return {{"schemaVersion", 1}, {"kind", "opswall.layout"}, {"tiles", tiles}};
}

} // namespace

class TestLayout : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void validFixturesLoad_data();
    void validFixturesLoad();
    void everyBadFixtureHasAnExpectation();
    void badFixtureIsRefusedAtItsField_data();
    void badFixtureIsRefusedAtItsField();
    void tooManyTilesAreRefused();
    void fiveHundredTilesLoad();
    void demoPresetsLoadAgainstDemoWall_data();
    void demoPresetsLoadAgainstDemoWall();
    void testsDemoWallIsTheDemoWall();
    void roundTripGivesEqualLayout_data();
    void roundTripGivesEqualLayout();
    void roundTripKeepsTranslucentBackground();
    void defaultsApplyWhenFieldsAreOmitted();
};

void TestLayout::validFixturesLoad_data() {
    QTest::addColumn<QString>("file");
    const QStringList files = jsonFiles(fixturesDir() + QStringLiteral("/valid"));
    QVERIFY2(files.size() >= 2, qPrintable(fixturesDir()));
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << f;
}

void TestLayout::validFixturesLoad() {
    QFETCH(QString, file);
    // Each valid fixture names the schema version it was written in: v<N>-….json.
    const int version = file.section(QLatin1Char('-'), 0, 0).mid(1).toInt();
    QVERIFY2(version >= 1 && version <= kLayoutSchemaVersion, qPrintable(file));
    const QJsonDocument doc = readDocument(fixturesDir() + QStringLiteral("/valid/") + file);
    QCOMPARE(doc.object().value(QStringLiteral("schemaVersion")).toInt(), version);
    const Wall wall = demoWall();
    const LayoutParse p = layoutFromJson(doc.object(), &wall);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QCOMPARE(p.layout.tiles.size(), doc.object().value(QStringLiteral("tiles")).toArray().size());
}

void TestLayout::everyBadFixtureHasAnExpectation() {
    const QStringList files = jsonFiles(fixturesDir() + QStringLiteral("/bad"));
    QStringList inTable;
    for (const BadCase &c : kBadFixtures)
        inTable.append(QString::fromLatin1(c.file));
    for (const QString &f : files)
        QVERIFY2(inTable.contains(f),
                 qPrintable(f + QStringLiteral(" has no row in kBadFixtures")));
    for (const QString &f : inTable)
        QVERIFY2(files.contains(f),
                 qPrintable(f + QStringLiteral(" is missing from fixtures/bad")));
}

void TestLayout::badFixtureIsRefusedAtItsField_data() {
    QTest::addColumn<QString>("file");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("fragment");
    QTest::addColumn<QString>("bug");
    for (const BadCase &c : kBadFixtures)
        QTest::newRow(c.file) << QString::fromLatin1(c.file) << QString::fromLatin1(c.path)
                              << QString::fromUtf8(c.fragment)
                              << (c.bug ? QString::fromUtf8(c.bug) : QString());
}

void TestLayout::badFixtureIsRefusedAtItsField() {
    QFETCH(QString, file);
    QFETCH(QString, path);
    QFETCH(QString, fragment);
    QFETCH(QString, bug);
    const QJsonDocument doc = readDocument(fixturesDir() + QStringLiteral("/bad/") + file);
    const Wall wall = demoWall();
    const LayoutParse p = layoutFromJson(doc.object(), &wall);
    const bool found = std::any_of(p.issues.begin(), p.issues.end(), [&](const Issue &i) {
        return i.path == path && i.message.contains(fragment);
    });
    if (!bug.isEmpty())
        QEXPECT_FAIL(QTest::currentDataTag(), qPrintable(bug), Abort);
    QVERIFY2(
        !p.ok() && found,
        qPrintable(
            QStringLiteral("expected %1: …%2…\ngot:\n%3").arg(path, fragment, dump(p.issues))));
}

void TestLayout::tooManyTilesAreRefused() {
    const Wall wall = demoWall();
    const LayoutParse p = layoutFromJson(layoutWithTiles(kMaxTiles + 1), &wall);
    QVERIFY(!p.ok());
    QCOMPARE(p.issues.size(), 1);
    QCOMPARE(p.issues[0].path, QStringLiteral("tiles"));
    QCOMPARE(p.issues[0].message, QStringLiteral("has 501 tiles; at most 500 are allowed"));

    // A layout built in code is held to the same limit.
    Layout big;
    for (int i = 0; i <= kMaxTiles; ++i) {
        Tile t;
        t.id = QStringLiteral("t%1").arg(i);
        t.kind = QStringLiteral("color");
        t.rectMm = QRectF(10, 10, 100, 100);
        t.binding = {{"color", "red"}};
        big.tiles.append(t);
    }
    const QList<Issue> issues = validateLayout(big, &wall);
    QCOMPARE(issues.size(), 1);
    QCOMPARE(issues[0].path, QStringLiteral("tiles"));
}

void TestLayout::fiveHundredTilesLoad() {
    const Wall wall = demoWall();
    const LayoutParse p = layoutFromJson(layoutWithTiles(kMaxTiles), &wall);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues.mid(0, 5))));
    QCOMPARE(p.layout.tiles.size(), kMaxTiles);
}

void TestLayout::demoPresetsLoadAgainstDemoWall_data() {
    QTest::addColumn<QString>("file");
    QStringList files = jsonFiles(sourceDir() + QStringLiteral("/assets/demo/presets"));
    files.removeIf([](const QString &f) { return f.endsWith(QLatin1String("index.json")); });
    QVERIFY2(files.size() >= 2, "the demo has several presets");
    for (const QString &f : files)
        QTest::newRow(qPrintable(f)) << f;
}

// The grid the tests build without reading the file (tests/support/demowall.h) is the demo's.
void TestLayout::testsDemoWallIsTheDemoWall() {
    const Wall file = demoWall();
    const Wall grid = testsupport::demoWall(file.name);
    QCOMPARE(grid.displays, file.displays);
    QCOMPARE(grid.outputs, file.outputs);
    QCOMPARE(grid, file);
}

void TestLayout::demoPresetsLoadAgainstDemoWall() {
    QFETCH(QString, file);
    const Wall wall = demoWall();
    const QJsonDocument doc =
        readDocument(sourceDir() + QStringLiteral("/assets/demo/presets/") + file);
    QVERIFY(doc.isObject());
    const LayoutParse p = layoutFromJson(doc.object(), &wall);
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QVERIFY(!p.layout.name.isEmpty());
    QVERIFY(!p.layout.tiles.isEmpty());
    // Every tile shows on at least one display of the demo wall.
    for (const Tile &t : p.layout.tiles)
        QVERIFY2(!wall.displaysCovering(t.rectMm).isEmpty(), qPrintable(t.id));
}

void TestLayout::roundTripGivesEqualLayout_data() {
    QTest::addColumn<QString>("path");
    for (const QString &f : jsonFiles(fixturesDir() + QStringLiteral("/valid")))
        QTest::newRow(qPrintable(f)) << fixturesDir() + QStringLiteral("/valid/") + f;
    const QString presets = sourceDir() + QStringLiteral("/assets/demo/presets/");
    for (const QString &f : jsonFiles(presets))
        if (f != QLatin1String("index.json"))
            QTest::newRow(qPrintable(f)) << presets + f;
}

void TestLayout::roundTripGivesEqualLayout() {
    QFETCH(QString, path);
    const Wall wall = demoWall();
    const LayoutParse first = layoutFromJson(readDocument(path).object(), &wall);
    QVERIFY2(first.ok(), qPrintable(dump(first.issues)));
    const QJsonObject exported = layoutToJson(first.layout);
    QCOMPARE(exported.value(QStringLiteral("schemaVersion")).toInt(), kLayoutSchemaVersion);
    QCOMPARE(exported.value(QStringLiteral("kind")).toString(), QStringLiteral("opswall.layout"));
    const LayoutParse again = layoutFromJson(exported, &wall);
    QVERIFY2(again.ok(), qPrintable(dump(again.issues)));
    QCOMPARE(again.layout, first.layout);
    // Through text too, as the store and the API carry it.
    const LayoutParse text = layoutFromJson(
        QJsonDocument::fromJson(QJsonDocument(exported).toJson(QJsonDocument::Compact)).object(),
        &wall);
    QVERIFY(text.ok());
    QCOMPARE(text.layout, first.layout);
    // Exporting is stable: a second export is byte-identical.
    QCOMPARE(QJsonDocument(layoutToJson(text.layout)).toJson(), QJsonDocument(exported).toJson());
}

void TestLayout::roundTripKeepsTranslucentBackground() {
    // "#80000000" (#AARRGGBB) is accepted as a background colour, so export must keep it.
    const QJsonObject doc{
        {"schemaVersion", 1}, {"background", "#80102030"}, {"tiles", QJsonArray{}}};
    const LayoutParse first = layoutFromJson(doc);
    QVERIFY2(first.ok(), qPrintable(dump(first.issues)));
    QCOMPARE(first.layout.background.alpha(), 0x80);
    const LayoutParse again = layoutFromJson(layoutToJson(first.layout));
    QVERIFY(again.ok());
    QCOMPARE(again.layout.background.alpha(), 0x80);
}

void TestLayout::defaultsApplyWhenFieldsAreOmitted() {
    const LayoutParse p = layoutFromJson(
        readDocument(fixturesDir() + QStringLiteral("/valid/v1-minimal.json")).object());
    QVERIFY2(p.ok(), qPrintable(dump(p.issues)));
    QCOMPARE(p.layout.background, QColor(0x0b, 0x14, 0x1e));
    QCOMPARE(p.layout.name, QString());
    const Tile &t = p.layout.tiles.first();
    QCOMPARE(t.z, 0);
    QVERIFY(t.frame);
    QCOMPARE(t.title, QString());
    QCOMPARE(t.rectMm, QRectF(1000, 500, 800, 300));
}

} // namespace opswall::wall

QTEST_GUILESS_MAIN(opswall::wall::TestLayout)
#include "tst_layout.moc"
