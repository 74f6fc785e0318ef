#include "calibration/calibrationservice.h"

#include "core/engineservices.h"
#include "devices/deviceservice.h"
#include "wall/dispatcher.h"
#include "wall/walljson.h"
#include "wall/wallstate.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include <cmath>

Q_LOGGING_CATEGORY(lcCalibration, "opswall.calibration")

namespace opswall::calibration {

using drivers::Command;
using drivers::Op;
using drivers::Result;
using drivers::Status;

namespace {
const QString kSave = QStringLiteral("save");
const QString kFirmware = QStringLiteral("firmware");

ActionResult invalid(const QString &message, const QString &field) {
    return ActionResult::failure(QStringLiteral("invalid"), message, field);
}

QJsonObject chromaticityJson(const uniformity::Chromaticity &c) {
    return {{QStringLiteral("x"), c.x}, {QStringLiteral("y"), c.y}};
}

double round3(double v) {
    return std::round(v * 1000) / 1000;
}

QJsonObject spreadJson(const uniformity::Spread &s) {
    QJsonObject o{{QStringLiteral("minLuminance"), round3(s.minLuminance)},
                  {QStringLiteral("maxLuminance"), round3(s.maxLuminance)},
                  {QStringLiteral("luminanceSpreadPercent"), round3(s.luminancePercent)},
                  {QStringLiteral("pass"), s.pass}};
    if (s.whiteDistance)
        o.insert(QStringLiteral("whiteDistance"), std::round(*s.whiteDistance * 1e5) / 1e5);
    if (s.meanWhite)
        o.insert(QStringLiteral("meanWhite"), chromaticityJson(*s.meanWhite));
    return o;
}

QJsonObject measurementJson(const uniformity::Measurement &m) {
    QJsonObject o{{QStringLiteral("display"), QString::fromStdString(m.display)},
                  {QStringLiteral("luminance"), m.luminance}};
    if (m.white) {
        o.insert(QStringLiteral("x"), m.white->x);
        o.insert(QStringLiteral("y"), m.white->y);
    }
    return o;
}

QJsonObject planJson(const uniformity::Plan &p) {
    QJsonArray corrections;
    for (const auto &c : p.corrections) {
        QJsonObject o{
            {QStringLiteral("display"), QString::fromStdString(c.display)},
            {QStringLiteral("backlightScale"), round3(c.backlightScale)},
            {QStringLiteral("gainScale"),
             QJsonArray{round3(c.gainScale[0]), round3(c.gainScale[1]), round3(c.gainScale[2])}},
            {QStringLiteral("predictedLuminance"), round3(c.predictedLuminance)}};
        if (c.backlight)
            o.insert(QStringLiteral("backlight"), *c.backlight);
        if (c.gains)
            o.insert(QStringLiteral("rgbGain"),
                     QJsonArray{(*c.gains)[0], (*c.gains)[1], (*c.gains)[2]});
        QJsonArray notes;
        for (const auto &n : c.notes)
            notes.append(QString::fromStdString(n));
        o.insert(QStringLiteral("notes"), notes);
        corrections.append(o);
    }
    QJsonObject o{{QStringLiteral("targetLuminance"), round3(p.targetLuminance)},
                  {QStringLiteral("before"), spreadJson(p.before)},
                  {QStringLiteral("predicted"), spreadJson(p.predicted)},
                  {QStringLiteral("corrections"), corrections}};
    if (p.targetWhite)
        o.insert(QStringLiteral("targetWhite"), chromaticityJson(*p.targetWhite));
    return o;
}

std::vector<uniformity::Measurement> values(const QMap<QString, uniformity::Measurement> &m) {
    return {m.begin(), m.end()};
}
} // namespace

const QStringList &CalibrationService::patterns() {
    static const QStringList p{
        QStringLiteral("white"),      QStringLiteral("black"),    QStringLiteral("red"),
        QStringLiteral("green"),      QStringLiteral("blue"),     QStringLiteral("grey"),
        QStringLiteral("greysteps"),  QStringLiteral("greyramp"), QStringLiteral("colourbars"),
        QStringLiteral("crosshatch"), QStringLiteral("idcard"),   QStringLiteral("uniformity")};
    return p;
}

CalibrationService::CalibrationService(wall::WallState &state, wall::Dispatcher &dispatcher,
                                       ProfileStore &store, devices::DeviceService *devices,
                                       QObject *parent)
    : QObject(parent)
    , m_state(state)
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

ActionResult CalibrationService::setProfiles(const QJsonObject &p, const Caller &caller) {
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!QStringList{QStringLiteral("displays"), QStringLiteral("output"),
                         QStringLiteral("settings"), QStringLiteral("replace"),
                         QStringLiteral("note")}
                 .contains(it.key()))
            return invalid(QStringLiteral("unknown field '%1'").arg(it.key()), it.key());
    if (!p.value(QStringLiteral("settings")).isObject())
        return invalid(QStringLiteral("'settings' must be an object of picture settings"),
                       QStringLiteral("settings"));
    QString error, field;
    const auto settings = parseSettings(p.value(QStringLiteral("settings")).toObject(),
                                        QStringLiteral("settings"), &error, &field);
    if (!settings)
        return invalid(error, field);
    const auto target = targets(p, false);
    if (const auto *f = std::get_if<ActionResult>(&target))
        return *f;
    const QStringList ids = std::get<QStringList>(target);
    const bool replace = p.value(QStringLiteral("replace")).toBool(false);
    const QString note = p.value(QStringLiteral("note")).toString().left(500);
    QJsonObject revisions;
    for (const QString &id : ids) {
        PictureSettings next = *settings;
        if (!replace)
            if (const auto old = m_store.profile(id)) {
                next = old->settings;
                next.merge(*settings);
            }
        revisions.insert(id, m_store.set(id, next, caller, note));
    }
    return ActionResult::success({{QStringLiteral("displays"), QJsonArray::fromStringList(ids)},
                                  {QStringLiteral("revisions"), revisions}});
}

