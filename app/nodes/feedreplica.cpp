#include "nodes/feedreplica.h"

#include "feeds/feedhub.h"
#include "store/caught.h"
#include "store/database.h"
#include "store/storethread.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QSet>

#include <algorithm>
#include <map>
#include <tuple>

namespace opswall::nodes {

namespace {

QJsonValue isoOrNull(const QDateTime &t) {
    return t.isValid() ? QJsonValue(t.toUTC().toString(Qt::ISODate)) : QJsonValue(QJsonValue::Null);
}

std::optional<QDateTime> readTime(const QJsonValue &v) {
    if (v.isNull() || v.isUndefined())
        return QDateTime();
    const QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODate);
    if (!t.isValid())
        return std::nullopt;
    return t.toUTC();
}

std::optional<feeds::FeedState> stateFromName(const QString &name) {
    for (feeds::FeedState s : {feeds::FeedState::Unknown, feeds::FeedState::Ok,
                               feeds::FeedState::Stale, feeds::FeedState::Failing})
        if (feeds::feedStateName(s) == name)
            return s;
    return std::nullopt;
}

// A point of the document: one revision of one period.
struct Revision {
    feeds::Period period;
    double value = 0;
    int revision = 0;
    std::int64_t fetchedAt = 0;
};

std::optional<Revision> readPoint(const QJsonValue &v) {
    const QJsonArray a = v.toArray();
    if (a.size() != 5 || !a.at(2).isDouble() || !a.at(3).isDouble() || !a.at(4).isDouble())
        return std::nullopt;
    Revision r;
    r.period = feeds::Period::fromKey(a.at(0).toInt(), std::int64_t(a.at(1).toDouble()));
    r.value = a.at(2).toDouble();
    r.revision = a.at(3).toInt();
    r.fetchedAt = std::int64_t(a.at(4).toDouble());
    if (!r.period.isValid() || r.revision < 1 || r.fetchedAt < 0)
        return std::nullopt;
    return r;
}

using PeriodKey = std::pair<int, std::int64_t>;
PeriodKey keyOf(const feeds::Period &p) {
    return {int(p.kind()), p.startSecs()};
}

} // namespace

namespace {

// Calls add(info, entry) for each series of `want` (every one when empty) of the feeds
// feedIds, in their order, then by indicator and dimension: entry is the series' object of the
// document, serialised (compact).
template<typename Add>
void forEachSeries(const feeds::SeriesStore &store, const QStringList &feedIds,
                   const QSet<QString> &want, Add add) {
    for (const QString &feedId : feedIds)
        for (const feeds::SeriesInfo &info : store.seriesOfFeed(feedId)) {
            if (!want.isEmpty() && !want.contains(info.indicator))
                continue;
            QJsonArray points;
            auto point = [&points](const feeds::StoredPoint &p) {
                points.append(QJsonArray{int(p.period.kind()), double(p.period.startSecs()),
                                         p.value, p.revision, double(p.fetchedAtSecs)});
            };
            for (const feeds::StoredPoint &p :
                 store.range(info.indicator, info.dimension, {}, {})) {
                if (p.revision > 1) // the superseded revisions too, oldest first
                    for (const feeds::StoredPoint &r :
                         store.revisions(info.indicator, info.dimension, p.period))
                        point(r);
                else
                    point(p);
            }
            add(info, QJsonDocument(QJsonObject{{QStringLiteral("indicator"), info.indicator},
                                                {QStringLiteral("dimension"), info.dimension},
                                                {QStringLiteral("unit"), info.unit},
                                                {QStringLiteral("unitMult"), info.unitMult},
                                                {QStringLiteral("feed"), info.feedId},
                                                {QStringLiteral("points"), points}})
                          .toJson(QJsonDocument::Compact));
        }
}

} // namespace

QStringList feedIdsOf(feeds::FeedHub &hub) {
    QStringList ids;
    for (const feeds::FeedDefinition &def : hub.scheduler()->definitions().all())
        ids.append(def.id);
    return ids;
}

QByteArray seriesDocument(feeds::FeedHub &hub, const QStringList &indicators) {
    QList<QByteArray> entries;
    forEachSeries(hub.series(), feedIdsOf(hub),
                  QSet<QString>(indicators.cbegin(), indicators.cend()),
                  [&entries](const feeds::SeriesInfo &, QByteArray entry) {
                      entries.append(std::move(entry));
                  });
    return joinSeries(entries);
}

