#pragma once
// The displays' control side of the app (DESIGN.md "app/devices"): binds each display of the wall
// to a device (bindings.h), runs the drivers on ONE io thread of its own, polls health into a
// DeviceStateModel, raises and clears alerts, executes "device.command" actions and the power
// schedule. Lives on the GUI thread.
//
//   GUI thread                                io thread ("opswall-devio": one io_context)
//   DeviceService ── post(lambda, values) ──▶ Links, Displays, health polls, fanOut
//        ▲                                             │
//        └── invokeMethod(this, lambda, Queued) ◀──────┘ Health / per-display results, by value
//
// device.command is asynchronous: the dispatcher is synchronous and device I/O is not, so the
// handler validates the parameters, starts the fan-out and answers at once with
//   {"accepted": true, "requestId": n, "displays": [...], "command": "power"}
// and commandFinished(n, {"r1c1": {"ok": true, "status": "ok"}, "r1c2": {"ok": false,
// "status": "timeout", "error": "..."}, ...}) follows on the GUI thread when every display has
// answered or the one deadline ("timeoutMs", default 10 s) has passed. A request still running
// when the service stops finishes with status "cancelled" for every display.
//
// The power schedule is checked once a minute (a QTimer); every change it makes is submitted
// through the dispatcher as a device.command by the caller {user "schedule", role Technician,
// via "schedule"}, so it is permission-checked and audited like any other. The schedule's state
// is also reconciled: at start() (a restart, or after a power cut, inside an "on" period) and
// when a display answers again after it was counted as not answering (its "unreachable" alert:
// unreachableAfterMisses polls in a row, not one lost answer), a display whose answered power is
// not the scheduled one is switched to it by the same kind of action (with "reason": "start" or
// "reconnect" in its parameters, gathered into one action per power value); its power is not
// assessed for the "power-mismatch" alert until that command has finished. An operator's power
// command (any caller but the schedule) wins until the schedule's next transition: reconciling
// leaves that display alone (the alert reports it) while no rule has come since the command.
#include "core/action.h"
#include "devices/alerttracker.h"
#include "devices/bindings.h"
#include "devices/devicestatemodel.h"

#include "device/schedule.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QHash>
#include <QJSEngine>
#include <QObject>
#include <QQmlEngine>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <functional>
#include <future>
#include <memory>
#include <thread>

namespace opswall::wall {
class WallState;
class Dispatcher;
} // namespace opswall::wall

namespace opswall::devices {

struct CommandRequest; // devicecommand.h

class DeviceService : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    Q_PROPERTY(opswall::devices::DeviceStateModel *model READ model CONSTANT)
    Q_PROPERTY(bool running READ isRunning NOTIFY runningChanged)
public:
    static constexpr int kDefaultStopTimeoutMs = 3000;
    static constexpr int kScheduleCheckMs = 60 * 1000;
    // The wall's local time: schedules ("on 07:00 mon-fri") are in it. Tests inject their own.
    using Clock = std::function<QDateTime()>;

    // Registers the "device." action handler on dispatcher (the handler answers "unavailable"
    // once this object is gone). Both must outlive this object's use; GUI thread only.
    DeviceService(wall::WallState &state, wall::Dispatcher &dispatcher, QObject *parent = nullptr);
    ~DeviceService() override; // stop(kDefaultStopTimeoutMs)
    // QML singleton (OpsWall.Devices "Devices"): the instance main() attached to the engine with
    // opswall::provide(engine, service).
    static DeviceService *create(QQmlEngine *engine, QJSEngine *);

    // Validates the bindings against the wall and applies them (restarting the device side when
    // running). Returns the issues; nothing changes unless the list is empty.
    QList<Issue> setConfig(const DeviceConfig &config);
    const DeviceConfig &config() const { return m_config; }
    void setClock(Clock clock);
    void setScheduleCheckIntervalMs(int ms) { m_scheduleTimer.setInterval(ms); }
    // How long reconciling waits for other displays' first answers, to send one action for them.
    static constexpr int kReconcileGatherMs = 300;
    // The longest a display's power is not assessed while a reconciling command is on its way
    // (a device.command's deadline is 10 s; the busy window after a power change 15 s).
    static constexpr int kReconcileWaitMs = 30 * 1000;

    // Starts the io thread, the links, health polling and the schedule timer. Idempotent.
    void start();
    // Stops polling, fails queued commands, joins the io thread within timeoutMs (then gives up
    // on it, detached, with a warning). Returns whether the thread ended in time. Idempotent.
    bool stop(int timeoutMs = kDefaultStopTimeoutMs);
    bool isRunning() const { return m_io != nullptr; }

    DeviceStateModel *model() { return &m_model; }
    const DeviceStateModel *model() const { return &m_model; }
    QJsonArray snapshot() const { return m_model.snapshot(); } // for the control API
    QJsonArray activeAlerts() const;
    // What the power schedule wants for the display now: true on, false off; none when the
    // display is not scheduled (for the metrics).
    std::optional<bool> scheduledOn(const QString &displayId) const;

