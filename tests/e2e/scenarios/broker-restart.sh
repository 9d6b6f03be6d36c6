# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU lends round after round while the broker is SIGKILLed mid-fault and restarted on vgem, a second guest floods it with FAULTs and random messages, then the guest is destroyed mid-fault
# suite: check
# budget: 240
# order: 30

# A guest lends round after round while the broker is killed mid-fault and
# restarted, then the guest is destroyed mid-fault. Nothing may leak in
# dom0, and the broker must go on serving.

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

# Return: 0, or 3 when the emulator killed the guest before its first
# lending rounds (later, the broker was killed and restarted for it: a
# second start would not test the same thing).
scenario() {
	use_broker memfd
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
	# A domain that died while no broker ran leaves its backend behind.
	xenstore-write /local/domain/0/backend/xenlend/999/0/state 6
	use_broker gpu
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

