// The wall store on real SQLite files: migrations keyed on user_version, refusal of a newer
// file, WAL, presets with their history, the live layout history, settings, the wall
// configuration, and per-component migrations.

#include "../support/demowall.h"
#include "store/wallstore.h"
#include "store/writefence.h"

#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace opswall::store {

namespace {

wall::Layout layoutWith(const QString &name, const QString &text, int tiles = 1) {
    wall::Layout l;
    l.name = name;
    for (int i = 0; i < tiles; ++i) {
        wall::Tile t;
        t.id = QStringLiteral("t%1").arg(i);
        t.kind = QStringLiteral("text");
        t.title = QStringLiteral("Ô %1").arg(i);
        t.rectMm = QRectF(10 + i * 50, 10, 40, 40);
        t.binding = {{"text", text}};
        l.tiles.append(t);
    }
    return l;
}

QStringList tableNames(Database &db) {
    QStringList names;
    auto st = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    while (st.step())
        names.append(st.text(0));
    return names;
}

QString pragmaText(Database &db, const char *sql) {
    auto st = db.prepare(sql);
    return st.step() ? st.text(0) : QString();
}

int componentVersion(Database &db, const char *component) {
    auto st = db.prepare("SELECT version FROM schema_versions WHERE component = ?");
    st.bind(1, QString::fromLatin1(component));
    return st.step() ? int(st.int64(0)) : 0;
}

} // namespace

class TestWallStore : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();

    void freshFileIsMigratedAndGetsUserVersion();
    void reopeningDoesNotRerunMigrations();
    void newerFileIsRefusedAndLeftUntouched();
    void failingMigrationRollsBackAndKeepsVersion();
    void walModeLetsReaderSeeLastCommitWhileWriting();
    void presetSaveAndReadBack();
    void keptPresetsFollowWhatActionsCommit();
    void presetHistoryKeepsEveryRevision();
    void savePresetForUnknownIdThrows();
    void presetNamesAreUnique();
    void removePresetDeletesItAndItsHistory();
    void liveLayoutHistory();
    void settingsFallBackAndOverwrite();
    void wallConfigurationRoundTrips();
    void migrateComponentKeepsComponentVersionsIndependent();
    void migrateComponentRefusesNewerComponent();

