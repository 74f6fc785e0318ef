#pragma once
// The one way to change the wall (DESIGN.md): every entry point submits an Action on behalf of a
// Caller. The dispatcher checks the caller's role, validates the action and works out what it
// changes, writes that (the live layout's history row, presets, the wall, and the action's audit
// row) as ONE transaction on the store thread, and only when it is committed shows the change on
// the live WallState (undo/redo for layout edits), answers and publishes an event. A write that
// fails changes nothing on the wall: the action is answered with the error (store_unavailable when
// the store cannot be written now) and its audit row is kept for later (AuditLog::defer).
//
// Actions are taken one at a time, in the order they came: while one action's write is on the
// store thread the next waits in the dispatcher's queue (the wall and every read go on). GUI
// thread only.

#include "core/action.h"
#include "wall/actionstore.h"
#include "wall/layout.h"
#include "wall/layoutstore.h"
#include "wall/wallstate.h"

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

namespace opswall::wall {

class Dispatcher : public QObject {
    Q_OBJECT
public:
    // store may be null (tests of pure behaviour); then presets are unavailable. The store
    // (store::WallStore in the app) is reached only through wall::ActionStore: app/wall does
    // not include app/store (DESIGN.md layering; tools/lint/layering.cmake, test lint_layering).
    Dispatcher(WallState &state, ActionStore *store, QObject *parent = nullptr);

    // Takes action for caller; done gets the result exactly once, on the GUI thread, after the
    // action's transaction committed (or failed) on the store thread. With no store thread (tests,
    // tools) the write runs here and done is called before submit returns.
    using Done = std::function<void(ActionResult)>;
    void submit(Action action, Caller caller, Done done);
    // The same, waiting for the result: the GUI thread waits for the store (and for the actions
    // queued before this one). Only for a handler's nested action (taken inside the outer one)
    // and tests; start-up (startWith), WallScene, schedules, device power schedules, panels and
    // the API use submit() (app/store/README.md).
    ActionResult dispatch(const Action &action, const Caller &caller);

    // Called after every dispatched action, allowed or not, with its final result (the log).
    using AuditHook = std::function<void(const Caller &, const Action &, const ActionResult &)>;
    void setAuditHook(AuditHook hook) { m_audit = std::move(hook); }
    // The action's audit row, written in the action's own transaction (control::AuditLog::defer):
    // write runs on the store thread inside the transaction with the final result; refused runs on
    // the GUI thread when the transaction failed. store: where the audit is written when the
    // dispatcher has no store of its own.
    struct AuditRow {
        std::function<std::int64_t(ActionTransaction &, const ActionResult &)> write;
        std::function<void(const ActionResult &)> refused;
    };
    using AuditRows = std::function<AuditRow(const Caller &, const Action &)>;
    void setAuditRows(AuditRows rows, ActionStore *store) {
        m_auditRows = std::move(rows);
        m_auditStore = store;
    }
    // Consulted after the role table, e.g. by the control lock: return a failure to refuse.
    using Gate = std::function<std::optional<ActionResult>(const Action &, const Caller &)>;
    void setGate(Gate gate) { m_gate = std::move(gate); }
    // Handlers for action families owned by other layers (device.*, alert.*, source.*, ...). A
    // handler added later for the same prefix answers instead of the earlier one (a default
    // answer, replaced by the part that owns the family when it is configured).
    using Handler = std::function<ActionResult(const Action &, const Caller &)>;
    void addHandler(const QString &prefix, Handler handler);
    // For such handlers (a briefing step, an incident preset): makes layout live as a recall
    // does (one undo step, a history row in the action's transaction, the action's "revision").
    // Outside an action (a briefing's timer) it is queued as a write of its own.
    void showLayout(const Layout &layout, const QString &cause);
    // Start-up (WallApplication::start; the GUI thread does not wait): ONE transaction on the
    // store thread writes documents first (the wall document, the first start's presets; may be
    // empty) and then, when layout is given, that layout's history row with its cause; the wall
    // shows the layout only once that committed, as it shows an action's change (not an action:
    // no audit row, no event). Actions submitted later are taken after it and see what it
    // committed (the presets it saved): it goes before the actions waiting in the queue. done
    // (may be empty) gets the outcome on the GUI thread:
    // ok, or the failure (store_unavailable, internal) as an action's write would have it.
    void startWith(ActionStore::Job documents, std::optional<QPair<Layout, QString>> layout,
                   Done done);
    // For such handlers, an effect outside the wall (a command to a display): sent runs on the
    // GUI thread once the action's transaction committed, never when it failed or the action was
    // refused. The action then writes (it is not audit-only), so a store that refuses its write
    // refuses the action (store_unavailable) and nothing is sent. Outside an action, now.
    void afterCommit(std::function<void()> sent);

