#pragma once
// CPU time spent, in milliseconds: what a piece of work costs on a shared machine, where the wall
// clock also counts the time other processes ran (the tile model's build stretches, the map
// renderer's figures, the benchmarks).
#include <ctime>

namespace opswall::core {

// The calling thread's CPU time.
inline double threadCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

// The whole process's CPU time (every thread).
inline double processCpuMs() {
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return double(ts.tv_sec) * 1e3 + double(ts.tv_nsec) / 1e6;
}

} // namespace opswall::core
