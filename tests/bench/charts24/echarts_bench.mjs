// The browser baseline of bench_charts24: the same 24 line charts (same series, same size, one
// new month per chart every second) as an ECharts page (npm echarts, canvas renderer, animation
// off) in a 3840x2160 viewport of Debian's headless Chromium, driven by puppeteer-core. CPU is
// measured as bench_charts24 measures itself: the CPU time of Chromium's whole process tree over
// the wall time, in % of one core. Prints one JSON object on stdout.
// Exit 0 = measured, 77 = skipped (no Chromium or npm peers; the reason on stderr), 1 = failed.
//
// env: PEERS_DIR (holds node_modules), CHROMIUM, DATA (the series as JSON: [{name, points: [[t,
// v], ...]}]), SECONDS (measured seconds, default 10)
import { createRequire } from "node:module";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { execFileSync } from "node:child_process";
import path from "node:path";

const env = process.env;
const chromium = env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromium)) {
  console.error(`SKIP: no Chromium at ${chromium}`);
  process.exit(77);
}
const require = createRequire(path.join(env.PEERS_DIR || ".", "node_modules", "x.js"));
let puppeteer, echartsPath;
try {
  puppeteer = require("puppeteer-core");
  echartsPath = require.resolve("echarts/dist/echarts.min.js");
} catch (e) {
  console.error(`SKIP: puppeteer-core or echarts is not installed in ${env.PEERS_DIR}: ${e.message}`);
  process.exit(77);
}
const series = JSON.parse(readFileSync(env.DATA, "utf8"));
const seconds = Number(env.SECONDS || 10);
const ticks = Number(execFileSync("getconf", ["CLK_TCK"]).toString().trim()) || 100;

// CPU seconds of a process and all its descendants (living), plus what the root reaped.
function treeCpu(root) {
  const parent = new Map(), cpu = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited meanwhile
    }
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // f[0] is field 3 (state): ppid is field 4, utime 14, stime 15, cutime 16, cstime 17.
    parent.set(Number(name), Number(f[1]));
    cpu.set(Number(name), { own: Number(f[11]) + Number(f[12]), reaped: Number(f[13]) + Number(f[14]) });
  }
  const inTree = (pid) => {
    for (let p = pid, n = 0; p > 1 && n < 64; p = parent.get(p), ++n) if (p === root) return true;
    return false;
  };
  let total = cpu.get(root)?.reaped ?? 0;
  for (const [pid, c] of cpu) if (inTree(pid)) total += c.own;
  return total / ticks;
}

const page_html = `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; background: #000; }
#grid { display: grid; grid-template-columns: repeat(6, 640px); grid-auto-rows: 540px; }
#grid div { width: 640px; height: 540px; }
</style></head><body><div id="grid"></div></body></html>`;

const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
         "--window-size=3840,2160"],
});
let code = 0;
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 3840, height: 2160, deviceScaleFactor: 1 });
  page.on("pageerror", (e) => console.error("page error:", e.message));
  await page.setContent(page_html, { waitUntil: "load" });
  await page.addScriptTag({ path: echartsPath });
  await page.evaluate((series) => {
    const grid = document.getElementById("grid");
    window.charts = series.map((s) => {
      const div = document.createElement("div");
      grid.appendChild(div);
      const chart = echarts.init(div, null, { renderer: "canvas" });
      const data = s.points.slice(-120);
      chart.setOption({
        animation: false,
        backgroundColor: "#10243a",
        title: { text: s.name, left: "center", textStyle: { color: "#fff", fontSize: 22 } },
        grid: { left: 90, right: 40, top: 60, bottom: 50 },
        xAxis: { type: "time", axisLabel: { color: "#c8d6e5", fontSize: 20, formatter: "{MM}/{yyyy}" },
                 splitLine: { show: true, lineStyle: { color: "#2c445e" } } },
        yAxis: { type: "value", scale: true, axisLabel: { color: "#c8d6e5", fontSize: 20 },
                 splitLine: { lineStyle: { color: "#2c445e" } } },
        series: [{ type: "line", data, showSymbol: false, lineStyle: { width: 3, color: "#4ea1ff" } }],
      });
      return { chart, data };
    });
    // One new month for every series each second, the value 1 % above the last (as the wall's
    // benchmark), drawn with setOption as an ECharts page updates its data.
    let month = 0;
    window.updates = 0;
    window.tick = setInterval(() => {
      const t = Date.UTC(2025 + Math.floor(month / 12), month % 12, 1);
      ++month;
      for (const c of window.charts) {
        c.data.push([t, c.data[c.data.length - 1][1] * 1.01]);
        if (c.data.length > 120) c.data.shift();
        c.chart.setOption({ series: [{ data: c.data }] });
      }
      ++window.updates;
    }, 1000);
  }, series);
  const pid = browser.process().pid;
  await new Promise((r) => setTimeout(r, 1500)); // first frames settle
  const cpu0 = treeCpu(pid), t0 = performance.now(), u0 = await page.evaluate(() => window.updates);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu1 = treeCpu(pid), t1 = performance.now(), u1 = await page.evaluate(() => window.updates);
  const wall = (t1 - t0) / 1000;
  console.log(JSON.stringify({
    browser_cpu_percent: (100 * (cpu1 - cpu0)) / wall,
    browser_seconds: wall,
    browser_updates: u1 - u0,
    browser_version: await browser.version(),
    echarts_version: JSON.parse(readFileSync(path.join(path.dirname(echartsPath), "..", "package.json"))).version,
  }));
} catch (e) {
  console.error(e.stack || String(e));
  code = 1;
} finally {
  await browser.close();
}
process.exit(code);
