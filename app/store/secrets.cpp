#include "store/secrets.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <stdexcept>

namespace opswall::store::secrets {

namespace {
constexpr auto kSealPrefix = "sealed:v1:";
constexpr int kKeyBytes = 32;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;

QByteArray random(int n) {
    QByteArray out(n, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), n) != 1)
        throw std::runtime_error("no random bytes from the OS");
    return out;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;
} // namespace

QByteArray hmacSha256(const QByteArray &key, const QByteArray &a, const QByteArray &b) {
    QByteArray data = a + b;
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (!HMAC(EVP_sha256(), key.constData(), int(key.size()),
              reinterpret_cast<const unsigned char *>(data.constData()), std::size_t(data.size()),
              out, &len) ||
        len != 32)
        throw std::runtime_error("HMAC-SHA256 failed");
    return QByteArray(reinterpret_cast<const char *>(out), int(len));
}

std::optional<KeyFile> loadKeyFile(const QString &path, QString *error) {
    const QByteArray file = QFile::encodeName(path);
    struct stat st {};
    if (::stat(file.constData(), &st) != 0) {
        *error = QStringLiteral("%1: no such key file").arg(path);
        return std::nullopt;
    }
    if (!S_ISREG(st.st_mode)) {
        *error = QStringLiteral("%1: not a regular file").arg(path);
        return std::nullopt;
    }
    if (st.st_mode & 0077) {
        *error = QStringLiteral("%1: readable by others (mode %2); it must be 0600")
                     .arg(path)
                     .arg(st.st_mode & 0777, 0, 8);
        return std::nullopt;
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    const QJsonObject o = QJsonDocument::fromJson(f.read(4096)).object();
    KeyFile k;
    k.key = QByteArray::fromBase64(o.value(QStringLiteral("key")).toString().toLatin1());
    k.keyedFrom = qint64(o.value(QStringLiteral("keyedFrom")).toDouble(1));
    if (o.value(QStringLiteral("version")).toInt() != 1 || k.key.size() != kKeyBytes ||
        k.keyedFrom < 1) {
        *error = QStringLiteral("%1: not an OpsWall key file (version 1, a 32-byte key)").arg(path);
        return std::nullopt;
    }
    return k;
}

std::optional<KeyFile> loadOrCreateKeyFile(const QString &path, qint64 nextId, QString *error) {
    if (QFileInfo::exists(path))
        return loadKeyFile(path, error);
    const QFileInfo fi(path);
    const QString dir = fi.absolutePath();
    if (!QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir)) {
            *error = QStringLiteral("cannot create folder %1").arg(dir);
            return std::nullopt;
        }
        ::chmod(QFile::encodeName(dir).constData(), 0700);
    }
    KeyFile k;
    k.key = random(kKeyBytes);
    k.keyedFrom = std::max<qint64>(1, nextId);
    k.created = true;
    const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("version"), 1},
                                  {QStringLiteral("key"), QString::fromLatin1(k.key.toBase64())},
                                  {QStringLiteral("keyedFrom"), double(k.keyedFrom)},
                                  {QStringLiteral("created"),
                                   QDateTime::currentDateTimeUtc().toString(Qt::ISODate)}})
            .toJson(QJsonDocument::Compact) +
        '\n';
    const QByteArray file = QFile::encodeName(fi.absoluteFilePath());
    const int fd =
        ::open(file.constData(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && ::fchmod(fd, 0600) == 0 &&
              ::write(fd, body.constData(), std::size_t(body.size())) == body.size() &&
              ::fsync(fd) == 0;
    if (fd >= 0)
        ok = ::close(fd) == 0 && ok;
    if (!ok) {
        *error = QStringLiteral("cannot write the key file %1").arg(path);
        if (fd >= 0)
            ::unlink(file.constData());
        return std::nullopt;
    }
    return k;
}

bool isSealed(const QString &text) {
    return text.startsWith(QLatin1String(kSealPrefix));
}

QString seal(const QByteArray &key, const QString &plain) {
    const QByteArray nonce = random(kNonceBytes);
    const QByteArray in = plain.toUtf8();
    QByteArray out(in.size() + 16, '\0');
    QByteArray tag(kTagBytes, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0, total = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr,
                           reinterpret_cast<const unsigned char *>(key.constData()),
                           reinterpret_cast<const unsigned char *>(nonce.constData())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                          reinterpret_cast<const unsigned char *>(in.constData()),
                          int(in.size())) != 1)
        throw std::runtime_error("AES-256-GCM failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total,
                            &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag.data()) != 1)
        throw std::runtime_error("AES-256-GCM failed");
    total += len;
    out.truncate(total);
    return QLatin1String(kSealPrefix) + QString::fromLatin1((nonce + out + tag).toBase64());
}

std::optional<QString> unseal(const QByteArray &key, const QString &sealed) {
    if (!isSealed(sealed) || key.size() != kKeyBytes)
        return std::nullopt;
    const QByteArray raw = QByteArray::fromBase64(sealed.mid(int(qstrlen(kSealPrefix))).toLatin1());
    if (raw.size() < kNonceBytes + kTagBytes)
        return std::nullopt;
    const QByteArray nonce = raw.left(kNonceBytes);
    const QByteArray tag = raw.right(kTagBytes);
    const QByteArray in = raw.mid(kNonceBytes, raw.size() - kNonceBytes - kTagBytes);
    QByteArray out(in.size() + 16, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int len = 0, total = 0;
    if (!ctx || EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) != 1 ||
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr,
                           reinterpret_cast<const unsigned char *>(key.constData()),
                           reinterpret_cast<const unsigned char *>(nonce.constData())) != 1 ||
        EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len,
                          reinterpret_cast<const unsigned char *>(in.constData()),
                          int(in.size())) != 1)
        return std::nullopt;
    total = len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                            const_cast<char *>(tag.constData())) != 1 ||
        EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()) + total,
                            &len) != 1)
        return std::nullopt;
    total += len;
    out.truncate(total);
    return QString::fromUtf8(out);
}

} // namespace opswall::store::secrets
