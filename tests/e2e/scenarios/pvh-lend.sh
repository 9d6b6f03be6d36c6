# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU: 64 MiB lent from memfds on demand, rewritten, hole-punched and revoked by dom0; protocol tests; unbind with a live mapping
# suite: check
# budget: 200
# order: 20

scenario() {
	if ! xl info | grep -q 'virt_caps.*hvm'; then
		ko "no hvm in virt_caps: PVH domU impossible"
		return 0
	fi
	use_broker memfd
	lend_guest domu-pvh pvh lend
}
