// wallctl's API subcommands: everything over the control API of a running wall (app/control).
// QtCore + QtNetwork only. Exit codes: wallctl/commands.h.
// The commands themselves: api_wall_commands.cpp and api_admin_commands.cpp (api_call.h).
#include "commands.h"

#include "api_call.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>

#include <cstdio>
#include <utility>

namespace wallctl {

using opswall::control::ApiClient;
using opswall::control::ApiResponse;
using opswall::control::ClientSettings;

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
  panel list | get ID | test ID KEY  (list: also the USB panels plugged in)
      | bind ID KEY ACTION [NAME=VALUE ...] [--page PAGE] [--label TEXT]
                                 button panels: bind a key to an action (preset.recall id=3,
                                 audio.set source=, panel.page page=more, ...); test presses it
                                 as the panel would, with the panel's role
  output snapshot INDEX --out FILE [--width PX]   a JPEG of what output INDEX shows now
  nodes                          render nodes of a controller: connected, outputs, fps, lag
  failback                       hot standby: hand the wall to the linked, in-sync standby
                                 (admin; audited); this controller is fenced afterwards
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

// The API's commands (and their plural spellings), each one ApiCall member.
const std::pair<const char *, int (ApiCall::*)() const> kCommands[] = {
    {"status", &ApiCall::status},     {"health", &ApiCall::status},
    {"nodes", &ApiCall::nodes},       {"preset", &ApiCall::preset},
    {"presets", &ApiCall::preset},    {"layout", &ApiCall::layout},
    {"layouts", &ApiCall::layout},    {"tile", &ApiCall::tile},
    {"tiles", &ApiCall::tile},        {"source", &ApiCall::source},
    {"sources", &ApiCall::source},    {"feeds", &ApiCall::feeds},
    {"feed", &ApiCall::feeds},        {"audio", &ApiCall::audio},
    {"alert", &ApiCall::alert},       {"alerts", &ApiCall::alert},
    {"devices", &ApiCall::devices},   {"device", &ApiCall::devices},
    {"audit", &ApiCall::audit},       {"token", &ApiCall::token},
    {"tokens", &ApiCall::token},      {"lock", &ApiCall::lock},
    {"panel", &ApiCall::panel},       {"panels", &ApiCall::panel},
    {"output", &ApiCall::output},     {"outputs", &ApiCall::output},
    {"briefing", &ApiCall::briefing}, {"briefings", &ApiCall::briefing},
    {"schedule", &ApiCall::schedule}, {"schedules", &ApiCall::schedule},
    {"failback", &ApiCall::failback},
};

int (ApiCall::*commandNamed(const QString &name))() const {
    for (const auto &[n, run] : kCommands)
        if (name == QLatin1String(n))
            return run;
    return nullptr;
}

} // namespace

int apiMain(int argc, char **argv) {
    int qtArgc = 1;
    char *qtArgv[] = {argv[0], nullptr};
    QCoreApplication app(qtArgc, qtArgv);
    QCoreApplication::setApplicationName(QStringLiteral("wallctl"));

    const Args a = parseArgs(argc, argv, kValued, kFlags);
    const QString cmd = QString::fromLocal8Bit(argv[0]);
    const auto run = commandNamed(cmd);
    if (a.flags.contains(QStringLiteral("--help")) || cmd == QLatin1String("api")) {
        // "wallctl help NAME" comes here for every NAME that is not a subcommand of its own.
        if (!run && cmd != QLatin1String("api"))
            return usageError(QStringLiteral("unknown command '%1'").arg(cmd));
        std::fputs(kHelp, stdout);
        return Ok;
    }
    if (!a.error.isEmpty())
        return usageError(a.error);

    ClientSettings s;
    QString err;
    if (!clientSettings(a, &s, &err))
        return usageError(err);
    ApiClient client(s);
    const ApiCall call(a, s, client, cmd);
    if (!run)
        return usageError(QStringLiteral("unknown command '%1'").arg(cmd));
    return (call.*run)();
}

// wallctl status|health
int ApiCall::status() const {
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

// wallctl nodes
int ApiCall::nodes() const {
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
            << "  outputs " << outputs.join(u',') << "  fps " << number(n[QLatin1String("fps")], "")
            << "  lag " << number(n[QLatin1String("lagMs")], " ms") << "  skew "
            << number(n[QLatin1String("skewMs")], " ms") << "  revision "
            << number(n[QLatin1String("revision")], "") << "  silent "
            << number(n[QLatin1String("silentMs")], " ms");
        // Per stream (ms, later if positive): the skew trims it applies, and how late it shows
        // the streams the wall's timeline places.
        const auto perStream = [&n](const char *key) {
            const QJsonObject ms = n[QLatin1String(key)].toObject();
            QStringList list;
            for (auto t = ms.constBegin(); t != ms.constEnd(); ++t)
                list << t.key() + u' ' +
                            (t.value().toDouble() >= 0 ? QStringLiteral("+") : QString()) +
                            QString::number(t.value().toDouble(), 'f', 1) + QStringLiteral(" ms");
            return list.isEmpty() ? QStringLiteral("-") : list.join(u',');
        };
        out << "  trims " << perStream("trimMs") << "  timeline " << perStream("timelineMs")
            << '\n';
    }
    if (nodes.toArray().isEmpty())
        out << "no render node has connected yet\n";
    return Ok;
}

} // namespace wallctl
