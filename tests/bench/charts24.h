#pragma once
// The 24-chart benchmark (issue figures charts24_*) and the GUI-thread cost of one indicator
// update, for bench_wall and the standalone bench_charts24.
//
// charts24: 24 line-chart tiles (OpsWall.Indicators LineChartTile, 120 monthly points of real
// series each) in a 3840x2160 window, one new month for every series each second through the
// real path (store, FeedScheduler::stored, read model, the tiles' IndicatorWatch). CPU % of one
// core = process CPU time over wall time. Baselines in the same run: the same tiles drawn by Qt
// Charts' ChartView (what the wall drew before), and the same charts as an ECharts page in
// headless Chromium (tests/bench/charts24/echarts_bench.mjs; its whole process tree).

#include <QJsonObject>
#include <QStringList>

namespace opswall::shell {
class WallApplication;
}

namespace opswall::bench {

// Runs bench_charts24 (beside this executable) in child processes, one per variant, and the
// browser baseline; prints the figures and returns {charts24_cpu_percent,
// charts24_qtcharts_cpu_percent, charts24_browser_cpu_percent, charts24_browser_ratio, ...}
// (a figure that could not be measured is absent, with its reason under charts24_notes).
QJsonObject runCharts24(int seconds = 10);

// The standalone benchmark's main (bench_charts24.cpp): with --variant wall|qtcharts measures
// one variant in this process and prints its JSON; otherwise runs everything (runCharts24).
int charts24Main(int argc, char **argv);

// GUI-thread time of one indicator update on the running wall (the overview preset's tiles):
// store + merge + delivery to the bound tiles, and, as the baseline, the same update told to
// every tile with every series re-read from SQLite (what one update cost before the read
// model). Returns {feed_update_gui_ms_p50/_p95 (store + tiles), feed_update_tiles_ms_p50/_p95
// (without the SQLite write), feed_update_all_tiles_gui_ms_p50/_p95 and
// feed_update_all_tiles_ms_p50/_p95 (the baseline), feed_update_store_ms_p50}.
QJsonObject measureFeedUpdate(shell::WallApplication &app, int rounds = 30);

} // namespace opswall::bench
