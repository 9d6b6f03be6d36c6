#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of the test domUs: load xenlend.ko, wait for the HELLO round trip
# with the broker, run the guest-side protocol tests when asked (kernel
# command line "xenlend.mode=check"), report on the console, power off.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mount -t debugfs debugfs /sys/kernel/debug
mkdir -p /tmp
MODE=demo
grep -q 'xenlend.mode=check' /proc/cmdline && MODE=check
# What this guest plays: demo (the lending test, a GL frame and a Vulkan
# program: make run), idle (nothing: scenario pvh-starts), lend (the lending test, then the protocol tests in
# check mode), lend-only (just the lending test), flood (FAULT requests
# back to back), hostile (a guest that never gives memory back; hostile-scan:
# one that scans what it keeps until dom0 destroys it; well: one that gives
# it back and checks it after dom0 moved the buffer; vram-probe: reads and
# writes physical addresses dom0 maps VRAM at; vram-well, vram-hostile,
# vram-bad: device memory lent into our VRAM window), stress
# (rounds of lending while dom0 kills the broker and destroys us), gl (a
# GL program on the patched Mesa), vk (Vulkan programs on it), desktop
# (weston and Wayland clients on it), piglit (piglit's tests on it), bench (the
# benchmark figures), bench-revoke, bench-scale or bench-size (the
# benchmark's revocation, guest-count and object-size phases).
ROLE=$(sed -n 's/.*xenlend.role=\([a-z-]*\).*/\1/p' /proc/cmdline)
ROLE=${ROLE:-lend}
GUEST_TYPE=$(cat /sys/hypervisor/guest_type 2>/dev/null)
xsave=no
grep -qw xsave /proc/cpuinfo && xsave=yes
echo "XENLEND-DOMU: up, mode $MODE, role $ROLE, $(uname -r), $GUEST_TYPE, xsave $xsave, uptime $(cut -d' ' -f1 /proc/uptime)s"
if [ "$ROLE" = idle ]; then
	# The emulator's failure-rate measurement (scenario pvh-starts): only
	# early boot counts; say how the clocks were calibrated, power off.
	dmesg | grep -iE 'calibrat|tsc|lpj|clocksource' | sed 's/^/XENLEND-DOMU: boot: /'
	poweroff -f
fi

fail() { echo "XENLEND-DOMU: FAIL $*"; }

for m in drm drm_kms_helper drm_shmem_helper; do
	insmod /$m.ko
done
if ! insmod /xenlend.ko test_hooks=1; then
	fail "insmod xenlend.ko"
	poweroff -f