ActionResult CalibrationService::importDocument(const QJsonObject &p, const Caller &caller) {
    QString error, field;
    const auto doc =
        parseDocument(QJsonDocument(p).toJson(QJsonDocument::Compact), wallIds(), &error, &field);
    if (!doc)
        return invalid(error, field);
    QJsonObject revisions;
    for (auto it = doc->profiles.begin(); it != doc->profiles.end(); ++it)
        revisions.insert(it.key(),
                         m_store.set(it.key(), it.value(), caller, QStringLiteral("imported")));
    return ActionResult::success({{QStringLiteral("imported"), qint64(doc->profiles.size())},
                                  {QStringLiteral("revisions"), revisions}});
}

ActionResult CalibrationService::startRun(const QString &kind, const QJsonObject &p,
                                          const Caller &caller,
                                          const QMap<QString, PictureSettings> &overrideSettings) {
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!QStringList{QStringLiteral("displays"), QStringLiteral("output"),
                         QStringLiteral("timeoutMs")}
                 .contains(it.key()))
            return invalid(QStringLiteral("unknown field '%1'").arg(it.key()), it.key());
    const QJsonValue timeout = p.value(QStringLiteral("timeoutMs"));
    const double timeoutMs = timeout.isUndefined() ? kDefaultTimeoutMs : timeout.toDouble(-1);
    if (timeoutMs < 100 || timeoutMs > kMaxTimeoutMs)
        return invalid(QStringLiteral("'timeoutMs' must be 100..%1").arg(kMaxTimeoutMs),
                       QStringLiteral("timeoutMs"));
    QStringList ids;
    if (!overrideSettings.isEmpty()) {
        ids = overrideSettings.keys();
    } else {
        const auto target = targets(p, true);
        if (const auto *f = std::get_if<ActionResult>(&target))
            return *f;
        ids = std::get<QStringList>(target);
    }
    if (ids.isEmpty())
        return invalid(QStringLiteral("no display to calibrate: none is bound to a device"),
                       QStringLiteral("displays"));
    if (!m_devices || !m_devices->isRunning())
        return ActionResult::failure(QStringLiteral("unavailable"),
                                     QStringLiteral("display control is not running"));
    Run run;
    run.id = ++m_nextRunId;
    run.kind = kind;
    run.by = caller;
    run.started = m_clock();
    QList<QPair<QString, std::vector<Command>>> perDisplay;
    for (const QString &id : ids) {
        std::vector<SettingCommand> cmds;
        if (kind == QLatin1String("apply")) {
            PictureSettings want;
            if (overrideSettings.contains(id))
                want = overrideSettings.value(id);
            else if (const auto stored = m_store.profile(id))
                want = stored->settings;
            run.wanted.insert(id, want);
            cmds = setCommands(want);
            if (!cmds.empty())
                cmds.push_back({kSave, Command::make(Op::SaveSettings)});
        } else if (const auto stored = m_store.profile(id)) {
            run.wanted.insert(id, stored->settings);
        }
        for (auto &c : readCommands())
            cmds.push_back(std::move(c));
        cmds.push_back({kFirmware, Command::make(Op::Firmware)});
        std::vector<Command> commands;
        for (const auto &c : cmds)
            commands.push_back(c.command);
        run.sent.insert(id, cmds);
        run.displays.append(id);
        perDisplay.append({id, commands});
    }
    const qint64 runId = run.id;
    m_runs.insert(runId, run);
    while (m_runs.size() > kKeptRuns)
        m_runs.erase(m_runs.begin());
    QPointer<CalibrationService> self(this);
    QString why;
    if (!m_devices->runSequences(
            perDisplay, int(timeoutMs),
            [self, runId](const devices::DeviceService::SequenceResults &r) {
                if (self)
                    self->finishRun(runId, r);
            },
            &why)) {
        m_runs.remove(runId);
        return ActionResult::failure(QStringLiteral("unavailable"), why);
    }
    return ActionResult::success({{QStringLiteral("accepted"), true},
                                  {QStringLiteral("runId"), runId},
                                  {QStringLiteral("kind"), kind},
                                  {QStringLiteral("displays"), QJsonArray::fromStringList(ids)}});
}

