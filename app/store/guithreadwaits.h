#pragma once
// The proof that the GUI thread does not wait on the disk (README.md "Threads and connections").

#include <cstdint>

namespace opswall::store {

// Times the GUI thread (the thread of the QCoreApplication) waited on the disk since the process
// started: each SQL statement it ran on any connection (counted as SQLite starts it,
// sqlite3_trace_v2) and each wait for a store-thread job (StoreThread::run, Ticket::wait). Only
// start-up (migrations, the documents loaded before the first frame) should count; GET /metrics
// shows it as opswall_store_gui_thread_waits_total. With OPSWALL_LOG_GUI_THREAD_SQL=1 in the
// environment each one is logged (with its SQL), to find the one that should not be there.
std::uint64_t guiThreadWaits();

} // namespace opswall::store
