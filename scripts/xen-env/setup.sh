#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (or reuse) the Debian roots the Xen test environment is
# made from, under $XENLEND_CACHE:
#   tools/    QEMU 10, Xen 4.20 hypervisor, Debian kernel 6.12 + headers and
#             the compilers and -dev packages that build the guest module and
#             the broker for trixie.
#             With virglrenderer and Mesa (llvmpipe, lavapipe) it also builds
#             and runs the render worker natively (scripts/render-check.sh).
#   dom0root/ dom0 userspace: systemd, Xen 4.20 tools, xenstored, kmod, libdrm, and
#             the render worker's runtime: virglrenderer, its render server,
#             EGL/GL/GBM and Vulkan with Mesa's software drivers; GLES for
#             the benchmark baselines that run the GL test program in dom0.
#   igt/      (Debian sid) IGT 2.5, igt-gpu-tools and its tests: upstream's
#             generic DRM tests and igt_runner run in a test domU against
#             the xenlend render node (no release of Debian before sid
#             packages IGT 2.x with its tests).
# Each root carries a stamp of the package list and post-install commands it
# was built from; a root whose stamp differs is rebuilt from scratch (make_root
# in scripts/lib.sh), one that matches is reused.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib.sh"

SUITE=trixie
# What xenlend-render needs at run time besides libvirglrenderer1: the venus
# render server, EGL surfaceless + desktop GL (epoxy dlopens libEGL.so.1 and
# libGL.so.1) on llvmpipe, GBM, and Vulkan with lavapipe.
RENDER_PKGS="virgl-server libegl1 libegl-mesa0 libgl1 libglx-mesa0 libgl1-mesa-dri \
libgbm1 mesa-vulkan-drivers libvulkan1"
# qemu-system-modules-spice: QEMU's qxl device (scenario gpu-ttm lends
# buffers of dom0's qxl driver, a TTM driver with VRAM).
TOOLS_PKGS="qemu-system-x86 qemu-system-modules-spice xen-hypervisor-4.20-amd64 linux-headers-amd64 \
gcc make libc6-dev libxen-dev libdrm-dev libsystemd-dev pkg-config \
busybox-static cpio perl sparse linux-source flex bison bc python3 \
libvirglrenderer-dev dkms $RENDER_PKGS"
# dom0 boots systemd, which starts the broker from its unit; dbus is the
# system bus through which systemd-analyze asks the running manager.
DOM0_PKGS="xen-utils-4.20 xenstore-utils busybox kmod libdrm2 libsystemd0 systemd dbus \
libvirglrenderer1 $RENDER_PKGS libgles2"

host_apt_install debootstrap cpio python3 zstd
MIRROR=$(debian_mirror)
mkdir -p "$XENLEND_CACHE"

# The kernel image and modules come without running initramfs-tools: the
# environment never uses Debian's initrd. The package stays in the .deb cache.
KERNEL_POST='KPKG=$(apt-cache depends linux-image-amd64 | awk "/Depends: linux-image-/{print \$2; exit}")
	if [ ! -d /usr/lib/modules/${KPKG#linux-image-} ]; then
		cd /var/cache/apt/archives
		ls ${KPKG}_*.deb >/dev/null 2>&1 || apt-get download -q $KPKG
		dpkg-deb -x ${KPKG}_*.deb /
	fi'

# checkpatch.pl and its data files, out of the kernel source tarball.
CHECKPATCH_POST='if [ ! -x /opt/checkpatch/scripts/checkpatch.pl ]; then
		mkdir -p /opt/checkpatch
		tar -C /opt/checkpatch --strip-components=1 -xf /usr/src/linux-source-*.tar.xz \
			--wildcards "*/scripts/checkpatch.pl" "*/scripts/spelling.txt" \
			"*/scripts/const_structs.checkpatch"
	fi'

make_root tools "$TOOLS_PKGS" "$KERNEL_POST
	$CHECKPATCH_POST"
make_root dom0root "$DOM0_PKGS" 'rm -rf /var/lib/apt/lists/*'
SUITE=sid
make_root igt "igt-gpu-tools igt-gpu-tools-tests" 'rm -rf /var/lib/apt/lists/*'
