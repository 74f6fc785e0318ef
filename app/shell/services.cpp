#include "shell/services.h"

#include "shell/servicesparts.h"

#include "core/engineservices.h"
#include "core/permissions.h"
#include "store/retention.h"
#include "store/secrets.h"
#include "wall/tilekinds.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QPointer>
#include <QRegularExpression>
#include <QUrl>

#ifdef OPSWALL_WITH_DEVICES
#include "devices/configstore.h"
#endif
#ifdef OPSWALL_WITH_CONTROL
#include "control/serverconfig.h"
#endif
#ifdef OPSWALL_WITH_PANELS
#include "core/permissions.h"
#include "panels/panelstore.h"
#endif

namespace opswall::shell {

namespace {
const Caller kStartup{QStringLiteral("startup"), Role::Admin, QStringLiteral("local"),
                      QStringLiteral("startup")};
} // namespace

#ifdef OPSWALL_WITH_VIDEO
namespace {
// Answers show a source's URI as rtsp://user:***@host (core/redact.h). A client that reads a
// source and saves it back (the console's edit form) sends those stars: keep the stored password
// then, for the same source, user and host, instead of storing "***".
QJsonObject keepRedactedPassword(const video::VideoHub &hub, QJsonObject source) {
    const QString uri = source.value(QStringLiteral("uri")).toString();
    if (!uri.contains(QLatin1String(":***@")))
        return source;
    const QUrl incoming(uri);
    for (const video::VideoSource &s : hub.sources()) {
        if (s.id != source.value(QStringLiteral("id")).toString())
            continue;
        const QUrl stored(s.uri);
        if (stored.userName() != incoming.userName() || stored.host() != incoming.host() ||
            stored.password().isEmpty())
            break;
        QString restored = uri;
        restored.replace(QLatin1String(":***@"), u':' + stored.password(QUrl::FullyEncoded) + u'@');
        source.insert(QStringLiteral("uri"), restored);
        break;
    }
    return source;
}
} // namespace
#endif

#ifdef OPSWALL_WITH_FEEDS
namespace {
// An indicator alert in the one alert model (its id without the "indicator." prefix).
wall::WallAlert indicatorAlert(const feeds::Alert &a) {
    wall::WallAlert w;
    w.id = QString::number(a.id);
    w.source = QStringLiteral("indicator");
    w.severity = feeds::severityName(a.severity);
    w.message = a.message;
    w.since = a.raisedAt;
    w.acknowledgedBy = a.acknowledgedBy;
    w.acknowledgedAt = a.acknowledgedAt;
    w.detail = {{QStringLiteral("rule"), a.ruleId},
                {QStringLiteral("indicator"), a.indicator},
                {QStringLiteral("feed"), a.feedId}};
    return w;
}
} // namespace

QJsonObject alertJson(const feeds::Alert &a) {
    wall::WallAlert w = indicatorAlert(a);
    w.id = QStringLiteral("indicator.") + w.id;
    return w.toJson();
}
#endif

Services::Services(const Options &options, store::Database &db, store::WallStore &store,
                   wall::WallState &state, wall::Dispatcher &dispatcher, QString assetsDir,
                   QObject *parent)
    : QObject(parent)
    , m_options(options)
    , m_db(db)
    , m_store(store)
    , m_state(state)
    , m_dispatcher(dispatcher)
    , m_assetsDir(std::move(assetsDir))
    , m_kindSources(wall::tileComponents(builtModules()))
    , m_parts(std::make_unique<Parts>()) {
    // The store's refusal as an alert of the one model; alert.ack for every source.
    m_alerts.addSource({QStringLiteral("store"),
                        [this] {
                            QList<wall::WallAlert> out;
                            const store::StoreStatus &st = m_db.status();
                            if (!st.available)
                                out.append(
                                    {QStringLiteral("unavailable"),
                                     QStringLiteral("store"),
                                     QStringLiteral("critical"),
                                     storeAlert().value(QStringLiteral("message")).toString(),
                                     QDateTime::fromMSecsSinceEpoch(st.sinceMs, Qt::UTC),
                                     {},
                                     {},
                                     {},
                                     {}});
                            return out;
                        },
                        {}});
    m_dispatcher.addHandler(QStringLiteral("alert."), [this](const Action &a, const Caller &c) {
        if (a.type != QLatin1String("alert.ack"))
            return ActionResult::failure(QStringLiteral("unknown_action"),
                                         QStringLiteral("\"%1\" is not an action").arg(a.type),
                                         QStringLiteral("type"));
        return m_alerts.acknowledge(a.params, c);
    });
}

QStringList Services::builtModules() {
    QStringList modules;
#ifdef OPSWALL_WITH_FEEDS
    modules.append(QStringLiteral("indicators"));
#endif
#ifdef OPSWALL_WITH_VIDEO
    modules.append(QStringLiteral("video"));
#endif
#ifdef OPSWALL_WITH_MAPS
    modules.append(QStringLiteral("maps"));
#endif
    return modules;
}

Services::~Services() {
    stop();
}

bool Services::startStore() {
    if (!m_options.storeConfigPath.isEmpty()) {
        QFile f(m_options.storeConfigPath);
        QString err;
        const QByteArray json = f.open(QIODevice::ReadOnly) ? f.read(64 * 1024 + 1) : QByteArray();
        if (json.isEmpty() || !m_storeConfig.applyJson(json, &err)) {
            m_error = QStringLiteral("--store-config %1: %2")
                          .arg(m_options.storeConfigPath, err.isEmpty() ? f.errorString() : err);
            return false;
        }
    }
    m_storeConfig.resolveDefaults(m_db.path());
    // The GUI thread must not wait on a lock another process holds (a backup, an sqlite3 shell):
    // about a frame, then the write is refused (503) and retried later.
    m_db.setBusyTimeoutMs(m_storeConfig.busyTimeoutMs);
    m_db.setMinFreeBytes(m_storeConfig.minFreeBytes);
    m_retentionTimer.setInterval(m_storeConfig.retention.intervalMinutes * 60 * 1000);
    connect(&m_retentionTimer, &QTimer::timeout, this, &Services::applyRetention);
    m_retentionTimer.start();
    return true;
}

QJsonObject Services::storeAlert() const {
    const store::StoreStatus &st = m_db.status();
    if (st.available)
        return {};
    return {{QStringLiteral("id"), QStringLiteral("store.unavailable")},
            {QStringLiteral("source"), QStringLiteral("store")},
            {QStringLiteral("severity"), QStringLiteral("critical")},
            {QStringLiteral("message"),
             QStringLiteral("The database refuses writes; changes are refused until it is back: "
                            "%1")
                 .arg(st.reason)},
            {QStringLiteral("since"),
             QDateTime::fromMSecsSinceEpoch(st.sinceMs, Qt::UTC).toString(Qt::ISODate)}};
}

void Services::applyRetention() {
    const store::RetentionConfig &r = m_storeConfig.retention;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    try {
        const store::RetentionResult done = store::applyWallRetention(m_db, r, now);
        if (done.layoutHistoryRows || done.presetRevisions)
            qInfo("opswall: retention: %d layout history rows and %d preset revisions removed",
                  done.layoutHistoryRows, done.presetRevisions);
    } catch (const std::exception &e) {
        qWarning("opswall: retention of the wall's history failed: %s", e.what());
    }
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->control && r.auditDays > 0) {
        try {
            const auto pruned = m_parts->control->audit().exportAndPrune(
                now - qint64(r.auditDays) * 86'400'000, m_storeConfig.auditExportDir);
            if (pruned.rows)
                qInfo("opswall: retention: %d audit rows exported to %s, then pruned", pruned.rows,
                      qPrintable(pruned.file));
        } catch (const std::exception &e) {
            qWarning("opswall: retention of the audit failed (nothing pruned): %s", e.what());
        }
    }
#endif
}

