#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# Start a service the way its systemd unit says, for the test dom0, which has
# no systemd: create its RuntimeDirectory, run its ExecStart with the given
# extra arguments, its LimitNOFILE and OOMScoreAdjust, stderr to a log file,
# in the background.
# usage: run-unit.sh UNIT-FILE LOG-FILE [EXTRA-ARGS...]
set -eu
unit=$1 logf=$2
shift 2
exec_start=$(sed -n 's/^ExecStart=//p' "$unit" | head -n1)
rtdir=$(sed -n 's/^RuntimeDirectory=//p' "$unit" | head -n1)
[ -n "$exec_start" ] || { echo "run-unit: no ExecStart in $unit" >&2; exit 1; }
if [ -n "$rtdir" ]; then
	mkdir -p "/run/$rtdir"
	chmod "$(sed -n 's/^RuntimeDirectoryMode=//p' "$unit" | head -n1 || echo 0755)" "/run/$rtdir"
fi
nofile=$(sed -n 's/^LimitNOFILE=//p' "$unit" | head -n1)
[ -z "$nofile" ] || ulimit -n "$nofile"
oomadj=$(sed -n 's/^OOMScoreAdjust=//p' "$unit" | head -n1)
[ -z "$oomadj" ] || echo "$oomadj" >/proc/self/oom_score_adj
# shellcheck disable=SC2086 # ExecStart is a command line
setsid $exec_start "$@" </dev/null >>"$logf" 2>&1 &
echo $!
