// opswall: the wall application. Thin: parse the command line, pick the graphics backend, build
// the application, run. Everything else is in app/shell/wallapplication.cpp.
#include "core/redact.h"
#include "shell/options.h"
#include "shell/wallapplication.h"

#include <QApplication>
#include <QQuickWindow>
#include <QSGRendererInterface>
#include <QtQml/qqmlextensionplugin.h>

#include <QSocketNotifier>
#include <QTimer>

#ifdef OPSWALL_WITH_LOGGING
#include "logging/loghandler.h"
#endif

#include <csignal>
#include <cstdio>
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
    QTimer logSummaries; // summaries of repeated messages, also when the message stopped
    logSummaries.callOnTimeout([&logs] { logs.flush(); });
    logSummaries.start(5000);
#endif
    opswall::shell::WallApplication wall(options);
    if (!wall.start()) {
        std::fprintf(stderr, "opswall: %s\n", qPrintable(wall.error()));
        return 1;
    }
    if (!options.screenshotPath.isEmpty()) {
        wall.whenRendered(options.screenshotTimeoutMs, [&](bool ok, const QStringList &pending) {
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
        });
    }
    return QApplication::exec();
}
