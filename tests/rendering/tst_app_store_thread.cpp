// The store thread of the real opswall (tests/rendering/appundertest.h, issue 12), on a real
// SQLite file on disk:
//   - a disk whose every fsync takes 500 ms (a test VFS that wraps the default one, switched on
//     by OPSWALL_TEST_FSYNC_DELAY_MS while a file exists): while the writes queue on the store
//     thread and are applied in the order they came (a preset recall, tile moves, and one write
//     of each kind that used to be made on the GUI thread: a token with its audit row, a video
//     source and the removal of another, a panel key's binding, a briefing; each there after a
//     restart), the API keeps
//     answering reads (the wall, tiles, presets, tokens, sources, feeds, panels, briefings, the
//     audit and the layout of a past time; the audit chain verified, off the GUI thread, before
//     the writes are done) and the GUI thread does not wait on the disk once:
//     the wall's own count of its GUI thread's SQL statements and store-thread waits
//     (opswall_store_gui_thread_waits_total) does not move. What that looks like is compared
//     with the same reads and frames on a fast disk a moment before, in the same run (a loaded
//     machine slows both): the median and 90th-percentile read and a typical second's longest
//     frame gap under one fsync or three times the fast disk's, and the typical frame rate of a
//     playing video tile held;
//   - the process killed (SIGKILL) while the store thread is inside an action's transaction,
//     after the live layout's history row and before the audit row (the failure-injection hook
//     OPSWALL_TEST_STALL_BEFORE_AUDIT): after the restart every history row has its audit row and
//     every audited layout change its history row, the wall shows what was last committed, and
//     the audit chain verifies;
//   - a simulated display (opswall-display-sim) that goes away and comes back: a WebSocket client
//     sees its alert raised and cleared; its acknowledgement outlives a restart of the wall while
//     the display is still away, and a later raise needs a new one.
#include "storetesting.h"

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkRequest>
#include <QProcessEnvironment>
#include <QTcpServer>
#include <QTcpSocket>
#include <QWebSocket>

#include <sqlite3.h>

#include <algorithm>
#include <memory>
#include <set>
#include <vector>

using namespace opswall;
using apptest::ApiResponse;
using apptest::Figures;

