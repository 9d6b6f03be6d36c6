#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Build Mesa 25.0.7 (the Debian trixie source, 25.0.7-2+deb13u1) with the
# mesa-patches/ series applied, for the guests: virgl (GL, EGL, GBM, GLES2)
# and venus (Vulkan) only, no LLVM; EGL's Wayland and surfaceless platforms
# and Vulkan's Wayland WSI, for a guest desktop (a compositor and its
# clients), no X11. EGL is a glvnd vendor (libEGL_mesa), as in Debian: the
# guests run Debian's glvnd libEGL, libGLESv2 and libGL, so a program
# linked against any of them (piglit's utility library takes its GL entry
# points from libGL) dispatches to this Mesa. Everything lives under $XENLEND_CACHE/mesa/:
#   src/             the downloaded source tarballs (checked by SHA-256)
#   root/            a trixie build root (debootstrap minbase + build deps);
#                    its /build holds the git tree and the meson build dir
#   install/         the result, DESTDIR-style with prefix /usr, ready to be
#                    copied into a guest root
#   install.stamp    hash of this script, the configure options and the
#                    series; when it matches nothing is done
# The series is applied with git am to a commit of the pristine upstream
# tarball (so a patch that does not apply fails the build), then Debian's
# own patches of the package are applied on top.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"

MESA_VERSION=25.0.7
DEB_VERSION=25.0.7-2+deb13u1
ORIG=mesa_$MESA_VERSION.orig.tar.xz
ORIG_SHA256=592272df3cf01e85e7db300c449df5061092574d099da275d19e97ef0510f8a6
DEBIAN_TAR=mesa_$DEB_VERSION.debian.tar.xz
DEBIAN_SHA256=7ea51db6f4c6a39d28269975b7f652e37333a283819557c5901cbd3eccee446a

SUITE=trixie
BUILD_PKGS="meson ninja-build python3-mako python3-yaml python3-packaging \
libdrm-dev bison flex glslang-tools zlib1g-dev libexpat1-dev g++ gcc \
libzstd-dev pkg-config git libwayland-dev libwayland-egl-backend-dev wayland-protocols \
libglvnd-dev"

# docs/mesa-virgl notes, section 7, with a /usr prefix and Debian's libdir.
MESON_OPTS="--prefix=/usr --libdir=lib/x86_64-linux-gnu --sysconfdir=/etc
-Dbuildtype=release -Db_ndebug=true
-Dgallium-drivers=virgl -Dvulkan-drivers=virtio -Dllvm=disabled
-Dplatforms=wayland -Dglx=disabled -Degl=enabled -Dgbm=enabled -Dopengl=true
-Dgles1=disabled -Dgles2=enabled -Dshared-glapi=enabled -Dglvnd=enabled
-Dgallium-va=disabled -Dgallium-vdpau=disabled -Dgallium-xa=disabled
-Dgallium-nine=false -Dgallium-opencl=disabled -Dgallium-rusticl=false
-Dvideo-codecs= -Dvulkan-layers= -Dtools= -Dbuild-tests=false
-Dvalgrind=disabled -Dlibunwind=disabled -Dlmsensors=disabled -Dzstd=enabled
-Dosmesa=false -Dteflon=false -Dandroid-libbacktrace=disabled"

PATCHES=$TOP/mesa-patches
OUT=$XENLEND_CACHE/mesa
SRCDIR=$OUT/src
ROOT=$OUT/root
INSTALL=$OUT/install
STAMP=$OUT/install.stamp
PRISTINE_TAG=xenlend-pristine-$MESA_VERSION

start=$(date +%s)

# The series file: one patch per line, quilt style ('#' starts a comment).
[ -f "$PATCHES/series" ] || die "no $PATCHES/series"
series=$(sed -e 's/#.*//' "$PATCHES/series" | awk 'NF { print $1 }')
[ -n "$series" ] || die "$PATCHES/series lists no patches"
for p in $series; do
	[ -f "$PATCHES/$p" ] || die "$PATCHES/series lists $p, which does not exist"
done

build_stamp=$({
	cat "$HERE/mesa-build.sh"
	echo "$MESON_OPTS"
	cat "$PATCHES/series"
	for p in $series; do cat "$PATCHES/$p"; done
} | sha256sum | cut -d' ' -f1)

