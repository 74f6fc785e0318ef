#include "control/serverconfig.h"

#include "core/jsonstrict.h"
#include "core/jsontypes.h"

#include <QFileInfo>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

#include <type_traits>

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

bool ServerConfig::applyJson(const QByteArray &json, QString *error) {
    if (const auto dup = findDuplicateKey(json)) {
        *error = dup->message();
        return false;
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = pe.error != QJsonParseError::NoError
                     ? QStringLiteral("not valid JSON: %1 at offset %2")
                           .arg(pe.errorString())
                           .arg(pe.offset)
                     : QStringLiteral("the configuration must be a JSON object");
        return false;
    }
    ServerConfig c = *this;
    const auto wrongType = [error](const QString &key, const char *want, const QJsonValue &v) {
        *error = QStringLiteral("'%1' must be %2, not %3")
                     .arg(key, QLatin1String(want), jsonTypeName(v));
        return false;
    };
    const auto listen = [&](const QString &key, const QJsonValue &v, QString *toHost,
                            std::uint16_t *toPort) {
        if (!v.isString())
            return wrongType(key, "a string", v);
        QString why;
        const auto parsed = parseListen(v.toString(), &why);
        if (!parsed) {
            *error = QStringLiteral("'%1': %2").arg(key, why);
            return false;
        }
        *toHost = parsed->host;
        *toPort = parsed->port;
        return true;
    };
    const QJsonObject root = doc.object();
    for (auto it = root.begin(); it != root.end(); ++it) {
        const QString &k = it.key();
        const QJsonValue &v = it.value();
        const auto number = [&](auto *field, double lo, double hi) {
            if (!v.isDouble())
                return wrongType(k, "a number", v);
            if (v.toDouble() < lo || v.toDouble() > hi) {
                *error = QStringLiteral("'%1' must be between %2 and %3").arg(k).arg(lo).arg(hi);
                return false;
            }
            *field = static_cast<std::remove_pointer_t<decltype(field)>>(v.toDouble());
            return true;
        };
        bool ok = true;
        if (k == QLatin1String("listen")) {
            ok = listen(k, v, &c.host, &c.port);
        } else if (k == QLatin1String("tlsCert") || k == QLatin1String("tlsKey")) {
            if (!v.isString())
                return wrongType(k, "a string", v);
            (k == QLatin1String("tlsCert") ? c.tlsCertFile : c.tlsKeyFile) = v.toString();
        } else if (k == QLatin1String("maxBodyBytes")) {
            ok = number(&c.maxBodyBytes, 1024, 64.0 * 1024 * 1024);
        } else if (k == QLatin1String("maxHeaderBytes")) {
            ok = number(&c.maxHeaderBytes, 1024, 1024 * 1024);
        } else if (k == QLatin1String("requestTimeoutMs")) {
            ok = number(&c.requestTimeoutMs, 100, 600'000);
        } else if (k == QLatin1String("actionTimeoutMs")) {
            ok = number(&c.actionTimeoutMs, 100, 600'000);
        } else if (k == QLatin1String("maxConnections")) {
            ok = number(&c.maxConnections, 1, 100'000);
        } else if (k == QLatin1String("rateBurst")) {
            ok = number(&c.rateBurst, 1, 1e6);
        } else if (k == QLatin1String("ratePerSecond")) {
            ok = number(&c.ratePerSecond, 0.001, 1e6);
        } else if (k == QLatin1String("maxConnectionsPerAddress")) {
            ok = number(&c.maxConnectionsPerAddress, 1, 100'000);
        } else if (k == QLatin1String("maxSessionsPerToken")) {
            ok = number(&c.maxSessionsPerToken, 1, 100'000);
        } else if (k == QLatin1String("wsIdleTimeoutMs")) {
            ok = number(&c.wsIdleTimeoutMs, 500, 3'600'000);
        } else if (k == QLatin1String("rateIpv4PrefixBits")) {
            ok = number(&c.rateIpv4PrefixBits, 8, 32);
        } else if (k == QLatin1String("rateIpv6PrefixBits")) {
            ok = number(&c.rateIpv6PrefixBits, 16, 128);
        } else if (k == QLatin1String("auditRefusalWindowMs")) {
            ok = number(&c.auditRefusalWindowMs, 1000, 3'600'000);
        } else if (k == QLatin1String("rateMaxKeys")) {
            ok = number(&c.rateMaxKeys, 16, 1e6);
        } else if (k == QLatin1String("line")) {
            if (!v.isObject())
                return wrongType(k, "an object", v);
            const QJsonObject line = v.toObject();
            for (auto l = line.begin(); l != line.end() && ok; ++l) {
                const QString key = QStringLiteral("line.") + l.key();
                if (l.key() == QLatin1String("enabled") ||
                    l.key() == QLatin1String("allowRemotePlaintext")) {
                    if (!l->isBool())
                        return wrongType(key, "true or false", *l);
                    (l.key() == QLatin1String("enabled") ? c.lineEnabled
                                                         : c.lineAllowRemotePlaintext) =
                        l->toBool();
                } else if (l.key() == QLatin1String("listen")) {
                    ok = listen(key, *l, &c.lineHost, &c.linePort);
                } else if (l.key() == QLatin1String("maxOutputBytes") ||
                           l.key() == QLatin1String("stallTimeoutMs")) {
                    const bool bytes = l.key() == QLatin1String("maxOutputBytes");
                    const double lo = bytes ? 1024 : 100;
                    const double hi = bytes ? 16.0 * 1024 * 1024 : 600'000;
                    if (!l->isDouble())
                        return wrongType(key, "a number", *l);
                    if (l->toDouble() < lo || l->toDouble() > hi) {
                        *error = QStringLiteral("'%1' must be between %2 and %3")
                                     .arg(key)
                                     .arg(lo)
                                     .arg(hi);
                        return false;
                    }
                    if (bytes)
                        c.lineMaxOutputBytes = std::size_t(l->toDouble());
                    else
                        c.lineStallTimeoutMs = int(l->toDouble());
                } else {
                    *error = QStringLiteral("unknown setting '%1'").arg(key.left(64));
                    return false;
                }
            }
        } else {
            *error = QStringLiteral("unknown setting '%1'").arg(k.left(64));
            return false;
        }
        if (!ok)
            return false;
    }
    *this = c;
    return true;
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
        ratePerSecond <= 0 || wsQueueMax < 1 || wsQueueMaxBytes < 4096 || lineMaxBytes < 64 ||
        maxConnectionsPerAddress < 1 || maxSessionsPerToken < 1 || wsIdleTimeoutMs < 500 ||
        rateIpv4PrefixBits < 8 || rateIpv4PrefixBits > 32 || rateIpv6PrefixBits < 16 ||
        rateIpv6PrefixBits > 128 || rateMaxKeys < 16 || lineMaxOutputBytes < 1024 ||
        lineStallTimeoutMs < 100 || auditRefusalWindowMs < 1000)
        return QStringLiteral("server limits out of range");
    return {};
}

} // namespace opswall::control
