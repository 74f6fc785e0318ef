#include "nodes/seriescache.h"

#include "feeds/feedhub.h"
#include "nodes/feedreplica.h"
#include "store/database.h"
#include "store/readers.h"

#include <QLoggingCategory>
#include <QPointer>

#include <algorithm>
#include <memory>
#include <utility>

namespace opswall::nodes {

// The same category as NodeHub::seriesOf's figures (nodehub.cpp).
Q_LOGGING_CATEGORY(lcSeriesCache, "opswall.nodes.series", QtWarningMsg)

namespace {
// Joined answers kept at most (each request a node makes: its tiles' indicators).
constexpr int kAnswersKept = 32;
} // namespace

SeriesCache::SeriesCache(feeds::FeedHub &hub, Limits limits, QObject *parent)
    : QObject(parent)
    , m_hub(hub)
    , m_limits(limits)
    , m_feedIds(feedIdsOf(hub)) {
    m_clock.start();
    m_sweep.setInterval(int(std::clamp<qint64>(m_limits.idleMs / 4, 1000, 60000)));
    m_sweep.callOnTimeout(this, &SeriesCache::sweep);
    m_sweep.start();
}

int SeriesCache::held() const {
    return int(
        std::count_if(m_held.cbegin(), m_held.cend(), [](const Held &h) { return h.ready; }));
}

qint64 SeriesCache::heldBytes() const {
    qint64 bytes = 0;
    for (const Held &h : m_held)
        bytes += h.entries.size();
    return bytes;
}

bool SeriesCache::isHeld(const QString &indicator) const {
    const auto it = m_held.constFind(indicator);
    return it != m_held.cend() && it->ready;
}

QByteArray SeriesCache::document(const QStringList &indicators) {
    const qint64 now = nowMs();
    QList<QByteArray> entries;
    QSet<QString> missing;
    if (indicators.isEmpty()) {
        QStringList codes;
        for (auto it = m_held.begin(); it != m_held.end(); ++it)
            if (it->ready) {
                codes.append(it.key());
                it->wantedAtMs = now;
            }
        codes.sort();
        for (const QString &code : std::as_const(codes))
            entries.append(m_held.value(code).entries);
        if (!m_allHeld) {
            m_allHeld = true;
            read({}, true);
        }
        ++m_joins;
        return joinSeries(entries);
    }
    QStringList asked;
    QSet<QString> seen;
    for (const QString &code : indicators) {
        if (seen.contains(code))
            continue;
        seen.insert(code);
        asked.append(code);
        Held &h = m_held[code];
        h.wantedAtMs = now;
        if (h.ready)
            entries.append(h.entries);
        if (!h.ready && !h.reading)
            missing.insert(code);
    }
    // The same request since no entry of it changed: the same bytes (shared, not copied).
    const QString key = asked.join(QLatin1Char('\n'));
    if (const auto kept = m_answers.constFind(key); kept != m_answers.cend()) {
        ++m_answersKept;
        logAnswers();
        return *kept;
    }
    read(missing);
    QByteArray doc = joinSeries(entries);
    ++m_joins;
    logAnswers();
    // Complete: kept until one of them changes (kAnswersKept, a quarter of maxBytes at most).
    if (entries.size() == asked.size() && doc.size() <= m_limits.maxBytes / 4) {
        if (m_answers.size() >= kAnswersKept || m_answersBytes + doc.size() > m_limits.maxBytes / 4)
            forgetAnswers();
        m_answers.insert(key, doc);
        m_answersBytes += doc.size();
    }
    return doc;
}

void SeriesCache::warm(const QSet<QString> &indicators) {
    const qint64 now = nowMs();
    // Those no longer shown are wanted until now: they idle from here.
    for (const QString &code : std::as_const(m_shown))
        if (!indicators.contains(code))
            if (const auto it = m_held.find(code); it != m_held.end())
                it->wantedAtMs = now;
    m_shown = indicators;
    QSet<QString> missing;
    for (const QString &code : indicators) {
        Held &h = m_held[code];
        h.wantedAtMs = now;
        if (!h.ready && !h.reading)
            missing.insert(code);
    }
    read(missing);
}

void SeriesCache::changed(const QSet<QString> &indicators) {
    QSet<QString> again;
    QStringList now;
    for (const QString &code : indicators) {
        if (m_allHeld || m_held.contains(code))
            again.insert(code);
        else
            now.append(code); // no node asked for it: nothing held to read first
    }
    if (m_readingAll)
        m_changedDuringAll += indicators;
    if (!now.isEmpty()) {
        now.sort();
        Q_EMIT seriesChanged(now);
    }
    read(again);
    sweep(); // a feed removed (its definitions): its series go
}

void SeriesCache::logAnswers() {
    // After the answer went (not in the time NodeHub::seriesOf logs), only when it is logged.
    if (!lcSeriesCache().isDebugEnabled())
        return;
    QMetaObject::invokeMethod(
        this,
        [joins = m_joins, kept = m_answersKept] {
            qCDebug(lcSeriesCache, "seriesOf answers: %llu joined, %llu given again as they were",
                    joins, kept);
        },
        Qt::QueuedConnection);
}

void SeriesCache::forgetAnswers() {
    m_answers.clear();
    m_answersBytes = 0;
}

void SeriesCache::drop(const QString &code) {
    m_held.remove(code);
    forgetAnswers();
    m_allHeld = false; // an empty request reads every indicator again
    ++m_dropped;
}

void SeriesCache::sweep() {
    const qint64 now = nowMs();
    // The series of feeds no longer defined: dropped; read again (without them) while wanted.
    const QStringList feedIds = feedIdsOf(m_hub);
    if (feedIds != m_feedIds) {
        QSet<QString> removed(m_feedIds.cbegin(), m_feedIds.cend());
        for (const QString &id : feedIds)
            removed.remove(id);
        m_feedIds = feedIds;
        QStringList gone;
        QSet<QString> again;
        for (auto it = m_held.begin(); it != m_held.end(); ++it) {
            if (!it->feeds.intersects(removed))
                continue;
            if (it->reading)
                it->again = true; // read with the feeds of before: once more
            else if (m_shown.contains(it.key()) || now - it->wantedAtMs <= m_limits.idleMs)
                again.insert(it.key());
            else
                gone.append(it.key());
        }
        for (const QString &code : std::as_const(gone))
            drop(code);
        if (!again.isEmpty()) {
            for (const QString &code : std::as_const(again)) {
                Held &h = m_held[code]; // read anew: its entries go now
                h.entries.clear();
                h.feeds.clear();
                h.ready = false;
            }
            forgetAnswers();
            read(again);
        }
        if (!gone.isEmpty() || !again.isEmpty())
            qInfo("opswall: node link: feeds no longer defined: the series of %lld indicators "
                  "dropped from what is held for the nodes (%lld read again without them)",
                  qlonglong(gone.size() + again.size()), qlonglong(again.size()));
    }
    // Idle: neither asked for nor shown for idleMs. Then over the bytes, the least recently
    // wanted first; never what is on screen, nor one being read.
    QList<std::pair<qint64, QString>> candidates;
    qint64 bytes = 0;
    QStringList idle;
    for (auto it = m_held.cbegin(); it != m_held.cend(); ++it) {
        if (it->reading || m_shown.contains(it.key())) {
            bytes += it->entries.size();
            continue;
        }
        if (now - it->wantedAtMs > m_limits.idleMs) {
            idle.append(it.key());
            continue;
        }
        bytes += it->entries.size();
        candidates.append({it->wantedAtMs, it.key()});
    }
    for (const QString &code : std::as_const(idle))
        drop(code);
    int overBytes = 0;
    if (bytes > m_limits.maxBytes) {
        std::sort(candidates.begin(), candidates.end());
        for (const auto &[at, code] : std::as_const(candidates)) {
            if (bytes <= m_limits.maxBytes)
                break;
            bytes -= m_held.value(code).entries.size();
            drop(code);
            ++overBytes;
        }
    }
    if (!idle.isEmpty() || overBytes > 0)
        qInfo("opswall: node link: %lld indicators not wanted for %lld s and %d over the %lld MB "
              "kept dropped from what is held for the nodes (%lld held, %lld bytes)",
              qlonglong(idle.size()), qlonglong(m_limits.idleMs / 1000), overBytes,
              qlonglong(m_limits.maxBytes >> 20), qlonglong(m_held.size()), qlonglong(bytes));
}

void SeriesCache::read(const QSet<QString> &codes, bool all) {
    QSet<QString> batch;
    for (const QString &code : codes) {
        const bool known = m_held.contains(code);
        Held &h = m_held[code];
        if (!known)
            h.wantedAtMs = nowMs();
        if (h.reading) {
            h.again = true;
            continue;
        }
        h.reading = true;
        batch.insert(code);
    }
    if (batch.isEmpty() && !all)
        return;
    if (all)
        m_readingAll = true;
    ++m_reads;
    struct Result {
        QHash<QString, QByteArray> entries;
        QHash<QString, QSet<QString>> feeds;
    };
    auto result = std::make_shared<Result>();
    store::readOffThread(
        m_hub.series().database(),
        [result, feedIds = feedIdsOf(m_hub),
         want = all ? QSet<QString>() : batch](store::Database &db) {
            const feeds::SeriesStore reader(db, feeds::SeriesStore::AlreadyMigrated{});
            result->entries = seriesEntries(reader, feedIds, want, &result->feeds);
        },
        this,
        [this, result, batch, all](std::exception_ptr error) {
            --m_reads;
            if (error)
                qWarning("opswall: node link: the values of %lld indicators could not be read for "
                         "the nodes (read again at their next change or request): %s",
                         qlonglong(all ? result->entries.size() : batch.size()),
                         qPrintable(store::errorText(error)));
            QStringList announce;
            QSet<QString> again;
            auto take = [&](const QString &code) {
                if (!m_held.contains(code))
                    return; // dropped while it was read
                Held &h = m_held[code];
                if (!error) {
                    const QByteArray entries = result->entries.value(code);
                    if (h.ready ? h.entries != entries : !entries.isEmpty())
                        announce.append(code);
                    if (!h.ready || h.entries != entries)
                        forgetAnswers();
                    h.entries = entries;
                    h.feeds = result->feeds.value(code);
                    h.ready = true;
                    ++m_readCount;
                }
                if (std::exchange(h.again, false))
                    again.insert(code);
            };
            for (const QString &code : batch) {
                if (const auto it = m_held.find(code); it != m_held.end())
                    it->reading = false;
                take(code);
            }
            if (all) {
                m_readingAll = false;
                const qint64 now = nowMs();
                for (auto it = result->entries.cbegin(); it != result->entries.cend(); ++it) {
                    if (batch.contains(it.key()) || m_held.value(it.key()).reading)
                        continue;
                    if (!m_held.contains(it.key()))
                        m_held[it.key()].wantedAtMs = now;
                    take(it.key());
                }
                again += std::exchange(m_changedDuringAll, {});
            }
            if (!announce.isEmpty()) {
                announce.sort();
                Q_EMIT seriesChanged(announce);
            }
            read(again);
            sweep();
        });
}

} // namespace opswall::nodes
