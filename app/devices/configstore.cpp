#include "devices/configstore.h"

#include "store/database.h"
#include "store/secrets.h"

#include <QDateTime>
#include <QJsonDocument>

#include <array>
#include <stdexcept>

namespace opswall::devices {

namespace {
constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "CREATE TABLE device_config ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  document TEXT NOT NULL,"
        "  updated_at TEXT NOT NULL)"},
}};
} // namespace

DeviceConfigStore::DeviceConfigStore(store::Database &db, QByteArray secretsKey)
    : m_db(db)
    , m_key(std::move(secretsKey)) {
    m_db.migrateComponent("devices", kMigrations);
}

ParsedConfig DeviceConfigStore::load(const QStringList &knownDisplays) const {
    store::Statement q = m_db.prepare("SELECT document FROM device_config WHERE id = 1");
    if (!q.step())
        return {DeviceConfig{}, {}};
    QJsonObject doc = QJsonDocument::fromJson(q.text(0).toUtf8()).object();
    QJsonObject displays = doc.value(QStringLiteral("displays")).toObject();
    QList<Issue> unsealIssues;
    for (auto it = displays.begin(); it != displays.end(); ++it) {
        QJsonObject d = it->toObject();
        const QString pw = d.value(QStringLiteral("password")).toString();
        if (!store::secrets::isSealed(pw))
            continue;
        if (const auto plain = store::secrets::unseal(m_key, pw)) {
            d.insert(QStringLiteral("password"), *plain);
        } else {
            d.remove(QStringLiteral("password"));
            unsealIssues.append({QStringLiteral("displays.%1.password").arg(it.key()),
                                 QStringLiteral("cannot be decrypted with this wall's secrets key "
                                                "(the key file was replaced?); enter it again")});
        }
        *it = d;
    }
    doc.insert(QStringLiteral("displays"), displays);
    ParsedConfig parsed =
        parseDeviceConfig(QJsonDocument(doc).toJson(QJsonDocument::Compact), knownDisplays);
    parsed.issues += unsealIssues;
    return parsed;
}

void DeviceConfigStore::save(const DeviceConfig &config) {
    QJsonObject doc = toJson(config);
    QJsonObject displays = doc.value(QStringLiteral("displays")).toObject();
    for (auto it = displays.begin(); it != displays.end(); ++it) {
        QJsonObject d = it->toObject();
        if (!d.contains(QStringLiteral("password")))
            continue;
        if (m_key.size() != 32)
            throw std::runtime_error("device passwords are only stored encrypted, and no secrets "
                                     "key is configured");
        d.insert(QStringLiteral("password"),
                 store::secrets::seal(m_key, d.value(QStringLiteral("password")).toString()));
        *it = d;
    }
    doc.insert(QStringLiteral("displays"), displays);
    const QByteArray json = QJsonDocument(doc).toJson(QJsonDocument::Compact);
    // On the store thread (in the action's transaction when an action is being applied).
    m_db.write([document = QString::fromUtf8(json), at = QDateTime::currentDateTimeUtc().toString(
                                                        Qt::ISODateWithMs)](store::Database &db) {
        db.prepare("INSERT INTO device_config (id, document, updated_at) VALUES (1, ?1, ?2) "
                   "ON CONFLICT(id) DO UPDATE SET document = excluded.document, "
                   "updated_at = excluded.updated_at")
            .bind(1, document)
            .bind(2, at)
            .run();
    });
}

} // namespace opswall::devices
