#include "feeds/alerts.h"

#include "feeds/scheduler.h"
#include "feeds/schema.h"
#include "store/database.h"

#include <QFile>
#include <QJsonDocument>

namespace opswall::feeds {

AlertManager::AlertManager(store::Database &db, SeriesStore &series,
                           std::function<FeedStatus(const QString &)> statusOf, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_series(series)
    , m_statusOf(std::move(statusOf)) {
    migrateFeedsSchema(m_db);
    m_tick.setInterval(30000);
    connect(&m_tick, &QTimer::timeout, this, &AlertManager::evaluateNow);
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
    m_tick.start();
}

bool AlertManager::importJson(const QByteArray &json, QString *error) {
    const auto doc = parseIndicatorDocument(json, error);
    if (!doc)
        return false;
    m_db.transaction([&] {
        auto ind = m_db.prepare("INSERT INTO feed_indicators(code, definition) VALUES(?,?) "
                                "ON CONFLICT(code) DO UPDATE SET definition = excluded.definition");
        for (const IndicatorMeta &m : doc->indicators) {
            ind.bind(1, m.code).bind(2, QJsonDocument(m.toJson()).toJson(QJsonDocument::Compact));
            ind.run();
        }
        auto rule = m_db.prepare("INSERT INTO feed_rules(id, definition) VALUES(?,?) "
                                 "ON CONFLICT(id) DO UPDATE SET definition = excluded.definition");
        for (const AlertRule &r : doc->rules) {
            rule.bind(1, r.id).bind(2, QJsonDocument(r.toJson()).toJson(QJsonDocument::Compact));
            rule.run();
        }
    });
    Q_EMIT indicatorsChanged();
    return true;
}

int AlertManager::importIfEmpty(const QString &path, QString *error) {
    auto q = m_db.prepare("SELECT COUNT(*) FROM feed_indicators");
    q.step();
    if (q.int64(0) > 0)
        return 0;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return -1;
    }
    if (!importJson(f.read(4 << 20), error))
        return -1;
    return int(indicators().size());
}

QList<IndicatorMeta> AlertManager::indicators() const {
    auto q = m_db.prepare("SELECT code, definition FROM feed_indicators ORDER BY code");
    QList<IndicatorMeta> out;
    QString err;
    while (q.step())
        if (auto m = IndicatorMeta::fromJson(QJsonDocument::fromJson(q.blob(1)).object(), q.text(0),
                                             &err))
            out << *m;
    return out;
}

std::optional<IndicatorMeta> AlertManager::indicator(const QString &code) const {
    auto q = m_db.prepare("SELECT definition FROM feed_indicators WHERE code = ?");
    q.bind(1, code);
    if (!q.step())
        return std::nullopt;
    QString err;
    return IndicatorMeta::fromJson(QJsonDocument::fromJson(q.blob(0)).object(), code, &err);
}

QList<AlertRule> AlertManager::rules() const {
    auto q = m_db.prepare("SELECT id, definition FROM feed_rules ORDER BY id");
    QList<AlertRule> out;
    QString err;
    while (q.step())
        if (auto r =
                AlertRule::fromJson(QJsonDocument::fromJson(q.blob(1)).object(), q.text(0), &err))
            out << *r;
    return out;
}

QList<Alert> AlertManager::evaluate(const QDateTime &now) {
    QList<Alert> raised;
    for (const AlertRule &rule : rules()) {
        RuleInput in;
        in.now = now;
        if (!rule.indicator.isEmpty()) {
            in.meta = indicator(rule.indicator);
            in.latest = m_series.latest(rule.indicator, rule.dimension);
            if (rule.kind == RuleKind::ForecastBehindPlan && in.meta && in.meta->target)
                in.yearEnd = forecast::projectYearEnd(
                    m_series.range(rule.indicator, rule.dimension, {}, {}), *in.meta->target);
        }
        if (!rule.feedId.isEmpty() && m_statusOf)
            in.feed = m_statusOf(rule.feedId);
        const RuleOutcome outcome = evaluateRule(rule, in);
        auto open =
            m_db.prepare("SELECT id FROM feed_alerts WHERE rule_id = ? AND cleared_at IS NULL");
        open.bind(1, rule.id);
        const bool isOpen = open.step();
        const std::int64_t openId = isOpen ? open.int64(0) : 0;
        open.reset();
        if (outcome.firing && !isOpen) {
            auto ins = m_db.prepare(
                "INSERT INTO feed_alerts(rule_id, indicator, feed_id, severity, message, "
                "raised_at) VALUES(?,?,?,?,?,?)");
            ins.bind(1, rule.id)
                .bind(2, rule.indicator)
                .bind(3, rule.feedId)
                .bind(4, int(rule.severity));
            ins.bind(5, outcome.message).bind(6, now.toSecsSinceEpoch());
            ins.run();
            const auto a = query("id = last_insert_rowid()", 1);
            if (!a.isEmpty()) {
                raised << a.front();
                Q_EMIT alertRaised(a.front());
            }
        } else if (!outcome.firing && isOpen) {
            auto clr = m_db.prepare("UPDATE feed_alerts SET cleared_at = ? WHERE id = ?");
            clr.bind(1, now.toSecsSinceEpoch()).bind(2, openId);
            clr.run();
            const auto all = recentAlerts(1000);
            for (const Alert &a : all)
                if (a.id == openId)
                    Q_EMIT alertCleared(a);
        }
    }
    return raised;
}

bool AlertManager::acknowledge(std::int64_t alertId, const QString &user, const QDateTime &now) {
    auto q = m_db.prepare("UPDATE feed_alerts SET acknowledged_by = ?, acknowledged_at = ? "
                          "WHERE id = ? AND acknowledged_by IS NULL");
    q.bind(1, user).bind(2, now.toSecsSinceEpoch()).bind(3, alertId);
    q.run();
    if (m_db.changes() == 0)
        return false;
    for (const Alert &a : recentAlerts(1000))
        if (a.id == alertId)
            Q_EMIT alertAcknowledged(a);
    return true;
}

QList<Alert> AlertManager::openAlerts() const {
    return query("cleared_at IS NULL", 1000);
}

QList<Alert> AlertManager::recentAlerts(int limit) const {
    return query("1", limit);
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
