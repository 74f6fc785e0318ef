#pragma once
// The store thread: the one writer connection of the app's database, on a thread of its own, and
// a queue of write jobs in front of it (README.md "Threads and connections").
//
//   store::StoreThread writer(dbPath);          // opens the writer connection on its thread
//   guiDb.setWriter(&writer);                   // components find it through their Database
//   writer.post([row](store::Database &db) { db.transaction([&] { ... }); },
//               this, [](std::exception_ptr error) { /* back on this object's thread */ });
//
// Jobs run one after another in the order they were posted, each on the writer connection (WAL,
// synchronous=FULL, the prepared-statement cache). Completion comes back by a queued call on the
// thread of the context object, so the GUI thread never waits on the disk; a context that is gone
// by then drops the completion. wait() on a Ticket is for the few callers that must have the
// result now (start-up, the synchronous Dispatcher::dispatch): it blocks until the job ran.
//
// The writer's failures are reported to the health Database (the GUI thread's, whose status is the
// store alert), on that Database's thread, by the completion.

#include "store/database.h"

#include <QObject>
#include <QPointer>
#include <QString>

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

namespace opswall::store {

class StoreThread {
public:
    using Job = std::function<void(Database &)>;
    using Done = std::function<void(std::exception_ptr error)>; // null error: the job succeeded

    // A posted job: wait() blocks until it ran, then calls its completion here (once; the queued
    // completion that arrives later does nothing).
    class Ticket {
    public:
        void wait();
        bool finished() const;

    private:
        friend class StoreThread;
        void deliver();
        mutable std::mutex m_mutex;
        std::condition_variable m_ran;
        bool m_finished = false;
        bool m_delivered = false;
        std::exception_ptr m_error;
        Done m_done;
        Database *m_health = nullptr;
        StoreThread *m_owner = nullptr; // released by wait() (hold())
    };

    // Opens path on the new thread (the same pragmas as every Database: WAL, synchronous=FULL,
    // 0600) and runs setup there; throws Error when the file cannot be opened.
    explicit StoreThread(const QString &path, Job setup = {});
    // Runs the jobs already posted, then closes the connection and joins the thread.
    ~StoreThread();
    StoreThread(const StoreThread &) = delete;
    StoreThread &operator=(const StoreThread &) = delete;

    // Queues job; done (may be empty) is called on context's thread afterwards (on the store thread
    // when context is null; never when context is gone by then). health, when
    // given, is told about failures that mean the store is unavailable and about successes.
    std::shared_ptr<Ticket> post(Job job, QObject *context, Done done, Database *health = nullptr);
    // Runs job on the store thread and waits for it; rethrows its exception.
    void run(const Job &job);

    // Start-up (WallApplication::start): jobs posted while held wait in the queue until
    // release(), so that the GUI thread's migrations never wait for the writer's lock (held
    // across a commit's fsync). A wait for a job (run(), a Ticket's
    // wait()) and the destructor release it first: a hold never blocks a caller.
    void hold();
    void release();

    // Runs hook on the store thread after every job (also a failed one), before the job's
    // completion is delivered: the hot standby (app/nodes/README.md) ships what the job committed
    // there, so an answer given from the completion comes after the standby has it. The hook
    // handles its own failures (what it throws is dropped: the job's result stands). Empty: none.
    void setAfterJob(Job hook);

    // Jobs posted and not finished yet (for the metrics and tests).
    std::size_t queued() const;
    // The writer connection's transaction timings after the last job (for the metrics).
    Database::TransactionStats transactionStats() const;
    bool onStoreThread() const { return std::this_thread::get_id() == m_thread.get_id(); }

private:
    struct Entry {
        Job job;
        std::shared_ptr<Ticket> ticket;
        QPointer<QObject> context;
        bool hasContext = false;
    };
    void loop(const QString &path, const Job &setup);

    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Entry> m_queue;
    bool m_running = false; // a job is running now
    bool m_stop = false;
    bool m_held = false;
    Database::TransactionStats m_stats; // copied from the connection after each job
    Job m_afterJob;
    std::thread m_thread;
};

} // namespace opswall::store
