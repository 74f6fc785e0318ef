#pragma once
// The feeds layer as main() sees it: one object that owns the scheduler, the alert manager and
// the retention timer over the app's Database.
//
//   opswall::store::Database db(dataDir + "/opswall.sqlite");
//   QNetworkAccessManager nam;
//   opswall::feeds::FeedHub feeds(db, &nam);
//   QString error;
//   if (!feeds.start({feedsJson, indicatorsJson}, &error)) qWarning() << error;
//   // QML: opswall::provide(&engine, new opswall::indicators::IndicatorData(&feeds, &app));

#include "feeds/alerts.h"
#include "feeds/readmodel.h"
#include "feeds/scheduler.h"

#include <QObject>
#include <QTimer>

#include <exception>
#include <functional>

class QNetworkAccessManager;

namespace opswall::feeds {

struct FeedHubOptions {
    // Imported at first start only (when the database holds no feed / no indicator yet):
    QString feedsJson;      // e.g. share/opswall/demo-feeds.json
    QString indicatorsJson; // e.g. share/opswall/demo-indicators.json
    RetentionPolicy retention;
    // The demo: where this run's demo feed service listens ("http://127.0.0.1:40123/"). When set,
    // both documents are the demo's own and are imported at every start (new demo feeds and
    // indicators reach an older demo database), with the feeds' "http://127.0.0.1:8765/" pointed
    // at this address.
    QString demoServiceUrl;
};

class FeedHub : public QObject {
    Q_OBJECT
public:
    FeedHub(store::Database &db, QNetworkAccessManager *nam, QObject *parent = nullptr);

    // Imports the first-start documents, starts pulling and alert evaluation. False with the
    // reason when a document is invalid (nothing of it is imported then); feeds already in the
    // database still start.
    bool start(const FeedHubOptions &options, QString *error);
    void stop();

    FeedScheduler *scheduler() { return &m_scheduler; }
    AlertManager *alerts() { return &m_alerts; }
    SeriesStore &series() { return m_scheduler.series(); }
    // What the tiles read: series, metadata and feed status in memory (feeds/readmodel.h).
    ReadModel &readModel() { return m_readModel; }

private:
    // The demo's feeds and indicators; true when the feeds are on their way to the store (then
    // definitionsStored is called once they are written).
    bool importDemoDocuments(const FeedHubOptions &options, QStringList *errors,
                             std::function<void(std::exception_ptr)> definitionsStored);
    void watchRuleSeries();
    bool m_started = false; // start() ran: the rules' series are kept in the read model
    bool m_stopped = false; // stop() ran: a late import's completion starts nothing

    FeedScheduler m_scheduler;
    AlertManager m_alerts;
    ReadModel m_readModel;
    QTimer m_retention;
    RetentionPolicy m_policy;
};

} // namespace opswall::feeds
