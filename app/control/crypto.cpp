#include "control/crypto.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>
#include <stdexcept>

namespace opswall::control::crypto {

QByteArray sha256(const QByteArray &a, const QByteArray &b) {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    QByteArray out(32, '\0');
    unsigned int len = 0;
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
        EVP_DigestUpdate(ctx.get(), a.constData(), std::size_t(a.size())) != 1 ||
        EVP_DigestUpdate(ctx.get(), b.constData(), std::size_t(b.size())) != 1 ||
        EVP_DigestFinal_ex(ctx.get(), reinterpret_cast<unsigned char *>(out.data()), &len) != 1 ||
        len != 32)
        throw std::runtime_error("SHA-256 failed");
    return out;
}

QByteArray sha256(const QByteArray &data) {
    return sha256(data, QByteArray());
}

QByteArray randomBytes(int count) {
    QByteArray out(count, '\0');
    if (RAND_bytes(reinterpret_cast<unsigned char *>(out.data()), count) != 1)
        throw std::runtime_error("no random bytes from the OS");
    return out;
}

bool constantTimeEqual(const QByteArray &a, const QByteArray &b) {
    return a.size() == b.size() &&
           CRYPTO_memcmp(a.constData(), b.constData(), std::size_t(a.size())) == 0;
}

} // namespace opswall::control::crypto
