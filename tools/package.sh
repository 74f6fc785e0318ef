#!/usr/bin/env bash
# Builds the Debian packages into OUTDIR: opswall, wallctl, opswall-demo (packaging/README.md).
#   tools/package.sh OUTDIR [--version VERSION] [--no-lintian]
# Installs what is missing (tools/install-deps.sh), builds the `package` preset (build/package:
# the CI build's compiler flags, so ccache shares its objects, without the tests), runs CPack DEB
# (dependencies from dpkg-shlibdeps plus the run-time QML and GStreamer packages), then lintian.
# --version gives the packages another version than the project's (the install test's "newer
# build" uses it); lintian's verdict is printed and fails the script on an error.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() { echo "usage: tools/package.sh OUTDIR [--version VERSION] [--no-lintian]" >&2; exit 2; }
[ $# -ge 1 ] || usage
out=$1
shift
version=""
lint=1
while [ $# -gt 0 ]; do
  case "$1" in
    --version) [ $# -ge 2 ] || usage; version=$2; shift 2 ;;
    --no-lintian) lint=0; shift ;;
    *) usage ;;
  esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)

tools/install-deps.sh
export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}" CCACHE_NOHASHDIR=1
cmake --preset package >/dev/null
cmake --build --preset package

args=(-G DEB -B "$out")
[ -n "$version" ] && args+=(-D "CPACK_PACKAGE_VERSION=$version")
(cd build/package && cpack "${args[@]}")
rm -rf "$out/_CPack_Packages"

mapfile -t debs < <(ls -t "$out"/*.deb | head -n 3)
for deb in "${debs[@]}"; do
  echo "package: $deb ($(du -h "$deb" | cut -f1))"
  dpkg-deb -f "$deb" Package Version Depends | sed 's/^/  /'
done
if [ "$lint" = 1 ]; then
  echo "package: lintian (overrides and why: packaging/debian/*/lintian-overrides)"
  # Errors fail the build; warnings are printed. --suppress-tags: CPack writes no source package.
  lintian --fail-on error --no-tag-display-limit "${debs[@]}"
fi
