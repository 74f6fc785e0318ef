#include "feeds/alerts.h"

#include "feeds/scheduler.h"
#include "feeds/schema.h"
#include "store/database.h"
#include "store/rowid.h"

#include <QFile>
#include <QJsonDocument>
#include <QPointer>

#include <algorithm>

namespace opswall::feeds {

AlertManager::AlertManager(store::Database &db, SeriesStore &series,
                           std::function<FeedStatus(const QString &)> statusOf, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_series(series)
    , m_statusOf(std::move(statusOf)) {
    migrateFeedsSchema(m_db);
    store::primeRowId(m_db, "feed_alerts", m_lastId); // start-up: later ids read nothing
    m_tick.setInterval(30000);
    connect(&m_tick, &QTimer::timeout, this, &AlertManager::evaluateNow);
    m_monotonic.start();
    m_liveTimer.setSingleShot(true);
    connect(&m_liveTimer, &QTimer::timeout, this, &AlertManager::evaluateDueIndicators);
}

void AlertManager::evaluateNow() {
    // From timers and signals: a store that refuses writes (locked, full) must not end the
    // process; the rules are evaluated again on the next tick or feed update.
    try {
        evaluate(QDateTime::currentDateTimeUtc());
    } catch (const store::Error &e) {
        qWarning("feeds: alert rules not evaluated now: %s", e.what());
    }
}

void AlertManager::follow(FeedScheduler *scheduler) {
    connect(scheduler, &FeedScheduler::feedUpdated, this, &AlertManager::evaluateNow);
    connect(scheduler, &FeedScheduler::statusChanged, this, &AlertManager::evaluateNow);
    // A pushed value is in the read model when liveValue comes (after stored).
    connect(scheduler, &FeedScheduler::liveValue, this,
            [this](const QString &, const QString &indicator) { indicatorChanged(indicator); });
    m_tick.start();
}

void AlertManager::indicatorChanged(const QString &indicator) {
    const QList<AlertRule> all = rules();
    if (std::none_of(all.cbegin(), all.cend(),
                     [&](const AlertRule &r) { return r.indicator == indicator; }))
        return;
    const auto last = m_liveEvaluated.constFind(indicator);
    if (!m_livePending.contains(indicator) &&
        (last == m_liveEvaluated.constEnd() || m_monotonic.elapsed() - *last >= kLiveCoalesceMs)) {
        evaluateIndicatorNow(indicator);
        return;
    }
    m_livePending.insert(indicator);
    if (!m_liveTimer.isActive())
        evaluateDueIndicators(); // arms the timer for the earliest one
}

void AlertManager::evaluateIndicatorNow(const QString &indicator) {
    m_liveEvaluated.insert(indicator, m_monotonic.elapsed());
    try {
        evaluate(QDateTime::currentDateTimeUtc(), indicator);
    } catch (const store::Error &e) {
        qWarning("feeds: alert rules of %s not evaluated now: %s", qPrintable(indicator), e.what());
    }
}

void AlertManager::evaluateDueIndicators() {
    // The indicators whose interval is over, each once; the timer again for the earliest of the
    // others (never 0 ms: it waits for the rest of an interval).
    QStringList due;
    for (const QString &indicator : std::as_const(m_livePending))
        if (m_liveEvaluated.value(indicator) + kLiveCoalesceMs <= m_monotonic.elapsed())
            due.append(indicator);
    for (const QString &indicator : due) {
        m_livePending.remove(indicator);
        evaluateIndicatorNow(indicator);
    }
    qint64 next = -1;
    for (const QString &indicator : std::as_const(m_livePending)) {
        const qint64 at = m_liveEvaluated.value(indicator) + kLiveCoalesceMs;
        next = next < 0 ? at : std::min(next, at);
    }
    if (next >= 0)
        m_liveTimer.start(int(std::max<qint64>(1, next - m_monotonic.elapsed())));
}

namespace {
// The rows of an indicator document (in the caller's transaction).
void writeDocument(store::Database &db, const IndicatorDocument &doc) {
    auto ind = db.prepare("INSERT INTO feed_indicators(code, definition) VALUES(?,?) "
                          "ON CONFLICT(code) DO UPDATE SET definition = excluded.definition");
    for (const IndicatorMeta &m : doc.indicators) {
        ind.bind(1, m.code).bind(2, QJsonDocument(m.toJson()).toJson(QJsonDocument::Compact));
        ind.run();
    }
    auto rule = db.prepare("INSERT INTO feed_rules(id, definition) VALUES(?,?) "
                           "ON CONFLICT(id) DO UPDATE SET definition = excluded.definition");
    for (const AlertRule &r : doc.rules) {
        rule.bind(1, r.id).bind(2, QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact));
        rule.run();
    }
}

// held with `added` merged in by key, in the table's order (ORDER BY the key).
template<typename T, typename Key>
QList<T> mergedByKey(QList<T> held, const QList<T> &added, Key key) {
    for (const T &a : added) {
        const auto at =
            std::find_if(held.begin(), held.end(), [&](const T &h) { return key(h) == key(a); });
        if (at != held.end())
            *at = a;
        else
            held.append(a);
    }
    std::sort(held.begin(), held.end(), [&](const T &x, const T &y) { return key(x) < key(y); });
    return held;
}
} // namespace

bool AlertManager::importJson(const QByteArray &json, QString *error) {
    const auto doc = parseIndicatorDocument(json, error);
    if (!doc)
        return false;
    // What is held now (read here only if nothing asked yet: start-up); merged once committed.
    indicators();
    rules();
    m_db.writeThen([doc = *doc](store::Database &db) { writeDocument(db, doc); },
                   [this, self = QPointer<AlertManager>(this), doc = *doc] {
                       if (!self)
                           return;
                       m_indicators = mergedByKey(*m_indicators, doc.indicators,
                                                  [](const IndicatorMeta &m) { return m.code; });
                       m_rules = mergedByKey(*m_rules, doc.rules,
                                             [](const AlertRule &r) { return r.id; });
                       Q_EMIT indicatorsChanged();
                   });
    return true;
}

int AlertManager::importIfEmpty(const QString &path, QString *error) {
    {
        // Reset before the import: a statement left open would hold a read snapshot of this
        // connection, and the import's write could not take the lock after another commit.
        auto q = m_db.prepare("SELECT COUNT(*) FROM feed_indicators");
        q.step();
        if (q.int64(0) > 0)
            return 0;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return -1;
    }
    if (!importJson(f.read(4 << 20), error))
        return -1;
    return 1;
}

QList<IndicatorMeta> AlertManager::indicators() const {
    if (m_indicators)
        return *m_indicators;
    auto q = m_db.prepare("SELECT code, definition FROM feed_indicators ORDER BY code");
    QList<IndicatorMeta> out;
    QString err;
    while (q.step())
        if (auto m = IndicatorMeta::fromJson(QJsonDocument::fromJson(q.blob(1)).object(), q.text(0),
                                             &err))
            out << *m;
    m_indicators = out;
    return out;
}

std::optional<IndicatorMeta> AlertManager::indicator(const QString &code) const {
    for (const IndicatorMeta &m : indicators())
        if (m.code == code)
            return m;
    return std::nullopt;
}

QList<AlertRule> AlertManager::rules() const {
    if (m_rules)
        return *m_rules;
    auto q = m_db.prepare("SELECT id, definition FROM feed_rules ORDER BY id");
    QList<AlertRule> out;
    QString err;
    while (q.step())
        if (auto r =
                AlertRule::fromJson(QJsonDocument::fromJson(q.blob(1)).object(), q.text(0), &err))
            out << *r;
    m_rules = out;
    return out;
}

QList<Alert> AlertManager::evaluate(const QDateTime &now, const QString &onlyIndicator) {
    QList<Alert> raised;
    for (const AlertRule &rule : rules()) {
        if (!onlyIndicator.isEmpty() && rule.indicator != onlyIndicator)
            continue;
        RuleInput in;
        in.now = now;
        if (!rule.indicator.isEmpty()) {
            in.meta = indicator(rule.indicator);
            if (m_seriesSource) { // in memory
                const QList<StoredPoint> series = m_seriesSource(rule.indicator, rule.dimension);
                if (!series.isEmpty())
                    in.latest = series.back();
                if (rule.kind == RuleKind::ForecastBehindPlan && in.meta && in.meta->target)
                    in.yearEnd = forecast::projectYearEnd(series, *in.meta->target);
            } else {
                in.latest = m_series.latest(rule.indicator, rule.dimension);
                if (rule.kind == RuleKind::ForecastBehindPlan && in.meta && in.meta->target)
                    in.yearEnd = forecast::projectYearEnd(
                        m_series.range(rule.indicator, rule.dimension, {}, {}), *in.meta->target);
            }
        }
        if (!rule.feedId.isEmpty() && m_statusOf)
            in.feed = m_statusOf(rule.feedId);
        const RuleOutcome outcome = evaluateRule(rule, in);
        loadCache();
        const Alert *openAlert = nullptr;
        for (const auto &[id, a] : *m_cache)
            if (a.ruleId == rule.id && !a.clearedAt.isValid())
                openAlert = &a;
        if (outcome.firing && !openAlert) {
            Alert a;
            a.id = store::nextRowId(m_db, "feed_alerts", m_lastId);
            a.ruleId = rule.id;
            a.indicator = rule.indicator;
            a.feedId = rule.feedId;
            a.severity = rule.severity;
            a.message = outcome.message;
            a.raisedAt = QDateTime::fromSecsSinceEpoch(now.toSecsSinceEpoch(), Qt::UTC);
            m_db.write([a](store::Database &db) {
                db.prepare("INSERT INTO feed_alerts(id, rule_id, indicator, feed_id, severity, "
                           "message, raised_at) VALUES(?,?,?,?,?,?,?)")
                    .bind(1, a.id)
                    .bind(2, a.ruleId)
                    .bind(3, a.indicator)
                    .bind(4, a.feedId)
                    .bind(5, int(a.severity))
                    .bind(6, a.message)
                    .bind(7, a.raisedAt.toSecsSinceEpoch())
                    .run();
            });
            m_cache->insert_or_assign(a.id, a);
            raised << a;
            Q_EMIT alertRaised(a);
        } else if (!outcome.firing && openAlert) {
            Alert a = *openAlert;
            a.clearedAt = QDateTime::fromSecsSinceEpoch(now.toSecsSinceEpoch(), Qt::UTC);
            m_db.write([id = a.id, at = a.clearedAt.toSecsSinceEpoch()](store::Database &db) {
                db.prepare("UPDATE feed_alerts SET cleared_at = ? WHERE id = ?")
                    .bind(1, at)
                    .bind(2, id)
                    .run();
            });
            m_cache->insert_or_assign(a.id, a);
            Q_EMIT alertCleared(a);
        }
    }
    // Cleared alerts beyond the newest kKept leave memory (their rows stay).
    if (m_cache->size() > std::size_t(2 * kKept)) {
        const QList<Alert> keep = cached(false, kKept);
        std::map<std::int64_t, Alert> next;
        for (const Alert &a : keep)
            next.emplace(a.id, a);
        for (const auto &[id, a] : *m_cache)
            if (!a.clearedAt.isValid())
                next.emplace(id, a);
        m_cache = std::move(next);
    }
    return raised;
}

bool AlertManager::acknowledge(std::int64_t alertId, const QString &user, const QDateTime &now) {
    loadCache();
    auto it = m_cache->find(alertId);
    if (it == m_cache->end()) { // older than the alerts kept in memory
        const QList<Alert> stored =
            query(QByteArray("id = " + QByteArray::number(qlonglong(alertId))).constData(), 1);
        if (stored.isEmpty())
            return false;
        it = m_cache->emplace(alertId, stored.front()).first;
    }
    if (!it->second.acknowledgedBy.isEmpty())
        return false;
    Alert a = it->second;
    a.acknowledgedBy = user;
    a.acknowledgedAt = QDateTime::fromSecsSinceEpoch(now.toSecsSinceEpoch(), Qt::UTC);
    // Shown (in memory, and the signal) only once the row is committed: an acknowledgement the
    // store refuses changes nothing.
    m_db.writeThen(
        [alertId, user, at = now.toSecsSinceEpoch()](store::Database &db) {
            db.prepare("UPDATE feed_alerts SET acknowledged_by = ?, acknowledged_at = ? "
                       "WHERE id = ? AND acknowledged_by IS NULL")
                .bind(1, user)
                .bind(2, at)
                .bind(3, alertId)
                .run();
        },
        [this, alive = QPointer<AlertManager>(this), a] {
            if (!alive)
                return;
            loadCache();
            m_cache->insert_or_assign(a.id, a);
            Q_EMIT alertAcknowledged(a);
        });
    return true;
}

void AlertManager::loadCache() const {
    if (m_cache)
        return;
    std::map<std::int64_t, Alert> cache;
    for (const Alert &a : query("cleared_at IS NULL", 100000))
        cache.emplace(a.id, a);
    for (const Alert &a : query("1", kKept))
        cache.emplace(a.id, a);
    m_cache = std::move(cache);
}

QList<Alert> AlertManager::cached(bool openOnly, int limit) const {
    loadCache();
    QList<Alert> out;
    for (const auto &[id, a] : *m_cache)
        if (!openOnly || !a.clearedAt.isValid())
            out << a;
    // Newest first, as the table is read (raised_at DESC, id DESC).
    std::sort(out.begin(), out.end(), [](const Alert &x, const Alert &y) {
        const qint64 tx = x.raisedAt.toSecsSinceEpoch(), ty = y.raisedAt.toSecsSinceEpoch();
        return tx != ty ? tx > ty : x.id > y.id;
    });
    if (out.size() > limit)
        out.resize(limit);
    return out;
}

QList<Alert> AlertManager::openAlerts() const {
    return cached(true, 1000);
}

QList<Alert> AlertManager::recentAlerts(int limit) const {
    if (limit > kKept) // more than memory keeps: the table (what is committed)
        return query("1", limit);
    return cached(false, limit);
}

QList<Alert> AlertManager::query(const char *where, int limit) const {
    const QByteArray sql =
        QByteArray("SELECT id, rule_id, indicator, feed_id, severity, message, raised_at, "
                   "cleared_at, acknowledged_by, acknowledged_at FROM feed_alerts WHERE ") +
        where + " ORDER BY raised_at DESC, id DESC LIMIT ?";
    auto q = m_db.prepare(sql.constData());
    q.bind(1, limit);
    QList<Alert> out;
    while (q.step()) {
        Alert a;
        a.id = q.int64(0);
        a.ruleId = q.text(1);
        a.indicator = q.text(2);
        a.feedId = q.text(3);
        a.severity = Severity(qBound(0, int(q.int64(4)), 3));
        a.message = q.text(5);
        a.raisedAt = QDateTime::fromSecsSinceEpoch(q.int64(6), Qt::UTC);
        if (!q.isNull(7))
            a.clearedAt = QDateTime::fromSecsSinceEpoch(q.int64(7), Qt::UTC);
        a.acknowledgedBy = q.text(8);
        if (!q.isNull(9))
            a.acknowledgedAt = QDateTime::fromSecsSinceEpoch(q.int64(9), Qt::UTC);
        out << a;
    }
    return out;
}

} // namespace opswall::feeds
