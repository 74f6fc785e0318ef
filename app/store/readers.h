#pragma once
// Reads off the GUI thread (README.md "Threads and connections"): a worker thread of Qt's pool
// reads the file on a read-only connection of its own (WAL: it never waits for the store
// thread's writes, and the GUI thread never waits for it), and the outcome comes back by a
// queued call.

#include "store/database.h"

#include <QString>

#include <exception>
#include <functional>

class QObject;

namespace opswall::store {

// True for the paths of in-memory databases (tests), which only their one connection sees.
bool isInMemory(const QString &path);
// A read-only connection of the calling thread's own on the file at path, opened on first use
// and kept for the thread's life (one per worker thread).
Database &threadReader(const QString &path);
// Runs read on a worker thread with that thread's reader, then done on context's thread with
// what read threw (null: it went well); done is dropped when context is gone by then. An
// in-memory database is read on db here, now, and done called at once.
void readOffThread(Database &db, std::function<void(Database &)> read, QObject *context,
                   std::function<void(std::exception_ptr)> done);

} // namespace opswall::store
