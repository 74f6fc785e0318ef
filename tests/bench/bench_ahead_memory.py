#!/usr/bin/env python3
"""What building ahead the most recalled presets (--ahead-recent N) costs in memory.

The demo wall (opswall --demo, offscreen, software scene graph) with ten presets like the
demo's own (the overview's and the public investment's tiles: text, clock, KPI, chart, map,
projects; no video, which is never built ahead), each recalled a different number of times, so
that the most recalled are presets 1, 2, 3, ... and the live one (the last recalled) is the least.
Then the same store is started again with --ahead-recent 0, 3 and 8 in turn, interleaved over
rounds (each run from a copy of the store: the same history), and the process's resident memory
is sampled: steady (the median of the last samples, after the tiles built ahead are built) and
peak (VmHWM). A benchmark: it prints figures and the differences against 0 in the same round;
it asserts nothing about them.

usage: bench_ahead_memory.py OPSWALL [--rounds R] [--settle S] [--counts 0,3,8] [--without KIND,..]
"""

import argparse
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
DEMO = os.path.join(HERE, "..", "..", "assets", "demo", "presets")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kib(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


class Wall:
    def __init__(self, opswall, db, ahead_recent, folder):
        self.port = free_port()
        self.token_file = os.path.join(folder, "admin-token")
        self.log = open(os.path.join(folder, f"opswall-{ahead_recent}.log"), "w")
        args = [opswall, "--demo", "--db", db, "--api", f"127.0.0.1:{self.port}",
                "--admin-token-file", self.token_file, "--ahead-recent", str(ahead_recent),
                "--lang", "en", "-platform", "offscreen"]
        env = dict(os.environ, QT_QUICK_BACKEND="software")
        self.proc = subprocess.Popen(args, stdout=self.log, stderr=subprocess.STDOUT, env=env)
        self.token = None

    def wait_up(self, token=None):
        deadline = time.time() + 90
        while time.time() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"opswall stopped (status {self.proc.returncode}); see {self.log.name}")
            if token is None and os.path.exists(self.token_file):
                with open(self.token_file) as f:
                    token = f.read().strip() or None
            if token:
                try:
                    self.token = token
                    self.api("GET", "/layout")
                    return token
                except OSError:
                    pass
            time.sleep(0.2)
        raise SystemExit("opswall did not start")

    def api(self, method, path, body=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/api/v1{path}", method=method,
            data=json.dumps(body).encode() if body is not None else None,
            headers={"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"{}")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.close()


def presets(without=()):
    """Ten layouts of the demo's kinds (less those without), every tile its own (ids suffixed):
    none shares a tile."""
    bases = []
    for name in ("1-overview.json", "2-public-investment.json"):
        with open(os.path.join(DEMO, name)) as f:
            bases.append(json.load(f))
    out = []
    for i in range(10):
        base = bases[i % 2]
        tiles = []
        for t in base["tiles"]:
            if t["kind"] == "video" or t["kind"] in without:
                continue
            t = dict(t, id=f"{t['id']}-{i}")
            tiles.append(t)
        out.append(dict(base, name=f"ahead bench {i + 1}", tiles=tiles))
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("opswall")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--settle", type=float, default=30.0, help="seconds sampled per run")
    p.add_argument("--counts", default="0,3,8")
    p.add_argument("--without", default="", help="tile kinds left out of the presets (map,chart)")
    p.add_argument("--json", action="store_true")
    a = p.parse_args()
    counts = [int(c) for c in a.counts.split(",")]
    folder = tempfile.mkdtemp(prefix="bench-ahead-")
    seed = os.path.join(folder, "seed.db")

    # The store: ten presets, preset k recalled 11 - k times (1 the most), 10 last (live).
    w = Wall(a.opswall, seed, 0, folder)
    token = w.wait_up()
    layouts = presets([k for k in a.without.split(",") if k])
    ids = [w.api("POST", "/layouts", {"name": l["name"], "layout": l})["id"] for l in layouts]
    tiles = [len(l["tiles"]) for l in layouts]
    for k, pid in enumerate(ids):
        for _ in range(len(ids) - k):
            w.api("POST", f"/presets/{pid}/recall")
    w.stop()
    print(f"presets: {len(ids)} of {tiles} tiles (no video); the live one recalled least",
          flush=True)

    results = {n: {"steady": [], "peak": []} for n in counts}
    for r in range(a.rounds):
        for n in counts:
            db = os.path.join(folder, f"run-{r}-{n}.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(seed + suffix):
                    shutil.copy(seed + suffix, db + suffix)
            w = Wall(a.opswall, db, n, folder)
            w.wait_up(token)
            samples = []
            start = time.time()
            while time.time() - start < a.settle:
                samples.append(kib(w.proc.pid, "VmRSS"))
                time.sleep(0.5)
            steady = statistics.median(samples[-10:]) / 1024
            peak = kib(w.proc.pid, "VmHWM") / 1024
            w.stop()
            results[n]["steady"].append(steady)
            results[n]["peak"].append(peak)
            print(f"round {r + 1} --ahead-recent {n}: steady {steady:6.1f} MiB  peak {peak:6.1f} MiB",
                  flush=True)

    print("\n--ahead-recent   steady RSS (MiB)        peak RSS (MiB)        steady - off (same round)")
    base = results[counts[0]]
    summary = {}
    for n in counts:
        s, pk = results[n]["steady"], results[n]["peak"]
        d = [x - y for x, y in zip(s, base["steady"])]
        dp = [x - y for x, y in zip(pk, base["peak"])]
        summary[n] = {"steady_mib": [min(s), max(s)], "peak_mib": [min(pk), max(pk)],
                      "steady_minus_off_mib": [min(d), max(d)],
                      "peak_minus_off_mib": [min(dp), max(dp)]}
        print(f"{n:>14}   {min(s):6.1f}-{max(s):6.1f}         {min(pk):6.1f}-{max(pk):6.1f}"
              f"         {min(d):+6.1f} to {max(d):+6.1f} (peak {min(dp):+6.1f} to {max(dp):+6.1f})")
    if a.json:
        print(json.dumps({"presets_tiles": tiles, "rounds": a.rounds, "by_ahead_recent": summary}))
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
