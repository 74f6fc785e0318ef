// Benchmark (label bench): how long a technician waits for "calibrate read" (every picture
// setting of every display, plus firmware) and "calibrate apply" (a profile of 8 settings, then
// the read-back) on a wall of 100 displays, against one display alone, through the real path:
// CalibrationService -> DeviceService (one io thread, one link per display, the protocol's own
// timing: MDC 50 ms between exchanges) -> 100 MDC simulators on loopback TCP (one process).
// Prints the median of 3 runs of each; the one-display figures are the same-run baseline.
#include "calibration/calibrationservice.h"
#include "calibration/profilestore.h"
#include "calibrationrig.h"
#include "devices/deviceservice.h"
#include "store/database.h"
#include "wall/dispatcher.h"
#include "wall/wallstate.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

using namespace opswall;
using namespace opswall::calibration;
using namespace opswall::devices;

namespace {
const Caller kTech{"bench", Role::Technician, "local", "bench"};
constexpr int kDisplays = 100;
} // namespace

class BenchCalibration : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir;
    QProcess m_sims;
    std::unique_ptr<store::Database> m_db;
    std::unique_ptr<wall::WallState> m_state;
    std::unique_ptr<wall::Dispatcher> m_dispatcher;
    std::unique_ptr<DeviceService> m_devices;
    std::unique_ptr<ProfileStore> m_store;
    std::unique_ptr<CalibrationService> m_service;
    QStringList m_ids;

    // Milliseconds from dispatch to runFinished; -1 when it failed.
    qint64 timeRun(const QString &type, const QJsonValue &displays, bool *allOk) {
        QSignalSpy finished(m_service.get(), &CalibrationService::runFinished);
        QElapsedTimer t;
        t.start();
        const ActionResult r =
            m_dispatcher->dispatch({type, {{"displays", displays}, {"timeoutMs", 120000}}}, kTech);
        if (!r.ok) {
            qWarning() << r.message;
            return -1;
        }
        if (!finished.wait(150000))
            return -1;
        const qint64 ms = t.elapsed();
        *allOk = finished.first().first().toJsonObject().value("ok").toBool();
        return ms;
    }

    qint64 median(const QString &type, const QJsonValue &displays) {
        QList<qint64> runs;
        for (int i = 0; i < 3; ++i) {
            bool ok = false;
            const qint64 ms = timeRun(type, displays, &ok);
            if (ms < 0 || !ok)
                return -1;
            runs.append(ms);
        }
        std::sort(runs.begin(), runs.end());
        return runs[1];
    }

private Q_SLOTS:
    void initTestCase() {
        const QString sim = qEnvironmentVariable("OPSWALL_DISPLAY_SIM");
        if (sim.isEmpty())
            QSKIP("OPSWALL_DISPLAY_SIM is not set");
        m_sims.start(sim,
                     {"--protocol", "mdc", "--tcp", "0", "--count", QString::number(kDisplays)});
        QVERIFY(m_sims.waitForStarted());
        QList<quint16> ports;
        for (QElapsedTimer t; !t.isValid() || (ports.size() < kDisplays && t.elapsed() < 20000);) {
            if (!t.isValid())
                t.start();
            m_sims.waitForReadyRead(200);
            ports = parseSimulatorPorts(m_sims.peek(1 << 16));
        }
        QCOMPARE(ports.size(), kDisplays);
        m_state = std::make_unique<wall::WallState>(test::panelGrid(10, 10, "bench"));
        for (const wall::Display &d : m_state->wall().displays)
            m_ids.append(d.id);
        m_dispatcher = std::make_unique<wall::Dispatcher>(*m_state, nullptr);
        m_devices = std::make_unique<DeviceService>(*m_state, *m_dispatcher);
        DeviceConfig config = demoDeviceConfig(ports, m_ids);
        config.powerSchedule.clear();
        config.pollIntervalMs = 600000; // one poll round at start, none while measuring
        QVERIFY(m_devices->setConfig(config).isEmpty());
        m_devices->start();
        m_db = std::make_unique<store::Database>(m_dir.filePath("bench.db"));
        m_store = std::make_unique<ProfileStore>(*m_db);
        m_service = std::make_unique<CalibrationService>(*m_state, *m_dispatcher, *m_store,
                                                         m_devices.get());
        QSignalSpy done(m_devices.get(), &DeviceService::commandFinished);
        QVERIFY(m_dispatcher
                    ->dispatch({"device.command",
                                {{"displays", "all"},
                                 {"command", "power"},
                                 {"value", "on"},
                                 {"timeoutMs", 60000}}},
                               kTech)
                    .ok);
        QVERIFY(done.wait(70000));
        QVERIFY(m_dispatcher
                    ->dispatch({"calibration.set",
                                {{"displays", "all"},
                                 {"settings", QJsonObject{{"pictureMode", "standard"},
                                                          {"colourTemperature", 6500},
                                                          {"backlight", 45},
                                                          {"brightness", 50},
                                                          {"contrast", 70},
                                                          {"bezelCompensation", true}}}}},
                               kTech)
                    .ok);
        QTest::qWait(1000); // let the start-up poll round finish
    }

    void cleanupTestCase() {
        m_service.reset();
        if (m_devices)
            m_devices->stop();
        m_sims.terminate();
        m_sims.waitForFinished(3000);
    }

    void readAndApply() {
        const qint64 readOne = median("calibration.read", QJsonArray{m_ids.first()});
        const qint64 readAll = median("calibration.read", QJsonValue("all"));
        const qint64 applyOne = median("calibration.apply", QJsonArray{m_ids.first()});
        const qint64 applyAll = median("calibration.apply", QJsonValue("all"));
        QVERIFY(readOne > 0 && readAll > 0 && applyOne > 0 && applyAll > 0);
        std::printf(
            "BENCH calibration read-back (10 settings + firmware a display, MDC, 50 ms gap): "
            "1 display %lld ms, %d displays %lld ms (x%.1f)\n",
            static_cast<long long>(readOne), kDisplays, static_cast<long long>(readAll),
            double(readAll) / double(readOne));
        std::printf("BENCH calibration apply (6 settings + read-back a display): "
                    "1 display %lld ms, %d displays %lld ms (x%.1f)\n",
                    static_cast<long long>(applyOne), kDisplays, static_cast<long long>(applyAll),
                    double(applyAll) / double(applyOne));
        std::fflush(stdout);
    }
};

QTEST_GUILESS_MAIN(BenchCalibration)
#include "bench_calibration.moc"
