#!/usr/bin/env bash
# The install test on a clean Debian 12 root (packaging/README.md "The install test"), as root:
#   tools/package-test.sh [--debs DIR --newer-debs DIR] [--keep]
# 1. Builds the packages twice with tools/package.sh: the project's version and a newer one
#    (VERSION+pkgtest1), unless --debs/--newer-debs give them.
# 2. Makes a clean bookworm root with debootstrap (minbase; cached in
#    $OPSWALL_PACKAGE_TEST_CACHE, default /var/cache/opswall-package-test) whose only apt sources
#    are Debian's, and installs the .debs with `apt-get install ./...`: every dependency comes
#    from Debian.
# 3. In that root, in a network namespace of its own (its loopback only, so port 8470 is free):
#    opswall --help and wallctl --help from /usr/bin; `opswall --demo --screenshot` as the
#    opswall user, offscreen, with the demo services from /usr/libexec/opswall; the service's own
#    command line (from the installed unit, with /etc/opswall/opswall.env) as opswall: first start,
#    admin token, an operator token made with wallctl, an online wallctl backup, checked by
#    restore after the wall stops.
# 4. Installs the newer build over it: the database (its rows, schema version), the keys, both
#    tokens and an edited conffile are kept, and the newer wall starts on them.
# 5. Removes (state kept), then purges: /var/lib/opswall, /var/log/opswall, /etc/opswall gone.
# Measured on the 2-core build machine under load (2026-12-02): 8 min 22 s with build/package
# built, the base root and the downloaded packages cached (5 min of it is dpkg unpacking 393
# packages); the first run adds debootstrap (~2 min), 201 MB of downloads and, on a fresh clone,
# the package build (~9 min). Not part of ctest: it does not fit CI's 20 minutes beside the
# suite. Run it before a release.
set -euo pipefail
cd "$(dirname "$0")/.."
src=$PWD

keep=0
debs=""
newer=""
while [ $# -gt 0 ]; do
  case "$1" in
    --debs) debs=$(cd "$2" && pwd); shift 2 ;;
    --newer-debs) newer=$(cd "$2" && pwd); shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: tools/package-test.sh [--debs DIR --newer-debs DIR] [--keep]" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then
  echo "package-test: needs root (debootstrap, chroot, namespaces)" >&2
  exit 2
fi
command -v debootstrap >/dev/null || tools/install-deps.sh

work=$(mktemp -d /var/tmp/opswall-package-test.XXXXXX)
root=$work/root
t0=$(date +%s)
step() { echo "package-test [$(( $(date +%s) - t0 ))s]: $*"; }
fail() { echo "package-test: FAILED: $*" >&2; exit 1; }
cleanup() {
  for m in "$root/proc" "$root/dev/pts" "$root/dev" "$root/sys" "$root/var/cache/apt/archives"; do
    mountpoint -q "$m" 2>/dev/null && umount -l "$m" || true
  done
  # --one-file-system: never into a mount that failed to come off (/dev above all).
  if [ "$keep" = 1 ]; then echo "package-test: kept $work"; else rm -rf --one-file-system "$work"; fi
}
trap cleanup EXIT

# 1. The packages.
version=$(sed -n 's/^project(OpsWall VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
if [ -z "$debs" ]; then
  step "building the packages ($version)"
  tools/package.sh "$work/v1" >"$work/package-v1.log" 2>&1 || { tail -40 "$work/package-v1.log"; fail "tools/package.sh"; }
  grep -E "^package:|^  |^[EWIN]: " "$work/package-v1.log" || true
  debs=$work/v1
fi
if [ -z "$newer" ]; then
  step "building the newer packages (${version}+pkgtest1)"
  tools/package.sh "$work/v2" --version "${version}+pkgtest1" --no-lintian >"$work/package-v2.log" 2>&1 ||
    { tail -40 "$work/package-v2.log"; fail "tools/package.sh --version"; }
  newer=$work/v2
fi
v1=$(dpkg-deb -f "$(ls "$debs"/opswall_*.deb)" Version)
v2=$(dpkg-deb -f "$(ls "$newer"/opswall_*.deb)" Version)
dpkg --compare-versions "$v2" gt "$v1" || fail "the newer build ($v2) is not newer than $v1"

# 2. A clean Debian 12 root.
cache=${OPSWALL_PACKAGE_TEST_CACHE:-/var/cache/opswall-package-test}
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
base=$cache/bookworm-minbase
if [ ! -f "$base/.opswall-base-complete" ]; then
  step "debootstrap bookworm (minbase) into $base"
  rm -rf "$base.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
    { tail -20 "$cache/debootstrap.log"; fail "debootstrap"; }
  touch "$base.tmp/.opswall-base-complete"
  rm -rf "$base"
  mv "$base.tmp" "$base"
fi
step "a fresh root from the cached base"
cp -a "$base" "$root"
cat >"$root/etc/apt/sources.list" <<SOURCES
deb $mirror bookworm main
deb $mirror bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
cp /etc/resolv.conf "$root/etc/resolv.conf"
# No service starts inside the root (there is no systemd running there anyway).
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 0755 "$root/usr/sbin/policy-rc.d"
mount -t proc proc "$root/proc"
mount --bind /dev "$root/dev"
mount -t devpts devpts "$root/dev/pts" -o newinstance,ptmxmode=0666 || true
# Downloaded packages are kept between runs (a run still installs every one of them afresh).
mkdir -p "$cache/apt-archives/partial"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
mkdir -p "$root/debs"
cp -a "$debs" "$root/debs/v1"
cp -a "$newer" "$root/debs/v2"

in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"; }
# In a network namespace of its own: only its loopback, so the wall's ports are free.
offline() { unshare --net --fork sh -c 'ip link set lo up && exec "$@"' sh chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 "$@"; }

step "apt-get install ./opswall ./wallctl ./opswall-demo $v1 (dependencies from Debian only)"
in_root apt-get update -qq >"$work/apt-update.log" 2>&1 || { cat "$work/apt-update.log"; fail "apt-get update"; }
in_root sh -c 'apt-get install -y --no-install-recommends /debs/v1/*.deb' >"$work/apt-install-v1.log" 2>&1 ||
  { tail -30 "$work/apt-install-v1.log"; fail "apt-get install of $v1"; }
grep -E "^(Need to get|After this operation|[0-9]+ upgraded)" "$work/apt-install-v1.log" || true
# Every package in the root comes from Debian's archive, but ours.
in_root sh -c 'for p in $(dpkg-query -W -f "\${Package}\n"); do
    case $p in opswall|opswall-demo|wallctl) continue ;; esac
    apt-cache policy "$p" | grep -q "deb.debian.org" || echo "$p"; done' >"$work/foreign.txt"