void CalibrationService::finishRun(qint64 runId,
                                   const QHash<QString, std::vector<Result>> &results) {
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    Run &run = *it;
    run.finished = m_clock();
    int okCount = 0;
    for (const QString &id : run.displays) {
        const std::vector<SettingCommand> &sent = run.sent.value(id);
        const std::vector<Result> got = results.value(id);
        std::vector<SettingCommand> reads;
        std::vector<Result> readResults;
        QStringList applied;
        QJsonObject refused;
        QString saveNote;
        for (std::size_t i = 0; i < sent.size(); ++i) {
            const Result r =
                i < got.size() ? got[i] : Result::failure(Status::Timeout, "no answer");
            const Op op = sent[i].command.op;
            const bool isRead = op == Op::GetPictureMode || op == Op::GetGamma ||
                                op == Op::GetColourTemperature || op == Op::GetRgbGain ||
                                op == Op::GetRgbOffset || op == Op::GetBacklight ||
                                op == Op::GetBrightness || op == Op::GetContrast ||
                                op == Op::GetTiling || op == Op::GetBezelCompensation;
            if (isRead) {
                reads.push_back(sent[i]);
                readResults.push_back(r);
            } else if (sent[i].setting == kFirmware) {
                if (r.ok())
                    m_firmware.insert(id, QString::fromStdString(r.text));
            } else if (sent[i].setting == kSave) {
                if (!r.ok() && r.status != Status::Unsupported)
                    saveNote = QStringLiteral("saving the settings failed: ") + resultWords(r);
            } else if (r.ok()) {
                applied.append(sent[i].setting);
            } else {
                refused.insert(sent[i].setting, resultWords(r));
            }
        }
        const Readback rb = readbackFrom(reads, readResults);
        m_readback.insert(id, rb);
        m_readAt.insert(id, run.finished);
        QJsonObject one;
        const bool hasProfile = run.wanted.contains(id) && !run.wanted.value(id).empty();
        if (run.kind == QLatin1String("apply")) {
            const bool ok = refused.isEmpty() && saveNote.isEmpty();
            QString summary;
            if (!hasProfile)
                summary = QStringLiteral("no profile: nothing applied");
            else if (ok)
                summary = QStringLiteral("applied %1").arg(applied.join(QStringLiteral(", ")));
            else {
                QStringList parts;
                for (auto r = refused.begin(); r != refused.end(); ++r)
                    parts.append(r.key() + QStringLiteral(" (") + r.value().toString() + u')');
                summary = QStringLiteral("refused %1").arg(parts.join(QStringLiteral("; ")));
                if (!applied.isEmpty())
                    summary +=
                        QStringLiteral("; applied %1").arg(applied.join(QStringLiteral(", ")));
                if (!saveNote.isEmpty())
                    summary += QStringLiteral("; ") + saveNote;
            }
            one.insert(QStringLiteral("ok"), ok);
            one.insert(QStringLiteral("summary"), summary);
            one.insert(QStringLiteral("applied"), QJsonArray::fromStringList(applied));
            one.insert(QStringLiteral("refused"), refused);
            if (ok)
                ++okCount;
        } else {
            const bool ok = rb.unreadable.size() < qsizetype(reads.size());
            one.insert(QStringLiteral("ok"), ok);
            one.insert(QStringLiteral("summary"),
                       ok ? QStringLiteral("read %1 of %2 settings")
                                .arg(reads.size() - std::size_t(rb.unreadable.size()))
                                .arg(reads.size())
                          : QStringLiteral("nothing could be read: %1")
                                .arg(rb.unreadable.isEmpty() ? QString() : rb.unreadable.first()));
            if (ok)
                ++okCount;
        }
        one.insert(QStringLiteral("readback"), toJson(rb));
        if (hasProfile)
            one.insert(QStringLiteral("drift"), driftJson(drift(run.wanted.value(id), rb)));
        run.result.insert(id, one);
    }
    const QJsonObject json = run.toJson();
    try {
        m_store.addReport(run.kind, run.by, json);
    } catch (const std::exception &e) {
        qCWarning(lcCalibration) << "could not store the run report:" << e.what();
    }
    qCInfo(lcCalibration).noquote() << QStringLiteral("calibration %1 run %2: %3 of %4 displays ok")
                                           .arg(run.kind)
                                           .arg(run.id)
                                           .arg(okCount)
                                           .arg(run.displays.size());
    Q_EMIT runFinished(json);
}

