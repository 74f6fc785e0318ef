#!/usr/bin/env bash
# Installs what is missing, builds OpsWall and starts the demo wall.
#   tools/demo.sh [opswall options...]     e.g. tools/demo.sh --preview --lang en
# Without a display (no $DISPLAY / $WAYLAND_DISPLAY) it renders the preview offscreen to
# demo-wall.png instead of opening windows.
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install-deps.sh
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
# The same build folder as tools/test.sh, so running both commands compiles once; only what the
# demo runs is built here (opswall and its local services: the opswall-demo target), the tests
# are built by tools/test.sh.
cmake --preset ci >/dev/null
cmake --build --preset ci --target opswall-demo

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; rendering the preview to demo-wall.png (open it to look)"
  exec build/ci/app/opswall --demo --screenshot demo-wall.png -platform offscreen "$@"
fi
exec build/ci/app/opswall --demo "$@"
