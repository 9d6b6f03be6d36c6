# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: VRAM (qxl's) lent to PVH guests through their VRAM windows: dom0's pattern read through a lent object, the guest's writes checked in VRAM by dom0; revocation while the guest writes moves the object to system memory and none of its later writes reaches VRAM (a canary there); a hostile guest loses its mapping at the deadline and is destroyed; bad windows, the VRAM quota and a full BAR get clear errors; first touch and revocation timed against system memory in the same run
# suite: check
# budget: 420
# order: 56

# The broker lends qxl's VRAM (host_memory = vram:): the lending engine
# pins the buffer and names its frames, the broker maps them into the
# guest's VRAM window (XEN_DOMCTL_memory_mapping) and the guest driver
# inserts them into the object's mapping. A revocation is answered by the
# guest dropping its mappings; then dom0 removes the frames from the
# guest's physical address space, or at the deadline without it, after
# pausing it (docs/DECISIONS.md, "VRAM lending"). The well-behaved guest's
# part is in vram-lib.sh (bench-vram runs it too).

# hostile_phase: a guest that never answers. Return: 0, or 3 when the
# emulator killed it before it got ready.
hostile_phase() {
	create_guest domu-vram-hostile pvh vram-hostile || return 0
	guest_ready "VRAM-HOSTILE: pass 2" "wrote to its VRAM" || return $(($? == 3 ? 3 : 0))
	res=$(sed -n 's/.*ready-for-revoke res=\([0-9]*\).*/\1/p' "$log")
	check "gpu-vram: $name's VRAM is mapped ($(mapped_pages "$domid") pages)" \
		test "$(mapped_pages "$domid")" -ge 1
	t0=$(up)
	xenlend-ctl migrate "$domid" "$res" 0 $((WELL_MIB << 20)) >/dev/null || ko "$name: migrate"
	check "$name: paused and crashed at the deadline" \
		wait_for 30 grep -q "dom$domid: paused and crashed for its toolstack to destroy: revocation deadline missed" "$BLOG"
	check "gpu-vram: its frames left its window without its help" \
		grep -q "dom$domid: resource $res: pages [0-9]*+[0-9]*: frames 0x[0-9a-f]* unmapped" "$BLOG"
	echo "XENLEND-E2E: gpu-vram: $name stopped $(echo "$(up) $t0" | awk '{print $1 - $2}')s after the revocation (deadline 5 s)"
	check "$name: destroyed" wait_for 30 gone "$name"
	grep "dom$domid: \(revoke seq\|paused\|resource $res: pages\|disconnected\)" "$BLOG" | tail -n 6
	show_console "$name"
	out=$(xenlend-vram-probe fill "$QXL_CARD" 64 3)
	check "gpu-vram: the VRAM it kept is dom0's again, canary intact ($out)" \
		eval 'echo "$out" | grep -q " 0 words changed"'
	check "gpu-vram: pages, quarantine and pins back to zero" wait_for 30 at_baseline
}

# bad_phase: windows the broker must refuse, the quota, a full BAR.
bad_phase() {
	create_guest domu-vram-bad pvh vram-bad || return 0
	guest_ready "XENLEND-DOMU: vram-bad done" "went through its bad input" ||
		return $(($? == 3 ? 3 : 0))
	for why in "overlaps frames the guest has populated" "not 2 MiB aligned" "beyond 1 TiB"; do
		check "gpu-vram: a window refused for what it is: $why" \
			grep -q "dom$domid: VRAM window gfn .* refused: $why" "$BLOG"
	done
	check "$name: no VRAM without a valid window (3 x: Operation not supported)" \
		test "$(grep -c 'VRAM: create 4 MiB: Operation not supported' "$log")" = 3
	check "$name: 128 MiB is past its VRAM quota (96 MiB)" \
		grep -q "VRAM: create 128 MiB: Disk quota exceeded" "$log"
	check "$name: 80 MiB is more VRAM than qxl's BAR has (63 MiB), a clear error" \
		grep -q "VRAM: create 80 MiB: Cannot allocate memory" "$log"
	check "$name: 32 MiB of VRAM is lent after that" grep -q "VRAM: create 32 MiB: ok" "$log"
	grep "dom$domid: \(VRAM window\|resource [0-9]*: \(no\|[0-9]* KiB of VRAM\)\)" "$BLOG"
	wait_for 60 gone "$name" || xl destroy "$name"
	show_console "$name"
	check "gpu-vram: the broker serves on after the bad input" \
		eval 'xenlend-ctl status >/dev/null'
	check "gpu-vram: pages, quarantine and pins back to zero" wait_for 30 at_baseline
}

# Return: 0, or 3 when the emulator killed a guest before it got ready.
scenario() {
	vram_qxl || { ko "gpu-vram: no qxl card (QEMU's qxl device)"; return 0; }
	use_broker vram
	vram_well || return $?
	hostile_phase || return $?
	bad_phase || return $?
	use_broker memfd
	return 0
}