QHash<QString, QByteArray> seriesEntries(const feeds::SeriesStore &store,
                                         const QStringList &feedIds, const QSet<QString> &want,
                                         QHash<QString, QSet<QString>> *feedsOf) {
    QHash<QString, QByteArray> out;
    for (const QString &code : want)
        out.insert(code, {}); // asked for, none stored: held as empty
    forEachSeries(store, feedIds, want,
                  [&out, feedsOf](const feeds::SeriesInfo &info, const QByteArray &entry) {
                      QByteArray &all = out[info.indicator];
                      if (!all.isEmpty())
                          all += ',';
                      all += entry;
                      if (feedsOf)
                          (*feedsOf)[info.indicator].insert(info.feedId);
                  });
    return out;
}

QByteArray joinSeries(const QList<QByteArray> &entries) {
    qsizetype size = 13;
    for (const QByteArray &e : entries)
        size += e.size() + 1;
    QByteArray doc;
    doc.reserve(size);
    doc += R"({"series":[)";
    bool first = true;
    for (const QByteArray &e : entries) {
        if (e.isEmpty())
            continue;
        if (!first)
            doc += ',';
        doc += e;
        first = false;
    }
    doc += "]}";
    return doc;
}

namespace {

// One series of the document, checked: the controller's revisions by period, oldest first.
struct Theirs {
    feeds::Series series; // indicator, dimension, unit (no points)
    QString feed;
    std::map<PeriodKey, QList<Revision>> revisions;
};

// One ingestion: a feed's series at the controller's time, in one mode.
struct Group {
    QString feed;
    QList<feeds::Series> series;
    QDateTime at;
    feeds::IngestMode mode = feeds::IngestMode::KeepRevisions;
};

// What the node lacks of `theirs`, read and stored on db (the writer connection on the store
// thread, or the hub's own without one): for each period the controller's revisions newer than
// the node's, in an order that keeps each period's revisions in sequence (by revision, then by
// the controller's time, then the mode), each group one transaction. The groups stored, in that
// order, for the read model.
QList<Group> storeLacking(store::Database &db, const QList<Theirs> &theirs, SeriesApplied &done) {
    feeds::SeriesStore node(db, feeds::SeriesStore::AlreadyMigrated{});
    using GroupKey = std::tuple<int, std::int64_t, int>; // revision, fetchedAt, mode
    std::map<GroupKey, QHash<QString, QList<feeds::Series>>> groups;
    for (const Theirs &t : theirs) {
        const feeds::Series &s = t.series;
        QHash<PeriodKey, feeds::StoredPoint> mine;
        for (const feeds::StoredPoint &p : node.range(s.indicator, s.dimension, {}, {}))
            mine.insert(keyOf(p.period), p);
        for (const auto &[key, revisions] : t.revisions) {
            const auto have = mine.constFind(key);
            const int haveRevision = have == mine.cend() ? 0 : have->revision;
            const Revision &newest = revisions.constLast();
            auto queue = [&](const Revision &r, feeds::IngestMode mode) {
                QList<feeds::Series> &list = groups[{r.revision, r.fetchedAt, int(mode)}][t.feed];
                if (list.isEmpty() || list.constLast().indicator != s.indicator ||
                    list.constLast().dimension != s.dimension)
                    list.append(s);
                list.last().points.append({r.period, r.value});
            };
            if (newest.revision > haveRevision) {
                for (const Revision &r : revisions)
                    if (r.revision > haveRevision) {
                        queue(r, feeds::IngestMode::KeepRevisions);
                        ++done.replayed;
                    }
            } else if (have->value != newest.value) {
                // Replaced in place on the controller (a live counter), or a cache that went
                // its own way: the controller's current value, at its time.
                queue(newest, feeds::IngestMode::ReplaceCurrent);
                ++done.replaced;
            }
        }
    }
    QList<Group> stored;
    for (const auto &[key, byFeed] : groups) {
        const auto &[revision, fetchedAt, mode] = key;
        const QDateTime at = QDateTime::fromSecsSinceEpoch(fetchedAt, Qt::UTC);
        for (auto it = byFeed.cbegin(); it != byFeed.cend(); ++it) {
            try {
                node.ingest(it.key(), it.value(), at, feeds::IngestMode(mode));
            } catch (const std::exception &e) {
                qWarning("opswall: node: the controller's values of feed '%s' could not be "
                         "stored: %s",
                         qPrintable(it.key()), e.what());
                continue;
            }
            stored.append({it.key(), it.value(), at, feeds::IngestMode(mode)});
        }
    }
    return stored;
}

} // namespace

