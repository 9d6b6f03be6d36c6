#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build xenlend.ko, the broker and its render worker inside the trixie tools
# root, then the boot images under $XENLEND_CACHE/img: xen (the hypervisor,
# uncompressed for QEMU's multiboot loader), vmlinuz, domU.cpio.gz,
# domU-igt.cpio.gz (with IGT's upstream tests), domU-gl.cpio.gz (with the
# patched Mesa of scripts/mesa-build.sh), domU-desktop.cpio.gz (that plus
# weston and Wayland clients) and dom0.cpio.
# The dom0 base archive is cached and rebuilt only when the dom0 root changes.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
. "$HERE/../lib.sh"
. "$HERE/../kernel-tree.sh"

T=$XENLEND_CACHE/tools
R=$XENLEND_CACHE/dom0root
O=$XENLEND_CACHE/img
B=$T/build
[ -f "$T/.xenlend-stamp" ] && [ -f "$R/.xenlend-stamp" ] ||
	die "environment missing: run scripts/xen-env/setup.sh first"
KVER=$(ls "$T/usr/lib/modules" | head -n1)
XENVER=4.20
mkdir -p "$O"

# The images are a function of the sources, the roots and the patched Mesa:
# when none of them changed since the last build, there is nothing to do.
sh "$HERE/../mesa-build.sh"
# The piglit tests of scenario piglit: this list, or PIGLIT_LIST's.
PIGLIT_LIST=${PIGLIT_LIST:-$TOP/tests/piglit/gles.list}
[ -f "$PIGLIT_LIST" ] || die "no piglit list $PIGLIT_LIST"
inputs=$(cd "$TOP" && {
	if git rev-parse --git-dir >/dev/null 2>&1; then
		git ls-files -co --exclude-standard kunit guest-drm uapi dom0-broker packaging tests \
			igt-tests scripts
	else
		find kunit guest-drm uapi dom0-broker packaging tests igt-tests scripts -type f \
			! -path '*/build/*'
	fi | LC_ALL=C sort | while read -r f; do [ -f "$f" ] && sha256sum "$f"; done
	cat "$T/.xenlend-stamp" "$R/.xenlend-stamp" "$XENLEND_CACHE/igt/.xenlend-stamp" \
		"$XENLEND_CACHE/mesa/install.stamp" "$PIGLIT_LIST"
} | sha256sum | cut -d' ' -f1)
if [ -f "$O/dom0.cpio" ] && [ "$(cat "$O/inputs.stamp" 2>/dev/null)" = "$inputs" ]; then
	log "images up to date in $O"
	exit 0
fi
rm -f "$O/inputs.stamp"

# ldd_paths: the libraries in ldd's output on stdin, one path each (the
# dynamic loader included), sorted, without duplicates.
ldd_paths() {
	awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\/.*ld-linux/ { print $1 }' | sort -u
}

# debian_not_mesa: of the paths on stdin, those the guests take from
# Debian, not from the patched Mesa: neither the Mesa build's own files
# (under /build/) nor Debian's copies of what that build installs (its
# GBM, glapi, EGL vendor library and gallium). Debian's glvnd libraries
# (libEGL, libGLESv2, libGL, libGLX, libGLdispatch) stay: the patched
# Mesa is their EGL vendor, as Debian's Mesa is on Debian.
debian_not_mesa() {
	grep -v '^/build/' | grep -Ev '/lib(gbm|glapi|EGL_mesa|GLX_mesa|gallium-[^/]*)\.so' || :
}

# copy_libs ROOT LIST DEST: the shared libraries named in LIST (paths in
# ROOT, as ldd printed them) into the overlay root DEST, which then has
# usr/lib/x86_64-linux-gnu, lib64 (the dynamic loader) and lib -> usr/lib.
copy_libs() {
	mkdir -p "$3/usr/lib/x86_64-linux-gnu" "$3/lib64"
	while read -r lib; do
		case $lib in
		*/ld-linux-x86-64.so.2) cp -L "$1$lib" "$3/lib64/" ;;
		*) cp -L "$1$lib" "$3/usr/lib/x86_64-linux-gnu/" ;;
		esac
	done <"$2"
	ln -s usr/lib "$3/lib"
}

