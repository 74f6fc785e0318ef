#pragma once
// The opswall command line. Parsing is separate from acting on it so it can be tested.

#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace opswall::shell {

enum class Backend { Invalid = 0, Auto, Software, OpenGL };
// What this process is (app/nodes/README.md): one box doing everything (the default, as before),
// a controller that render nodes connect to, a render node of a controller, or the hot standby of
// a controller (keeps a replica of its store and takes over when it goes silent).
enum class ProcessRole { Invalid = 0, Single, Controller, Node, Standby };

struct Options {
    bool demo = false;
    bool preview = false;
    QString screenshotPath; // non-empty: render the preview, write a PNG, exit
    int screenshotTimeoutMs = 20000;
    QString dbPath;    // empty: the default location
    QString wallPath;  // a wall document to use (and store) instead of the stored one
    QString assetsDir; // empty: found automatically
    QString language = QStringLiteral("vi");
    Backend backend = Backend::Auto;
    QString apiBind; // --api HOST:PORT; empty: the configuration file's, else 127.0.0.1:8470
    QString
        apiConfigPath; // --api-config FILE: TLS, limits, line protocol (ServerConfig::applyJson)
    QString adminTokenFile;
    QString presetName;      // recall this preset at start
    bool noServices = false; // demo without the feed service, RTSP server and display simulators
    QString storeConfigPath; // --store-config FILE: retention, free-space guard, keys, anchor
    int demoFeedPort = 0;    // --demo-feed-port: the demo feed service's port (0: a free one)
    int demoTickMs = 60000;  // --demo-tick-ms: real ms per replayed minute of the live counter
    QString oscBind;         // --osc HOST:PORT: the OSC listener (UDP and TCP); empty: off unless
                             // the panels document configures it
    QString panelsPath;      // --panels FILE: a panels document to use and store
    // Render nodes (--role controller|node; app/nodes/README.md).
    ProcessRole role = ProcessRole::Single;
    QString nodeListen;        // controller: --node-listen HOST:PORT
    QString controllerAddress; // node: --controller HOST:PORT
    QString controllerHost;    // node: --controller's host and port
    quint16 controllerPort = 0;
    QString controllerCa;      // node: --controller-ca FILE: TLS, trusting these certificates
    QString nodeTokenFile;     // node: --token-file FILE
    QString nodeId;            // node: --node-id (default: host name and outputs)
    QString nodeAddress;       // node: --node-address: the local address it connects from
    QList<int> outputs;        // --outputs: the outputs this process draws (from 0, as in /wall)
    bool outputsGiven = false; // without --outputs: every output (single), none (controller)
    // node: --controller A,B: the controllers after the first, tried in turn when a link is lost
    QList<std::pair<QString, quint16>> controllerFallbacks;
    // controller, standby, node: --node-silence-ms: the node link's silence (no heartbeat) after
    // which the other side is taken as lost (app/nodes/linksilence.h)
    int nodeSilenceMs = 2000;
    // controller, standby: --node-skew-correction on|off: trims correct the measured video skew
    // between nodes (app/nodes/videosync.h SkewTrimmer), or it is only measured
    bool nodeSkewCorrection = true;
    // controller, standby: --node-trim-keep-s: how long a node's skew trim for a stream is kept
    // after the node last showed it (SkewTrimmer::setForgetMs)
    int nodeTrimKeepSecs = 600;
    // controller, standby: --node-series-keep-mb: the indicator series held for the nodes' pulls
    // (app/nodes/seriescache.h SeriesCache::Limits::maxBytes)
    int nodeSeriesKeepMb = 64;
    // node, test only: --test-video-delay-ms MS (-200 to 200): every synchronised stream shown
    // MS later than the shared clock says (failure injection: tests/nodes/tst_nodes_skew)
    int testVideoDelayMs = 0;
    // Hot standby (app/nodes/README.md "Hot standby").
    QString standbyListen;  // controller, standby: --standby-listen HOST:PORT (a standby connects)
    QString primaryAddress; // standby: --primary HOST:PORT (the primary's --standby-listen)
    QString standbyTokenFile; // standby: --token-file FILE, a token of the role standby
    // --kept-layouts: how many layouts shown before the live one keep their tiles built and
    // hidden, so that recalling one of them again only shows them (qml/wall/README.md)
    int keptLayouts = 3;
    // --spare-tiles N (0 to 240): how many hidden frames of the light kinds (text, clock, colour)
    // that a switch lets go are held for a later recall to give them new tiles of their kind
    // (qml/wall/README.md "Spare frames"); 0: none
    int spareTiles = 64;
    // --warm-presets ID,ID: presets whose tiles are held built and hidden, so that their first
    // recall only shows them (wall::Dispatcher::setWarmPresets, qml/wall/README.md "Built ahead")
    QList<int> warmPresets;
    // --ahead-recent N (0 to 16): the N presets recalled most of late are held built and hidden
    // (wall::Dispatcher::setRecentPresets); 0: none
    int aheadRecent = 3;
};

struct ParseResult {
    std::optional<Options> options; // empty: exit with exitCode (help printed or error)
    int exitCode = 0;
    QString message; // help text or the error
};

ParseResult parseOptions(const QStringList &arguments);
Backend chooseBackend(Backend requested, const QString &platformName);

} // namespace opswall::shell
