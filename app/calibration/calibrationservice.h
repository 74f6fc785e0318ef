#pragma once
// The technician's calibration workflow (DESIGN.md roles: technician and admin only), as
// "calibration.*" actions on the one dispatcher (audited there) and read-only snapshots:
//
//   calibration.set        {"displays": [ids] | "all", "output": name, "settings": {...},
//                           "replace": false, "note": "..."}  -> profiles saved with history
//   calibration.import     {"kind": "opswall.calibration", "schemaVersion": 1, "profiles": {}}
//   calibration.apply      {"displays" | "output", "timeoutMs"}    -> {"runId": n} (asynchronous)
//   calibration.read       {"displays" | "output", "timeoutMs"}    -> {"runId": n} (asynchronous)
//   calibration.pattern    {"pattern": "crosshatch", "displays": [ids]}; calibration.patternClear
//   calibration.uniformity {"step": "start" | "measure" | "plan" | "apply" | "finish", ...}
//
// apply sends each display its profile through the device service's link scheduler (one
// deadline; on a display one setting after the other, a refused one does not stop the rest),
// saves the settings where the protocol needs it (NEC), reads every setting back, and reports
// per display in words which settings were applied, refused or unsupported, and the drift that
// remains. A run's result: snapshot "calibration-run:<id>", event runFinished, and a stored
// report. The commands are sent, and the run kept, only once the action's transaction is
// committed: an apply or read the store refuses (store_unavailable) reaches no display and leaves
// no run.
#include "calibration/profilestore.h"
#include "calibration/uniformity.h"
#include "core/action.h"
#include "wall/geometry.h"

#include <QDateTime>
#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QStringList>

#include <exception>

class QProcess;
class QQmlEngine;
class QJSEngine;

namespace opswall::wall {
class WallState;
class Dispatcher;
} // namespace opswall::wall

namespace opswall::devices {
class DeviceService;
}

namespace opswall::calibration {

class CalibrationService : public QObject {
    Q_OBJECT
    Q_PROPERTY(QString pattern READ pattern NOTIFY patternChanged)
    Q_PROPERTY(QStringList patternDisplays READ patternDisplays NOTIFY patternChanged)
public:
    static constexpr int kDefaultTimeoutMs = 30000;
    static constexpr int kMaxTimeoutMs = 600000;
    static constexpr int kKeptRuns = 50;
    static const QStringList &patterns(); // the test patterns the wall can show

    // Registers the "calibration." handler on dispatcher. devices may be null (no display
    // control built in or configured): apply/read then answer "unavailable".
    CalibrationService(wall::WallState &state, wall::Dispatcher &dispatcher, ProfileStore &store,
                       devices::DeviceService *devices, QObject *parent = nullptr);

    // QML singleton (OpsWall.Calibration "Calibration"): the instance the shell attached to the
    // engine with opswall::provide(engine, service).
    static CalibrationService *create(QQmlEngine *engine, QJSEngine *);

    ActionResult handleAction(const Action &action, const Caller &caller);
    // The views held in memory only: "calibration-run:<id>", "calibration-pattern"; an empty
    // object for any other (the views that read the store are storeRead's: no statement runs on
    // the caller's thread here).
    QJsonObject snapshot(const QString &what) const;
    // The views that read the store ("calibration-profiles", "calibration-profile:<id>" with its
    // history, "calibration-drift", "calibration-export", "calibration-geometry",
    // "calibration-uniformity" with its reports) as a read for any connection: what is in memory
    // (read-backs, the session, the meter, the displays) is taken now, the rows are read where
    // the function runs (a worker thread's reader: the API, ActionSink::storeRead). Empty for the
    // views held in memory only (runs, the pattern), which snapshot() answers.
    using StoreRead = std::function<QJsonObject(store::Database &)>;
    StoreRead storeRead(const QString &what) const;

    QString pattern() const { return m_pattern; }                     // "" = the live layout
    QStringList patternDisplays() const { return m_patternDisplays; } // empty = every display
    // Display info for the ID card pattern: address, protocol, input, firmware when known.
    Q_INVOKABLE QJsonObject displayInfo(const QString &displayId) const;
    // Whether displayId shows the pattern now (QML binds to patternChanged).
    Q_INVOKABLE bool showsPattern(const QString &displayId) const {
        return !m_pattern.isEmpty() &&
               (m_patternDisplays.isEmpty() || m_patternDisplays.contains(displayId));
    }

