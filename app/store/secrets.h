#pragma once
// Keys kept outside the database, and the two uses the store makes of them:
//   - HMAC-SHA256, for the keyed audit chain (app/control/auditlog.h);
//   - AES-256-GCM, to keep device passwords encrypted at rest ("sealed" text in the database).
// A key file is created once, mode 0600 in a folder of mode 0700, never overwritten; losing it
// makes the sealed values unreadable and the keyed audit rows unverifiable, so back it up apart
// from the database (README "Secrets and keys").

#include <QByteArray>
#include <QString>

#include <optional>

namespace opswall::store::secrets {

QByteArray hmacSha256(const QByteArray &key, const QByteArray &a, const QByteArray &b = {});

// The contents of a key file: {"version": 1, "key": base64 (32 bytes), "created": ISO time,
// "keyedFrom": n (the audit key only: the first row id written with the key)}.
struct KeyFile {
    QByteArray key;       // 32 bytes
    qint64 keyedFrom = 1; // audit: rows with a smaller id were written before the key
    bool created = false; // made by this call
};

// Reads the key file at path; when there is none, creates it (0600, its folder 0700 when the
// call creates it) with a fresh random key and keyedFrom = nextId. std::nullopt with *error when
// the file is unreadable, malformed, readable by others, or cannot be written.
std::optional<KeyFile> loadOrCreateKeyFile(const QString &path, qint64 nextId, QString *error);
std::optional<KeyFile> loadKeyFile(const QString &path, QString *error);

// "sealed:v1:" + base64(nonce(12) || ciphertext || tag(16)); the text is UTF-8. Throws
// std::runtime_error only when OpenSSL fails.
QString seal(const QByteArray &key, const QString &plain);
bool isSealed(const QString &text);
// std::nullopt when the text was not sealed with this key or was altered.
std::optional<QString> unseal(const QByteArray &key, const QString &sealed);

} // namespace opswall::store::secrets
