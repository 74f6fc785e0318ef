#!/usr/bin/env bash
# The hot standby's takeover with and without the controller built ahead (app/nodes/README.md
# "Takeover"), in one session under the same load: tst_nodes_standby is run ROUNDS times each
# way, interleaved (OPSWALL_STANDBY_BUILD_AHEAD=0 builds the whole controller at takeover, as
# before), and the times from SIGKILL of the primary to the standby's API answering as active and
# to the node's link are printed per run, then their medians and the ratio.
#   bench_takeover.sh TST_NODES_STANDBY [ROUNDS]
set -uo pipefail
test_binary=$1
rounds=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

for ((i = 1; i <= rounds; i++)); do
  for ahead in 0 1; do
    log="$work/run-$i-$ahead.log"
    if ! OPSWALL_STANDBY_BUILD_AHEAD=$ahead QT_QPA_PLATFORM=offscreen "$test_binary" \
        takeoverKeepsAcknowledgedChanges >"$log" 2>&1; then
      echo "run $i (ahead=$ahead) failed:"; tail -30 "$log"; exit 1
    fi
    line=$(grep -h 'RESULT standby takeover after SIGKILL' "$log")
    api=$(sed -n 's/.*API answers as active after \([0-9]*\) ms.*/\1/p' <<<"$line")
    node=$(sed -n 's/.*node linked after \([0-9]*\) ms.*/\1/p' <<<"$line")
    built=$(grep -h '\[standby\].*opswall: built in' "$log" | head -1 | sed 's/.*opswall: //')
    echo "$api $node" >>"$work/ahead-$ahead"
    echo "run $i, built ahead: $([ "$ahead" = 1 ] && echo yes || echo no): API ${api} ms, node ${node} ms; standby $built"
  done
done
for ahead in 0 1; do
  api[ahead]=$(cut -d' ' -f1 "$work/ahead-$ahead" | median)
  node[ahead]=$(cut -d' ' -f2 "$work/ahead-$ahead" | median)
done
echo "RESULT takeover after SIGKILL, median of $rounds: API active ${api[0]} ms built at takeover," \
     "${api[1]} ms built ahead (ratio $(awk -v a="${api[0]}" -v b="${api[1]}" 'BEGIN {printf "%.1f", a / b}'));" \
     "node linked ${node[0]} ms and ${node[1]} ms (ratio $(awk -v a="${node[0]}" -v b="${node[1]}" 'BEGIN {printf "%.1f", a / b}'))"
