#pragma once
// Video sources in SQLite, in the component's own table (Database::migrateComponent("video")).
// Each row keeps the source's JSON form, so fields can be added without a migration.
// Owned by the thread that owns the Database.

#include "videosource.h"

#include <QList>

#include <functional>
#include <optional>

namespace opswall::store {
class Database;
}

namespace opswall::video {

class SourceStore {
public:
    explicit SourceStore(store::Database &db); // applies the video migrations
    QList<VideoSource> list();
    std::optional<VideoSource> find(const QString &id);
    // Validates first; on a fault nothing is written and the fault is returned. The row is
    // written on the store thread (store::Database::write; in the action's transaction while a
    // source.save is applied); committed (may be empty) runs once it is committed.
    std::optional<SourceError> upsert(const VideoSource &source,
                                      std::function<void()> committed = {});
    // All-or-nothing import of an import document (see importSources); returns the errors.
    QList<SourceError> importJson(const QByteArray &json);
    // Deletes the row of that id (if any) on the store thread, then runs committed. No read
    // first: the caller knows its sources in memory (VideoHub), and the GUI thread never waits
    // on the disk.
    void remove(const QString &id, std::function<void()> committed = {});

private:
    store::Database &m_db;
};

} // namespace opswall::video
