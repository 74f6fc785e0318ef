#include "control/auditlog.h"

#include "control/crypto.h"
#include "control/schema.h"
#include "store/database.h"
#include "store/secrets.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QSaveFile>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

namespace opswall::control {

namespace {
QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject parseObject(const QString &text) {
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

struct Row {
    std::int64_t id;
    std::int64_t timeMs;
    QString user, role, via, remote, action, params;
    bool ok;
    QString code, message, result;
};

// The bytes hashed for one row. QJsonObject keeps its keys sorted, so this is canonical; params
// and result are hashed as the exact text stored.
QByteArray canonical(const Row &r) {
    return compact(QJsonObject{{QStringLiteral("id"), QString::number(r.id)},
                               {QStringLiteral("t"), QString::number(r.timeMs)},
                               {QStringLiteral("user"), r.user},
                               {QStringLiteral("role"), r.role},
                               {QStringLiteral("via"), r.via},
                               {QStringLiteral("remote"), r.remote},
                               {QStringLiteral("action"), r.action},
                               {QStringLiteral("params"), r.params},
                               {QStringLiteral("ok"), r.ok},
                               {QStringLiteral("code"), r.code},
                               {QStringLiteral("message"), r.message},
                               {QStringLiteral("result"), r.result}});
}

constexpr auto kSelect = "SELECT id, time_ms, user, role, via, remote, action, params, ok, code, "
                         "message, result, prev_hash, hash FROM control_audit ";

Row readRow(const store::Statement &st) {
    return Row{st.int64(0), st.int64(1), st.text(2),       st.text(3), st.text(4),  st.text(5),
               st.text(6),  st.text(7),  st.int64(8) != 0, st.text(9), st.text(10), st.text(11)};
}

// The audit's own tables (component "audit", apart from the control schema): the keyed seal of
// the head, and the boundary left by retention.
constexpr std::array<store::Migration, 1> kAuditMigrations{{
    {1, R"SQL(
CREATE TABLE audit_seal(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_id INTEGER NOT NULL,
  last_hash BLOB NOT NULL,
  mac BLOB NOT NULL
);
CREATE TABLE audit_base(
  one INTEGER PRIMARY KEY CHECK (one = 1),
  last_pruned_id INTEGER NOT NULL,
  last_pruned_hash BLOB NOT NULL,
  mac BLOB NOT NULL,
  export_file TEXT NOT NULL
);
)SQL"},
}};

QByteArray linkHash(const AuditKey &key, std::int64_t id, const QByteArray &prev,
                    const QByteArray &canonicalRow) {
    if (key.valid() && id >= key.keyedFrom)
        return store::secrets::hmacSha256(key.key, prev, canonicalRow);
    return crypto::sha256(prev, canonicalRow);
}

QByteArray macOf(const AuditKey &key, const char *what, std::int64_t id, const QByteArray &hash,
                 std::int64_t timeMs = 0) {
    if (!key.valid())
        return {};
    QByteArray text = QByteArray(what) + '|' + QByteArray::number(id) + '|' + hash.toHex();
    if (timeMs)
        text += '|' + QByteArray::number(timeMs);
    return store::secrets::hmacSha256(key.key, text);
}

AuditEntry toEntry(const Row &r, const QByteArray &hash) {
    AuditEntry e;
    e.id = r.id;
    e.timeMs = r.timeMs;
    e.caller = Caller{r.user, roleFromName(r.role), r.remote, r.via};
    e.action = Action{r.action, parseObject(r.params)};
    e.result = r.ok ? ActionResult::success(parseObject(r.result))
                    : ActionResult::failure(r.code, r.message);
    e.hash = hash;
    return e;
}
} // namespace

QJsonObject AuditEntry::toJson() const {
    QJsonObject o{{QStringLiteral("id"), double(id)},
                  {QStringLiteral("time"),
                   QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODateWithMs)},
                  {QStringLiteral("user"), caller.user},
                  {QStringLiteral("role"), roleName(caller.role)},
                  {QStringLiteral("via"), caller.via},
                  {QStringLiteral("remote"), caller.remote},
                  {QStringLiteral("action"), action.type},
                  {QStringLiteral("params"), action.params},
                  {QStringLiteral("ok"), result.ok},
                  {QStringLiteral("hash"), QString::fromLatin1(hash.toHex())}};
    if (!result.ok)
        o.insert(QStringLiteral("error"), QJsonObject{{QStringLiteral("code"), result.code},
                                                      {QStringLiteral("message"), result.message}});
    else if (!result.data.isEmpty())
        o.insert(QStringLiteral("data"), result.data);
    return o;
}

QJsonObject AuditVerification::toJson() const {
    QJsonObject o{{QStringLiteral("ok"), ok},
                  {QStringLiteral("rowsChecked"), double(rowsChecked)},
                  {QStringLiteral("message"), message},
                  {QStringLiteral("headHash"), QString::fromLatin1(headHash.toHex())}};
    if (!ok)
        o.insert(QStringLiteral("firstBadId"), double(firstBadId));
    return o;
}

QJsonObject AuditAnchor::toJson() const {
    QJsonObject o{{QStringLiteral("id"), double(id)},
                  {QStringLiteral("hash"), QString::fromLatin1(hash.toHex())},
                  {QStringLiteral("timeMs"), double(timeMs)},
                  {QStringLiteral("time"),
                   QDateTime::fromMSecsSinceEpoch(timeMs, Qt::UTC).toString(Qt::ISODate)}};
    if (!mac.isEmpty())
        o.insert(QStringLiteral("mac"), QString::fromLatin1(mac.toHex()));
    return o;
}

std::optional<AuditAnchor> AuditAnchor::fromJson(const QJsonObject &o) {
    AuditAnchor a;
    const double id = o.value(QStringLiteral("id")).toDouble(-1);
    a.id = std::int64_t(id);
    a.hash = QByteArray::fromHex(o.value(QStringLiteral("hash")).toString().toLatin1());
    a.timeMs = std::int64_t(o.value(QStringLiteral("timeMs")).toDouble(0));
    a.mac = QByteArray::fromHex(o.value(QStringLiteral("mac")).toString().toLatin1());
    if (id < 0 || double(a.id) != id || (a.id > 0 && a.hash.size() != 32))
        return std::nullopt;
    return a;
}

AuditLog::AuditLog(store::Database &db)
    : m_db(db) {
    migrateControlSchema(m_db);
    m_db.migrateComponent("audit", kAuditMigrations);
}

void AuditLog::setKey(AuditKey key) {
    m_key = std::move(key);
}

std::int64_t AuditLog::nextId() const {
    auto st = m_db.prepare("SELECT seq FROM sqlite_sequence WHERE name='control_audit'");
    return st.step() ? st.int64(0) + 1 : 1;
}

std::int64_t AuditLog::append(const Caller &caller, const Action &action,
                              const ActionResult &result, std::int64_t timeMs) {
    Pending p{caller, action, result, timeMs > 0 ? timeMs : QDateTime::currentMSecsSinceEpoch()};
    if (m_db.writer()) { // the GUI thread never waits for the disk
        post(std::move(p));
        return 0;
    }
    // Rows the store refused earlier go first, so the chain keeps the order things happened in.
    if (!m_pending.empty() && !flushPending()) {
        m_pending.push_back(std::move(p));
        if (m_pending.size() > kMaxPending) {
            m_pending.pop_front();
            ++m_lost;
        }
        return 0;
    }
    try {
        return write(p);
    } catch (const std::exception &e) {
        qWarning("opswall: audit: the store refused a row (%s); kept in memory until it is back",
                 e.what());
        m_pending.push_back(std::move(p));
        return 0;
    }
}

void AuditLog::post(std::optional<Pending> row) {
    auto earlier = std::make_shared<std::deque<Pending>>(std::move(m_pending));
    m_pending.clear();
    const std::int64_t lost = std::exchange(m_lost, 0);
    if (earlier->empty() && lost == 0 && !row)
        return;
    const std::int64_t lostAt = earlier->empty()
                                    ? (row ? row->timeMs : QDateTime::currentMSecsSinceEpoch())
                                    : earlier->front().timeMs;
    m_db.write(
        [key = m_key, earlier, lost, lostAt, row](store::Database &db) {
            db.transaction([&] {
                if (lost > 0)
                    writeRow(db, key, lostRow(lost, lostAt));
                for (const Pending &p : *earlier)
                    writeRow(db, key, p);
                if (row)
                    writeRow(db, key, *row);
            });
        },
        [this, alive = std::weak_ptr<int>(m_alive), earlier, lost, row](std::exception_ptr error) {
            if (!error || !alive.lock())
                return;
            try {
                std::rethrow_exception(error);
            } catch (const std::exception &e) {
                qWarning("opswall: audit: the store refused a row (%s); kept in memory until it "
                         "is back",
                         e.what());
            } catch (...) {
            }
            m_lost += lost;
            for (auto it = earlier->rbegin(); it != earlier->rend(); ++it)
                m_pending.push_front(*it);
            if (row)
                m_pending.push_back(*row);
            while (m_pending.size() > kMaxPending) {
                m_pending.pop_front();
                ++m_lost;
            }
        });
}

bool AuditLog::flushPending() {
    if (m_db.writer()) {
        post(std::nullopt);
        return true;
    }
    try {
        if (m_lost > 0) {
            write(lostRow(m_lost, m_pending.empty() ? QDateTime::currentMSecsSinceEpoch()
                                                    : m_pending.front().timeMs));
            m_lost = 0;
        }
        while (!m_pending.empty()) {
            write(m_pending.front());
            m_pending.pop_front();
        }
        return true;
    } catch (const std::exception &) {
        return false;
    }
}

std::int64_t AuditLog::write(const Pending &p) {
    std::int64_t id = 0;
    m_db.transaction([&] { id = writeRow(m_db, m_key, p); });
    return id;
}

std::int64_t AuditLog::writeRow(store::Database &db, const AuditKey &key, const Pending &p) {
    QByteArray prev(32, '\0');
    {
        auto &st = db.cached("SELECT last_hash FROM control_audit_head WHERE one=1");
        if (st.step())
            prev = st.blob(0);
        st.reset();
    }
    Row r{0,
          p.timeMs,
          p.caller.user,
          roleName(p.caller.role),
          p.caller.via,
          p.caller.remote,
          p.action.type,
          QString::fromUtf8(compact(p.action.params)),
          p.result.ok,
          p.result.code,
          p.result.message,
          QString::fromUtf8(compact(p.result.data))};
    // Reserve the id first: it is part of the hashed bytes.
    db.cached("INSERT INTO control_audit(time_ms, user, role, via, remote, action, params, "
              "ok, code, message, result, prev_hash, hash) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, x'')")
        .bind(1, r.timeMs)
        .bind(2, r.user)
        .bind(3, r.role)
        .bind(4, r.via)
        .bind(5, r.remote)
        .bind(6, r.action)
        .bind(7, r.params)
        .bind(8, r.ok ? 1 : 0)
        .bind(9, r.code)
        .bind(10, r.message)
        .bind(11, r.result)
        .bind(12, prev)
        .run();
    const std::int64_t id = r.id = db.lastInsertRowId();
    const QByteArray hash = linkHash(key, id, prev, canonical(r));
    db.cached("UPDATE control_audit SET hash=? WHERE id=?").bind(1, hash).bind(2, id).run();
    db.cached("INSERT INTO control_audit_head(one, last_id, last_hash) VALUES(1, ?, ?) "
              "ON CONFLICT(one) DO UPDATE SET last_id=excluded.last_id, "
              "last_hash=excluded.last_hash")
        .bind(1, id)
        .bind(2, hash)
        .run();
    if (key.valid())
        db.cached("INSERT INTO audit_seal(one, last_id, last_hash, mac) VALUES(1, ?, ?, ?) "
                  "ON CONFLICT(one) DO UPDATE SET last_id=excluded.last_id, "
                  "last_hash=excluded.last_hash, mac=excluded.mac")
            .bind(1, id)
            .bind(2, hash)
            .bind(3, macOf(key, "seal", id, hash))
            .run();
    return id;
}

AuditLog::Deferred AuditLog::defer(const Caller &caller, const Action &action,
                                   std::int64_t timeMs) {
    // The rows kept in memory go first, in the same transaction, so the chain keeps the order
    // things happened in; if that transaction fails they are kept again (refused()).
    auto earlier = std::make_shared<std::deque<Pending>>(std::move(m_pending));
    m_pending.clear();
    const std::int64_t lost = std::exchange(m_lost, 0);
    const std::int64_t at = timeMs > 0 ? timeMs : QDateTime::currentMSecsSinceEpoch();
    Deferred d;
    d.write = [key = m_key, earlier, lost, caller, action, at](store::Database &db,
                                                               const ActionResult &result) {
        if (lost > 0)
            writeRow(db, key, lostRow(lost, earlier->empty() ? at : earlier->front().timeMs));
        for (const Pending &p : *earlier)
            writeRow(db, key, p);
        return writeRow(db, key, Pending{caller, action, result, at});
    };
    d.refused = [this, earlier, lost, caller, action, at](const ActionResult &result) {
        m_lost += lost;
        for (auto it = earlier->rbegin(); it != earlier->rend(); ++it)
            m_pending.push_front(*it);
        m_pending.push_back(Pending{caller, action, result, at});
        while (m_pending.size() > kMaxPending) {
            m_pending.pop_front();
            ++m_lost;
        }
    };
    return d;
}

AuditLog::Pending AuditLog::lostRow(std::int64_t lost, std::int64_t timeMs) {
    const Caller self{QStringLiteral("opswall"), Role::Admin, QStringLiteral("local"),
                      QStringLiteral("internal")};
    return Pending{self,
                   Action{QStringLiteral("audit.lost"), {{QStringLiteral("rows"), double(lost)}}},
                   ActionResult::failure(QStringLiteral("store_unavailable"),
                                         QStringLiteral("%1 audit rows were dropped while "
                                                        "the store was unavailable")
                                             .arg(lost)),
                   timeMs};
}

std::vector<AuditEntry> AuditLog::query(const AuditQuery &q) const {
    const std::string sql = std::string(kSelect) +
                            "WHERE time_ms >= ? AND time_ms < ? AND substr(action, 1, ?) = ? "
                            "ORDER BY id " +
                            (q.newestFirst ? "DESC" : "ASC") + " LIMIT ?";
    auto st = m_db.prepare(sql.c_str());
    st.bind(1, q.fromMs)
        .bind(2, q.toMs)
        .bind(3, int(q.actionPrefix.size()))
        .bind(4, q.actionPrefix)
        .bind(5, std::clamp(q.limit, 1, 5000));
    std::vector<AuditEntry> out;
    while (st.step())
        out.push_back(toEntry(readRow(st), st.blob(13)));
    return out;
}

QJsonArray AuditLog::queryJson(const AuditQuery &q) const {
    QJsonArray out;
    for (const AuditEntry &e : query(q))
        out.append(e.toJson());
    return out;
}

namespace {
AuditVerification verifyOn(store::Database &db, const AuditKey &key,
                           const std::optional<AuditAnchor> &anchor) {
    AuditVerification v;
    QByteArray prev(32, '\0');
    std::int64_t expectedId = 1;
    auto fail = [&](std::int64_t id, const QString &why) {
        v.ok = false;
        v.firstBadId = id;
        v.message = why;
        return v;
    };
    bool hasAuditTables = false;
    {
        auto t = db.prepare("SELECT 1 FROM sqlite_master WHERE type='table' AND name='audit_seal'");
        hasAuditTables = t.step();
    }
    // Retention leaves the boundary: the rest of the chain starts after it.
    std::int64_t baseId = 0;
    if (hasAuditTables) {
        auto base =
            db.prepare("SELECT last_pruned_id, last_pruned_hash, mac FROM audit_base WHERE one=1");
        if (base.step()) {
            baseId = base.int64(0);
            prev = base.blob(1);
            if (key.valid() &&
                !crypto::constantTimeEqual(macOf(key, "base", baseId, prev), base.blob(2)))
                return fail(baseId + 1, QStringLiteral("the retention boundary (row %1) was "
                                                       "altered")
                                            .arg(baseId));
            expectedId = baseId + 1;
        }
    }
    bool anchorSeen = false;
    auto st = db.prepare((std::string(kSelect) + "WHERE id > ? ORDER BY id ASC").c_str());
    st.bind(1, baseId);
    while (st.step()) {
        const Row r = readRow(st);
        const QByteArray storedPrev = st.blob(12);
        const QByteArray storedHash = st.blob(13);
        if (r.id != expectedId)
            return fail(expectedId,
                        r.id > expectedId
                            ? QStringLiteral("row %1 is missing (deleted)").arg(expectedId)
                            : QStringLiteral("row ids out of order at %1").arg(r.id));
        if (storedPrev != prev)
            return fail(r.id, QStringLiteral("row %1 does not link to row %2 (chain broken)")
                                  .arg(r.id)
                                  .arg(r.id - 1));
        const QByteArray hash = linkHash(key, r.id, prev, canonical(r));
        if (!crypto::constantTimeEqual(hash, storedHash))
            return fail(r.id,
                        key.valid() && r.id >= key.keyedFrom
                            ? QStringLiteral("row %1 was altered after it was written (its keyed "
                                             "hash does not match: edited, or the chain was "
                                             "recomputed without the key)")
                                  .arg(r.id)
                            : QStringLiteral("row %1 was altered after it was written").arg(r.id));
        if (r.action == QLatin1String("audit.broken"))
            return fail(
                r.id,
                QStringLiteral("the log was found broken at %1: %2")
                    .arg(QDateTime::fromMSecsSinceEpoch(r.timeMs, Qt::UTC).toString(Qt::ISODate),
                         r.message));
        if (anchor && anchor->id == r.id) {
            if (!crypto::constantTimeEqual(anchor->hash, storedHash))
                return fail(r.id, QStringLiteral("row %1 differs from the anchor taken at %2: the "
                                                 "chain was rewritten")
                                      .arg(r.id)
                                      .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                               .toString(Qt::ISODate)));
            anchorSeen = true;
        }
        prev = hash;
        ++expectedId;
        ++v.rowsChecked;
    }
    const std::int64_t lastId = expectedId - 1;
    auto head = db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
    if (head.step()) {
        if (head.int64(0) != lastId || head.blob(1) != prev)
            return fail(expectedId,
                        QStringLiteral("the newest rows after %1 are missing (head records row %2)")
                            .arg(lastId)
                            .arg(head.int64(0)));
    } else if (v.rowsChecked > 0) {
        return fail(1, QStringLiteral("the audit head record is missing"));
    }
    if (key.valid()) {
        // Rows existed when the key was made: an empty or shorter log lost them.
        if (lastId < key.keyedFrom - 1)
            return fail(lastId + 1, QStringLiteral("the log ends at row %1 but rows up to %2 "
                                                   "existed when the audit key was made: rows "
                                                   "were deleted")
                                        .arg(lastId)
                                        .arg(key.keyedFrom - 1));
        if (lastId >= key.keyedFrom) {
            std::optional<store::Statement> seal;
            if (hasAuditTables)
                seal.emplace(db.prepare("SELECT last_id, last_hash, mac FROM audit_seal "
                                        "WHERE one=1"));
            if (!seal || !seal->step())
                return fail(lastId, QStringLiteral("the audit seal is missing: the log was "
                                                   "replaced or its newest rows rewritten"));
            if (seal->int64(0) != lastId || seal->blob(1) != prev ||
                !crypto::constantTimeEqual(macOf(key, "seal", lastId, prev), seal->blob(2)))
                return fail(std::min(lastId, seal->int64(0)) + 1,
                            QStringLiteral("the audit seal records row %1, the log ends at row "
                                           "%2: newest rows were deleted or rewritten")
                                .arg(seal->int64(0))
                                .arg(lastId));
        }
    }
    if (anchor) {
        if (key.valid() && !anchor->mac.isEmpty() &&
            !crypto::constantTimeEqual(
                macOf(key, "anchor", anchor->id, anchor->hash, anchor->timeMs), anchor->mac))
            return fail(anchor->id, QStringLiteral("the anchor was not written with this wall's "
                                                   "audit key"));
        if (anchor->id > lastId)
            return fail(lastId + 1,
                        QStringLiteral("the anchor taken at %1 records row %2, but the log ends "
                                       "at row %3: rows were deleted or the log wiped")
                            .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                     .toString(Qt::ISODate))
                            .arg(anchor->id)
                            .arg(lastId));
        if (anchor->id > baseId && !anchorSeen && anchor->id > 0)
            return fail(anchor->id,
                        QStringLiteral("row %1 of the anchor is missing").arg(anchor->id));
    }
    v.ok = true;
    v.headHash = prev;
    v.message = QStringLiteral("%1 rows, chain intact").arg(v.rowsChecked);
    if (baseId > 0)
        v.message += QStringLiteral(" (rows up to %1 exported and pruned)").arg(baseId);
    if (anchor)
        v.message += anchor->id <= baseId && anchor->id > 0
                         ? QStringLiteral("; the anchor's row %1 was pruned (check the export)")
                               .arg(anchor->id)
                         : QStringLiteral("; matches the anchor of %1 (row %2)")
                               .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                        .toString(Qt::ISODate))
                               .arg(anchor->id);
    return v;
}
} // namespace