void applySeries(feeds::FeedHub &hub, const QJsonArray &series,
                 std::function<void(const SeriesApplied &)> applied) {
    // The document is checked here (no store needed); the node's values are read and what it
    // lacks stored where the writes go.
    auto done = std::make_shared<SeriesApplied>();
    QList<Theirs> theirs;
    for (const QJsonValue &v : series) {
        const QJsonObject o = v.toObject();
        Theirs t;
        t.series.indicator = o.value(QStringLiteral("indicator")).toString();
        t.series.dimension = o.value(QStringLiteral("dimension")).toString();
        t.series.unit = o.value(QStringLiteral("unit")).toString();
        t.series.unitMult = o.value(QStringLiteral("unitMult")).toInt();
        t.feed = o.value(QStringLiteral("feed")).toString();
        const QJsonArray points = o.value(QStringLiteral("points")).toArray();
        if (t.series.indicator.isEmpty()) {
            done->skipped += int(points.size());
            continue;
        }
        ++done->series;
        for (const QJsonValue &p : points) {
            const auto r = readPoint(p);
            if (!r) {
                ++done->skipped;
                continue;
            }
            ++done->values;
            QList<Revision> &list = t.revisions[keyOf(r->period)];
            auto at = std::lower_bound(
                list.begin(), list.end(), r->revision,
                [](const Revision &a, int revision) { return a.revision < revision; });
            list.insert(at, *r);
        }
        theirs.append(std::move(t));
    }
    auto stored = std::make_shared<QList<Group>>();
    const auto job = [theirs = std::move(theirs), done, stored](store::Database &db) {
        *stored = storeLacking(db, theirs, *done);
    };
    // Back on the hub's thread: the read model is told as ingestion tells it.
    const auto told = [hub = QPointer<feeds::FeedHub>(&hub), done, stored,
                       applied = std::move(applied)](std::exception_ptr error) {
        if (error)
            qWarning("opswall: node: the controller's values could not be stored: %s",
                     qPrintable(store::errorText(error)));
        if (!hub)
            return;
        for (const Group &g : std::as_const(*stored))
            hub->readModel().ingested(g.feed, g.series, g.at, g.mode);
        if (applied)
            applied(*done);
    };
    store::Database &db = hub.series().database();
    if (store::StoreThread *writer = db.writer()) {
        writer->post(job, &hub, told, &db);
        return;
    }
    told(store::caught([&] { job(db); }));
}

QByteArray feedsDocument(feeds::FeedHub &hub) {
    QJsonArray out;
    for (const feeds::FeedStatus &s : hub.scheduler()->statuses()) {
        const auto def = hub.scheduler()->definition(s.feedId);
        out.append(QJsonObject{
            {QStringLiteral("id"), s.feedId},
            {QStringLiteral("state"), feeds::feedStateName(s.state)},
            {QStringLiteral("lastError"), s.lastError},
            {QStringLiteral("lastAttempt"), isoOrNull(s.lastAttempt)},
            {QStringLiteral("lastSuccess"), isoOrNull(s.lastSuccess)},
            {QStringLiteral("failures"), s.consecutiveFailures},
            {QStringLiteral("staleAfterSecs"), def ? def->effectiveStaleAfterSecs() : 3 * 3600}});
    }
    return QJsonDocument(QJsonObject{{QStringLiteral("feeds"), out}})
        .toJson(QJsonDocument::Compact);
}

