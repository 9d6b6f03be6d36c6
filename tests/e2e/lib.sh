# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers of the end-to-end scenarios, for the test dom0 (busybox sh).
# Sourced by tests/e2e/run.sh, never executed. A scenario counts its checks
# with ok/ko/check; create_guest boots a domU, use_broker gives it the
# broker it needs.
R=/xenlend
E=$R/e2e
BLOG=/var/log/xenlend-broker.log
DROPIN=/run/systemd/system/xenlend-broker.service.d
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
			echo "XENLEND-E2E: still waiting for: $*" >&2
			t_say=$(($(date +%s) + 30))
		fi
	done
	return 1
}
gone() { ! xl list "$1" >/dev/null 2>&1; }
# all_gone NAME...: none of the guests named exists any more
all_gone() { for ag_g in "$@"; do gone "$ag_g" || return 1; done; }
# end_guests SECONDS NAME...: wait at most SECONDS until the guests named
# powered off, then destroy what is left of them
end_guests() {
	eg_secs=$1
	shift
	wait_for "$eg_secs" all_gone "$@"
	for eg_g in "$@"; do
		xl destroy "$eg_g" 2>/dev/null
	done
	return 0
}
# guest_tell DOMID LINE: LINE on a guest's console, where its test program
# waits for dom0's word
guest_tell() { echo "$2" >"$(xenstore-read "/local/domain/$1/console/tty")"; }
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
# general protection fault: lines with the kernel's timestamp (programs
# say "WARNING:" too: weston of its debug protocol). A static busybox
# helper killed by a general protection fault ("traps: NAME[PID] general
# protection fault ... in busybox[...]") is the emulator's doing, like its
# SIGSEGVs (DECISIONS.md, known limitations; domu-tests.sh retries those):
# said, not failed.
kernel_clean() {
	nbb=$(grep -c 'traps: .* general protection fault .* in busybox\[' "$1")
	[ "$nbb" = 0 ] ||
		echo "XENLEND-E2E: WARN $name: $nbb busybox helpers killed by a general protection fault"
	! grep -E '^\[ *[0-9]+\.[0-9]+\] .*(BUG|WARNING|Oops|general protection fault)[: ]' "$1" |
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


# Settings of every test domU (see docs/DECISIONS.md, the emulator's
# failure rate): GUEST_EXTRA goes on its kernel command line, GUEST_CFG
# into its xl configuration. guest_preset NAME adds one of the candidates
# that the table there measured; run.sh applies xenlend.guest=NAME+NAME.
GUEST_EXTRA=
GUEST_CFG=
# pin: each domU's vCPU stays on one physical CPU, GUEST_CPU (default 1)
GUEST_PIN=
# The domUs' CPUID (xl's cpuid): no XSAVE, as for dom0 (dom0-cpuid=no-xsave
# in run-vm.sh): with it, their programs broke their heaps and their vector
# registers under the emulator, PV and PVH alike (docs/DECISIONS.md, known
# limitations). Not reset by pvh-starts' candidates: preset xsave gives it.
GUEST_CPUID=host,xsave=0
guest_preset() {
	case $1 in
	default) ;;
	quiet-timers)
		# The TSC's and the delay loop's calibrations given (dom0's TSC
		# frequency; Debian's kernels run at HZ=250), the timer check
		# skipped: early boot does not poll the PIT it does not have.
		khz=$(sed -n 's/^cpu MHz[^0-9]*\([0-9]*\)\.\([0-9]\{3\}\).*/\1\2/p' /proc/cpuinfo |
			head -n 1)
		[ -n "$khz" ] || return 1
		GUEST_EXTRA="$GUEST_EXTRA no_timer_check tsc=reliable tsc_early_khz=$khz lpj=$((khz * 4))" ;;
	shadow) GUEST_CFG="$GUEST_CFG
hap = 0" ;;
	pin) GUEST_PIN=1 ;;
	# xsave: the domU sees XSAVE, as Xen offers it by default
	xsave) GUEST_CPUID= ;;
	*) echo "XENLEND-E2E: unknown guest preset $1"; return 1 ;;
	esac
}