namespace {

constexpr int kFsyncDelayMs = 500;

// One request on its own connection, sent now and read later (the writes that queue).
struct Pending {
    std::unique_ptr<QTcpSocket> socket;
    QByteArray got;
    qint64 doneAtMs = -1;
};

std::unique_ptr<QTcpSocket> sendRequest(quint16 port, const QByteArray &method,
                                        const QByteArray &path, const QString &token,
                                        const QByteArray &body) {
    auto s = std::make_unique<QTcpSocket>();
    s->connectToHost(QHostAddress::LocalHost, port);
    if (!s->waitForConnected(2000))
        return nullptr;
    s->write(method + " /api/v1" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " +
             token.toLatin1() + "\r\nConnection: close\r\nContent-Type: application/json\r\n" +
             "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    s->flush();
    return s;
}

// Reads what has arrived; true when the server closed the connection (the answer is complete).
bool poll(Pending &p, const QElapsedTimer &clock) {
    if (p.doneAtMs >= 0)
        return true;
    p.socket->waitForReadyRead(0);
    p.got += p.socket->readAll();
    if (p.socket->state() != QAbstractSocket::ConnectedState) {
        p.got += p.socket->readAll();
        p.doneAtMs = clock.elapsed();
        return true;
    }
    return false;
}

QJsonObject liveTile(const apptest::Wall &w, const QString &id) {
    const QJsonObject live = jsonOf(w.api("GET", QStringLiteral("/layout")).body);
    for (const QJsonValue &t :
         live.value(QStringLiteral("layout"))[QStringLiteral("tiles")].toArray())
        if (t[QStringLiteral("id")].toString() == id)
            return t.toObject();
    return {};
}

// Rows of a query with one integer column, on a connection of the test's own.
std::vector<qint64> column(const QString &dbPath, const char *sql, QString *error) {
    std::vector<qint64> out;
    sqlite3 *db = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(dbPath).constData(), &db, SQLITE_OPEN_READONLY,
                        nullptr) != SQLITE_OK) {
        *error = QStringLiteral("cannot open %1").arg(dbPath);
        sqlite3_close(db);
        return out;
    }
    sqlite3_stmt *st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
        *error = QString::fromUtf8(sqlite3_errmsg(db));
    } else {
        while (sqlite3_step(st) == SQLITE_ROW)
            out.push_back(sqlite3_column_int64(st, 0));
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

// Runs one statement on a connection of the test's own; empty when it went well.
QString execute(const QString &dbPath, const QByteArray &sql, const QByteArray &text = {}) {
    sqlite3 *db = nullptr;
    if (sqlite3_open(QFile::encodeName(dbPath).constData(), &db) != SQLITE_OK) {
        sqlite3_close(db);
        return QStringLiteral("cannot open %1").arg(dbPath);
    }
    sqlite3_stmt *st = nullptr;
    QString error;
    if (sqlite3_prepare_v2(db, sql.constData(), -1, &st, nullptr) != SQLITE_OK ||
        (!text.isNull() && sqlite3_bind_text(st, 1, text.constData(), int(text.size()),
                                             SQLITE_TRANSIENT) != SQLITE_OK) ||
        sqlite3_step(st) != SQLITE_DONE)
        error = QString::fromUtf8(sqlite3_errmsg(db));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return error;
}

// A simulated MDC display (opswall-display-sim, a real peer on loopback); port 0: any free one.
bool startDisplay(QProcess &sim, quint16 *port) {
    sim.setProcessChannelMode(QProcess::ForwardedErrorChannel);
    sim.start(QStringLiteral(OPSWALL_DISPLAY_SIM),
              {QStringLiteral("--protocol"), QStringLiteral("mdc"), QStringLiteral("--tcp"),
               QString::number(*port), QStringLiteral("--ids"), QStringLiteral("1")});
    if (!sim.waitForStarted(5000))
        return false;
    QByteArray out;
    QElapsedTimer t;
    t.start();
    while (!out.contains('\n') && t.elapsed() < 5000 && sim.waitForReadyRead(500))
        out += sim.readAllStandardOutput();
    const qsizetype at = out.indexOf("ready tcp 127.0.0.1:");
    if (at < 0)
        return false;
    *port = quint16(out.mid(at + 20).trimmed().split('\n').value(0).toUInt());
    return *port != 0;
}

} // namespace

class TestAppStoreThread : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void slowDiskKeepsTheWallDrawingAndTheApiAnswering();
    void killedBetweenHistoryAndAuditLeavesThemInAgreement();
    void deviceAlertsAreEventsAndTheirAcknowledgementOutlivesARestart();
};