QJsonObject CalibrationService::Run::toJson() const {
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("kind"), kind},
                  {QStringLiteral("state"),
                   finished.isValid() ? QStringLiteral("finished") : QStringLiteral("running")},
                  {QStringLiteral("by"), by.user},
                  {QStringLiteral("started"), started.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("displays"),
                   finished.isValid() ? QJsonValue(result)
                                      : QJsonValue(QJsonArray::fromStringList(this->displays))}};
    if (finished.isValid()) {
        o.insert(QStringLiteral("finished"), finished.toString(Qt::ISODateWithMs));
        int ok = 0;
        for (const QJsonValue &v : result)
            ok += v[QStringLiteral("ok")].toBool() ? 1 : 0;
        o.insert(QStringLiteral("ok"), ok == result.size());
        o.insert(QStringLiteral("summary"),
                 QStringLiteral("%1 of %2 displays ok").arg(ok).arg(result.size()));
    }
    return o;
}

ActionResult CalibrationService::setPattern(const QJsonObject &p) {
    const QString pattern = p.value(QStringLiteral("pattern")).toString();
    if (!pattern.isEmpty() && !patterns().contains(pattern))
        return invalid(QStringLiteral("unknown pattern \"%1\" (known: %2)")
                           .arg(pattern, patterns().join(QStringLiteral(", "))),
                       QStringLiteral("pattern"));
    QStringList displays;
    if (!pattern.isEmpty() && p.contains(QStringLiteral("displays"))) {
        const auto target = targets(p, false);
        if (const auto *f = std::get_if<ActionResult>(&target))
            return *f;
        displays = std::get<QStringList>(target);
        if (displays == wallIds())
            displays.clear();
    }
    m_pattern = pattern;
    m_patternDisplays = displays;
    Q_EMIT patternChanged();
    return ActionResult::success(
        {{QStringLiteral("pattern"), pattern},
         {QStringLiteral("displays"), displays.isEmpty()
                                          ? QJsonValue(QStringLiteral("all"))
                                          : QJsonValue(QJsonArray::fromStringList(displays))}});
}

QJsonObject CalibrationService::Session::toJson(const QDateTime &now) const {
    QJsonArray b, a;
    for (const auto &m : before)
        b.append(measurementJson(m));
    for (const auto &m : after)
        a.append(measurementJson(m));
    const qint64 left = active ? std::max<qint64>(0, now.secsTo(warmUntil)) : 0;
    QJsonObject o{{QStringLiteral("active"), active},
                  {QStringLiteral("phase"), phase},
                  {QStringLiteral("displays"), QJsonArray::fromStringList(displays)},
                  {QStringLiteral("warmUpSecondsLeft"), left},
                  {QStringLiteral("luminanceTolerancePercent"), options.luminanceTolerancePercent},
                  {QStringLiteral("whiteTolerance"), options.whiteTolerance},
                  {QStringLiteral("before"), b},
                  {QStringLiteral("after"), a}};
    if (started.isValid())
        o.insert(QStringLiteral("started"), started.toString(Qt::ISODateWithMs));
    if (plan)
        o.insert(QStringLiteral("plan"), planJson(*plan));
    return o;
}

