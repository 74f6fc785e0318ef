#include "feeds/readmodel.h"

#include "feeds/alerts.h"
#include "feeds/scheduler.h"

#include "store/database.h"

#include <QPointer>

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
        m_series.insert(key, Entry{});
        load(indicator, dimension);
        it = m_series.find(key);
    }
    return *it;
}

namespace {
// One series as the store has it (any connection).
struct Loaded {
    QList<StoredPoint> points;
    QString feedId;
};
Loaded readSeries(const SeriesStore &store, const QString &indicator, const QString &dimension) {
    Loaded l;
    l.points = store.range(indicator, dimension, {}, {});
    if (!l.points.isEmpty())
        l.feedId = store.info(indicator, dimension).value_or(SeriesInfo{}).feedId;
    return l;
}
} // namespace

template<typename T>
void ReadModel::fill(const QString &indicator, const QString &what,
                     std::function<T(const SeriesStore &)> read, std::function<Reading *()> find,
                     std::function<void(Reading &, T &&)> take, std::function<void()> readAgain) {
    ++m_storeReads;
    if (!m_readOff) {
        take(*find(), read(m_store));
        return;
    }
    Reading &state = *find();
    if (state.loading) {
        state.again = true;
        return;
    }
    state.loading = true;
    ++m_readsInFlight;
    auto got = std::make_shared<T>();
    m_readOff(
        [got, read](store::Database &db) {
            *got = read(SeriesStore(db, SeriesStore::AlreadyMigrated{}));
        },
        [this, self = QPointer<ReadModel>(this), got, indicator, what, find, take,
         readAgain](std::exception_ptr error) {
            if (!self)
                return;
            --m_readsInFlight;
            Reading *it = find();
            if (!it)
                return; // dropped meanwhile
            it->loading = false;
            if (error) {
                qWarning("opswall: feeds: %s could not be read: %s", qPrintable(what),
                         qPrintable(store::errorText(error)));
            } else {
                take(*it, std::move(*got));
                mark(indicator);
            }
            // Values stored (or removed) while it was read may be missing from what came back.
            if (std::exchange(it->again, false))
                readAgain();
        });
}

void ReadModel::load(const QString &indicator, const QString &dimension) {
    const QString key = keyOf(indicator, dimension);
    fill<Loaded>(
        indicator, QStringLiteral("the series %1/%2").arg(indicator, dimension),
        [indicator, dimension](const SeriesStore &s) {
            return readSeries(s, indicator, dimension);
        },
        [this, key]() -> Reading * {
            const auto it = m_series.find(key);
            return it == m_series.end() ? nullptr : &*it;
        },
        [this, indicator](Reading &r, Loaded &&l) {
            Entry &e = static_cast<Entry &>(r);
            e.points = std::move(l.points);
            e.feedId = std::move(l.feedId);
            if (!e.feedId.isEmpty())
                m_indicatorsOfFeed[e.feedId].insert(indicator);
        },
        [this, indicator, dimension] { load(indicator, dimension); });
}

const QHash<QString, StoredPoint> &ReadModel::allDimensions(const QString &indicator,
                                                            const Period &period) {
    const QString key = keyOf(indicator, period.toString());
    auto it = m_across.find(key);
    if (it == m_across.end()) {
        m_across.insert(key, Across{});
        loadAcross(indicator, period);
        it = m_across.find(key);
    }
    return it->values;
}

void ReadModel::loadAcross(const QString &indicator, const Period &period) {
    const QString key = keyOf(indicator, period.toString());
    fill<QHash<QString, StoredPoint>>(
        indicator, QStringLiteral("the values of %1 for %2").arg(indicator, period.toString()),
        [indicator, period](const SeriesStore &s) { return s.allDimensions(indicator, period); },
        [this, key]() -> Reading * {
            const auto it = m_across.find(key);
            return it == m_across.end() ? nullptr : &*it;
        },
        [](Reading &r, QHash<QString, StoredPoint> &&values) {
            static_cast<Across &>(r).values = std::move(values);
        },
        [this, indicator, period] { loadAcross(indicator, period); });
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
    mergeAcross(series, now, mode);
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
        if (e.loading)
            e.again = true; // the read in flight may predate these values
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

void ReadModel::mergeAcross(const QList<Series> &series, std::int64_t now, IngestMode mode) {
    if (m_across.isEmpty())
        return;
    for (const Series &s : series)
        for (const Observation &o : s.points) {
            const auto it = m_across.find(keyOf(s.indicator, o.period.toString()));
            if (it == m_across.end())
                continue;
            if (it->loading)
                it->again = true; // the read in flight may predate this value
            const auto at = it->values.find(s.dimension);
            if (at == it->values.end()) {
                it->values.insert(s.dimension, StoredPoint{o.period, o.value, 1, now});
            } else if (!sameValue(at->value, o.value)) {
                at->value = o.value;
                at->fetchedAtSecs = now;
                if (mode == IngestMode::KeepRevisions)
                    ++at->revision;
            } else {
                continue;
            }
            mark(s.indicator);
        }
}

void ReadModel::reload(const QString &indicator) {
    if (indicator.isEmpty()) {
        loadIndicators();
        m_status.clear();
        for (auto it = m_indicators.cbegin(); it != m_indicators.cend(); ++it)
            mark(it.key());
    }
    const QString prefix = indicator + u'\x1f';
    const auto keysOf = [&](const auto &held) {
        QList<QString> keys;
        for (auto it = held.cbegin(); it != held.cend(); ++it)
            if (indicator.isEmpty() || it.key().startsWith(prefix))
                keys.append(it.key());
        return keys;
    };
    const QList<QString> series = keysOf(m_series);
    const QList<QString> across = keysOf(m_across);
    if (!m_readOff) {
        // Read again when next asked for.
        for (const QString &key : series + across) {
            mark(key.section(u'\x1f', 0, 0));
            m_series.remove(key);
            m_across.remove(key);
        }
    } else {
        // Read again elsewhere; what is held is shown (and evaluated) until the new values
        // arrive.
        for (const QString &key : series)
            load(key.section(u'\x1f', 0, 0), key.section(u'\x1f', 1));
        for (const QString &key : across)
            if (const auto period = Period::parse(key.section(u'\x1f', 1)))
                loadAcross(key.section(u'\x1f', 0, 0), *period);
    }
    if (!indicator.isEmpty())
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
