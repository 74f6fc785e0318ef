#include "sourcestore.h"

#include "store/database.h"

#include <QDateTime>
#include <QJsonDocument>

namespace opswall::video {

namespace {
constexpr store::Migration kMigrations[] = {
    {1, "CREATE TABLE video_sources ("
        " id TEXT PRIMARY KEY,"
        " kind TEXT NOT NULL,"
        " json TEXT NOT NULL,"
        " updated_at_ms INTEGER NOT NULL)"},
};

std::optional<VideoSource> fromRow(const QString &json) {
    const SourceParse parsed = sourceFromJson(QJsonDocument::fromJson(json.toUtf8()).object());
    return parsed.source;
}
} // namespace

SourceStore::SourceStore(store::Database &db)
    : m_db(db) {
    m_db.migrateComponent("video", kMigrations);
}

QList<VideoSource> SourceStore::list() {
    QList<VideoSource> out;
    auto st = m_db.prepare("SELECT json FROM video_sources ORDER BY id");
    while (st.step()) {
        if (auto s = fromRow(st.text(0)))
            out.append(*s);
    }
    return out;
}

std::optional<VideoSource> SourceStore::find(const QString &id) {
    auto st = m_db.prepare("SELECT json FROM video_sources WHERE id = ?1");
    st.bind(1, id);
    if (!st.step())
        return std::nullopt;
    return fromRow(st.text(0));
}

namespace {
void writeSource(store::Database &db, const VideoSource &source, qint64 atMs) {
    db.cached("INSERT INTO video_sources(id, kind, json, updated_at_ms) "
              "VALUES (?1, ?2, ?3, ?4) ON CONFLICT(id) DO UPDATE SET "
              "kind = excluded.kind, json = excluded.json, "
              "updated_at_ms = excluded.updated_at_ms")
        .bind(1, source.id)
        .bind(2, sourceKindName(source.kind))
        .bind(3, QString::fromUtf8(QJsonDocument(source.toJson()).toJson(QJsonDocument::Compact)))
        .bind(4, atMs)
        .run();
}
} // namespace

std::optional<SourceError> SourceStore::upsert(const VideoSource &source,
                                               std::function<void()> committed) {
    if (auto bad = validateSource(source))
        return bad;
    // On the store thread (in the action's transaction when a source.save is being applied).
    m_db.writeThen([source, at = QDateTime::currentMSecsSinceEpoch()](
                       store::Database &db) { writeSource(db, source, at); },
                   std::move(committed));
    return std::nullopt;
}

QList<SourceError> SourceStore::importJson(const QByteArray &json) {
    const SourceImport imported = importSources(json);
    if (!imported.ok())
        return imported.errors;
    m_db.write([sources = imported.sources,
                at = QDateTime::currentMSecsSinceEpoch()](store::Database &db) {
        db.transaction([&] {
            for (const VideoSource &s : sources)
                writeSource(db, s, at);
        });
    });
    return {};
}

void SourceStore::remove(const QString &id, std::function<void()> committed) {
    m_db.writeThen(
        [id](store::Database &db) {
            db.cached("DELETE FROM video_sources WHERE id = ?1").bind(1, id).run();
        },
        std::move(committed));
}

} // namespace opswall::video