# start_guest NAME TYPE ROLE [RAMDISK]: one start of a domU whose /init
# plays ROLE (see domu-init.sh) from RAMDISK (default domU.cpio.gz), with
# $GUEST_MEM MiB (default 256); sets name, domid and log. Room for 1 GiB
# of lent memory mapped at once (the
# object-size benchmark): maptrack entries for its 262144 grants, and
# paging-pool memory for the p2m tables that map them (with the default
# pool for 256 MiB a PVH guest's grant maps failed at 984 MiB).
# Return: 0 when its init runs; 1 when xl create failed; 2 when it died
# before its init ran; 3 when the emulator killed it (emulator_killed);
# 4 when it did not get to its init within 90 s.
start_guest() {
	name=$1
	log=/var/log/xen/console/guest-$name.log
	cat >/etc/xen/$name.cfg <<EOC
name = "$name"
type = "$2"
memory = ${GUEST_MEM:-256}
vcpus = 1
max_maptrack_frames = 2048
shadow_memory = 16
kernel = "$R/vmlinuz"
ramdisk = "$R/${4:-domU.cpio.gz}"
extra = "console=hvc0 quiet xenlend.mode=$MODE xenlend.role=$3$GUEST_EXTRA"
on_poweroff = "destroy"
on_reboot = "destroy"
on_crash = "destroy"$GUEST_CFG
EOC
	[ -n "$GUEST_PIN" ] && echo "cpus = \"${GUEST_CPU:-1}\"" >>/etc/xen/$name.cfg
	[ -n "$GUEST_CPUID" ] && echo "cpuid = \"$GUEST_CPUID\"" >>/etc/xen/$name.cfg
	[ -f "$log" ] && mv "$log" "$log.old"
	t0=$(up)
	if ! timeout 100 xl create /etc/xen/$name.cfg >/tmp/xl-create.log 2>&1; then
		cat /tmp/xl-create.log
		xl destroy "$name" 2>/dev/null
		return 1
	fi
	domid=$(xl domid "$name")
	echo "XENLEND-E2E: $name is dom$domid (created in $(echo "$(up) $t0" | awk '{print $1 - $2}')s)"
	wait_for 90 eval 'grep -q "XENLEND-DOMU: up" "$log" || gone "$name"'
	grep -q "XENLEND-DOMU: up" "$log" && return 0
	if gone "$name"; then
		emulator_killed "$domid" && return 3
		return 2
	fi
	xl destroy "$name" 2>/dev/null
	return 4
}

# create_guest NAME TYPE ROLE [RAMDISK]: start_guest, started again only
# when the emulator provably killed it before its init ran (a triple fault
# of the emulator's, emulator_killed) or xl itself failed (it crashes or
# hangs under TCG now and then), at most six starts, each said. Return: 0
# when its init runs, 1 (a failed check) when it could not be started.
create_guest() {
	for attempt in 1 2 3 4 5 6; do
		start_guest "$@"
		case $? in
		0) return 0 ;;
		1) echo "XENLEND-E2E: WARN $1: xl create failed; start $attempt" ;;
		3) echo "XENLEND-E2E: WARN $1: killed by the emulator before its init ran, $(fault_where "$domid"); start $attempt"
		   mv "$log" "$log.killed$attempt" ;;
		2) ko "$1: died before its init ran, not by the emulator's doing: $(fault_where "$domid")"
		   show_console "$1"
		   return 1 ;;
		*) ko "$1: did not get to its init within 90 s"
		   show_console "$1"
		   return 1 ;;
		esac
	done
	ko "$1: could not be started (six starts failed)"
	return 1
}

