# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [manual] starts of an idle PVH domU (xenlend.starts=N, default 20, per candidate of xenlend.candidates=PRESETS/PRESETS), the emulator's failures counted (docs/DECISIONS.md)
# suite: manual
# budget: 1500
# order: 10

# Each start on its own, never started again: a triple fault of the
# emulator's, another early death, a guest that does not get to its init
# within 90 s, or an xl create that fails, each counted. The candidates
# (guest presets of lib.sh, "+" between presets of one candidate) take
# turns start by start, so that what changes over a boot hits them alike.
scenario() {
	nstarts=$(sed -n 's/.*xenlend\.starts=\([0-9]*\).*/\1/p' /proc/cmdline)
	nstarts=${nstarts:-20}
	cands=$(sed -n 's/.*xenlend\.candidates=\([a-z/+-]*\).*/\1/p' /proc/cmdline | tr '/' ' ')
	cands=${cands:-default}
	for c in $cands; do
		eval "up_$(echo "$c" | tr '+-' '__')=0 bad_$(echo "$c" | tr '+-' '__')="
	done
	for i in $(seq "$nstarts"); do
		for c in $cands; do
			v=$(echo "$c" | tr '+-' '__')
			# Each candidate on its own: not on top of the adopted
			# presets (run.sh), "default" is none at all.
			GUEST_EXTRA= GUEST_CFG= GUEST_PIN=
			for p in $(echo "$c" | tr '+' ' '); do
				guest_preset "$p" || return 0
			done
			t0=$(up)
			start_guest domu-idle pvh idle
			st=$?
			secs=$(echo "$(up) $t0" | awk '{printf "%.1f", $1 - $2}')
			if [ "$st" = 0 ]; then
				eval "up_$v=\$((up_$v + 1))"
				wait_for 60 gone domu-idle || xl destroy domu-idle
				[ "$i" = 1 ] && wait_for 10 grep -q 'XENLEND-DOMU: boot:' "$log" &&
					grep 'XENLEND-DOMU: boot:' "$log" | head -n 12
			else
				eval "bad_$v=\"\$bad_$v $st\""
				case $st in 2 | 3) echo "XENLEND-E2E: triple fault $(fault_where "$domid")" ;; esac
				show_console domu-idle | tail -n 15
			fi
			echo "XENLEND-E2E: start $i of $c: status $st, up after ${secs}s"
		done
		for c in $cands; do
			v=$(echo "$c" | tr '+-' '__')
			eval "echo \"XENLEND-E2E: STARTS so far: $c: \$up_$v of $i up; failed:\$bad_$v\""
		done
	done
	# Status: 1 xl create failed, 2 died otherwise, 3 killed by the
	# emulator, 4 not at its init within 90 s (start_guest).
	for c in $cands; do
		v=$(echo "$c" | tr '+-' '__')
		eval "u=\$up_$v b=\$bad_$v"
		echo "XENLEND-E2E: STARTS $c: $u of $nstarts up; failed starts' status:${b:- none}"
		check "$c: $nstarts starts of an idle PVH domU all got to their init" test "$u" = "$nstarts"
	done
}
