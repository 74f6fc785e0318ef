// wallctl's API subcommands: everything over the control API of a running wall (app/control).
// QtCore + QtNetwork only. Exit codes: wallctl/commands.h.
#include "commands.h"

#include "apioptions.h"

#include "control/apiclient.h"
#include "control/auditlog.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>
#include <QTextStream>
#include <QUrl>

#include <cstdio>

namespace wallctl {

namespace {

const char kHelp[] =
    R"(usage: wallctl COMMAND [ARGS] [OPTIONS]

Talks to a running OpsWall over its control API (HTTP/JSON under /api/v1).

Commands:
  status                         health (uptime, CPU, memory, fps, streams) and the control lock
  preset list | get ID | recall ID | save NAME [--for-leaders] [--layout ID] | delete ID
  layout list | get ID | save NAME --file FILE | stage (--file FILE | --id ID) | publish | undo
  tile list | add --kind K --x X --y Y --width W --height H [--source S]
       | move ID [--x X] [--y Y] [--width W] [--height H] [--z Z] | remove ID
       | set ID KEY=VALUE ...            change a tile's options (JSON values; KEY= removes)
       | province ID CODE [--lang en]    what a map tile shows for one province
       | focus ID [--displays D1,D2] [--toggle] | unfocus ID
                                 fill the wall (or those displays) with a tile until unfocused
  source list | get ID | remove ID
       | add (--file FILE | ID --kind K [--uri URI] [--name N] [--site S] [--participant P])
                                 video sources: rtsp, srt, rtp, hls, http, file, v4l2,
                                 testpattern, pipeline; add replaces a source with that ID
  feeds [list]                   indicator feeds and their freshness
  audio [status] | unmute SOURCE [--volume V] | mute | volume V
                                 the one video source heard (muted by default), volume 0-1.5
  alert list | ack ID [--note TEXT]
                                 every open alert (device, indicator, store) in one list; ID as
                                 listed: device.r1c1.overheat, indicator.12, store.unavailable
  devices [list] | get ID | command ID COMMAND [KEY=VALUE ...]
  audit query [--from TIME] [--to TIME] [--action PREFIX] [--limit N] | verify [--anchor FILE]
        | layout --at TIME             the live layout at a past time, and the change behind it
  token create --role ROLE [--name NAME] | list | revoke NAME      (admins)
  lock [acquire] [--ttl SECONDS] [--reason TEXT] | release | status
  panel list | get ID | test ID KEY
      | bind ID KEY ACTION [NAME=VALUE ...] [--page PAGE] [--label TEXT]
                                 button panels: bind a key to an action (preset.recall id=3,
                                 audio.set source=, panel.page page=more, ...); test presses it
                                 as the panel would, with the panel's role
  output snapshot INDEX --out FILE [--width PX]   a JPEG of what output INDEX shows now
  nodes                          render nodes of a controller: connected, outputs, fps, lag
  briefing list | get ID | current | put FILE [--id ID] | delete ID
         | start ID [--step N] | next | previous | goto N | blank | unblank | end
         | export ID --pdf FILE         the briefing's record: one page per step
  schedule list | add FILE | remove ID
                                 recall a preset or start a briefing at a time (Viet Nam's
                                 public holidays skipped unless "holidays": true), or on an alert

Options (anywhere after COMMAND):
  --url URL        API base, e.g. http://127.0.0.1:8470 (default: $WALLCTL_URL, the config
                   file's "url", else http://127.0.0.1:8470)
  --token TOKEN    bearer token; else $WALLCTL_TOKEN; else the config file's "token" or
                   "token-file" (~/.config/opswall/wallctl.conf, or $XDG_CONFIG_HOME/opswall/...)
  --json           print the API's JSON instead of text
  --cacert FILE    trust this CA certificate for https
  --insecure       accept any TLS certificate (testing only)
  --timeout SEC    give up after SEC seconds (default 10)
  -h, --help       this text

TIME is ISO 8601 (2026-11-23T14:00:00Z) or milliseconds since the epoch.

Exit status: 0 done; 1 the wall refused or failed the operation; 2 usage error;
3 could not connect or timed out; 4 authentication or permission refused.
)";

int usageError(const QString &message) {
    std::fprintf(stderr, "wallctl: %s\nTry 'wallctl --help'.\n", qPrintable(message));
    return Usage;
}

// This command's options besides the connection's (apioptions.h).
const QStringList kValued =
    kConnectionOptions +
    QStringList{"--kind", "--x", "--y", "--width", "--height", "--z", "--source", "--layout",
                "--file", "--id", "--note", "--from", "--to", "--action", "--limit", "--role",
                "--name", "--ttl", "--reason", "--at", "--lang", "--uri", "--site", "--participant",
                "--volume", "--anchor", "--out", "--step", "--pdf",
                // Button panels (wallctl panel bind).
                "--page", "--label",
                // tile focus ID --displays r1c1,r1c2
                "--displays"};
const QStringList kFlags = kConnectionFlags + QStringList{"--for-leaders", "--toggle"};

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

void printValue(QTextStream &out, const QJsonValue &v, int indent);

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

} // namespace

