#include "panels/panelstore.h"

#include "store/database.h"

#include <QDateTime>
#include <QJsonDocument>

#include <array>

namespace opswall::panels {

namespace {
constexpr std::array<store::Migration, 1> kMigrations = {{
    {1, "CREATE TABLE panel_config ("
        "  id INTEGER PRIMARY KEY CHECK (id = 1),"
        "  document TEXT NOT NULL,"
        "  updated_at TEXT NOT NULL)"},
}};
} // namespace

PanelStore::PanelStore(store::Database &db)
    : m_db(db) {
    m_db.migrateComponent("panels", kMigrations);
}

bool PanelStore::hasDocument() const {
    store::Statement q = m_db.prepare("SELECT 1 FROM panel_config WHERE id = 1");
    return q.step();
}

QJsonObject PanelStore::document() const {
    store::Statement q = m_db.prepare("SELECT document FROM panel_config WHERE id = 1");
    if (!q.step())
        return {};
    return QJsonDocument::fromJson(q.text(0).toUtf8()).object();
}

ParsedPanels PanelStore::load(const BindingContext &context) const {
    store::Statement q = m_db.prepare("SELECT document FROM panel_config WHERE id = 1");
    if (!q.step())
        return {PanelsConfig{}, {}};
    return parsePanels(q.text(0).toUtf8(), context);
}

void PanelStore::save(const PanelsConfig &config, std::function<void()> committed) {
    const QByteArray json = QJsonDocument(toJson(config)).toJson(QJsonDocument::Compact);
    // On the store thread (in the action's transaction when an action is being applied).
    m_db.writeThen(
        [document = QString::fromUtf8(json),
         at = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)](store::Database &db) {
            db.prepare("INSERT INTO panel_config (id, document, updated_at) VALUES (1, ?1, ?2) "
                       "ON CONFLICT(id) DO UPDATE SET document = excluded.document, "
                       "updated_at = excluded.updated_at")
                .bind(1, document)
                .bind(2, at)
                .run();
        },
        std::move(committed));
}

} // namespace opswall::panels
