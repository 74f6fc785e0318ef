#pragma once
// Briefings in SQLite, kept like presets (app/store/wallstore.h): every saved version is kept,
// and each run records which step was shown when and by whom (the record the PDF export prints).
// Its own tables, versioned as the "briefings" component. Every save is one transaction.
//
// The store that migrated (the GUI thread's) keeps what its reads answer in memory: each
// briefing as committed, its revisions (info only) and its last run, read once when it is made
// (start-up) and then changed only by what this object's writes committed (Database::writeThen),
// so a briefing's start, save, delete and the in-place views read no table while the wall runs.
// Not while the process's writes are fenced (a standby: another process writes the file): the
// tables are read then, and again once the fence goes. The other stores (a worker thread's
// reader: AlreadyMigrated) read the tables.

#include "briefing/briefing.h"
#include "store/database.h"

#include <QDateTime>
#include <QJsonObject>
#include <QList>
#include <QMap>
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
    // What the store that migrated keeps of one briefing (see above).
    struct Kept {
        BriefingInfo info;                // info.steps: 0 when the document does not parse
        std::optional<Briefing> briefing; // none when the stored document does not parse
        QList<BriefingInfo> revisions;    // newest first
        std::optional<Run> lastRun;
    };
    // The kept briefings, read now when they are not held (the first call, or after a fence);
    // null when this store keeps nothing (a reader, or while writes are fenced).
    QMap<int, Kept> *kept();
    Kept *keptBriefing(int id); // null when not kept or not there
    QList<int> ids();
    std::optional<Run> lastRunOf(int briefingId); // from the table
    Run *keptRun(qint64 runId);                   // a kept last run; null when not kept
    QList<BriefingInfo> revisionsOf(int id);      // from the table

    store::Database &m_db;
    bool m_keeps = false;
    std::optional<QMap<int, Kept>> m_kept;
    std::int64_t m_lastBriefingId = 0; // store/rowid.h
    std::int64_t m_lastRunId = 0;
};

} // namespace opswall::briefing
