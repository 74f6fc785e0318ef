#include "briefing/runner.h"

#include "store/wallstore.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace opswall::briefing {

namespace {

ActionResult conflict(const QString &message, const QString &field = {}) {
    return ActionResult::failure(QStringLiteral("conflict"), message, field);
}

ActionResult invalid(const QList<wall::Issue> &issues) {
    QJsonArray all;
    for (const wall::Issue &i : issues)
        all.append(
            QJsonObject{{QStringLiteral("field"), i.path}, {QStringLiteral("message"), i.message}});
    const wall::Issue &first = issues.first();
    // The API names fields from the request body: the document is its "briefing".
    ActionResult r = ActionResult::failure(QStringLiteral("invalid"), first.toString(),
                                           QStringLiteral("briefing.") + first.path);
    r.data.insert(QStringLiteral("issues"), all);
    return r;
}

// Long enough for the planned briefing with room to overrun; the lock's own bounds apply.
qint64 lockTtlMs(const Briefing &b) {
    const qint64 planned = qint64(b.plannedSeconds()) * 1000;
    return std::clamp<qint64>(2 * planned + 15 * 60 * 1000, 30 * 60 * 1000, 8 * 60 * 60 * 1000);
}

bool systemCaller(const Caller &c) {
    return c.via == QLatin1String("schedule") || c.via == QLatin1String("rule");
}

} // namespace

std::optional<int> intParam(const QJsonValue &v) {
    if (v.isDouble()) {
        const double d = v.toDouble();
        if (std::isfinite(d) && d == std::floor(d) && std::abs(d) < 1e9)
            return int(d);
        return std::nullopt;
    }
    if (v.isString()) {
        bool ok = false;
        const int n = v.toString().toInt(&ok);
        if (ok)
            return n;
    }
    return std::nullopt;
}

BriefingRunner::BriefingRunner(wall::WallState &state, wall::Dispatcher &dispatcher,
                               store::WallStore &presets, BriefingStore &store, QObject *parent)
    : QObject(parent)
    , m_state(state)
    , m_dispatcher(dispatcher)
    , m_presets(presets)
    , m_store(store) {
    // A spotlight lasts until the wall changes.
    for (auto signal : {&wall::WallState::tileChanged, &wall::WallState::tileAdded,
                        &wall::WallState::tileRemoved})
        connect(&m_state, signal, this, [this] { setSpotlight({}); });
    connect(&m_state, &wall::WallState::layoutReset, this, [this] { setSpotlight({}); });
    // A step naming a preset shows the preset as it is now: what was built ahead follows it.
    connect(&m_dispatcher, &wall::Dispatcher::event, this, [this](const QJsonObject &ev) {
        const QString type = ev.value(QStringLiteral("type")).toString();
        if (m_run &&
            (type == QLatin1String("preset.save") || type == QLatin1String("preset.delete") ||
             type == QLatin1String("layout.save")))
            prepareAhead();
    });
}

void BriefingRunner::prepareAhead() {
    QList<wall::Layout> ahead;
    if (m_run) {
        // The next step is the likely one; then the previous one (a leader stepping back) and the
        // one shown now (live: nothing to build, but held once the next step is shown, for
        // stepping back to it).
        for (const int step : {m_run->step + 1, m_run->step - 1, m_run->step}) {
            if (step < 0 || step >= m_run->briefing.steps.size())
                continue;
            QString why;
            if (const auto layout = stepLayout(m_run->briefing.steps.at(step), &why))
                ahead.append(*layout);
        }
    }
    m_state.setAhead(QStringLiteral("briefing"), ahead);
}

void BriefingRunner::setSpotlight(const QString &tileId) {
    if (tileId == m_spotlight)
        return;
    m_spotlight = tileId;
    if (!m_run)
        Q_EMIT viewChanged();
}

BriefingParse BriefingRunner::parse(const QJsonObject &doc) const {
    store::WallStore &presets = m_presets;
    return briefingFromJson(doc, &m_state.wall(),
                            [&presets](const QString &name) -> std::optional<QStringList> {
                                const auto p = presets.presetByName(name);
                                if (!p)
                                    return std::nullopt;
                                QStringList ids;
                                for (const wall::Tile &t : p->layout.tiles)
                                    ids.append(t.id);
                                return ids;
                            });
}

std::optional<wall::Layout> BriefingRunner::stepLayout(const Step &step, QString *error) const {
    if (step.layout)
        return step.layout;
    const auto preset = m_presets.presetByName(step.preset);
    if (!preset) {
        *error = QStringLiteral("the preset \"%1\" no longer exists").arg(step.preset);
        return std::nullopt;
    }
    return preset->layout;
}

