# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: a guest with a thousand lent resources costs the broker no file descriptor per resource: its count stays where it was, a second guest connects and is served beside it, and every descriptor is back once both are gone
# suite: check
# budget: 360
# order: 49

# Issue 18, item 3. Each host resource kept its memfd open: 1024
# resources per guest met the default soft limit of 1024 descriptors,
# and one guest's thousand tiny resources stopped every guest's
# memfd_create(), socketpair() and connection.

MANY=1000

fds() { ls "/proc/$BPID/fd" | wc -l; }
ready() { grep -q "STORM: ready" "$1" || gone "$2"; }

scenario() {
	use_broker memfd
	fd0=$(fds)
	create_guest domu-fd-many pvh fd-many || return 0
	mname=$name mlog=$log mdom=$domid
	wait_for 600 ready "$mlog" "$mname"
	fd1=$(fds)
	res=$(xenlend-ctl status | sed -n "s/^dom$mdom .* resources=\([0-9]*\).*/\1/p")
	echo "XENLEND-E2E: fd-budget: $mname holds ${res:-?} resources; the broker's descriptors $fd0 -> $fd1 (limit $(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$BPID/limits"))"
	check "fd-budget: $mname created and mapped its $MANY blobs" grep -q "STORM: ready" "$mlog"
	check "fd-budget: no descriptor per resource ($fd0 -> $fd1 for ${res:-?} resources)" \
		test "$fd1" -le $((fd0 + 16))

	create_guest domu-fd-well pvh budget-well || { xl destroy "$mname"; return 0; }
	wname=$name wlog=$log
	wait_for 120 ready "$wlog" "$wname"
	check "fd-budget: a second guest is served beside it" grep -q "STORM: ready" "$wlog"

	for g in "$mdom" "$domid"; do
		guest_tell "$g" "check 0"
		guest_tell "$g" done
	done
	end_guests 120 "$mname" "$wname"
	name=$mname log=$mlog
	show_console "$mname"
	check "fd-budget: $mname read dom0's pattern in every blob, still connected" \
		eval 'grep -q "STORM: check 0: 0 bad words in $MANY blobs" "$mlog" && grep -q "storm-test exit 0" "$mlog"'
	check "fd-budget: $wname exits 0" grep -q "storm-test exit 0" "$wlog"
	check "fd-budget: every descriptor back ($(fds) of $fd0)" wait_for 30 eval '[ "$(fds)" -le "$fd0" ]'
	check "fd-budget: pages, quarantine and pins back to zero" wait_for 30 at_baseline
	return 0
}