bool Services::start(QQmlEngine &engine) {
    engine.addImportPath(QStringLiteral("qrc:/"));
    if (!startStore())
        return false;
    startFeeds(engine);
    startVideo(engine);
    startMaps(engine);
    startDevices(engine);
    logEvents(*m_parts, this);
    startBriefings();
    return startControl() && startPanels();
}

briefing::BriefingRunner *Services::briefingRunner() const {
#ifdef OPSWALL_WITH_BRIEFING
    return m_parts->runner.get();
#else
    return nullptr;
#endif
}

void Services::setStepRenderer(StepRenderer *renderer) {
    m_parts->renderer = renderer;
}

void Services::provideTo([[maybe_unused]] QQmlEngine &engine) {
    engine.addImportPath(QStringLiteral("qrc:/"));
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->indicators)
        opswall::provide(&engine, m_parts->indicators.get());
#endif
#ifdef OPSWALL_WITH_VIDEO
    if (m_parts->video)
        opswall::provide(&engine, m_parts->video.get());
#endif
#ifdef OPSWALL_WITH_MAPS
    if (m_parts->geo)
        opswall::provide(&engine, m_parts->geo.get());
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices)
        opswall::provide(&engine, m_parts->devices.get());
#endif
}

void Services::startBriefings() {
#ifdef OPSWALL_WITH_BRIEFING
    try {
        m_parts->briefings = std::make_unique<briefing::BriefingStore>(m_db);
    } catch (const store::Error &e) {
        qWarning("opswall: briefings unavailable: %s", e.what());
        return;
    }
    m_parts->runner = std::make_unique<briefing::BriefingRunner>(m_state, m_dispatcher, m_store,
                                                                 *m_parts->briefings);
    briefing::BriefingRunner *runner = m_parts->runner.get();
    m_dispatcher.addHandler(
        QStringLiteral("briefing."),
        [runner](const Action &a, const Caller &c) { return runner->handle(a, c); });
    // Schedules and alert rules act through the dispatcher as the system.
    try {
        m_parts->scheduler =
            std::make_unique<briefing::Scheduler>(m_db, m_dispatcher, m_state, runner);
        briefing::Scheduler *scheduler = m_parts->scheduler.get();
        m_dispatcher.addHandler(
            QStringLiteral("schedule."),
            [scheduler](const Action &a, const Caller &c) { return scheduler->handle(a, c); });
        scheduler->start();
#ifdef OPSWALL_WITH_FEEDS
        if (m_parts->feeds)
            connect(m_parts->feeds->alerts(), &feeds::AlertManager::alertRaised, scheduler,
                    [scheduler](const feeds::Alert &a) {
                        scheduler->onAlert(a.indicator, feeds::severityName(a.severity), a.message);
                    });
#endif
    } catch (const store::Error &e) {
        qWarning("opswall: schedules unavailable: %s", e.what());
    }
    // The demo's briefing, over the demo presets, on the first start.
    if (m_options.demo && m_parts->briefings->list().isEmpty()) {
        const QString path = m_assetsDir + QStringLiteral("/demo/briefings/economy.json");
        QFile f(path);
        const QJsonObject doc = f.open(QIODevice::ReadOnly)
                                    ? QJsonDocument::fromJson(f.read(4 * 1024 * 1024)).object()
                                    : QJsonObject();
        const briefing::BriefingParse parsed = runner->parse(doc);
        if (parsed.ok())
            m_parts->briefings->save(std::nullopt, parsed.briefing);
        else
            qWarning("opswall: the demo briefing %s is not valid: %s", qPrintable(path),
                     qPrintable(parsed.issues.isEmpty() ? QStringLiteral("unreadable")
                                                        : parsed.issues.first().toString()));
    }
#endif
}

