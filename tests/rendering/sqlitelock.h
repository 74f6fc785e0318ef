#pragma once
// Whether another connection holds an SQLite database's write lock now (a test holds it with a
// real sqlite3 shell to make the wall's writes refused). Tests that include this link SQLite.

#include <QFile>
#include <QString>

#include <sqlite3.h>

namespace apptest {

inline bool lockHeldElsewhere(const QString &dbPath) {
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(dbPath).constData(), &db) != SQLITE_OK)
        return false;
    const bool busy = sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_BUSY;
    if (!busy)
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db);
    return busy;
}

} // namespace apptest
