#include "feeds/seriesstore.h"

#include "feeds/schema.h"
#include "store/database.h"

#include <cmath>

namespace opswall::feeds {

namespace {
StoredPoint readPoint(const store::Statement &q, int col) {
    // columns: period_kind, period_start, value, revision, fetched_at
    StoredPoint p;
    p.period = Period::fromKey(int(q.int64(col)), q.int64(col + 1));
    p.value = q.real(col + 2);
    p.revision = int(q.int64(col + 3));
    p.fetchedAtSecs = q.int64(col + 4);
    return p;
}

bool sameValue(double a, double b) {
    return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}
} // namespace

SeriesStore::SeriesStore(store::Database &db)
    : m_db(db) {
    migrateFeedsSchema(m_db);
}

IngestStats SeriesStore::ingest(const QString &feedId, const QList<Series> &series,
                                const QDateTime &fetchedAt, IngestMode mode) {
    IngestStats stats;
    const std::int64_t now = fetchedAt.toSecsSinceEpoch();
    m_db.transaction([&] {
        auto upsert =
            m_db.prepare("INSERT INTO feed_series(indicator, dimension, unit, unit_mult, feed_id) "
                         "VALUES(?,?,?,?,?) "
                         "ON CONFLICT(indicator, dimension) DO UPDATE SET unit = excluded.unit, "
                         "unit_mult = excluded.unit_mult, feed_id = excluded.feed_id RETURNING id");
        auto current =
            m_db.prepare("SELECT revision, value FROM feed_values WHERE series_id = ? AND "
                         "period_kind = ? AND period_start = ? AND current = 1");
        auto retire = m_db.prepare("UPDATE feed_values SET current = 0 WHERE series_id = ? AND "
                                   "period_kind = ? AND period_start = ? AND current = 1");
        auto replace =
            m_db.prepare("UPDATE feed_values SET value = ?, fetched_at = ? WHERE series_id = ? "
                         "AND period_kind = ? AND period_start = ? AND current = 1");
        auto insert = m_db.prepare("INSERT INTO feed_values(series_id, period_kind, period_start, "
                                   "revision, value, fetched_at, current) VALUES(?,?,?,?,?,?,1)");
        for (const Series &s : series) {
            upsert.bind(1, s.indicator)
                .bind(2, s.dimension)
                .bind(3, s.unit)
                .bind(4, s.unitMult)
                .bind(5, feedId);
            upsert.step();
            const std::int64_t id = upsert.int64(0);
            upsert.reset();
            for (const Observation &o : s.points) {
                const int kind = int(o.period.kind());
                current.bind(1, id).bind(2, kind).bind(3, o.period.startSecs());
                int revision = 0;
                if (current.step()) {
                    revision = int(current.int64(0));
                    const double old = current.real(1);
                    current.reset();
                    if (sameValue(old, o.value)) {
                        ++stats.unchanged;
                        continue;
                    }
                    ++stats.revised;
                    if (mode == IngestMode::ReplaceCurrent) {
                        replace.bind(1, o.value)
                            .bind(2, now)
                            .bind(3, id)
                            .bind(4, kind)
                            .bind(5, o.period.startSecs());
                        replace.run();
                        continue;
                    }
                    retire.bind(1, id).bind(2, kind).bind(3, o.period.startSecs());
                    retire.run();
                } else {
                    current.reset();
                    ++stats.inserted;
                }
                insert.bind(1, id)
                    .bind(2, kind)
                    .bind(3, o.period.startSecs())
                    .bind(4, revision + 1);
                insert.bind(5, o.value).bind(6, now);
                insert.run();
            }
        }
    });
    return stats;
}

std::optional<StoredPoint> SeriesStore::latest(const QString &indicator,
                                               const QString &dimension) const {
    auto q = m_db.prepare("SELECT v.period_kind, v.period_start, v.value, v.revision, v.fetched_at "
                          "FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
                          "WHERE s.indicator = ? AND s.dimension = ? AND v.current = 1 "
                          "ORDER BY v.period_start DESC, v.period_kind DESC LIMIT 1");
    q.bind(1, indicator).bind(2, dimension);
    if (!q.step())
        return std::nullopt;
    return readPoint(q, 0);
}

std::optional<StoredPoint> SeriesStore::valueAt(const QString &indicator, const QString &dimension,
                                                const Period &period) const {
    auto q = m_db.prepare("SELECT v.period_kind, v.period_start, v.value, v.revision, v.fetched_at "
                          "FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
                          "WHERE s.indicator = ? AND s.dimension = ? AND v.period_kind = ? "
                          "AND v.period_start = ? AND v.current = 1");
    q.bind(1, indicator).bind(2, dimension).bind(3, int(period.kind())).bind(4, period.startSecs());
    if (!q.step())
        return std::nullopt;
    return readPoint(q, 0);
}

QList<StoredPoint> SeriesStore::range(const QString &indicator, const QString &dimension,
                                      const Period &from, const Period &to) const {
    auto q = m_db.prepare("SELECT v.period_kind, v.period_start, v.value, v.revision, v.fetched_at "
                          "FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
                          "WHERE s.indicator = ? AND s.dimension = ? AND v.current = 1 "
                          "AND v.period_start >= ? AND v.period_start <= ? "
                          "ORDER BY v.period_start, v.period_kind");
    q.bind(1, indicator).bind(2, dimension);
    q.bind(3, from.isValid() ? from.startSecs() : std::numeric_limits<std::int64_t>::min());
    q.bind(4, to.isValid() ? to.startSecs() : std::numeric_limits<std::int64_t>::max());
    QList<StoredPoint> out;
    while (q.step())
        out << readPoint(q, 0);
    return out;
}

QHash<QString, StoredPoint> SeriesStore::allDimensions(const QString &indicator,
                                                       const Period &period) const {
    auto q =
        m_db.prepare("SELECT s.dimension, v.period_kind, v.period_start, v.value, v.revision, "
                     "v.fetched_at FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
                     "WHERE s.indicator = ? AND v.period_kind = ? AND v.period_start = ? "
                     "AND v.current = 1");
    q.bind(1, indicator).bind(2, int(period.kind())).bind(3, period.startSecs());
    QHash<QString, StoredPoint> out;
    while (q.step())
        out.insert(q.text(0), readPoint(q, 1));
    return out;
}

QList<StoredPoint> SeriesStore::revisions(const QString &indicator, const QString &dimension,
                                          const Period &period) const {
    auto q = m_db.prepare("SELECT v.period_kind, v.period_start, v.value, v.revision, v.fetched_at "
                          "FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
                          "WHERE s.indicator = ? AND s.dimension = ? AND v.period_kind = ? "
                          "AND v.period_start = ? ORDER BY v.revision");
    q.bind(1, indicator).bind(2, dimension).bind(3, int(period.kind())).bind(4, period.startSecs());
    QList<StoredPoint> out;
    while (q.step())
        out << readPoint(q, 0);
    return out;
}

std::optional<SeriesInfo> SeriesStore::info(const QString &indicator,
                                            const QString &dimension) const {
    auto q = m_db.prepare("SELECT indicator, dimension, unit, unit_mult, feed_id FROM feed_series "
                          "WHERE indicator = ? AND dimension = ?");
    q.bind(1, indicator).bind(2, dimension);
    if (!q.step())
        return std::nullopt;
    return SeriesInfo{q.text(0), q.text(1), q.text(2), int(q.int64(3)), q.text(4)};
}

QList<SeriesInfo> SeriesStore::seriesOfFeed(const QString &feedId) const {
    auto q = m_db.prepare("SELECT indicator, dimension, unit, unit_mult, feed_id FROM feed_series "
                          "WHERE feed_id = ? ORDER BY indicator, dimension");
    q.bind(1, feedId);
    QList<SeriesInfo> out;
    while (q.step())
        out << SeriesInfo{q.text(0), q.text(1), q.text(2), int(q.int64(3)), q.text(4)};
    return out;
}

int SeriesStore::applyRetention(const RetentionPolicy &policy, const QDateTime &now) {
    return applyRetention(m_db, policy, now);
}

int SeriesStore::applyRetention(store::Database &db, const RetentionPolicy &policy,
                                const QDateTime &now) {
    int removed = 0;
    db.transaction([&] {
        auto oldRevisions =
            db.prepare("DELETE FROM feed_values WHERE current = 0 AND fetched_at < ?");
        oldRevisions.bind(1, now.addDays(-policy.keepRevisionsDays).toSecsSinceEpoch());
        oldRevisions.run();
        removed += db.changes();
        auto oldPeriods = db.prepare("DELETE FROM feed_values WHERE period_start < ?");
        oldPeriods.bind(1, now.addYears(-policy.keepPeriodsYears).toSecsSinceEpoch());
        oldPeriods.run();
        removed += db.changes();
    });
    return removed;
}

} // namespace opswall::feeds
