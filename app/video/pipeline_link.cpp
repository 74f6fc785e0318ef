// The two ends a pipeline shares with the GUI thread: StreamLink (frames, snapshots and bus
// events handed over) and PipelineReaper (pipelines stopped and freed off the GUI thread).
#include "pipeline.h"
#include "pipeline_p.h"

#include <QMetaObject>

#include <chrono>
#include <utility>

#include <pthread.h>

namespace opswall::video {

// ───────────────────────────── StreamLink ─────────────────────────────

StreamLink::StreamLink(QObject *context, FrameWake wake, BusSink bus)
    : m_context(context)
    , m_wake(std::move(wake))
    , m_bus(std::move(bus)) {}

void StreamLink::detach() {
    std::lock_guard lock(m_mutex);
    m_context = nullptr;
    m_slot.reset();
    m_snapshot.reset();
}

void StreamLink::putFrame(Frame frame, PipelineCounters *overwrites) {
    std::lock_guard lock(m_mutex);
    if (!m_context)
        return;
    const bool wasEmpty = !m_slot.has_value();
    if (!wasEmpty && overwrites)
        overwrites->overwritten.fetch_add(1, std::memory_order_relaxed);
    m_slot = std::move(frame);
    if (wasEmpty) // one wake-up per empty→full transition; the GUI takes the newest frame
        QMetaObject::invokeMethod(m_context, m_wake, Qt::QueuedConnection);
}

std::optional<Frame> StreamLink::takeFrame() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_slot, std::nullopt);
}

void StreamLink::putSnapshot(Frame snapshot) {
    std::lock_guard lock(m_mutex);
    if (m_context)
        m_snapshot = std::move(snapshot);
}

std::optional<Frame> StreamLink::takeSnapshot() {
    std::lock_guard lock(m_mutex);
    return std::exchange(m_snapshot, std::nullopt);
}

void StreamLink::postBus(BusEvent event) {
    std::lock_guard lock(m_mutex);
    if (!m_context)
        return;
    QMetaObject::invokeMethod(
        m_context, [sink = m_bus, event = std::move(event)] { sink(event); }, Qt::QueuedConnection);
}

// ───────────────────────────── PipelineReaper ─────────────────────────────

PipelineReaper::PipelineReaper()
    : m_state(std::make_shared<State>())
    , m_thread(&PipelineReaper::run, m_state) {}

PipelineReaper::~PipelineReaper() {
    const bool drained = drain(3000);
    {
        std::lock_guard lock(m_state->mutex);
        m_state->stop = true;
    }
    m_state->wake.notify_all();
    if (drained) {
        m_thread.join();
    } else {
        qWarning("video: a pipeline did not reach NULL within 3 s; leaving it behind");
        m_thread.detach();
    }
}

void PipelineReaper::dispose(std::unique_ptr<PipelineInstance> instance) {
    if (!instance)
        return;
    {
        std::lock_guard lock(m_state->mutex);
        m_state->queue.push_back(std::move(instance));
    }
    m_state->wake.notify_one();
}

bool PipelineReaper::drain(int timeoutMs) {
    std::unique_lock lock(m_state->mutex);
    return m_state->idle.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                  [this] { return m_state->queue.empty() && !m_state->busy; });
}

void PipelineReaper::run(std::shared_ptr<State> state) {
    pthread_setname_np(pthread_self(), "video-reaper");
    std::unique_lock lock(state->mutex);
    for (;;) {
        state->wake.wait(lock, [&] { return state->stop || !state->queue.empty(); });
        if (state->queue.empty())
            return; // stop requested and nothing left
        std::unique_ptr<PipelineInstance> next = std::move(state->queue.front());
        state->queue.pop_front();
        state->busy = true;
        lock.unlock();
        next.reset(); // → NULL, joins its streaming threads
        lock.lock();
        state->busy = false;
        if (state->queue.empty())
            state->idle.notify_all();
    }
}

} // namespace opswall::video
