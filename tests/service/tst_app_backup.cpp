// wallctl backup / restore against the real opswall with its SQLite database on disk: an online
// backup while the wall runs and writes, a restore refused while it runs, a restore that brings
// back tokens, presets and keys (the audit chain verifies with the restored key), and files a
// restore refuses with the reason and the live database untouched: a damaged backup, a file that
// is not a database, an SQLite file that is not an OpsWall backup.
#include "appundertest.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTest>

#include <sqlite3.h>

using apptest::Run;
using apptest::Wall;

namespace {
Run wallctlRun(const QStringList &args) {
    return apptest::runProgram(QStringLiteral(WALLCTL_PATH), args, 30000);
}

QByteArray sha(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex();
}

// One value from an SQLite file opened read-only.
QString queryOne(const QString &path, const char *sql) {
    sqlite3 *db = nullptr;
    QString out;
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr) ==
        SQLITE_OK) {
        sqlite3_stmt *st = nullptr;
        if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            out = QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0)));
        sqlite3_finalize(st);
    }
    sqlite3_close(db);
    return out;
}
} // namespace

class TstAppBackup : public QObject {
    Q_OBJECT

    Wall m_wall;
    QString m_db;
    QString m_backup;
    QString m_keptToken; // made before the backup
    QString m_lateToken; // made after it: gone after the restore

private Q_SLOTS:
    void initTestCase() {
        QString why;
        QVERIFY2(m_wall.start(&why), qPrintable(why));
        m_db = m_wall.dir.filePath(QStringLiteral("wall.db"));
        m_backup = m_wall.dir.filePath(QStringLiteral("backup.opswall"));
        QVERIFY(QFileInfo::exists(m_wall.dir.filePath(QStringLiteral("keys/audit.key"))));
    }

    // The backup is taken while the wall runs and keeps writing (tile moves over the API).
    void onlineBackupWhileTheWallWrites() {
        const Run made = m_wall.wallctl({QStringLiteral("token"), QStringLiteral("create"),
                                         QStringLiteral("--name"), QStringLiteral("kept"),
                                         QStringLiteral("--role"), QStringLiteral("operator"),
                                         QStringLiteral("--json")});
        QCOMPARE(made.exitCode, 0);
        m_keptToken = apptest::json(made).value(QStringLiteral("token")).toString();
        QVERIFY(!m_keptToken.isEmpty());
        const QStringList tiles = m_wall.liveTileIds();
        QVERIFY(!tiles.isEmpty());

        QProcess backup;
        backup.start(QStringLiteral(WALLCTL_PATH),
                     {QStringLiteral("backup"), m_backup, QStringLiteral("--db"), m_db});
        int writes = 0;
        int refused = 0;
        while (backup.state() != QProcess::NotRunning || writes < 10) {
            const auto r =
                m_wall.api("PATCH", QStringLiteral("/tiles/") + tiles.first(),
                           {{QStringLiteral("title"), QStringLiteral("write %1").arg(writes)}});
            ++writes;
            refused += r.status == 200 ? 0 : 1;
            backup.waitForFinished(10);
        }
        QCOMPARE(backup.state(), QProcess::NotRunning);
        const QByteArray out = backup.readAllStandardOutput();
        qInfo("%s(%d API writes during the backup, %d refused)", out.constData(), writes, refused);
        QVERIFY2(backup.exitCode() == 0, backup.readAllStandardError().constData());
        QVERIFY(out.contains("integrity ok"));
        QVERIFY(out.contains("audit.key"));
        QCOMPARE(refused, 0); // the wall's writes were never blocked by the backup
        QCOMPARE(QFileInfo(m_backup).permissions() &
                     (QFile::ReadGroup | QFile::ReadOther | QFile::WriteGroup | QFile::WriteOther),
                 QFileDevice::Permissions{});
        QCOMPARE(queryOne(m_backup, "PRAGMA integrity_check"), QStringLiteral("ok"));
        QCOMPARE(queryOne(m_backup, "SELECT value FROM opswall_backup WHERE name = 'format'"),
                 QStringLiteral("opswall-backup 1"));
        QVERIFY(!QFileInfo::exists(m_backup + QStringLiteral("-wal")));

        const Run late = m_wall.wallctl({QStringLiteral("token"), QStringLiteral("create"),
                                         QStringLiteral("--name"), QStringLiteral("late"),
                                         QStringLiteral("--role"), QStringLiteral("viewer"),
                                         QStringLiteral("--json")});
        m_lateToken = apptest::json(late).value(QStringLiteral("token")).toString();
        QVERIFY(!m_lateToken.isEmpty());
    }

