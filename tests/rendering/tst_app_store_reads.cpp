// The reads the real opswall used to make on its GUI thread (issue 12: "the GUI thread never
// waits on the disk"), on a real SQLite file whose every fsync takes 500 ms (the test VFS of
// tst_app_store_thread, switched on by a flag file once the wall is up). The wall's own count of
// its GUI thread's SQL statements and store-thread waits (opswall_store_gui_thread_waits_total,
// store::guiThreadWaits) must not move while
//   - calibration actions read the stored profiles and wall revisions (a profile merged with the
//     one stored, its revision counted on; the geometry saved twice and undone), briefings are
//     saved (a new revision, a stale baseRevision refused naming the newer one), started,
//     stepped, ended and deleted, a step's picture is drawn (the briefing read in place), and the
//     console's content library (GET /indicators) asks for every indicator's series for the
//     first time; each action's answer is what it was when these reads were made in place;
//   - real feeds are pulled from and pushed by a feed service on loopback (opswall-feedservice,
//     the demo's own peer, started by the test on a free port, its live counter ticking every
//     second) and ingested while the disk is slow: their values are ingested and shown (the live
//     indicator's value moves in GET /indicators), every indicator the store has values for
//     shows them, the API's reads are answered and the frames of a playing video tile go on, as
//     on a fast disk a moment before in the same run.
// And a render node (a second opswall process joined to a controller pulling those feeds), its
// own store on the slow disk from its start: after its first frame it imports the controller's
// indicators (ReadModel::reload), stores the values its tiles show and the feeds' status, and its
// log of its GUI thread's waits (OPSWALL_LOG_GUI_THREAD_SQL) names none.
#include "storetesting.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcessEnvironment>
#include <QRectF>
#include <QRegularExpression>

#include <sqlite3.h>

#include <set>

using namespace opswall;
using apptest::ApiResponse;
using apptest::Figures;

namespace {

constexpr int kFsyncDelayMs = 500;

// opswall's environment with the slow disk armed: every fsync kFsyncDelayMs late while flag
// exists.
QProcessEnvironment slowDiskEnvironment(const QString &flag) {
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_MS"), QString::number(kFsyncDelayMs));
    env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_WHILE"), flag);
    return env;
}

bool touch(const QString &path) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly);
}