    // Built ahead (WallState::setAhead; qml/wall/README.md "Built ahead"): presets the wall
    // expects to be recalled next, by three sources, each read again whenever a preset is saved
    // or deleted (an edited preset is built ahead as it is now; a deleted one is let go). Without
    // a store, nothing. A preset named by a source before it (WallState::aheadOrder) is not
    // named again.
    //
    // Warm presets (--warm-presets), "warm". An id that names no preset is logged once
    // ("opswall: warm preset N: no such preset") and skipped; it is taken when such a preset is
    // saved.
    void setWarmPresets(const QList<int> &ids);
    QList<int> warmPresets() const { return m_warm; }
    // The presets a button of an operator panel recalls with one press (PanelService::
    // boundPresets: each panel's page shown first), "panel". A button names a preset by id or
    // by name; one that names no preset is skipped (the panels document reports it).
    struct PresetRef {
        int id = 0;   // > 0: this preset
        QString name; // otherwise: the preset of this name
        bool operator==(const PresetRef &) const = default;
    };
    void setPanelPresets(const QList<PresetRef> &presets);
    // The presets recalled most of late (--ahead-recent N), "recent": the n presets with the
    // highest score over the preset recalls of the last kRecentWindowMs, each recall weighing
    // 1/2 per kRecentHalfLifeMs of its age, not counting presets a source before names; the
    // most recent recall breaks a tie. 0: off. Each recall the dispatcher commits counts at
    // once; addRecalls gives those of the history (read off the GUI thread at start-up: store::
    // WallStore::presetRecalls), a recall counted once whichever way it came (by its row).
    struct Recall {
        qint64 row = 0; // its history row (0: unknown)
        int preset = 0;
        qint64 atMs = 0;
    };
    void setRecentPresets(int n);
    void addRecalls(const QList<Recall> &recalls);
    static constexpr qint64 kRecentWindowMs = 7LL * 24 * 3600 * 1000;
    static constexpr qint64 kRecentHalfLifeMs = 24LL * 3600 * 1000;
    static constexpr qsizetype kRecallsKept = 10000; // the newest, within the window
    // The presets each source names now, resolved (tests, GET /metrics): "warm", "panel",
    // "recent".
    QList<int> aheadPresets(const QString &source) const { return m_aheadIds.value(source); }

    // Actions waiting for the one being written (for tests and the metrics).
    std::size_t queued() const { return m_queue.size() + (m_busy ? 1 : 0); }

    // Where image tiles may take pictures from (layout.h); checked for every tile and layout
    // that comes in. The default allows the assets folder only.
    void setImagePolicy(ImageSourcePolicy policy) { m_imagePolicy = std::move(policy); }

    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    const std::optional<Layout> &staged() const { return m_staged; }

    static constexpr std::size_t kUndoDepth = 100;

    // Who changed the live layout, for a publish refused because the wall moved on since the
    // editor's base revision (PUT /api/v1/layout). Revisions are WallState::revision() values of
    // this process; instance() tells one run of the wall from the next (a restart resets them).
    struct Change {
        quint64 revision = 0; // the live layout's revision after the change
        QString by, role, via, type, what;
        qint64 atMs = 0;
        QJsonObject toJson() const;
    };
    QString instance() const { return m_instance; }
    static constexpr std::size_t kChangeLogDepth = 200;

Q_SIGNALS:
    // {"type": action type, "by": user, "role", "via", "revision", ...action-specific fields}
    void event(const QJsonObject &event);
    void undoStateChanged();

private:
    ActionResult apply(const Action &action, const Caller &caller);
    ActionResult recallPreset(const QJsonObject &p, const Caller &caller);
    ActionResult savePreset(const QJsonObject &p);
    ActionResult deletePreset(const QJsonObject &p);
    ActionResult setLayout(const QJsonObject &p, const QString &cause);
    ActionResult stage(const QJsonObject &p);
    ActionResult publish();
    ActionResult undo();
    ActionResult redo();
    ActionResult step(std::deque<Layout> &from, std::deque<Layout> &to, const QString &verb);
    ActionResult tileAction(const QString &verb, const QJsonObject &p);
    ActionResult focusTile(const QString &verb, const Tile &current, const QJsonObject &p);
    ActionResult setBezelCompensation(const QJsonObject &p);
    // Makes layout live once the action's transaction committed, remembering the previous one for
    // undo.
    void commit(const Layout &layout, const QString &cause);
    void remember();
    // The history row of the layout about to go live, written in the action's transaction.
    void record(const Layout &next, const QString &cause);

