#include "shell/services.h"

#include "core/engineservices.h"
#include "wall/walljson.h"

#include <QDateTime>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QRegularExpression>

#ifdef OPSWALL_WITH_FEEDS
#include "feeds/feedhub.h"
#include "indicatordata.h"
#endif
#ifdef OPSWALL_WITH_VIDEO
#include "video/videohub.h"
#endif
#ifdef OPSWALL_WITH_MAPS
#include "maps/geolibrary.h"
#include "maps/mapvalues.h"
#endif
#ifdef OPSWALL_WITH_DEVICES
#include "devices/configstore.h"
#include "devices/demosimulators.h"
#include "devices/deviceservice.h"
#endif
#ifdef OPSWALL_WITH_CONTROL
#include "control/actionsink.h"
#include "control/apiserver.h"
#include "control/controlservice.h"
#include "control/serverconfig.h"
#endif

namespace opswall::shell {

namespace {
const Caller kStartup{QStringLiteral("startup"), Role::Admin, QStringLiteral("local"),
                      QStringLiteral("startup")};

QJsonObject items(const QJsonArray &a) {
    return {{QStringLiteral("items"), a}};
}

#ifdef OPSWALL_WITH_FEEDS
QJsonObject alertJson(const feeds::Alert &a) {
    return {{QStringLiteral("id"), qint64(a.id)},
            {QStringLiteral("source"), QStringLiteral("feeds")},
            {QStringLiteral("rule"), a.ruleId},
            {QStringLiteral("indicator"), a.indicator},
            {QStringLiteral("feed"), a.feedId},
            {QStringLiteral("severity"), feeds::severityName(a.severity)},
            {QStringLiteral("message"), a.message},
            {QStringLiteral("since"), a.raisedAt.toString(Qt::ISODate)},
            {QStringLiteral("acknowledgedBy"), a.acknowledgedBy}};
}
#endif
} // namespace

struct Services::Parts {
#ifdef OPSWALL_WITH_FEEDS
    QNetworkAccessManager nam;
    std::unique_ptr<feeds::FeedHub> feeds;
    std::unique_ptr<indicators::IndicatorData> indicators;
#endif
#ifdef OPSWALL_WITH_VIDEO
    std::unique_ptr<video::VideoHub> video;
#endif
#ifdef OPSWALL_WITH_MAPS
    std::unique_ptr<maps::GeoLibrary> geo;
#endif
#ifdef OPSWALL_WITH_DEVICES
    std::unique_ptr<devices::DemoSimulators> simulators;
    std::unique_ptr<devices::DeviceService> devices;
#endif
#ifdef OPSWALL_WITH_CONTROL
    std::unique_ptr<control::ActionSink> sink;
    std::unique_ptr<control::ControlService> control;
    std::unique_ptr<control::ControlServer> server;
#endif
};

#ifdef OPSWALL_WITH_CONTROL
namespace {
// The dispatcher as the control API sees it: actions are applied at once on the GUI thread;
// snapshots are read from the live state, the store and the other layers.
class DispatcherSink : public control::ActionSink {
public:
    DispatcherSink(wall::Dispatcher &d, wall::WallState &s, store::WallStore &st,
                   Services::Parts &parts, const Services &services)
        : m_dispatcher(d)
        , m_state(s)
        , m_store(st)
        , m_parts(parts)
        , m_services(services) {}

    void submit(Action action, Caller caller, Done done) override {
        done(m_dispatcher.dispatch(adapt(std::move(action)), caller));
    }

