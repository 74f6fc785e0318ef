#include "shell/framemeter.h"

#include <QJsonArray>
#include <QQuickWindow>

#include <algorithm>

namespace opswall::shell {

FrameMeter::FrameMeter(QObject *parent)
    : QObject(parent) {
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &FrameMeter::tick);
    m_timer.start();
}

void FrameMeter::attach(QQuickWindow *window, const QString &name) {
    m_counters.insert(name, Counter{window, 0, -1});
    // frameSwapped comes from the render thread with the threaded render loop.
    connect(
        window, &QQuickWindow::frameSwapped, this, [this, name] { ++m_counters[name].frames; },
        Qt::QueuedConnection);
}

void FrameMeter::tick() {
    for (Counter &c : m_counters) {
        c.fps = c.frames;
        c.frames = 0;
    }
}

QJsonObject FrameMeter::snapshot() const {
    QJsonArray outputs;
    double slowest = -1;
    for (auto it = m_counters.cbegin(); it != m_counters.cend(); ++it) {
        if (it->fps < 0 || !it->window)
            continue;
        outputs.append(
            QJsonObject{{QStringLiteral("name"), it.key()}, {QStringLiteral("fps"), it->fps}});
        slowest = slowest < 0 ? it->fps : std::min(slowest, it->fps);
    }
    if (outputs.isEmpty())
        return {};
    return {{QStringLiteral("fps"), slowest}, {QStringLiteral("outputs"), outputs}};
}

} // namespace opswall::shell