// Runs sql on a connection of the test's own; the text of each row's first column, or the error.
QStringList query(const QString &dbPath, const QByteArray &sql, QString *error) {
    QStringList out;
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(dbPath).constData(), &db) != SQLITE_OK) {
        *error = QStringLiteral("cannot open %1").arg(dbPath);
        sqlite3_close(db);
        return out;
    }
    sqlite3_stmt *st = nullptr;
    int rc = sqlite3_prepare_v2(db, sql.constData(), -1, &st, nullptr);
    if (rc == SQLITE_OK)
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            out.append(
                QString::fromUtf8(reinterpret_cast<const char *>(sqlite3_column_text(st, 0))));
    if (rc != SQLITE_DONE)
        *error = QString::fromUtf8(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

// The indicators of GET /indicators by id.
QHash<QString, QJsonObject> indicators(const apptest::Wall &w) {
    QHash<QString, QJsonObject> out;
    for (const QJsonValue &v : apptest::itemsOf(w, QStringLiteral("/indicators")))
        out.insert(v[QStringLiteral("id")].toString(), v.toObject());
    return out;
}

// The sum of a counter family over its samples in GET /metrics.
double counterSum(const apptest::Wall &w, const QByteArray &family) {
    double sum = 0;
    for (const QByteArray &line : w.api("GET", QStringLiteral("/metrics")).body.split('\n'))
        if (line.startsWith(family + '{') || line.startsWith(family + ' '))
            sum += line.mid(line.lastIndexOf(' ') + 1).toDouble();
    return sum;
}

// opswall-feedservice on a free port (--port 0, the port it reports), the live counter ticking
// every tickMs; its base URL, or empty.
QString startFeedService(QProcess &service, int tickMs) {
    service.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    service.start(QStringLiteral(OPSWALL_FEEDSERVICE),
                  {QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--data"),
                   QStringLiteral(OPSWALL_SOURCE_DIR "/assets/demo/indicators"),
                   QStringLiteral("--tick-ms"), QString::number(tickMs)});
    if (!service.waitForStarted(5000))
        return {};
    QByteArray out;
    QElapsedTimer t;
    t.start();
    static const QRegularExpression listening(QStringLiteral("listening on (http://\\S+)/"));
    while (t.elapsed() < 10000 && service.waitForReadyRead(500)) {
        out += service.readAllStandardOutput();
        if (const auto m = listening.match(QString::fromUtf8(out)); m.hasMatch())
            return m.captured(1);
    }
    return {};
}

// A playing video tile: the outputs draw at the stream's rate, so a stalled GUI thread shows as
// a long gap between two frames. False with *why when it did not come up.
bool playVideo(apptest::Wall &w, QString *why) {
    const apptest::Run source =
        w.wallctl({QStringLiteral("source"), QStringLiteral("add"), QStringLiteral("demo-vc"),
                   QStringLiteral("--kind"), QStringLiteral("testpattern")});
    if (source.exitCode != 0) {
        *why = QString::fromUtf8(source.out + source.err);
        return false;
    }
    if (w.recallPreset(QStringLiteral("Họp trực tuyến")).isEmpty()) { // vc-main: demo-vc
        *why = QStringLiteral("the video preset was not recalled");
        return false;
    }
    QElapsedTimer t;
    t.start();
    while (t.elapsed() < 20000) {
        if (jsonOf(w.api("GET", QStringLiteral("/health")).body)
                .value(QStringLiteral("fps"))
                .toDouble() >= 10)
            return true;
        QTest::qWait(200);
    }
    *why = QStringLiteral("the outputs do not draw at the stream's rate");
    return false;
}

// The demo's feeds of the wall in w's folder (made by a first start) pulled from feedUrl, the
// small simulated ones every 5 s; false with *error.
bool pointFeedsAt(const apptest::Wall &w, const QString &feedUrl, QString *error) {
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    query(db,
          "UPDATE feed_definitions SET definition = replace(definition, 'http://127.0.0.1:8765', "
          "'" +
              feedUrl.toUtf8() + "')",
          error);
    if (error->isEmpty())
        query(db,
              "UPDATE feed_definitions SET definition = json_set(definition, '$.intervalSecs', 5) "
              "WHERE id IN ('sim-procurement', 'sim-reporting-regimes')",
              error);
    return error->isEmpty();
}

// A tile of a layout document.
QJsonObject tileOf(const char *id, const char *kind, QRectF rect, const QJsonObject &binding) {
    return {{QStringLiteral("id"), QLatin1String(id)},
            {QStringLiteral("kind"), QLatin1String(kind)},
            {QStringLiteral("title"), QString()},
            {QStringLiteral("rect"), QJsonObject{{QStringLiteral("x"), rect.x()},
                                                 {QStringLiteral("y"), rect.y()},
                                                 {QStringLiteral("width"), rect.width()},
                                                 {QStringLiteral("height"), rect.height()}}},
            {QStringLiteral("z"), 0},
            {QStringLiteral("binding"), binding}};
}

// Every stored revision of one indicator's values (SQL for query()).
QByteArray revisionsOf(const char *indicator) {
    return QByteArray("SELECT s.dimension || '|' || v.period_kind || '|' || v.period_start || '|' "
                      "|| v.revision || '|' || printf('%.9g', v.value) || '|' || v.fetched_at "
                      "FROM feed_values v JOIN feed_series s ON s.id = v.series_id WHERE "
                      "s.indicator = '") +
           indicator + "' ORDER BY 1";
}

// The lines of log after the first one that contains `from` (none when it is not there).
QList<QByteArray> linesAfter(const QByteArray &log, const QByteArray &from) {
    const qsizetype at = log.indexOf(from);
    if (at < 0)
        return {};
    QList<QByteArray> out = log.mid(at).split('\n');
    out.removeFirst();
    return out;
}

} // namespace

