#include "nodes/linktls.h"

#include <QFile>
#include <QHostAddress>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace opswall::nodes {

bool isLoopbackHost(const QString &host) {
    const QHostAddress a(host);
    return host == QLatin1String("localhost") || (!a.isNull() && a.isLoopback());
}

std::optional<QSslConfiguration> serverTls(const QString &certFile, const QString &keyFile,
                                           const QString &link, QString *error) {
    QFile cert(certFile);
    QFile keyPemFile(keyFile);
    if (!cert.open(QIODevice::ReadOnly) || !keyPemFile.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("the %1's TLS files cannot be read (%2, %3)")
                     .arg(link, certFile, keyFile);
        return std::nullopt;
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(cert.read(1 << 20));
    const QByteArray keyPem = keyPemFile.read(1 << 20);
    QSslKey key(keyPem, QSsl::Ec);
    if (key.isNull())
        key = QSslKey(keyPem, QSsl::Rsa);
    if (chain.isEmpty() || key.isNull()) {
        *error = QStringLiteral("the %1's TLS certificate or key is not valid PEM (%2, %3)")
                     .arg(link, certFile, keyFile);
        return std::nullopt;
    }
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setLocalCertificateChain(chain);
    ssl.setPrivateKey(key);
    ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // peers prove themselves by token
    return ssl;
}

QSslConfiguration clientTls(const QString &caFile) {
    QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
    ssl.setCaCertificates(QSslCertificate::fromPath(caFile));
    return ssl;
}

} // namespace opswall::nodes
