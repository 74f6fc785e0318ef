#pragma once
// Row ids taken on the GUI thread for rows written later on the store thread
// (store::Database::write), so that a component can answer with the id of a row that is still on
// its way to the disk: the next AUTOINCREMENT id of a table is past every row committed (and the
// table's sqlite_sequence) and past every id this process handed out already. The table is read
// once, at the first id a counter hands out (start-up or the first such write); from then on the
// counter is in memory, so the GUI thread does not read the disk for the ids of later rows.

#include "store/database.h"

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <cstdint>

namespace opswall::store {

// The highest id the table has used: its rows and its sqlite_sequence.
inline std::int64_t committedRowId(Database &db, const char *table) {
    const QByteArray sql = QByteArray("SELECT COALESCE(MAX(id), 0) FROM ") + table;
    Statement max = db.prepare(sql.constData());
    std::int64_t committed = max.step() ? max.int64(0) : 0;
    // sqlite_sequence exists once some table of the file has AUTOINCREMENT.
    Statement hasSequence =
        db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_sequence'");
    if (hasSequence.step()) {
        Statement seq = db.prepare("SELECT seq FROM sqlite_sequence WHERE name = ?1");
        seq.bind(1, QString::fromLatin1(table));
        if (seq.step())
            committed = std::max(committed, seq.int64(0));
    }
    return committed;
}

// table must be a table with an INTEGER PRIMARY KEY AUTOINCREMENT column "id"; lastHandedOut is
// the caller's own counter (one per table and process), updated here. The rows must only be
// written by this process, with ids from this counter (the store thread's queue keeps them in
// order).
// What a counter holds once primeRowId read an empty table (no row, no sequence): the first id
// is 1, and nothing needs to be read for it.
inline constexpr std::int64_t kRowIdPrimedEmpty = -1;

inline std::int64_t nextRowId(Database &db, const char *table, std::int64_t &lastHandedOut) {
    if (lastHandedOut == kRowIdPrimedEmpty)
        lastHandedOut = 0;
    else if (lastHandedOut == 0) // never read: the first id of a counter that was not primed
        lastHandedOut = committedRowId(db, table);
    return ++lastHandedOut; // past the table as read the first time, and every id since
}

// Reads the table for nextRowId ahead (at start-up, where the owner is made), so that the first
// id handed out later reads nothing, also for an empty table.
inline void primeRowId(Database &db, const char *table, std::int64_t &lastHandedOut) {
    lastHandedOut = std::max(lastHandedOut, committedRowId(db, table));
    if (lastHandedOut == 0)
        lastHandedOut = kRowIdPrimedEmpty;
}

} // namespace opswall::store
