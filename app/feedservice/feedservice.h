#pragma once
// The demo feed service: serves the real datasets of shared/data/indicators over real HTTP the
// way national databases do (files with ETag / Last-Modified / gzip; an SDMX-JSON view of the GSO
// SDMX-ML files; the World Bank API v2 shape with paging), simulated series for systems with no
// real data (labelled simulated in the document), and a live counter over Server-Sent Events
// that replays new-business registrations minute by minute.

#include "feedservice/httpserver.h"

#include <QDateTime>
#include <QDir>
#include <QHash>
#include <QObject>
#include <QTimer>

namespace opswall::feedservice {

struct FeedServiceOptions {
    QString dataDir;        // shared/data/indicators
    int liveTickMs = 60000; // one replayed minute per tick
};

class FeedService : public QObject {
    Q_OBJECT
public:
    explicit FeedService(FeedServiceOptions options, QObject *parent = nullptr);
    // Checks the data folder; false with a message when the real files are missing.
    bool check(QString *error) const;
    // Answers one request (the HttpServer handler; tests wrap it to add fault routes).
    HttpResponse handle(const HttpRequest &req);
    // Attaches the live counter to a server (publishes on its "enterprises" channel).
    void attach(HttpServer *server);
    // The live counter's current value (replayed registrations so far today).
    int liveCount() const { return m_liveCount; }

private:
    HttpResponse serveBytes(const HttpRequest &req, const QByteArray &body,
                            const QDateTime &modified, const QByteArray &contentType);
    HttpResponse serveFile(const HttpRequest &req, const QString &rel);
    HttpResponse sdmxJson(const HttpRequest &req, const QString &name);
    HttpResponse worldBank(const HttpRequest &req, const QString &indicator);
    HttpResponse simulated(const HttpRequest &req, const QString &which);
    HttpResponse simulatedProjects(const HttpRequest &req);
    HttpResponse liveStream(const HttpRequest &req);
    QByteArray liveEvent() const;
    QString liveJson() const;
    void tick();

    FeedServiceOptions m_options;
    QDir m_dir;
    QHash<QString, QByteArray> m_cache;
    QDateTime m_started;
    HttpServer *m_server = nullptr;
    QTimer m_liveTimer;
    int m_dailyRegistrations = 0; // from GSO's Feb 2025 monthly figure
    int m_replayMinute = 0;       // minutes since 08:00 in the replayed day
    int m_liveCount = 0;
    int m_eventId = 0;
};

} // namespace opswall::feedservice
