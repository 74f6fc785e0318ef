#include "nodes/seriescache.h"

#include "feeds/feedhub.h"
#include "nodes/feedreplica.h"
#include "store/database.h"
#include "store/readers.h"

#include <QPointer>

#include <algorithm>
#include <memory>
#include <utility>

namespace opswall::nodes {

SeriesCache::SeriesCache(feeds::FeedHub &hub, QObject *parent)
    : QObject(parent)
    , m_hub(hub) {}

int SeriesCache::held() const {
    return int(
        std::count_if(m_held.cbegin(), m_held.cend(), [](const Held &h) { return h.ready; }));
}

QByteArray SeriesCache::document(const QStringList &indicators) {
    QList<QByteArray> entries;
    QSet<QString> missing;
    if (indicators.isEmpty()) {
        QStringList codes;
        for (auto it = m_held.cbegin(); it != m_held.cend(); ++it)
            if (it->ready)
                codes.append(it.key());
        codes.sort();
        for (const QString &code : std::as_const(codes))
            entries.append(m_held.value(code).entries);
        if (!m_allHeld) {
            m_allHeld = true;
            read({}, true);
        }
    } else {
        QSet<QString> seen;
        for (const QString &code : indicators) {
            if (seen.contains(code))
                continue;
            seen.insert(code);
            const auto it = m_held.constFind(code);
            if (it != m_held.cend() && it->ready)
                entries.append(it->entries);
            if (it == m_held.cend() || (!it->ready && !it->reading))
                missing.insert(code);
        }
    }
    read(missing);
    return joinSeries(entries);
}

void SeriesCache::warm(const QSet<QString> &indicators) {
    QSet<QString> missing;
    for (const QString &code : indicators) {
        const auto it = m_held.constFind(code);
        if (it == m_held.cend() || (!it->ready && !it->reading))
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
}

void SeriesCache::read(const QSet<QString> &codes, bool all) {
    QSet<QString> batch;
    for (const QString &code : codes) {
        Held &h = m_held[code];
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
    auto result = std::make_shared<QHash<QString, QByteArray>>();
    store::readOffThread(
        m_hub.series().database(),
        [result, feedIds = feedIdsOf(m_hub),
         want = all ? QSet<QString>() : batch](store::Database &db) {
            const feeds::SeriesStore reader(db, feeds::SeriesStore::AlreadyMigrated{});
            *result = seriesEntries(reader, feedIds, want);
        },
        this,
        [this, result, batch, all](std::exception_ptr error) {
            --m_reads;
            if (error)
                qWarning("opswall: node link: the values of %lld indicators could not be read for "
                         "the nodes (read again at their next change or request): %s",
                         qlonglong(all ? result->size() : batch.size()),
                         qPrintable(store::errorText(error)));
            QStringList announce;
            QSet<QString> again;
            auto take = [&](const QString &code) {
                Held &h = m_held[code];
                if (!error) {
                    const QByteArray entries = result->value(code);
                    if (h.ready ? h.entries != entries : !entries.isEmpty())
                        announce.append(code);
                    h.entries = entries;
                    h.ready = true;
                    ++m_readCount;
                }
                if (std::exchange(h.again, false))
                    again.insert(code);
            };
            for (const QString &code : batch) {
                m_held[code].reading = false;
                take(code);
            }
            if (all) {
                m_readingAll = false;
                for (auto it = result->cbegin(); it != result->cend(); ++it)
                    if (!batch.contains(it.key()) && !m_held.value(it.key()).reading)
                        take(it.key());
                again += std::exchange(m_changedDuringAll, {});
            }
            if (!announce.isEmpty()) {
                announce.sort();
                Q_EMIT seriesChanged(announce);
            }
            read(again);
        });
}

} // namespace opswall::nodes
