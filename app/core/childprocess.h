#pragma once
// Helper processes the wall starts for itself (the demo's feed service, RTSP server and display
// simulators) end with the wall, even when it is killed outright (SIGKILL, a crash): left behind
// they hold their ports and serve a wall that is not there.

#include <QProcess>

#include <csignal>
#include <sys/prctl.h>

namespace opswall::core {

// Call before p.start(). Linux sends the child SIGTERM when the thread that started it ends, so
// start such processes from the GUI thread (it lives as long as the process).
inline void endWithThisProcess(QProcess &p) {
    p.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGTERM); });
}

} // namespace opswall::core
