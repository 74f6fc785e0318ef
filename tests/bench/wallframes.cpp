// bench_wall's frame measurement (wallframes.h).
#include "wallframes.h"

#include "shell/wallapplication.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QHash>
#include <QList>
#include <QMutex>
#include <QQuickWindow>
#include <QTimer>

#include <algorithm>
#include <memory>
#include <tuple>

namespace opswall::bench {

namespace {

// The longest frame of each window, from beforeSynchronizing to frameSwapped, in wall-clock time
// and in CPU time of the thread that drew it (the render thread's signals come on that thread).
// What the render threads touch is shared with their connections (as measureChange's flags are):
// a render thread may be inside one when the connections are cut (disconnect does not wait for
// it), so nothing it reads or writes may go with this object.
class FrameTimes {
public:
    explicit FrameTimes(const QList<QQuickWindow *> &windows)
        : m_state(std::make_shared<State>()) {
        m_state->clock.start();
        for (QQuickWindow *w : windows) {
            m_connections.append(QObject::connect(
                w, &QQuickWindow::beforeSynchronizing, w,
                [state = m_state, w] {
                    QMutexLocker lock(&state->mutex);
                    state->started.insert(w, {state->clock.nsecsElapsed() / 1e6, threadCpuMs()});
                },
                Qt::DirectConnection));
            m_connections.append(QObject::connect(
                w, &QQuickWindow::frameSwapped, w,
                [state = m_state, w] {
                    QMutexLocker lock(&state->mutex);
                    const auto it = state->started.constFind(w);
                    if (it == state->started.cend())
                        return;
                    state->longestMs =
                        std::max(state->longestMs, state->clock.nsecsElapsed() / 1e6 - it->first);
                    state->longestCpuMs = std::max(state->longestCpuMs, threadCpuMs() - it->second);
                },
                Qt::DirectConnection));
        }
    }
    ~FrameTimes() {
        for (const auto &c : std::as_const(m_connections))
            QObject::disconnect(c);
    }
    FrameTimes(const FrameTimes &) = delete;
    FrameTimes &operator=(const FrameTimes &) = delete;
    std::pair<double, double> longest() const {
        QMutexLocker lock(&m_state->mutex);
        return {m_state->longestMs, m_state->longestCpuMs};
    }

private:
    struct State {
        QMutex mutex;
        QElapsedTimer clock;
        QHash<QQuickWindow *, std::pair<double, double>> started;
        double longestMs = 0, longestCpuMs = 0;
    };
    std::shared_ptr<State> m_state;
    QList<QMetaObject::Connection> m_connections;
};

} // namespace

// Runs `change`, then waits until every output window has swapped a frame drawn while every tile
// was ready (WallApplication::tilesNotReady empty): the next complete frame on every output. The
// software render loop draws on the GUI thread, so a 1 ms heartbeat timer there sees every
// stretch in which no frame could be started: building QML, the dispatcher, and the drawing.
// `change` calls its argument once the change is live (the dispatcher answered); frames swapped
// before do not count.
Change measureChange(shell::WallApplication &app,
                     const std::function<void(std::function<void()> answered)> &change,
                     int timeoutMs) {
    Change r;
    QElapsedTimer clock;
    clock.start();
    qint64 lastBeat = 0, longest = 0;
    const double cpu0 = threadCpuMs();
    double lastBeatCpu = cpu0, longestCpu = 0;
    QTimer beat;
    beat.setTimerType(Qt::PreciseTimer);
    beat.setInterval(1);
    QObject::connect(&beat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const double cpu = threadCpuMs();
        longest = std::max(longest, now - lastBeat);
        longestCpu = std::max(longestCpu, cpu - lastBeatCpu);
        lastBeat = now;
        lastBeatCpu = cpu;
    });
    beat.start();
    const QList<QQuickWindow *> windows = app.windows();
    const FrameTimes frameTimes(windows);
    // A frame counts once it was synchronised after the change went live (the dispatcher
    // answered: the recall shown), not a frame of the old picture still being drawn then.
    // (Shared with the render threads' connections, so that a sync still under way when they are
    // disconnected touches nothing freed.)
    const auto live = std::make_shared<std::atomic<bool>>(false);
    const auto syncedLive = std::make_shared<std::vector<std::atomic<bool>>>(windows.size());
    QEventLoop loop;
    QSet<QQuickWindow *> pending(windows.cbegin(), windows.cend());
    QList<QMetaObject::Connection> connections;
    const auto finish = [&] {
        r.ms = clock.nsecsElapsed() / 1e6;
        r.complete = true;
        loop.quit();
    };
    for (qsizetype k = 0; k < windows.size(); ++k) {
        QQuickWindow *w = windows[k];
        const auto k_ = std::size_t(k);
        connections.append(QObject::connect(
            w, &QQuickWindow::beforeSynchronizing, w,
            [live, syncedLive, k_] {
                if (*live)
                    (*syncedLive)[k_] = true;
            },
            Qt::DirectConnection));
        connections.append(QObject::connect(w, &QQuickWindow::frameSwapped, &loop, [&, w, k_] {
            if (!(*syncedLive)[k_] || !pending.contains(w) || !app.tilesNotReady().isEmpty())
                return;
            pending.remove(w);
            if (pending.isEmpty())
                finish();
        }));
    }
    // Every window is asked for a frame once the change is live (not while the store writes: a
    // window's frame holds the GUI thread in its synchronisation, and the answer with it).
    change([&] {
        *live = true;
        r.dispatchMs = clock.nsecsElapsed() / 1e6;
        for (QQuickWindow *w : windows)
            w->update();
    });

    // Content that becomes ready without drawing anything new (an image decoded into the same
    // picture) still needs one frame after it: ask the windows still waiting for one.
    QTimer poll;
    poll.setInterval(16);
    bool readySeen = false;
    QObject::connect(&poll, &QTimer::timeout, [&] {
        if (readySeen || !*live || !app.tilesNotReady().isEmpty())
            return;
        readySeen = true;
        for (QQuickWindow *w : std::as_const(pending))
            w->update();
    });
    poll.start();
    QTimer::singleShot(timeoutMs, &loop, &QEventLoop::quit);
    if (!pending.isEmpty())
        loop.exec();
    for (const auto &c : connections)
        QObject::disconnect(c);
    if (!r.complete) {
        r.ms = clock.nsecsElapsed() / 1e6;
        qWarning("bench_wall: no complete frame within %d ms", timeoutMs);
    }
    longest = std::max(longest, clock.nsecsElapsed() - lastBeat);
    r.guiStallMs = longest / 1e6;
    r.cpuMs = threadCpuMs() - cpu0;
    r.guiStallCpuMs = std::max(longestCpu, threadCpuMs() - lastBeatCpu);
    std::tie(r.renderFrameMs, r.renderFrameCpuMs) = frameTimes.longest();
    r.longestStallMs = std::max(r.guiStallMs, r.renderFrameMs);
    r.longestStallCpuMs = std::max(r.guiStallCpuMs, r.renderFrameCpuMs);
    return r;
}

} // namespace opswall::bench
