#include "nodes/nodeprotocol.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>

#include <algorithm>

namespace opswall::nodes {

std::optional<QList<int>> parseOutputs(const QString &text, QString *why) {
    const QStringList parts = text.split(QLatin1Char(','));
    if (text.trimmed().isEmpty()) {
        *why = QStringLiteral("no outputs given (a list like 0,1)");
        return std::nullopt;
    }
    if (parts.size() > kMaxOutputs) {
        *why = QStringLiteral("more than %1 outputs").arg(kMaxOutputs);
        return std::nullopt;
    }
    QList<int> out;
    QSet<int> seen;
    for (const QString &p : parts) {
        bool ok = false;
        const int n = p.trimmed().toInt(&ok);
        if (!ok || n < 0 || n > kMaxOutputIndex) {
            *why = QStringLiteral("'%1' is not an output number (0 to %2)")
                       .arg(p.left(20))
                       .arg(kMaxOutputIndex);
            return std::nullopt;
        }
        if (seen.contains(n)) {
            *why = QStringLiteral("output %1 is named twice").arg(n);
            return std::nullopt;
        }
        seen.insert(n);
        out.append(n);
    }
    return out;
}

QString outputsText(const QList<int> &outputs) {
    QStringList parts;
    for (int o : outputs)
        parts.append(QString::number(o));
    return parts.join(QLatin1Char(','));
}

bool validNodeId(const QString &id) {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
    return re.match(id).hasMatch();
}

QByteArray helloLine(const Hello &hello) {
    return QByteArrayLiteral("OPSWALL-NODE ") + QByteArray::number(kProtocolVersion) + ' ' +
           hello.nodeId.toUtf8() + ' ' + outputsText(hello.outputs).toUtf8() + ' ' +
           hello.token.toUtf8() + '\n';
}

std::optional<Hello> parseHello(const QByteArray &line, QString *why) {
    if (line.size() > kMaxLineBytes) {
        *why = QStringLiteral("the opening line is longer than %1 bytes").arg(kMaxLineBytes);
        return std::nullopt;
    }
    const QList<QByteArray> f = line.trimmed().split(' ');
    if (f.size() != 5 || f[0] != "OPSWALL-NODE") {
        *why = QStringLiteral("not an OpsWall node (expected 'OPSWALL-NODE <version> <id> "
                              "<outputs> <token>')");
        return std::nullopt;
    }
    if (f[1] != QByteArray::number(kProtocolVersion)) {
        *why = QStringLiteral("node protocol version %1 is not supported (this controller speaks "
                              "%2)")
                   .arg(QString::fromLatin1(f[1].left(10)))
                   .arg(kProtocolVersion);
        return std::nullopt;
    }
    Hello h;
    h.nodeId = QString::fromUtf8(f[2]);
    if (!validNodeId(h.nodeId)) {
        *why = QStringLiteral("the node id must be 1-64 letters, digits, '-', '_', '.' or '@'");
        return std::nullopt;
    }
    QString outputsWhy;
    const auto outputs = parseOutputs(QString::fromUtf8(f[3]), &outputsWhy);
    if (!outputs) {
        *why = QStringLiteral("outputs: ") + outputsWhy;
        return std::nullopt;
    }
    h.outputs = *outputs;
    h.token = QString::fromUtf8(f[4]);
    if (h.token.isEmpty()) {
        *why = QStringLiteral("no token");
        return std::nullopt;
    }
    return h;
}

QByteArray newLinkKey() {
    QByteArray raw(kLinkKeyHexDigits / 2, Qt::Uninitialized);
    QRandomGenerator::system()->generate(raw.begin(), raw.end());
    return raw.toHex();
}

QByteArray okLine(const QByteArray &linkKey) {
    return QByteArrayLiteral("OK ") + linkKey + '\n';
}

QByteArray refusedLine(const QString &reason) {
    QByteArray r = reason.left(200).toUtf8();
    r.replace('\n', ' ').replace('\r', ' ');
    return QByteArrayLiteral("REFUSED ") + r + '\n';
}

bool parseAnswer(const QByteArray &line, QString *reason, QByteArray *linkKey) {
    const QByteArray l = line.trimmed();
    if (l.startsWith("OK ")) {
        const QByteArray key = l.mid(3);
        const bool hex = std::all_of(key.cbegin(), key.cend(), [](char c) {
            return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
        });
        if (key.size() == kLinkKeyHexDigits && hex) {
            if (linkKey)
                *linkKey = key;
            return true;
        }
        *reason = QStringLiteral("the controller's OK has no valid link key");
        return false;
    }
    if (l.startsWith("REFUSED "))
        *reason = QString::fromUtf8(l.mid(8, 200));
    else
        *reason = QStringLiteral("the controller answered something else than OK or REFUSED");
    return false;
}

} // namespace opswall::nodes
