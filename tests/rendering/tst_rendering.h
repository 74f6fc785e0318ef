// What the rendering tests share: small walls and tiles, a running WallApplication with a layout,
// and the test class (its slots live in tst_rendering.cpp and tst_rendering_recall.cpp).
#pragma once

#include "../support/rendered.h"
#include "core/engineservices.h"
#include "shell/steprenderer.h"
#include "shell/wallapplication.h"
#include "wall/geometry.h"
#include "wall/layout.h"
#include "wall/tilekinds.h"
#include "wall/walljson.h"
#include "wallscene.h"

#include <QApplication>
#include <QFontMetricsF>
#include <QHash>
#include <QJsonDocument>
#include <QPainter>
#include <QPointer>
#include <QQuickItem>
#include <QQuickWindow>
#include <QSet>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <numbers>

namespace opswall::rendertest {

// Two 1000×500 mm panels with fat 50 mm bezels side by side, 400×200 px each, one output.
inline wall::Wall twoPanels(bool compensation, wall::Rotation secondRotation = wall::Rotation::R0) {
    wall::Wall w;
    w.name = QStringLiteral("test wall");
    w.bezelCompensation = compensation;
    for (int i = 0; i < 2; ++i) {
        wall::Display d;
        d.id = QStringLiteral("d%1").arg(i + 1);
        d.label = QString::number(i + 1);
        d.positionMm = {i * 1100.0, 0};
        d.sizeMm = {1100, 600};
        d.bezelMm = {50, 50, 50, 50};
        d.nativeResolution = {400, 200};
        w.displays.append(d);
    }
    w.displays[1].rotation = secondRotation;
    if (secondRotation == wall::Rotation::R90 || secondRotation == wall::Rotation::R270)
        w.displays[1].sizeMm = {600, 1100}; // portrait as mounted
    wall::Output out;
    out.name = QStringLiteral("OUT-1");
    out.geometry = QRect(0, 0, 800, 200);
    out.regions = {{QStringLiteral("d1"), QRect(0, 0, 400, 200)},
                   {QStringLiteral("d2"), QRect(400, 0, 400, 200)}};
    w.outputs.append(out);
    return w;
}

// A layout's tile: id, kind, title (none: empty), rect in canvas millimetres, binding.
inline QJsonObject tileJson(const QString &id, const QString &kind, const QString &title, QRectF r,
                            const QJsonObject &binding) {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("kind"), kind},
            {QStringLiteral("title"), title},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), r.x()},
                                                 {QStringLiteral("y"), r.y()},
                                                 {QStringLiteral("width"), r.width()},
                                                 {QStringLiteral("height"), r.height()}}},
            {QStringLiteral("binding"), binding}};
}

inline QJsonObject colorTile(const QString &id, QRectF r, const QString &color, int z = 1) {
    QJsonObject t = tileJson(id, QStringLiteral("color"), QString(), r,
                             QJsonObject{{QStringLiteral("color"), color}});
    t[QStringLiteral("frame")] = false;
    t[QStringLiteral("z")] = z;
    return t;
}

class Fixture {
public:
    // prepareDb: called with the database's path before the wall opens it (feeds to follow).
    // keptLayouts: the layouts left that keep their tiles built (--kept-layouts); none by default
    // here, so that every recall of these tests builds its tiles (the tests of kept layouts,
    // tst_rendering_kept.cpp, give it). spareTiles: the same for spare frames (--spare-tiles):
    // none by default here (tst_rendering_kept.cpp's tests of spares give it).
    Fixture(const wall::Wall &wall, const QJsonArray &tiles, bool preview,
            const QString &storeConfig = {},
            const std::function<void(const QString &)> &prepareDb = {}, int keptLayouts = 0,
            int spareTiles = 0) {
        const QString wallFile = m_dir.filePath(QStringLiteral("wall.json"));
        QFile f(wallFile);
        f.open(QIODevice::WriteOnly);
        f.write(QJsonDocument(wall::wallToJson(wall)).toJson());
        f.close();
        shell::Options o;
        o.preview = preview;
        o.wallPath = wallFile;
        o.dbPath = m_dir.filePath(QStringLiteral("wall.db"));
        o.language = QStringLiteral("en");
        o.apiBind = QStringLiteral("127.0.0.1:0"); // a free port: tests run side by side
        o.storeConfigPath = storeConfig;
        o.keptLayouts = keptLayouts;
        o.spareTiles = spareTiles;
        o.aheadRecent = 0; // nor the most recalled presets (tst_rendering_ahead turns it on)
        if (prepareDb)
            prepareDb(o.dbPath);
        app = std::make_unique<shell::WallApplication>(o);
        ok = app->start();
        if (!ok)
            return;
        const QJsonObject layout{{QStringLiteral("schemaVersion"), 1},
                                 {QStringLiteral("name"), QStringLiteral("test")},
                                 {QStringLiteral("background"), QStringLiteral("#000000")},
                                 {QStringLiteral("tiles"), tiles}};
        const auto r = app->dispatcher().dispatch(
            {QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}},
            {QStringLiteral("test"), Role::Operator, QStringLiteral("local"),
             QStringLiteral("test")});
        ok = r.ok;
        error = r.message;
    }

    // Waits until every tile rendered, then grabs every window.
    QList<QImage> grab() {
        if (!testsupport::waitRendered(*app))
            return {};
        QList<QImage> images;
        for (QQuickWindow *w : app->windows())
            images.append(w->grabWindow().convertToFormat(QImage::Format_RGB32));
        return images;
    }

    QTemporaryDir m_dir;
    std::unique_ptr<shell::WallApplication> app;
    bool ok = false;
    QString error;
};

