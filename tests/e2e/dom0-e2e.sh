#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The end-to-end run inside the test dom0, once Xen's daemons are up:
# start xenlend-broker as its systemd unit would, boot a PV and a PVH domU
# that load xenlend.ko, and check the handshake on both sides. In "check"
# mode the guests also run their protocol tests, and this side injects
# malformed events into each guest. Prints
# "XENLEND-E2E: RESULT N passed, M failed"; exit status 0 iff M is 0.
# In "bench" mode it only runs the benchmark guest (tests/guest/bench.c).
# usage: dom0-e2e.sh demo|check|bench
MODE=${1:-demo}
R=/xenlend
BLOG=/var/log/xenlend-broker.log
UNIT=/usr/lib/systemd/system/xenlend-broker.service
pass=0
failed=0

ok() { echo "XENLEND-E2E: PASS $*"; pass=$((pass + 1)); }
ko() { echo "XENLEND-E2E: FAIL $*"; failed=$((failed + 1)); }
check() { what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
up() { cut -d' ' -f1 /proc/uptime; }

# wait_for SECONDS COMMAND...: poll every 0.1 s, SECONDS * 10 times (under
# TCG a poll can take a second: the limit stays counted in polls, as the
# checks were tuned); says so every 30 s of dom0's clock, since run-vm.sh
# takes 150 s without console output for a hung VM (counting polls for that
# too, 300 slow ones once took longer).
wait_for() {
	n=$(($1 * 10))
	t_say=$(($(date +%s) + 30))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
		if [ "$(date +%s)" -ge "$t_say" ]; then
			echo "XENLEND-E2E: still waiting for: $*"
			t_say=$(($(date +%s) + 30))
		fi
	done
	return 1
}
gone() { ! xl list "$1" >/dev/null 2>&1; }
# show_renderers: state of every render worker and render server thread, for
# a guest that stopped making progress (which side is waiting on what)
show_renderers() {
	for p in $(grep -lE 'xenlend-rende[r]|virgl_render_serve[r]' /proc/[0-9]*/cmdline \
		2>/dev/null | cut -d/ -f3); do
		for t in /proc/"$p"/task/*; do
			echo "XENLEND-E2E: renderer $p/${t##*/} $(tr '\0' ' ' <"/proc/$p/cmdline" |
				cut -c1-40): $(cut -d' ' -f3 "$t/stat" 2>/dev/null) $(cat "$t/wchan" \
				2>/dev/null)"
		done
	done
}
# acks DOMID: how many acknowledged revocations of DOMID the broker logged
acks() { grep -c "dom$1: revoke seq [0-9]* acknowledged" "$BLOG"; }
# acked DOMID N: at least N of them
acked() { test "$(acks "$1")" -ge "$2"; }

# inject_events DOMID: every "evt" test vector, then a valid FENCE
inject_events() {
	while read -r queue vname hex reason; do
		[ "$queue" = evt ] || continue
		out=$(xenlend-ctl inject-evt "$1" "$hex") || ko "inject-evt $vname: $out"
	done <$R/vectors.txt
	xenlend-ctl fence "$1" 1 0 42 >/dev/null || ko "valid FENCE not sent"
}

# kernel_clean LOG: the guest's kernel logged no BUG, WARNING, Oops or
# general protection fault. A static busybox helper killed by a general
# protection fault ("traps: NAME[PID] general protection fault ... in
# busybox[...]") is the emulator's doing, like its SIGSEGVs (DECISIONS.md,
# known limitations; domu-tests.sh retries those): said, not failed.
kernel_clean() {
	nbb=$(grep -c 'traps: .* general protection fault .* in busybox\[' "$1")
	[ "$nbb" = 0 ] ||
		echo "XENLEND-E2E: WARN $name: $nbb busybox helpers killed by a general protection fault"
	! grep -E "(BUG|WARNING|Oops|general protection fault)[: ]" "$1" |
		grep -qv 'traps: .* general protection fault .* in busybox\['
}

# upstream_igt_passed LOG: how many of IGT's upstream tests passed
upstream_igt_passed() { grep -c '^IGT-RESULT igt@[^ ]* pass' "$1"; }
# upstream_igt_ok LOG: every test of upstream.testlist passed; the others named
upstream_igt_ok() {
	bad=0
	while read -r t; do
		r=$(sed -n "s/^IGT-RESULT $t \([a-z-]*\).*/\1/p" "$1")
		[ "$r" = pass ] && continue
		echo "XENLEND-E2E: IGT $t: ${r:-no result}"
		bad=1
	done <$R/upstream.testlist
	return $bad
}

# create_guest NAME TYPE ROLE [RAMDISK]: boot a domU whose /init plays ROLE
# (see domu-init.sh) from RAMDISK (default domU.cpio.gz); sets domid and
# log. Returns 1 if xl failed. Room for 1 GiB of lent memory mapped at once
# (the object-size benchmark): maptrack entries for its 262144 grants, and
# paging-pool memory for the p2m tables that map them (with the default
# pool for 256 MiB a PVH guest's grant maps failed at 984 MiB).
create_guest() {
	name=$1
	log=/var/log/xen/console/guest-$name.log
	cat >/etc/xen/$name.cfg <<EOC
name = "$name"
type = "$2"
memory = 256
vcpus = 1
max_maptrack_frames = 2048
shadow_memory = 16
kernel = "$R/vmlinuz"
ramdisk = "$R/${4:-domU.cpio.gz}"
extra = "console=hvc0 quiet xenlend.mode=$MODE xenlend.role=$3"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"
EOC
	# Under TCG, xl now and then crashes or hangs, and a domU now and then
	# dies in early boot, before any of its code ran (docs/DECISIONS.md):
	# give the domain up to six starts, saying so (a start takes seconds;
	# PVH domUs died so three times in a row at times).
	for attempt in 1 2 3 4 5 6; do
		t0=$(up)
		if ! timeout 100 xl create /etc/xen/$name.cfg >/tmp/xl-create.log 2>&1; then
			cat /tmp/xl-create.log
			echo "XENLEND-E2E: WARN $name: xl create failed; attempt $attempt"
			xl destroy "$name" 2>/dev/null
			mv "$log" "$log.died" 2>/dev/null
			continue
		fi
		domid=$(xl domid "$name")
		echo "XENLEND-E2E: $name is dom$domid (created in $(echo "$(up) $t0" | awk '{print $1 - $2}')s)"
		wait_for 90 eval 'grep -q "XENLEND-DOMU: up" "$log" || gone "$name"'
		grep -q "XENLEND-DOMU: up" "$log" && return 0
		echo "XENLEND-E2E: WARN $name died before its init ran; attempt $attempt"
		xl destroy "$name" 2>/dev/null
		mv "$log" "$log.died" 2>/dev/null
	done
	ko "$name: could not be started (xl create or early boot failed six times)"
	return 1
}