void Services::startFeeds([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_FEEDS
    if (m_options.demo && !m_options.noServices) {
        // A free port unless one is given (--demo-feed-port), so that two demos on one machine
        // both get their feeds; the feeds are pointed at the address the service reports.
        const QString data = m_assetsDir + QStringLiteral("/demo/indicators");
        const auto ready =
            m_demo.start(QStringLiteral("feed service"),
                         DemoServices::findProgram(QStringLiteral("opswall-feedservice"),
                                                   QStringLiteral(OPSWALL_FEEDSERVICE_PATH)),
                         {QStringLiteral("--port"), QString::number(m_options.demoFeedPort),
                          QStringLiteral("--data"), data},
                         QRegularExpression(QStringLiteral("listening on (\\S+)")));
        if (!ready)
            qWarning("opswall: demo feeds unavailable: %s", qPrintable(m_demo.error()));
        else
            m_demoFeedUrl = ready->first();
    }
    m_parts->feeds = std::make_unique<feeds::FeedHub>(m_db, &m_parts->nam);
    QString err;
    const QString demo = m_assetsDir + QStringLiteral("/demo");
    feeds::FeedHubOptions o;
    o.retention.keepRevisionsDays = m_storeConfig.retention.seriesRevisionsDays;
    o.retention.keepPeriodsYears = m_storeConfig.retention.seriesPeriodsYears;
    if (m_options.demo) {
        o.feedsJson = demo + QStringLiteral("/demo-feeds.json");
        o.indicatorsJson = demo + QStringLiteral("/demo-indicators.json");
        o.demoServiceUrl = m_demoFeedUrl;
    }
    if (!m_parts->feeds->start(o, &err))
        qWarning("opswall: feeds: %s", qPrintable(err));
    m_parts->indicators = std::make_unique<indicators::IndicatorData>(m_parts->feeds.get());
    opswall::provide(&engine, m_parts->indicators.get());
    // Indicator alerts join the one alert model; their acknowledgement is persisted with them.
    feeds::AlertManager *alerts = m_parts->feeds->alerts();
    m_alerts.addSource({QStringLiteral("indicator"),
                        [alerts] {
                            QList<wall::WallAlert> out;
                            for (const feeds::Alert &a : alerts->openAlerts())
                                out.append(indicatorAlert(a));
                            return out;
                        },
                        [alerts](const QString &id, const Caller &c, const QString &) {
                            bool isNumber = false;
                            const qint64 n = id.toLongLong(&isNumber);
                            return isNumber &&
                                   alerts->acknowledge(n, c.user, QDateTime::currentDateTimeUtc());
                        }});
#endif
}

void Services::startVideo([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_VIDEO
    m_parts->video = std::make_unique<video::VideoHub>(&m_db);
    if (!m_parts->video->available())
        qWarning("opswall: video: %s", qPrintable(m_parts->video->startupMessage()));
    opswall::provide(&engine, m_parts->video.get());
    // Sources change through the dispatcher, so every change is audited and refused in words.
    video::VideoHub *hub = m_parts->video.get();
    wall::WallState *state = &m_state;
    store::WallStore *presets = &m_store;
    m_dispatcher.addHandler(QStringLiteral("source."), [hub, state, presets](const Action &a,
                                                                             const Caller &c) {
        if (a.type == QLatin1String("source.save")) {
            const video::SourceParse parsed = video::sourceFromJson(
                keepRedactedPassword(*hub, a.params.value(QStringLiteral("source")).toObject()));
            if (parsed.error)
                return ActionResult::failure(QStringLiteral("invalid"), parsed.error->text(),
                                             QStringLiteral("source.") + parsed.error->field);
            // A custom pipeline is an admin's tool (permission table: source.pipeline); every
            // other kind is built from quoted fields and stays an operator's.
            if (parsed.source->kind == video::SourceKind::Pipeline &&
                !roleAllows(c.role, QStringLiteral("source.pipeline")))
                return ActionResult::failure(
                    QStringLiteral("forbidden"),
                    QStringLiteral("the %1 role may not save a custom pipeline (kind "
                                   "\"pipeline\" is for admins); use kind rtsp, srt, rtp, hls, "
                                   "http, file, v4l2 or testpattern")
                        .arg(roleName(c.role)),
                    QStringLiteral("source.kind"));
            if (const auto e = hub->upsertSource(*parsed.source))
                return ActionResult::failure(QStringLiteral("invalid"), e->text(),
                                             QStringLiteral("source.") + e->field);
            return ActionResult::success({{QStringLiteral("id"), parsed.source->id},
                                          {QStringLiteral("source"), parsed.source->toJson()}});
        }
        if (a.type == QLatin1String("source.delete")) {
            const QString id = a.params.value(QStringLiteral("id")).toString();
            // A source stays while a tile shows it, on the live wall or in a saved preset: a
            // tile saying "unknown source" in front of a minister is worse than a refusal.
            const auto tilesShowing = [&id](const wall::Layout &layout) {
                QStringList tiles;
                for (const wall::Tile &t : layout.tiles)
                    if (t.kind == QLatin1String("video") &&
                        t.binding.value(QStringLiteral("source")).toString() == id)
                        tiles << t.id;
                return tiles;
            };
            QStringList usedBy;
            if (const QStringList live = tilesShowing(state->layout()); !live.isEmpty())
                usedBy << QStringLiteral("tile %1 of the live wall")
                              .arg(live.join(QStringLiteral(", ")));
            for (const store::PresetInfo &info : presets->presets())
                if (const auto p = presets->preset(info.id))
                    if (const QStringList inPreset = tilesShowing(p->layout); !inPreset.isEmpty())
                        usedBy << QStringLiteral("tile %1 of preset '%2'")
                                      .arg(inPreset.join(QStringLiteral(", ")), info.name);
            if (!usedBy.isEmpty())
                return ActionResult::failure(
                    QStringLiteral("conflict"),
                    QStringLiteral("source '%1' is shown by %2; remove or rebind those tiles "
                                   "first")
                        .arg(id, usedBy.join(QStringLiteral("; "))),
                    QStringLiteral("id"));
            if (!hub->removeSource(id))
                return ActionResult::failure(QStringLiteral("not_found"),
                                             QStringLiteral("no source '%1'").arg(id),
                                             QStringLiteral("id"));
            return ActionResult::success({{QStringLiteral("id"), id}});
        }
        return ActionResult::failure(QStringLiteral("unknown_action"),
                                     QStringLiteral("%1 is not an action").arg(a.type),
                                     QStringLiteral("type"));
    });
    // One video source heard at a time (muted by default), and the volume: audited like any
    // other change, since a meeting's sound is the leaders' business.
    m_dispatcher.addHandler(QStringLiteral("audio."), [hub](const Action &a, const Caller &) {
        if (a.type != QLatin1String("audio.set"))
            return ActionResult::failure(QStringLiteral("unknown_action"),
                                         QStringLiteral("%1 is not an action").arg(a.type),
                                         QStringLiteral("type"));
        const QJsonObject &p = a.params;
        if (p.contains(QStringLiteral("volume"))) {
            const double v = p.value(QStringLiteral("volume")).toDouble(-1);
            if (!(v >= 0 && v <= 1.5))
                return ActionResult::failure(QStringLiteral("invalid"),
                                             QStringLiteral("volume must be 0 to 1.5 (1 is full)"),
                                             QStringLiteral("volume"));
        }
        QString key;
        if (p.contains(QStringLiteral("source"))) {
            const QString source = p.value(QStringLiteral("source")).toString();
            key = source.isEmpty() ? QString() : hub->streamKeyOfSource(source);
            if (!source.isEmpty() && key.isEmpty())
                return ActionResult::failure(
                    QStringLiteral("not_found"),
                    QStringLiteral("no tile of the wall shows source '%1'").arg(source),
                    QStringLiteral("source"));
            hub->setAudible(key);
        }
        if (p.contains(QStringLiteral("volume")))
            hub->setVolume(p.value(QStringLiteral("volume")).toDouble());
        return ActionResult::success({{QStringLiteral("audible"), hub->audibleKey()},
                                      {QStringLiteral("volume"), hub->volume()}});
    });
    if (m_options.demo && !m_options.noServices) {
        // The demo's "video conference": a local RTSP stream standing in for a province's bridge.
        const auto ready = m_demo.start(
            QStringLiteral("RTSP test stream"),
            DemoServices::findProgram(QStringLiteral("opswall-rtsp-testserver"),
                                      QStringLiteral(OPSWALL_RTSPSERVER_PATH)),
            {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--width"),
             QStringLiteral("1280"), QStringLiteral("--height"), QStringLiteral("720")},
            QRegularExpression(QStringLiteral("READY (rtsp://\\S+)")));
        if (!ready) {
            qWarning("opswall: demo video unavailable: %s", qPrintable(m_demo.error()));
            return;
        }
        video::VideoSource s;
        s.id = QStringLiteral("demo-vc");
        s.name = QStringLiteral("Cầu truyền hình (mô phỏng)");
        s.kind = video::SourceKind::Rtsp;
        s.uri = ready->first();
        s.site = QStringLiteral("UBND tỉnh — điểm cầu mô phỏng");
        if (const auto e = m_parts->video->upsertSource(s))
            qWarning("opswall: demo video source refused");
    }
#endif
}

void Services::startMaps([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_MAPS
    m_parts->geo = std::make_unique<maps::GeoLibrary>();
    opswall::provide(&engine, m_parts->geo.get());
#ifdef OPSWALL_WITH_FEEDS
    // Ranked tables name provinces; the series are keyed by the 63-unit GSO codes.
    QString err;
    if (const auto set = m_parts->geo->provinces(63, &err)) {
        QHash<QString, QString> names;
        for (const auto &f : set->features.features)
            names.insert(f.code, f.name);
        m_parts->indicators->setProvinceNames(names);
    } else {
        qWarning("opswall: province names unavailable: %s", qPrintable(err));
    }
#endif
#endif
}

void Services::startDevices([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_DEVICES
    m_parts->devices = std::make_unique<devices::DeviceService>(m_state, m_dispatcher);
    opswall::provide(&engine, m_parts->devices.get());
    // Device alerts join the one alert model ("device/r1c1/overheat" -> "device.r1c1.overheat");
    // the board keeps their acknowledgements while the condition lasts.
    devices::DeviceService *deviceService = m_parts->devices.get();
    m_alerts.addSource({QStringLiteral("device"),
                        [deviceService] {
                            QList<wall::WallAlert> out;
                            for (const QJsonValue &v : deviceService->activeAlerts()) {
                                QJsonObject o = v.toObject();
                                wall::WallAlert w;
                                w.id = o.take(QStringLiteral("id")).toString();
                                if (w.id.startsWith(QLatin1String("device/")))
                                    w.id.remove(0, 7);
                                w.id.replace(u'/', u'.');
                                o.remove(QStringLiteral("source"));
                                w.severity = o.take(QStringLiteral("severity")).toString();
                                w.message = o.take(QStringLiteral("message")).toString();
                                w.since = QDateTime::fromString(
                                    o.take(QStringLiteral("since")).toString(), Qt::ISODate);
                                w.detail = o;
                                out.append(w);
                            }
                            return out;
                        },
                        {}});
    QStringList ids;
    for (const wall::Display &d : m_state.wall().displays)
        ids.append(d.id);
    std::optional<devices::DeviceConfig> config;
    if (m_options.demo && !m_options.noServices) {
        m_parts->simulators = std::make_unique<devices::DemoSimulators>();
        const QString sim = DemoServices::findProgram(QStringLiteral("opswall-display-sim"),
                                                      QStringLiteral(OPSWALL_DISPLAYSIM_PATH));
        if (m_parts->simulators->start(sim, int(ids.size())))
            config = devices::demoDeviceConfig(m_parts->simulators->ports(), ids);
        else
            qWarning("opswall: demo displays unavailable: %s",
                     qPrintable(m_parts->simulators->error()));
    } else {
        try {
            // Device passwords are sealed with the secrets key, kept outside the database.
            QString keyError;
            const auto key =
                store::secrets::loadOrCreateKeyFile(m_storeConfig.secretsKeyFile, 1, &keyError);
            if (!key)
                qWarning("opswall: device passwords: %s", qPrintable(keyError));
            const devices::ParsedConfig parsed =
                devices::DeviceConfigStore(m_db, key ? key->key : QByteArray()).load(ids);
            config = parsed.config;
            for (const auto &issue : parsed.issues)
                qWarning("opswall: device bindings: %s", qPrintable(issue.toString()));
        } catch (const store::Error &e) {
            qWarning("opswall: device bindings: %s", e.what());
        }
    }
    if (config) {
        for (const auto &issue : m_parts->devices->setConfig(*config))
            qWarning("opswall: device bindings: %s", qPrintable(issue.toString()));
        m_parts->devices->start();
    }
#ifdef OPSWALL_WITH_CALIBRATION
    // Technician calibration: profiles in the wall's database, runs through the device service.
    try {
        m_parts->calibrationStore = std::make_unique<calibration::ProfileStore>(m_db);
        m_parts->calibration = std::make_unique<calibration::CalibrationService>(
            m_state, m_dispatcher, *m_parts->calibrationStore, m_parts->devices.get());
        opswall::provide(&engine, m_parts->calibration.get());
        m_parts->calibration->setWallSaver([this](const wall::Wall &w) { m_store.saveWall(w); });
        m_kindSources.insert(QStringLiteral("calibrationPattern"),
                             QStringLiteral("qrc:/OpsWall/Calibration/TestPattern.qml"));
    } catch (const store::Error &e) {
        qWarning("opswall: calibration unavailable: %s", e.what());
    }
#endif
#endif
}

bool Services::startControl() {
#ifdef OPSWALL_WITH_CONTROL
    m_parts->sink = makeDispatcherSink(m_dispatcher, m_state, m_store, *m_parts, *this);
    m_parts->control = std::make_unique<control::ControlService>(m_db, m_parts->sink.get());
    control::ControlService *ctl = m_parts->control.get();
    // Every action, whoever submits it, is audited and published from the dispatcher: its audit
    // row is written in the action's own transaction on the store thread.
    m_dispatcher.setAuditRows(
        [ctl](const Caller &c, const Action &a) {
            control::AuditLog::Deferred d = ctl->audit().defer(c, a);
            return wall::Dispatcher::AuditRow{
                std::move(d.write), [alive = QPointer<control::ControlService>(ctl),
                                     refused = std::move(d.refused)](const ActionResult &r) {
                    if (alive) // not when the transaction failed during shutdown
                        refused(r);
                }};
        },
        &m_db);
    m_dispatcher.setAuditHook(
        [](const Caller &c, const Action &a, const ActionResult &r) { logAction(c, a, r); });
    // The dispatcher checked the role (once); the gate adds the control lock.
    m_dispatcher.setGate(
        [ctl](const Action &a, const Caller &c) { return ctl->lockRefusal(c, a.type); });
    connect(&m_dispatcher, &wall::Dispatcher::event, ctl,
            [ctl](const QJsonObject &ev) { ctl->publish(ev); });
    countFigures(*m_parts, ctl);
#ifdef OPSWALL_WITH_BRIEFING
    // Starting a briefing takes the control lock in the caller's name; ending releases it.
    if (m_parts->runner)
        m_parts->runner->setLockHooks(
            {[ctl](const Caller &c, qint64 ttlMs, const QString &reason) {
                 ActionResult r = ctl->lock().acquire(c, ctl->nowMs(), ttlMs, reason);
                 if (r.ok)
                     ctl->publish({{QStringLiteral("type"), QStringLiteral("lock.acquire")},
                                   {QStringLiteral("by"), c.user},
                                   {QStringLiteral("data"), r.data}});
                 return r;
             },
             [ctl](const Caller &c) {
                 ActionResult r = ctl->lock().release(c, ctl->nowMs());
                 if (r.ok)
                     ctl->publish({{QStringLiteral("type"), QStringLiteral("lock.release")},
                                   {QStringLiteral("by"), c.user},
                                   {QStringLiteral("data"), r.data}});
                 return r;
             }});
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices) {
        connect(m_parts->devices.get(), &devices::DeviceService::alertRaised, ctl,
                [ctl](const QJsonObject &a) {
                    QJsonObject ev = a;
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
                    ctl->publish(ev);
                });
#ifdef OPSWALL_WITH_CALIBRATION
        if (m_parts->calibration)
            connect(m_parts->calibration.get(), &calibration::CalibrationService::runFinished, ctl,
                    [ctl](const QJsonObject &run) {
                        ctl->publish(
                            {{QStringLiteral("type"), QStringLiteral("calibration.finished")},
                             {QStringLiteral("run"), run}});
                    });
#endif
        connect(m_parts->devices.get(), &devices::DeviceService::commandFinished, ctl,
                [ctl](quint64 id, const QJsonObject &perDisplay) {
                    ctl->publish({{QStringLiteral("type"), QStringLiteral("device.finished")},
                                  {QStringLiteral("requestId"), qint64(id)},
                                  {QStringLiteral("displays"), perDisplay}});
                });
    }
#endif
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        connect(m_parts->feeds->alerts(), &feeds::AlertManager::alertRaised, ctl,
                [ctl](const feeds::Alert &a) {
                    QJsonObject ev = alertJson(a);
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
                    ctl->publish(ev);
                });
#endif
    // The store's health as an alert: raised when it refuses writes, cleared when it is back.
    m_db.setStatusListener([ctl, this](const store::StoreStatus &st) {
        if (!st.available) {
            qWarning("opswall: the store refuses writes: %s", qPrintable(st.reason));
            QJsonObject ev = storeAlert();
            ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
            ctl->publish(ev);
        } else {
            qInfo("opswall: the store accepts writes again");
            ctl->publish({{QStringLiteral("type"), QStringLiteral("alert.cleared")},
                          {QStringLiteral("id"), QStringLiteral("store.unavailable")},
                          {QStringLiteral("source"), QStringLiteral("store")}});
        }
    });
    {
        QString err;
        if (!ctl->setupAudit(m_storeConfig.auditKeyFile, m_storeConfig.auditAnchorFile,
                             m_storeConfig.auditAnchorIntervalSeconds, &err)) {
            m_error = QStringLiteral("the audit key: %1").arg(err);
            return false;
        }
    }
    const QString tokenFile =
        m_options.adminTokenFile.isEmpty()
            ? QFileInfo(m_db.path()).absolutePath() + QStringLiteral("/admin-token")
            : m_options.adminTokenFile;
    try {
        if (const auto written = ctl->tokens().ensureAdminToken(tokenFile))
            qInfo("opswall: first start: the admin token is in %s (readable by this user only; "
                  "the file is removed when the token is first used)",
                  qPrintable(*written));
    } catch (const std::exception &e) {
        // First start only (no admin token yet): without the file nobody could administer the
        // wall, so say why and stop rather than run unmanageable.
        m_error =
            QStringLiteral("the first-start admin token: %1").arg(QString::fromUtf8(e.what()));
        return false;
    }
    QString err;
    // The line protocol is on by default, on loopback, on the port after the API's.
    control::ServerConfig config;
    config.lineEnabled = true;
    bool linePortSet = false;
    if (!m_options.apiConfigPath.isEmpty()) {
        QFile f(m_options.apiConfigPath);
        const QByteArray json = f.open(QIODevice::ReadOnly) ? f.read(1024 * 1024) : QByteArray();
        if (json.isEmpty() || !config.applyJson(json, &err)) {
            m_error = QStringLiteral("--api-config %1: %2")
                          .arg(m_options.apiConfigPath, err.isEmpty() ? f.errorString() : err);
            return false;
        }
        linePortSet = QJsonDocument::fromJson(json)[QLatin1String("line")].toObject().contains(
            QLatin1String("listen"));
    }
    std::optional<control::ServerConfig> cfg = config;
    if (!m_options.apiBind.isEmpty()) { // --api wins over the file's "listen"
        const auto listen = control::ServerConfig::parseListen(m_options.apiBind, &err);
        if (!listen) {
            m_error = QStringLiteral("--api %1: %2").arg(m_options.apiBind, err);
            return false;
        }
        cfg->host = listen->host;
        cfg->port = listen->port;
    }
    if (!linePortSet)
        cfg->linePort = cfg->port == 0 ? 0 : std::uint16_t(cfg->port + 1);
    m_parts->server = std::make_unique<control::ControlServer>(*cfg, ctl);
    if (!m_parts->server->start(&err)) {
        m_error = QStringLiteral("the control API cannot start: %1").arg(err);
        m_parts->server.reset();
        return false;
    }
    m_apiAddress = QStringLiteral("%1:%2").arg(cfg->host).arg(m_parts->server->httpPort());
    qInfo("opswall: control API on %s/api/v1 (line protocol on port %u)",
          qPrintable(m_parts->server->baseUrl()), unsigned(m_parts->server->linePort()));
#endif
    return true;
}

bool Services::startPanels() {
#ifdef OPSWALL_WITH_PANELS
    wall::Dispatcher *dispatcher = &m_dispatcher;
    panels::PanelService::Submit submit = [dispatcher](const Action &a, const Caller &c,
                                                       panels::PanelService::Done done) {
        dispatcher->submit(a, c, [done](const ActionResult &r) { done(r); });
    };
#ifdef OPSWALL_WITH_CONTROL
    // The control lock lives in ControlService; everything else goes straight to the dispatcher
    // (in its own terms, not the API's), which checks the role and the lock and audits.
    if (control::ControlService *ctl = m_parts->control.get()) {
        submit = [dispatcher, ctl](const Action &a, const Caller &c,
                                   panels::PanelService::Done done) {
            if (control::ControlService::ownsAction(a.type))
                ctl->execute(a, c, [done](const ActionResult &r) { done(r); });
            else
                dispatcher->submit(a, c, [done](const ActionResult &r) { done(r); });
        };
    }
#endif
    m_parts->panels = std::make_unique<panels::PanelService>(submit);
    panels::PanelService *panels = m_parts->panels.get();
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->sink) {
        control::ActionSink *sink = m_parts->sink.get();
        panels->setSnapshot([sink](const QString &what) { return sink->snapshot(what); });
    }
    if (m_parts->control)
        connect(m_parts->control.get(), &control::ControlService::eventPublished, panels,
                &panels::PanelService::onWallEvent);
    else
#endif
        connect(&m_dispatcher, &wall::Dispatcher::event, panels,
                &panels::PanelService::onWallEvent);
    // The panels document: --panels FILE is checked and stored; otherwise the stored one.
    panels::BindingContext context;
    context.actions = knownActionTypes();
    for (const store::PresetInfo &info : m_store.presets())
        context.presets.insert(info.id);
    for (const wall::Display &d : m_state.wall().displays)
        context.displays.insert(d.id);
    panels::PanelsConfig config;
    try {
        panels::PanelStore store(m_db);
        if (!m_options.panelsPath.isEmpty()) {
            QFile f(m_options.panelsPath);
            const QByteArray json =
                f.open(QIODevice::ReadOnly) ? f.read(4 * 1024 * 1024) : QByteArray();
            const panels::ParsedPanels parsed = panels::parsePanels(json, context);
            if (!parsed.config) {
                QStringList lines;
                for (const wall::Issue &i : parsed.issues)
                    lines << i.toString();
                m_error = QStringLiteral("--panels %1: %2")
                              .arg(m_options.panelsPath, lines.join(QStringLiteral("; ")));
                return false;
            }
            config = *parsed.config;
            store.save(config);
        } else {
            const panels::ParsedPanels parsed = store.load(context);
            for (const wall::Issue &i : parsed.issues)
                qWarning("opswall: panels: %s", qPrintable(i.toString()));
            if (parsed.config)
                config = *parsed.config;
            else if (!parsed.issues.isEmpty())
                qWarning("opswall: panels: the stored document no longer fits this wall; no "
                         "panel is started until it is corrected (opswall --panels FILE)");
        }
    } catch (const store::Error &e) {
        qWarning("opswall: panels: %s", e.what());
    }
    const QString oscBind = !m_options.oscBind.isEmpty() ? m_options.oscBind : config.osc.listen;
    if (!oscBind.isEmpty()) {
        panels::OscSettings osc;
        if (!panels::splitHostPort(oscBind, &osc.host, &osc.port)) {
            m_error =
                QStringLiteral("--osc %1: expected HOST:PORT, e.g. 127.0.0.1:9000").arg(oscBind);
            return false;
        }
        osc.allow = config.osc.allow;
        osc.feedbackTo = config.osc.feedbackTo;
        osc.role = config.osc.role;
        QString err;
        if (!panels->startOsc(osc, &err)) {
            m_error = QStringLiteral("--osc %1: %2").arg(oscBind, err);
            return false;
        }
    }
    m_parts->panelsConfig = config;
    panels->startPanels(config.panels);
    // panel.bind and panel.test through the dispatcher: checked, audited, refused in words.
    store::Database *db = &m_db;
    Parts *parts = m_parts.get();
    store::WallStore *wallStore = &m_store;
    m_dispatcher.addHandler(
        QStringLiteral("panel."),
        [parts, db, wallStore, context](const Action &a, const Caller &) -> ActionResult {
            const QString id = a.params.value(QStringLiteral("id")).toString();
            panels::Panel *panel = nullptr;
            for (panels::Panel &p : parts->panelsConfig.panels)
                if (p.id == id)
                    panel = &p;
            if (!panel)
                return ActionResult::failure(QStringLiteral("not_found"),
                                             QStringLiteral("no panel '%1'").arg(id),
                                             QStringLiteral("id"));
            const QJsonValue keyValue = a.params.value(QStringLiteral("key"));
            const int key = keyValue.isDouble() ? int(keyValue.toDouble()) : -1;
            if (a.type == QLatin1String("panel.test")) {
                const panels::Page *page = nullptr;
                for (const QJsonValue &st : parts->panels->status())
                    if (st[QLatin1String("id")].toString() == id)
                        page = panel->page(st[QLatin1String("page")].toString());
                if (!page || !page->button(key))
                    return ActionResult::failure(
                        QStringLiteral("not_found"),
                        QStringLiteral("key %1 has no button on the page panel '%2' shows")
                            .arg(key)
                            .arg(id),
                        QStringLiteral("key"));
                // After this action is audited: the press then acts as the panel would, with
                // its own role, and is audited on its own (via=panel).
                panels::PanelService *service = parts->panels.get();
                QMetaObject::invokeMethod(
                    service,
                    [service, id, key] {
                        QString ignored;
                        service->press(id, key, &ignored);
                    },
                    Qt::QueuedConnection);
                return ActionResult::success({{QStringLiteral("panel"), id},
                                              {QStringLiteral("key"), key},
                                              {QStringLiteral("accepted"), true}});
            }
            if (a.type != QLatin1String("panel.bind"))
                return ActionResult::failure(QStringLiteral("unknown_action"),
                                             QStringLiteral("%1 is not an action").arg(a.type),
                                             QStringLiteral("type"));
            const QString pageId =
                a.params.value(QStringLiteral("page"))
                    .toString(panel->pages.isEmpty() ? QString() : panel->pages.first().id);
            panels::Panel changed = *panel;
            panels::Page *page = nullptr;
            for (panels::Page &pg : changed.pages)
                if (pg.id == pageId)
                    page = &pg;
            if (!page)
                return ActionResult::failure(
                    QStringLiteral("not_found"),
                    QStringLiteral("panel '%1' has no page '%2'").arg(id, pageId),
                    QStringLiteral("page"));
            panels::Button button;
            button.key = key;
            button.label = a.params.value(QStringLiteral("label")).toString();
            button.action = a.params.value(QStringLiteral("action")).toString();
            button.params = a.params.value(QStringLiteral("params")).toObject();
            panels::BindingContext now = context;
            now.presets.clear();
            for (const store::PresetInfo &info : wallStore->presets())
                now.presets.insert(info.id);
            const QList<wall::Issue> issues =
                panels::validateButton(button, changed, now, QString());
            if (!issues.isEmpty())
                return ActionResult::failure(QStringLiteral("invalid"), issues.first().message,
                                             issues.first().path);
            page->buttons.removeIf([key](const panels::Button &b) { return b.key == key; });
            page->buttons.append(button);
            std::sort(
                page->buttons.begin(), page->buttons.end(),
                [](const panels::Button &x, const panels::Button &y) { return x.key < y.key; });
            panels::PanelStore(*db).save([&] {
                panels::PanelsConfig c = parts->panelsConfig;
                for (panels::Panel &p : c.panels)
                    if (p.id == id)
                        p = changed;
                return c;
            }());
            *panel = changed;
            parts->panels->updatePanel(changed);
            return ActionResult::success({{QStringLiteral("panel"), id},
                                          {QStringLiteral("page"), pageId},
                                          {QStringLiteral("key"), key},
                                          {QStringLiteral("action"), button.action},
                                          {QStringLiteral("label"), button.label}});
        });
#endif
    return true;
}

bool Services::feedsSettled() const {
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        for (const feeds::FeedDefinition &def : m_parts->feeds->scheduler()->definitions().all()) {
            // Live push sources stream for ever; only pulled feeds have a first answer to wait for.
            const feeds::FeedStatus st = m_parts->feeds->scheduler()->status(def.id);
            if (def.push == feeds::PushKind::None && !st.lastSuccess.isValid() &&
                st.consecutiveFailures == 0)
                return false;
        }
#endif
    return true;
}

void Services::stop() {
    m_db.setStatusListener({});
    if (!m_parts)
        return;
#ifdef OPSWALL_WITH_PANELS
    if (m_parts->panels)
        m_parts->panels->stop(2000);
#endif
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->server)
        m_parts->server->stop();
    m_dispatcher.setAuditHook({});
    m_dispatcher.setAuditRows({}, nullptr);
    m_dispatcher.setGate({});
#endif
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices)
        m_parts->devices->stop(3000);
    if (m_parts->simulators)
        m_parts->simulators->stop();
#endif
#ifdef OPSWALL_WITH_VIDEO
    if (m_parts->video)
        m_parts->video->shutdown();
#endif
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        m_parts->feeds->stop();
#endif
    m_demo.stopAll();
}

} // namespace opswall::shell