    // The API's resource-shaped parameters (app/control/router.cpp, openapi.yaml) in the
    // dispatcher's terms: ids from the path are strings there, tiles are given by their fields.
    Action adapt(Action a) const {
        QJsonObject &p = a.params;
        const QString t = a.type;
        auto numberFrom = [&p](const QString &from, const QString &to) {
            const QJsonValue v = p.value(from);
            bool ok = false;
            const int n = v.isString() ? v.toString().toInt(&ok) : 0;
            p.remove(from);
            p.insert(to, ok ? QJsonValue(n) : v);
        };
        if (t == QLatin1String("preset.recall") || t == QLatin1String("preset.delete") ||
            t == QLatin1String("alert.ack")) {
            p.remove(QStringLiteral("transition"));
            p.remove(QStringLiteral("note"));
            numberFrom(QStringLiteral("id"), QStringLiteral("id"));
        } else if (t == QLatin1String("layout.stage") && p.contains(QStringLiteral("layoutId"))) {
            numberFrom(QStringLiteral("layoutId"), QStringLiteral("id"));
        } else if (t == QLatin1String("layout.publish")) {
            p.remove(QStringLiteral("transition"));
        } else if (t == QLatin1String("preset.save") && p.contains(QStringLiteral("layoutId"))) {
            numberFrom(QStringLiteral("layoutId"), QStringLiteral("fromPreset"));
        } else if (t == QLatin1String("tile.add")) {
            QJsonObject binding = p.value(QStringLiteral("options")).toObject();
            if (p.contains(QStringLiteral("source")))
                binding.insert(QStringLiteral("source"), p.value(QStringLiteral("source")));
            int n = int(m_state.layout().tiles.size()) + 1;
            while (m_state.layout().tile(QStringLiteral("t%1").arg(n)))
                ++n;
            QJsonObject tile{
                {QStringLiteral("id"), QStringLiteral("t%1").arg(n)},
                {QStringLiteral("kind"), p.value(QStringLiteral("kind"))},
                {QStringLiteral("rect"),
                 QJsonObject{{QStringLiteral("x"), p.value(QStringLiteral("x"))},
                             {QStringLiteral("y"), p.value(QStringLiteral("y"))},
                             {QStringLiteral("width"), p.value(QStringLiteral("width"))},
                             {QStringLiteral("height"), p.value(QStringLiteral("height"))}}},
                {QStringLiteral("binding"), binding}};
            if (p.contains(QStringLiteral("z")))
                tile.insert(QStringLiteral("z"), p.value(QStringLiteral("z")));
            p = {{QStringLiteral("tile"), tile}};
        } else if (t == QLatin1String("tile.move")) {
            // Any of x, y, width, height, z, title, and options merged into the binding (a null
            // option removes the key): one tile.update, so one undo step.
            const wall::Tile *tile =
                m_state.layout().tile(p.value(QStringLiteral("id")).toString());
            if (tile) {
                QJsonObject rect{{QStringLiteral("x"), tile->rectMm.x()},
                                 {QStringLiteral("y"), tile->rectMm.y()},
                                 {QStringLiteral("width"), tile->rectMm.width()},
                                 {QStringLiteral("height"), tile->rectMm.height()}};
                for (const char *k : {"x", "y", "width", "height"})
                    if (p.contains(QLatin1String(k)))
                        rect.insert(QLatin1String(k), p.value(QLatin1String(k)));
                QJsonObject update{{QStringLiteral("id"), tile->id},
                                   {QStringLiteral("rect"), rect}};
                if (p.contains(QStringLiteral("z")))
                    update.insert(QStringLiteral("z"), p.value(QStringLiteral("z")));
                if (p.contains(QStringLiteral("title")))
                    update.insert(QStringLiteral("title"), p.value(QStringLiteral("title")));
                if (p.contains(QStringLiteral("options"))) {
                    QJsonObject binding = tile->binding;
                    const QJsonObject options = p.value(QStringLiteral("options")).toObject();
                    for (auto it = options.begin(); it != options.end(); ++it) {
                        if (it->isNull())
                            binding.remove(it.key());
                        else
                            binding.insert(it.key(), *it);
                    }
                    update.insert(QStringLiteral("binding"), binding);
                }
                a.type = QStringLiteral("tile.update");
                p = update;
            }
        } else if (t == QLatin1String("device.command")) {
            const QString id = p.value(QStringLiteral("id")).toString();
            const QJsonObject args = p.value(QStringLiteral("args")).toObject();
            QJsonObject cmd{{QStringLiteral("command"), p.value(QStringLiteral("command"))},
                            {QStringLiteral("displays"), id == QLatin1String("all")
                                                             ? QJsonValue(QStringLiteral("all"))
                                                             : QJsonValue(QJsonArray{id})}};
            if (args.contains(QStringLiteral("value")))
                cmd.insert(QStringLiteral("value"), args.value(QStringLiteral("value")));
            p = cmd;
        }
        return a;
    }

