#pragma once
// Test-only failure injection, in one place: what the tests ask of a real opswall process (a GUI
// thread kept busy or hung, a render node that stops or stalls) through environment variables
// named OPSWALL_TEST_*. Each hook does nothing unless its variable is set, and a build with the
// CMake option OPSWALL_TEST_HOOKS=OFF compiles every hook here out (they then do nothing whatever
// the environment says). The option follows OPSWALL_BUILD_TESTS, so the Debian packages (CMake
// preset "package", no tests) carry none of them; a developer or CI build has them.
//
// The hooks (variable: function, where it is called; the tests that use it):
// - OPSWALL_TEST_GUI=busy:MS or hang:MS: installGuiLoad(), main(); tests/service/tst_app_watchdog
//   and tests/nodes/tst_nodes_liveness;
// - OPSWALL_TEST_NODE_STOP=linked: nodeLinked(), nodes::NodeClient; tst_nodes_liveness;
// - OPSWALL_TEST_NODE_STALL_MS=MS: nodeLayoutApplied(), shell::applyLayout; tst_nodes_liveness;
// - OPSWALL_TEST_FSYNC_DELAY_MS=MS and OPSWALL_TEST_FSYNC_DELAY_WHILE=FILE: slowDisk(),
//   WallApplication::openStore, which installs the store's slow-fsync VFS with it
//   (app/store/database_testvfs.cpp); tests/rendering tst_app_store_startup, tst_app_store_reads,
//   tst_app_store_thread and tests/bench bench_wall;
// - OPSWALL_TEST_STALL_BEFORE_AUDIT=FILE: beforeAuditRow(), wall::Dispatcher; tst_app_store_thread.
#include <QString>

class QObject;

namespace opswall::testhooks {

// Whether this build has the hooks (OPSWALL_TEST_HOOKS).
bool compiledIn();

// OPSWALL_TEST_GUI=busy:MS keeps the GUI thread occupied MS ms at a time (as a long synchronous
// job would), returning to its event loop 10 ms between, and says every 2 s on stderr how long
// it was occupied; hang:MS blocks the GUI thread for good after MS ms while every other thread
// runs on (a hung wall). The timers are parent's children.
void installGuiLoad(QObject *parent);

// OPSWALL_TEST_NODE_STOP=linked: the process stops itself (SIGSTOP, once), called right after
// the controller accepted a node's opening line, before its first heartbeat or report.
void nodeLinked();

// OPSWALL_TEST_NODE_STALL_MS=MS (at most 60000): holds the GUI thread MS ms, called after each
// layout a node applies from its controller (the recall of a heavy layout).
void nodeLayoutApplied();

// A slow disk: every fsync of the store fsyncDelayMs late (0: no delay), only while the file
// onlyWhile exists when it is not empty. OPSWALL_TEST_FSYNC_DELAY_MS=MS (1 .. 60000) and
// OPSWALL_TEST_FSYNC_DELAY_WHILE=FILE; store::Database::installTestVfs puts it in place.
struct SlowDisk {
    int fsyncDelayMs = 0;
    QString onlyWhile;
};
SlowDisk slowDisk();

// OPSWALL_TEST_STALL_BEFORE_AUDIT=FILE: called on the store thread inside each transaction that
// wrote a live-layout history row, before its audit row is written; the first call creates FILE
// and stops the thread there for good (the test then kills the process: a crash between the two).
void beforeAuditRow();

} // namespace opswall::testhooks
