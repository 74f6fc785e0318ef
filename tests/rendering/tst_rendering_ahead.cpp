// Built ahead (TileListModel, WallState::ahead): the layouts the wall expects next (a running
// briefing's next step, the warm presets, the presets panel buttons recall, the presets recalled
// most of late; on a controller's own outputs too) have their tiles built and hidden before they
// are recalled, so that the recall builds nothing and shows them in one switch; a preset edited
// after it was built ahead shows its new tiles; a warm preset id that names no preset is logged
// and skipped; --warm-presets and --ahead-recent are read with a clear error for anything else.
#include "../support/panelbuttons.h"
#include "tst_rendering.h"

#include "core/engineservices.h"
#include "core/permissions.h"
#include "shell/options.h"
#include "store/database.h"
#include "store/wallstore.h"
#include "wallscene.h"

#ifdef OPSWALL_RENDERING_PANELS
#include "panels/panelsconfig.h"
#include "panels/panelstore.h"

#include <QProcess>
#include <QRegularExpression>
#endif

using namespace opswall;
using namespace opswall::rendertest;

namespace {

const Caller kOperator{QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
                       QStringLiteral("test")};

QJsonObject layoutDoc(const QString &name, const QJsonArray &tiles) {
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("kind"), QStringLiteral("opswall.layout")},
            {QStringLiteral("name"), name},
            {QStringLiteral("background"), QStringLiteral("#000000")},
            {QStringLiteral("tiles"), tiles}};
}

QJsonObject textTile(const QString &id, QRectF r, const QString &text) {
    return tileJson(id, QStringLiteral("text"), QStringLiteral("Tiêu đề ") + id, r,
                    QJsonObject{{QStringLiteral("text"), text}, {QStringLiteral("sizeMm"), 60}});
}

// Three steps, nothing shared between them (other ids); the second has a tile drawn again in the
// second display (a copy) and one in the first only.
QJsonArray stepTiles(int step) {
    const QString p = QStringLiteral("s%1-").arg(step);
    return {textTile(p + QStringLiteral("text"), QRectF(100 + 40 * step, 60, 800, 400),
                     QStringLiteral("Bước %1").arg(step)),
            colorTile(p + QStringLiteral("wide"), QRectF(700, 480, 1200, 60),
                      step == 2 ? QStringLiteral("#ff00ff") : QStringLiteral("#00ffff"))};
}

// Every frame of the tile in the window (its copies included) has its content built.
// The wall shows step 1's tiles; step 2's are saved as the preset "ấm" (its id in *id).
bool showStepOneAndSaveStepTwo(Fixture &fx, int *id) {
    if (!fx.ok) {
        qWarning("%s", qPrintable(fx.error + fx.app->error()));
        return false;
    }
    if (fx.grab().isEmpty())
        return false;
    const ActionResult saved = fx.app->dispatcher().dispatch(
        {QStringLiteral("preset.save"),
         {{QStringLiteral("name"), QStringLiteral("ấm")},
          {QStringLiteral("layout"), layoutDoc(QStringLiteral("ấm"), stepTiles(2))}}},
        kOperator);
    if (!saved.ok)
        qWarning("%s", qPrintable(saved.message));
    *id = saved.data.value(QStringLiteral("id")).toInt();
    return saved.ok;
}

bool builtIn(QQuickWindow *win, const QString &tileId, int frames) {
    const QList<QQuickItem *> all = framesOf(win).values(tileId);
    return all.size() == frames && std::all_of(all.cbegin(), all.cend(), [](QQuickItem *f) {
               return f->property("loaded").toBool();
           });
}

QSet<QQuickItem *> allFrames(QQuickWindow *win) {
    const QList<QQuickItem *> frames = framesOf(win).values();
    QSet<QQuickItem *> set(frames.cbegin(), frames.cend());
    set.remove(nullptr);
    return set;
}

QString shownText(QQuickWindow *win, const QString &tileId) {
    for (QQuickItem *f : framesOf(win).values(tileId))
        if (shown(f))
            if (auto *content = f->property("content").value<QObject *>())
                return content->property("binding")
                    .toMap()
                    .value(QStringLiteral("text"))
                    .toString();
    return {};
}

