#pragma once
// The optional layers of the wall (indicator feeds, video, province maps, display devices, the
// control API), built around the live state and the dispatcher by the composition root. Each is
// compiled in when its layer is built (OPSWALL_WITH_* definitions) and tells QML which tile kinds
// it provides. The demo's local services (feed service, RTSP stream, display simulators) are
// started here too.

#include "shell/demoservices.h"
#include "shell/options.h"
#include "store/database.h"
#include "store/storeconfig.h"
#include "store/wallstore.h"
#include "wall/alertboard.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QJsonObject>
#include <QObject>
#include <QTimer>

#include <QQmlEngine>
#include <QVariantMap>
#include <functional>

#include <memory>
#include <optional>

namespace opswall::briefing {
class BriefingRunner;
}

namespace opswall::shell {

class OutputSnapshots;
class StepRenderer;

class Services : public QObject {
    Q_OBJECT
public:
    Services(const Options &options, store::Database &db, store::WallStore &store,
             wall::WallState &state, wall::Dispatcher &dispatcher, QString assetsDir,
             QObject *parent = nullptr);
    ~Services() override;

    // Builds every layer compiled in, starts the demo services with --demo, and provides the
    // QML singletons to engine. Returns false (and error()) only for what must stop start-up:
    // the control API cannot listen.
    bool start(QQmlEngine &engine);
    // Bounded: servers, io threads and pipelines are stopped before the objects they use go.
    void stop();
    // A fenced controller (app/nodes/README.md "Hot standby") drives nothing outside any more:
    // device polling, commands and the power schedule stop (DeviceService::stop), the feeds stop
    // fetching (FeedHub::stop) and retention stops. Not undone: a fenced controller stays fenced
    // until it is started again (as a standby).
    void quiesce();
    QString error() const { return m_error; }

    // True once every configured feed has been tried at least once (or none is configured) and
    // what they brought has reached the tiles (the read model delivered it, no parse or forecast
    // is still running on the thread pool), so a screenshot shows data rather than empty tiles.
    bool feedsSettled() const;
    // Series the indicator tiles asked for that are being read on a worker thread now.
    int seriesReadsInFlight() const;

    // Tile kind -> QML component URL, for WallScene.
    // Tile kind -> QML component for the modules built in (wall/tilekinds.h), and the
    // calibration pattern's component.
    QVariantMap kindSources() const { return m_kindSources; }
    // The modules compiled into this build, in tilekinds.h's names ("indicators", "video", ...).
    static QStringList builtModules();
    // Where the control API listens ("127.0.0.1:8470"), empty when not built.
    QString apiAddress() const { return m_apiAddress; }
    // What the renderer reports for health: {"fps", "outputs"} (WallApplication's FrameMeter).
    void setRenderStats(std::function<QJsonObject()> stats) { m_renderStats = std::move(stats); }
    QJsonObject renderStats() const { return m_renderStats ? m_renderStats() : QJsonObject(); }
    // The demo's briefing, over the demo presets, when there is none (the demo's first start):
    // called once the start-up's presets are committed (WallApplication).
    void importDemoBriefing();
    // The briefing runner (null when the briefing layer is not built).
    briefing::BriefingRunner *briefingRunner() const;
    // Gives another engine (the offscreen step renderer) the same QML services as the wall's.
    void provideTo(QQmlEngine &engine);
    // Where the API's pictures and PDFs of briefing steps are drawn (set by WallApplication).
    void setStepRenderer(StepRenderer *renderer);

    // Pictures of the outputs for GET /api/v1/outputs/{i}/snapshot (WallApplication's windows).
    void setOutputSnapshots(OutputSnapshots *snapshots) { m_outputSnapshots = snapshots; }
    OutputSnapshots *outputSnapshots() const { return m_outputSnapshots; }

    struct Parts; // the objects of the layers built in (services.cpp)

    // What a hot standby builds ahead of start() while it follows its primary (app/nodes/
    // README.md "Takeover"): parts that neither depend on the store nor do anything outside,
    // which are most of what a controller's start costs: the province boundary sets decoded (on
    // a worker thread) and GStreamer loaded. start() takes them instead of building them.
    struct Ahead;
    static std::shared_ptr<Ahead> buildAhead();
    void useAhead(std::shared_ptr<Ahead> ahead) { m_ahead = std::move(ahead); }

    // --store-config, with its defaults filled in (retention, guard, keys, anchor, media).
    const store::StoreConfig &storeConfig() const { return m_storeConfig; }
    // The alert the API lists while the store refuses writes (locked, full, below the free-space
    // minimum); empty while it is fine.
    QJsonObject storeAlert() const;
    // The one alert model (device, indicator and store alerts), behind alert.ack.
    wall::AlertBoard &alerts() { return m_alerts; }
    const wall::AlertBoard &alerts() const { return m_alerts; }
    // Render nodes (app/nodes): whether a token may connect as a node (its name, or
    // std::nullopt and *why), and the API's TLS files, which the node link uses too.
    std::optional<QString> authenticateNode(const QString &token, QString *why) const {
        return authenticateAs(token, Role::Node, why);
    }
    // The same for any role: a hot standby's link needs a token of the role standby.
    std::optional<QString> authenticateAs(const QString &token, Role role, QString *why) const;
    QString apiTlsCertFile() const { return m_apiTlsCert; }
    // The GUI thread's connection to the store (its writer() is the store thread).
    store::Database &database() { return m_db; }
    QString apiTlsKeyFile() const { return m_apiTlsKey; }
    // One retention pass now (also run every retention.intervalMinutes): the wall's history, the
    // audit (exported first), feed series. Failures are logged, never thrown.
    void applyRetention();

private:
    void startFeeds(QQmlEngine &engine);
    void startVideo(QQmlEngine &engine);
    void startMaps(QQmlEngine &engine);
    void startDevices(QQmlEngine &engine);
    void startBriefings();
    bool startControl();
    bool startStore();
    bool startPanels();

    const Options &m_options;
    store::Database &m_db;
    store::WallStore &m_store;
    wall::WallState &m_state;
    wall::Dispatcher &m_dispatcher;
    QString m_assetsDir;
    QString m_error;
    QString m_apiAddress;
    QVariantMap m_kindSources;
    wall::AlertBoard m_alerts;
    DemoServices m_demo;
    QString m_demoFeedUrl; // where this run's demo feed service listens ("http://127.0.0.1:P/")
    std::unique_ptr<Parts> m_parts;
    std::shared_ptr<Ahead> m_ahead; // built ahead (a standby's takeover); taken by start()
    std::function<QJsonObject()> m_renderStats;
    store::StoreConfig m_storeConfig;
    QTimer m_retentionTimer;
    OutputSnapshots *m_outputSnapshots = nullptr;
    QString m_apiTlsCert;
    QString m_apiTlsKey;
};

} // namespace opswall::shell
