#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make modules`: xenlend.ko and xenlend-host.ko for a kernel outside this
# repository's environment (a real dom0 or guest), built out of tree from
# the layout of the kernel patch series (scripts/kernel-tree.sh).
#   KDIR  the kernel's build tree (default /lib/modules/$(uname -r)/build)
#   O     where to lay out and build (default dom0-broker/build/linux)
#   DEBUG=1  with the guest driver's test hooks (CONFIG_DRM_XENLEND_DEBUG)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"
KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
O=${O:-$TOP/dom0-broker/build/linux}
[ -d "$KDIR" ] || die "no kernel build tree at $KDIR (set KDIR)"
rm -rf "$O"
kernel_tree_files "$TOP" "$O" 4
debug=
[ "${DEBUG:-0}" = 1 ] && debug=CONFIG_DRM_XENLEND_DEBUG=y
# shellcheck disable=SC2086 # empty or one assignment
make -C "$KDIR" M="$O/drivers/gpu/drm/xenlend" CONFIG_DRM_XENLEND=m $debug modules
make -C "$KDIR" M="$O/drivers/xen/xenlend" CONFIG_XEN_XENLEND_HOST=m modules
ls "$O/drivers/gpu/drm/xenlend/xenlend.ko" "$O/drivers/xen/xenlend/xenlend-host.ko"
