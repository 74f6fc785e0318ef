// The console's editing rules, pure: snapping to display edges, bezels, tiles and the grid;
// align and distribute; the difference between live and staged; rebase onto a newer live layout.
#include "console/editing.h"

#include <QTest>

using namespace opswall;
using namespace opswall::console;

namespace {
// Two 1000 x 600 mm displays side by side with 5 mm bezels.
wall::Wall twoDisplays() {
    wall::Wall w;
    for (int i = 0; i < 2; ++i) {
        wall::Display d;
        d.id = QStringLiteral("d%1").arg(i + 1);
        d.positionMm = QPointF(i * 1000, 0);
        d.sizeMm = QSizeF(1000, 600);
        d.bezelMm = {5, 5, 5, 5};
        w.displays.append(d);
    }
    return w;
}
wall::Tile tile(const QString &id, QRectF r) {
    wall::Tile t;
    t.id = id;
    t.kind = QStringLiteral("clock");
    t.rectMm = r;
    return t;
}
} // namespace

class TestConsoleEditing : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void moveSnapsToTheNearestBezelDisplayOrTileEdge() {
        const wall::Wall w = twoDisplays();
        SnapSettings s;
        s.gridMm = 0;
        // Left edge 7 mm right of the second display's bezel line (1005): snaps onto it.
        SnapResult r = snapRect(QRectF(1012, 300, 200, 100), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect.left(), 1005.0);
        QCOMPARE(r.rect.width(), 200.0);
        QCOMPARE(r.guideXKind, QStringLiteral("bezel"));
        // Right edge near the display's outer edge (1000).
        r = snapRect(QRectF(795, 300, 200, 100), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect.right(), 995.0); // the bezel line 995 is nearer than 1000
        r = snapRect(QRectF(799, 300, 200, 100), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect.right(), 1000.0);
        QCOMPARE(r.guideXKind, QStringLiteral("display"));
        // Another tile's edge; the moving tile itself is excluded.
        const QList<wall::Tile> tiles{tile(QStringLiteral("a"), QRectF(300, 300, 100, 100)),
                                      tile(QStringLiteral("me"), QRectF(410, 300, 100, 100))};
        r = snapRect(QRectF(410, 250, 100, 40), kMoveEdges, w, tiles, {QStringLiteral("me")}, s);
        QCOMPARE(r.rect.left(), 400.0);
        QCOMPARE(r.guideXKind, QStringLiteral("tile"));
        // Nothing within the threshold: unchanged.
        r = snapRect(QRectF(500, 250, 100, 40), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect, QRectF(500, 250, 100, 40));
        QCOMPARE(r.guideXMm, -1.0);
    }

    void gridSnapsWhenNothingElseIsNear() {
        const wall::Wall w = twoDisplays();
        SnapSettings s;
        s.gridMm = 50;
        s.thresholdMm = 10;
        const SnapResult r = snapRect(QRectF(447, 247, 20, 20), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect.topLeft(), QPointF(450, 250));
        QCOMPARE(r.guideXKind, QStringLiteral("grid"));
    }

    void wallLinesWinOverANearerGridLine() {
        const wall::Wall w = twoDisplays();
        SnapSettings s;
        s.gridMm = 50;
        // Left edge 8 mm from the bezel line 1005; the right edge 2 mm from the grid line 1300.
        const SnapResult r = snapRect(QRectF(1013, 100, 285, 100), kMoveEdges, w, {}, {}, s);
        QCOMPARE(r.rect.left(), 1005.0);
        QCOMPARE(r.guideXKind, QStringLiteral("bezel"));
    }

    void resizeSnapsOnlyTheHandlesEdge() {
        const wall::Wall w = twoDisplays();
        SnapSettings s;
        s.gridMm = 0;
        const SnapResult r =
            snapRect(QRectF(100, 100, 890, 200), EdgeRight, w, {}, {}, s); // right at 990
        QCOMPARE(r.rect.left(), 100.0);
        QCOMPARE(r.rect.right(), 995.0);
        QCOMPARE(r.rect.top(), 100.0);
    }

    void alignAndDistribute() {
        wall::Layout l;
        l.tiles = {tile(QStringLiteral("a"), QRectF(100, 100, 100, 50)),
                   tile(QStringLiteral("b"), QRectF(180, 300, 60, 50)),
                   tile(QStringLiteral("c"), QRectF(700, 200, 100, 50))};
        align(l, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")}, Align::Left);
        QCOMPARE(l.tile(QStringLiteral("b"))->rectMm.left(), 100.0);
        QCOMPARE(l.tile(QStringLiteral("c"))->rectMm.left(), 100.0);
        align(l, {QStringLiteral("a"), QStringLiteral("b")}, Align::VCenter);
        QCOMPARE(l.tile(QStringLiteral("b"))->rectMm.center().y(), 125.0);
        // Distribute vertically: a at 100..150, c at 200..250, b in between (after align b is at
        // 100..150 too): order by top, equal gaps.
        l.tile(QStringLiteral("b"))->rectMm.moveTop(400);
        distribute(l, {QStringLiteral("a"), QStringLiteral("b"), QStringLiteral("c")},
                   Axis::Vertical);
        const double ga = l.tile(QStringLiteral("c"))->rectMm.top() -
                          l.tile(QStringLiteral("a"))->rectMm.bottom();
        const double gb = l.tile(QStringLiteral("b"))->rectMm.top() -
                          l.tile(QStringLiteral("c"))->rectMm.bottom();
        QCOMPARE(ga, gb);
        QCOMPARE(l.tile(QStringLiteral("b"))->rectMm.bottom(), 450.0); // ends stay
    }

    void fillCoversTheDisplaysOuterRectangles() {
        const wall::Wall w = twoDisplays();
        QCOMPARE(displaysRect(w, {QStringLiteral("d1"), QStringLiteral("d2")}),
                 QRectF(0, 0, 2000, 600));
        QCOMPARE(displaysRect(w, {QStringLiteral("d2")}), QRectF(1000, 0, 1000, 600));
        QVERIFY(displaysRect(w, {QStringLiteral("nope")}).isNull());
    }

    void diffNamesAddedRemovedMovedChanged() {
        wall::Layout base;
        base.tiles = {tile(QStringLiteral("a"), QRectF(0, 0, 10, 10)),
                      tile(QStringLiteral("b"), QRectF(0, 0, 10, 10)),
                      tile(QStringLiteral("c"), QRectF(0, 0, 10, 10))};
        wall::Layout staged = base;
        staged.tiles.removeAt(1);                             // b removed
        staged.tile(QStringLiteral("a"))->rectMm.moveLeft(5); // a moved
        staged.tile(QStringLiteral("c"))->title = QStringLiteral("Giờ");
        staged.tiles.append(tile(QStringLiteral("d"), QRectF(1, 1, 5, 5)));
        const LayoutDiff d = diffLayouts(base, staged);
        QCOMPARE(d.added, QStringList{QStringLiteral("d")});
        QCOMPARE(d.removed, QStringList{QStringLiteral("b")});
        QCOMPARE(d.moved, QStringList{QStringLiteral("a")});
        QCOMPARE(d.changed, QStringList{QStringLiteral("c")});
        QVERIFY(diffLayouts(base, base).isEmpty());
    }

    void rebaseKeepsTheirsAndReplaysOurs() {
        wall::Layout base;
        base.tiles = {tile(QStringLiteral("a"), QRectF(0, 0, 10, 10)),
                      tile(QStringLiteral("b"), QRectF(0, 0, 10, 10))};
        wall::Layout ours = base;
        ours.tile(QStringLiteral("a"))->rectMm.moveLeft(50);
        ours.tiles.append(tile(QStringLiteral("clock-1"), QRectF(5, 5, 5, 5)));
        wall::Layout theirs = base;
        theirs.tile(QStringLiteral("b"))->rectMm.moveLeft(70);
        theirs.tiles.append(tile(QStringLiteral("clock-1"), QRectF(9, 9, 5, 5))); // same id
        const wall::Layout r = rebase(base, ours, theirs);
        QCOMPARE(r.tile(QStringLiteral("a"))->rectMm.left(), 50.0);      // ours
        QCOMPARE(r.tile(QStringLiteral("b"))->rectMm.left(), 70.0);      // theirs
        QCOMPARE(r.tile(QStringLiteral("clock-1"))->rectMm.left(), 9.0); // theirs keeps its id
        QCOMPARE(r.tiles.size(), 4); // ours added under a new id
        QVERIFY(r.tile(QStringLiteral("clock-2")));
    }
};

QTEST_APPLESS_MAIN(TestConsoleEditing)
#include "tst_console_editing.moc"