class TestAppStoreReads : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void actionsThatReadTheStoreDoNotWaitOnTheDisk();
    void feedUpdatesOnASlowDiskDoNotWaitOnTheDisk();
    void aRenderNodeOnASlowDiskDoesNotWaitOnTheDisk();
};

void TestAppStoreReads::actionsThatReadTheStoreDoNotWaitOnTheDisk() {
    apptest::Wall w;
    w.extraConfig = QStringLiteral(R"("rateBurst": 100000, "ratePerSecond": 100000)");
    const QString slowFlag = w.dir.filePath(QStringLiteral("slow-disk"));
    w.process.setProcessEnvironment(slowDiskEnvironment(slowFlag));
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    const QJsonArray briefings = apptest::itemsOf(w, QStringLiteral("/briefings"));
    QVERIFY2(!briefings.isEmpty(), "the demo's briefing");
    const int demoBriefing = briefings.first()[QStringLiteral("id")].toInt();
    const QJsonObject doc =
        jsonOf(w.api("GET", QStringLiteral("/briefings/%1").arg(demoBriefing)).body)
            .value(QStringLiteral("briefing"))
            .toObject();
    QVERIFY(doc.value(QStringLiteral("steps")).toArray().size() >= 2);

    // The disk turns slow; from here on the GUI thread must not touch it.
    QVERIFY(touch(slowFlag));
    const double waitsBefore = apptest::guiThreadWaits(w);
    QVERIFY2(waitsBefore >= 0, "GET /metrics has opswall_store_gui_thread_waits_total");
    QElapsedTimer clock;
    clock.start();
    int actions = 0;
    const auto act = [&](const QByteArray &method, const QString &path, const QJsonObject &body,
                         int expected) {
        const ApiResponse r = w.api(method, path, body);
        ++actions;
        if (r.status != expected)
            qWarning("%s %s: %d %s", method.constData(), qPrintable(path), r.status,
                     r.body.constData());
        return r.status == expected ? jsonOf(r.body) : QJsonObject{{QStringLiteral("failed"), 1}};
    };

    // Calibration: a profile merged with the one stored, its revision counted on from the stored
    // one; the geometry saved twice and the second save undone.
    const QString display = QStringLiteral("r1c1");
    const QString profile = QStringLiteral("/calibration/profiles/") + display;
    QJsonObject r =
        act("PUT", profile,
            {{QStringLiteral("settings"), QJsonObject{{QStringLiteral("brightness"), 40}}},
             {QStringLiteral("note"), QStringLiteral("slow disk")}},
            200);
    QCOMPARE(r[QStringLiteral("revisions")][display].toInt(), 1);
    r = act("PUT", profile,
            {{QStringLiteral("settings"), QJsonObject{{QStringLiteral("contrast"), 55}}}}, 200);
    QCOMPARE(r[QStringLiteral("revisions")][display].toInt(), 2);
    const QJsonObject stored = jsonOf(w.api("GET", profile).body);
    QCOMPARE(stored[QStringLiteral("revision")].toInt(), 2);
    QCOMPARE(stored[QStringLiteral("settings")][QStringLiteral("brightness")].toInt(), 40);
    QCOMPARE(stored[QStringLiteral("settings")][QStringLiteral("contrast")].toInt(), 55);
    r = act("POST", QStringLiteral("/calibration/geometry/save"),
            {{QStringLiteral("note"), QStringLiteral("first")}}, 200);
    const qint64 firstSave = r[QStringLiteral("wallRevision")].toInteger();
    QVERIFY(firstSave > 0);
    r = act("POST", QStringLiteral("/calibration/geometry/save"),
            {{QStringLiteral("note"), QStringLiteral("second")}}, 200);
    QCOMPARE(r[QStringLiteral("wallRevision")].toInteger(), firstSave + 1);
    r = act("POST", QStringLiteral("/calibration/geometry/undo"), {}, 200);
    QCOMPARE(r[QStringLiteral("wallRevision")].toInteger(), firstSave);
    const QJsonArray revisions = jsonOf(w.api("GET", QStringLiteral("/calibration/geometry")).body)
                                     .value(QStringLiteral("revisions"))
                                     .toArray();
    QVERIFY(revisions.size() >= 2);
    QCOMPARE(revisions.at(0)[QStringLiteral("revision")].toInteger(), firstSave);
    QCOMPARE(revisions.at(0)[QStringLiteral("note")].toString(), QStringLiteral("first"));

    // Briefings: saved, saved again, a stale save refused naming the newer revision; started,
    // stepped, ended; a step's picture; deleted.
    r = act("POST", QStringLiteral("/briefings"), {{QStringLiteral("briefing"), doc}}, 201);
    const int id = r[QStringLiteral("id")].toInt();
    QVERIFY2(id > demoBriefing, QJsonDocument(r).toJson().constData());
    const QString path = QStringLiteral("/briefings/%1").arg(id);
    r = act("PUT", path, {{QStringLiteral("briefing"), doc}, {QStringLiteral("baseRevision"), 1}},
            200);
    QCOMPARE(r[QStringLiteral("revision")].toInt(), 2);
    r = act("PUT", path, {{QStringLiteral("briefing"), doc}, {QStringLiteral("baseRevision"), 1}},
            409);
    QVERIFY(!r.contains(QStringLiteral("failed")));
    r = act("POST", path + QStringLiteral("/start"), {}, 200);
    QCOMPARE(r[QStringLiteral("step")].toInt(), 1);
    r = act("POST", path + QStringLiteral("/next"), {}, 200);
    QCOMPARE(r[QStringLiteral("step")].toInt(), 2);
    act("POST", path + QStringLiteral("/end"), {}, 200);
    const ApiResponse picture = w.api("GET", path + QStringLiteral("/steps/1/picture"));
    QCOMPARE(picture.status, 200);
    QVERIFY(picture.body.startsWith("\x89PNG"));
    const QJsonObject shown = jsonOf(w.api("GET", path).body);
    QCOMPARE(shown[QStringLiteral("revision")].toInt(), 2);
    QCOMPARE(shown[QStringLiteral("revisions")].toArray().size(), 2);
    QCOMPARE(shown[QStringLiteral("lastRun")][QStringLiteral("shown")].toArray().size(), 2);
    act("DELETE", path, {}, 200);
    QCOMPARE(w.api("GET", path).status, 404);
    act("POST", path + QStringLiteral("/start"), {}, 404); // gone from what the wall keeps

    // The console's content library: every indicator's series asked for the first time.
    QVERIFY(!indicators(w).isEmpty());

    const double waitsAfter = apptest::guiThreadWaits(w);
    qInfo("slow disk (%d ms per fsync): %d actions that read the store took %lld ms; the GUI "
          "thread waited on the disk %.0f times",
          kFsyncDelayMs, actions, static_cast<long long>(clock.elapsed()),
          waitsAfter - waitsBefore);
    // Each action was written (one fsync at least) before its answer.
    QVERIFY(clock.elapsed() >= (actions - 2) * kFsyncDelayMs);
    QCOMPARE(waitsAfter - waitsBefore, 0.0);
    QFile::remove(slowFlag);
    QVERIFY(w.stop());
}