// A briefing of three steps, each its own layout (stepTiles).
QJsonObject threeStepBriefing() {
    QJsonArray steps;
    for (int s = 1; s <= 3; ++s)
        steps.append(QJsonObject{
            {QStringLiteral("title"), QStringLiteral("Bước %1").arg(s)},
            {QStringLiteral("layout"), layoutDoc(QStringLiteral("bước %1").arg(s), stepTiles(s))}});
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("kind"), QStringLiteral("opswall.briefing")},
            {QStringLiteral("title"), QStringLiteral("Giao ban")},
            {QStringLiteral("steps"), steps}};
}

} // namespace

// A running briefing's next step is built while the current one is shown: stepping builds no
// frame (the frames shown are the ones built ahead, nothing else made), shows only the next step's
// tiles, pixel for pixel a fresh build of them; the step after is built ahead in turn. No layout is
// kept (--kept-layouts 0), so nothing but the briefing holds them. Fails without the build ahead:
// the second step's frames do not exist before the step.
void TestRendering::briefingNextStepIsBuiltAhead() {
    Fixture fx(twoPanels(true), {}, false, {}, {}, 0);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QQuickWindow *win = fx.app->windows().constFirst();
    const QJsonObject doc = threeStepBriefing();
    const ActionResult saved = fx.app->dispatcher().dispatch(
        {QStringLiteral("briefing.save"), {{QStringLiteral("briefing"), doc}}}, kOperator);
    QVERIFY2(saved.ok, qPrintable(saved.message));
    const int id = saved.data.value(QStringLiteral("id")).toInt();
    const ActionResult started = fx.app->dispatcher().dispatch(
        {QStringLiteral("briefing.start"), {{QStringLiteral("id"), id}}}, kOperator);
    QVERIFY2(started.ok, qPrintable(started.message));
    QVERIFY(!fx.grab().isEmpty());
    QVERIFY(anyShown(win, QStringLiteral("s1-text")));

    // Step 2's frames are built, hidden, while step 1 is shown (the wide tile's copy too).
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s2-text"), 1) &&
                                 builtIn(win, QStringLiteral("s2-wide"), 2),
                             10000);
    QVERIFY(!anyShown(win, QStringLiteral("s2-text")));
    QVERIFY(!anyShown(win, QStringLiteral("s2-wide")));
    QCOMPARE(tileModel(fx)->aheadCount(), 2);
    QCOMPARE(fx.app->tilesNotReady(), QStringList{}); // hidden tiles hold nothing up
    const QSet<QQuickItem *> before = allFrames(win);
    const QList<QQuickItem *> s2 = framesOf(win).values(QStringLiteral("s2-text")) +
                                   framesOf(win).values(QStringLiteral("s2-wide"));
    QList<QPointer<QQuickItem>> s2Frames;
    for (QQuickItem *f : s2)
        s2Frames.append(f);

    // Stepping: the step is shown when the dispatcher answers, by the frames built ahead, and no
    // frame is made for it.
    const ActionResult next = fx.app->dispatcher().dispatch(
        {QStringLiteral("briefing.next"), {{QStringLiteral("id"), QStringLiteral("current")}}},
        kOperator);
    QVERIFY2(next.ok, qPrintable(next.message));
    QVERIFY(anyShown(win, QStringLiteral("s2-text")));
    QVERIFY(anyShown(win, QStringLiteral("s2-wide")));
    QVERIFY(!anyShown(win, QStringLiteral("s1-text")));
    QVERIFY(!anyShown(win, QStringLiteral("s1-wide")));
    for (const QPointer<QQuickItem> &f : s2Frames)
        QVERIFY(f && shown(f));
    const QSet<QQuickItem *> after = allFrames(win);
    QCOMPARE(after - before, QSet<QQuickItem *>{}); // nothing built for the step
    QCOMPARE(fx.app->tilesNotReady(), QStringList{});
    QCOMPARE(shownText(win, QStringLiteral("s2-text")), QStringLiteral("Bước 2"));

    // Step 3 is built ahead in turn; step 1 stays built too (the previous step).
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s3-text"), 1) &&
                                 builtIn(win, QStringLiteral("s3-wide"), 2),
                             10000);
    QVERIFY(builtIn(win, QStringLiteral("s1-text"), 1));
    QVERIFY(!anyShown(win, QStringLiteral("s3-text")));

    // What the step shows is what a fresh build of its layout shows, pixel for pixel.
    const QString diff = differenceFromFresh(fx, stepTiles(2), QStringLiteral("ahead-step2"));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Ended: nothing is expected any more; with no layout kept, nothing stays built.
    const ActionResult ended = fx.app->dispatcher().dispatch(
        {QStringLiteral("briefing.end"), {{QStringLiteral("id"), QStringLiteral("current")}}},
        kOperator);
    QVERIFY2(ended.ok, qPrintable(ended.message));
    QTRY_COMPARE(tileModel(fx)->aheadCount(), 0);
    QCOMPARE(tileModel(fx)->keptCount(), 0);
}

