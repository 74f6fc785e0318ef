#pragma once
// Row ids taken on the GUI thread for rows written later on the store thread
// (store::Database::write), so that a component can answer with the id of a row that is still on
// its way to the disk: the next AUTOINCREMENT id of a table is past every row committed (and the
// table's sqlite_sequence) and past every id this process handed out already.

#include "store/database.h"

#include <QByteArray>
#include <QString>

#include <algorithm>
#include <cstdint>

namespace opswall::store {

// table must be a table with an INTEGER PRIMARY KEY AUTOINCREMENT column "id"; lastHandedOut is
// the caller's own counter (one per table), updated here. The rows must only be written by this
// process (the store thread's queue keeps them in order).
inline std::int64_t nextRowId(Database &db, const char *table, std::int64_t &lastHandedOut) {
    const QByteArray sql =
        QByteArray("SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = ?1), 0), "
                   "COALESCE((SELECT MAX(id) FROM ") +
        table + "), 0))";
    Statement st = db.prepare(sql.constData());
    st.bind(1, QString::fromLatin1(table));
    const std::int64_t committed = st.step() ? st.int64(0) : 0;
    lastHandedOut = std::max(committed, lastHandedOut) + 1;
    return lastHandedOut;
}

} // namespace opswall::store