    QJsonObject snapshot(const QString &what) override {
        const QString head = what.section(QLatin1Char(':'), 0, 0);
        const QString arg = what.section(QLatin1Char(':'), 1);
        if (head == QLatin1String("wall")) {
            // Geometry and outputs, with each display's state as its controller last reported.
            QJsonObject w = wall::wallToJson(m_state.wall());
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices)
                w.insert(QStringLiteral("displayStates"), m_parts.devices->snapshot());
#endif
            return w;
        }
        if (head == QLatin1String("status"))
            return {{QStringLiteral("layout"), m_state.layout().name},
                    {QStringLiteral("tiles"), m_state.layout().tiles.size()},
                    {QStringLiteral("displays"), m_state.wall().displays.size()},
                    {QStringLiteral("revision"), qint64(m_state.revision())}};
        if (head == QLatin1String("presets") || head == QLatin1String("layouts")) {
            QJsonArray a;
            for (const store::PresetInfo &p : m_store.presets())
                a.append(info(p));
            return items(a);
        }
        if (head == QLatin1String("preset") || head == QLatin1String("layout")) {
            const auto p = m_store.preset(arg.toInt());
            if (!p)
                return {};
            QJsonObject o = info(p->info);
            o.insert(QStringLiteral("layout"), wall::layoutToJson(p->layout));
            return o;
        }
        if (head == QLatin1String("tiles")) {
            QJsonArray a;
            for (const wall::Tile &t : m_state.layout().tiles)
                a.append(wall::tileToJson(t));
            return items(a);
        }
        if (head == QLatin1String("layout-revision")) {
            const auto l = m_store.liveLayoutRevision(arg.toLongLong());
            return l ? wall::layoutToJson(*l) : QJsonObject();
        }
        if (head == QLatin1String("sources") || head == QLatin1String("source")) {
            QJsonArray a;
#ifdef OPSWALL_WITH_VIDEO
            if (m_parts.video)
                for (const video::VideoSource &s : m_parts.video->sources()) {
                    if (head == QLatin1String("source") && s.id == arg)
                        return s.toJson();
                    a.append(s.toJson());
                }
#endif
            return head == QLatin1String("sources") ? items(a) : QJsonObject();
        }
        if (head == QLatin1String("feeds")) {
            QJsonArray a;
#ifdef OPSWALL_WITH_FEEDS
            if (m_parts.feeds)
                for (const feeds::FeedStatus &f : m_parts.feeds->scheduler()->statuses())
                    a.append(QJsonObject{
                        {QStringLiteral("id"), f.feedId},
                        {QStringLiteral("state"), int(f.state)},
                        {QStringLiteral("lastError"), f.lastError},
                        {QStringLiteral("lastSuccess"), f.lastSuccess.toString(Qt::ISODate)},
                        { QStringLiteral("ageSeconds"),
                          qint64(f.ageSecs(QDateTime::currentDateTimeUtc())) }});
#endif
            return items(a);
        }
        if (head == QLatin1String("alerts")) {
            QJsonArray a;
#ifdef OPSWALL_WITH_FEEDS
            if (m_parts.feeds)
                for (const feeds::Alert &al : m_parts.feeds->alerts()->openAlerts())
                    a.append(alertJson(al));
#endif
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices)
                for (const QJsonValue &v : m_parts.devices->activeAlerts())
                    a.append(v);
#endif
            return items(a);
        }
        if (head == QLatin1String("devices") || head == QLatin1String("device")) {
#ifdef OPSWALL_WITH_DEVICES
            if (m_parts.devices) {
                const QJsonArray all = m_parts.devices->snapshot();
                if (head == QLatin1String("devices"))
                    return items(all);
                for (const QJsonValue &v : all)
                    if (v[QStringLiteral("display")].toString() == arg ||
                        v[QStringLiteral("id")].toString() == arg)
                        return v.toObject();
                return {};
            }
#endif
            return head == QLatin1String("devices") ? items({}) : QJsonObject();
        }
        if (head == QLatin1String("province"))
            return province(arg.section(QLatin1Char(':'), 0, 0),
                            arg.section(QLatin1Char(':'), 1, 1),
                            arg.section(QLatin1Char(':'), 2, 2));
        if (head == QLatin1String("health")) {
            // Frame rate per output and every stream's state, for health and metrics.
            QJsonObject h = m_services.renderStats();
            QJsonArray streams;
#ifdef OPSWALL_WITH_VIDEO
            if (m_parts.video)
                streams = m_parts.video->streamStates();
#endif
            h.insert(QStringLiteral("activeStreams"), streams.size());
            h.insert(QStringLiteral("streams"), streams);
            return h;
        }
        return {};
    }

private:
    // What a map tile of the live layout shows for one province, computed from the tile's binding
    // by the same functions the map item draws with (app/maps/mapvalues.h). {} when the tile is
    // not a map or the code is not one of the map's provinces.
    QJsonObject province([[maybe_unused]] const QString &tileId,
                         [[maybe_unused]] const QString &code,
                         [[maybe_unused]] const QString &language) const {
#ifdef OPSWALL_WITH_MAPS
        const wall::Tile *tile = m_state.layout().tile(tileId);
        if (!tile || tile->kind != QLatin1String("map") || !m_parts.geo)
            return {};
        QVariantMap binding = tile->binding.toVariantMap();
#ifdef OPSWALL_WITH_FEEDS
        if (binding.contains(QStringLiteral("indicator")) && m_parts.indicators)
            binding = m_parts.indicators->mapBinding(binding, language);
#endif
        const maps::MapBinding b = maps::mapBindingFromVariant(binding);
        QString error;
        const auto geo = m_parts.geo->provinces(b.units, &error);
        if (!geo)
            return {};
        const int fromUnits = b.dataUnits == 0 ? b.units : b.dataUnits;
        const maps::Crosswalk crosswalk =
            fromUnits != b.units ? m_parts.geo->crosswalk(&error) : maps::Crosswalk{};
        const maps::MapValues shown = maps::computeMapValues(geo->features, crosswalk, b);
        QJsonObject o =
            QJsonObject::fromVariantMap(maps::provinceInfo(geo->features, shown, b, code));
        if (o.isEmpty())
            return {};
        o.insert(QStringLiteral("tile"), tileId);
        o.insert(QStringLiteral("units"), b.units);
        o.insert(QStringLiteral("messages"),
                 QJsonArray::fromStringList(b.messages + shown.messages));
        return o;
#else
        return {};
#endif
    }

