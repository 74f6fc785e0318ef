// Recalls through the application's own windows: a recall is a diff that switches every window at
// once, a tile spanning displays is drawn again or mirrored by its kind (each part pixel-exact),
// repeated recalls leave one frame per tile, and a briefing's step pictures show only their own
// layout.
#include "tst_rendering.h"

using namespace opswall;
using namespace opswall::rendertest;

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

namespace {

// The texts a frame draws (its title, a text tile's text, a clock's time), in item order.
QStringList textsOf(QQuickItem *frame) {
    QStringList texts;
    for (QQuickItem *item : visualItems(frame))
        if (item->isVisible() && item->inherits("QQuickText"))
            texts << item->property("text").toString();
    return texts;
}

// Whether the rectangle at `at` of picture a is, pixel for pixel (within the OpenGL scene graph's
// level of glyph difference, differences()), the rectangle of the same size at `ref` of picture b.
QString regionDifference(const QImage &a, QPoint at, const QImage &b, QPoint ref, QSize size) {
    return differences(a.copy(QRect(at, size)), b.copy(QRect(ref, size)));
}

// The pixels of the rectangle at `at` of picture a that differ from the rectangle at `ref` of b by
// more than `levels` in a channel: for two clocks' digits, where the OpenGL scene graph's glyphs
// (distance fields sampled from an atlas filled in its own order) differ by up to about 15 levels
// at a few dozen edge pixels between two clocks showing the same time, and a digit of another
// second differs by far more at hundreds.
int pixelsApart(const QImage &a, QPoint at, const QImage &b, QPoint ref, QSize size, int levels) {
    int count = 0;
    for (int y = 0; y < size.height(); ++y)
        for (int x = 0; x < size.width(); ++x) {
            const QRgb p = a.pixel(at + QPoint(x, y)), q = b.pixel(ref + QPoint(x, y));
            count += std::abs(qRed(p) - qRed(q)) > levels ||
                     std::abs(qGreen(p) - qGreen(q)) > levels ||
                     std::abs(qBlue(p) - qBlue(q)) > levels;
        }
    return count;
}

// Every visible tile frame of the window (its TileLayer excepted) and every visible mirror.
int shownFrames(QQuickWindow *win, const QString &tileId) {
    const QList<QQuickItem *> frames = framesOf(win).values(tileId);
    return int(std::count_if(frames.cbegin(), frames.cend(), shown));
}

int shownMirrors(QQuickWindow *win) {
    const QList<QQuickItem *> items = visualItems(win->contentItem());
    return int(std::count_if(items.cbegin(), items.cend(), [](QQuickItem *i) {
        return i->isVisible() && i->inherits("QQuickShaderEffectSource");
    }));
}

} // namespace