[ ! -s "$work/foreign.txt" ] || fail "packages not from Debian: $(cat "$work/foreign.txt")"

step "the user, the folders, the unit, the conffiles"
in_root getent passwd opswall | grep -q ":/var/lib/opswall:/usr/sbin/nologin$" || fail "no opswall system user"
in_root getent group opswall >/dev/null || fail "no opswall group"
owner=$(in_root stat -c '%U %a' /var/lib/opswall)
[ "$owner" = "opswall 700" ] || fail "/var/lib/opswall: $owner"
[ -f "$root/lib/systemd/system/opswall.service" ] || fail "no unit"
[ -L "$root/etc/systemd/system/multi-user.target.wants/opswall.service" ] || fail "the unit is not enabled"
in_root sh -c 'dpkg-query --showformat="\${Conffiles}\n" --show opswall' | grep -q /etc/opswall/opswall.env || fail "no conffiles"

step "opswall --help, wallctl --help from /usr/bin"
offline /usr/bin/opswall --help >"$work/opswall-help.txt" || fail "opswall --help"
grep -q -- "--screenshot" "$work/opswall-help.txt" || fail "opswall --help says nothing of --screenshot"
offline /usr/bin/wallctl --help >"$work/wallctl-help.txt" || fail "wallctl --help"
grep -q "backup FILE, restore FILE" "$work/wallctl-help.txt" || fail "wallctl --help lacks backup"

step "opswall --demo --screenshot as the opswall user (offscreen, demo services from /usr/libexec/opswall)"
offline runuser -u opswall -- env HOME=/var/lib/opswall QT_QPA_PLATFORM=offscreen \
  /usr/bin/opswall --demo --screenshot /tmp/demo-wall.png --lang en --db /tmp/demo.db \
  --admin-token-file /tmp/demo-admin-token >"$work/demo.log" 2>&1 || { tail -30 "$work/demo.log"; fail "opswall --demo --screenshot"; }
grep -q "wrote /tmp/demo-wall.png" "$work/demo.log" || fail "no screenshot written"
head -c 8 "$root/tmp/demo-wall.png" | od -c | grep -q "P   N   G" || fail "the screenshot is not a PNG"
# Nothing the wall loads at run time may be missing: QML modules, GStreamer elements.
if grep -E "is not installed|missing GStreamer|not available|cannot be loaded" "$work/demo.log"; then
  fail "the installed wall misses something it loads at run time (above)"
fi
cp "$root/tmp/demo-wall.png" "$work/demo-wall.png"
step "screenshot: $(stat -c %s "$work/demo-wall.png") bytes"

# The service's command line, from the installed unit and /etc/opswall/opswall.env, offscreen.
service_cmd=$(sed -n '/^ExecStart=/,/[^\\]$/p' "$root/lib/systemd/system/opswall.service" | sed 's/^ExecStart=//; s/\\$//' | tr -d '\n')
[ -n "$service_cmd" ] || fail "no ExecStart in the unit"
# One session in the root's namespace: start the wall as the service would, run the checks, stop.
run_service() { # $1: a script run once the API answers, as root in the root (ADMIN, OP set)
  cat >"$root/tmp/session.sh" <<SESSION
#!/bin/sh
set -e
# systemd's EnvironmentFile= syntax (KEY=VALUE lines), not shell: values may hold ';'.
while IFS= read -r line; do
  case "\$line" in ''|'#'*) continue ;; esac
  export "\$line"
