#pragma once
// IndicatorData: what the indicator tiles read. A QML singleton found per engine through
// opswall::lookup (main builds it over the FeedHub and calls opswall::provide(&engine, data)).
// Values, names/units/targets and the feed status (age, stale marker) come from the feeds' read
// model in memory (feeds/readmodel.h), not from SQLite; numbers are formatted for vi-VN or en
// here so the format is tested in C++.
//
// A tile learns of changes through an IndicatorWatch naming its indicators: it is told only when
// one of them changed (at most once per frame), never because another tile's indicator did.
//   property IndicatorWatch watch: IndicatorWatch { indicators: [tile.binding.indicator] }
//   readonly property var kpi: watch.revision >= 0 ? IndicatorData.kpi(...) : ({})

#include "feeds/alerts.h"
#include "feeds/indicators.h"
#include "feeds/seriesstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QQmlEngine>
#include <QQmlParserStatus>
#include <QSet>
#include <QVariantList>
#include <QVariantMap>

#include <functional>
#include <optional>

namespace opswall::feeds {
class FeedHub;
}

class QQuickItem;

namespace opswall::indicators {

class IndicatorData;

// Tells a tile that one of its indicators changed: revision is bumped (at most once per frame)
// when the values, metadata or feed status of any of `indicators` changed, or, with alerts: true,
// when the feeds' alerts did. While the item it belongs to (its nearest item ancestor) is hidden
// in a wall tile's frame (one with holdWhileHidden: a tile built ahead of a recall, or kept built
// for a later one: qml/wall/README.md) the changes are held: revision is bumped once, when the item
// is shown again, so a hidden tile reads nothing and shows the current values when it is shown.
// A change delivered while the watch is being created (after its creation began, before it was
// complete and registered: a tile incubated asynchronously, whose bindings read the values in one
// slice and whose watch completes in a later one) is not lost: the watch is bumped (or held) when
// it completes.
class IndicatorWatch : public QObject, public QQmlParserStatus {
    Q_OBJECT
    QML_ELEMENT
    Q_INTERFACES(QQmlParserStatus)
    Q_PROPERTY(QStringList indicators READ indicators WRITE setIndicators NOTIFY indicatorsChanged)
    Q_PROPERTY(bool alerts READ alerts WRITE setAlerts NOTIFY alertsChanged)
    Q_PROPERTY(int revision READ revision NOTIFY changed)
    // Changes held while the tile was hidden, read when it is shown.
    Q_PROPERTY(bool held READ held NOTIFY heldChanged)

public:
    explicit IndicatorWatch(QObject *parent = nullptr);
    ~IndicatorWatch() override;

    QStringList indicators() const { return m_indicators; }
    void setIndicators(const QStringList &indicators);
    bool alerts() const { return m_alerts; }
    void setAlerts(bool alerts);
    int revision() const { return m_revision; }
    bool held() const { return m_held; }

    void classBegin() override;
    void componentComplete() override;

    // IndicatorData: one of the indicators (or the alerts) changed.
    void bump();

Q_SIGNALS:
    void indicatorsChanged();
    void alertsChanged();
    void changed();
    void heldChanged();

private:
    void attach();
    void onShownChanged();
    QPointer<IndicatorData> m_data;
    QPointer<QQuickItem> m_item; // the item whose visibility holds the changes
    QStringList m_indicators;
    bool m_alerts = false;
    bool m_complete = false;
    bool m_held = false;
    int m_revision = 0;
    // IndicatorData's delivery count when the watch's creation began (classBegin): a change of its
    // indicators delivered after it and before componentComplete was missed by the tile's
    // bindings' first read. -1: not known (made from C++ without classBegin).
    int m_createdAt = -1;
};

class IndicatorData : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON
    // Bumped on every delivered change of any indicator (tiles use an IndicatorWatch instead,
    // which is told of their own indicators only).
    Q_PROPERTY(int revision READ revision NOTIFY changed)

public:
    explicit IndicatorData(feeds::FeedHub *hub, QObject *parent = nullptr);
    static IndicatorData *create(QQmlEngine *engine, QJSEngine *);

