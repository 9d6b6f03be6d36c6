#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The end-to-end runner inside the test dom0, once Xen's daemons are up:
# start xenlend-broker.service through systemd, then run the named
# scenarios (tests/e2e/scenarios/NAME.sh) one after the other.
#
# A scenario is a file that defines scenario(); its checks go through
# ok/ko/check (lib.sh). It returns 3 when the emulator killed its guest
# (killed_now): that start's checks are set aside and the scenario starts
# again with a fresh guest, at most three starts. Any other return is its
# verdict: PASS when none of its checks failed. After each scenario the
# runner checks that dom0 holds nothing of it any more.
#
# Prints "XENLEND-E2E: SCENARIO NAME PASS|FAIL|KILLED (...)" per scenario,
# a heartbeat every 20 s (run-vm.sh takes a silent console for a hung VM),
# and "XENLEND-E2E: RESULT N passed, M failed" (scenarios) at the end; exit
# status 0 iff none failed.
# usage: run.sh SCENARIO...
. /xenlend/e2e/lib.sh
. /xenlend/e2e/lend-guest.sh
. /xenlend/e2e/bench-lib.sh
. /xenlend/e2e/vram-lib.sh

# The guest settings the emulator's failure-rate table adopted (pinned
# vCPUs, docs/DECISIONS.md), unless the kernel command line names others
# (xenlend.guest=PRESET+PRESET; "default" is none).
presets=$(sed -n 's/.*xenlend\.guest=\([a-z+-]*\).*/\1/p' /proc/cmdline)
presets=${presets:-pin}
for p in $(echo "$presets" | tr '+' ' '); do
	guest_preset "$p" || exit 1
done
echo "XENLEND-E2E: guest presets $presets:$GUEST_EXTRA$(echo "$GUEST_CFG" | tr '\n' ' ')${GUEST_PIN:+ pinned to CPU ${GUEST_CPU:-1}}"

for s in "$@"; do
	[ -f "$E/scenarios/$s.sh" ] || { echo "XENLEND-E2E: no scenario named $s"; exit 1; }
done

echo "XENLEND-E2E: scenarios: $*"
echo "XENLEND-E2E: dom0 uptime $(up)s, idt_table at $(awk '$3 == "idt_table" { print $1 }' /proc/kallsyms)"
(while sleep 20; do
	echo "XENLEND-E2E: heartbeat $(up)s $(cat /run/xenlend-e2e.now 2>/dev/null)"
done) &
heartbeat=$!

use_broker memfd
check "broker started from its unit (pid $BPID)" test -S /run/xenlend/control

# leftovers NAME: dom0 holds nothing of the scenario's guests any more
leftovers() {
	check "$1: every guest gone: dom0 holds no lent or quarantined page" \
		wait_for 15 at_baseline
	check "$1: every guest gone: no xenlend backend left in xenstore" \
		test -z "$(xenstore-list /local/domain/0/backend/xenlend 2>/dev/null)"
	check "$1: every guest gone: the broker maps no lent memory (memfds, GPU buffers)" \
		test "$(grep -cE 'memfd:|/dev/dri/' /proc/$BPID/maps)" = 0
	check "$1: every guest gone: no render worker left" \
		wait_for 10 test -z "$(grep -l 'xenlend-rende[r]' /proc/[0-9]*/cmdline 2>/dev/null)"
	check "$1: the broker is still up" kill -0 "$BPID"
}

npass=0
nfail=0
for s in "$@"; do
	unset -f scenario
	. "$E/scenarios/$s.sh"
	MODE=$(sed -n 's/^# suite: *\([a-z]*\).*/\1/p' "$E/scenarios/$s.sh")
	t0=$(up)
	bl0=$(wc -l <"$BLOG")
	for start in 1 2 3; do
		echo "$s, start $start" >/run/xenlend-e2e.now
		echo "XENLEND-E2E: scenario $s: start $start at $(up)s"
		p0=$pass f0=$failed
		scenario
		st=$?
		[ "$st" = 3 ] || break
		echo "XENLEND-E2E: WARN $s: the emulator killed its guest (a triple fault it caused); its $((pass - p0 + failed - f0)) checks set aside"
		pass=$p0 failed=$f0
	done
	secs=$(echo "$(up) $t0" | awk '{printf "%d", $1 - $2}')
	if [ "$st" = 3 ]; then
		nfail=$((nfail + 1))
		echo "XENLEND-E2E: SCENARIO $s KILLED (the emulator killed its guest on three starts, $secs s)"
		continue
	fi
	# A scenario that ended early may leave a guest running (the stress
	# guest lends until it is destroyed): not into the next scenario.
	for g in $(xl list | awk 'NR > 2 { print $1 }'); do
		echo "XENLEND-E2E: WARN $s left $g running: destroyed"
		xl destroy "$g"
	done
	[ "$MODE" = bench ] || leftovers "$s"
	if [ "$failed" = "$f0" ]; then
		npass=$((npass + 1))
		echo "XENLEND-E2E: SCENARIO $s PASS ($((pass - p0)) checks, $start starts, $secs s)"
	else
		nfail=$((nfail + 1))
		echo "----- broker log during $s -----"
		tail -n +$((bl0 + 1)) "$BLOG"
		echo "----- end of broker log -----"
		echo "XENLEND-E2E: SCENARIO $s FAIL ($((failed - f0)) of $((pass - p0 + failed - f0)) checks failed, $secs s)"
	fi
done
kill "$heartbeat"
rm -f /run/xenlend-e2e.now

stop_broker
check "broker stopped cleanly on SIGTERM" sh -c "! kill -0 $BPID 2>/dev/null"
echo "XENLEND-E2E: checks: $pass passed, $failed failed"
echo "XENLEND-E2E: RESULT $npass passed, $nfail failed"
[ "$nfail" = 0 ] && [ "$failed" = 0 ]