AuditVerification AuditLog::verify(const std::optional<AuditAnchor> &anchor) const {
    AuditVerification v = verifyOn(m_db, m_key, anchor);
    noteVerification(v.ok);
    return v;
}

void AuditLog::noteVerification(bool ok) const {
    const std::lock_guard lock(m_verifyMutex);
    m_lastVerification = LastVerification{ok, QDateTime::currentMSecsSinceEpoch()};
}

std::optional<AuditLog::LastVerification> AuditLog::lastVerification() const {
    const std::lock_guard lock(m_verifyMutex);
    return m_lastVerification;
}

std::int64_t AuditLog::lastRowId() const {
    auto st = m_db.prepare("SELECT COALESCE(MAX(id), 0) FROM control_audit");
    return st.step() ? st.int64(0) : 0;
}

AuditVerification AuditLog::verifyDatabase(const QString &dbPath, const AuditKey &key,
                                           const std::optional<AuditAnchor> &anchor) {
    try {
        store::Database db(dbPath, store::OpenMode::ReadOnly);
        return verifyOn(db, key, anchor);
    } catch (const std::exception &e) {
        AuditVerification v;
        v.message = QStringLiteral("the audit cannot be read: %1").arg(QString::fromUtf8(e.what()));
        return v;
    }
}

