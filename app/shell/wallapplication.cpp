#include "shell/wallapplication.h"

#include "core/engineservices.h"
#include "shell/noderoles.h"
#include "shell/outputsnapshots.h"
#include "shell/services.h"
#include "shell/standbyrole.h"
#include "shell/steprenderer.h"
#include "store/readers.h"
#include "wall/walljson.h"
#include "wallscene.h"

#ifdef OPSWALL_WITH_BRIEFING
#include "briefing/runner.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/videohub.h"
#include "video/videoitem.h"
#endif

#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QGuiApplication>
#include <QJsonObject>
#include <QPainter>
#include <QQmlIncubationController>
#include <QQuickItem>
#include <QQuickWindow>
#include <QThread>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

// The QML modules of the layers built in (static plugins).
#ifdef OPSWALL_WITH_FEEDS
Q_IMPORT_QML_PLUGIN(OpsWall_IndicatorsPlugin)
#endif
#ifdef OPSWALL_WITH_VIDEO
Q_IMPORT_QML_PLUGIN(OpsWall_VideoPlugin)
#endif
#ifdef OPSWALL_WITH_MAPS
Q_IMPORT_QML_PLUGIN(OpsWall_MapsPlugin)
#endif
#ifdef OPSWALL_WITH_DEVICES
Q_IMPORT_QML_PLUGIN(OpsWall_DevicesPlugin)
#endif
#ifdef OPSWALL_WITH_CALIBRATION
Q_IMPORT_QML_PLUGIN(OpsWall_CalibrationPlugin)
#endif

namespace opswall::shell {

namespace {

// Incubates the wall's asynchronous QML (a recall's new tiles, built ahead) in slices of 8 ms
// between turns of the event loop, as fast as the GUI thread is free. The windows' own controller
// works one slice per frame and asks for a frame to get the next slice, which on the software
// backend means a whole output drawn and copied for each slice. The next slice comes 1 ms after
// each, not at 0 ms: a zero-interval timer that re-arms itself can be run by Qt's glib dispatcher
// several times in a row before overdue timers (the watchdog's ping, the nodes' heartbeats; seen
// with the test load of app/core/testhooks.h), while one due 1 ms later is due after them.
class SliceIncubationController : public QObject, public QQmlIncubationController {
public:
    static constexpr int kSliceMs = 8;
    static constexpr int kBetweenSlicesMs = 1;
    SliceIncubationController() {
        m_timer.setInterval(kBetweenSlicesMs);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] {
            incubateFor(kSliceMs);
            if (incubatingObjectCount() == 0)
                m_timer.stop();
        });
    }

protected:
    void incubatingObjectCountChanged(int count) override {
        if (count > 0 && !m_timer.isActive())
            m_timer.start();
    }

private:
    QTimer m_timer;
};

} // namespace

WallApplication::WallApplication(Options options, QObject *parent)
    : QObject(parent)
    , m_options(std::move(options)) {
    // QT_MAX_CACHED_GLYPH_SIZE stays Qt's (64 px): the software scene graph fills bigger glyphs
    // as paths in every frame, which costs a 30-tile recall about a quarter more GUI-thread CPU
    // than caching them up to 256 px, but cached glyphs of that size were not drawn at all in the
    // output windows with Qt 6.4 (KPI figures missing; tst_rendering
    // bigTextIsDrawnInTheOutputWindow).
#ifdef OPSWALL_WITH_VIDEO
    // A video frame is drawn on the event loop's next pass, not after Qt's 5 ms update timer.
    video::VideoItem::renderOnTheNextPass();
#endif
    // Each output window of the software scene graph draws on a thread of its own (Qt's threaded
    // software render loop): the GUI thread is held only while a window's scene graph is
    // synchronised, and the windows draw at the same time (a recall's longest frame in CPU about
    // halved; qml/wall/README.md has the figures). QSG_RENDER_LOOP from the environment wins
    // (basic: the GUI thread draws every window, one after the other). Qt reads it once, when
    // the process makes its first window, so this holds only where no window was made before
    // (opswall makes none; a test or benchmark that does keeps the loop it got). Mirrored parts
    // are refreshed within the render thread's sync (MirrorRefresh); windows are hidden before
    // they are destroyed (~WallApplication).
    if (QQuickWindow::sceneGraphBackend() == QLatin1String("software") &&
        !qEnvironmentVariableIsSet("QSG_RENDER_LOOP"))
        qputenv("QSG_RENDER_LOOP", "threaded");
}

