#pragma once
// Calibration profiles in SQLite with their history (who set what, when), and the stored
// reports (apply runs, read-backs, uniformity sessions). Owner thread only: the GUI thread's
// Database (ids, writes through Database::write), or a worker thread's reader (AlreadyMigrated:
// the API's reads, CalibrationService::storeRead).
//
// The store that migrated (the GUI thread's) keeps the profiles and the wall revisions in memory:
// read once when it is made (start-up), then changed only by what its own writes committed
// (Database::writeThen), so the calibration actions read no table while the wall runs. Not while
// the process's writes are fenced (a standby: another process writes the file): the tables are
// read then, and again once the fence goes. History and reports are read from the tables (the
// API reads them on a worker thread's reader).
//
// Tables (component "calibration"):
//   calibration_profile(display_id PK, settings JSON, revision, updated_by, updated_at)
//   calibration_history(id, display_id, settings JSON or NULL when removed, by_user, role, via,
//                       at, note)
//   calibration_report(id, kind, at, by_user, document JSON)
#include "calibration/settings.h"
#include "core/action.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonObject>
#include <QMap>

#include <cstdint>
#include <exception>
#include <functional>
#include <optional>

namespace opswall::store {
class Database;
}

namespace opswall::calibration {

struct StoredProfile {
    QString displayId;
    PictureSettings settings;
    qint64 revision = 0;
    QString updatedBy;
    QDateTime updatedAt;
    QJsonObject toJson() const;
};

class ProfileStore {
public:
    explicit ProfileStore(store::Database &db); // migrates
    // On a connection whose tables are made already (a worker thread's reader): reads only.
    struct AlreadyMigrated {};
    ProfileStore(store::Database &db, AlreadyMigrated)
        : m_db(db) {}
    QList<StoredProfile> profiles() const; // by display id
    std::optional<StoredProfile> profile(const QString &displayId) const;
    // Replaces the display's profile (an empty settings object removes it) and writes a history
    // row, in one transaction. Returns the new revision (0 when removed).
    qint64 set(const QString &displayId, const PictureSettings &settings, const Caller &by,
               const QString &note);
    // Newest first.
    QJsonArray history(const QString &displayId, int limit = 100) const;
    qint64 addReport(const QString &kind, const Caller &by, const QJsonObject &document);
    // The same outside an action, with done called on this thread with the row's id once the row
    // is committed (a null error) or refused (Database::write with a completion).
    void addReport(const QString &kind, const Caller &by, const QJsonObject &document,
                   std::function<void(qint64 id, std::exception_ptr)> done);
    // The same inside an action (Database::writeThen): the row joins the action's transaction and
    // committed runs on this thread once it is committed (never when the store refused it).
    qint64 addReportThen(const QString &kind, const Caller &by, const QJsonObject &document,
                         std::function<void()> committed);
    // Newest first; kind empty = all.
    QJsonArray reports(const QString &kind, int limit = 20) const;
    // Wall geometry revisions saved during set-up (wall JSON), newest first; and the latest two.
    qint64 addWallRevision(const Caller &by, const QString &note, const QJsonObject &wall);
    QJsonArray wallRevisions(int limit = 20) const;
    std::optional<QJsonObject> wallRevision(qint64 id) const;
    void removeWallRevision(qint64 id);

    store::Database &database() const { return m_db; }

private:
    struct WallRevision {
        QString at;
        QString by;
        QString note;
        QJsonObject wall;
    };
    // True when the profiles and wall revisions are kept (read now when they are not held yet).
    bool kept() const;

    store::Database &m_db;
    bool m_keeps = false;
    mutable std::optional<QMap<QString, StoredProfile>> m_profiles;
    mutable std::optional<QMap<qint64, WallRevision>> m_wallRevisions;
    // Ids of rows on their way to the disk (store/rowid.h): writes go to the store thread.
    std::int64_t m_lastReport = 0;
    std::int64_t m_lastWallRevision = 0;
};

} // namespace opswall::calibration
