#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Static tier for the kernel code: checkpatch.pl --strict on every kernel and
# protocol source file; W=1 + sparse (C=2) builds of xenlend.ko (without and
# with the test hooks) and xenlend-host.ko against the Debian trixie kernel
# headers, which must print no warning; the same for the test-only TTM
# driver of scenario gpu-ttm; and no file-level call cycle among the guest
# driver's objects (scripts/file-cycles.py).
# Runs inside the tools root that scripts/xen-env/setup.sh builds.
# CAMELCASE is ignored because checkpatch runs without a kernel tree here and
# so cannot know that Xen's XenbusState* enums come from the kernel itself.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"
T=$XENLEND_CACHE/tools
[ -x "$T/opt/checkpatch/scripts/checkpatch.pl" ] || die "run scripts/xen-env/setup.sh first"
KVER=$(ls "$T/usr/lib/modules" | head -n1)
S=$T/build/static
rm -rf "$S"
mkdir -p "$S"
# Everything is checked and built as the patch series lays it out, applied
# to clean copies of the kernel files it changes.
sh "$HERE/kernel-patches.sh" >/dev/null
kernel_series_apply "$XENLEND_CACHE/kernel-patches" "$XENLEND_CACHE/build/kernel-base" "$S/tree"
cp -r "$XENLEND_CACHE/kernel-patches" "$S/patches"
G=tree/drivers/gpu/drm/xenlend
H=tree/drivers/xen/xenlend
rc=0

# The protocol header is in Xen's public-header style (uint32_t, as in
# include/xen/interface/io/), which checkpatch would have be u32.
files=$(cd "$S" && echo $G/*.c $G/*.h $H/*.c tree/include/uapi/xen/xenlend_host.h)
log "checkpatch --strict: $(echo $files | wc -w) files"
: >"$S/checkpatch.log"
for f in $files; do
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CAMELCASE
	[ "$f" = $G/xenlend_if.h ] && ignore=$ignore,PREFER_KERNEL_TYPES
	echo "$f $ignore"
done | awk '{ l[$2] = l[$2] " " $1 } END { for (i in l) print i l[i] }' >"$S/checkpatch.sets"
while read -r ignore set; do
	# shellcheck disable=SC2086 # a list of files
	chroot "$T" sh -c "cd /build/static && /opt/checkpatch/scripts/checkpatch.pl --strict \
		--no-tree --terse --show-types --ignore $ignore -f $set" \
		>>"$S/checkpatch.log" 2>/dev/null || echo "checkpatch exited $?" >>"$S/checkpatch.log"
done <"$S/checkpatch.sets"
# The series as a reviewer gets it (the protocol header's types as above).
log "checkpatch --strict: the $(ls "$S"/patches/000[1-9]*.patch | wc -l) patches"
chroot "$T" sh -c "cd /build/static && /opt/checkpatch/scripts/checkpatch.pl --strict \
	--no-tree --terse --show-types --ignore SPDX_LICENSE_TAG,CAMELCASE,PREFER_KERNEL_TYPES,FILE_PATH_CHANGES \
	patches/000[1-9]*.patch" >>"$S/checkpatch.log" 2>/dev/null ||
	echo "checkpatch exited $?" >>"$S/checkpatch.log"
if grep -q -e '^[^ ]*:[0-9]*: ' -e '^checkpatch exited' "$S/checkpatch.log"; then
	cat "$S/checkpatch.log"
	log "checkpatch: FAILED"
	rc=1
else
	log "checkpatch: clean"
fi

# The production build, without the test hooks, then the one the tests use.
log "W=1 C=2 (sparse) builds against $KVER"
# Built as DKMS and `make modules` build them (packaging/modules.mk).
cp "$TOP/packaging/modules.mk" "$S/tree/modules.mk"
chroot "$T" make -f /build/static/tree/modules.mk KDIR="/usr/src/linux-headers-$KVER" \
	W=1 C=2 >"$S/build.log" 2>&1 || { cat "$S/build.log"; die "build failed"; }
if [ -e "$S/$G/xenlend_test_hooks.o" ]; then
	cat "$S/build.log"
	die "the production build has the test hooks"
fi
chroot "$T" make -f /build/static/tree/modules.mk KDIR="/usr/src/linux-headers-$KVER" \
	DEBUG=1 W=1 C=2 >>"$S/build.log" 2>&1 || { cat "$S/build.log"; die "build failed"; }
if grep -E 'warning|error|sparse:' "$S/build.log"; then
	log "W=1/sparse: FAILED"
	rc=1
else
	log "W=1/sparse: clean"
fi
# The test-only TTM driver of scenario gpu-ttm: checkpatch, W=1 and sparse.
log "the test TTM driver: checkpatch --strict, W=1 C=2"
rm -rf "$T/build/static-ttm"
cp -r "$TOP/tests/ttm-driver" "$T/build/static-ttm"
if chroot "$T" sh -c "cd /build/static-ttm && /opt/checkpatch/scripts/checkpatch.pl --strict \
	--no-tree --terse --show-types --ignore SPDX_LICENSE_TAG,FILE_PATH_CHANGES \
	-f xenlend_ttm_test.c xenlend_ttm_test.h" >"$S/ttm.log" 2>&1 &&
   chroot "$T" make -C "/usr/src/linux-headers-$KVER" M=/build/static-ttm W=1 C=2 modules \
	>>"$S/ttm.log" 2>&1 && ! grep -E 'warning|error|sparse:' "$S/ttm.log"; then
	log "the test TTM driver: clean"
else
	cat "$S/ttm.log"
	log "the test TTM driver: FAILED"
	rc=1
fi

# The IGT guest's sw_sync module: our shim (the rest is Linux's own code,
# built by build-images.sh).
log "the sw_sync shim: checkpatch --strict"
cp "$TOP/tests/sw-sync/sw_sync_module.c" "$S/"
if chroot "$T" sh -c "cd /build/static && /opt/checkpatch/scripts/checkpatch.pl --strict \
	--no-tree --terse --show-types --ignore FILE_PATH_CHANGES -f sw_sync_module.c" \
	>"$S/sw-sync.log" 2>&1; then
	log "the sw_sync shim: clean"
else
	cat "$S/sw-sync.log"
	log "the sw_sync shim: FAILED"
	rc=1
fi

# No two files call each other in a circle (symbols between the objects):
# the guest driver's, and the broker's and render worker's (built here for
# it, in the tools root that has their libraries).
log "file cycles"
mkdir -p "$S/user/scripts" "$S/user/dom0-broker"
cp -r "$TOP/uapi" "$S/user/"
cp -r "$TOP/dom0-broker/Makefile" "$TOP/dom0-broker/src" "$TOP/dom0-broker/render" \
	"$S/user/dom0-broker/"
cp "$HERE/file-cycles.py" "$S/user/scripts/"
if python3 "$HERE/file-cycles.py" --name guest-drm "$S"/$G/xenlend_*.o &&
   chroot "$T" make -s -C /build/static/user/dom0-broker O=/build/static/user/out cycles; then
	log "file cycles: none"
else
	log "file cycles: FAILED"
	rc=1
fi
[ $rc = 0 ] && echo "static: 4 passed, 0 failed" || echo "static: FAILED"
exit $rc
