// What the render-node tests share: free loopback ports and one opswall process whose output is
// kept and forwarded to stderr with its name.
#pragma once

#include "../control/freeports.h"

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

#include <cstdio>
#include <utility>

namespace nodetest {

using testports::freePort;
using testports::freePortPair;

// One opswall process. At the end of the test it is killed (SIGKILL), or asked to stop first
// (SIGTERM: a controller then stops its demo services) when made with Ending::Stop. Lines that
// contain `quiet` are kept in the log but not forwarded.
class Process {
public:
    enum class Ending { Kill, Stop };
    explicit Process(QString name, Ending ending = Ending::Kill, QByteArray quiet = {})
        : m_name(std::move(name))
        , m_ending(ending)
        , m_quiet(std::move(quiet)) {
        m_process.setProcessChannelMode(QProcess::MergedChannels);
        QObject::connect(&m_process, &QProcess::readyReadStandardOutput, &m_process, [this] {
            const QByteArray got = m_process.readAllStandardOutput();
            log += got;
            for (const QByteArray &line : got.split('\n'))
                if (!line.isEmpty() && (m_quiet.isEmpty() || !line.contains(m_quiet)))
                    std::fprintf(stderr, "[%s] %s\n", qPrintable(m_name), line.constData());
        });
    }
    ~Process() {
        if (m_ending == Ending::Stop && running()) {
            m_process.terminate();
            if (m_process.waitForFinished(10000))
                return;
        }
        kill();
    }
    Process(const Process &) = delete;
    Process &operator=(const Process &) = delete;

    void start(const QStringList &args) { startWith({}, args); }
    // opswall run by another program first (prefix: "ip netns exec NAME", which execs it, so
    // the process killed is opswall itself).
    void startWith(const QStringList &prefix, const QStringList &args) {
        log.clear();
        if (prefix.isEmpty())
            m_process.start(QStringLiteral(OPSWALL_PATH), args);
        else
            m_process.start(prefix.first(),
                            prefix.mid(1) + QStringList{QStringLiteral(OPSWALL_PATH)} + args);
    }
    void kill() {
        if (running()) {
            m_process.kill(); // SIGKILL
            m_process.waitForFinished(5000);
        }
    }
    bool running() const { return m_process.state() != QProcess::NotRunning; }
    QProcess &process() { return m_process; }
    QByteArray log;

private:
    QString m_name;
    Ending m_ending;
    QByteArray m_quiet;
    QProcess m_process;
};

} // namespace nodetest