private:
    QString dbPath() const { return m_dir->filePath(QStringLiteral("wall.db")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestWallStore::init() {
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

void TestWallStore::cleanup() {
    m_dir.reset();
}

void TestWallStore::freshFileIsMigratedAndGetsUserVersion() {
    Database db(dbPath());
    QCOMPARE(db.userVersion(), 0);
    WallStore store(db);
    QVERIFY(db.userVersion() >= 1);
    const QStringList tables = tableNames(db);
    for (const char *t : {"wall_config", "presets", "preset_revisions", "live_layouts", "settings"})
        QVERIFY2(tables.contains(QLatin1String(t)), t);
    QVERIFY(store.presets().isEmpty());
    QVERIFY(!store.loadWall());
    QVERIFY(!store.lastLiveLayout());
    QCOMPARE(db.integrityCheck(), QStringLiteral("ok"));
}

void TestWallStore::reopeningDoesNotRerunMigrations() {
    int version = 0;
    QStringList tables;
    {
        Database db(dbPath());
        WallStore store(db);
        version = db.userVersion();
        tables = tableNames(db);
        store.savePreset(std::nullopt, QStringLiteral("Sáng"), layoutWith("Sáng", "giữ lại"), true);
        store.setSetting(QStringLiteral("language"), QStringLiteral("vi"));
    }
    // A re-run of the first migration would fail on "table already exists" or wipe the data.
    Database db(dbPath());
    WallStore store(db);
    QCOMPARE(db.userVersion(), version);
    QCOMPARE(tableNames(db), tables);
    QCOMPARE(store.presets().size(), 1);
    QCOMPARE(store.presetByName(QStringLiteral("Sáng"))->layout.tiles[0].binding.value("text"),
             QJsonValue(QStringLiteral("giữ lại")));
    QCOMPARE(store.setting(QStringLiteral("language")), QStringLiteral("vi"));
}

void TestWallStore::newerFileIsRefusedAndLeftUntouched() {
    {
        Database db(dbPath());
        db.exec("PRAGMA user_version = 99");
    }
    Database db(dbPath());
    try {
        WallStore store(db);
        QFAIL("a file from a newer program was opened");
    } catch (const Error &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(QLatin1String("99")), e.what());
        QVERIFY2(what.contains(QLatin1String("newer than this program knows")), e.what());
        QVERIFY2(what.contains(QLatin1String("refusing")), e.what());
    }
    QCOMPARE(db.userVersion(), 99);
    QVERIFY(!tableNames(db).contains(QLatin1String("presets")));
}

void TestWallStore::failingMigrationRollsBackAndKeepsVersion() {
    Database db(dbPath());
    const Migration migrations[] = {
        {1, "CREATE TABLE a(x INTEGER)"},
        {2, "CREATE TABLE b(y INTEGER); INSERT INTO nowhere VALUES(1)"},
    };
    QVERIFY_THROWS_EXCEPTION(Error, db.migrate(migrations));
    QCOMPARE(db.userVersion(), 1); // the first step stays, the failed one left no trace
    QVERIFY(tableNames(db).contains(QLatin1String("a")));
    QVERIFY(!tableNames(db).contains(QLatin1String("b")));
    // Fixed in a later build, it applies on the next start.
    const Migration fixed[] = {
        {1, "CREATE TABLE a(x INTEGER)"},
        {2, "CREATE TABLE b(y INTEGER)"},
    };
    db.migrate(fixed);
    QCOMPARE(db.userVersion(), 2);
    QVERIFY(tableNames(db).contains(QLatin1String("b")));
}

void TestWallStore::walModeLetsReaderSeeLastCommitWhileWriting() {
    Database db(dbPath());
    WallStore store(db);
    QCOMPARE(pragmaText(db, "PRAGMA journal_mode"), QStringLiteral("wal"));
    QCOMPARE(pragmaText(db, "PRAGMA synchronous"), QStringLiteral("2")); // FULL
    store.setSetting(QStringLiteral("k"), QStringLiteral("committed"));
    QVERIFY(QFileInfo::exists(dbPath() + QStringLiteral("-wal")));

    Database reader(dbPath(), OpenMode::ReadOnly);
    db.transaction([&] {
        store.setSetting(QStringLiteral("k"), QStringLiteral("in flight"));
        // The writer holds its write transaction; the reader is not blocked and sees the last
        // commit (with a rollback journal this read would wait for the lock, then fail busy).
        auto st = reader.prepare("SELECT value FROM settings WHERE key = 'k'");
        QVERIFY(st.step());
        QCOMPARE(st.text(0), QStringLiteral("committed"));
    });
    auto st = reader.prepare("SELECT value FROM settings WHERE key = 'k'");
    QVERIFY(st.step());
    QCOMPARE(st.text(0), QStringLiteral("in flight"));
}

void TestWallStore::presetSaveAndReadBack() {
    Database db(dbPath());
    WallStore store(db);
    const QDateTime before = QDateTime::currentDateTimeUtc().addSecs(-1);
    const wall::Layout morning =
        layoutWith(QStringLiteral("Sáng"), QStringLiteral("Chào buổi sáng"), 3);
    const int a = store.savePreset(std::nullopt, QStringLiteral("Sáng"), morning, true);
    const int b = store.savePreset(std::nullopt, QStringLiteral("Chiều"),
                                   layoutWith(QStringLiteral("Chiều"), QStringLiteral("x")), false);
    QVERIFY(a > 0 && b > a);
    const QList<PresetInfo> list = store.presets();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list[0].id, a);
    QCOMPARE(list[0].name, QStringLiteral("Sáng"));
    QVERIFY(list[0].forLeaders);
    QVERIFY(!list[1].forLeaders);
    QCOMPARE(list[0].revision, 1);
    QVERIFY(list[0].savedAt >= before && list[0].savedAt <= QDateTime::currentDateTimeUtc());
    const auto p = store.preset(a);
    QVERIFY(p);
    QCOMPARE(p->layout, morning);
    QCOMPARE(store.presetByName(QStringLiteral("Chiều"))->info.id, b);
    QVERIFY(!store.preset(12345));
    QVERIFY(!store.presetByName(QStringLiteral("không có")));
    QCOMPARE(store.presetRevisions(a).size(), 1);
    QCOMPARE(store.presetRevision(a, 1).value_or(wall::Layout{}), morning);
}

// The presets kept in memory: what an action's transaction saved or removed is there once it
// committed, a failed transaction leaves them as they were, and a file written by another process
// (a standby's, fenced) is read, not kept.
void TestWallStore::keptPresetsFollowWhatActionsCommit() {
    Database db(dbPath());
    WallStore store(db);
    const int a = store.savePreset(std::nullopt, QStringLiteral("A"),
                                   layoutWith(QStringLiteral("A"), QStringLiteral("a")), false);
    QCOMPARE(store.presets().size(), 1); // read once and kept from here
    const auto act = [&store](wall::ActionStore::Job job) {
        std::exception_ptr result;
        store.write(std::move(job), nullptr, [&result](std::exception_ptr e) { result = e; });
        return result;
    };
    // Saved by an action: a new preset and a new revision of A.
    int b = 0;
    QVERIFY(!act([&b, a](wall::ActionTransaction &t) {
        b = t.layouts().savePreset(std::nullopt, QStringLiteral("B"),
                                   layoutWith(QStringLiteral("B"), QStringLiteral("b"), 2), true);
        t.layouts().savePreset(a, QStringLiteral("A"),
                               layoutWith(QStringLiteral("A"), QStringLiteral("a2")), false);
    }));
    QCOMPARE(store.presets().size(), 2);
    QCOMPARE(store.preset(b)->layout.tiles.size(), 2);
    QVERIFY(store.preset(b)->info.forLeaders);
    QCOMPARE(store.preset(a)->info.revision, 2);
    QCOMPARE(store.presetByName(QStringLiteral("A"))->layout.tiles[0].binding.value("text"),
             QJsonValue(QStringLiteral("a2")));
    // A transaction that fails after its save: nothing of it is shown.
    QVERIFY(act([a](wall::ActionTransaction &t) {
        t.layouts().removePreset(a);
        throw std::runtime_error("the audit row could not be written");
    }));
    QVERIFY(store.preset(a));
    // Removed by an action.
    QVERIFY(!act([b](wall::ActionTransaction &t) { t.layouts().removePreset(b); }));
    QVERIFY(!store.preset(b));
    QCOMPARE(store.presets().size(), 1);
    // Fenced (a standby): another process writes the file; the table is read, not kept.
    setWriteFence(QStringLiteral("a standby"));
    // (exec: a statement of the test's own, past the fence, as the other process's would be)
    db.exec(("INSERT INTO presets(name, for_leaders, revision, json, saved_at_ms) SELECT 'C', 0, "
             "1, json, saved_at_ms FROM presets WHERE id = " +
             QByteArray::number(a))
                .constData());
    QCOMPARE(store.presets().size(), 2);
    setWriteFence({});
    QVERIFY(store.presetByName(QStringLiteral("C")));
}

void TestWallStore::presetHistoryKeepsEveryRevision() {
    Database db(dbPath());
    WallStore store(db);
    const wall::Layout v1 = layoutWith(QStringLiteral("Sáng"), QStringLiteral("bản 1"));
    const wall::Layout v2 = layoutWith(QStringLiteral("Sáng"), QStringLiteral("bản 2"), 2);
    const wall::Layout v3 = layoutWith(QStringLiteral("Sáng mới"), QStringLiteral("bản 3"), 3);
    const int id = store.savePreset(std::nullopt, QStringLiteral("Sáng"), v1, false);
    QString error;
    try {
        QCOMPARE(store.savePreset(id, QStringLiteral("Sáng"), v2, false), id);
        QCOMPARE(store.savePreset(id, QStringLiteral("Sáng mới"), v3, true), id);
    } catch (const Error &e) {
        error = QString::fromUtf8(e.what());
        qInfo("savePreset(id) threw: %s", e.what());
    }
    // Whatever happened, the stored preset is still a consistent, readable version.
    QVERIFY(store.preset(id));
    QCOMPARE(db.integrityCheck(), QStringLiteral("ok"));
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const auto current = store.preset(id);
    QCOMPARE(current->info.revision, 3);
    QCOMPARE(current->info.name, QStringLiteral("Sáng mới"));
    QVERIFY(current->info.forLeaders);
    QCOMPARE(current->layout, v3);
    const QList<PresetInfo> revisions = store.presetRevisions(id);
    QCOMPARE(revisions.size(), 3);
    QCOMPARE(revisions[0].revision, 3); // newest first
    QCOMPARE(revisions[2].revision, 1);
    QCOMPARE(revisions[2].name, QStringLiteral("Sáng"));
    QCOMPARE(store.presetRevision(id, 1).value_or(wall::Layout{}), v1);
    QCOMPARE(store.presetRevision(id, 2).value_or(wall::Layout{}), v2);
    QCOMPARE(store.presetRevision(id, 3).value_or(wall::Layout{}), v3);
    QVERIFY(!store.presetRevision(id, 4));
}

void TestWallStore::savePresetForUnknownIdThrows() {
    Database db(dbPath());
    WallStore store(db);
    QVERIFY_THROWS_EXCEPTION(
        Error, store.savePreset(42, QStringLiteral("x"), layoutWith("x", "y"), false));
    QVERIFY(store.presets().isEmpty());
    QVERIFY(store.presetRevisions(42).isEmpty());
}

void TestWallStore::presetNamesAreUnique() {
    Database db(dbPath());
    WallStore store(db);
    const wall::Layout original = layoutWith(QStringLiteral("Một"), QStringLiteral("gốc"));
    const int id = store.savePreset(std::nullopt, QStringLiteral("Một"), original, false);
    QVERIFY_THROWS_EXCEPTION(Error, store.savePreset(std::nullopt, QStringLiteral("Một"),
                                                     layoutWith("Một", "khác"), false));
    QCOMPARE(store.presets().size(), 1);
    QCOMPARE(store.preset(id)->layout, original);
}

void TestWallStore::removePresetDeletesItAndItsHistory() {
    Database db(dbPath());
    WallStore store(db);
    const int keep =
        store.savePreset(std::nullopt, QStringLiteral("Giữ"), layoutWith("Giữ", "a"), false);
    const int gone =
        store.savePreset(std::nullopt, QStringLiteral("Xoá"), layoutWith("Xoá", "b"), false);
    QVERIFY(store.removePreset(gone));
    QVERIFY(!store.preset(gone));
    QVERIFY(!store.presetByName(QStringLiteral("Xoá")));
    QVERIFY(store.presetRevisions(gone).isEmpty());
    QVERIFY(!store.presetRevision(gone, 1));
    {
        auto st = db.prepare("SELECT COUNT(*) FROM preset_revisions WHERE preset_id = ?");
        st.bind(1, gone);
        QVERIFY(st.step());
        QCOMPARE(st.int64(0), 0); // the history went with it (ON DELETE CASCADE)
    }
    QVERIFY(!store.removePreset(gone));
    QCOMPARE(store.presets().size(), 1);
    QCOMPARE(store.presets()[0].id, keep);
    // The name is free again.
    QVERIFY(store.savePreset(std::nullopt, QStringLiteral("Xoá"), layoutWith("Xoá", "c"), false) >
            0);
}

void TestWallStore::liveLayoutHistory() {
    Database db(dbPath());
    WallStore store(db);
    const QDateTime start = QDateTime::currentDateTimeUtc().addMSecs(-5);
    const wall::Layout a = layoutWith(QStringLiteral("A"), QStringLiteral("a"));
    const wall::Layout b = layoutWith(QStringLiteral("B"), QStringLiteral("b"), 2);
    store.recordLiveLayout(a, QStringLiteral("preset.recall 1"));
    store.recordLiveLayout(b, QStringLiteral("tile.add t1"));
    QCOMPARE(store.lastLiveLayout().value_or(wall::Layout{}), b);
    // Two records in the same millisecond: the later one wins.
    QCOMPARE(store.liveLayoutAt(QDateTime::currentDateTimeUtc()).value_or(wall::Layout{}), b);
    QVERIFY(!store.liveLayoutAt(start));
}

void TestWallStore::settingsFallBackAndOverwrite() {
    Database db(dbPath());
    WallStore store(db);
    QCOMPARE(store.setting(QStringLiteral("language")), QString());
    QCOMPARE(store.setting(QStringLiteral("language"), QStringLiteral("vi")), QStringLiteral("vi"));
    store.setSetting(QStringLiteral("language"), QStringLiteral("en"));
    QCOMPARE(store.setting(QStringLiteral("language"), QStringLiteral("vi")), QStringLiteral("en"));
    store.setSetting(QStringLiteral("language"), QStringLiteral("vi"));
    QCOMPARE(store.setting(QStringLiteral("language")), QStringLiteral("vi"));
    store.setSetting(QStringLiteral("tên"), QStringLiteral("Trung tâm điều hành"));
    QCOMPARE(store.setting(QStringLiteral("tên")), QStringLiteral("Trung tâm điều hành"));
    store.setSetting(QStringLiteral("empty"), QString());
    QCOMPARE(store.setting(QStringLiteral("empty"), QStringLiteral("fallback")), QString());
}

void TestWallStore::wallConfigurationRoundTrips() {
    Database db(dbPath());
    WallStore store(db);
    wall::GridSpec spec = testsupport::demoWallSpec();
    const wall::Wall first = wall::makeGrid(spec, QStringLiteral("Tường chính"));
    store.saveWall(first);
    QCOMPARE(store.loadWall().value_or(wall::Wall{}), first);
    spec.outputCount = 4;
    wall::Wall second = wall::makeGrid(spec, QStringLiteral("Tường chính"));
    second.bezelCompensation = false;
    store.saveWall(second);
    QCOMPARE(store.loadWall().value_or(wall::Wall{}), second);
}

void TestWallStore::migrateComponentKeepsComponentVersionsIndependent() {
    Database db(dbPath());
    WallStore store(db);
    const int core = db.userVersion();
    const Migration feedsV1[] = {{1, "CREATE TABLE feeds_series(id INTEGER PRIMARY KEY)"}};
    const Migration videoV2[] = {{1, "CREATE TABLE video_sources(id INTEGER PRIMARY KEY)"},
                                 {2, "ALTER TABLE video_sources ADD COLUMN url TEXT"}};
    db.migrateComponent("feeds", feedsV1);
    db.migrateComponent("video", videoV2);
    QCOMPARE(componentVersion(db, "feeds"), 1);
    QCOMPARE(componentVersion(db, "video"), 2);
    QCOMPARE(db.userVersion(), core); // the core schema version is not theirs to move

    // feeds moves on; its first step must not run again (CREATE TABLE would fail), video stays.
    const Migration feedsV2[] = {{1, "CREATE TABLE feeds_series(id INTEGER PRIMARY KEY)"},
                                 {2, "CREATE TABLE feeds_points(series INTEGER, value REAL)"}};
    db.migrateComponent("feeds", feedsV2);
    QCOMPARE(componentVersion(db, "feeds"), 2);
    QCOMPARE(componentVersion(db, "video"), 2);
    QVERIFY(tableNames(db).contains(QLatin1String("feeds_points")));
    // Running the same list again is a no-op.
    db.migrateComponent("feeds", feedsV2);
    QCOMPARE(componentVersion(db, "feeds"), 2);

    // A broken step rolls back and leaves the component's version alone.
    const Migration broken[] = {{1, "CREATE TABLE video_sources(id INTEGER PRIMARY KEY)"},
                                {2, "ALTER TABLE video_sources ADD COLUMN url TEXT"},
                                {3, "CREATE TABLE video_x(a); NOT SQL AT ALL"}};
    QVERIFY_THROWS_EXCEPTION(Error, db.migrateComponent("video", broken));
    QCOMPARE(componentVersion(db, "video"), 2);
    QVERIFY(!tableNames(db).contains(QLatin1String("video_x")));
    QCOMPARE(componentVersion(db, "feeds"), 2);
    // The wall store still works on the shared file.
    QVERIFY(store.savePreset(std::nullopt, QStringLiteral("p"), layoutWith("p", "q"), false) > 0);
}

void TestWallStore::migrateComponentRefusesNewerComponent() {
    Database db(dbPath());
    const Migration v1[] = {{1, "CREATE TABLE maps_layers(id INTEGER PRIMARY KEY)"}};
    db.migrateComponent("maps", v1);
    db.exec("UPDATE schema_versions SET version = 7 WHERE component = 'maps'");
    try {
        db.migrateComponent("maps", v1);
        QFAIL("a newer component schema was accepted");
    } catch (const Error &e) {
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("newer")), e.what());
        QVERIFY2(QString::fromUtf8(e.what()).contains(QLatin1String("maps")), e.what());
    }
    QCOMPARE(componentVersion(db, "maps"), 7);
}

} // namespace opswall::store

QTEST_GUILESS_MAIN(opswall::store::TestWallStore)
#include "tst_wallstore.moc"
