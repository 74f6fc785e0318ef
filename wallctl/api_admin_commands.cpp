// wallctl's API subcommands for operating the wall: alerts, devices, audit, tokens, the lock,
// panels, output snapshots, briefings and schedules.
#include "api_call.h"

#include "commands.h"

#include "control/auditlog.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrl>

#include <cstdio>

namespace wallctl {

using opswall::control::ApiResponse;

// wallctl alert|alerts
int ApiCall::alert() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/alerts"));
    if (sub == QLatin1String("ack")) {
        if (!needId("ack"))
            return Usage;
        QJsonObject body;
        if (has("--note"))
            body.insert(QStringLiteral("note"), opt("--note"));
        return post(QStringLiteral("/alerts/%1/ack").arg(id), body);
    }
    return unknown();
}

// wallctl devices|device
int ApiCall::devices() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/devices"));
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/devices/") + id) : Usage;
    if (sub == QLatin1String("command")) {
        if (!needId("command") || p.size() < 3)
            return usageError(QStringLiteral("devices command ID COMMAND [KEY=VALUE ...]"));
        QJsonObject args;
        for (const QString &kv : p.mid(3)) {
            const qsizetype eq = kv.indexOf(u'=');
            if (eq <= 0)
                return usageError(QStringLiteral("'%1' is not KEY=VALUE").arg(kv));
            args.insert(kv.left(eq), kv.mid(eq + 1));
        }
        return post(QStringLiteral("/devices/%1/commands").arg(id),
                    {{QStringLiteral("command"), p[2]}, {QStringLiteral("args"), args}});
    }
    return unknown();
}

// wallctl audit
int ApiCall::audit() const {
    if (sub == QLatin1String("verify")) {
        // --anchor FILE: the newest head exported by the wall (its audit anchor file) must
        // still be in the chain; a cut, rewritten or wiped log fails here.
        QString target = QStringLiteral("/audit/verify");
        if (has("--anchor")) {
            QString error;
            const auto anchor = opswall::control::AuditLog::readLastAnchor(opt("--anchor"), &error);
            if (!anchor)
                return usageError(error);
            target += QStringLiteral("?anchorId=%1&anchorHash=%2&anchorTimeMs=%3")
                          .arg(anchor->id)
                          .arg(QString::fromLatin1(anchor->hash.toHex()))
                          .arg(anchor->timeMs);
            if (!anchor->mac.isEmpty())
                target += QStringLiteral("&anchorMac=") + QString::fromLatin1(anchor->mac.toHex());
        }
        const ApiResponse r = client.request("GET", target);
        const int code = show(r, json);
        if (code == Ok &&
            !QJsonDocument::fromJson(r.body).object().value(QStringLiteral("ok")).toBool())
            return Failed; // a broken chain is a failure scripts must notice
        return code;
    }
    if (sub == QLatin1String("layout")) {
        bool ok = false;
        const QString at = iso(opt("--at"), &ok);
        if (!has("--at") || !ok)
            return usageError(QStringLiteral("audit layout wants --at TIME"));
        return get(QStringLiteral("/audit/layout?at=") + at);
    }
    if (sub.isEmpty() || sub == QLatin1String("query") || sub == QLatin1String("list")) {
        QStringList q;
        for (const char *k : {"from", "to"}) {
            const QString key = QStringLiteral("--") + QLatin1String(k);
            if (a.options.contains(key)) {
                bool ok = false;
                const QString ms = iso(a.options.value(key), &ok);
                if (!ok)
                    return usageError(QStringLiteral("%1 wants an ISO time").arg(key));
                q << QLatin1String(k) + u'=' + ms;
            }
        }
        if (has("--action"))
            q << QStringLiteral("action=") +
                     QString::fromLatin1(QUrl::toPercentEncoding(opt("--action")));
        if (has("--limit"))
            q << QStringLiteral("limit=") + opt("--limit");
        return get(QStringLiteral("/audit") + (q.isEmpty() ? QString() : u'?' + q.join(u'&')));
    }
    return unknown();
}

// wallctl token|tokens
int ApiCall::token() const {
    if (sub == QLatin1String("create")) {
        if (!has("--role"))
            return usageError(QStringLiteral("token create needs --role ROLE"));
        const QString name =
            has("--name") ? opt("--name")
                          : QStringLiteral("%1-%2").arg(
                                opt("--role"), QString::number(QDateTime::currentSecsSinceEpoch()));
        const ApiResponse r = client.request(
            "POST", QStringLiteral("/tokens"),
            {{QStringLiteral("name"), name}, {QStringLiteral("role"), opt("--role")}});
        if (json || r.status != 201)
            return show(r, json);
        // Only the token on stdout, so scripts can capture it: T=$(wallctl token create ...)
        std::printf("%s\n", qPrintable(QJsonDocument::fromJson(r.body)
                                           .object()
                                           .value(QStringLiteral("token"))
                                           .toString()));
        std::fprintf(stderr, "wallctl: created token '%s'; it is shown only once\n",
                     qPrintable(name));
        return Ok;
    }
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/tokens"));
    if (sub == QLatin1String("revoke"))
        return needId("revoke") ? del(QStringLiteral("/tokens/") + id) : Usage;
    return unknown();
}

