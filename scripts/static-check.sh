#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Static tier for the kernel code: checkpatch.pl --strict on every kernel and
# protocol source file; W=1 + sparse (C=2) builds of xenlend.ko (without and
# with the test hooks) and xenlend-host.ko against the Debian trixie kernel
# headers, which must print no warning; and no file-level call cycle among
# the guest driver's objects (scripts/file-cycles.py).
# Runs inside the tools root that scripts/xen-env/setup.sh builds.
# CAMELCASE is ignored because checkpatch runs without a kernel tree here and
# so cannot know that Xen's XenbusState* enums come from the kernel itself.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
T=$XENLEND_CACHE/tools
[ -x "$T/opt/checkpatch/scripts/checkpatch.pl" ] || die "run scripts/xen-env/setup.sh first"
KVER=$(ls "$T/usr/lib/modules" | head -n1)
S=$T/build/static
rm -rf "$S"
mkdir -p "$S"
cp -r "$TOP/Kbuild" "$TOP/guest-drm" "$TOP/uapi" "$TOP/kunit" "$S/"
mkdir -p "$S/dom0-broker"
cp -r "$TOP/dom0-broker/kernel" "$S/dom0-broker/"
rc=0

# The protocol header is in Xen's public-header style (uint32_t, as in
# include/xen/interface/io/), which checkpatch would have be u32.
files=$(cd "$S" && echo guest-drm/*.c guest-drm/*.h uapi/*.c uapi/*.h kunit/*.c dom0-broker/kernel/*.c)
log "checkpatch --strict: $(echo $files | wc -w) files"
: >"$S/checkpatch.log"
for f in $files; do
	ignore=FILE_PATH_CHANGES,SPDX_LICENSE_TAG,CAMELCASE
	[ "$f" = uapi/xenlend_if.h ] && ignore=$ignore,PREFER_KERNEL_TYPES
	echo "$f $ignore"
done | awk '{ l[$2] = l[$2] " " $1 } END { for (i in l) print i l[i] }' >"$S/checkpatch.sets"
while read -r ignore set; do
	# shellcheck disable=SC2086 # a list of files
	chroot "$T" sh -c "cd /build/static && /opt/checkpatch/scripts/checkpatch.pl --strict \
		--no-tree --terse --show-types --ignore $ignore -f $set" \
		>>"$S/checkpatch.log" 2>/dev/null || echo "checkpatch exited $?" >>"$S/checkpatch.log"
done <"$S/checkpatch.sets"
if grep -q -e '^[^ ]*:[0-9]*: ' -e '^checkpatch exited' "$S/checkpatch.log"; then
	cat "$S/checkpatch.log"
	log "checkpatch: FAILED"
	rc=1
else
	log "checkpatch: clean"
fi

# The production build, without the test hooks, then the one the tests use.
log "W=1 C=2 (sparse) builds against $KVER"
chroot "$T" make -C "/usr/src/linux-headers-$KVER" M=/build/static CONFIG_DRM_XENLEND=m \
	W=1 C=2 modules >"$S/build.log" 2>&1 || { cat "$S/build.log"; die "build failed"; }
if [ -e "$S/guest-drm/xenlend_test_hooks.o" ]; then
	cat "$S/build.log"
	die "the production build has the test hooks"
fi
chroot "$T" make -C "/usr/src/linux-headers-$KVER" M=/build/static CONFIG_DRM_XENLEND=m \
	CONFIG_DRM_XENLEND_DEBUG=y W=1 C=2 modules >>"$S/build.log" 2>&1 ||
	{ cat "$S/build.log"; die "build failed"; }
chroot "$T" make -C "/usr/src/linux-headers-$KVER" M=/build/static/dom0-broker/kernel \
	W=1 C=2 modules >>"$S/build.log" 2>&1 || { cat "$S/build.log"; die "build failed"; }
if grep -E 'warning|error|sparse:' "$S/build.log"; then
	log "W=1/sparse: FAILED"
	rc=1
else
	log "W=1/sparse: clean"
fi
# No two files call each other in a circle (symbols between the objects).
log "file cycles"
if python3 "$HERE/file-cycles.py" --name guest-drm "$S"/guest-drm/*.o "$S"/uapi/*.o; then
	log "file cycles: none"
else
	log "file cycles: FAILED"
	rc=1
fi
[ $rc = 0 ] && echo "static: 3 passed, 0 failed" || echo "static: FAILED"
exit $rc
