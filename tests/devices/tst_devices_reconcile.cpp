// The power schedule's state reconciled against real opswall-display-sim processes (12 MDC panels
// on TCP, r3c4 alone in a second process so that it can be killed or frozen; simulatedwall.h): a
// wall that starts inside an "on" period switches its panels (which start off) on, through the
// dispatcher and audited as the schedule, and raises no "not as its power schedule says" alert
// meanwhile; one missed poll is not a reconnection (nothing is reconciled), a panel back after a
// power cut (its "unreachable" alert raised) is switched on again; an operator's power change
// stands, reported, through a missed poll, a power cut and a restart of display control until the
// schedule's next transition; a start inside an "off" period switches them off.
#include "simulatedwall.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QtTest>

using namespace opswall;
using namespace opswall::devices;
using devicetest::Audited;
using devicetest::SimulatedWall;

namespace {

constexpr int kWaitMs = 15000;

} // namespace

class TestDevicesReconcile : public QObject {
    Q_OBJECT

    SimulatedWall m_wall;
    std::unique_ptr<QSignalSpy> m_raised;

    bool allPower(const QString &power) const {
        return m_wall.allRows(
            [&](const DisplayHealth &r) { return r.reachable && r.power == power; });
    }
    const DisplayHealth &victim() const { return *m_wall.service->model()->row("r3c4"); }
    // The schedule's power commands since `from` of the audit, with that reason: the displays.
    QStringList reconciled(qsizetype from, const QString &value, const QString &reason) const {
        QStringList displays;
        for (qsizetype i = from; i < m_wall.audit.size(); ++i) {
            const Audited &a = m_wall.audit.at(i);
            if (a.caller.user == QLatin1String("schedule") &&
                a.caller.via == QLatin1String("schedule") && a.caller.role == Role::Technician &&
                a.action.type == QLatin1String("device.command") && a.result.ok &&
                a.action.params["value"].toString() == value &&
                a.action.params["reason"].toString() == reason)
                for (const QJsonValue &d : a.action.params["displays"].toArray())
                    displays.append(d.toString());
        }
        displays.sort();
        return displays;
    }
    // Raised alerts of that kind since the spy was last cleared: "display: message".
    QStringList raised(const QString &kind) const {
        QStringList out;
        for (const auto &args : *m_raised) {
            const QJsonObject a = args.first().toJsonObject();
            if (a["kind"].toString() == kind)
                out.append(a["display"].toString() + QLatin1String(": ") + a["message"].toString());
        }
        return out;
    }
    QStringList mismatchAlerts() const { return raised(QStringLiteral("power-mismatch")); }

    // r3c4 misses one poll: frozen until a poll of it goes unanswered, then thawed at once (its
    // next poll, already under way or not, is answered); back to answering, a few polls more.
    void missOnePoll() {
        QVERIFY(victim().reachable);
        QVERIFY(m_wall.freezeVictim());
        QTRY_VERIFY_WITH_TIMEOUT(!victim().reachable, kWaitMs);
        QVERIFY(m_wall.thawVictim());
        QTRY_VERIFY_WITH_TIMEOUT(victim().reachable, kWaitMs);
        QTest::qWait(1500);
        QVERIFY2(raised(QStringLiteral("unreachable")).isEmpty(),
                 qPrintable(raised(QStringLiteral("unreachable")).join(u'\n')));
    }
    // r3c4 loses its power until it is counted as not answering, and comes back, off.
    void powerCut() {
        QVERIFY(m_wall.killVictim());
        QTRY_VERIFY_WITH_TIMEOUT(!raised(QStringLiteral("unreachable")).isEmpty(), kWaitMs);
        QString why;
        QVERIFY2(m_wall.restartVictim(&why), qPrintable(why));
        QTRY_VERIFY_WITH_TIMEOUT(victim().reachable, kWaitMs);
    }

private Q_SLOTS:
    void initTestCase() {
        if (SimulatedWall::simulatorProgram().isEmpty())
            QSKIP("OPSWALL_DISPLAY_SIM does not name the opswall-display-sim program");
        // Monday 23 November 2026, 10:00: the demo's schedule ("on 07:00 mon-fri; off 19:00
        // mon-fri") says on; the simulated panels start off. r3c4 gives up on an answer after
        // 1.5 s (its binding's replyTimeoutMs), so that a frozen panel misses a poll soon.
        QString why;
        QVERIFY2(m_wall.setUp(QDateTime(QDate(2026, 11, 23), QTime(10, 0)), &why,
                              [](DeviceConfig &c) { c.displays.last().replyTimeoutMs = 1500; }),
                 qPrintable(why));
        QCOMPARE(m_wall.service->config().displays.last().displayId, QStringLiteral("r3c4"));
        // The schedule's own once-a-minute check is this test's to call: its clock jumps.
        m_wall.service->setScheduleCheckIntervalMs(24 * 3600 * 1000);
        m_raised = std::make_unique<QSignalSpy>(m_wall.service.get(), &DeviceService::alertRaised);
    }

    void startInsideAnOnPeriodSwitchesThePanelsOnWithoutAlerts() {
        m_wall.service->start();
        QTRY_VERIFY_WITH_TIMEOUT(allPower(QStringLiteral("on")), kWaitMs);
        // Through the dispatcher as the schedule, every display once, reason "start".
        QCOMPARE(reconciled(0, QStringLiteral("on"), QStringLiteral("start")),
                 SimulatedWall::allIds());
        // A few polls after: as the schedule says, and no false alert was ever raised.
        QTest::qWait(1000);
        QVERIFY2(mismatchAlerts().isEmpty(), qPrintable(mismatchAlerts().join(u'\n')));
        QVERIFY(m_wall.service->activeAlerts().isEmpty());
    }

