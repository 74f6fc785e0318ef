#include "control/serverconfig.h"

#include <QFileInfo>
#include <QHostAddress>

namespace opswall::control {

namespace {
bool loopbackHost(const QString &host) {
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0)
        return true;
    const QHostAddress addr(host);
    return !addr.isNull() && addr.isLoopback();
}
} // namespace

std::optional<ServerConfig> ServerConfig::parseListen(const QString &hostPort, QString *error) {
    auto fail = [&](const QString &msg) -> std::optional<ServerConfig> {
        if (error)
            *error = msg;
        return std::nullopt;
    };
    const qsizetype colon = hostPort.lastIndexOf(u':');
    if (colon < 0)
        return fail(QStringLiteral("--api wants HOST:PORT, e.g. 127.0.0.1:8470"));
    QString host = hostPort.left(colon);
    if (host.startsWith(u'[') && host.endsWith(u']'))
        host = host.mid(1, host.size() - 2);
    else if (host.contains(u':'))
        return fail(QStringLiteral("write an IPv6 address in brackets: [::1]:8470"));
    if (host.isEmpty())
        host = QStringLiteral("127.0.0.1");
    bool ok = false;
    const uint port = hostPort.mid(colon + 1).toUInt(&ok);
    if (!ok || port > 65535)
        return fail(QStringLiteral("'%1' is not a port number").arg(hostPort.mid(colon + 1)));
    if (host != QLatin1String("localhost") && QHostAddress(host).isNull())
        return fail(QStringLiteral("'%1' is not an IP address").arg(host));
    ServerConfig c;
    c.host = host == QLatin1String("localhost") ? QStringLiteral("127.0.0.1") : host;
    c.port = std::uint16_t(port);
    return c;
}

bool ServerConfig::isLoopback() const {
    return loopbackHost(host);
}

QString ServerConfig::validate() const {
    if (QHostAddress(host).isNull())
        return QStringLiteral("API address '%1' is not an IP address").arg(host);
    if (tlsEnabled()) {
        if (tlsCertFile.isEmpty() || tlsKeyFile.isEmpty())
            return QStringLiteral("TLS needs both a certificate and a key file");
        for (const QString &f : {tlsCertFile, tlsKeyFile})
            if (!QFileInfo(f).isReadable())
                return QStringLiteral("cannot read TLS file %1").arg(f);
    } else if (!isLoopback()) {
        return QStringLiteral("the API listens on %1, which is not loopback: configure a TLS "
                              "certificate and key, or bind 127.0.0.1")
            .arg(host);
    }
    if (lineEnabled) {
        if (QHostAddress(lineHost).isNull())
            return QStringLiteral("line protocol address '%1' is not an IP address").arg(lineHost);
        if (!loopbackHost(lineHost) && !lineAllowRemotePlaintext)
            return QStringLiteral("the line protocol is plain text: binding %1 needs "
                                  "lineAllowRemotePlaintext (tokens cross the network unencrypted)")
                .arg(lineHost);
    }
    if (maxBodyBytes < 1024 || maxHeaderBytes < 1024 || requestTimeoutMs < 100 || rateBurst < 1 ||
        ratePerSecond <= 0 || wsQueueMax < 1 || wsQueueMaxBytes < 4096 || lineMaxBytes < 64)
        return QStringLiteral("server limits out of range");
    return {};
}

} // namespace opswall::control
