#pragma once
// The composition root: opens the store, loads the wall and its presets, builds the live state,
// the dispatcher and the QML engine with one window per output (or the preview). main() and the
// benchmarks build the application through this class; nothing here is global.

#include "shell/framemeter.h"
#include "shell/options.h"
#include "shell/services.h"
#include "store/database.h"
#include "store/storethread.h"
#include "store/wallstore.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QImage>
#include <QObject>
#include <QQmlApplicationEngine>
#include <QQmlComponent>
#include <QQuickWindow>
#include <QTranslator>

#include <functional>
#include <memory>
#include <optional>

namespace opswall::qml {
class WallScene;
}

namespace opswall::shell {

class Services;
class OutputSnapshots;
class NodeRoles;
class StepRenderer;
class ControllerStandby;

class WallApplication : public QObject {
    Q_OBJECT
public:
    explicit WallApplication(Options options, QObject *parent = nullptr);
    ~WallApplication() override;

    // Builds everything and shows the windows. On failure returns false; error() says why.
    bool start();
    // Before start(), while a hot standby follows its primary (app/nodes/README.md "Takeover"):
    // builds what start() needs that neither depends on the store nor does anything outside (the
    // assets folder, fonts and translation, Services::buildAhead), so that a takeover's start()
    // is quicker. False with error() when the assets folder is missing.
    bool prepare();
    // Also before start(), on a standby: compiles the wall's QML (its types and imports; no window
    // is made), so that start() only creates it. False with error() when it does not compile.
    bool prepareWindows();
    QString error() const { return m_error; }

    wall::WallState &state() { return *m_state; }
    wall::Dispatcher &dispatcher() { return *m_dispatcher; }
    store::WallStore &store() { return *m_store; }
    QQmlApplicationEngine &engine() { return m_engine; }
    QList<QQuickWindow *> windows() const;
    const Options &options() const { return m_options; }
    QString assetsDir() const { return m_assetsDir; }
    // Pictures of layouts that are not on the wall (briefing steps, presets); null before start.
    StepRenderer *stepRenderer() const { return m_stepRenderer.get(); }
    // A controller's hot standby link, epoch and fence (--standby-listen, or a standby that took
    // over); null otherwise.
    ControllerStandby *controllerStandby() const { return m_standby.get(); }

    // Calls done once every tile in every window reports it has rendered and each window has
    // swapped one more frame after that, or when timeoutMs passes (ok = false, with the ids of the
    // tiles still loading).
    void whenRendered(int timeoutMs, std::function<void(bool ok, QStringList notReady)> done);
    // Calls done once no open video stream is still connecting (its first frame not in), or after
    // timeoutMs: a screenshot shows the streams' pictures, not "Connecting…". Not part of
    // whenRendered: a recall or an API answer never waits for a stream.
    void whenStreamsStarted(int timeoutMs, std::function<void()> done);
    // Writes the first window (the preview) to a PNG; false with error() on failure.
    bool saveScreenshot(const QString &path);

    // The tile ids that have not rendered yet, across every window.
    QStringList tilesNotReady() const;

    // One line for systemd's STATUS= ("wall running, 12 displays, 3 streams").
    QString statusLine();

    static QString findAssetsDir(const QString &given);
    static QString defaultDbPath(bool demo);

private:
    // Loads the wall's QML (its windows) and meters the output windows' frames.
    bool loadWindows();
    // Hides the windows before they are destroyed (with Qt 6.4's threaded software render loop
    // a shown window's destruction can hang; ~WallApplication) and lets their threads settle.
    void hideWindows();
    bool prepareProcess(); // the assets folder, fonts and translation
    bool openStore();
    bool loadWall();
    bool joinController();   // --role node: the wall and layout come from the controller
    bool startStandbyLink(); // controller: the hot standby (--standby-listen, after a takeover)
    void importDemoPresets();
    bool recallInitialLayout();
    void importDemoBriefing(); // once the start-up's presets are committed
    void loadFontsAndTranslations();
    // --preview: output's picture cut out of the preview window (each display's active area into
    // its region of the output); nullopt when no preview window is there.
    std::optional<QImage> previewOfOutput(const wall::Output &output) const;

    Options m_options;
    QString m_error;
    bool m_prepared = false;
    std::shared_ptr<Services::Ahead> m_ahead; // prepare(); handed to the services at start()
    QString m_assetsDir;
    std::unique_ptr<store::Database> m_db;        // the GUI thread's connection
    std::unique_ptr<store::StoreThread> m_writer; // the writer connection on its own thread
    std::unique_ptr<store::WallStore> m_store;
    std::unique_ptr<wall::WallState> m_state;
    std::unique_ptr<wall::Dispatcher> m_dispatcher;
    // Start-up: what loadWall and importDemoPresets store (in one transaction with the first
    // layout's history row, recallInitialLayout), the demo presets read from the assets, and
    // whether that transaction is still on its way (tilesNotReady says so).
    std::vector<wall::ActionStore::Job> m_startupDocuments;
    QList<wall::Layout> m_demoPresets;
    bool m_startupPending = false;
    std::unique_ptr<FrameMeter> m_frames;         // outlives m_services, which asks it for health
    std::unique_ptr<Services> m_services;         // the optional layers; destroyed after QML
    std::unique_ptr<OutputSnapshots> m_snapshots; // grabs the windows; after m_services
    std::unique_ptr<qml::WallScene> m_scene;
    std::unique_ptr<StepRenderer> m_stepRenderer; // pictures of steps not on the wall
    std::unique_ptr<NodeRoles> m_nodeRoles;       // --role controller|node (app/nodes)
    std::unique_ptr<ControllerStandby> m_standby; // hot standby; goes before the writer
    QTranslator m_translator;
    std::unique_ptr<QObject> m_incubation; // the engine's incubation controller; outlives it
    QQmlApplicationEngine m_engine;        // destroyed first: QML goes before the objects it uses
    std::unique_ptr<QQmlComponent> m_windowsAhead; // prepareWindows(); goes before the engine
};

} // namespace opswall::shell
