#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Boot Xen 4.20 with the test dom0 in QEMU (TCG: KVM cannot run Xen on these
# machines) and run end-to-end scenarios (tests/e2e/scenarios/NAME.sh) in it.
# usage: run-vm.sh SUITE [SCENARIO...]
#   SUITE: demo, check, bench, soak or manual; without SCENARIOs, every scenario
#   of that suite (the "# suite:" line of its file), in their "# order:".
# env: XENLEND_LOG (console log, default $XENLEND_CACHE/run-SUITE.log),
#      XENLEND_BOOTS (boots at most, default 3), XENLEND_E2E_SECONDS (time
#      for all boots: check 2400, demo 600, others 5400), XENLEND_SHELL=1 for an
#      interactive dom0 shell at the end (Ctrl-a x quits QEMU); for the
#      emulator measurements (scenario pvh-starts): XENLEND_XEN_ARGS (more
#      of Xen's command line), XENLEND_SMP (QEMU's CPUs, default 2),
#      XENLEND_GUEST (guest presets, tests/e2e/lib.sh), XENLEND_STARTS,
#      XENLEND_CANDIDATES (presets compared start by start, PRESET+PRESET/...);
#      XENLEND_SOAK_MINUTES (scenario soak's duration, default 30).
# One boot runs every scenario asked for. A scenario that got no verdict
# because the machine hung or died, or whose guest the emulator killed on
# every start (KILLED), runs again in a fresh boot with the others of its
# kind; a scenario that printed a FAIL keeps it. The QEMU time limit is the
# sum of the scenarios' budgets ("# budget:" lines) and the boot's, within
# the suite's time budget.
# Ends with "e2e: N passed, M failed" (scenarios); exit status 0 iff none
# failed. The frame a GL guest rendered is written to
# $XENLEND_CACHE/gl-SUITE.png, the desktop's screenshot to
# $XENLEND_CACHE/desktop.png.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib.sh"
SUITE=${1:-demo}
[ $# -gt 0 ] && shift
LOG=${XENLEND_LOG:-$XENLEND_CACHE/run-$SUITE.log}
T=$XENLEND_CACHE/tools
O=$XENLEND_CACHE/img
SC=$TOP/tests/e2e/scenarios
[ -f "$O/dom0.cpio" ] || die "no images: run scripts/xen-env/build-images.sh first"

if [ $# -gt 0 ]; then
	todo=$*
else
	# In the order of their "# order:" lines: the Mesa guests last (llvmpipe
	# and lavapipe JIT-compile in dom0's render workers for them, and the
	# emulator broke more guests after that than before).
	todo=$(for f in $(grep -l "^# suite: *$SUITE\$" "$SC"/*.sh); do
		echo "$(sed -n 's/^# order: *//p' "$f") $(basename "$f" .sh)"
	done | sort -n | cut -d' ' -f2 | tr '\n' ' ')
	todo=${todo% }
fi
for s in $todo; do
	[ -f "$SC/$s.sh" ] || die "no scenario named $s (make e2e-list)"
done
[ -n "$todo" ] || die "no scenario in suite $SUITE"

mkdir -p "$T/img"
mountpoint -q "$T/img" || mount --bind "$O" "$T/img"
mountpoint -q "$T/dev" || mount --bind /dev "$T/dev"
mountpoint -q "$T/proc" || mount -t proc proc "$T/proc"
trap 'umount "$T/img" "$T/proc" "$T/dev" 2>/dev/null || true' EXIT INT TERM

# clocksource=xen: dom0's clocksource watchdog finds the emulated TSC skewed
# now and then; start on the clocksource it would switch to.
# No AVX: with it, static glibc programs in the domUs (busybox dmesg, mostly)
# crashed in 4 of 4 check runs (SIGSEGV, "Cannot allocate TLS block") while
# dom0 and the guests switched vCPUs; with -avx,-avx2 in none of 3. Looks like
# vector state lost between TCG and Xen's XSAVE handling; not xenlend's to fix.
# No TSC deadline timer: 2 of 6 check runs hung for good (QEMU idle, every
# vCPU halted) shortly after dom0 saw the TSC skewed; Xen then falls back to
# the LAPIC one-shot timer, which QEMU drives from its own clock.
# No XSAVEOPT/XSAVEC/XSAVES: their init/modified optimisations look broken
# under TCG: dom0's xl died in libc with a NULL it had just loaded through an
# XMM register. And dom0 (dom0-cpuid below; the domUs through their xl
# configuration, tests/e2e/lib.sh) does not see XSAVE at all, so that its
# kernel and glibc save vector state with FXSAVE: with it,
# the Vulkan guest's render server in dom0 broke its heap ("malloc():
# corrupted top size") or stopped, and venus gave up on its ring, in 8 of 9
# boots of one CI run (2026-12-01). Hiding XSAVE from the whole emulated CPU
# cured that but made PVH guests triple-fault in 8 of 20 idle boots.
# gnttab_max_frames=1024: dom0 grants every lent page; Xen's default of 64
# grant-table frames (32768 grants, 128 MiB) is less than a guest may borrow
# (the benchmark lends one guest 1 GiB at once).

# boot SCENARIO...: boot once, running SCENARIOs, the console in $BOOTLOG.
# A VM whose console stays silent for HANG_SECONDS has hung (see
# docs/DECISIONS.md; the runner's heartbeat speaks every 20 s): its vCPU
# state goes to the log, it is stopped, and the log says "XENLEND-VM: hung".
boot() {
	budget=180
	for s in "$@"; do
		b=$(sed -n 's/^# budget: *\([0-9]*\).*/\1/p' "$SC/$s.sh")
		budget=$((budget + ${b:-300}))
	done
	left=$((deadline - $(date +%s)))
	[ "$budget" -le "$left" ] || budget=$left
	# iomem=relaxed: scenario vram-map reads and writes VRAM through the
	# BAR's sysfs file while bochs may own it (CONFIG_IO_STRICT_DEVMEM).
	dom0_args="console=hvc0 earlyprintk=xen clocksource=xen iomem=relaxed xenlend.scenarios=$(echo "$*" | tr ' ' ':')"
	[ -n "${XENLEND_GUEST:-}" ] && dom0_args="$dom0_args xenlend.guest=$XENLEND_GUEST"
	[ -n "${XENLEND_STARTS:-}" ] && dom0_args="$dom0_args xenlend.starts=$XENLEND_STARTS"
	[ -n "${XENLEND_SOAK_MINUTES:-}" ] &&
		dom0_args="$dom0_args xenlend.soak_minutes=$XENLEND_SOAK_MINUTES"
	[ -n "${XENLEND_CANDIDATES:-}" ] &&
		dom0_args="$dom0_args xenlend.candidates=$XENLEND_CANDIDATES"
	[ "${XENLEND_SHELL:-0}" = 1 ] && dom0_args="$dom0_args e2e_shell"
	# Besides the standard VGA (bochs in dom0), a qxl device: scenario
	# gpu-ttm lends buffers of both TTM drivers.
	set -- qemu-system-x86_64 -machine pc,accel=tcg \
		-cpu max,-rdtscp,-avx,-avx2,-tsc-deadline,-xsaveopt,-xsavec,-xsaves \
		-m 4G -smp "${XENLEND_SMP:-2}" \
		-display none -device qxl -serial stdio -nic none -no-reboot \
		-monitor unix:/run/xenlend-qemu-monitor.sock,server,nowait \
		-kernel /img/xen \
		-append "console=com1 com1=115200,8n1 dom0_mem=2G,max:2G dom0_max_vcpus=2 dom0-cpuid=no-xsave gnttab_max_frames=1024 loglvl=all guest_loglvl=all console_timestamps=boot${XENLEND_XEN_ARGS:+ $XENLEND_XEN_ARGS}" \
		-initrd "/img/vmlinuz $dom0_args,/img/dom0.cpio"
	if [ "${XENLEND_SHELL:-0}" = 1 ]; then
		chroot "$T" "$@"
		return 0
	fi
	log "boot $nboot: $todo (QEMU limit $budget s), console: $BOOTLOG"
	t_boot=$(date +%s)
	: >"$BOOTLOG"
	(timeout "$budget" chroot "$T" "$@" </dev/null 2>&1 |
		python3 -u "$HERE/timestamp.py" "$t_boot" | tee "$BOOTLOG" |
		grep -a --line-buffered -E 'XENLEND-(E2E|DOMU): (PASS|FAIL|RESULT|SCENARIO|STARTS|handshake|.* is dom)|HELLO: connected|Panic|panic') &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		sleep 5
		quiet=$(($(date +%s) - $(stat -c %Y "$BOOTLOG")))
		[ "$quiet" -gt "$HANG_SECONDS" ] || continue
		log "no console output for $quiet s: the VM hung; its vCPUs:"
		python3 "$HERE/qemu-monitor.py" "$MON" "info registers -a" >>"$BOOTLOG" 2>&1 || true
		grep -E '^(RIP|CPU#)|HLT=' "$BOOTLOG" | tail -n 8 || true
		echo "XENLEND-VM: hung after $(($(date +%s) - t_boot)) s" >>"$BOOTLOG"
		python3 "$HERE/qemu-monitor.py" "$MON" quit >/dev/null 2>&1 || true
		break
	done
	wait "$pid" || true
	grep -q 'XENLEND-E2E: exit' "$BOOTLOG" || grep -q 'XENLEND-VM: hung' "$BOOTLOG" ||
		echo "XENLEND-VM: stopped after $(($(date +%s) - t_boot)) s without finishing" >>"$BOOTLOG"
}

# verdict NAME: the verdict of scenario NAME in this boot's log: PASS, FAIL
# or KILLED as the runner said; FAIL when it printed a failed check before
# the boot ended without its verdict; else nothing (run it again).
verdict() {
	tr -d '\r' <"$BOOTLOG" | awk -v s="$1" '
		index($0, "XENLEND-E2E: scenario " s ": start ") { mine = 1; bad = 0; next }
		/XENLEND-E2E: scenario [^ ]*: start / { mine = 0; next }
		mine && /XENLEND-E2E: FAIL / { bad = 1 }
		index($0, "XENLEND-E2E: SCENARIO " s " ") {
			v = substr($0, index($0, "SCENARIO " s " ") + length("SCENARIO " s " "))
			sub(/ .*/, "", v)
		}
		END { if (v != "") print v; else if (bad) print "FAIL" }'
}

MON=$T/run/xenlend-qemu-monitor.sock
HANG_SECONDS=${XENLEND_HANG_SECONDS:-120}
BOOTLOG=$LOG.boot
: >"$LOG"
: >"$LOG.verdicts"
t_start=$(date +%s)
nboot=0
set +e
# The suite's time budget, retries included: no boot starts with less
# than 300 s of it left, and a boot stops when it is used up.
case $SUITE in
check) secs=2400 ;; demo) secs=600 ;; *) secs=5400 ;;
esac
deadline=$((t_start + ${XENLEND_E2E_SECONDS:-$secs}))
while [ -n "$todo" ] && [ "$nboot" -lt "${XENLEND_BOOTS:-3}" ] &&
      [ $((deadline - $(date +%s))) -ge 300 ]; do
	nboot=$((nboot + 1))
	# shellcheck disable=SC2086 # one scenario name per word
	boot $todo
	[ "${XENLEND_SHELL:-0}" = 1 ] && exit 0
	{ echo "===== boot $nboot: $todo"; cat "$BOOTLOG"; } >>"$LOG"
	again=
	for s in $todo; do
		v=$(verdict "$s")
		case $v in
		PASS | FAIL) echo "$s $v (boot $nboot)" >>"$LOG.verdicts" ;;
		KILLED) again="$again $s"
			log "$s: the emulator killed its guest on every start: a fresh boot for it" ;;
		*) again="$again $s"
		   log "$s: no verdict (the machine hung or stopped), no check failed: a fresh boot for it" ;;
		esac
	done
	if [ -z "$again" ] && ! grep -q 'XENLEND-E2E: exit 0' "$BOOTLOG" &&
	   ! grep -q 'SCENARIO .* FAIL' "$BOOTLOG"; then
		echo "teardown FAIL (boot $nboot: the runner failed outside every scenario)" >>"$LOG.verdicts"
	fi
	todo=${again# }
	[ -n "$todo" ] && cp "$BOOTLOG" "$LOG.boot$nboot"
done
set -e
for s in $todo; do
	echo "$s FAIL (no verdict after $nboot boots in $(($(date +%s) - t_start)) s)" >>"$LOG.verdicts"
done
rm -f "$BOOTLOG"

# The frame a GL guest rendered through xenlend, as a picture.
if grep -q 'GL-IMAGE-END' "$LOG"; then
	python3 "$HERE/console-image.py" "$LOG" "$XENLEND_CACHE/gl-$SUITE.png" >&2 ||
		log "the GL guest's frame could not be decoded"
fi
# The desktop guest's screenshot of weston's output (scenario desktop).
if grep -q 'DESKTOP-PNG-END' "$LOG"; then
	python3 "$HERE/console-image.py" --png "$LOG" "$XENLEND_CACHE/desktop.png" >&2 ||
		log "the desktop guest's screenshot could not be decoded"
fi
log "$SUITE: $nboot boots in $(($(date +%s) - t_start)) s; console log: $LOG"
sed 's/^/  /' "$LOG.verdicts" >&2
np=$(grep -c '^[^ ]* PASS' "$LOG.verdicts" || true)
nf=$(grep -vc '^[^ ]* PASS' "$LOG.verdicts" || true)
echo "e2e: $np passed, $nf failed"
[ "$nf" = 0 ]