# show_console NAME: the guest's console, once it is gone
show_console() {
	echo "----- $1 console -----"
	cat "/var/log/xen/console/guest-$1.log"
	echo "----- end of $1 console -----"
}

# take_back DOMID RES OFF LEN: take lent pages back the way dom0's memory
# allows: hole punch of a memfd, or the GPU driver moving the buffer
take_back() {
	if [ "$HOSTMEM" = gpu ]; then
		xenlend-ctl migrate "$@"
	else
		xenlend-ctl punch "$@"
	fi
}
how() {
	if [ "$HOSTMEM" = gpu ]; then
		echo "GPU buffer moved (old mapping gone, buffer freed)"
	else
		echo "hole punch"
	fi
}

# second_start NAME FUNC [ARGS...]: run FUNC, one guest's scenario, which
# returns 3 when the emulator killed the guest (emulator_killed; its checks
# skipped, not counted): then once more, saying so. Killed again, that is a
# failure: a run never passes without the scenario's checks (run-vm.sh
# boots again when the emulator broke a run).
second_start() {
	what=$1
	shift
	"$@"
	[ $? = 3 ] || return 0
	echo "XENLEND-E2E: WARN $what: killed by the emulator's SVM bug (a triple fault it caused); second start"
	"$@"
	[ $? = 3 ] || return 0
	ko "$what: killed by the emulator on both starts: its checks did not run"
}

# run_guest NAME TYPE [ROLE]: the lending test (role lend: then the
# protocol tests in check mode; role lend-only: not), with a second start.
run_guest() {
	second_start "$1" run_guest_once "$@"
}

# emulator_killed DOMID: Xen destroyed the domain for a triple fault that
# QEMU's TCG emulation of SVM caused (docs/DECISIONS.md): the saved state is
# Xen's own (code segment e008), which no code of the guest's can load, or
# the guest faulted reading its own IDT in the CPU entry area (vector 8).
emulator_killed() {
	xl dmesg | awk -v d="d$1v" '
		/Triple fault/ { hit = index($0, d) > 0; n = 0; next }
		hit && n++ < 20 && (/cs: e008/ || /RIP: *e008:/ || /cr2: fffffe00000000/) {
			found = 1
		}
		END { exit !found }'
}

# killed_now: the running guest is gone and the emulator killed it; its
# console log is kept aside. Return: 0 when so.
killed_now() {
	gone "$name" && emulator_killed "$domid" || return 1
	echo "XENLEND-E2E: $name's last console line: $(tr -d '\r' <"$log" | tail -n 1)"
	mv "$log" "$log.killed"
	return 0
}