# --- compile, from a fresh copy of the sources
log "building xenlend.ko, xenlend-broker and xenlend-render for $KVER"
rm -rf "$B/src"
mkdir -p "$B/src"
cp -r "$TOP/guest-drm" "$TOP/uapi" "$TOP/dom0-broker" "$TOP/tests" "$TOP/igt-tests" \
	"$B/src/"
# What a user installs: the packages of `make deb`. xenlend-dkms is
# installed with dpkg into the tools root (on an overlay that leaves the
# cached root as it is) and DKMS builds and installs its modules for the
# images' kernel: xenlend-host.ko is DKMS's. xenlend.ko is built once more
# from the installed source with its test hooks (DEBUG=1), and the broker
# with its own (TEST_HOOKS=1): the hostile-guest scenarios need them.
sh "$HERE/../make-deb.sh" >/dev/null
W=$XENLEND_CACHE/build/tools-dkms
rm -rf "$B/modules"
mkdir -p "$B/modules"
overlay_up "$T" "$W"
chroot_mounts "$W/m"
trap 'overlay_down "$W"' EXIT
cp "$XENLEND_CACHE"/packages/xenlend-dkms_*_all.deb "$W/m/tmp/xenlend-dkms.deb"
rm -rf "$W/m/tmp/ttm-driver"
cp -r "$TOP/tests/ttm-driver" "$W/m/tmp/"
VER=$(dpkg-deb -f "$W/m/tmp/xenlend-dkms.deb" Version)
chroot "$W/m" sh -ec "
	dpkg -i /tmp/xenlend-dkms.deb
	dkms install -m xenlend -v '$VER' -k $KVER
	cp -r '/usr/src/xenlend-$VER' /tmp/debug
	make -s -C /tmp/debug KDIR=/usr/src/linux-headers-$KVER DEBUG=1 W=1
	make -s -C /usr/src/linux-headers-$KVER M=/tmp/ttm-driver W=1 modules" >"$O/dkms.log" 2>&1 || {
	cat "$O/dkms.log" >&2
	die "xenlend-dkms did not install and build"
}
host=$(find "$W/m/usr/lib/modules/$KVER/updates/dkms" -name 'xenlend-host.ko*')
case $host in
*.xz) xz -dc "$host" >"$B/modules/xenlend-host.ko" ;;
*.zst) zstd -qdc "$host" >"$B/modules/xenlend-host.ko" ;;
*.ko) cp "$host" "$B/modules/" ;;
*) die "DKMS installed no xenlend-host.ko" ;;
esac
cp "$W/m/tmp/debug/drivers/gpu/drm/xenlend/xenlend.ko" "$B/modules/"
cp "$W/m/tmp/ttm-driver/xenlend-ttm-test.ko" "$B/modules/"	# test only
overlay_down "$W"
trap - EXIT
chroot "$T" sh -ec "
	make -s -C /build/src/dom0-broker O=/build/out TEST_HOOKS=1
	for t in lend-test hostile-test stress-test bench vram-test storm-test soak-test; do
		gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static -I/build/src/uapi \
			-idirafter /usr/include/xen/io -o /build/out/xenlend-\$t /build/src/tests/guest/\$t.c \
			/build/src/tests/guest/guest-util.c
	done
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -I/build/src/uapi \
		-o /build/out/ttm-pressure /build/src/tests/ttm-driver/ttm-pressure.c
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -I/build/src/uapi \
		-o /build/out/xenlend-engine-refusals /build/src/tests/dom0/engine-refusals.c
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
		-o /build/out/xenlend-worker-attack /build/src/tests/dom0/worker-attack.c
	gcc -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -I/build/src/uapi \
		-o /build/out/xenlend-vram-probe /build/src/tests/dom0/vram-probe.c -lxenctrl
	for t in xenlend_basic xenlend_render; do
		gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 -static -I/build/src/uapi \
			-I/build/src/tests/guest -o /build/out/\$t /build/src/igt-tests/\$t.c \
			/build/src/igt-tests/subtest.c /build/src/tests/guest/guest-util.c
	done
	cd /build/src/tests/vectors
	cc -std=c11 -Wall -Wextra -Werror -I../../uapi -idirafter /usr/include/xen/io -o /build/out/gen-vectors gen-vectors.c vectors.c
	/build/out/gen-vectors >/build/out/vectors.txt" >"$O/build.log" 2>&1 || {
	cat "$O/build.log" >&2
	die "build failed"
}
if grep -q 'warning:' "$O/build.log"; then
	cat "$O/build.log" >&2
	die "the build printed warnings"