    static QJsonObject info(const store::PresetInfo &p) {
        return {{QStringLiteral("id"), p.id},
                {QStringLiteral("name"), p.name},
                {QStringLiteral("forLeaders"), p.forLeaders},
                {QStringLiteral("revision"), p.revision},
                {QStringLiteral("savedAt"), p.savedAt.toString(Qt::ISODate)}};
    }

    wall::Dispatcher &m_dispatcher;
    wall::WallState &m_state;
    store::WallStore &m_store;
    Services::Parts &m_parts;
    const Services &m_services;
};
} // namespace
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
    , m_parts(std::make_unique<Parts>()) {}

Services::~Services() {
    stop();
}

bool Services::start(QQmlEngine &engine) {
    engine.addImportPath(QStringLiteral("qrc:/"));
    startFeeds(engine);
    startVideo(engine);
    startMaps(engine);
    startDevices(engine);
    return startControl();
}

void Services::startFeeds([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_FEEDS
    if (m_options.demo && !m_options.noServices) {
        const QString data = m_assetsDir + QStringLiteral("/demo/indicators");
        const auto ready = m_demo.start(
            QStringLiteral("feed service"),
            DemoServices::findProgram(QStringLiteral("opswall-feedservice"),
                                      QStringLiteral(OPSWALL_FEEDSERVICE_PATH)),
            {QStringLiteral("--port"), QStringLiteral("8765"), QStringLiteral("--data"), data},
            QRegularExpression(QStringLiteral("listening on (\\S+)")));
        if (!ready)
            qWarning("opswall: demo feeds unavailable: %s", qPrintable(m_demo.error()));
    }
    m_parts->feeds = std::make_unique<feeds::FeedHub>(m_db, &m_parts->nam);
    QString err;
    const QString demo = m_assetsDir + QStringLiteral("/demo");
    feeds::FeedHubOptions o;
    if (m_options.demo) {
        o.feedsJson = demo + QStringLiteral("/demo-feeds.json");
        o.indicatorsJson = demo + QStringLiteral("/demo-indicators.json");
    }
    if (!m_parts->feeds->start(o, &err))
        qWarning("opswall: feeds: %s", qPrintable(err));
    m_parts->indicators = std::make_unique<indicators::IndicatorData>(m_parts->feeds.get());
    opswall::provide(&engine, m_parts->indicators.get());
    m_kindSources.insert(QStringLiteral("kpi"),
                         QStringLiteral("qrc:/OpsWall/Indicators/KpiTile.qml"));
    m_kindSources.insert(QStringLiteral("chart"),
                         QStringLiteral("qrc:/OpsWall/Indicators/LineChartTile.qml"));
    m_kindSources.insert(QStringLiteral("bar"),
                         QStringLiteral("qrc:/OpsWall/Indicators/BarChartTile.qml"));
    m_kindSources.insert(QStringLiteral("table"),
                         QStringLiteral("qrc:/OpsWall/Indicators/RankedTableTile.qml"));
    m_kindSources.insert(QStringLiteral("alerts"),
                         QStringLiteral("qrc:/OpsWall/Indicators/AlertListTile.qml"));
    // Feed alerts are acknowledged through the dispatcher, so the acknowledgement is audited.
    feeds::AlertManager *alerts = m_parts->feeds->alerts();
    m_dispatcher.addHandler(QStringLiteral("alert."), [alerts](const Action &a, const Caller &c) {
        const QJsonValue id = a.params.value(QStringLiteral("id"));
        if (!id.isDouble())
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("id: an alert number is required"),
                                         QStringLiteral("id"));
        if (!alerts->acknowledge(qint64(id.toDouble()), c.user, QDateTime::currentDateTimeUtc()))
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no open alert with that number"),
                                         QStringLiteral("id"));
        return ActionResult::success({{QStringLiteral("id"), id}});
    });
