#pragma once
// Runs briefings on the wall: the dispatcher's handler for every "briefing.*" action (start, next,
// previous, goto, blank, unblank, end; save and delete of documents). A step is shown by making
// its layout live through the dispatcher (one history row, like a recall) and telling the wall's
// view what to put in focus; the whole run is recorded in the store. Starting takes the control
// lock in the caller's name (LockHooks, wired to the control layer by the shell) and ending
// releases it. GUI thread only.
//
//   BriefingRunner runner(state, dispatcher, wallStore, briefingStore);
//   dispatcher.addHandler("briefing.", [&](const Action &a, const Caller &c) {
//       return runner.handle(a, c); });

#include "briefing/briefing.h"
#include "briefing/briefingstore.h"
#include "core/action.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QDateTime>
#include <QObject>
#include <QVariantMap>

#include <functional>
#include <optional>

namespace opswall::store {
class WallStore;
}

namespace opswall::briefing {

struct LockHooks {
    std::function<ActionResult(const Caller &, qint64 ttlMs, const QString &reason)> acquire;
    std::function<ActionResult(const Caller &)> release;
};

class BriefingRunner : public QObject {
    Q_OBJECT
public:
    BriefingRunner(wall::WallState &state, wall::Dispatcher &dispatcher, store::WallStore &presets,
                   BriefingStore &store, QObject *parent = nullptr);

    ActionResult handle(const Action &action, const Caller &caller);
    void setLockHooks(LockHooks hooks) { m_lock = std::move(hooks); }
    // For tests and the benchmark: the clock the run's times come from.
    void setClock(std::function<QDateTime()> now) { m_now = std::move(now); }

    bool running() const { return m_run.has_value(); }
    // The running briefing's document, as it was when the run started; null when none runs.
    const Briefing *runningBriefing() const { return m_run ? &m_run->briefing : nullptr; }
    // Outside a briefing, puts one tile of the live layout in focus (an alert rule's incident
    // tile) until the layout next changes.
    void setSpotlight(const QString &tileId);
    // The current run as the API and the events report it: {"active": false} when none.
    QJsonObject status() const;
    // What the wall draws over the layout: {"active", "blank", "focus", "focusRect" {x,y,width,
    // height} mm, "indicator" "3 / 8", "organisation", "title"} (WallScene's presentation).
    QVariantMap view() const;

    // A step's layout: its inline layout, or the preset it names (nullopt + error when gone).
    std::optional<wall::Layout> stepLayout(const Step &step, QString *error) const;
    // Validation of a document against this wall and its presets.
    BriefingParse parse(const QJsonObject &doc) const;
    BriefingStore &store() { return m_store; }

Q_SIGNALS:
    void viewChanged();

private:
    struct Running {
        int id = 0;
        int revision = 0;
        Briefing briefing;
        qint64 runId = 0;
        int step = 0; // 0-based
        bool blank = false;
        QDateTime startedAt;
        QDateTime stepShownAt;
        QString startedBy;
        QString steppedBy;
    };
    ActionResult start(const QJsonObject &p, const Caller &caller);
    // Shows step of next (the run as it will be): its layout joins the action's transaction, and
    // m_run becomes next only once the step's row is committed (a refused write leaves the run,
    // the API's answer and the wall as they were); alsoCommitted (may be empty) runs then too.
    ActionResult show(Running next, int step, const Caller &caller,
                      std::function<void()> alsoCommitted = {});
    ActionResult save(const QJsonObject &p);
    ActionResult remove(const QJsonObject &p);
    ActionResult end(const Caller &caller);
    std::optional<ActionResult> checkRunning(const QJsonObject &p) const;
    static ActionResult ok(const Running &run);
    static QJsonObject statusOf(const Running &run);
    // The layouts the running briefing shows next (the next step's, then the previous one's),
    // told to the wall to be built ahead (WallState::setAhead "briefing"); none when no briefing
    // runs. Again when a preset changes (a step may name it).
    void prepareAhead();

    wall::WallState &m_state;
    wall::Dispatcher &m_dispatcher;
    store::WallStore &m_presets;
    BriefingStore &m_store;
    LockHooks m_lock;
    std::function<QDateTime()> m_now = [] { return QDateTime::currentDateTimeUtc(); };
    std::optional<Running> m_run;
    QString m_spotlight;
};

// "3", 3 or 3.0 -> 3; nullopt for anything else (ids from paths arrive as strings).
std::optional<int> intParam(const QJsonValue &v);

} // namespace opswall::briefing