ActionResult BriefingRunner::handle(const Action &action, const Caller &caller) {
    const QString verb = action.type.mid(QStringLiteral("briefing.").size());
    const QJsonObject &p = action.params;
    if (verb == QLatin1String("save"))
        return save(p);
    if (verb == QLatin1String("delete"))
        return remove(p);
    if (verb == QLatin1String("start"))
        return start(p, caller);
    if (auto refused = checkRunning(p))
        return *refused;
    const int last = int(m_run->briefing.steps.size()) - 1;
    if (verb == QLatin1String("next")) {
        if (m_run->step >= last)
            return conflict(QStringLiteral("this is the last step (%1 of %2)")
                                .arg(m_run->step + 1)
                                .arg(last + 1));
        return show(*m_run, m_run->step + 1, caller);
    }
    if (verb == QLatin1String("previous")) {
        if (m_run->step <= 0)
            return conflict(QStringLiteral("this is the first step"));
        return show(*m_run, m_run->step - 1, caller);
    }
    if (verb == QLatin1String("goto")) {
        const auto n = intParam(p.value(QStringLiteral("step")));
        if (!n || *n < 1 || *n > last + 1)
            return ActionResult::failure(
                QStringLiteral("invalid"),
                QStringLiteral("step: a step number from 1 to %1 is required").arg(last + 1),
                QStringLiteral("step"));
        return show(*m_run, *n - 1, caller);
    }
    if (verb == QLatin1String("blank") || verb == QLatin1String("unblank")) {
        m_run->blank = verb == QLatin1String("blank");
        Q_EMIT viewChanged();
        return ok(*m_run);
    }
    if (verb == QLatin1String("end"))
        return end(caller);
    return ActionResult::failure(QStringLiteral("unknown_action"),
                                 QStringLiteral("%1 is not an action").arg(action.type),
                                 QStringLiteral("type"));
}

std::optional<ActionResult> BriefingRunner::checkRunning(const QJsonObject &p) const {
    if (!m_run)
        return conflict(QStringLiteral("no briefing is running; start one first"));
    // "current" stands for the running briefing (a button that only steps needs no id).
    if (p.contains(QStringLiteral("id")) &&
        p.value(QStringLiteral("id")) != QStringLiteral("current")) {
        const auto id = intParam(p.value(QStringLiteral("id")));
        if (!id || *id != m_run->id)
            return conflict(QStringLiteral("briefing %1 is running, not %2")
                                .arg(m_run->id)
                                .arg(p.value(QStringLiteral("id")).toVariant().toString().left(32)),
                            QStringLiteral("id"));
    }
    return std::nullopt;
}

ActionResult BriefingRunner::start(const QJsonObject &p, const Caller &caller) {
    const auto id = intParam(p.value(QStringLiteral("id")));
    if (!id)
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("id: a briefing number is required"),
                                     QStringLiteral("id"));
    if (m_run)
        return conflict(QStringLiteral("briefing %1 (\"%2\") is running; end it first")
                            .arg(m_run->id)
                            .arg(m_run->briefing.title.vi),
                        QStringLiteral("id"));
    const auto stored = m_store.get(*id);
    if (!stored)
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("no such briefing"), QStringLiteral("id"));
    int first = 0;
    if (p.contains(QStringLiteral("step"))) {
        const auto n = intParam(p.value(QStringLiteral("step")));
        if (!n || *n < 1 || *n > stored->briefing.steps.size())
            return ActionResult::failure(
                QStringLiteral("invalid"),
                QStringLiteral("step: a step number from 1 to %1 is required")
                    .arg(stored->briefing.steps.size()),
                QStringLiteral("step"));
        first = *n - 1;
    }
    QString why;
    if (!stepLayout(stored->briefing.steps.at(first), &why))
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("step %1: %2").arg(first + 1).arg(why),
                                     QStringLiteral("step"));
    Running r;
    r.id = stored->info.id;
    r.revision = stored->info.revision;
    r.briefing = stored->briefing;
    r.startedAt = m_now();
    r.startedBy = caller.user;
    r.runId = m_store.startRun(r.id, r.revision, caller.user);
    // The lock keeps everyone else's changes off the wall while the leader speaks; it is taken
    // with the run, once the run's rows are committed (the dispatcher's gate has refused this
    // start already if someone else holds it). A schedule or rule starts a briefing for people
    // to step, so it leaves the lock alone.
    std::function<void()> takeLock;
    if (m_lock.acquire && !systemCaller(caller))
        takeLock = [acquire = m_lock.acquire, caller, ttl = lockTtlMs(r.briefing),
                    reason = QStringLiteral("briefing \"%1\"").arg(r.briefing.title.vi)] {
            const ActionResult locked = acquire(caller, ttl, reason);
            if (!locked.ok)
                qWarning("opswall: briefing: started without the lock: %s",
                         qPrintable(locked.message));
        };
    return show(std::move(r), first, caller, std::move(takeLock));
}

