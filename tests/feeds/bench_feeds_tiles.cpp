// Benchmark (label bench): CPU of a wall of 24 line-chart tiles (OpsWall.Indicators) in a 4K
// window, updated once a second (a new value stored, IndicatorData notifies, every tile refills
// its series with one replace()). Prints CPU % of one core over the run and per update; no
// assertion on time. Under QT_QPA_PLATFORM=offscreen this is the software scene graph.
#include "core/engineservices.h"
#include "feeds/adapters.h"
#include "feeds/feedhub.h"
#include "indicatordata.h"
#include "store/database.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QNetworkAccessManager>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQmlExtensionPlugin>
#include <QQuickItem>
#include <QQuickView>
#include <QTemporaryDir>
#include <QTimer>

#include <sys/resource.h>

#include <cstdio>

Q_IMPORT_QML_PLUGIN(OpsWall_IndicatorsPlugin)

using namespace opswall::feeds;

namespace {
double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}
} // namespace

int main(int argc, char **argv) {
    QApplication app(argc, argv);
    const int seconds = argc > 1 ? std::max(3, std::atoi(argv[1])) : 8;
    QTemporaryDir dir;
    opswall::store::Database db(dir.filePath(QStringLiteral("bench.sqlite")));
    QNetworkAccessManager nam;
    FeedHub hub(db, &nam);
    QFile csv(qEnvironmentVariable("OPSWALL_SHARED_DIR") +
              QStringLiteral("/data/indicators/gso-sdmx/METVNM.xml"));
    if (!csv.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "cannot read METVNM.xml\n");
        return 1;
    }
    // 24 real monthly trade series of 168+ points each; the tiles show the last 120.
    ParseResult r = parseSdmxMl(csv.readAll(), FeedMapping{}, {});
    r.series.resize(std::min<qsizetype>(24, r.series.size()));
    hub.series().ingest(QStringLiteral("met"), r.series, QDateTime::currentDateTimeUtc());
    QStringList codes;
    for (const Series &s : r.series)
        codes << s.indicator;

    auto *data = new opswall::indicators::IndicatorData(&hub, &app);
    QQuickView view;
    view.engine()->addImportPath(QStringLiteral("qrc:/"));
    opswall::provide(view.engine(), data);
    QString qml = QStringLiteral("import QtQuick\nimport OpsWall.Indicators\nGrid { columns: 6; "
                                 "width: 3840; height: 2160\n");
    for (const QString &c : codes)
        qml += QStringLiteral("LineChartTile { width: 640; height: 540; binding: ({\"indicator\": "
                              "\"%1\", \"dimension\": \"M\", "
                              "\"maxPoints\": 120}) }\n")
                   .arg(c);
    qml += QStringLiteral("}\n");
    QQmlComponent component(view.engine());
    component.setData(qml.toUtf8(), QUrl(QStringLiteral("bench.qml")));
    auto *root = qobject_cast<QQuickItem *>(component.create());
    if (!root) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 1;
    }
    view.setContent(QUrl(), &component, root);
    view.resize(3840, 2160);
    view.show();

    int updates = 0;
    int month = 0;
    QTimer tick;
    tick.setInterval(1000);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        // One new month for every series, then one notification (batched, as the scheduler does).
        QList<Series> next;
        for (const Series &s : r.series) {
            Series n = s;
            n.points = {Observation{Period::month(2025 + month / 12, 1 + month % 12),
                                    s.points.back().value * 1.01}};
            next << n;
        }
        ++month;
        hub.series().ingest(QStringLiteral("met"), next, QDateTime::currentDateTimeUtc());
        data->notifyChanged();
        ++updates;
    });
    // Let the first frame settle, then measure.
    QTimer::singleShot(1500, [&] {
        const double cpu0 = cpuSeconds();
        QElapsedTimer wall;
        wall.start();
        tick.start();
        QTimer::singleShot(seconds * 1000, [&, cpu0, wall] {
            tick.stop();
            const double cpu = cpuSeconds() - cpu0;
            const double secs = wall.elapsed() / 1000.0;
            std::printf("24 line-chart tiles (120 points each) in a 3840x2160 window, platform %s, "
                        "%d updates in %.1f s\n",
                        qPrintable(QGuiApplication::platformName()), updates, secs);
            std::printf(
                "CPU: %.1f %% of one core at 1 update/s (%.1f ms CPU per update of all 24 tiles)\n",
                100.0 * cpu / secs, updates ? 1000.0 * cpu / updates : 0.0);
            QCoreApplication::quit();
        });
    });
    return app.exec();
}