// A warm preset is built ahead and its first recall builds nothing; edited afterwards, it is built
// ahead again as it is now (the changed tile anew, the others taken as they are) and its recall
// shows the edit, never the tile built before it. An id that names no preset is logged and
// skipped.
void TestRendering::warmPresetIsBuiltAheadAndFollowsItsEdits() {
    Fixture fx(twoPanels(true), stepTiles(1), false, {}, {}, 0);
    int id = 0;
    QVERIFY(showStepOneAndSaveStepTwo(fx, &id));
    QQuickWindow *win = fx.app->windows().constFirst();
    wall::Dispatcher &d = fx.app->dispatcher();
    QVERIFY(id > 0);
    QVERIFY(anyShown(win, QStringLiteral("s1-text")));

    QTest::ignoreMessage(QtWarningMsg,
                         "opswall: warm preset 9999: no such preset; not built ahead");
    d.setWarmPresets({9999, id});
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s2-text"), 1) &&
                                 builtIn(win, QStringLiteral("s2-wide"), 2),
                             10000);
    QCOMPARE(tileModel(fx)->aheadCount(), 2);
    QVERIFY(!anyShown(win, QStringLiteral("s2-text")));
    const QPointer<QQuickItem> wide = framesOf(win).values(QStringLiteral("s2-wide")).value(0);
    const QPointer<QQuickItem> oldText = framesOf(win).values(QStringLiteral("s2-text")).value(0);

    // Edited: the text tile says something else; the colour tile is as it was.
    QJsonArray edited = stepTiles(2);
    edited[0] =
        textTile(QStringLiteral("s2-text"), QRectF(180, 60, 800, 400), QStringLiteral("Đã sửa"));
    const ActionResult resaved =
        d.dispatch({QStringLiteral("preset.save"),
                    {{QStringLiteral("id"), id},
                     {QStringLiteral("name"), QStringLiteral("ấm")},
                     {QStringLiteral("layout"), layoutDoc(QStringLiteral("ấm"), edited)}}},
                   kOperator);
    QVERIFY2(resaved.ok, qPrintable(resaved.message));
    // The old text tile goes (no layout kept), the new one is built; the colour tile stays.
    QTRY_VERIFY_WITH_TIMEOUT(!oldText && builtIn(win, QStringLiteral("s2-text"), 1), 10000);
    QVERIFY(wide);
    const QSet<QQuickItem *> before = allFrames(win);

    const ActionResult recalled =
        d.dispatch({QStringLiteral("preset.recall"), {{QStringLiteral("id"), id}}}, kOperator);
    QVERIFY2(recalled.ok, qPrintable(recalled.message));
    QVERIFY(anyShown(win, QStringLiteral("s2-text")));
    QVERIFY(!anyShown(win, QStringLiteral("s1-text")));
    QVERIFY(wide && shown(wide));
    QCOMPARE(allFrames(win) - before, QSet<QQuickItem *>{}); // nothing built for the recall
    QCOMPARE(shownText(win, QStringLiteral("s2-text")), QStringLiteral("Đã sửa"));
    const QString diff = differenceFromFresh(fx, edited, QStringLiteral("ahead-warm"));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // No warm presets any more: nothing is held (no layout kept either).
    d.setWarmPresets({});
    QTRY_COMPARE(tileModel(fx)->aheadCount(), 0);
}

