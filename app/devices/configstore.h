#pragma once
// Persists the "opswall.devices" document (bindings, thresholds, power schedules) in the wall's
// SQLite file, in the devices component's own table (Database::migrateComponent). The document
// is stored as JSON and validated again on load, so a file edited by hand or written by an
// older version is checked the same way as an import.
#include "devices/bindings.h"

namespace opswall::store {
class Database;
}

namespace opswall::devices {

class DeviceConfigStore {
public:
    // Applies the devices component's migrations; throws store::Error on a database failure.
    explicit DeviceConfigStore(store::Database &db);

    // Nothing stored yet: a config with no bindings and no issues.
    ParsedConfig load(const QStringList &knownDisplays = {}) const;
    void save(const DeviceConfig &config);

private:
    store::Database &m_db;
};

} // namespace opswall::devices
