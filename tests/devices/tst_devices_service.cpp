// DeviceService against real opswall-display-sim processes on loopback: 12 MDC displays on TCP
// (11 in one process, r3c4 alone in another so it can be killed), a real WallState and
// Dispatcher. Health polling fills the model; device.command through the dispatcher reaches every
// simulator; a killed simulator raises "unreachable" and clears when it is back; the power
// schedule runs through the dispatcher on an injected clock.
#include "simulatedwall.h"
#include "store/writefence.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

using namespace opswall;
using namespace opswall::devices;
using devicetest::Audited;

namespace {

constexpr int kWaitMs = 10000;

} // namespace

class TestDevicesService : public QObject {
    Q_OBJECT

    devicetest::SimulatedWall m_wall;
    const Caller m_technician{"tech", Role::Technician, "local", "test"};

    bool allRows(const std::function<bool(const DisplayHealth &)> &pred) const {
        return m_wall.allRows(pred);
    }

    // Dispatches and waits for the commandFinished of the accepted request.
    QJsonObject runCommand(const QJsonObject &params, const Caller &caller) {
        QSignalSpy finished(m_wall.service.get(), &DeviceService::commandFinished);
        const ActionResult r = m_wall.dispatcher->dispatch({"device.command", params}, caller);
        if (!r.ok) {
            qWarning() << "refused:" << r.message;
            return {};
        }
        const quint64 id = quint64(r.data.value("requestId").toInteger());
        if (!r.data.value("accepted").toBool() || id == 0)
            return {};
        for (QElapsedTimer t; !t.isValid() || t.elapsed() < kWaitMs;) {
            if (!t.isValid())
                t.start();
            for (const auto &args : finished)
                if (args.at(0).toULongLong() == id)
                    return args.at(1).toJsonObject();
            finished.wait(200);
        }
        return {};
    }

private Q_SLOTS:
    void initTestCase() {
        if (devicetest::SimulatedWall::simulatorProgram().isEmpty())
            QSKIP("OPSWALL_DISPLAY_SIM does not name the opswall-display-sim program");
        // Monday 23 November 2026, 06:30: the schedule says off (since Friday 19:00).
        QString why;
        QVERIFY2(m_wall.setUp(QDateTime(QDate(2026, 11, 23), QTime(6, 30)), &why), qPrintable(why));
        m_wall.service->start();
        QVERIFY(m_wall.service->isRunning());
    }

    void healthPollingFillsTheModel() {
        QTRY_VERIFY_WITH_TIMEOUT(allRows([](const DisplayHealth &r) {
                                     return r.polled && r.reachable && r.power == "off" &&
                                            r.temperatureC == 38 && r.fan == "ok";
                                 }),
                                 kWaitMs);
        const QJsonArray snap = m_wall.service->snapshot();
        QCOMPARE(snap.size(), 12);
        QCOMPARE(snap.at(11)["display"].toString(), QStringLiteral("r3c4"));
        QCOMPARE(snap.at(11)["power"].toString(), QStringLiteral("off"));
        QCOMPARE(snap.at(11)["temperatureC"].toInt(), 38);
        QVERIFY(snap.at(11)["address"].toString().contains(QString::number(m_wall.victimPort)));
        QVERIFY(m_wall.service->activeAlerts().isEmpty()); // off, as the schedule wants at 06:30
    }

