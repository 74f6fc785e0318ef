// The real opswall (tests/rendering/appundertest.h, issue 12) when the store refuses a write: the
// test's own SQLite connection holds the database's write lock (another process, as a backup or
// an sqlite3 shell would), so every write of the wall fails with SQLITE_BUSY after its short
// busy timeout. An action whose rows cannot be committed must leave the wall's memory as it was:
// a panel key's binding, a briefing's start, step and end are answered 503 store_unavailable and
// GET shows what is in the table; once the lock goes the same actions succeed and are shown.
// A device command goes to its displays only once its action's transaction (its audit row) is
// committed: refused by the store, it is answered 503 and the display (a real simulated panel of
// the demo, opswall-display-sim over MDC/TCP) stays as it was through later polls; once the lock
// goes, the same command is sent and the panel follows. A calibration apply likewise: refused, its
// picture settings reach no panel (the test asks the simulator itself over MDC) and it leaves no
// run; once the lock goes the same apply is sent and the panel has the profile's settings.
// And the audit's start-up check, now on the store thread, still finds a log cut while the wall
// was stopped.
#include "storetesting.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <boost/asio/io_context.hpp>

#include <sqlite3.h>

#include "device/display.h"
#include "link/transport.h"

#include <chrono>
#include <optional>

using namespace opswall;
using apptest::ApiResponse;

namespace {

// The write lock of the wall's database, held by a connection of the test's own (rolled back
// when it goes, unless committed).
class WriteLock {
public:
    explicit WriteLock(const QString &path) {
        if (sqlite3_open(QFile::encodeName(path).constData(), &m_db) != SQLITE_OK)
            return;
        sqlite3_busy_timeout(m_db, 5000);
        m_held = sqlite3_exec(m_db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) == SQLITE_OK;
    }
    ~WriteLock() {
        if (m_held)
            sqlite3_exec(m_db, "ROLLBACK", nullptr, nullptr, nullptr);
        sqlite3_close(m_db);
    }
    WriteLock(const WriteLock &) = delete;
    WriteLock &operator=(const WriteLock &) = delete;
    bool held() const { return m_held; }
    // A statement inside the held transaction; empty when it went well.
    QString exec(const char *sql) {
        char *error = nullptr;
        if (sqlite3_exec(m_db, sql, nullptr, nullptr, &error) == SQLITE_OK)
            return {};
        const QString out = QString::fromUtf8(error ? error : "failed");
        sqlite3_free(error);
        return out;
    }
    bool commit() {
        m_held = !(sqlite3_exec(m_db, "COMMIT", nullptr, nullptr, nullptr) == SQLITE_OK);
        return !m_held;
    }

private:
    sqlite3 *m_db = nullptr;
    bool m_held = false;
};

// One integer from a query on a connection of the test's own; -1 when it failed.
qint64 scalar(const QString &path, const char *sql) {
    sqlite3 *db = nullptr;
    qint64 out = -1;
    sqlite3_stmt *st = nullptr;
    if (sqlite3_open_v2(QFile::encodeName(path).constData(), &db, SQLITE_OPEN_READONLY, nullptr) ==
            SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &st, nullptr) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        out = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

QString errorCode(const ApiResponse &r) {
    return jsonOf(r.body).value(QStringLiteral("code")).toString();
}

// POSTs to path, again while the store is still unavailable (503: its probe has not noticed
// that the lock went), for at most 10 s; each action is taken at most once.
ApiResponse untilAccepted(const apptest::Wall &w, const QString &path,
                          const QJsonObject &body = {}) {
    QElapsedTimer t;
    t.start();
    ApiResponse r = w.api("POST", path, body);
    while (r.status == 503 && t.elapsed() < 10000) {
        QTest::qWait(100);
        r = w.api("POST", path, body);
    }
    return r;
}

QJsonObject current(const apptest::Wall &w) {
    return jsonOf(w.api("GET", QStringLiteral("/briefings/current")).body);
}

bool active(const QJsonObject &briefing) {
    const QJsonValue nested = briefing.value(QStringLiteral("briefing"));
    return (nested.isObject() ? nested.toObject() : briefing)
        .value(QStringLiteral("active"))
        .toBool();
}

int stepOf(const QJsonObject &briefing) {
    const QJsonValue nested = briefing.value(QStringLiteral("briefing"));
    return (nested.isObject() ? nested.toObject() : briefing).value(QStringLiteral("step")).toInt();
}

} // namespace

class TestAppStoreRefused : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void refusedWritesLeaveMemoryAsTheTableIs();
    void aRefusedDeviceCommandReachesNoDisplay();
    void aRefusedCalibrationApplyReachesNoDisplay();
    void aLogCutWhileStoppedIsFoundAtTheNextStart();
};

