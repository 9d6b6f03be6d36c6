#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make modules`: xenlend.ko and xenlend-host.ko for a kernel outside this
# repository's environment (a real dom0 or guest), built out of tree from
# the layout of the kernel patch series (scripts/kernel-tree.sh) with the
# Makefile the DKMS package uses (packaging/modules.mk).
#   KDIR  the kernel's build tree (default /lib/modules/$(uname -r)/build)
#   XENLEND_MODULES_DIR  where to lay out and build (default
#         dom0-broker/build/linux; its drivers/ and include/ are replaced)
#   DEBUG=1  with the guest driver's test hooks (CONFIG_DRM_XENLEND_DEBUG)
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"
KDIR=${KDIR:-/lib/modules/$(uname -r)/build}
L=${XENLEND_MODULES_DIR:-$TOP/dom0-broker/build/linux}
[ -d "$KDIR" ] || die "no kernel build tree at $KDIR (set KDIR)"
case $L in *[[:space:]]*) die "XENLEND_MODULES_DIR must have no blanks" ;; esac
rm -rf "$L/drivers" "$L/include" "$L/Makefile"
kernel_tree_files "$TOP" "$L" 3
cp "$TOP/packaging/modules.mk" "$L/Makefile"
make -C "$L" KDIR="$KDIR" DEBUG="${DEBUG:-0}"
ls "$L/drivers/gpu/drm/xenlend/xenlend.ko" "$L/drivers/xen/xenlend/xenlend-host.ko"
