#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Native test of the render worker: build xenlend-render and
# tests/render/render-smoke inside the trixie tools root (which has
# virglrenderer and Mesa's llvmpipe/lavapipe, see xen-env/setup.sh) and run
# the smoke test there, without Xen. Exit status: the test's.
#
# Usage: scripts/render-check.sh [--asan]
#   --asan  build both with -fsanitize=address,undefined (leak checks off:
#           Mesa does not free everything at exit; UBSan errors are fatal).
#
# The tools root's /proc and /dev mounts are shared with the VM runs, so this
# takes /tmp/xenlend-vm.lock like they do; set XENLEND_LOCK_HELD=1 when the
# caller already holds it.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"

SAN=
if [ "${1:-}" = --asan ]; then
	SAN="-fsanitize=address,undefined -fno-omit-frame-pointer"
	shift
fi
[ $# -eq 0 ] || die "usage: $0 [--asan]"

T=$XENLEND_CACHE/tools
[ -f "$T/.xenlend-stamp" ] || die "tools root missing: run scripts/xen-env/setup.sh first"
chroot "$T" pkg-config --exists virglrenderer ||
	die "tools root has no virglrenderer: run scripts/xen-env/setup.sh"

if [ "${XENLEND_LOCK_HELD:-}" != 1 ]; then
	exec 9>/tmp/xenlend-vm.lock
	flock 9
fi

B=$T/build/render-check
rm -rf "$B"
mkdir -p "$B/src/dom0-broker" "$B/src/tests" "$B/out"
cp -r "$TOP/uapi" "$B/src/"
cp -r "$TOP/dom0-broker/Makefile" "$TOP/dom0-broker/src" "$TOP/dom0-broker/render" \
	"$B/src/dom0-broker/"
cp -r "$TOP/tests/render" "$B/src/tests/"

MOUNTED=
cleanup() {
	for m in $MOUNTED; do
		umount "$T/$m" || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
if ! mountpoint -q "$T/proc"; then
	mount -t proc proc "$T/proc"
	MOUNTED="$MOUNTED proc"
fi
if ! mountpoint -q "$T/dev"; then
	mount --bind /dev "$T/dev"
	MOUNTED="$MOUNTED dev"
fi

log "building xenlend-render and render-smoke${SAN:+ with sanitizers}"
chroot "$T" sh -ec "
	make -s -C /build/render-check/src/dom0-broker O=/build/render-check/out \
		CFLAGS='-O2 -g $SAN' render
	gcc -std=c11 -D_GNU_SOURCE -D__XEN_TOOLS__ -Wall -Wextra -Werror -Wshadow \
		-Wstrict-prototypes -Wmissing-prototypes -O2 -g $SAN \
		-I/build/render-check/src/uapi -idirafter /usr/include/xen/io \
		-I/build/render-check/src/dom0-broker/src \
		-o /build/render-check/out/render-smoke \
		/build/render-check/src/tests/render/render-smoke.c \
		/build/render-check/src/dom0-broker/src/render_sandbox.c \
		/build/render-check/src/uapi/xenlend_wire.c" >"$B/build.log" 2>&1 || {
	cat "$B/build.log" >&2
	die "build failed"
}
if grep -q 'warning:' "$B/build.log"; then
	cat "$B/build.log" >&2
	die "the build printed warnings"
fi

# Twice: with the context fences virgl contexts normally get, then with the
# context-0 fences the worker falls back to when those fail.
rc=0
for opt in "" --ctx0-fences; do
	log "running render-smoke${opt:+ (worker $opt)}; the worker logs on stderr"
	chroot "$T" env ASAN_OPTIONS=detect_leaks=0 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		/build/render-check/out/render-smoke /build/render-check/out/xenlend-render $opt ||
		rc=1
done
[ $rc = 0 ] && log "render-check passed" || log "render-check FAILED"
exit $rc
