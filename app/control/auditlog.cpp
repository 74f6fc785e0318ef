#include "control/auditlog.h"

#include "control/crypto.h"
#include "control/schema.h"
#include "store/database.h"

#include <QDateTime>
#include <QJsonDocument>

#include <algorithm>

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

AuditLog::AuditLog(store::Database &db)
    : m_db(db) {
    migrateControlSchema(m_db);
}

std::int64_t AuditLog::append(const Caller &caller, const Action &action,
                              const ActionResult &result, std::int64_t timeMs) {
    std::int64_t id = 0;
    m_db.transaction([&] {
        QByteArray prev(32, '\0');
        {
            auto st = m_db.prepare("SELECT last_hash FROM control_audit_head WHERE one=1");
            if (st.step())
                prev = st.blob(0);
        }
        Row r{0,
              timeMs > 0 ? timeMs : QDateTime::currentMSecsSinceEpoch(),
              caller.user,
              roleName(caller.role),
              caller.via,
              caller.remote,
              action.type,
              QString::fromUtf8(compact(action.params)),
              result.ok,
              result.code,
              result.message,
              QString::fromUtf8(compact(result.data))};
        // Reserve the id first: it is part of the hashed bytes.
        m_db.prepare("INSERT INTO control_audit(time_ms, user, role, via, remote, action, params, "
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
        r.id = id = m_db.lastInsertRowId();
        const QByteArray hash = crypto::sha256(prev, canonical(r));
        m_db.prepare("UPDATE control_audit SET hash=? WHERE id=?").bind(1, hash).bind(2, id).run();
        m_db.prepare("INSERT INTO control_audit_head(one, last_id, last_hash) VALUES(1, ?, ?) "
                     "ON CONFLICT(one) DO UPDATE SET last_id=excluded.last_id, "
                     "last_hash=excluded.last_hash")
            .bind(1, id)
            .bind(2, hash)
            .run();
    });
    return id;
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

AuditVerification AuditLog::verify() const {
    AuditVerification v = verifyChain();
    m_lastVerification = LastVerification{v.ok, QDateTime::currentMSecsSinceEpoch()};
    return v;
}

std::int64_t AuditLog::lastRowId() const {
    auto st = m_db.prepare("SELECT COALESCE(MAX(id), 0) FROM control_audit");
    return st.step() ? st.int64(0) : 0;
}

AuditVerification AuditLog::verifyChain() const {
    AuditVerification v;
    QByteArray prev(32, '\0');
    std::int64_t expectedId = 1;
    auto fail = [&](std::int64_t id, const QString &why) {
        v.ok = false;
        v.firstBadId = id;
        v.message = why;
        return v;
    };
    auto st = m_db.prepare((std::string(kSelect) + "ORDER BY id ASC").c_str());
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
        const QByteArray hash = crypto::sha256(prev, canonical(r));
        if (!crypto::constantTimeEqual(hash, storedHash))
            return fail(r.id, QStringLiteral("row %1 was altered after it was written").arg(r.id));
        prev = hash;
        ++expectedId;
        ++v.rowsChecked;
    }
    auto head = m_db.prepare("SELECT last_id, last_hash FROM control_audit_head WHERE one=1");
    if (head.step()) {
        if (head.int64(0) != expectedId - 1 || head.blob(1) != prev)
            return fail(expectedId,
                        QStringLiteral("the newest rows after %1 are missing (head records row %2)")
                            .arg(expectedId - 1)
                            .arg(head.int64(0)));
    } else if (v.rowsChecked > 0) {
        return fail(1, QStringLiteral("the audit head record is missing"));
    }
    v.ok = true;
    v.headHash = prev;
    v.message = QStringLiteral("%1 rows, chain intact").arg(v.rowsChecked);
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