fi
st=
for i in $(seq 100); do
	st=$(cat /sys/kernel/debug/xenlend/*/status 2>/dev/null)
	echo "$st" | grep -q 'connected: 1' && break
	sleep 0.1
done
dmesg | grep -i xenlend
if echo "$st" | grep -q 'connected: 1'; then
	echo "XENLEND-DOMU: handshake ok"
else
	fail "no HELLO round trip with the broker"
	echo "$st"
fi

# vk_programs: the Vulkan guest's programs, in check and demo mode
vk_programs() {
	vulkaninfo --summary 2>&1 | sed 's/^/NOENV: /'
	echo "XENLEND-DOMU: vulkaninfo without MESA_VIRTGPU_DRIVER done"
	export MESA_VIRTGPU_DRIVER=xenlend
	VN_DEBUG=init vulkaninfo --summary 2>&1
	echo "XENLEND-DOMU: vulkaninfo exit $?"
	/xenlend-vk-memory 2>&1
	echo "XENLEND-DOMU: vk-memory exit $?"
	# Both again while dom0 takes back venus's memory (ring, replies, the
	# buffers) again and again (it starts on this line): each revocation
	# unmaps it here, the next access faults it in again, contents intact.
	# vulkaninfo three times (status: the last failure's, output: the last
	# run's), then vk-memory with a new pattern in each of 4 rounds.
	echo "XENLEND-DOMU: vulkaninfo under revocation starts"
	st=0
	for run in 1 2 3; do
		vulkaninfo --summary >/tmp/vk-revoked.log 2>&1 || st=$?
	done
	sed 's/^/REVOKED: /' /tmp/vk-revoked.log
	echo "XENLEND-DOMU: vulkaninfo under revocation exit $st"
	/xenlend-vk-memory 4 >/tmp/vk-memory.log 2>&1
	st=$?
	sed 's/^/REVOKED: /' /tmp/vk-memory.log
	echo "XENLEND-DOMU: vk-memory under revocation exit $st"
}

# upstream_igt: igt_runner runs /igt/upstream.testlist, then prints each
# test's result from its results.json (pretty-printed by json-c: a test's
# name on a line of its own, its "result" further down in its object).
upstream_igt() {
	echo "XENLEND-DOMU: igt_runner: $(grep -c . /igt/upstream.testlist) upstream tests"
	# The syncobj tests' software fences (tests/sw-sync).
	insmod /sw_sync.ko || echo "XENLEND-DOMU: insmod sw_sync.ko failed"
	IGT_FORCE_DRIVER=xenlend igt_runner --test-list /igt/upstream.testlist \
		--per-test-timeout 120 --overall-timeout 900 -o \
		/usr/libexec/igt-gpu-tools /tmp/igt-results 2>&1
	echo "XENLEND-DOMU: igt_runner exit $?"
	awk '/^ *"igt@[^"]*": *\{ *$/ { split($0, q, "\""); t = q[2] }
		t != "" && /^ *"result": *"/ { split($0, q, "\""); print "IGT-RESULT", t, q[4]; t = "" }' \
		/tmp/igt-results/results.json
	# Everything IGT kept of a test that did not pass or skip all its
	# subtests (a crash, a failure, one that never finished): its output,
	# the stack IGT's signal handler wrote, the runner's journal (how the
	# test ended: its exit code, or the signal that killed it) and the
	# kernel log meanwhile, to tell a driver bug (a kernel splat,
	# "incomplete") from the emulator's (a user-space signal, no splat).
	for d in /tmp/igt-results/[0-9]*; do
		grep -q 'Subtest .*: \(FAIL\|CRASH\)' "$d/out.txt" 2>/dev/null ||
			! grep -q 'Subtest .*: \(SUCCESS\|SKIP\)' "$d/out.txt" 2>/dev/null ||
			continue
		for f in journal.txt out.txt err.txt dmesg.txt; do
			sed "s/^/IGT-OUT: $f: /" "$d/$f" 2>/dev/null
		done
	done
}

# weston_screenshot: take a screenshot of weston's output; prints its file,
# nothing when weston made none (weston-screenshooter's words in
# /tmp/shooter.log)
weston_screenshot() {
	rm -f /tmp/wayland-screenshot-*.png
	(cd /tmp && weston-screenshooter) >/tmp/shooter.log 2>&1
	ls /tmp/wayland-screenshot-*.png 2>/dev/null | head -n 1
}

# desktop_session [full]: a Wayland desktop (domU-desktop.cpio.gz), every
# program Debian's: weston's headless backend with its GL renderer and the
# kiosk shell, weston-simple-egl as its client, a screenshot of weston's
# output (read here by xenlend-png-check, printed as base64 for the host's
# desktop.png); with "full", glmark2-es2-wayland and vkcube as clients too.
desktop_session() {
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp MESA_VIRTGPU_DRIVER=xenlend
	export XDG_RUNTIME_DIR=/tmp/xdg WAYLAND_DISPLAY=wayland-1
	mkdir -p -m 0700 "$XDG_RUNTIME_DIR"
	weston --backend=headless --renderer=gl --width=640 --height=480 \
		--shell=kiosk-shell.so --socket=wayland-1 --idle-time=0 --no-config \
		--debug --log=/tmp/weston.log 2>/tmp/weston.err &
	wpid=$!
	n=0
	while [ ! -S "$XDG_RUNTIME_DIR/wayland-1" ] && [ $n -lt 120 ] && kill -0 $wpid 2>/dev/null; do
		sleep 1
		n=$((n + 1))
	done
	if [ -S "$XDG_RUNTIME_DIR/wayland-1" ]; then
		echo "XENLEND-DOMU: weston up after ${n}s"
		# Its frame-rate lines go to the console (a terminal: unbuffered).
		weston-simple-egl &
		cpid=$!
		# Frames take a while under the emulator: a screenshot every 5 s
		# until one shows the client's frame, 150 s at most.
		n=0
		shot=
		while [ $n -lt 30 ] && kill -0 $cpid 2>/dev/null; do
			sleep 5
			n=$((n + 1))
			shot=$(weston_screenshot)
			[ -n "$shot" ] && /xenlend-png-check "$shot" 320 240 50 >/dev/null && break
		done
		echo "XENLEND-DOMU: $n screenshots taken"
		sed 's/^/SCREENSHOOTER: /' /tmp/shooter.log
		if [ -n "$shot" ]; then
			/xenlend-png-check "$shot" 320 240 50
			echo "XENLEND-DOMU: desktop screenshot check exit $?"
			echo "DESKTOP-PNG-BEGIN"
			base64 "$shot"
			echo "DESKTOP-PNG-END"
		else
			echo "XENLEND-DOMU: no screenshot"
		fi
		# A frame-rate line comes every 5 s of drawing. Then the client
		# dies mid-frame, its buffers still weston's (SIGKILL: nothing of
		# it says goodbye); weston must go on and show its output.
		sleep 12
		kill -KILL $cpid 2>/dev/null
		wait $cpid
		echo "XENLEND-DOMU: weston-simple-egl still running until killed: $?"
		sleep 2
		shot=$(weston_screenshot)
		kill -0 $wpid 2>/dev/null && [ -n "$shot" ] &&
			echo "XENLEND-DOMU: weston composites on after its client died"
		if [ "$1" = full ]; then
			glmark2-es2-wayland -b build:duration=2.0 -b texture:duration=2.0 \
				-b shading:shading=phong:duration=2.0 >/tmp/glmark2.log 2>&1
			st=$?
			sed 's/^/GLMARK2: /' /tmp/glmark2.log
			echo "XENLEND-DOMU: glmark2-es2-wayland exit $st"
			vkcube --wsi wayland --c 20 >/tmp/vkcube.log 2>&1
			st=$?
			sed 's/^/VKCUBE: /' /tmp/vkcube.log
			echo "XENLEND-DOMU: vkcube exit $st"
		fi
	else
		echo "XENLEND-DOMU: weston never made its socket"
	fi
	kill $wpid 2>/dev/null
	wait $wpid
	echo "XENLEND-DOMU: weston exit $?"
	sed 's/^/WESTON: /' /tmp/weston.log /tmp/weston.err
}

# vk_bench SUFFIX [VAR=VALUE...]: xenlend-vk-memory --bench on the patched
# Mesa with those variables, its figures named NAME-SUFFIX
vk_bench() {
	vb_suffix=$1
	shift
	env MESA_VIRTGPU_DRIVER=xenlend "$@" /xenlend-vk-memory --bench >/tmp/vk-bench.log 2>&1
	vb_st=$?
	sed "s/^VK-BENCH \([^ ]*\)/VK-BENCH \1$vb_suffix/" /tmp/vk-bench.log
	echo "XENLEND-DOMU: vk-memory bench$vb_suffix exit $vb_st"
}

case $ROLE in
demo)
	# make run: the lending test (dom0 rewrites, takes back and revokes
	# the memory as it goes), then a GL frame and a Vulkan program on the
	# patched Mesa, both through xenlend, and weston showing a client.
	/xenlend-lend-test 64 1048576
	echo "XENLEND-DOMU: lend-test exit $?, uptime $(cut -d' ' -f1 /proc/uptime)s"
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp XDG_RUNTIME_DIR=/tmp
	MESA_VIRTGPU_DRIVER=xenlend /xenlend-gl-render --image
	echo "XENLEND-DOMU: gl-render exit $?, uptime $(cut -d' ' -f1 /proc/uptime)s"
	MESA_VIRTGPU_DRIVER=xenlend /xenlend-vk-memory
	echo "XENLEND-DOMU: vk-memory exit $?, uptime $(cut -d' ' -f1 /proc/uptime)s"
	# A desktop, when the ramdisk has one (make run's picture).
	[ -x /usr/bin/weston ] && desktop_session
	;;
gl)
	# An ordinary GL program on the patched Mesa (domU-gl.cpio.gz). Without
	# MESA_VIRTGPU_DRIVER, Mesa must not take the xenlend device.
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp
	/xenlend-gl-render
	echo "XENLEND-DOMU: gl-render without MESA_VIRTGPU_DRIVER exit $?"
	how=--image
	grep -q 'xenlend.mode=bench' /proc/cmdline && how=--bench
	MESA_VIRTGPU_DRIVER=xenlend /xenlend-gl-render $how
	echo "XENLEND-DOMU: gl-render exit $?"
	# A client and a compositor process sharing a frame through a dma-buf.
	if [ "$how" = --image ]; then
		MESA_VIRTGPU_DRIVER=xenlend /xenlend-gl-share
		echo "XENLEND-DOMU: gl-share exit $?"
	fi
	;;
desktop)
	desktop_session full
	# Every program of the desktop is gone: dom0 looks at what the broker
	# still holds for us (nothing may be left), then says so.
	echo "XENLEND-DOMU: desktop over, waiting for dom0"
	read -r _
	;;
piglit)
	# Scenario piglit: piglit's tests of /piglit.list on the patched Mesa,
	# offscreen (EGL's surfaceless platform), one result line each.
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp MESA_VIRTGPU_DRIVER=xenlend
	export PIGLIT_PLATFORM=surfaceless_egl
	sh /piglit-run.sh /piglit.list /usr/lib/x86_64-linux-gnu/piglit/bin
	;;
render-twice)
	# Scenario worker-compromised: render once (dom0 starts our render
	# worker), wait for a line on the console while another guest's worker
	# is taken over, then render again.
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp
	MESA_VIRTGPU_DRIVER=xenlend /xenlend-gl-render
	echo "XENLEND-DOMU: gl-render 1 exit $?"
	read -r _
	MESA_VIRTGPU_DRIVER=xenlend /xenlend-gl-render
	echo "XENLEND-DOMU: gl-render 2 exit $?"
	;;
vk)
	# Unmodified Vulkan programs on the patched Mesa's venus driver (a
	# PVH guest: venus maps its ring and the device's host-visible memory,
	# memory dom0's renderer lends): vulkaninfo, and a program that writes
	# host-visible memory, has the GPU copy and fill it, and reads it back.
	export MESA_SHADER_CACHE_DISABLE=true HOME=/tmp XDG_RUNTIME_DIR=/tmp
	if grep -q 'xenlend.mode=bench' /proc/cmdline; then
		# First timed the way the baseline over vtest in dom0 is:
		# feedback off. Then with venus's feedback buffers on (xenlend
		# lends their memory; vtest cannot), and with the renderer's
		# ring kept polling 50 ms instead of 1 ms (VN_RING_IDLE_TIMEOUT_US,
		# mesa-patches 0005): "VK-BENCH NAME-feedback", "NAME-hot".
		nofb=VN_PERF=no_fence_feedback,no_semaphore_feedback,no_event_feedback,no_query_feedback
		vk_bench "" "$nofb"
		vk_bench -feedback
		vk_bench -hot "$nofb" VN_RING_IDLE_TIMEOUT_US=50000
		vk_bench -feedback-hot VN_RING_IDLE_TIMEOUT_US=50000
	else
		vk_programs
	fi
	;;
hostile)
	/xenlend-hostile-test 16
	echo "XENLEND-DOMU: hostile-test exit $?"
	;;
hostile-scan)
	# Until dom0 destroys us (scenario gpu-ttm).
	/xenlend-hostile-test 16 scan
	echo "XENLEND-DOMU: hostile-test exit $?"
	;;
hostile-reconnect)
	# Collects quarantine by reconnecting (scenario hostile-reconnect).
	/xenlend-hostile-test 16 reconnect 50
	echo "XENLEND-DOMU: hostile-test exit $?"
	;;
storm)
	# Many lent blobs while dom0 storms them (scenario spurious-invalidate).
	/xenlend-storm-test 80 256
	echo "XENLEND-DOMU: storm-test exit $?"
	;;
fd-many)
	# A thousand small resources (scenario fd-budget).
	/xenlend-storm-test 1000 4
	echo "XENLEND-DOMU: storm-test exit $?"
	;;
budget-well)
	# Holds 8 MiB beside a greedy guest (scenarios grant-budget, fd-budget).
	/xenlend-storm-test 8 1024
	echo "XENLEND-DOMU: storm-test exit $?"
	;;
budget-greedy)
	# Asks for 32 MiB at a time until dom0 destroys us (scenario grant-budget).
	/xenlend-stress-test 0 32
	echo "XENLEND-DOMU: stress-test exit $?"
	;;
soak-well)
	# The well-behaved guest of `make soak`: lent blobs made, faulted,
	# checked and freed until dom0 says "done".
	/xenlend-soak-test
	echo "XENLEND-DOMU: soak-test exit $?"
	;;
well)
	/xenlend-hostile-test 16 well
	echo "XENLEND-DOMU: hostile-test exit $?"
	;;
vram-well)
	# Device memory lent through our VRAM window (scenario gpu-vram).
	/xenlend-vram-test 4 well 5
	echo "XENLEND-DOMU: vram-test exit $?"
	;;
vram-hostile)
	# Until dom0 destroys us (scenario gpu-vram).
	/xenlend-vram-test 4 hostile
	echo "XENLEND-DOMU: vram-test exit $?"
	;;
vram-bad)
	# Bad input (scenario gpu-vram): windows the broker must refuse, one
	# reload of the driver each, then a good window and blobs past the
	# VRAM quota and past the BAR. dom0 judges.
	reload() {
		# A bound xenbus device holds a reference on its driver's module.
		echo xenlend-0 >/sys/bus/xen/drivers/xenlend/unbind || fail "unbind xenlend-0"
		rmmod xenlend || fail "rmmod xenlend"
		insmod /xenlend.ko test_hooks=1 "$@" || fail "insmod xenlend.ko $*"
		for i in $(seq 100); do
			grep -q 'connected: 1' /sys/kernel/debug/xenlend/*/status 2>/dev/null && break
			sleep 0.1
		done
	}
	for w in 4096:512 1048832:512 268435456:512; do
		reload test_vram_window=$w
		echo "XENLEND-DOMU: vram-bad window $w"
		/xenlend-vram-test sizes 4
	done
	reload vram_window_mib=256
	echo "XENLEND-DOMU: vram-bad window good"
	/xenlend-vram-test sizes 128 80 32
	echo "XENLEND-DOMU: vram-bad done"
	;;
