// Internal to the audit log (auditlog.cpp: the chain; auditlog_verify.cpp: verification and
// anchors; auditlog_query.cpp: reading rows back): one row as stored, its canonical bytes and the
// chain's hashes.
#pragma once

#include "control/auditlog.h"
#include "store/database.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <cstdint>

namespace opswall::control::auditrow {

QByteArray compact(const QJsonObject &o);
QJsonObject parseObject(const QString &text);

struct Row {
    std::int64_t id;
    std::int64_t timeMs;
    QString user, role, via, remote, action, params;
    bool ok;
    QString code, message, result;
};

// The bytes hashed for one row. QJsonObject keeps its keys sorted, so this is canonical; params
// and result are hashed as the exact text stored.
QByteArray canonical(const Row &r);

inline constexpr auto kSelect =
    "SELECT id, time_ms, user, role, via, remote, action, params, ok, code, "
    "message, result, prev_hash, hash FROM control_audit ";

Row readRow(const store::Statement &st);

// A row's link in the chain: keyed (HMAC) from the key's first row on, plain SHA-256 before.
QByteArray linkHash(const AuditKey &key, std::int64_t id, const QByteArray &prev,
                    const QByteArray &canonicalRow);
// The keyed MAC of a seal, base or anchor (empty without a key).
QByteArray macOf(const AuditKey &key, const char *what, std::int64_t id, const QByteArray &hash,
                 std::int64_t timeMs = 0);

AuditEntry toEntry(const Row &r, const QByteArray &hash);

} // namespace opswall::control::auditrow
