// TileListModel's kept and built-ahead rows: which rows a switch keeps built and hidden (the last
// layouts left, bounded), which it builds ahead for the layouts expected next (WallState::ahead),
// and when such a row counts as built in every window. The rest of the model: tilelistmodel.cpp.
#include "tilelistmodel.h"

#include "tileviewmodel.h"
#include "wall/ahead.h"

#include <QElapsedTimer>

#include <algorithm>

namespace opswall::qml {

void TileListModel::setKeptLayouts(int layouts, int maxTiles) {
    m_keptLayouts = std::max(0, layouts);
    m_maxKeptTiles = std::max(0, maxTiles);
    if (m_staging)
        return; // applied in the next switch
    QList<qsizetype> drop;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].kept && !m_rows[i].ahead && !m_rows[i].spare &&
            (m_keptLayouts == 0 || m_maxKeptTiles == 0))
            drop.append(i);
    removeRows(drop);
}

void TileListModel::setSpareTiles(int maxTiles) {
    m_maxSpares = std::max(0, maxTiles);
    if (m_staging)
        return; // applied in the next switch
    QList<qsizetype> drop = sparesBeyondBound();
    std::sort(drop.begin(), drop.end());
    removeRows(drop);
}

QList<qsizetype> TileListModel::sparesBeyondBound() const {
    QList<qsizetype> spares;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].spare)
            spares.append(i);
    if (spares.size() <= m_maxSpares)
        return {};
    // The spares made longest ago go first.
    std::stable_sort(spares.begin(), spares.end(), [this](qsizetype a, qsizetype b) {
        return m_rows[a].spareAt < m_rows[b].spareAt;
    });
    spares.resize(spares.size() - m_maxSpares);
    return spares;
}

int TileListModel::spareCount() const {
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.spare; }));
}

qsizetype TileListModel::spareFor(const wall::Tile &tile,
                                  const QHash<qsizetype, int> &taken) const {
    if (!m_reusableKinds.contains(tile.kind))
        return -1;
    // Only a spare in the same windows: one that moved into another window would be built there
    // anyway (and deleted where it was), which costs more than building the tile.
    const QList<TileViewModel *> views = liveViews();
    const auto sameWindows = [&](const QRectF &a) {
        return std::all_of(views.cbegin(), views.cend(), [&](const TileViewModel *v) {
            return v->overlaps(a) == v->overlaps(tile.rectMm);
        });
    };
    qsizetype found = -1;
    for (qsizetype r = 0; r < m_rows.size(); ++r) {
        const Row &row = m_rows[r];
        if (!row.spare || row.tile.kind != tile.kind || taken.contains(r))
            continue;
        if (row.tile.rectMm == tile.rectMm)
            return r; // nothing moves
        if (found < 0 && sameWindows(row.tile.rectMm))
            found = r;
    }
    return found;
}

int TileListModel::keptCount() const {
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(),
                             [](const Row &r) { return r.kept && !r.retiring && !r.spare; }));
}

int TileListModel::aheadCount() const {
    return int(std::count_if(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.ahead; }));
}

bool TileListModel::aheadReady() const {
    if (!m_aheadToInsert.isEmpty())
        return false;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].ahead && !builtEverywhere(i))
            return false;
    return true;
}

void TileListModel::setAheadTiles(int maxTiles) {
    m_maxAheadTiles = std::max(0, maxTiles);
    refreshAhead();
}

bool TileListModel::wantedAhead(const wall::Tile &tile) const {
    return std::any_of(m_aheadTiles.cbegin(), m_aheadTiles.cend(), [&tile](const wall::Tile &t) {
        return sameContent(t, tile) && t.rectMm == tile.rectMm;
    });
}

bool TileListModel::builtEverywhere(qsizetype row) const {
    const QSet<QObject *> built = m_builtIn.value(m_rows[row].serial);
    for (TileViewModel *v : liveViews())
        if (v->showsRow(int(row)) && !built.contains(v))
            return false;
    return true;
}

void TileListModel::keptTileBuilt(QObject *view, int serial, bool built) {
    if (built)
        m_builtIn[serial].insert(view);
    else if (auto it = m_builtIn.find(serial); it != m_builtIn.end())
        it->remove(view);
    // A recall waiting for a built-ahead tile taken as it is: perhaps complete now.
    if (m_staging)
        m_check.start();
}

void TileListModel::refreshAhead() {
    if (!m_buildAhead || m_staging)
        return; // after the switch (commitStaged and dropStaged come back here)
    // The tiles wanted, in the order of the layouts (the most likely first), each once, bounded:
    // the rule the document replicated to render nodes follows too (wall/ahead.h).
    const QList<wall::Tile> wanted =
        wall::aheadTiles(m_state->ahead(), m_maxAheadTiles, m_unkeptKinds);
    m_aheadTiles = wanted;
    // A tile of the live layout persists into a recall that has it: nothing to build. A kept row
    // at the same place is taken (marked ahead: not bounded as kept); the others are built.
    QList<bool> covered(wanted.size(), false);
    for (const Row &row : std::as_const(m_rows))
        if (!row.kept && !row.staged)
            for (qsizetype i = 0; i < wanted.size(); ++i)
                if (sameContent(row.tile, wanted[i]))
                    covered[i] = true;
    bool released = false;
    for (Row &row : m_rows) {
        if (!row.kept || row.retiring || row.spare)
            continue;
        bool want = false;
        for (qsizetype i = 0; i < wanted.size() && !want; ++i)
            if (!covered[i] && sameContent(row.tile, wanted[i]) &&
                row.tile.rectMm == wanted[i].rectMm)
                want = covered[i] = true;
        if (row.ahead && !want) { // no longer expected: kept as if left just now, bounded
            row.keptAt = m_switches;
            released = true;
        }
        row.ahead = want;
    }
    if (released)
        keepOrRemove({}, false);
    m_aheadToInsert.clear();
    for (qsizetype i = 0; i < wanted.size(); ++i)
        if (!covered[i]) {
            Row row = fresh(wanted[i], 0, true);
            row.serial = 0; // numbered when inserted
            row.kept = true;
            row.ahead = true;
            row.keptAt = m_switches;
            m_aheadToInsert.append(row);
        }
    if (m_aheadToInsert.isEmpty())
        m_aheadInsert.stop();
    else if (!m_aheadInsert.isActive())
        m_aheadInsert.start();
}