    // Switched off at the panel (not by the wall), r3c4 is reported; one poll it does not answer
    // (a lost packet, a busy panel) is no reconnection: nothing is reconciled. After a power cut
    // it may have restarted in any state: switched on again.
    void aMissedPollIsNotAReconnectionAPowerCutIs() {
        const qsizetype from = m_wall.audit.size();
        QString why;
        QVERIFY2(m_wall.powerAtThePanel(false, &why), qPrintable(why));
        QTRY_COMPARE_WITH_TIMEOUT(victim().power, QStringLiteral("off"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(mismatchAlerts().size() == 1, kWaitMs);
        QVERIFY(mismatchAlerts().first().startsWith("r3c4: "));

        missOnePoll();
        QCOMPARE(reconciled(from, QStringLiteral("on"), QStringLiteral("reconnect")),
                 QStringList());
        QCOMPARE(victim().power, QStringLiteral("off"));
        QCOMPARE(m_wall.audit.size(), from); // nothing was done to any display

        m_raised->clear();
        powerCut();
        QTRY_VERIFY_WITH_TIMEOUT(allPower(QStringLiteral("on")), kWaitMs);
        QCOMPARE(reconciled(from, QStringLiteral("on"), QStringLiteral("reconnect")),
                 QStringList{QStringLiteral("r3c4")});
        QTest::qWait(1000);
        QVERIFY2(mismatchAlerts().isEmpty(), qPrintable(mismatchAlerts().join(u'\n')));
        QVERIFY(m_wall.service->activeAlerts().isEmpty()); // the unreachable alert cleared too
    }

    // A technician switches r3c4 off at 10:05, inside the "on" period: reported (a warning: off
    // while it should be on), and not switched back after a missed poll, a power cut or a
    // restart of display control, all before the schedule's next transition (19:00).
    void anOperatorsChangeStandsUntilTheNextTransition() {
        m_raised->clear();
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(10, 5));
        const qsizetype from = m_wall.audit.size();
        const ActionResult r = m_wall.dispatcher->dispatch(
            {"device.command",
             {{"displays", QJsonArray{"r3c4"}}, {"command", "power"}, {"value", "off"}}},
            {"tech", Role::Technician, "local", "test"});
        QVERIFY2(r.ok, qPrintable(r.message));
        QTRY_COMPARE_WITH_TIMEOUT(victim().power, QStringLiteral("off"), kWaitMs);
        QTRY_VERIFY_WITH_TIMEOUT(mismatchAlerts().size() == 1, kWaitMs);
        QVERIFY(mismatchAlerts().first().startsWith("r3c4: "));

        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(11, 0));
        missOnePoll();
        QCOMPARE(victim().power, QStringLiteral("off"));

        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(12, 0));
        powerCut(); // back off, as the technician left it
        QTest::qWait(1500);
        QCOMPARE(victim().power, QStringLiteral("off"));

        // Display control restarted (a change of the bindings does that) at 18:59.
        m_wall.now = QDateTime(QDate(2026, 11, 23), QTime(18, 59));
        QVERIFY(m_wall.service->stop());
        m_wall.service->start();
        const auto othersOnVictimOff = [](const DisplayHealth &row) {
            return row.reachable && row.power == (row.displayId == "r3c4" ? "off" : "on");
        };
        QTRY_VERIFY_WITH_TIMEOUT(m_wall.allRows(othersOnVictimOff), kWaitMs);
        QTest::qWait(1500);
        QCOMPARE(victim().power, QStringLiteral("off"));
        for (qsizetype i = from; i < m_wall.audit.size(); ++i)
            QCOMPARE(m_wall.audit.at(i).caller.user, QStringLiteral("tech"));
        QVERIFY(m_wall.service->activeAlerts().size() == 1); // r3c4's power-mismatch
    }

    // The next morning (Tuesday 07:05, after "on 07:00") display control starts again: the
    // technician's change ended with the transition, r3c4 follows the schedule again.
    void theNextTransitionEndsTheOperatorsChange() {
        QVERIFY(m_wall.service->stop());
        m_raised->clear();
        const qsizetype from = m_wall.audit.size();
        m_wall.now = QDateTime(QDate(2026, 11, 24), QTime(7, 5));
        m_wall.service->start();
        QTRY_VERIFY_WITH_TIMEOUT(allPower(QStringLiteral("on")), kWaitMs);
        QCOMPARE(reconciled(from, QStringLiteral("on"), QStringLiteral("start")),
                 QStringList{QStringLiteral("r3c4")});
        QTest::qWait(1000);
        QVERIFY2(mismatchAlerts().isEmpty(), qPrintable(mismatchAlerts().join(u'\n')));
        QVERIFY(m_wall.service->activeAlerts().isEmpty());
    }

    void restartInsideAnOffPeriodSwitchesThePanelsOff() {
        QVERIFY(m_wall.service->stop());
        m_raised->clear();
        const qsizetype from = m_wall.audit.size();
        m_wall.now = QDateTime(QDate(2026, 11, 24), QTime(20, 15)); // after "off 19:00"
        m_wall.service->start();
        QTRY_VERIFY_WITH_TIMEOUT(allPower(QStringLiteral("off")), kWaitMs);
        QCOMPARE(reconciled(from, QStringLiteral("off"), QStringLiteral("start")),
                 SimulatedWall::allIds());
        QTest::qWait(1000);
        QVERIFY2(mismatchAlerts().isEmpty(), qPrintable(mismatchAlerts().join(u'\n')));
        QVERIFY(m_wall.service->activeAlerts().isEmpty());
    }

    void cleanupTestCase() { m_wall.tearDown(); }
};

QTEST_GUILESS_MAIN(TestDevicesReconcile)
#include "tst_devices_reconcile.moc"
