#include "control/auditlog.h"

#include "control/auditlog_p.h"
#include "store/database.h"

#include <QDateTime>

#include <algorithm>

// The audit log read back: entries by time and action, and the last change of the layout.
namespace opswall::control {

using namespace auditrow;

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

std::vector<AuditEntry> AuditLog::query(const AuditQuery &q) const {
    return queryOn(m_db, q);
}

std::vector<AuditEntry> AuditLog::queryOn(store::Database &db, const AuditQuery &q) {
    const std::string sql = std::string(kSelect) +
                            "WHERE time_ms >= ? AND time_ms < ? AND substr(action, 1, ?) = ? "
                            "ORDER BY id " +
                            (q.newestFirst ? "DESC" : "ASC") + " LIMIT ?";
    auto st = db.prepare(sql.c_str());
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
    return queryJsonOn(m_db, q);
}

QJsonArray AuditLog::queryJsonOn(store::Database &db, const AuditQuery &q) {
    QJsonArray out;
    for (const AuditEntry &e : queryOn(db, q))
        out.append(e.toJson());
    return out;
}

std::optional<AuditEntry> AuditLog::lastLayoutChange(std::int64_t atMs) const {
    return lastLayoutChangeOn(m_db, atMs);
}

std::optional<AuditEntry> AuditLog::lastLayoutChangeOn(store::Database &db, std::int64_t atMs) {
    auto st = db.prepare(
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
