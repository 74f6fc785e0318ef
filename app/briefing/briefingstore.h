#pragma once
// Briefings in SQLite, kept like presets (app/store/wallstore.h): every saved version is kept,
// and each run records which step was shown when and by whom (the record the PDF export prints).
// Its own tables, versioned as the "briefings" component. Every save is one transaction.

#include "briefing/briefing.h"
#include "store/database.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QString>

#include <functional>
#include <optional>

namespace opswall::briefing {

struct BriefingInfo {
    int id = 0;
    QString title; // Vietnamese title, for lists
    int revision = 0;
    int steps = 0;
    QDateTime savedAt;
    QJsonObject toJson() const;
};

struct StoredBriefing {
    BriefingInfo info;
    Briefing briefing;
};

struct ShownStep {
    int stepIndex = 0; // 0-based
    QDateTime shownAt;
    QString by;  // who stepped it
    QString via; // api, line, console, schedule, ...
};

struct Run {
    qint64 id = 0;
    int briefingId = 0;
    int revision = 0;
    QDateTime startedAt;
    QString startedBy;
    QDateTime endedAt; // invalid while running
    QList<ShownStep> shown;
};

class BriefingStore {
public:
    explicit BriefingStore(store::Database &db); // applies the component's migrations
    // For reading on another connection (a worker thread's reader): migrations were applied.
    struct AlreadyMigrated {};
    BriefingStore(store::Database &db, AlreadyMigrated)
        : m_db(db) {}
    store::Database &database() { return m_db; }

    QList<BriefingInfo> list();
    std::optional<StoredBriefing> get(int id);
    std::optional<Briefing> revision(int id, int revision);
    QList<BriefingInfo> revisions(int id); // newest first
    // A new briefing (id empty) or a new revision of one; returns its id (and, with info, what
    // list() will say about it). Throws store::Error when id names no briefing. The rows are
    // written on the store thread (store::Database::write: in the action's transaction while a
    // briefing.save is applied); the id is taken here, on the GUI thread, so nothing waits.
    int save(std::optional<int> id, const Briefing &briefing, BriefingInfo *info = nullptr);
    bool remove(int id);

    // A run's row (its id taken here), its steps and its end: written on the store thread (in
    // the action's transaction inside an action); committed (may be empty) runs on this thread
    // once the row is committed, never when the write failed (Database::writeThen).
    qint64 startRun(int briefingId, int revision, const QString &by);
    void recordStep(qint64 runId, int stepIndex, const QString &by, const QString &via,
                    std::function<void()> committed = {});
    void endRun(qint64 runId, std::function<void()> committed = {});
    std::optional<Run> run(qint64 runId);
    std::optional<Run> lastRun(int briefingId);

private:
    store::Database &m_db;
    std::int64_t m_lastBriefingId = 0; // store/rowid.h
    std::int64_t m_lastRunId = 0;
};

} // namespace opswall::briefing
