#pragma once
// The demo's simulated displays: runs `opswall-display-sim --protocol mdc --tcp 0 --count N` as
// a child process, reads the "ready tcp 127.0.0.1:PORT" lines, and stops it (terminate, then
// kill, each wait bounded) on stop() or destruction. The program path is the caller's business
// (next to the opswall binary in an install, the build tree in tests).
#include <QList>
#include <QProcess>
#include <QString>

namespace opswall::devices {

class DemoSimulators {
public:
    DemoSimulators() = default;
    ~DemoSimulators();
    DemoSimulators(const DemoSimulators &) = delete;
    DemoSimulators &operator=(const DemoSimulators &) = delete;

    // Starts the simulator and waits (at most timeoutMs) for one ready line per display.
    // Returns false, with error() saying why, when the program is missing or does not get ready.
    bool start(const QString &program, int count = 12, int timeoutMs = 5000,
               const QStringList &extraArguments = {});
    void stop(int timeoutMs = 2000);
    bool isRunning() const { return m_process.state() != QProcess::NotRunning; }

    const QList<quint16> &ports() const { return m_ports; }
    const QString &error() const { return m_error; }
    qint64 processId() const { return m_process.processId(); }

private:
    QProcess m_process;
    QList<quint16> m_ports;
    QString m_error;
};

} // namespace opswall::devices
