// Services: video sources, maps and display devices.
#include "shell/services.h"

#include "shell/servicesparts.h"

#ifdef OPSWALL_WITH_VIDEO
#include "video/gstsupport.h"
#endif

#include "core/engineservices.h"
#include "core/permissions.h"
#include "store/secrets.h"

#include <QDateTime>
#include <QRegularExpression>
#include <QUrl>

#ifdef OPSWALL_WITH_DEVICES
#include "devices/configstore.h"
#endif

namespace opswall::shell {

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

std::shared_ptr<Services::Ahead> Services::buildAhead() {
    auto ahead = std::make_shared<Ahead>();
#ifdef OPSWALL_WITH_VIDEO
    video::initGStreamer(); // once per process; VideoHub's own call is then at once
#endif
#ifdef OPSWALL_WITH_MAPS
    ahead->geo = std::make_unique<maps::GeoLibrary>();
    ahead->geo->preload({34, 63}); // on its worker thread: the caller's thread goes on
#endif
    return ahead;
}

void Services::startMaps([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_MAPS
    const bool ahead = m_ahead && m_ahead->geo; // both sets preloaded ahead (a standby)
    m_parts->geo = ahead ? std::move(m_ahead->geo) : std::make_unique<maps::GeoLibrary>();
    opswall::provide(&engine, m_parts->geo.get());
    // The boundary sets decode on a worker thread while start-up goes on, so that the first map
    // tile does not decode them on the GUI thread; the feeds need the 63-unit names right now,
    // so that set is decoded here (in parallel with the worker's 34-unit set).
#ifdef OPSWALL_WITH_FEEDS
    if (!ahead)
        m_parts->geo->preload({34});
#else
    if (!ahead)
        m_parts->geo->preload({34, 63});
#endif
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
        // On the store thread (in the calibration action's transaction).
        m_parts->calibration->setWallSaver(
            [this](const wall::Wall &w, std::function<void()> committed) {
                m_db.writeThen(
                    [w](store::Database &db) {
                        store::WallStore(db, store::WallStore::AlreadyMigrated{}).saveWall(w);
                    },
                    std::move(committed));
            });
        m_kindSources.insert(QStringLiteral("calibrationPattern"),
                             QStringLiteral("qrc:/OpsWall/Calibration/TestPattern.qml"));
    } catch (const store::Error &e) {
        qWarning("opswall: calibration unavailable: %s", e.what());
    }
#endif
#endif
}
} // namespace opswall::shell
