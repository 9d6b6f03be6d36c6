# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: buffers of a TTM driver whose pages TTM reuses whatever their references (test driver: use_dma_alloc, write-combined): a hostile PVH guest scans what it keeps while dom0 swaps buffers out and fills their pages with a canary, and is paused and destroyed at the deadline; a well-behaved guest's buffer moves and refaults intact; the same on a qxl buffer; bochs, which cannot be pinned, is refused
# suite: check
# budget: 420
# order: 55

# The engine keeps memory a GPU driver manages by pinning the buffer, not by
# page references, which TTM's pools ignore. The test driver
# (tests/ttm-driver) gives its buffers write-combined pages from a
# use_dma_alloc pool, as amdgpu's GTT does in a PV dom0. dom0 forces out
# every buffer TTM lets it (swapout: their pages go back to the pool) and
# fills new buffers, which take those pages, with XENLEND_TEST_CANARY. The
# hostile guest, which ignored the revocation, must never read a canary or
# any word that is not its own; the broker pauses and crashes it at the
# deadline (on_missed_deadline defaults to destroy for GPU memory).

# ttm_press: three rounds of swapping out every unpinned buffer and filling
# 64 MiB of new ones with the canary, held 2 s while the hostile guest
# scans; sets swapped (pages, all rounds). TTM's pool hands a freed block
# only to an allocation of the same order, and a 16 MiB buffer's blocks are
# up to 4 MiB (smaller where xen-swiotlb could not exchange a big one):
# the rounds fill in 4 MiB, 1 MiB and 256 KiB buffers.
ttm_press() {
	swapped=0
	for kib in 4096 1024 256; do
		out=$(ttm-pressure swapout) || { ko "gpu-ttm: ttm-pressure swapout: $out"; return; }
		echo "XENLEND-E2E: gpu-ttm: before $kib KiB buffers: $out" | tr '\n' ' '; echo
		swapped=$((swapped + $(echo "$out" | sed -n 's/swapped out \([0-9]*\) pages.*/\1/p')))
		ttm-pressure fill 64 --chunk "$kib" --hold 2 >/dev/null ||
			ko "gpu-ttm: ttm-pressure fill"
	done
}

# last_scan LOG: the number of the hostile guest's last clean scan
last_scan() { sed -n 's/.*HOSTILE: scan \([0-9]*\) clean.*/\1/p' "$1" | tail -n 1; }

# hostile_ready: the hostile guest ($name) started scanning; sets res.
# Return: 0, 3 when the emulator killed it, 1 for a failed check.
hostile_ready() {
	guest_ready "HOSTILE: scan 1 clean" scanned || return
	res=$(sed -n 's/.*ready-for-revoke res=\([0-9]*\).*/\1/p' "$log")
}

# hostile_stopped: the hostile guest ($name, $log, $domid), which ignored
# the revocation at $t0 and saw dom0's pressure end at its scan $done_at,
# scans on until the broker pauses and crashes it at the deadline and xl
# destroys it, and never reads a word that is not its own.
hostile_stopped() {
	check "$name: scanned again after dom0's pressure" \
		wait_for 60 eval '[ "$(last_scan "$log")" -gt "${done_at:-0}" ] || gone "$name"'
	check "$name: paused and crashed at the deadline" \
		wait_for 60 grep -q "dom$domid: paused and crashed for its toolstack to destroy: revocation deadline missed" "$BLOG"
	check "$name: destroyed" wait_for 30 gone "$name"
	echo "XENLEND-E2E: gpu-ttm: $name gone $(echo "$(up) $t0" | awk '{print $1 - $2}')s after the revocation (deadline 30 s)"
	grep "dom$domid: \(revoke seq\|paused\|disconnected\)" "$BLOG" | tail -n 4
	show_console "$name"
	check "$name: never read a canary or any word not its own" \
		sh -c "! grep -q 'HOSTILE: FAIL' '$log'"
	check "$name: scanned clean until the end" \
		test "$(last_scan "$log")" -gt "${done_at:-0}"
}

# qxl_phase CARD: the hostile guest again, on a buffer of qxl, an upstream
# TTM driver (QEMU's qxl device; its dumb buffers are cached system pages,
# pinned by attaching), while dom0 fills 64 MiB of new qxl buffers with the
# canary. Return: 0, or 3 when the emulator killed the guest.
qxl_phase() {
	QXL_CARD=$1
	use_broker qxl
	create_guest domu-qxl pvh hostile-scan || return 0
	hostile_ready || return $(($? == 3 ? 3 : 0))
	check "gpu-ttm: the qxl buffer lent to $name is pinned ($(pinned))" test "$(pinned)" -ge 1
	t0=$(up)
	xenlend-ctl revoke "$domid" "$res" 0 16777216 >/dev/null || ko "$name: revoke"
	for kib in 4096 256; do
		ttm-pressure fill 64 --card "$QXL_CARD" --chunk "$kib" --hold 2 >/dev/null ||
			ko "gpu-ttm: ttm-pressure fill on qxl"
	done
	done_at=$(last_scan "$log")
	hostile_stopped
	check "gpu-ttm: qxl: pages, quarantine and pins back to zero" wait_for 30 at_baseline
}

