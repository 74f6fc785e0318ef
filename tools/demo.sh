#!/usr/bin/env bash
# Installs what is missing, builds OpsWall and starts the demo wall.
#   tools/demo.sh [opswall options...]     e.g. tools/demo.sh --preview --lang en
#   tools/demo.sh --console [--lang en]    the wall and, beside it, the operator console logged in
#                                           as an operator (a token made with the admin token)
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

console=0
args=()
lang=vi
prev=""
for a in "$@"; do
  if [ "$a" = "--console" ]; then console=1; else args+=("$a"); fi
  [ "$prev" = "--lang" ] && lang="$a"
  prev="$a"
done

if [ "$console" = 1 ]; then
  # A fresh demo database each run, so the first-start admin token file is there to read (the wall
  # removes it after its first use); the API on a free loopback port, so a second demo or a test
  # run on this machine does not collide (the line protocol takes the next port).
  state="build/ci/demo-console"
  rm -rf "$state"
  mkdir -p "$state"
  port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  url="http://127.0.0.1:$port"
  platform=()
  if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then platform=(-platform offscreen); fi
  build/ci/app/opswall --demo --db "$state/opswall.db" --admin-token-file "$state/admin-token" \
    --api "127.0.0.1:$port" "${platform[@]}" "${args[@]}" &
  wall=$!
  trap 'kill "$wall" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    [ -s "$state/admin-token" ] && curl -fs "$url/api/v1/health" >/dev/null 2>&1 && break
    sleep 0.2
  done
  # A fresh operator token for this run, made with the admin token over the API (the wall removes
  # the first-start token file once the token is used: keep it for the next call).
  admin=$(cat "$state/admin-token")
  (umask 077 && build/ci/wallctl/wallctl token create --role operator \
    --name "console-operator-$(date +%s)" --url "$url" --token "$admin" \
    >"$state/operator-token")
  # The simulated displays start switched off, as panels do: switch them on, as the morning
  # schedule would, so that the console's miniature shows the wall's picture (an off display is
  # drawn black there); then give the wall one poll (3 s) to report it.
  curl -fs -X POST -H "Authorization: Bearer $admin" -H "Content-Type: application/json" \
    -d '{"command": "power", "args": {"value": "on"}}' "$url/api/v1/devices/all/commands" \
    >/dev/null || echo "demo: could not switch the simulated displays on"
  sleep 4
  if [ "${#platform[@]}" -gt 0 ]; then
    echo "demo: no display found; rendering the console to demo-console.png (open it to look)"
    build/ci/app/console/opswall-console --url "$url" --token-file "$state/operator-token" \
      --lang "$lang" --screenshot demo-console.png "${platform[@]}"
    exit $?
  fi
  build/ci/app/console/opswall-console --url "$url" --token-file "$state/operator-token" --lang "$lang"
  exit $?
fi

if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: no display found; rendering the preview to demo-wall.png (open it to look)"
  exec build/ci/app/opswall --demo --screenshot demo-wall.png -platform offscreen "$@"
fi
exec build/ci/app/opswall --demo "$@"
