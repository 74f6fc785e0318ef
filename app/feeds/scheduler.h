#pragma once
// Runs every feed on its schedule: fetch (with paging for World Bank), parse, store, status.
// A failing feed keeps its last good values in the store; its status says failing with the
// error in words, and tiles show the age of what they display. Push feeds (SSE) stay connected.
//
// Lives on the GUI thread (the thread of its Database). Documents are parsed on the global thread
// pool (adapters are pure); the values and every status are written on the store thread (the
// Database's writer(), store/storethread.h), and the outcome comes back to this thread by a queued
// call: stored() is emitted there, once per committed ingestion. Without a writer (tests, tools)
// the writes run on this thread instead.

#include "feeds/backoff.h"
#include "feeds/feeddefinition.h"
#include "feeds/seriesstore.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <exception>
#include <functional>
#include <memory>

class QNetworkAccessManager;

namespace opswall::store {
class Database;
}

namespace opswall::feeds {

class HttpFetcher;
class SseClient;
struct FetchResult;
struct ParseResult;

class FeedScheduler : public QObject {
    Q_OBJECT
public:
    FeedScheduler(store::Database &db, QNetworkAccessManager *nam, QObject *parent = nullptr);
    ~FeedScheduler() override;

    SeriesStore &series() { return m_series; }
    FeedDefinitionStore &definitions() { return m_definitions; }

    // First start: import the demo/installation feed list when no feed is defined yet.
    // Returns the number imported (0 when feeds already exist), -1 on error.
    int importDefinitionsIfEmpty(const QString &jsonPath, QString *error,
                                 std::function<void(std::exception_ptr)> done = {});

    // (Re)reads the definitions from the store and starts every feed: pulls at once, then on
    // their interval; push feeds connect.
    void start();
    void stop();
    void fetchNow(const QString &feedId);

    // A running feed's status; for a feed with no runtime (before start(), a feed no longer
    // defined, a render node's replica) the status as last stored, kept in memory: read once
    // at start-up, then what keepStatus() and the runtimes (when they stop) leave. No read of
    // the store.
    FeedStatus status(const QString &feedId) const;
    QList<FeedStatus> statuses() const;
    // A status stored by someone else (a render node's replica of the controller's feeds) for a
    // feed with no runtime here: status() answers it from now on.
    void keepStatus(const FeedStatus &status) { m_storedStatuses.insert(status.feedId, status); }
    std::optional<FeedDefinition> definition(const QString &feedId) const;

    // How often ok feeds are checked for staleness (default 15 s).
    void setStaleCheckIntervalMs(int ms) { m_staleCheck.setInterval(ms); }

    // Writes (pull and push ingestion, status) waiting on the store thread.
    int writesInFlight() const { return m_writesInFlight; }

Q_SIGNALS:
    // New or revised values of a pulled feed were stored.
    void feedUpdated(const QString &feedId, int newValues, int revisedValues);
    // New or revised values were stored, pulled or pushed (what the figures count: a pushed
    // value is not a feedUpdated, its rules are evaluated from liveValue).
    void valuesStored(const QString &feedId, int newValues, int revisedValues);
    // ok / stale / failing changed, or the error text did (for the audit log and tiles).
    void statusChanged(const QString &feedId, opswall::feeds::FeedState state,
                       const QString &lastError);
    // Values were stored: emitted on the GUI thread once the store thread committed them (pulled
    // or pushed, also when nothing changed), before feedUpdated / liveValue. The one GUI-thread
    // point where ingestion completes; the read model (readmodel.h) merges them from here.
    void stored(const QString &feedId, const QList<opswall::feeds::Series> &series,
                const QDateTime &fetchedAt, opswall::feeds::IngestMode mode);
    // After every pull attempt (ok or not).
    void fetchFinished(const QString &feedId, bool ok);
    // A live value pushed by a push feed.
    void liveValue(const QString &feedId, const QString &indicator, const QString &dimension,
                   double value);

private:
    struct Runtime;
    void schedule(Runtime &rt, int delayMs);
    void pull(Runtime &rt);
    void requestPage(Runtime &rt);
    void onResult(const QString &feedId, const FetchResult &result);
    void onParsed(const QString &feedId, const ParseResult &parsed);
    void succeed(Runtime &rt, FetchEvent event);
    void fail(Runtime &rt, const QString &error, bool transient, int retryAfterMs);
    void setStatus(Runtime &rt, FeedState state, const QString &error);
    void checkStale();
    void startPush(Runtime &rt);
    void onPushMessage(const QString &feedId, const QString &json);
    Runtime *find(const QString &feedId) const;
    // Runs job on the store thread (or here without one), then `then` on this thread.
    void write(std::function<void(store::Database &)> job,
               std::function<void(std::exception_ptr)> then);
    struct WriterSide; // the stores over the writer connection, made there on first use

    store::Database &m_db;
    QNetworkAccessManager *m_nam;
    SeriesStore m_series;
    FeedDefinitionStore m_definitions;
    HttpFetcher *m_fetcher;
    QHash<QString, std::shared_ptr<Runtime>> m_feeds;
    QHash<QString, FeedStatus> m_storedStatuses; // feeds with no runtime (status())
    QTimer m_staleCheck;
    std::shared_ptr<WriterSide> m_writerSide;
    int m_writesInFlight = 0;
};

} // namespace opswall::feeds
