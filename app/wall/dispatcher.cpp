#include "wall/dispatcher.h"

#include "core/permissions.h"
#include "core/testhooks.h"

#include <QDateTime>
#include <QJsonArray>
#include <QUuid>

#include <algorithm>
#include <cmath>
#include <utility>

namespace opswall::wall {

Dispatcher::Dispatcher(WallState &state, ActionStore *store, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_store(store)
    , m_instance(QUuid::createUuid().toString(QUuid::WithoutBraces)) {}

QJsonObject Dispatcher::Change::toJson() const {
    return {{QStringLiteral("revision"), qint64(revision)},
            {QStringLiteral("by"), by},
            {QStringLiteral("role"), role},
            {QStringLiteral("via"), via},
            {QStringLiteral("type"), type},
            {QStringLiteral("what"), what},
            {QStringLiteral("time"),
             QDateTime::fromMSecsSinceEpoch(atMs, Qt::UTC).toString(Qt::ISODateWithMs)}};
}

void Dispatcher::addHandler(const QString &prefix, Handler handler) {
    m_handlers.prepend({prefix, std::move(handler)}); // the latest for a prefix first
}

ActionResult Dispatcher::check(const Action &action, const Caller &caller) {
    // The one role check of an action (core::roleRefusal), then the control lock.
    if (auto refused = roleRefusal(caller.role, action.type))
        return *refused;
    if (auto gated = m_gate ? m_gate(action, caller) : std::nullopt)
        return *gated;
    return ActionResult::success();
}

void Dispatcher::submit(Action action, Caller caller, Done done) {
    m_queue.push_back(
        Item{std::move(action), std::move(caller), std::move(done), std::nullopt, {}, false});
    pump();
}

void Dispatcher::showLayout(const Layout &layout, const QString &cause) {
    if (m_applying) {
        commit(layout, cause);
        return;
    }
    m_queue.push_back(Item{{}, {}, {}, QPair<Layout, QString>{layout, cause}, {}, false});
    pump();
}

void Dispatcher::startWith(ActionStore::Job documents, std::optional<QPair<Layout, QString>> layout,
                           Done done) {
    Item item{{}, {}, std::move(done), std::move(layout), std::move(documents), false};
    if (!item.showOnly) {
        item.writeOnly = true;
        item.showOnly = QPair<Layout, QString>{}; // not an action; nothing to show
    }
    m_queue.push_front(std::move(item)); // before the actions that came meanwhile
    pump();
}

void Dispatcher::afterCommit(std::function<void()> sent) {
    if (!m_applying)
        return sent();
    m_fx.jobs.push_back([](ActionTransaction &) {}); // a part of the transaction: its commit
    m_fx.show.push_back(std::move(sent));
}

ActionResult Dispatcher::dispatch(const Action &action, const Caller &caller) {
    std::optional<ActionResult> out;
    if (m_applying) {
        // A handler dispatching another action (a schedule firing a preset from its own action):
        // that one is taken now, in its own transaction, before the outer one is written.
        Effects outer = std::exchange(m_fx, Effects{});
        const bool busy = std::exchange(m_busy, false);
        const bool pumping = std::exchange(m_pumping, true);
        m_applying = false;
        std::function<void()> waitOuter = std::exchange(m_waitInFlight, {});
        start(Item{action,
                   caller,
                   [&out](ActionResult r) { out = std::move(r); },
                   std::nullopt,
                   {},
                   false});
        while (!out && m_waitInFlight)
            std::exchange(m_waitInFlight, {})();
        m_applying = true;
        m_waitInFlight = std::move(waitOuter);
        m_pumping = pumping;
        m_busy = busy;
        m_fx = std::move(outer);
        return out.value_or(ActionResult::failure(QStringLiteral("internal"),
                                                  QStringLiteral("the action was not finished")));
    }
    submit(action, caller, [&out](ActionResult r) { out = std::move(r); });
    // The actions queued before this one, then this one, each finished here.
    while (!out) {
        if (m_waitInFlight) {
            std::exchange(m_waitInFlight, {})();
        } else if (!m_busy && !m_queue.empty()) { // called while the queue is being pumped
            Item next = std::move(m_queue.front());
            m_queue.pop_front();
            start(std::move(next));
        } else {
            break;
        }
    }
    return out.value_or(ActionResult::failure(QStringLiteral("internal"),
                                              QStringLiteral("the action was not finished")));
}

void Dispatcher::pump() {
    if (m_pumping)
        return;
    m_pumping = true;
    while (!m_busy && !m_queue.empty()) {
        Item item = std::move(m_queue.front());
        m_queue.pop_front();
        start(std::move(item));
    }
    m_pumping = false;
}

ActionResult Dispatcher::failureOf(std::exception_ptr error) const {
    const ActionStore *store = writeStore();
    try {
        std::rethrow_exception(error);
    } catch (const std::exception &e) {
        // The store is locked by another process, full or failing: the change is refused (the
        // wall did not change: it is shown only once written) and the caller is told to retry.
        if (store && store->isUnavailable(e))
            return ActionResult::failure(QStringLiteral("store_unavailable"),
                                         QStringLiteral("store unavailable, nothing was "
                                                        "changed; retry later (%1)")
                                             .arg(QString::fromUtf8(e.what())));
        return ActionResult::failure(
            QStringLiteral("internal"),
            QStringLiteral("could not apply: %1").arg(QString::fromUtf8(e.what())));
    } catch (...) {
        return ActionResult::failure(QStringLiteral("internal"),
                                     QStringLiteral("could not apply: unknown error"));
    }
}

void Dispatcher::start(Item in) {
    m_busy = true;
    auto item = std::make_shared<Item>(std::move(in));
    ActionResult result;
    m_fx = Effects{};
    const bool isAction = !item->showOnly;
    if (!isAction) {
        m_applying = true;
        if (!item->writeOnly)
            commit(item->showOnly->first, item->showOnly->second);
        if (item->before) // startWith(): its documents first, in the same transaction
            m_fx.jobs.insert(m_fx.jobs.begin(), item->before);
        m_applying = false;
        result = ActionResult::success();
    } else if (result = check(item->action, item->caller); result.ok) {
        m_applying = true;
        // What the handlers write on the GUI thread's connection (store::Database::write) joins
        // this action's transaction on the store thread.
        std::function<void()> stopCollecting;
        if (ActionStore *collecting = writeStore())
            stopCollecting =
                collecting->collect([this](ActionStore::Job job, std::function<void()> committed) {
                    m_fx.jobs.push_back(std::move(job));
                    if (committed) // shown only once the transaction committed
                        m_fx.show.push_back(std::move(committed));
                });
        try {
            result = apply(item->action, item->caller);
        } catch (...) {
            // Reads for the action failed (a locked schema, a broken file): refused, never an
            // abort.
            result = failureOf(std::current_exception());
        }
        if (stopCollecting)
            stopCollecting();
        m_applying = false;
    }
    Effects fx = std::exchange(m_fx, Effects{});
    if (!result.ok)
        fx = Effects{}; // a refused action changes nothing
    if (!m_store) {     // no history, no presets: what is left is shown at once
        fx.history.clear();
        fx.writes.clear();
    }
    AuditRow audit;
    if (isAction && m_auditRows)
        audit = m_auditRows(item->caller, item->action);
    ActionStore *store = writeStore();
    const bool writes =
        !fx.history.empty() || !fx.writes.empty() || !fx.jobs.empty() || audit.write;
    if (!writes || !store) {
        finish(item, std::move(result), fx, audit, nullptr);
        return;
    }
    auto outcome = std::make_shared<ActionResult>(std::move(result));
    auto shared = std::make_shared<Effects>(std::move(fx));
    auto recorded = std::make_shared<std::optional<qint64>>();
    // One transaction (ActionStore::write), on the store thread in the app.
    ActionStore::Job job = [outcome, recorded, history = shared->history, writes = shared->writes,
                            jobs = shared->jobs, write = audit.write](ActionTransaction &on) {
        LayoutStore &layouts = on.layouts();
        ActionResult r = *outcome;
        for (const auto &w : writes)
            w(layouts, r.data);
        for (const auto &j : jobs)
            j(on);
        std::optional<qint64> revision;
        for (const auto &[layout, cause] : history)
            revision = layouts.recordLiveLayout(layout, cause);
        // The live layout's persistent revision (its history row), so the audit can show the
        // wall as it was after this action.
        if (revision) {
            r.data.insert(QStringLiteral("revision"), *revision);
            testhooks::beforeAuditRow(); // OPSWALL_TEST_STALL_BEFORE_AUDIT (tests only)
        }
        if (write)
            write(on, r);
        *outcome = std::move(r);
        *recorded = revision;
    };
    auto onDone = [this, item, outcome, shared, audit, recorded](std::exception_ptr error) {
        m_recorded = error ? std::nullopt : *recorded;
        finish(item, *outcome, *shared, audit, error);
    };
    m_waitInFlight = store->write(std::move(job), this, std::move(onDone));
    // The layout it makes live is built ahead, hidden, while the transaction is written on the
    // store thread (posted first, so the two run side by side; the wall shows it only once that
    // committed: finish(), whose answer is queued to this thread). A store without a thread of
    // its own answered already (an empty wait): shown by finish() just now.
    if (m_waitInFlight && shared->shows && shared->history.size() == 1) {
        m_preparing = true;
        m_state.prepareLayout(*shared->shows);
    }
}

void Dispatcher::finish(const std::shared_ptr<Item> &item, ActionResult result, Effects &fx,
                        const AuditRow &audit, std::exception_ptr error) {
    m_waitInFlight = {};
    const bool prepared = std::exchange(m_preparing, false);
    // An action whose only row is its audit row (an acknowledgement, a state the wall keeps in
    // memory, applied by its handler already) stands while the store is unavailable: its audit
    // row is kept for later, like a refusal's. Anything with history or documents to write is
    // refused, and nothing of it is shown.
    const bool auditOnly = fx.history.empty() && fx.writes.empty() && fx.jobs.empty();
    const ActionResult failure = error ? failureOf(error) : ActionResult::success();
    const bool stands =
        !error || (result.ok && auditOnly && failure.code == QLatin1String("store_unavailable"));
    if (error) {
        // A refused action stays refused for its own reason.
        if (result.ok && !stands)
            result = failure;
        if (audit.refused)
            audit.refused(result);
    }
    if (prepared && !stands)
        m_state.dropPrepared(); // what was built ahead goes; the wall stays as it was
    if (stands) {
        const quint64 before = m_state.revision();
        for (const auto &show : fx.show)
            show(); // the wall shows the change now that it is written
        // One revision: the history row of the layout now live (it survives a restart).
        const std::optional<qint64> row = std::exchange(m_recorded, std::nullopt);
        if (row)
            m_state.adoptRevision(quint64(*row));
        if (!item->showOnly && result.ok &&
            item->action.type == QLatin1String("preset.recall")) // counted for "recent"
            noteRecall(result.data.value(QStringLiteral("id")).toInt(), row.value_or(0));
        if (!item->showOnly && result.ok && m_state.revision() != before) {
            QString what = item->action.params.value(QStringLiteral("id")).toVariant().toString();
            if (const QJsonValue t = item->action.params.value(QStringLiteral("tile"));
                t.isObject())
                what = t[QStringLiteral("id")].toString();
            m_changes.push_back({m_state.revision(), item->caller.user, roleName(item->caller.role),
                                 item->caller.via, item->action.type, what,
                                 QDateTime::currentMSecsSinceEpoch()});
            if (m_changes.size() > kChangeLogDepth)
                m_changes.pop_front();
        }
    }
    m_busy = false;
    // A preset built ahead saved or deleted (or the start-up's presets written, a recall
    // counted): built ahead as it is now.
    const bool aheadDirty = std::exchange(m_aheadDirty, false);
    if ((hasAheadSources() && stands &&
         (item->writeOnly || (item->showOnly && item->before) ||
          (!item->showOnly && result.ok &&
           (item->action.type == QLatin1String("preset.save") ||
            item->action.type == QLatin1String("preset.delete") ||
            item->action.type == QLatin1String("layout.save") ||
            (m_recentCount > 0 && item->action.type == QLatin1String("preset.recall")))))) ||
        aheadDirty)
        refreshAhead();
    if (!item->showOnly) {
        if (m_audit)
            m_audit(item->caller, item->action, result);
        if (result.ok) {
            QJsonObject ev = result.data;
            ev.insert(QStringLiteral("type"), item->action.type);
            ev.insert(QStringLiteral("by"), item->caller.user);
            ev.insert(QStringLiteral("role"), roleName(item->caller.role));
            ev.insert(QStringLiteral("via"), item->caller.via);
            if (!ev.contains(QStringLiteral("revision")))
                ev.insert(QStringLiteral("revision"), qint64(m_state.revision()));
            Q_EMIT event(ev);
        }
        if (item->done)
            item->done(std::move(result));
    } else {
        if (error)
            qWarning("opswall: %s: %s",
                     item->writeOnly ? "the start-up documents were not stored"
                                     : "a layout was not shown",
                     qPrintable(result.message));
        if (item->done) // startWith()
            item->done(std::move(result));
    }
    pump();
}

ActionResult Dispatcher::apply(const Action &action, const Caller &caller) {
    const QString &type = action.type;
    const QJsonObject &p = action.params;
    if (type == QLatin1String("preset.recall"))
        return recallPreset(p, caller);
    if (type == QLatin1String("preset.save") || type == QLatin1String("layout.save"))
        return savePreset(p);
    if (type == QLatin1String("preset.delete"))
        return deletePreset(p);
    if (type == QLatin1String("layout.set"))
        return setLayout(p, QStringLiteral("layout.set"));
    if (type == QLatin1String("layout.stage"))
        return stage(p);
    if (type == QLatin1String("layout.publish"))
        return publish();
    if (type == QLatin1String("layout.discard")) {
        m_staged.reset();
        return ActionResult::success();
    }
    if (type == QLatin1String("layout.undo"))
        return undo();
    if (type == QLatin1String("layout.redo"))
        return redo();
    if (type.startsWith(QLatin1String("tile.")))
        return tileAction(type.mid(5), p);
    if (type == QLatin1String("wall.bezelCompensation"))
        return setBezelCompensation(p);
    for (const auto &[prefix, handler] : m_handlers)
        if (type.startsWith(prefix))
            return handler(action, caller);
    return ActionResult::failure(QStringLiteral("unavailable"),
                                 QStringLiteral("\"%1\" is not available in this build").arg(type));
}

void Dispatcher::remember() {
    m_undo.push_back(m_state.layout());
    if (m_undo.size() > kUndoDepth)
        m_undo.pop_front();
    m_redo.clear();
    Q_EMIT undoStateChanged();
}

void Dispatcher::record(const Layout &next, const QString &cause) {
    // Written before the wall shows it (DESIGN.md): when the store refuses, the wall stays as it
    // was.
    m_fx.history.emplace_back(next, cause);
}

void Dispatcher::commit(const Layout &layout, const QString &cause) {
    record(layout, cause);
    m_fx.shows = layout;
    m_fx.show.push_back([this, layout] {
        remember();
        m_state.setLayout(layout);
    });
}

} // namespace opswall::wall