WallApplication::~WallApplication() {
    // With Qt 6.4's threaded software render loop, destroying a window that is shown can hang:
    // when its render thread takes the "release, the window is going" request between two frames
    // rather than while asleep, it then waits for more requests, and the GUI thread waits for it
    // to end (seen once in a few runs of bench_wall). The thread of a hidden window sleeps: hide
    // the windows first and give their threads a moment to go back to sleep.
    hideWindows();
    // The step renderer's window and engine first: they bind to the same services as the wall.
    if (m_services)
        m_services->setStepRenderer(nullptr);
    m_stepRenderer.reset();
    // Windows and QML go first, while the objects they bind to still exist.
    const auto roots = m_engine.rootObjects();
    for (QObject *root : roots)
        delete root;
    // Then servers, io threads and pipelines stop, bounded, before what they use goes.
    if (m_services)
        m_services->stop();
}

bool WallApplication::start() {
    // Where a start's time goes, logged once it is up (a standby's takeover is timed by it).
    QElapsedTimer clock;
    clock.start();
    qint64 last = 0;
    QStringList phases;
    const auto mark = [&clock, &last, &phases](const char *what) {
        const qint64 now = clock.elapsed();
        phases.append(QStringLiteral("%1 %2").arg(QLatin1String(what)).arg(now - last));
        last = now;
    };
    if (!m_prepared && !prepareProcess())
        return false;
    mark(m_prepared ? "prepared" : "fonts");
    if (!openStore())
        return false;
    mark("store");
    if (m_options.role == ProcessRole::Node) {
        if (!joinController())
            return false;
    } else {
        if (!loadWall())
            return false;
        try {
            importDemoPresets();
            if (!recallInitialLayout())
                return false;
        } catch (const store::Error &e) {
            m_error = QStringLiteral("database error: %1").arg(QString::fromUtf8(e.what()));
            return false;
        }
    }

    mark("wall");
    m_services = std::make_unique<Services>(m_options, *m_db, *m_store, *m_state, *m_dispatcher,
                                            m_assetsDir);
    m_services->useAhead(std::move(m_ahead));
    if (!m_services->start(m_engine)) {
        m_error = m_services->error();
        return false;
    }
    mark("services");
    // The start-up's writes (its documents and first layout, the first start's imports, the
    // audit's check) go to the disk now, while the windows are built and the first frames drawn;
    // the GUI thread writes nothing itself from here on.
    m_writer->release();
    if (!m_startupPending)
        importDemoBriefing();
    if (m_options.role == ProcessRole::Controller) {
        m_nodeRoles = std::make_unique<NodeRoles>(m_options);
        if (!m_nodeRoles->startController(*m_state, *m_services, m_engine, &m_error))
            return false;
        if (!startStandbyLink())
            return false;
    }
    mark("links");
    if (m_options.role == ProcessRole::Node)
        m_nodeRoles->takeReplicatedData(m_engine);
    // A controller's own outputs show the live state switched with its nodes (noderoles.h).
    wall::WallState *shown = m_nodeRoles && m_options.role == ProcessRole::Controller
                                 ? m_nodeRoles->ownOutputsState(*m_state)
                                 : m_state.get();
    m_scene = std::make_unique<qml::WallScene>(shown, m_dispatcher.get(), m_options.language,
                                               m_services->kindSources());
    // Image tiles: the assets folder, the media folder and the URLs an admin allowed.
    wall::ImageSourcePolicy images;
    images.assetsDir = m_assetsDir;
    images.mediaFolder = m_services->storeConfig().mediaFolder;
    images.allowedUrlPrefixes = m_services->storeConfig().allowedImageUrls;
    m_scene->setImagePolicy(images);
    m_scene->tiles()->setKeptLayouts(m_options.keptLayouts); // recalls among recent layouts
    m_scene->tiles()->setSpareTiles(m_options.spareTiles);   // frames reused by kind
    m_dispatcher->setImagePolicy(images);
    m_dispatcher->setWarmPresets(m_options.warmPresets);   // built ahead, hidden (qml/wall)
    m_dispatcher->setRecentPresets(m_options.aheadRecent); // and the most recalled of late:
    { // the history's recalls, read off the GUI thread
        auto seen = std::make_shared<QList<wall::Dispatcher::Recall>>();
        const qint64 since =
            QDateTime::currentMSecsSinceEpoch() - wall::Dispatcher::kRecentWindowMs;
        store::readOffThread(
            *m_db,
            [seen, since](store::Database &db) {
                for (const store::WallStore::Recall &r : store::WallStore::presetRecalls(db, since))
                    seen->append({r.row, r.preset, r.atMs});
            },
            m_dispatcher.get(),
            [d = m_dispatcher.get(), seen](std::exception_ptr e) {
                if (e)
                    qWarning("opswall: the recall history could not be read: only this run's "
                             "recalls choose the presets built ahead (--ahead-recent)");
                else
                    d->addRecalls(*seen);
            });
    }
    opswall::provide(&m_engine, m_scene.get());
    m_stepRenderer = std::make_unique<StepRenderer>(
        *m_services, m_state->wall(), m_options.language, m_assetsDir, m_services->kindSources());
    m_services->setStepRenderer(m_stepRenderer.get());
    mark("scene");
#ifdef OPSWALL_WITH_BRIEFING
    // A running briefing's focus, blank screen and step indicator, drawn over the layout.
    if (briefing::BriefingRunner *runner = m_services->briefingRunner()) {
        qml::WallScene *scene = m_scene.get();
        connect(runner, &briefing::BriefingRunner::viewChanged, scene,
                [runner, scene] { scene->setPresentation(runner->view()); });
        scene->setPresentation(runner->view());
    }
#endif

    auto incubation = std::make_unique<SliceIncubationController>();
    m_engine.setIncubationController(incubation.get());
    m_incubation = std::move(incubation);
    QVariantMap initial{{QStringLiteral("preview"), m_options.preview}};
    if (m_options.role != ProcessRole::Single) { // a node's or controller's own outputs only
        QVariantList owned;
        for (int o : m_options.outputs)
            owned.append(o);
        initial.insert(QStringLiteral("ownedOutputs"), owned);
    }
    m_engine.setInitialProperties(initial);
    // The wall's frame rate, per output window (the preview is not the wall).
    m_frames = std::make_unique<FrameMeter>();
    if (!loadWindows())
        return false;
    mark("windows");
    // When the first frame is up, and how many of the start's writes are still on their way.
    auto first = std::make_shared<QList<QMetaObject::Connection>>();
    for (QQuickWindow *w : windows())
        first->append(connect(
            w, &QQuickWindow::frameSwapped, this,
            [this, first, since = clock] {
                if (first->isEmpty())
                    return; // another window's first frame was first
                for (const QMetaObject::Connection &c : std::as_const(*first))
                    disconnect(c);
                first->clear();
                qInfo("opswall: first frame %lld ms after the start began (%zu store writes "
                      "still queued)",
                      qlonglong(since.elapsed()), m_db->writesQueued());
            },
            Qt::QueuedConnection));
    qInfo("opswall: built in %lld ms (%s)", qlonglong(clock.elapsed()),
          qPrintable(phases.join(QStringLiteral(", "))));
    m_services->setRenderStats(
        [frames = m_frames.get(), nodes = m_nodeRoles.get(), standby = m_standby.get()] {
            QJsonObject stats = frames->snapshot();
            if (nodes)
                stats.insert(QStringLiteral("nodes"), nodes->health());
            if (const QJsonObject own = nodes ? nodes->ownOutputsHealth() : QJsonObject();
                !own.isEmpty())
                stats.insert(QStringLiteral("ownOutputs"), own);
            if (standby)
                stats.insert(QStringLiteral("controller"), standby->health());
            return stats;
        });
    // The console's live picture: output i's own window, grabbed only when someone asks.
    m_snapshots = std::make_unique<OutputSnapshots>();
    m_snapshots->setGrab([this](int index, QString *why) -> std::optional<QImage> {
        const QList<wall::Output> &outputs = m_state->wall().outputs;
        if (index < 0 || index >= outputs.size()) {
            *why = QStringLiteral("no output %1: the wall has %2 (0 to %3)")
                       .arg(index)
                       .arg(outputs.size())
                       .arg(outputs.size() - 1);
            return std::nullopt;
        }
        for (QQuickWindow *w : windows())
            if (w->property("output").toMap().value(QStringLiteral("name")).toString() ==
                outputs[index].name)
                return w->grabWindow();
        // One preview window (--preview): the output as its displays show it, cut out of the
        // preview's picture of the whole wall.
        if (const auto picture = previewOfOutput(outputs[index]); picture && !picture->isNull())
            return picture;
        *why = QStringLiteral("output %1 has no window here, and no preview window shows it")
                   .arg(index);
        return QImage();
    });
    // A window is grabbed only once it is on screen (OutputSnapshots::setShown): a node's windows
    // made again, or the wall's at its start, asked for a picture before their first expose.
    m_snapshots->setShown([this](int index) {
        const QList<wall::Output> &outputs = m_state->wall().outputs;
        if (index < 0 || index >= outputs.size())
            return true; // the grab says there is no such output
        const QList<QQuickWindow *> wins = windows();
        for (QQuickWindow *w : wins)
            if (w->property("output").toMap().value(QStringLiteral("name")).toString() ==
                outputs[index].name)
                return w->isVisible() && w->isExposed();
        for (QQuickWindow *w : wins) // the preview, whose picture is cut (previewOfOutput)
            if (!w->property("output").isValid())
                return w->isVisible() && w->isExposed();
        return true;
    });
    m_services->setOutputSnapshots(m_snapshots.get());
    if (m_nodeRoles && m_options.role == ProcessRole::Controller) {
        m_nodeRoles->serveSnapshots(m_snapshots.get());
        m_nodeRoles->measureOwnOutputs([this] { return windows(); });
    }
    if (m_nodeRoles && m_options.role == ProcessRole::Node) {
        // A wall changed later on the controller: this node's windows are made again.
        connect(m_nodeRoles.get(), &NodeRoles::outputsChanged, this, [this] {
            hideWindows(); // before they are destroyed (~WallApplication)
            const auto roots = m_engine.rootObjects();
            for (QObject *root : roots)
                delete root;
            if (!loadWindows())
                qCritical("opswall: node: %s", qPrintable(m_error));
        });
        m_nodeRoles->follow(
            *m_state, [this] { return windows(); }, m_frames.get(), m_snapshots.get());
    }
    return true;
}

