#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# `make check`: run every test tier, report each, and finish with
# "check: N passed, M failed" (tiers). Exit status 0 iff all passed.
# The host tiers run first, so a broken codec fails in seconds.
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE/.." || exit 1
. "$HERE/lib.sh"
pass=0
failed=0
names=

tier() {
	name=$1
	shift
	log "tier $name: $*"
	start=$(date +%s)
	if "$@"; then
		pass=$((pass + 1))
		log "tier $name: passed ($(($(date +%s) - start)) s)"
	else
		failed=$((failed + 1))
		names="$names $name"
		log "tier $name: FAILED ($(($(date +%s) - start)) s)"
	fi
}

tier unit make -s -C tests unit
tier fuzz-replay make -s -C tests replay
tier environment sh scripts/xen-env/setup.sh
tier render sh scripts/render-check.sh
tier static sh scripts/static-check.sh
tier kunit sh scripts/kunit.sh
tier images sh scripts/xen-env/build-images.sh
tier e2e sh scripts/xen-env/run-vm.sh check

[ -n "$names" ] && log "failed tiers:$names"
echo "check: $pass passed, $failed failed"
[ "$failed" = 0 ]
