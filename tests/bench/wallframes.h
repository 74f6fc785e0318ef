#pragma once
// bench_wall's measurement of one change (a recall, a feed update) to the next complete frame on
// every output: wall-clock and CPU time of the GUI thread and of the threads drawing the windows.

#include "core/cputime.h"

#include <functional>

namespace opswall::shell {
class WallApplication;
}

namespace opswall::bench {

// What one change cost, from the moment it was asked for.
struct Change {
    double ms = 0;         // to the first complete frame on every output after the recall is live
    double dispatchMs = 0; // to the dispatcher's answer (the store's writes committed)
    // The longest stretch in which an output could not show a new frame: the longer of the
    // longest stretch the GUI thread did not turn its event loop (a frame starts there) and the
    // longest frame a window took from synchronising its scene graph to swapping (on the GUI
    // thread with Qt's basic render loop, on the window's render thread with the threaded one).
    double longestStallMs = 0;
    // The same in CPU time of the thread concerned: what the wall's own work costs when the
    // machine is shared (wall-clock stretches also hold the time other processes ran).
    double cpuMs = 0; // GUI thread
    double longestStallCpuMs = 0;
    double guiStallMs = 0, guiStallCpuMs = 0;       // the GUI thread's part
    double renderFrameMs = 0, renderFrameCpuMs = 0; // the windows' frames
    bool complete = false;
};

// CPU time of the calling thread, in ms.
using core::threadCpuMs;

// Runs `change`, then waits until every output window has swapped a frame drawn while every tile
// was ready (WallApplication::tilesNotReady empty): the next complete frame on every output.
// `change` calls its argument once the change is live (the dispatcher answered); frames swapped
// before do not count.
Change measureChange(shell::WallApplication &app,
                     const std::function<void(std::function<void()> answered)> &change,
                     int timeoutMs = 60000);

} // namespace opswall::bench
