#include "feeds/readmodel.h"

#include "feeds/alerts.h"
#include "feeds/scheduler.h"

#include <algorithm>
#include <cmath>

namespace opswall::feeds {

namespace {
QString keyOf(const QString &indicator, const QString &dimension) {
    return indicator + u'\x1f' + dimension;
}

// As SeriesStore::ingest compares values.
bool sameValue(double a, double b) {
    return a == b || std::fabs(a - b) <= 1e-12 * std::max(std::fabs(a), std::fabs(b));
}

// The store's order: period start, then kind.
bool before(const Period &a, const Period &b) {
    return a.startSecs() != b.startSecs() ? a.startSecs() < b.startSecs() : a.kind() < b.kind();
}
} // namespace

ReadModel::ReadModel(SeriesStore &store, FeedScheduler *scheduler, AlertManager *alerts,
                     QObject *parent)
    : QObject(parent)
    , m_store(store)
    , m_scheduler(scheduler)
    , m_alerts(alerts) {
    m_flush.setSingleShot(true);
    m_flush.setInterval(16);
    connect(&m_flush, &QTimer::timeout, this, &ReadModel::flush);
    loadIndicators();
}

void ReadModel::loadIndicators() {
    m_indicators.clear();
    for (const IndicatorMeta &m : m_alerts->indicators()) {
        m_indicators.insert(m.code, m);
        if (!m.feedId.isEmpty())
            m_indicatorsOfFeed[m.feedId].insert(m.code);
    }
}

ReadModel::Entry &ReadModel::entry(const QString &indicator, const QString &dimension) {
    const QString key = keyOf(indicator, dimension);
    auto it = m_series.find(key);
    if (it == m_series.end()) {
        Entry e;
        e.points = m_store.range(indicator, dimension, {}, {});
        if (!e.points.isEmpty())
            e.feedId = m_store.info(indicator, dimension).value_or(SeriesInfo{}).feedId;
        if (!e.feedId.isEmpty())
            m_indicatorsOfFeed[e.feedId].insert(indicator);
        ++m_storeReads;
        it = m_series.insert(key, std::move(e));
    }
    return *it;
}

const QList<StoredPoint> &ReadModel::series(const QString &indicator, const QString &dimension) {
    return entry(indicator, dimension).points;
}

std::optional<StoredPoint> ReadModel::latest(const QString &indicator, const QString &dimension) {
    const QList<StoredPoint> &s = series(indicator, dimension);
    if (s.isEmpty())
        return std::nullopt;
    return s.back();
}

std::optional<StoredPoint> ReadModel::valueAt(const QString &indicator, const QString &dimension,
                                              const Period &period) {
    const QList<StoredPoint> &s = series(indicator, dimension);
    const auto it = std::lower_bound(
        s.begin(), s.end(), period,
        [](const StoredPoint &p, const Period &wanted) { return before(p.period, wanted); });
    if (it == s.end() || it->period != period)
        return std::nullopt;
    return *it;
}

QString ReadModel::feedOf(const QString &indicator, const QString &dimension) {
    return entry(indicator, dimension).feedId;
}

const IndicatorMeta *ReadModel::indicator(const QString &code) const {
    const auto it = m_indicators.constFind(code);
    return it == m_indicators.cend() ? nullptr : &*it;
}

FeedStatus ReadModel::feedStatus(const QString &feedId) {
    auto it = m_status.find(feedId);
    if (it == m_status.end())
        it = m_status.insert(feedId, m_scheduler->status(feedId));
    return *it;
}

void ReadModel::ingested(const QString &feedId, const QList<Series> &series,
                         const QDateTime &fetchedAt, IngestMode mode) {
    const std::int64_t now = fetchedAt.toSecsSinceEpoch();
    for (const Series &s : series) {
        m_indicatorsOfFeed[feedId].insert(s.indicator);
        const auto it = m_series.find(keyOf(s.indicator, s.dimension));
        if (it == m_series.end()) {
            // Not shown yet: read from the store when a tile asks for it. Others may show the
            // indicator (another dimension, the province maps): tell them.
            mark(s.indicator);
            continue;
        }
        Entry &e = *it;
        e.feedId = feedId;
        bool changed = false;
        for (const Observation &o : s.points) {
            auto at = std::lower_bound(e.points.begin(), e.points.end(), o.period,
                                       [](const StoredPoint &p, const Period &wanted) {
                                           return before(p.period, wanted);
                                       });
            if (at != e.points.end() && at->period == o.period) {
                if (sameValue(at->value, o.value))
                    continue;
                at->value = o.value;
                at->fetchedAtSecs = now;
                if (mode == IngestMode::KeepRevisions)
                    ++at->revision;
            } else {
                e.points.insert(at, StoredPoint{o.period, o.value, 1, now});
            }
            changed = true;
        }
        if (changed)
            mark(s.indicator);
    }
}

void ReadModel::reload(const QString &indicator) {
    if (indicator.isEmpty()) {
        loadIndicators();
        m_status.clear();
        for (auto it = m_series.cbegin(); it != m_series.cend(); ++it)
            mark(it.key().section(u'\x1f', 0, 0));
        for (auto it = m_indicators.cbegin(); it != m_indicators.cend(); ++it)
            mark(it.key());
        m_series.clear();
        return;
    }
    const QString prefix = indicator + u'\x1f';
    for (auto it = m_series.begin(); it != m_series.end();)
        it = it.key().startsWith(prefix) ? m_series.erase(it) : std::next(it);
    mark(indicator);
}

void ReadModel::feedStatusChanged(const QString &feedId) {
    m_status.remove(feedId);
    for (const QString &indicator : m_indicatorsOfFeed.value(feedId))
        mark(indicator);
}

void ReadModel::alertsChanged() {
    m_alertsDirty = true;
    if (!m_flush.isActive())
        m_flush.start();
}

void ReadModel::mark(const QString &indicator) {
    m_dirty.insert(indicator);
    if (!m_flush.isActive())
        m_flush.start();
}

void ReadModel::flush() {
    m_flush.stop();
    if (m_dirty.isEmpty() && !m_alertsDirty)
        return;
    const QSet<QString> dirty = std::exchange(m_dirty, {});
    const bool alerts = std::exchange(m_alertsDirty, false);
    for (const QString &indicator : dirty)
        ++m_revisions[indicator];
    Q_EMIT changed(dirty, alerts);
}

} // namespace opswall::feeds