ActionResult BriefingRunner::show(Running next, int step, const Caller &caller,
                                  std::function<void()> alsoCommitted) {
    QString why;
    const auto layout = stepLayout(next.briefing.steps.at(step), &why);
    if (!layout)
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("step %1: %2").arg(step + 1).arg(why),
                                     QStringLiteral("step"));
    // Steps that only move the focus over the same layout leave the tiles alone: making an equal
    // layout live again rebuilds every tile (bench_briefing: ~1.8 s against ~0.3 s on the demo
    // wall under load).
    if (!(*layout == m_state.layout()))
        m_dispatcher.showLayout(*layout,
                                QStringLiteral("briefing %1 step %2").arg(next.id).arg(step + 1));
    next.step = step;
    next.blank = false;
    next.stepShownAt = m_now();
    next.steppedBy = caller.user;
    m_store.recordStep(next.runId, step, caller.user, caller.via,
                       [this, next, also = std::move(alsoCommitted)] {
                           if (also)
                               also();
                           m_run = next;
                           Q_EMIT viewChanged();
                           prepareAhead(); // the next step's layout, built ahead
                       });
    return ok(next);
}

ActionResult BriefingRunner::end(const Caller &caller) {
    const Running r = *m_run;
    // Ended once the run's end is committed; a refused write leaves it running (and locked).
    m_store.endRun(r.runId, [this, caller, runId = r.runId] {
        if (!m_run || m_run->runId != runId)
            return;
        m_run.reset();
        prepareAhead(); // nothing expected any more
        if (m_lock.release && !systemCaller(caller))
            m_lock.release(caller); // "not locked" (released earlier or timed out) is fine
        Q_EMIT viewChanged();
    });
    QJsonObject s{{QStringLiteral("active"), false}};
    s.insert(QStringLiteral("id"), r.id);
    s.insert(QStringLiteral("runId"), r.runId);
    return ActionResult::success({{QStringLiteral("briefing"), s}});
}

ActionResult BriefingRunner::save(const QJsonObject &p) {
    const QJsonValue doc = p.value(QStringLiteral("briefing"));
    if (!doc.isObject())
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("briefing: a briefing document is required"),
                                     QStringLiteral("briefing"));
    std::optional<int> id;
    if (p.contains(QStringLiteral("id"))) {
        id = intParam(p.value(QStringLiteral("id")));
        if (!id || !m_store.get(*id))
            return ActionResult::failure(QStringLiteral("not_found"),
                                         QStringLiteral("no such briefing"), QStringLiteral("id"));
    }
    // An editor that opened revision N saves with "baseRevision": N; someone else's save in
    // between is a conflict that names the newer revision, and nothing is overwritten.
    if (id && p.contains(QStringLiteral("baseRevision"))) {
        const auto base = intParam(p.value(QStringLiteral("baseRevision")));
        const auto stored = m_store.get(*id);
        if (!base)
            return ActionResult::failure(QStringLiteral("invalid"),
                                         QStringLiteral("baseRevision: a revision number"),
                                         QStringLiteral("baseRevision"));
        if (stored && stored->info.revision != *base)
            return conflict(QStringLiteral("briefing %1 was saved again since revision %2: it is "
                                           "now at revision %3 (saved %4); reload it and make "
                                           "your change again")
                                .arg(*id)
                                .arg(*base)
                                .arg(stored->info.revision)
                                .arg(stored->info.savedAt.toString(Qt::ISODate)),
                            QStringLiteral("baseRevision"));
    }
    const BriefingParse parsed = parse(doc.toObject());
    if (!parsed.ok())
        return invalid(parsed.issues);
    BriefingInfo info; // as it is once the action's transaction committed (before the reply)
    m_store.save(id, parsed.briefing, &info);
    return ActionResult::success(info.toJson());
}