    // What the action being applied changes: rows written in its transaction on the store thread,
    // then (only when that committed) the changes shown on the GUI thread.
    struct Effects {
        std::vector<std::pair<Layout, QString>> history;
        std::vector<std::function<void(LayoutStore &, QJsonObject &data)>> writes;
        std::vector<std::function<void()>> show;
        // The layout the action makes live (its last commit()): built ahead while it is written.
        std::optional<Layout> shows;
        // Writes of other components made while the action was applied (store::Database::write:
        // sources, panels, briefings, devices, calibration...), in the same transaction.
        std::vector<ActionStore::Job> jobs;
        bool empty() const {
            return history.empty() && writes.empty() && show.empty() && jobs.empty();
        }
    };
    struct Item {
        Action action;
        Caller caller;
        Done done;
        std::optional<QPair<Layout, QString>> showOnly; // showLayout() outside an action
        ActionStore::Job before; // startWith(): written first, in the same transaction
        bool writeOnly = false;  // startWith() without a layout
    };
    void pump();
    void start(Item item);
    void finish(const std::shared_ptr<Item> &item, ActionResult result, Effects &fx,
                const AuditRow &audit, std::exception_ptr error);
    bool m_preparing = false; // the state was told of a layout being written (prepareLayout)
    ActionResult check(const Action &action, const Caller &caller);
    ActionStore *writeStore() const { return m_store ? m_store : m_auditStore; }
    ActionResult failureOf(std::exception_ptr error) const;

    WallState &m_state;
    ActionStore *m_store;
    AuditHook m_audit;
    Gate m_gate;
    QList<QPair<QString, Handler>> m_handlers;
    std::deque<Layout> m_undo;
    std::deque<Layout> m_redo;
    std::optional<Layout> m_staged;
    AuditRows m_auditRows;
    std::optional<qint64> m_recorded; // the history row the finishing action wrote
    ActionStore *m_auditStore = nullptr;
    Effects m_fx;            // of the action being applied
    bool m_applying = false; // inside apply(): showLayout() adds to the action's effects
    bool m_busy = false;     // an action is being written
    bool m_pumping = false;
    std::deque<Item> m_queue;             // submitted, waiting for the one being written
    std::function<void()> m_waitInFlight; // blocks until the action being written is finished
    ImageSourcePolicy m_imagePolicy;
    // Refuses tiles whose image sources the policy refuses; the field is prefix (with %1 the
    // tile's index) + ".binding.source", or "binding.source" when prefix is empty.
    std::optional<ActionResult> imageRefusal(const QList<Tile> &tiles, const QString &prefix) const;
    // A layout document given with an action ("layout"): parsed against the wall into out, or the
    // refusal (its issues, or a refused image source).
    std::optional<ActionResult> readLayout(const QJsonObject &doc, Layout &out) const;
    QString m_instance;           // random per run: a base revision of another run is stale
    std::deque<Change> m_changes; // the last kChangeLogDepth changes of the live layout
    // tile.focus: each focused tile as it was before, and the rectangle focus gave it (a tile
    // changed since by anything else is no longer "focused").
    struct Focus {
        Tile before;
        QRectF focusedMm;
        int focusedZ = 0;
    };
    QHash<QString, Focus> m_focused;
    QList<int> m_warm;
    QSet<int> m_warmMissing; // logged as missing (once each)
    QList<PresetRef> m_panel;
    int m_recentCount = 0;
    std::deque<Recall> m_recalls; // oldest first
    QHash<QString, QList<int>> m_aheadIds;
    bool m_aheadDirty = false; // to read once the action being written finished
    bool hasAheadSources() const {
        return !m_warm.isEmpty() || !m_panel.isEmpty() || m_recentCount > 0;
    }
    // Reads every source's presets and tells the state (now, or once the action being written
    // finished: at start-up the first presets are still being written).
    void aheadSourcesChanged();
    void refreshAhead();
    QList<int> mostRecalled(const QSet<int> &skip) const;
    void noteRecall(int preset, qint64 row);

public:
    // Tiles of the live layout that tile.focus enlarged and that are still as it left them.
    QStringList focusedTiles() const;
};

} // namespace opswall::wall