void TestAppStoreRefused::refusedWritesLeaveMemoryAsTheTableIs() {
    apptest::Wall w;
    QVERIFY(apptest::useDeskPanel(w));
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    const QJsonArray presets = apptest::itemsOf(w, QStringLiteral("/presets"));
    QVERIFY(!presets.isEmpty());
    const int presetId = presets.first()[QStringLiteral("id")].toInt();
    const QJsonArray briefings = apptest::itemsOf(w, QStringLiteral("/briefings"));
    QVERIFY2(!briefings.isEmpty(), "the demo's briefing");
    const QString briefing =
        QStringLiteral("/briefings/%1").arg(briefings.first()[QStringLiteral("id")].toInt());
    const QJsonObject bind{
        {QStringLiteral("key"), 0},
        {QStringLiteral("label"), QStringLiteral("Refused once")},
        {QStringLiteral("action"), QStringLiteral("preset.recall")},
        {QStringLiteral("params"), QJsonObject{{QStringLiteral("id"), presetId}}}};

    // Refused: nothing of the binding or the briefing's start is in memory.
    {
        WriteLock lock(db);
        QVERIFY(lock.held());
        const ApiResponse bound = w.api("POST", QStringLiteral("/panels/desk/bind"), bind);
        QVERIFY2(bound.status == 503, bound.body.constData());
        QCOMPARE(errorCode(bound), QStringLiteral("store_unavailable"));
        const QByteArray panel = w.api("GET", QStringLiteral("/panels/desk")).body;
        QVERIFY2(!panel.contains("Refused once"), panel.constData());
        const ApiResponse started = w.api("POST", briefing + QStringLiteral("/start"));
        QVERIFY2(started.status == 503, started.body.constData());
        QCOMPARE(errorCode(started), QStringLiteral("store_unavailable"));
        QVERIFY2(!active(current(w)), QJsonDocument(current(w)).toJson().constData());
    }

    // The lock is gone: the same actions succeed and are shown.
    const ApiResponse bound = untilAccepted(w, QStringLiteral("/panels/desk/bind"), bind);
    QVERIFY2(bound.status == 200, bound.body.constData());
    const QByteArray panel = w.api("GET", QStringLiteral("/panels/desk")).body;
    QVERIFY2(panel.contains("Refused once"), panel.constData());
    const ApiResponse started = w.api("POST", briefing + QStringLiteral("/start"));
    QVERIFY2(started.status == 200, started.body.constData());
    QVERIFY(active(current(w)));
    QCOMPARE(stepOf(current(w)), 1);

    // A step and the end refused: the briefing stays where it was, running.
    {
        WriteLock lock(db);
        QVERIFY(lock.held());
        const ApiResponse next = w.api("POST", briefing + QStringLiteral("/next"));
        QVERIFY2(next.status == 503, next.body.constData());
        QCOMPARE(stepOf(current(w)), 1);
        const ApiResponse end = w.api("POST", briefing + QStringLiteral("/end"));
        QVERIFY2(end.status == 503, end.body.constData());
        QVERIFY(active(current(w)));
    }
    const ApiResponse next = untilAccepted(w, briefing + QStringLiteral("/next"));
    QVERIFY2(next.status == 200, next.body.constData());
    QCOMPARE(stepOf(current(w)), 2);
    const ApiResponse end = w.api("POST", briefing + QStringLiteral("/end"));
    QVERIFY2(end.status == 200, end.body.constData());
    QVERIFY(!active(current(w)));

    // What memory showed is what the table holds: after a restart (from the stored panels) the
    // binding is there once, and no run is left open.
    QVERIFY(w.stop());
    w.extraArgs.clear();
    QVERIFY2(w.start(&why), qPrintable(why));
    const QByteArray again = w.api("GET", QStringLiteral("/panels/desk")).body;
    QCOMPARE(again.count("Refused once"), 1);
    QVERIFY(!active(current(w)));
    QVERIFY(w.stop());
    // One run (the refused start wrote nothing), ended, with the two steps shown.
    QCOMPARE(scalar(db, "SELECT COUNT(*) FROM briefing_runs"), 1);
    QCOMPARE(scalar(db, "SELECT COUNT(*) FROM briefing_runs WHERE ended_at_ms IS NULL"), 0);
    QCOMPARE(scalar(db, "SELECT COUNT(*) FROM briefing_run_steps"), 2);
}

