#pragma once
// The demo's local services (DESIGN.md "The embedded default"): the feed service over real HTTP,
// an RTSP test stream, simulated displays on TCP. Each is a program of this project started as a
// child process; the demo talks to them through the same network code as production.

#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <memory>
#include <optional>

namespace opswall::shell {

class DemoServices {
public:
    DemoServices() = default;
    ~DemoServices();
    DemoServices(const DemoServices &) = delete;
    DemoServices &operator=(const DemoServices &) = delete;

    // Starts program and waits (at most timeoutMs) until `count` lines of its output match
    // `ready`; returns the first capture group of each match (e.g. the URL it serves), or nullopt
    // with error() set. The process is stopped by stopAll() or the destructor.
    std::optional<QStringList> start(const QString &name, const QString &program,
                                     const QStringList &args, const QRegularExpression &ready,
                                     int count = 1, int timeoutMs = 8000);
    void stopAll();
    QString error() const { return m_error; }

    // Finds a program of this project: next to the running executable (installed), else at the
    // path it was built to (the build tree).
    static QString findProgram(const QString &name, const QString &buildPath);

private:
    std::vector<std::unique_ptr<QProcess>> m_processes;
    QString m_error;
};

} // namespace opswall::shell
