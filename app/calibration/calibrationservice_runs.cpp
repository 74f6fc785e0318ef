// CalibrationService: profiles (set, import) and the apply and read runs through the device
// service's link scheduler, with their results per display in words.
#include "calibration/calibrationservice.h"
#include "calibration/calibrationservice_p.h"

#include "devices/deviceservice.h"
#include "store/database.h"
#include "wall/dispatcher.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace opswall::calibration {

namespace {
const QString kSave = QStringLiteral("save");
const QString kFirmware = QStringLiteral("firmware");
} // namespace

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
    QStringList problems;
    const auto doc = parseDocument(QJsonDocument(p).toJson(QJsonDocument::Compact), wallIds(),
                                   &error, &field, &problems);
    if (!doc) // every problem, one a line ("field: why"); nothing is imported
        return invalid(problems.isEmpty() ? error : problems.join(u'\n'), field);
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
    // The next id, taken only once the run is kept (keepRun): a run refused here or by the
    // store leaves no gap in the ids (actions are applied one after the other, each after the
    // previous one's commit, so no other run can be given this id meanwhile).
    run.id = m_nextRunId + 1;
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
    QPointer<CalibrationService> self(this);
    // Kept once the action's transaction is committed, before runSequences sends (its commands
    // go after the same commit): a refused apply or read leaves no run, as no row has it.
    m_dispatcher.afterCommit([self, run] {
        if (self)
            self->keepRun(run);
    });
    QString why;
    if (!m_devices->runSequences(
            perDisplay, int(timeoutMs),
            [self, runId](const devices::DeviceService::SequenceResults &r) {
                if (self)
                    self->finishRun(runId, r);
            },
            &why)) {
        if (m_runs.remove(runId) > 0) // kept at once outside an action: its id is free again
            m_nextRunId = runId - 1;
        return ActionResult::failure(QStringLiteral("unavailable"), why);
    }
    return ActionResult::success({{QStringLiteral("accepted"), true},
                                  {QStringLiteral("runId"), runId},
                                  {QStringLiteral("kind"), kind},
                                  {QStringLiteral("displays"), QJsonArray::fromStringList(ids)}});
}

void CalibrationService::keepRun(const Run &run) {
    m_nextRunId = std::max(m_nextRunId, run.id);
    m_runs.insert(run.id, run);
    while (m_runs.size() > kKeptRuns)
        m_runs.erase(m_runs.begin());
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
    qCInfo(lcCalibration).noquote() << QStringLiteral("calibration %1 run %2: %3 of %4 displays ok")
                                           .arg(run.kind)
                                           .arg(run.id)
                                           .arg(okCount)
                                           .arg(run.displays.size());
    // The run is announced (calibration.finished) once its report row is committed or refused,
    // so that the event, GET /calibration and the reports agree.
    QPointer<CalibrationService> self(this);
    try {
        m_store.addReport(run.kind, run.by, run.toJson(),
                          [self, runId](qint64 reportId, std::exception_ptr error) {
                              if (self)
                                  self->reportStored(runId, reportId, error);
                          });
    } catch (const std::exception &) { // the id could not be read: nothing was written
        reportStored(runId, 0, std::current_exception());
    }
}

void CalibrationService::reportStored(qint64 runId, qint64 reportId, std::exception_ptr error) {
    const auto it = m_runs.find(runId);
    if (it == m_runs.end())
        return;
    if (!error) {
        it->reportId = reportId;
    } else {
        it->reportError = store::errorText(error);
        qCWarning(lcCalibration).noquote()
            << QStringLiteral("could not store the report of run %1: %2")
                   .arg(runId)
                   .arg(it->reportError);
    }
    Q_EMIT runFinished(it->toJson());
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
        if (reportId > 0)
            o.insert(QStringLiteral("reportId"), reportId);
        if (!reportError.isEmpty())
            o.insert(QStringLiteral("reportError"), reportError);
    }
    return o;
}

} // namespace opswall::calibration
