#pragma once
// The one way to change the wall (DESIGN.md): every entry point submits an Action on behalf of a
// Caller. The dispatcher checks the caller's role, validates and applies the action to the live
// WallState, keeps undo/redo for layout edits, persists what must survive a restart, hands the
// outcome to the audit hook, and publishes an event. GUI thread only.

#include "core/action.h"
#include "wall/layout.h"
#include "wall/layoutstore.h"
#include "wall/wallstate.h"

#include <QJsonObject>
#include <QObject>

#include <deque>
#include <functional>
#include <optional>

namespace opswall::wall {

class Dispatcher : public QObject {
    Q_OBJECT
public:
    // store may be null (tests of pure behaviour); then presets are unavailable.
    Dispatcher(WallState &state, LayoutStore *store, QObject *parent = nullptr);

    ActionResult dispatch(const Action &action, const Caller &caller);

    // Called after every dispatched action, allowed or not (the audit log).
    using AuditHook = std::function<void(const Caller &, const Action &, const ActionResult &)>;
    void setAuditHook(AuditHook hook) { m_audit = std::move(hook); }
    // Consulted after the role table, e.g. by the control lock: return a failure to refuse.
    using Gate = std::function<std::optional<ActionResult>(const Action &, const Caller &)>;
    void setGate(Gate gate) { m_gate = std::move(gate); }
    // Handlers for action families owned by other layers (device.*, alert.*, source.*, ...).
    using Handler = std::function<ActionResult(const Action &, const Caller &)>;
    void addHandler(const QString &prefix, Handler handler);
    // For such handlers only (a briefing step, an incident preset): makes layout live as a recall
    // does (one undo step, a history row, the action's "revision").
    void showLayout(const Layout &layout, const QString &cause) { commit(layout, cause); }

    // Where image tiles may take pictures from (layout.h); checked for every tile and layout
    // that comes in. The default allows the assets folder only.
    void setImagePolicy(ImageSourcePolicy policy) { m_imagePolicy = std::move(policy); }

    bool canUndo() const { return !m_undo.empty(); }
    bool canRedo() const { return !m_redo.empty(); }
    const std::optional<Layout> &staged() const { return m_staged; }

    static constexpr std::size_t kUndoDepth = 100;

    // Who changed the live layout, for a publish refused because the wall moved on since the
    // editor's base revision (PUT /api/v1/layout). Revisions are WallState::revision() values
    // (persistent with a store); instance() tells one run of the wall from the next, whose list
    // of changes is not kept, so a base of another run is refused.
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
    ActionResult setBezelCompensation(const QJsonObject &p);
    // Makes layout live, remembering the previous one for undo.
    void commit(const Layout &layout, const QString &cause);
    void remember();
    // Writes the history row of the layout about to go live (throws store::Error).
    void record(const Layout &next, const QString &cause);

    WallState &m_state;
    LayoutStore *m_store;
    AuditHook m_audit;
    Gate m_gate;
    QList<QPair<QString, Handler>> m_handlers;
    std::deque<Layout> m_undo;
    std::deque<Layout> m_redo;
    std::optional<Layout> m_staged;
    std::optional<qint64> m_recorded; // history row written by the action being applied
    ImageSourcePolicy m_imagePolicy;
    // Refuses tiles whose image sources the policy refuses; the field is prefix (with %1 the
    // tile's index) + ".binding.source", or "binding.source" when prefix is empty.
    std::optional<ActionResult> imageRefusal(const QList<Tile> &tiles, const QString &prefix) const;
    QString m_instance;           // random per run: a base revision of another run is stale
    std::deque<Change> m_changes; // the last kChangeLogDepth changes of the live layout
};

} // namespace opswall::wall
