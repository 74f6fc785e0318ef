#pragma once
// TLS of the links this folder listens on and opens (the node link, the standby link): the
// server's side with the API's certificate and key (tlsCert, tlsKey in --api-config), the
// client's trusting the certificates of a CA file (--controller-ca).

#include <QSslConfiguration>
#include <QString>

#include <optional>

namespace opswall::nodes {

bool isLoopbackHost(const QString &host);
// The server's configuration from PEM files; std::nullopt with *error naming link ("the node
// link") when they cannot be read or are not a certificate chain and an EC or RSA key. Peers are
// not asked for a certificate: they prove themselves by token.
std::optional<QSslConfiguration> serverTls(const QString &certFile, const QString &keyFile,
                                           const QString &link, QString *error);
// The client's configuration: the default one, trusting the certificates in caFile.
QSslConfiguration clientTls(const QString &caFile);

} // namespace opswall::nodes
