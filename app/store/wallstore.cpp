#include "store/wallstore.h"
#include "caught.h"

#include "store/storethread.h"
#include "store/writefence.h"

#include <memory>

#include "wall/walljson.h"

#include <QJsonDocument>
#include <QTimeZone>

namespace opswall::store {

namespace {

// Core schema, keyed on PRAGMA user_version. Never edit a shipped migration: add a new one.
constexpr Migration kMigrations[] = {
    {1, R"sql(
        CREATE TABLE wall_config(
            id INTEGER PRIMARY KEY CHECK (id = 1),
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL);
        CREATE TABLE presets(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE,
            for_leaders INTEGER NOT NULL DEFAULT 0,
            revision INTEGER NOT NULL,
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL);
        CREATE TABLE preset_revisions(
            preset_id INTEGER NOT NULL REFERENCES presets(id) ON DELETE CASCADE,
            revision INTEGER NOT NULL,
            name TEXT NOT NULL,
            json TEXT NOT NULL,
            saved_at_ms INTEGER NOT NULL,
            PRIMARY KEY (preset_id, revision));
        CREATE TABLE live_layouts(
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_ms INTEGER NOT NULL,
            cause TEXT NOT NULL,
            json TEXT NOT NULL);
        CREATE INDEX live_layouts_at ON live_layouts(at_ms);
        CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    )sql"},
};

QString toText(const QJsonObject &o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject fromText(const QString &s) {
    return QJsonDocument::fromJson(s.toUtf8()).object();
}

std::optional<wall::Layout> parseStored(const QString &json) {
    auto parsed = wall::layoutFromJson(fromText(json));
    if (!parsed.ok())
        return std::nullopt; // a stored layout always validated when saved; never expected
    return parsed.layout;
}

qint64 nowMs() {
    return QDateTime::currentMSecsSinceEpoch();
}

PresetInfo readInfo(const Statement &st) {
    return {int(st.int64(0)), st.text(1), st.int64(2) != 0, int(st.int64(3)),
            QDateTime::fromMSecsSinceEpoch(st.int64(4), Qt::UTC)};
}

} // namespace

WallStore::WallStore(Database &db)
    : m_db(db)
    , m_keepsPresets(true) {
    m_db.migrate(kMigrations);
}

WallStore::WallStore(Database &db, AlreadyMigrated)
    : m_db(db) {}

std::optional<wall::Wall> WallStore::loadWall() {
    auto st = m_db.prepare("SELECT json FROM wall_config WHERE id = 1");
    if (!st.step())
        return std::nullopt;
    auto parsed = wall::wallFromJson(fromText(st.text(0)));
    if (!parsed.ok())
        return std::nullopt;
    return parsed.wall;
}

void WallStore::saveWall(const wall::Wall &wall) {
    auto st = m_db.prepare("INSERT INTO wall_config(id, json, saved_at_ms) VALUES(1, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET json=excluded.json, "
                           "saved_at_ms=excluded.saved_at_ms");
    st.bind(1, toText(wall::wallToJson(wall))).bind(2, nowMs()).run();
}

const QMap<int, WallStore::Kept> *WallStore::kept() {
    if (!m_keepsPresets || !writeFence().isEmpty()) {
        m_presets.reset(); // read again once the fence goes (a standby that took over)
        return nullptr;
    }
    if (!m_presets) {
        QMap<int, Kept> all;
        auto st = m_db.prepare("SELECT id, name, for_leaders, revision, saved_at_ms, json FROM "
                               "presets ORDER BY id");
        while (st.step())
            all.insert(int(st.int64(0)), Kept{readInfo(st), parseStored(st.text(5))});
        m_presets = std::move(all);
    }
    return &*m_presets;
}

std::optional<WallStore::Kept> WallStore::readKept(Database &db, int id) {
    auto st = db.prepare(
        "SELECT id, name, for_leaders, revision, saved_at_ms, json FROM presets WHERE id = ?");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    return Kept{readInfo(st), parseStored(st.text(5))};
}

QList<PresetInfo> WallStore::presets() {
    QList<PresetInfo> list;
    if (const QMap<int, Kept> *all = kept()) {
        for (const Kept &k : *all)
            list.append(k.info);
        return list;
    }
    auto st = m_db.prepare(
        "SELECT id, name, for_leaders, revision, saved_at_ms FROM presets ORDER BY id");
    while (st.step())
        list.append(readInfo(st));
    return list;
}

std::optional<Preset> WallStore::preset(int id) {
    std::optional<Kept> k;
    if (const QMap<int, Kept> *all = kept()) {
        if (const auto it = all->constFind(id); it != all->cend())
            k = *it;
    } else {
        k = readKept(m_db, id);
    }
    if (!k || !k->layout)
        return std::nullopt;
    return Preset{k->info, *k->layout};
}

std::optional<Preset> WallStore::presetByName(const QString &name) {
    if (const QMap<int, Kept> *all = kept()) {
        for (const Kept &k : *all)
            if (k.info.name == name)
                return preset(k.info.id);
        return std::nullopt;
    }
    auto st = m_db.prepare("SELECT id FROM presets WHERE name = ?");
    st.bind(1, name);
    if (!st.step())
        return std::nullopt;
    return preset(int(st.int64(0)));
}

int WallStore::savePreset(std::optional<int> id, const QString &name, const wall::Layout &layout,
                          bool forLeaders) {
    const QString json = toText(wall::layoutToJson(layout));
    int result = 0;
    m_db.transaction([&] {
        const qint64 at = nowMs();
        if (!id) {
            auto ins = m_db.prepare("INSERT INTO presets(name, for_leaders, revision, json, "
                                    "saved_at_ms) VALUES(?, ?, 1, ?, ?)");
            ins.bind(1, name).bind(2, forLeaders ? 1 : 0).bind(3, json).bind(4, at).run();
            result = int(m_db.lastInsertRowId());
        } else {
            // Every saved version is already in preset_revisions (recorded below when it was
            // saved), so replacing the current one loses nothing.
            auto exists = m_db.prepare("SELECT 1 FROM presets WHERE id = ?");
            exists.bind(1, *id);
            if (!exists.step())
                throw Error("preset " + std::to_string(*id) + " does not exist", 0);
            auto up =
                m_db.prepare("UPDATE presets SET name = ?, for_leaders = ?, "
                             "revision = revision + 1, json = ?, saved_at_ms = ? WHERE id = ?");
            up.bind(1, name)
                .bind(2, forLeaders ? 1 : 0)
                .bind(3, json)
                .bind(4, at)
                .bind(5, *id)
                .run();
            result = *id;
        }
        auto rev = m_db.prepare(
            "INSERT INTO preset_revisions(preset_id, revision, name, json, saved_at_ms) "
            "SELECT id, revision, name, json, saved_at_ms FROM presets WHERE id = ?");
        rev.bind(1, result).run();
    });
    m_touched.insert(result);
    m_presets.reset(); // read again (only the GUI thread's saves at start-up come here)
    return result;
}

bool WallStore::removePreset(int id) {
    m_touched.insert(id);
    m_presets.reset();
    auto st = m_db.prepare("DELETE FROM presets WHERE id = ?");
    st.bind(1, id).run();
    return m_db.changes() > 0;
}

QList<PresetInfo> WallStore::presetRevisions(int id) {
    QList<PresetInfo> list;
    auto st = m_db.prepare("SELECT r.preset_id, r.name, p.for_leaders, r.revision, r.saved_at_ms "
                           "FROM preset_revisions r JOIN presets p ON p.id = r.preset_id "
                           "WHERE r.preset_id = ? ORDER BY r.revision DESC");
    st.bind(1, id);
    while (st.step())
        list.append(readInfo(st));
    return list;
}

std::optional<wall::Layout> WallStore::presetRevision(int id, int revision) {
    auto st =
        m_db.prepare("SELECT json FROM preset_revisions WHERE preset_id = ? AND revision = ?");
    st.bind(1, id).bind(2, revision);
    if (!st.step())
        return std::nullopt;
    return parseStored(st.text(0));
}

qint64 WallStore::recordLiveLayout(const wall::Layout &layout, const QString &cause) {
    m_db.cached("INSERT INTO live_layouts(at_ms, cause, json) VALUES(?, ?, ?)")
        .bind(1, nowMs())
        .bind(2, cause)
        .bind(3, toText(wall::layoutToJson(layout)))
        .run();
    return m_db.lastInsertRowId();
}

std::optional<wall::Layout> WallStore::liveLayoutRevision(qint64 revision) {
    auto st = m_db.prepare("SELECT json FROM live_layouts WHERE id = ?");
    st.bind(1, revision);
    if (!st.step())
        return std::nullopt;
    return parseStored(st.text(0));
}

std::optional<wall::Layout> WallStore::liveLayoutAt(const QDateTime &when) {
    auto st = m_db.prepare(
        "SELECT json FROM live_layouts WHERE at_ms <= ? ORDER BY at_ms DESC, id DESC LIMIT 1");
    st.bind(1, when.toMSecsSinceEpoch());
    if (!st.step())
        return std::nullopt;
    return parseStored(st.text(0));
}

std::optional<wall::Layout> WallStore::lastLiveLayout() {
    auto st = m_db.prepare("SELECT json FROM live_layouts ORDER BY id DESC LIMIT 1");
    if (!st.step())
        return std::nullopt;
    return parseStored(st.text(0));
}

qint64 WallStore::lastLiveRevision() {
    auto st = m_db.prepare("SELECT id FROM live_layouts ORDER BY id DESC LIMIT 1");
    return st.step() ? st.int64(0) : 0;
}

QList<WallStore::Recall> WallStore::presetRecalls(Database &db, qint64 sinceMs) {
    auto st = db.prepare("SELECT id, at_ms, cause FROM live_layouts WHERE at_ms >= ? AND cause "
                         "LIKE 'preset.recall %' ORDER BY id");
    st.bind(1, sinceMs);
    QList<Recall> out;
    while (st.step()) {
        bool ok = false;
        const int preset = st.text(2).section(u' ', 1, 1).toInt(&ok);
        if (ok && preset > 0)
            out.append({st.int64(0), preset, st.int64(1)});
    }
    return out;
}

namespace {
// One action's transaction on the writer connection.
class WriterTransaction final : public wall::ActionTransaction {
public:
    explicit WriterTransaction(Database &db)
        : connection(db)
        , store(db, WallStore::AlreadyMigrated{}) {}
    wall::LayoutStore &layouts() override { return store; }
    Database &connection;
    WallStore store;
};
} // namespace

Database &connectionOf(wall::ActionTransaction &transaction) {
    return static_cast<WriterTransaction &>(transaction).connection;
}

wall::ActionStore::Wait WallStore::write(Job job, QObject *context, Done done) {
    // The presets the action saved or removed, as its transaction leaves them: the kept presets
    // take them once it committed.
    auto changed = std::make_shared<QMap<int, std::optional<Kept>>>();
    StoreThread::Job run = [job = std::move(job), changed](Database &on) {
        on.transaction([&] {
            WriterTransaction transaction(on);
            job(transaction);
            for (const int id : std::as_const(transaction.store.m_touched))
                changed->insert(id, readKept(on, id));
        });
    };
    done = [this, changed, done = std::move(done)](std::exception_ptr error) {
        if (!error && m_presets)
            for (auto it = changed->cbegin(); it != changed->cend(); ++it) {
                if (it.value())
                    m_presets->insert(it.key(), *it.value());
                else
                    m_presets->remove(it.key());
            }
        if (done)
            done(error);
    };
    if (StoreThread *writer = m_db.writer()) {
        auto ticket = writer->post(std::move(run), context, std::move(done), &m_db);
        return [ticket] { ticket->wait(); };
    }
    const std::exception_ptr error = caught([&] { run(m_db); });
    if (done)
        done(error);
    return {};
}

std::function<void()> WallStore::collect(Collector collector) {
    auto previous = std::make_shared<Database::WriteCollector>(
        m_db.setWriteCollector([collector = std::move(collector)](Database::WriteJob job,
                                                                  std::function<void()> committed) {
            collector([job = std::move(job)](
                          wall::ActionTransaction &transaction) { job(connectionOf(transaction)); },
                      std::move(committed));
        }));
    return [this, previous] { m_db.setWriteCollector(std::move(*previous)); };
}

bool WallStore::isUnavailable(const std::exception &error) const {
    const auto *e = dynamic_cast<const Error *>(&error);
    return e && store::isUnavailable(*e);
}

QString WallStore::setting(const QString &key, const QString &fallback) {
    auto st = m_db.prepare("SELECT value FROM settings WHERE key = ?");
    st.bind(1, key);
    return st.step() ? st.text(0) : fallback;
}

// With a store thread (Database::writer) the row is written there and the caller does not wait
// (a node's cache, the applied wall file); without one, here, and a failure is thrown.
void WallStore::setSetting(const QString &key, const QString &value) {
    const auto row = [key, value](Database &db) {
        db.cached("INSERT INTO settings(key, value) VALUES(?, ?) "
                  "ON CONFLICT(key) DO UPDATE SET value=excluded.value")
            .bind(1, key)
            .bind(2, value)
            .run();
    };
    if (m_db.writer()) {
        m_db.write(row); // the store thread's; a failure is logged and reaches the store alert
        return;
    }
    row(m_db); // no store thread (tests, tools): here, and a failure is thrown
}

} // namespace opswall::store
