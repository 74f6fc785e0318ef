// Benchmark (label bench): 24 line-chart tiles updating at 1 Hz in a 4K window, CPU % of one core,
// against the same tiles drawn by Qt Charts and the same charts as an ECharts page in headless
// Chromium (tests/bench/charts24.h). bench_wall runs it too and adds its figures to its JSON.
// Usage: bench_charts24 [--seconds N] [--json]      (--variant wall|qtcharts: one child run)
//        bench_charts24 --feed-update [--json]       (one indicator update on the overview preset)
#include "charts24.h"

int main(int argc, char **argv) {
    return opswall::bench::charts24Main(argc, argv);
}
