#include "charts24.h"
#include "runcheck.h"

#include "core/engineservices.h"
#include "feeds/adapters.h"
#include "feeds/feedhub.h"
#include "indicatordata.h"
#include "linechart.h"
#include "shell/wallapplication.h"
#include "store/database.h"
#include "wall/dispatcher.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QProcess>
#include <QQmlComponent>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickView>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <cstdio>

namespace opswall::bench {

using namespace opswall::feeds;

namespace {

double cpuSeconds() {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           double(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// 24 real monthly trade series (METVNM.xml, 168+ points each).
QList<Series> realSeries(QString *error) {
    QFile f(qEnvironmentVariable("OPSWALL_SHARED_DIR") +
            QStringLiteral("/data/indicators/gso-sdmx/METVNM.xml"));
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read %1: %2").arg(f.fileName(), f.errorString());
        return {};
    }
    ParseResult r = parseSdmxMl(f.readAll(), FeedMapping{}, {});
    if (!r.ok() || r.series.size() < 24) {
        *error = QStringLiteral("METVNM.xml: %1 series, %2")
                     .arg(r.series.size())
                     .arg(r.error.toString());
        return {};
    }
    r.series.resize(24);
    return r.series;
}

// The tiles as the wall draws them, or (qtcharts) as it drew them before: a Qt Charts ChartView
// with a LineSeries filled by one replace() per update, antialiased, with a title and both axes.
QString tileQml(const QString &variant, const Series &s) {
    const QString binding = QStringLiteral("{\"indicator\": \"%1\", \"dimension\": \"%2\", "
                                           "\"maxPoints\": 120}")
                                .arg(s.indicator, s.dimension);
    if (variant == QLatin1String("wall"))
        return QStringLiteral("LineChartTile { width: 640; height: 540; binding: (%1) }\n")
            .arg(binding);
    return QStringLiteral(R"(ChartView {
    id: c%1
    width: 640; height: 540; antialiasing: true; legend.visible: false
    backgroundColor: "#10243a"; titleColor: "#ffffff"; title: "%2"
    titleFont: Qt.font({ family: "Noto Sans", pixelSize: 23, bold: true })
    property IndicatorWatch watch: IndicatorWatch { indicators: ["%2"] }
    function refresh() {
        const info = IndicatorData.fillSeries(line%1, "%2", "%3", 120);
        axisY%1.min = info.minV; axisY%1.max = info.maxV; axisY%1.applyNiceNumbers();
        axisX%1.min = new Date(info.minT); axisX%1.max = new Date(info.maxT);
    }
    Connections { target: c%1.watch; function onChanged() { c%1.refresh() } }
    Component.onCompleted: refresh()
    DateTimeAxis { id: axisX%1; format: "MM/yyyy"; labelsColor: "#c8d6e5"; tickCount: 5
                   labelsFont: Qt.font({ pixelSize: 20 }) }
    ValueAxis { id: axisY%1; labelsColor: "#c8d6e5"; labelsFont: Qt.font({ pixelSize: 20 }) }
    LineSeries { id: line%1; axisX: axisX%1; axisY: axisY%1; color: "#4ea1ff"; width: 3 }
}
)")
        .arg(QString::number(qHash(s.indicator)), s.indicator, s.dimension);
}

// The run's own checks (runcheck.h): a figure of tiles that were not updated, never drew, or
// whose line charts did not repaint would be a figure of an idle window, so the run fails instead
// of printing it. The failed checks, or empty.
QString runFailures(const QString &variant, int seconds, int updates, int frames,
                    int chartRepaints) {
    RunChecks checks;
    RUN_CHECK(checks, "updates_arrived", updates, >=, seconds - 1);
    RUN_CHECK(checks, "frames_drawn_for_updates", frames, >=, updates);
    if (variant == QLatin1String("wall"))
        RUN_CHECK(checks, "charts_repainted_for_updates", chartRepaints, >=, updates);
    return checks.failures();
}

// One variant in this process: prints and returns its figures.
QJsonObject runVariant(const QString &variant, int seconds) {
    QString error;
    const QList<Series> series = realSeries(&error);
    if (series.isEmpty())
        return {{QStringLiteral("error"), error}};
    QTemporaryDir dir;
    store::Database db(dir.filePath(QStringLiteral("charts24.sqlite")));
    QNetworkAccessManager nam;
    FeedHub hub(db, &nam);
    const QDateTime t0 = QDateTime::currentDateTimeUtc();
    hub.series().ingest(QStringLiteral("met"), series, t0);
    Q_EMIT hub.scheduler()->stored(QStringLiteral("met"), series, t0, IngestMode::KeepRevisions);

    auto *data = new indicators::IndicatorData(&hub, &hub);
    QQuickView view;
    view.engine()->addImportPath(QStringLiteral("qrc:/"));
    opswall::provide(view.engine(), data);
    QString qml = QStringLiteral("import QtQuick\nimport QtCharts\nimport OpsWall.Indicators\n"
                                 "Grid { columns: 6; width: 3840; height: 2160\n");
    for (const Series &s : series)
        qml += tileQml(variant, s);
    qml += QStringLiteral("}\n");
    QQmlComponent component(view.engine());
    component.setData(qml.toUtf8(), QUrl(QStringLiteral("charts24.qml")));
    auto *root = qobject_cast<QQuickItem *>(component.create());
    if (!root)
        return {{QStringLiteral("error"), component.errorString()}};
    view.setContent(QUrl(), &component, root);
    view.resize(3840, 2160);
    view.show();

    int updates = 0, month = 0;
    // Counted on the render thread where the windows draw on their own (the wall's software
    // scene graph: WallApplication), read here.
    std::atomic<int> frames = 0;
    QObject::connect(&view, &QQuickWindow::frameSwapped, [&] { ++frames; });
    QTimer tick;
    tick.setInterval(1000);
    QObject::connect(&tick, &QTimer::timeout, [&] {
        // One new month for every series, stored in one batch as a feed delivers it, then the
        // scheduler's completion point: the read model merges it and tells the tiles.
        QList<Series> next;
        for (const Series &s : series) {
            Series n = s;
            const auto last = hub.readModel().latest(s.indicator, s.dimension);
            n.points = {Observation{Period::month(2025 + month / 12, 1 + month % 12),
                                    (last ? last->value : 1.0) * 1.01}};
            next << n;
        }
        ++month;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        hub.series().ingest(QStringLiteral("met"), next, now);
        Q_EMIT hub.scheduler()->stored(QStringLiteral("met"), next, now, IngestMode::KeepRevisions);
        ++updates;
    });
    QJsonObject out;
    const auto repaints = [&] {
        int full = 0, partial = 0;
        for (auto *chart : root->findChildren<indicators::WallLineChart *>()) {
            full += chart->fullRepaints();
            partial += chart->partialRepaints();
        }
        return std::pair{full, partial};
    };
    QTimer::singleShot(1500, [&] { // the first frame settles, then the measured run
        const auto [full0, partial0] = repaints();
        const double cpu0 = cpuSeconds();
        const int updates0 = updates, frames0 = frames;
        QElapsedTimer wall;
        wall.start();
        tick.start();
        QTimer::singleShot(
            seconds * 1000 + 200, [&, cpu0, updates0, frames0, wall, full0, partial0] {
                tick.stop();
                const double cpu = cpuSeconds() - cpu0;
                const double secs = double(wall.nsecsElapsed()) / 1e9;
                const int n = updates - updates0;
                const auto [full, partial] = repaints();
                out = {{QStringLiteral("variant"), variant},
                       {QStringLiteral("cpu_percent"), 100.0 * cpu / secs},
                       {QStringLiteral("cpu_ms_per_update"), n ? 1000.0 * cpu / n : 0.0},
                       {QStringLiteral("updates"), n},
                       {QStringLiteral("frames"), frames - frames0},
                       {QStringLiteral("seconds"), secs},
                       {QStringLiteral("platform"), QGuiApplication::platformName()}};
                if (variant == QLatin1String("wall")) {
                    out.insert(QStringLiteral("full_repaints"), full - full0);
                    out.insert(QStringLiteral("partial_repaints"), partial - partial0);
                }
                const QString failed = runFailures(variant, seconds, n, frames - frames0,
                                                   (full - full0) + (partial - partial0));
                if (!failed.isEmpty())
                    out.insert(QStringLiteral("error"), failed);
                QCoreApplication::exit(0);
            });
    });
    QCoreApplication::exec();
    delete root;
    return out;
}

// The last line of a child's stdout as a JSON object.
QJsonObject runChild(const QString &program, const QStringList &args,
                     const QProcessEnvironment &env, int timeoutMs, QString *why) {
    QProcess p;
    p.setProcessEnvironment(env);
    p.setProcessChannelMode(QProcess::SeparateChannels);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(5000);
        *why = QStringLiteral("%1 did not finish within %2 s").arg(program).arg(timeoutMs / 1000);
        return {};
    }
    const QList<QByteArray> lines = p.readAllStandardOutput().trimmed().split('\n');
    const QJsonObject o = QJsonDocument::fromJson(lines.value(lines.size() - 1)).object();
    if (p.exitCode() != 0 || o.isEmpty()) {
        *why = QStringLiteral("%1 exited %2: %3")
                   .arg(QFileInfo(program).fileName())
                   .arg(p.exitCode())
                   .arg(QString::fromLocal8Bit(p.readAllStandardError()).trimmed().right(300));
        return {};
    }
    return o;
}

} // namespace

