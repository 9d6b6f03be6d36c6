# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: attacker code confined as one guest's render worker (the broker's worker-exec hook) cannot signal, trace or open another guest's worker, reach the broker or dom0's devices, fork past its guest's task budget or take dom0's memory; the other guest renders on, the broker survives; render_user root and a worker uid range in use are refused
# suite: check
# budget: 480
# order: 62

# Issue 18, item 2. Every render worker ran as "nobody", dumpable after
# exec, in no cgroup, under a seccomp deny-list: a worker taken over
# through its guest's command stream could kill or trace any other
# guest's worker and open its files (its memfds, its venus ring) through
# /proc, fork without bound and take all of dom0's memory.

MEM_MAX=402653184
TASKS_MAX=64

# wc_uid PID: the real uid of process PID
wc_uid() { sed -n 's/^Uid:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$1/status"; }
# wc_worker DOMID: the pid of the guest's render worker, from the broker
wc_worker() { xenlend-ctl status | sed -n "s/^dom$1 .* render_worker=\([0-9]*\).*/\1/p"; }
wc_avail() { sed -n 's/^MemAvailable: *\([0-9]*\).*/\1/p' /proc/meminfo; }
wc_running() { grep -q '^State:[[:space:]]*[RSDT]' "/proc/$1/status" 2>/dev/null; }
# wc_sample: dom0's least MemAvailable so far; true once the attacker ended
wc_sample() {
	wc_a=$(wc_avail)
	[ "$wc_a" -lt "$wc_least" ] && wc_least=$wc_a
	! wc_running "$wc_apid"
}
# wc_line WHAT: the attacker's line about WHAT
wc_line() { grep -m1 "ATTACK: $1" "$BLOG"; }
wc_refused() { wc_line "$1: refused" >/dev/null; }

wc_refusals() {
	# A configuration the broker must refuse, and why.
	sed 's/^render_user *=.*/render_user = root/' /etc/xenlend/broker.conf >/run/broker-root.conf
	wc_out=$(timeout 20 xenlend-broker --config /run/broker-root.conf 2>&1)
	wc_rc=$?
	check "worker-compromised: a broker with render_user root refuses to start (exit $wc_rc: $(echo "$wc_out" | tail -n 1))" \
		eval '[ $wc_rc = 1 ] && echo "$wc_out" | grep -q "never with root"'
	echo "xenlend-collide:x:65541:65541::/nonexistent:/usr/sbin/nologin" >>/etc/passwd
	sed 's/^render_uid_base *=.*/render_uid_base = 65536/' /etc/xenlend/broker.conf \
		>/run/broker-range.conf
	wc_out=$(timeout 20 xenlend-broker --config /run/broker-range.conf 2>&1)
	wc_rc=$?
	sed -i '/^xenlend-collide:/d' /etc/passwd
	check "worker-compromised: a broker whose worker uid range holds a user refuses to start (exit $wc_rc: $(echo "$wc_out" | tail -n 1))" \
		eval '[ $wc_rc = 1 ] && echo "$wc_out" | grep -q "xenlend-collide"'
}

# wc_confined PID DOMID: the checks of how a worker runs (check's eval
# sees its own arguments as $1, $2: the values go through wc_pid, wc_dom)
wc_confined() {
	wc_pid=$1 wc_dom=$2
	wc_base=$(sed -n 's/^render_uid_base *= *//p' /run/broker-jail.conf)
	wc_cg=$(broker_cgroup)/render-dom$wc_dom
	check "worker-compromised: dom$wc_dom's worker runs as its own user $((wc_base + wc_dom)) (uid $(wc_uid "$wc_pid"))" \
		test "$(wc_uid "$wc_pid")" = $((wc_base + wc_dom))
	# A process that is not dumpable has its /proc files owned by root.
	check "worker-compromised: dom$wc_dom's worker is not dumpable (its /proc/PID/fd is uid $(stat -c %u "/proc/$wc_pid/fd")'s)" \
		test "$(stat -c %u "/proc/$wc_pid/fd")" = 0
	check "worker-compromised: dom$wc_dom's worker runs under seccomp ($(grep '^Seccomp:' "/proc/$wc_pid/status" | tr -s '\t ' ' ')), OOM score adj $(cat "/proc/$wc_pid/oom_score_adj")" \
		eval 'grep -q "^Seccomp:[[:space:]]*2" "/proc/$wc_pid/status" &&
		      [ "$(cat "/proc/$wc_pid/oom_score_adj")" = 1000 ]'
	check "worker-compromised: dom$wc_dom's worker is in cgroup render-dom$wc_dom ($(cat "/proc/$wc_pid/cgroup"); memory.max $(cat "$wc_cg/memory.max" 2>/dev/null), pids.max $(cat "$wc_cg/pids.max" 2>/dev/null))" \
		eval 'grep -qx "0::${wc_cg#/sys/fs/cgroup}" "/proc/$wc_pid/cgroup" &&
		      [ "$(cat "$wc_cg/memory.max")" = $MEM_MAX ] &&
		      [ "$(cat "$wc_cg/pids.max")" = $TASKS_MAX ]'
}

scenario() {
	wc_refusals
	use_broker jail
	create_guest domu-wc-victim pv render-twice domU-gl.cpio.gz || return 0
	vname=$name vlog=$log vdom=$domid
	wait_for 300 eval 'grep -q "gl-render 1 exit" "$vlog" || gone "$vname"'
	create_guest domu-wc-attacker pv render-twice domU-gl.cpio.gz || { xl destroy "$vname"; return 0; }
	aname=$name alog=$log adom=$domid
	wait_for 300 eval 'grep -q "gl-render 1 exit" "$alog" || gone "$aname"'
	check "worker-compromised: both guests rendered through their workers" \
		eval 'grep -q "gl-render 1 exit 0" "$vlog" && grep -q "gl-render 1 exit 0" "$alog"'
	vpid=$(wc_worker "$vdom") apid=$(wc_worker "$adom")
	echo "XENLEND-E2E: worker-compromised: dom$vdom's worker is pid ${vpid:-?}, dom$adom's ${apid:-?}"
	if [ "${vpid:-0}" -gt 0 ] && [ "${apid:-0}" -gt 0 ]; then
		wc_confined "$vpid" "$vdom"
		wc_confined "$apid" "$adom"
	fi

	# The attacker: as dom$adom's worker. It looks for its target in /proc;
	# where that hides other users' processes, it takes the pid left here,
	# as an attacker that guessed it would.
	echo "$vpid $vdom" >/run/xenlend-attack-target
	chmod 644 /run/xenlend-attack-target
	wc_before=$(wc_avail)
	wc_least=$wc_before
	wc_reply=$(xenlend-ctl worker-exec "$adom" /usr/bin/xenlend-worker-attack)
	wc_apid=$(echo "$wc_reply" | sed -n 's/^ok pid \([0-9]*\)$/\1/p')
	check "worker-compromised: the broker ran the attacker as dom$adom's worker ($wc_reply)" \
		test -n "$wc_apid"
	[ -n "$wc_apid" ] && wait_for 300 wc_sample
	rm -f /run/xenlend-attack-target
	grep "ATTACK:" "$BLOG" | grep -v "holding"
	check "worker-compromised: the attacker cannot see other guests' workers in /proc (the unit's ProtectProc=invisible)" \
		wc_line "/proc shows no other guest's render worker"
	check "worker-compromised: the attacker went for dom$vdom's worker (pid ${vpid:-?}) all the same" \
		eval 'wc_line "target pid ${vpid:-x} (dom$vdom"'
	for what in "kill another guest's render worker" "stop another guest's render worker" \
		"ptrace another guest's render worker" "seize another guest's render worker" \
		"open another guest's render worker's memory" \
		"read another guest's render worker's memory" \
		"read another guest's render worker's environment" \
		"list another guest's render worker's files" \
		"open another guest's render worker's files through /proc" \
		"take another guest's render worker's grant device file" \
		"map a grant through its own guest's grant device" \
		"kill the broker" "open /dev/xen/privcmd" "open /dev/xen/gntdev" \
		"open /dev/xenlend-host" "open /dev/mem" "become root" "raise its process limit" \
		"make a user namespace" "open a network socket" "load a BPF program" \
		"set up io_uring"; do
		check "worker-compromised: attacker may not $what" wc_refused "$what"
	done
	wc_forks=$(wc_line "fork bomb" | sed -n 's/.*fork bomb: \([0-9]*\) processes.*/\1/p')
	check "worker-compromised: the fork bomb stopped at ${wc_forks:-?} processes (dom$adom's budget: $TASKS_MAX tasks)" \
		test "${wc_forks:-99999}" -lt "$TASKS_MAX"
	wc_oom=$(sed -n 's/^oom_kill //p' "$(broker_cgroup)/render-dom$adom/memory.events" 2>/dev/null)
	echo "XENLEND-E2E: worker-compromised: dom0 MemAvailable $((wc_before / 1024)) MiB before, least $((wc_least / 1024)) MiB during; OOM kills in render-dom$adom: ${wc_oom:-?}"
	wc_line "memfd: [0-9]* MiB, then\|memfd: killed"
	wc_line "anonymous memory: [0-9]* MiB, then\|anonymous memory: killed"
	check "worker-compromised: the attacker's memory stopped at its guest's budget (dom0 kept $((wc_least / 1024)) of $((wc_before / 1024)) MiB available)" \
		test "$wc_least" -ge $((wc_before - MEM_MAX / 1024 - 65536))
	check "worker-compromised: what stopped it was its cgroup's OOM killer (oom_kill ${wc_oom:-?})" \
		test "${wc_oom:-0}" -ge 1
	check "worker-compromised: dom$vdom's worker still runs (pid $vpid)" \
		eval 'kill -0 "$vpid" && [ "$(wc_worker "$vdom")" = "$vpid" ]'
	check "worker-compromised: the broker still runs" broker_up

	guest_tell "$vdom" go
	guest_tell "$adom" go
	end_guests 300 "$vname" "$aname"
	name=$vname log=$vlog
	show_console "$vname"
	show_console "$aname"
	check "worker-compromised: $vname rendered again after the attack (its worker never noticed)" \
		eval 'grep -q "gl-render 2 exit 0" "$vlog" && [ "$(grep -c "^GL: PASS triangle" "$vlog")" = 2 ]'
	check "worker-compromised: the guests' cgroups are gone with them" \
		wait_for 30 eval '[ ! -d "$(broker_cgroup)/render-dom$vdom" ] && [ ! -d "$(broker_cgroup)/render-dom$adom" ]'
	check "worker-compromised: pages, quarantine and pins back to zero" wait_for 30 at_baseline
	return 0
}
