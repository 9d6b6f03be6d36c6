# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# Common settings for the xenlend scripts. Sourced, never executed.

# Where every download and build product of the environment is cached.
# Reused when present, rebuilt when missing or when its recipe changed.
XENLEND_CACHE=${XENLEND_CACHE:-/var/cache/xenlend}

log() { printf '[xenlend %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# The Debian archive this host already uses; the trixie roots come from the
# same place so that no host name is hard-coded in the project.
debian_mirror() {
	if [ -n "${XENLEND_MIRROR:-}" ]; then
		echo "$XENLEND_MIRROR"
		return
	fi
	m=$(sed -n 's/^URIs:[[:space:]]*\([^[:space:]]*\/debian\)\/*$/\1/p' \
		/etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$m" ] || m=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
		/etc/apt/sources.list 2>/dev/null)
	[ -n "$m" ] || die "cannot find a Debian mirror in the host's apt sources"
	echo "${m%/}"
}

# Install host packages by name, only those missing.
host_apt_install() {
	missing=
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
			missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	log "installing host packages:$missing"
	if [ ! -e /var/lib/xenlend-apt-updated ] ||
	   [ -n "$(find /var/lib/apt/lists -maxdepth 0 -mmin +1440 2>/dev/null)" ]; then
		apt-get -o DPkg::Lock::Timeout=600 update -q >&2 && touch /var/lib/xenlend-apt-updated
	fi
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -q --no-install-recommends $missing >&2
}

# Debian roots under $XENLEND_CACHE. The callers set SUITE (the Debian suite)
# and MIRROR (usually $(debian_mirror)) before calling make_root.
chroot_mounts() {
	mountpoint -q "$1/proc" || mount -t proc proc "$1/proc"
	mountpoint -q "$1/dev" || mount --bind /dev "$1/dev"
}
# overlay_up LOWER DIR: DIR/m shows the root LOWER, every write going to
# DIR/upper, so that LOWER stays as its inputs made it; overlay_down DIR
# unmounts it (DIR/upper keeps what was written).
overlay_up() {
	rm -rf "$2"
	mkdir -p "$2/upper" "$2/work" "$2/m"
	mount -t overlay overlay -o "lowerdir=$1,upperdir=$2/upper,workdir=$2/work" "$2/m"
}
overlay_down() {
	chroot_umounts "$1/m"
	! mountpoint -q "$1/m" || umount "$1/m"
}
chroot_umounts() {
	for m in proc dev; do
		mountpoint -q "$1/$m" && umount "$1/$m"
	done
	return 0
}

# make_root NAME "PACKAGES" POST-INSTALL-SHELL
# A root is a pure function of its suite, its package list and its
# post-install commands (together its stamp): a root whose stamp differs is
# built again from scratch, never updated in place, so that no package
# survives that no list names any more. The .debs debootstrap and apt
# download stay in $XENLEND_CACHE/debs/SUITE (bind-mounted as the root's
# apt archive), so a rebuild downloads only what is new.
make_root() {
	name=$1 pkgs=$2 post=$3
	dst=$XENLEND_CACHE/$name
	stamp="$SUITE $pkgs $post"
	if [ -f "$dst/.xenlend-stamp" ] && [ "$(cat "$dst/.xenlend-stamp")" = "$stamp" ]; then
		log "$name root up to date ($dst)"
		return 0
	fi
	target=$dst.new
	if [ -d "$target" ]; then
		root_umounts "$target"
		rm -rf "$target"
	fi
	debs=$XENLEND_CACHE/debs/$SUITE
	mkdir -p "$debs/partial"
	log "building $name root from $SUITE"
	t0=$(date +%s)
	debootstrap --variant=minbase --cache-dir="$debs" "$SUITE" "$target" "$MIRROR" \
		>"$dst.debootstrap.log" 2>&1 ||
		die "debootstrap $name failed, see $dst.debootstrap.log"
	echo "deb $MIRROR $SUITE main" >"$target/etc/apt/sources.list"
	chroot_mounts "$target"
	mount --bind "$debs" "$target/var/cache/apt/archives"
	trap 'root_umounts "$target"' EXIT
	# The mirror may be a snapshot: sid's Release file then has expired.
	chroot "$target" sh -ec "apt-get -o Acquire::Check-Valid-Until=false update -q
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $pkgs
		$post" >"$dst.apt.log" 2>&1 ||
		die "apt in $name root failed, see $dst.apt.log"
	root_umounts "$target"
	trap - EXIT
	echo "$stamp" >"$target/.xenlend-stamp"
	if [ -d "$dst" ]; then
		root_umounts "$dst"
		rm -rf "$dst"
	fi
	mv "$target" "$dst"
	log "$name root ready in $(($(date +%s) - t0)) s"
}

# root_umounts ROOT: everything make_root and chroot_mounts mount in ROOT
root_umounts() {
	mountpoint -q "$1/var/cache/apt/archives" && umount "$1/var/cache/apt/archives"
	chroot_umounts "$1"
}
