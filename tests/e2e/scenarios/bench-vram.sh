# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] device memory (qxl's VRAM) against system memory in the same guest and run: first touch of a 4 MiB object, and revocation from dom0's invalidation to the guest's access gone, min/median/max of 5 each, with the domctls counted
# suite: bench
# budget: 240
# order: 25

# The well-behaved guest of scenario gpu-vram (vram-lib.sh): its object
# lives in VRAM, then dom0 moves it to system memory, where the same
# touches and revocations give the baseline.
scenario() {
	vram_qxl || { ko "bench-vram: no qxl card (QEMU's qxl device)"; return 0; }
	use_broker vram
	vram_well || return $?
	use_broker memfd
	return 0
}