void TestAppStoreThread::slowDiskKeepsTheWallDrawingAndTheApiAnswering() {
    apptest::Wall w;
    // The test reads as fast as it can: no rate limit in the way.
    w.extraConfig = QStringLiteral(R"("rateBurst": 100000, "ratePerSecond": 100000)");
    // A button panel (not connected: nothing listens on its port), so that a panel.bind is one
    // of the writes that queue.
    QVERIFY(apptest::useDeskPanel(w));
    const QString slowFlag = w.dir.filePath(QStringLiteral("slow-disk"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_MS"), QString::number(kFsyncDelayMs));
    env.insert(QStringLiteral("OPSWALL_TEST_FSYNC_DELAY_WHILE"), slowFlag);
    w.process.setProcessEnvironment(env);
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    // A playing video tile: the outputs draw at the stream's rate, so a stalled GUI thread shows
    // as a long gap between two frames.
    const apptest::Run source =
        w.wallctl({QStringLiteral("source"), QStringLiteral("add"), QStringLiteral("demo-vc"),
                   QStringLiteral("--kind"), QStringLiteral("testpattern")});
    QVERIFY2(source.exitCode == 0, source.out + source.err);
    const QString vcPreset = w.recallPreset(QStringLiteral("Họp trực tuyến")); // vc-main: demo-vc
    QVERIFY(!vcPreset.isEmpty());
    // At least 3 frames a second (a 500 ms stall still shows as a gap), waited for up to a minute
    // of real time: on this shared 2-core machine under load the wall drew 5-12 frames a second
    // (10 were asked for), and QTRY counts 50 ms steps, not the time each /health request takes
    // (a QTRY of 60 s ran for over four minutes here).
    QByteArray health;
    {
        QElapsedTimer playing;
        playing.start();
        while (jsonOf(health = w.api("GET", QStringLiteral("/health")).body)
                       .value(QStringLiteral("fps"))
                       .toDouble() < 3 &&
               playing.elapsed() < 60000)
            QTest::qWait(200);
    }
    QVERIFY2(jsonOf(health).value(QStringLiteral("fps")).toDouble() >= 3, health.constData());
    const QJsonObject layout = jsonOf(w.api("GET", QStringLiteral("/layout")).body);
    QString tileId;
    for (const QJsonValue &t :
         layout.value(QStringLiteral("layout"))[QStringLiteral("tiles")].toArray())
        if (t[QStringLiteral("kind")].toString() != QLatin1String("video"))
            tileId = t[QStringLiteral("id")].toString();
    QVERIFY2(!tileId.isEmpty(), "the preset has a tile besides the video");

    // What the other kinds of writes need: a preset to bind a key to, a briefing to save again.
    const QJsonArray presets = apptest::itemsOf(w, QStringLiteral("/presets"));
    QVERIFY(!presets.isEmpty());
    const int presetId = presets.first()[QStringLiteral("id")].toInt();
    const QJsonArray briefingsBefore = apptest::itemsOf(w, QStringLiteral("/briefings"));
    QVERIFY2(!briefingsBefore.isEmpty(), "the demo's briefing");
    const QJsonObject briefingDoc =
        jsonOf(w.api("GET", QStringLiteral("/briefings/%1")
                                .arg(briefingsBefore.first()[QStringLiteral("id")].toInt()))
                   .body)[QStringLiteral("briefing")]
            .toObject();
    QVERIFY(!briefingDoc.isEmpty());

    const QStringList readPaths{
        QStringLiteral("/wall"),
        QStringLiteral("/tiles"),
        QStringLiteral("/presets"),
        QStringLiteral("/layout"),
        QStringLiteral("/health"),
        QStringLiteral("/tokens"),
        QStringLiteral("/sources"),
        QStringLiteral("/feeds"),
        QStringLiteral("/panels"),
        QStringLiteral("/briefings"),
        QStringLiteral("/audit?limit=5"),
        QStringLiteral("/audit/layout?at=%1").arg(QDateTime::currentMSecsSinceEpoch()),
        QStringLiteral("/presets/%1").arg(presetId),
        QStringLiteral("/briefings/%1").arg(briefingsBefore.first()[QStringLiteral("id")].toInt())};
    // A source to delete while the disk is slow (its removal read the row on the GUI thread once).
    QCOMPARE(w.api("POST", QStringLiteral("/sources"),
                   {{QStringLiteral("source"),
                     QJsonObject{{QStringLiteral("id"), QStringLiteral("slow-disk-gone")},
                                 {QStringLiteral("kind"), QStringLiteral("testpattern")}}}})
                 .status,
             201);
    // The baseline, on this machine now: the same reads and frames with a fast disk (the test
    // VFS is in place, the flag file is not), for as long as the writes below will take.
    Figures baseline;
    QString readError;
    QVERIFY2(readFor(w, readPaths, 3000, &baseline, &readError), qPrintable(readError));

    // The disk turns slow: one write now takes at least one delayed fsync.
    const double waitsBefore = guiThreadWaits(w);
    QVERIFY2(waitsBefore >= 0, "GET /metrics has opswall_store_gui_thread_waits_total");
    {
        QFile f(slowFlag);
        QVERIFY(f.open(QIODevice::WriteOnly));
    }
    QElapsedTimer one;
    one.start();
    const ApiResponse first = w.api("PATCH", QStringLiteral("/tiles/%1").arg(tileId),
                                    {{QStringLiteral("x"), 0}, {QStringLiteral("y"), 0}});
    QCOMPARE(first.status, 200);
    const qint64 oneWriteMs = one.elapsed();
    QVERIFY2(oneWriteMs >= kFsyncDelayMs, qPrintable(QString::number(oneWriteMs)));

    // Six moves at once: they queue on the store thread while reads and frames go on.
    constexpr int kWrites = 6;
    QElapsedTimer clock;
    clock.start();
    std::vector<Pending> writes;
    // First a recall of the preset on the wall (its tiles stay: the moves below apply to them).
    {
        Pending p;
        p.socket =
            sendRequest(w.port, "POST", "/presets/" + vcPreset.toUtf8() + "/recall", w.admin, "{}");
        QVERIFY(p.socket);
        writes.push_back(std::move(p));
        QTest::qWait(20);
    }
    for (int i = 1; i <= kWrites; ++i) {
        Pending p;
        p.socket = sendRequest(
            w.port, "PATCH", "/tiles/" + tileId.toUtf8(), w.admin,
            QJsonDocument(QJsonObject{{QStringLiteral("x"), 10 * i}, {QStringLiteral("y"), 0}})
                .toJson(QJsonDocument::Compact));
        QVERIFY(p.socket);
        writes.push_back(std::move(p));
        QTest::qWait(20); // in this order
    }
    // And one write of each other kind the GUI thread used to make itself: a token (with its
    // audit row), a video source, a panel key's binding, a briefing. They queue behind the moves.
    const auto send = [&](const QByteArray &method, const QByteArray &path,
                          const QJsonObject &body) {
        Pending p;
        p.socket = sendRequest(w.port, method, path, w.admin,
                               QJsonDocument(body).toJson(QJsonDocument::Compact));
        writes.push_back(std::move(p));
        QTest::qWait(20);
        return writes.back().socket != nullptr;
    };
    QVERIFY(send("POST", "/tokens",
                 {{QStringLiteral("name"), QStringLiteral("slow-disk-token")},
                  {QStringLiteral("role"), QStringLiteral("viewer")}}));
    QVERIFY(send("POST", "/sources",
                 {{QStringLiteral("source"),
                   QJsonObject{{QStringLiteral("id"), QStringLiteral("slow-disk-source")},
                               {QStringLiteral("kind"), QStringLiteral("testpattern")}}}}));
    QVERIFY(send("POST", "/panels/desk/bind",
                 {{QStringLiteral("key"), 0},
                  {QStringLiteral("label"), QStringLiteral("Slow disk")},
                  {QStringLiteral("action"), QStringLiteral("preset.recall")},
                  {QStringLiteral("params"), QJsonObject{{QStringLiteral("id"), presetId}}}}));
    QVERIFY(send("POST", "/briefings", {{QStringLiteral("briefing"), briefingDoc}}));
    QVERIFY(send("DELETE", "/sources/slow-disk-gone", {}));
    // the recall, a token, a source, a binding, a briefing, a source's removal
    const int kOtherWrites = 6;
    // The audit chain verified while they queue: walked on a worker thread's reader (the waits
    // counted below include this request), answered before the writes are done.
    {
        QElapsedTimer verifyClock;
        verifyClock.start();
        const ApiResponse verified = w.api("GET", QStringLiteral("/audit/verify"));
        QCOMPARE(verified.status, 200);
        const QJsonObject v = jsonOf(verified.body);
        QVERIFY2(v.value(QStringLiteral("ok")).toBool(), verified.body.constData());
        QVERIFY(v.value(QStringLiteral("rowsChecked")).toInteger() > 0);
        bool allDone = true;
        for (Pending &p : writes)
            allDone = poll(p, clock) && allDone;
        QVERIFY2(!allDone, qPrintable(QStringLiteral("the writes were done before the verify was "
                                                     "answered (%1 ms)")
                                          .arg(verifyClock.elapsed())));
    }
    Figures slow;
    while (clock.elapsed() < 30000) {
        bool all = true;
        for (Pending &p : writes)
            all = poll(p, clock) && all;
        if (all)
            break;
        QVERIFY2(readRound(w, readPaths, &slow, &readError), qPrintable(readError));
        QTest::qWait(50);
    }
    qint64 lastWriteDoneMs = 0;
    for (const Pending &p : writes)
        lastWriteDoneMs = std::max(lastWriteDoneMs, p.doneAtMs);
    const double waitsAfter = guiThreadWaits(w);
    const auto ms = [](qint64 v) { return static_cast<long long>(v); };
    qInfo("slow disk (%d ms per fsync): one write %lld ms; %d queued writes done after %lld ms; "
          "%zu reads p50 %lld / p90 %lld / max %lld ms (fast disk, same machine: %zu reads, "
          "%lld / %lld / %lld ms); longest frame gap per second p50 %lld / max %lld ms (fast: "
          "%lld / %lld); fps p50 %.0f / min %.0f (fast: %.0f / %.0f); the GUI thread waited on the "
          "disk %.0f times",
          kFsyncDelayMs, ms(oneWriteMs), kWrites + kOtherWrites, ms(lastWriteDoneMs),
          slow.readMs.size(), ms(slow.read(0.5)), ms(slow.read(0.9)), ms(slow.read(1)),
          baseline.readMs.size(), ms(baseline.read(0.5)), ms(baseline.read(0.9)),
          ms(baseline.read(1)), ms(slow.frameGap(0.5)), ms(slow.frameGap(1)),
          ms(baseline.frameGap(0.5)), ms(baseline.frameGap(1)), slow.framesPerSecond(0.5),
          slow.framesPerSecond(0), baseline.framesPerSecond(0.5), baseline.framesPerSecond(0),
          waitsAfter - waitsBefore);
    for (std::size_t i = 0; i < writes.size(); ++i) {
        const int status = statusOf(writes[i].got);
        QVERIFY2(status == 200 || status == 201, writes[i].got.constData());
    }
    // They really queued: one after another, each with its fsync.
    QVERIFY2(lastWriteDoneMs >= (kWrites + kOtherWrites - 1) * kFsyncDelayMs,
             qPrintable(QString::number(lastWriteDoneMs)));
    QVERIFY(slow.fps.size() >= 3);
    // The proof: while the writes queued and the reads were answered, the GUI thread ran no SQL
    // statement and waited for no store-thread job (the process counts both).
    QCOMPARE(waitsAfter - waitsBefore, 0.0);
    // And what it looks like, against the same reads and frames on a fast disk a moment before
    // (a loaded machine slows both alike; the quantiles, not the maxima, so that one moment the
    // machine gave the wall no CPU does not decide): reads (median and 90th percentile) and the
    // longest frame gap of a typical second well under one fsync, or at most three times the
    // fast disk's; the typical frame rate held. A GUI thread that waited for each write's fsync
    // would spend most of these seconds waiting.
    const auto bound = [](qint64 fast) { return std::max<qint64>(kFsyncDelayMs, 3 * fast); };
    const auto say = [](double slowFigure, double fastFigure) {
        return QStringLiteral("slow disk %1, fast disk %2").arg(slowFigure).arg(fastFigure);
    };
    QVERIFY2(slow.read(0.5) <= bound(baseline.read(0.5)),
             qPrintable(say(slow.read(0.5), baseline.read(0.5))));
    QVERIFY2(slow.read(0.9) <= bound(baseline.read(0.9)),
             qPrintable(say(slow.read(0.9), baseline.read(0.9))));
    QVERIFY2(slow.frameGap(0.5) <= bound(baseline.frameGap(0.5)),
             qPrintable(say(slow.frameGap(0.5), baseline.frameGap(0.5))));
    QVERIFY2(slow.framesPerSecond(0.5) >= std::min(5.0, baseline.framesPerSecond(0.5) / 3),
             qPrintable(say(slow.framesPerSecond(0.5), baseline.framesPerSecond(0.5))));
    // Applied in the order they came: the last move wins.
    QCOMPARE(liveTile(w, tileId)[QStringLiteral("rect")][QStringLiteral("x")].toDouble(),
             10.0 * kWrites);
    QFile::remove(slowFlag);
    // Each of the other writes is there, and still there after a restart (it was committed
    // before its answer).
    const auto everyWriteIsThere = [&] {
        const QByteArray tokens = w.api("GET", QStringLiteral("/tokens")).body;
        QVERIFY2(tokens.contains("slow-disk-token"), tokens.constData());
        const ApiResponse saved = w.api("GET", QStringLiteral("/sources/slow-disk-source"));
        QCOMPARE(saved.status, 200);
        QCOMPARE(w.api("GET", QStringLiteral("/sources/slow-disk-gone")).status, 404);
        const QByteArray panel = w.api("GET", QStringLiteral("/panels/desk")).body;
        QVERIFY2(panel.contains("Slow disk"), panel.constData());
        const QJsonArray briefings =
            jsonOf(w.api("GET", QStringLiteral("/briefings")).body)[QStringLiteral("items")]
                .toArray();
        QCOMPARE(briefings.size(), briefingsBefore.size() + 1);
        // The token's row and its audit row: one transaction.
        const QByteArray audit =
            w.api("GET", QStringLiteral("/audit?action=token.create&limit=5")).body;
        QVERIFY2(audit.contains("slow-disk-token"), audit.constData());
    };
    everyWriteIsThere();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(w.stop());
    // The panels document is stored now; the wall starts from the store.
    w.extraArgs.clear();
    w.process.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    QString again;
    QVERIFY2(w.start(&again), qPrintable(again));
    everyWriteIsThere();
    if (QTest::currentTestFailed())
        return;
    QVERIFY(w.stop());
}

void TestAppStoreThread::killedBetweenHistoryAndAuditLeavesThemInAgreement() {
    apptest::Wall w;
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    // The first start's own recall (before the audit log exists) is not an audited action.
    QString error;
    const std::vector<qint64> before =
        column(db, "SELECT COALESCE(MAX(id), 0) FROM live_layouts", &error);
    QVERIFY2(error.isEmpty() && before.size() == 1, qPrintable(error));
    const qint64 baseline = before.front();
    const QString a = w.presetId(QStringLiteral("Họp trực tuyến"));
    QVERIFY(!a.isEmpty());
    const QString b = w.recallPreset(QStringLiteral("Họp trực tuyến"));
    QVERIFY(!b.isEmpty());
    const QJsonObject shown = jsonOf(w.api("GET", QStringLiteral("/layout")).body);

    // Restarted with the hook: the next action's transaction stops after its history row.
    QVERIFY(w.stop());
    const QString marker = w.dir.filePath(QStringLiteral("stalled"));
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("OPSWALL_TEST_STALL_BEFORE_AUDIT"), marker);
    w.process.setProcessEnvironment(env);
    QVERIFY2(w.start(&why), qPrintable(why));
    QString other;
    for (const QJsonValue &p :
         jsonOf(w.api("GET", QStringLiteral("/presets")).body)[QStringLiteral("items")].toArray())
        if (QString::number(p[QStringLiteral("id")].toInt()) != a)
            other = QString::number(p[QStringLiteral("id")].toInt());
    QVERIFY(!other.isEmpty());
    auto recall =
        sendRequest(w.port, "POST", "/presets/" + other.toUtf8() + "/recall", w.admin, "{}");
    QVERIFY(recall);
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(marker), 10000);
    // The store thread is inside the transaction; the wall has not shown the change, and it
    // still answers.
    const ApiResponse during = w.api("GET", QStringLiteral("/layout"));
    QCOMPARE(during.status, 200);
    QCOMPARE(jsonOf(during.body).value(QStringLiteral("layout")),
             shown.value(QStringLiteral("layout")));
    ::kill(pid_t(w.process.processId()), SIGKILL);
    QVERIFY(w.process.waitForFinished(5000));
    recall.reset();

    // After the restart: history and audit agree, row for row.
    w.process.setProcessEnvironment(QProcessEnvironment::systemEnvironment());
    QVERIFY2(w.start(&why), qPrintable(why));
    const QByteArray sinceBaseline = QByteArray::number(baseline);
    const std::vector<qint64> history = column(
        db,
        ("SELECT id FROM live_layouts WHERE id > " + sinceBaseline + " ORDER BY id").constData(),
        &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    const std::vector<qint64> audited =
        column(db,
               "SELECT json_extract(result, '$.revision') FROM control_audit WHERE ok = 1 AND "
               "json_extract(result, '$.revision') IS NOT NULL AND (action LIKE 'preset.recall' OR "
               "action LIKE 'tile.%' OR action LIKE 'layout.%') ORDER BY id",
               &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QVERIFY2(!history.empty(), "the recall before the kill wrote its history row");
    QCOMPARE(std::set<qint64>(audited.begin(), audited.end()),
             std::set<qint64>(history.begin(), history.end()));
    QCOMPARE(audited.size(), history.size()); // one audit row per history row, no more
    // The killed recall left nothing: no history row, no audit row, and the wall shows what was
    // last committed.
    const std::vector<qint64> recallsOfOther = column(
        db,
        ("SELECT COUNT(*) FROM control_audit WHERE action = 'preset.recall' AND params LIKE '%" +
         other.toUtf8() + "%'")
            .constData(),
        &error);
    QVERIFY(recallsOfOther.size() == 1);
    QCOMPARE(recallsOfOther.front(), qint64(0));
    QCOMPARE(jsonOf(w.api("GET", QStringLiteral("/layout")).body).value(QStringLiteral("layout")),
             shown.value(QStringLiteral("layout")));
    const apptest::Run verify = w.wallctl({QStringLiteral("audit"), QStringLiteral("verify")});
    QVERIFY2(verify.exitCode == 0, verify.out + verify.err);
    // And the wall writes again: the same recall now goes through, with both rows.
    const ApiResponse again =
        w.api("POST", QStringLiteral("/presets/%1/recall").arg(other), QJsonObject{});
    QCOMPARE(again.status, 200);
    const qint64 revision = jsonOf(again.body).value(QStringLiteral("revision")).toInteger();
    QVERIFY(revision > history.back());
    const std::vector<qint64> auditedNow = column(
        db,
        ("SELECT COUNT(*) FROM control_audit WHERE ok = 1 AND json_extract(result, '$.revision') "
         "= " +
         QByteArray::number(revision))
            .constData(),
        &error);
    QVERIFY(auditedNow.size() == 1);
    QCOMPARE(auditedNow.front(), qint64(1));
    QVERIFY(w.stop());
}

void TestAppStoreThread::deviceAlertsAreEventsAndTheirAcknowledgementOutlivesARestart() {
    if (QStringLiteral(OPSWALL_DISPLAY_SIM).isEmpty())
        QSKIP("built without opswall-display-sim");
    apptest::Wall w;
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why)); // makes the tables
    QVERIFY(w.stop());
    // Display r1c1 is a simulated MDC panel on loopback, polled every 200 ms.
    QProcess sim;
    quint16 port = 0;
    QVERIFY2(startDisplay(sim, &port), "opswall-display-sim did not start");
    const QByteArray devices =
        QJsonDocument(
            QJsonObject{
                {QStringLiteral("kind"), QStringLiteral("opswall.devices")},
                {QStringLiteral("schemaVersion"), 1},
                {QStringLiteral("pollIntervalMs"), 200},
                {QStringLiteral("unreachableAfterMisses"), 2},
                {QStringLiteral("displays"),
                 QJsonObject{
                     {QStringLiteral("r1c1"),
                      QJsonObject{{QStringLiteral("protocol"), QStringLiteral("mdc")},
                                  {QStringLiteral("tcp"), QStringLiteral("127.0.0.1:%1").arg(port)},
                                  {QStringLiteral("id"), 1}}}}}})
            .toJson(QJsonDocument::Compact);
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    const QString stored =
        execute(db,
                "INSERT OR REPLACE INTO device_config (id, document, updated_at) VALUES (1, ?1, "
                "'2026-12-02T00:00:00Z')",
                devices);
    QVERIFY2(stored.isEmpty(), qPrintable(stored));
    QVERIFY2(w.start(&why), qPrintable(why));

    // A client of the events sees the display's alert raised when it goes away.
    QWebSocket ws;
    QList<QJsonObject> events;
    connect(&ws, &QWebSocket::textMessageReceived, this, [&events](const QString &m) {
        events.append(QJsonDocument::fromJson(m.toUtf8()).object());
    });
    const auto openEvents = [&] {
        QNetworkRequest req(QUrl(QStringLiteral("ws://127.0.0.1:%1/api/v1/events").arg(w.port)));
        req.setRawHeader("Authorization", "Bearer " + w.admin.toUtf8());
        ws.open(req);
    };
    openEvents();
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 5000); // hello
    const auto eventFor = [&events](const char *type) -> QJsonObject {
        for (const QJsonObject &e : events)
            if (e[QStringLiteral("type")].toString() == QLatin1String(type) &&
                e[QStringLiteral("id")].toString().startsWith(QLatin1String("device/r1c1/")))
                return e;
        return {};
    };
    sim.terminate();
    QVERIFY(sim.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(!eventFor("alert.raised").isEmpty(), 10000);
    const QString deviceId = eventFor("alert.raised")[QStringLiteral("id")].toString();
    const QString alertId = QString(deviceId).replace(u'/', u'.');
    const auto alertOnBoard = [&]() -> QJsonObject {
        for (const QJsonValue &a :
             jsonOf(w.api("GET", QStringLiteral("/alerts")).body)[QStringLiteral("items")]
                 .toArray())
            if (a[QStringLiteral("id")].toString() == alertId)
                return a.toObject();
        return {};
    };
    QTRY_VERIFY_WITH_TIMEOUT(!alertOnBoard().isEmpty(), 5000);
    QCOMPARE(alertOnBoard()[QStringLiteral("acknowledged")].toBool(), false);
    const ApiResponse ack = w.api("POST", QStringLiteral("/alerts/%1/ack").arg(alertId),
                                  {{QStringLiteral("note"), QStringLiteral("cable checked")}});
    QVERIFY2(ack.status == 200, ack.body.constData());

    // Restarted while the display is still away: the acknowledgement is still there.
    ws.close();
    QVERIFY(w.stop());
    QVERIFY2(w.start(&why), qPrintable(why));
    events.clear();
    openEvents();
    QTRY_VERIFY_WITH_TIMEOUT(!events.isEmpty(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(!alertOnBoard().isEmpty(), 10000);
    const QJsonObject afterRestart = alertOnBoard();
    QVERIFY2(afterRestart[QStringLiteral("acknowledged")].toBool(),
             QJsonDocument(afterRestart).toJson().constData());
    QCOMPARE(afterRestart[QStringLiteral("note")].toString(), QStringLiteral("cable checked"));
    QVERIFY(!afterRestart[QStringLiteral("acknowledgedBy")].toString().isEmpty());

    // The display comes back: the client sees the alert cleared, and it leaves the board.
    QVERIFY2(startDisplay(sim, &port), "opswall-display-sim did not start again on its port");
    QTRY_VERIFY_WITH_TIMEOUT(!eventFor("alert.cleared").isEmpty(), 10000);
    QCOMPARE(eventFor("alert.cleared")[QStringLiteral("id")].toString(), deviceId);
    QTRY_VERIFY_WITH_TIMEOUT(alertOnBoard().isEmpty(), 5000);
    // Away again: a new raise, which needs a new acknowledgement (the clear forgot the old one).
    sim.terminate();
    QVERIFY(sim.waitForFinished(5000));
    QTRY_VERIFY_WITH_TIMEOUT(!alertOnBoard().isEmpty(), 10000);
    QCOMPARE(alertOnBoard()[QStringLiteral("acknowledged")].toBool(), false);
    ws.close();
    QVERIFY(w.stop());
}

QTEST_GUILESS_MAIN(TestAppStoreThread)
#include "tst_app_store_thread.moc"
