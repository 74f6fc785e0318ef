// Kept layouts (--kept-layouts, TileListModel): the tiles of the last layouts left stay built and
// hidden; recalling one of those layouts again shows its tiles in one switch without building
// them, never a mix of the two layouts, with the readiness count right; the kept tiles are bounded;
// a recall whose write the store refuses changes nothing on the wall.
#include "tst_rendering.h"

#include "core/engineservices.h"
#include "shell/options.h"
#include "sqlitelock.h"
#include "wallscene.h"

#include <QMutex>
#include <QPointer>
#include <QProcess>

#include <atomic>

using namespace opswall;
using namespace opswall::rendertest;

namespace {

const Caller kTester{QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                     QStringLiteral("test")};

QJsonObject layoutOf(const QString &name, const QJsonArray &tiles) {
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("name"), name},
            {QStringLiteral("background"), QStringLiteral("#000000")},
            {QStringLiteral("tiles"), tiles}};
}

ActionResult setLayout(Fixture &fx, const QJsonArray &tiles) {
    return fx.app->dispatcher().dispatch(
        {QStringLiteral("layout.set"),
         {{QStringLiteral("layout"), layoutOf(QStringLiteral("t"), tiles)}}},
        kTester);
}

// Layout A: a text tile and a colour tile spanning both displays (drawn again in the second);
// layout B: one colour tile. Nothing persists between them (other ids).
QJsonArray layoutA() {
    return {
        tileJson(QStringLiteral("a-text"), QStringLiteral("text"), QStringLiteral("Tiêu đề"),
                 QRectF(100, 60, 800, 400),
                 QJsonObject{{QStringLiteral("text"), QStringLiteral("Xin chào")},
                             {QStringLiteral("sizeMm"), 60}}),
        colorTile(QStringLiteral("a-wide"), QRectF(700, 480, 1200, 60), QStringLiteral("#ff00ff"))};
}
QJsonArray layoutB() {
    return {colorTile(QStringLiteral("b"), QRectF(300, 100, 1400, 300), QStringLiteral("#00ff00"))};
}

// The window as a layout set freshly (no kept tile taken): kept layouts off, the wall emptied,
// then the layout set, then the kept layouts as they were.
QImage freshPicture(Fixture &fx, const QJsonArray &tiles) {
    qml::TileListModel *model = tileModel(fx);
    const int kept = model->keptLayouts(), spares = model->spareTiles();
    model->setKeptLayouts(0);
    model->setSpareTiles(0); // nor spare frames given new tiles
    QImage picture;
    if (setLayout(fx, {}).ok && !fx.grab().isEmpty() && setLayout(fx, tiles).ok) {
        const QList<QImage> shots = fx.grab();
        if (shots.size() == 1)
            picture = shots[0];
    }
    model->setKeptLayouts(kept);
    model->setSpareTiles(spares);
    return picture;
}

} // namespace