AuditAnchor AuditLog::currentAnchor() const {
    AuditAnchor a;
    auto st = m_db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
    if (st.step()) {
        a.id = st.int64(0);
        a.hash = st.blob(1);
    } else {
        a.hash = QByteArray(32, '\0');
    }
    a.timeMs = QDateTime::currentMSecsSinceEpoch();
    a.mac = macOf(m_key, "anchor", a.id, a.hash, a.timeMs);
    return a;
}

bool AuditLog::appendAnchorLine(const QString &file, const AuditAnchor &anchor, QString *error) {
    const QFileInfo fi(file);
    QDir().mkpath(fi.absolutePath());
    const QByteArray path = QFile::encodeName(fi.absoluteFilePath());
    struct stat st {};
    if (::stat(path.constData(), &st) == 0 && st.st_size > 1024 * 1024) {
        // Keep the newest 1000 lines; written aside and renamed, so a crash leaves one or the
        // other.
        QFile in(fi.absoluteFilePath());
        QList<QByteArray> lines;
        if (in.open(QIODevice::ReadOnly))
            lines = in.readAll().split('\n');
        lines.removeAll(QByteArray());
        QSaveFile out(fi.absoluteFilePath());
        if (out.open(QIODevice::WriteOnly)) {
            out.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner);
            for (qsizetype i = std::max<qsizetype>(0, lines.size() - 1000); i < lines.size(); ++i)
                out.write(lines[i] + '\n');
            out.commit();
        }
    }
    const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    const QByteArray line = QJsonDocument(anchor.toJson()).toJson(QJsonDocument::Compact) + '\n';
    bool ok = fd >= 0 && ::write(fd, line.constData(), std::size_t(line.size())) == line.size() &&
              ::fsync(fd) == 0;
    if (fd >= 0)
        ok = ::close(fd) == 0 && ok;
    if (!ok && error)
        *error = QStringLiteral("cannot write the audit anchor to %1").arg(file);
    return ok;
}

