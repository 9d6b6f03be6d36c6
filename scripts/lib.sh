# SPDX-License-Identifier: GPL-2.0-only
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
