#include "control/auditlog.h"

#include "control/auditlog_p.h"
#include "control/crypto.h"
#include "control/schema.h"
#include "core/redact.h"
#include "store/database.h"
#include "store/secrets.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QJsonDocument>
#include <QSaveFile>

#include <sys/stat.h>

#include <algorithm>
#include <array>
#include <stdexcept>
#include <utility>

// The audit log's chain: rows appended (or kept in memory while the store refuses them), linked by
// hash and sealed, its head and anchor, and retention. Verification: auditlog_verify.cpp; reading
// rows back: auditlog_query.cpp.
namespace opswall::control {

namespace auditrow {
QByteArray compact(const QJsonObject &o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QJsonObject parseObject(const QString &text) {
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

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

Row readRow(const store::Statement &st) {
    return Row{st.int64(0), st.int64(1), st.text(2),       st.text(3), st.text(4),  st.text(5),
               st.text(6),  st.text(7),  st.int64(8) != 0, st.text(9), st.text(10), st.text(11)};
}

QByteArray linkHash(const AuditKey &key, std::int64_t id, const QByteArray &prev,
                    const QByteArray &canonicalRow) {
    if (key.valid() && id >= key.keyedFrom)
        return store::secrets::hmacSha256(key.key, prev, canonicalRow);
    return crypto::sha256(prev, canonicalRow);
}

QByteArray macOf(const AuditKey &key, const char *what, std::int64_t id, const QByteArray &hash,
                 std::int64_t timeMs) {
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
} // namespace auditrow

using namespace auditrow;

namespace {
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
} // namespace

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
            qWarning(
                "opswall: audit: the store refused a row (%s); kept in memory until it is back",
                qPrintable(store::errorText(error)));
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
    // Secrets (a camera's password in a source's URI, a token just created) are not kept: the row
    // is what the audit shows, and the database is copied to backups.
    Row r{0,
          p.timeMs,
          p.caller.user,
          roleName(p.caller.role),
          p.caller.via,
          p.caller.remote,
          p.action.type,
          QString::fromUtf8(compact(redactJson(p.action.params))),
          p.result.ok,
          p.result.code,
          redactText(p.result.message),
          QString::fromUtf8(compact(redactJson(p.result.data)))};
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

std::int64_t AuditLog::lastRowId() const {
    return lastRowIdOn(m_db);
}

std::int64_t AuditLog::lastRowIdOn(store::Database &db) {
    auto st = db.prepare("SELECT COALESCE(MAX(id), 0) FROM control_audit");
    return st.step() ? st.int64(0) : 0;
}

AuditAnchor AuditLog::currentAnchor() const {
    return currentAnchorOn(m_db, m_key);
}

AuditAnchor AuditLog::currentAnchorOn(store::Database &db, const AuditKey &key) {
    AuditAnchor a;
    auto st = db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
    if (st.step()) {
        a.id = st.int64(0);
        a.hash = st.blob(1);
    } else {
        a.hash = QByteArray(32, '\0');
    }
    a.timeMs = QDateTime::currentMSecsSinceEpoch();
    a.mac = macOf(key, "anchor", a.id, a.hash, a.timeMs);
    return a;
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

QByteArray AuditLog::headHash() const {
    auto st = m_db.prepare("SELECT last_hash FROM control_audit_head WHERE one=1");
    return st.step() ? st.blob(0) : QByteArray(32, '\0');
}

} // namespace opswall::control
