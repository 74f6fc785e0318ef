// The wall the DeviceService integration tests drive (tst_devices_service, tst_devices_reconcile):
// 12 real opswall-display-sim MDC panels on loopback TCP (r1c1 .. r3c3 in one process, r3c4 alone
// in a second so that it can be killed, stopped or started again on its port), a 3 × 4 WallState,
// a Dispatcher whose audit hook keeps every action taken, and a DeviceService on an injected
// clock, polling every 250 ms.
#pragma once

#include "codec/mdc.h"
#include "devices/demosimulators.h"
#include "devices/deviceservice.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QDateTime>
#include <QFileInfo>
#include <QList>
#include <QString>
#include <QStringList>
#include <QTcpSocket>

#include <algorithm>
#include <csignal>
#include <functional>
#include <memory>

namespace devicetest {

using namespace opswall;
using namespace opswall::devices;

struct Audited {
    Caller caller;
    Action action;
    ActionResult result;
};

class SimulatedWall {
public:
    QString program;        // opswall-display-sim
    DemoSimulators sims;    // r1c1 .. r3c3
    DemoSimulators victim;  // r3c4
    quint16 victimPort = 0; // r3c4's, kept when it starts again
    std::unique_ptr<wall::WallState> state;
    std::unique_ptr<wall::Dispatcher> dispatcher;
    std::unique_ptr<DeviceService> service;
    QDateTime now;        // the service's clock (the wall's local time)
    QList<Audited> audit; // every action the dispatcher took, in order

    // The simulator named by OPSWALL_DISPLAY_SIM (the tests' CMake sets it); empty when missing.
    static QString simulatorProgram() {
        const QString p = qEnvironmentVariable("OPSWALL_DISPLAY_SIM");
        return !p.isEmpty() && QFileInfo(p).isExecutable() ? p : QString();
    }

    // Starts the simulators and builds the wall with the demo bindings (its power schedule "on
    // 07:00 mon-fri; off 19:00 mon-fri"), the clock at `at`; adjust may change the bindings
    // first. The service is not started. False, with why, when something could not be set up.
    bool setUp(const QDateTime &at, QString *why,
               const std::function<void(DeviceConfig &)> &adjust = {}) {
        program = simulatorProgram();
        if (program.isEmpty())
            return fail(why, QStringLiteral("OPSWALL_DISPLAY_SIM does not name the simulator"));
        if (!sims.start(program, 11))
            return fail(why, sims.error());
        if (!victim.start(program, 1))
            return fail(why, victim.error());
        victimPort = victim.ports().first();

        wall::GridSpec grid;
        grid.rows = 3;
        grid.cols = 4;
        grid.activeMm = QSizeF(1209.6, 680.4);
        state = std::make_unique<wall::WallState>(wall::makeGrid(grid, "demo"));
        dispatcher = std::make_unique<wall::Dispatcher>(*state, nullptr);
        dispatcher->setAuditHook([this](const Caller &c, const Action &a, const ActionResult &r) {
            audit.append({c, a, r});
        });
        service = std::make_unique<DeviceService>(*state, *dispatcher);
        now = at;
        service->setClock([this] { return now; });

        DeviceConfig config = demoDeviceConfig(sims.ports() + victim.ports());
        config.pollIntervalMs = 250;
        if (adjust)
            adjust(config);
        const QList<Issue> issues = service->setConfig(config);
        if (!issues.isEmpty())
            return fail(why, issues.first().toString());
        return true;
    }

    void tearDown() {
        if (service)
            service->stop();
        service.reset();
        sims.stop();
        victim.stop();
    }

    bool allRows(const std::function<bool(const DisplayHealth &)> &pred) const {
        const auto &rows = service->model()->rows();
        return rows.size() == 12 && std::all_of(rows.begin(), rows.end(), pred);
    }

    // r3c4 loses its power: killed (and reaped).
    bool killVictim() {
        if (::kill(pid_t(victim.processId()), SIGKILL) != 0)
            return false;
        victim.stop();
        return true;
    }
    // r3c4 has its power back: a new simulator on the same port, off like a panel after a cut.
    bool restartVictim(QString *why) {
        if (victim.start(program, 1, 5000, {"--tcp", QString::number(victimPort)}))
            return true;
        return fail(why, victim.error());
    }

    // r3c4 freezes (SIGSTOP: its port still takes connections, nothing answers) and thaws.
    bool freezeVictim() { return ::kill(pid_t(victim.processId()), SIGSTOP) == 0; }
    bool thawVictim() { return ::kill(pid_t(victim.processId()), SIGCONT) == 0; }

    // Someone switches r3c4 at the panel (its remote control), not through the wall: an MDC
    // power command of a second connection to the panel, which acknowledges it.
    bool powerAtThePanel(bool on, QString *why) {
        QTcpSocket socket;
        socket.connectToHost(QStringLiteral("127.0.0.1"), victimPort);
        if (!socket.waitForConnected(5000))
            return fail(why, socket.errorString());
        const drivers::Bytes frame =
            drivers::mdc::encode(drivers::mdc::cmd::Power, 1, {std::uint8_t(on ? 1 : 0)});
        socket.write(reinterpret_cast<const char *>(frame.data()), qint64(frame.size()));
        // The acknowledgement: 0xAA 0xFF id length 'A' command ... checksum.
        QByteArray reply;
        while (reply.size() < 6 && socket.waitForReadyRead(5000))
            reply += socket.readAll();
        if (reply.size() < 6 || quint8(reply.at(4)) != drivers::mdc::kAck)
            return fail(why, QStringLiteral("the panel did not acknowledge: ") +
                                 QString::fromLatin1(reply.toHex(' ')));
        return true;
    }

    static QStringList allIds() {
        QStringList ids;
        for (int r = 1; r <= 3; ++r)
            for (int c = 1; c <= 4; ++c)
                ids.append(QStringLiteral("r%1c%2").arg(r).arg(c));
        ids.sort();
        return ids;
    }

private:
    static bool fail(QString *why, const QString &text) {
        if (why)
            *why = text;
        return false;
    }
};

} // namespace devicetest
