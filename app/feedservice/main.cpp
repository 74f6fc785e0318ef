// opswall-feedservice --port P --data DIR [--tick-ms MS]: serves the real indicator datasets over
// HTTP for the demo wall (see feedservice.h for the routes).
#include "feedservice/feedservice.h"

#include <QCommandLineParser>
#include <QCoreApplication>

int main(int argc, char **argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("opswall-feedservice"));
    QCommandLineParser cli;
    cli.setApplicationDescription(
        QStringLiteral("Demo feed service: real GSO/World Bank datasets over HTTP"));
    cli.addHelpOption();
    cli.addOption({QStringLiteral("port"), QStringLiteral("TCP port (0 = any free port)"),
                   QStringLiteral("port"), QStringLiteral("8765")});
    cli.addOption({QStringLiteral("listen"), QStringLiteral("address to listen on"),
                   QStringLiteral("address"), QStringLiteral("127.0.0.1")});
    cli.addOption({QStringLiteral("data"), QStringLiteral("the shared/data/indicators folder"),
                   QStringLiteral("dir")});
    cli.addOption({QStringLiteral("tick-ms"),
                   QStringLiteral("ms per replayed minute of the live counter"),
                   QStringLiteral("ms"), QStringLiteral("60000")});
    cli.process(app);
    bool ok = false;
    const int port = cli.value(QStringLiteral("port")).toInt(&ok);
    const int tick = cli.value(QStringLiteral("tick-ms")).toInt();
    if (!ok || port < 0 || port > 65535 || tick < 10 || !cli.isSet(QStringLiteral("data"))) {
        std::fprintf(stderr, "usage: opswall-feedservice --port P --data DIR [--tick-ms MS]\n");
        return 2;
    }
    opswall::feedservice::FeedService service({cli.value(QStringLiteral("data")), tick});
    QString error;
    if (!service.check(&error)) {
        std::fprintf(stderr, "opswall-feedservice: %s\n", qPrintable(error));
        return 1;
    }
    opswall::feedservice::HttpServer server(
        [&service](const opswall::feedservice::HttpRequest &r) { return service.handle(r); });
    if (!server.listen(QHostAddress(cli.value(QStringLiteral("listen"))), quint16(port))) {
        std::fprintf(stderr, "opswall-feedservice: cannot listen on port %d: %s\n", port,
                     qPrintable(server.errorString()));
        return 1;
    }
    service.attach(&server);
    // The port on stdout lets a test or the demo script start us on port 0.
    std::printf("opswall-feedservice listening on http://%s:%u/\n",
                qPrintable(cli.value(QStringLiteral("listen"))), server.port());
    std::fflush(stdout);
    return app.exec();
}
