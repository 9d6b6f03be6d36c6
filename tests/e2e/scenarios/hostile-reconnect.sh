# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: a guest collects quarantine by reconnecting (up to 50 times, 16 MiB mapped and kept each time): dom0's lent and quarantined pages never exceed its cap, the broker stops serving it past its quarantine quota, a well-behaved guest is served meanwhile, and everything is back to zero once it is gone
# suite: check
# budget: 360
# order: 47

# Issue 18, item 1. Each reconnect closes the broker's lending engine file
# for the guest, which quarantines every page it still maps. Before the
# fix nothing looked at what the domain already held when it came back:
# each cycle pinned 16 MiB more, without bound. Now its quarantine counts
# against max_lent_bytes (65536 pages here) and past max_quarantined_bytes
# (64 MiB) it is not served any more.

CAP=65536

# sample: dom0's lent + quarantined pages now, and the most seen so far
sample() {
	held=$(($(engine lent) + $(engine quarantined)))
	[ "$held" -gt "${most:-0}" ] && most=$held
	gone "$name" || grep -q "HOSTILE: reconnect-done" "$log"
}

# Return: 0, or 3 when the emulator killed a guest before it got ready.
scenario() {
	use_broker memfd
	create_guest domu-reconnect pvh hostile-reconnect || return 0
	most=0
	wait_for 600 sample
	rname=$name rlog=$log rdom=$domid
	cycles=$(sed -n 's/.*HOSTILE: reconnect-done after \([0-9]*\) cycles.*/\1/p' "$rlog")
	echo "XENLEND-E2E: hostile-reconnect: $rname reconnected ${cycles:-?} times; most held $most pages"
	grep "dom$rdom: \(connected\|disconnected\|evicted\|.*quarantined\)" "$BLOG" | tail -n 4
	check "hostile-reconnect: $rname mapped lent memory and reconnected" \
		test "${cycles:-0}" -ge 2
	check "hostile-reconnect: dom0's lent + quarantined pages never exceeded the domain's cap ($most of $CAP)" \
		test "$most" -le "$CAP"
	check "hostile-reconnect: the broker stopped serving $rname past its quarantine quota" \
		grep -q "HOSTILE: cycle [0-9]*: .*not served any more" "$rlog"

	# A well-behaved guest is served meanwhile (lend-guest.sh's checks).
	lend_guest domu-reconnect-well pvh lend-only || { xl destroy "$rname"; return 3; }
	check "$name: served while $rname holds its quarantine" \
		grep -q "XENLEND-DOMU: lend-test exit 0" "$log"

	guest_tell "$rdom" go
	end_guests 60 "$rname"
	name=$rname
	show_console "$rname"
	check "hostile-reconnect: pages, quarantine and pins back to zero" wait_for 30 at_baseline
	return 0
}
