#include "shell/services.h"

#include "shell/alertacks.h"
#include "shell/servicesparts.h"

#include "core/engineservices.h"
#include "store/retention.h"
#include "store/storethread.h"
#include "wall/tilekinds.h"

#include <QDateTime>
#include <QFile>
#include <QThreadPool>

namespace opswall::shell {

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
    // Fail back (POST /controller/failback) asked of a controller with no hot standby configured;
    // the standby role (standbyrole.cpp), added after this when configured, answers it instead.
    m_dispatcher.addHandler(QStringLiteral("controller."), [](const Action &a, const Caller &) {
        return ActionResult::failure(
            QStringLiteral("conflict"),
            QStringLiteral("\"%1\": this controller has no hot standby (--role controller "
                           "--standby-listen HOST:PORT, app/nodes/README.md)")
                .arg(a.type));
    });
    // Device and store acknowledgements outlive a restart (alertacks.h).
    try {
        setupAlertAcks(m_db, m_alerts);
    } catch (const store::Error &e) {
        qWarning("opswall: alert acknowledgements are not kept: %s", e.what());
    }
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
    // On the store thread: the GUI thread never waits for the deletes (or the audit export).
    const store::RetentionConfig r = m_storeConfig.retention;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    const auto wallRetention = [r, now](store::Database &db) {
        try {
            const store::RetentionResult done = store::applyWallRetention(db, r, now);
            if (done.layoutHistoryRows || done.presetRevisions)
                qInfo("opswall: retention: %d layout history rows and %d preset revisions removed",
                      done.layoutHistoryRows, done.presetRevisions);
        } catch (const std::exception &e) {
            qWarning("opswall: retention of the wall's history failed: %s", e.what());
        }
    };
    std::function<void(store::Database &)> auditRetention;
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->control && r.auditDays > 0)
        auditRetention = [key = m_parts->control->audit().key(),
                          before = now - qint64(r.auditDays) * 86'400'000,
                          dir = m_storeConfig.auditExportDir](store::Database &db) {
            try {
                control::AuditLog log(db);
                log.setKey(key);
                const auto pruned = log.exportAndPrune(before, dir);
                if (pruned.rows)
                    qInfo("opswall: retention: %d audit rows exported to %s, then pruned",
                          pruned.rows, qPrintable(pruned.file));
            } catch (const std::exception &e) {
                qWarning("opswall: retention of the audit failed (nothing pruned): %s", e.what());
            }
        };
#endif
    const auto job = [wallRetention, auditRetention](store::Database &db) {
        wallRetention(db);
        if (auditRetention)
            auditRetention(db);
    };
    if (store::StoreThread *writer = m_db.writer())
        writer->post(job, this, {}, &m_db);
    else
        job(m_db);
}

bool Services::start(QQmlEngine &engine) {
    engine.addImportPath(QStringLiteral("qrc:/"));
    if (!startStore())
        return false;
    startFeeds(engine);
    startVideo(engine);
    startMaps(engine);
    // A render node draws what its controller replicates: no API, devices, panels or briefings
    // of its own, and no feed is configured in its cache, so it contacts no feed server.
    if (m_options.role == ProcessRole::Node)
        return true;
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

int Services::seriesReadsInFlight() const {
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        return m_parts->feeds->readModel().readsInFlight();
#endif
    return 0;
}

bool Services::feedsSettled() const {
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds)
        for (const feeds::FeedStatus &st : m_parts->feeds->scheduler()->statuses()) {
            // Live push sources stream for ever; only pulled feeds have a first answer to wait
            // for. The scheduler's own copies: no read of the store here.
            const auto def = m_parts->feeds->scheduler()->definition(st.feedId);
            if (def && def->push == feeds::PushKind::None && !st.lastSuccess.isValid() &&
                st.consecutiveFailures == 0)
                return false;
        }
    // A feed's status says ok when its rows are stored; the tiles have them once the read model
    // delivered them, and a chart's forecast or a parse may still be computing.
    if (m_parts->feeds &&
        (!m_parts->feeds->readModel().idle() || m_parts->feeds->readModel().readsInFlight() > 0))
        return false;
    if (QThreadPool::globalInstance()->activeThreadCount() > 0)
        return false;
#endif
    return true;
}

void Services::quiesce() {
    m_retentionTimer.stop();
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices && m_parts->devices->isRunning()) {
        m_parts->devices->stop(3000);
        qInfo("opswall: fenced: display polling and commands stopped");
    }
#endif
#ifdef OPSWALL_WITH_FEEDS
    if (m_parts->feeds) {
        m_parts->feeds->stop();
        qInfo("opswall: fenced: the feeds stopped fetching");
    }
#endif
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