done </etc/opswall/opswall.env
export QT_QPA_PLATFORM=offscreen HOME=/var/lib/opswall
cd /var/lib/opswall
# setpriv, not runuser: the wall itself gets the SIGTERM below, as under systemd.
setpriv --reuid=opswall --regid=opswall --init-groups -- sh -c "umask 077; exec $service_cmd" >/tmp/service.log 2>&1 &
pid=\$!
i=0
until wallctl --url http://127.0.0.1:8470 --token probe status >/dev/null 2>&1 || [ \$? = 4 ]; do
  i=\$((i+1)); [ \$i -lt 300 ] || { echo "the API never answered"; cat /tmp/service.log; exit 1; }
  kill -0 \$pid 2>/dev/null || { echo "the wall exited"; cat /tmp/service.log; exit 1; }
  sleep 0.2
done
. /tmp/checks.sh
kill -TERM \$pid
wait \$pid || { echo "the wall did not stop cleanly"; cat /tmp/service.log; exit 1; }
SESSION
  printf '%s\n' "$1" >"$root/tmp/checks.sh"
  chmod 0755 "$root/tmp/session.sh"
  offline /bin/sh /tmp/session.sh
}

step "the service's first start ($service_cmd)"
run_service '
test -f /var/lib/opswall/admin-token || { echo "no admin token file"; exit 1; }
ADMIN=$(cat /var/lib/opswall/admin-token)
echo "$ADMIN" >/root/admin-token
wallctl --url http://127.0.0.1:8470 --token "$ADMIN" token create --name pkgtest --role operator --json >/root/op.json
sed -n "s/.*\"token\": *\"\([^\"]*\)\".*/\1/p" /root/op.json >/root/op-token
test -s /root/op-token || { echo "no operator token"; cat /root/op.json; exit 1; }
wallctl --url http://127.0.0.1:8470 --token "$(cat /root/op-token)" status >/dev/null
runuser -u opswall -- wallctl backup /var/lib/opswall/pkgtest.opswall
' >"$work/service-v1.log" 2>&1 || { cat "$work/service-v1.log"; fail "the service's first start"; }
cat "$work/service-v1.log"
keys_before=$(in_root sh -c 'sha256sum /var/lib/opswall/keys/*.key')
[ -n "$keys_before" ] || fail "no key files in /var/lib/opswall/keys"
echo "# edited by the integrator" >>"$root/etc/opswall/opswall.env"

step "upgrade: apt-get install the newer build ($v2) over $v1"
in_root sh -c 'apt-get install -y --no-install-recommends /debs/v2/*.deb' >"$work/apt-install-v2.log" 2>&1 ||
  { tail -30 "$work/apt-install-v2.log"; fail "apt-get install of $v2"; }
[ "$(in_root dpkg-query -W -f '${Version}' opswall)" = "$v2" ] || fail "opswall is not $v2 after the upgrade"
[ -f "$root/var/lib/opswall/opswall.db" ] || fail "the database is gone after the upgrade"
[ "$(in_root sh -c 'sha256sum /var/lib/opswall/keys/*.key')" = "$keys_before" ] || fail "the keys changed in the upgrade"
grep -q "edited by the integrator" "$root/etc/opswall/opswall.env" || fail "the edited conffile was replaced"
[ ! -e "$root/etc/opswall/opswall.env.dpkg-new" ] || fail "dpkg left opswall.env.dpkg-new"

step "the newer wall on the kept database: both tokens still work, the backup restores"
run_service '
wallctl --url http://127.0.0.1:8470 --token "$(cat /root/op-token)" status >/dev/null || { echo "the operator token was lost"; exit 1; }
wallctl --url http://127.0.0.1:8470 --token "$(cat /root/admin-token)" token list | grep -q pkgtest || { echo "the token list lost pkgtest"; exit 1; }
echo "tokens kept"
' >"$work/service-v2.log" 2>&1 || { cat "$work/service-v2.log"; fail "the newer wall on the kept data"; }
cat "$work/service-v2.log"
in_root runuser -u opswall -- wallctl restore /var/lib/opswall/pkgtest.opswall >"$work/restore.log" 2>&1 ||
  { cat "$work/restore.log"; fail "wallctl restore of the backup made by the running service"; }
cat "$work/restore.log"

step "remove keeps the state; purge removes it"
in_root apt-get remove -y opswall-demo opswall >"$work/apt-remove.log" 2>&1 || { tail -20 "$work/apt-remove.log"; fail "apt-get remove"; }
[ -f "$root/var/lib/opswall/opswall.db" ] || fail "remove (not purge) deleted the database"
[ -f "$root/etc/opswall/opswall.env" ] || fail "remove (not purge) deleted the configuration"
in_root apt-get purge -y opswall >"$work/apt-purge.log" 2>&1 || { tail -20 "$work/apt-purge.log"; fail "apt-get purge"; }
for gone in /var/lib/opswall /var/log/opswall /etc/opswall; do
  [ ! -e "$root$gone" ] || fail "$gone is still there after purge"
done
[ -x "$root/usr/bin/wallctl" ] || fail "wallctl went with opswall"

step "PASSED (opswall $v1 -> $v2, $(( $(date +%s) - t0 )) s)"