QJsonObject runCharts24(int seconds) {
    QJsonObject out;
    QStringList notes;
    const QString self = QCoreApplication::applicationDirPath() + QStringLiteral("/bench_charts24");
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    if (!env.contains(QStringLiteral("QT_QPA_PLATFORM")))
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    const int limitMs = (seconds + 60) * 1000;
    QJsonObject wall, qtcharts;
    for (const char *variant : {"wall", "qtcharts"}) {
        QString why;
        const QJsonObject o = runChild(self,
                                       {QStringLiteral("--variant"), QLatin1String(variant),
                                        QStringLiteral("--seconds"), QString::number(seconds)},
                                       env, limitMs, &why);
        if (o.isEmpty() || o.contains(QStringLiteral("error")))
            notes << QStringLiteral("%1: %2").arg(
                QLatin1String(variant), why.isEmpty() ? o.value("error").toString() : why);
        (QLatin1String(variant) == QLatin1String("wall") ? wall : qtcharts) = o;
    }
    const double cpu = wall.value(QStringLiteral("cpu_percent")).toDouble();
    const double before = qtcharts.value(QStringLiteral("cpu_percent")).toDouble();
    std::printf("24 line-chart tiles (120 monthly points each) in a 3840x2160 window, 1 update/s "
                "for %d s, software scene graph (%s):\n",
                seconds, qPrintable(wall.value(QStringLiteral("platform")).toString()));
    if (cpu > 0) {
        out.insert(QStringLiteral("charts24_cpu_percent"), cpu);
        out.insert(QStringLiteral("charts24_cpu_ms_per_update"),
                   wall.value(QStringLiteral("cpu_ms_per_update")));
        std::printf("  WallLineChart (the wall)      : %5.1f %% of one core, %6.1f ms CPU per "
                    "update of all 24 (%d frames; %d full, %d partial chart repaints)\n",
                    cpu, wall.value(QStringLiteral("cpu_ms_per_update")).toDouble(),
                    wall.value(QStringLiteral("frames")).toInt(),
                    wall.value(QStringLiteral("full_repaints")).toInt(),
                    wall.value(QStringLiteral("partial_repaints")).toInt());
    }
    if (before > 0) {
        out.insert(QStringLiteral("charts24_qtcharts_cpu_percent"), before);
        std::printf("  baseline, Qt Charts ChartView : %5.1f %% of one core, %6.1f ms CPU per "
                    "update (%d frames)\n",
                    before, qtcharts.value(QStringLiteral("cpu_ms_per_update")).toDouble(),
                    qtcharts.value(QStringLiteral("frames")).toInt());
        if (cpu > 0)
            std::printf("  ratio Qt Charts / wall        : %.2fx\n", before / cpu);
    }

    // The browser: the same series as data for the page.
    QString error;
    const QList<Series> series = realSeries(&error);
    QTemporaryDir dir;
    QJsonArray data;
    for (const Series &s : series) {
        QJsonArray points;
        for (const Observation &o : s.points)
            points.append(QJsonArray{double(o.period.startSecs()) * 1000.0, o.value});
        data.append(
            QJsonObject{{QStringLiteral("name"), s.indicator}, {QStringLiteral("points"), points}});
    }
    QFile f(dir.filePath(QStringLiteral("series.json")));
    const QString script = qEnvironmentVariable("CHARTS24_SCRIPT");
    const QString node = qEnvironmentVariable("CHARTS24_NODE", QStringLiteral("node"));
    if (series.isEmpty()) {
        notes << QStringLiteral("browser: %1").arg(error);
    } else if (script.isEmpty() || !f.open(QIODevice::WriteOnly)) {
        notes << QStringLiteral("browser: CHARTS24_SCRIPT not set (run through ctest)");
    } else {
        f.write(QJsonDocument(data).toJson(QJsonDocument::Compact));
        f.close();
        env.insert(QStringLiteral("DATA"), f.fileName());
        env.insert(QStringLiteral("SECONDS"), QString::number(seconds));
        QString why;
        const QJsonObject b = runChild(node, {script}, env, limitMs + 60000, &why);
        const double browser = b.value(QStringLiteral("browser_cpu_percent")).toDouble();
        if (browser > 0) {
            out.insert(QStringLiteral("charts24_browser_cpu_percent"), browser);
            out.insert(QStringLiteral("charts24_browser"),
                       QStringLiteral("%1, echarts %2")
                           .arg(b.value(QStringLiteral("browser_version")).toString(),
                                b.value(QStringLiteral("echarts_version")).toString()));
            std::printf("  baseline, ECharts in headless Chromium (%s, echarts %s, whole process "
                        "tree): %5.1f %% of one core\n",
                        qPrintable(b.value(QStringLiteral("browser_version")).toString()),
                        qPrintable(b.value(QStringLiteral("echarts_version")).toString()), browser);
            if (cpu > 0) {
                out.insert(QStringLiteral("charts24_browser_ratio"), browser / cpu);
                std::printf("  ratio browser / wall          : %.2fx (goal >= 3)\n", browser / cpu);
            }
        } else {
            notes << QStringLiteral("browser: %1").arg(why);
        }
    }
    for (const QString &n : std::as_const(notes))
        std::printf("  not measured: %s\n", qPrintable(n));
    if (!notes.isEmpty())
        out.insert(QStringLiteral("charts24_notes"), notes.join(QStringLiteral("; ")));
    std::fflush(stdout);
    return out;
}

