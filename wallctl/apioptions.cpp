#include "apioptions.h"

#include "commands.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>

namespace wallctl {

using opswall::control::ApiResponse;

Args parseArgs(int argc, char **argv, const QStringList &valued, const QStringList &flags) {
    Args a;
    for (int i = 1; i < argc; ++i) {
        const QString arg = QString::fromLocal8Bit(argv[i]);
        if (arg.startsWith(QLatin1String("--")) && arg.contains(u'=')) {
            const qsizetype eq = arg.indexOf(u'=');
            const QString name = arg.left(eq);
            if (!valued.contains(name)) {
                a.error = QStringLiteral("unknown option %1").arg(name);
                return a;
            }
            a.options.insert(name, arg.mid(eq + 1));
        } else if (valued.contains(arg)) {
            if (i + 1 >= argc) {
                a.error = QStringLiteral("%1 needs a value").arg(arg);
                return a;
            }
            a.options.insert(arg, QString::fromLocal8Bit(argv[++i]));
        } else if (flags.contains(arg)) {
            a.flags.append(arg == QLatin1String("-h") ? QStringLiteral("--help") : arg);
        } else if (arg.startsWith(u'-') && arg.size() > 1) {
            a.error = QStringLiteral("unknown option %1").arg(arg);
            return a;
        } else {
            a.positional.append(arg);
        }
    }
    return a;
}

bool clientSettings(const Args &a, opswall::control::ClientSettings *s, QString *error) {
    if (!opswall::control::resolveSettings(a.options.value(QStringLiteral("--url")),
                                           a.options.value(QStringLiteral("--token")), s, error))
        return false;
    s->caCertFile = a.options.value(QStringLiteral("--cacert"));
    s->insecure = a.flags.contains(QStringLiteral("--insecure"));
    if (a.options.contains(QStringLiteral("--timeout"))) {
        bool ok = false;
        s->timeoutMs = int(a.options.value(QStringLiteral("--timeout")).toDouble(&ok) * 1000);
        if (!ok || s->timeoutMs <= 0) {
            *error = QStringLiteral("--timeout wants seconds");
            return false;
        }
    }
    return true;
}

std::optional<QString> keyValues(const QStringList &words, QJsonObject *out, bool emptyIsNull) {
    for (const QString &kv : words) {
        const qsizetype eq = kv.indexOf(u'=');
        if (eq <= 0)
            return QStringLiteral("'%1' is not KEY=VALUE").arg(kv);
        const QString value = kv.mid(eq + 1);
        const QJsonDocument asJson = QJsonDocument::fromJson("[" + value.toUtf8() + "]");
        out->insert(kv.left(eq), value.isEmpty() && emptyIsNull ? QJsonValue()
                                 : asJson.isArray() && asJson.array().size() == 1
                                     ? asJson.array().first()
                                     : QJsonValue(value));
    }
    return std::nullopt;
}

int exitFor(const ApiResponse &r) {
    if (r.networkError)
        return Unreachable;
    if (r.status >= 200 && r.status < 300)
        return Ok;
    if (r.status == 401 || r.status == 403)
        return Refused;
    return Failed;
}

int reportFailure(const ApiResponse &r, bool json) {
    if (r.networkError) {
        std::fprintf(stderr, "wallctl: %s\n", qPrintable(r.errorText));
        return Unreachable;
    }
    if (r.status >= 200 && r.status < 300)
        return Ok;
    if (json) {
        QTextStream(stdout) << r.body << '\n';
        return exitFor(r);
    }
    const QJsonObject e = QJsonDocument::fromJson(r.body).object();
    QString message = e.value(QStringLiteral("message")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(r.body.left(200));
    const QString field = e.value(QStringLiteral("field")).toString();
    std::fprintf(stderr, "wallctl: %s (%s%s, HTTP %d)\n", qPrintable(message),
                 qPrintable(e.value(QStringLiteral("code")).toString()),
                 field.isEmpty() ? "" : qPrintable(QStringLiteral(", field ") + field), r.status);
    return exitFor(r);
}

} // namespace wallctl