fi

# --- sw_sync for the IGT guest (tests/sw-sync/Kbuild): Linux's own source
# from Debian's linux-source, built once per kernel and shim.
SW=$B/sw-sync
swkey=$KVER-$(cat "$TOP/tests/sw-sync/Kbuild" "$TOP/tests/sw-sync/sw_sync_module.c" |
	sha256sum | cut -c1-16)
if [ ! -f "$SW/sw_sync.ko" ] || [ "$(cat "$SW/key" 2>/dev/null)" != "$swkey" ]; then
	log "building sw_sync for the IGT guest from Debian's linux-source"
	rm -rf "$SW"
	mkdir -p "$SW/include/trace" "$SW/drivers/dma-buf"
	cp "$TOP/tests/sw-sync/Kbuild" "$TOP/tests/sw-sync/sw_sync_module.c" "$SW/"
	chroot "$T" sh -ec "
		cd /build/sw-sync
		tar -xJf /usr/src/linux-source-*.tar.xz --strip-components=3 --wildcards \
			'*/drivers/dma-buf/sw_sync.c' '*/drivers/dma-buf/sync_debug.[ch]' \
			'*/drivers/dma-buf/sync_trace.h'
		mv sw_sync.c sw_sync_main.c
		cp sync_trace.h drivers/dma-buf/
		make -s -C /usr/src/linux-headers-$KVER M=/build/sw-sync modules
		strip --strip-debug sw_sync.ko" >"$O/sw-sync.log" 2>&1 || {
		cat "$O/sw-sync.log" >&2
		die "sw_sync did not build"
	}
	if grep -q 'sw_sync_module.c.*warning:' "$O/sw-sync.log"; then
		cat "$O/sw-sync.log" >&2
		die "tests/sw-sync/sw_sync_module.c: warnings"
	fi
	echo "$swkey" >"$SW/key"
fi

# --- Xen and the kernel
[ "$O/xen" -nt "$T/boot/xen-$XENVER-amd64.gz" ] ||
	zcat "$T/boot/xen-$XENVER-amd64.gz" >"$O/xen"
cp "$T/boot/vmlinuz-$KVER" "$O/vmlinuz"

# --- domU: busybox, the module, the guest test scripts
D=$O/domu-root
rm -rf "$D"
mkdir -p "$D/bin" "$D/proc" "$D/sys" "$D/dev"
cp "$T/usr/bin/busybox" "$D/bin/busybox"
cp "$B/modules/xenlend.ko" "$D/xenlend.ko"
# xenlend.ko needs drm_shmem_helper, which needs drm_kms_helper; all need drm.
for m in drm drm_kms_helper drm_shmem_helper; do
	xz -dc "$T/usr/lib/modules/$KVER/kernel/drivers/gpu/drm/$m.ko.xz" >"$D/$m.ko"