# Return: 0, or 3 when the emulator killed the guest (its checks skipped).
run_guest_once() {
	role=${3:-lend}
	# The PV guest of the check run also runs IGT's upstream tests.
	rd=domU.cpio.gz
	[ "$MODE" = check ] && [ "$role" = lend ] && [ "$2" = pv ] && rd=domU-igt.cpio.gz
	create_guest "$1" "$2" "$role" "$rd" || return 0
	name=$1

	# The lending test: dom0 rewrites the lent memory, then punches a hole.
	if [ "$2" = pvh ]; then
		if ! wait_for 90 eval 'grep -q "LEND: ready-for-refill" "$log" || gone "$name"' ||
		   ! grep -q 'LEND: ready-for-refill' "$log"; then
			killed_now && return 3
			ko "$name: lend test never reached the refill step"
			cat "$log"; tail -n 40 "$BLOG"
		else
			res=$(sed -n 's/.*LEND: ready-for-refill res=\([0-9]*\).*/\1/p' "$log")
			xenlend-ctl status | tee /tmp/status-$name
			xenlend-ctl refill "$domid" "$res" >/dev/null || ko "$name: refill"
			if wait_for 60 grep -q 'LEND: ready-for-punch' "$log"; then
				take_back "$domid" "$res" 0 1048576 >/dev/null || ko "$name: $(how)"
			fi
			# Explicit revoke of the first 16 MiB, then a second rewrite:
			# the guest refaults each revoked page (counted below).
			if wait_for 60 grep -q 'LEND: ready-for-revoke' "$log"; then
				xenlend-ctl status >/tmp/status-$name-before-revoke
				xenlend-ctl revoke "$domid" "$res" 0 16777216 >/dev/null ||
					ko "$name: revoke"
				wait_for 10 acked "$domid" 2
				xenlend-ctl refill "$domid" "$res" >/dev/null || ko "$name: refill 2"
				wait_for 60 grep -q 'LEND: .* after the explicit revoke' "$log"
				xenlend-ctl status >/tmp/status-$name-after-revoke
			fi
		fi
	fi

	if [ "$MODE" = check ] && [ "$role" = lend ]; then
		if wait_for 90 eval 'grep -q ready-for-events "$log" || gone "$name"' &&
		   grep -q 'ready-for-events' "$log"; then
			inject_events "$domid"
		else
			killed_now && return 3
			ko "$name: guest tests did not reach the event phase"
		fi
	fi

	# IGT's upstream tests take a minute or two under the emulator.
	if ! wait_for 300 gone "$name"; then
		ko "$name: did not power off"
		xl destroy "$name"
	fi
	killed_now && return 3
	show_console "$name"

	check "$name: guest driver completed HELLO" grep -q 'XENLEND-DOMU: handshake ok' "$log"
	check "$name: broker completed HELLO" grep -q "dom$domid: HELLO: connected" "$BLOG"
	if [ "$2" = pvh ]; then
		check "$name: 64 MiB lent object reads back what dom0 wrote" \
			grep -q 'LEND: PASS verify' "$log"
		check "$name: dom0's rewrite visible through the lent mapping" \
			grep -q 'LEND: PASS refill' "$log"
		check "$name: $(how) revoked, refault shows the new pages" \
			grep -q 'LEND: PASS after the hole punch' "$log"
		check "$name: broker saw the revocation acknowledged" \
			grep -q "dom$domid: revoke seq [0-9]* acknowledged" "$BLOG"
		faults=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) fault_pages=\([0-9]*\).*/\1 \2/p" \
			/tmp/status-$name)
		f1=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) .*/\1/p" /tmp/status-$name-before-revoke)
		f2=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) .*/\1/p" /tmp/status-$name-after-revoke)
		check "$name: explicit broker revoke acknowledged" acked "$domid" 2
		check "$name: after the explicit revoke of 16 MiB every page refaulted (FAULTs ${f1:-?} -> ${f2:-?})" \
			test -n "$f1" -a -n "$f2" -a "$((${f2:-0} - ${f1:-0}))" -ge 8
		check "$name: refault after the explicit revoke shows the new data" \
			grep -q 'LEND: PASS after the explicit revoke' "$log"
		echo "XENLEND-E2E: $name: first touch of 64 MiB took ${faults% *} FAULT round trips for ${faults#* } pages"
		# A guest that never faulted leaves no figures: fail, but carry on.
		faults=${faults:-0 0}
		check "$name: faults are batched (${faults% *} round trips for ${faults#* } pages)" \
			test "${faults% *}" -gt 0 -a "$((${faults% *} * 64))" -le "${faults#* }"
	else
		check "$name: PV guest refuses to map lent memory cleanly" \
			grep -q 'LEND: mmap refused: Operation not supported' "$log"
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ]; then
		res=$(sed -n 's/.*XENLEND-DOMU: RESULT \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$log")
		check "$name: guest protocol tests ($res)" \
			test -n "$res" -a "${res#* }" = 0 -a "${res% *}" -gt 0
		nbad=$(grep '^ctrl ' $R/vectors.txt | grep -vc '^ctrl [^ ]* 0 ')
		check "$name: broker logged why it turned down $nbad requests" \
			test "$(grep -cE "dom$domid: (rejected|refused)" "$BLOG")" -ge "$nbad"
		nevt=$(grep -c '^evt ' $R/vectors.txt)
		check "$name: guest answered every malformed event with an error" \
			test "$(grep -cE "dom$domid: [A-Za-z_]+ id [0-9]+ answered: (invalid|protocol error)" \
				"$BLOG")" -ge "$nevt"
		check "$name: valid FENCE answered after malformed events" \
			grep -q "dom$domid: FENCE id [0-9]* answered: ok" "$BLOG"
		# Summary lines: xenlend_basic, then xenlend_render.
		sed -n 's/^Summary: \([0-9]*\) subtests: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2 \3/p' \
			"$log" >/tmp/igt-$name
		read -r n_all n_pass n_fail </tmp/igt-$name || true
		check "$name: igt xenlend_basic: ${n_pass:-?} of ${n_all:-?} subtests passed, ${n_fail:-?} failed" \
			test -n "$n_all" -a "${n_fail:-1}" = 0 -a "${n_pass:-0}" -gt 0
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ] && [ "$2" = pv ]; then
		n_all= n_pass= n_fail=
		sed -n 2p /tmp/igt-$name >/tmp/igt-render-$name
		read -r n_all n_pass n_fail </tmp/igt-render-$name || true
		check "$name: igt xenlend_render (virglrenderer in dom0): ${n_pass:-?} of ${n_all:-?} subtests passed, ${n_fail:-?} failed" \
			test -n "$n_all" -a "${n_fail:-1}" = 0 -a "${n_pass:-0}" = "$n_all"
		check "$name: IGT's upstream tests, by igt_runner: $(upstream_igt_passed "$log") of $(grep -c . $R/upstream.testlist) passed" \
			upstream_igt_ok "$log"
		check "$name: broker started a render worker for it, as user nobody" \
			grep -q "dom$domid: render worker .* started, pid [0-9]*, user nobody" "$BLOG"
		check "$name: its render worker runs under the broker's seccomp filter" \
			grep -q "xenlend-render\[d$domid\]: seccomp mode 2" "$BLOG"
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ] && [ "$2" = pvh ]; then
		check "$name: igt unbind-with-live-mapping (SIGBUS, ENODEV, clean close)" \
			grep -q '^Subtest unbind-with-live-mapping: SUCCESS' "$log"
	fi
	check "$name: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	nwarn=$(grep -c 'XENLEND-DOMU: WARN' "$log")
	[ "$nwarn" = 0 ] || echo "XENLEND-E2E: WARN $name: $nwarn guest helper crashes retried"
	check "$name: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid ($name): gone" "$BLOG"
	return 0
}

HOSTMEM=memfd
# Pages the lending engine holds over all guests: lent (granted or revoked,
# not yet released) and quarantined (released while a guest still mapped them).
engine() { cat /sys/class/misc/xenlend-host/pages_$1; }
at_baseline() { [ "$(engine lent)" = 0 ] && [ "$(engine quarantined)" = 0 ]; }
# lending_now: pages are lent at this moment; sets lent to their number
lending_now() { lent=$(engine lent); [ "$lent" -gt 0 ]; }
# count PATTERN FILE
count() { grep -c "$1" "$2"; }
# rounds_past N: the stress guest finished more than N good rounds
rounds_past() { [ "$(count 'STRESS: ok' "$log")" -gt "$1" ]; }
# start_broker [ARGS...]: start the broker from its unit with --verbose and
# ARGS; sets BPID and waits for its "ready" line
start_broker() {
	BPID=$($R/run-unit.sh $UNIT $BLOG --verbose "$@")
	nready=$((${nready:-0} + 1))
	wait_for 10 sh -c "[ \$(grep -c 'ready: backend domain' $BLOG) -ge $nready ]"
}

# seconds_for_rounds N: time the stress guest takes for N more good rounds
seconds_for_rounds() {
	t0=$(up)
	wait_for 120 rounds_past $(($(count 'STRESS: ok' "$log") + $1)) || return 1
	echo "$(up) $t0" | awk '{print $1 - $2}'
}

