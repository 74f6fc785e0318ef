#!/usr/bin/env bash
# Installs what is missing, builds everything with warnings as errors, and runs the whole test
# suite through ctest (unit, integration with real peers, QML/pixel tests, fuzz replays, lint).
# Benchmarks are built but not run here: tools/bench.sh runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
# ccache: share hits between checkouts in different folders (CI clones afresh).
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake --preset ci
cmake --build --preset ci
ctest --preset ci "$@"
