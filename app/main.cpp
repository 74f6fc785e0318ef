// opswall: the wall application. Thin: parse the command line, pick the graphics backend, build
// the application, run. Everything else is in app/shell/wallapplication.cpp.
#include "core/redact.h"
#include "core/testhooks.h"
#include "shell/options.h"
#include "shell/standbyrole.h"
#include "shell/wallapplication.h"

#include <QApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QtQml/qqmlextensionplugin.h>

#include <QSocketNotifier>
#include <QTimer>

#ifdef OPSWALL_WITH_LOGGING
#include "logging/loghandler.h"
#include "logging/sdnotify.h"
#endif

#include <chrono>
#include <csignal>
#include <cstdio>
#include <memory>
#include <thread>
#include <unistd.h>

Q_IMPORT_QML_PLUGIN(OpsWall_WallPlugin)

namespace {
int g_signalPipe[2] = {-1, -1}; // written by the signal handler, read by the event loop

void onTerminate(int) {
    const char byte = 1;
    [[maybe_unused]] const auto n = ::write(g_signalPipe[1], &byte, 1);
}

// SIGTERM/SIGINT (systemd stop, Ctrl-C) leave through the event loop, so windows close, servers
// and io threads stop and every pipeline goes to NULL before main returns.
void quitOnTerminationSignals(QObject *parent) {
    if (::pipe(g_signalPipe) != 0)
        return;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, parent);
    QObject::connect(notifier, &QSocketNotifier::activated, parent, [] {
        char byte;
        [[maybe_unused]] const auto n = ::read(g_signalPipe[0], &byte, 1);
        QCoreApplication::quit();
    });
    struct sigaction sa = {};
    sa.sa_handler = onTerminate;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    // A file-size limit (RLIMIT_FSIZE, a quota) must fail the write with EFBIG, which SQLite
    // reports and the store refuses cleanly, not kill the wall with SIGXFSZ.
    struct sigaction ignore = {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    sigaction(SIGXFSZ, &ignore, nullptr);
}

QString platformFromArgs(int argc, char **argv) {
    for (int i = 1; i + 1 < argc; ++i)
        if (qstrcmp(argv[i], "-platform") == 0 || qstrcmp(argv[i], "--platform") == 0)
            return QString::fromLocal8Bit(argv[i + 1]);
    return QString::fromLocal8Bit(qgetenv("QT_QPA_PLATFORM"));
}
} // namespace