// A recall that comes while the tiles built ahead may still be incubating their content (their
// rows just inserted) takes them as the recall's own staged tiles and waits for them: the switch
// shows the whole layout, drawn as a fresh build of it.
void TestRendering::recallOfATileStillBeingBuiltAheadWaitsForIt() {
    Fixture fx(twoPanels(true), stepTiles(1), false, {}, {}, 0);
    int id = 0;
    QVERIFY(showStepOneAndSaveStepTwo(fx, &id));
    QQuickWindow *win = fx.app->windows().constFirst();
    wall::Dispatcher &d = fx.app->dispatcher();
    d.setWarmPresets({id});
    // As soon as the rows are in (their frames made), while their content is (most often) still
    // being incubated: whichever it is, the recall must show the whole layout right.
    QTRY_VERIFY_WITH_TIMEOUT(tileModel(fx)->aheadPending() == 0, 10000);
    QCOMPARE(tileModel(fx)->aheadCount(), 2);
    const ActionResult recalled =
        d.dispatch({QStringLiteral("preset.recall"), {{QStringLiteral("id"), id}}}, kOperator);
    QVERIFY2(recalled.ok, qPrintable(recalled.message));
    QVERIFY(!fx.grab().isEmpty());
    QVERIFY(anyShown(win, QStringLiteral("s2-text")));
    QVERIFY(anyShown(win, QStringLiteral("s2-wide")));
    QVERIFY(!anyShown(win, QStringLiteral("s1-text")));
    QCOMPARE(shownText(win, QStringLiteral("s2-text")), QStringLiteral("Bước 2"));
    const QString diff = differenceFromFresh(fx, stepTiles(2), QStringLiteral("ahead-early"));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));
}

// --warm-presets: ids, comma-separated; anything else is refused with a clear message.
void TestRendering::warmPresetsOptionIsChecked() {
    const auto parse = [](const QStringList &args) {
        return shell::parseOptions(QStringList{QStringLiteral("opswall")} + args);
    };
    const shell::ParseResult good =
        parse({QStringLiteral("--warm-presets"), QStringLiteral("3,1,3")});
    QVERIFY2(good.options, qPrintable(good.message));
    QCOMPARE(good.options->warmPresets, (QList<int>{3, 1}));
    QVERIFY(parse({}).options->warmPresets.isEmpty());
    for (const QString &bad : {QStringLiteral("x"), QStringLiteral("1,abc"), QStringLiteral("0"),
                               QStringLiteral(","), QStringLiteral("-2")}) {
        const shell::ParseResult r = parse({QStringLiteral("--warm-presets"), bad});
        QVERIFY2(!r.options, qPrintable(bad));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.message.contains(QStringLiteral("--warm-presets")), qPrintable(r.message));
    }
}

namespace {

// Saves a preset of these tiles straight into the file, before the wall opens it; its id.
int savePresetInFile(const QString &dbPath, const QString &name, const QJsonArray &tiles) {
    store::Database db(dbPath);
    store::WallStore ws(db);
    const wall::LayoutParse parsed = wall::layoutFromJson(layoutDoc(name, tiles));
    if (!parsed.ok())
        return 0;
    return ws.savePreset(std::nullopt, name, parsed.layout, false);
}

} // namespace

