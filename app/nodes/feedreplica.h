#pragma once
// The feeds' part of what a controller replicates to its render nodes (nodewall.rep): the
// indicators' values with every revision, the feeds' status and the open alerts. Built with the
// feeds layer (opswall_nodes_feeds); the shell (app/shell/noderoles.cpp) wires it to the link.
//
//   controller: seriesEntries(reader, ...) -> SeriesCache (seriescache.h) -> seriesOf's answer
//               (seriesDocument(hub, {"CPI_YOY_INDEX"}): the same, read on the hub's connection)
//               feedsDocument(hub)                      -> PROP feeds
//   node:       applySeries(hub, series)   replays the revisions the node lacks into its cache,
//                                          each at the controller's time of ingestion
//               FeedReplica::applyFeeds / applyAlerts   keep the controller's status and alerts
//                                          for the node's tiles (IndicatorData::setRemote)
//
// Documents from the link are checked field by field; what is not valid is skipped with a
// warning, never half-applied to a series. GUI thread (the FeedHub's).

#include "feeds/alerts.h"

#include <QByteArray>
#include <QHash>
#include <QJsonArray>
#include <QList>
#include <QSet>
#include <QString>
#include <QStringList>

#include <functional>
#include <optional>

namespace opswall::feeds {
class FeedHub;
class SeriesStore;
} // namespace opswall::feeds

namespace opswall::nodes {

// {"series": [{"indicator", "dimension", "unit", "unitMult", "feed", "points": [[periodKind,
// periodStartSecs, value, revision, fetchedAtSecs], ...]}]}: every stored revision (oldest first
// per period) of these indicators (all when empty).
// Read here, on the hub's connection (the GUI thread's): tests and the benchmark's baseline. The
// controller answers its nodes from memory (seriescache.h), read elsewhere with seriesEntries.
QByteArray seriesDocument(feeds::FeedHub &hub, const QStringList &indicators);
// The ids of the hub's feeds, in their order (what seriesEntries reads series of).
QStringList feedIdsOf(feeds::FeedHub &hub);
// The same series, by indicator, read on store (any connection: a worker thread's reader): each
// value the compact JSON of that indicator's series objects of the document, comma-joined (its
// feeds' series in feedIds' order, then by dimension); empty for an indicator of `want` with no
// series. Every indicator when want is empty. feedsOf (when given): the feeds of each one's series.
QHash<QString, QByteArray> seriesEntries(const feeds::SeriesStore &store,
                                         const QStringList &feedIds, const QSet<QString> &want,
                                         QHash<QString, QSet<QString>> *feedsOf = nullptr);
// {"series": [entries...]}: the document of these entries (empty ones left out).
QByteArray joinSeries(const QList<QByteArray> &entries);

struct SeriesApplied {
    int series = 0;   // series in the document
    int values = 0;   // values (revisions) in the document
    int replayed = 0; // revisions the node did not have, stored now
    int replaced = 0; // current values replaced in place (a live counter's ReplaceCurrent)
    int skipped = 0;  // points that were not valid
};
// Stores in the node's cache what it lacks of `series` (a seriesDocument's "series"): for each
// period, the controller's revisions newer than the node's, in order, each at the controller's
// fetchedAt (so the node's revision numbers, values and ages match the controller's); a current
// value the controller replaced in place is replaced here too. The document is checked here; the
// node's values are read and what it lacks is written on the store thread (the hub's database's
// writer(): the GUI thread waits for neither), then, back on the hub's thread, the read model is
// told as ingestion tells it and applied (may be empty) gets what was done. Without a store
// thread (tests, tools) all of it happens here, before this returns.
void applySeries(feeds::FeedHub &hub, const QJsonArray &series,
                 std::function<void(const SeriesApplied &)> applied = {});

// {"feeds": [{"id", "state", "lastError", "lastAttempt", "lastSuccess", "failures",
// "staleAfterSecs"}]}: the status of every running feed.
QByteArray feedsDocument(feeds::FeedHub &hub);

class FeedReplica {
public:
    explicit FeedReplica(feeds::FeedHub &hub)
        : m_hub(hub) {}

    // The controller's feeds' status: kept as the node's own feed status (so the tiles' age and
    // stale marker are the controller's) and written to its cache on the store thread (a node
    // started from its cache has them), the read model told of each feed that changed. False
    // with *why when the document is not valid.
    bool applyFeeds(const QByteArray &doc, QString *why);
    std::optional<int> staleAfterSecs(const QString &feedId) const;

    // The controller's open alerts (every source's, as GET /api/v1/alerts lists them): kept,
    // the indicator alerts also as feeds::Alert for the alert list tiles, and the read model told.
    bool applyAlerts(const QByteArray &doc, QString *why);
    const QList<feeds::Alert> &indicatorAlerts() const { return m_indicatorAlerts; }
    const QJsonArray &alerts() const { return m_alerts; }

private:
    feeds::FeedHub &m_hub;
    QHash<QString, int> m_staleAfter;
    QHash<QString, QByteArray> m_lastFeed; // id -> its entry as last applied
    QJsonArray m_alerts;
    QList<feeds::Alert> m_indicatorAlerts;
};

} // namespace opswall::nodes
