#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# piglit-run.sh LIST BINDIR: run the piglit tests of LIST (see
# tests/piglit/gles.list) from BINDIR with whatever GL the environment
# selects (the guest: xenlend; dom0: vtest), one at a time, each for at
# most 120 s. Prints "PIGLIT-RESULT NAME RESULT" per test, RESULT being
# what the test reported (pass, fail, skip, warn, crash) or "timeout" or
# "noresult" when it reported nothing; then "PIGLIT-DONE N".
# POSIX sh: the guest's is busybox's.
list=$1 bindir=$2
n=0
sed 's/#.*//' "$list" | while read -r name prog args; do
	[ -n "$name" ] || continue
	n=$((n + 1))
	# shellcheck disable=SC2086 # the list's arguments, split on purpose
	timeout 120 "$bindir/$prog" $args >/tmp/piglit-out.txt 2>&1 </dev/null
	st=$?
	r=$(sed -n 's/.*PIGLIT: {"result": "\([a-z]*\)".*/\1/p' /tmp/piglit-out.txt | tail -n 1)
	if [ -z "$r" ]; then
		case $st in
		124|143) r=timeout ;;
		0) r=noresult ;;
		*) [ "$st" -gt 128 ] && r=crash || r=noresult ;;
		esac
	fi
	echo "PIGLIT-RESULT $name $r"
	[ "$r" = pass ] || [ "$r" = skip ] || sed "s/^/PIGLIT-OUT $name: /" /tmp/piglit-out.txt | head -n 20
	echo "$n" >/tmp/piglit-count
done
echo "PIGLIT-DONE $(cat /tmp/piglit-count 2>/dev/null || echo 0)"
