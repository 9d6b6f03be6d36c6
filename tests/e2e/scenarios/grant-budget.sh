# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: dom0's grant table shared between guests: a broker whose per-guest memory cannot fit the engine's budget refuses to start, saying what to change; a greedy guest is stopped at its fair share while a well-behaved one keeps being served; the engine never holds more entries than its budget
# suite: check
# budget: 300
# order: 49

# Issue 18, item 4. Every lent page is an entry of dom0's grant table,
# which netback and blkback need too; the broker's per-guest cap was
# larger than Xen's default table, and nothing bounded all guests
# together. Here the engine's budget is made 8192 entries (32 MiB of
# lending) with its grant_reserve parameter.

BUDGET=8192
P=/sys/module/xenlend_host/parameters/grant_reserve
S=/sys/class/misc/xenlend-host

restore_reserve() { echo "$reserve0" >$P; }
# sample: the most grant entries the engine held so far
sample() {
	u=$(cat $S/grants_used 2>/dev/null || echo 0)
	[ "$u" -gt "${most:-0}" ] && most=$u
	return 0
}
st() { xenlend-ctl status | sed -n "s/^dom$1 .* $2=\([0-9-]*\).*/\1/p"; }

scenario() {
	reserve0=$(cat $P)
	max0=$(cat $S/grants_max 2>/dev/null || echo 0)
	# All entries but BUDGET: what the table has plus the reserve now.
	echo $((max0 + reserve0 - BUDGET)) >$P
	echo "XENLEND-E2E: grant-budget: the engine may hold $(cat $S/grants_max 2>/dev/null) of dom0's grant entries"

	# A configuration that promises one guest more than that.
	broker_up && stop_broker
	BROKER_AS=
	out=$(timeout 20 xenlend-broker --config /etc/xenlend/broker.conf 2>&1)
	rc=$?
	echo "$out" | tail -n 2
	check "grant-budget: the broker refuses 256 MiB per guest against $BUDGET entries (exit $rc)" \
		test "$rc" = 1
	check "grant-budget: and says what to change" \
		eval 'echo "$out" | grep -q "needs 65536 grant entries per guest.*gnttab_max_frames"'

	sed 's/^max_lent_bytes *=.*/max_lent_bytes = 33554432/' /etc/xenlend/broker.conf \
		>/run/broker-grants.conf
	start_broker --test-hooks --config /run/broker-grants.conf
	BROKER_AS="grants hooks" HOSTMEM=memfd
	check "grant-budget: 32 MiB per guest fits: the broker starts" broker_up

	create_guest domu-budget-well pvh budget-well || { restore_reserve; return 0; }
	guest_ready "STORM: ready" || { restore_reserve; return $(($? == 3 ? 3 : 0)); }
	wname=$name wlog=$log wdom=$domid
	wres=$(sed -n 's/.*STORM: ready res \([0-9]*\).*/\1/p' "$wlog" | tr -d '\r')

	most=0
	create_guest domu-budget-greedy pvh budget-greedy || { restore_reserve; return 0; }
	gname=$name glog=$log gdom=$domid
	wait_for 120 eval 'sample; grep -q "STRESS: sigbus 2" "$glog" || gone "$gname"'
	for _ in $(seq 20); do sample; sleep 0.2; done
	grep "STRESS:" "$glog" | tail -n 2
	grep "dom$gdom: refused FAULT" "$BLOG" | tail -n 1
	check "grant-budget: $gname is refused past its fair share (SIGBUS in its rounds)" \
		grep -q "STRESS: sigbus" "$glog"
	check "grant-budget: the engine never held more than its budget ($most of $BUDGET entries)" \
		test "$most" -le $BUDGET

	# The well-behaved guest is still served: a page revoked, faulted back.
	wf0=$(st "$wdom" faults)
	xenlend-ctl revoke "$wdom" "$wres" 0 4096 >/dev/null
	wait_for 30 eval '[ "$(st "$wdom" faults)" -gt "$wf0" ] 2>/dev/null'
	check "grant-budget: $wname still served beside it (FAULTs $wf0 -> $(st "$wdom" faults))" \
		eval '[ "$(st "$wdom" faults)" -gt "$wf0" ] 2>/dev/null'

	xl destroy "$gname"
	guest_tell "$wdom" "check 0"
	wait_for 60 grep -q "STORM: check 0:" "$wlog"
	guest_tell "$wdom" done
	end_guests 60 "$wname"
	name=$wname log=$wlog
	show_console "$wname"
	check "grant-budget: $wname read what dom0 lent it and exits 0, still connected" \
		grep -q "XENLEND-DOMU: storm-test exit 0" "$wlog"
	check "grant-budget: every grant entry back" wait_for 30 eval '[ "$(cat $S/grants_used)" = 0 ]'
	restore_reserve
	return 0
}
