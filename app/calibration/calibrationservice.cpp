// CalibrationService: construction, targets, the action switch, display info and the snapshots.
// The actions themselves: calibrationservice_runs.cpp (profiles, import, apply and read runs),
// calibrationservice_uniformity.cpp (the uniformity workflow), calibrationservice_patterns.cpp
// (test patterns and the wall geometry the crosshatch follows).
#include "calibration/calibrationservice.h"
#include "calibration/calibrationservice_p.h"

#include "core/engineservices.h"
#include "devices/deviceservice.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QJsonArray>
#include <QJsonDocument>

Q_LOGGING_CATEGORY(lcCalibration, "opswall.calibration")

namespace opswall::calibration {

CalibrationService::CalibrationService(wall::WallState &state, wall::Dispatcher &dispatcher,
                                       ProfileStore &store, devices::DeviceService *devices,
                                       QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_dispatcher(dispatcher)
    , m_store(store)
    , m_devices(devices)
    , m_clock([] { return QDateTime::currentDateTimeUtc(); }) {
    QPointer<CalibrationService> self(this);
    dispatcher.addHandler(
        QStringLiteral("calibration."), [self](const Action &action, const Caller &caller) {
            if (!self)
                return ActionResult::failure(QStringLiteral("unavailable"),
                                             QStringLiteral("calibration is not available"));
            return self->handleAction(action, caller);
        });
}

CalibrationService *CalibrationService::create(QQmlEngine *engine, QJSEngine *) {
    return opswall::lookup<CalibrationService>(engine);
}

QStringList CalibrationService::wallIds() const {
    QStringList ids;
    for (const wall::Display &d : m_state.wall().displays)
        ids.append(d.id);
    return ids;
}

std::variant<QStringList, ActionResult> CalibrationService::targets(const QJsonObject &p,
                                                                    bool needBinding) const {
    const QStringList all = wallIds();
    const QStringList bound = m_devices ? m_devices->boundDisplays() : QStringList();
    const QStringList pool = needBinding ? bound : all;
    if (p.contains(QStringLiteral("output"))) {
        const QString name = p.value(QStringLiteral("output")).toString();
        for (const wall::Output &o : m_state.wall().outputs)
            if (o.name == name) {
                QStringList ids;
                for (const wall::OutputRegion &r : o.regions)
                    if (!ids.contains(r.displayId) && (!needBinding || bound.contains(r.displayId)))
                        ids.append(r.displayId);
                return ids;
            }
        return invalid(QStringLiteral("the wall has no output \"%1\"").arg(name),
                       QStringLiteral("output"));
    }
    const QJsonValue v = p.value(QStringLiteral("displays"));
    if (v.isUndefined() || v.toString() == QLatin1String("all"))
        return pool;
    if (!v.isArray() || v.toArray().isEmpty())
        return invalid(QStringLiteral("'displays' must be \"all\" or a non-empty list of ids"),
                       QStringLiteral("displays"));
    QStringList ids;
    for (const QJsonValue &x : v.toArray()) {
        const QString id = x.toString();
        if (!all.contains(id))
            return invalid(QStringLiteral("the wall has no display \"%1\"").arg(id),
                           QStringLiteral("displays"));
        if (needBinding && !bound.contains(id))
            return invalid(
                QStringLiteral("display \"%1\" is not bound to a device (no control link)").arg(id),
                QStringLiteral("displays"));
        if (!ids.contains(id))
            ids.append(id);
    }
    return ids;
}

ActionResult CalibrationService::handleAction(const Action &action, const Caller &caller) {
    const QString &t = action.type;
    try {
        if (t == QLatin1String("calibration.set"))
            return setProfiles(action.params, caller);
        if (t == QLatin1String("calibration.import"))
            return importDocument(action.params, caller);
        if (t == QLatin1String("calibration.apply"))
            return startRun(QStringLiteral("apply"), action.params, caller);
        if (t == QLatin1String("calibration.read"))
            return startRun(QStringLiteral("read"), action.params, caller);
        if (t == QLatin1String("calibration.pattern"))
            return setPattern(action.params);
        if (t == QLatin1String("calibration.patternClear"))
            return setPattern({{QStringLiteral("pattern"), QString()}});
        if (t == QLatin1String("calibration.uniformity"))
            return uniformityStep(action.params, caller);
        if (t == QLatin1String("calibration.geometry"))
            return nudgeGeometry(action.params);
        if (t == QLatin1String("calibration.geometrySave"))
            return saveGeometry(action.params, caller);
        if (t == QLatin1String("calibration.geometryUndo"))
            return undoGeometry(caller);
    } catch (const std::exception &e) {
        qCWarning(lcCalibration) << t << "failed:" << e.what();
        return ActionResult::failure(
            QStringLiteral("storage"),
            QStringLiteral("the calibration store failed: %1").arg(QString::fromUtf8(e.what())));
    }
    return ActionResult::failure(QStringLiteral("unknown_action"),
                                 QStringLiteral("\"%1\" is not a calibration action").arg(t),
                                 QStringLiteral("type"));
}

QJsonObject CalibrationService::displayInfo(const QString &displayId) const {
    const wall::Display *d = m_state.wall().display(displayId);
    if (!d)
        return {};
    QJsonObject o{{QStringLiteral("id"), d->id},
                  {QStringLiteral("label"), d->label.isEmpty() ? d->id : d->label},
                  {QStringLiteral("deviceId"), d->deviceId},
                  {QStringLiteral("resolution"), QStringLiteral("%1×%2")
                                                     .arg(d->nativeResolution.width())
                                                     .arg(d->nativeResolution.height())}};
    if (m_devices)
        if (const devices::DisplayHealth *row = m_devices->model()->row(displayId)) {
            o.insert(QStringLiteral("protocol"), row->protocol);
            o.insert(QStringLiteral("address"), row->address);
            o.insert(QStringLiteral("input"), row->input);
        }
    if (m_firmware.contains(displayId))
        o.insert(QStringLiteral("firmware"), m_firmware.value(displayId));
    return o;
}

QJsonObject CalibrationService::snapshot(const QString &what) const {
    // The views that read the store are storeRead's only (a worker thread's reader): none is
    // read here, on the caller's (the GUI) thread.
    const QString head = what.section(u':', 0, 0);
    const QString arg = what.section(u':', 1);
    if (head == QLatin1String("calibration-run")) {
        bool ok = false;
        const qint64 id = arg.toLongLong(&ok);
        const auto it = m_runs.find(id);
        return ok && it != m_runs.end() ? it->toJson() : QJsonObject();
    }
    if (head == QLatin1String("calibration-pattern"))
        return {{QStringLiteral("pattern"), m_pattern},
                {QStringLiteral("displays"),
                 m_patternDisplays.isEmpty()
                     ? QJsonValue(QStringLiteral("all"))
                     : QJsonValue(QJsonArray::fromStringList(m_patternDisplays))},
                {QStringLiteral("patterns"), QJsonArray::fromStringList(patterns())}};
    return {};
}

CalibrationService::StoreRead CalibrationService::storeRead(const QString &what) const {
    const QString head = what.section(u':', 0, 0);
    const QString arg = what.section(u':', 1);
    using Db = store::Database;
    const auto rows = [](Db &db) { return ProfileStore(db, ProfileStore::AlreadyMigrated{}); };
    if (head == QLatin1String("calibration-profiles"))
        return [rows](Db &db) {
            QJsonArray items;
            for (const StoredProfile &p : rows(db).profiles())
                items.append(p.toJson());
            return QJsonObject{{QStringLiteral("items"), items}};
        };
    if (head == QLatin1String("calibration-profile")) {
        if (!m_state.wall().display(arg))
            return [](Db &) { return QJsonObject(); };
        const std::optional<Readback> readback =
            m_readback.contains(arg) ? std::optional(m_readback.value(arg)) : std::nullopt;
        return [rows, arg, readback](Db &db) {
            const ProfileStore store = rows(db);
            QJsonObject o = store.profile(arg).value_or(StoredProfile{arg, {}, 0, {}, {}}).toJson();
            o.insert(QStringLiteral("history"), store.history(arg));
            if (readback)
                o.insert(QStringLiteral("readback"), toJson(*readback));
            return o;
        };
    }
    if (head == QLatin1String("calibration-drift"))
        return [rows, readback = m_readback, readAt = m_readAt](Db &db) {
            QJsonArray items;
            for (const StoredProfile &p : rows(db).profiles()) {
                QJsonObject o{{QStringLiteral("display"), p.displayId}};
                if (readback.contains(p.displayId)) {
                    const QJsonObject d = driftJson(drift(p.settings, readback.value(p.displayId)));
                    o.insert(QStringLiteral("inStep"), d.value(QStringLiteral("inStep")));
                    o.insert(QStringLiteral("drift"), d.value(QStringLiteral("drift")));
                    o.insert(QStringLiteral("readAt"),
                             readAt.value(p.displayId).toString(Qt::ISODateWithMs));
                } else {
                    o.insert(QStringLiteral("inStep"), QJsonValue(QJsonValue::Null));
                    o.insert(QStringLiteral("why"),
                             QStringLiteral("not read back yet: run calibration read"));
                }
                items.append(o);
            }
            return QJsonObject{{QStringLiteral("items"), items}};
        };
    if (head == QLatin1String("calibration-export"))
        return [rows](Db &db) {
            Document d;
            for (const StoredProfile &p : rows(db).profiles())
                d.profiles.insert(p.displayId, p.settings);
            return QJsonDocument::fromJson(exportDocument(d)).object();
        };
    if (head == QLatin1String("calibration-geometry"))
        return [rows, unsaved = m_unsavedSince.has_value()](Db &db) {
            return QJsonObject{{QStringLiteral("unsaved"), unsaved},
                               {QStringLiteral("revisions"), rows(db).wallRevisions(20)}};
        };
    if (head == QLatin1String("calibration-uniformity"))
        return [rows, session = m_session.toJson(m_clock()), meter = m_meter.toJson()](Db &db) {
            return QJsonObject{
                {QStringLiteral("session"), session},
                {QStringLiteral("meter"), meter},
                {QStringLiteral("reports"), rows(db).reports(QStringLiteral("uniformity"), 10)}};
        };
    return {};
}

} // namespace opswall::calibration
