// Benchmark: powering on 100 simulated displays on TCP (each its own persistent link, the MDC
// default timing, the simulator answering after a 20 ms "panel" latency) with one fan-out.
// Baseline, measured in the same run: one display's round trip on its already open link. Also
// printed: the fan-out started while every link is still inside the protocol's gap after its
// previous exchange (it must wait the gap out), and the same 100 commands one by one. Prints
// figures and ratios; asserts nothing on time.
#include "fanout.h"
#include "wall_rig.h"

#include <algorithm>

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

// Runs io for a while: lets every link's gap after its last exchange pass.
void idle(asio::io_context &io, milliseconds ms) {
    const auto until = steady_clock::now() + ms;
    while (steady_clock::now() < until) {
        io.run_one_for(milliseconds(2));
        if (io.stopped())
            io.restart();
    }
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0.0 : v[v.size() / 2];
}
} // namespace

int main() {
    constexpr int kDisplays = 100;
    constexpr int kPanelLatencyMs = 20;
    constexpr int kSingles = 15;
    asio::io_context io;
    LinkSettings settings; // the protocol's own timing
    Wall wall(io, ProtocolKind::Mdc, kDisplays, settings, kPanelLatencyMs);
    if (int(wall.displays.size()) != kDisplays)
        return 1;
    const int gapMs = wall.displays.front().link()->timing().gapMs;
    const auto pastGap = milliseconds(gapMs + 10);
    const auto allOff = [&] {
        for (auto &b : wall.banks)
            b->panels.begin()->second.on = false;
    };
    // Connect every link once: everything below measures commands on open links.
    int warm = 0;
    fanOutMs(io, wall.displays, Command::make(Op::PowerStatus), warm);

    // Baseline: one display's round trip on its open link, past its gap.
    std::vector<double> single;
    int okSingle = 0;
    for (int i = 0; i < kSingles; ++i) {
        allOff();
        idle(io, pastGap);
        const auto start = steady_clock::now();
        okSingle += exec(io, wall.displays[std::size_t(i)], Command::make(Op::PowerOn)).ok();
        single.push_back(duration<double, std::milli>(steady_clock::now() - start).count());
    }
    const double rt = median(single);

    // The fan-out on links that are open and past their gap (median of 5).
    std::vector<double> fans;
    int okFan = 0;
    for (int i = 0; i < 5; ++i) {
        allOff();
        idle(io, pastGap);
        int ok = 0;
        fans.push_back(fanOutMs(io, wall.displays, Command::make(Op::PowerOn), ok));
        okFan = std::min(i == 0 ? ok : okFan, ok);
    }
    const double fan = median(fans);

    // The same fan-out right after every link's previous exchange: the protocol's gap first.
    allOff();
    idle(io, pastGap);
    int okStatus = 0, okGap = 0;
    fanOutMs(io, wall.displays, Command::make(Op::PowerStatus), okStatus);
    const double inGap = fanOutMs(io, wall.displays, Command::make(Op::PowerOn), okGap);

    allOff();
    idle(io, pastGap);
    int okSeq = 0;
    const double seq = oneByOneMs(io, wall.displays, Command::make(Op::PowerOn), okSeq);

    std::printf("bench_driver_fanout: %d MDC displays on TCP, one persistent link each, panel "
                "latency %d ms, MDC gap %d ms\n",
                kDisplays, kPanelLatencyMs, gapMs);
    std::printf("  baseline: one display's round trip, open link (median of %d): %7.1f ms  "
                "(%d ok)\n",
                kSingles, rt, okSingle);
    std::printf("  fan-out to %d, links open and idle (median of 5):      %7.1f ms = %.2fx "
                "baseline  (%d ok)  [goal <= 1.2x]\n",
                kDisplays, fan, rt > 0 ? fan / rt : 0.0, okFan);
    std::printf("  fan-out to %d right after a previous command (waits the %d ms gap): %7.1f ms "
                "= %.2fx baseline, %.2fx (baseline + gap)  (%d ok)\n",
                kDisplays, gapMs, inGap, rt > 0 ? inGap / rt : 0.0, inGap / (rt + gapMs), okGap);
    std::printf("  one by one:                                             %7.1f ms = %.1fx "
                "fan-out  (%d ok)\n",
                seq, fan > 0 ? seq / fan : 0.0, okSeq);
    return okSingle == kSingles && okFan == kDisplays && okGap == kDisplays && okSeq == kDisplays &&
                   okStatus == kDisplays
               ? 0
               : 1;
}
