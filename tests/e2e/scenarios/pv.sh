# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PV domU: handshake, every malformed request and event, IGT (ours, the render path on dom0's virglrenderer, upstream's core tests by igt_runner)
# suite: check
# budget: 360
# order: 10

scenario() {
	use_broker memfd
	lend_guest domu-pv pv lend domU-igt.cpio.gz
}
