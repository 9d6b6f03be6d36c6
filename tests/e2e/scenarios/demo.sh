# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [demo] one PVH domU: the handshake, 64 MiB lent on demand, rewritten, taken back and revoked by dom0, a GL frame and a Vulkan program through xenlend, weston showing a GL client
# suite: demo
# budget: 360
# order: 10

# make run's tour in one guest: the lending test of lend-guest.sh with the
# desktop ramdisk (the patched Mesa, weston), whose GL frame and screenshot
# of weston's output run-vm.sh writes as PNGs.
scenario() {
	use_broker memfd
	GUEST_MEM=1024
	lend_guest domu-demo pvh demo domU-desktop.cpio.gz
	demo_st=$?
	GUEST_MEM=
	[ $demo_st = 3 ] && return 3
	# The broker's end of the handshake and of the revocations.
	grep -E "dom$domid: (HELLO|revoke seq [0-9]* acknowledged)" "$BLOG" | head -n 4
	check "domu-demo: Mesa's virgl driver renders through xenlend ($(sed -n \
		's/^GL: renderer: //p' "$log" | head -n 1 | tr -d '\r'))" grep -q '^GL: renderer: virgl' "$log"
	check "domu-demo: offscreen triangle read back right (red center, blue corners), the GL program exits 0" \
		eval 'grep -q "^GL: PASS triangle" "$log" &&
			grep -q "XENLEND-DOMU: gl-render exit 0," "$log"'
	check "domu-demo: a Vulkan program on venus writes host-visible memory dom0 lends, the GPU copies and fills it, the guest reads it back right" \
		eval 'grep -q "XENLEND-DOMU: vk-memory exit 0," "$log" &&
			grep -q "^VK: device Virtio-GPU Venus" "$log"'
	check "domu-demo: weston composites a GL client's frames, its output's screenshot shows them ($(sed -n \
		's/^PNG: [^ ]*: //p' "$log" | head -n 1 | tr -d '\r'))" \
		grep -q 'XENLEND-DOMU: desktop screenshot check exit 0' "$log"
	return 0
}
