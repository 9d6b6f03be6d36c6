# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers of the benchmark scenarios (make bench), for the test dom0: the
# guests' figures against the same-run baselines, as "BENCH,NAME,..." lines
# that scripts/bench.sh collects. Sourced by tests/e2e/run.sh after lib.sh.

# bench_figure TAG LOG NAME: "COUNT MEDIAN [MIN MAX REPS]" of a
# "TAG-BENCH NAME COUNT MEDIAN MIN MAX REPS" line (seconds)
bench_figure() {
	tr -d '\r' <"$2" |
		sed -n "s/^$1-BENCH $3 \([0-9]*\) \([0-9.]*\)\( [0-9.]* [0-9.]* [0-9]*\)\{0,1\}.*/\1 \2\3/p" |
		tail -n 1
}

# bench_ratios TAG FIGURES...: a BENCH line per figure and baseline, the
# guest's figure (from $log) against the same program's in dom0 over vtest
# and directly (/tmp/TAG-vtest.log, /tmp/TAG-native.log; tag in lower case).
# A figure NAME+VARIANT is the guest's NAME-VARIANT (the same program run
# another way) against the baselines' NAME.
bench_ratios() {
	tag=$1
	low=$(echo "$tag" | tr 'A-Z' 'a-z')
	shift
	for f in "$@"; do
		br_name=$(echo "$f" | tr + -)
		x=$(bench_figure "$tag" "$log" "$br_name")
		for b in vtest native; do
			y=$(bench_figure "$tag" "/tmp/$low-$b.log" "${f%%+*}")
			[ -n "$x" ] && [ -n "$y" ] || continue
			# The medians and their ratio, then each side's min and
			# max and the repetitions (the fewer of the two).
			awk -v name="$low-$br_name-vs-$b" -v x="$x" -v y="$y" 'BEGIN {
				split(x, a, " "); split(y, b, " ")
				printf "BENCH,%s,%d,%s,%s,%.3f,%s,%s,%s,%s,%s\n", name, a[1], a[2],
					b[2], a[2] / b[2], a[3], a[4], b[3], b[4],
					(a[5] == "" || b[5] == "") ? "" : (a[5] + 0 < b[5] + 0 ? a[5] : b[5]) }'
		done
	done
}

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

# bench_guest ROLE: the benchmark guest domu-ROLE playing ROLE (bench:
# the figures; bench-revoke: the revocation phase; bench-size: object
# sizes), until it powers off; its console shown. Return: 0, 1 when it
# could not be started, or 3 when the emulator killed it.
bench_guest() {
	role=$1
	create_guest "domu-$role" pvh "$role" || return 1
	punched=0
	wait_for 1200 bench_punch
	killed_now && return 3
	check "benchmark guest domu-$1 finished" gone "domu-$1"
	gone "domu-$1" || xl destroy "domu-$1"
	show_console "domu-$1"
	return 0
}

# renderer_guest NAME TYPE ROLE: boot NAME from the patched Mesa's ramdisk
# to run ROLE's benchmark programs (bench mode) until it powers off; its
# console shown. Return: 0, 1 when it could not be started, or 3 when the
# emulator killed it.
renderer_guest() {
	create_guest "$1" "$2" "$3" domU-gl.cpio.gz || return 1
	wait_for 600 gone "$1" || { ko "$1: did not power off"; xl destroy "$1"; }
	killed_now && return 3
	show_console "$1"
	return 0
}

# fault_figures: the benchmark guest's first touches of lent memory against
# the same in dom0 natively (a fresh memfd mapping, the kind of buffer the
# broker lends, by the same program), and its FAULT round trips per MiB
# against one fault per 4 KiB page (what a page-by-page first touch takes)
fault_figures() {
	$R/xenlend-bench --dom0 64 >/tmp/dom0-touch.log 2>&1
	check "first touch timed in dom0 natively" grep -q '^BENCH-DOM0: 67108864 ' /tmp/dom0-touch.log
	# The guest's row: size, median, its baseline's median and ratio, then
	# its min and max; dom0's line: size, median, min, max, repetitions.
	tr -d '\r' <"$log" |
		sed -n 's/^BENCH,first-touch,\([0-9]*\),\([0-9.]*\),[0-9.]*,[0-9.]*,\([0-9.]*\),\([0-9.]*\),.*/\1 \2 \3 \4/p' |
		while read -r size t tmin tmax; do
			d=$(sed -n "s/^BENCH-DOM0: $size \([0-9.]* [0-9.]* [0-9.]* [0-9]*\)\$/\1/p" \
				/tmp/dom0-touch.log)
			[ -n "$d" ] && awk -v s="$size" -v t="$t" -v lo="$tmin" -v hi="$tmax" -v d="$d" 'BEGIN {
				split(d, b, " ")
				printf "BENCH,first-touch-vs-dom0,%d,%.6f,%.9f,%.3f,%s,%s,%.9f,%.9f,%d\n",
					s, t, b[1], (b[1] > 0 ? t / b[1] : 0), lo, hi, b[2], b[3], b[4] }'
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
	# dom0's side of the whole benchmark guest's run: the counts that
	# carry over, as the guest's BENCH-OPS lines do for its figures.
	sed -n "s/.*dom$domid: disconnected after \([0-9]*\) requests .* woken \([0-9]*\) times by its event channel, \([0-9]*\) by its render worker; \([0-9]*\) event-channel sends.*/BENCH-DOM0-OPS,bench-guest-run,\1,\2,\3,\4/p" \
		"$BLOG" | tail -n 1
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

# scale_run N: N scaling guests at once (domu-scale1..N, xenlend-bench
# --scale), told "go" together; sets scale_lent and scale_anon to the means
# of their first-touch medians, or to "" when one did not report. Return:
# 3 when the emulator killed one of them. (Callers: wait_for uses $n.)
scale_run() {
	scale_lent= scale_anon=
	: >/tmp/scale-figures
	for i in $(seq "$1"); do
		mv -f "/var/log/xen/console/guest-domu-scale$i.log" /tmp/ 2>/dev/null
		# Pinned guests (lib.sh, guest_preset pin) take turns on the
		# two physical CPUs, as unpinned ones would spread.
		GUEST_CPU=$((i % 2))
		if ! create_guest "domu-scale$i" pvh bench-scale; then
			for j in $(seq "$i"); do
				xl destroy "domu-scale$j" 2>/dev/null
			done
			GUEST_CPU=
			return 0
		fi
		eval "scale_domid$i=$domid"
	done
	GUEST_CPU=
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