    void restoreRefusedWhileTheWallRuns() {
        const QByteArray before = sha(m_db);
        const Run r =
            wallctlRun({QStringLiteral("restore"), m_backup, QStringLiteral("--db"), m_db});
        qInfo("%s", r.err.constData());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("the wall is running (process " +
                               QByteArray::number(m_wall.process.processId())));
        QVERIFY(r.err.contains("nothing was changed"));
        QCOMPARE(sha(m_db), before);
    }

    void restoreRefusesBadFiles() {
        QVERIFY(m_wall.stop());
        const QByteArray live = sha(m_db);
        QVERIFY(!live.isEmpty());

        // A damaged backup: a page in the middle overwritten.
        const QString damaged = m_wall.dir.filePath(QStringLiteral("damaged.opswall"));
        QVERIFY(QFile::copy(m_backup, damaged));
        {
            QFile f(damaged);
            QVERIFY(f.open(QIODevice::ReadWrite));
            const qint64 size = f.size();
            QVERIFY(size > 64 * 1024);
            for (qint64 at = 4096 * 4; at < size - 4096; at += 4096 * 7) {
                f.seek(at + 100);
                f.write(QByteArray(700, '\x5a'));
            }
        }
        Run r = wallctlRun({QStringLiteral("restore"), damaged, QStringLiteral("--db"), m_db});
        qInfo("damaged: %s", r.err.constData());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("is damaged") || r.err.contains("not a usable SQLite database"));
        QVERIFY(r.err.contains("nothing was changed"));
        QCOMPARE(sha(m_db), live);

        // Not a database at all.
        const QString text = m_wall.dir.filePath(QStringLiteral("notes.txt"));
        QFile t(text);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(QByteArray("not a database\n").repeated(400));
        t.close();
        r = wallctlRun({QStringLiteral("restore"), text, QStringLiteral("--db"), m_db});
        qInfo("text: %s", r.err.constData());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not a usable SQLite database"));
        QCOMPARE(sha(m_db), live);

        // An SQLite database, but not a backup (the wall's own file copied by hand).
        const QString plain = m_wall.dir.filePath(QStringLiteral("plain.db"));
        QVERIFY(QFile::copy(m_db, plain));
        r = wallctlRun({QStringLiteral("restore"), plain, QStringLiteral("--db"), m_db});
        qInfo("plain: %s", r.err.constData());
        QCOMPARE(r.exitCode, 1);
        QVERIFY(r.err.contains("not an OpsWall backup"));
        QCOMPARE(sha(m_db), live);

        // No file: a usage error names it.
        r = wallctlRun({QStringLiteral("restore")});
        QCOMPARE(r.exitCode, 2);
    }

    void restoreBringsBackTokensAndKeys() {
        const QByteArray auditKey = sha(m_wall.dir.filePath(QStringLiteral("keys/audit.key")));
        // Lose the key: the restore brings it back.
        QVERIFY(QFile::remove(m_wall.dir.filePath(QStringLiteral("keys/audit.key"))));
        const Run r =
            wallctlRun({QStringLiteral("restore"), m_backup, QStringLiteral("--db"), m_db});
        qInfo("%s%s", r.out.constData(), r.err.constData());
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("keys: audit.key"));
        QCOMPARE(sha(m_wall.dir.filePath(QStringLiteral("keys/audit.key"))), auditKey);
        // The database it replaced is kept.
        const QStringList kept =
            QDir(m_wall.dir.path()).entryList({QStringLiteral("wall.db.before-restore-*")});
        QCOMPARE(kept.size(), 1);
        QCOMPARE(queryOne(m_db, "SELECT count(*) FROM sqlite_master WHERE name = 'opswall_backup'"),
                 QStringLiteral("0"));

        QString why;
        QVERIFY2(m_wall.start(&why), qPrintable(why));
        // The token made before the backup works; the one made after it is gone.
        QCOMPARE(m_wall.wallctl({QStringLiteral("status")}, m_keptToken).exitCode, 0);
        QCOMPARE(m_wall.wallctl({QStringLiteral("status")}, m_lateToken).exitCode, 4);
        // The audit chain verifies with the restored key.
        const Run verify = m_wall.wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
        qInfo("%s", verify.out.constData());
        QCOMPARE(verify.exitCode, 0);
        // The anchor of the log before the restore was set aside: against it, the rows the
        // restore took away still show as cut.
        const QStringList anchors =
            QDir(m_wall.dir.path())
                .entryList({QStringLiteral("audit-anchor.jsonl.before-restore-*")});
        QCOMPARE(anchors.size(), 1);
        const Run cut =
            m_wall.wallctl({QStringLiteral("audit"), QStringLiteral("verify"),
                            QStringLiteral("--anchor"), m_wall.dir.filePath(anchors.first())});
        qInfo("against the old anchor: %s", cut.out.constData());
        QCOMPARE(cut.exitCode, 1);
        QVERIFY(cut.out.contains("the log wiped"));
        QVERIFY(m_wall.stop());
    }
};

QTEST_GUILESS_MAIN(TstAppBackup)
#include "tst_app_backup.moc"
