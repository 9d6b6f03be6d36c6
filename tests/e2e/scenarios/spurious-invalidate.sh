# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: dom0 storms a well-behaved guest's 80 lent blobs: mprotect() and NUMA balancing take nothing away and revoke nothing, and it is still served; 5120 real invalidations at once (events lost) are all told to the guest before anything is released; then new pages in place of all: it is never disconnected and never reads a stale page; a slow fault holds no mmap_lock or VMA lock; revocations racing the guest's frees release nothing it still maps
# suite: check
# budget: 420
# order: 48

# Issue 18, items 5 and 6. The engine revoked on every invalidation, protection
# changes included, and with more than 64 revocations waiting (or lost
# events and more than 64 resources) the broker released grants without
# telling the guest: it went on reading pages dom0 had taken back. And a
# REVOKE that met a buffer being freed was answered NOENT before the free
# unmapped its grants: the broker quarantined pages of a well-behaved
# guest.

BLOBS=80
BLOB_BYTES=262144

# st FIELD: the guest's FIELD in the broker's status line (empty if none)
st() { xenlend-ctl status | sed -n "s/^dom$domid .* $1=\([0-9-]*\).*/\1/p"; }
# same A B: A and B are the same number
same() { [ -n "$1" ] && [ "$1" -eq "$2" ] 2>/dev/null; }
settled() { same "$(st revokes_pending)" 0; }
checked() { grep -q "STORM: check $1:" "$log"; }
# each CMD [ARGS...]: xenlend-ctl CMD DOMID RES ARGS... for every blob
each() {
	cmd=$1
	shift
	for r in $res; do
		xenlend-ctl "$cmd" "$domid" "$r" "$@" >/dev/null || return 1
	done
}
lost() { grep -c "dom$domid: revocation events lost" "$BLOG"; }
# unchanged WHAT: check that WHAT revoked nothing, then that the guest is
# still served: one page revoked, told (event ring), answered and faulted
# back (control ring); sets the counts for the next call
unchanged() {
	rel1=$(st revoked_pages) sent1=$(st revokes_sent) faults1=$(st faults)
	check "spurious-invalidate: $1 revoked nothing (pages released $rel0 -> ${rel1:-?}, REVOKEs $sent0 -> ${sent1:-?}, FAULTs $faults0 -> ${faults1:-?})" \
		eval 'same "$rel1" "$rel0" && same "$sent1" "$sent0" && same "$faults1" "$faults0"'
	xenlend-ctl revoke "$domid" "${res%% *}" 0 4096 >/dev/null
	wait_for 30 eval 'back "$faults1" || ! broker_up'
	check "spurious-invalidate: $name still served after $1 (a page revoked and faulted back)" \
		back "$faults1"
	broker_up || { tail -n 30 "$BLOG"; dmesg | tail -n 10; }
	rel0=$(st revoked_pages) sent0=$(st revokes_sent) faults0=$(st faults)
}
# back FAULTS: the guest faulted since FAULTS, after a release
back() { f=$(st faults); r=$(st revoked_pages); [ "${f:-0}" -gt "$1" ] && [ "${r:-0}" -gt "$rel1" ]; }