bool WallApplication::prepareProcess() {
    m_assetsDir = findAssetsDir(m_options.assetsDir);
    if (m_assetsDir.isEmpty()) {
        m_error = QStringLiteral(
            "cannot find the assets folder (with demo/wall.json); pass --assets DIR");
        return false;
    }
    loadFontsAndTranslations();
    return true;
}

bool WallApplication::prepare() {
    if (m_prepared)
        return true;
    if (!prepareProcess())
        return false;
    m_ahead = Services::buildAhead();
    m_prepared = true;
    return true;
}

namespace {
QUrl mainQml() {
    return QUrl(QStringLiteral("qrc:/OpsWall/Wall/Main.qml"));
}
} // namespace

bool WallApplication::prepareWindows() {
    m_engine.addImportPath(QStringLiteral("qrc:/")); // as Services::start adds it
    m_windowsAhead =
        std::make_unique<QQmlComponent>(&m_engine, mainQml(), QQmlComponent::PreferSynchronous);
    if (m_windowsAhead->isError()) {
        m_error = QStringLiteral("the wall's QML does not compile: %1")
                      .arg(m_windowsAhead->errorString());
        return false;
    }
    return true;
}

bool WallApplication::loadWindows() {
    // Compiled ahead (prepareWindows) or not, the engine loads it from its type cache.
    m_engine.load(mainQml());
    m_windowsAhead.reset();
    // QQmlApplicationEngine resolves every URL through a file selector (QQmlFileSelector, made
    // by its first load), which looks for "+selector" variants of it in the resources (QResource
    // and QDir lookups): each tile frame's Loader source and Qt.resolvedUrl, 8 % of a cold
    // recall's GUI thread. The wall has no such variants.
    for (QQmlAbstractUrlInterceptor *interceptor : m_engine.urlInterceptors())
        m_engine.removeUrlInterceptor(interceptor);
    if (m_engine.rootObjects().isEmpty()) {
        m_error = QStringLiteral("the wall's QML failed to load (see the messages above)");
        return false;
    }
    for (QQuickWindow *w : windows())
        if (w->property("output").isValid())
            m_frames->attach(w, w->title());
    return true;
}

