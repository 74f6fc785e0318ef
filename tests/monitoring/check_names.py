#!/usr/bin/env python3
"""Every metric named by the shipped alert rules and Grafana dashboard is one the wall exposes:
the families written in app/control (metrics.cpp, wallmetrics.cpp), with a histogram's _bucket,
_sum and _count. Also checks the dashboard is valid JSON with a panel per area.
usage: check_names.py APP_CONTROL_DIR RULES.yml DASHBOARD.json"""
import json
import pathlib
import re
import sys

NAME = re.compile(r"\bopswall_[a-z0-9_]+")


def main():
    control, rules, dashboard = map(pathlib.Path, sys.argv[1:4])
    source = (control / "metrics.cpp").read_text() + (control / "wallmetrics.cpp").read_text()
    known = set(NAME.findall(source))
    for name in list(known):
        known |= {name + "_bucket", name + "_sum", name + "_count"}
    errors = []
    for path, text in ((rules, rules.read_text()),):
        for name in sorted(set(NAME.findall(text))):
            if name not in known:
                errors.append("%s: unknown metric %s" % (path.name, name))
    board = json.loads(dashboard.read_text())
    exprs = []
    titles = []
    for panel in board["panels"]:
        titles.append(panel.get("title", ""))
        for target in panel.get("targets", []):
            exprs.append((panel.get("title"), target["expr"]))
    for title, expr in exprs:
        for name in NAME.findall(expr):
            if name not in known:
                errors.append("dashboard panel %r: unknown metric %s" % (title, name))
    for area in ("Feeds", "Displays", "Streams", "Outputs", "Store", "Audit"):
        if area not in titles:
            errors.append("dashboard: no %s row" % area)
    if len(exprs) < 20:
        errors.append("dashboard: only %d queries" % len(exprs))
    for e in errors:
        print(e, file=sys.stderr)
    print("checked %d rule/dashboard metric names against %d exposed" % (len(exprs), len(known)))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
