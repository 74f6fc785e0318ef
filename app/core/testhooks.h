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
// - OPSWALL_TEST_NODE_STALL_MS=MS: nodeLayoutApplied(), shell::applyLayout; tst_nodes_liveness.
//
// Two more stay with the layer they fake, outside this module (they are read there, in every
// build): OPSWALL_TEST_FSYNC_DELAY_MS / OPSWALL_TEST_FSYNC_DELAY_WHILE (a slow disk,
// app/store/database_testvfs.cpp) and OPSWALL_TEST_STALL_BEFORE_AUDIT (app/wall/dispatcher.cpp).
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

} // namespace opswall::testhooks
