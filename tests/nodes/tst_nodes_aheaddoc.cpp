// The document of the layouts a wall expects next, as it goes to render nodes (app/nodes/
// nodeahead.h): only the tiles the views build ahead (in WallState::ahead()'s order, each once,
// no video, at most 120), read back as sent; a document out of bounds or not valid is refused
// with why.
#include "nodes/nodeahead.h"
#include "wall/wallstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace opswall;
using nodes::AheadLayouts;

namespace {

wall::Tile tile(const QString &id, const QString &kind = QStringLiteral("text"), int x = 0) {
    wall::Tile t;
    t.id = id;
    t.kind = kind;
    t.rectMm = QRectF(x, 0, 100, 100);
    if (kind == QLatin1String("text"))
        t.binding = {{QStringLiteral("text"), id}};
    else if (kind == QLatin1String("video"))
        t.binding = {{QStringLiteral("source"), QStringLiteral("cam")}};
    else if (kind == QLatin1String("color"))
        t.binding = {{QStringLiteral("color"), QStringLiteral("#102030")}};
    return t;
}

wall::Layout layout(const QString &name, const QList<wall::Tile> &tiles) {
    wall::Layout l;
    l.name = name;
    l.tiles = tiles;
    return l;
}

// n text tiles named prefix0, prefix1, ...
wall::Layout many(const QString &prefix, int n) {
    QList<wall::Tile> tiles;
    for (int i = 0; i < n; ++i)
        tiles.append(tile(prefix + QString::number(i), QStringLiteral("text"), i));
    return layout(prefix, tiles);
}

QStringList ids(const AheadLayouts &a) {
    QStringList out;
    for (const QString &source : wall::WallState::aheadOrder())
        for (const wall::Layout &l : a.value(source))
            for (const wall::Tile &t : l.tiles)
                out << t.id;
    return out;
}

} // namespace

class TestNodesAheadDoc : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // In WallState::ahead()'s order (briefing, warm, panel, recent), a tile repeated (same id,
    // kind, binding and place) once, no video, and a layout left empty left out; read back as
    // sent.
    void chosenAsTheViewsBuildThem() {
        const wall::Tile shared = tile(QStringLiteral("clock"), QStringLiteral("color"));
        AheadLayouts sources;
        sources.insert(QStringLiteral("recent"),
                       {layout(QStringLiteral("r"), {tile(QStringLiteral("r1")), shared})});
        sources.insert(QStringLiteral("briefing"),
                       {layout(QStringLiteral("b"), {shared, tile(QStringLiteral("b1"))}),
                        layout(QStringLiteral("cams"), {tile(QStringLiteral("v"), "video")})});
        // The same id elsewhere is another tile: built too.
        wall::Tile moved = shared;
        moved.rectMm.moveLeft(500);
        sources.insert(QStringLiteral("warm"), {layout(QStringLiteral("w"), {moved})});
        const AheadLayouts chosen = nodes::aheadChosen(sources);
        QCOMPARE(ids(chosen), (QStringList{"clock", "b1", "clock", "r1"}));
        QCOMPARE(chosen.value(QStringLiteral("briefing")).size(), 1); // "cams" had only a video
        QString why;
        const auto back = nodes::parseAhead(nodes::aheadDocument(sources), &why);
        QVERIFY2(back, qPrintable(why));
        QCOMPARE(*back, chosen);
        QCOMPARE(wall::aheadTileCount(*back), 4);
        // Nothing expected: an empty document, read as nothing.
        const auto none = nodes::parseAhead(nodes::aheadDocument({}), &why);
        QVERIFY2(none, qPrintable(why));
        QVERIFY(none->isEmpty());
    }

    // The views' bound: 120 tiles, the first sources first; the rest is not sent.
    void boundedToTheViewsTiles() {
        AheadLayouts sources;
        sources.insert(QStringLiteral("briefing"), {many(QStringLiteral("b"), 100)});
        sources.insert(QStringLiteral("recent"),
                       {many(QStringLiteral("r"), 30), many(QStringLiteral("s"), 30)});
        const AheadLayouts chosen = nodes::aheadChosen(sources);
        QCOMPARE(wall::aheadTileCount(chosen), nodes::kAheadTiles);
        QCOMPARE(chosen.value(QStringLiteral("recent")).size(), 1); // "s" cut whole
        QCOMPARE(chosen.value(QStringLiteral("recent")).constFirst().tiles.size(), 20);
        QString why;
        QVERIFY2(nodes::parseAhead(nodes::aheadDocument(sources), &why), qPrintable(why));
    }

    void badDocumentsAreRefused_data() {
        QTest::addColumn<QByteArray>("doc");
        QTest::addColumn<QString>("reason");
        auto doc = [](const QJsonObject &ahead) {
            return QJsonDocument(QJsonObject{{"ahead", ahead}}).toJson(QJsonDocument::Compact);
        };
        const QJsonObject one = wall::layoutToJson(many(QStringLiteral("a"), 1));
        QTest::newRow("not json") << QByteArray("{\"ahead\": [") << "not an object";
        QTest::newRow("no ahead") << QByteArray("{\"layouts\": {}}") << "not an object";
        QTest::newRow("list") << QByteArray("{\"ahead\": []}") << "not an object";
        QTest::newRow("not a list") << doc({{"warm", one}}) << "list of layouts";
        QTest::newRow("empty name") << doc({{"", QJsonArray{one}}}) << "source \"\"";
        QTest::newRow("long name") << doc({{QString(65, u'x'), QJsonArray{one}}}) << "1-64";
        QTest::newRow("not a layout") << doc({{"warm", QJsonArray{1}}}) << "not an object";
        QJsonObject twice = wall::layoutToJson(
            layout(QStringLiteral("t"), {tile(QStringLiteral("a")), tile(QStringLiteral("a"))}));
        QTest::newRow("invalid layout") << doc({{"warm", QJsonArray{twice}}}) << "not valid";
        QTest::newRow("video")
            << doc({{"warm", QJsonArray{wall::layoutToJson(layout(
                                 QStringLiteral("v"), {tile(QStringLiteral("v"), "video")}))}}})
            << "never built ahead";
        QJsonArray tooMany;
        for (int i = 0; i < 3; ++i)
            tooMany.append(wall::layoutToJson(many(QStringLiteral("m%1-").arg(i), 41)));
        QTest::newRow("121 tiles") << doc({{"warm", tooMany}}) << "more than 120 tiles";
        QJsonArray layouts;
        for (int i = 0; i < 65; ++i)
            layouts.append(one);
        QTest::newRow("65 layouts") << doc({{"warm", layouts}}) << "more than 64 layouts";
        QJsonObject sources;
        for (int i = 0; i < 17; ++i)
            sources.insert(QStringLiteral("s%1").arg(i), QJsonArray{one});
        QTest::newRow("17 sources") << doc(sources) << "17 sources";
        QTest::newRow("large") << QByteArray(nodes::kMaxAheadBytes + 1, ' ') << "larger than";
    }
    void badDocumentsAreRefused() {
        QFETCH(QByteArray, doc);
        QFETCH(QString, reason);
        QString why;
        QVERIFY(!nodes::parseAhead(doc, &why));
        QVERIFY2(why.contains(reason), qPrintable(why));
    }
};

QTEST_GUILESS_MAIN(TestNodesAheadDoc)
#include "tst_nodes_aheaddoc.moc"
