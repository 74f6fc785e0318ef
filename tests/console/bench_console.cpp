// Benchmark (label bench): what the operator console costs, printed side by side in one run.
//  1. The wall's CPU with no console, with a poller asking for every output's picture once a
//     second (what a console does), and with a real opswall-console process attached; the
//     snapshot's latency and size.
//  2. The console's frame time while a tile is dragged over a 30-tile layout, against the same
//     drag with that tile alone (the same-run baseline).
#include "appundertest.h"

#include <QGuiApplication>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QQmlEngine>
#include <QQuickItem>
#include <QQuickView>
#include <QTimer>
#include <QtQml/qqmlextensionplugin.h>

#include <algorithm>
#include <cstdio>
#include <unistd.h>

Q_IMPORT_QML_PLUGIN(OpsWall_ConsolePlugin)

namespace {

double cpuSeconds(qint64 pid) {
    QFile f(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!f.open(QIODevice::ReadOnly))
        return 0;
    const QByteArray s = f.readAll();
    const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are 11 and 12.
    return (fields.value(11).toDouble() + fields.value(12).toDouble()) /
           double(sysconf(_SC_CLK_TCK));
}

// The wall's CPU (% of one core) over ms milliseconds while the event loop runs.
double wallCpu(qint64 pid, int ms) {
    const double before = cpuSeconds(pid);
    QElapsedTimer t;
    t.start();
    QTest::qWait(ms);
    return 100.0 * (cpuSeconds(pid) - before) / (double(t.elapsed()) / 1000.0);
}

double percentile(QList<double> v, double p) {
    if (v.isEmpty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[qMin(v.size() - 1, qsizetype(p * double(v.size() - 1) + 0.5))];
}

QJsonObject thirtyTiles() {
    QJsonArray tiles;
    for (int i = 0; i < 30; ++i) {
        const int col = i % 6, row = i / 6;
        tiles.append(QJsonObject{
            {QStringLiteral("id"), QStringLiteral("t%1").arg(i)},
            {QStringLiteral("kind"), i % 3 == 0 ? QStringLiteral("clock") : QStringLiteral("text")},
            {QStringLiteral("title"), QStringLiteral("Ô %1").arg(i)},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), 20 + col * 800},
                                                 {QStringLiteral("y"), 20 + row * 400},
                                                 {QStringLiteral("width"), 760},
                                                 {QStringLiteral("height"), 360}}},
            {QStringLiteral("binding"),
             i % 3 == 0
                 ? QJsonObject{}
                 : QJsonObject{{QStringLiteral("text"), QStringLiteral("Chỉ số %1").arg(i)}}}});
    }
    return {{QStringLiteral("schemaVersion"), 1},
            {QStringLiteral("kind"), QStringLiteral("opswall.layout")},
            {QStringLiteral("name"), QStringLiteral("30 ô")},
            {QStringLiteral("tiles"), tiles}};
}

} // namespace

