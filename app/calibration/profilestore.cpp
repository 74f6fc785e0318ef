#include "calibration/profilestore.h"

#include "store/database.h"
#include "store/rowid.h"
#include "store/writefence.h"

#include <QJsonDocument>

#include <array>

namespace opswall::calibration {

namespace {
constexpr std::array<store::Migration, 2> kMigrations = {{
    {1, "CREATE TABLE calibration_profile ("
        "  display_id TEXT PRIMARY KEY,"
        "  settings TEXT NOT NULL,"
        "  revision INTEGER NOT NULL,"
        "  updated_by TEXT NOT NULL,"
        "  updated_at TEXT NOT NULL);"
        "CREATE TABLE calibration_history ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  display_id TEXT NOT NULL,"
        "  settings TEXT,"
        "  by_user TEXT NOT NULL,"
        "  role TEXT NOT NULL,"
        "  via TEXT NOT NULL,"
        "  at TEXT NOT NULL,"
        "  note TEXT NOT NULL);"
        "CREATE INDEX calibration_history_display ON calibration_history(display_id, id);"
        "CREATE TABLE calibration_report ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  kind TEXT NOT NULL,"
        "  at TEXT NOT NULL,"
        "  by_user TEXT NOT NULL,"
        "  document TEXT NOT NULL);"},
    {2, "CREATE TABLE calibration_wall_revision ("
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  at TEXT NOT NULL,"
        "  by_user TEXT NOT NULL,"
        "  note TEXT NOT NULL,"
        "  wall TEXT NOT NULL);"},
}};

QString now() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QString compact(const QJsonObject &o) {
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject parseObject(const QString &s) {
    return QJsonDocument::fromJson(s.toUtf8()).object();
}

StoredProfile rowToProfile(const store::Statement &q) {
    StoredProfile p;
    p.displayId = q.text(0);
    p.settings =
        parseSettings(parseObject(q.text(1)), {}, nullptr, nullptr).value_or(PictureSettings{});
    p.revision = q.int64(2);
    p.updatedBy = q.text(3);
    p.updatedAt = QDateTime::fromString(q.text(4), Qt::ISODateWithMs);
    return p;
}
} // namespace

QJsonObject StoredProfile::toJson() const {
    return {{QStringLiteral("display"), displayId},
            {QStringLiteral("settings"), calibration::toJson(settings)},
            {QStringLiteral("revision"), revision},
            {QStringLiteral("updatedBy"), updatedBy},
            {QStringLiteral("updatedAt"), updatedAt.toString(Qt::ISODateWithMs)}};
}

ProfileStore::ProfileStore(store::Database &db)
    : m_db(db)
    , m_keeps(true) {
    m_db.migrateComponent("calibration", kMigrations);
    // Start-up: the ids of new rows are handed out later without reading (store/rowid.h), and the
    // profiles and wall revisions are kept from now on.
    store::primeRowId(m_db, "calibration_report", m_lastReport);
    store::primeRowId(m_db, "calibration_wall_revision", m_lastWallRevision);
    kept();
}

bool ProfileStore::kept() const {
    if (!m_keeps || !store::writeFence().isEmpty()) {
        m_profiles.reset(); // read again once the fence goes (a standby that took over)
        m_wallRevisions.reset();
        return false;
    }
    if (m_profiles && m_wallRevisions)
        return true;
    QMap<QString, StoredProfile> profiles;
    store::Statement q = m_db.prepare("SELECT display_id, settings, revision, updated_by, "
                                      "updated_at FROM calibration_profile");
    while (q.step()) {
        const StoredProfile p = rowToProfile(q);
        profiles.insert(p.displayId, p);
    }
    QMap<qint64, WallRevision> revisions;
    store::Statement r =
        m_db.prepare("SELECT id, at, by_user, note, wall FROM calibration_wall_revision");
    while (r.step())
        revisions.insert(r.int64(0),
                         WallRevision{r.text(1), r.text(2), r.text(3), parseObject(r.text(4))});
    m_profiles = std::move(profiles);
    m_wallRevisions = std::move(revisions);
    return true;
}

QList<StoredProfile> ProfileStore::profiles() const {
    if (kept())
        return m_profiles->values();
    QList<StoredProfile> out;
    store::Statement q = m_db.prepare("SELECT display_id, settings, revision, updated_by, "
                                      "updated_at FROM calibration_profile ORDER BY display_id");
    while (q.step())
        out.append(rowToProfile(q));
    return out;
}

std::optional<StoredProfile> ProfileStore::profile(const QString &displayId) const {
    if (kept()) {
        const auto it = m_profiles->constFind(displayId);
        return it == m_profiles->cend() ? std::nullopt : std::optional<StoredProfile>(*it);
    }
    store::Statement q = m_db.prepare("SELECT display_id, settings, revision, updated_by, "
                                      "updated_at FROM calibration_profile WHERE display_id = ?1");
    q.bind(1, displayId);
    if (!q.step())
        return std::nullopt;
    return rowToProfile(q);
}

qint64 ProfileStore::set(const QString &displayId, const PictureSettings &settings,
                         const Caller &by, const QString &note) {
    // The revision is read here (the action before this one committed); the rows are written on
    // the store thread, in the calibration action's transaction.
    qint64 revision = 0;
    if (!settings.empty() && kept()) {
        revision =
            (m_profiles->contains(displayId) ? m_profiles->value(displayId).revision : 0) + 1;
    } else if (!settings.empty()) {
        store::Statement r =
            m_db.prepare("SELECT revision FROM calibration_profile WHERE display_id = ?1");
        r.bind(1, displayId);
        revision = (r.step() ? r.int64(0) : 0) + 1;
    }
    const QString json = settings.empty() ? QString() : compact(toJson(settings));
    const QString at = now();
    // What the profile is once the rows are committed (kept: see the header).
    auto committed = [this, next = StoredProfile{displayId, settings, revision, by.user,
                                                 QDateTime::fromString(at, Qt::ISODateWithMs)}] {
        if (!m_profiles)
            return;
        if (next.settings.empty())
            m_profiles->remove(next.displayId);
        else
            m_profiles->insert(next.displayId, next);
    };
    m_db.writeThen(
        [displayId, json, revision, by, note, at](store::Database &db) {
            db.transaction([&] {
                if (json.isEmpty()) {
                    db.prepare("DELETE FROM calibration_profile WHERE display_id = ?1")
                        .bind(1, displayId)
                        .run();
                } else {
                    db.prepare(
                          "INSERT INTO calibration_profile (display_id, settings, revision, "
                          "updated_by, updated_at) VALUES (?1, ?2, ?3, ?4, ?5) "
                          "ON CONFLICT(display_id) DO UPDATE SET settings = excluded.settings, "
                          "revision = excluded.revision, updated_by = excluded.updated_by, "
                          "updated_at = excluded.updated_at")
                        .bind(1, displayId)
                        .bind(2, json)
                        .bind(3, std::int64_t(revision))
                        .bind(4, by.user)
                        .bind(5, at)
                        .run();
                }
                store::Statement h = db.prepare("INSERT INTO calibration_history (display_id, "
                                                "settings, by_user, role, via, at, note) "
                                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
                h.bind(1, displayId);
                if (json.isEmpty())
                    h.bindNull(2);
                else
                    h.bind(2, json);
                h.bind(3, by.user)
                    .bind(4, roleName(by.role))
                    .bind(5, by.via)
                    .bind(6, at)
                    .bind(7, note);
                h.run();
            });
        },
        std::move(committed));
    return revision;
}

QJsonArray ProfileStore::history(const QString &displayId, int limit) const {
    QJsonArray out;
    store::Statement q =
        m_db.prepare("SELECT id, settings, by_user, role, via, at, note FROM calibration_history "
                     "WHERE display_id = ?1 ORDER BY id DESC LIMIT ?2");
    q.bind(1, displayId).bind(2, limit);
    while (q.step())
        out.append(QJsonObject{
            {QStringLiteral("id"), qint64(q.int64(0))},
            {QStringLiteral("settings"),
             q.isNull(1) ? QJsonValue(QJsonValue::Null) : QJsonValue(parseObject(q.text(1)))},
            {QStringLiteral("by"), q.text(2)},
            {QStringLiteral("role"), q.text(3)},
            {QStringLiteral("via"), q.text(4)},
            {QStringLiteral("at"), q.text(5)},
            {QStringLiteral("note"), q.text(6)}});
    return out;
}

namespace {
store::Database::WriteJob reportRow(qint64 id, const QString &kind, const QString &at,
                                    const QString &user, const QString &doc) {
    return [id, kind, at, user, doc](store::Database &db) {
        db.prepare("INSERT INTO calibration_report (id, kind, at, by_user, document) "
                   "VALUES (?1, ?2, ?3, ?4, ?5)")
            .bind(1, std::int64_t(id))
            .bind(2, kind)
            .bind(3, at)
            .bind(4, user)
            .bind(5, doc)
            .run();
    };
}
} // namespace

qint64 ProfileStore::addReport(const QString &kind, const Caller &by, const QJsonObject &document) {
    const qint64 id = store::nextRowId(m_db, "calibration_report", m_lastReport);
    m_db.write(reportRow(id, kind, now(), by.user, compact(document)));
    return id;
}

qint64 ProfileStore::addReportThen(const QString &kind, const Caller &by,
                                   const QJsonObject &document, std::function<void()> committed) {
    const qint64 id = store::nextRowId(m_db, "calibration_report", m_lastReport);
    m_db.writeThen(reportRow(id, kind, now(), by.user, compact(document)), std::move(committed));
    return id;
}

void ProfileStore::addReport(const QString &kind, const Caller &by, const QJsonObject &document,
                             std::function<void(qint64 id, std::exception_ptr)> done) {
    const qint64 id = store::nextRowId(m_db, "calibration_report", m_lastReport);
    m_db.write(reportRow(id, kind, now(), by.user, compact(document)),
               [id, done = std::move(done)](std::exception_ptr error) { done(id, error); });
}

QJsonArray ProfileStore::reports(const QString &kind, int limit) const {
    QJsonArray out;
    store::Statement q =
        m_db.prepare("SELECT id, kind, at, by_user, document FROM calibration_report "
                     "WHERE ?1 = '' OR kind = ?1 ORDER BY id DESC LIMIT ?2");
    q.bind(1, kind).bind(2, limit);
    while (q.step())
        out.append(QJsonObject{{QStringLiteral("id"), qint64(q.int64(0))},
                               {QStringLiteral("kind"), q.text(1)},
                               {QStringLiteral("at"), q.text(2)},
                               {QStringLiteral("by"), q.text(3)},
                               {QStringLiteral("report"), parseObject(q.text(4))}});
    return out;
}

qint64 ProfileStore::addWallRevision(const Caller &by, const QString &note,
                                     const QJsonObject &wall) {
    const qint64 id = store::nextRowId(m_db, "calibration_wall_revision", m_lastWallRevision);
    const WallRevision row{now(), by.user, note, wall};
    m_db.writeThen(
        [id, row, doc = compact(wall)](store::Database &db) {
            db.prepare("INSERT INTO calibration_wall_revision (id, at, by_user, note, wall) "
                       "VALUES (?1, ?2, ?3, ?4, ?5)")
                .bind(1, std::int64_t(id))
                .bind(2, row.at)
                .bind(3, row.by)
                .bind(4, row.note)
                .bind(5, doc)
                .run();
        },
        [this, id, row] {
            if (m_wallRevisions)
                m_wallRevisions->insert(id, row);
        });
    return id;
}

QJsonArray ProfileStore::wallRevisions(int limit) const {
    QJsonArray out;
    if (kept()) {
        for (auto it = m_wallRevisions->cend(); it != m_wallRevisions->cbegin() && limit > 0;
             --limit) {
            --it; // newest first
            out.append(QJsonObject{{QStringLiteral("revision"), qint64(it.key())},
                                   {QStringLiteral("at"), it.value().at},
                                   {QStringLiteral("by"), it.value().by},
                                   {QStringLiteral("note"), it.value().note}});
        }
        return out;
    }
    store::Statement q = m_db.prepare("SELECT id, at, by_user, note FROM calibration_wall_revision "
                                      "ORDER BY id DESC LIMIT ?1");
    q.bind(1, limit);
    while (q.step())
        out.append(QJsonObject{{QStringLiteral("revision"), qint64(q.int64(0))},
                               {QStringLiteral("at"), q.text(1)},
                               {QStringLiteral("by"), q.text(2)},
                               {QStringLiteral("note"), q.text(3)}});
    return out;
}

std::optional<QJsonObject> ProfileStore::wallRevision(qint64 id) const {
    if (kept()) {
        const auto it = m_wallRevisions->constFind(id);
        return it == m_wallRevisions->cend() ? std::nullopt : std::optional(it->wall);
    }
    store::Statement q = m_db.prepare("SELECT wall FROM calibration_wall_revision WHERE id = ?1");
    q.bind(1, std::int64_t(id));
    if (!q.step())
        return std::nullopt;
    return parseObject(q.text(0));
}

void ProfileStore::removeWallRevision(qint64 id) {
    m_db.writeThen(
        [id](store::Database &db) {
            db.prepare("DELETE FROM calibration_wall_revision WHERE id = ?1")
                .bind(1, std::int64_t(id))
                .run();
        },
        [this, id] {
            if (m_wallRevisions)
                m_wallRevisions->remove(id);
        });
}

} // namespace opswall::calibration