    int revision() const { return m_revision; }

    // Everything a KPI tile shows for one indicator (see the .cpp for the keys). hasData is
    // false when nothing was ever received; a failing feed still returns its last values with
    // stale = true and ageText.
    // transform "yoyPct": the series as growth against the same period of the previous year, in
    // % (GDP growth by quarter from the real GDP level); empty: the values as stored.
    Q_INVOKABLE QVariantMap kpi(const QString &indicator, const QString &dimension = {},
                                const QString &language = QStringLiteral("vi"),
                                const QString &transform = {}) const;
    // Fills a WallLineChart's ChartLine (or a Qt Charts XY series) with the last maxPoints values
    // in one replace() (a ChartLine redraws only points appended to what it had); when not all
    // fit, from the first whole year among them. Returns {count, minT, maxT, minV, maxV, target}
    // for the axes (times in ms since epoch). A year-to-date series (restarting every January, see
    // kpi()) is one line per year: xySeries gets the current year, earlierYears (XY series, oldest
    // first) the years before, and any left over are emptied. segments says how many lines the data
    // needs (give that many less one in earlierYears and call again when there were too few);
    // yearStarts [{t (ms, between the last point of a year and the first of the next), year}] where
    // the chart marks the restart. Any other series: segments 1, yearStarts empty, earlierYears
    // emptied.
    Q_INVOKABLE QVariantMap fillSeries(QObject *xySeries, const QString &indicator,
                                       const QString &dimension = {}, int maxPoints = 120,
                                       const QString &transform = {},
                                       const QVariantList &earlierYears = {}) const;
    // The forecast the indicator's metadata asks for (app/feeds/forecast.h), display-scaled:
    // {available, method, methodText, text (one line for a KPI tile), detail (model, interval and
    // backtest error, for the tile's details), points: [{t (ms), mean, lower, upper}],
    // pctOfPlan (yearToDate), backtestMape, error}. available is false without a forecast.
    Q_INVOKABLE QVariantMap forecast(const QString &indicator, const QString &dimension = {},
                                     const QString &language = QStringLiteral("vi")) const;
    // Fills the chart's dashed continuation and its band (upper and lower edges) in one
    // replace() each; returns {count, maxT, minV, maxV} (count 0: no forecast).
    Q_INVOKABLE QVariantMap fillForecast(QObject *meanSeries, QObject *upperSeries,
                                         QObject *lowerSeries, const QString &indicator,
                                         const QString &dimension = {},
                                         const QString &language = QStringLiteral("vi")) const;
    // One indicator's values for every province in a period ("2024-12"; empty: the latest period
    // of the indicator's default dimension is not defined for provinces, so give one):
    // {values: {gso_code: value}, name, unit, periodText, source, simulated, count}.
    Q_INVOKABLE QVariantMap provinceValues(const QString &indicator, const QString &period,
                                           const QString &language = QStringLiteral("vi")) const;
    // The whole binding of a province map tile (keys: app/maps/mapvalues.h) for a layout binding
    // {indicator, period, units, dataUnits, palette, ...}: values, name, unit and source from the
    // store and the metadata; the 63 -> 34 rule and its weights from the indicator's metadata
    // unless the layout names an "aggregation" itself. Without an indicator the layout's own
    // binding (values given in it) is returned unchanged.
    Q_INVOKABLE QVariantMap mapBinding(const QVariantMap &tileBinding,
                                       const QString &language = QStringLiteral("vi")) const;
    // The provinces of one indicator and period, ranked (highest first unless ascending), at most
    // `count` rows: [{rank, code, name, value, valueText}]. Names come from setProvinceNames.
    Q_INVOKABLE QVariantList rankedProvinces(const QString &indicator, const QString &period,
                                             int count, bool ascending = false,
                                             const QString &language = QStringLiteral("vi")) const;
    // Key projects (investment supervision) for a projects tile: for each {id, name} of the
    // layout, the latest PROJ_PROGRESS_PCT, PROJ_PLANNED_PCT, PROJ_DISBURSED_PCT and
    // PROJ_SLIP_MONTHS of that project: [{id, name, hasData, progress, planned, disbursed,
    // slipMonths, late (a month or more behind, or 5 points under schedule), slipText,
    // periodText, simulated}].
    Q_INVOKABLE QVariantList projects(const QVariantList &projects,
                                      const QString &language = QStringLiteral("vi")) const;
    // Open alerts of the feeds, newest first: [{id, severity, message, indicator, sinceText,
    // acknowledged}].
    Q_INVOKABLE QVariantList openAlerts(const QString &language = QStringLiteral("vi")) const;
    Q_INVOKABLE QString formatNumber(double value, int decimals, const QString &language) const;