bool WallApplication::startStandbyLink() {
#ifdef OPSWALL_WITH_NODES
    if (m_options.standbyListen.isEmpty() && m_options.primaryAddress.isEmpty())
        return true;
    m_standby =
        std::make_unique<ControllerStandby>(m_options, *m_writer, *m_services, *m_dispatcher);
    // Fenced (now, or at start from its store): no render node, no display, no feed fetch.
    connect(m_standby.get(), &ControllerStandby::fencedNow, this,
            [nodes = m_nodeRoles.get(), services = m_services.get()] {
                nodes->fence();
                services->quiesce();
            });
    if (!m_standby->start(&m_error))
        return false;
#endif
    return true;
}

std::optional<QImage> WallApplication::previewOfOutput(const wall::Output &output) const {
    // PreviewWindow.qml draws the canvas scaled by its wall area's `k` (pixels per millimetre),
    // the area's top-left at the canvas's top-left; each display's active area shows what that
    // display's region of its output shows. (A rotated panel's region is drawn upright here.)
    for (QQuickWindow *w : windows()) {
        if (w->property("output").isValid())
            continue;
        QQuickItem *area = nullptr;
        for (QQuickItem *child : w->contentItem()->childItems())
            if (child->property("k").isValid())
                area = child;
        const double k = area ? area->property("k").toDouble() : 0;
        if (!area || !(k > 0))
            continue;
        // The display ID badges sit on the displays' corners: not part of what the wall shows.
        const QVariant ids = w->property("showDisplayIds");
        w->setProperty("showDisplayIds", false);
        const QImage whole = w->grabWindow();
        w->setProperty("showDisplayIds", ids);
        if (whole.isNull())
            return std::nullopt;
        const double dpr = double(whole.width()) / std::max(1, w->width());
        const wall::Wall &wall = m_state->wall();
        const QPointF origin = wall.canvasRectMm().topLeft();
        const QPointF areaAt = area->mapToScene(QPointF(0, 0));
        QImage image(output.geometry.size(), QImage::Format_RGB32);
        image.fill(Qt::black);
        QPainter painter(&image);
        painter.setRenderHint(QPainter::SmoothPixmapTransform);
        for (const wall::OutputRegion &region : output.regions) {
            const wall::Display *d = wall.display(region.displayId);
            if (!d)
                continue;
            const QRectF active = d->activeRectMm();
            const QRectF from((areaAt.x() + (active.x() - origin.x()) * k) * dpr,
                              (areaAt.y() + (active.y() - origin.y()) * k) * dpr,
                              active.width() * k * dpr, active.height() * k * dpr);
            painter.drawImage(QRectF(region.rectPx), whole, from);
        }
        return image;
    }
    return std::nullopt;
}

