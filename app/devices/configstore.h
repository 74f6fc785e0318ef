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

// Device passwords (PJLink) are kept encrypted at rest: with secretsKey (32 bytes, from the key
// file outside the database, store/secrets.h) save() stores each "password" sealed with
// AES-256-GCM and load() opens it again; the database file never holds one in clear. A password
// that cannot be opened (another key) is dropped with an issue naming the display; a password
// stored in clear by an older version is read as it is and sealed at the next save().
class DeviceConfigStore {
public:
    // Applies the devices component's migrations; throws store::Error on a database failure.
    explicit DeviceConfigStore(store::Database &db, QByteArray secretsKey = {});

    // Nothing stored yet: a config with no bindings and no issues.
    ParsedConfig load(const QStringList &knownDisplays = {}) const;
    // Throws std::runtime_error when a password is to be saved without a key.
    void save(const DeviceConfig &config);

private:
    store::Database &m_db;
    QByteArray m_key;
};

} // namespace opswall::devices
