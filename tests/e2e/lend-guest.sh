# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# The lending-test guest of the pv, pvh-lend and vgem scenarios, for the
# test dom0. Sourced by tests/e2e/run.sh after lib.sh.

# lend_guest NAME TYPE ROLE [RAMDISK]: a domU runs the lending test (ROLE
# lend: then its protocol tests, IGT and dom0's malformed events; lend-only:
# not); in a PVH guest dom0 rewrites, takes back (hole punch or GPU buffer
# moved) and revokes the lent memory as it goes (tests/guest/lend-test.c).
# Return: 0, or 3 when the emulator killed the guest (its checks skipped).
lend_guest() {
	role=$3
	create_guest "$1" "$2" "$role" "$4" || return 0

	# The lending test: dom0 rewrites the lent memory, then punches a hole.
	if [ "$2" = pvh ]; then
		if ! wait_for 90 eval 'grep -q "LEND: ready-for-refill" "$log" || gone "$name"' ||
		   ! grep -q 'LEND: ready-for-refill' "$log"; then
			killed_now && return 3
			ko "$name: lend test never reached the refill step"
			cat "$log"; tail -n 40 "$BLOG"
		else
			res=$(sed -n 's/.*LEND: ready-for-refill res=\([0-9]*\).*/\1/p' "$log")
			xenlend-ctl status | tee /tmp/status-$name
			xenlend-ctl refill "$domid" "$res" >/dev/null || ko "$name: refill"
			if wait_for 60 grep -q 'LEND: ready-for-punch' "$log"; then
				take_back "$domid" "$res" 0 1048576 >/dev/null || ko "$name: $(how)"
			fi
			# Explicit revoke of the first 16 MiB, then a second rewrite:
			# the guest refaults each revoked page (counted below).
			if wait_for 60 grep -q 'LEND: ready-for-revoke' "$log"; then
				xenlend-ctl status >/tmp/status-$name-before-revoke
				xenlend-ctl revoke "$domid" "$res" 0 16777216 >/dev/null ||
					ko "$name: revoke"
				wait_for 10 acked "$domid" 2
				xenlend-ctl refill "$domid" "$res" >/dev/null || ko "$name: refill 2"
				wait_for 60 grep -q 'LEND: .* after the explicit revoke' "$log"
				xenlend-ctl status >/tmp/status-$name-after-revoke
			fi
		fi
	fi

	if [ "$MODE" = check ] && [ "$role" = lend ]; then
		if wait_for 90 eval 'grep -q ready-for-events "$log" || gone "$name"' &&
		   grep -q 'ready-for-events' "$log"; then
			inject_events "$domid"
		else
			killed_now && return 3
			ko "$name: guest tests did not reach the event phase"
		fi
	fi

	# IGT's upstream tests take minutes under the emulator.
	if ! wait_for 600 gone "$name"; then
		ko "$name: did not power off"
		xl destroy "$name"
	fi
	killed_now && return 3
	show_console "$name"

	check "$name: guest driver completed HELLO" grep -q 'XENLEND-DOMU: handshake ok' "$log"
	check "$name: broker completed HELLO" grep -q "dom$domid: HELLO: connected" "$BLOG"
	if [ "$2" = pvh ]; then
		check "$name: 64 MiB lent object reads back what dom0 wrote" \
			grep -q 'LEND: PASS verify' "$log"
		check "$name: dom0's rewrite visible through the lent mapping" \
			grep -q 'LEND: PASS refill' "$log"
		check "$name: $(how) revoked, refault shows the new pages" \
			grep -q 'LEND: PASS after the hole punch' "$log"
		check "$name: the blob's dma-buf maps the same memory" \
			grep -q "LEND: PASS the blob's dma-buf maps the same memory" "$log"
		check "$name: $(how) zapped the dma-buf mapping too, refault shows the new pages" \
			grep -q 'LEND: PASS the dma-buf mapping after the hole punch' "$log"
		check "$name: broker saw the revocation acknowledged" \
			grep -q "dom$domid: revoke seq [0-9]* acknowledged" "$BLOG"
		faults=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) fault_pages=\([0-9]*\).*/\1 \2/p" \
			/tmp/status-$name)
		f1=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) .*/\1/p" /tmp/status-$name-before-revoke)
		f2=$(sed -n "s/^dom$domid .* faults=\([0-9]*\) .*/\1/p" /tmp/status-$name-after-revoke)
		check "$name: explicit broker revoke acknowledged" acked "$domid" 2
		check "$name: after the explicit revoke of 16 MiB every page refaulted (FAULTs ${f1:-?} -> ${f2:-?})" \
			test -n "$f1" -a -n "$f2" -a "$((${f2:-0} - ${f1:-0}))" -ge 8
		check "$name: refault after the explicit revoke shows the new data" \
			grep -q 'LEND: PASS after the explicit revoke' "$log"
		echo "XENLEND-E2E: $name: first touch of 64 MiB took ${faults% *} FAULT round trips for ${faults#* } pages"
		# A guest that never faulted leaves no figures: fail, but carry on.
		faults=${faults:-0 0}
		check "$name: faults are batched (${faults% *} round trips for ${faults#* } pages)" \
			test "${faults% *}" -gt 0 -a "$((${faults% *} * 64))" -le "${faults#* }"
	else
		check "$name: PV guest refuses to map lent memory cleanly" \
			grep -q 'LEND: mmap refused: Operation not supported' "$log"
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ]; then
		res=$(sed -n 's/.*XENLEND-DOMU: RESULT \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2/p' "$log")
		check "$name: guest protocol tests ($res)" \
			test -n "$res" -a "${res#* }" = 0 -a "${res% *}" -gt 0
		nbad=$(grep '^ctrl ' $R/vectors.txt | grep -vc '^ctrl [^ ]* 0 ')
		check "$name: broker logged why it turned down $nbad requests" \
			test "$(grep -cE "dom$domid: (rejected|refused)" "$BLOG")" -ge "$nbad"
		nevt=$(grep -c '^evt ' $R/vectors.txt)
		check "$name: guest answered every malformed event with an error" \
			test "$(grep -cE "dom$domid: [A-Za-z_]+ id [0-9]+ answered: (invalid|protocol error)" \
				"$BLOG")" -ge "$nevt"
		check "$name: valid FENCE answered after malformed events" \
			grep -q "dom$domid: FENCE id [0-9]* answered: ok" "$BLOG"
		# Summary lines: xenlend_basic, then xenlend_render.
		sed -n 's/^Summary: \([0-9]*\) subtests: \([0-9]*\) passed, \([0-9]*\) failed.*/\1 \2 \3/p' \
			"$log" >/tmp/igt-$name
		read -r n_all n_pass n_fail </tmp/igt-$name || true
		check "$name: igt xenlend_basic: ${n_pass:-?} of ${n_all:-?} subtests passed, ${n_fail:-?} failed" \
			test -n "$n_all" -a "${n_fail:-1}" = 0 -a "${n_pass:-0}" -gt 0
		check "$name: igt prime-import-foreign (udmabuf's dma-buf refused, EINVAL, still its exporter's)" \
			grep -q '^Subtest prime-import-foreign: SUCCESS' "$log"
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ] && [ "$2" = pv ]; then
		n_all= n_pass= n_fail=
		sed -n 2p /tmp/igt-$name >/tmp/igt-render-$name
		read -r n_all n_pass n_fail </tmp/igt-render-$name || true
		check "$name: igt xenlend_render (virglrenderer in dom0): ${n_pass:-?} of ${n_all:-?} subtests passed, ${n_fail:-?} failed" \
			test -n "$n_all" -a "${n_fail:-1}" = 0 -a "${n_pass:-0}" = "$n_all"
		check "$name: IGT's upstream tests, by igt_runner: $(upstream_igt_passed "$log") of $(grep -c . $R/upstream.testlist) passed" \
			upstream_igt_ok "$log"
		wuid=$(($(sed -n 's/^render_uid_base *= *//p' /etc/xenlend/broker.conf) + domid))
		check "$name: broker started a render worker for it, as its own user $wuid" \
			grep -q "dom$domid: render worker .* started, pid [0-9]*, uid $wuid\$" "$BLOG"
		check "$name: its render worker runs under the broker's seccomp filter" \
			grep -q "xenlend-render\[d$domid\]: seccomp mode 2" "$BLOG"
	fi
	if [ "$MODE" = check ] && [ "$role" = lend ] && [ "$2" = pvh ]; then
		check "$name: igt unbind-with-live-mapping (SIGBUS, ENODEV, clean close)" \
			grep -q '^Subtest unbind-with-live-mapping: SUCCESS' "$log"
	fi
	check "$name: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	nwarn=$(grep -c 'XENLEND-DOMU: WARN' "$log")
	[ "$nwarn" = 0 ] || echo "XENLEND-E2E: WARN $name: $nwarn guest helper crashes retried"
	check "$name: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid ($name): gone" "$BLOG"
	return 0
}

