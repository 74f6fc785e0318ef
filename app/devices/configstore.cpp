#include "devices/configstore.h"

#include "store/database.h"

#include <QDateTime>
#include <QJsonDocument>

#include <array>

namespace opswall::devices {

namespace {
constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "CREATE TABLE device_config ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  document TEXT NOT NULL,"
        "  updated_at TEXT NOT NULL)"},
}};
} // namespace

DeviceConfigStore::DeviceConfigStore(store::Database &db)
    : m_db(db) {
    m_db.migrateComponent("devices", kMigrations);
}

ParsedConfig DeviceConfigStore::load(const QStringList &knownDisplays) const {
    store::Statement q = m_db.prepare("SELECT document FROM device_config WHERE id = 1");
    if (!q.step())
        return {DeviceConfig{}, {}};
    return parseDeviceConfig(q.text(0).toUtf8(), knownDisplays);
}

void DeviceConfigStore::save(const DeviceConfig &config) {
    const QByteArray json = QJsonDocument(toJson(config)).toJson(QJsonDocument::Compact);
    m_db.prepare("INSERT INTO device_config (id, document, updated_at) VALUES (1, ?1, ?2) "
                 "ON CONFLICT(id) DO UPDATE SET document = excluded.document, "
                 "updated_at = excluded.updated_at")
        .bind(1, QString::fromUtf8(json))
        .bind(2, QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs))
        .run();
}

} // namespace opswall::devices
