#pragma once
// Indicators and alert rules in SQLite, evaluated on every feed update, status change and a
// periodic tick (for staleness); a live (SSE / WebSocket) value evaluates its indicator's rules
// at once, at most once per kLiveCoalesceMs per indicator. An alert is raised once while its rule
// fires, cleared when it stops, and acknowledged by an operator; all of it persisted in
// feed_alerts. The signals are the hook for the audit log (owned elsewhere).

#include "feeds/indicators.h"

#include <QElapsedTimer>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QTimer>

#include <functional>
#include <map>
#include <optional>

namespace opswall::store {
class Database;
}

namespace opswall::feeds {

class FeedScheduler;

struct Alert {
    std::int64_t id = 0;
    QString ruleId;
    QString indicator;
    QString feedId;
    Severity severity = Severity::Invalid;
    QString message;
    QDateTime raisedAt;
    QDateTime clearedAt;    // invalid while the condition holds
    QString acknowledgedBy; // empty until acknowledged
    QDateTime acknowledgedAt;
};

class AlertManager : public QObject {
    Q_OBJECT
public:
    // statusOf gives a feed's status (FeedScheduler::status in the app).
    AlertManager(store::Database &db, SeriesStore &series,
                 std::function<FeedStatus(const QString &)> statusOf, QObject *parent = nullptr);

    // Follows a scheduler: re-evaluates on its updates and status changes, and an indicator's
    // rules on each of its live values (indicatorChanged).
    void follow(FeedScheduler *scheduler);
    // A value of the indicator changed (a live feed's push): the rules on that indicator are
    // evaluated now, or, when they were evaluated less than kLiveCoalesceMs ago, once at the end
    // of that time for every value that came meanwhile (a flood of pushes costs at most four
    // evaluations a second per indicator). The 30 s tick stays for rules on time (staleness).
    void indicatorChanged(const QString &indicator);
    static constexpr int kLiveCoalesceMs = 250;
    // Imports indicators and rules (all or nothing) without waiting on the disk: validated here
    // (false with the field at fault, nothing written), the rows written in one transaction on the
    // store thread when the database has one (Database::writeThen: start-up and a render node's
    // import of the controller's indicators do not wait for it); once committed, the indicators
    // and rules held are the ones held with the document's merged in (as the table has them
    // then) and indicatorsChanged is emitted. A refused write changes nothing (logged).
    bool importJson(const QByteArray &json, QString *error);
    // First start: import from a file when no indicator is defined yet. 1: imported (on its way
    // to the store thread when there is one), 0: indicators were there, -1: *error says why.
    int importIfEmpty(const QString &path, QString *error);

    // Read from the store once, then held in memory (importJson replaces them): evaluating the
    // rules reads no table on the GUI thread.
    QList<IndicatorMeta> indicators() const;
    std::optional<IndicatorMeta> indicator(const QString &code) const;
    QList<AlertRule> rules() const;
    // Where evaluate() takes an indicator's series (sorted by period): the wall's read model in
    // memory (FeedHub); the series store when none is set.
    using SeriesSource =
        std::function<QList<StoredPoint>(const QString &indicator, const QString &dimension)>;
    void setSeriesSource(SeriesSource source) { m_seriesSource = std::move(source); }

    // Evaluates every rule at `now` (only those on onlyIndicator when one is given); raises and
    // clears alerts. Returns the alerts raised.
    QList<Alert> evaluate(const QDateTime &now, const QString &onlyIndicator = {});
    // evaluate(now) for timers and signals: a store failure is logged, never thrown.
    void evaluateNow();
    // Acknowledges an alert; false if there is no such alert or it was already acknowledged.
    bool acknowledge(std::int64_t alertId, const QString &user, const QDateTime &now);
    QList<Alert> openAlerts() const; // not cleared, newest first
    QList<Alert> recentAlerts(int limit) const;

    void setEvaluateIntervalMs(int ms) { m_tick.setInterval(ms); }

Q_SIGNALS:
    void alertRaised(const opswall::feeds::Alert &alert);
    void alertCleared(const opswall::feeds::Alert &alert);
    void alertAcknowledged(const opswall::feeds::Alert &alert);
    void indicatorsChanged();

private:
    QList<Alert> query(const char *where, int limit) const;
    // The alerts in memory (the open ones and the newest kKept), read once from the table; raised,
    // cleared and acknowledged here and written on the store thread (store::Database::write), so
    // evaluating rules never waits for the disk and never raises an alert twice while its row is
    // on its way.
    void loadCache() const;
    QList<Alert> cached(bool openOnly, int limit) const;
    static constexpr int kKept = 1000;

    store::Database &m_db;
    mutable std::optional<std::map<std::int64_t, Alert>> m_cache; // by id
    std::int64_t m_lastId = 0;                                    // store/rowid.h
    SeriesStore &m_series;
    std::function<FeedStatus(const QString &)> m_statusOf;
    SeriesSource m_seriesSource;
    mutable std::optional<QList<IndicatorMeta>> m_indicators; // indicators(), read once
    mutable std::optional<QList<AlertRule>> m_rules;          // rules(), read once
    QTimer m_tick;
    // indicatorChanged: when each indicator's rules were last evaluated for a live value (on
    // m_monotonic), the indicators waiting for the end of their interval, the timer for them.
    void evaluateIndicatorNow(const QString &indicator);
    void evaluateDueIndicators();
    QElapsedTimer m_monotonic;
    QHash<QString, qint64> m_liveEvaluated;
    QSet<QString> m_livePending;
    QTimer m_liveTimer;
};

} // namespace opswall::feeds

Q_DECLARE_METATYPE(opswall::feeds::Alert)
