# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU: a Wayland desktop from Debian on the patched Mesa through xenlend: weston (headless, GL renderer) compositing weston-simple-egl's frames, a screenshot of its output checked in the guest, the client killed while weston holds its frame, glmark2-es2-wayland and vkcube as clients, nothing of the guest's left in the broker after
# suite: check
# budget: 300
# order: 75

# dsk_held DOMID: the broker's count of a guest's resources and contexts
dsk_held() {
	xenlend-ctl status |
		sed -n "s/^dom$1 .* resources=\([0-9]*\) .* contexts=\([0-9]*\) .*/resources \1, contexts \2/p"
}
# dsk_idle DOMID: the guest holds none
dsk_idle() { [ "$(dsk_held "$1")" = "resources 0, contexts 0" ]; }

# A compositor and its clients are separate processes with separate files
# of the render node: every client frame weston shows is a buffer the
# client exported and weston imported into its own rendering context
# (PRIME, CTX_ATTACH). The screenshot goes to the console as base64; the
# host keeps it as desktop.png (scripts/xen-env/run-vm.sh).
scenario() {
	use_broker memfd
	GUEST_MEM=1024 create_guest domu-desktop pvh desktop domU-desktop.cpio.gz || return
	# With weston and every client gone, the broker must hold nothing of
	# the guest's: no resource, no rendering context (a client killed
	# while weston held its frame included).
	if wait_for 420 grep -q 'XENLEND-DOMU: desktop over' "$log"; then
		wait_for 20 dsk_idle "$domid"
		check "domu-desktop: with every program gone the broker holds none of its resources or contexts ($(dsk_held "$domid"))" \
			dsk_idle "$domid"
		guest_tell "$domid" done
	else
		ko "domu-desktop: the desktop session did not end"
	fi
	if ! wait_for 60 gone domu-desktop; then
		ko "domu-desktop: did not power off"
		show_renderers
		xl destroy domu-desktop
	fi
	show_console domu-desktop
	check "domu-desktop: weston started with its headless backend and GL renderer on xenlend" \
		grep -q 'XENLEND-DOMU: weston up' "$log"
	check "domu-desktop: weston's GL renderer is Mesa's virgl ($(sed -n \
		's/.*WESTON: .*GL renderer: *//p' "$log" | head -n 1))" \
		grep -q 'WESTON: .*GL renderer: virgl' "$log"
	check "domu-desktop: weston-simple-egl drew frames ($(grep -m1 'frames in [0-9]* seconds' \
		"$log"))" grep -q '^[0-9][0-9]* frames in [0-9]* seconds' "$log"
	check "domu-desktop: weston-simple-egl ran until it was killed" \
		grep -q 'weston-simple-egl still running until killed: 137' "$log"
	check "domu-desktop: weston composites on after its client died holding buffers" \
		grep -q 'XENLEND-DOMU: weston composites on after its client died' "$log"
	check "domu-desktop: the screenshot of weston's output shows the client's frame ($(sed -n \
		's/^PNG: [^ ]*: //p' "$log" | head -n 1))" \
		grep -q 'XENLEND-DOMU: desktop screenshot check exit 0' "$log"
	check "domu-desktop: glmark2-es2-wayland ran its scenes ($(sed -n \
		's/.*GLMARK2: *glmark2 Score: */score /p' "$log" | head -n 1))" \
		grep -q 'XENLEND-DOMU: glmark2-es2-wayland exit 0' "$log"
	# Venus offers VK_KHR_swapchain only over a renderer whose device
	# memory exports as dma-bufs: dom0's lavapipe does so only through
	# udmabuf, which the render worker does not have (docs/DECISIONS.md).
	if grep -q 'VKCUBE: .*failed to find the VK_KHR_swapchain extension' "$log"; then
		echo "XENLEND-E2E: NOTE domu-desktop: vkcube not run: venus over dom0's lavapipe has no VK_KHR_swapchain (no dma-buf device memory)"
	else
		check "domu-desktop: vkcube drew its frames on venus through Wayland" \
			grep -q 'XENLEND-DOMU: vkcube exit 0' "$log"
	fi
	check "domu-desktop: weston ended cleanly when stopped" \
		grep -q 'XENLEND-DOMU: weston exit 0' "$log"
	check "domu-desktop: guest kernel logged no BUG, WARNING or Oops" kernel_clean "$log"
	check "domu-desktop: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-desktop): gone" "$BLOG"
}
