# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: make soak: 30 minutes (XENLEND_SOAK_MINUTES) of four guests at once, a well-behaved one making, faulting, checking and freeing lent blobs while dom0 revokes its memory, one flooding the broker, one ignoring REVOKE, one reconnecting with its memory kept (the last three started again whenever they end): the well-behaved guest is served throughout (its FAULT p50/p99 reported), and at the end dom0's lent pages, grant entries, the broker's descriptors and memory are back where they started
# suite: soak
# budget: 2700
# order: 10

# Issue 18. Not in make check: it takes half an hour.

# sk_metrics: dom0's lent and quarantined pages, grant entries the engine
# holds, the broker's descriptors and resident KiB, MemAvailable KiB
sk_metrics() {
	echo "$(engine lent) $(engine quarantined) $(cat /sys/class/misc/xenlend-host/grants_used)" \
		"$(ls "/proc/$BPID/fd" | wc -l)" \
		"$(sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\).*/\1/p' "/proc/$BPID/status")" \
		"$(sed -n 's/^MemAvailable:[[:space:]]*\([0-9]*\).*/\1/p' /proc/meminfo)"
}
# sk_say WHEN: the metrics, said
sk_say() {
	sk_when=$1
	# shellcheck disable=SC2046 # one number per word
	set -- $(sk_metrics)
	echo "XENLEND-E2E: soak: $sk_when: lent $1 pages, quarantined $2, grants $3, broker fds $4, broker RSS $(($5 / 1024)) MiB, MemAvailable $(($6 / 1024)) MiB"
}
# sk_tty NAME: the console of guest NAME
sk_tty() { xenstore-read "/local/domain/$(xl domid "$1")/console/tty"; }

scenario() {
	sk_min=$(sed -n 's/.*xenlend\.soak_minutes=\([0-9]*\).*/\1/p' /proc/cmdline)
	sk_min=${sk_min:-30}
	use_broker memfd
	sleep 2
	# shellcheck disable=SC2046 # one number per word
	set -- $(sk_metrics)
	sk_g0=$3 sk_fd0=$4 sk_rss0=$5 sk_av0=$6
	sk_say "at the start, $sk_min minutes to go"

	create_guest soak-well pvh soak-well || return 0
	sk_wname=$name sk_wlog=$log sk_wdom=$domid
	sk_starts=0 sk_held=0 sk_rounds=0 sk_went=
	sk_end=$(($(date +%s) + sk_min * 60))
	sk_next=$(($(date +%s) + 300))
	while [ "$(date +%s)" -lt "$sk_end" ] && ! gone "$sk_wname"; do
		for sk_r in flood:pv hostile:pvh hostile-reconnect:pvh; do
			sk_g=soak-${sk_r%%:*}
			gone "$sk_g" || continue
			create_guest "$sk_g" "${sk_r#*:}" "${sk_r%%:*}" && sk_starts=$((sk_starts + 1))
		done
		# The hostile guests wait for a word once dom0 let them go.
		for sk_g in soak-hostile soak-hostile-reconnect; do
			sk_d=$(xl domid "$sk_g" 2>/dev/null) || continue
			case " $sk_went " in *" $sk_d "*) continue ;; esac
			grep -q "HOSTILE: .*\(ready-for-pressure\|reconnect-done\)" \
				"/var/log/xen/console/guest-$sk_g.log" || continue
			echo go >"$(sk_tty "$sk_g")"
			sk_went="$sk_went $sk_d"
		done
		# dom0 takes back the well-behaved guest's memory and the
		# hostile one's (which never gives it back: disconnected).
		xenlend-ctl revoke-all "$sk_wdom" >/dev/null
		gone soak-hostile || xenlend-ctl revoke-all "$(xl domid soak-hostile)" >/dev/null
		sk_h=$(($(engine lent) + $(engine quarantined)))
		[ "$sk_h" -gt "$sk_held" ] && sk_held=$sk_h
		sk_rounds=$((sk_rounds + 1))
		if [ "$(date +%s)" -ge "$sk_next" ]; then
			sk_say "$(((sk_end - $(date +%s)) / 60)) minutes to go, $sk_starts adversaries started"
			grep "SOAK: [0-9]* faults" "$sk_wlog" | tail -n 1
			sk_next=$((sk_next + 300))
		fi
		sleep 5
	done

	echo "done" >"$(sk_tty "$sk_wname")"
	wait_for 120 gone "$sk_wname" || xl destroy "$sk_wname"
	for sk_g in soak-flood soak-hostile soak-hostile-reconnect; do
		xl destroy "$sk_g" 2>/dev/null
	done
	name=$sk_wname log=$sk_wlog
	show_console "$sk_wname"
	sk_faults=$(grep "SOAK: [0-9]* faults" "$sk_wlog" | tail -n 1 | tr -d '\r')
	echo "XENLEND-E2E: soak: $sk_wname: $sk_faults"
	echo "XENLEND-E2E: soak: $sk_rounds rounds, $sk_starts adversaries started, dom0 held at most $sk_held pages"
	check "soak: $sk_wname was served throughout (${sk_faults#SOAK: })" \
		eval 'grep -q "XENLEND-DOMU: soak-test exit 0" "$sk_wlog" &&
		      echo "$sk_faults" | grep -q "[1-9][0-9]* faults.*, 0 errors"'
	check "soak: the adversaries kept coming ($sk_starts started)" test "$sk_starts" -ge 3
	check "soak: the broker still runs" broker_up
	check "soak: lent pages, quarantine and pins back to zero" wait_for 60 at_baseline
	sleep 5
	# shellcheck disable=SC2046 # one number per word
	set -- $(sk_metrics)
	sk_say "at the end"
	check "soak: the engine's grant entries back where they started ($3 of $sk_g0)" \
		test "$3" -le "$sk_g0"
	check "soak: the broker's descriptors back where they started ($4 of $sk_fd0)" \
		test "$4" -le "$sk_fd0"
	check "soak: the broker's memory flat ($(($5 / 1024)) MiB resident, $((sk_rss0 / 1024)) MiB at the start)" \
		test "$5" -le $((sk_rss0 + 16384))
	check "soak: dom0's memory flat (MemAvailable $(($6 / 1024)) MiB, $((sk_av0 / 1024)) MiB at the start)" \
		test "$6" -ge $((sk_av0 - 65536))
	return 0
}