int main(int argc, char **argv) {
    qputenv("QT_QUICK_CONTROLS_STYLE", "Basic"); // as opswall-console
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QGuiApplication app(argc, argv);
    apptest::Wall wall;
    QString why;
    if (!wall.start(&why) || !wall.makeRoleTokens(&why)) {
        std::fprintf(stderr, "the wall did not start: %s\n", qPrintable(why));
        return 1;
    }
    const auto put =
        wall.api("PUT", QStringLiteral("/layout"), {{QStringLiteral("layout"), thirtyTiles()}});
    if (put.status != 200) {
        std::fprintf(stderr, "layout: %s\n", put.body.constData());
        return 1;
    }
    const QString tokenFile = wall.dir.filePath(QStringLiteral("operator.token"));
    {
        QFile f(tokenFile);
        f.open(QIODevice::WriteOnly);
        f.write(wall.tokens[opswall::Role::Operator].toUtf8());
    }
    const qint64 pid = wall.process.processId();
    const int windowMs = 8000;
    QTest::qWait(2000); // start-up settles

    // 1a. Nobody asks.
    const double idle = wallCpu(pid, windowMs);

    // 1b. One picture of each output per second, as a console does (960 px wide).
    QNetworkAccessManager nam;
    QList<double> latencies;
    qint64 bytes = 0;
    int answers = 0;
    QTimer poll;
    poll.setInterval(1000);
    QObject::connect(&poll, &QTimer::timeout, [&] {
        for (int i = 0; i < 2; ++i) {
            QNetworkRequest req(
                QUrl(wall.url + QStringLiteral("/api/v1/outputs/%1/snapshot?width=960").arg(i)));
            req.setRawHeader("Authorization", "Bearer " + wall.admin.toUtf8());
            auto clock = std::make_shared<QElapsedTimer>();
            clock->start();
            QNetworkReply *r = nam.get(req);
            QObject::connect(r, &QNetworkReply::finished, [&, r, clock] {
                latencies.append(double(clock->nsecsElapsed()) / 1e6);
                bytes += r->readAll().size();
                ++answers;
                r->deleteLater();
            });
        }
    });
    poll.start();
    const double polled = wallCpu(pid, windowMs);
    poll.stop();
    QTest::qWait(500);

    // 1c. A real console attached (pictures, events), offscreen.
    QProcess console;
    console.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    console.start(QStringLiteral(OPSWALL_CONSOLE_PATH),
                  {QStringLiteral("--url"), wall.url, QStringLiteral("--token-file"), tokenFile,
                   QStringLiteral("-platform"), QStringLiteral("offscreen")});
    console.waitForStarted();
    QTest::qWait(3000);
    const double attached = wallCpu(pid, windowMs);
    const double consoleCpu = wallCpu(console.processId(), 3000);
    console.kill();
    console.waitForFinished();

    std::printf("bench_console: the wall's CPU (%% of one core, %d s each, same run)\n",
                windowMs / 1000);
    std::printf("  no console                         %6.1f %%\n", idle);
    std::printf("  2 outputs' pictures at 1/s (960 px) %6.1f %%  (+%.1f)\n", polled, polled - idle);
    std::printf(
        "  one opswall-console attached       %6.1f %%  (+%.1f); the console itself %.1f %%\n",
        attached, attached - idle, consoleCpu);
    std::printf("  snapshot latency: median %.1f ms, p95 %.1f ms, %lld bytes each (%d answers)\n",
                percentile(latencies, 0.5), percentile(latencies, 0.95),
                answers ? bytes / answers : 0, answers);

    // 2. The console's frame time while dragging a tile over the 30-tile layout.
    QQuickView view;
    view.engine()->addImportPath(QStringLiteral("qrc:/"));
    view.setInitialProperties(
        {{QStringLiteral("wallUrl"), wall.url}, {QStringLiteral("tokenFile"), tokenFile}});
    view.setResizeMode(QQuickView::SizeRootObjectToView);
    view.resize(1600, 900);
    view.setSource(QUrl(QStringLiteral("qrc:/OpsWall/Console/ConsoleView.qml")));
    if (!view.rootObject()) {
        std::fprintf(stderr, "the console QML did not load\n");
        return 1;
    }
    view.show();
    QObject *root = view.rootObject();
    QElapsedTimer t;
    t.start();
    QObject *staged = root->property("staged").value<QObject *>();
    while (t.elapsed() < 20000 && staged->property("count").toInt() < 30)
        QTest::qWait(50);
    if (staged->property("count").toInt() < 30) {
        std::fprintf(stderr, "the console did not load the 30 tiles\n");
        return 1;
    }
    QTest::qWait(1000);
    auto *canvas = root->property("canvas").value<QQuickItem *>();
    // One move of the pointer -> the frame that shows it: the time from the move to the frame.
    // Moves that change nothing on screen (snapped to the same place) draw no frame; counted.
    int swapped = 0;
    QObject::connect(&view, &QQuickWindow::frameSwapped, [&] { ++swapped; });
    int idleMoves = 0;
    auto measureDrag = [&]() -> QList<double> {
        QQuickItem *tile = nullptr;
        for (QQuickItem *c : canvas->childItems())
            if (c->objectName() == QLatin1String("tile-t7"))
                tile = c;
        if (!tile)
            return {};
        const QPointF start = tile->mapToScene(QPointF(30, 30));
        QTest::mousePress(&view, Qt::LeftButton, {}, start.toPoint());
        QTest::qWait(50);
        QList<double> times;
        idleMoves = 0;
        for (int i = 1; i <= 120; ++i) {
            const QPoint p = (start + QPointF(i * 3, i * 1.5)).toPoint();
            QMouseEvent move(QEvent::MouseMove, p, view.mapToGlobal(p), Qt::NoButton,
                             Qt::LeftButton, {});
            const int before = swapped;
            QElapsedTimer w;
            w.start();
            QGuiApplication::sendEvent(&view, &move);
            while (swapped == before && w.elapsed() < 200)
                QTest::qWait(0);
            if (swapped == before)
                ++idleMoves;
            else
                times.append(double(w.nsecsElapsed()) / 1e6);
        }
        QTest::mouseRelease(&view, Qt::LeftButton, {}, (start + QPointF(360, 180)).toPoint());
        return times;
    };
    const QList<double> drag30 = measureDrag();
    const int idle30 = idleMoves;
    // Same-run baseline: the same drag with t7 alone on the wall.
    QJsonObject one = thirtyTiles();
    QJsonArray only;
    for (const QJsonValue &tv : one.value(QStringLiteral("tiles")).toArray())
        if (tv[QStringLiteral("id")].toString() == QLatin1String("t7"))
            only.append(tv);
    one.insert(QStringLiteral("tiles"), only);
    wall.api("PUT", QStringLiteral("/layout"), {{QStringLiteral("layout"), one}});
    t.restart();
    while (t.elapsed() < 10000 && staged->property("count").toInt() != 1)
        QTest::qWait(50);
    QTest::qWait(500);
    const QList<double> drag1 = measureDrag();
    const int idle1 = idleMoves;
    std::printf("bench_console: the console's frame time while dragging a tile (pointer move -> "
                "frame shown; 1600x900 window, software scene graph, 120 moves)\n");
    std::printf("  over 30 tiles     median %.2f ms, p95 %.2f ms (%lld frames; %d moves drew "
                "nothing)\n",
                percentile(drag30, 0.5), percentile(drag30, 0.95), qlonglong(drag30.size()),
                idle30);
    std::printf("  alone (baseline)  median %.2f ms, p95 %.2f ms (%lld frames; %d moves drew "
                "nothing)\n",
                percentile(drag1, 0.5), percentile(drag1, 0.95), qlonglong(drag1.size()), idle1);
    if (drag30.size() < 60 || drag1.size() < 60) {
        std::fprintf(stderr, "too few frames measured\n");
        return 1;
    }
    return 0;
}