    void powerCommandReachesEverySimulator() {
        // Operators may not drive displays: refused by the dispatcher's role table.
        const Caller op{"op", Role::Operator, "local", "test"};
        QVERIFY(!m_wall.dispatcher
                     ->dispatch({"device.command",
                                 {{"displays", "all"}, {"command", "power"}, {"value", "on"}}},
                                op)
                     .ok);
        const ActionResult bad = m_wall.dispatcher->dispatch(
            {"device.command", {{"displays", "all"}, {"command", "power"}, {"value", 3}}},
            m_technician);
        QCOMPARE(bad.code, QStringLiteral("invalid"));
        QCOMPARE(bad.field, QStringLiteral("value"));

        QSignalSpy raised(m_wall.service.get(), &DeviceService::alertRaised);
        QJsonObject perDisplay =
            runCommand({{"displays", "all"}, {"command", "power"}, {"value", "on"}}, m_technician);
        QCOMPARE(perDisplay.size(), 12);
        for (auto it = perDisplay.begin(); it != perDisplay.end(); ++it)
            QVERIFY2(it->toObject()["ok"].toBool(), qPrintable(it.key()));
        QTRY_VERIFY_WITH_TIMEOUT(allRows([](const DisplayHealth &r) { return r.power == "on"; }),
                                 kWaitMs);
        // On while the schedule says off: an info alert per display, worded for a technician.
        QTRY_VERIFY_WITH_TIMEOUT(raised.size() >= 12, kWaitMs);
        const QJsonObject first = raised.first().first().toJsonObject();
        QCOMPARE(first["kind"].toString(), QStringLiteral("power-mismatch"));
        QCOMPARE(first["severity"].toString(), QStringLiteral("info"));
        QVERIFY(first["message"].toString().contains("should be off but is on"));

        QSignalSpy cleared(m_wall.service.get(), &DeviceService::alertCleared);
        perDisplay =
            runCommand({{"displays", "all"}, {"command", "power"}, {"value", "off"}}, m_technician);
        QCOMPARE(perDisplay.size(), 12);
        QVERIFY(perDisplay["r3c4"].toObject()["ok"].toBool());
        QTRY_VERIFY_WITH_TIMEOUT(allRows([](const DisplayHealth &r) { return r.power == "off"; }),
                                 kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_wall.service->activeAlerts().isEmpty(), kWaitMs);
        QVERIFY(cleared.size() >= 12);
        // Both commands were audited with the technician as the caller.
        int audited = 0;
        for (const Audited &a : m_wall.audit)
            audited += a.action.type == "device.command" && a.caller.user == "tech" && a.result.ok;
        QCOMPARE(audited, 2);
    }

