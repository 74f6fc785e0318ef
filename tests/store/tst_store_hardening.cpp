// The store under a hostile or failing machine, on real SQLite files: files made 0600 (the -wal
// and -shm too, and an old 0644 file tightened), a lock held by another connection refused in
// about a frame and noticed when it goes, the free-space guard, retention of the layout history
// and preset revisions, secrets sealed with AES-256-GCM, and the store configuration refusing
// what it does not know by name.
#include "store/database.h"
#include "store/retention.h"
#include "store/secrets.h"
#include "store/storeconfig.h"
#include "store/wallstore.h"

#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <sqlite3.h>
#include <sys/stat.h>

using namespace opswall;
using namespace opswall::store;

namespace {
int modeOf(const QString &path) {
    struct stat st {};
    return ::stat(QFile::encodeName(path).constData(), &st) == 0 ? int(st.st_mode & 0777) : -1;
}

wall::Layout oneTileLayout(const QString &name, int x) {
    wall::Layout l;
    l.name = name;
    wall::Tile t;
    t.id = QStringLiteral("t1");
    t.kind = QStringLiteral("color");
    t.rectMm = QRectF(x, 0, 100, 100);
    t.binding = {{QStringLiteral("color"), QStringLiteral("#112233")}};
    l.tiles.append(t);
    return l;
}
} // namespace

class TstStoreHardening : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void databaseFilesAreForTheOwnerOnly();
    void lockHeldElsewhereIsRefusedInAboutAFrame();
    void freeSpaceGuardRefusesWritesNotReads();
    void retentionKeepsTheNewest();
    void sealedSecretsOpenOnlyWithTheirKey();
    void storeConfigurationIsStrict();
};

