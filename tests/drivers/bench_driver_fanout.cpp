// Benchmark: powering on 100 simulated displays on TCP (each its own link, the MDC default
// timing, the simulator answering after a 20 ms "panel" latency) with one fan-out, against
// sending the same commands one by one. Prints figures and the ratio; asserts nothing on time.
#include "fanout.h"
#include "wall_rig.h"

using namespace rig;
namespace asio = boost::asio;

namespace {
double fanOutMs(asio::io_context &io, const std::vector<Display> &displays, Command c, int &ok) {
    const auto start = steady_clock::now();
    std::size_t left = 1;
    fanOut(io, displays, c, seconds(60), [&](std::vector<Result> r) {
        for (const auto &x : r)
            ok += x.ok();
        left = 0;
    });
    runUntil(io, left, seconds(90));
    return duration<double, std::milli>(steady_clock::now() - start).count();
}

double oneByOneMs(asio::io_context &io, const std::vector<Display> &displays, Command c, int &ok) {
    const auto start = steady_clock::now();
    for (const auto &d : displays)
        ok += exec(io, d, c).ok();
    return duration<double, std::milli>(steady_clock::now() - start).count();
}
} // namespace

int main() {
    constexpr int kDisplays = 100;
    constexpr int kPanelLatencyMs = 20;
    asio::io_context io;
    LinkSettings settings; // the protocol's own timing
    Wall wall(io, ProtocolKind::Mdc, kDisplays, settings, kPanelLatencyMs);
    if (int(wall.displays.size()) != kDisplays)
        return 1;
    // Warm up: connect every link once so both runs measure commands, not TCP handshakes.
    int warm = 0;
    fanOutMs(io, wall.displays, Command::make(Op::PowerStatus), warm);

    int okSeq = 0, okFan = 0;
    const double seq = oneByOneMs(io, wall.displays, Command::make(Op::PowerOn), okSeq);
    for (auto &b : wall.banks)
        b->panels.begin()->second.on = false;
    const double fan = fanOutMs(io, wall.displays, Command::make(Op::PowerOn), okFan);
    std::printf("bench_driver_fanout: %d MDC displays on TCP, panel latency %d ms\n", kDisplays,
                kPanelLatencyMs);
    std::printf("  one by one (baseline): %8.1f ms  (%d ok)\n", seq, okSeq);
    std::printf("  fan-out:               %8.1f ms  (%d ok)\n", fan, okFan);
    std::printf("  speed-up: %.1fx\n", fan > 0 ? seq / fan : 0.0);
    return okSeq == kDisplays && okFan == kDisplays ? 0 : 1;
}