done
cp "$B/out/xenlend-lend-test" "$B/out/xenlend-hostile-test" "$B/out/xenlend-stress-test" \
	"$B/out/xenlend-bench" "$B/out/xenlend-vram-test" "$B/out/xenlend-storm-test" \
	"$B/out/xenlend-soak-test" "$B/out/xenlend_basic" \
	"$B/out/xenlend_render" "$D/"
cp "$TOP/tests/e2e/domu-init.sh" "$D/init"
cp "$TOP/tests/e2e/domu-tests.sh" "$D/xenlend-domu-tests.sh"
cp "$B/out/vectors.txt" "$D/vectors.txt"
chmod +x "$D/init"
(cd "$D" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/domU.cpio.gz"

# --- domU-igt: the same plus igt_runner and the upstream IGT tests of
# igt-tests/upstream.testlist, with the shared libraries they need, from the
# sid root (IGT 2.5). The PV guest of the check run boots it.
I=$XENLEND_CACHE/igt
[ -f "$I/.xenlend-stamp" ] || die "no IGT root: run scripts/xen-env/setup.sh first"
DI=$O/domu-igt-overlay
rm -rf "$DI"
mkdir -p "$DI/usr/bin" "$DI/usr/libexec/igt-gpu-tools" "$DI/igt"
sed 's/#.*//' "$TOP/igt-tests/upstream.testlist" | grep . >"$DI/igt/upstream.testlist"
igt_bins=$(sed -n 's/^igt@\([^@]*\).*/\1/p' "$DI/igt/upstream.testlist" | sort -u | tr "\n" " ")
cp "$I/usr/bin/igt_runner" "$DI/usr/bin/"
cp "$SW/sw_sync.ko" "$DI/sw_sync.ko"
for t in $igt_bins; do
	cp "$I/usr/libexec/igt-gpu-tools/$t" "$DI/usr/libexec/igt-gpu-tools/"
done
# igt_runner's index of the test programs in its test root.
printf 'TESTLIST\n%s\nEND TESTLIST\n' "${igt_bins% }" >"$DI/usr/libexec/igt-gpu-tools/test-list.txt"
# libgcc_s is no link-time dependency: glibc loads it for pthread_exit()
# and thread cancellation, and without it the syncobj tests' threads abort.
{ chroot "$I" sh -c "cd /usr/libexec/igt-gpu-tools && ldd /usr/bin/igt_runner $igt_bins"
  echo "	libgcc_s.so.1 => /usr/lib/x86_64-linux-gnu/libgcc_s.so.1"; } | ldd_paths >"$O/igt-libs"
[ -s "$O/igt-libs" ] || die "ldd found no libraries of the IGT tests"
copy_libs "$I" "$O/igt-libs" "$DI"
(cd "$DI" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/domU-igt-overlay.cpio.gz"
cat "$O/domU.cpio.gz" "$O/domU-igt-overlay.cpio.gz" >"$O/domU-igt.cpio.gz"

# --- domU-gl: the same plus the patched Mesa (virgl, venus), GL and Vulkan programs,
# vulkaninfo and the Vulkan loader, with the shared libraries they need from
# the Mesa build root (trixie). The kernel unpacks the two concatenated
# archives in order.
M=$XENLEND_CACHE/mesa
MR=$M/root
G=$MR/build/guest
rm -rf "$G"
mkdir -p "$G"
cp -a "$M/install" "$G/sysroot"
cp "$TOP/tests/guest/gl-render.c" "$TOP/tests/guest/gl-share.c" "$TOP/tests/guest/vk-memory.c" \
	"$TOP/tests/guest/guest-util.c" "$TOP/tests/guest/guest-util.h" "$TOP/uapi/xenlend_test.h" "$G/"
chroot_mounts "$MR"
trap 'chroot_umounts "$MR"' EXIT
chroot "$MR" sh -ec "
	L=/build/guest/sysroot/usr/lib/x86_64-linux-gnu
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
		-I/build/guest/sysroot/usr/include -L\$L -Wl,-rpath-link,\$L \
		-o /build/guest/xenlend-gl-render /build/guest/gl-render.c -lEGL -lGLESv2
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
		-I/build/guest/sysroot/usr/include -L\$L -Wl,-rpath-link,\$L \
		-o /build/guest/xenlend-gl-share /build/guest/gl-share.c \
		/build/guest/guest-util.c -lEGL -lGLESv2
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
		-o /build/guest/xenlend-vk-memory /build/guest/vk-memory.c -lvulkan
	LD_LIBRARY_PATH=\$L ldd /build/guest/xenlend-gl-render \$L/libgallium-*.so \
		\$L/libEGL_mesa.so.0 \$L/libvulkan_virtio.so \$L/libgbm.so.1 \
		\$L/gbm/dri_gbm.so /usr/bin/vulkaninfo /usr/lib/x86_64-linux-gnu/libvulkan.so.1 \
		>/build/guest/ldd-gl" >"$O/build-gl.log" 2>&1 || {
	cat "$O/build-gl.log" >&2
	die "building the GL guest program failed"
}
ldd_paths <"$G/ldd-gl" | debian_not_mesa >"$G/libs"
chroot_umounts "$MR"
trap - EXIT
DG=$O/domu-gl-overlay
rm -rf "$DG"
mkdir -p "$DG/usr/lib/x86_64-linux-gnu" "$DG/lib64"
cp -a "$G/sysroot/usr/lib" "$G/sysroot/usr/share" "$DG/usr/"
rm -rf "$DG/usr/lib/x86_64-linux-gnu/pkgconfig"
copy_libs "$MR" "$G/libs" "$DG"
cp "$G/xenlend-gl-render" "$G/xenlend-gl-share" "$G/xenlend-vk-memory" "$DG/"
# An unmodified Vulkan program and the Vulkan loader, from Debian.
mkdir -p "$DG/usr/bin"
cp "$MR/usr/bin/vulkaninfo" "$DG/usr/bin/"
cp -L "$MR/usr/lib/x86_64-linux-gnu/libvulkan.so.1" "$DG/usr/lib/x86_64-linux-gnu/"
(cd "$DG" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/domU-gl-overlay.cpio.gz"
cat "$O/domU.cpio.gz" "$O/domU-gl-overlay.cpio.gz" >"$O/domU-gl.cpio.gz"

# --- domU-desktop: domU-gl plus a Wayland desktop from Debian trixie,
# unmodified: weston (headless backend, GL renderer, kiosk shell),
# weston-simple-egl, weston-screenshooter, glmark2-es2-wayland and vkcube,
# with the libraries and data they need from the Mesa build root, and
# xenlend-png-check, which reads the screenshot.
W=usr/lib/x86_64-linux-gnu
cp "$TOP/tests/guest/png-check.c" "$G/"
chroot_mounts "$MR"
trap 'chroot_umounts "$MR"' EXIT
chroot "$MR" sh -ec "
	gcc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -O2 \
		-o /build/guest/xenlend-png-check /build/guest/png-check.c -lz
	ldd /usr/bin/weston /usr/bin/weston-simple-egl /usr/bin/weston-screenshooter \
		/usr/bin/glmark2-es2-wayland /usr/bin/vkcube /$W/libweston-14/headless-backend.so \
		/$W/libweston-14/gl-renderer.so /$W/weston/kiosk-shell.so \
		/build/guest/xenlend-png-check >/build/guest/ldd-desktop" >"$O/build-desktop.log" 2>&1 || {
	cat "$O/build-desktop.log" >&2
	die "collecting the desktop guest's programs failed"
}
ldd_paths <"$G/ldd-desktop" | debian_not_mesa >"$G/desktop-libs"
chroot_umounts "$MR"
trap - EXIT
DD=$O/domu-desktop-overlay
rm -rf "$DD"
mkdir -p "$DD/usr/bin" "$DD/$W/libweston-14" "$DD/$W/weston" "$DD/usr/share/X11"
copy_libs "$MR" "$G/desktop-libs" "$DD"
for b in weston weston-simple-egl weston-screenshooter glmark2-es2-wayland vkcube; do
	cp "$MR/usr/bin/$b" "$DD/usr/bin/"
done
cp "$MR/$W/libweston-14/headless-backend.so" "$MR/$W/libweston-14/gl-renderer.so" \
	"$DD/$W/libweston-14/"
cp -a "$MR/$W/weston/kiosk-shell.so" "$MR/$W/weston/"libexec_weston.so* "$DD/$W/weston/"
cp -a "$MR/usr/share/X11/xkb" "$DD/usr/share/X11/"
cp -a "$MR/usr/share/glmark2" "$DD/usr/share/"
cp "$G/xenlend-png-check" "$DD/"
(cd "$DD" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/domU-desktop-overlay.cpio.gz"
cat "$O/domU-gl.cpio.gz" "$O/domU-desktop-overlay.cpio.gz" >"$O/domU-desktop.cpio.gz"

# --- domU-piglit: domU-gl plus the piglit programs $PIGLIT_LIST names
# (Debian trixie's piglit, from the Mesa build root), their libraries but
# Debian's GL ones, the list and its runner. dom0 gets the same programs
# for the baseline over vtest (on dom0's own Mesa), below.
PB=usr/lib/x86_64-linux-gnu/piglit/bin
piglit_progs=$(sed 's/#.*//' "$PIGLIT_LIST" | awk 'NF >= 2 { print $2 }' | sort -u | tr '\n' ' ')
[ -n "$piglit_progs" ] || die "$PIGLIT_LIST names no piglit program"
for p in $piglit_progs; do
	[ -x "$MR/$PB/$p" ] || die "$PIGLIT_LIST names $p, which piglit does not have in /$PB"
done
# piglit's utility libraries link glvnd's libGL (and through it libGLX
# and libGLdispatch), whose entry points dispatch to the patched Mesa once
# its EGL made a context current.
chroot "$MR" sh -c "cd /$PB && ldd $piglit_progs" | ldd_paths | debian_not_mesa \
	>"$O/piglit-libs"
DP=$O/domu-piglit-overlay
rm -rf "$DP"
mkdir -p "$DP/$PB"
copy_libs "$MR" "$O/piglit-libs" "$DP"
for p in $piglit_progs; do cp "$MR/$PB/$p" "$DP/$PB/"; done
cp "$PIGLIT_LIST" "$DP/piglit.list"
cp "$TOP/tests/e2e/piglit-run.sh" "$DP/"
(cd "$DP" && find . | cpio -o -H newc --quiet | gzip -1) >"$O/domU-piglit-overlay.cpio.gz"
cat "$O/domU-gl.cpio.gz" "$O/domU-piglit-overlay.cpio.gz" >"$O/domU-piglit.cpio.gz"

# --- dom0: the base root (cached) plus what changes with every build
# Left out of the base root: documentation, translations, apt's caches,
# Python (pygrub's, which boots no guest here), the kernel modules that
# dom0-modules does not name (dom0 has no udev to load them), and Mesa's
# Vulkan drivers for real GPUs and its debugging layers (dom0 renders with
# llvmpipe and lavapipe only; each driver is 10-20 MiB). venus's driver
# stays, without its manifest, for the Vulkan baseline over vtest.
if [ ! -f "$O/dom0-base.cpio" ] || [ "$R/.xenlend-stamp" -nt "$O/dom0-base.cpio" ] ||
   [ "$T/.xenlend-stamp" -nt "$O/dom0-base.cpio" ] || [ "$HERE/build-images.sh" -nt "$O/dom0-base.cpio" ] ||
   [ "$HERE/dom0-modules" -nt "$O/dom0-base.cpio" ]; then
	log "packing the dom0 base root"
	# Of the kernel's 108 MiB of modules, those dom0-modules names and
	# what they depend on; the index files stay whole.
	S=$O/dom0-modules
	M=usr/lib/modules/$KVER
	rm -rf "$S"
	mkdir -p "$S/$M"
	cp -a "$T/$M"/modules.* "$S/$M/"
	for m in $(grep -v '^#' "$HERE/dom0-modules"); do
		chroot "$T" modprobe -S "$KVER" --show-depends "$m" >>"$S/deps" ||
			die "dom0-modules: no module $m in Linux $KVER"
	done
	sed -n 's|^insmod /lib/modules/[^/]*/\([^ ]*\).*|\1|p' "$S/deps" | sort -u |
	while read -r f; do
		mkdir -p "$S/$M/${f%/*}"
		cp -a "$T/$M/$f" "$S/$M/$f"
	done
	rm "$S/deps"
	( cd "$R" && find . -xdev \( -path ./usr/share/doc -o -path ./usr/share/man \
		-o -path './usr/lib/python3*' -o -path './usr/bin/python3*' \
		-o -path ./usr/share/locale -o -path ./var/cache/apt -o -path ./var/lib/apt/lists \
		-o \( -path './usr/lib/*/libvulkan_*.so' ! -name libvulkan_lvp.so \
			! -name libvulkan_virtio.so \) \
		-o \( -path './usr/share/vulkan/icd.d/*' ! -name lvp_icd.json \) \
		-o -path ./usr/share/vulkan/explicit_layer.d -o -name 'libVkLayer_MESA_overlay.so' \
		-o -name 'libVkLayer_INTEL_nullhw.so' \) \
		-prune -o -print | cpio -o -H newc --quiet
	  cd "$S" && find . | cpio -o -H newc --quiet ) >"$O/dom0-base.cpio.tmp"
	mv "$O/dom0-base.cpio.tmp" "$O/dom0-base.cpio"
fi
X=$O/dom0-extra
rm -rf "$X"
mkdir -p "$X/xenlend" "$X/usr/sbin" "$X/usr/bin" "$X/usr/libexec" "$X/etc/xenlend" \
	"$X/usr/lib/systemd/system" "$X/etc/xen" "$X/etc/systemd/system"
# xenlend-broker is installed with dpkg into the dom0 root, on an overlay
# that leaves the cached root as it is; what dpkg wrote (the package's files
# and dpkg's database) goes into the image.
V=$B/dom0-dpkg
overlay_up "$R" "$V"
trap 'overlay_down "$V"' EXIT
cp "$XENLEND_CACHE"/packages/xenlend-broker_*_amd64.deb "$V/m/tmp/xenlend-broker.deb"
chroot "$V/m" dpkg -i /tmp/xenlend-broker.deb >"$O/dpkg.log" 2>&1 || {
	cat "$O/dpkg.log" >&2
	die "xenlend-broker does not install on the dom0 root"
}
rm "$V/m/tmp/xenlend-broker.deb"
overlay_down "$V"
trap - EXIT
# Whiteouts (files dpkg removed, e.g. its old status) are no files to add.
(cd "$V/upper" && find . ! -type c ! -path './tmp*' ! -path './var/log*' \
	! -path './var/cache*' | cpio -pdm --quiet "$X")
cp "$B/out/xenlend-broker" "$X/usr/sbin/"	# with the test hooks
cp "$B/modules/xenlend-host.ko" "$X/xenlend/"
# Scenario gpu-ttm's test-only TTM driver and dom0 tools, vram-map's and
# worker-compromised's.
cp "$B/modules/xenlend-ttm-test.ko" "$X/xenlend/"
cp "$B/out/ttm-pressure" "$B/out/xenlend-engine-refusals" "$B/out/xenlend-vram-probe" \
	"$B/out/xenlend-worker-attack" "$X/usr/bin/"
# The test dom0's DRM devices (vgem; bochs and the test TTM driver in
# scenario gpu-ttm) render nothing.
sed -i 's/^render_software *=.*/render_software = yes/' "$X/etc/xenlend/broker.conf"
# dom0 boots systemd: the broker runs as the unit the package installs,
# with its hardening. /init is systemd itself; its default target runs the
# scenarios (xenlend-e2e.service). Masked: udev (dom0 loads the modules it
# needs by name; udev would load DRM drivers for the emulated displays and
# renumber the cards), timers and what a ramdisk root has no use for.
ln -s usr/lib/systemd/systemd "$X/init"
cp "$HERE/dom0-e2e.sh" "$X/xenlend/"
cp "$HERE/xenlend-e2e.service" "$HERE/xenlend-e2e.target" "$X/etc/systemd/system/"
ln -s xenlend-e2e.target "$X/etc/systemd/system/default.target"
for u in systemd-udevd.service systemd-udev-trigger.service systemd-udev-settle.service \
	systemd-udevd-control.socket systemd-udevd-kernel.socket systemd-hwdb-update.service \
	ldconfig.service systemd-pstore.service systemd-binfmt.service \
	proc-sys-fs-binfmt_misc.automount apt-daily.timer apt-daily-upgrade.timer \
	dpkg-db-backup.timer fstrim.timer systemd-tmpfiles-clean.timer; do
	ln -s /dev/null "$X/etc/systemd/system/$u"
done
cp "$B/out/vectors.txt" "$DI/igt/upstream.testlist" "$X/xenlend/"
mkdir -p "$X/xenlend/e2e"
cp -r "$TOP/tests/e2e/run.sh" "$TOP/tests/e2e/lib.sh" "$TOP/tests/e2e/lend-guest.sh" \
	"$TOP/tests/e2e/bench-lib.sh" "$TOP/tests/e2e/vram-lib.sh" "$TOP/tests/e2e/piglit-run.sh" \
	"$TOP/tests/e2e/scenarios" "$X/xenlend/e2e/"
cp "$O/vmlinuz" "$O/domU.cpio.gz" "$O/domU-igt.cpio.gz" "$O/domU-gl.cpio.gz" \
	"$O/domU-desktop.cpio.gz" "$O/domU-piglit.cpio.gz" "$X/xenlend/"
# piglit for the baseline over vtest: its programs and their libraries but
# glibc's and the GL ones (dom0's own), found through LD_LIBRARY_PATH.
mkdir -p "$X/xenlend/piglit/bin" "$X/xenlend/piglit/lib"
for p in $piglit_progs; do cp "$MR/$PB/$p" "$X/xenlend/piglit/bin/"; done
grep -Ev '/(ld-linux-x86-64|libc|libm|libpthread|libdl|librt|libEGL|libGLESv2|libGL|libGLX|libGLdispatch|libOpenGL)\.so' \
	"$O/piglit-libs" |
	while read -r lib; do cp -L "$MR$lib" "$X/xenlend/piglit/lib/"; done
cp "$PIGLIT_LIST" "$X/xenlend/piglit.list"
sed 's/#.*//' "$TOP/tests/piglit/known-differences" | grep . >"$X/xenlend/piglit-known" || :
# The GL and Vulkan programs again, for the baselines in dom0 (on dom0's
# own Mesa), and the benchmark program, for its first touch in dom0.
cp "$G/xenlend-gl-render" "$G/xenlend-vk-memory" "$B/out/xenlend-bench" "$X/xenlend/"
chmod +x "$X/xenlend/dom0-e2e.sh"
(cd "$X" && find . | cpio -o -H newc --quiet) >"$O/dom0-extra.cpio"
# The kernel unpacks concatenated archives in order; later files win, and a
# directory entry replaces a symlink: never put lib/, bin/ or sbin/ (symlinks
# into usr/ on trixie) in the extra archive.
cat "$O/dom0-base.cpio" "$O/dom0-extra.cpio" >"$O/dom0.cpio"
echo "$inputs" >"$O/inputs.stamp"
log "images ready in $O"