bool FeedReplica::applyFeeds(const QByteArray &doc, QString *why) {
    const QJsonValue list = QJsonDocument::fromJson(doc).object().value(QStringLiteral("feeds"));
    if (!list.isArray()) {
        *why = QStringLiteral("no \"feeds\" array");
        return false;
    }
    int index = -1;
    for (const QJsonValue &v : list.toArray()) {
        ++index;
        const QJsonObject o = v.toObject();
        const QString id = o.value(QStringLiteral("id")).toString();
        const auto state = stateFromName(o.value(QStringLiteral("state")).toString());
        const auto attempt = readTime(o.value(QStringLiteral("lastAttempt")));
        const auto success = readTime(o.value(QStringLiteral("lastSuccess")));
        const int staleAfter = o.value(QStringLiteral("staleAfterSecs")).toInt();
        if (id.isEmpty() || !state || !attempt || !success || staleAfter <= 0) {
            qWarning("opswall: node: the controller's status of feed %d ('%s') is not valid; "
                     "skipped",
                     index, qPrintable(id));
            continue;
        }
        m_staleAfter.insert(id, staleAfter);
        const QByteArray entry = QJsonDocument(o).toJson(QJsonDocument::Compact);
        if (m_lastFeed.value(id) == entry)
            continue;
        feeds::FeedStatus s;
        s.feedId = id;
        s.state = *state;
        s.lastError = o.value(QStringLiteral("lastError")).toString().left(2000);
        s.lastAttempt = *attempt;
        s.lastSuccess = *success;
        s.consecutiveFailures = o.value(QStringLiteral("failures")).toInt();
        // Kept for a start from the cache: written on the store thread (a failure is logged and
        // raises the store alert); the tiles show the controller's status at once.
        m_hub.series().database().write([s](store::Database &db) {
            feeds::FeedDefinitionStore(db, feeds::FeedDefinitionStore::AlreadyMigrated{})
                .saveStatus(s);
        });
        m_hub.scheduler()->keepStatus(s); // answered from memory from now on
        m_lastFeed.insert(id, entry);
        m_hub.readModel().feedStatusChanged(id);
    }
    return true;
}

std::optional<int> FeedReplica::staleAfterSecs(const QString &feedId) const {
    const auto it = m_staleAfter.constFind(feedId);
    return it == m_staleAfter.cend() ? std::nullopt : std::optional<int>(*it);
}

bool FeedReplica::applyAlerts(const QByteArray &doc, QString *why) {
    const QJsonValue list = QJsonDocument::fromJson(doc).object().value(QStringLiteral("alerts"));
    if (!list.isArray()) {
        *why = QStringLiteral("no \"alerts\" array");
        return false;
    }
    QJsonArray all;
    QList<feeds::Alert> indicator;
    for (const QJsonValue &v : list.toArray()) {
        const QJsonObject o = v.toObject();
        const QString id = o.value(QStringLiteral("id")).toString();
        const auto since = readTime(o.value(QStringLiteral("since")));
        if (id.isEmpty() || !since || !since->isValid())
            continue; // not an alert
        all.append(o);
        if (o.value(QStringLiteral("source")).toString() != QLatin1String("indicator"))
            continue;
        feeds::Alert a;
        bool number = false;
        a.id = id.section(QLatin1Char('.'), 1).toLongLong(&number);
        const QString severity = o.value(QStringLiteral("severity")).toString();
        a.severity = severity == QLatin1String("critical")  ? feeds::Severity::Critical
                     : severity == QLatin1String("warning") ? feeds::Severity::Warning
                                                            : feeds::Severity::Info;
        a.ruleId = o.value(QStringLiteral("rule")).toString();
        a.indicator = o.value(QStringLiteral("indicator")).toString();
        a.feedId = o.value(QStringLiteral("feed")).toString();
        a.message = o.value(QStringLiteral("message")).toString();
        a.raisedAt = *since;
        if (o.value(QStringLiteral("acknowledged")).toBool()) {
            a.acknowledgedBy = o.value(QStringLiteral("acknowledgedBy")).toString();
            if (a.acknowledgedBy.isEmpty())
                a.acknowledgedBy = QStringLiteral("?");
            a.acknowledgedAt =
                readTime(o.value(QStringLiteral("acknowledgedAt"))).value_or(QDateTime());
        }
        if (number)
            indicator.append(a);
    }
    if (all == m_alerts)
        return true;
    m_alerts = all;
    m_indicatorAlerts = indicator;
    m_hub.readModel().alertsChanged();
    return true;
}

} // namespace opswall::nodes