// The wall's tile model (WallScene.tiles) in the fixture's engine.
inline qml::TileListModel *tileModel(Fixture &fx) {
    auto *scene = opswall::lookup<qml::WallScene>(&fx.app->engine());
    return scene ? scene->tiles() : nullptr;
}

// Sets the live layout to these tiles (on a black background), as an operator would.
inline bool setTiles(Fixture &fx, const QJsonArray &tiles, QString *why) {
    const QJsonObject layout{{QStringLiteral("schemaVersion"), 1},
                             {QStringLiteral("name"), QStringLiteral("test")},
                             {QStringLiteral("background"), QStringLiteral("#000000")},
                             {QStringLiteral("tiles"), tiles}};
    const auto r = fx.app->dispatcher().dispatch(
        {QStringLiteral("layout.set"), {{QStringLiteral("layout"), layout}}},
        {QStringLiteral("test"), Role::Operator, QStringLiteral("local"), QStringLiteral("test")});
    *why = r.message;
    return r.ok;
}

// Every item drawn under root (Repeater and Loader children are visual, not QObject, children).
inline QList<QQuickItem *> visualItems(QQuickItem *root) {
    QList<QQuickItem *> out;
    for (QQuickItem *child : root->childItems())
        out << child << visualItems(child);
    return out;
}

// The tile frames of one window (TileFrame.qml: an item with tileId and tileReady), by tile id.
// (The window's TileLayer has a tileReady too: it is listed under the empty id.)
inline QMultiHash<QString, QQuickItem *> framesOf(QQuickWindow *w) {
    QMultiHash<QString, QQuickItem *> frames;
    for (QQuickItem *item : visualItems(w->contentItem()))
        if (item->property("tileReady").isValid())
            frames.insert(item->property("tileId").toString(), item);
    return frames;
}

// The frames a window's tile layer made (one per row of its tile model: TileLayer.qml's
// Instantiator), in the picture or not: the code before per-window filtering made one for every
// tile of the layout, parked out of the picture where the tile was on none of the window's
// displays (so framesOf() did not see them).
inline int framesMade(QQuickWindow *w) {
    int count = 0;
    for (QQuickItem *item : visualItems(w->contentItem()))
        if (item->property("viewports").isValid() && item->property("tileReady").isValid())
            for (QObject *o : item->children())
                if (o->inherits("QQmlInstantiator"))
                    count += o->property("count").toInt();
    return count;
}

inline bool shown(QQuickItem *frame) {
    return frame->isVisible() && !frame->property("retired").toBool();
}

// Whether any frame of the tile is on screen in the window.
inline bool anyShown(QQuickWindow *w, const QString &tileId) {
    const auto frames = framesOf(w).values(tileId);
    return std::any_of(frames.cbegin(), frames.cend(), shown);
}

// The pixels in which two pictures differ by more than a few levels in a channel, and where the
// first one is. (The OpenGL scene graph's text may differ by a level between two pictures: its
// glyph atlas is filled in another order; a tile left over differs by far more.)
inline QString differences(const QImage &got, const QImage &want) {
    if (got.size() != want.size())
        return QStringLiteral("sizes differ: %1x%2 against %3x%4")
            .arg(got.width())
            .arg(got.height())
            .arg(want.width())
            .arg(want.height());
    const QImage a = got.convertToFormat(QImage::Format_RGB32);
    const QImage b = want.convertToFormat(QImage::Format_RGB32);
    int count = 0;
    QPoint first(-1, -1);
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x)
            if (const QRgb p = a.pixel(x, y), q = b.pixel(x, y);
                std::abs(qRed(p) - qRed(q)) > 4 || std::abs(qGreen(p) - qGreen(q)) > 4 ||
                std::abs(qBlue(p) - qBlue(q)) > 4) {
                if (count++ == 0)
                    first = {x, y};
            }
    if (count == 0)
        return {};
    return QStringLiteral("%1 pixels differ, the first at (%2, %3): #%4 against #%5")
        .arg(count)
        .arg(first.x())
        .arg(first.y())
        .arg(a.pixel(first) & 0xffffff, 6, 16, QLatin1Char('0'))
        .arg(b.pixel(first) & 0xffffff, 6, 16, QLatin1Char('0'));
}

