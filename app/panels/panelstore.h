#pragma once
// Persists the "opswall.panels" document in the wall's SQLite file, in the panels component's
// own table (Database::migrateComponent). Stored as JSON and validated again on load against
// the wall as it is then, so a binding to a preset deleted since is reported, not acted on.
#include "panels/panelsconfig.h"

#include <functional>

namespace opswall::store {
class Database;
}

namespace opswall::panels {

class PanelStore {
public:
    // Applies the panels component's migrations; throws store::Error on a database failure.
    explicit PanelStore(store::Database &db);
    // Over a connection whose tables are made already (the wall's, after start-up): no migration
    // is run, so a save reads nothing on the caller's thread.
    struct AlreadyMigrated {};
    PanelStore(store::Database &db, AlreadyMigrated)
        : m_db(db) {}

    bool hasDocument() const;
    ParsedPanels load(const BindingContext &context) const; // nothing stored: an empty config
    QJsonObject document() const;                           // as stored ({} when none)
    // Writes config on the store thread (in the action's transaction inside an action);
    // committed (may be empty) runs on this thread once the row is committed, never when the
    // write failed: the caller changes its in-memory panels there, so a refused write changes
    // nothing.
    void save(const PanelsConfig &config, std::function<void()> committed = {});

private:
    store::Database &m_db;
};

} // namespace opswall::panels
