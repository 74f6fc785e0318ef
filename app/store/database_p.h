// Shared by the store's own files (database*.cpp, storethread.cpp), not part of its API.
#pragma once

namespace opswall::store {

// This thread's connection no longer waits for a lock another connection of this process holds
// (database_write.cpp counts the waiters for the store thread).
void doneWaiting();
// For the store thread, before each job: while a connection of this process waits for the lock
// the writer just let go (at most maxMs), let it take it first.
void waitForOwnWaiters(int maxMs);

} // namespace opswall::store
