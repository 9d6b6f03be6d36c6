# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] GL: 1000 draws and draw + readback through xenlend vs. the same Mesa over vtest in dom0 and vs. llvmpipe directly
# suite: bench
# budget: 400
# order: 50

# run_gl_bench: gl-render in a PV guest through xenlend, then the same
# program and Mesa version in dom0 over virglrenderer's vtest socket (the
# existing alternative) and directly on llvmpipe (no virtualisation);
# BENCH lines with the ratios.
scenario() {
	use_broker memfd
	renderer_guest domu-gl pv gl
	case $? in 3) return 3 ;; 1) return 0 ;; esac
	check "GL figures from the guest" grep -q 'XENLEND-DOMU: gl-render exit 0' "$log"
	export HOME=/tmp MESA_SHADER_CACHE_DISABLE=true
	LIBGL_ALWAYS_SOFTWARE=1 virgl_test_server --use-egl-surfaceless --multi-clients \
		--socket-path /tmp/vtest.sock >/tmp/vtest-server.log 2>&1 &
	vpid=$!
	wait_for 60 test -S /tmp/vtest.sock
	VTEST_SOCKET_NAME=/tmp/vtest.sock GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 \
		$R/xenlend-gl-render --bench >/tmp/gl-vtest.log 2>&1
	kill "$vpid"
	LIBGL_ALWAYS_SOFTWARE=1 GALLIUM_DRIVER=llvmpipe $R/xenlend-gl-render --bench \
		>/tmp/gl-native.log 2>&1
	for b in vtest native; do
		echo "----- gl-render in dom0, $b -----"
		cat /tmp/gl-$b.log
	done
	check "GL baseline over vtest rendered right" grep -q '^GL: PASS triangle' /tmp/gl-vtest.log
	bench_ratios GL draws readback-rtt
}