// The presets recalled most of late are built ahead: those of the history the store keeps (read
// at start-up off the GUI thread), then each recall counted at once. With one preset wanted
// (--ahead-recent 1), the one recalled most is built and the other not; after another preset is
// recalled more often it takes its place, and once the wall shows something else, recalling it
// builds nothing. Fails without the source: nothing is built ahead at start, and with no layout
// kept the recall builds its frames.
void TestRendering::mostRecalledPresetsAreBuiltAhead() {
    int often = 0, rarely = 0;
    Fixture fx(
        twoPanels(true), stepTiles(1), false, {},
        [&often, &rarely](const QString &path) {
            often = savePresetInFile(path, QStringLiteral("thường"), stepTiles(2));
            rarely = savePresetInFile(path, QStringLiteral("hiếm"), stepTiles(3));
            store::Database db(path);
            store::WallStore ws(db);
            // Yesterday's recalls, in the history: "thường" twice, "hiếm" once.
            for (int id : {often, often, rarely})
                ws.recordLiveLayout(wall::Layout{}, QStringLiteral("preset.recall %1").arg(id));
        },
        0);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(often > 0 && rarely > 0);
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    wall::Dispatcher &d = fx.app->dispatcher();
    d.setRecentPresets(1);
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s2-text"), 1) &&
                                 builtIn(win, QStringLiteral("s2-wide"), 2),
                             10000);
    QCOMPARE(d.aheadPresets(QStringLiteral("recent")), QList<int>{often});
    QVERIFY(!anyShown(win, QStringLiteral("s2-text")));
    QCOMPARE(framesOf(win).values(QStringLiteral("s3-text")).size(), 0); // not the rarer one

    // "hiếm" recalled three times now: four recalls against two, it takes the place.
    for (int i = 0; i < 3; ++i) {
        const ActionResult r = d.dispatch(
            {QStringLiteral("preset.recall"), {{QStringLiteral("id"), rarely}}}, kOperator);
        QVERIFY2(r.ok, qPrintable(r.message));
    }
    QCOMPARE(d.aheadPresets(QStringLiteral("recent")), QList<int>{rarely});
    QVERIFY(anyShown(win, QStringLiteral("s3-text")));
    // Something else on the wall: "hiếm" stays built (expected), "thường" is let go (none kept).
    QString why;
    QVERIFY2(setTiles(fx, stepTiles(1), &why), qPrintable(why));
    QVERIFY(!fx.grab().isEmpty());
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s3-text"), 1) &&
                                 builtIn(win, QStringLiteral("s3-wide"), 2) &&
                                 framesOf(win).values(QStringLiteral("s2-text")).isEmpty(),
                             10000);
    QVERIFY(!anyShown(win, QStringLiteral("s3-text")));
    const QSet<QQuickItem *> before = allFrames(win);
    const ActionResult recalled =
        d.dispatch({QStringLiteral("preset.recall"), {{QStringLiteral("id"), rarely}}}, kOperator);
    QVERIFY2(recalled.ok, qPrintable(recalled.message));
    QVERIFY(anyShown(win, QStringLiteral("s3-text")));
    QVERIFY(!anyShown(win, QStringLiteral("s1-text")));
    QCOMPARE(allFrames(win) - before, QSet<QQuickItem *>{}); // nothing built for the recall
    const QString diff = differenceFromFresh(fx, stepTiles(3), QStringLiteral("ahead-recent"));
    QVERIFY2(diff.isEmpty(), qPrintable(diff));

    // Off: nothing is held for it any more.
    QVERIFY2(setTiles(fx, stepTiles(1), &why), qPrintable(why));
    d.setRecentPresets(0);
    QTRY_COMPARE(tileModel(fx)->aheadCount(), 0);
    QCOMPARE(d.aheadPresets(QStringLiteral("recent")), QList<int>{});
}

// --ahead-recent: a number 0 to 16 (default 3); anything else is refused naming the option.
void TestRendering::aheadRecentOptionIsChecked() {
    const auto parse = [](const QStringList &args) {
        return shell::parseOptions(QStringList{QStringLiteral("opswall")} + args);
    };
    QCOMPARE(parse({}).options->aheadRecent, 3);
    const shell::ParseResult off = parse({QStringLiteral("--ahead-recent"), QStringLiteral("0")});
    QVERIFY2(off.options, qPrintable(off.message));
    QCOMPARE(off.options->aheadRecent, 0);
    QCOMPARE(parse({QStringLiteral("--ahead-recent"), QStringLiteral("16")}).options->aheadRecent,
             16);
    for (const QString &bad : {QStringLiteral("x"), QStringLiteral("-1"), QStringLiteral("17"),
                               QStringLiteral("2.5"), QStringLiteral("")}) {
        const shell::ParseResult r = parse({QStringLiteral("--ahead-recent"), bad});
        QVERIFY2(!r.options, qPrintable(bad));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.message.contains(QStringLiteral("--ahead-recent")), qPrintable(r.message));
    }
}

