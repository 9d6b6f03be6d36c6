# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: piglit's GLES and EGL tests (tests/piglit/gles.list, or PIGLIT_LIST's) in a PV domU on xenlend and in dom0 over virglrenderer's vtest, side by side: every test that passes over vtest passes over xenlend
# suite: check
# budget: 480
# order: 65

# The same Mesa release both ways: the patched one in the guest, Debian's
# in dom0 over vtest (one virgl renderer, llvmpipe, either way). The table
# goes to the log as "piglit: NAME vtest=RESULT xenlend=RESULT". The
# differences tests/piglit/known-differences lists (open bugs) are said as
# KNOWN and not failed; one that differs no more is said too.
scenario() {
	use_broker memfd
	rm -f /tmp/vtest-piglit.sock
	LIBGL_ALWAYS_SOFTWARE=1 virgl_test_server --use-egl-surfaceless --multi-clients \
		--socket-path /tmp/vtest-piglit.sock >/tmp/vtest-piglit-server.log 2>&1 &
	pl_srv=$!
	wait_for 60 test -S /tmp/vtest-piglit.sock
	VTEST_SOCKET_NAME=/tmp/vtest-piglit.sock GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 \
		PIGLIT_PLATFORM=surfaceless_egl MESA_SHADER_CACHE_DISABLE=true HOME=/tmp \
		LD_LIBRARY_PATH=$R/piglit/lib \
		sh "$R/e2e/piglit-run.sh" "$R/piglit.list" "$R/piglit/bin" >/tmp/piglit-vtest.log 2>&1
	kill "$pl_srv" 2>/dev/null
	wait "$pl_srv" 2>/dev/null

	GUEST_MEM=512
	create_guest domu-piglit pv piglit domU-piglit.cpio.gz
	pl_st=$?
	GUEST_MEM=
	[ $pl_st = 0 ] || return
	if ! wait_for 400 gone domu-piglit; then
		ko "domu-piglit: did not power off"
		show_renderers
		xl destroy domu-piglit
	fi
	show_console domu-piglit

	pl_all=0 pl_vt=0 pl_xl=0 pl_bad=0 pl_known=0
	for pl_t in $(sed 's/#.*//' "$R/piglit.list" | awk 'NF >= 2 { print $1 }'); do
		pl_v=$(sed -n "s/^PIGLIT-RESULT $pl_t \([a-z]*\).*/\1/p" /tmp/piglit-vtest.log | tr -d '\r')
		pl_x=$(sed -n "s/^PIGLIT-RESULT $pl_t \([a-z]*\).*/\1/p" "$log" | tr -d '\r')
		echo "XENLEND-E2E: piglit: $pl_t vtest=${pl_v:-none} xenlend=${pl_x:-none}"
		pl_all=$((pl_all + 1))
		[ "$pl_v" = pass ] && pl_vt=$((pl_vt + 1))
		[ "$pl_x" = pass ] && pl_xl=$((pl_xl + 1))
		pl_k=$(sed -n "s/^$pl_t \(.*\)/\1/p" "$R/piglit-known")
		if [ "$pl_v" = pass ] && [ "$pl_x" != pass ] && [ -n "$pl_k" ]; then
			pl_known=$((pl_known + 1))
			echo "XENLEND-E2E: piglit: $pl_t KNOWN: passes over vtest, not over xenlend: $pl_k"
		elif [ "$pl_v" = pass ] && [ "$pl_x" != pass ]; then
			pl_bad=$((pl_bad + 1))
			echo "XENLEND-E2E: piglit: $pl_t passes over vtest, not over xenlend"
		elif [ -n "$pl_k" ]; then
			echo "XENLEND-E2E: piglit: $pl_t is in tests/piglit/known-differences but differs no more: take it out"
		fi
	done
	grep '^PIGLIT-OUT' /tmp/piglit-vtest.log | sed 's/^/vtest: /' | head -n 60
	check "piglit: the baseline over vtest ran all $pl_all tests" \
		grep -q "^PIGLIT-DONE $pl_all\$" /tmp/piglit-vtest.log
	check "piglit: the guest ran all $pl_all tests on xenlend" grep -q "^PIGLIT-DONE $pl_all" "$log"
	check "piglit: every test that passes over vtest passes over xenlend, but $pl_known known differences ($pl_vt of $pl_all pass over vtest, $pl_xl over xenlend)" \
		test "$pl_bad" = 0 -a "$pl_vt" -gt 0
	check "domu-piglit: guest kernel logged no BUG, WARNING or Oops" kernel_clean "$log"
	check "domu-piglit: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-piglit): gone" "$BLOG"
}
