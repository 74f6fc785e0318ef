#include "shell/framemeter.h"

#include <QJsonArray>
#include <QQuickWindow>

#include <algorithm>

namespace opswall::shell {

FrameMeter::FrameMeter(QObject *parent)
    : QObject(parent) {
    m_clock.start();
    m_timer.setInterval(1000);
    connect(&m_timer, &QTimer::timeout, this, &FrameMeter::tick);
    m_timer.start();
}

void FrameMeter::attach(QQuickWindow *window, const QString &name) {
    Counter counter;
    counter.window = window;
    counter.index = int(m_counters.size());
    m_counters.insert(name, counter);
    // frameSwapped comes from the render thread with the threaded render loop.
    connect(
        window, &QQuickWindow::frameSwapped, this,
        [this, name] {
            Counter &c = m_counters[name];
            const qint64 now = m_clock.elapsed();
            if (c.frames > 0 && c.lastFrameMs >= 0)
                c.longestGapMs = std::max(c.longestGapMs, now - c.lastFrameMs);
            c.lastFrameMs = now;
            ++c.frames;
        },
        Qt::QueuedConnection);
}

void FrameMeter::tick() {
    for (Counter &c : m_counters) {
        c.fps = c.frames;
        c.frames = 0;
        c.lastLongestGapMs = c.longestGapMs;
        c.longestGapMs = -1;
    }
}

QJsonObject FrameMeter::snapshot() const {
    QJsonArray outputs;
    double slowest = -1;
    for (auto it = m_counters.cbegin(); it != m_counters.cend(); ++it) {
        if (it->fps < 0 || !it->window)
            continue;
        outputs.append(
            QJsonObject{{QStringLiteral("name"), it.key()},
                        {QStringLiteral("fps"), it->fps},
                        {QStringLiteral("index"), it->index},
                        {QStringLiteral("longestFrameMs"), double(it->lastLongestGapMs)}});
        slowest = slowest < 0 ? it->fps : std::min(slowest, it->fps);
    }
    if (outputs.isEmpty())
        return {};
    return {{QStringLiteral("fps"), slowest}, {QStringLiteral("outputs"), outputs}};
}

} // namespace opswall::shell