namespace {
// Starts w with the demo's twelve simulated panels (MDC over TCP), polled every 3 s.
bool startWithPanels(apptest::Wall &w, QString *why) {
    w.demoServices = true;
    return w.start(why);
}

// GET /devices/r1c1's health as the wall last polled it.
QJsonObject panelHealth(const apptest::Wall &w) {
    return jsonOf(w.api("GET", QStringLiteral("/devices/r1c1")).body);
}

// Waits (at most 15 s) for a poll of r1c1 after the one seen, then remembers it in seen.
bool nextPoll(const apptest::Wall &w, QString &seen) {
    QElapsedTimer t;
    t.start();
    QString now;
    while ((now = panelHealth(w).value(QStringLiteral("lastPoll")).toString()) == seen &&
           t.elapsed() < 15000)
        QTest::qWait(50);
    const bool fresh = now != seen;
    seen = now;
    return fresh;
}

const QJsonObject kPowerOn{
    {QStringLiteral("command"), QStringLiteral("power")},
    {QStringLiteral("args"), QJsonObject{{QStringLiteral("value"), QStringLiteral("on")}}}};

// The demo panels' power as their schedule ("on 07:00 mon-fri; off 19:00 mon-fri", the wall's
// local time) has it now: they start off and the wall switches them on at start in working hours.
QString scheduledPower() {
    const QDateTime now = QDateTime::currentDateTime();
    const bool on =
        now.date().dayOfWeek() <= 5 && now.time() >= QTime(7, 0) && now.time() < QTime(19, 0);
    return on ? QStringLiteral("on") : QStringLiteral("off");
}
} // namespace

void TestAppStoreRefused::aRefusedDeviceCommandReachesNoDisplay() {
    apptest::Wall w;
    QString why;
    QVERIFY2(startWithPanels(w, &why), qPrintable(why));
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    // The demo panels start as their schedule says (off, or switched on at start in working
    // hours); the command asks for the other state.
    const QString was = scheduledPower();
    const QString other = was == QLatin1String("on") ? QStringLiteral("off") : QStringLiteral("on");
    const QJsonObject power{
        {QStringLiteral("command"), QStringLiteral("power")},
        {QStringLiteral("args"), QJsonObject{{QStringLiteral("value"), other}}}};
    QTRY_VERIFY2_WITH_TIMEOUT(panelHealth(w).value(QStringLiteral("power")).toString() == was,
                              QJsonDocument(panelHealth(w)).toJson().constData(), 30000);
    {
        WriteLock lock(db);
        QVERIFY(lock.held());
        const ApiResponse refused = w.api("POST", QStringLiteral("/devices/r1c1/commands"), power);
        QVERIFY2(refused.status == 503, refused.body.constData());
        QCOMPARE(errorCode(refused), QStringLiteral("store_unavailable"));
        // Two polls after the refusal (each a fresh lastPoll), the panel is still as it was: the
        // command never reached it.
        QString seen = panelHealth(w).value(QStringLiteral("lastPoll")).toString();
        for (int poll = 0; poll < 2; ++poll) {
            QVERIFY(nextPoll(w, seen));
            const QJsonObject h = panelHealth(w);
            QVERIFY2(h.value(QStringLiteral("reachable")).toBool(),
                     QJsonDocument(h).toJson().constData());
            QVERIFY2(h.value(QStringLiteral("power")).toString() == was,
                     QJsonDocument(h).toJson().constData());
        }
    }
    // The lock is gone: the same command is accepted, sent, and the panel follows.
    const ApiResponse sent = untilAccepted(w, QStringLiteral("/devices/r1c1/commands"), power);
    QVERIFY2(sent.status == 202, sent.body.constData());
    QTRY_VERIFY2_WITH_TIMEOUT(panelHealth(w).value(QStringLiteral("power")).toString() == other,
                              QJsonDocument(panelHealth(w)).toJson().constData(), 20000);
    QVERIFY(w.stop());
}