// A layout left a moment ago is shown again from its kept tiles: the same frames (nothing built),
// shown in the recall itself (the dispatcher's answer), never with the other layout's tiles, with
// nothing counted not ready, and drawn as a fresh build of it is.
void TestRendering::keptLayoutIsShownAgainWithoutBuilding() {
    Fixture fx(twoPanels(true), layoutA(), false, {}, {}, 3);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    const QList<QQuickItem *> textBefore = framesOf(win).values(QStringLiteral("a-text"));
    const QList<QQuickItem *> wideBefore = framesOf(win).values(QStringLiteral("a-wide"));
    QCOMPARE(textBefore.size(), 1);
    QCOMPARE(wideBefore.size(), 2); // its frame and its copy in the second display
    const QPointer<QQuickItem> text = textBefore.first();
    const QPointer<QObject> textContent = text->property("content").value<QObject *>();
    QVERIFY(textContent);

    // B is built; A's tiles leave the picture but stay built, hidden and counted ready.
    QVERIFY(setLayout(fx, layoutB()).ok);
    const QList<QImage> b = fx.grab();
    QCOMPARE(b.size(), 1);
    QVERIFY(text);
    QVERIFY(!anyShown(win, QStringLiteral("a-text")));
    QVERIFY(!anyShown(win, QStringLiteral("a-wide")));
    QVERIFY(anyShown(win, QStringLiteral("b")));
    QVERIFY(!hasColour(b[0], qRgb(255, 0, 255)));
    QCOMPARE(tileModel(fx)->keptCount(), 2);
    QCOMPARE(fx.app->tilesNotReady(), QStringList{});

    // Back to A: every turn of the event loop shows one layout or the other, never a mix.
    int mixed = 0, aSeen = 0;
    QTimer watch;
    watch.setInterval(0);
    connect(&watch, &QTimer::timeout, this, [&] {
        const bool a =
            anyShown(win, QStringLiteral("a-text")) && anyShown(win, QStringLiteral("a-wide"));
        const bool someA =
            anyShown(win, QStringLiteral("a-text")) || anyShown(win, QStringLiteral("a-wide"));
        const bool bShown = anyShown(win, QStringLiteral("b"));
        if (a && !bShown)
            ++aSeen;
        else if (someA || !bShown)
            ++mixed;
    });
    watch.start();
    QVERIFY(setLayout(fx, layoutA()).ok);
    // Shown in the recall itself: nothing to build, nothing waited for.
    QVERIFY(anyShown(win, QStringLiteral("a-text")));
    QVERIFY(!anyShown(win, QStringLiteral("b")));
    QVERIFY(!tileModel(fx)->staging());
    QCOMPARE(fx.app->tilesNotReady(), QStringList{});
    // The same frames and content as before: taken from the kept layout, not built again.
    QCOMPARE(framesOf(win).values(QStringLiteral("a-text")), textBefore);
    QCOMPARE(text->property("content").value<QObject *>(), textContent.data());
    QCOMPARE(framesOf(win).values(QStringLiteral("a-wide")).size(), 2);
    const QList<QImage> shown = fx.grab();
    watch.stop();
    QCOMPARE(mixed, 0);
    QVERIFY(aSeen > 0);
    QCOMPARE(shown.size(), 1);
    QVERIFY(!hasColour(shown[0], qRgb(0, 255, 0))); // nothing of B
    QCOMPARE(tileModel(fx)->keptCount(), 1);        // B's tile kept now

    // Pixel for pixel what a fresh build of A draws.
    const QImage fresh = freshPicture(fx, layoutA());
    QVERIFY(!fresh.isNull());
    const QString diff = differences(shown[0], fresh);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

// The kept tiles are those of the last --kept-layouts layouts left, at most a number of tiles;
// the others are deleted.
void TestRendering::keptLayoutsAreBounded() {
    const auto layoutN = [](int n) {
        QJsonArray tiles;
        for (int i = 0; i < 3; ++i)
            tiles.append(colorTile(QStringLiteral("L%1-%2").arg(n).arg(i),
                                   QRectF(100 + i * 320, 100, 280, 300), // on the first display
                                   QStringLiteral("#%1%1%2")
                                       .arg(n * 20 + 10, 2, 16, QLatin1Char('0'))
                                       .arg(QStringLiteral("00"))));
        return tiles;
    };
    Fixture fx(twoPanels(true), layoutN(0), false, {}, {}, 2);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    qml::TileListModel *model = tileModel(fx);
    for (int n = 1; n <= 5; ++n) {
        QVERIFY(setLayout(fx, layoutN(n)).ok);
        QVERIFY(!fx.grab().isEmpty());
        // The two layouts before this one are kept (fewer at the start), none older.
        QCOMPARE(model->keptCount(), 3 * std::min(n, 2));
        QTRY_COMPARE(framesOf(win).size(), 3 * (1 + std::min(n, 2)) + 1); // + the tile layer
        for (int old = 0; old < n - 2; ++old)
            QVERIFY(framesOf(win).values(QStringLiteral("L%1-0").arg(old)).isEmpty());
        for (int i = 0; i < 3; ++i)
            QVERIFY(anyShown(win, QStringLiteral("L%1-%2").arg(n).arg(i)));
    }
    // A bound in tiles: the ones kept longest ago go first.
    model->setKeptLayouts(2, 4);
    QVERIFY(setLayout(fx, layoutN(6)).ok);
    QVERIFY(!fx.grab().isEmpty());
    QCOMPARE(model->keptCount(), 4);
    QTRY_VERIFY(framesOf(win).values(QStringLiteral("L4-0")).isEmpty());
    QCOMPARE(framesOf(win).values(QStringLiteral("L5-0")).size(), 1);
    // Off: nothing kept.
    model->setKeptLayouts(0);
    QCOMPARE(model->keptCount(), 0);
    QTRY_COMPARE(framesOf(win).size(), 3 + 1);
}

// A recall of a kept layout whose write the store refuses (another process holds the database's
// write lock) changes nothing on the wall: the old layout stays shown, the kept one hidden and
// kept; once the lock is gone the same recall shows it.
void TestRendering::refusedRecallOfAKeptLayoutChangesNothing() {
    Fixture fx(twoPanels(true), layoutA(), false, {}, {}, 3);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    QVERIFY(setLayout(fx, layoutB()).ok);
    const QList<QImage> before = fx.grab();
    QCOMPARE(before.size(), 1);
    const QList<QQuickItem *> keptFrames = framesOf(win).values(QStringLiteral("a-text"));
    QCOMPARE(keptFrames.size(), 1);
    const quint64 revision = fx.app->state().revision();

    QProcess shell;
    QVERIFY2(apptest::holdWriteLock(shell, fx.m_dir.path() + QStringLiteral("/wall.db")),
             "sqlite3 (Debian package sqlite3) did not take the store's lock");
    const ActionResult refused = setLayout(fx, layoutA());
    QVERIFY2(!refused.ok, "the store took the write while another process held its lock");
    QCOMPARE(refused.code, QStringLiteral("store_unavailable"));
    // Nothing changed: B shown, A kept and hidden, the revision as it was.
    QVERIFY(anyShown(win, QStringLiteral("b")));
    QVERIFY(!anyShown(win, QStringLiteral("a-text")));
    QCOMPARE(framesOf(win).values(QStringLiteral("a-text")), keptFrames);
    QCOMPARE(fx.app->state().revision(), revision);
    QCOMPARE(tileModel(fx)->keptCount(), 2);
    const QList<QImage> during = fx.grab();
    QCOMPARE(during.size(), 1);
    QCOMPARE(differences(during[0], before[0]), QString());

    shell.write("ROLLBACK;\n.quit\n");
    QVERIFY(shell.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(setLayout(fx, layoutA()).ok, 5000);
    QVERIFY(anyShown(win, QStringLiteral("a-text")));
    QVERIFY(!anyShown(win, QStringLiteral("b")));
    QCOMPARE(framesOf(win).values(QStringLiteral("a-text")), keptFrames);
}

// A recall's new tiles are built while its write is still on the store thread (the GUI thread
// does not wait for the commit to start building), hidden: the wall shows them only once the
// write committed. When the store refuses the write (another process holds its lock), what was
// built goes and the wall stays as it was.
void TestRendering::recallIsBuiltWhileItsWriteIsPending() {
    Fixture fx(twoPanels(true), layoutA(), false);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    const QList<QImage> before = fx.grab();
    QCOMPARE(before.size(), 1);
    QQuickWindow *win = fx.app->windows().constFirst();

    QProcess shell;
    QVERIFY2(apptest::holdWriteLock(shell, fx.m_dir.path() + QStringLiteral("/wall.db")),
             "sqlite3 (Debian package sqlite3) did not take the store's lock");

    // Every turn of the event loop until the answer: B is never shown.
    std::optional<ActionResult> answer;
    int shownEarly = 0;
    QTimer watch;
    watch.setInterval(0);
    connect(&watch, &QTimer::timeout, this, [&] {
        if (!answer && anyShown(win, QStringLiteral("b")))
            ++shownEarly;
    });
    watch.start();
    const auto submitB = [&] {
        answer.reset();
        fx.app->dispatcher().submit(
            {QStringLiteral("layout.set"),
             {{QStringLiteral("layout"), layoutOf(QStringLiteral("B"), layoutB())}}},
            kTester, [&](ActionResult r) { answer = std::move(r); });
    };
    submitB();
    QVERIFY(!answer); // the write is waiting for the lock
    // Being built already, hidden, while the old layout is shown.
    QVERIFY(tileModel(fx)->staging());
    QCOMPARE(framesOf(win).values(QStringLiteral("b")).size(), 2); // its frame and its copy
    QVERIFY(!anyShown(win, QStringLiteral("b")));
    QVERIFY(anyShown(win, QStringLiteral("a-text")));
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 15000);
    QVERIFY2(!answer->ok, "the store took the write while another process held its lock");
    QCOMPARE(answer->code, QStringLiteral("store_unavailable"));
    // Refused: nothing of B shown, the build gone, A as it was.
    QVERIFY(!tileModel(fx)->staging());
    QVERIFY(anyShown(win, QStringLiteral("a-text")));
    QVERIFY(!anyShown(win, QStringLiteral("b")));
    QTRY_VERIFY(framesOf(win).values(QStringLiteral("b")).isEmpty()); // (deleted later)
    const QList<QImage> during = fx.grab();
    QCOMPARE(during.size(), 1);
    QCOMPARE(differences(during[0], before[0]), QString());

    shell.write("ROLLBACK;\n.quit\n");
    QVERIFY(shell.waitForFinished(5000));
    submitB();
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 15000);
    QVERIFY2(answer->ok, qPrintable(answer->message));
    QTRY_VERIFY(anyShown(win, QStringLiteral("b")));
    QVERIFY(!anyShown(win, QStringLiteral("a-text")));
    watch.stop();
    QCOMPARE(shownEarly, 0);
}