std::optional<AuditAnchor> AuditLog::readLastAnchor(const QString &file, QString *error) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(file, f.errorString());
        return std::nullopt;
    }
    std::optional<AuditAnchor> best;
    for (const QByteArray &line : f.read(4 * 1024 * 1024).split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const auto a = AuditAnchor::fromJson(QJsonDocument::fromJson(line).object());
        if (a && (!best || a->id > best->id || (a->id == best->id && a->timeMs > best->timeMs)))
            best = a;
    }
    if (!best && error)
        *error = QStringLiteral("%1: no audit anchor in the file").arg(file);
    return best;
}

QString AuditLog::checkOnStart(const std::optional<AuditAnchor> &anchor) {
    QString problem;
    try {
        std::int64_t headId = 0;
        QByteArray headHash(32, '\0');
        {
            auto head =
                m_db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
            if (head.step()) {
                headId = head.int64(0);
                headHash = head.blob(1);
            }
        }
        if (m_key.valid() && headId >= m_key.keyedFrom) {
            auto seal = m_db.prepare("SELECT last_id, last_hash, mac FROM audit_seal WHERE one=1");
            if (!seal.step())
                problem = QStringLiteral("the head records row %1 but its keyed seal is missing")
                              .arg(headId);
            else if (seal.int64(0) != headId || seal.blob(1) != headHash ||
                     !crypto::constantTimeEqual(macOf(m_key, "seal", headId, headHash),
                                                seal.blob(2)))
                problem = QStringLiteral("the keyed seal records row %1, the head row %2 with "
                                         "another hash: rows were cut or rewritten while the "
                                         "wall was stopped")
                              .arg(seal.int64(0))
                              .arg(headId);
        }
        if (m_key.valid() && problem.isEmpty() && headId < m_key.keyedFrom - 1)
            problem = QStringLiteral("the log ends at row %1 but rows up to %2 existed when the "
                                     "audit key was made")
                          .arg(headId)
                          .arg(m_key.keyedFrom - 1);
        if (anchor && problem.isEmpty() && anchor->id > 0) {
            std::int64_t baseId = 0;
            {
                auto base = m_db.prepare("SELECT last_pruned_id FROM audit_base WHERE one=1");
                if (base.step())
                    baseId = base.int64(0);
            }
            if (anchor->id > baseId) {
                auto row = m_db.prepare("SELECT hash FROM control_audit WHERE id=?");
                row.bind(1, anchor->id);
                if (!row.step())
                    problem = QStringLiteral("row %1, recorded in the audit anchor of %2, is "
                                             "missing: the log was cut or wiped")
                                  .arg(anchor->id)
                                  .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                           .toString(Qt::ISODate));
                else if (!crypto::constantTimeEqual(row.blob(0), anchor->hash))
                    problem = QStringLiteral("row %1 differs from the audit anchor of %2: the "
                                             "chain was rewritten")
                                  .arg(anchor->id)
                                  .arg(QDateTime::fromMSecsSinceEpoch(anchor->timeMs, Qt::UTC)
                                           .toString(Qt::ISODate));
            }
        }
    } catch (const std::exception &e) {
        qWarning("opswall: audit: the start-up check could not read the log: %s", e.what());
        return {};
    }
    if (!problem.isEmpty()) {
        const Caller self{QStringLiteral("opswall"), Role::Admin, QStringLiteral("local"),
                          QStringLiteral("internal")};
        append(self, Action{QStringLiteral("audit.broken"), {}},
               ActionResult::failure(QStringLiteral("tampered"), problem));
    }
    return problem;
}

