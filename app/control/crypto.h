#pragma once
// The few OpenSSL calls the control layer needs, behind Qt types.

#include <QByteArray>

namespace opswall::control::crypto {

QByteArray sha256(const QByteArray &data);
QByteArray sha256(const QByteArray &a, const QByteArray &b); // sha256(a || b)
QByteArray randomBytes(int count); // from the OS CSPRNG; throws on failure
bool constantTimeEqual(const QByteArray &a, const QByteArray &b);

} // namespace opswall::control::crypto