# flood_beside: while the stress guest lends, another guest keeps its
# control ring full of FAULT requests, with random and adversarial messages
# in between. The broker must go on serving the stress guest (each guest's
# turn is bounded), reject what does not parse, and lose nothing.
flood_beside() {
	before=$(seconds_for_rounds 2)
	s_name=$name s_log=$log s_domid=$domid
	create_guest domu-flood pv flood || return
	f_domid=$domid f_log=$log
	name=$s_name log=$s_log domid=$s_domid
	if wait_for 60 grep -q 'XENLEND-DOMU: flooding' "$f_log"; then
		echo "XENLEND-E2E: domu-flood: flooding at $(up)"
		reqs0=$(xenlend-ctl status | sed -n "s/^dom$f_domid .* requests=\([0-9]*\) .*/\1/p")
		echo "XENLEND-E2E: domu-flood: $reqs0 requests at $(up)"
		during=$(seconds_for_rounds 2)
		check "$name: lends on while dom$f_domid floods the broker" test -n "$during"
		reqs=$(xenlend-ctl status | sed -n "s/^dom$f_domid .* requests=\([0-9]*\) .*/\1/p")
		echo "XENLEND-E2E: flood: 2 stress rounds took ${before:-?} s before and ${during:-?} s" \
			"during the flood, which sent $((${reqs:-0} - ${reqs0:-0})) requests meanwhile" \
			"(ratio $(echo "${during:-0} ${before:-1}" | awk '{printf "%.2f", $1 / $2}'))"
		check "domu-flood: the flood reached the broker ($((${reqs:-0} - ${reqs0:-0})) requests in ${during:-?} s)" \
			test "$((${reqs:-0} - ${reqs0:-0}))" -gt 100
		# Then a round of the stress guest after the first random batch.
		wait_for 120 grep -q "flood: random and adversarial messages 1 sent" "$f_log"
		after=$(seconds_for_rounds 1)
		rej=$(xenlend-ctl status | sed -n "s/^dom$f_domid .* rejected=\([0-9]*\) .*/\1/p")
		check "domu-flood: its random and adversarial messages rejected (${rej:-none}), $name lends on (a round in ${after:-no} s)" \
			eval 'grep -q "flood: random and adversarial messages 1 sent" "$f_log" &&
				test "${rej:-0}" -gt 0 && test -n "$after"'
	else
		ko "domu-flood: never started flooding"
	fi
	xl destroy domu-flood
	check "domu-flood: broker released the device of the destroyed flooder" \
		wait_for 10 grep -q "dom$f_domid (domu-flood): gone" "$BLOG"
	show_console domu-flood | tail -n 5
}

# run_stress: a guest lends round after round while the broker is killed
# mid-fault and restarted, then the guest is destroyed mid-fault. Nothing
# may leak in dom0, and the broker must go on serving.
run_stress() {
	second_start domu-stress run_stress_once
}

# Return: 0, or 3 when the emulator killed the guest before its first
# lending rounds (later, the broker was killed and restarted for it: a
# second start would not test the same thing).
run_stress_once() {
	create_guest domu-stress pvh stress || return 0
	if ! wait_for 90 eval 'rounds_past 2 || gone "$name"' || gone "$name"; then
		killed_now && return 3
		ko "$name: no lending rounds"
		show_console "$name"
		xl destroy "$name"
		return 0
	fi
	# Mid-fault: while the engine holds pages lent to the guest.
	wait_for 30 lending_now
	kill -KILL "$BPID"
	wait_for 10 sh -c "! kill -0 $BPID 2>/dev/null"
	check "$name: broker killed with $lent pages lent: none stays lent ($(engine lent) lent, $(engine quarantined) quarantined while the guest maps them)" \
		test "$lent" -gt 0 -a "$(engine lent)" = 0
	check "$name: guest saw the broker die as failed rounds, not a hang" \
		wait_for 30 grep -qE 'STRESS: (sigbus|error) ' "$log"
	good=$(count 'STRESS: ok' "$log")
	# From here on, lent memory is GPU buffers of vgem, dom0's stand-in GPU.
	sed 's|^host_memory *=.*|host_memory = gpu:/dev/dri/card0|' /etc/xenlend/broker.conf \
		>/run/broker-gpu.conf
	HOSTMEM=gpu
	# A domain that died while no broker ran leaves its backend behind.
	xenstore-write /local/domain/0/backend/xenlend/999/0/state 6
	start_broker --test-hooks --config /run/broker-gpu.conf
	check "broker restarted, lending vgem GPU buffers (pid $BPID)" \
		eval 'kill -0 "$BPID" && grep "ready: backend" "$BLOG" | tail -n 1 |
			grep -q "host memory gpu:/dev/dri/card0"'
	check "restarted broker removed the backend of a domain that died meanwhile" \
		wait_for 10 eval '! xenstore-exists /local/domain/0/backend/xenlend/999'
	check "restarted broker kept the backend of the live guest" \
		xenstore-exists /local/domain/0/backend/xenlend/$domid/0
	check "$name: guest reconnected to the restarted broker" \
		wait_for 30 sh -c "[ \$(grep -c 'dom$domid: HELLO: connected' $BLOG) -ge 2 ]"
	check "$name: lending works again after the restart, from GPU buffers" \
		wait_for 60 rounds_past $((good + 1))
	flood_beside
	wait_for 30 lending_now
	xl destroy "$name"
	check "$name: destroyed mid-fault: broker released its device" \
		wait_for 10 grep -q "dom$domid ($name): gone" "$BLOG"
	check "$name: destroyed with $lent pages lent: dom0 holds no lent or quarantined page" \
		eval 'test "$lent" -gt 0 && wait_for 15 at_baseline'
	show_console "$name"
	check "$name: every round that finished read what dom0 wrote" \
		test "$(count 'STRESS: FAIL' "$log")" = 0
	check "broker survived the destroyed guest" kill -0 "$BPID"
	return 0
}

# run_hostile: a guest ignores REVOKE and keeps its mapping. dom0 must go on
# at once, quarantine the pages, disconnect the guest at the deadline and
# never reuse a page the guest still maps.
run_hostile() {
	second_start domu-hostile run_hostile_once
}

