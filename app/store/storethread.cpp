#include "store/storethread.h"
#include "caught.h"

#include "store/database_p.h"

#include <QMetaObject>

#include <future>

namespace opswall::store {

void StoreThread::Ticket::wait() {
    noteGuiThreadWait("a store-thread job (Ticket::wait)");
    if (m_owner)
        m_owner->release();
    {
        std::unique_lock lock(m_mutex);
        m_ran.wait(lock, [this] { return m_finished; });
    }
    deliver();
}

bool StoreThread::Ticket::finished() const {
    const std::lock_guard lock(m_mutex);
    return m_finished;
}

void StoreThread::Ticket::deliver() {
    Done done;
    std::exception_ptr error;
    Database *health = nullptr;
    {
        const std::lock_guard lock(m_mutex);
        if (m_delivered || !m_finished)
            return;
        m_delivered = true;
        done = std::move(m_done);
        error = m_error;
        health = m_health;
    }
    if (health) {
        if (!error) {
            health->reportWriteSucceeded();
        } else {
            try {
                std::rethrow_exception(error);
            } catch (const Error &e) {
                health->reportFailure(e);
            } catch (...) { // not the store's health: the job's own problem
            }
        }
    }
    if (done)
        done(error);
}

StoreThread::StoreThread(const QString &path, Job setup) {
    std::promise<void> opened;
    std::future<void> ready = opened.get_future();
    m_thread = std::thread([this, path, setup = std::move(setup), &opened]() mutable {
        std::unique_ptr<Database> db;
        try {
            db = std::make_unique<Database>(path);
            if (setup)
                setup(*db);
        } catch (...) {
            opened.set_exception(std::current_exception());
            return;
        }
        opened.set_value();
        for (;;) {
            Entry e;
            {
                std::unique_lock lock(m_mutex);
                m_wake.wait(lock, [this] { return m_stop || (!m_held && !m_queue.empty()); });
                if (m_queue.empty())
                    break; // stopping, and every posted job ran
                e = std::move(m_queue.front());
                m_queue.pop_front();
                m_running = true;
            }
            // A GUI-thread write waiting for the lock goes first: the queue must not starve it.
            waitForOwnWaiters(200);
            const std::exception_ptr error = caught([&] { e.job(*db); });
            Job afterJob;
            {
                const std::lock_guard lock(m_mutex);
                afterJob = m_afterJob;
            }
            if (afterJob) {
                try {
                    afterJob(*db); // the hot standby: ship what the job committed, before its done
                } catch (...) {    // the hook's own failure, never the committed job's
                }
            }
            {
                const std::lock_guard lock(m_mutex);
                m_running = false;
                m_stats = db->transactionStats();
            }
            {
                const std::lock_guard lock(e.ticket->m_mutex);
                e.ticket->m_finished = true;
                e.ticket->m_error = error;
            }
            e.ticket->m_ran.notify_all();
            if (!e.hasContext)
                e.ticket->deliver(); // no context was given: done runs here
            else if (QObject *context = e.context.data())
                QMetaObject::invokeMethod(
                    context, [ticket = e.ticket] { ticket->deliver(); }, Qt::QueuedConnection);
        }
    });
    try {
        ready.get();
    } catch (...) {
        m_thread.join();
        throw;
    }
}

StoreThread::~StoreThread() {
    {
        const std::lock_guard lock(m_mutex);
        m_stop = true;
        m_held = false; // the jobs already posted run
    }
    m_wake.notify_all();
    if (m_thread.joinable())
        m_thread.join();
}

std::shared_ptr<StoreThread::Ticket> StoreThread::post(Job job, QObject *context, Done done,
                                                       Database *health) {
    auto ticket = std::make_shared<Ticket>();
    ticket->m_done = std::move(done);
    ticket->m_health = health;
    ticket->m_owner = this;
    {
        const std::lock_guard lock(m_mutex);
        m_queue.push_back({std::move(job), ticket, QPointer<QObject>(context), context != nullptr});
    }
    m_wake.notify_one();
    return ticket;
}

void StoreThread::run(const Job &job) {
    noteGuiThreadWait("a store-thread job (StoreThread::run)");
    release();
    auto ticket = post(job, nullptr, {});
    std::exception_ptr error;
    {
        std::unique_lock lock(ticket->m_mutex);
        ticket->m_ran.wait(lock, [&] { return ticket->m_finished; });
        error = ticket->m_error;
    }
    if (error)
        std::rethrow_exception(error);
}

Database::TransactionStats StoreThread::transactionStats() const {
    const std::lock_guard lock(m_mutex);
    return m_stats;
}

void StoreThread::hold() {
    const std::lock_guard lock(m_mutex);
    m_held = true;
}

void StoreThread::release() {
    {
        const std::lock_guard lock(m_mutex);
        if (!m_held)
            return;
        m_held = false;
    }
    m_wake.notify_one();
}

void StoreThread::setAfterJob(Job hook) {
    const std::lock_guard lock(m_mutex);
    m_afterJob = std::move(hook);
}

std::size_t StoreThread::queued() const {
    const std::lock_guard lock(m_mutex);
    return m_queue.size() + (m_running ? 1 : 0);
}

} // namespace opswall::store