// A controller that drives its own outputs (--role controller --outputs 0) shows a state of its
// own, switched with its nodes: a running briefing's next step is built ahead in its windows too,
// and stepping builds no frame there. Fails without it: the own outputs' state is told nothing,
// so step 2's frames do not exist before the step.
void TestRendering::controllersOwnOutputsBuildTheNextStepAhead() {
    QTemporaryDir dir;
    const QString wallFile = dir.filePath(QStringLiteral("wall.json"));
    {
        QFile f(wallFile);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(wall::wallToJson(twoPanels(true))).toJson());
    }
    shell::Options o;
    o.wallPath = wallFile;
    o.dbPath = dir.filePath(QStringLiteral("wall.db"));
    o.language = QStringLiteral("en");
    o.apiBind = QStringLiteral("127.0.0.1:0");
    o.keptLayouts = 0;
    o.role = shell::ProcessRole::Controller;
    o.nodeListen = QStringLiteral("127.0.0.1:0");
    o.outputs = {0};
    o.outputsGiven = true;
    shell::WallApplication app(o);
    if (!app.start()) {
        if (app.error().contains(QStringLiteral("without render nodes")))
            QSKIP("built without render nodes");
        QFAIL(qPrintable(app.error()));
    }
    QVERIFY(!app.windows().isEmpty());
    QQuickWindow *win = app.windows().constFirst();
    const QJsonObject doc = threeStepBriefing();
    wall::Dispatcher &d = app.dispatcher();
    const ActionResult saved = d.dispatch(
        {QStringLiteral("briefing.save"), {{QStringLiteral("briefing"), doc}}}, kOperator);
    QVERIFY2(saved.ok, qPrintable(saved.message));
    const ActionResult started =
        d.dispatch({QStringLiteral("briefing.start"),
                    {{QStringLiteral("id"), saved.data.value(QStringLiteral("id")).toInt()}}},
                   kOperator);
    QVERIFY2(started.ok, qPrintable(started.message));
    // Step 1 on the own outputs at the nodes' switch time.
    QTRY_VERIFY_WITH_TIMEOUT(anyShown(win, QStringLiteral("s1-text")), 10000);
    // Step 2 built ahead, hidden, in the own outputs' window.
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s2-text"), 1) &&
                                 builtIn(win, QStringLiteral("s2-wide"), 2),
                             10000);
    QVERIFY(!anyShown(win, QStringLiteral("s2-text")));
    const QSet<QQuickItem *> before = allFrames(win);
    const ActionResult next = d.dispatch(
        {QStringLiteral("briefing.next"), {{QStringLiteral("id"), QStringLiteral("current")}}},
        kOperator);
    QVERIFY2(next.ok, qPrintable(next.message));
    QTRY_VERIFY_WITH_TIMEOUT(anyShown(win, QStringLiteral("s2-text")) &&
                                 !anyShown(win, QStringLiteral("s1-text")),
                             10000);
    QVERIFY(anyShown(win, QStringLiteral("s2-wide")));
    // Nothing built for the step (by the switch, step 3's frames may be being built ahead).
    for (QQuickItem *made : allFrames(win) - before)
        QVERIFY2(made->property("tileId").toString().startsWith(QStringLiteral("s3-")),
                 qPrintable(made->property("tileId").toString()));
    for (const QString &id : {QStringLiteral("s2-text"), QStringLiteral("s2-wide")})
        for (QQuickItem *f : framesOf(win).values(id))
            QVERIFY2(before.contains(f), qPrintable(id));
    QCOMPARE(shownText(win, QStringLiteral("s2-text")), QStringLiteral("Bước 2"));
}

