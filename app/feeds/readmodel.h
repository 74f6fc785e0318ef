#pragma once
// ReadModel: what the wall's indicator tiles show, held in memory as values on the GUI thread:
// each series (indicator x dimension, sorted by period) a tile reads, the indicator metadata and
// the feeds' status. Tiles read it without touching SQLite; it is filled from the store once
// (metadata and status at construction, each series the first time a tile asks for it) and then
// kept current by merging what ingestion stored (ingested(), called where ingestion completes on
// the GUI thread), exactly as SeriesStore::ingest merges it (same value: unchanged; new value for
// a period: a new revision, or the same one for ReplaceCurrent).
//
// Once setReadOff() gave it a way to read elsewhere (the app, after start-up: a worker thread's
// reader connection, store/readers.h), a series the model does not hold yet is read there: the
// tile sees an empty series at once and the values, marked changed like an update, once the read
// is back. reload() reads again there too, and keeps what it holds until the new values arrive.
// Without one (start-up, unit tests, tools) a series is read here, at once.
//
// Changes are coalesced: everything marked within one frame interval (coalesceMs, 16 ms by
// default) is delivered as one changed(indicators, alerts) naming only the indicators whose
// values, metadata or feed status changed, so a tile bound to other indicators does no work.
// Alert states are not held here (the alert model has them); alerts = true only says that the
// feeds' alerts changed, for the tiles that list them.
//
//   ReadModel &m = hub.readModel();
//   const QList<StoredPoint> &values = m.series("CPI_YOY_INDEX", "");
//   connect(&m, &ReadModel::changed, ..., [](const QSet<QString> &indicators, bool alerts) {...});

#include "feeds/feeddefinition.h"
#include "feeds/indicators.h"
#include "feeds/seriesstore.h"

#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <exception>
#include <functional>
#include <optional>

namespace opswall::feeds {

class FeedScheduler;
class AlertManager;

class ReadModel : public QObject {
    Q_OBJECT
public:
    ReadModel(SeriesStore &store, FeedScheduler *scheduler, AlertManager *alerts,
              QObject *parent = nullptr);

    // The current values of one series, sorted by period (empty when none is stored). The
    // reference stays valid until the next change of that series is merged.
    const QList<StoredPoint> &series(const QString &indicator, const QString &dimension);
    std::optional<StoredPoint> latest(const QString &indicator, const QString &dimension);
    std::optional<StoredPoint> valueAt(const QString &indicator, const QString &dimension,
                                       const Period &period);
    // The current value of every dimension (province, ...) of an indicator for one period, held
    // like a series (read once, then merged on ingestion; elsewhere with setReadOff()).
    const QHash<QString, StoredPoint> &allDimensions(const QString &indicator,
                                                     const Period &period);
    // The feed that stored the series ("" when unknown).
    QString feedOf(const QString &indicator, const QString &dimension);
    // Indicator metadata (nullptr when the indicator is not defined).
    const IndicatorMeta *indicator(const QString &code) const;
    FeedStatus feedStatus(const QString &feedId);
    // Bumped every time a change of the indicator is delivered (0: never changed).
    quint64 revision(const QString &indicator) const { return m_revisions.value(indicator); }

    // Ingestion completed on the GUI thread: `series` were stored for feedId at fetchedAt.
    // Merges them into the loaded series and marks the indicators whose values changed.
    void ingested(const QString &feedId, const QList<Series> &series, const QDateTime &fetchedAt,
                  IngestMode mode = IngestMode::KeepRevisions);
    // Marks a change made behind the model's back: the indicator's series are re-read from the
    // store when next asked for. An empty code: every series and the metadata are re-read.
    void reload(const QString &indicator = {});
    // A feed's status (ok/stale/failing, last success) changed: its indicators are marked.
    void feedStatusChanged(const QString &feedId);
    void alertsChanged();

    // Reads a series elsewhere: read runs on another thread with a connection of its own, then
    // done on this object's thread (null error: read went well). Empty: read here, at once.
    using ReadOff = std::function<void(std::function<void(store::Database &)> read,
                                       std::function<void(std::exception_ptr)> done)>;
    void setReadOff(ReadOff readOff) { m_readOff = std::move(readOff); }
    // Series being read elsewhere now.
    int readsInFlight() const { return m_readsInFlight; }

    // Deliver what is marked now (tests, benchmarks); otherwise after at most coalesceMs.
    void flush();
    // Nothing marked and waiting to be delivered.
    bool idle() const { return m_dirty.isEmpty() && !m_alertsDirty; }
    void setCoalesceMs(int ms) { m_flush.setInterval(ms); }
    // Series read from the store since construction (a tile's first read, reload()): tests check
    // that an update is merged in memory, not re-read.
    int storeReads() const { return m_storeReads; }

Q_SIGNALS:
    // Once per frame interval at most: the indicators that changed; alerts: the feeds' alerts.
    void changed(const QSet<QString> &indicators, bool alerts);

private:
    // What is held of values read from the store.
    struct Reading {
        bool loading = false; // a read elsewhere is in flight (setReadOff)
        bool again = false;   // something changed while it was: read once more when it is back
    };
    struct Entry : Reading {
        QList<StoredPoint> points;
        QString feedId;
    };
    struct Across : Reading {
        QHash<QString, StoredPoint> values; // by dimension
    };
    Entry &entry(const QString &indicator, const QString &dimension);
    // Reads the series into its entry, or the period's values into theirs (in place without
    // m_readOff, else elsewhere).
    void load(const QString &indicator, const QString &dimension);
    void loadAcross(const QString &indicator, const Period &period);
    // read on m_store here, or on a reader elsewhere and then take here on what find finds
    // (null: dropped meanwhile); indicator is marked changed; readAgain when it changed meanwhile.
    template<typename T>
    void fill(const QString &indicator, const QString &what,
              std::function<T(const SeriesStore &)> read, std::function<Reading *()> find,
              std::function<void(Reading &, T &&)> take, std::function<void()> readAgain);
    void mergeAcross(const QList<Series> &series, std::int64_t now, IngestMode mode);
    void loadIndicators();
    void mark(const QString &indicator);

    SeriesStore &m_store;
    FeedScheduler *m_scheduler;
    AlertManager *m_alerts;
    QHash<QString, Entry> m_series;  // key: indicator '\x1f' dimension
    QHash<QString, Across> m_across; // key: indicator '\x1f' period
    QHash<QString, IndicatorMeta> m_indicators;
    QHash<QString, FeedStatus> m_status;
    QHash<QString, QSet<QString>> m_indicatorsOfFeed; // feed -> indicators it stored or defines
    QHash<QString, quint64> m_revisions;
    QSet<QString> m_dirty;
    bool m_alertsDirty = false;
    QTimer m_flush;
    int m_storeReads = 0;
    ReadOff m_readOff;
    int m_readsInFlight = 0;
};

} // namespace opswall::feeds
