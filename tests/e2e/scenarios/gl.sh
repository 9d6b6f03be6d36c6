# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PV domU: an unmodified GLES program on Mesa's virgl through xenlend to dom0's virglrenderer, pixels checked; a second process samples its frame from a dma-buf; Mesa leaves the device alone without MESA_VIRTGPU_DRIVER
# suite: check
# budget: 150
# order: 60

# run_gl: a PV domU runs a GL program on the patched Mesa, through xenlend
# to dom0's virglrenderer; its frame goes to the console as base64.
scenario() {
	use_broker memfd
	create_guest domu-gl pv gl domU-gl.cpio.gz || return
	if ! wait_for 300 gone domu-gl; then
		ko "domu-gl: did not power off"
		show_renderers
		xl destroy domu-gl
	fi
	show_console domu-gl
	check "domu-gl: without MESA_VIRTGPU_DRIVER Mesa leaves the xenlend device alone" \
		grep -q 'gl-render without MESA_VIRTGPU_DRIVER exit 2' "$log"
	check "domu-gl: Mesa's virgl driver renders through xenlend ($(sed -n \
		's/^GL: renderer: //p' "$log" | head -n 1))" grep -q '^GL: renderer: virgl' "$log"
	check "domu-gl: offscreen triangle read back right (red center, blue corners)" \
		grep -q '^GL: PASS triangle' "$log"
	check "domu-gl: the GL program exits 0" grep -q 'XENLEND-DOMU: gl-render exit 0' "$log"
	check "domu-gl: a second process (a compositor) samples the first's frame from its dma-buf" \
		grep -q '^SHARE: compositor: PASS' "$log"
	check "domu-gl: the sharing program exits 0" grep -q 'XENLEND-DOMU: gl-share exit 0' "$log"
	check "domu-gl: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	check "domu-gl: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-gl): gone" "$BLOG"
}