// A preset bound to a key of an operator panel (the simulated Stream Deck Studio over TCP) is
// built ahead while the wall shows something else; the key's press recalls it and builds no
// frame. Bound to another preset (panel.bind), the ahead build follows the binding. Fails
// without the source: the preset's frames do not exist before the press.
void TestRendering::panelBoundPresetIsBuiltAhead() {
#ifndef OPSWALL_RENDERING_PANELS
    QSKIP("built without panels or the Stream Deck simulator");
#else
    QProcess deck;
    deck.start(QStringLiteral(STREAMDECK_SIM_PATH),
               {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--serial"),
                QStringLiteral("OWAHEAD1"), QStringLiteral("--keepalive-ms"),
                QStringLiteral("500")});
    QVERIFY(deck.waitForStarted(5000));
    QByteArray out;
    const QRegularExpression ready(QStringLiteral("ready tcp 127\\.0\\.0\\.1:(\\d+)"));
    QRegularExpressionMatch m;
    QTRY_VERIFY_WITH_TIMEOUT((out += deck.readAllStandardOutput(),
                              m = ready.match(QString::fromUtf8(out)), m.hasMatch()),
                             10000);
    const int deckPort = m.captured(1).toInt();
    struct KillDeck {
        QProcess &p;
        ~KillDeck() {
            p.kill();
            p.waitForFinished(3000);
        }
    } killDeck{deck};

    int bound = 0, other = 0;
    Fixture fx(
        twoPanels(true), stepTiles(1), false, {},
        [&](const QString &path) {
            bound = savePresetInFile(path, QStringLiteral("nút"), stepTiles(2));
            other = savePresetInFile(path, QStringLiteral("khác"), stepTiles(3));
            const QJsonObject doc{
                {QStringLiteral("kind"), QStringLiteral("opswall.panels")},
                {QStringLiteral("schemaVersion"), 1},
                {QStringLiteral("panels"),
                 QJsonArray{
                     QJsonObject{{QStringLiteral("id"), QStringLiteral("desk")},
                                 {QStringLiteral("type"), QStringLiteral("streamdeck-tcp")},
                                 {QStringLiteral("host"), QStringLiteral("127.0.0.1")},
                                 {QStringLiteral("port"), deckPort},
                                 {QStringLiteral("role"), QStringLiteral("operator")},
                                 {QStringLiteral("pages"),
                                  QJsonArray{QJsonObject{
                                      {QStringLiteral("id"), QStringLiteral("main")},
                                      {QStringLiteral("buttons"),
                                       QJsonArray{testsupport::presetRecallButton(
                                           0, bound, QStringLiteral("P%1").arg(bound))}}}}}}}}};
            panels::BindingContext context;
            context.actions = knownActionTypes();
            context.presets = {bound, other};
            const panels::ParsedPanels parsed = panels::parsePanels(doc, context);
            if (!parsed.config) {
                qWarning("%s", qPrintable(parsed.issues.value(0).toString()));
                return;
            }
            store::Database db(path);
            panels::PanelStore(db).save(*parsed.config);
        },
        0);
    QVERIFY2(fx.ok, qPrintable(fx.error + fx.app->error()));
    QVERIFY(bound > 0 && other > 0);
    QVERIFY(!fx.grab().isEmpty());
    QQuickWindow *win = fx.app->windows().constFirst();
    wall::Dispatcher &d = fx.app->dispatcher();
    d.setRecentPresets(0); // only the panel's binding holds anything here
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s2-text"), 1) &&
                                 builtIn(win, QStringLiteral("s2-wide"), 2),
                             10000);
    QCOMPARE(d.aheadPresets(QStringLiteral("panel")), QList<int>{bound});
    QVERIFY(!anyShown(win, QStringLiteral("s2-text")));
    QCOMPARE(tileModel(fx)->aheadCount(), 2);
    // The deck is connected (it got its key faces): its key 0 recalls the preset.
    QTRY_VERIFY_WITH_TIMEOUT((out += deck.readAllStandardOutput(),
                              QString::fromUtf8(out).contains(QStringLiteral("image 0 "))),
                             10000);
    const QSet<QQuickItem *> before = allFrames(win);
    deck.write("tap 0\n");
    QTRY_VERIFY_WITH_TIMEOUT(anyShown(win, QStringLiteral("s2-text")) &&
                                 !anyShown(win, QStringLiteral("s1-text")),
                             10000);
    QVERIFY(anyShown(win, QStringLiteral("s2-wide")));
    QCOMPARE(allFrames(win) - before, QSet<QQuickItem *>{}); // nothing built for the press

    // Key 0 bound to the other preset: that one is built ahead now, the first let go.
    const ActionResult rebound =
        d.dispatch({QStringLiteral("panel.bind"),
                    {{QStringLiteral("id"), QStringLiteral("desk")},
                     {QStringLiteral("key"), 0},
                     {QStringLiteral("action"), QStringLiteral("preset.recall")},
                     {QStringLiteral("params"), QJsonObject{{QStringLiteral("id"), other}}}}},
                   kOperator);
    QVERIFY2(rebound.ok, qPrintable(rebound.message));
    QTRY_COMPARE_WITH_TIMEOUT(d.aheadPresets(QStringLiteral("panel")), QList<int>{other}, 10000);
    QTRY_VERIFY_WITH_TIMEOUT(builtIn(win, QStringLiteral("s3-text"), 1) &&
                                 builtIn(win, QStringLiteral("s3-wide"), 2),
                             10000);
    QVERIFY(!anyShown(win, QStringLiteral("s3-text")));
    // Deleted: its ahead build goes with it.
    const ActionResult deleted =
        d.dispatch({QStringLiteral("preset.delete"), {{QStringLiteral("id"), other}}}, kOperator);
    QVERIFY2(deleted.ok, qPrintable(deleted.message));
    QTRY_COMPARE(d.aheadPresets(QStringLiteral("panel")), QList<int>{});
    QTRY_COMPARE(tileModel(fx)->aheadCount(), 0);
#endif
}
