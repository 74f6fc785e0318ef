#include "feeds/scheduler.h"
#include "store/caught.h"

#include <QSslCertificate>

#include "feeds/adapters.h"
#include "feeds/fetcher.h"
#include "feeds/sse.h"
#include "feeds/wsclient.h"
#include "store/database.h"
#include "store/storethread.h"

#include <QFile>
#include <QFuture>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPromise>
#include <QRandomGenerator>
#include <QThreadPool>
#include <QUrlQuery>

#include <atomic>
#include <mutex>
#include <stdexcept>
#include <utility>

namespace opswall::feeds {

namespace {
QString messageOf(std::exception_ptr error) {
    return store::errorText(error);
}
} // namespace

struct FeedScheduler::Runtime {
    FeedDefinition def;
    FeedStatus status;
    BackoffState backoff;
    QTimer timer;
    QPointer<QObject> job;
    bool parsing = false; // parsing, or its values being written
    int page = 1;
    QList<Series> collected;
    QByteArray pendingEtag;
    QByteArray pendingLastModified;
    std::unique_ptr<SseClient> sse;
    std::unique_ptr<WebSocketClient> ws;
};

struct FeedScheduler::WriterSide {
    std::unique_ptr<SeriesStore> series;
    std::unique_ptr<FeedDefinitionStore> definitions;
    // Statuses not written yet, the newest per feed: one job writes them all in one transaction
    // (a feed that fails fast would otherwise queue one fsync'd commit per attempt).
    std::mutex statusMutex;
    QHash<QString, FeedStatus> statusPending;
    bool statusJobQueued = false;
    // Set when the scheduler goes: its jobs still queued do nothing (a shutdown does not wait for
    // a backlog of ingestions; the next start fetches again).
    std::atomic<bool> cancelled{false};
    // On the connection a job runs on (the writer, or the scheduler's own without one).
    void open(store::Database &db) {
        if (cancelled)
            throw std::runtime_error("the feed scheduler stopped");
        if (!series) {
            series = std::make_unique<SeriesStore>(db);
            definitions =
                std::make_unique<FeedDefinitionStore>(db, FeedDefinitionStore::AlreadyMigrated{});
        }
    }
};

FeedScheduler::FeedScheduler(store::Database &db, QNetworkAccessManager *nam, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_nam(nam)
    , m_series(db)
    , m_definitions(db)
    , m_fetcher(new HttpFetcher(nam, this))
    , m_writerSide(std::make_shared<WriterSide>()) {
    // Start-up: the stored statuses, so that status() never reads the store later.
    m_storedStatuses = m_definitions.statuses();
    m_staleCheck.setInterval(15000);
    connect(&m_staleCheck, &QTimer::timeout, this, &FeedScheduler::checkStale);
}

FeedScheduler::~FeedScheduler() {
    m_writerSide->cancelled = true;
    stop();
}

int FeedScheduler::importDefinitionsIfEmpty(const QString &jsonPath, QString *error,
                                            std::function<void(std::exception_ptr)> done) {
    if (!m_definitions.isEmpty())
        return 0;
    QFile f(jsonPath);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(jsonPath, f.errorString());
        return -1;
    }
    return m_definitions.importJson(f.read(4 * 1024 * 1024), error, std::move(done));
}

void FeedScheduler::start() {
    stop();
    for (const FeedDefinition &d : m_definitions.all()) {
        auto rt = std::make_shared<Runtime>();
        rt->def = d;
        rt->status = m_storedStatuses.value(d.id);
        rt->status.feedId = d.id;
        rt->timer.setSingleShot(true);
        const QString id = d.id;
        connect(&rt->timer, &QTimer::timeout, this, [this, id] {
            if (Runtime *r = find(id))
                pull(*r);
        });
        m_feeds.insert(d.id, rt);
        if (d.push != PushKind::None)
            startPush(*rt);
        else
            schedule(*rt, int(QRandomGenerator::global()->bounded(250))); // at once, staggered
    }
    m_staleCheck.start();
}

void FeedScheduler::stop() {
    m_staleCheck.stop();
    for (auto &rt : m_feeds) {
        rt->timer.stop();
        if (rt->job)
            delete rt->job.data(); // aborts the request; its callback never runs
        if (rt->sse)
            rt->sse->stop();
        if (rt->ws)
            rt->ws->stop();
        m_storedStatuses.insert(rt->status.feedId, rt->status); // status() without a runtime
    }
    m_feeds.clear();
}

void FeedScheduler::fetchNow(const QString &feedId) {
    if (Runtime *rt = find(feedId);
        rt && rt->def.push == PushKind::None && !rt->job && !rt->parsing)
        pull(*rt);
}

FeedStatus FeedScheduler::status(const QString &feedId) const {
    if (Runtime *rt = find(feedId))
        return rt->status;
    return m_storedStatuses.value(feedId);
}

QList<FeedStatus> FeedScheduler::statuses() const {
    QList<FeedStatus> out;
    for (const auto &rt : m_feeds)
        out << rt->status;
    std::sort(out.begin(), out.end(),
              [](const FeedStatus &a, const FeedStatus &b) { return a.feedId < b.feedId; });
    return out;
}

std::optional<FeedDefinition> FeedScheduler::definition(const QString &feedId) const {
    if (Runtime *rt = find(feedId))
        return rt->def;
    return std::nullopt;
}

void FeedScheduler::write(std::function<void(store::Database &)> job,
                          std::function<void(std::exception_ptr)> then) {
    ++m_writesInFlight;
    auto done = [this, then = std::move(then)](std::exception_ptr error) {
        --m_writesInFlight;
        if (then)
            then(error);
    };
    if (store::StoreThread *writer = m_db.writer()) {
        writer->post(std::move(job), this, std::move(done), &m_db);
        return;
    }
    done(store::caught([&] { job(m_db); }));
}

FeedScheduler::Runtime *FeedScheduler::find(const QString &feedId) const {
    auto it = m_feeds.constFind(feedId);
    return it == m_feeds.constEnd() ? nullptr : it->get();
}

void FeedScheduler::schedule(Runtime &rt, int delayMs) {
    rt.timer.start(qMax(0, delayMs));
}

void FeedScheduler::pull(Runtime &rt) {
    rt.timer.stop();
    rt.page = 1;
    rt.collected.clear();
    requestPage(rt);
}

void FeedScheduler::requestPage(Runtime &rt) {
    FetchRequest req;
    req.url = rt.def.url;
    if (rt.def.format == Format::WorldBank) {
        QUrlQuery q(req.url);
        q.removeAllQueryItems(QStringLiteral("page"));
        q.addQueryItem(QStringLiteral("page"), QString::number(rt.page));
        if (!q.hasQueryItem(QStringLiteral("format")))
            q.addQueryItem(QStringLiteral("format"), QStringLiteral("json"));
        req.url.setQuery(q);
    }
    req.headers = rt.def.requestHeaders();
    req.timeoutMs = rt.def.timeoutMs;
    req.maxBytes = rt.def.maxBytes;
    if (!rt.def.caFile.isEmpty())
        req.caCertificates = QSslCertificate::fromPath(rt.def.caFile);
    // Conditional only for the first page and only while we hold the data it validates.
    if (rt.page == 1 && rt.status.lastSuccess.isValid()) {
        req.etag = rt.status.etag;
        req.lastModified = rt.status.lastModified;
    }
    rt.status.lastAttempt = QDateTime::currentDateTimeUtc();
    const QString id = rt.def.id;
    rt.job = m_fetcher->fetch(req, [this, id](const FetchResult &r) { onResult(id, r); });
}

void FeedScheduler::onResult(const QString &feedId, const FetchResult &res) {
    Runtime *rtp = find(feedId);
    if (!rtp)
        return;
    Runtime &rt = *rtp;
    rt.job = nullptr;
    if (!res.ok())
        return fail(rt, res.error, res.transient(), res.retryAfterMs);
    if (res.outcome == FetchOutcome::NotModified)
        return succeed(rt, FetchEvent::NotModified);
    if (rt.page == 1) {
        rt.pendingEtag = res.etag;
        rt.pendingLastModified = res.lastModified;
    }
    // Parse on the thread pool: adapters are pure, and a 1 MB SDMX file takes ~0.1 s that the
    // GUI thread must not spend. The continuation runs back on this object's thread, and not at
    // all if the scheduler is gone (QFuture::then with a context object).
    ParseLimits limits;
    limits.maxBytes = rt.def.maxBytes;
    auto promise = std::make_shared<QPromise<ParseResult>>();
    QFuture<ParseResult> future = promise->future();
    promise->start();
    rt.parsing = true;
    QThreadPool::globalInstance()->start(
        [promise, format = rt.def.format, mapping = rt.def.mapping, limits, body = res.body] {
            promise->addResult(parseFeed(format, body, mapping, limits));
            promise->finish();
        });
    future.then(this, [this, feedId](const ParseResult &parsed) { onParsed(feedId, parsed); });
}

void FeedScheduler::onParsed(const QString &feedId, const ParseResult &parsed) {
    Runtime *rtp = find(feedId);
    if (!rtp)
        return;
    Runtime &rt = *rtp;
    rt.parsing = false;
    if (!parsed.ok())
        return fail(rt,
                    QStringLiteral("cannot read the %1 document: %2")
                        .arg(formatName(rt.def.format), parsed.error.toString()),
                    false, 0);
    rt.collected += parsed.series;
    if (rt.def.format == Format::WorldBank && parsed.paging.pages > rt.page &&
        rt.page < rt.def.maxPages) {
        ++rt.page;
        return requestPage(rt);
    }
    QList<Series> all = std::move(rt.collected);
    rt.collected.clear();
    if (rt.def.format == Format::WorldBank) { // pages hold parts of the same series: merge
        QList<Series> merged;
        for (Series &s : all) {
            auto it = std::find_if(merged.begin(), merged.end(), [&](const Series &m) {
                return m.indicator == s.indicator && m.dimension == s.dimension;
            });
            if (it == merged.end())
                merged << s;
            else
                it->points += s.points;
        }
        normalize(merged);
        all = std::move(merged);
    }
    std::int64_t points = 0;
    for (const Series &s : all)
        points += s.points.size();
    if (points == 0)
        return fail(rt, QStringLiteral("the document holds no observations"), false, 0);
    // Stored on the store thread; the feed counts as busy (parsing) until the write is back.
    rt.parsing = true;
    auto stats = std::make_shared<IngestStats>();
    const QDateTime at = QDateTime::currentDateTimeUtc();
    write(
        [side = m_writerSide, feedId, all, stats, at](store::Database &db) {
            side->open(db);
            *stats = side->series->ingest(feedId, all, at);
        },
        [this, feedId, all, stats, at](std::exception_ptr error) {
            Runtime *r = find(feedId);
            if (!r)
                return;
            r->parsing = false;
            if (error)
                return fail(*r, QStringLiteral("cannot store values: %1").arg(messageOf(error)),
                            true, 0);
            r->status.etag = r->pendingEtag;
            r->status.lastModified = r->pendingLastModified;
            Q_EMIT stored(feedId, all, at, IngestMode::KeepRevisions);
            succeed(*r, FetchEvent::Success);
            if (stats->inserted + stats->revised > 0) {
                Q_EMIT valuesStored(feedId, stats->inserted, stats->revised);
                Q_EMIT feedUpdated(feedId, stats->inserted, stats->revised);
            }
        });
}

void FeedScheduler::succeed(Runtime &rt, FetchEvent event) {
    const BackoffPolicy policy(BackoffConfig{rt.def.intervalSecs * 1000});
    const BackoffDecision d =
        policy.decide(event, rt.backoff, QRandomGenerator::global()->generateDouble());
    rt.backoff = d.next;
    rt.status.lastSuccess = QDateTime::currentDateTimeUtc();
    rt.status.consecutiveFailures = 0;
    setStatus(rt, FeedState::Ok, {});
    schedule(rt, d.delayMs);
    Q_EMIT fetchFinished(rt.def.id, true);
}

void FeedScheduler::fail(Runtime &rt, const QString &error, bool transient, int retryAfterMs) {
    rt.collected.clear();
    const BackoffPolicy policy(BackoffConfig{rt.def.intervalSecs * 1000});
    const BackoffDecision d =
        policy.decide(transient ? FetchEvent::TransientFailure : FetchEvent::PermanentFailure,
                      rt.backoff, QRandomGenerator::global()->generateDouble(), retryAfterMs);
    rt.backoff = d.next;
    rt.status.consecutiveFailures = d.next.consecutiveFailures;
    setStatus(rt, FeedState::Failing, error);
    schedule(rt, d.delayMs);
    Q_EMIT fetchFinished(rt.def.id, false);
}

void FeedScheduler::setStatus(Runtime &rt, FeedState state, const QString &error) {
    const bool changed = rt.status.state != state || rt.status.lastError != error;
    rt.status.state = state;
    rt.status.lastError = error;
    bool queued = false;
    {
        const std::lock_guard lock(m_writerSide->statusMutex);
        m_writerSide->statusPending.insert(rt.def.id, rt.status);
        queued = std::exchange(m_writerSide->statusJobQueued, true);
    }
    if (!queued) // else the job already queued writes this one too
        write(
            [side = m_writerSide](store::Database &db) {
                QHash<QString, FeedStatus> pending;
                {
                    const std::lock_guard lock(side->statusMutex);
                    pending.swap(side->statusPending);
                    side->statusJobQueued = false;
                }
                try {
                    side->open(db);
                    db.transaction([&] {
                        for (const FeedStatus &status : std::as_const(pending))
                            side->definitions->saveStatus(status);
                    });
                } catch (...) {
                    // Kept for the next write, unless a newer status of that feed came since.
                    const std::lock_guard lock(side->statusMutex);
                    for (auto it = pending.cbegin(); it != pending.cend(); ++it)
                        if (!side->statusPending.contains(it.key()))
                            side->statusPending.insert(it.key(), it.value());
                    throw;
                }
            },
            [](std::exception_ptr e) {
                if (e)
                    qWarning("feeds: cannot save the feeds' status: %s", qPrintable(messageOf(e)));
            });
    if (changed)
        Q_EMIT statusChanged(rt.def.id, state, error);
}

void FeedScheduler::checkStale() {
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto &rt : m_feeds) {
        if (rt->status.state == FeedState::Ok &&
            rt->status.ageSecs(now) > rt->def.effectiveStaleAfterSecs())
            setStatus(*rt, FeedState::Stale,
                      QStringLiteral("no fresh data for %1 min").arg(rt->status.ageSecs(now) / 60));
    }
}