namespace {
// The TCP port of r1c1's simulated panel, from its binding ("mdc tcp 127.0.0.1:PORT id 1").
quint16 panelPort(const apptest::Wall &w) {
    const QString address = panelHealth(w).value(QStringLiteral("address")).toString();
    const QString hostPort = address.section(u' ', 2, 2);
    return quint16(hostPort.section(u':', 1, 1).toUInt());
}

// The panel's backlight as the simulator holds it, asked by the test over a connection of its
// own (MDC, set ID 1); -1 when it did not answer.
int simulatedBacklight(quint16 port) {
    using namespace opswall::drivers;
    boost::asio::io_context io;
    auto link =
        Link::create(io, makeTcpTransport(io, TcpSettings{"127.0.0.1", port, 2000}),
                     makeProtocol(ProtocolKind::Mdc, ModelProfile::defaultFor(ProtocolKind::Mdc)));
    const Display display(link, Address::unicast(1));
    std::optional<Result> got;
    display.backlight([&got](Result r) { got = std::move(r); });
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!got && std::chrono::steady_clock::now() < until) {
        io.run_one_for(std::chrono::milliseconds(10));
        if (io.stopped())
            io.restart();
    }
    link->stop();
    io.poll();
    return got && got->ok() ? got->value : -1;
}
} // namespace

