#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make bench`: boot the Xen environment with the benchmark scenarios
# (tests/e2e/scenarios/bench-*.sh), then keep their figures as a CSV and a PNG plot of the
# ratios under $XENLEND_CACHE/bench/ and print them. Every figure is a ratio
# against a baseline measured in the same guest process moments apart; the
# absolute times depend on this machine and on TCG and mean little.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
host_apt_install python3-matplotlib
OUT=$XENLEND_CACHE/bench
mkdir -p "$OUT"
LOG=$OUT/run-bench.log
XENLEND_LOG=$LOG sh "$HERE/xen-env/run-vm.sh" bench || die "bench run failed, see $LOG"
CSV=$OUT/bench-$(date +%Y%m%d-%H%M%S).csv
# Console lines start with the time; only lines that are a figure count
# (not, say, a killed guest's last line quoted in a warning).
tr -d '\r' <"$LOG" | sed -n 's/^\[[ 0-9.]*\] \(BENCH,.*\)/\1/p' >"$CSV"
cp "$CSV" "$OUT/bench.csv"
# What each figure's lent run cost the guest's connection: requests,
# event-channel sends, interrupts, events (the counts that carry over).
OPS=${CSV%.csv}-ops.csv
tr -d '\r' <"$LOG" | sed -n 's/^\[[ 0-9.]*\] BENCH-OPS,\(.*\)/\1/p' >"$OPS"
cp "$OPS" "$OUT/bench-ops.csv"
# dom0's side: its wakeups and event-channel sends for a whole guest's run.
{ echo "name,requests,wakeups_by_guest,wakeups_by_worker,dom0_evtchn_sends"
  tr -d '\r' <"$LOG" | sed -n 's/^\[[ 0-9.]*\] BENCH-DOM0-OPS,\(.*\)/\1/p'; } >"$OUT/bench-dom0-ops.csv"
/usr/bin/python3 "$HERE/bench-plot.py" "$CSV" "$OUT/bench.png"
log "figures: $CSV (also $OUT/bench.csv), counts: $OPS, plot: $OUT/bench.png"
column -s, -t "$CSV"
column -s, -t "$OPS"