QJsonObject measureFeedUpdate(shell::WallApplication &app, int rounds) {
    auto *data = opswall::lookup<indicators::IndicatorData>(&app.engine());
    if (!data)
        return {{QStringLiteral("feed_update_notes"), QStringLiteral("built without feeds")}};
    FeedHub &hub = *data->hub();
    const QString indicator = QStringLiteral("CPI_YOY_INDEX"); // a chart of the overview preset
    int month = 0;
    double storeMs = 0; // of the last update: the SQLite write alone
    const auto update = [&] {
        Series s;
        s.indicator = indicator;
        s.points << Observation{Period::month(2023 + month / 12, 1 + month % 12),
                                100.0 + (month * 37 % 11) / 10.0};
        ++month;
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QElapsedTimer store;
        store.start();
        hub.series().ingest(QStringLiteral("bench"), {s}, now);
        storeMs = double(store.nsecsElapsed()) / 1e6;
        Q_EMIT hub.scheduler()->stored(QStringLiteral("bench"), {s}, now,
                                       IngestMode::KeepRevisions);
    };
    // Two years of values, then the overview preset (the demo's first) on the wall.
    for (int i = 0; i < 24; ++i)
        update();
    hub.readModel().flush();
    const Caller caller{QStringLiteral("bench"), Role::Admin, QStringLiteral("local"),
                        QStringLiteral("bench")};
    app.dispatcher().dispatch({QStringLiteral("preset.recall"), {{QStringLiteral("id"), 1}}},
                              caller);
    bool rendered = false;
    app.whenRendered(30000, [&](bool, const QStringList &) { rendered = true; });
    if (!QTest::qWaitFor([&] { return rendered; }, 60000))
        std::fprintf(stderr, "bench: the overview preset did not render within 60 s\n");

    QList<double> one, all, store, oneTiles, allTiles;
    int told = 0;
    for (int i = 0; i < rounds; ++i) {
        // The read model: store, merge, tell the tiles of that indicator (delivered at once
        // here, instead of at the end of the frame interval, to time it).
        QElapsedTimer t;
        t.start();
        update();
        hub.readModel().flush();
        one << double(t.nsecsElapsed()) / 1e6;
        store << storeMs;
        oneTiles << one.back() - storeMs;
        told = data->lastNotifiedWatches();
        QTest::qWait(30); // its frame
        // The baseline: the same update, every tile told and every series re-read from SQLite,
        // as one update did before the read model (one revision for everything).
        t.start();
        update();
        data->notifyChanged();
        all << double(t.nsecsElapsed()) / 1e6;
        store << storeMs;
        allTiles << all.back() - storeMs;
        QTest::qWait(30);
    }
    const auto pct = [](QList<double> v, int p) {
        std::sort(v.begin(), v.end());
        return v[std::min<qsizetype>(v.size() - 1, v.size() * p / 100)];
    };
    std::printf("one indicator update (%s) on the overview preset, GUI-thread time, %d rounds:\n",
                qPrintable(indicator), rounds);
    std::printf("  read model, its tiles told (%d watches): p50 %6.2f ms  p95 %6.2f ms  (without "
                "the SQLite write: p50 %6.2f ms  p95 %6.2f ms)\n",
                told, pct(one, 50), pct(one, 95), pct(oneTiles, 50), pct(oneTiles, 95));
    std::printf("  baseline, every tile re-reads SQLite  : p50 %6.2f ms  p95 %6.2f ms  (without "
                "the SQLite write: p50 %6.2f ms  p95 %6.2f ms)\n",
                pct(all, 50), pct(all, 95), pct(allTiles, 50), pct(allTiles, 95));
    std::printf("  of which the SQLite write (synchronous=FULL) of one value: p50 %6.2f ms  p95 "
                "%6.2f ms\n",
                pct(store, 50), pct(store, 95));
    std::fflush(stdout);
    return {{QStringLiteral("feed_update_gui_ms_p50"), pct(one, 50)},
            {QStringLiteral("feed_update_gui_ms_p95"), pct(one, 95)},
            {QStringLiteral("feed_update_all_tiles_gui_ms_p50"), pct(all, 50)},
            {QStringLiteral("feed_update_all_tiles_gui_ms_p95"), pct(all, 95)},
            {QStringLiteral("feed_update_tiles_ms_p50"), pct(oneTiles, 50)},
            {QStringLiteral("feed_update_tiles_ms_p95"), pct(oneTiles, 95)},
            {QStringLiteral("feed_update_all_tiles_ms_p50"), pct(allTiles, 50)},
            {QStringLiteral("feed_update_all_tiles_ms_p95"), pct(allTiles, 95)},
            {QStringLiteral("feed_update_store_ms_p50"), pct(store, 50)}};
}

