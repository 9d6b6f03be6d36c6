# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: xenlend-broker.service under systemd with its hardening: the running broker has the capabilities, system call filter, namespaces, cgroup and read-only system its unit says; systemd-analyze security rates the unit (exposure at most 3.0); systemd restarts a broker that crashed and stops one cleanly
# suite: check
# budget: 150
# order: 5

# Issue 18, item 8. Every scenario runs the broker as this unit; this one
# looks at what systemd made of it.

# The bounding set the unit names: CAP_KILL (5), CAP_SETGID (6), CAP_SETUID
# (7), CAP_SYS_ADMIN (21).
BU_CAPS=00000000002000e0

# bu_status FIELD: FIELD of the broker's /proc/PID/status
bu_status() { sed -n "s/^$1:[[:space:]]*//p" "/proc/$BPID/status"; }
# bu_ns NS: true when the broker has a namespace NS of its own
bu_ns() { [ "$(readlink "/proc/$BPID/ns/$1")" != "$(readlink "/proc/1/ns/$1")" ]; }
# bu_mount DIR: the options of the mount at DIR as the broker sees it
bu_mount() { awk -v d="$1" '$5 == d { o = $6 } END { print o }' "/proc/$BPID/mountinfo"; }
# bu_procfs: the options of the proc file system the broker sees (the last
# mount at /proc in its namespace: the one on top)
bu_procfs() { awk '$5 == "/proc" { o = $NF } END { print o }' "/proc/$BPID/mountinfo"; }
bu_show() { systemctl show -P "$1" xenlend-broker.service; }

scenario() {
	use_broker memfd
	check "broker-unit: xenlend-broker.service is active, its main process the broker (pid $BPID)" \
		eval '[ "$(systemctl is-active xenlend-broker.service)" = active ] &&
		      grep -q xenlend-broker "/proc/$BPID/cmdline"'
	check "broker-unit: capability bounding set CAP_SYS_ADMIN CAP_SETUID CAP_SETGID CAP_KILL (CapBnd $(bu_status CapBnd))" \
		test "$(bu_status CapBnd)" = $BU_CAPS
	check "broker-unit: no new privileges, a system call filter (NoNewPrivs $(bu_status NoNewPrivs), Seccomp $(bu_status Seccomp), $(bu_status Seccomp_filters) filters)" \
		eval '[ "$(bu_status NoNewPrivs)" = 1 ] && [ "$(bu_status Seccomp)" = 2 ]'
	for bu_n in net mnt cgroup; do
		check "broker-unit: a $bu_n namespace of its own" bu_ns "$bu_n"
	done
	check "broker-unit: the system read-only (/ $(bu_mount /)), its runtime directory writable (/run/xenlend $(bu_mount /run/xenlend))" \
		eval 'bu_mount / | grep -q "^ro" && bu_mount /run/xenlend | grep -q "^rw"'
	check "broker-unit: its /proc shows its own user's processes and nothing else ($(bu_procfs))" \
		eval 'bu_procfs | grep -q hidepid=invisible && bu_procfs | grep -q subset=pid'
	check "broker-unit: in its unit's cgroup, moved to the leaf \"broker\" ($(cat "/proc/$BPID/cgroup"))" \
		grep -qx "0::$(bu_show ControlGroup)/broker" "/proc/$BPID/cgroup"
	check "broker-unit: its cgroup is delegated with memory and pids ($(cat "$(broker_cgroup)/cgroup.subtree_control"))" \
		eval 'grep -qw memory "$(broker_cgroup)/cgroup.subtree_control" &&
		      grep -qw pids "$(broker_cgroup)/cgroup.subtree_control"'
	check "broker-unit: descriptors and OOM order from the unit (LimitNOFILE $(sed -n 's/^Max open files *\([0-9]*\).*/\1/p' "/proc/$BPID/limits"), oom_score_adj $(cat "/proc/$BPID/oom_score_adj"))" \
		eval '[ "$(sed -n "s/^Max open files *\([0-9]*\).*/\1/p" "/proc/$BPID/limits")" = 16384 ] &&
		      [ "$(cat "/proc/$BPID/oom_score_adj")" = -900 ]'

	# The rating systemd gives the unit as it runs: in the log, what it
	# holds against the unit and the total.
	bu_out=$(systemd-analyze security --no-pager xenlend-broker.service 2>&1)
	echo "$bu_out" | grep -E '^✗|exposure|Failed' | tr -s ' ' | sed 's/^/XENLEND-E2E: security: /'
	bu_exp=$(echo "$bu_out" | sed -n 's/.*Overall exposure level for xenlend-broker.service: \([0-9.]*\) \([A-Z]*\).*/\1 \2/p')
	check "broker-unit: systemd-analyze security xenlend-broker: exposure ${bu_exp:-?} (at most 3.0, OK)" \
		eval 'echo "$bu_exp" | awk "{ exit !(\$1 <= 3.0 && \$2 == \"OK\") }"'

	# A broker that crashes is started again by systemd (Restart=on-failure).
	BROKER_RESTART=on-failure BROKER_AS=
	use_broker memfd
	unset BROKER_RESTART
	bu_old=$BPID
	bu_nready=$(grep -c 'ready: backend domain' "$BLOG")
	kill -SEGV "$bu_old"
	check "broker-unit: a broker that crashed (SIGSEGV) is restarted by systemd and ready again" \
		wait_for 30 eval '[ "$(grep -c "ready: backend domain" "$BLOG")" -gt "$bu_nready" ] &&
			[ "$(bu_show ActiveState)" = active ]'
	BPID=$(bu_show MainPID)
	check "broker-unit: the new broker (pid $BPID, NRestarts $(bu_show NRestarts)) is not the one that crashed (pid $bu_old)" \
		eval '[ "$BPID" != "$bu_old" ] && [ "$(bu_show NRestarts)" -ge 1 ]'
	stop_broker
	# Status 0: it exited (a signal would be its number, SIGTERM's 15).
	check "broker-unit: systemctl stop ends the broker cleanly (exit status $(bu_show ExecMainStatus), result $(bu_show Result))" \
		eval '[ "$(bu_show ExecMainStatus)" = 0 ] && [ "$(bu_show Result)" = success ]'
	BROKER_AS=
	use_broker memfd
	return 0
}