# Return: 0, or 3 when the emulator killed a guest before it got ready.
scenario() {
	# What it needs comes with bochs and qxl in dom0's image. Loaded once
	# per boot (a scenario the emulator interrupted starts again).
	if ! modprobe -a ttm drm_ttm_helper ||
	   { [ ! -d /sys/module/xenlend_ttm_test ] && ! insmod "$R/xenlend-ttm-test.ko"; }; then
		ko "gpu-ttm: the test TTM driver did not load"
		return 0
	fi
	TTM_CARD=$(ttm-pressure node)
	echo "XENLEND-E2E: gpu-ttm: test TTM driver xenlend_ttm_test is $TTM_CARD"
	modprobe -a bochs qxl
	bochs=$(card_of bochs-drm)
	qxl=$(card_of qxl)
	echo "XENLEND-E2E: gpu-ttm: bochs (QEMU's standard VGA) is ${bochs:-missing}, qxl (QEMU's qxl) is ${qxl:-missing}"

	# The engine's own refusals, on real buffers of vgem, the test driver,
	# qxl and bochs, before any guest runs (the grants go to no domain).
	xenlend-engine-refusals 32000 /dev/dri/card0:pin "$TTM_CARD:pin" \
		${qxl:+"$qxl:pin"} ${bochs:+"$bochs:ENOSYS"} >/tmp/engine-refusals.log 2>&1
	check "gpu-ttm: the engine pins what it lends and refuses what it cannot keep (vgem, test TTM driver${qxl:+, qxl}${bochs:+, bochs})" \
		grep -q '^ENGINE: PASS, 0 checks failed' /tmp/engine-refusals.log
	grep 'ENGINE: FAIL' /tmp/engine-refusals.log
	[ -n "$bochs" ] || ko "gpu-ttm: no bochs card (QEMU's standard VGA)"
	[ -n "$qxl" ] || ko "gpu-ttm: no qxl card (QEMU's qxl device)"

	use_broker ttm
	create_guest domu-well pvh well || return 0
	guest_ready "WELL: ready-for-move" || return $(($? == 3 ? 3 : 0))
	wname=$name wlog=$log wdom=$domid
	wres=$(sed -n 's/.*WELL: ready-for-move res=\([0-9]*\).*/\1/p' "$wlog")
	create_guest domu-ttm pvh hostile-scan || { xl destroy "$wname"; return 0; }
	hostile_ready || { r=$?; xl destroy "$wname"; return $((r == 3 ? 3 : 0)); }
	check "gpu-ttm: both guests' buffers pinned while lent ($(pinned))" test "$(pinned)" -ge 2

	# dom0 wants both buffers back. The well-behaved guest gives its back,
	# the hostile one keeps its mapping.
	t0=$(up)
	xenlend-ctl revoke "$domid" "$res" 0 16777216 >/dev/null || ko "$name: revoke"
	xenlend-ctl revoke "$wdom" "$wres" 0 16777216 >/dev/null || ko "$wname: revoke"
	check "$wname: acknowledged the revocation" wait_for 30 acked "$wdom" 1
	# Its buffer is unpinned once the grants ended (a work item does it).
	check "gpu-ttm: only the hostile guest's buffer stays pinned" \
		wait_for 10 eval '[ "$(pinned)" = 1 ]'

	ttm_press
	check "gpu-ttm: dom0 forced buffers out (the well-behaved guest's too): $swapped pages" \
		test "$swapped" -ge 4096
	done_at=$(last_scan "$log")
	echo "XENLEND-E2E: gpu-ttm: pressure over after $(echo "$(up) $t0" |
		awk '{print $1 - $2}')s, at the hostile guest's scan $done_at"
	hostile_stopped

	# The well-behaved guest refaults the buffer dom0 moved.
	guest_tell "$wdom" go
	check "$wname: its moved buffer refaulted with the contents it had" \
		wait_for 60 grep -q 'WELL: PASS' "$wlog"
	wait_for 60 gone "$wname" || xl destroy "$wname"
	show_console "$wname"
	check "gpu-ttm: pages, quarantine and pins back to zero" wait_for 30 at_baseline

	if [ -n "$qxl" ]; then
		qxl_phase "$qxl" || return $?
	fi
	use_broker memfd
	return 0
}
