#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# KUnit tier: apply the kernel patch series (make kernel-patches) to the
# Debian kernel source of the tools root, build a User-Mode Linux kernel
# from it through the series' own option DRM_XENLEND_KUNIT_TEST
# (drivers/gpu/drm/xenlend/.kunitconfig), boot it, and report the suites'
# results (tools/testing/kunit/kunit.py parses them). The source tree and
# the build directory are cached under the tools root; a file the series
# leaves unchanged keeps its time, so a run after a change rebuilds only
# what changed. UML because it needs no emulator: the code under test knows
# neither Xen nor DRM (see kunit/README.md).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"
T=$XENLEND_CACHE/tools
K=$T/build/kunit
tarball=$(kernel_source_tarball)

stamp="$(basename "$tarball") $(stat -c %s "$tarball") series"
if [ "$(cat "$K/src/.xenlend-stamp" 2>/dev/null)" != "$stamp" ]; then
	log "unpacking $(basename "$tarball") for the KUnit build"
	rm -rf "$K/src" "$K/out"
	mkdir -p "$K/src"
	tar -C "$K/src" --strip-components=1 -xf "$tarball"
	echo "$stamp" >"$K/src/.xenlend-stamp"
fi

# The series, applied to clean copies of the files it changes, then copied
# into the tree where it differs; what an earlier series had and this one
# has not is removed.
sh "$HERE/kernel-patches.sh" >/dev/null
A=$K/applied
kernel_series_apply "$XENLEND_CACHE/kernel-patches" "$XENLEND_CACHE/build/kernel-base" "$A"
(cd "$A" && find . -type f | sort) >"$K/applied.list.new"
# A file of ours an earlier series had and this one has not goes (Linux's
# own files are never removed: the series only changes them).
if [ -f "$K/applied.list" ]; then
	comm -23 "$K/applied.list" "$K/applied.list.new" | grep xenlend | while read -r f; do
		rm -f "$K/src/$f"
	done
fi
while read -r f; do
	mkdir -p "$(dirname "$K/src/$f")"
	cmp -s "$A/$f" "$K/src/$f" || cp "$A/$f" "$K/src/$f"
done <"$K/applied.list.new"
mv "$K/applied.list.new" "$K/applied.list"

log "KUnit: building and booting UML (log: $K/kunit.log)"
# kunit.py parses the suites' KTAP output itself: it fails on a failed or
# missing case and on a kernel that crashed or printed no results.
if chroot "$T" sh -c "cd /build/kunit/src && python3 tools/testing/kunit/kunit.py run \
	--build_dir=/build/kunit/out --kunitconfig=drivers/gpu/drm/xenlend \
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
