# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU: the 64 MiB lending test on vgem GPU buffers, moved by dom0
# suite: check
# budget: 150
# order: 40

scenario() {
	use_broker gpu
	lend_guest domu-gpu pvh lend-only
}