    feeds::FeedHub *hub() const { return m_hub; }

    // A render node (app/nodes) evaluates no alert rule and runs no feed: its tiles show the
    // controller's alerts and the controller's feed freshness. When set, openAlerts() lists
    // alerts() instead of the local alert manager's, and a feed with no local definition is
    // stale after staleAfterSecs(feedId) (nullopt: 3 h, as before). The caller tells the read
    // model (alertsChanged, feedStatusChanged) when they change.
    struct Remote {
        std::function<QList<feeds::Alert>()> alerts;
        std::function<std::optional<int>(const QString &feedId)> staleAfterSecs;
    };
    void setRemote(Remote remote) { m_remote = std::move(remote); }

    // Province names by GSO code (the app fills it from the boundary data).
    void setProvinceNames(QHash<QString, QString> names) { m_provinceNames = std::move(names); }

    // The store was changed behind the read model's back (a tool, a test writing SQLite): every
    // series is re-read and every tile told. Ingestion through the scheduler needs no call.
    void notifyChanged();

    // IndicatorWatch registration (by its indicators; alerts for the alert list).
    void addWatch(IndicatorWatch *watch);
    void removeWatch(IndicatorWatch *watch);
    // The watches told of the last delivered change (tests, benchmarks).
    Q_INVOKABLE int lastNotifiedWatches() const { return m_lastNotified; }
    // Whether a change of one of the indicators (or of the alerts, with alerts) was delivered
    // after delivery count `since` (revision() then).
    bool changedSince(int since, const QStringList &indicators, bool alerts) const;

Q_SIGNALS:
    void changed();

private:
    void onModelChanged(const QSet<QString> &indicators, bool alerts);
    void tellWatches(const QSet<QString> &indicators, bool alerts);
    std::optional<feeds::IndicatorMeta> metaOf(const QString &code) const;

    feeds::FeedHub *m_hub;
    Remote m_remote;
    int m_revision = 0;
    int m_lastNotified = 0;
    QHash<QString, QString> m_provinceNames;
    // provinceValues() and forecast() answers, by indicator (dropped when it changes).
    mutable QHash<QString, QHash<QString, QVariantMap>> m_provinceValues;
    mutable QHash<QString, QHash<QString, QVariantMap>> m_forecasts;
    // The last forecast of each (indicator, dimension, language), shown while a new one is
    // fitted on the thread pool; the fits under way; a count of each indicator's changes.
    mutable QHash<QString, QVariantMap> m_lastForecasts;
    mutable QSet<QString> m_fitting;
    QHash<QString, quint64> m_forecastGeneration;
    QHash<QString, QList<IndicatorWatch *>> m_watches;
    QList<IndicatorWatch *> m_alertWatches;
    // The delivery count (m_revision) of each indicator's last delivered change, and of the
    // alerts' (for a watch completed after a change it was not registered for yet).
    QHash<QString, int> m_deliveredAt;
    int m_alertsDeliveredAt = 0;

    // The stored series, or its transform (see kpi()).
    QList<feeds::StoredPoint> historyOf(const QString &indicator, const QString &dimension,
                                        const QString &transform) const;
    QVariantMap readProvinceValues(const QString &indicator, const QString &period,
                                   const QString &language) const;
};

} // namespace opswall::indicators