// A tile over both displays of the one output is shown there by its kind's rule (the tile-kind
// table, wall::perDisplayTileKinds(); README "How a layout becomes pixels"): a kind drawn per
// display (text, clock, colour, map) has a frame and a content in each display it spans (one map
// item each); any other kind (key projects) one frame and one content in the window, its part on
// the other display mirrored (one ShaderEffectSource). Either way each display's part is, pixel for
// pixel, what the same tile drawn on one display shows: the layout is set again with every tile
// moved wholly onto the second display (same size, same binding) and both parts are compared with
// it. (The clock shows the date only here, which does not change between the two pictures;
// clockSpanningDisplaysShowsOneSecond checks a ticking one.) With OPSWALL_MIRROR_EVERY_KIND=1 the
// same test holds every kind mirrored.
void TestRendering::tileSpanningDisplaysIsDrawnByItsKind() {
    // Display 1 shows canvas x 50..1050, display 2 1150..2150, both y 50..550, 0.4 px per mm.
    // Each tile is 800 mm wide (320 px), 370 mm on display 1 (its home) and 330 mm on display 2;
    // rows of 100 mm (40 px).
    const QString kinds[] = {QStringLiteral("text"), QStringLiteral("clock"),
                             QStringLiteral("color"), QStringLiteral("map"),
                             QStringLiteral("projects")};
    const QStringList perDisplay = wall::perDisplayTileKinds();
    QJsonObject values;
    for (const char *code : {"01", "79", "48", "31", "92"})
        values.insert(QLatin1String(code), 90.0 + QByteArray(code).toInt() % 7);
    const auto layoutAt = [&](double x) {
        QJsonArray tiles;
        for (int i = 0; i < 5; ++i) {
            const QString &kind = kinds[i];
            QJsonObject binding;
            if (kind == QLatin1String("text"))
                binding = {{QStringLiteral("text"), QStringLiteral("Giải ngân vốn đầu tư công")},
                           {QStringLiteral("sizeMm"), 50}};
            else if (kind == QLatin1String("clock"))
                binding = {{QStringLiteral("show"), QStringLiteral("date")},
                           {QStringLiteral("label"), QStringLiteral("Hà Nội")}};
            else if (kind == QLatin1String("color"))
                binding = {{QStringLiteral("color"), QStringLiteral("#ff00ff")}};
            else if (kind == QLatin1String("map"))
                binding = {{QStringLiteral("units"), 63}, {QStringLiteral("values"), values}};
            // Titles on the text and the projects (the colour's pixels are checked below).
            tiles.append(tileJson(kind, kind,
                                  i == 0 || i == 4 ? QStringLiteral("Ô ") + kind : QString(),
                                  QRectF(x, 50 + i * 100, 800, 100), binding));
        }
        return tiles;
    };
    Fixture fx(twoPanels(true), layoutAt(680), false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> spanning = fx.grab();
    QCOMPARE(spanning.size(), 1);
    QQuickWindow *win = fx.app->windows().constFirst();
    int mirrored = 0;
    for (const QString &kind : kinds) {
        const int want = perDisplay.contains(kind) ? 2 : 1;
        mirrored += 2 - want;
        QVERIFY2(shownFrames(win, kind) == want,
                 qPrintable(kind + QStringLiteral(": %1 frames").arg(shownFrames(win, kind))));
    }
    QCOMPARE(shownMirrors(win), mirrored);
    // One content per frame: the map items, the text tile's text.
    const int perFrame = perDisplay.contains(QStringLiteral("map")) ? 2 : 1;
    const QList<QQuickItem *> items = visualItems(win->contentItem());
    QCOMPARE(std::count_if(items.cbegin(), items.cend(),
                           [](QQuickItem *i) {
                               return i->isVisible() &&
                                      qstrcmp(i->metaObject()->className(),
                                              "opswall::maps::ChoroplethMap") == 0;
                           }),
             perFrame);
    QCOMPARE(std::count_if(items.cbegin(), items.cend(),
                           [](QQuickItem *i) {
                               return i->isVisible() && i->inherits("QQuickText") &&
                                      i->property("text").toString().startsWith(
                                          QStringLiteral("Giải ngân"));
                           }),
             perDisplay.contains(QStringLiteral("text")) ? 2 : 1);

    // The same tiles wholly on display 2: 1350..2150 mm, px 80..400 there.
    QString why;
    QVERIFY2(setTiles(fx, layoutAt(1350), &why), qPrintable(why));
    const QList<QImage> single = fx.grab();
    QCOMPARE(single.size(), 1);
    for (const QString &kind : kinds)
        QCOMPARE(shownFrames(win, kind), 1);
    QCOMPARE(shownMirrors(win), 0);
    if (const QString dir = qEnvironmentVariable("OPSWALL_TEST_PICTURES"); !dir.isEmpty()) {
        spanning[0].save(dir + QStringLiteral("/spanning.png"));
        single[0].save(dir + QStringLiteral("/spanning-single.png"));
    }
    // Tile columns 0..148 (680..1050 mm) are display 1's px 252..400; columns 188..320
    // (1150..1480 mm) display 2's px 0..132 (the 100 mm bezel between hides columns 148..188).
    // Drawn on display 2 alone, the tile's column c is at px 80 + c there. Rows 0..200.
    const QString home =
        regionDifference(spanning[0], QPoint(252, 0), single[0], QPoint(400 + 80, 0), {148, 200});
    QVERIFY2(home.isEmpty(), qPrintable(QStringLiteral("the home part: ") + home));
    const QString other = regionDifference(spanning[0], QPoint(400, 0), single[0],
                                           QPoint(400 + 80 + 188, 0), {132, 200});
    QVERIFY2(other.isEmpty(), qPrintable(QStringLiteral("the part on display 2: ") + other));
    // Not the black layout behind: the colour tile's part on display 2 (row 2, px 80..120).
    QCOMPARE(spanning[0].pixel(400 + 60, 100), qRgb(255, 0, 255));
}

// A clock over both displays, its seconds on display 2: at two different seconds display 2's part
// shows that second, what a twin clock drawn on display 2 alone shows at the same moment (pixel
// for pixel on the software scene graph; within 32 levels on OpenGL's glyph edges) (a copy in
// display 2 ticks with a timer of its own; a mirrored part is refreshed after the home frame's
// tick).
void TestRendering::clockSpanningDisplaysShowsOneSecond() {
    const QJsonObject binding{{QStringLiteral("show"), QStringLiteral("time")}};
    // The clock: 680..1480 mm, rows 50..250 (px 0..80); its twin on display 2: 1350..2150 mm,
    // rows 300..500 (px 100..180).
    QJsonObject clock = tileJson(QStringLiteral("clock"), QStringLiteral("clock"), {},
                                 {680, 50, 800, 200}, binding);
    QJsonObject twin = tileJson(QStringLiteral("twin"), QStringLiteral("clock"), {},
                                {1350, 300, 800, 200}, binding);
    clock[QStringLiteral("frame")] = false;
    twin[QStringLiteral("frame")] = false;
    Fixture fx(twoPanels(true), QJsonArray{clock, twin}, false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    const QList<QQuickItem *> frames = framesOf(win).values(QStringLiteral("clock")) +
                                       framesOf(win).values(QStringLiteral("twin"));
    QCOMPARE(frames.size(), wall::perDisplayTileKinds().contains(QStringLiteral("clock")) ? 3 : 2);
    const auto times = [&frames] {
        QSet<QString> seen;
        for (QQuickItem *f : frames)
            seen.insert(textsOf(f).join(QLatin1Char(' ')));
        return seen;
    };

    // A picture of the window in which every clock frame shows one second (read before and
    // after).
    const auto pictureOfOneSecond = [&](QString *second) {
        for (int attempt = 0; attempt < 20; ++attempt) {
            const QSet<QString> before = times();
            const QList<QImage> shots = fx.grab();
            if (shots.size() == 1 && before.size() == 1 && times() == before) {
                *second = *before.cbegin();
                return shots[0];
            }
        }
        return QImage();
    };
    QString first, next;
    const QImage a = pictureOfOneSecond(&first);
    QVERIFY(!a.isNull());
    QTRY_VERIFY_WITH_TIMEOUT(!times().contains(first), 3000);
    const QImage b = pictureOfOneSecond(&next);
    QVERIFY(!b.isNull());
    QVERIFY2(first != next, qPrintable(first));
    // The clock's columns 188..320 are display 2's px 0..132, rows 0..80; the twin's are px
    // 268..400, rows 100..180.
    for (const QImage &shot : {a, b}) {
        const int apart =
            pixelsApart(shot, QPoint(400, 0), shot, QPoint(400 + 268, 100), {132, 80}, 32);
        QVERIFY2(apart == 0,
                 qPrintable(QStringLiteral("%1 pixels differ from the twin's: ").arg(apart) +
                            regionDifference(shot, QPoint(400, 0), shot, QPoint(400 + 268, 100),
                                             {132, 80})));
    }
    QVERIFY(pixelsApart(a, QPoint(400, 0), b, QPoint(400, 0), {132, 80}, 32) > 50);
}

// A tile drawn again in the display under its home (a text tile's copy) lays out its title there
// only when its title bar reaches that display: two 1000×500 mm panels stacked, 400×200 px each,
// no bezel. "low" (y 100..560 mm) is at home on display 1 with 60 mm on display 2, far below its
// title bar: one title laid out, none in the copy. "edge" (y 470..530 mm, all title bar) is at home
// on display 1 (30 mm each, the first display wins) and its title bar's lower half is on display 2:
// that part shows the lower half of the title's letters, as the same tile drawn on display 2
// alone does, pixel for pixel.
void TestRendering::copyLaysOutItsTitleOnlyWhereTheTitleBarReaches() {
    wall::Wall w = twoPanels(false);
    w.displays[0].sizeMm = w.displays[1].sizeMm = {1000, 500};
    w.displays[0].bezelMm = w.displays[1].bezelMm = {0, 0, 0, 0};
    w.displays[1].positionMm = {0, 500};
    w.outputs[0].geometry = QRect(0, 0, 400, 400);
    w.outputs[0].regions = {{QStringLiteral("d1"), QRect(0, 0, 400, 200)},
                            {QStringLiteral("d2"), QRect(0, 200, 400, 200)}};
    const QJsonObject text{{QStringLiteral("text"), QStringLiteral("·")},
                           {QStringLiteral("sizeMm"), 20}};
    const auto layoutWithEdgeAt = [&](double y) {
        return QJsonArray{tileJson(QStringLiteral("low"), QStringLiteral("text"),
                                   QStringLiteral("Vốn đầu tư công"), {50, 100, 400, 460}, text),
                          tileJson(QStringLiteral("edge"), QStringLiteral("text"),
                                   QStringLiteral("Đăng ký doanh nghiệp"), {500, y, 450, 60},
                                   text)};
    };
    Fixture fx(w, layoutWithEdgeAt(470), false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> spanning = fx.grab();
    QCOMPARE(spanning.size(), 1);
    QQuickWindow *win = fx.app->windows().constFirst();
    QCOMPARE(shownFrames(win, QStringLiteral("low")), 2);
    QCOMPARE(shownFrames(win, QStringLiteral("edge")), 2);
    const auto titlesLaidOut = [win](const QString &title) {
        const QList<QQuickItem *> items = visualItems(win->contentItem());
        return std::count_if(items.cbegin(), items.cend(), [&title](QQuickItem *i) {
            return i->objectName() == QLatin1String("titleText") &&
                   i->property("text").toString() == title;
        });
    };
    QCOMPARE(titlesLaidOut(QStringLiteral("Vốn đầu tư công")), 1);
    QCOMPARE(titlesLaidOut(QStringLiteral("Đăng ký doanh nghiệp")), 2);

    // "edge" wholly on display 2 (y 600..660 mm: px 40..64 there). Its rows 30..60 mm (px 12..24)
    // are display 2's rows 0..12 when it spans.
    QString why;
    QVERIFY2(setTiles(fx, layoutWithEdgeAt(600), &why), qPrintable(why));
    const QList<QImage> single = fx.grab();
    QCOMPARE(single.size(), 1);
    const QString part = regionDifference(spanning[0], QPoint(200, 200), single[0],
                                          QPoint(200, 200 + 52), {180, 12});
    QVERIFY2(part.isEmpty(), qPrintable(QStringLiteral("the title bar on display 2: ") + part));
    if (const QString dir = qEnvironmentVariable("OPSWALL_TEST_PICTURES"); !dir.isEmpty()) {
        spanning[0].save(dir + QStringLiteral("/title-spanning.png"));
        single[0].save(dir + QStringLiteral("/title-single.png"));
    }
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

// A recall's new tile is built hidden, at the size it will have when shown: hiding a frame does
// not change its content's size (the title bar used to count only while the frame was visible, so
// a map behind a title built ahead of a recall was drawn at the wrong size, then again in the
// frame that showed it).
void TestRendering::hiddenFrameKeepsItsContentSize() {
    const wall::Wall w = twoPanels(true);
    Fixture fx(w,
               QJsonArray{tileJson(QStringLiteral("note"), QStringLiteral("text"),
                                   QStringLiteral("Thông báo"), QRectF(100, 100, 800, 400),
                                   QJsonObject{{QStringLiteral("text"), QStringLiteral("A")}})},
               false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    const QList<QQuickItem *> frames =
        framesOf(fx.app->windows().constFirst()).values(QStringLiteral("note"));
    QCOMPARE(frames.size(), 1);
    QQuickItem *frame = frames.first();
    auto *content = frame->property("content").value<QQuickItem *>();
    QVERIFY(content);
    const QSizeF shown = content->size();
    QVERIFY(shown.height() > 0);
    QVERIFY(shown.height() < frame->height()); // under the title bar
    frame->setVisible(false);
    QCOMPARE(content->size(), shown);
    frame->setVisible(true);
    QCOMPARE(content->size(), shown);
}