scenario() {
	use_broker memfd
	create_guest domu-storm pvh storm || return 0
	guest_ready "STORM: ready" || return $(($? == 3 ? 3 : 0))
	res=$(sed -n 's/.*STORM: ready res \([0-9 ]*\).*/\1/p' "$log" | tr -d '\r')
	# shellcheck disable=SC2086
	check "spurious-invalidate: $name mapped $BLOBS blobs" test "$(echo $res | wc -w)" = $BLOBS
	sleep 2
	rel0=$(st revoked_pages) sent0=$(st revokes_sent) faults0=$(st faults)

	# 1. Protection changes: the same pages stay under every address.
	echo "XENLEND-E2E: spurious-invalidate: mprotect storm: $(xenlend-ctl protect "$domid" 20)"
	sleep 2
	unchanged "mprotect() on every blob, 20 times"
	numa=/proc/sys/kernel/numa_balancing
	u0=$(sed -n 's/^numa_pte_updates //p' /proc/vmstat)
	if [ -w $numa ] && [ -n "$u0" ]; then
		d=/sys/kernel/debug/sched/numa_balancing
		[ -d $d ] || mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
		echo 0 >$d/scan_delay_ms 2>/dev/null
		echo 10 >$d/scan_period_min_ms 2>/dev/null
		echo 1 >$numa
		# The scanner runs as the broker returns to user space: keep it busy.
		for _ in 1 2 3; do xenlend-ctl protect "$domid" 20 >/dev/null; done
		echo 0 >$numa
		u1=$(sed -n 's/^numa_pte_updates //p' /proc/vmstat)
		echo "XENLEND-E2E: spurious-invalidate: NUMA balancing changed $((u1 - u0)) PTEs to hinting faults"
		sleep 2
		unchanged "NUMA balancing and mprotect()"
	else
		echo "XENLEND-E2E: spurious-invalidate: no NUMA balancing in this kernel"
	fi
	# Not soft-dirty clearing on the broker: its grant mappings of the
	# guests' rings would go with it (gntdev; docs/DECISIONS.md). The
	# engine's own soft-dirty check is in xenlend-engine-refusals.

	# 2. Real invalidations, one page at a time: more than the engine
	# queues (events lost), more resources than the broker used to track.
	lost0=$(lost)
	echo "XENLEND-E2E: spurious-invalidate: revoke-all page by page: $(xenlend-ctl revoke-all "$domid" 4096)"
	wait_for 120 eval 'settled || ! broker_up'
	check "spurious-invalidate: the broker survives the storm" broker_up
	broker_up || { tail -n 40 "$BLOG"; dmesg | tail -n 20; return 0; }
	echo "XENLEND-E2E: spurious-invalidate: $(xenlend-ctl status | grep "^dom$domid ")"
	check "spurious-invalidate: the engine lost events and the broker revoked everything ($(($(lost) - lost0)) losses)" \
		test "$(lost)" -gt "$lost0"
	check "spurious-invalidate: every revocation answered before its release, none pending" settled
	check "spurious-invalidate: nothing released while $name mapped it (quarantined_pages $(st quarantined_pages), late $(st late_revokes))" \
		eval 'same "$(st quarantined_pages)" 0 && same "$(st late_revokes)" 0'

	# 3. New pages in place of all the old ones, and a new generation in
	# them: a page the guest was not told about still holds the old one.
	each punch 0 $BLOB_BYTES || ko "spurious-invalidate: punch"
	each refill || ko "spurious-invalidate: refill"
	guest_tell "$domid" "check 1"
	wait_for 120 checked 1
	grep "STORM: check 1:" "$log"
	check "spurious-invalidate: $name reads dom0's new pages, no stale one" \
		grep -q "STORM: check 1: 0 bad words" "$log"
	check "spurious-invalidate: $name never disconnected" \
		sh -c "xenlend-ctl status | grep -q '^dom$domid .* connected=1 .* banned=0'"
	grep "dom$domid: \(disconnected\|evicted\|.*quarantined\)" "$BLOG" | tail -n 3

	# 4. A FAULT the broker is slow to answer (2 s more, the driver's
	# fault_delay_ms hook) holds no lock of the process's address space
	# (item 6): another thread makes the blob read-only meanwhile (its
	# VMA's write lock, mmap_lock), and returns first.
	guest_tell "$domid" "fault-wait 2000"
	wait_for 60 grep -q "STORM: fault-wait:" "$log"
	check "spurious-invalidate: a fault waiting for the broker holds no mmap_lock or VMA lock ($(grep -m1 'STORM: fault-wait:' "$log" | tr -d '\r'))" \
		grep -q "STORM: fault-wait: mprotect first" "$log"

	# 5. Revocations racing the guest's frees (item 6): every free waits
	# 100 ms before it unmaps anything (the driver's free_delay_ms hook, a
	# free that lost its CPU) while dom0 revokes everything over and over.
	# A REVOKE that meets a blob on its way out must be answered only once
	# its grants are unmapped: the broker then releases nothing mapped.
	si_q0=$(st quarantined_pages)
	si_from=$(($(wc -l <"$BLOG") + 1))
	guest_tell "$domid" "free 100"
	wait_for 30 grep -q "STORM: freeing" "$log"
	si_rounds=0
	while ! grep -q "STORM: freed\|STORM: FAIL" "$log" && [ $si_rounds -lt 600 ] && broker_up; do
		xenlend-ctl revoke-all "$domid" >/dev/null
		si_rounds=$((si_rounds + 1))
		sleep 0.1
	done
	wait_for 60 eval 'settled || ! broker_up'
	grep "STORM: free" "$log"
	si_raced=$(tail -n +"$si_from" "$BLOG" | grep -c "dom$domid: revoke seq [0-9]* refused")
	echo "XENLEND-E2E: spurious-invalidate: $si_rounds rounds of revoke-all while $name freed its blobs; $si_raced REVOKEs met a blob on its way out"
	check "spurious-invalidate: $name freed its $BLOBS blobs while dom0 revoked them" \
		grep -q "STORM: freed $BLOBS blobs" "$log"
	check "spurious-invalidate: REVOKEs met blobs being freed ($si_raced answered NOENT)" \
		test "$si_raced" -gt 0
	check "spurious-invalidate: nothing released while a freed blob was still mapped (quarantined_pages $si_q0 -> $(st quarantined_pages))" \
		same "$(st quarantined_pages)" "$si_q0"
	check "spurious-invalidate: $name still connected after the frees" \
		sh -c "xenlend-ctl status | grep -q '^dom$domid .* connected=1 .* banned=0'"

	guest_tell "$domid" done
	end_guests 60 "$name"
	show_console "$name"
	check "spurious-invalidate: $name exits 0, still connected" \
		grep -q "XENLEND-DOMU: storm-test exit 0" "$log"
	check "spurious-invalidate: pages, quarantine and pins back to zero" wait_for 30 at_baseline
	return 0
}