void TestAppStoreReads::feedUpdatesOnASlowDiskDoNotWaitOnTheDisk() {
    QProcess service;
    const QString feedUrl = startFeedService(service, 1000);
    QVERIFY2(!feedUrl.isEmpty(), "opswall-feedservice did not start");
    apptest::Wall w;
    w.extraConfig = QStringLiteral(R"("rateBurst": 100000, "ratePerSecond": 100000)");
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why)); // the demo's feeds are defined
    QVERIFY(w.stop());
    // The demo's feeds pulled from this feed service (the small simulated ones every 5 s).
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    QString error;
    QVERIFY2(pointFeedsAt(w, feedUrl, &error), qPrintable(error));
    const QString slowFlag = w.dir.filePath(QStringLiteral("slow-disk"));
    w.process.setProcessEnvironment(slowDiskEnvironment(slowFlag));
    QVERIFY2(w.start(&why), qPrintable(why));
    QVERIFY2(playVideo(w, &why), qPrintable(why));
    // Every pulled feed answered once (their first values are in).
    const auto pulledOk = [&w] {
        int ok = 0;
        for (const QJsonValue &f : apptest::itemsOf(w, QStringLiteral("/feeds")))
            ok += f[QStringLiteral("state")].toString() == QLatin1String("ok");
        return ok;
    };
    QTRY_VERIFY_WITH_TIMEOUT(pulledOk() >= 10, 30000);

    // The baseline on a fast disk; GET /indicators is not asked yet (its first reads come later).
    const QStringList readPaths{QStringLiteral("/health"), QStringLiteral("/feeds"),
                                QStringLiteral("/layout"), QStringLiteral("/presets"),
                                QStringLiteral("/wall"),   QStringLiteral("/alerts")};
    Figures baseline;
    QString readError;
    QVERIFY2(readFor(w, readPaths, 4000, &baseline, &readError), qPrintable(readError));

    // The disk turns slow while the feeds go on: the live counter every second, two pulled
    // feeds every 5 s.
    QVERIFY(touch(slowFlag));
    const double waitsBefore = apptest::guiThreadWaits(w);
    const double ingestedBefore = counterSum(w, "opswall_feed_points_ingested_total");
    Figures slow;
    std::set<QString> liveShown;
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < 12000) {
        QVERIFY2(readRound(w, readPaths, &slow, &readError), qPrintable(readError));
        QElapsedTimer t;
        t.start();
        const QHash<QString, QJsonObject> shown = indicators(w); // the first one: every series
        slow.readMs.push_back(t.elapsed());
        const QJsonObject live = shown.value(QStringLiteral("ENT_NEW_TODAY"));
        if (live[QStringLiteral("hasData")].toBool())
            liveShown.insert(live[QStringLiteral("valueTextEn")].toString());
        QTest::qWait(50);
    }
    const double ingestedAfter = counterSum(w, "opswall_feed_points_ingested_total");
    const double waitsAfter = apptest::guiThreadWaits(w);
    const auto ms = [](qint64 v) { return static_cast<long long>(v); };
    qInfo("slow disk (%d ms per fsync), feeds updating: %.0f values ingested, the live value "
          "shown %zu ways; %zu reads p50 %lld / p90 %lld ms (fast disk: %lld / %lld); longest "
          "frame gap per second p50 %lld ms (fast: %lld); fps p50 %.0f (fast: %.0f); the GUI "
          "thread waited on the disk %.0f times",
          kFsyncDelayMs, ingestedAfter - ingestedBefore, liveShown.size(), slow.readMs.size(),
          ms(slow.read(0.5)), ms(slow.read(0.9)), ms(baseline.read(0.5)), ms(baseline.read(0.9)),
          ms(slow.frameGap(0.5)), ms(baseline.frameGap(0.5)), slow.framesPerSecond(0.5),
          baseline.framesPerSecond(0.5), waitsAfter - waitsBefore);
    // Feed updates were ingested and shown while the disk was slow.
    QVERIFY2(ingestedAfter > ingestedBefore, "no feed values ingested on the slow disk");
    QVERIFY2(liveShown.size() >= 2, "the live indicator's value did not move");
    // And the GUI thread never waited for the disk meanwhile.
    QCOMPARE(waitsAfter - waitsBefore, 0.0);
    // Reads and frames as on the fast disk a moment before (see tst_app_store_thread).
    const auto bound = [](qint64 fast) { return std::max<qint64>(kFsyncDelayMs, 3 * fast); };
    QVERIFY(slow.read(0.5) <= bound(baseline.read(0.5)));
    QVERIFY(slow.read(0.9) <= bound(baseline.read(0.9)));
    QVERIFY(slow.frameGap(0.5) <= bound(baseline.frameGap(0.5)));
    QVERIFY(slow.framesPerSecond(0.5) >= std::min(5.0, baseline.framesPerSecond(0.5) / 3));
    // Every indicator the store has national values for shows them (read off the GUI thread).
    const QStringList withValues = query(
        db,
        "SELECT DISTINCT s.indicator FROM feed_series s JOIN feed_values v ON v.series_id = s.id "
        "AND v.current = 1 WHERE s.dimension = ''",
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const QHash<QString, QJsonObject> last = indicators(w);
    int checked = 0;
    for (const QString &code : withValues) {
        if (!last.contains(code))
            continue; // stored, not defined as an indicator
        ++checked;
        QVERIFY2(last.value(code)[QStringLiteral("hasData")].toBool(), qPrintable(code));
    }
    QVERIFY(checked >= 3);
    QFile::remove(slowFlag);
    QVERIFY(w.stop());
    service.terminate();
    service.waitForFinished(5000);
}