    void killedSimulatorRaisesAndClearsUnreachable() {
        QSignalSpy raised(m_wall.service.get(), &DeviceService::alertRaised);
        QSignalSpy cleared(m_wall.service.get(), &DeviceService::alertCleared);
        QVERIFY(m_wall.killVictim());
        auto hasAlert = [](const QSignalSpy &spy, const QString &kind) {
            for (const auto &args : spy) {
                const QJsonObject a = args.first().toJsonObject();
                if (a["display"].toString() == "r3c4" && a["kind"].toString() == kind)
                    return true;
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(hasAlert(raised, "unreachable"), kWaitMs);
        const DisplayHealth *row = m_wall.service->model()->row("r3c4");
        QVERIFY(!row->reachable);
        QCOMPARE(row->alertSeverity, QStringLiteral("critical"));
        QVERIFY2(row->alertMessage.contains("Display r3c4 does not answer"),
                 qPrintable(row->alertMessage));
        QCOMPARE(row->power, QStringLiteral("off"));              // last known, marked unreachable
        QVERIFY(m_wall.service->model()->row("r3c3")->reachable); // the others are unaffected

        QString why;
        QVERIFY2(m_wall.restartVictim(&why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(hasAlert(cleared, "unreachable"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(m_wall.service->model()->row("r3c4")->reachable, kWaitMs);
        QVERIFY(m_wall.service->activeAlerts().isEmpty());
    }

    void scheduleRunsThroughTheDispatcher() {
        m_wall.audit.clear();
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(6, 59, 30));
        m_wall.service->checkSchedule();
        QVERIFY(m_wall.audit.isEmpty()); // 06:31 .. 06:59: no rule
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(7, 0, 5));
        m_wall.service->checkSchedule();
        QCOMPARE(m_wall.audit.size(), 1);
        const Audited &on = m_wall.audit.first();
        QCOMPARE(on.caller.user, QStringLiteral("schedule"));
        QCOMPARE(on.caller.via, QStringLiteral("schedule"));
        QCOMPARE(on.caller.role, Role::Technician);
        QCOMPARE(on.action.type, QStringLiteral("device.command"));
        QCOMPARE(on.action.params["value"].toString(), QStringLiteral("on"));
        QCOMPARE(on.action.params["displays"].toArray().size(), 12);
        QVERIFY(on.result.ok);
        QTRY_VERIFY_WITH_TIMEOUT(allRows([](const DisplayHealth &r) { return r.power == "on"; }),
                                 kWaitMs);
        m_wall.service->checkSchedule(); // same minute again: nothing repeated
        QCOMPARE(m_wall.audit.size(), 1);

        // The timer was late: 18:58 -> 19:03 still executes the 19:00 rule once.
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(18, 58));
        m_wall.service->checkSchedule();
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(19, 3));
        m_wall.service->checkSchedule();
        QCOMPARE(m_wall.audit.size(), 2);
        QCOMPARE(m_wall.audit.last().action.params["value"].toString(), QStringLiteral("off"));
        QTRY_VERIFY_WITH_TIMEOUT(allRows([](const DisplayHealth &r) { return r.power == "off"; }),
                                 kWaitMs);

        // The box slept from Monday evening to Saturday morning: the latest rule of the last day
        // (Friday 19:00 off) is applied once on waking, nothing older is replayed.
        m_wall.now = QDateTime(QDate(2026, 11, 28), QTime(6, 59));
        m_wall.service->checkSchedule();
        QCOMPARE(m_wall.audit.size(), 3);
        QCOMPARE(m_wall.audit.last().action.params["value"].toString(), QStringLiteral("off"));
        // Saturday 07:00: not a working day.
        m_wall.now = QDateTime(QDate(2026, 11, 28), QTime(7, 0));
        m_wall.service->checkSchedule();
        QCOMPARE(m_wall.audit.size(), 3);
    }

    // A controller fenced by its hot standby sends no command to any display.
    void fencedControllerDrivesNoDisplay() {
        store::setWriteFence(QStringLiteral("this controller is fenced: test"));
        const ActionResult r = m_wall.dispatcher->dispatch(
            {"device.command", {{"displays", "all"}, {"command", "power"}, {"value", true}}},
            m_technician);
        store::setWriteFence({});
        QVERIFY(!r.ok);
        QCOMPARE(r.code, QStringLiteral("unavailable"));
        QVERIFY2(r.message.contains(QLatin1String("fenced")), qPrintable(r.message));
        QVERIFY(!r.data.contains(QStringLiteral("requestId"))); // no request was queued
        // Unfenced, the same command is accepted again.
        const ActionResult again = m_wall.dispatcher->dispatch(
            {"device.command", {{"displays", "all"}, {"command", "power"}, {"value", true}}},
            m_technician);
        QVERIFY2(again.ok, qPrintable(again.message));
        QVERIFY(again.data.value(QStringLiteral("requestId")).toInteger() > 0);
    }

    void stopIsBoundedAndFinishesEveryRequest() {
        QSignalSpy finished(m_wall.service.get(), &DeviceService::commandFinished);
        const ActionResult r = m_wall.dispatcher->dispatch(
            {"device.command", {{"displays", "all"}, {"command", "brightness"}, {"value", 70}}},
            m_technician);
        QVERIFY(r.ok);
        QElapsedTimer t;
        t.start();
        QVERIFY(m_wall.service->stop(3000));
        QVERIFY2(t.elapsed() < 3000, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!m_wall.service->isRunning());
        // Completed or cancelled, but answered exactly once (the schedule's last request may be
        // answered here too).
        const quint64 id = quint64(r.data.value("requestId").toInteger());
        int answers = 0;
        for (const auto &args : finished)
            answers += args.at(0).toULongLong() == id;
        QCOMPARE(answers, 1);
        const ActionResult after = m_wall.dispatcher->dispatch(
            {"device.command", {{"displays", "all"}, {"command", "power"}, {"value", "on"}}},
            m_technician);
        QCOMPARE(after.code, QStringLiteral("unavailable"));
    }

    // Three MDC displays daisy-chained on one serial line (a socat pseudo-terminal pair): one
    // Link, each display answering to its own ID.
    void serialDaisyChainSharesOneLink() {
        if (QStandardPaths::findExecutable("socat").isEmpty())
            QSKIP("socat is not installed (apt-get install socat)");
        QTemporaryDir dir;
        const QString appEnd = dir.filePath("app"), simEnd = dir.filePath("sim");
        QProcess socat;
        socat.start("socat", {"pty,raw,echo=0,link=" + appEnd, "pty,raw,echo=0,link=" + simEnd});
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(appEnd) && QFileInfo::exists(simEnd), 5000);
        QProcess sim;
        sim.start(m_wall.program, {"--protocol", "mdc", "--serial", simEnd, "--ids", "1,2,3"});
        QVERIFY(sim.waitForReadyRead(5000));
        QVERIFY(sim.readAllStandardOutput().contains("ready serial"));

        wall::GridSpec grid;
        grid.rows = 3;
        grid.cols = 4;
        grid.activeMm = QSizeF(1209.6, 680.4);
        wall::WallState state(wall::makeGrid(grid, "chain"));
        wall::Dispatcher dispatcher(state, nullptr);
        DeviceService service(state, dispatcher);
        QJsonObject displays;
        for (int id = 1; id <= 3; ++id)
            displays.insert(QStringLiteral("r1c%1").arg(id),
                            QJsonObject{{"protocol", "mdc"},
                                        {"serial", QJsonObject{{"device", appEnd}, {"baud", 9600}}},
                                        {"id", id}});
        const ParsedConfig parsed = parseDeviceConfig(QJsonObject{{"kind", "opswall.devices"},
                                                                  {"schemaVersion", 1},
                                                                  {"pollIntervalMs", 250},
                                                                  {"displays", displays}},
                                                      demoDisplayIds());
        QVERIFY(parsed.config);
        QVERIFY(service.setConfig(*parsed.config).isEmpty());
        service.start();
        auto row = [&](const QString &id) { return *service.model()->row(id); };
        QTRY_VERIFY_WITH_TIMEOUT(row("r1c1").reachable && row("r1c2").reachable &&
                                     row("r1c3").reachable && row("r1c3").temperatureC == 38,
                                 kWaitMs);
        QVERIFY(!row("r2c1").bound && !row("r2c1").polled);

        QSignalSpy finished(&service, &DeviceService::commandFinished);
        const ActionResult r = dispatcher.dispatch(
            {"device.command",
             {{"displays", QJsonArray{"r1c2"}}, {"command", "power"}, {"value", "on"}}},
            m_technician);
        QVERIFY2(r.ok, qPrintable(r.message));
        QTRY_COMPARE_WITH_TIMEOUT(finished.size(), 1, kWaitMs);
        QVERIFY(finished.first().at(1).toJsonObject()["r1c2"].toObject()["ok"].toBool());
        QTRY_COMPARE_WITH_TIMEOUT(row("r1c2").power, QStringLiteral("on"), kWaitMs);
        QCOMPARE(row("r1c1").power, QStringLiteral("off")); // only ID 2 was addressed
        QCOMPARE(row("r1c3").power, QStringLiteral("off"));
        QVERIFY(service.stop(3000));
        sim.terminate();
        QVERIFY(sim.waitForFinished(3000));
        socat.terminate();
        socat.waitForFinished(3000);
    }

    void cleanupTestCase() { m_wall.tearDown(); }
};

QTEST_GUILESS_MAIN(TestDevicesService)
#include "tst_devices_service.moc"