void FeedScheduler::onPushMessage(const QString &feedId, const QString &json) {
    Runtime *r = find(feedId);
    if (!r)
        return;
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    const QString indicator = o.value(QLatin1String("indicator")).toString();
    const QJsonValue v = o.value(QLatin1String("value"));
    if (indicator.isEmpty() || !v.isDouble())
        return; // not a value message (hello, keep-alive)
    const QString dimension = o.value(QLatin1String("dimension")).toString();
    std::optional<Period> p = Period::parse(o.value(QLatin1String("period")).toString());
    if (!p)
        p = Period::day(QDate::currentDate());
    Series s;
    s.indicator = indicator;
    s.dimension = dimension;
    s.unit = o.value(QLatin1String("unit")).toString();
    s.points << Observation{*p, v.toDouble()};
    const QList<Series> series{s};
    auto stats = std::make_shared<IngestStats>();
    const QDateTime at = QDateTime::currentDateTimeUtc();
    write(
        [side = m_writerSide, feedId, series, stats, at](store::Database &db) {
            side->open(db);
            *stats = side->series->ingest(feedId, series, at, IngestMode::ReplaceCurrent);
        },
        [this, feedId, series, indicator, dimension, at, stats,
         value = v.toDouble()](std::exception_ptr error) {
            Runtime *rt = find(feedId);
            if (!rt)
                return;
            if (error)
                return setStatus(*rt, FeedState::Failing, messageOf(error));
            rt->status.lastSuccess = QDateTime::currentDateTimeUtc();
            rt->status.lastAttempt = rt->status.lastSuccess;
            rt->status.consecutiveFailures = 0;
            Q_EMIT stored(feedId, series, at, IngestMode::ReplaceCurrent);
            setStatus(*rt, FeedState::Ok, {});
            if (stats->inserted + stats->revised > 0)
                Q_EMIT valuesStored(feedId, stats->inserted, stats->revised);
            Q_EMIT liveValue(feedId, indicator, dimension, value);
        });
}