int charts24Main(int argc, char **argv) {
    QQuickWindow::setGraphicsApi(QSGRendererInterface::Software);
    QApplication app(argc, argv); // Qt Charts (the baseline) needs QApplication
    const QStringList args = app.arguments();
    const auto value = [&](const QString &name, const QString &fallback) {
        const qsizetype i = args.indexOf(name);
        return i >= 0 && i + 1 < args.size() ? args[i + 1] : fallback;
    };
    const int seconds =
        std::max(3, value(QStringLiteral("--seconds"), QStringLiteral("10")).toInt());
    const QString variant = value(QStringLiteral("--variant"), {});
    if (!variant.isEmpty()) {
        const QJsonObject o = runVariant(variant, seconds);
        std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return o.contains(QStringLiteral("error")) ? 1 : 0;
    }
    if (args.contains(QStringLiteral("--feed-update"))) {
        // The demo wall (no demo services), as bench_wall runs it.
        QTemporaryDir dir;
        shell::Options options;
        options.demo = true;
        options.noServices = true;
        options.apiBind = QStringLiteral("127.0.0.1:0");
        options.dbPath = dir.filePath(QStringLiteral("bench.db"));
        shell::WallApplication wall(options);
        if (!wall.start()) {
            std::fprintf(stderr, "bench_charts24: %s\n", qPrintable(wall.error()));
            return 1;
        }
        const QJsonObject o = measureFeedUpdate(wall);
        if (args.contains(QStringLiteral("--json")))
            std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
        return 0;
    }
    const QJsonObject o = runCharts24(seconds);
    if (args.contains(QStringLiteral("--json")))
        std::printf("%s\n", QJsonDocument(o).toJson(QJsonDocument::Compact).constData());
    return o.contains(QStringLiteral("charts24_cpu_percent")) ? 0 : 1;
}

} // namespace opswall::bench
