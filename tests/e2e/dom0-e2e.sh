#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# The end-to-end run inside the test dom0, once Xen's daemons are up:
# start xenlend-broker as its systemd unit would, boot a PV and a PVH domU
# that load xenlend.ko, and check the handshake on both sides. In "check"
# mode the guests also run their protocol tests, and this side injects
# malformed events into each guest. Prints
# "XENLEND-E2E: RESULT N passed, M failed"; exit status 0 iff M is 0.
# usage: dom0-e2e.sh demo|check
MODE=${1:-demo}
R=/xenlend
BLOG=/var/log/xenlend-broker.log
UNIT=/usr/lib/systemd/system/xenlend-broker.service
pass=0
failed=0

ok() { echo "XENLEND-E2E: PASS $*"; pass=$((pass + 1)); }
ko() { echo "XENLEND-E2E: FAIL $*"; failed=$((failed + 1)); }
check() { what=$1; shift; if "$@"; then ok "$what"; else ko "$what"; fi; }
up() { cut -d' ' -f1 /proc/uptime; }

# wait_for SECONDS COMMAND...: poll every 0.1 s
wait_for() {
	n=$(($1 * 10))
	shift
	while [ $n -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
gone() { ! xl list "$1" >/dev/null 2>&1; }
# acked DOMID N: the broker logged at least N acknowledged revocations of DOMID
acked() { test "$(grep -c "dom$1: revoke seq [0-9]* acknowledged" "$BLOG")" -ge "$2"; }

# inject_events DOMID: every "evt" test vector, then a valid FENCE
inject_events() {
	while read -r queue vname hex reason; do
		[ "$queue" = evt ] || continue
		out=$(xenlend-ctl inject-evt "$1" "$hex") || ko "inject-evt $vname: $out"
	done <$R/vectors.txt
	xenlend-ctl fence "$1" 1 0 42 >/dev/null || ko "valid FENCE not sent"
}

# run_guest NAME TYPE
run_guest() {
	name=$1
	log=/var/log/xen/console/guest-$name.log
	cat >/etc/xen/$name.cfg <<EOC
name = "$name"
type = "$2"
memory = 256
vcpus = 1
kernel = "$R/vmlinuz"
ramdisk = "$R/domU.cpio.gz"
extra = "console=hvc0 quiet xenlend.mode=$MODE"
on_poweroff = "destroy"
on_crash = "destroy"
EOC
	t0=$(up)
	if ! xl create /etc/xen/$name.cfg >/tmp/xl-create.log 2>&1; then
		cat /tmp/xl-create.log
		ko "$name: xl create"
		return
	fi
	domid=$(xl domid "$name")
	echo "XENLEND-E2E: $name is dom$domid (created in $(echo "$(up) $t0" | awk '{print $1 - $2}')s)"

	# The lending test: dom0 rewrites the lent memory, then punches a hole.
	if [ "$2" = pvh ]; then
		if ! wait_for 90 grep -q 'LEND: ready-for-refill' "$log"; then
			ko "$name: lend test never reached the refill step"
			cat "$log"; tail -n 40 "$BLOG"
		else
			res=$(sed -n 's/.*LEND: ready-for-refill res=\([0-9]*\).*/\1/p' "$log")
			xenlend-ctl status | tee /tmp/status-$name
			xenlend-ctl refill "$domid" "$res" >/dev/null || ko "$name: refill"
			if wait_for 60 grep -q 'LEND: ready-for-punch' "$log"; then
				xenlend-ctl punch "$domid" "$res" 0 1048576 >/dev/null || ko "$name: punch"
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

	if [ "$MODE" = check ]; then
		if wait_for 90 grep -q 'ready-for-events' "$log"; then
			inject_events "$domid"
		else
			ko "$name: guest tests did not reach the event phase"
		fi
	fi

	if ! wait_for 90 gone "$name"; then
		ko "$name: did not power off"
		xl destroy "$name"
	fi
	echo "----- $name console -----"
	cat "$log"
	echo "----- end of $name console -----"

	check "$name: guest driver completed HELLO" grep -q 'XENLEND-DOMU: handshake ok' "$log"
	check "$name: broker completed HELLO" grep -q "dom$domid: HELLO: connected" "$BLOG"
	if [ "$2" = pvh ]; then
		check "$name: 64 MiB lent object reads back what dom0 wrote" \
			grep -q 'LEND: PASS verify' "$log"
		check "$name: dom0's rewrite visible through the lent mapping" \
			grep -q 'LEND: PASS refill' "$log"
		check "$name: hole punch revoked, refault shows the new pages" \
			grep -q 'LEND: PASS after the hole punch' "$log"
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
		check "$name: faults are batched (${faults% *} round trips for ${faults#* } pages)" \
			test -n "$faults" -a "${faults% *}" -gt 0 -a "$((${faults% *} * 64))" -le "${faults#* }"
	else
		check "$name: PV guest refuses to map lent memory cleanly" \
			grep -q 'LEND: mmap refused: Operation not supported' "$log"
	fi
	if [ "$MODE" = check ]; then
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
	fi
	nwarn=$(grep -c 'XENLEND-DOMU: WARN' "$log")
	[ "$nwarn" = 0 ] || echo "XENLEND-E2E: WARN $name: $nwarn guest helper crashes retried"
	check "$name: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid ($name): gone" "$BLOG"
}

echo "XENLEND-E2E: mode $MODE, dom0 uptime $(up)s"
# The test hooks fill lent memory with a known pattern ("what dom0 wrote")
# and let this script punch holes into it; the demo needs them too.
BPID=$($R/run-unit.sh $UNIT $BLOG --test-hooks --verbose)
check "broker started from its unit (pid $BPID)" wait_for 10 test -S /run/xenlend/control

run_guest domu-pv pv
if xl info | grep -q 'virt_caps.*hvm'; then
	run_guest domu-pvh pvh
else
	ko "no hvm in virt_caps: PVH domU impossible"
fi

kill -TERM "$BPID"
check "broker stopped cleanly on SIGTERM" wait_for 10 sh -c "! kill -0 $BPID 2>/dev/null"
echo "----- broker log -----"
cat $BLOG
echo "----- end of broker log -----"
echo "XENLEND-E2E: RESULT $pass passed, $failed failed"
[ "$failed" = 0 ]