    // The "device." handler (the constructor registers it; public for tools and tests).
    ActionResult handleAction(const Action &action, const Caller &caller);

    // For other services (calibration): on each display its commands, one after the other (a
    // refused command does not stop the rest), all displays at once under one deadline. done
    // gets, on the GUI thread, one Result per command per display (Timeout for commands the
    // deadline cut off; Cancelled for all when the service stops first). Returns false, without
    // calling done, when not running or a display is not bound (why says which). Called while an
    // action is applied, the commands are sent once its transaction is committed
    // (Dispatcher::afterCommit): a write the store refuses sends nothing, and done is not called.
    using SequenceResults = QHash<QString, std::vector<drivers::Result>>;
    using SequenceDone = std::function<void(const SequenceResults &)>;
    bool runSequences(const QList<QPair<QString, std::vector<drivers::Command>>> &perDisplay,
                      int timeoutMs, SequenceDone done, QString *why = nullptr);
    QStringList boundDisplays() const { return m_bound; }

public Q_SLOTS:
    // Executes the schedule rules whose minute passed since the last check (at most a day back).
    void checkSchedule();

Q_SIGNALS:
    void alertRaised(const QJsonObject &alert);  // DeviceAlert::toJson()
    void alertCleared(const QJsonObject &alert); // the same object as when raised
    void commandFinished(quint64 requestId, const QJsonObject &perDisplay);
    void healthUpdated(const QString &displayId); // after the model row changed
    void runningChanged();

public:
    struct Io; // the io thread's side (deviceservice.cpp)

private:
    void rebuildRows();
    void onHealth(quint64 generation, const QString &displayId, const drivers::Health &health);
    void onCommandDone(quint64 generation, quint64 requestId, const QJsonObject &perDisplay);
    // A device.command taken, to its displays (after the action's commit: handleAction).
    // byOperator: a power command of a caller other than the schedule (m_manualPowerAt).
    void send(const CommandRequest &request, quint64 requestId, quint64 generation,
              bool byOperator);
    static QJsonObject cancelled(const QStringList &displays); // commandFinished's, per display
    void emitChanges(const AlertTracker::Changes &changes);
    void startSchedule(); // from this minute on (start())
    std::optional<drivers::Power> expectedPower(const QString &displayId) const;
    // Reconciling (see the top): called for each answered poll, before its alerts are assessed.
    void reconcileIfDue(const QString &displayId, const drivers::Health &health);
    void sendReconcile(); // the gathered displays, one action per power value
    void reconcileFinished(quint64 requestId);
    // Whether an operator's power command to the display came after the schedule's last
    // transition (then reconciling leaves the display as the operator set it).
    bool manualChangeStands(const QString &displayId) const;
    static Caller scheduleCaller(); // who the schedule's actions are audited as

    wall::WallState &m_state;
    wall::Dispatcher &m_dispatcher;
    DeviceConfig m_config;
    QHash<QString, drivers::PowerSchedule> m_schedules; // per bound display with a schedule
    QStringList m_bound;                                // bound display ids, io-side index order
    DeviceStateModel m_model;
    AlertTracker m_alerts;
    Clock m_clock;
    QTimer m_scheduleTimer;
    QDateTime m_lastScheduleMinute;
    // Displays to reconcile at their next answered poll (start(), answering again), the
    // reason ("start", "reconnect"); displays gathered for the next action; displays a
    // reconciling command is on its way to (not assessed for power-mismatch meanwhile), by the
    // device.command's requestId once accepted.
    QHash<QString, QString> m_reconcileDue;
    QMap<QString, QPair<drivers::Power, QString>> m_reconcileGathered;
    QHash<QString, QDeadlineTimer> m_reconciling;
    QHash<quint64, QStringList> m_reconcileRequests;
    QTimer m_reconcileTimer;
    // When (the wall's local time, m_clock) an operator's power command was last sent to each
    // display; kept across stop() and start(), not across a restart of the process.
    QHash<QString, QDateTime> m_manualPowerAt;

    std::shared_ptr<Io> m_io;
    std::thread m_thread;
    std::future<void> m_finished;
    quint64 m_generation = 0;
    quint64 m_nextRequestId = 0;
    QHash<quint64, QStringList> m_pending; // requestId -> displays
    struct Sequence {
        QList<QPair<QString, std::size_t>> displays; // id, number of commands
        SequenceDone done;
        void cancel() const; // done: every command Cancelled
    };
    QHash<quint64, Sequence> m_sequences;
    // A runSequences taken, to its displays (after the action's commit).
    void sendSequences(const std::vector<std::size_t> &indices, const Sequence &seq,
                       const std::vector<std::vector<drivers::Command>> &commands, int timeoutMs,
                       quint64 generation);
    void onSequenceDone(quint64 generation, quint64 requestId, const SequenceResults &results);
};

} // namespace opswall::devices