// wallctl lock
int ApiCall::lock() const {
    if (sub == QLatin1String("status"))
        return get(QStringLiteral("/lock"));
    if (sub == QLatin1String("release") || sub == QLatin1String("unlock"))
        return del(QStringLiteral("/lock"));
    if (sub.isEmpty() || sub == QLatin1String("acquire")) {
        QJsonObject body;
        if (!numbers(&body, {}, false))
            return Usage;
        if (has("--ttl")) {
            bool ok = false;
            const double ttl = opt("--ttl").toDouble(&ok);
            if (!ok)
                return usageError(QStringLiteral("--ttl wants seconds"));
            body.insert(QStringLiteral("ttlSeconds"), ttl);
        }
        if (has("--reason"))
            body.insert(QStringLiteral("reason"), opt("--reason"));
        return post(QStringLiteral("/lock"), body);
    }
    return unknown();
}

// wallctl failback: the hot standby takes the wall over (app/nodes/README.md "Hot standby")
int ApiCall::failback() const {
    return post(QStringLiteral("/controller/failback"), {});
}

// wallctl panel list: the configured panels, then the Stream Decks and X-keys plugged in by USB
// (the wall's hot-plug monitor: GET /panels "usb"), configured as a panel or not. Headings in
// English and Vietnamese; --json prints the answer as it came.
int ApiCall::panelList() const {
    const ApiResponse r = client.request("GET", QStringLiteral("/panels"));
    if (json || r.networkError || r.status != 200)
        return show(r, json);
    const QJsonObject o = QJsonDocument::fromJson(r.body).object();
    QTextStream out(stdout);
    const QJsonArray panels = o.value(QStringLiteral("items")).toArray();
    out << "Panels · Bàn phím điều khiển (" << panels.size() << ")\n";
    printValue(out, panels, 2);
    const QJsonArray usb = o.value(QStringLiteral("usb")).toArray();
    out << "Plugged in by USB · Cắm qua USB (" << usb.size() << ")\n";
    if (usb.isEmpty())
        out << "  none · không có\n";
    for (const QJsonValue &v : usb) {
        const QJsonObject d = v.toObject();
        const auto field = [&d](const char *name) {
            return d.value(QLatin1String(name)).toString();
        };
        QStringList parts{
            field("path"),
            (field("kind") == QLatin1String("streamdeck") ? QStringLiteral("Stream Deck")
                                                          : QStringLiteral("X-keys")) +
                u' ' +
                (field("model").isEmpty() ? QStringLiteral("(unknown model · không rõ kiểu)")
                                          : field("model")),
            field("vendorId") + u':' + field("productId")};
        if (!field("serial").isEmpty())
            parts << QStringLiteral("serial · số sê-ri ") + field("serial");
        parts << (field("panel").isEmpty() ? QStringLiteral("not configured · chưa cấu hình")
                                           : QStringLiteral("panel · bàn phím ") + field("panel"));
        out << "  " << parts.join(QStringLiteral("  ")) << '\n';
    }
    return Ok;
}

// wallctl panel|panels
int ApiCall::panel() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return panelList();
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/panels/") + id) : Usage;
    bool keyOk = false;
    const int key = p.size() > 2 ? p[2].toInt(&keyOk) : -1;
    if (sub == QLatin1String("test")) {
        if (!needId("test") || !keyOk)
            return usageError(QStringLiteral("panel test ID KEY"));
        return post(QStringLiteral("/panels/%1/press").arg(id), {{QStringLiteral("key"), key}});
    }
    if (sub == QLatin1String("bind")) {
        if (!needId("bind") || !keyOk || p.size() < 4)
            return usageError(QStringLiteral(
                "panel bind ID KEY ACTION [NAME=VALUE ...] [--page PAGE] [--label TEXT]"));
        QJsonObject params;
        for (const QString &kv : p.mid(4)) {
            const qsizetype eq = kv.indexOf(u'=');
            if (eq <= 0)
                return usageError(QStringLiteral("'%1' is not NAME=VALUE").arg(kv));
            const QString value = kv.mid(eq + 1);
            // A JSON value (3, true, [..]) as written; anything else is a string.
            const QJsonDocument asJson =
                QJsonDocument::fromJson(QStringLiteral("[%1]").arg(value).toUtf8());
            params.insert(kv.left(eq), asJson.isArray() && asJson.array().size() == 1
                                           ? asJson.array().first()
                                           : QJsonValue(value));
        }
        QJsonObject body{{QStringLiteral("key"), key},
                         {QStringLiteral("action"), p[3]},
                         {QStringLiteral("params"), params}};
        if (has("--page"))
            body.insert(QStringLiteral("page"), opt("--page"));
        if (has("--label"))
            body.insert(QStringLiteral("label"), opt("--label"));
        return post(QStringLiteral("/panels/%1/bind").arg(id), body);
    }
    return unknown();
}

