// Services: feeds, indicator alerts and briefings.
#include "shell/services.h"

#include "shell/servicesparts.h"

#include "core/engineservices.h"
#include "store/readers.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QRegularExpression>

namespace opswall::shell {

#ifdef OPSWALL_WITH_FEEDS
namespace {
// An indicator alert in the one alert model (its id without the "indicator." prefix).
wall::WallAlert indicatorAlert(const feeds::Alert &a) {
    wall::WallAlert w;
    w.id = QString::number(a.id);
    w.source = QStringLiteral("indicator");
    w.severity = feeds::severityName(a.severity);
    w.message = a.message;
    w.since = a.raisedAt;
    w.acknowledgedBy = a.acknowledgedBy;
    w.acknowledgedAt = a.acknowledgedAt;
    w.detail = {{QStringLiteral("rule"), a.ruleId},
                {QStringLiteral("indicator"), a.indicator},
                {QStringLiteral("feed"), a.feedId}};
    return w;
}
} // namespace

QJsonObject alertJson(const feeds::Alert &a) {
    wall::WallAlert w = indicatorAlert(a);
    w.id = QStringLiteral("indicator.") + w.id;
    return w.toJson();
}
#endif

void Services::startBriefings() {
#ifdef OPSWALL_WITH_BRIEFING
    try {
        m_parts->briefings = std::make_unique<briefing::BriefingStore>(m_db);
    } catch (const store::Error &e) {
        qWarning("opswall: briefings unavailable: %s", e.what());
        return;
    }
    m_parts->runner = std::make_unique<briefing::BriefingRunner>(m_state, m_dispatcher, m_store,
                                                                 *m_parts->briefings);
    briefing::BriefingRunner *runner = m_parts->runner.get();
    m_dispatcher.addHandler(
        QStringLiteral("briefing."),
        [runner](const Action &a, const Caller &c) { return runner->handle(a, c); });
    // Schedules and alert rules act through the dispatcher as the system.
    try {
        m_parts->scheduler =
            std::make_unique<briefing::Scheduler>(m_db, m_dispatcher, m_state, runner);
        briefing::Scheduler *scheduler = m_parts->scheduler.get();
        m_dispatcher.addHandler(
            QStringLiteral("schedule."),
            [scheduler](const Action &a, const Caller &c) { return scheduler->handle(a, c); });
        scheduler->start();
#ifdef OPSWALL_WITH_FEEDS
        if (m_parts->feeds)
            connect(m_parts->feeds->alerts(), &feeds::AlertManager::alertRaised, scheduler,
                    [scheduler](const feeds::Alert &a) {
                        scheduler->onAlert(a.indicator, feeds::severityName(a.severity), a.message);
                    });
#endif
    } catch (const store::Error &e) {
        qWarning("opswall: schedules unavailable: %s", e.what());
    }
#endif
}

void Services::importDemoBriefing() {
#ifdef OPSWALL_WITH_BRIEFING
    briefing::BriefingRunner *runner = m_parts->runner.get();
    if (!runner || !m_parts->briefings)
        return;
    // The demo's briefing, over the demo presets, on the first start.
    if (m_options.demo && m_parts->briefings->list().isEmpty()) {
        const QString path = m_assetsDir + QStringLiteral("/demo/briefings/economy.json");
        QFile f(path);
        const QJsonObject doc = f.open(QIODevice::ReadOnly)
                                    ? QJsonDocument::fromJson(f.read(4 * 1024 * 1024)).object()
                                    : QJsonObject();
        const briefing::BriefingParse parsed = runner->parse(doc);
        if (parsed.ok())
            m_parts->briefings->save(std::nullopt, parsed.briefing);
        else
            qWarning("opswall: the demo briefing %s is not valid: %s", qPrintable(path),
                     qPrintable(parsed.issues.isEmpty() ? QStringLiteral("unreadable")
                                                        : parsed.issues.first().toString()));
    }
#endif
}

void Services::startFeeds([[maybe_unused]] QQmlEngine &engine) {
#ifdef OPSWALL_WITH_FEEDS
    if (m_options.demo && !m_options.noServices) {
        // A free port unless one is given (--demo-feed-port), so that two demos on one machine
        // both get their feeds; the feeds are pointed at the address the service reports.
        const QString data = m_assetsDir + QStringLiteral("/demo/indicators");
        const auto ready =
            m_demo.start(QStringLiteral("feed service"),
                         DemoServices::findProgram(QStringLiteral("opswall-feedservice"),
                                                   QStringLiteral(OPSWALL_FEEDSERVICE_PATH)),
                         {QStringLiteral("--port"), QString::number(m_options.demoFeedPort),
                          QStringLiteral("--data"), data, QStringLiteral("--tick-ms"),
                          QString::number(m_options.demoTickMs)},
                         QRegularExpression(QStringLiteral("listening on (\\S+)")));
        if (!ready)
            qWarning("opswall: demo feeds unavailable: %s", qPrintable(m_demo.error()));
        else
            m_demoFeedUrl = ready->first();
    }
    m_parts->feeds = std::make_unique<feeds::FeedHub>(m_db, &m_parts->nam);
    QString err;
    const QString demo = m_assetsDir + QStringLiteral("/demo");
    feeds::FeedHubOptions o;
    o.retention.keepRevisionsDays = m_storeConfig.retention.seriesRevisionsDays;
    o.retention.keepPeriodsYears = m_storeConfig.retention.seriesPeriodsYears;
    if (m_options.demo) {
        o.feedsJson = demo + QStringLiteral("/demo-feeds.json");
        o.indicatorsJson = demo + QStringLiteral("/demo-indicators.json");
        o.demoServiceUrl = m_demoFeedUrl;
    }
    if (!m_parts->feeds->start(o, &err))
        qWarning("opswall: feeds: %s", qPrintable(err));
    // From now on (the rules' series are read: start()), a series a tile asks for first, and
    // every series after a reload, is read on a worker thread's reader, not here.
    feeds::ReadModel &model = m_parts->feeds->readModel();
    model.setReadOff([db = &m_db, context = &model](auto read, auto done) {
        store::readOffThread(*db, std::move(read), context, std::move(done));
    });
    m_parts->indicators = std::make_unique<indicators::IndicatorData>(m_parts->feeds.get());
    opswall::provide(&engine, m_parts->indicators.get());
    // Indicator alerts join the one alert model; their acknowledgement is persisted with them.
    feeds::AlertManager *alerts = m_parts->feeds->alerts();
    m_alerts.addSource({QStringLiteral("indicator"),
                        [alerts] {
                            QList<wall::WallAlert> out;
                            for (const feeds::Alert &a : alerts->openAlerts())
                                out.append(indicatorAlert(a));
                            return out;
                        },
                        [alerts](const QString &id, const Caller &c, const QString &) {
                            bool isNumber = false;
                            const qint64 n = id.toLongLong(&isNumber);
                            return isNumber &&
                                   alerts->acknowledge(n, c.user, QDateTime::currentDateTimeUtc());
                        }});
#endif
}
} // namespace opswall::shell
