#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make kernel-patches`: the kernel code of this repository as a
# `git format-patch` series against Debian's Linux 6.12 source (the one the
# tools root ships and the KUnit tier builds), in
# $XENLEND_CACHE/kernel-patches/. The patches are made from the very files
# every build uses (scripts/kernel-tree.sh): the guest driver as
# drivers/gpu/drm/xenlend/ (DRM_XENLEND, with its test hooks behind
# DRM_XENLEND_DEBUG), its KUnit suites (DRM_XENLEND_KUNIT_TEST), and dom0's
# lending engine as drivers/xen/xenlend/ (XEN_XENLEND_HOST).
#
# Only the Linux files the series changes are unpacked, as its base: a
# patch made against them applies to the whole tree (scripts/kernel-tree.sh
# kernel_series_apply does, on a copy of those files).
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"

tarball=$(kernel_source_tarball)
OUT=$XENLEND_CACHE/kernel-patches
W=$XENLEND_CACHE/build/kernel-series

kernel_base_files "$tarball" "$XENLEND_CACHE/build/kernel-base"

rm -rf "$W" "$OUT"
mkdir -p "$W" "$OUT"
name=$(git -C "$TOP" config user.name || echo "xenlend developers")
email=$(git -C "$TOP" config user.email || echo "xenlend@localhost")
# The repository's last commit dates the series, so it is reproducible.
date=$(git -C "$TOP" log -1 --format=%aI 2>/dev/null || date -u +%FT%TZ)
export GIT_AUTHOR_NAME="$name" GIT_AUTHOR_EMAIL="$email" GIT_AUTHOR_DATE="$date"
export GIT_COMMITTER_NAME="$name" GIT_COMMITTER_EMAIL="$email" GIT_COMMITTER_DATE="$date"
git -c init.defaultBranch=master init -q "$W"
cp -r "$XENLEND_CACHE/build/kernel-base/files/." "$W/"
git -C "$W" add -A
git -C "$W" commit -q -m "Linux $(basename "$tarball" .tar.xz) (Debian), the files the series changes"
git -C "$W" tag base

commit() {
	kernel_tree_files "$TOP" "$W" "$1"
	kernel_tree_wire "$W" "$1"
	git -C "$W" add -A
	{ cat; printf '\nSigned-off-by: %s <%s>\n' "$name" "$email"; } |
		git -C "$W" commit -q -F -
}

commit 1 <<'EOF'
drm/xenlend: add a driver for GPU memory lent by dom0

A Xen guest has no GPU acceleration unless a whole GPU is passed
through to it: GPU drivers move their buffers between VRAM and system
memory at will, and VRAM has no struct page, so dom0 cannot simply pin
and grant that memory to another domain.

xenlend lends it the way KVM maps guest memory under MMU notifiers:
the guest's buffer objects are memory dom0 lends, faulted in on demand
over a shared ring and an event channel and revocable by dom0 at any
moment. This is the guest's side: a xenbus frontend of device type
"xenlend" (the protocol is xenlend_if.h, in the style of Xen's public
io/ headers, checked by one codec whose table lists every message
type), and a DRM render node that speaks the virtio-gpu uAPI, so that
Mesa's virgl and venus drivers run on it unchanged but for the device
they open. Lent objects are mapped page by page from the broker's
grants and torn down on REVOKE; classic 3D resources live in guest
memory granted to dom0; command streams, capability sets and fences go
to dom0's renderer. The broker in dom0 is not trusted: every message
is copied off the ring and checked before use, and every wait is
bounded.

With DRM_XENLEND_DEBUG and the module parameter test_hooks=1, each
device's debugfs directory also gets the hooks that show dom0 survives
a hostile guest: "inject" (send 64 raw bytes as a request, read back
the answer), "flood" (keep the ring full without waiting for answers)
and "ignore_revoke" (keep lent memory mapped after a REVOKE). Without
the option none of it is built.
EOF

commit 2 <<'EOF'
drm/xenlend: add KUnit tests

Suites for the parts of the driver that know neither Xen nor DRM: the
fault and revocation core (fault-around windows, a REVOKE overtaking a
FAULT answer, revocation storms, a broker lending more or less than
asked, grant map failures), the table of requests waiting for the
broker (answers matched once, by id and type, late answers, parked
bulk pages) and the protocol codec (every reserved field and byte past
a body, ranges, versions, the message type table).

The suites link their own copy of that core, so they are offered only
where the driver is not built; the driver needs Xen, and KUnit runs
them in UML:
  tools/testing/kunit/kunit.py run --kunitconfig=drivers/gpu/drm/xenlend
EOF

commit 3 <<'EOF'
xen: add xenlend-host, dom0's lending engine

The other half of xenlend: /dev/xenlend-host lets dom0's broker grant
pages of its own mappings (memfd memory, or a GPU driver's buffers
including PFN mappings without struct page) to one guest at a time.
Every granted page is referenced; an MMU-notifier invalidation of a
granted range marks its grants revoked and queues an event the broker
reads from the same file, without waiting for the guest. The broker
forwards it as a REVOKE and releases the grants once the guest
answers or its deadline passes; a page the guest still maps then stays
referenced and quarantined, charged to that guest, until Xen reports
it unmapped, so it is never reused while a guest can reach it.
EOF

n=$(git -C "$W" rev-list --count base..HEAD)
git -C "$W" format-patch -q --cover-letter -o "$OUT" base..HEAD
# The cover letter: what the series is, instead of the template's blurbs.
cover=$(ls "$OUT"/0000-*.patch)
awk -v n="$n" -v base="$(basename "$tarball")" '
/^Subject: / { print "Subject: [PATCH 0/" n "] xenlend: GPU memory lent by dom0 to Xen guests"; next }
/\*\*\* SUBJECT HERE \*\*\*/ { next }
/\*\*\* BLURB HERE \*\*\*/ {
	print "Drivers for xenlend: a guest DRM render node whose buffer objects are"
	print "memory dom0 lends, revocable at any time, and dom0'"'"'s lending engine."
	print "Against " base " (Debian)."
	next
}
{ print }' "$cover" >"$cover.new" && mv "$cover.new" "$cover"
log "kernel patches: $n in $OUT"
ls "$OUT"