void FeedScheduler::startPush(Runtime &rt) {
    const QString id = rt.def.id;
    // A live stream that drops or cannot connect counts its failures like a pulled feed, so the
    // status says how long it has been failing (the client reconnects by itself).
    auto onFailed = [this, id](const QString &error) {
        if (Runtime *r = find(id)) {
            r->status.lastAttempt = QDateTime::currentDateTimeUtc();
            ++r->status.consecutiveFailures;
            setStatus(*r, FeedState::Failing, QStringLiteral("live stream: %1").arg(error));
        }
    };
    if (rt.def.push == PushKind::WebSocket) {
        rt.ws = std::make_unique<WebSocketClient>(rt.def.url, rt.def.requestHeaders());
        connect(rt.ws.get(), &WebSocketClient::message, this,
                [this, id](const QString &text) { onPushMessage(id, text); });
        connect(rt.ws.get(), &WebSocketClient::failed, this, onFailed);
        rt.ws->start();
        return;
    }
    rt.sse = std::make_unique<SseClient>(m_nam, rt.def.url, rt.def.requestHeaders());
    connect(rt.sse.get(), &SseClient::event, this,
            [this, id](const SseEvent &e) { onPushMessage(id, e.data); });
    connect(rt.sse.get(), &SseClient::failed, this, onFailed);
    rt.sse->start();
}

} // namespace opswall::feeds
