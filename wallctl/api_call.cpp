// ApiCall: what every wallctl API subcommand shares (api_call.h).
#include "api_call.h"

#include "commands.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>

namespace wallctl {

using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

int usageError(const QString &message) {
    std::fprintf(stderr, "wallctl: %s\nTry 'wallctl --help'.\n", qPrintable(message));
    return Usage;
}

QString iso(const QString &time, bool *ok) {
    *ok = true;
    bool isNumber = false;
    time.toLongLong(&isNumber);
    if (isNumber)
        return time;
    const QDateTime t = QDateTime::fromString(time, Qt::ISODateWithMs);
    *ok = t.isValid();
    return QString::number(t.toMSecsSinceEpoch());
}

void printObject(QTextStream &out, const QJsonObject &o, int indent) {
    for (auto it = o.begin(); it != o.end(); ++it) {
        out << QString(indent, u' ') << it.key() << ':';
        if (it->isObject() || it->isArray()) {
            out << '\n';
            printValue(out, *it, indent + 2);
        } else {
            out << ' ';
            printValue(out, *it, 0);
            out << '\n';
        }
    }
}

void printValue(QTextStream &out, const QJsonValue &v, int indent) {
    if (v.isObject()) {
        printObject(out, v.toObject(), indent);
    } else if (v.isArray()) {
        for (const QJsonValue &e : v.toArray()) {
            if (e.isObject()) {
                // One line per item: "id  name  key=value ..."
                const QJsonObject o = e.toObject();
                QStringList parts;
                for (const char *k : {"id", "name"})
                    if (o.contains(QLatin1String(k)))
                        parts << o.value(QLatin1String(k)).toVariant().toString();
                for (auto it = o.begin(); it != o.end(); ++it)
                    if (it.key() != QLatin1String("id") && it.key() != QLatin1String("name") &&
                        !it->isObject() && !it->isArray())
                        parts << it.key() + u'=' + it->toVariant().toString();
                out << QString(indent, u' ') << parts.join(QStringLiteral("  ")) << '\n';
            } else {
                out << QString(indent, u' ') << e.toVariant().toString() << '\n';
            }
        }
    } else if (v.isBool()) {
        out << (v.toBool() ? "yes" : "no");
    } else {
        out << v.toVariant().toString();
    }
}

int show(const ApiResponse &r, bool json) {
    if (const int failed = reportFailure(r, json))
        return failed;
    QTextStream out(stdout);
    const QJsonDocument doc = QJsonDocument::fromJson(r.body);
    if (json) {
        out << (doc.isNull() ? r.body : doc.toJson(QJsonDocument::Indented));
        return Ok;
    }
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        if (o.size() == 1 && o.contains(QStringLiteral("items")))
            printValue(out, o.value(QStringLiteral("items")), 0);
        else
            printObject(out, o, 0);
    } else if (!r.body.isEmpty()) {
        out << r.body << '\n';
    }
    return Ok;
}

ApiCall::ApiCall(const Args &args, const ClientSettings &settings, ApiClient &apiClient,
                 QString command)
    : a(args)
    , s(settings)
    , client(apiClient)
    , cmd(std::move(command))
    , json(args.flags.contains(QStringLiteral("--json")))
    , p(args.positional)
    , sub(args.positional.value(0))
    , id(args.positional.value(1)) {}

bool ApiCall::needId(const char *what) const {
    if (id.isEmpty()) {
        usageError(QStringLiteral("%1 %2 needs an id").arg(cmd, QLatin1String(what)));
        return false;
    }
    return true;
}

bool ApiCall::numbers(QJsonObject *body, std::initializer_list<const char *> names,
                      bool required) const {
    for (const char *n : names) {
        const QString key = QStringLiteral("--") + QLatin1String(n);
        if (!a.options.contains(key)) {
            if (required) {
                usageError(QStringLiteral("%1 is required").arg(key));
                return false;
            }
            continue;
        }
        bool ok = false;
        const double v = a.options.value(key).toDouble(&ok);
        if (!ok) {
            usageError(QStringLiteral("%1 wants a number").arg(key));
            return false;
        }
        body->insert(QLatin1String(n), v);
    }
    return true;
}

bool ApiCall::readJsonFile(const QString &path, QJsonObject *out) const {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        usageError(QStringLiteral("cannot read %1").arg(path));
        return false;
    }
    const QJsonDocument d = QJsonDocument::fromJson(f.readAll());
    if (!d.isObject()) {
        usageError(QStringLiteral("%1 is not a JSON object").arg(path));
        return false;
    }
    *out = d.object();
    return true;
}

int ApiCall::get(const QString &path) const {
    return show(client.request("GET", path), json);
}

int ApiCall::post(const QString &path, const QJsonObject &body) const {
    return show(client.request("POST", path, body), json);
}

int ApiCall::del(const QString &path) const {
    return show(client.request("DELETE", path), json);
}

int ApiCall::unknown() const {
    return usageError(QStringLiteral("unknown '%1 %2'").arg(cmd, sub));
}

} // namespace wallctl
