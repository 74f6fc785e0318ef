#include "shell/options.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

namespace opswall::shell {

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
                       "and exit (works with -platform offscreen)."),
        QStringLiteral("FILE"));
    const QCommandLineOption db(
        QStringLiteral("db"),
        QStringLiteral("SQLite database to use (default: opswall.db, or opswall-demo.db with "
                       "--demo, in the user's data folder)."),
        QStringLiteral("FILE"));
    const QCommandLineOption wall(
        QStringLiteral("wall"),
        QStringLiteral("Wall configuration document (JSON) to use and store."),
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
