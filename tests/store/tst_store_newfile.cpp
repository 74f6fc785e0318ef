// A new database file before the first frame (issue 12, app/store/README.md "Start-up"): the
// fsyncs the store makes to create it and migrate it, counted by a VFS of the test's own (the
// default VFS, every xSync counted), on real files.
//   - A new file is an empty WAL database after one fsync, and the migrations that follow make
//     none; the old way made four (the rollback journal of the switch to WAL synced twice, the
//     file once, then the new log's header). A commit of a write is still synced (synchronous=
//     FULL): what is committed is durable as before.
//   - What a crash while it was made leaves (the half-made file beside it) and a WAL left by a
//     removed database do not end up in the new one.
#include "store/database.h"
#include "store/wallstore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>

#include <atomic>
#include <cstring>

using namespace opswall;
using namespace opswall::store;

namespace {

// The default VFS with each xSync counted.
struct CountedFile {
    sqlite3_file base;
    sqlite3_file *real;
};
sqlite3_vfs *g_base = nullptr;
sqlite3_vfs g_counting{};
sqlite3_io_methods g_io{};
std::atomic<int> g_syncs{0};

sqlite3_file *realOf(sqlite3_file *f) {
    return reinterpret_cast<CountedFile *>(f)->real;
}

int countedOpen(sqlite3_vfs *, sqlite3_filename name, sqlite3_file *f, int flags, int *out) {
    auto *c = reinterpret_cast<CountedFile *>(f);
    c->real = reinterpret_cast<sqlite3_file *>(c + 1);
    c->base.pMethods = nullptr;
    const int rc = g_base->xOpen(g_base, name, c->real, flags, out);
    if (c->real->pMethods)
        c->base.pMethods = &g_io;
    return rc;
}

void installCountingVfs() {
    g_base = sqlite3_vfs_find(nullptr);
    g_io = sqlite3_io_methods{
        3,
        [](sqlite3_file *f) {
            sqlite3_file *r = realOf(f);
            return r->pMethods ? r->pMethods->xClose(r) : SQLITE_OK;
        },
        [](sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
            return realOf(f)->pMethods->xRead(realOf(f), b, n, o);
        },
        [](sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
            return realOf(f)->pMethods->xWrite(realOf(f), b, n, o);
        },
        [](sqlite3_file *f, sqlite3_int64 s) {
            return realOf(f)->pMethods->xTruncate(realOf(f), s);
        },
        [](sqlite3_file *f, int flags) {
            ++g_syncs;
            return realOf(f)->pMethods->xSync(realOf(f), flags);
        },
        [](sqlite3_file *f, sqlite3_int64 *s) {
            return realOf(f)->pMethods->xFileSize(realOf(f), s);
        },
        [](sqlite3_file *f, int l) { return realOf(f)->pMethods->xLock(realOf(f), l); },
        [](sqlite3_file *f, int l) { return realOf(f)->pMethods->xUnlock(realOf(f), l); },
        [](sqlite3_file *f, int *o) {
            return realOf(f)->pMethods->xCheckReservedLock(realOf(f), o);
        },
        [](sqlite3_file *f, int op, void *a) {
            return realOf(f)->pMethods->xFileControl(realOf(f), op, a);
        },
        [](sqlite3_file *f) { return realOf(f)->pMethods->xSectorSize(realOf(f)); },
        [](sqlite3_file *f) { return realOf(f)->pMethods->xDeviceCharacteristics(realOf(f)); },
        [](sqlite3_file *f, int p, int s, int e, void volatile **o) {
            return realOf(f)->pMethods->xShmMap(realOf(f), p, s, e, o);
        },
        [](sqlite3_file *f, int o, int n, int fl) {
            return realOf(f)->pMethods->xShmLock(realOf(f), o, n, fl);
        },
        [](sqlite3_file *f) { realOf(f)->pMethods->xShmBarrier(realOf(f)); },
        [](sqlite3_file *f, int d) { return realOf(f)->pMethods->xShmUnmap(realOf(f), d); },
        [](sqlite3_file *f, sqlite3_int64 o, int n, void **p) {
            return realOf(f)->pMethods->xFetch(realOf(f), o, n, p);
        },
        [](sqlite3_file *f, sqlite3_int64 o, void *p) {
            return realOf(f)->pMethods->xUnfetch(realOf(f), o, p);
        }};
    g_counting = *g_base;
    g_counting.zName = "tst-counting";
    g_counting.szOsFile = int(sizeof(CountedFile)) + g_base->szOsFile;
    g_counting.xOpen = countedOpen;
    g_counting.pNext = nullptr;
    sqlite3_vfs_register(&g_counting, 1);
}

// The file's header says WAL (bytes 18 and 19: 2), as SQLite left it on the disk.
bool walOnDisk(const QString &path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return false;
    const QByteArray h = f.read(100);
    return h.size() == 100 && h.startsWith("SQLite format 3") && h.at(18) == 2 && h.at(19) == 2;
}

} // namespace