void TileListModel::insertAhead() {
    if (m_staging) // a recall comes first; what is still wanted is queued again after it
        return;
    // Half the 8 ms between slices, at least one row.
    QElapsedTimer spent;
    spent.start();
    while (!m_aheadToInsert.isEmpty() && spent.elapsed() < 4) {
        Row row = m_aheadToInsert.takeFirst();
        row.serial = m_nextSerial++;
        const int at = int(m_rows.size());
        beginInsertRows({}, at, at);
        m_rows.append(row);
        endInsertRows();
    }
    if (!m_aheadToInsert.isEmpty())
        m_aheadInsert.start();
}

void TileListModel::removeRows(const QList<qsizetype> &rows) {
    // Contiguous runs, from the end so that row numbers hold.
    for (qsizetype i : rows)
        m_builtIn.remove(m_rows[i].serial);
    for (qsizetype k = rows.size() - 1; k >= 0;) {
        qsizetype first = k;
        while (first > 0 && rows[first - 1] == rows[first] - 1)
            --first;
        beginRemoveRows({}, int(rows[first]), int(rows[k]));
        m_rows.remove(rows[first], rows[k] - rows[first] + 1);
        endRemoveRows();
        k = first - 1;
    }
}

void TileListModel::keepOrRemove(const QList<qsizetype> &rows, bool aSwitch) {
    if (aSwitch)
        ++m_switches;
    QList<qsizetype> drop;
    for (qsizetype i : rows) {
        Row &r = m_rows[i];
        // A tile of a layout expected next stays built whatever the kept layouts (refreshAhead,
        // after the switch, marks it).
        const bool ahead = !m_unkeptKinds.contains(r.tile.kind) && wantedAhead(r.tile);
        if (!ahead &&
            (m_keptLayouts == 0 || m_maxKeptTiles == 0 || m_unkeptKinds.contains(r.tile.kind))) {
            drop.append(i);
            continue;
        }
        // Hidden in this switch, as a removed frame would be; its frame and content stay built.
        r.staged = true;
        r.kept = true;
        r.ahead = ahead;
        r.keptAt = m_switches + (aSwitch ? 0 : 1); // a dropped build: as if left just now
        Q_EMIT dataChanged(index(int(i)), index(int(i)), {StagedRole, KeptRole});
    }
    // The bound: the tiles of the last m_keptLayouts layouts left, at most m_maxKeptTiles of
    // them, the ones kept longest ago going first.
    QList<qsizetype> kept;
    for (qsizetype i = 0; i < m_rows.size(); ++i) {
        // (taken by the recall being shown, or held for a layout expected next)
        if (!m_rows[i].kept || m_rows[i].reviveTo >= 0 || m_rows[i].ahead || m_rows[i].retiring ||
            m_rows[i].spare)
            continue;
        if (m_rows[i].keptAt + quint64(m_keptLayouts) <= m_switches)
            drop.append(i);
        else
            kept.append(i);
    }
    if (kept.size() > m_maxKeptTiles) {
        std::stable_sort(kept.begin(), kept.end(), [this](qsizetype a, qsizetype b) {
            return m_rows[a].keptAt < m_rows[b].keptAt;
        });
        drop.append(kept.mid(0, kept.size() - m_maxKeptTiles));
    }
    std::sort(drop.begin(), drop.end());
    drop.erase(std::unique(drop.begin(), drop.end()), drop.end());
    if (aSwitch)
        retire(drop); // removed after the switch's frame
    else
        removeRows(drop);
}

void TileListModel::retire(const QList<qsizetype> &rows) {
    for (qsizetype i : rows) {
        Row &r = m_rows[i];
        if (r.retiring || r.spare)
            continue;
        r.ahead = false;
        r.reviveTo = -1;
        if (m_maxSpares > 0 && m_reusableKinds.contains(r.tile.kind)) {
            r.spare = true;
            r.spareAt = m_switches;
        } else {
            r.retiring = true;
        }
        if (r.staged && r.kept)
            continue; // hidden already
        // Hidden in this switch, as a removed frame would be, and inert: a kept frame counts as
        // ready and reports nothing a recall waits for.
        r.staged = true;
        r.kept = true;
        Q_EMIT dataChanged(index(int(i)), index(int(i)), {StagedRole, KeptRole});
    }
    for (qsizetype i : sparesBeyondBound()) { // the bound
        m_rows[i].spare = false;
        m_rows[i].retiring = true;
    }
}

void TileListModel::removeRetiredAfterFrame() {
    if (std::any_of(m_rows.cbegin(), m_rows.cend(), [](const Row &r) { return r.retiring; }))
        m_afterSwitch.arm(viewWindows(), kRetireBoundMs);
}

void TileListModel::removeRetired() {
    if (m_staging)
        return; // after the switch of the recall being built (commitStaged, dropStaged)
    QList<qsizetype> rows;
    for (qsizetype i = 0; i < m_rows.size(); ++i)
        if (m_rows[i].retiring)
            rows.append(i);
    removeRows(rows);
}

} // namespace opswall::qml
