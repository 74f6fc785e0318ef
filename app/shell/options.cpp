#include "shell/options.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QRegularExpression>
#include <QSet>
#include <QSysInfo>

#include <tuple>

namespace opswall::shell {

namespace {

struct RoleOptions {
    QCommandLineOption role, nodeListen, controller, controllerCa, outputs, tokenFile, nodeId,
        nodeAddress, standbyListen, primary, nodeSilence, skewCorrection, testVideoDelay, trimKeep,
        seriesKeep;
};

// "HOST:PORT" -> host and port (1 to 65535); std::nullopt when it is not one.
std::optional<std::pair<QString, quint16>> hostPort(const QString &text) {
    const qsizetype colon = text.lastIndexOf(QLatin1Char(':'));
    bool portOk = false;
    const uint port = colon > 0 ? text.mid(colon + 1).toUInt(&portOk) : 0;
    if (!portOk || port == 0 || port > 65535)
        return std::nullopt;
    return std::make_pair(text.left(colon), quint16(port));
}

// A whole number from lo to hi; std::nullopt for anything else.
std::optional<int> intIn(const QString &text, int lo, int hi) {
    bool ok = false;
    const int n = text.toInt(&ok);
    if (!ok || n < lo || n > hi)
        return std::nullopt;
    return n;
}

// --role standby, --standby-listen, --primary (app/nodes/README.md "Hot standby").
// --token-file for a process of the link role `role` (node, standby): given and readable.
bool linkTokenFile(const QCommandLineParser &p, const RoleOptions &opt, const QString &role,
                   QString *file, QString *why) {
    *file = p.value(opt.tokenFile);
    if (!file->isEmpty() && QFileInfo(*file).isReadable())
        return true;
    *why =
        QStringLiteral("--role %1 needs --token-file FILE, readable, with a token of the role %1 "
                       "(wallctl token create --role %1)")
            .arg(role);
    return false;
}

bool applyStandbyOptions(const QCommandLineParser &p, const RoleOptions &opt, Options &o,
                         QString *why) {
    if (p.isSet(opt.standbyListen)) {
        if (o.role != ProcessRole::Controller && o.role != ProcessRole::Standby) {
            *why = QStringLiteral("--standby-listen is for --role controller or standby only");
            return false;
        }
        o.standbyListen = p.value(opt.standbyListen);
        if (!hostPort(o.standbyListen)) {
            *why =
                QStringLiteral("--standby-listen must be HOST:PORT, not '%1'").arg(o.standbyListen);
            return false;
        }
    }
    if (o.role != ProcessRole::Standby) {
        if (p.isSet(opt.primary)) {
            *why = QStringLiteral("--primary is for --role standby only");
            return false;
        }
        return true;
    }
    o.primaryAddress = p.value(opt.primary);
    if (!hostPort(o.primaryAddress)) {
        *why = QStringLiteral("--role standby needs --primary HOST:PORT (the primary's "
                              "--standby-listen), not '%1'")
                   .arg(o.primaryAddress);
        return false;
    }
    o.nodeListen = p.value(opt.nodeListen);
    if (o.nodeListen.isEmpty()) {
        *why = QStringLiteral("--role standby needs --node-listen HOST:PORT (where render nodes "
                              "connect once it has taken over)");
        return false;
    }
    if (!linkTokenFile(p, opt, QStringLiteral("standby"), &o.standbyTokenFile, why))
        return false;
    o.controllerCa = p.value(opt.controllerCa);
    if (!o.controllerCa.isEmpty() && !QFileInfo(o.controllerCa).isReadable()) {
        *why = QStringLiteral("--controller-ca: cannot read '%1'").arg(o.controllerCa);
        return false;
    }
    if (o.demo || o.preview || !o.wallPath.isEmpty() || !o.presetName.isEmpty()) {
        *why = QStringLiteral("a standby takes its wall and layouts from the primary: --demo, "
                              "--preview, --screenshot, --wall and --preset are the primary's");
        return false;
    }
    return true;
}

// "1,2" -> {1, 2}: output numbers 0 to 999, no duplicates, at most 64 (as app/nodes checks).
std::optional<QList<int>> outputList(const QString &text, QString *why) {
    QList<int> out;
    QSet<int> seen;
    const QStringList parts = text.split(QLatin1Char(','));
    if (text.trimmed().isEmpty() || parts.size() > 64) {
        *why = QStringLiteral("--outputs must list 1 to 64 output numbers, like 0,1");
        return std::nullopt;
    }
    for (const QString &part : parts) {
        bool ok = false;
        const int n = part.trimmed().toInt(&ok);
        if (!ok || n < 0 || n > 999 || seen.contains(n)) {
            *why = QStringLiteral("--outputs: '%1' is not an output number (0 to 999, each once)")
                       .arg(part.left(20));
            return std::nullopt;
        }
        seen.insert(n);
        out.append(n);
    }
    return out;
}

bool applyRoleOptions(const QCommandLineParser &p, const RoleOptions &opt, Options &o,
                      QString *why) {
    const QString role = p.value(opt.role);
    o.role = role == QLatin1String("single")       ? ProcessRole::Single
             : role == QLatin1String("controller") ? ProcessRole::Controller
             : role == QLatin1String("node")       ? ProcessRole::Node
             : role == QLatin1String("standby")    ? ProcessRole::Standby
                                                   : ProcessRole::Invalid;
    if (o.role == ProcessRole::Invalid) {
        *why = QStringLiteral("--role must be single, controller, node or standby, not '%1'")
                   .arg(role);
        return false;
    }
    auto only = [&](const QCommandLineOption &option, const char *roles) {
        *why = QStringLiteral("--%1 is for --role %2 only")
                   .arg(option.names().constFirst(), QLatin1String(roles));
        return false;
    };
    if (o.role != ProcessRole::Node) {
        for (const QCommandLineOption *node : {&opt.controller, &opt.nodeId, &opt.nodeAddress})
            if (p.isSet(*node))
                return only(*node, "node");
        for (const QCommandLineOption *either : {&opt.tokenFile, &opt.controllerCa})
            if (o.role != ProcessRole::Standby && p.isSet(*either))
                return only(*either, "node or standby");
    }
    if (o.role != ProcessRole::Controller && o.role != ProcessRole::Standby &&
        p.isSet(opt.nodeListen))
        return only(opt.nodeListen, "controller or standby");
    if (!applyStandbyOptions(p, opt, o, why))
        return false;
    if (o.role == ProcessRole::Single && p.isSet(opt.outputs))
        return only(opt.outputs, "node or controller");
    if (p.isSet(opt.nodeSilence)) {
        if (o.role == ProcessRole::Single)
            return only(opt.nodeSilence, "controller, standby or node");
        bool ok = false;
        o.nodeSilenceMs = p.value(opt.nodeSilence).toInt(&ok);
        if (!ok || o.nodeSilenceMs < 500 || o.nodeSilenceMs > 60000) {
            *why = QStringLiteral("--node-silence-ms must be 500-60000 (ms), not '%1'")
                       .arg(p.value(opt.nodeSilence));
            return false;
        }
    }
    if (p.isSet(opt.skewCorrection)) {
        if (o.role != ProcessRole::Controller && o.role != ProcessRole::Standby)
            return only(opt.skewCorrection, "controller or standby");
        const QString v = p.value(opt.skewCorrection);
        if (v != QLatin1String("on") && v != QLatin1String("off")) {
            *why = QStringLiteral("--node-skew-correction must be on or off, not '%1'").arg(v);
            return false;
        }
        o.nodeSkewCorrection = v == QLatin1String("on");
    }
    if (p.isSet(opt.trimKeep)) {
        if (o.role != ProcessRole::Controller && o.role != ProcessRole::Standby)
            return only(opt.trimKeep, "controller or standby");
        bool ok = false;
        o.nodeTrimKeepSecs = p.value(opt.trimKeep).toInt(&ok);
        if (!ok || o.nodeTrimKeepSecs < 5 || o.nodeTrimKeepSecs > 86400) {
            *why = QStringLiteral("--node-trim-keep-s must be 5-86400 (seconds), not '%1'")
                       .arg(p.value(opt.trimKeep));
            return false;
        }
    }
    if (p.isSet(opt.seriesKeep)) {
        if (o.role != ProcessRole::Controller && o.role != ProcessRole::Standby)
            return only(opt.seriesKeep, "controller or standby");
        bool ok = false;
        o.nodeSeriesKeepMb = p.value(opt.seriesKeep).toInt(&ok);
        if (!ok || o.nodeSeriesKeepMb < 1 || o.nodeSeriesKeepMb > 65536) {
            *why = QStringLiteral("--node-series-keep-mb must be 1-65536 (MB), not '%1'")
                       .arg(p.value(opt.seriesKeep));
            return false;
        }
    }
    if (p.isSet(opt.testVideoDelay)) {
        if (o.role != ProcessRole::Node)
            return only(opt.testVideoDelay, "node");
        bool ok = false;
        o.testVideoDelayMs = p.value(opt.testVideoDelay).toInt(&ok);
        if (!ok || o.testVideoDelayMs < -200 || o.testVideoDelayMs > 200) {
            *why = QStringLiteral("--test-video-delay-ms must be -200 to 200 (ms), not '%1'")
                       .arg(p.value(opt.testVideoDelay));
            return false;
        }
    }
    if (p.isSet(opt.outputs)) {
        const auto list = outputList(p.value(opt.outputs), why);
        if (!list)
            return false;
        o.outputs = *list;
        o.outputsGiven = true;
    }
#ifndef OPSWALL_WITH_NODES
    if (o.role != ProcessRole::Single) {
        *why = QStringLiteral("this opswall is built without render nodes (Qt Remote Objects, "
                              "qt6-remoteobjects-dev)");
        return false;
    }
#endif
    if (o.role == ProcessRole::Controller) {
        o.nodeListen = p.value(opt.nodeListen);
        if (o.nodeListen.isEmpty()) {
            *why = QStringLiteral("--role controller needs --node-listen HOST:PORT");
            return false;
        }
    }
    if (o.role == ProcessRole::Node) {
        o.controllerAddress = p.value(opt.controller);
        // --controller A,B: a primary and its hot standby; the node links to whichever serves.
        const QStringList addresses = o.controllerAddress.split(QLatin1Char(','));
        for (const QString &address : addresses) {
            const auto parsed = addresses.size() <= 4 ? hostPort(address.trimmed()) : std::nullopt;
            if (!parsed) {
                *why = QStringLiteral("--role node needs --controller HOST:PORT[,HOST:PORT] (the "
                                      "controllers' --node-listen, at most 4), not '%1'")
                           .arg(o.controllerAddress);
                return false;
            }
            if (o.controllerHost.isEmpty())
                std::tie(o.controllerHost, o.controllerPort) = *parsed;
            else
                o.controllerFallbacks.append(*parsed);
        }
        if (!o.outputsGiven) {
            *why = QStringLiteral("--role node needs --outputs LIST (the outputs it draws)");
            return false;
        }
        if (!linkTokenFile(p, opt, QStringLiteral("node"), &o.nodeTokenFile, why))
            return false;
        o.nodeAddress = p.value(opt.nodeAddress);
        if (p.isSet(opt.nodeAddress) && QHostAddress(o.nodeAddress).isNull()) {
            *why =
                QStringLiteral("--node-address must be an IP address, not '%1'").arg(o.nodeAddress);
            return false;
        }
        o.controllerCa = p.value(opt.controllerCa);
        if (!o.controllerCa.isEmpty() && !QFileInfo(o.controllerCa).isReadable()) {
            *why = QStringLiteral("--controller-ca: cannot read '%1'").arg(o.controllerCa);
            return false;
        }
        QStringList outs;
        for (int n : std::as_const(o.outputs))
            outs.append(QString::number(n));
        QString host = QSysInfo::machineHostName();
        host.replace(QRegularExpression(QStringLiteral("[^A-Za-z0-9._@-]")), QStringLiteral("-"));
        o.nodeId = p.isSet(opt.nodeId) ? p.value(opt.nodeId)
                                       : (host.isEmpty() ? QStringLiteral("node") : host.left(40)) +
                                             QStringLiteral("-o") + outs.join(QLatin1Char('-'));
        static const QRegularExpression idRe(QStringLiteral("^[A-Za-z0-9._@-]{1,64}$"));
        if (!idRe.match(o.nodeId).hasMatch()) {
            *why = QStringLiteral("--node-id must be 1-64 letters, digits, '-', '_', '.' or '@'");
            return false;
        }
        // --screenshot on a node: its first output's window as it shows it (from the
        // controller, or from its cache while the controller is down), not a preview.
        const bool preview = o.preview && o.screenshotPath.isEmpty();
        o.preview = false;
        if (o.demo || preview || !o.wallPath.isEmpty() || !o.presetName.isEmpty() ||
            !o.apiBind.isEmpty() || !o.apiConfigPath.isEmpty() || !o.panelsPath.isEmpty()) {
            *why = QStringLiteral("a node takes its wall and layout from the controller and has "
                                  "no API: --demo, --preview, --wall, --preset, --api, "
                                  "--api-config and --panels are the controller's");
            return false;
        }
    }
    return true;
}

} // namespace

ParseResult parseOptions(const QStringList &arguments) {
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "OpsWall — the video wall controller of an operations centre.\n"
        "Drives one window per configured output (or, with --preview, the whole wall in one "
        "window), shows layouts of tiles, and takes actions from the console, the control API, "
        "wallctl and button panels."));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")},
                                  QStringLiteral("Show this help and exit."));
    const QCommandLineOption demo(
        QStringLiteral("demo"),
        QStringLiteral(
            "Start the demo: a simulated 4×3 wall of 55-inch panels, demo presets, and the "
            "local demo services (feeds, a test video stream, simulated displays)."));
    const QCommandLineOption preview(
        QStringLiteral("preview"),
        QStringLiteral("Show the whole wall scaled into one window, with bezels and display IDs, "
                       "instead of one window per output."));
    const QCommandLineOption screenshot(
        QStringLiteral("screenshot"),
        QStringLiteral("Render the preview, write it to FILE as PNG once every tile has rendered, "
                       "and exit (works with -platform offscreen). On a render node: its first "
                       "output's window, as it shows it."),
        QStringLiteral("FILE"));
    const QCommandLineOption db(
        QStringLiteral("db"),
        QStringLiteral("SQLite database to use (default: opswall.db, or opswall-demo.db with "
                       "--demo, in the user's data folder)."),
        QStringLiteral("FILE"));
    const QCommandLineOption wall(
        QStringLiteral("wall"),
        QStringLiteral("Wall configuration document (JSON) to use and store; applied again only "
                       "when it changed since it was last applied."),
        QStringLiteral("FILE"));
    const QCommandLineOption assets(
        QStringLiteral("assets"),
        QStringLiteral("Folder with fonts, demo wall and images (default: found next to the "
                       "program or in the source tree)."),
        QStringLiteral("DIR"));
    const QCommandLineOption lang(QStringLiteral("lang"),
                                  QStringLiteral("User interface language: vi (default) or en."),
                                  QStringLiteral("LANG"), QStringLiteral("vi"));
    const QCommandLineOption backend(
        QStringLiteral("backend"),
        QStringLiteral("Graphics backend: auto (default: OpenGL where there is a GPU, else the "
                       "software renderer), software or opengl."),
        QStringLiteral("NAME"), QStringLiteral("auto"));
    const QCommandLineOption api(
        QStringLiteral("api"),
        QStringLiteral("Address the control API listens on (default 127.0.0.1:8470)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption apiConfig(
        QStringLiteral("api-config"),
        QStringLiteral("JSON settings of the control API: listen address, TLS certificate and "
                       "key (required for any address but loopback), request limits, rate "
                       "limits, line protocol (see app/control/README.md)."),
        QStringLiteral("FILE"));
    const QCommandLineOption tokenFile(
        QStringLiteral("admin-token-file"),
        QStringLiteral("Where the first admin token is written on first start."),
        QStringLiteral("FILE"));
    const QCommandLineOption preset(QStringLiteral("preset"),
                                    QStringLiteral("Recall this preset (by name) at start."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption noServices(
        QStringLiteral("no-services"),
        QStringLiteral("With --demo: do not start the local demo services."));
    const QCommandLineOption demoFeedPort(
        QStringLiteral("demo-feed-port"),
        QStringLiteral("With --demo: the port of the local feed service (default: a free port)."),
        QStringLiteral("PORT"), QStringLiteral("0"));
    const QCommandLineOption osc(
        QStringLiteral("osc"),
        QStringLiteral("Listen for OSC tablets and panels on HOST:PORT (UDP and TCP, length-"
                       "prefixed or SLIP). Off unless given here or in the panels document. "
                       "Only the configured source addresses are heard (loopback by default)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption panels(
        QStringLiteral("panels"),
        QStringLiteral("Panels document (JSON, \"kind\": \"opswall.panels\") to use and store: "
                       "button panels, their pages and bindings, and the OSC listener."),
        QStringLiteral("FILE"));
    const QCommandLineOption platform(
        QStringLiteral("platform"),
        QStringLiteral("Qt platform plugin (e.g. offscreen, xcb, eglfs)."), QStringLiteral("NAME"));
    p.addOptions({help, demo, preview, screenshot, db, wall, assets, lang, backend, api, apiConfig,
                  tokenFile, preset, noServices, osc, panels, platform});
    const QCommandLineOption storeConfig(
        QStringLiteral("store-config"),
        QStringLiteral("JSON settings of the store: retention, free-space guard, key files, the "
                       "audit anchor, image tile folders and URLs (see app/store/README.md)."),
        QStringLiteral("FILE"));
    p.addOption(storeConfig);
    p.addOption(demoFeedPort);
    const QCommandLineOption demoTick(
        QStringLiteral("demo-tick-ms"),
        QStringLiteral("With --demo: real ms per replayed minute of the demo's live counter "
                       "(default 60000: its own pace; shorter replays office hours from 08:00 "
                       "faster, for tests and rehearsals; 100 to 60000)."),
        QStringLiteral("MS"), QStringLiteral("60000"));
    p.addOption(demoTick);
    const QCommandLineOption keptLayouts(
        QStringLiteral("kept-layouts"),
        QStringLiteral("How many layouts shown before the live one keep their tiles built and "
                       "hidden, so that recalling one again only shows it (default 3; 0: none; "
                       "at most 240 tiles kept in all)."),
        QStringLiteral("N"), QStringLiteral("3"));
    p.addOption(keptLayouts);
    const QCommandLineOption spareTiles(
        QStringLiteral("spare-tiles"),
        QStringLiteral("How many hidden frames of text, clock and colour tiles that the wall "
                       "lets go are held for later recalls to reuse instead of building new ones "
                       "(default 64; 0: none; at most 240)."),
        QStringLiteral("N"), QStringLiteral("64"));
    p.addOption(spareTiles);
    const QCommandLineOption warmPresets(
        QStringLiteral("warm-presets"),
        QStringLiteral("Presets (their ids, comma-separated, at most 16) whose tiles are held "
                       "built and hidden, so that recalling one the first time only shows it, "
                       "as a recent layout's (at most 120 tiles in all, the first presets "
                       "first; an id that names no preset is logged and skipped)."),
        QStringLiteral("ID,ID"));
    p.addOption(warmPresets);
    const QCommandLineOption aheadRecent(
        QStringLiteral("ahead-recent"),
        QStringLiteral("How many of the presets recalled most in the last 7 days (recent "
                       "recalls weighing more) have their tiles held built and hidden, so that "
                       "recalling one only shows it (default 3; 0: none; at most 16; after a "
                       "running briefing's steps, the warm presets and those panel buttons "
                       "recall, within 120 tiles in all)."),
        QStringLiteral("N"), QStringLiteral("3"));
    p.addOption(aheadRecent);
    const QCommandLineOption role(
        QStringLiteral("role"),
        QStringLiteral("single (default: this box does everything), controller (owns the store, "
                       "the API, feeds and devices, and render nodes connect to it at "
                       "--node-listen), node (draws the outputs --outputs of the controller "
                       "--controller) or standby (keeps a replica of the controller --primary "
                       "and takes over when it goes silent). See app/nodes/README.md."),
        QStringLiteral("ROLE"), QStringLiteral("single"));
    const QCommandLineOption nodeListen(
        QStringLiteral("node-listen"),
        QStringLiteral("Controller: where render nodes connect (TLS with the API's certificate; "
                       "required off loopback)."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption controller(
        QStringLiteral("controller"),
        QStringLiteral("Node: the controller's --node-listen address; with a hot standby, both "
                       "controllers' (A,B): the node links to whichever serves."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption controllerCa(
        QStringLiteral("controller-ca"),
        QStringLiteral("Node: PEM certificates to trust for the controller's TLS (the link is TLS "
                       "with it; required off loopback). Standby: the same for the primary's "
                       "standby link (and the old primary's, once it has taken over)."),
        QStringLiteral("FILE"));
    const QCommandLineOption outputs(
        QStringLiteral("outputs"),
        QStringLiteral("The outputs this process draws, from 0 as in /api/v1/wall (\"1,2\"). "
                       "Node: required. Controller: its own windows (default none)."),
        QStringLiteral("LIST"));
    const QCommandLineOption nodeTokenFile(
        QStringLiteral("token-file"),
        QStringLiteral("Node: a file holding a token of the role node (wallctl token create "
                       "--role node). Standby: a token of the role standby (wallctl token create "
                       "--role standby), for the link to the primary."),
        QStringLiteral("FILE"));
    const QCommandLineOption nodeId(
        QStringLiteral("node-id"),
        QStringLiteral("Node: its name in health and logs (default: host name and outputs)."),
        QStringLiteral("NAME"));
    const QCommandLineOption nodeAddress(
        QStringLiteral("node-address"),
        QStringLiteral("Node: the local address it connects to the controller from (a machine "
                       "on several networks; default: the system's choice)."),
        QStringLiteral("ADDRESS"));
    const QCommandLineOption standbyListen(
        QStringLiteral("standby-listen"),
        QStringLiteral("Controller or standby: where a hot standby controller connects (loopback "
                       "only for now). See app/nodes/README.md \"Hot standby\"."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption primary(
        QStringLiteral("primary"),
        QStringLiteral("Standby: the primary controller's --standby-listen address."),
        QStringLiteral("HOST:PORT"));
    const QCommandLineOption nodeSilence(
        QStringLiteral("node-silence-ms"),
        QStringLiteral("Controller, standby, node: how long the node link may be silent (no "
                       "heartbeat) before the other side is taken as lost (default 2000; "
                       "500-60000)."),
        QStringLiteral("MS"));
    const QCommandLineOption skewCorrection(
        QStringLiteral("node-skew-correction"),
        QStringLiteral("Controller, standby: on (default) corrects the video skew measured "
                       "between render nodes with per-node, per-stream trims; off only "
                       "measures it."),
        QStringLiteral("on|off"));
    QCommandLineOption testVideoDelay(
        QStringLiteral("test-video-delay-ms"),
        QStringLiteral("Node, TEST ONLY (failure injection): shows every synchronised stream MS "
                       "later than the shared clock says (-200 to 200)."),
        QStringLiteral("MS"));
    testVideoDelay.setFlags(QCommandLineOption::HiddenFromHelp);
    const QCommandLineOption trimKeep(
        QStringLiteral("node-trim-keep-s"),
        QStringLiteral("Controller, standby: how long a render node's skew trim for a stream is "
                       "kept after the node last showed it, also across a restart or takeover "
                       "(default 600; 5-86400)."),
        QStringLiteral("SECONDS"));
    const QCommandLineOption seriesKeep(
        QStringLiteral("node-series-keep-mb"),
        QStringLiteral(
            "Controller, standby: how many MB of indicator series are held in memory for "
            "the render nodes' pulls (default 64; 1-65536); what the live layout shows "
            "is held beyond it, what no node asked for in 10 minutes is dropped."),
        QStringLiteral("MB"));
    p.addOptions({role, nodeListen, controller, controllerCa, outputs, nodeTokenFile, nodeId,
                  nodeAddress, standbyListen, primary, nodeSilence, skewCorrection, testVideoDelay,
                  trimKeep, seriesKeep});

    // Qt's own "-platform offscreen" style must keep working next to our --long options.
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    ParseResult r;
    if (!p.parse(arguments)) {
        r.exitCode = 2;
        r.message = p.errorText() + QStringLiteral("\nTry 'opswall --help'.");
        return r;
    }
    if (p.isSet(help)) {
        r.message = p.helpText();
        return r;
    }
    if (!p.positionalArguments().isEmpty()) {
        r.exitCode = 2;
        r.message = QStringLiteral("unexpected argument '%1'\nTry 'opswall --help'.")
                        .arg(p.positionalArguments().first());
        return r;
    }
    Options o;
    o.demo = p.isSet(demo);
    o.preview = p.isSet(preview) || p.isSet(screenshot);
    o.screenshotPath = p.value(screenshot);
    o.dbPath = p.value(db);
    o.wallPath = p.value(wall);
    o.assetsDir = p.value(assets);
    o.language = p.value(lang);
    o.apiBind = p.value(api);
    o.apiConfigPath = p.value(apiConfig);
    if (!o.apiConfigPath.isEmpty() && !QFileInfo(o.apiConfigPath).isReadable()) {
        r.exitCode = 2;
        r.message = QStringLiteral("--api-config: cannot read '%1'").arg(o.apiConfigPath);
        return r;
    }
    o.adminTokenFile = p.value(tokenFile);
    o.storeConfigPath = p.value(storeConfig);
    if (!o.storeConfigPath.isEmpty() && !QFileInfo(o.storeConfigPath).isReadable()) {
        r.exitCode = 2;
        r.message = QStringLiteral("--store-config: cannot read '%1'").arg(o.storeConfigPath);
        return r;
    }
    o.presetName = p.value(preset);
    o.noServices = p.isSet(noServices);
    bool portOk = false;
    o.demoFeedPort = p.value(demoFeedPort).toInt(&portOk);
    if (!portOk || o.demoFeedPort < 0 || o.demoFeedPort > 65535) {
        r.exitCode = 2;
        r.message = QStringLiteral("--demo-feed-port must be a port number 0 to 65535 (0: a free "
                                   "port), not '%1'")
                        .arg(p.value(demoFeedPort));
        return r;
    }
    if (const auto tick = intIn(p.value(demoTick), 100, 60000)) {
        o.demoTickMs = *tick;
    } else {
        r.exitCode = 2;
        r.message = QStringLiteral("--demo-tick-ms must be a number of milliseconds 100 to 60000 "
                                   "(60000: the demo counter's own pace), not '%1'")
                        .arg(p.value(demoTick));
        return r;
    }
    if (const auto kept = intIn(p.value(keptLayouts), 0, 32)) {
        o.keptLayouts = *kept;
    } else {
        r.exitCode = 2;
        r.message = QStringLiteral("--kept-layouts must be a number 0 to 32, not '%1'")
                        .arg(p.value(keptLayouts));
        return r;
    }
    if (const auto spares = intIn(p.value(spareTiles), 0, 240)) {
        o.spareTiles = *spares;
    } else {
        r.exitCode = 2;
        r.message = QStringLiteral("--spare-tiles must be a number 0 to 240, not '%1'")
                        .arg(p.value(spareTiles));
        return r;
    }
    if (p.isSet(warmPresets)) {
        const QStringList ids = p.value(warmPresets).split(QLatin1Char(','), Qt::SkipEmptyParts);
        for (const QString &id : ids) {
            bool idOk = false;
            const int n = id.trimmed().toInt(&idOk);
            if (!idOk || n <= 0) {
                r.exitCode = 2;
                r.message = QStringLiteral("--warm-presets must be preset ids (numbers from 1) "
                                           "separated by commas, not '%1'")
                                .arg(p.value(warmPresets));
                return r;
            }
            if (!o.warmPresets.contains(n))
                o.warmPresets.append(n);
        }
        if (o.warmPresets.isEmpty() || o.warmPresets.size() > 16) {
            r.exitCode = 2;
            r.message = QStringLiteral("--warm-presets takes 1 to 16 preset ids, not '%1'")
                            .arg(p.value(warmPresets));
            return r;
        }
    }
    if (const auto recent = intIn(p.value(aheadRecent), 0, 16)) {
        o.aheadRecent = *recent;
    } else {
        r.exitCode = 2;
        r.message = QStringLiteral("--ahead-recent must be a number 0 to 16, not '%1'")
                        .arg(p.value(aheadRecent));
        return r;
    }
    o.oscBind = p.value(osc);
    o.panelsPath = p.value(panels);
    if (!o.panelsPath.isEmpty() && !QFileInfo(o.panelsPath).isFile()) {
        r.exitCode = 2;
        r.message = QStringLiteral("--panels: no such file '%1'").arg(o.panelsPath);
        return r;
    }
    if (o.language != QLatin1String("vi") && o.language != QLatin1String("en")) {
        r.exitCode = 2;
        r.message = QStringLiteral("--lang must be vi or en, not '%1'").arg(o.language);
        return r;
    }
    const QString b = p.value(backend);
    o.backend = b == QLatin1String("auto")       ? Backend::Auto
                : b == QLatin1String("software") ? Backend::Software
                : b == QLatin1String("opengl")   ? Backend::OpenGL
                                                 : Backend::Invalid;
    if (o.backend == Backend::Invalid) {
        r.exitCode = 2;
        r.message = QStringLiteral("--backend must be auto, software or opengl, not '%1'").arg(b);
        return r;
    }
    if (!o.wallPath.isEmpty() && !QFileInfo(o.wallPath).isFile()) {
        r.exitCode = 2;
        r.message = QStringLiteral("--wall: no such file '%1'").arg(o.wallPath);
        return r;
    }
    QString why;
    if (!applyRoleOptions(p,
                          {role, nodeListen, controller, controllerCa, outputs, nodeTokenFile,
                           nodeId, nodeAddress, standbyListen, primary, nodeSilence, skewCorrection,
                           testVideoDelay, trimKeep, seriesKeep},
                          o, &why)) {
        r.exitCode = 2;
        r.message = why + QStringLiteral("\nTry 'opswall --help'.");
        return r;
    }
    r.options = o;
    return r;
}

Backend chooseBackend(Backend requested, const QString &platformName) {
    if (requested != Backend::Auto)
        return requested;
    // offscreen always uses the software scene graph (STACK-NOTES.md); without a DRM render node
    // there is no GPU, and llvmpipe is 3-10x costlier than the software renderer.
    if (platformName == QLatin1String("offscreen") || platformName == QLatin1String("minimal"))
        return Backend::Software;
    const bool gpu = !QDir(QStringLiteral("/dev/dri"))
                          .entryList({QStringLiteral("renderD*")}, QDir::System)
                          .isEmpty();
    return gpu ? Backend::OpenGL : Backend::Software;
}

} // namespace opswall::shell