# Return: 0, or 3 when the emulator killed the guest before it got ready.
run_hostile_once() {
	create_guest domu-hostile pvh hostile || return 0
	if ! wait_for 90 eval 'grep -q "HOSTILE: .*ready-for-punch" "$log" || gone "$name"' ||
			gone "$name"; then
		killed_now && return 3
		ko "$name: never got ready"
		show_console "$name"
		xl destroy "$name"
		return 0
	fi
	res=$(sed -n 's/.*ready-for-punch res=\([0-9]*\).*/\1/p' "$log")
	lent=$(engine lent)
	t0=$(up)
	out=$(take_back "$domid" "$res" 0 16777216)
	echo "XENLEND-E2E: $name: $(how) of 16 MiB returned in $(echo "$(up) $t0" | awk '{print $1 - $2}')s ($out)"
	check "$name: dom0's $(how) completed although the guest never answers" \
		test "$out" = ok
	check "$name: disconnected at the deadline" \
		wait_for 10 grep -q "dom$domid ($name): disconnected for good: revocation seq [0-9]* not acknowledged within" "$BLOG"
	grep "dom$domid: revoke seq" "$BLOG" | tail -n 2
	q=$(engine quarantined)
	check "$name: all $lent lent pages quarantined while it maps them ($q)" test "$q" -ge 4096
	err=$(xenstore-read "/local/domain/0/backend/xenlend/$domid/0/error" 2>&1)
	check "$name: reason reported in xenstore ($err)" \
		sh -c "echo '$err' | grep -q 'not acknowledged'"
	check "$name: not served again" sh -c "xenlend-ctl status | grep -q '^dom$domid .* banned=1'"
	if wait_for 30 grep -q 'HOSTILE: .*ready-for-pressure' "$log"; then
		# Make dom0 reuse what it freed (up to 512 MiB of it), with a
		# pattern the guest would see through any page dom0 reused.
		kb=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		kb=$((kb - 131072))
		[ "$kb" -gt 524288 ] && kb=524288
		mkdir -p /run/pressure
		mount -t tmpfs -o size=$((kb * 1024)) tmpfs /run/pressure
		head -c $((kb * 1024)) /dev/zero | tr '\0' 'Z' >/run/pressure/fill 2>/dev/null
		echo "XENLEND-E2E: $name: dom0 filled $(du -m /run/pressure/fill | cut -f1) MiB of free memory"
		umount /run/pressure
		# It still maps dom0 memory: saving it (as migration would) is
		# refused by its driver, and the toolstack gives up.
		t0=$(up)
		if xl save -c "$name" /run/borrower.save >/tmp/save-$name.log 2>&1; then
			ko "$name: xl save of a guest that maps dom0 memory succeeded"
		else
			echo "XENLEND-E2E: $name: xl save failed after $(echo "$(up) $t0" |
				awk '{print $1 - $2}')s: $(grep -m1 -i 'suspend' /tmp/save-$name.log)"
		fi
		rm -f /run/borrower.save
		err=$(xenstore-read "/local/domain/$domid/error/device/xenlend/0/error" 2>&1)
		check "$name: its driver refused save/migration with a clear error ($err)" \
			sh -c "echo '$err' | grep -q 'refusing to save or migrate'"
		check "$name: still running after the refused save" \
			sh -c "xl list '$name' | grep -q '$name'"
		echo go >"$(xenstore-read /local/domain/$domid/console/tty)"
	else
		ko "$name: never noticed the disconnect"
	fi
	wait_for 60 gone "$name" || xl destroy "$name"
	show_console "$name"
	check "$name: the pages it still mapped were never reused by dom0" \
		grep -q 'HOSTILE: PASS every page we still map is unchanged' "$log"
	check "$name: once it let go, the quarantine drained" wait_for 15 at_baseline
	return 0
}

# run_gl: a PV domU runs a GL program on the patched Mesa, through xenlend
# to dom0's virglrenderer; its frame goes to the console as base64.
run_gl() {
	create_guest domu-gl pv gl domU-gl.cpio.gz || return
	if ! wait_for 300 gone domu-gl; then
		ko "domu-gl: did not power off"
		show_renderers
		xl destroy domu-gl
	fi
	show_console domu-gl
	check "domu-gl: without MESA_VIRTGPU_DRIVER Mesa leaves the xenlend device alone" \
		grep -q 'gl-render without MESA_VIRTGPU_DRIVER exit 2' "$log"
	check "domu-gl: Mesa's virgl driver renders through xenlend ($(sed -n \
		's/^GL: renderer: //p' "$log" | head -n 1))" grep -q '^GL: renderer: virgl' "$log"
	check "domu-gl: offscreen triangle read back right (red center, blue corners)" \
		grep -q '^GL: PASS triangle' "$log"
	check "domu-gl: the GL program exits 0" grep -q 'XENLEND-DOMU: gl-render exit 0' "$log"
	check "domu-gl: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	check "domu-gl: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-gl): gone" "$BLOG"
}

# run_vk: a PVH domU runs vulkaninfo and xenlend-vk-memory on the patched
# Mesa's venus driver, whose ring and host-visible device memory are
# renderer blobs lent by dom0. A second start when the emulator killed it
# (see run_guest).
run_vk() {
	second_start domu-vk run_vk_once
}

# vk_status: keep the broker's figures of domu-vk while it still has them
vk_status() {
	xenlend-ctl status 2>/dev/null | grep "name=domu-vk " >/tmp/status-domu-vk.new &&
		mv /tmp/status-domu-vk.new /tmp/status-domu-vk
	return 0
}

# vk_revoke_loop: while the guest's last Vulkan programs run, take back all
# its lent memory every 0.2 s (xenlend-ctl revoke-all); sets vk_revoked to
# the revocations the guest acknowledged meanwhile, vkm_revoked to those
# since vulkaninfo's last run (while xenlend-vk-memory ran). Return: 1 if
# it did not finish within about 300 s.
vk_revoke_loop() {
	n0=$(acks "$domid")
	n1=
	t_end=$(($(date +%s) + 300))
	t_say=$(($(date +%s) + 30))
	while ! grep -q 'vk-memory under revocation exit' "$log"; do
		gone domu-vk && break
		[ "$(date +%s)" -lt "$t_end" ] || return 1
		[ -n "$n1" ] || ! grep -q 'vulkaninfo under revocation exit' "$log" ||
			n1=$(acks "$domid")
		xenlend-ctl revoke-all "$domid" >/dev/null 2>&1
		vk_status
		if [ "$(date +%s)" -ge "$t_say" ]; then
			echo "XENLEND-E2E: domu-vk: still revoking"
			t_say=$(($(date +%s) + 30))
		fi
		sleep 0.2
	done
	n2=$(acks "$domid")
	vk_revoked=$((n2 - n0))
	vkm_revoked=$((n2 - ${n1:-$n2}))
	return 0
}

