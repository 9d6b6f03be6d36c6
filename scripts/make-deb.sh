#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make deb`: the Debian packages a user installs, built in the tools root
# (trixie) into $XENLEND_CACHE/packages/:
#   xenlend-dkms    both kernel modules' sources in the layout of the kernel
#                   patch series, built by DKMS for every installed kernel
#   xenlend-broker  the broker, its render worker, xenlend-ctl, the systemd
#                   unit, the configuration and their man pages
# Production builds: no test hooks. Prints the two package files.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"
. "$HERE/kernel-tree.sh"
T=$XENLEND_CACHE/tools
[ -x "$T/usr/bin/dpkg-deb" ] || die "run scripts/xen-env/setup.sh first"
P=$XENLEND_CACHE/packages
B=$T/build/deb
rm -rf "$B" "$P"
mkdir -p "$B/src" "$P"

# 0.1~gitDATE.HASH of the last commit: newer commits sort higher.
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	VERSION="0.1~git$(git -C "$TOP" log -1 --format=%cd --date=format:%Y%m%d%H%M).$(git -C "$TOP" rev-parse --short=8 HEAD)"
else
	VERSION=0.1
fi
MAINT="xenlend developers <xenlend@lists.invalid>"

# --- xenlend-dkms
S=$B/dkms/usr/src/xenlend-$VERSION
kernel_tree_files "$TOP" "$S" 3
rm -f "$S"/drivers/gpu/drm/xenlend/*_test.c "$S"/drivers/gpu/drm/xenlend/.kunitconfig
cp "$TOP/packaging/modules.mk" "$S/Makefile"
sed "s/@VERSION@/$VERSION/" "$TOP/packaging/dkms.conf" >"$S/dkms.conf"
mkdir -p "$B/dkms/DEBIAN" "$B/dkms/usr/share/doc/xenlend-dkms"
cp "$TOP/packaging/copyright" "$B/dkms/usr/share/doc/xenlend-dkms/"
cat >"$B/dkms/DEBIAN/control" <<EOF
Package: xenlend-dkms
Version: $VERSION
Architecture: all
Section: kernel
Priority: optional
Maintainer: $MAINT
Depends: dkms (>= 3)
Description: xenlend kernel modules (DKMS source)
 xenlend gives Xen guests GPU acceleration with memory dom0 lends them,
 revocable at any time. This package builds, for every installed kernel,
 the guest's DRM driver xenlend.ko (a render node speaking the virtio-gpu
 uAPI) and dom0's lending engine xenlend-host.ko.
EOF
cat >"$B/dkms/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms status -m xenlend -v $VERSION | grep -q . || dkms add -m xenlend -v $VERSION
	dkms autoinstall || echo "xenlend-dkms: dkms could not build the modules (kernel headers?)" >&2
fi
EOF
cat >"$B/dkms/DEBIAN/prerm" <<EOF
#!/bin/sh
set -e
dkms remove -m xenlend -v $VERSION --all >/dev/null 2>&1 || true
EOF
chmod 755 "$B/dkms/DEBIAN/postinst" "$B/dkms/DEBIAN/prerm"

# --- xenlend-broker: compiled here, in the tools root
cp -r "$TOP/uapi" "$B/src/"
mkdir -p "$B/src/dom0-broker"
cp -r "$TOP/dom0-broker/Makefile" "$TOP/dom0-broker/src" "$TOP/dom0-broker/render" \
	"$B/src/dom0-broker/"
R=$B/broker
mkdir -p "$R/DEBIAN" "$R/usr/sbin" "$R/usr/bin" "$R/usr/libexec" "$R/etc/xenlend" \
	"$R/usr/lib/systemd/system" "$R/usr/share/man/man8" "$R/usr/share/man/man1" \
	"$R/usr/share/doc/xenlend-broker"
chroot "$T" sh -ec "
	make -s -C /build/deb/src/dom0-broker O=/build/deb/out all render
	install -m755 /build/deb/out/xenlend-broker /build/deb/broker/usr/sbin/
	install -m755 /build/deb/out/xenlend-ctl /build/deb/broker/usr/bin/
	install -m755 /build/deb/out/xenlend-render /build/deb/broker/usr/libexec/
	strip --strip-unneeded /build/deb/broker/usr/sbin/* /build/deb/broker/usr/bin/* \
		/build/deb/broker/usr/libexec/*" >"$B/build.log" 2>&1 || {
	cat "$B/build.log" >&2
	die "building the broker failed"
}
install -m644 "$TOP/dom0-broker/xenlend-broker.service" "$R/usr/lib/systemd/system/"
install -m644 "$TOP/dom0-broker/broker.conf" "$R/etc/xenlend/"
gzip -9n <"$TOP/packaging/xenlend-broker.8" >"$R/usr/share/man/man8/xenlend-broker.8.gz"
gzip -9n <"$TOP/packaging/xenlend-ctl.1" >"$R/usr/share/man/man1/xenlend-ctl.1.gz"
cp "$TOP/packaging/copyright" "$R/usr/share/doc/xenlend-broker/"
echo /etc/xenlend/broker.conf >"$R/DEBIAN/conffiles"
# The packages of the libraries the binaries link directly (their own
# dependencies bring the rest).
deps=$(chroot "$T" sh -c 'for b in /build/deb/broker/usr/sbin/* /build/deb/broker/usr/bin/* \
		/build/deb/broker/usr/libexec/*; do
		for so in $(objdump -p "$b" | awk "\$1 == \"NEEDED\" { print \$2 }"); do
			ldd "$b" | awk -v so="$so" "\$1 == so { print \$3 }"
		done
	done' | sort -u | while read -r lib; do
		chroot "$T" dpkg -S "$lib" 2>/dev/null ||
			chroot "$T" dpkg -S "$(chroot "$T" readlink -f "$lib")"
	done | cut -d: -f1 | sort -u | tr '\n' ' ' | sed 's/ $//; s/ /, /g')
[ -n "$deps" ] || die "found no library package of the broker"
cat >"$R/DEBIAN/control" <<EOF
Package: xenlend-broker
Version: $VERSION
Architecture: amd64
Section: admin
Priority: optional
Maintainer: $MAINT
Depends: $deps
Recommends: xenlend-dkms
Description: xenlend broker: dom0 GPU memory and rendering for Xen guests
 xenlend gives Xen guests GPU acceleration with memory dom0 lends them,
 revocable at any time. The broker runs in dom0: it serves each guest's
 xenlend device, lends memory through the xenlend-host engine, forwards
 revocations, and runs each guest's GL and Vulkan command streams in a
 sandboxed virglrenderer worker. xenlend-ctl queries it.
EOF
cat >"$R/DEBIAN/postinst" <<'EOF'
#!/bin/sh
set -e
if [ "$1" = configure ] && [ -d /run/systemd/system ]; then
	systemctl daemon-reload || true
fi
EOF
chmod 755 "$R/DEBIAN/postinst"

chroot "$T" dpkg-deb --root-owner-group -Zxz --build /build/deb/dkms \
	"/build/deb/xenlend-dkms_${VERSION}_all.deb" >/dev/null
chroot "$T" dpkg-deb --root-owner-group -Zxz --build /build/deb/broker \
	"/build/deb/xenlend-broker_${VERSION}_amd64.deb" >/dev/null
mv "$B"/*.deb "$P/"
log "packages $VERSION in $P"
ls "$P"/*.deb
