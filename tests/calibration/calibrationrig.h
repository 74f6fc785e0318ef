#pragma once
// What the calibration integration tests share: a WallState, Dispatcher, DeviceService bound to
// real opswall-display-sim processes, an SQLite ProfileStore on disk and the CalibrationService,
// with helpers that dispatch an action as a technician and wait for a run or a device command to
// finish. A test class derives from QObject and CalibrationRig and starts its own simulators.
#include "calibration/calibrationservice.h"
#include "calibration/profilestore.h"
#include "devices/deviceservice.h"
#include "store/database.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QJsonObject>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

namespace opswall::calibration::test {

inline constexpr int kWaitMs = 30000;
inline const Caller kTech{"tech1", Role::Technician, "local", "test"};

// rows x cols of the demo's 55-inch panels (1209.6 x 680.4 mm active), no bezels, one output.
inline wall::Wall panelGrid(int rows, int cols, const QString &name) {
    wall::GridSpec grid;
    grid.rows = rows;
    grid.cols = cols;
    grid.activeMm = QSizeF(1209.6, 680.4);
    return wall::makeGrid(grid, name);
}

// A display behind a simulator's TCP port on this machine, set ID 1.
inline devices::DeviceBinding tcpPanel(const QString &displayId, drivers::ProtocolKind protocol,
                                       quint16 port) {
    devices::DeviceBinding b;
    b.displayId = displayId;
    b.protocol = protocol;
    b.transport = devices::TransportKind::Tcp;
    b.host = "127.0.0.1";
    b.port = port;
    b.deviceId = 1;
    return b;
}

class CalibrationRig {
protected:
    QTemporaryDir m_dir;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<wall::WallState> m_state;
    std::unique_ptr<wall::Dispatcher> m_dispatcher;
    std::unique_ptr<devices::DeviceService> m_devices;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<CalibrationService> m_service;

    // The wall, its dispatcher and the device service with config (started); the first issue of
    // the config in words, or "" when it was taken.
    QString startRig(const wall::Wall &wall, const devices::DeviceConfig &config) {
        m_state = std::make_unique<wall::WallState>(wall);
        m_dispatcher = std::make_unique<wall::Dispatcher>(*m_state, nullptr);
        m_devices = std::make_unique<devices::DeviceService>(*m_state, *m_dispatcher);
        const QList<wall::Issue> issues = m_devices->setConfig(config);
        if (!issues.isEmpty())
            return issues.first().toString();
        m_devices->start();
        openStore();
        return {};
    }

    // The same without display control (no device service: the meter's tests).
    void startRig(const wall::Wall &wall) {
        m_state = std::make_unique<wall::WallState>(wall);
        m_dispatcher = std::make_unique<wall::Dispatcher>(*m_state, nullptr);
        openStore();
    }

    // The profile store on a new SQLite file in m_dir and the service over it all.
    void openStore() {
        m_db = std::make_unique<store::Database>(m_dir.filePath("opswall.db"));
        m_store = std::make_unique<ProfileStore>(*m_db);
        m_service = std::make_unique<CalibrationService>(*m_state, *m_dispatcher, *m_store,
                                                         m_devices.get());
    }

    // A view as the API answers it: the ones that read the store on a connection of their own
    // (CalibrationService::storeRead, a worker thread's reader in the app), the others from
    // memory (snapshot).
    QJsonObject view(const QString &what) const {
        if (const CalibrationService::StoreRead read = m_service->storeRead(what)) {
            store::Database reader(m_db->path(), store::OpenMode::ReadOnly);
            return read(reader);
        }
        return m_service->snapshot(what);
    }

    // Stops the service and the device service, then terminates the simulators.
    void stopRig(std::initializer_list<QProcess *> peers) {
        m_service.reset();
        if (m_devices)
            m_devices->stop();
        for (QProcess *p : peers)
            if (p->state() != QProcess::NotRunning) {
                p->terminate();
                p->waitForFinished(3000);
            }
    }

    ActionResult dispatch(const QString &type, const QJsonObject &params, const Caller &c = kTech) {
        return m_dispatcher->dispatch({type, params}, c);
    }

    // Dispatches a run and waits for its runFinished; {} (with a warning) when refused or late.
    QJsonObject run(const QString &type, const QJsonObject &params) {
        QSignalSpy finished(m_service.get(), &CalibrationService::runFinished);
        const ActionResult r = dispatch(type, params);
        if (!r.ok) {
            qWarning() << "refused:" << r.message;
            return {};
        }
        const qint64 id = r.data.value("runId").toInteger();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < kWaitMs) {
            for (const auto &args : finished)
                if (args.at(0).toJsonObject().value("id").toInteger() == id)
                    return args.at(0).toJsonObject();
            finished.wait(200);
        }
        qWarning() << "run" << id << "did not finish";
        return {};
    }

    // A device.command and its result per display; {} when refused or late.
    QJsonObject deviceCommand(const QJsonObject &params) {
        QSignalSpy finished(m_devices.get(), &devices::DeviceService::commandFinished);
        const ActionResult r = dispatch("device.command", params);
        if (!r.ok)
            return {};
        const quint64 id = quint64(r.data.value("requestId").toInteger());
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < kWaitMs) {
            for (const auto &args : finished)
                if (args.at(0).toULongLong() == id)
                    return args.at(1).toJsonObject();
            finished.wait(200);
        }
        return {};
    }

    // Switches every display on (the simulated panels start off and NAK picture settings while
    // off): "" when all count displays answered ok, else what went wrong.
    QString powerOnAll(int count) {
        const QJsonObject on = deviceCommand(
            {{"displays", "all"}, {"command", "power"}, {"value", "on"}, {"timeoutMs", 20000}});
        if (on.size() != count)
            return QStringLiteral("power on: %1 of %2 displays answered").arg(on.size()).arg(count);
        for (auto it = on.begin(); it != on.end(); ++it)
            if (!it.value()[QStringLiteral("ok")].toBool())
                return it.key() + QStringLiteral(": ") +
                       it.value()[QStringLiteral("error")].toString();
        return {};
    }

    // The TCP ports a simulator process announced, waiting up to 10 s for count of them.
    static QList<quint16> readyPorts(QProcess &p, int count) {
        QList<quint16> ports;
        QElapsedTimer t;
        t.start();
        while (ports.size() < count && t.elapsed() < 10000) {
            p.waitForReadyRead(200);
            ports = devices::parseSimulatorPorts(p.peek(4096));
        }
        return ports;
    }
};

} // namespace opswall::calibration::test