ActionResult BriefingRunner::remove(const QJsonObject &p) {
    const auto id = intParam(p.value(QStringLiteral("id")));
    if (!id)
        return ActionResult::failure(QStringLiteral("invalid"),
                                     QStringLiteral("id: a briefing number is required"),
                                     QStringLiteral("id"));
    if (m_run && m_run->id == *id)
        return conflict(QStringLiteral("briefing %1 is running; end it first").arg(*id),
                        QStringLiteral("id"));
    if (!m_store.remove(*id))
        return ActionResult::failure(QStringLiteral("not_found"),
                                     QStringLiteral("no such briefing"), QStringLiteral("id"));
    return ActionResult::success({{QStringLiteral("id"), *id}});
}

ActionResult BriefingRunner::ok(const Running &run) {
    // Flat fields too: the line protocol's reply shows only those ("OK BRIEFING step=3 ...").
    return ActionResult::success({{QStringLiteral("briefing"), statusOf(run)},
                                  {QStringLiteral("step"), run.step + 1},
                                  {QStringLiteral("steps"), run.briefing.steps.size()},
                                  {QStringLiteral("blank"), run.blank}});
}

QJsonObject BriefingRunner::status() const {
    if (!m_run)
        return {{QStringLiteral("active"), false}};
    return statusOf(*m_run);
}

QJsonObject BriefingRunner::statusOf(const Running &run) {
    const Step &s = run.briefing.steps.at(run.step);
    const qsizetype count = run.briefing.steps.size();
    QJsonObject o{{QStringLiteral("active"), true},
                  {QStringLiteral("id"), run.id},
                  {QStringLiteral("revision"), run.revision},
                  {QStringLiteral("runId"), run.runId},
                  {QStringLiteral("title"), textToJson(run.briefing.title)},
                  {QStringLiteral("step"), run.step + 1},
                  {QStringLiteral("stepCount"), count},
                  {QStringLiteral("stepTitle"), textToJson(s.title)},
                  {QStringLiteral("focus"), s.focus},
                  {QStringLiteral("blank"), run.blank},
                  {QStringLiteral("startedAt"), run.startedAt.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("startedBy"), run.startedBy},
                  {QStringLiteral("stepShownAt"), run.stepShownAt.toString(Qt::ISODateWithMs)},
                  {QStringLiteral("steppedBy"), run.steppedBy},
                  {QStringLiteral("plannedSeconds"), run.briefing.plannedSeconds()},
                  {QStringLiteral("stepPlannedSeconds"), s.plannedSeconds}};
    if (run.step + 1 < count)
        o.insert(QStringLiteral("nextTitle"),
                 textToJson(run.briefing.steps.at(run.step + 1).title));
    return o;
}

QVariantMap BriefingRunner::view() const {
    auto rectOf = [](const wall::Tile &t) {
        return QVariantMap{{QStringLiteral("x"), t.rectMm.x()},
                           {QStringLiteral("y"), t.rectMm.y()},
                           {QStringLiteral("width"), t.rectMm.width()},
                           {QStringLiteral("height"), t.rectMm.height()}};
    };
    if (!m_run) {
        const wall::Tile *t = m_spotlight.isEmpty() ? nullptr : m_state.layout().tile(m_spotlight);
        if (!t)
            return {{QStringLiteral("active"), false}};
        return {{QStringLiteral("active"), true},
                {QStringLiteral("blank"), false},
                {QStringLiteral("indicator"), QString()},
                {QStringLiteral("focus"), m_spotlight},
                {QStringLiteral("focusRect"), rectOf(*t)}};
    }
    const Step &s = m_run->briefing.steps.at(m_run->step);
    QVariantMap v{
        {QStringLiteral("active"), true},
        {QStringLiteral("blank"), m_run->blank},
        {QStringLiteral("indicator"),
         QStringLiteral("%1 / %2").arg(m_run->step + 1).arg(m_run->briefing.steps.size())},
        {QStringLiteral("organisation"), m_run->briefing.organisation.vi},
        {QStringLiteral("organisationEn"), m_run->briefing.organisation.en},
        {QStringLiteral("title"), m_run->briefing.title.vi},
        {QStringLiteral("titleEn"), m_run->briefing.title.en},
        {QStringLiteral("focus"), QString()}};
    if (const wall::Tile *t = s.focus.isEmpty() ? nullptr : m_state.layout().tile(s.focus)) {
        v.insert(QStringLiteral("focus"), s.focus);
        v.insert(QStringLiteral("focusRect"),
                 QVariantMap{{QStringLiteral("x"), t->rectMm.x()},
                             {QStringLiteral("y"), t->rectMm.y()},
                             {QStringLiteral("width"), t->rectMm.width()},
                             {QStringLiteral("height"), t->rectMm.height()}});
    }
    return v;
}

} // namespace opswall::briefing