# Return: 0, or 3 when the emulator killed the guest (its checks skipped).
run_vk_once() {
	create_guest domu-vk pvh vk domU-gl.cpio.gz || return 0
	rm -f /tmp/status-domu-vk
	vk_revoked=0 vkm_revoked=0
	# The broker's figures of the guest, while it still has them.
	if ! wait_for 300 eval 'vk_status; grep -q "under revocation starts" "$log" ||
			gone domu-vk'; then
		ko "domu-vk: vulkaninfo never got to its run under revocation"
	elif ! gone domu-vk && ! vk_revoke_loop; then
		ko "domu-vk: vulkaninfo under revocation did not finish"
	elif ! wait_for 300 eval 'vk_status; gone domu-vk'; then
		ko "domu-vk: did not power off"
	fi
	if ! gone domu-vk; then
		show_renderers
		xl destroy domu-vk
	fi
	killed_now && return 3
	show_console domu-vk
	check "domu-vk: without MESA_VIRTGPU_DRIVER venus leaves the xenlend device alone" \
		eval '! grep -q "^NOENV: .*Venus" "$log"'
	check "domu-vk: vulkaninfo sees venus through xenlend ($(grep -v '^NOENV\|^REVOKED' \
		"$log" | sed -n 's/.*deviceName *= *//p' | head -n 1 | tr -d '\r'))" \
		eval 'grep -v "^NOENV\|^REVOKED" "$log" | grep -q "deviceName *= *Virtio-GPU Venus"'
	check "domu-vk: vulkaninfo exits 0" grep -q 'XENLEND-DOMU: vulkaninfo exit 0' "$log"
	check "domu-vk: a Vulkan program writes host-visible memory, the GPU copies and fills it, the guest reads it back right" \
		eval 'grep -q "XENLEND-DOMU: vk-memory exit 0" "$log" &&
			grep -v "^REVOKED" "$log" | grep -q "^VK: device Virtio-GPU Venus"'
	check "domu-vk: dom0 lent the device's host-visible memory ($(grep -c \
		"xenlend-render\[d$domid\]: resource [0-9]*: an opaque export" "$BLOG") blobs)" \
		grep -q "xenlend-render\[d$domid\]: resource [0-9]*: an opaque export of 1024 KiB" "$BLOG"
	check "domu-vk: the same, 4 rounds, while dom0 revokes and re-lends the memory ($vkm_revoked revocations meanwhile, 1 or more)" \
		eval 'grep -q "XENLEND-DOMU: vk-memory under revocation exit 0" "$log" &&
			grep -q "^REVOKED: VK: round 3: .* read back right" "$log" &&
			test "$vkm_revoked" -ge 1'
	check "domu-vk: vulkaninfo works while dom0 revokes and re-lends venus's memory" \
		eval 'grep -q "XENLEND-DOMU: vulkaninfo under revocation exit 0" "$log" &&
			grep -q "^REVOKED: .*deviceName *= *Virtio-GPU Venus" "$log"'
	check "domu-vk: $vk_revoked revocations of its memory acknowledged meanwhile (2 or more)" \
		test "$vk_revoked" -ge 2
	check "domu-vk: the broker lent venus its ring" \
		grep -q "dom$domid name=domu-vk .*faults=[1-9]" /tmp/status-domu-vk
	check "domu-vk: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	check "domu-vk: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-vk): gone" "$BLOG"
	return 0
}

# bench_figure TAG LOG NAME: "COUNT SECONDS" of a "TAG-BENCH NAME" line
bench_figure() {
	tr -d '\r' <"$2" | sed -n "s/^$1-BENCH $3 \([0-9]*\) \([0-9.]*\).*/\1 \2/p" | tail -n 1
}

# bench_ratios TAG FIGURES...: a BENCH line per figure and baseline, the
# guest's figure (from $log) against the same program's in dom0 over vtest
# and directly (/tmp/TAG-vtest.log, /tmp/TAG-native.log; tag in lower case)
bench_ratios() {
	tag=$1
	low=$(echo "$tag" | tr 'A-Z' 'a-z')
	shift
	for f in "$@"; do
		x=$(bench_figure "$tag" "$log" "$f")
		for b in vtest native; do
			y=$(bench_figure "$tag" "/tmp/$low-$b.log" "$f")
			[ -n "$x" ] && [ -n "$y" ] || continue
			echo "BENCH,$low-$f-vs-$b,${x% *},${x#* },${y#* },$(awk \
				"BEGIN { printf \"%.3f\", ${x#* } / ${y#* } }")"
		done
	done
}

# run_gl_bench: gl-render in a PV guest through xenlend, then the same
# program and Mesa version in dom0 over virglrenderer's vtest socket (the
# existing alternative) and directly on llvmpipe (no virtualisation);
# BENCH lines with the ratios.
run_gl_bench() {
	# Two starts: once (2026-12-01) the guest went away in the middle of
	# its figures, its console ending after Mesa's version line.
	for gl_start in 1 2; do
		create_guest domu-gl pv gl domU-gl.cpio.gz || return
		wait_for 600 gone domu-gl || { ko "domu-gl: did not power off"; xl destroy domu-gl; }
		show_console domu-gl
		grep -q 'XENLEND-DOMU: gl-render exit' "$log" && break
		echo "XENLEND-E2E: WARN domu-gl: gone before its figures were out; start $gl_start"
		mv "$log" "$log.died"
	done
	check "GL figures from the guest" grep -q 'XENLEND-DOMU: gl-render exit 0' "$log"
	export HOME=/tmp MESA_SHADER_CACHE_DISABLE=true
	LIBGL_ALWAYS_SOFTWARE=1 virgl_test_server --use-egl-surfaceless --multi-clients \
		--socket-path /tmp/vtest.sock >/tmp/vtest-server.log 2>&1 &
	vpid=$!
	wait_for 60 test -S /tmp/vtest.sock
	VTEST_SOCKET_NAME=/tmp/vtest.sock GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 \
		$R/xenlend-gl-render --bench >/tmp/gl-vtest.log 2>&1
	kill "$vpid"
	LIBGL_ALWAYS_SOFTWARE=1 GALLIUM_DRIVER=llvmpipe $R/xenlend-gl-render --bench \
		>/tmp/gl-native.log 2>&1
	for b in vtest native; do
		echo "----- gl-render in dom0, $b -----"
		cat /tmp/gl-$b.log
	done
	check "GL baseline over vtest rendered right" grep -q '^GL: PASS triangle' /tmp/gl-vtest.log
	bench_ratios GL draws readback-rtt
}

# scale_run N: N scaling guests at once (domu-scale1..N, xenlend-bench
# --scale), told "go" together; sets scale_lent and scale_anon to the means
# of their first-touch medians, or to "" when one did not report. Return:
# 3 when the emulator killed one of them. (Callers: wait_for uses $n.)
scale_run() {
	scale_lent= scale_anon=
	: >/tmp/scale-figures
	for i in $(seq "$1"); do
		mv -f "/var/log/xen/console/guest-domu-scale$i.log" /tmp/ 2>/dev/null
		if ! create_guest "domu-scale$i" pvh bench-scale; then
			for j in $(seq "$i"); do
				xl destroy "domu-scale$j" 2>/dev/null
			done
			return 0
		fi
		eval "scale_domid$i=$domid"
	done
	for i in $(seq "$1"); do
		wait_for 120 eval "grep -q 'BENCH-SCALE: ready' /var/log/xen/console/guest-domu-scale$i.log ||
			gone domu-scale$i"
	done
	for i in $(seq "$1"); do
		gone "domu-scale$i" || echo go >"$(xenstore-read \
			"/local/domain/$(xl domid "domu-scale$i")/console/tty")"
	done
	for i in $(seq "$1"); do
		wait_for 300 gone "domu-scale$i" || xl destroy "domu-scale$i"
	done
	st=0
	for i in $(seq "$1"); do
		name=domu-scale$i log=/var/log/xen/console/guest-domu-scale$i.log
		eval "domid=\$scale_domid$i"
		tr -d '\r' <"$log" | sed -n 's/^BENCH-SCALE: lent \([0-9.]*\) anon \([0-9.]*\)/\1 \2/p' \
			>>/tmp/scale-figures
		killed_now && st=3
	done
	[ "$(wc -l </tmp/scale-figures)" = "$1" ] || return $st
	scale_lent=$(awk '{ s += $1 } END { printf "%.6f", s / NR }' /tmp/scale-figures)
	scale_anon=$(awk '{ s += $2 } END { printf "%.6f", s / NR }' /tmp/scale-figures)
	return 0
}