namespace {
// The time a clock tile's frame shows ("HH:mm:ss"; empty when none is drawn).
QString shownTime(QQuickItem *frame) {
    auto *content = frame ? frame->property("content").value<QQuickItem *>() : nullptr;
    if (!content)
        return {};
    static const QRegularExpression time(QStringLiteral("^\\d\\d:\\d\\d:\\d\\d$"));
    for (QQuickItem *item : content->findChildren<QQuickItem *>())
        if (const QString text = item->property("text").toString(); time.match(text).hasMatch())
            return text;
    return {};
}
} // namespace

// A clock tile kept built and hidden runs no timer (the two 30-tile presets of the benchmark kept
// ten clocks each, laying out their text every second unseen); shown again, it shows the time of
// the frame it is shown in, not the one it was hidden at.
void TestRendering::keptClockRunsNoTimerWhileHidden() {
    const QJsonArray withClock{tileJson(
        QStringLiteral("clock"), QStringLiteral("clock"), QString(), QRectF(100, 60, 800, 400),
        QJsonObject{{QStringLiteral("show"), QStringLiteral("time")},
                    {QStringLiteral("timeZone"), QStringLiteral("UTC")}})};
    Fixture fx(twoPanels(true), withClock, false, {}, {}, 3);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    const QPointer<QQuickItem> frame = framesOf(win).value(QStringLiteral("clock"));
    QVERIFY(frame);
    auto *content = frame->property("content").value<QObject *>();
    QVERIFY(content);
    QObject *clock = nullptr;
    for (QObject *o : content->findChildren<QObject *>())
        if (o->property("running").isValid() && o->property("timeText").isValid())
            clock = o;
    QVERIFY(clock);
    QVERIFY(clock->property("running").toBool());
    // Shown: it ticks.
    const QString first = shownTime(frame);
    QVERIFY(!first.isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(shownTime(frame) != first, 3000);

    QVERIFY(setLayout(fx, layoutB()).ok);
    QVERIFY(!fx.grab().isEmpty());
    QVERIFY(frame && !shown(frame)); // kept, hidden
    QVERIFY(!clock->property("running").toBool());
    const QString hidden = shownTime(frame);
    QTest::qWait(2100); // two seconds turn over unseen, and nothing is laid out for them
    QCOMPARE(shownTime(frame), hidden);

    const QString before = QDateTime::currentDateTimeUtc().time().toString(u"HH:mm:ss");
    QVERIFY(setLayout(fx, withClock).ok);
    const QString after = QDateTime::currentDateTimeUtc().time().toString(u"HH:mm:ss");
    QVERIFY(frame && shown(frame)); // the kept frame, shown in the recall
    QVERIFY(clock->property("running").toBool());
    const QString now = shownTime(frame);
    QVERIFY2(now >= before && now <= after,
             qPrintable(QStringLiteral("%1 shown, %2..%3").arg(now, before, after)));
}

// Spare frames (--spare-tiles): the text, clock and colour frames that a switch lets go (no layout
// kept here) stay built and hidden, and a later recall gives its new tiles of those kinds to them
// instead of building frames: the same frame and content objects show the new tiles (their place,
// title and binding), from the first frame each window synchronises after the switch (never the
// old tile's text: read on the render thread while the GUI thread waits), drawn pixel for pixel as
// a fresh build of the layout. A kind that is not reusable (an image: its picture is decoded when
// its source changes) is deleted after the switch's frame, not held; the spares are bounded.
void TestRendering::spareFramesTakeNewTilesOfTheirKind() {
    QJsonArray a = layoutA();
    a.append(tileJson(QStringLiteral("a-img"), QStringLiteral("image"), QStringLiteral("Ảnh"),
                      QRectF(1000, 60, 500, 300),
                      QJsonObject{{QStringLiteral("source"), QStringLiteral("missing.png")}}));
    Fixture fx(twoPanels(true), a, false, {}, {}, 0, qml::TileListModel::kMaxSpares);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    qml::TileListModel *model = tileModel(fx);
    const QPointer<QQuickItem> text = framesOf(win).value(QStringLiteral("a-text"));
    const QPointer<QQuickItem> image = framesOf(win).value(QStringLiteral("a-img"));
    QVERIFY(text && image);
    const QPointer<QObject> textContent = text->property("content").value<QObject *>();
    QVERIFY(textContent);

    // To B: A's text and colour frames become spares (hidden), its image goes.
    QVERIFY(setLayout(fx, layoutB()).ok);
    QCOMPARE(fx.grab().size(), 1);
    QCOMPARE(model->spareCount(), 2); // a-text, a-wide (with its copy in the second display)
    QCOMPARE(model->keptCount(), 0);
    QVERIFY(text && !shown(text));
    QTRY_VERIFY(!image); // deleted once the switch was drawn
    QCOMPARE(fx.app->tilesNotReady(), QStringList{});

    // To C: its text and colour tiles take the spares (the text moves; the colour is at the
    // place of A's), nothing of A or B shows in any frame synchronised after the switch.
    const QString words = QStringLiteral("Tạm biệt");
    const QJsonArray c{
        tileJson(QStringLiteral("c-text"), QStringLiteral("text"), QStringLiteral("Khác"),
                 QRectF(200, 120, 700, 300),
                 QJsonObject{{QStringLiteral("text"), words}, {QStringLiteral("sizeMm"), 50}}),
        colorTile(QStringLiteral("c-wide"), QRectF(700, 480, 1200, 60), QStringLiteral("#00ffff"))};
    QMutex mutex;
    std::atomic<bool> switched = false;
    int syncsAfter = 0;
    QStringList wrong;
    const auto sync = connect(
        win, &QQuickWindow::beforeSynchronizing, win,
        [&] {
            if (!switched)
                return;
            const QMutexLocker lock(&mutex);
            ++syncsAfter;
            const auto frames = framesOf(win);
            for (auto it = frames.cbegin(); it != frames.cend(); ++it) {
                if (it.key().isEmpty() || !shown(it.value()))
                    continue;
                if (!it.key().startsWith(QLatin1String("c-")))
                    wrong.append(QStringLiteral("shown: ") + it.key());
                const auto *content = it.value()->property("content").value<QObject *>();
                if (it.key() == QLatin1String("c-text") &&
                    (!content ||
                     content->property("binding").toMap().value(QStringLiteral("text")) != words))
                    wrong.append(QStringLiteral("c-text shows another text"));
            }
        },
        Qt::DirectConnection);
    const auto sw = connect(model, &qml::TileListModel::switched, this, [&] { switched = true; });
    const int takenBefore = model->sparesTaken();
    QVERIFY(setLayout(fx, c).ok);
    const QList<QImage> shots = fx.grab();
    disconnect(sync);
    disconnect(sw);
    QCOMPARE(shots.size(), 1);
    {
        const QMutexLocker lock(&mutex);
        QVERIFY(syncsAfter > 0);
        QVERIFY2(wrong.isEmpty(), qPrintable(wrong.join(QStringLiteral("; "))));
    }
    QCOMPARE(model->sparesTaken() - takenBefore, 2);
    // The same frame and content, given the new tile.
    QVERIFY(text && textContent);
    QCOMPARE(text->property("tileId").toString(), QStringLiteral("c-text"));
    QCOMPARE(text->property("title").toString(), QStringLiteral("Khác"));
    QCOMPARE(text->property("content").value<QObject *>(), textContent.data());
    QVERIFY(shown(text));
    QCOMPARE(framesOf(win).values(QStringLiteral("c-wide")).size(), 2); // frame and copy
    QCOMPARE(model->spareCount(), 1);                                   // B's colour tile now
    QCOMPARE(fx.app->tilesNotReady(), QStringList{});

    // Pixel for pixel what a fresh build of C draws (spares off).
    const QImage fresh = freshPicture(fx, c);
    QVERIFY(!fresh.isNull());
    const QString diff = differences(shots[0], fresh);
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Bounded: with none allowed, the spares go.
    QVERIFY(setLayout(fx, layoutB()).ok);
    QVERIFY(!fx.grab().isEmpty());
    QVERIFY(model->spareCount() > 0);
    model->setSpareTiles(0);
    QCOMPARE(model->spareCount(), 0);
    QTRY_VERIFY(!text); // its frame deleted
}

// --spare-tiles N: 0 to 240 (default kMaxSpares); anything else stops the start naming it.
void TestRendering::spareTilesOptionIsChecked() {
    const auto parse = [](const QStringList &args) {
        return shell::parseOptions(QStringList{QStringLiteral("opswall")} + args);
    };
    QCOMPARE(parse({}).options->spareTiles, qml::TileListModel::kMaxSpares);
    for (const int n : {0, 240}) {
        const shell::ParseResult r = parse({QStringLiteral("--spare-tiles"), QString::number(n)});
        QVERIFY2(r.options, qPrintable(r.message));
        QCOMPARE(r.options->spareTiles, n);
    }
    for (const QString &bad : {QStringLiteral("x"), QStringLiteral("-1"), QStringLiteral("241"),
                               QStringLiteral("2.5"), QStringLiteral("")}) {
        const shell::ParseResult r = parse({QStringLiteral("--spare-tiles"), bad});
        QVERIFY2(!r.options, qPrintable(bad));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.message.contains(QStringLiteral("--spare-tiles")), qPrintable(r.message));
    }
}
