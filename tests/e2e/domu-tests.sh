#!/bin/busybox sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Guest-side protocol tests, run inside a test domU with xenlend.ko loaded
# with test_hooks=1. /vectors.txt comes from tests/vectors (gen-vectors).
#
# Each "ctrl" vector is written as a raw 64-byte control ring message through
# debugfs; the broker's response must carry the vector's status, and the
# connection must still be up afterwards. Then the dom0 side injects every
# "evt" vector into our event ring; the driver must reject each with the
# vector's reason (in dmesg) and stay connected.
# Prints "XENLEND-DOMU: RESULT N passed, M failed".

D=
for d in /sys/kernel/debug/xenlend/*; do
	[ -f "$d/status" ] && D=$d && break
done
if [ -z "$D" ]; then
	echo "XENLEND-DOMU: FAIL no xenlend debugfs directory"
	ls -la /sys/kernel/debug/xenlend
	dmesg | tail -n 30
	echo "XENLEND-DOMU: RESULT 0 passed, 1 failed"
	exit 1
fi
pass=0
failed=0

# Static busybox helpers in the test domUs die now and then with SIGSEGV or
# "Cannot allocate TLS block", before or without any lending (see
# docs/DECISIONS.md, known limitations). steady CMD...: run CMD, and run it
# again (at most twice more) if it died of a signal, saying so on the console
# so that the rate stays visible. CMD's output goes to stdout as usual.
steady() {
	for try in 1 2 3; do
		"$@"
		st=$?
		[ $st -lt 128 ] && return $st
		echo "XENLEND-DOMU: WARN helper '$1' died (status $st), try $try" >&2
	done
	return $st
}
ok() { echo "XENLEND-DOMU: PASS $*"; pass=$((pass + 1)); }
ko() { echo "XENLEND-DOMU: FAIL $*"; failed=$((failed + 1)); }

while read -r queue name want hex; do
	[ "$queue" = ctrl ] || continue
	if ! echo "$hex" >"$D/inject"; then
		ko "$name: no response"
		continue
	fi
	rsp=$(steady cat "$D/inject")
	# status: bytes 4..7 of the response, little-endian
	got=$((0x${rsp:14:2}${rsp:12:2}${rsp:10:2}${rsp:8:2}))
	if [ "$got" = "$want" ]; then
		ok "$name (status $got)"
	else
		ko "$name: status $got, want $want; response $rsp"
	fi
done </vectors.txt
if steady grep -q 'connected: 1' "$D/status"; then
	ok "connection survives malformed requests"
else
	ko "connection lost after malformed requests"
fi

nevt=$(steady grep -c '^evt ' /vectors.txt)
echo "XENLEND-DOMU: ready-for-events ($nevt)"
# No pipes between helpers: steady() can only rerun what it runs itself.
for i in $(seq 300); do
	steady sh -c 'dmesg >/tmp/dmesg'
	[ "$(steady grep -c 'rejected event' /tmp/dmesg)" -ge "$nevt" ] 2>/dev/null && break
	sleep 0.1
done
steady sh -c "grep 'rejected event' /tmp/dmesg >/tmp/rejected"
steady cat /tmp/rejected
while read -r queue name hex reason; do
	[ "$queue" = evt ] || continue
	if steady grep -q "$reason" /tmp/rejected; then
		ok "$name rejected: $reason"
	else
		ko "$name not rejected with: $reason"
	fi
done </vectors.txt
if steady grep -q 'connected: 1' "$D/status"; then
	ok "connection survives malformed events"
else
	ko "connection lost after malformed events"
fi
echo "XENLEND-DOMU: RESULT $pass passed, $failed failed"