QString WallApplication::statusLine() {
    const auto displays = m_state ? m_state->wall().displays.size() : 0;
    [[maybe_unused]] int streams = 0;
#ifdef OPSWALL_WITH_VIDEO
    if (const video::VideoHub *hub = opswall::lookup<video::VideoHub>(&m_engine))
        streams = hub->activeStreams();
#endif
    return QStringLiteral("wall running, %1 displays, %2 streams").arg(displays).arg(streams);
}

void WallApplication::hideWindows() {
    const QList<QQuickWindow *> shown = windows();
    for (QQuickWindow *w : shown)
        w->hide();
    if (!shown.isEmpty() && qgetenv("QSG_RENDER_LOOP") == "threaded") // as Qt reads it
        QThread::msleep(20);
}

QList<QQuickWindow *> WallApplication::windows() const {
    QList<QQuickWindow *> list;
    for (QObject *root : m_engine.rootObjects())
        for (QQuickWindow *w : root->findChildren<QQuickWindow *>(Qt::FindDirectChildrenOnly))
            list.append(w);
    return list;
}

// The frames report their readiness (TileFrame.qml, WallScene.readiness): no walk of the items.
QStringList WallApplication::tilesNotReady() const {
    if (!m_scene)
        return {};
    QStringList ids = m_scene->readiness()->notReadyIds();
    if (m_startupPending) // the first layout is shown once its history row is committed
        ids.append(QStringLiteral("(the start-up layout being stored)"));
    // (As the tile layers of the windows said it: with no window there is nothing to build.)
    if (m_scene->tiles()->staging() && !windows().isEmpty())
        ids.append(QStringLiteral("(a recall being built)"));
    return ids;
}

