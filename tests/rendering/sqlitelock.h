#pragma once
// A test holds an SQLite database's write lock from another process (a real sqlite3 shell, as a
// backup or an operator's shell would) to make the wall's writes refused. Tests that include this
// link SQLite.

#include <QFile>
#include <QProcess>
#include <QString>
#include <QTest>

#include <sqlite3.h>

namespace apptest {

// Whether another connection holds the database's write lock now.
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

// Starts `shell` (sqlite3) on the database and makes it take the write lock in a transaction the
// test ends with "ROLLBACK;\n.quit\n": true once the shell holds it. The wall may be writing at
// that moment (a feed's status, a write queued before the test): the shell waits for its lock
// (.timeout) and stops on an error (.bail) instead of going on outside a transaction, and it says
// it holds the lock with a file next to the database (its output to a pipe is not flushed).
inline bool holdWriteLock(QProcess &shell, const QString &dbPath) {
    const QString held = dbPath + QStringLiteral(".held-by-test");
    QFile::remove(held);
    shell.setProcessChannelMode(QProcess::MergedChannels);
    shell.start(QStringLiteral("sqlite3"), {dbPath});
    if (!shell.waitForStarted(5000)) {
        qWarning("sqlite3 is needed (Debian package sqlite3)");
        return false;
    }
    shell.write(".bail on\n.timeout 10000\nBEGIN EXCLUSIVE;\n"
                "INSERT INTO settings(key, value) VALUES('held', 'by test');\n.shell touch '" +
                QFile::encodeName(held) + "'\n");
    if (!QTest::qWaitFor([&held] { return QFile::exists(held); }, 15000)) {
        qWarning("sqlite3 did not take the lock: %s", shell.readAll().constData());
        return false;
    }
    return lockHeldElsewhere(dbPath);
}

} // namespace apptest
