// Rows of an SQLite file as the node tests read them (read-only, next to a running writer).
#pragma once

#include <QString>
#include <QStringList>

#include <sqlite3.h>

namespace nodetest {

// Rows of one SQL query, each as its columns joined by '|' (read-only; the writer keeps writing).
inline QStringList rows(const QString &path, const char *sql) {
    QStringList out;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(path.toUtf8().constData(), &db, SQLITE_OPEN_READONLY, nullptr) !=
        SQLITE_OK) {
        sqlite3_close(db);
        return {QStringLiteral("cannot open ") + path};
    }
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK) {
        while (sqlite3_step(st) == SQLITE_ROW) {
            QStringList cols;
            for (int i = 0; i < sqlite3_column_count(st); ++i)
                cols << QString::fromUtf8(
                    reinterpret_cast<const char *>(sqlite3_column_text(st, i)));
            out << cols.join(QLatin1Char('|'));
        }
    } else {
        out << QStringLiteral("bad query: ") + QString::fromUtf8(sqlite3_errmsg(db));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

} // namespace nodetest