# run_scale_bench: first touch of lent memory in one guest, then in
# four guests at once, against the same for the guests' own memory
# (which the guests' contention for the emulator's two CPUs slows down as
# much); BENCH lines of both slowdowns. Up to three tries of each.
run_scale_bench() {
	for guests in 1 4; do
		try=1
		while ! { scale_run $guests; [ $? != 3 ]; } && [ $try -lt 3 ]; do
			try=$((try + 1))
			echo "XENLEND-E2E: WARN scaling run with $guests guests: the emulator killed one; try $try"
		done
		eval "lent_$guests=\$scale_lent anon_$guests=\$scale_anon"
		echo "XENLEND-E2E: scaling, $guests guests: first touch of 16 MiB lent ${scale_lent:-?} s, guest memory ${scale_anon:-?} s"
	done
	check "scaling figures for 1 and 4 guests at once" \
		test -n "$lent_1" -a -n "$lent_4" -a -n "$anon_1" -a -n "$anon_4"
	[ -n "$lent_1" ] && [ -n "$lent_4" ] && [ -n "$anon_1" ] && [ -n "$anon_4" ] || return 0
	awk -v l1="$lent_1" -v l4="$lent_4" -v a1="$anon_1" -v a4="$anon_4" 'BEGIN {
		printf "BENCH,scale-lent-4-vs-1-guests,16777216,%.6f,%.6f,%.3f\n", l4, l1, l4 / l1
		printf "BENCH,scale-anon-4-vs-1-guests,16777216,%.6f,%.6f,%.3f\n", a4, a1, a4 / a1 }'
}

# run_vk_bench: xenlend-vk-memory --bench in a PVH guest through xenlend,
# then the same program in dom0 over virglrenderer's vtest socket with
# Debian's venus of the same Mesa version (the existing alternative), and
# directly on lavapipe; BENCH lines with the ratios. venus's feedback
# buffers are off in both venus runs: vtest cannot share lavapipe's
# host-visible memory, which they live in.
run_vk_bench() {
	create_guest domu-vk pvh vk domU-gl.cpio.gz || return
	wait_for 600 gone domu-vk || { ko "domu-vk: did not power off"; xl destroy domu-vk; }
	show_console domu-vk
	# dom0's image keeps venus's driver but not its manifest, so that
	# nothing else in dom0 loads it.
	printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' \
		/usr/lib/x86_64-linux-gnu/libvulkan_virtio.so >/tmp/venus_icd.json
	virgl_test_server --venus --use-egl-surfaceless --socket-path /tmp/vtest-vk.sock \
		>/tmp/vtest-vk-server.log 2>&1 &
	vpid=$!
	wait_for 60 test -S /tmp/vtest-vk.sock
	VTEST_SOCKET_NAME=/tmp/vtest-vk.sock VN_DEBUG=vtest VK_ICD_FILENAMES=/tmp/venus_icd.json \
		VN_PERF=no_fence_feedback,no_semaphore_feedback,no_event_feedback,no_query_feedback \
		$R/xenlend-vk-memory --bench >/tmp/vk-vtest.log 2>&1
	kill "$vpid"
	VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json $R/xenlend-vk-memory --bench \
		>/tmp/vk-native.log 2>&1
	for b in vtest native; do
		echo "----- xenlend-vk-memory in dom0, $b -----"
		cat /tmp/vk-$b.log
	done
	check "Vulkan baseline over vtest ran on venus" \
		eval 'grep -q "^VK: device Virtio-GPU Venus" /tmp/vk-vtest.log &&
			grep -q "^VK: bench done" /tmp/vk-vtest.log'
	bench_ratios VK submit-fence copy-4mib
}

echo "XENLEND-E2E: mode $MODE, dom0 uptime $(up)s"
# The object-size benchmark lends one guest 1 GiB (the shipped cap is 256 MiB).
[ "$MODE" = bench ] &&
	sed -i 's/^max_lent_bytes *=.*/max_lent_bytes = 1073741824/' /etc/xenlend/broker.conf
# The test hooks fill lent memory with a known pattern ("what dom0 wrote")
# and let this script punch holes into it; the demo needs them too.
start_broker --test-hooks
check "broker started from its unit (pid $BPID)" test -S /run/xenlend/control