// wallctl output|outputs
int ApiCall::output() const {
    if (sub == QLatin1String("snapshot")) {
        if (!needId("snapshot"))
            return Usage;
        if (!has("--out"))
            return usageError(QStringLiteral("output snapshot needs --out FILE"));
        QString path = QStringLiteral("/outputs/%1/snapshot").arg(id);
        if (has("--width"))
            path += QStringLiteral("?width=") +
                    QString::fromLatin1(QUrl::toPercentEncoding(opt("--width")));
        const ApiResponse r = client.request("GET", path);
        if (r.networkError || r.status != 200)
            return show(r, json);
        QFile f(opt("--out"));
        if (!f.open(QIODevice::WriteOnly) || f.write(r.body) != r.body.size()) {
            std::fprintf(stderr, "wallctl: cannot write %s\n", qPrintable(opt("--out")));
            return Failed;
        }
        return Ok;
    }
    return unknown();
}

// wallctl briefing|briefings
int ApiCall::briefing() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/briefings"));
    if (sub == QLatin1String("current") || sub == QLatin1String("status"))
        return get(QStringLiteral("/briefings/current"));
    if (sub == QLatin1String("get"))
        return needId("get") ? get(QStringLiteral("/briefings/") + id) : Usage;
    if (sub == QLatin1String("delete"))
        return needId("delete") ? del(QStringLiteral("/briefings/") + id) : Usage;
    if (sub == QLatin1String("put")) {
        QJsonObject doc;
        if (id.isEmpty())
            return usageError(QStringLiteral("briefing put needs a FILE"));
        if (!readJsonFile(id, &doc))
            return Usage;
        const QJsonObject body{{QStringLiteral("briefing"), doc}};
        if (has("--id"))
            return show(client.request("PUT", QStringLiteral("/briefings/") + opt("--id"), body),
                        json);
        return post(QStringLiteral("/briefings"), body);
    }
    if (sub == QLatin1String("start")) {
        if (!needId("start"))
            return Usage;
        QJsonObject body;
        if (has("--step")) {
            bool ok = false;
            body.insert(QStringLiteral("step"), opt("--step").toInt(&ok));
            if (!ok)
                return usageError(QStringLiteral("--step wants a step number"));
        }
        return post(QStringLiteral("/briefings/%1/start").arg(id), body);
    }
    if (sub == QLatin1String("goto")) {
        bool ok = false;
        const int step = id.toInt(&ok);
        if (!ok)
            return usageError(QStringLiteral("briefing goto N: N is a step number"));
        return post(QStringLiteral("/briefings/current/goto"), {{QStringLiteral("step"), step}});
    }
    for (const char *verb : {"next", "previous", "blank", "unblank", "end"})
        if (sub == QLatin1String(verb))
            return post(QStringLiteral("/briefings/current/") + QLatin1String(verb));
    if (sub == QLatin1String("export")) {
        if (!needId("export") || !has("--pdf"))
            return usageError(QStringLiteral("briefing export ID --pdf FILE"));
        const ApiResponse r =
            client.request("GET", QStringLiteral("/briefings/%1/export.pdf").arg(id));
        if (r.networkError || r.status != 200)
            return show(r, json);
        QFile out(opt("--pdf"));
        if (!out.open(QIODevice::WriteOnly) || out.write(r.body) != r.body.size()) {
            std::fprintf(stderr, "wallctl: cannot write %s: %s\n", qPrintable(opt("--pdf")),
                         qPrintable(out.errorString()));
            return Failed;
        }
        std::fprintf(stderr, "wallctl: wrote %s (%lld bytes)\n", qPrintable(opt("--pdf")),
                     static_cast<long long>(r.body.size()));
        return Ok;
    }
    return unknown();
}

// wallctl schedule|schedules
int ApiCall::schedule() const {
    if (sub.isEmpty() || sub == QLatin1String("list"))
        return get(QStringLiteral("/schedules"));
    if (sub == QLatin1String("remove") || sub == QLatin1String("delete"))
        return needId("remove") ? del(QStringLiteral("/schedules/") + id) : Usage;
    if (sub == QLatin1String("add")) {
        QJsonObject doc;
        if (id.isEmpty())
            return usageError(QStringLiteral("schedule add needs a FILE"));
        if (!readJsonFile(id, &doc))
            return Usage;
        return post(QStringLiteral("/schedules"), {{QStringLiteral("schedule"), doc}});
    }
    return unknown();
}

} // namespace wallctl