void TstStoreHardening::databaseFilesAreForTheOwnerOnly() {
    QTemporaryDir dir;
    const mode_t old = ::umask(022); // what a shell or a unit without UMask= gives
    const QString path = dir.filePath(QStringLiteral("wall.db"));
    {
        Database db(path);
        WallStore store(db);
        store.setSetting(QStringLiteral("k"), QStringLiteral("v"));
        QCOMPARE(modeOf(path), 0600);
        QCOMPARE(modeOf(path + QStringLiteral("-wal")), 0600);
        QCOMPARE(modeOf(path + QStringLiteral("-shm")), 0600);
    }
    // A file made 0644 by an older version is tightened when opened.
    const QString legacy = dir.filePath(QStringLiteral("legacy.db"));
    {
        sqlite3 *raw = nullptr;
        QCOMPARE(sqlite3_open(QFile::encodeName(legacy).constData(), &raw), SQLITE_OK);
        sqlite3_exec(raw, "CREATE TABLE x(y)", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    ::chmod(QFile::encodeName(legacy).constData(), 0644);
    Database db(legacy);
    QCOMPARE(modeOf(legacy), 0600);
    ::umask(old);
}

void TstStoreHardening::lockHeldElsewhereIsRefusedInAboutAFrame() {
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("wall.db"));
    Database db(path);
    WallStore store(db);
    db.setBusyTimeoutMs(10);
    QList<bool> changes;
    db.setStatusListener([&](const StoreStatus &s) { changes.append(s.available); });
    sqlite3 *other = nullptr;
    QCOMPARE(sqlite3_open(QFile::encodeName(path).constData(), &other), SQLITE_OK);
    QCOMPARE(sqlite3_exec(other, "BEGIN EXCLUSIVE; INSERT INTO settings VALUES('a', 'b');", nullptr,
                          nullptr, nullptr),
             SQLITE_OK);
    QElapsedTimer t;
    t.start();
    try {
        store.savePreset(std::nullopt, QStringLiteral("p"), oneTileLayout(QStringLiteral("p"), 0),
                         false);
        QFAIL("a write under another connection's lock succeeded");
    } catch (const Error &e) {
        QVERIFY(isUnavailable(e));
        QCOMPARE(e.code() & 0xff, SQLITE_BUSY);
    }
    QVERIFY2(t.elapsed() < 200, qPrintable(QString::number(t.elapsed())));
    QVERIFY(!db.status().available);
    QCOMPARE(changes, QList<bool>{false});
    // Reads go on (WAL).
    QCOMPARE(store.presets().size(), 0);
    QVERIFY(!db.probeWritable());
    QCOMPARE(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(other);
    QVERIFY(db.probeWritable());
    QCOMPARE(changes, (QList<bool>{false, true}));
    QVERIFY(store.savePreset(std::nullopt, QStringLiteral("p"),
                             oneTileLayout(QStringLiteral("p"), 0), false) > 0);
}

void TstStoreHardening::freeSpaceGuardRefusesWritesNotReads() {
    QTemporaryDir dir;
    Database db(dir.filePath(QStringLiteral("wall.db")));
    WallStore store(db);
    store.setSetting(QStringLiteral("before"), QStringLiteral("1"));
    QVERIFY(db.freeBytes() > 0);
    db.setMinFreeBytes(std::numeric_limits<std::int64_t>::max());
    try {
        store.setSetting(QStringLiteral("after"), QStringLiteral("1"));
        QFAIL("the guard let a write through");
    } catch (const Error &e) {
        QCOMPARE(e.code(), SQLITE_FULL);
        QVERIFY2(
            QString::fromUtf8(e.what()).contains(QLatin1String("below the configured minimum")),
            e.what());
    }
    QVERIFY(!db.status().available);
    QCOMPARE(store.setting(QStringLiteral("before")), QStringLiteral("1"));
    db.setMinFreeBytes(0);
    store.setSetting(QStringLiteral("after"), QStringLiteral("1"));
    QVERIFY(db.status().available);
}

void TstStoreHardening::retentionKeepsTheNewest() {
    QTemporaryDir dir;
    Database db(dir.filePath(QStringLiteral("wall.db")));
    WallStore store(db);
    int id = 0;
    for (int r = 1; r <= 8; ++r)
        id = store.savePreset(r == 1 ? std::nullopt : std::optional<int>(id), QStringLiteral("p"),
                              oneTileLayout(QStringLiteral("p"), r), false);
    for (int i = 0; i < 20; ++i)
        store.recordLiveLayout(oneTileLayout(QStringLiteral("live"), i), QStringLiteral("test"));
    // Half of the history is a year old.
    db.exec("UPDATE live_layouts SET at_ms = at_ms - 365 * 86400000 WHERE id <= 10");
    RetentionConfig cfg;
    cfg.layoutHistoryDays = 90;
    cfg.layoutHistoryMaxRows = 6;
    cfg.presetRevisionsKeep = 3;
    const RetentionResult done = applyWallRetention(db, cfg, QDateTime::currentMSecsSinceEpoch());
    QCOMPARE(done.layoutHistoryRows, 14); // 10 too old, then 4 beyond the newest 6
    QCOMPARE(done.presetRevisions, 5);
    QCOMPARE(store.presetRevisions(id).size(), 3);
    QCOMPARE(store.presetRevisions(id).first().revision, 8); // the current one stays
    QCOMPARE(store.preset(id)->layout.tiles.first().rectMm.x(), 8.0);
    QCOMPARE(store.lastLiveLayout()->tiles.first().rectMm.x(), 19.0);
    // Even when every row is old, the newest live layout (shown at the next start) stays.
    db.exec("UPDATE live_layouts SET at_ms = 0");
    cfg.layoutHistoryMaxRows = 0;
    applyWallRetention(db, cfg, QDateTime::currentMSecsSinceEpoch());
    QVERIFY(store.lastLiveLayout());
}

void TstStoreHardening::sealedSecretsOpenOnlyWithTheirKey() {
    const QByteArray key(32, '\x11');
    const QString sealed = secrets::seal(key, QStringLiteral("pjlink-mật-khẩu"));
    QVERIFY(secrets::isSealed(sealed));
    QVERIFY(!sealed.contains(QLatin1String("pjlink")));
    QCOMPARE(secrets::unseal(key, sealed),
             std::optional<QString>(QStringLiteral("pjlink-mật-khẩu")));
    QVERIFY(!secrets::unseal(QByteArray(32, '\x12'), sealed)); // another key
    QString tampered = sealed;
    tampered[tampered.size() - 3] = tampered[tampered.size() - 3] == u'A' ? u'B' : u'A';
    QVERIFY(!secrets::unseal(key, tampered));
    QVERIFY(secrets::seal(key, QStringLiteral("x")) != secrets::seal(key, QStringLiteral("x")));
}

void TstStoreHardening::storeConfigurationIsStrict() {
    StoreConfig c;
    QString err;
    QVERIFY(c.applyJson(R"({"minFreeMb": 10, "retention": {"auditDays": 30},
                            "media": {"folder": "/srv/media",
                                      "allowedImageUrls": ["https://cdn.example.vn/wall/"]}})",
                        &err));
    QCOMPARE(c.minFreeBytes, 10LL * 1024 * 1024);
    QCOMPARE(c.retention.auditDays, 30);
    QCOMPARE(c.retention.presetRevisionsKeep, 50); // untouched keys keep their defaults
    const StoreConfig before = c;
    const struct {
        const char *json;
        const char *named;
    } bad[] = {
        {R"({"minFreeMB": 10})", "minFreeMB"},
        {R"({"retention": {"auditDays": -1}})", "retention.auditDays"},
        {R"({"retention": {"layoutHistory": 3}})", "retention.layoutHistory"},
        {R"({"auditKeyFile": "relative/key"})", "auditKeyFile"},
        {R"({"media": {"allowedImageUrls": ["file:///etc/"]}})", "media.allowedImageUrls[0]"},
        {R"({"media": {"allowedImageUrls": ["https://user:pw@cdn.example/"]}})",
         "media.allowedImageUrls[0]"},
        {R"([1, 2])", "object"},
    };
    for (const auto &b : bad) {
        err.clear();
        QVERIFY2(!c.applyJson(b.json, &err), b.json);
        QVERIFY2(err.contains(QLatin1String(b.named)), qPrintable(err));
        QCOMPARE(c.minFreeBytes, before.minFreeBytes); // a refused file changes nothing
        QCOMPARE(c.retention.auditDays, before.retention.auditDays);
    }
}

QTEST_GUILESS_MAIN(TstStoreHardening)
#include "tst_store_hardening.moc"
