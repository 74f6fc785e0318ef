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

#include <functional>

namespace opswall::feedservice {

struct FeedServiceOptions {
    QString dataDir;        // shared/data/indicators
    int liveTickMs = 60000; // one replayed minute per tick
    // Now, in UTC (tests inject their own); the current time when empty.
    std::function<QDateTime()> clock = {};
};

// The live counter of new enterprises "today" is dated with the day in Vietnam (Asia/Ho_Chi_Minh,
// UTC+7 all year), not this machine's: its value is the share of a day's registrations made by
// the replayed minute of that day (office hours about one a minute, fewer in the evening and at
// night), never 0 past midnight's first minutes. At the default tick (one replayed minute per
// real minute) a service started while offices are open in Vietnam (08:00-17:00) replays the
// day's own time; started outside them, or at a faster tick, it replays that day from 08:00.
// liveCountAt(t) is the count at Vietnamese local time t.
int liveCountAt(int dailyRegistrations, const QTime &vietnamTime);

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
    int liveCount() const;
    // The replayed moment, in Vietnam's time (UTC+7): the day the counter is about.
    QDateTime replayNow() const;
    int dailyRegistrations() const { return m_dailyRegistrations; }

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
    QDateTime m_replayFrom;       // the replayed moment at m_started (Vietnam's time)
    int m_eventId = 0;
};

} // namespace opswall::feedservice