# guest_ready PATTERN [WHAT]: wait (90 s) until the guest just created
# ($name, $log) prints PATTERN on its console, or ends. Return: 0 when it
# printed it and runs; 3 when the emulator killed it (its checks skipped);
# 1 after a failed check "$name: never WHAT" (default "got ready"), with its
# console shown and the guest destroyed.
guest_ready() {
	ready_pattern=$1
	wait_for 90 eval 'grep -q "$ready_pattern" "$log" || gone "$name"' &&
		! gone "$name" && return 0
	killed_now && return 3
	ko "$name: never ${2:-got ready}"
	show_console "$name"
	xl destroy "$name" 2>/dev/null
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


# emulator_killed DOMID: Xen destroyed the domain for a triple fault that
# QEMU's TCG emulation of SVM caused (docs/DECISIONS.md): the saved state is
# Xen's own (code segment e008), which no code of the guest's can load, or
# the guest faulted reading the double-fault gate (vector 8, offset 0x80)
# of its own IDT: in the CPU entry area once it runs, in idt_table in early
# boot. The guests run dom0's kernel, at its link address as dom0 does (Xen
# starts a PVH kernel at its entry point, without the decompressor's
# relocation), so dom0's /proc/kallsyms names their symbols.
emulator_killed() {
	idt=$(awk '$3 == "idt_table" { print $1; exit }' /proc/kallsyms)
	case $idt in *000) idt8=${idt%000}080 ;; *) idt8=none ;; esac
	xl dmesg | awk -v d="d$1v" -v idt8="cr2: $idt8" '
		/Triple fault/ { hit = index($0, d) > 0; n = 0; next }
		hit && n++ < 20 && (/cs: e008/ || /RIP: *e008:/ || /cr2: fffffe0000000080/ ||
			index($0, idt8)) {
			found = 1
		}
		END { exit !found }'
}

# fault_where DOMID: where DOMID's last triple fault happened, by dom0's
# kernel symbols (see emulator_killed)
fault_where() {
	rip=$(xl dmesg | awk -v d="d$1v" '/Triple fault/ { hit = index($0, d) > 0; next }
		hit && /RIP:/ { sub(/.*\[</, ""); sub(/>.*/, ""); r = $0 } END { print r }')
	case $rip in
	"") return 0 ;;
	ffff82d*) echo "in Xen's own code (RIP $rip)"; return 0 ;;
	esac
	awk -v rip="$rip" '$1 <= rip && $1 > best { best = $1; sym = $3 }
		END { if (sym != "") printf "in %s (at %s), RIP %s\n", sym, best, rip }' \
		/proc/kallsyms
}

# killed_now: the running guest is gone and the emulator killed it; its
# console log is kept aside. Return: 0 when so.
killed_now() {
	gone "$name" && emulator_killed "$domid" || return 1
	echo "XENLEND-E2E: $name killed by the emulator $(fault_where "$domid"); its last console line: $(tr -d '\r' <"$log" | tail -n 1)"
	mv "$log" "$log.killed"
	return 0
}


# Pages the lending engine holds over all guests: lent (granted or revoked,
# not yet released) and quarantined (released while a guest still mapped them).
engine() { cat /sys/class/misc/xenlend-host/pages_$1; }
# pinned: GPU buffers the engine holds pinned (lent, revoked or quarantined)
pinned() { cat /sys/class/misc/xenlend-host/buffers_pinned; }
at_baseline() {
	[ "$(engine lent)" = 0 ] && [ "$(engine quarantined)" = 0 ] && [ "$(pinned)" = 0 ]
}
# lending_now: pages are lent at this moment; sets lent to their number
lending_now() { lent=$(engine lent); [ "$lent" -gt 0 ]; }
# count PATTERN FILE
count() { grep -c "$1" "$2"; }
# rounds_past N: the stress guest finished more than N good rounds
rounds_past() { [ "$(count 'STRESS: ok' "$log")" -gt "$1" ]; }
# card_of DRIVER: the /dev/dri/cardN of the device DRIVER drives, or nothing
card_of() {
	for c in /sys/class/drm/card[0-9]*; do
		[ "$(basename "$(readlink "$c/device/driver")")" = "$1" ] &&
			echo "/dev/dri/$(basename "$c")"
	done
}

