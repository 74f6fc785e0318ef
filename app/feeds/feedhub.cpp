#include "feeds/feedhub.h"

#include <QPointer>

#include "store/database.h"

#include <QFile>

namespace opswall::feeds {

FeedHub::FeedHub(store::Database &db, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_scheduler(db, nam)
    , m_alerts(db, m_scheduler.series(),
               [this](const QString &id) { return m_scheduler.status(id); })
    , m_readModel(m_scheduler.series(), &m_scheduler, &m_alerts) {
    connect(&m_scheduler, &FeedScheduler::stored, &m_readModel, &ReadModel::ingested);
    // The rules are evaluated against the values in memory (no read of the store on the GUI
    // thread at each update); start() loads the series they need.
    m_alerts.setSeriesSource([this](const QString &indicator, const QString &dimension) {
        return m_readModel.series(indicator, dimension);
    });
    connect(&m_scheduler, &FeedScheduler::statusChanged, &m_readModel,
            [this](const QString &feedId) { m_readModel.feedStatusChanged(feedId); });
    // The age of a feed's values changes with every pull, new values or not.
    connect(&m_scheduler, &FeedScheduler::fetchFinished, &m_readModel,
            [this](const QString &feedId) { m_readModel.feedStatusChanged(feedId); });
    connect(&m_alerts, &AlertManager::indicatorsChanged, &m_readModel, [this] {
        m_readModel.reload();
        if (m_started) // indicators imported at start, committed since
            watchRuleSeries();
    });
    for (auto signal : {&AlertManager::alertRaised, &AlertManager::alertCleared,
                        &AlertManager::alertAcknowledged})
        connect(&m_alerts, signal, &m_readModel, &ReadModel::alertsChanged);
    m_retention.setInterval(6 * 3600 * 1000);
    connect(&m_retention, &QTimer::timeout, this, [this] {
        // The deletes run on the store thread (Database::write); the read model is read again
        // once they committed: old periods are gone from the store.
        m_scheduler.series().database().write(
            [policy = m_policy, now = QDateTime::currentDateTimeUtc()](store::Database &on) {
                SeriesStore::applyRetention(on, policy, now);
            },
            [alive = QPointer<FeedHub>(this)](std::exception_ptr error) {
                if (error) {
                    qWarning("feeds: retention failed: %s", qPrintable(store::errorText(error)));
                    return;
                }
                if (alive)
                    alive->m_readModel.reload();
            });
    });
}

bool FeedHub::start(const FeedHubOptions &options, QString *error) {
    m_policy = options.retention;
    QStringList errors;
    QString err;
    // Feed definitions imported at start are written on the store thread (the first frame does
    // not wait for them); the scheduler starts from the table once they are there, or from what
    // is there when the write failed (logged, and the store alert raised).
    const auto startScheduler = [alive = QPointer<FeedHub>(this)](std::exception_ptr failed) {
        if (failed)
            qWarning("feeds: the imported feed definitions were not stored: %s",
                     qPrintable(store::errorText(failed)));
        if (alive && !alive->m_stopped) // not once the hub stopped (shutdown)
            alive->m_scheduler.start();
    };
    bool importing = false;
    if (!options.demoServiceUrl.isEmpty()) {
        importing = importDemoDocuments(options, &errors, startScheduler);
    } else if (!options.feedsJson.isEmpty()) {
        const int n = m_scheduler.importDefinitionsIfEmpty(options.feedsJson, &err, startScheduler);
        if (n < 0)
            errors << err;
        importing = n > 0;
    }
    if (options.demoServiceUrl.isEmpty() && !options.indicatorsJson.isEmpty() &&
        m_alerts.importIfEmpty(options.indicatorsJson, &err) < 0)
        errors << err;
    if (!importing)
        m_scheduler.start();
    watchRuleSeries();
    m_started = true;
    m_alerts.follow(&m_scheduler);
    m_retention.start();
    error->clear();
    if (!errors.isEmpty())
        *error = errors.join(QStringLiteral("; "));
    return errors.isEmpty();
}

void FeedHub::watchRuleSeries() {
    // The series the alert rules watch are read into the read model (at start, before the
    // windows, and when new indicators are committed), so that evaluating them later reads
    // nothing on the GUI thread.
    for (const AlertRule &rule : m_alerts.rules())
        if (!rule.indicator.isEmpty())
            m_readModel.series(rule.indicator, rule.dimension);
}

bool FeedHub::importDemoDocuments(const FeedHubOptions &options, QStringList *errors,
                                  std::function<void(std::exception_ptr)> definitionsStored) {
    const auto read = [errors](const QString &path) -> QByteArray {
        QFile f(path);
        if (path.isEmpty())
            return {};
        if (!f.open(QIODevice::ReadOnly)) {
            *errors << QStringLiteral("%1: %2").arg(path, f.errorString());
            return {};
        }
        return f.read(4 * 1024 * 1024);
    };
    QString err;
    bool importing = false;
    QByteArray feeds = read(options.feedsJson);
    if (!feeds.isEmpty()) {
        QByteArray base = options.demoServiceUrl.toUtf8();
        if (!base.endsWith('/'))
            base += '/';
        feeds.replace("http://127.0.0.1:8765/", base);
        if (m_scheduler.definitions().importJson(feeds, &err, std::move(definitionsStored)) < 0)
            *errors << options.feedsJson + QStringLiteral(": ") + err;
        else
            importing = true;
    }
    const QByteArray indicators = read(options.indicatorsJson);
    if (!indicators.isEmpty() && !m_alerts.importJson(indicators, &err))
        *errors << options.indicatorsJson + QStringLiteral(": ") + err;
    return importing;
}

void FeedHub::stop() {
    m_stopped = true;
    m_retention.stop();
    m_scheduler.stop();
}

} // namespace opswall::feeds
