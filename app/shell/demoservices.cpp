#include "shell/demoservices.h"

#include "core/childprocess.h"
#include <QCoreApplication>
#include <QElapsedTimer>

#include <QFileInfo>

namespace opswall::shell {

DemoServices::~DemoServices() {
    stopAll();
}

QString DemoServices::findProgram(const QString &name, const QString &buildPath) {
    const QString beside = QCoreApplication::applicationDirPath() + QLatin1Char('/') + name;
    if (QFileInfo(beside).isExecutable())
        return beside;
    // Installed: /usr/libexec/opswall beside /usr/bin (the opswall-demo package).
    const QString libexec =
        QCoreApplication::applicationDirPath() + QStringLiteral("/../libexec/opswall/") + name;
    if (QFileInfo(libexec).isExecutable())
        return libexec;
    if (!buildPath.isEmpty() && QFileInfo(buildPath).isExecutable())
        return buildPath;
    return {};
}

std::optional<QStringList> DemoServices::start(const QString &name, const QString &program,
                                               const QStringList &args,
                                               const QRegularExpression &ready, int count,
                                               int timeoutMs) {
    if (program.isEmpty()) {
        m_error = QStringLiteral("%1: the program is not built").arg(name);
        return std::nullopt;
    }
    auto p = std::make_unique<QProcess>();
    p->setProcessChannelMode(QProcess::SeparateChannels);
    core::endWithThisProcess(*p);
    p->start(program, args);
    if (!p->waitForStarted(3000)) {
        m_error = QStringLiteral("%1: cannot start %2: %3").arg(name, program, p->errorString());
        return std::nullopt;
    }
    QStringList found;
    QElapsedTimer clock;
    clock.start();
    QByteArray pending;
    while (found.size() < count) {
        const qint64 left = timeoutMs - clock.elapsed();
        if (left <= 0 || p->state() != QProcess::Running) {
            m_error = QStringLiteral("%1 did not become ready within %2 ms: %3")
                          .arg(name)
                          .arg(timeoutMs)
                          .arg(QString::fromLocal8Bit(p->readAllStandardError()).trimmed());
            p->kill();
            p->waitForFinished(2000);
            return std::nullopt;
        }
        p->waitForReadyRead(int(std::min<qint64>(left, 200)));
        pending += p->readAllStandardOutput();
        qsizetype nl;
        while ((nl = pending.indexOf('\n')) >= 0) {
            const QString line = QString::fromUtf8(pending.left(nl)).trimmed();
            pending.remove(0, nl + 1);
            if (const auto m = ready.match(line); m.hasMatch())
                found.append(m.captured(1));
        }
    }
    m_processes.push_back(std::move(p));
    return found;
}

void DemoServices::stopAll() {
    // Bounded: ask politely, then kill; never wait more than two seconds per service.
    for (auto &p : m_processes)
        p->terminate();
    for (auto &p : m_processes)
        if (!p->waitForFinished(2000)) {
            p->kill();
            p->waitForFinished(1000);
        }
    m_processes.clear();
}

} // namespace opswall::shell