void WallApplication::whenRendered(int timeoutMs, std::function<void(bool, QStringList)> done) {
    auto *poll = new QTimer(this);
    auto clock = std::make_shared<QElapsedTimer>();
    clock->start();
    poll->setInterval(20);
    connect(poll, &QTimer::timeout, this, [this, poll, clock, timeoutMs, done] {
        QStringList pending = tilesNotReady();
        if (m_services && !m_services->feedsSettled())
            pending.append(QStringLiteral("(indicator feeds still loading)"));
        const bool timedOut = clock->elapsed() > timeoutMs;
        if (!pending.isEmpty() && !timedOut)
            return;
        poll->deleteLater();
        // Wait for one more frame on every window so what is grabbed is what was rendered.
        const auto wins = windows();
        auto remaining = std::make_shared<int>(int(wins.size()));
        if (*remaining == 0) {
            done(pending.isEmpty(), pending);
            return;
        }
        for (QQuickWindow *w : wins) {
            auto conn = std::make_shared<QMetaObject::Connection>();
            *conn = connect(w, &QQuickWindow::frameSwapped, this, [conn, remaining, done, pending] {
                disconnect(*conn);
                if (--*remaining == 0)
                    done(pending.isEmpty(), pending);
            });
            w->update();
        }
    });
    poll->start();
}

void WallApplication::whenStreamsStarted(int timeoutMs, std::function<void()> done) {
#ifdef OPSWALL_WITH_VIDEO
    const video::VideoHub *hub = opswall::lookup<video::VideoHub>(&m_engine);
    const auto connecting = [hub] {
        if (hub)
            for (const QJsonValue &s : hub->streamStates())
                if (s.toObject().value(QStringLiteral("state")).toString() ==
                    QLatin1String("Connecting"))
                    return true;
        return false;
    };
    if (connecting()) {
        auto *poll = new QTimer(this);
        auto clock = std::make_shared<QElapsedTimer>();
        clock->start();
        poll->setInterval(50);
        connect(poll, &QTimer::timeout, this, [poll, clock, timeoutMs, connecting, done] {
            if (connecting() && clock->elapsed() <= timeoutMs)
                return;
            poll->deleteLater();
            done();
        });
        poll->start();
        return;
    }
#else
    Q_UNUSED(timeoutMs);
#endif
    done();
}

bool WallApplication::saveScreenshot(const QString &path) {
    const auto wins = windows();
    if (wins.isEmpty()) {
        m_error = QStringLiteral("no window to grab");
        return false;
    }
    const QImage image = wins.first()->grabWindow();
    if (image.isNull() || !image.save(path, "PNG")) {
        m_error = QStringLiteral("could not write the screenshot to %1").arg(path);
        return false;
    }
    return true;
}

} // namespace opswall::shell
