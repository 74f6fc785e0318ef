#!/usr/bin/env bash
# The hot standby's takeover built ahead in three ways (app/nodes/README.md "Takeover"), in one
# session under the same load: tst_nodes_standby is run ROUNDS times each way, interleaved, with
# OPSWALL_STANDBY_BUILD_AHEAD=0 (the whole controller built at takeover), 1 (fonts, GStreamer and
# the boundary sets ahead, as before the wall's QML was) and 2 (those and the wall's QML compiled
# ahead: the default). Printed per run and as medians with the ratios: the time from SIGKILL of
# the primary to the standby's API answering as active and to the node's link, and the
# takeover's controller start (`opswall: built in N ms`).
#   bench_takeover.sh TST_NODES_STANDBY [ROUNDS]
set -uo pipefail
test_binary=$1
rounds=${2:-5}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ways=(0 1 2)
names=("built at takeover" "process parts ahead" "and the QML ahead")

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1f", a / b}'; }

for ((i = 1; i <= rounds; i++)); do
  for ahead in "${ways[@]}"; do
    log="$work/run-$i-$ahead.log"
    if ! OPSWALL_STANDBY_BUILD_AHEAD=$ahead QT_QPA_PLATFORM=offscreen "$test_binary" \
        takeoverKeepsAcknowledgedChanges >"$log" 2>&1; then
      echo "run $i (ahead=$ahead) failed:"; tail -30 "$log"; exit 1
    fi
    line=$(grep -h 'RESULT standby takeover after SIGKILL' "$log")
    api=$(sed -n 's/.*API answers as active after \([0-9]*\) ms.*/\1/p' <<<"$line")
    node=$(sed -n 's/.*node linked after \([0-9]*\) ms.*/\1/p' <<<"$line")
    built=$(grep -h '\[standby\].*opswall: built in' "$log" | head -1 | sed 's/.*opswall: //')
    start=$(sed -n 's/^built in \([0-9]*\) ms.*/\1/p' <<<"$built")
    echo "$api $node $start" >>"$work/ahead-$ahead"
    echo "run $i, ${names[ahead]}: API ${api} ms, node ${node} ms; standby $built"
  done
done
for ahead in "${ways[@]}"; do
  api[ahead]=$(cut -d' ' -f1 "$work/ahead-$ahead" | median)
  node[ahead]=$(cut -d' ' -f2 "$work/ahead-$ahead" | median)
  start[ahead]=$(cut -d' ' -f3 "$work/ahead-$ahead" | median)
  echo "RESULT takeover after SIGKILL, ${names[ahead]}, median of $rounds: API active ${api[ahead]} ms," \
       "node linked ${node[ahead]} ms, controller start ${start[ahead]} ms"
done
echo "RESULT takeover ratios, built at takeover / process parts ahead: API $(ratio "${api[0]}" "${api[1]}")," \
     "node $(ratio "${node[0]}" "${node[1]}"), start $(ratio "${start[0]}" "${start[1]}")"
echo "RESULT takeover ratios, process parts ahead / and the QML ahead: API $(ratio "${api[1]}" "${api[2]}")," \
     "node $(ratio "${node[1]}" "${node[2]}"), start $(ratio "${start[1]}" "${start[2]}")"