    // The meter: ArgyllCMS's spotread, run on the wall controller for a uniformity "measure" step
    // with "meter": true ("-e -x -O": emissive, one reading, then exit). Empty (the default,
    // unless OPSWALL_SPOTREAD names another program, e.g. a test's failure-injection stand-in):
    // "spotread" on PATH, looked up when a reading is asked for.
    void setMeterProgram(const QString &program) { m_meterProgram = program; }
    static constexpr int kDefaultMeterTimeoutMs = 30000;

    using Clock = std::function<QDateTime()>;
    void setClock(Clock clock) { m_clock = std::move(clock); }
    // Where a saved wall geometry goes (the shell: WallStore::saveWall, loaded at the next start).
    // Writes the wall (in the calibration action's transaction); committed runs once it is
    // committed, never when the write failed: the wall in memory changes there.
    using WallSaver = std::function<void(const wall::Wall &, std::function<void()> committed)>;
    void setWallSaver(WallSaver saver) { m_saveWall = std::move(saver); }

Q_SIGNALS:
    void patternChanged();
    void runFinished(const QJsonObject &run);     // the run as calibration-run:<id> shows it
    void meterFinished(const QJsonObject &meter); // the meter read's state (snapshot "meter")

private:
    struct Run;
    std::variant<QStringList, ActionResult> targets(const QJsonObject &p, bool needBinding) const;
    ActionResult setProfiles(const QJsonObject &p, const Caller &caller);
    ActionResult importDocument(const QJsonObject &p, const Caller &caller);
    ActionResult startRun(const QString &kind, const QJsonObject &p, const Caller &caller,
                          const QMap<QString, PictureSettings> &overrideSettings = {});
    // A run whose action committed: kept (in memory only) until kKeptRuns newer ones are.
    void keepRun(const Run &run);
    void finishRun(qint64 runId, const QHash<QString, std::vector<drivers::Result>> &results);
    void reportStored(qint64 runId, qint64 reportId, std::exception_ptr error);
    ActionResult setPattern(const QJsonObject &p);
    ActionResult uniformityStep(const QJsonObject &p, const Caller &caller);
    ActionResult startMeterRead(const QString &display, const QJsonObject &p);
    void finishMeterRead(const QByteArray &output, const QString &failure);
    ActionResult nudgeGeometry(const QJsonObject &p);
    ActionResult saveGeometry(const QJsonObject &p, const Caller &caller);
    ActionResult undoGeometry(const Caller &caller);
    // Makes w the wall once it is saved (at once with no saver); then runs after that.
    void useWall(const wall::Wall &w, const Caller &caller, const QString &note,
                 std::function<void()> then = {});
    QStringList wallIds() const;

    wall::WallState &m_state;
    wall::Dispatcher &m_dispatcher;
    ProfileStore &m_store;
    QPointer<devices::DeviceService> m_devices;
    Clock m_clock;

    WallSaver m_saveWall;
    std::optional<qint64> m_unsavedSince;     // WallState revision of the first unsaved nudge
    std::optional<wall::Wall> m_beforeNudges; // the geometry before the first unsaved nudge
    QString m_pattern;
    QStringList m_patternDisplays;

    struct Run {
        qint64 id = 0;
        QString kind; // "apply" | "read"
        Caller by;
        QDateTime started;
        QDateTime finished;
        QStringList displays;
        // per display: what was sent, in order
        QHash<QString, std::vector<SettingCommand>> sent;
        QHash<QString, PictureSettings> wanted;
        QJsonObject result; // per display, when finished
        // The run's report row: its id once committed, or why the store refused it.
        qint64 reportId = 0;
        QString reportError;
        QJsonObject toJson() const;
    };
    QMap<qint64, Run> m_runs;
    qint64 m_nextRunId = 0;
    QHash<QString, Readback> m_readback; // the latest read-back per display
    QHash<QString, QDateTime> m_readAt;
    QHash<QString, QString> m_firmware; // as the latest run read it

    struct Session {
        bool active = false;
        QDateTime started;
        QDateTime warmUntil;
        QStringList displays;
        QString phase; // "measure" (before) or "remeasure" (after the corrections)
        uniformity::Options options;
        QMap<QString, uniformity::Measurement> before;
        QMap<QString, uniformity::Measurement> after;
        std::optional<uniformity::Plan> plan;
        QJsonObject toJson(const QDateTime &now) const;
    };
    Session m_session;

    // The latest meter read: "reading", "done" (the measurement is recorded) or "failed" (the
    // reason in words; nothing recorded, nothing lost). One at a time.
    struct Meter {
        QString state;
        QString display;
        QString error;
        double luminance = 0;
        QDateTime at;
        QJsonObject toJson() const;
    };
    Meter m_meter;
    QString m_meterProgram;
    QPointer<QProcess> m_meterProcess;
};

} // namespace opswall::calibration
