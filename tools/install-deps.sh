#!/usr/bin/env bash
# Installs what OpsWall needs to build, run and test on Debian 12 (bookworm).
# Idempotent: installs only the packages that are missing. Runs apt-get through sudo when not root.
set -euo pipefail

packages=(
  # build
  build-essential cmake ninja-build ccache pkg-config git clang-format clang-14 libclang-rt-14-dev
  # Qt 6.4
  qt6-base-dev qt6-base-dev-tools qt6-declarative-dev qt6-declarative-dev-tools qt6-charts-dev
  qt6-websockets-dev qt6-l10n-tools qt6-tools-dev qt6-tools-dev-tools qt6-shadertools-dev
  qt6-remoteobjects-dev
  qml6-module-qtquick qml6-module-qtquick-window qml6-module-qtquick-layouts
  qml6-module-qtquick-controls qml6-module-qtquick-templates qml6-module-qtquick-shapes
  qml6-module-qtqml qml6-module-qtqml-workerscript qml6-module-qtqml-models qml6-module-qtcharts qml6-module-qttest qml6-module-qtquick-dialogs
  libqt6sql6-sqlite libgl-dev libegl-dev
  # GStreamer 1.22
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstrtspserver-1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x gstreamer1.0-qt6 gstreamer1.0-gl
  # video frames to RGB (app/video/frameconvert.h)
  libyuv-dev
  # drivers, store, API
  libboost-dev libboost-system-dev libsqlite3-dev sqlite3 libssl-dev openssl zlib1g-dev
  # USB button panels (Stream Deck, X-keys) through hidapi's hidraw backend
  libhidapi-dev
  # fonts for Vietnamese diacritics (bundled copy lives in assets/fonts)
  fonts-noto-core fonts-dejavu-core
  # test peers and tools
  xvfb xauth libgl1-mesa-dri socat libxml2-utils liblo-tools x11-utils
  # the forecasts' reference peer (tests/feeds/forecast_reference.py; test-only)
  python3-statsmodels
  # observability: promtool (metrics lint, alert rule tests), the Prometheus Python parser
  prometheus python3-prometheus-client
  # briefings: the presenter page in headless Chromium (puppeteer-core), the PDF record's pixels
  chromium poppler-utils
  # packages: CPack DEB's shlibdeps, lintian; the install test's clean Debian 12 root
  dpkg-dev file lintian debootstrap
  # calibration: ArgyllCMS spotread (the meter; tests run the real binary with no instrument)
  argyll
)
# Node.js for the npm protocol peers: Debian's nodejs+npm, unless a node with npm is already there
# (NodeSource's nodejs bundles npm and conflicts with Debian's npm package).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

# One dpkg-query for all of them (one call per package took 20 s on a loaded 2-core machine).
declare -A installed=()
while IFS=$'\t' read -r name status; do
  [ "$status" = "install ok installed" ] && installed["${name%%:*}"]=1
done < <(dpkg-query -W -f='${Package}\t${Status}\n' "${packages[@]}" 2>/dev/null || true)
missing=()
for p in "${packages[@]}"; do
  [ -n "${installed[$p]:-}" ] || missing+=("$p")
done

if ((${#missing[@]})); then
  echo "install-deps: installing ${#missing[@]} missing package(s): ${missing[*]}"
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: all packages present"
fi