ActionResult CalibrationService::uniformityStep(const QJsonObject &p, const Caller &caller) {
    const QString step = p.value(QStringLiteral("step")).toString();
    const QDateTime now = m_clock();
    if (step == QLatin1String("start")) {
        const auto target = targets(p, false);
        if (const auto *f = std::get_if<ActionResult>(&target))
            return *f;
        const double warm = p.value(QStringLiteral("warmupMinutes")).toDouble(30);
        if (!(warm >= 0 && warm <= 240))
            return invalid(QStringLiteral("'warmupMinutes' must be 0..240"),
                           QStringLiteral("warmupMinutes"));
        Session s;
        s.active = true;
        s.started = now;
        s.warmUntil = now.addSecs(qint64(warm * 60));
        s.displays = std::get<QStringList>(target);
        s.phase = QStringLiteral("measure");
        s.options.luminanceTolerancePercent =
            p.value(QStringLiteral("tolerancePercent")).toDouble(5.0);
        s.options.whiteTolerance = p.value(QStringLiteral("whiteTolerance")).toDouble(0.005);
        if (!(s.options.luminanceTolerancePercent > 0 && s.options.luminanceTolerancePercent <= 50))
            return invalid(QStringLiteral("'tolerancePercent' must be > 0 and <= 50"),
                           QStringLiteral("tolerancePercent"));
        if (!(s.options.whiteTolerance > 0 && s.options.whiteTolerance <= 0.1))
            return invalid(QStringLiteral("'whiteTolerance' must be > 0 and <= 0.1"),
                           QStringLiteral("whiteTolerance"));
        if (p.contains(QStringLiteral("targetWhite"))) {
            const QJsonObject w = p.value(QStringLiteral("targetWhite")).toObject();
            const uniformity::Chromaticity c{w.value(QStringLiteral("x")).toDouble(-1),
                                             w.value(QStringLiteral("y")).toDouble(-1)};
            if (!(c.x > 0 && c.y > 0 && c.x + c.y < 1))
                return invalid(QStringLiteral("'targetWhite' must be {\"x\", \"y\"} with x, y > 0 "
                                              "and x + y < 1"),
                               QStringLiteral("targetWhite"));
            s.options.targetWhite = c;
        }
        m_session = s;
        setPattern({{QStringLiteral("pattern"), QStringLiteral("uniformity")},
                    {QStringLiteral("displays"), QJsonArray::fromStringList(s.displays)}});
        return ActionResult::success(m_session.toJson(now));
    }
    if (!m_session.active)
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("no uniformity session: start one first"),
                                     QStringLiteral("step"));
    if (step == QLatin1String("measure")) {
        const QString id = p.value(QStringLiteral("display")).toString();
        if (!m_session.displays.contains(id))
            return invalid(QStringLiteral("display \"%1\" is not in this session").arg(id),
                           QStringLiteral("display"));
        if (now < m_session.warmUntil)
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("the panels are still warming up: measure in %1 min (warm-up gate)")
                    .arg((now.secsTo(m_session.warmUntil) + 59) / 60),
                QStringLiteral("display"));
        uniformity::Measurement m;
        m.display = id.toStdString();
        if (p.contains(QStringLiteral("spotread"))) {
            std::string why;
            const QByteArray text = p.value(QStringLiteral("spotread")).toString().toUtf8();
            const auto reading = uniformity::parseSpotread(
                std::string_view(text.constData(), std::size_t(text.size())), &why);
            if (!reading)
                return invalid(QString::fromStdString(why), QStringLiteral("spotread"));
            m.luminance = reading->luminance();
            m.white = reading->white();
        } else {
            m.luminance = p.value(QStringLiteral("luminance")).toDouble(-1);
            if (p.contains(QStringLiteral("x")) || p.contains(QStringLiteral("y")))
                m.white = uniformity::Chromaticity{p.value(QStringLiteral("x")).toDouble(-1),
                                                   p.value(QStringLiteral("y")).toDouble(-1)};
        }
        if (const auto e = uniformity::validate({m}))
            return invalid(QString::fromStdString(e->what),
                           m.luminance <= 0 ? QStringLiteral("luminance") : QStringLiteral("x"));
        (m_session.phase == QLatin1String("remeasure") ? m_session.after : m_session.before)
            .insert(id, m);
        return ActionResult::success(m_session.toJson(now));
    }
    if (step == QLatin1String("plan")) {
        if (m_session.before.isEmpty())
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("measure at least one display first"),
                                         QStringLiteral("step"));
        std::vector<uniformity::Measurement> ms = values(m_session.before);
        for (auto &m : ms) {
            const Readback rb = m_readback.value(QString::fromStdString(m.display));
            if (rb.settings.backlight)
                m.backlight = rb.settings.backlight;
            if (rb.settings.rgbGain)
                m.gains = rb.settings.rgbGain;
        }
        m_session.plan = uniformity::plan(ms, m_session.options);
        return ActionResult::success(m_session.toJson(now));
    }
    if (step == QLatin1String("apply")) {
        if (!m_session.plan)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("compute the plan first (step \"plan\")"),
                                         QStringLiteral("step"));
        QMap<QString, PictureSettings> corrections;
        for (const auto &c : m_session.plan->corrections) {
            PictureSettings s;
            s.backlight = c.backlight;
            s.rgbGain = c.gains;
            if (s.empty())
                continue;
            const QString id = QString::fromStdString(c.display);
            corrections.insert(id, s);
            PictureSettings profile = m_store.profile(id).value_or(StoredProfile{}).settings;
            profile.merge(s);
            m_store.set(id, profile, caller, QStringLiteral("uniformity correction"));
        }
        if (corrections.isEmpty())
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("nothing to correct: read the displays back first (calibration "
                               "read) so their backlight and gains are known"),
                QStringLiteral("step"));
        ActionResult r = startRun(QStringLiteral("apply"), {}, caller, corrections);
        if (r.ok) {
            m_session.phase = QStringLiteral("remeasure");
            m_session.after.clear();
        }
        return r;
    }
    if (step == QLatin1String("finish")) {
        if (m_session.after.isEmpty())
            return ActionResult::failure(
                QStringLiteral("conflict"),
                QStringLiteral("re-measure the displays after the corrections first"),
                QStringLiteral("step"));
        const auto before = uniformity::spread(values(m_session.before), m_session.options);
        const auto after = uniformity::spread(values(m_session.after), m_session.options);
        QJsonObject report{{QStringLiteral("before"), spreadJson(before)},
                           {QStringLiteral("after"), spreadJson(after)},
                           {QStringLiteral("pass"), after.pass},
                           {QStringLiteral("session"), m_session.toJson(now)}};
        report.insert(QStringLiteral("reportId"),
                      m_store.addReport(QStringLiteral("uniformity"), caller, report));
        m_session = Session{};
        setPattern({{QStringLiteral("pattern"), QString()}});
        return ActionResult::success(report);
    }
    if (step == QLatin1String("cancel")) {
        m_session = Session{};
        setPattern({{QStringLiteral("pattern"), QString()}});
        return ActionResult::success({{QStringLiteral("active"), false}});
    }
    return invalid(QStringLiteral("'step' must be start, measure, plan, apply, finish or cancel"),
                   QStringLiteral("step"));
}