#endif
}

void Services::startVideo([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_VIDEO
    m_parts->video = std::make_unique<video::VideoHub>(&m_db);
    if (!m_parts->video->available())
        qWarning("opswall: video: %s", qPrintable(m_parts->video->startupMessage()));
    opswall::provide(&engine, m_parts->video.get());
    m_kindSources.insert(QStringLiteral("video"),
                         QStringLiteral("qrc:/OpsWall/Video/VideoTile.qml"));
    // Sources change through the dispatcher, so every change is audited and refused in words.
    video::VideoHub *hub = m_parts->video.get();
    wall::WallState *state = &m_state;
    m_dispatcher.addHandler(QStringLiteral("source."), [hub, state](const Action &a,
                                                                    const Caller &) {
        if (a.type == QLatin1String("source.save")) {
            const video::SourceParse parsed =
                video::sourceFromJson(a.params.value(QStringLiteral("source")).toObject());
            if (parsed.error)
                return ActionResult::failure(QStringLiteral("invalid"), parsed.error->text(),
                                             QStringLiteral("source.") + parsed.error->field);
            if (const auto e = hub->upsertSource(*parsed.source))
                return ActionResult::failure(QStringLiteral("invalid"), e->text(),
                                             QStringLiteral("source.") + e->field);
            return ActionResult::success({{QStringLiteral("id"), parsed.source->id},
                                          {QStringLiteral("source"), parsed.source->toJson()}});
        }
        if (a.type == QLatin1String("source.delete")) {
            const QString id = a.params.value(QStringLiteral("id")).toString();
            // A source on the live wall stays until its tiles go: a black tile is worse.
            QStringList usedBy;
            for (const wall::Tile &t : state->layout().tiles)
                if (t.kind == QLatin1String("video") &&
                    t.binding.value(QStringLiteral("source")).toString() == id)
                    usedBy << t.id;
            if (!usedBy.isEmpty())
                return ActionResult::failure(
                    QStringLiteral("conflict"),
                    QStringLiteral("source '%1' is shown by tile %2 of the live wall; remove or "
                                   "rebind the tile first")
                        .arg(id, usedBy.join(QStringLiteral(", "))),
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
#ifdef OPSWALL_WITH_FEEDS
    m_kindSources.insert(QStringLiteral("map"),
                         QStringLiteral("qrc:/OpsWall/Indicators/IndicatorMapTile.qml"));
#else
    m_kindSources.insert(QStringLiteral("map"), QStringLiteral("qrc:/OpsWall/Maps/MapTile.qml"));
#endif
#endif
}

void Services::startDevices([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_DEVICES
    m_parts->devices = std::make_unique<devices::DeviceService>(m_state, m_dispatcher);
    opswall::provide(&engine, m_parts->devices.get());
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
            const devices::ParsedConfig parsed = devices::DeviceConfigStore(m_db).load(ids);
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
#endif
}

bool Services::startControl() {
#ifdef OPSWALL_WITH_CONTROL
    m_parts->sink =
        std::make_unique<DispatcherSink>(m_dispatcher, m_state, m_store, *m_parts, *this);
    m_parts->control = std::make_unique<control::ControlService>(m_db, m_parts->sink.get());
    control::ControlService *ctl = m_parts->control.get();
    // Every action, whoever submits it, is audited and published from the dispatcher.
    m_dispatcher.setAuditHook([ctl](const Caller &c, const Action &a, const ActionResult &r) {
        ctl->audit().append(c, a, r);
    });
    m_dispatcher.setGate(
        [ctl](const Action &a, const Caller &c) { return ctl->authorize(c, a.type); });
    connect(&m_dispatcher, &wall::Dispatcher::event, ctl,
            [ctl](const QJsonObject &ev) { ctl->publish(ev); });
#ifdef OPSWALL_WITH_DEVICES
    if (m_parts->devices) {
        connect(m_parts->devices.get(), &devices::DeviceService::alertRaised, ctl,
                [ctl](const QJsonObject &a) {
                    QJsonObject ev = a;
                    ev.insert(QStringLiteral("type"), QStringLiteral("alert.raised"));
                    ctl->publish(ev);
                });
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
    const QString tokenFile =
        m_options.adminTokenFile.isEmpty()
            ? QFileInfo(m_db.path()).absolutePath() + QStringLiteral("/admin-token")
            : m_options.adminTokenFile;
    if (const auto written = ctl->tokens().ensureAdminToken(tokenFile))
        qInfo("opswall: first start: the admin token is in %s (readable by this user only)",
              qPrintable(*written));
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
    qInfo("opswall: control API on http://%s/api/v1 (line protocol on port %u)",
          qPrintable(m_apiAddress), unsigned(m_parts->server->linePort()));
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
    if (!m_parts)
        return;
#ifdef OPSWALL_WITH_CONTROL
    if (m_parts->server)
        m_parts->server->stop();
    m_dispatcher.setAuditHook({});
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