class TstStoreNewFile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { installCountingVfs(); }

    void aNewFileCostsOneFsyncBeforeItsFirstCommit() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wall.db"));
        g_syncs = 0;
        Database db(path);
        WallStore store(db); // the wall's migrations, as the app's start-up makes them first
        const int beforeFirstCommit = g_syncs;
        qInfo("a new file and its migrations: %d fsyncs (the old way: 4)", beforeFirstCommit);
        QCOMPARE(beforeFirstCommit, 1);
        QVERIFY(walOnDisk(path));
        QVERIFY(!QFile::exists(path + QStringLiteral(".new")));
        QCOMPARE(QFile::permissions(path) & (QFile::ReadGroup | QFile::ReadOther), 0);
        // The migrated schema is there for another connection (a reader).
        {
            Database reader(path, OpenMode::ReadOnly);
            auto st = reader.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name='presets'");
            QVERIFY(st.step());
            QCOMPARE(st.int64(0), 1);
        }
        // A committed write is synced before the commit returns, as before (synchronous=FULL).
        db.transaction([&] { store.setSetting(QStringLiteral("k"), QStringLiteral("v")); });
        QVERIFY2(g_syncs > beforeFirstCommit, "the first commit was not synced");
        const int afterCommit = g_syncs;
        db.transaction([&] { store.setSetting(QStringLiteral("k"), QStringLiteral("w")); });
        QVERIFY2(g_syncs > afterCommit, "a commit was not synced");
    }

    void anExistingFileIsOpenedAsBefore() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wall.db"));
        {
            Database db(path);
            WallStore store(db);
            store.setSetting(QStringLiteral("k"), QStringLiteral("v"));
        }
        g_syncs = 0;
        Database db(path);
        WallStore store(db); // nothing to migrate, nothing to sync
        QCOMPARE(int(g_syncs), 0);
        QCOMPARE(store.setting(QStringLiteral("k")), QStringLiteral("v"));
    }

    void leftoversDoNotEndUpInTheNewFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("wall.db"));
        // A WAL with committed frames of another database (its file then removed, the log not).
        {
            sqlite3 *other = nullptr;
            QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &other), SQLITE_OK);
            QCOMPARE(sqlite3_exec(other,
                                  "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0; "
                                  "CREATE TABLE secret(x); INSERT INTO secret VALUES('old');",
                                  nullptr, nullptr, nullptr),
                     SQLITE_OK);
            QVERIFY(QFile::copy(path + QStringLiteral("-wal"), dir.filePath(QStringLiteral("w"))));
            sqlite3_close(other);
        }
        QVERIFY(QFile::remove(path));
        QFile::remove(path + QStringLiteral("-wal"));
        QVERIFY(QFile::copy(dir.filePath(QStringLiteral("w")), path + QStringLiteral("-wal")));
        // What a crash while the last new file was made left beside it.
        QFile half(path + QStringLiteral(".new"));
        QVERIFY(half.open(QIODevice::WriteOnly));
        half.write(QByteArray(4096, 'x'));
        half.close();

        Database db(path);
        WallStore store(db);
        auto st = db.prepare("SELECT COUNT(*) FROM sqlite_master WHERE name='secret'");
        QVERIFY(st.step());
        QCOMPARE(st.int64(0), 0);
        QVERIFY(!QFile::exists(path + QStringLiteral(".new")));
        QCOMPARE(db.integrityCheck(), QStringLiteral("ok"));
    }
};

QTEST_GUILESS_MAIN(TstStoreNewFile)
#include "tst_store_newfile.moc"
