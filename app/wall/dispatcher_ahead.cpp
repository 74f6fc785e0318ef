// The Dispatcher's sources of the layouts built ahead (dispatcher.h "Built ahead"): the warm
// presets, the presets panel buttons recall, the presets recalled most of late. Everything here
// reads the presets the store keeps in memory; the recall history comes in from a worker
// thread's read (addRecalls) and from the recalls committed here.
#include "wall/dispatcher.h"

#include <QDateTime>

#include <algorithm>
#include <cmath>

namespace opswall::wall {

void Dispatcher::setWarmPresets(const QList<int> &ids) {
    m_warm = ids;
    m_warmMissing.clear();
    aheadSourcesChanged();
}

void Dispatcher::setPanelPresets(const QList<PresetRef> &presets) {
    if (presets == m_panel)
        return;
    m_panel = presets;
    aheadSourcesChanged();
}

void Dispatcher::setRecentPresets(int n) {
    m_recentCount = std::max(0, n);
    aheadSourcesChanged();
}

void Dispatcher::addRecalls(const QList<Recall> &recalls) {
    QSet<qint64> rows;
    for (const Recall &r : m_recalls)
        if (r.row > 0)
            rows.insert(r.row);
    for (const Recall &r : recalls)
        if (r.preset > 0 && (r.row <= 0 || !rows.contains(r.row)))
            m_recalls.push_back(r);
    std::stable_sort(m_recalls.begin(), m_recalls.end(),
                     [](const Recall &a, const Recall &b) { return a.atMs < b.atMs; });
    while (qsizetype(m_recalls.size()) > kRecallsKept)
        m_recalls.pop_front();
    if (m_recentCount > 0)
        aheadSourcesChanged();
}

void Dispatcher::noteRecall(int preset, qint64 row) {
    if (preset <= 0)
        return;
    m_recalls.push_back({row, preset, QDateTime::currentMSecsSinceEpoch()});
    while (qsizetype(m_recalls.size()) > kRecallsKept)
        m_recalls.pop_front();
}

void Dispatcher::aheadSourcesChanged() {
    // At start-up the first start's presets are still being written (startWith): read once
    // that committed (finish()).
    if (!m_busy && m_queue.empty())
        refreshAhead();
    else
        m_aheadDirty = true;
}

QList<int> Dispatcher::mostRecalled(const QSet<int> &skip) const {
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    struct Score {
        double weight = 0;
        qint64 lastMs = 0;
    };
    QHash<int, Score> scores;
    for (const Recall &r : m_recalls) {
        const qint64 age = std::max<qint64>(0, now - r.atMs);
        if (age > kRecentWindowMs || skip.contains(r.preset))
            continue;
        Score &s = scores[r.preset];
        s.weight += std::exp2(-double(age) / double(kRecentHalfLifeMs));
        s.lastMs = std::max(s.lastMs, r.atMs);
    }
    QList<int> ids = scores.keys();
    std::sort(ids.begin(), ids.end(), [&scores](int a, int b) {
        const Score &x = scores[a];
        const Score &y = scores[b];
        if (x.weight != y.weight)
            return x.weight > y.weight;
        if (x.lastMs != y.lastMs)
            return x.lastMs > y.lastMs;
        return a < b;
    });
    return ids;
}

void Dispatcher::refreshAhead() {
    m_aheadDirty = false;
    if (!m_store)
        return;
    QSet<int> named; // by a source before: not named again
    // Each source's layouts, in WallState::aheadOrder (the briefing's come from its runner).
    auto readPreset = [this](int id) -> std::optional<Preset> {
        try {
            return m_store->preset(id);
        } catch (const std::exception &e) {
            qWarning("opswall: preset %d: not read (%s); not built ahead", id, e.what());
            return std::nullopt;
        }
    };
    auto tell = [this](const QString &source, const QList<int> &ids, const QList<Layout> &l) {
        if (ids.isEmpty())
            m_aheadIds.remove(source);
        else
            m_aheadIds.insert(source, ids);
        m_state.setAhead(source, l);
    };

    QList<int> ids;
    QList<Layout> layouts;
    for (const int id : std::as_const(m_warm)) {
        const std::optional<Preset> preset = readPreset(id);
        if (!preset) {
            if (!m_warmMissing.contains(id))
                qWarning("opswall: warm preset %d: no such preset; not built ahead", id);
            m_warmMissing.insert(id);
            continue;
        }
        m_warmMissing.remove(id);
        if (named.contains(id))
            continue;
        named.insert(id);
        ids.append(id);
        layouts.append(preset->layout);
    }
    tell(QStringLiteral("warm"), ids, layouts);

    ids.clear();
    layouts.clear();
    for (const PresetRef &ref : std::as_const(m_panel)) {
        std::optional<Preset> preset;
        if (ref.id > 0)
            preset = readPreset(ref.id);
        else if (!ref.name.isEmpty())
            try {
                preset = m_store->presetByName(ref.name);
            } catch (const std::exception &e) {
                qWarning("opswall: preset \"%s\": not read (%s); not built ahead",
                         qPrintable(ref.name), e.what());
            }
        if (!preset || named.contains(preset->info.id))
            continue;
        named.insert(preset->info.id);
        ids.append(preset->info.id);
        layouts.append(preset->layout);
    }
    tell(QStringLiteral("panel"), ids, layouts);

    ids.clear();
    layouts.clear();
    if (m_recentCount > 0)
        for (const int id : mostRecalled(named)) {
            if (ids.size() >= m_recentCount)
                break;
            const std::optional<Preset> preset = readPreset(id);
            if (!preset)
                continue; // deleted since
            ids.append(id);
            layouts.append(preset->layout);
        }
    tell(QStringLiteral("recent"), ids, layouts);
}

} // namespace opswall::wall