// A render node (a second opswall process, --role node) joined to a controller that pulls real
// feeds, with every fsync of the node's own store 500 ms late from its start: after its first
// frame the node imports the controller's indicators (its read model reads again, elsewhere),
// stores every revision of the values its tiles show, the live counter's new values and the
// feeds' status in its cache, and its GUI thread waits on the disk not once while it does (its
// own log of them, OPSWALL_LOG_GUI_THREAD_SQL, names none after the first frame).
void TestAppStoreReads::aRenderNodeOnASlowDiskDoesNotWaitOnTheDisk() {
    QProcess service;
    const QString feedUrl = startFeedService(service, 1000);
    QVERIFY2(!feedUrl.isEmpty(), "opswall-feedservice did not start");
    apptest::Wall controller;
    controller.extraConfig = QStringLiteral(R"("rateBurst": 100000, "ratePerSecond": 100000)");
    const quint16 nodePort = apptest::freePort();
    controller.extraArgs = {
        QStringLiteral("--wall"),        QStringLiteral(NODES_WALL_FEEDS),
        QStringLiteral("--role"),        QStringLiteral("controller"),
        QStringLiteral("--node-listen"), QStringLiteral("127.0.0.1:%1").arg(nodePort)};
    QString why;
    QVERIFY2(controller.start(&why), qPrintable(why)); // the demo's feeds are defined
    QVERIFY(controller.stop());
    QString error;
    QVERIFY2(pointFeedsAt(controller, feedUrl, &error), qPrintable(error));
    QVERIFY2(controller.start(&why), qPrintable(why));
    const QString controllerDb = controller.dir.filePath(QStringLiteral("wall.db"));
    // On the node's output (display L): the CPI, the live counter and the alert list.
    const QJsonObject layout{
        {QStringLiteral("schemaVersion"), 1},
        {QStringLiteral("kind"), QStringLiteral("opswall.layout")},
        {QStringLiteral("name"), QStringLiteral("node")},
        {QStringLiteral("background"), QStringLiteral("#000000")},
        {QStringLiteral("tiles"),
         QJsonArray{tileOf("cpi", "kpi", {20, 20, 300, 270}, {{"indicator", "CPI_YOY_INDEX"}}),
                    tileOf("live", "kpi", {340, 20, 300, 270}, {{"indicator", "ENT_NEW_TODAY"}}),
                    tileOf("alerts", "alerts", {20, 310, 960, 270}, {{"max", 3}})}}};
    const ApiResponse published =
        controller.api("PUT", QStringLiteral("/layout"), {{QStringLiteral("layout"), layout}});
    QVERIFY2(published.status == 200, published.body.constData());
    const ApiResponse token = controller.api("POST", QStringLiteral("/tokens"),
                                             {{QStringLiteral("name"), QStringLiteral("node")},
                                              {QStringLiteral("role"), QStringLiteral("node")}});
    QVERIFY2(token.status == 201, token.body.constData());
    const QString tokenFile = controller.dir.filePath(QStringLiteral("node-token"));
    {
        QFile t(tokenFile);
        QVERIFY(t.open(QIODevice::WriteOnly));
        t.write(jsonOf(token.body).value(QStringLiteral("token")).toString().toUtf8());
    }
    const QByteArray cpi = revisionsOf("CPI_YOY_INDEX");
    QTRY_VERIFY_WITH_TIMEOUT(query(controllerDb, cpi, &error).size() > 1, 60000);

    // The node, on the slow disk from its start.
    QProcess node;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_MS"), QString::number(kFsyncDelayMs));
    env.insert(QStringLiteral("OPSWALL_LOG_GUI_THREAD_SQL"), QStringLiteral("1"));
    node.setProcessEnvironment(env);
    node.setProcessChannelMode(QProcess::MergedChannels);
    QByteArray log;
    connect(&node, &QProcess::readyReadStandardOutput, &node, [&] {
        const QByteArray got = node.readAllStandardOutput();
        log += got;
        std::fprintf(stderr, "%s", got.constData());
    });
    const QString nodeDb = controller.dir.filePath(QStringLiteral("node.db"));
    node.start(QStringLiteral(OPSWALL_PATH),
               {QStringLiteral("--role"), QStringLiteral("node"), QStringLiteral("--controller"),
                QStringLiteral("127.0.0.1:%1").arg(nodePort), QStringLiteral("--outputs"),
                QStringLiteral("0"), QStringLiteral("--token-file"), tokenFile,
                QStringLiteral("--node-id"), QStringLiteral("node-a"), QStringLiteral("--db"),
                nodeDb, QStringLiteral("--lang"), QStringLiteral("en"), QStringLiteral("-platform"),
                QStringLiteral("offscreen")});
    QVERIFY(node.waitForStarted(5000));
    const QByteArray firstFrame = "opswall: first frame";
    QTRY_VERIFY_WITH_TIMEOUT(log.contains(firstFrame), 60000);
    // Every revision of the CPI with the controller's numbers and times, the controller's
    // indicators and feeds' status, and a value the live counter pushed since: in the node's
    // cache (written on its store thread), and told to its tiles.
    QTRY_COMPARE_WITH_TIMEOUT(query(nodeDb, cpi, &error), query(controllerDb, cpi, &error), 60000);
    const QByteArray indicatorsSql = "SELECT code FROM feed_indicators ORDER BY code";
    QTRY_COMPARE_WITH_TIMEOUT(query(nodeDb, indicatorsSql, &error),
                              query(controllerDb, indicatorsSql, &error), 30000);
    const QByteArray statusSql = "SELECT feed_id || '|' || state FROM feed_status WHERE feed_id "
                                 "= 'live-new-enterprises'";
    QTRY_VERIFY_WITH_TIMEOUT(!query(nodeDb, statusSql, &error).isEmpty(), 30000);
    const QByteArray live = revisionsOf("ENT_NEW_TODAY");
    const QStringList liveBefore = query(nodeDb, live, &error);
    QTRY_VERIFY_WITH_TIMEOUT(
        query(nodeDb, live, &error) != liveBefore && !query(nodeDb, live, &error).isEmpty(), 30000);
    QTRY_VERIFY_WITH_TIMEOUT(linesAfter(log, firstFrame).join('\n').contains("values;"), 30000);
    // Not once after its first frame did the node's GUI thread wait on the disk.
    QList<QByteArray> waits;
    for (const QByteArray &line : linesAfter(log, firstFrame))
        if (line.contains("the GUI thread waits on the disk"))
            waits.append(line);
    qInfo("render node on a slow disk (%d ms per fsync): %lld CPI revisions and the live "
          "counter replicated; the GUI thread waited on the disk %lld times after the first "
          "frame",
          kFsyncDelayMs, qlonglong(query(nodeDb, cpi, &error).size()), qlonglong(waits.size()));
    QVERIFY2(waits.isEmpty(), waits.join('\n').constData());
    node.kill(); // (a stop would first drain its store thread's queue on the slow disk)
    node.waitForFinished(5000);
    QVERIFY(controller.stop());
    service.terminate();
    service.waitForFinished(5000);
}

QTEST_GUILESS_MAIN(TestAppStoreReads)
#include "tst_app_store_reads.moc"