if [ -d "$INSTALL/usr" ] && [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$build_stamp" ]; then
	log "patched Mesa $MESA_VERSION is up to date in $INSTALL (nothing to do)"
	exit 0
fi

[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
mkdir -p "$SRCDIR"
if command -v flock >/dev/null 2>&1; then
	exec 9>"$OUT/.lock"
	flock -n 9 || die "another mesa-build.sh is running on $OUT"
fi

host_apt_install debootstrap wget xz-utils
MIRROR=$(debian_mirror)

# fetch FILE SHA256: a file of the mesa source package, from the mirror's pool.
fetch() {
	f=$SRCDIR/$1
	if [ -f "$f" ] && echo "$2  $f" | sha256sum -c --status; then
		return 0
	fi
	log "downloading $1"
	wget -q -O "$f.part" "$MIRROR/pool/main/m/mesa/$1" ||
		die "cannot download $MIRROR/pool/main/m/mesa/$1"
	echo "$2  $f.part" | sha256sum -c --status || die "$1: SHA-256 mismatch"
	mv "$f.part" "$f"
}
fetch "$ORIG" "$ORIG_SHA256"
fetch "$DEBIAN_TAR" "$DEBIAN_SHA256"

# Not for Mesa: the Vulkan loader and its headers, which the Vulkan test
# program (tests/guest/vk-memory.c) builds against, vulkaninfo and vkcube,
# a Wayland desktop (weston, its clients, glmark2-es2-wayland) and piglit,
# which scripts/xen-env/build-images.sh takes from this root for the
# GL/Vulkan, desktop and piglit test guests with the libraries they need.
GUEST_PKGS="libvulkan1 libvulkan-dev vulkan-tools weston glmark2-es2-wayland piglit"
make_root mesa/root "$BUILD_PKGS $GUEST_PKGS" ""

# Run a command in the build root with a clean environment.
in_root() {
	chroot "$ROOT" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
		PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		GIT_AUTHOR_NAME=xenlend GIT_AUTHOR_EMAIL=xenlend@localhost \
		GIT_COMMITTER_NAME=xenlend GIT_COMMITTER_EMAIL=xenlend@localhost \
		GIT_AUTHOR_DATE=2000-01-01T00:00:00Z GIT_COMMITTER_DATE=2000-01-01T00:00:00Z \
		GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=gc.auto GIT_CONFIG_VALUE_0=0 \
		"$@"
}

B=$ROOT/build
mkdir -p "$B"
# The pristine tree: one commit of the upstream tarball, tagged.
if ! in_root git -C /build/mesa rev-parse -q --verify "refs/tags/$PRISTINE_TAG" >/dev/null 2>&1; then
	log "unpacking $ORIG"
	rm -rf "$B/mesa" "$B/out"
	mkdir "$B/mesa"
	tar -C "$B/mesa" --strip-components=1 -xf "$SRCDIR/$ORIG"
	in_root sh -ec "cd /build/mesa
		git init -q
		git add -f -A .
		git commit -q -m 'Mesa $MESA_VERSION (pristine $ORIG)'
		git tag $PRISTINE_TAG" || die "cannot make the pristine git tree"
fi
if [ ! -f "$B/debian-$DEB_VERSION/debian/patches/series" ]; then
	rm -rf "$B/debian-$DEB_VERSION"
	mkdir "$B/debian-$DEB_VERSION"
	tar -C "$B/debian-$DEB_VERSION" -xf "$SRCDIR/$DEBIAN_TAR"
fi
rm -rf "$B/patches"
mkdir "$B/patches"
for p in $series; do cp "$PATCHES/$p" "$B/patches/"; done
# shellcheck disable=SC2086 # one patch name per line
printf '%s\n' $series >"$B/patches/series"

ROOT_MOUNTED=
cleanup() {
	[ -z "$ROOT_MOUNTED" ] || chroot_umounts "$ROOT"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
chroot_mounts "$ROOT"
ROOT_MOUNTED=1

# Apply the series in a scratch worktree, then move the real tree to the
# result: files the patches do not touch keep their mtimes, so a changed
# series only rebuilds what it changes.
log "applying the series with git am to pristine Mesa $MESA_VERSION"
in_root sh -ec "cd /build/mesa
	rm -rf /build/apply
	git worktree prune
	git worktree add -q --detach /build/apply $PRISTINE_TAG
	cd /build/apply
	for p in \$(cat /build/patches/series); do
		echo \"git am \$p\"
		git am -q /build/patches/\$p || { git am --abort; exit 1; }
	done
	for p in \$(sed -e 's/#.*//' /build/debian-$DEB_VERSION/debian/patches/series); do
		echo \"debian: \$p\"
		git apply --index --whitespace=nowarn /build/debian-$DEB_VERSION/debian/patches/\$p
	done
	git commit -q -m 'debian: patches of $DEB_VERSION'
	new=\$(git rev-parse HEAD)
	cd /build/mesa
	git checkout -q -f --detach \$new
	git clean -q -f -d -x
	git worktree remove --force /build/apply" >"$OUT/patch.log" 2>&1 || {
	tail -n 20 "$OUT/patch.log" >&2
	die "the series does not apply to Mesa $MESA_VERSION, see $OUT/patch.log"
}

# A change of configure options starts from an empty build dir.
if [ ! -f "$B/out/build.ninja" ] || [ ! -f "$B/out/.xenlend-meson-opts" ] ||
   [ "$(cat "$B/out/.xenlend-meson-opts")" != "$MESON_OPTS" ]; then
	log "configuring Mesa"
	rm -rf "$B/out"
	# shellcheck disable=SC2086 # the options are split on purpose
	in_root meson setup /build/out /build/mesa $MESON_OPTS \
		>"$OUT/meson.log" 2>&1 || {
		tail -n 30 "$OUT/meson.log" >&2
		die "meson setup failed, see $OUT/meson.log"
	}
	echo "$MESON_OPTS" >"$B/out/.xenlend-meson-opts"
fi

log "building Mesa (nice -n 10 ninja -j2; about 3 minutes from scratch)"
t=$(date +%s)
in_root nice -n 10 ninja -C /build/out -j2 >"$OUT/ninja.log" 2>&1 || {
	grep -n -m 20 -A 5 'error' "$OUT/ninja.log" >&2 || tail -n 30 "$OUT/ninja.log" >&2
	die "Mesa build failed, see $OUT/ninja.log"
}
log "ninja took $(($(date +%s) - t)) s"

rm -rf "$B/install.new"
in_root env DESTDIR=/build/install.new ninja -C /build/out install \
	>"$OUT/install.log" 2>&1 || die "ninja install failed, see $OUT/install.log"
chroot_umounts "$ROOT"
ROOT_MOUNTED=

rm -f "$STAMP"
rm -rf "$INSTALL"
mv "$B/install.new" "$INSTALL"
echo "$build_stamp" >"$STAMP"

log "patched Mesa $MESA_VERSION installed in $INSTALL (prefix /usr)"
log "total time $(($(date +%s) - start)) s"
