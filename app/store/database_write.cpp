// Writes: the busy handler that tells this process's own writers from other processes, and the
// queue of write jobs to the store thread (storethread.h).
#include "caught.h"
#include "store/database.h"

#include "store/database_p.h"
#include "store/storethread.h"

#include <QObject>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>

#include <sqlite3.h>

namespace opswall::store {

QString errorText(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception &e) {
        return QString::fromUtf8(e.what());
    } catch (...) {
        return QStringLiteral("unknown error");
    }
}

namespace {

// Connections of this process inside a write now (Database::enterWrite), for the busy handler:
// a lock held by one of them is waited for, a lock held by another process is not.
std::atomic<int> g_writersInside{0};
// Connections of this process waiting now for a lock another of them holds: the store thread lets
// them in before it starts its next job (waitForOwnWaiters), so a GUI-thread write is
// not starved by a queue of jobs.
std::atomic<int> g_ownWaiters{0};
// Whether this thread's connection is counted in g_ownWaiters (a connection is used by one
// thread; a thread waits on one lock at a time).
thread_local bool t_waitingForOwn = false;

std::int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// A write nobody waits for failed: the log says so (the caller's state stays as it was).
void logWriteFailure(const QString &path, std::exception_ptr error) {
    qWarning("opswall: store: a write to %s failed: %s", qPrintable(path),
             qPrintable(errorText(error)));
}

} // namespace

int Database::onBusy(void *self, int attempts) {
    auto *d = static_cast<Database *>(self);
    const std::int64_t now = steadyMs();
    if (attempts == 0)
        d->m_busySinceMs = now;
    // Another connection of this process writing (the store thread's writer, or the GUI
    // thread's connection while the writer waits) is a queue; anything else is another process.
    const int ownOthers = g_writersInside.load() - (d->m_writing > 0 ? 1 : 0);
    const std::int64_t limit = ownOthers > 0 ? kOwnLockWaitMs : d->m_busyTimeoutMs;
    const std::int64_t waited = now - d->m_busySinceMs;
    if (ownOthers > 0 && !t_waitingForOwn) {
        t_waitingForOwn = true;
        ++g_ownWaiters;
    }
    if (waited >= limit) {
        doneWaiting();
        return 0;
    }
    const std::int64_t step = attempts < 4 || ownOthers > 0 ? 1 : 5;
    std::this_thread::sleep_for(std::chrono::milliseconds(std::min(step, limit - waited)));
    return 1;
}

void doneWaiting() {
    if (t_waitingForOwn) {
        t_waitingForOwn = false;
        --g_ownWaiters;
    }
}

void waitForOwnWaiters(int maxMs) {
    const std::int64_t until = steadyMs() + maxMs;
    while (g_ownWaiters.load() > 0 && steadyMs() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

void Database::enterWrite() {
    if (m_writing++ == 0)
        ++g_writersInside;
}

void Database::leaveWrite() {
    if (--m_writing == 0)
        --g_writersInside;
}

void Database::writeThen(WriteJob job, std::function<void()> committed) {
    if (m_collector) {
        m_collector(std::move(job), std::move(committed)); // part of the action being applied
        return;
    }
    write(std::move(job),
          [path = m_path, committed = std::move(committed)](std::exception_ptr error) {
              if (!error) {
                  if (committed)
                      committed();
                  return;
              }
              logWriteFailure(path, error);
          });
}

void Database::write(WriteJob job) {
    if (m_collector) {
        m_collector(std::move(job), {}); // part of the action being applied
        return;
    }
    write(std::move(job), [path = m_path](std::exception_ptr error) {
        if (error)
            logWriteFailure(path, error);
    });
}

void Database::write(WriteJob job, std::function<void(std::exception_ptr)> done) {
    auto inTransaction = [job = std::move(job)](Database &on) { on.transaction([&] { job(on); }); };
    if (!m_writer) {
        const std::exception_ptr error = caught([&] { inTransaction(*this); });
        if (done)
            done(error);
        return;
    }
    if (!m_context)
        m_context = std::make_unique<QObject>();
    m_writer->post(
        std::move(inTransaction), m_context.get(),
        [done = std::move(done)](std::exception_ptr error) {
            if (done)
                done(error);
        },
        this);
}

void Database::probeWritableLater() {
    if (!m_writer) {
        probeWritable();
        return;
    }
    if (m_probing)
        return;
    m_probing = true;
    if (!m_context)
        m_context = std::make_unique<QObject>();
    // The writer's own guard and lock; its failure or success reaches this Database's status.
    m_writer->post(
        [](Database &db) {
            db.checkFreeSpace();
            db.exec("BEGIN IMMEDIATE");
            db.exec("ROLLBACK");
        },
        m_context.get(), [this](std::exception_ptr) { m_probing = false; }, this);
}

std::size_t Database::writesQueued() const {
    return m_writer ? m_writer->queued() : 0;
}

} // namespace opswall::store
