#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# KUnit tier: build a User-Mode Linux kernel from the Debian kernel source of
# the tools root with the suites of kunit/ built in, boot it, and report the
# suites' results (tools/testing/kunit/kunit.py parses them). The source tree
# and the build directory are cached under the tools root, so a run after a
# change rebuilds only the staged files that changed (about 90 s cold on two
# cores). UML because it needs no emulator: the fault core under test knows
# neither Xen nor DRM (see kunit/README.md).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
T=$XENLEND_CACHE/tools
K=$T/build/kunit
tarball=$(ls "$T"/usr/src/linux-source-*.tar.xz 2>/dev/null | head -n1)
[ -n "$tarball" ] || die "run scripts/xen-env/setup.sh first"

stamp="$(basename "$tarball") $(stat -c %s "$tarball")"
if [ "$(cat "$K/src/.xenlend-stamp" 2>/dev/null)" != "$stamp" ]; then
	log "unpacking $(basename "$tarball") for the KUnit build"
	rm -rf "$K/src" "$K/out"
	mkdir -p "$K/src"
	tar -C "$K/src" --strip-components=1 -xf "$tarball"
	echo 'obj-$(CONFIG_KUNIT) += xenlend/' >>"$K/src/drivers/Makefile"
	echo "$stamp" >"$K/src/.xenlend-stamp"
fi

# Stage the sources; an unchanged file keeps its time, so make skips it.
D=$K/src/drivers/xenlend
mkdir -p "$D/guest-drm" "$D/uapi" "$D/kunit"
stage() {
	cmp -s "$1" "$2" || cp "$1" "$2"
}
stage "$TOP/kunit/Kbuild" "$D/Kbuild"
for f in guest-drm/xenlend_lend.c guest-drm/xenlend_lend.h guest-drm/xenlend_pending.c \
	guest-drm/xenlend_pending.h uapi/xenlend_if.h \
	uapi/xenlend_wire.c uapi/xenlend_wire.h kunit/.kunitconfig kunit/*_test.c; do
	stage "$TOP/$f" "$D/$f"
done

log "KUnit: building and booting UML (log: $K/kunit.log)"
# kunit.py parses the suites' KTAP output itself: it fails on a failed or
# missing case and on a kernel that crashed or printed no results.
if chroot "$T" sh -c "cd /build/kunit/src && python3 tools/testing/kunit/kunit.py run \
	--build_dir=/build/kunit/out --kunitconfig=drivers/xenlend/kunit/.kunitconfig \
	--jobs=$(nproc)" >"$K/kunit.log" 2>&1; then
	rc=0
else
	rc=1
	tail -n 60 "$K/kunit.log"
fi
grep -E '\] (=+ |\[(PASSED|FAILED|SKIPPED|CRASHED)\]|# .*: )' "$K/kunit.log" || true
summary=$(grep -o 'Ran [0-9]* tests: .*' "$K/kunit.log" | tail -n1)
echo "kunit: ${summary:-no results}"
exit $rc
