#include "briefing/briefingstore.h"

#include "store/rowid.h"
#include "store/writefence.h"

#include <QJsonDocument>

namespace opswall::briefing {

namespace {

constexpr store::Migration kMigrations[] = {
    {1, R"sql(
        CREATE TABLE briefings(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            title TEXT NOT NULL,
            revision INTEGER NOT NULL,
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL);
        CREATE TABLE briefing_revisions(
            briefing_id INTEGER NOT NULL REFERENCES briefings(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            title TEXT NOT NULL,
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL,
            PRIMARY KEY (briefing_id, revision));
        CREATE TABLE briefing_runs(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            briefing_id INTEGER NOT NULL,
            revision INTEGER NOT NULL,
            started_at_ms INTEGER NOT NULL,
            started_by TEXT NOT NULL,
            ended_at_ms INTEGER);
        CREATE TABLE briefing_run_steps(
            run_id INTEGER NOT NULL REFERENCES briefing_runs(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            step_index INTEGER NOT NULL,
            shown_at_ms INTEGER NOT NULL,
            by_user TEXT NOT NULL,
            via TEXT NOT NULL,
            PRIMARY KEY (run_id, seq));
    )sql"},
};

QString toText(const QJsonObject &o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

std::optional<Briefing> parseStored(const QString &json) {
    // Stored documents validated when saved; presets they name may have gone since, which the
    // runner reports when the step is shown.
    const BriefingParse parsed = briefingFromJson(QJsonDocument::fromJson(json.toUtf8()).object());
    if (!parsed.ok())
        return std::nullopt;
    return parsed.briefing;
}

QDateTime fromMs(qint64 ms) {
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

QJsonObject BriefingInfo::toJson() const {
    return {{QStringLiteral("id"), id},
            {QStringLiteral("title"), title},
            {QStringLiteral("revision"), revision},
            {QStringLiteral("steps"), steps},
            {QStringLiteral("savedAt"), savedAt.toString(Qt::ISODate)}};
}

BriefingStore::BriefingStore(store::Database &db)
    : m_db(db)
    , m_keeps(true) {
    m_db.migrateComponent("briefings", kMigrations);
    // Start-up: the ids of new rows are handed out later without reading (store/rowid.h), and
    // what the reads answer is kept from now on.
    store::primeRowId(m_db, "briefings", m_lastBriefingId);
    store::primeRowId(m_db, "briefing_runs", m_lastRunId);
    kept();
}

QMap<int, BriefingStore::Kept> *BriefingStore::kept() {
    if (!m_keeps || !store::writeFence().isEmpty()) {
        m_kept.reset(); // read again once the fence goes (a standby that took over)
        return nullptr;
    }
    if (m_kept)
        return &*m_kept;
    QMap<int, Kept> all;
    auto st = m_db.prepare("SELECT id, title, revision, saved_at_ms, json FROM briefings");
    while (st.step()) {
        Kept k;
        k.briefing = parseStored(st.text(4));
        k.info = BriefingInfo{int(st.int64(0)), st.text(1), int(st.int64(2)),
                              k.briefing ? int(k.briefing->steps.size()) : 0, fromMs(st.int64(3))};
        all.insert(k.info.id, std::move(k));
    }
    for (auto it = all.begin(); it != all.end(); ++it) {
        it->revisions = revisionsOf(it.key());
        it->lastRun = lastRunOf(it.key());
    }
    m_kept = std::move(all);
    return &*m_kept;
}

BriefingStore::Kept *BriefingStore::keptBriefing(int id) {
    QMap<int, Kept> *all = kept();
    if (!all)
        return nullptr;
    const auto it = all->find(id);
    return it == all->end() ? nullptr : &*it;
}

QList<int> BriefingStore::ids() {
    if (const QMap<int, Kept> *all = kept())
        return all->keys();
    QList<int> out;
    auto st = m_db.prepare("SELECT id FROM briefings ORDER BY id");
    while (st.step())
        out.append(int(st.int64(0)));
    return out;
}

QList<BriefingInfo> BriefingStore::list() {
    QList<BriefingInfo> out;
    for (int id : ids())
        if (const auto b = get(id))
            out.append(b->info);
    return out;
}

std::optional<StoredBriefing> BriefingStore::get(int id) {
    if (kept()) {
        const Kept *k = keptBriefing(id);
        if (!k || !k->briefing)
            return std::nullopt;
        return StoredBriefing{k->info, *k->briefing};
    }
    auto st =
        m_db.prepare("SELECT id, title, revision, saved_at_ms, json FROM briefings WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    auto b = parseStored(st.text(4));
    if (!b)
        return std::nullopt;
    BriefingInfo info{int(st.int64(0)), st.text(1), int(st.int64(2)), int(b->steps.size()),
                      fromMs(st.int64(3))};
    return StoredBriefing{info, *b};
}

std::optional<Briefing> BriefingStore::revision(int id, int rev) {
    auto st =
        m_db.prepare("SELECT json FROM briefing_revisions WHERE briefing_id = ? AND revision = ?");
    st.bind(1, id).bind(2, rev);
    if (!st.step())
        return std::nullopt;
    return parseStored(st.text(0));
}

QList<BriefingInfo> BriefingStore::revisions(int id) {
    if (kept()) {
        const Kept *k = keptBriefing(id);
        return k ? k->revisions : QList<BriefingInfo>();
    }
    return revisionsOf(id);
}

QList<BriefingInfo> BriefingStore::revisionsOf(int id) {
    QList<BriefingInfo> out;
    auto st = m_db.prepare("SELECT revision, title, saved_at_ms, json FROM briefing_revisions "
                           "WHERE briefing_id = ? ORDER BY revision DESC");
    st.bind(1, id);
    while (st.step()) {
        const auto b = parseStored(st.text(3));
        out.append(
            {id, st.text(1), int(st.int64(0)), b ? int(b->steps.size()) : 0, fromMs(st.int64(2))});
    }
    return out;
}

int BriefingStore::save(std::optional<int> id, const Briefing &briefing, BriefingInfo *info) {
    const QString json = toText(briefingToJson(briefing));
    const QString title = briefing.title.vi;
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    int result = 0;
    int revision = 1;
    if (!id) {
        result = int(store::nextRowId(m_db, "briefings", m_lastBriefingId));
    } else if (const QMap<int, Kept> *all = kept()) {
        if (!all->contains(*id))
            throw store::Error("briefing " + std::to_string(*id) + " does not exist", 0);
        revision = all->value(*id).info.revision + 1;
        result = *id;
    } else {
        auto st = m_db.prepare("SELECT revision FROM briefings WHERE id = ?");
        st.bind(1, *id);
        if (!st.step())
            throw store::Error("briefing " + std::to_string(*id) + " does not exist", 0);
        revision = int(st.int64(0)) + 1;
        result = *id;
    }
    const BriefingInfo saved{result, title, revision, int(briefing.steps.size()), fromMs(at)};
    auto job = [result, isNew = !id, title, json, at](store::Database &db) {
        db.transaction([&] {
            if (isNew) {
                db.prepare("INSERT INTO briefings(id, title, revision, json, saved_at_ms) "
                           "VALUES(?, ?, 1, ?, ?)")
                    .bind(1, result)
                    .bind(2, title)
                    .bind(3, json)
                    .bind(4, at)
                    .run();
            } else {
                db.prepare("UPDATE briefings SET title = ?, revision = revision + 1, json = ?, "
                           "saved_at_ms = ? WHERE id = ?")
                    .bind(1, title)
                    .bind(2, json)
                    .bind(3, at)
                    .bind(4, result)
                    .run();
                if (db.changes() == 0)
                    throw store::Error("briefing " + std::to_string(result) + " does not exist", 0);
            }
            // Every version is kept: the current one is copied into the history in the same
            // transaction.
            db.prepare("INSERT INTO briefing_revisions(briefing_id, revision, title, json, "
                       "saved_at_ms) "
                       "SELECT id, revision, title, json, saved_at_ms FROM briefings WHERE id = ?")
                .bind(1, result)
                .run();
        });
    };
    const auto keep = [this, saved, briefing] {
        if (!m_kept)
            return;
        Kept &k = (*m_kept)[saved.id];
        k.info = saved;
        k.briefing = briefing;
        k.revisions.prepend(saved);
    };
    if (m_db.collecting()) {
        // In an action: kept once the action's transaction committed (a refused one changes
        // nothing).
        m_db.writeThen(std::move(job), keep);
    } else {
        // Outside one (the demo's briefing at the first start): kept at once, so that what
        // follows finds it before the completion comes back; read again if the write failed.
        keep();
        m_db.write(std::move(job), [this](std::exception_ptr error) {
            if (error)
                m_kept.reset();
        });
    }
    if (info)
        *info = saved;
    return result;
}

bool BriefingStore::remove(int id) {
    if (const QMap<int, Kept> *all = kept()) {
        if (!all->contains(id))
            return false;
    } else {
        auto st = m_db.prepare("SELECT 1 FROM briefings WHERE id = ?");
        st.bind(1, id);
        if (!st.step())
            return false;
    }
    m_db.writeThen(
        [id](store::Database &db) {
            db.transaction([&] {
                db.prepare("DELETE FROM briefings WHERE id = ?").bind(1, id).run();
                db.prepare("DELETE FROM briefing_revisions WHERE briefing_id = ?")
                    .bind(1, id)
                    .run();
            });
        },
        [this, id] {
            if (m_kept)
                m_kept->remove(id);
        });
    return true;
}

qint64 BriefingStore::startRun(int briefingId, int revision, const QString &by) {
    const qint64 runId = store::nextRowId(m_db, "briefing_runs", m_lastRunId);
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    m_db.writeThen(
        [runId, briefingId, revision, by, at](store::Database &db) {
            db.prepare("INSERT INTO briefing_runs(id, briefing_id, revision, started_at_ms, "
                       "started_by) VALUES(?, ?, ?, ?, ?)")
                .bind(1, runId)
                .bind(2, briefingId)
                .bind(3, revision)
                .bind(4, at)
                .bind(5, by)
                .run();
        },
        [this, run = Run{runId, briefingId, revision, fromMs(at), by, {}, {}}] {
            if (m_kept && m_kept->contains(run.briefingId))
                (*m_kept)[run.briefingId].lastRun = run;
        });
    return runId;
}

void BriefingStore::recordStep(qint64 runId, int stepIndex, const QString &by, const QString &via,
                               std::function<void()> committed) {
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    m_db.writeThen(
        [runId, stepIndex, by, via, at](store::Database &db) {
            db.prepare(
                  "INSERT INTO briefing_run_steps(run_id, seq, step_index, shown_at_ms, by_user, "
                  "via) VALUES(?1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM briefing_run_steps "
                  "WHERE run_id = ?1), ?2, ?3, ?4, ?5)")
                .bind(1, runId)
                .bind(2, stepIndex)
                .bind(3, at)
                .bind(4, by)
                .bind(5, via)
                .run();
        },
        [this, runId, shown = ShownStep{stepIndex, fromMs(at), by, via},
         committed = std::move(committed)] {
            if (Run *r = keptRun(runId))
                r->shown.append(shown);
            if (committed)
                committed();
        });
}

void BriefingStore::endRun(qint64 runId, std::function<void()> committed) {
    const qint64 at = QDateTime::currentMSecsSinceEpoch();
    m_db.writeThen(
        [runId, at](store::Database &db) {
            db.prepare("UPDATE briefing_runs SET ended_at_ms = ? WHERE id = ?")
                .bind(1, at)
                .bind(2, runId)
                .run();
        },
        [this, runId, at, committed = std::move(committed)] {
            if (Run *r = keptRun(runId))
                r->endedAt = fromMs(at);
            if (committed)
                committed();
        });
}

Run *BriefingStore::keptRun(qint64 runId) {
    if (!m_kept)
        return nullptr;
    for (Kept &k : *m_kept)
        if (k.lastRun && k.lastRun->id == runId)
            return &*k.lastRun;
    return nullptr;
}

std::optional<Run> BriefingStore::run(qint64 runId) {
    auto st = m_db.prepare("SELECT id, briefing_id, revision, started_at_ms, started_by, "
                           "ended_at_ms FROM briefing_runs WHERE id = ?");
    st.bind(1, runId);
    if (!st.step())
        return std::nullopt;
    Run r;
    r.id = st.int64(0);
    r.briefingId = int(st.int64(1));
    r.revision = int(st.int64(2));
    r.startedAt = fromMs(st.int64(3));
    r.startedBy = st.text(4);
    if (!st.isNull(5))
        r.endedAt = fromMs(st.int64(5));
    auto steps = m_db.prepare("SELECT step_index, shown_at_ms, by_user, via FROM "
                              "briefing_run_steps WHERE run_id = ? ORDER BY seq");
    steps.bind(1, runId);
    while (steps.step())
        r.shown.append({int(steps.int64(0)), fromMs(steps.int64(1)), steps.text(2), steps.text(3)});
    return r;
}

std::optional<Run> BriefingStore::lastRun(int briefingId) {
    if (kept()) {
        const Kept *k = keptBriefing(briefingId);
        return k ? k->lastRun : std::nullopt;
    }
    return lastRunOf(briefingId);
}

std::optional<Run> BriefingStore::lastRunOf(int briefingId) {
    auto st =
        m_db.prepare("SELECT id FROM briefing_runs WHERE briefing_id = ? ORDER BY id DESC LIMIT 1");
    st.bind(1, briefingId);
    if (!st.step())
        return std::nullopt;
    return run(st.int64(0));
}

} // namespace opswall::briefing