void TestAppStoreRefused::aRefusedCalibrationApplyReachesNoDisplay() {
    apptest::Wall w;
    QString why;
    QVERIFY2(startWithPanels(w, &why), qPrintable(why));
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    QTRY_VERIFY2_WITH_TIMEOUT(panelHealth(w).value(QStringLiteral("reachable")).toBool(),
                              QJsonDocument(panelHealth(w)).toJson().constData(), 30000);
    // Picture settings need a panel that is on.
    const ApiResponse powered = w.api("POST", QStringLiteral("/devices/r1c1/commands"), kPowerOn);
    QVERIFY2(powered.status == 202, powered.body.constData());
    QTRY_VERIFY2_WITH_TIMEOUT(panelHealth(w).value(QStringLiteral("power")).toString() ==
                                  QLatin1String("on"),
                              QJsonDocument(panelHealth(w)).toJson().constData(), 20000);
    const quint16 port = panelPort(w);
    QVERIFY2(port > 0, QJsonDocument(panelHealth(w)).toJson().constData());
    const int before = simulatedBacklight(port);
    QVERIFY2(before >= 0, "the simulated panel answers the test's own MDC connection");
    const int wanted = before == 23 ? 24 : 23;
    const ApiResponse set =
        w.api("POST", QStringLiteral("/calibration/profiles"),
              {{QStringLiteral("displays"), QJsonArray{QStringLiteral("r1c1")}},
               {QStringLiteral("settings"), QJsonObject{{QStringLiteral("backlight"), wanted}}}});
    QVERIFY2(set.status == 200, set.body.constData());
    const QJsonObject apply{{QStringLiteral("displays"), QJsonArray{QStringLiteral("r1c1")}}};
    {
        WriteLock lock(db);
        QVERIFY(lock.held());
        const ApiResponse refused = w.api("POST", QStringLiteral("/calibration/apply"), apply);
        QVERIFY2(refused.status == 503, refused.body.constData());
        QCOMPARE(errorCode(refused), QStringLiteral("store_unavailable"));
        // The refused apply (the wall's first run) is not kept: no run to show, and its id is
        // not used up.
        const ApiResponse run = w.api("GET", QStringLiteral("/calibration/runs/1"));
        QVERIFY2(run.status == 404, run.body.constData());
        // Two polls after the refusal (each a fresh lastPoll), the panel still has its own
        // backlight: the settings never reached it.
        QString seen = panelHealth(w).value(QStringLiteral("lastPoll")).toString();
        for (int poll = 0; poll < 2; ++poll) {
            QVERIFY(nextPoll(w, seen));
            QCOMPARE(simulatedBacklight(port), before);
        }
    }
    // The lock is gone: the same apply is accepted, sent, and the panel has the profile's value.
    const ApiResponse sent = untilAccepted(w, QStringLiteral("/calibration/apply"), apply);
    QVERIFY2(sent.status == 202, sent.body.constData());
    const qint64 runId = jsonOf(sent.body).value(QStringLiteral("runId")).toInteger();
    QVERIFY2(runId == 1, sent.body.constData()); // the first run kept is run 1, no gap
    const QString runPath = QStringLiteral("/calibration/runs/%1").arg(runId);
    QTRY_VERIFY2_WITH_TIMEOUT(
        jsonOf(w.api("GET", runPath).body).value(QStringLiteral("state")).toString() ==
            QLatin1String("finished"),
        w.api("GET", runPath).body.constData(), 40000);
    const QJsonObject r1c1 = jsonOf(w.api("GET", runPath).body)
                                 .value(QStringLiteral("displays"))
                                 .toObject()
                                 .value(QStringLiteral("r1c1"))
                                 .toObject();
    QVERIFY2(r1c1.value(QStringLiteral("applied")).toArray().contains(QStringLiteral("backlight")),
             QJsonDocument(r1c1).toJson().constData());
    QCOMPARE(simulatedBacklight(port), wanted);
    QVERIFY(w.stop());
}

// The audit's start-up check runs on the store thread (AuditLog::checkOnStartAsync), not on the
// GUI thread: it still finds a log whose head no longer matches its keyed seal, and the
// audit.broken row saying so is there to read.
void TestAppStoreRefused::aLogCutWhileStoppedIsFoundAtTheNextStart() {
    apptest::Wall w;
    QString why;
    QVERIFY2(w.start(&why), qPrintable(why));
    for (const char *preset : {"Họp trực tuyến", "Đầu tư công"}) // audited actions
        QVERIFY(!w.recallPreset(QString::fromUtf8(preset)).isEmpty());
    QVERIFY(w.stop());
    const QString db = w.dir.filePath(QStringLiteral("wall.db"));
    const qint64 head = scalar(db, "SELECT last_id FROM control_audit_head");
    QVERIFY(head > 1);
    {
        WriteLock lock(db); // one transaction of the test's own: the newest row cut
        QVERIFY(lock.held());
        QCOMPARE(lock.exec("DELETE FROM control_audit WHERE id = (SELECT MAX(id) FROM "
                           "control_audit)"),
                 QString());
        QCOMPARE(lock.exec("UPDATE control_audit_head SET last_id = last_id - 1, last_hash = "
                           "(SELECT hash FROM control_audit ORDER BY id DESC LIMIT 1)"),
                 QString());
        QVERIFY(lock.commit());
    }
    QVERIFY2(w.start(&why), qPrintable(why));
    QByteArray broken;
    QTRY_VERIFY2_WITH_TIMEOUT(
        (broken = w.api("GET", QStringLiteral("/audit?action=audit.broken")).body)
            .contains("tampered"),
        broken.constData(), 10000);
    QVERIFY2(broken.contains("keyed seal"), broken.constData());
    QVERIFY(w.stop());
}

QTEST_GUILESS_MAIN(TestAppStoreRefused)
#include "tst_app_store_refused.moc"