ActionResult CalibrationService::nudgeGeometry(const QJsonObject &p) {
    static const QStringList known{"display", "dx", "dy", "bezel", "rotation"};
    for (auto it = p.begin(); it != p.end(); ++it)
        if (!known.contains(it.key()))
            return invalid(QStringLiteral("unknown field '%1' (known: %2)")
                               .arg(it.key(), known.join(QStringLiteral(", "))),
                           it.key());
    const QString id = p.value(QStringLiteral("display")).toString();
    wall::Wall w = m_state.wall();
    wall::Display *d = nullptr;
    for (wall::Display &x : w.displays)
        if (x.id == id)
            d = &x;
    if (!d)
        return invalid(QStringLiteral("the wall has no display \"%1\"").arg(id),
                       QStringLiteral("display"));
    for (const char *k : {"dx", "dy"}) {
        const QJsonValue v = p.value(QLatin1String(k));
        if (v.isUndefined())
            continue;
        if (!v.isDouble() || std::abs(v.toDouble()) > 1000)
            return invalid(QStringLiteral("'%1' must be a number of millimetres, -1000..1000")
                               .arg(QLatin1String(k)),
                           QLatin1String(k));
        (k[1] == 'x' ? d->positionMm.rx() : d->positionMm.ry()) += v.toDouble();
    }
    if (p.contains(QStringLiteral("bezel"))) {
        const QJsonObject b = p.value(QStringLiteral("bezel")).toObject();
        double *sides[] = {&d->bezelMm.left, &d->bezelMm.top, &d->bezelMm.right,
                           &d->bezelMm.bottom};
        const char *names[] = {"left", "top", "right", "bottom"};
        for (int i = 0; i < 4; ++i) {
            const QJsonValue v = b.value(QLatin1String(names[i]));
            if (v.isUndefined())
                continue;
            if (!v.isDouble() || v.toDouble() < 0 || v.toDouble() > 200)
                return invalid(
                    QStringLiteral("'bezel.%1' must be 0..200 mm").arg(QLatin1String(names[i])),
                    QStringLiteral("bezel.") + QLatin1String(names[i]));
            *sides[i] = v.toDouble();
        }
    }
    if (p.contains(QStringLiteral("rotation"))) {
        const int r = p.value(QStringLiteral("rotation")).toInt(-1);
        if (r != 0 && r != 90 && r != 180 && r != 270)
            return invalid(QStringLiteral("'rotation' must be 0, 90, 180 or 270"),
                           QStringLiteral("rotation"));
        const bool wasPortrait =
            d->rotation == wall::Rotation::R90 || d->rotation == wall::Rotation::R270;
        const bool portrait = r == 90 || r == 270;
        if (wasPortrait != portrait) // the size is as mounted
            d->sizeMm = d->sizeMm.transposed();
        d->rotation = wall::Rotation(r);
    }
    if (const QList<wall::Issue> issues = wall::validateWall(w); !issues.isEmpty())
        return invalid(
            QStringLiteral("the wall would not be valid: %1").arg(issues.first().toString()),
            QStringLiteral("display"));
    if (!m_unsavedSince) {
        m_unsavedSince = qint64(m_state.revision());
        m_beforeNudges = m_state.wall();
    }
    m_state.setWall(w); // live: every output redraws, the crosshatch moves
    const wall::Display *now = m_state.wall().display(id);
    return ActionResult::success(
        {{QStringLiteral("display"), id},
         {QStringLiteral("x"), now->positionMm.x()},
         {QStringLiteral("y"), now->positionMm.y()},
         {QStringLiteral("rotation"), int(now->rotation)},
         {QStringLiteral("bezel"), QJsonObject{{QStringLiteral("left"), now->bezelMm.left},
                                               {QStringLiteral("top"), now->bezelMm.top},
                                               {QStringLiteral("right"), now->bezelMm.right},
                                               {QStringLiteral("bottom"), now->bezelMm.bottom}}},
         {QStringLiteral("saved"), false}});
}

