#include "feeds/feedhub.h"

#include "store/database.h"

namespace opswall::feeds {

FeedHub::FeedHub(store::Database &db, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_scheduler(db, nam)
    , m_alerts(db, m_scheduler.series(),
               [this](const QString &id) { return m_scheduler.status(id); }) {
    m_retention.setInterval(6 * 3600 * 1000);
    connect(&m_retention, &QTimer::timeout, this, [this] {
        try {
            m_scheduler.series().applyRetention(m_policy, QDateTime::currentDateTimeUtc());
        } catch (const store::Error &e) {
            qWarning("feeds: retention failed: %s", e.what());
        }
    });
}

bool FeedHub::start(const FeedHubOptions &options, QString *error) {
    m_policy = options.retention;
    QStringList errors;
    QString err;
    if (!options.feedsJson.isEmpty() &&
        m_scheduler.importDefinitionsIfEmpty(options.feedsJson, &err) < 0)
        errors << err;
    if (!options.indicatorsJson.isEmpty() &&
        m_alerts.importIfEmpty(options.indicatorsJson, &err) < 0)
        errors << err;
    m_scheduler.start();
    m_alerts.follow(&m_scheduler);
    m_retention.start();
    error->clear();
    if (!errors.isEmpty())
        *error = errors.join(QStringLiteral("; "));
    return errors.isEmpty();
}

void FeedHub::stop() {
    m_retention.stop();
    m_scheduler.stop();
}

} // namespace opswall::feeds