# use_broker KIND [HOOKS]: make sure the broker runs with host memory KIND
# (memfd: memfds; gpu: GPU buffers of vgem, dom0's stand-in GPU, loaded
# first: card0; a guest that misses a deadline is only disconnected, as
# scenario hostile checks; ttm: buffers of the test-only TTM driver, card
# $TTM_CARD, with the default for GPU memory: a late guest is destroyed, at
# a 30 s deadline that leaves dom0 time to press while it maps; qxl: the
# same with buffers of qxl, card $QXL_CARD; vram: qxl's VRAM, lent into
# the guests' VRAM windows, a 5 s deadline and 96 MiB of VRAM per guest;
# big: memfds
# with 1 GiB per guest, for the object-size benchmark; jail: memfds, and
# render workers bounded to 384 MiB and 64 tasks per guest) and with the test
# hooks (HOOKS "hooks", the default: they fill lent memory with a known
# pattern, "what dom0 wrote", and let the scenarios punch holes into it) or
# without ("nohooks"). Restarts it only when it runs otherwise; sets BPID
# and HOSTMEM.
use_broker() {
	want="$1 ${2:-hooks}"
	[ "$want" = "${BROKER_AS:-}" ] && broker_up && return 0
	broker_up && stop_broker
	case $1 in
	memfd) cp /etc/xenlend/broker.conf /run/broker-memfd.conf ;;
	gpu) sed -e 's|^host_memory *=.*|host_memory = gpu:/dev/dri/card0|' \
		-e 's|^#on_missed_deadline *=.*|on_missed_deadline = disconnect|' \
		/etc/xenlend/broker.conf >/run/broker-gpu.conf ;;
	ttm|qxl) card=$TTM_CARD
		[ "$1" = qxl ] && card=$QXL_CARD
		sed -e "s|^host_memory *=.*|host_memory = gpu:$card|" \
		-e 's|^revoke_timeout_ms *=.*|revoke_timeout_ms = 30000|' \
		/etc/xenlend/broker.conf >/run/broker-$1.conf ;;
	vram) sed -e "s|^host_memory *=.*|host_memory = vram:$QXL_CARD|" \
		-e 's|^revoke_timeout_ms *=.*|revoke_timeout_ms = 5000|' \
		/etc/xenlend/broker.conf >/run/broker-vram.conf
		echo 'max_vram_bytes = 100663296' >>/run/broker-vram.conf ;;
	big) sed 's/^max_lent_bytes *=.*/max_lent_bytes = 1073741824/' \
		/etc/xenlend/broker.conf >/run/broker-big.conf ;;
	jail) sed -e 's/^render_memory_max *=.*/render_memory_max = 402653184/' \
		-e 's/^render_tasks_max *=.*/render_tasks_max = 64/' \
		/etc/xenlend/broker.conf >/run/broker-jail.conf ;;
	esac
	HOSTMEM=$1
	case $1 in big|jail) HOSTMEM=memfd ;; esac
	case $1 in ttm|qxl) HOSTMEM=gpu ;; vram) HOSTMEM=vram ;; esac
	hooks=--test-hooks
	[ "${2:-hooks}" = nohooks ] && hooks=
	start_broker $hooks --config "/run/broker-$1.conf"
	BROKER_AS=$want
}

# broker_up: the broker started last still runs
broker_up() { [ -n "${BPID:-}" ] && kill -0 "$BPID" 2>/dev/null; }

# start_broker [ARGS...]: start xenlend-broker.service, the unit the
# package installed, with its hardening, running the broker with --verbose
# and ARGS (a runtime drop-in replaces ExecStart), its output appended to
# $BLOG and Restart=$BROKER_RESTART (default no: a scenario that kills the
# broker restarts it itself); sets BPID once the unit is active (the broker
# said READY=1) and waits for its "ready" line
start_broker() {
	mkdir -p "$DROPIN"
	printf '[Service]\nExecStart=\nExecStart=/usr/sbin/xenlend-broker --verbose %s\nStandardOutput=append:%s\nStandardError=append:%s\nRestart=%s\n' \
		"$*" "$BLOG" "$BLOG" "${BROKER_RESTART:-no}" >"$DROPIN/e2e.conf"
	nready=$(($(grep -c 'ready: backend domain' "$BLOG" 2>/dev/null) + 1))
	systemctl daemon-reload
	systemctl start xenlend-broker.service ||
		systemctl status --no-pager xenlend-broker.service
	BPID=$(systemctl show -P MainPID xenlend-broker.service)
	BROKER_AS=
	wait_for 10 sh -c "[ \$(grep -c 'ready: backend domain' $BLOG) -ge $nready ]"
}

# stop_broker: stop the unit (SIGTERM) and wait until the broker is gone
stop_broker() {
	systemctl stop xenlend-broker.service
	wait_for 10 sh -c "! kill -0 $BPID 2>/dev/null"
}

# broker_cgroup: the broker's unit's cgroup directory, as dom0 sees it
# (the broker sees it as the root of its own cgroup namespace)
broker_cgroup() {
	echo "/sys/fs/cgroup$(systemctl show -P ControlGroup xenlend-broker.service)"
}