void CalibrationService::useWall(const wall::Wall &w, const Caller &, const QString &) {
    m_state.setWall(w);
    if (m_saveWall)
        m_saveWall(w);
}

ActionResult CalibrationService::saveGeometry(const QJsonObject &p, const Caller &caller) {
    const QString note = p.value(QStringLiteral("note")).toString().left(500);
    // The first save keeps the geometry as it was before set-up, so undo can go back to it.
    if (m_store.wallRevisions(1).isEmpty())
        m_store.addWallRevision(caller, QStringLiteral("before geometry set-up"),
                                wall::wallToJson(m_beforeNudges.value_or(m_state.wall())));
    const qint64 rev = m_store.addWallRevision(caller, note, wall::wallToJson(m_state.wall()));
    useWall(m_state.wall(), caller, note);
    m_unsavedSince.reset();
    m_beforeNudges.reset();
    return ActionResult::success({{QStringLiteral("wallRevision"), rev}});
}

ActionResult CalibrationService::undoGeometry(const Caller &caller) {
    const QJsonArray revs = m_store.wallRevisions(2);
    if (revs.isEmpty() && !m_unsavedSince)
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("nothing to undo: no geometry change"));
    qint64 target = 0;
    if (m_unsavedSince) {
        // Unsaved nudges: back to the last saved geometry (or the one loaded at start).
        if (!revs.isEmpty())
            target = revs.at(0)[QStringLiteral("revision")].toInteger();
    } else {
        if (revs.size() < 2)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("nothing to undo: this is the geometry "
                                                        "from before set-up"));
        m_store.removeWallRevision(revs.at(0)[QStringLiteral("revision")].toInteger());
        target = revs.at(1)[QStringLiteral("revision")].toInteger();
    }
    if (target == 0) {
        // Never saved: the geometry the wall had before the first nudge is kept in memory.
        if (!m_beforeNudges)
            return ActionResult::failure(QStringLiteral("conflict"),
                                         QStringLiteral("nothing to undo"));
        m_state.setWall(*m_beforeNudges);
        m_beforeNudges.reset();
        m_unsavedSince.reset();
        return ActionResult::success({{QStringLiteral("wallRevision"), 0}});
    }
    const wall::WallParse parsed =
        wall::wallFromJson(m_store.wallRevision(target).value_or(QJsonObject()));
    if (!parsed.ok())
        return ActionResult::failure(QStringLiteral("conflict"),
                                     QStringLiteral("the saved geometry could not be read back"));
    useWall(parsed.wall, caller, QStringLiteral("undo"));
    m_beforeNudges.reset();
    m_unsavedSince.reset();
    return ActionResult::success({{QStringLiteral("wallRevision"), target}});
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
    const QString head = what.section(u':', 0, 0);
    const QString arg = what.section(u':', 1);
    if (head == QLatin1String("calibration-profiles")) {
        QJsonArray items;
        for (const StoredProfile &p : m_store.profiles())
            items.append(p.toJson());
        return {{QStringLiteral("items"), items}};
    }
    if (head == QLatin1String("calibration-profile")) {
        if (!m_state.wall().display(arg))
            return {};
        QJsonObject o = m_store.profile(arg).value_or(StoredProfile{arg, {}, 0, {}, {}}).toJson();
        o.insert(QStringLiteral("history"), m_store.history(arg));
        if (m_readback.contains(arg))
            o.insert(QStringLiteral("readback"), toJson(m_readback.value(arg)));
        return o;
    }
    if (head == QLatin1String("calibration-run")) {
        bool ok = false;
        const qint64 id = arg.toLongLong(&ok);
        const auto it = m_runs.find(id);
        return ok && it != m_runs.end() ? it->toJson() : QJsonObject();
    }
    if (head == QLatin1String("calibration-drift")) {
        QJsonArray items;
        for (const StoredProfile &p : m_store.profiles()) {
            QJsonObject o{{QStringLiteral("display"), p.displayId}};
            if (m_readback.contains(p.displayId)) {
                const QJsonObject d = driftJson(drift(p.settings, m_readback.value(p.displayId)));
                o.insert(QStringLiteral("inStep"), d.value(QStringLiteral("inStep")));
                o.insert(QStringLiteral("drift"), d.value(QStringLiteral("drift")));
                o.insert(QStringLiteral("readAt"),
                         m_readAt.value(p.displayId).toString(Qt::ISODateWithMs));
            } else {
                o.insert(QStringLiteral("inStep"), QJsonValue(QJsonValue::Null));
                o.insert(QStringLiteral("why"),
                         QStringLiteral("not read back yet: run calibration read"));
            }
            items.append(o);
        }
        return {{QStringLiteral("items"), items}};
    }
    if (head == QLatin1String("calibration-export")) {
        Document d;
        for (const StoredProfile &p : m_store.profiles())
            d.profiles.insert(p.displayId, p.settings);
        return QJsonDocument::fromJson(exportDocument(d)).object();
    }
    if (head == QLatin1String("calibration-pattern"))
        return {{QStringLiteral("pattern"), m_pattern},
                {QStringLiteral("displays"),
                 m_patternDisplays.isEmpty()
                     ? QJsonValue(QStringLiteral("all"))
                     : QJsonValue(QJsonArray::fromStringList(m_patternDisplays))},
                {QStringLiteral("patterns"), QJsonArray::fromStringList(patterns())}};
    if (head == QLatin1String("calibration-geometry"))
        return {{QStringLiteral("unsaved"), m_unsavedSince.has_value()},
                {QStringLiteral("revisions"), m_store.wallRevisions(20)}};
    if (head == QLatin1String("calibration-uniformity")) {
        return {{QStringLiteral("session"), m_session.toJson(m_clock())},
                {QStringLiteral("reports"), m_store.reports(QStringLiteral("uniformity"), 10)}};
    }
    return {};
}

} // namespace opswall::calibration