int main(int argc, char **argv) {
#ifdef OPSWALL_WITH_LOGGING
    // The journal with structured fields under systemd, plain lines otherwise; repeats summarised.
    // OPSWALL_JOURNAL_SOCKET: the journal's socket where it is not the usual path (a container).
    opswall::logging::LogConfig logConfig;
    if (const QByteArray socket = qgetenv("OPSWALL_JOURNAL_SOCKET"); !socket.isEmpty())
        logConfig.journalSocket = socket;
    opswall::logging::LogHandler logs(logConfig);
#endif
    QStringList args;
    for (int i = 0; i < argc; ++i)
        args.append(QString::fromLocal8Bit(argv[i]));
    const auto parsed = opswall::shell::parseOptions(args);
    if (!parsed.options) {
        std::fputs(qPrintable(parsed.message + QLatin1Char('\n')),
                   parsed.exitCode ? stderr : stdout);
        return parsed.exitCode;
    }
    const opswall::shell::Options &options = *parsed.options;
    // No log line carries a password (a GStreamer error quoting rtsp://user:pass@...).
    opswall::installLogRedaction();

    // The scene graph backend must be chosen before the application object exists.
    const auto backend =
        opswall::shell::chooseBackend(options.backend, platformFromArgs(argc, argv));
    QQuickWindow::setGraphicsApi(backend == opswall::shell::Backend::OpenGL
                                     ? QSGRendererInterface::OpenGL
                                     : QSGRendererInterface::Software);

    QApplication app(argc, argv); // QApplication, not QGuiApplication: Qt Charts needs it
    QApplication::setApplicationName(QStringLiteral("opswall"));
    QApplication::setOrganizationName(QStringLiteral("OpsWall"));
    QApplication::setApplicationVersion(QStringLiteral(OPSWALL_VERSION));

    quitOnTerminationSignals(&app);
#ifdef OPSWALL_WITH_LOGGING
    QTimer logSummaries; // summaries of repeated messages (also when the message stopped); the
                         // records a busy journal has not taken yet
    logSummaries.callOnTimeout([&logs] { logs.flush(); });
    logSummaries.start(1000);
#endif
#ifdef OPSWALL_WITH_LOGGING
    // systemd (Type=notify, WatchdogSec=): READY once the wall is up, STATUS, and WATCHDOG=1 from
    // a timer on this, the GUI thread: a GUI thread that stops turning its loop stops the pings.
    const opswall::logging::NotifyEnvironment notifyEnv = opswall::logging::takeNotifyEnvironment();
    const opswall::logging::SystemdNotifier notifier(notifyEnv.socket);
    QTimer watchdog;
    QTimer statusTimer;
    QByteArray lastStatus;
#endif
#ifdef OPSWALL_WITH_NODES
    if (options.role == opswall::shell::ProcessRole::Standby) {
        // A hot standby: a replica until the primary goes silent, then a controller.
        opswall::shell::StandbyRole standby(options);
        QString error;
        if (!standby.start(&error)) {
            std::fprintf(stderr, "opswall: %s\n", qPrintable(error));
            return 1;
        }
#ifdef OPSWALL_WITH_LOGGING
        notifier.send(QByteArrayLiteral("READY=1\nSTATUS=hot standby"));
#endif
        return QApplication::exec();
    }
#endif
    opswall::shell::WallApplication wall(options);
    if (!wall.start()) {
        std::fprintf(stderr, "opswall: %s\n", qPrintable(wall.error()));
#ifdef OPSWALL_WITH_LOGGING
        notifier.send(opswall::logging::statusMessage("start failed: " + wall.error().toUtf8()));
#endif
        return 1;
    }
#ifdef OPSWALL_WITH_LOGGING
    if (notifier.enabled()) {
        lastStatus = wall.statusLine().toUtf8();
        notifier.send((notifyEnv.watchdog ? QByteArrayLiteral("READY=1\nWATCHDOG=1\n")
                                          : QByteArrayLiteral("READY=1\n")) +
                      opswall::logging::statusMessage(lastStatus));
        if (notifyEnv.watchdog) {
            watchdog.callOnTimeout([&notifier] { notifier.send("WATCHDOG=1"); });
            watchdog.start(opswall::logging::watchdogPingInterval(*notifyEnv.watchdog));
        }
        statusTimer.callOnTimeout([&] {
            const QByteArray now = wall.statusLine().toUtf8();
            if (now != lastStatus && notifier.send(opswall::logging::statusMessage(now)))
                lastStatus = now;
        });
        statusTimer.start(2000);
        QObject::connect(&app, &QCoreApplication::aboutToQuit, &app, [&notifier] {
            notifier.send(QByteArrayLiteral("STOPPING=1\nSTATUS=wall stopping"));
        });
    }
#endif
    opswall::testhooks::installGuiLoad(&app); // OPSWALL_TEST_GUI (tests only)
    if (!options.screenshotPath.isEmpty()) {
        // The tiles rendered, then their video streams' first frames (bounded: a stream that
        // does not connect is shown as the tile says it), then a frame with them.
        const auto save = [&](bool ok, const QStringList &pending) {
            if (!ok)
                std::fprintf(stderr, "opswall: tiles still not rendered: %s\n",
                             qPrintable(pending.join(QStringLiteral(", "))));
            if (!wall.saveScreenshot(options.screenshotPath)) {
                std::fprintf(stderr, "opswall: %s\n", qPrintable(wall.error()));
                QCoreApplication::exit(1);
                return;
            }
            std::printf("opswall: wrote %s\n", qPrintable(options.screenshotPath));
            QCoreApplication::exit(ok ? 0 : 1);
        };
        wall.whenRendered(options.screenshotTimeoutMs, [&, save](bool ok, const QStringList &) {
            wall.whenStreamsStarted(
                ok ? 5000 : 0, [&, save] { wall.whenRendered(options.screenshotTimeoutMs, save); });
        });
    }
    return QApplication::exec();
}