// Whether the picture has a pixel of exactly this colour (a tile of only one of the layouts).
inline bool hasColour(const QImage &picture, QRgb colour) {
    const QImage image = picture.convertToFormat(QImage::Format_RGB32);
    for (int y = 0; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x)
            if ((image.pixel(x, y) & 0xffffff) == (colour & 0xffffff))
                return true;
    return false;
}
// The (one) window as it is now against a fresh picture of the same layout: an empty layout set,
// then `tiles` again, so that every frame and mirror is made anew. Empty when they agree pixel for
// pixel, else where they differ. With OPSWALL_TEST_PICTURES set, both pictures are saved there
// (<name>-shown.png, <name>-fresh.png).
inline QString differenceFromFresh(Fixture &fx, const QJsonArray &tiles, const QString &name) {
    const QList<QImage> shown = fx.grab();
    QString why;
    if (shown.size() != 1)
        return QStringLiteral("no picture of the window");
    if (!setTiles(fx, {}, &why) || fx.grab().isEmpty() || !setTiles(fx, tiles, &why))
        return QStringLiteral("the fresh layout was not set: ") + why;
    const QList<QImage> fresh = fx.grab();
    if (fresh.size() != 1)
        return QStringLiteral("no fresh picture of the window");
    if (const QString dir = qEnvironmentVariable("OPSWALL_TEST_PICTURES"); !dir.isEmpty()) {
        shown[0].save(dir + QLatin1Char('/') + name + QStringLiteral("-shown.png"));
        fresh[0].save(dir + QLatin1Char('/') + name + QStringLiteral("-fresh.png"));
    }
    return differences(shown[0], fresh[0]);
}

} // namespace opswall::rendertest

class TestRendering : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void eachOutputWindowShowsItsDisplaysShare();
    void lineCrossingBezelStaysStraightWithCompensation();
    void lineCrossingBezelJumpsWithoutCompensation();
    void rotatedPanelGetsRotatedContent();
    void bigTextIsDrawnInTheOutputWindow();
    void longTitleTakesASecondLineWhereTheTileIsTall();
    void previewShowsEveryDisplayId();
    void previewMapShowsTheValueUnderThePointer();
    void textMeetsTheWallDistanceRule();
    void recallMovesPersistentTilesAndSwitchesAtOnce();
    void tileSpanningDisplaysIsDrawnByItsKind();
    void clockSpanningDisplaysShowsOneSecond();
    void copyLaysOutItsTitleOnlyWhereTheTitleBarReaches();
    void repeatedRecallsLeaveOneFramePerTile();
    void recallLeavesNoTileOfThePreviousLayout();
    void hiddenFrameKeepsItsContentSize();
    void stepPicturesShowOnlyTheirOwnLayout();
    void eachWindowBuildsOnlyTheTilesOnItsDisplays();
    void tileMovingToAnotherWindowSwitchesWithTheRecall();
    void coldRecallIsSynchronisedOnceAtTheSwitch();
    void oldFramesAreDeletedAfterTheSwitchIsDrawn();
    void spareFrameStaysInItsWindow();
    void readinessCountAgreesWithTheFrames();
    void mirroredPartFollowsItsTile();
    void keptLayoutIsShownAgainWithoutBuilding();
    void keptLayoutsAreBounded();
    void spareFramesTakeNewTilesOfTheirKind();
    void spareTilesOptionIsChecked();
    void refusedRecallOfAKeptLayoutChangesNothing();
    void recallIsBuiltWhileItsWriteIsPending();
    void keptClockRunsNoTimerWhileHidden();
    void briefingNextStepIsBuiltAhead();
    void warmPresetIsBuiltAheadAndFollowsItsEdits();
    void recallOfATileStillBeingBuiltAheadWaitsForIt();
    void warmPresetsOptionIsChecked();
    void mostRecalledPresetsAreBuiltAhead();
    void aheadRecentOptionIsChecked();
    void controllersOwnOutputsBuildTheNextStepAhead();
    void panelBoundPresetIsBuiltAhead(); // skipped without panels and the Stream Deck simulator
#ifdef OPSWALL_RENDERING_FEEDS
    void mirroredAlertListFollowsTheFeed();
    void keptTileShowsTheFeedsCurrentValue();
    void watchCompletedAfterAChangeIsTold();
#endif
    void windowsDrawOnTheirOwnThreadsAndCloseWhileDrawing();

private:
    QImage diagonalImage(const QString &path);
    QList<QPointF> renderDiagonal(bool compensation, QList<QPointF> *second);
};
