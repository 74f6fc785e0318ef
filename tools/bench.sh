#!/usr/bin/env bash
# Builds (like tools/test.sh) and runs every benchmark; each prints its figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
ctest --test-dir build/dev -L bench --output-on-failure -V "$@"