int apiMain(int argc, char **argv) {
    int qtArgc = 1;
    char *qtArgv[] = {argv[0], nullptr};
    QCoreApplication app(qtArgc, qtArgv);
    QCoreApplication::setApplicationName(QStringLiteral("wallctl"));

    const Args a = parseArgs(argc, argv, kValued, kFlags);
    const QString cmd = QString::fromLocal8Bit(argv[0]);
    if (a.flags.contains(QStringLiteral("--help")) || cmd == QLatin1String("api")) {
        std::fputs(kHelp, stdout);
        return Ok;
    }
    if (!a.error.isEmpty())
        return usageError(a.error);
    const bool json = a.flags.contains(QStringLiteral("--json"));

    ClientSettings s;
    QString err;
    if (!clientSettings(a, &s, &err))
        return usageError(err);
    ApiClient client(s);
    const QStringList &p = a.positional;
    const QString sub = p.value(0);
    const QString id = p.value(1);
    auto opt = [&](const char *name) { return a.options.value(QLatin1String(name)); };
    auto has = [&](const char *name) { return a.options.contains(QLatin1String(name)); };
    auto needId = [&](const char *what) -> bool {
        if (id.isEmpty()) {
            usageError(QStringLiteral("%1 %2 needs an id").arg(cmd, QLatin1String(what)));
            return false;
        }
        return true;
    };
    auto numbers = [&](QJsonObject *body, std::initializer_list<const char *> names,
                       bool required) -> bool {
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
    };
    auto readJsonFile = [&](const QString &path, QJsonObject *out) -> bool {
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
    };
    auto get = [&](const QString &path) { return show(client.request("GET", path), json); };
    auto post = [&](const QString &path, const QJsonObject &body = {}) {
        return show(client.request("POST", path, body), json);
    };
    auto del = [&](const QString &path) { return show(client.request("DELETE", path), json); };

    if (cmd == QLatin1String("status") || cmd == QLatin1String("health")) {
        const ApiResponse health = client.request("GET", QStringLiteral("/health"));
        if (json || health.networkError || health.status != 200 || s.token.isEmpty())
            return show(health, json);
        show(health, false);
        const ApiResponse lock = client.request("GET", QStringLiteral("/lock"));
        if (lock.status == 200) {
            QTextStream out(stdout);
            out << "lock:\n";
            printObject(out, QJsonDocument::fromJson(lock.body).object(), 2);
        }
        return Ok;
    }
    if (cmd == QLatin1String("nodes")) {
        const ApiResponse health = client.request("GET", QStringLiteral("/health"));
        if (const int failed = reportFailure(health, json))
            return failed;
        const QJsonValue nodes = QJsonDocument::fromJson(health.body)[QLatin1String("nodes")];
        if (json) {
            ApiResponse list = health;
            list.body = QJsonDocument(QJsonObject{{QStringLiteral("items"), nodes.toArray()}})
                            .toJson(QJsonDocument::Compact);
            return show(list, true);
        }
        QTextStream out(stdout);
        if (!nodes.isArray()) {
            out << "no render nodes: this wall is not a controller (opswall --role controller)"
                << (s.token.isEmpty() ? ", or no token was given" : "") << '\n';
            return Ok;
        }
        auto number = [](const QJsonValue &v, const char *unit) {
            return v.isDouble() ? QString::number(v.toDouble(), 'f', 0) + QLatin1String(unit)
                                : QStringLiteral("-");
        };
        for (const QJsonValue &v : nodes.toArray()) {
            const QJsonObject n = v.toObject();
            QStringList outputs;
            for (const QJsonValue &o : n[QLatin1String("outputs")].toArray())
                outputs << QString::number(o.toInt());
            out << n[QLatin1String("id")].toString() << "  "
                << (n[QLatin1String("connected")].toBool() ? "connected" : "DISCONNECTED")
                << "  outputs " << outputs.join(u',') << "  fps "
                << number(n[QLatin1String("fps")], "") << "  lag "
                << number(n[QLatin1String("lagMs")], " ms") << "  skew "
                << number(n[QLatin1String("skewMs")], " ms") << "  revision "
                << number(n[QLatin1String("revision")], "") << '\n';
        }
        if (nodes.toArray().isEmpty())
            out << "no render node has connected yet\n";
        return Ok;
    }
    if (cmd == QLatin1String("preset") || cmd == QLatin1String("presets")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/presets"));
        if (sub == QLatin1String("get"))
            return needId("get") ? get(QStringLiteral("/presets/") + id) : Usage;
        if (sub == QLatin1String("recall"))
            return needId("recall") ? post(QStringLiteral("/presets/%1/recall").arg(id)) : Usage;
        if (sub == QLatin1String("delete"))
            return needId("delete") ? del(QStringLiteral("/presets/") + id) : Usage;
        if (sub == QLatin1String("save")) {
            if (id.isEmpty())
                return usageError(QStringLiteral("preset save needs a NAME"));
            QJsonObject body{{QStringLiteral("name"), p.mid(1).join(u' ')}};
            if (a.flags.contains(QStringLiteral("--for-leaders")))
                body.insert(QStringLiteral("forLeaders"), true);
            if (has("--layout"))
                body.insert(QStringLiteral("layoutId"), opt("--layout"));
            return post(QStringLiteral("/presets"), body);
        }
    } else if (cmd == QLatin1String("layout") || cmd == QLatin1String("layouts")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/layouts"));
        if (sub == QLatin1String("get"))
            return needId("get") ? get(QStringLiteral("/layouts/") + id) : Usage;
        if (sub == QLatin1String("publish"))
            return post(QStringLiteral("/layouts/publish"));
        if (sub == QLatin1String("undo"))
            return post(QStringLiteral("/layouts/undo"));
        if (sub == QLatin1String("stage")) {
            QJsonObject body;
            if (has("--file")) {
                QJsonObject layout;
                if (!readJsonFile(opt("--file"), &layout))
                    return Usage;
                body.insert(QStringLiteral("layout"), layout);
            } else if (has("--id")) {
                body.insert(QStringLiteral("layoutId"), opt("--id"));
            } else {
                return usageError(QStringLiteral("layout stage needs --file FILE or --id ID"));
            }
            return post(QStringLiteral("/layouts/stage"), body);
        }
        if (sub == QLatin1String("save")) {
            QJsonObject layout;
            if (id.isEmpty() || !has("--file"))
                return usageError(QStringLiteral("layout save needs NAME and --file FILE"));
            if (!readJsonFile(opt("--file"), &layout))
                return Usage;
            return post(QStringLiteral("/layouts"),
                        {{QStringLiteral("name"), id}, {QStringLiteral("layout"), layout}});
        }
    } else if (cmd == QLatin1String("tile") || cmd == QLatin1String("tiles")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/tiles"));
        if (sub == QLatin1String("add")) {
            QJsonObject body;
            if (!has("--kind"))
                return usageError(QStringLiteral("--kind is required"));
            body.insert(QStringLiteral("kind"), opt("--kind"));
            if (has("--source"))
                body.insert(QStringLiteral("source"), opt("--source"));
            if (!numbers(&body, {"x", "y", "width", "height"}, true) ||
                !numbers(&body, {"z"}, false))
                return Usage;
            return post(QStringLiteral("/tiles"), body);
        }
        if (sub == QLatin1String("move")) {
            QJsonObject body;
            if (!needId("move") || !numbers(&body, {"x", "y", "width", "height", "z"}, false))
                return Usage;
            // "tile move ID 10 20" used to send an empty change and exit 0 as if it had moved.
            if (p.size() > 2)
                return usageError(QStringLiteral("tile move ID --x X --y Y [--width W] "
                                                 "[--height H] [--z Z]: '%1' is not an option")
                                      .arg(p[2]));
            if (body.isEmpty())
                return usageError(QStringLiteral(
                    "tile move ID needs at least one of --x, --y, --width, --height, --z"));
            return show(client.request("PATCH", QStringLiteral("/tiles/") + id, body), json);
        }
        if (sub == QLatin1String("remove"))
            return needId("remove") ? del(QStringLiteral("/tiles/") + id) : Usage;
        if (sub == QLatin1String("set")) {
            if (!needId("set") || p.size() < 3)
                return usageError(QStringLiteral("tile set ID KEY=VALUE ..."));
            QJsonObject options;
            if (const auto bad = keyValues(p.mid(2), &options, true)) // KEY= removes the option
                return usageError(*bad);
            return show(client.request("PATCH", QStringLiteral("/tiles/") + id,
                                       {{QStringLiteral("options"), options}}),
                        json);
        }
        if (sub == QLatin1String("focus") || sub == QLatin1String("unfocus")) {
            if (!needId(sub == QLatin1String("focus") ? "focus" : "unfocus"))
                return Usage;
            QJsonObject body;
            if (sub == QLatin1String("focus")) {
                if (has("--displays"))
                    body.insert(QStringLiteral("displays"),
                                QJsonArray::fromStringList(
                                    opt("--displays").split(u',', Qt::SkipEmptyParts)));
                if (a.flags.contains(QStringLiteral("--toggle")))
                    body.insert(QStringLiteral("toggle"), true);
            }
            return post(QStringLiteral("/tiles/%1/%2").arg(id, sub), body);
        }
        if (sub == QLatin1String("province")) {
            if (!needId("province") || p.size() < 3)
                return usageError(QStringLiteral("tile province ID CODE [--lang en]"));
            return get(QStringLiteral("/tiles/%1/provinces/%2%3")
                           .arg(id, p[2],
                                opt("--lang") == QLatin1String("en") ? QStringLiteral("?lang=en")
                                                                     : QString()));
        }
    } else if (cmd == QLatin1String("source") || cmd == QLatin1String("sources")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/sources"));
        if (sub == QLatin1String("get"))
            return needId("get") ? get(QStringLiteral("/sources/") + id) : Usage;
        if (sub == QLatin1String("remove"))
            return needId("remove") ? del(QStringLiteral("/sources/") + id) : Usage;
        if (sub == QLatin1String("add")) {
            QJsonObject source;
            if (has("--file")) {
                if (!readJsonFile(opt("--file"), &source))
                    return Usage;
            } else {
                if (!needId("add") || !has("--kind"))
                    return usageError(QStringLiteral("source add ID --kind KIND [--uri URI] ... "
                                                     "or source add --file FILE"));
                source.insert(QStringLiteral("id"), id);
                source.insert(QStringLiteral("kind"), opt("--kind"));
                for (const char *k : {"uri", "name"})
                    if (has((QByteArray("--") + k).constData()))
                        source.insert(QLatin1String(k), opt((QByteArray("--") + k).constData()));
                if (has("--site") || has("--participant"))
                    source.insert(
                        QStringLiteral("conference"),
                        QJsonObject{{QStringLiteral("site"), opt("--site")},
                                    {QStringLiteral("participant"), opt("--participant")}});
            }
            return post(QStringLiteral("/sources"), {{QStringLiteral("source"), source}});
        }
    } else if (cmd == QLatin1String("feeds") || cmd == QLatin1String("feed")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/feeds"));
    } else if (cmd == QLatin1String("audio")) {
        if (sub.isEmpty() || sub == QLatin1String("status"))
            return get(QStringLiteral("/audio"));
        QJsonObject body;
        const QString volume = sub == QLatin1String("volume") ? id : opt("--volume");
        if (!volume.isEmpty()) {
            bool ok = false;
            body.insert(QStringLiteral("volume"), volume.toDouble(&ok));
            if (!ok)
                return usageError(QStringLiteral("the volume is a number, 0 to 1.5"));
        }
        if (sub == QLatin1String("unmute")) {
            if (!needId("unmute"))
                return Usage;
            body.insert(QStringLiteral("source"), id);
        } else if (sub == QLatin1String("mute")) {
            body.insert(QStringLiteral("source"), QString());
        } else if (sub != QLatin1String("volume") || volume.isEmpty()) {
            return usageError(QStringLiteral("audio [status] | unmute SOURCE [--volume V] | mute | "
                                             "volume V"));
        }
        return post(QStringLiteral("/audio"), body);
    } else if (cmd == QLatin1String("alert") || cmd == QLatin1String("alerts")) {
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
    } else if (cmd == QLatin1String("devices") || cmd == QLatin1String("device")) {
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
    } else if (cmd == QLatin1String("audit")) {
        if (sub == QLatin1String("verify")) {
            // --anchor FILE: the newest head exported by the wall (its audit anchor file) must
            // still be in the chain; a cut, rewritten or wiped log fails here.
            QString target = QStringLiteral("/audit/verify");
            if (has("--anchor")) {
                QString error;
                const auto anchor =
                    opswall::control::AuditLog::readLastAnchor(opt("--anchor"), &error);
                if (!anchor)
                    return usageError(error);
                target += QStringLiteral("?anchorId=%1&anchorHash=%2&anchorTimeMs=%3")
                              .arg(anchor->id)
                              .arg(QString::fromLatin1(anchor->hash.toHex()))
                              .arg(anchor->timeMs);
                if (!anchor->mac.isEmpty())
                    target +=
                        QStringLiteral("&anchorMac=") + QString::fromLatin1(anchor->mac.toHex());
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
    } else if (cmd == QLatin1String("token") || cmd == QLatin1String("tokens")) {
        if (sub == QLatin1String("create")) {
            if (!has("--role"))
                return usageError(QStringLiteral("token create needs --role ROLE"));
            const QString name =
                has("--name")
                    ? opt("--name")
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
    } else if (cmd == QLatin1String("lock")) {
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
    } else if (cmd == QLatin1String("panel") || cmd == QLatin1String("panels")) {
        if (sub.isEmpty() || sub == QLatin1String("list"))
            return get(QStringLiteral("/panels"));
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
    } else if (cmd == QLatin1String("output") || cmd == QLatin1String("outputs")) {
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
    } else if (cmd == QLatin1String("briefing") || cmd == QLatin1String("briefings")) {
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
                return show(
                    client.request("PUT", QStringLiteral("/briefings/") + opt("--id"), body), json);
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
            return post(QStringLiteral("/briefings/current/goto"),
                        {{QStringLiteral("step"), step}});
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
    } else if (cmd == QLatin1String("schedule") || cmd == QLatin1String("schedules")) {
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
    } else {
        return usageError(QStringLiteral("unknown command '%1'").arg(cmd));
    }
    return usageError(QStringLiteral("unknown '%1 %2'").arg(cmd, sub));
}

} // namespace wallctl
