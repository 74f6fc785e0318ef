// Shared by the store's own files (database*.cpp, storethread.cpp), not part of its API.
#pragma once

namespace opswall::store {

// This thread's connection no longer waits for a lock another connection of this process holds
// (database_write.cpp counts the waiters for the store thread).
void doneWaiting();
// For the store thread, before each job: while a connection of this process waits for the lock
// the writer just let go (at most maxMs), let it take it first.
void waitForOwnWaiters(int maxMs);
// Counts (and with OPSWALL_LOG_GUI_THREAD_SQL=1 logs) a wait on the disk when the calling thread
// is the GUI thread (guithreadwaits.h); what names the wait.
void noteGuiThreadWait(const char *what);
// The trace callback of every connection (SQLITE_TRACE_STMT): noteGuiThreadWait for each
// statement started (not a trigger's).
int onTrace(unsigned type, void *context, void *statement, void *sql);

} // namespace opswall::store
