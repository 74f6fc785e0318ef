#pragma once
// Persistence of the wall: its configuration, presets with every previous version kept, the live
// layout's history (so the wall at any past moment can be shown again), and settings.
// Every save is one transaction: a crash mid-save leaves the previous version intact.

#include "store/database.h"
#include "wall/actionstore.h"
#include "wall/geometry.h"
#include "wall/layout.h"
#include "wall/layoutstore.h"

#include <QDateTime>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>

#include <optional>

namespace opswall::store {

// The value types live with the interface the dispatcher uses (wall/layoutstore.h).
using PresetInfo = wall::PresetInfo;
using Preset = wall::Preset;

// The wall's store is the dispatcher's wall::ActionStore too: an action's rows are written in one
// transaction on the store thread (Database::writer()), or here when there is none.
class WallStore : public wall::ActionStore {
public:
    // Applies the core migrations to db (which must outlive the store).
    explicit WallStore(Database &db);
    // Over a connection to a file another WallStore migrated already (the store thread's writer
    // connection, for the dispatcher's jobs): no migration is run.
    struct AlreadyMigrated {};
    WallStore(Database &db, AlreadyMigrated);

    Database &database() { return m_db; }

    std::optional<wall::Wall> loadWall();
    void saveWall(const wall::Wall &wall) override;

    QList<PresetInfo> presets() override;
    std::optional<Preset> preset(int id) override;
    std::optional<Preset> presetByName(const QString &name) override;
    // Saves a new preset (id empty) or a new revision of an existing one; returns its id.
    // Throws Error when id names no preset.
    int savePreset(std::optional<int> id, const QString &name, const wall::Layout &layout,
                   bool forLeaders) override;
    bool removePreset(int id) override;
    QList<PresetInfo> presetRevisions(int id); // newest first, the current one included
    std::optional<wall::Layout> presetRevision(int id, int revision);

    // The live layout after each change, with why it changed ("preset.recall 3", "tile.move t2").
    // Returns the history row's id: the layout's persistent revision number.
    qint64 recordLiveLayout(const wall::Layout &layout, const QString &cause) override;
    std::optional<wall::Layout> liveLayoutRevision(qint64 revision);
    std::optional<wall::Layout> liveLayoutAt(const QDateTime &when);
    std::optional<wall::Layout> lastLiveLayout();
    // The newest history row's id: the persistent revision of the layout the wall last showed
    // (0 when the wall never showed one).
    qint64 lastLiveRevision();
    bool isUnavailable(const std::exception &error) const override;
    // The preset recalls in the live layout's history since sinceMs (rows whose cause is
    // "preset.recall ID"), oldest first: what the wall expects next by how often it was recalled
    // (wall::Dispatcher::setRecentPresets). Read on a worker thread's reader, never the GUI's.
    struct Recall {
        qint64 row = 0; // the history row (the layout's persistent revision)
        int preset = 0;
        qint64 atMs = 0;
    };
    static QList<Recall> presetRecalls(Database &db, qint64 sinceMs);

    QString setting(const QString &key, const QString &fallback = {});
    void setSetting(const QString &key, const QString &value);

    // wall::ActionStore: jobs on the writer connection (health reported to this database), and
    // the writes of other components (Database::write) collected while an action is applied.
    Wait write(Job job, QObject *context, Done done) override;
    std::function<void()> collect(Collector collector) override;

private:
    // The presets as committed (current revisions), kept by the WallStore that migrated (the GUI
    // thread's): read once, then updated from what each action's transaction committed (write())
    // and by this object's own saves, so that presets(), preset() and presetByName() read nothing
    // while the wall runs. Not while the process's writes are fenced (a standby: another process
    // writes the file); null then, and for the other WallStores (readers, the writer's side).
    struct Kept {
        PresetInfo info;
        std::optional<wall::Layout> layout; // none when the stored document does not parse
    };
    const QMap<int, Kept> *kept();
    static std::optional<Kept> readKept(Database &db, int id);

    Database &m_db;
    bool m_keepsPresets = false;
    std::optional<QMap<int, Kept>> m_presets;
    QSet<int> m_touched; // presets saved or removed through this object (the writer's side)
};

// The writer connection of an action's transaction made by WallStore::write: the components'
// writes that join the action (Database::write) and its audit row run on it.
Database &connectionOf(wall::ActionTransaction &transaction);

} // namespace opswall::store