vram-probe)
	# dom0 maps a frame of VRAM into our physical address space and takes
	# it away (scenario vram-map): read and write what it asks, where it
	# says, through /dev/mem; each answer carries the request's number.
	echo "VRAM: ready"
	while read -r op id addr val; do
		case $op in
		read) echo "VRAM: $id read $addr $(devmem "$addr" 32)" ;;
		write) devmem "$addr" 32 "$val" && echo "VRAM: $id wrote $addr" ;;
		done) break ;;
		esac
	done
	echo "XENLEND-DOMU: vram-probe done"
	;;
stress)
	# Until dom0 destroys us (scenario broker-restart).
	/xenlend-stress-test 0 8
	echo "XENLEND-DOMU: stress-test exit $?"
	;;
bench)
	/xenlend-bench 64
	echo "XENLEND-DOMU: bench exit $?"
	;;
bench-revoke)
	/xenlend-bench --revoke
	echo "XENLEND-DOMU: bench exit $?"
	;;
bench-scale)
	/xenlend-bench --scale
	echo "XENLEND-DOMU: bench exit $?"
	;;
bench-size)
	/xenlend-bench --size 1024
	echo "XENLEND-DOMU: bench exit $?"
	;;
flood)
	# Keep the control ring full of valid FAULTs (for a 1 MiB host
	# resource of our own) until dom0 destroys us; between the floods,
	# random and adversarial messages, each waited for (the broker must
	# reject what it cannot take and keep serving everyone): 64 random
	# bytes, and the header of every request vector with a random body.
	D=$(dirname /sys/kernel/debug/xenlend/*/inject)
	sed -n 's/^ctrl create 0 //p' /vectors.txt >"$D/inject"
	fault=$(sed -n 's/^ctrl fault 0 //p' /vectors.txt)
	echo "XENLEND-DOMU: flooding the broker with FAULT requests"
	for i in $(seq 20); do
		echo "$fault" >"$D/inject" && echo 10000 >"$D/flood" || break
		echo "XENLEND-DOMU: flood: $((i * 10000)) sent, uptime $(cut -d' ' -f1 /proc/uptime)"
		for j in $(seq 8); do
			od -An -tx1 -v -N64 /dev/urandom | tr -d ' \n' >"$D/inject" 2>/dev/null
		done
		sed -n 's/^ctrl [^ ]* [0-9]* \(.\{32\}\).*/\1/p' /vectors.txt | while read -r h; do
			echo "$h$(od -An -tx1 -v -N48 /dev/urandom | tr -d ' \n')" >"$D/inject" \
				2>/dev/null
		done
		echo "XENLEND-DOMU: flood: random and adversarial messages $i sent"
	done
	echo "XENLEND-DOMU: flood stopped"
	;;
*)
	# Lent memory: map 64 MiB, touch it all, check what dom0 wrote (dom0
	# then rewrites it and punches a hole; see tests/guest/lend-test.c).
	/xenlend-lend-test 64 1048576
	echo "XENLEND-DOMU: lend-test exit $?"
	if [ "$MODE" = check ] && [ "$ROLE" = lend ]; then
		sh /xenlend-domu-tests.sh
		echo "XENLEND-DOMU: igt xenlend_basic"
		/xenlend_basic
		# The renderer path maps no lent memory: it runs in the PV guest
		# only, which the emulator's SVM bugs cannot hit (DECISIONS.md).
		if [ "$GUEST_TYPE" = PV ]; then
			echo "XENLEND-DOMU: igt xenlend_render"
			/xenlend_render
		fi
		# IGT's own generic DRM tests (domU-igt.cpio.gz), by igt_runner;
		# one line per test: "IGT-RESULT igt@test@subtest result".
		if [ -x /usr/bin/igt_runner ]; then
			upstream_igt
		fi
		# Last: it takes the device away for the rest of this boot.
		/xenlend_basic --run-subtest unbind-with-live-mapping
		dmesg | tail -n 5
	fi
	;;
esac
# The console is quiet (loglevel 4): show any kernel warning the tests caused.
dmesg | grep -E '(BUG|WARNING|Oops|general protection fault)[: ]'
echo "XENLEND-DOMU: done"
grep -q e2e_shell /proc/cmdline && exec sh
# Give dom0's console daemon time to drain our console ring: a domain that
# is gone takes what is still in it along (the bench figures once).
sleep 3
poweroff -f
