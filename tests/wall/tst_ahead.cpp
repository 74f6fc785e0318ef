// The one rule choosing the tiles built ahead (app/wall/ahead.h), which the views
// (TileListModel::refreshAhead) and the document replicated to render nodes (nodes::aheadChosen)
// both follow: each (id, kind, binding, place) once, the same tile at another place again, no
// kind never kept built (video), at most the bound, the first ones in the layouts' order.
#include "wall/ahead.h"
#include "wall/tilekinds.h"

#include <QTest>

namespace opswall::wall {

namespace {

Tile tile(const QString &id, const QString &kind = QStringLiteral("text"), int x = 0,
          const QString &text = {}) {
    Tile t;
    t.id = id;
    t.kind = kind;
    t.rectMm = QRectF(x, 0, 100, 100);
    if (kind == QLatin1String("text"))
        t.binding = {{QStringLiteral("text"), text.isEmpty() ? id : text}};
    else if (kind == QLatin1String("video"))
        t.binding = {{QStringLiteral("source"), QStringLiteral("cam")}};
    return t;
}

Layout layout(const QList<Tile> &tiles) {
    Layout l;
    l.tiles = tiles;
    return l;
}

QStringList ids(const QList<Tile> &tiles) {
    QStringList out;
    for (const Tile &t : tiles)
        out << QStringLiteral("%1@%2").arg(t.id).arg(t.rectMm.x());
    return out;
}

} // namespace

class TestAhead : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // A tile of the same id, kind, binding and place as one taken before (in an earlier layout
    // or the same one) is taken once; another binding, kind or place is another tile.
    void duplicatesAreTakenOnce() {
        const Tile a = tile(QStringLiteral("a"));
        Tile otherTitle = a;
        otherTitle.title = QStringLiteral("not part of the content");
        otherTitle.z = 3;
        const QList<Tile> taken = aheadTiles(
            {layout({a, tile(QStringLiteral("b"), QStringLiteral("text"), 100), a}),
             layout({otherTitle, tile(QStringLiteral("a"), QStringLiteral("text"), 0, "other"),
                     tile(QStringLiteral("a"), QStringLiteral("clock"))})},
            kAheadTiles, unkeptTileKinds());
        QCOMPARE(ids(taken), (QStringList{"a@0", "b@100", "a@0", "a@0"}));
        QCOMPARE(taken[0], a);
        QCOMPARE(taken[2].binding.value(QStringLiteral("text")).toString(),
                 QStringLiteral("other"));
        QCOMPARE(taken[3].kind, QStringLiteral("clock"));
    }
    // The same tile moved (same id, kind and binding, another place) is another frame: taken
    // again.
    void aMovedTileIsTakenAgain() {
        const QList<Tile> taken =
            aheadTiles({layout({tile(QStringLiteral("a"))}),
                        layout({tile(QStringLiteral("a"), QStringLiteral("text"), 500)})},
                       kAheadTiles, unkeptTileKinds());
        QCOMPARE(ids(taken), (QStringList{"a@0", "a@500"}));
    }
    // A kind never kept built (a video's stream would go on while hidden) is never taken, and
    // counts nothing against the bound.
    void unkeptKindsAreSkipped() {
        QVERIFY(unkeptTileKinds().contains(QStringLiteral("video")));
        const QList<Tile> taken =
            aheadTiles({layout({tile(QStringLiteral("v"), QStringLiteral("video")),
                                tile(QStringLiteral("a"), QStringLiteral("text"), 100)})},
                       1, unkeptTileKinds());
        QCOMPARE(ids(taken), QStringList{"a@100"});
        // The kinds are the caller's: with none unkept, the video is taken.
        QCOMPARE(ids(aheadTiles({layout({tile(QStringLiteral("v"), QStringLiteral("video"))})},
                                kAheadTiles, {})),
                 QStringList{"v@0"});
    }
    // At most maxTiles, the first ones in order (the most likely layout first); a repeat does not
    // count; 0 or less: none.
    void theBoundIsRespected() {
        QList<Tile> first;
        QList<Tile> second;
        for (int i = 0; i < 3; ++i) {
            first.append(tile(QStringLiteral("f%1").arg(i), QStringLiteral("text"), i * 100));
            second.append(tile(QStringLiteral("s%1").arg(i), QStringLiteral("text"), i * 100));
        }
        first.append(first[0]); // a repeat, not counted
        const QList<Layout> layouts{layout(first), layout(second)};
        QCOMPARE(ids(aheadTiles(layouts, 4, {})),
                 (QStringList{"f0@0", "f1@100", "f2@200", "s0@0"}));
        QCOMPARE(aheadTiles(layouts, kAheadTiles, {}).size(), 6);
        QVERIFY(aheadTiles(layouts, 0, {}).isEmpty());
        QVERIFY(aheadTiles(layouts, -1, {}).isEmpty());

        // Tile by tile: take() says whether it took it; once full, nothing more.
        AheadChoice choice(2, unkeptTileKinds());
        QVERIFY(choice.take(first[0]));
        QVERIFY(!choice.take(first[0]));
        QVERIFY(!choice.take(tile(QStringLiteral("v"), QStringLiteral("video"))));
        QVERIFY(choice.take(first[1]));
        QVERIFY(!choice.take(first[2]));
        QCOMPARE(ids(choice.taken()), (QStringList{"f0@0", "f1@100"}));
    }
};

} // namespace opswall::wall

QTEST_GUILESS_MAIN(opswall::wall::TestAhead)
#include "tst_ahead.moc"
