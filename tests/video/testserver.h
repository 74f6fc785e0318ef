#pragma once
// Runs opswall-rtsp-testserver as a real peer on loopback for the video tests: start (ephemeral
// or given port), kill -9, SIGSTOP/SIGCONT, restart on the same port. Bounded waits only.

#include "../control/freeports.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QStringList>
#include <QUdpSocket>

#include <csignal>

namespace opswall::video::test {

class TestServer {
public:
    ~TestServer() { kill(); }

    // Starts the server; returns false (and says why in error()) when it does not get ready.
    bool start(QStringList args = {}, int port = 0, int timeoutMs = 5000) {
        kill();
        m_args = args;
        m_process = std::make_unique<QProcess>();
        m_process->setProcessChannelMode(QProcess::SeparateChannels);
        m_process->start(QStringLiteral(OPSWALL_RTSP_TESTSERVER),
                         QStringList{QStringLiteral("--port"), QString::number(port)} + args);
        QElapsedTimer timer;
        timer.start();
        QByteArray out;
        while (timer.elapsed() < timeoutMs) {
            m_process->waitForReadyRead(100);
            out += m_process->readAllStandardOutput();
            const QRegularExpressionMatch m =
                QRegularExpression(QStringLiteral("READY (rtsp://[^\\s]+)"))
                    .match(QString::fromUtf8(out));
            const bool srtWanted = args.contains(QStringLiteral("--srt-port"));
            if (m.hasMatch() && (!srtWanted || out.contains("READY srt://"))) {
                m_url = m.captured(1);
                m_port = m_url.section(QLatin1Char(':'), 2).section(QLatin1Char('/'), 0, 0).toInt();
                return true;
            }
            if (m_process->state() == QProcess::NotRunning)
                break;
        }
        m_error =
            QStringLiteral("test server did not start: %1 %2")
                .arg(QString::fromUtf8(out), QString::fromUtf8(m_process->readAllStandardError()));
        return false;
    }
    bool restartSamePort(int timeoutMs = 5000) { return start(m_args, m_port, timeoutMs); }

    void kill() {
        if (!m_process)
            return;
        if (m_process->state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process->processId()), SIGCONT);
            m_process->kill(); // SIGKILL
            m_process->waitForFinished(3000);
        }
        m_process.reset();
    }
    void freeze() { ::kill(pid_t(m_process->processId()), SIGSTOP); }
    void thaw() { ::kill(pid_t(m_process->processId()), SIGCONT); }

    QString url() const { return m_url; }
    qint64 pid() const { return m_process ? m_process->processId() : 0; }
    int port() const { return m_port; }
    QString error() const { return m_error; }

    // A UDP port free right now (for the SRT listener), below the ephemeral range.
    static int freeUdpPort() { return testports::freeUdpPort(); }

private:
    std::unique_ptr<QProcess> m_process;
    QStringList m_args;
    QString m_url;
    int m_port = 0;
    QString m_error;
};

} // namespace opswall::video::test