# bench_punch: one poll of the benchmark guest: true once it is gone. In
# its revocation phase, punch the next MiB of its mapped object out of the
# memfd (dom0's MM invalidating lent pages), at most once a poll.
bench_punch() {
	gone "$name" && return 0
	[ "$role" = bench-revoke ] || return 1
	tr -d '\r' <"$log" | grep -q '^BENCH-REVOKE: done' && return 1
	res=$(tr -d '\r' <"$log" | sed -n 's/^BENCH-REVOKE: res \([0-9]*\) of \([0-9]*\) MiB.*/\1 \2/p')
	[ -n "$res" ] || return 1
	xenlend-ctl punch "$domid" "${res% *}" $((punched % ${res#* } * 1048576)) 1048576 \
		>/dev/null 2>&1 && punched=$((punched + 1))
	return 1
}

# run_bench_once ROLE: the benchmark guest domu-ROLE playing ROLE (bench:
# the figures; bench-revoke: the revocation phase). Return: 0, or 3 when
# the emulator killed it.
run_bench_once() {
	role=$1
	create_guest "domu-$role" pvh "$role" || return 0
	punched=0
	wait_for 1200 bench_punch
	killed_now && return 3
	return 0
}

# run_bench ROLE: run_bench_once, up to four starts (the emulator kills
# this guest more often than any other: it maps and unmaps the most).
run_bench() {
	bench_start=1	# not "attempt": create_guest counts its own in that
	while ! { run_bench_once "$1"; [ $? != 3 ]; } && [ $bench_start -lt 4 ]; do
		bench_start=$((bench_start + 1))
		echo "XENLEND-E2E: WARN domu-$1: killed by the emulator's SVM bug (a triple fault it caused); start $bench_start"
	done
	check "benchmark guest domu-$1 finished" gone "domu-$1"
	gone "domu-$1" || xl destroy "domu-$1"
	show_console "domu-$1"
}

# fault_figures: the benchmark guest's first touches of lent memory against
# the same in dom0 natively (a fresh memfd mapping, the kind of buffer the
# broker lends, by the same program), and its FAULT round trips per MiB
# against one fault per 4 KiB page (what a page-by-page first touch takes)
fault_figures() {
	$R/xenlend-bench --dom0 64 >/tmp/dom0-touch.log 2>&1
	check "first touch timed in dom0 natively" grep -q '^BENCH-DOM0: 67108864 ' /tmp/dom0-touch.log
	tr -d '\r' <"$log" | sed -n 's/^BENCH,first-touch,\([0-9]*\),\([0-9.]*\),.*/\1 \2/p' |
		while read -r size t; do
			d=$(sed -n "s/^BENCH-DOM0: $size \([0-9.]*\)/\1/p" /tmp/dom0-touch.log)
			[ -n "$d" ] && awk -v s="$size" -v t="$t" -v d="$d" 'BEGIN {
				printf "BENCH,first-touch-vs-dom0,%d,%.6f,%.9f,%.3f\n", s, t, d,
					(d > 0 ? t / d : 0) }'
		done
	wait_for 10 grep -q "dom$domid: disconnected after" "$BLOG"
	f=$(sed -n "s/.*dom$domid: disconnected after .* \([0-9]*\) FAULTs for \([0-9]*\) pages.*/\1 \2/p" \
		"$BLOG" | tail -n 1)
	case ${f:-x} in *[!0-9\ ]* | "0 0" | *" 0") f= ;; esac
	check "benchmark guest's FAULT round trips counted (${f:-none})" test -n "$f"
	[ -n "$f" ] || return 0
	awk -v n="${f% *}" -v p="${f#* }" 'BEGIN {
		printf "BENCH,fault-round-trips-per-mib,%d,%.3f,%d,%.4f\n", p / 256, n * 256 / p,
			256, n / p }'
}

# stop_broker: SIGTERM, and wait until it is gone
stop_broker() {
	kill -TERM "$BPID"
	wait_for 10 sh -c "! kill -0 $BPID 2>/dev/null"
}

# run_size_bench: the object-size phase, 1 MiB to 1 GiB, with a broker
# without test hooks: with them it writes its pattern into every object it
# creates, and a 256 MiB one then takes longer than the guest's request
# timeout under the emulator. Without them dom0's memory is populated as it
# is lent, as in production. The broker with test hooks comes back after.
run_size_bench() {
	stop_broker
	start_broker
	run_bench bench-size
	check "object-size figures complete (1 MiB to 1 GiB)" \
		eval 'tr -d "\r" <"$log" | grep -qx "BENCH-SIZE: done"'
	stop_broker
	start_broker --test-hooks
}

# revoke_figures: BENCH lines of the revocations of the benchmark guest's
# phase: from dom0's invalidation (the MMU notifier) to the release after
# the guest's REVOKE_DONE, median and 99th percentile, against what the
# notifier callback itself cost for the same revocations (the cost KVM's
# notifier pays to zap its own mappings, the bare MMU-notifier figure).
revoke_figures() {
	sed -n "s/.*dom$domid: revoke seq [0-9]* acknowledged after .* (\([0-9]*\) us from the invalidation, notifier \([0-9]*\) ns).*/\1 \2/p" \
		"$BLOG" >/tmp/revoke-times
	n=$(wc -l </tmp/revoke-times)
	echo "XENLEND-E2E: domu-bench-revoke: $punched holes punched, $n revocations acknowledged"
	check "benchmark guest acknowledged revocations (10 or more)" test "$n" -ge 10
	[ "$n" -ge 10 ] || return 0
	for q in 50 99; do
		lat=$(cut -d' ' -f1 /tmp/revoke-times | sort -n |
			awk -v q=$q '{ v[NR] = $1 } END { print v[int((NR - 1) * q / 100) + 1] }')
		cb=$(cut -d' ' -f2 /tmp/revoke-times | sort -n |
			awk -v q=$q '{ v[NR] = $1 } END { print v[int((NR - 1) * q / 100) + 1] }')
		awk -v q=$q -v n="$n" -v lat="$lat" -v cb="$cb" 'BEGIN {
			printf "BENCH,revoke-p%d-vs-notifier,%d,%.6f,%.9f,%.1f\n", q, n,
				lat / 1e6, cb / 1e9, (cb > 0 ? lat * 1000 / cb : 0) }'
	done
}

if [ "$MODE" = bench ]; then
	# It only measures. The revocation phase is a guest of its own: it
	# lends the most, and the emulator kills a guest the more it lends.
	run_bench bench
	# The console log ends its lines with CR LF.
	check "benchmark figures complete" eval 'tr -d "\r" <"$log" | grep -qx "BENCH: done"'
	fault_figures
	run_bench bench-revoke
	revoke_figures
	run_size_bench
	run_scale_bench
	run_gl_bench
	run_vk_bench
	stop_broker
	echo "XENLEND-E2E: RESULT $pass passed, $failed failed"
	[ "$failed" = 0 ]
	exit
fi

run_guest domu-pv pv
if xl info | grep -q 'virt_caps.*hvm'; then
	run_guest domu-pvh pvh
else
	ko "no hvm in virt_caps: PVH domU impossible"
fi

if [ "$MODE" = check ]; then
	run_stress
	run_guest domu-gpu pvh lend-only
	run_hostile
fi
# Last: llvmpipe and lavapipe JIT-compile in dom0's render workers for
# them, and the emulator broke more guests after that than before.
run_gl
run_vk
check "every guest gone: dom0 holds no lent or quarantined page" wait_for 15 at_baseline
check "every guest gone: no xenlend backend left in xenstore" \
	test -z "$(xenstore-list /local/domain/0/backend/xenlend 2>/dev/null)"
check "every guest gone: the broker maps no lent memory (memfds, GPU buffers)" \
	test "$(grep -cE 'memfd:|/dev/dri/' /proc/$BPID/maps)" = 0
check "every guest gone: no render worker left" \
	test -z "$(grep -l 'xenlend-rende[r]' /proc/[0-9]*/cmdline 2>/dev/null)"

kill -TERM "$BPID"
check "broker stopped cleanly on SIGTERM" wait_for 10 sh -c "! kill -0 $BPID 2>/dev/null"
echo "----- broker log -----"
cat $BLOG
echo "----- end of broker log -----"
echo "XENLEND-E2E: RESULT $pass passed, $failed failed"
[ "$failed" = 0 ]