AuditLog::Pruned AuditLog::exportAndPrune(std::int64_t beforeMs, const QString &exportDir) {
    Pruned out;
    std::int64_t lastId = 0;
    QByteArray lastHash;
    QByteArray lines;
    {
        auto st = m_db.prepare((std::string(kSelect) + "WHERE time_ms < ? AND id < "
                                                       "(SELECT last_id FROM control_audit_head) "
                                                       "ORDER BY id ASC LIMIT 100000")
                                   .c_str());
        st.bind(1, beforeMs);
        while (st.step()) {
            const Row r = readRow(st);
            QJsonObject o = parseObject(QString::fromUtf8(canonical(r)));
            o.insert(QStringLiteral("prev"), QString::fromLatin1(st.blob(12).toHex()));
            o.insert(QStringLiteral("hash"), QString::fromLatin1(st.blob(13).toHex()));
            lines += compact(o) + '\n';
            lastId = r.id;
            lastHash = st.blob(13);
            ++out.rows;
        }
    }
    if (out.rows == 0)
        return out;
    QDir().mkpath(exportDir);
    ::chmod(QFile::encodeName(exportDir).constData(), 0700);
    out.file = QDir(exportDir).filePath(
        QStringLiteral("audit-to-%1-%2.jsonl")
            .arg(lastId)
            .arg(QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMddThhmmssZ"))));
    {
        QSaveFile f(out.file);
        if (!f.open(QIODevice::WriteOnly) ||
            !f.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner) ||
            f.write(lines) != lines.size() || !f.commit())
            throw std::runtime_error("cannot write the audit export " + out.file.toStdString());
    }
    m_db.transaction([&] {
        m_db.prepare("DELETE FROM control_audit WHERE id <= ?").bind(1, lastId).run();
        m_db.prepare("INSERT INTO audit_base(one, last_pruned_id, last_pruned_hash, mac, "
                     "export_file) VALUES(1, ?, ?, ?, ?) ON CONFLICT(one) DO UPDATE SET "
                     "last_pruned_id=excluded.last_pruned_id, "
                     "last_pruned_hash=excluded.last_pruned_hash, mac=excluded.mac, "
                     "export_file=excluded.export_file")
            .bind(1, lastId)
            .bind(2, lastHash)
            .bind(3, m_key.valid() ? macOf(m_key, "base", lastId, lastHash) : QByteArray("-"))
            .bind(4, out.file)
            .run();
    });
    return out;
}

AuditVerification AuditLog::verifyExport(const QString &file, const AuditKey &key) {
    AuditVerification v;
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly)) {
        v.message = QStringLiteral("%1: %2").arg(file, f.errorString());
        return v;
    }
    QByteArray prev;
    std::int64_t lastId = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine(1024 * 1024).trimmed();
        if (line.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QByteArray rowPrev =
            QByteArray::fromHex(o.value(QStringLiteral("prev")).toString().toLatin1());
        const QByteArray rowHash =
            QByteArray::fromHex(o.value(QStringLiteral("hash")).toString().toLatin1());
        Row r{o.value(QStringLiteral("id")).toString().toLongLong(),
              o.value(QStringLiteral("t")).toString().toLongLong(),
              o.value(QStringLiteral("user")).toString(),
              o.value(QStringLiteral("role")).toString(),
              o.value(QStringLiteral("via")).toString(),
              o.value(QStringLiteral("remote")).toString(),
              o.value(QStringLiteral("action")).toString(),
              o.value(QStringLiteral("params")).toString(),
              o.value(QStringLiteral("ok")).toBool(),
              o.value(QStringLiteral("code")).toString(),
              o.value(QStringLiteral("message")).toString(),
              o.value(QStringLiteral("result")).toString()};
        if ((lastId && r.id != lastId + 1) || (!prev.isNull() && rowPrev != prev) ||
            (lastId == 0 && r.id == 1 && rowPrev != QByteArray(32, '\0'))) {
            v.firstBadId = r.id;
            v.message = QStringLiteral("row %1 does not link to the row before it").arg(r.id);
            return v;
        }
        if (!crypto::constantTimeEqual(linkHash(key, r.id, rowPrev, canonical(r)), rowHash)) {
            v.firstBadId = r.id;
            v.message = QStringLiteral("row %1 was altered").arg(r.id);
            return v;
        }
        prev = rowHash;
        lastId = r.id;
        ++v.rowsChecked;
    }
    v.ok = true;
    v.headHash = prev;
    v.message = QStringLiteral("%1 exported rows, chain intact").arg(v.rowsChecked);
    return v;
}

QByteArray AuditLog::headHash() const {
    auto st = m_db.prepare("SELECT last_hash FROM control_audit_head WHERE one=1");
    return st.step() ? st.blob(0) : QByteArray(32, '\0');
}

std::optional<AuditEntry> AuditLog::lastLayoutChange(std::int64_t atMs) const {
    auto st = m_db.prepare(
        (std::string(kSelect) +
         "WHERE ok=1 AND time_ms <= ? AND (action IN ('layout.publish', 'preset.recall', "
         "'layout.undo') OR action LIKE 'tile.%') ORDER BY id DESC LIMIT 1")
            .c_str());
    st.bind(1, atMs);
    if (!st.step())
        return std::nullopt;
    return toEntry(readRow(st), st.blob(13));
}

} // namespace opswall::control
