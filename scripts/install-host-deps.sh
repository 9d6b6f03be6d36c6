#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Debian packages the host (bookworm) needs for the host test tiers and for
# building the Xen environment. Installs only what is missing.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
host_apt_install make gcc libc6-dev libxen-dev clang libclang-rt-14-dev \
	debootstrap cpio python3 zstd
