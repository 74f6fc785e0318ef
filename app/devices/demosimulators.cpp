#include "devices/demosimulators.h"

#include "core/childprocess.h"
#include "devices/bindings.h"

#include <QDeadlineTimer>

namespace opswall::devices {

DemoSimulators::~DemoSimulators() {
    stop();
}

bool DemoSimulators::start(const QString &program, int count, int timeoutMs,
                           const QStringList &extraArguments) {
    stop();
    m_ports.clear();
    m_error.clear();
    m_process.setProcessChannelMode(QProcess::SeparateChannels);
    core::endWithThisProcess(m_process);
    m_process.start(program, QStringList{QStringLiteral("--protocol"), QStringLiteral("mdc"),
                                         QStringLiteral("--tcp"), QStringLiteral("0"),
                                         QStringLiteral("--count"), QString::number(count)} +
                                 extraArguments);
    const QDeadlineTimer deadline(timeoutMs);
    if (!m_process.waitForStarted(int(deadline.remainingTime()))) {
        m_error = QStringLiteral("cannot start %1: %2").arg(program, m_process.errorString());
        return false;
    }
    QByteArray output;
    while (m_ports.size() < count) {
        if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
            break;
        m_process.waitForReadyRead(int(std::max<qint64>(1, deadline.remainingTime())));
        output += m_process.readAllStandardOutput();
        m_ports = parseSimulatorPorts(output);
    }
    if (m_ports.size() < count) {
        const QString why = QString::fromLocal8Bit(m_process.readAllStandardError()).trimmed();
        m_error = QStringLiteral("%1 reported %2 of %3 displays ready within %4 ms%5")
                      .arg(program)
                      .arg(m_ports.size())
                      .arg(count)
                      .arg(timeoutMs)
                      .arg(why.isEmpty() ? QString() : QStringLiteral(": ") + why);
        stop();
        return false;
    }
    return true;
}

void DemoSimulators::stop(int timeoutMs) {
    if (m_process.state() == QProcess::NotRunning)
        return;
    const QDeadlineTimer deadline(timeoutMs);
    m_process.terminate(); // SIGTERM: the simulator closes its sockets and exits
    if (!m_process.waitForFinished(int(std::max<qint64>(1, deadline.remainingTime() / 2)))) {
        m_process.kill();
        m_process.waitForFinished(int(std::max<qint64>(1, deadline.remainingTime())));
    }
}

} // namespace opswall::devices
