#pragma once
// Indicator x dimension x period -> value, with revisions, in SQLite. Reads are single indexed
// lookups so tiles can ask on every update. Belongs to the thread of its Database.

#include "feeds/series.h"

#include <QDateTime>
#include <QHash>

#include <optional>

namespace opswall::store {
class Database;
}

namespace opswall::feeds {

struct StoredPoint {
    Period period;
    double value = 0.0;
    int revision = 0;               // 1 = first publication
    std::int64_t fetchedAtSecs = 0; // when this revision was received (UTC epoch seconds)
};

struct SeriesInfo {
    QString indicator;
    QString dimension;
    QString unit;
    int unitMult = 0;
    QString feedId;
};

struct IngestStats {
    int inserted = 0;  // first value for a period
    int revised = 0;   // a changed value: new revision
    int unchanged = 0; // same value again
};

// KeepRevisions for published statistics; ReplaceCurrent for live counters, whose value for
// "today" changes every minute and whose history of intermediate counts is not worth keeping.
enum class IngestMode { KeepRevisions = 1, ReplaceCurrent };

struct RetentionPolicy {
    int keepRevisionsDays = 400; // superseded revisions older than this are dropped
    int keepPeriodsYears = 30;   // periods starting earlier than this are dropped
};

class SeriesStore {
public:
    explicit SeriesStore(store::Database &db);
    // On a connection whose tables are made already (a worker thread's reader): reads only.
    struct AlreadyMigrated {};
    SeriesStore(store::Database &db, AlreadyMigrated)
        : m_db(db) {}

    IngestStats ingest(const QString &feedId, const QList<Series> &series,
                       const QDateTime &fetchedAt, IngestMode mode = IngestMode::KeepRevisions);

    std::optional<StoredPoint> latest(const QString &indicator,
                                      const QString &dimension = {}) const;
    std::optional<StoredPoint> valueAt(const QString &indicator, const QString &dimension,
                                       const Period &period) const;
    // Current values with from <= period <= to (either may be invalid for open ends), sorted.
    QList<StoredPoint> range(const QString &indicator, const QString &dimension, const Period &from,
                             const Period &to) const;
    // The current value of every dimension (province, ...) of an indicator for one period.
    QHash<QString, StoredPoint> allDimensions(const QString &indicator, const Period &period) const;
    // Every revision of one period, oldest first.
    QList<StoredPoint> revisions(const QString &indicator, const QString &dimension,
                                 const Period &period) const;
    std::optional<SeriesInfo> info(const QString &indicator, const QString &dimension = {}) const;
    QList<SeriesInfo> seriesOfFeed(const QString &feedId) const;

    // Returns the number of rows removed.
    int applyRetention(const RetentionPolicy &policy, const QDateTime &now);
    // The same on another connection of the file (the store thread's writer, FeedHub).
    static int applyRetention(store::Database &db, const RetentionPolicy &policy,
                              const QDateTime &now);
    store::Database &database() { return m_db; }

private:
    store::Database &m_db;
};

} // namespace opswall::feeds
