#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# A recorded fuzz run: every libFuzzer target of tests/fuzz/ for SECONDS
# (default 600), two at a time (one per core), each on a working corpus
# under $XENLEND_CACHE/fuzz/ that starts from the committed one. Afterwards
# the inputs that add coverage are merged into tests/fuzz/corpus/ (commit
# them: `make check` replays that corpus), and the source coverage the
# merged corpus reaches is measured with clang's coverage build of the
# replay program. Prints one summary line per target; logs in
# $XENLEND_CACHE/fuzz/. A crash fails the run and leaves its input there.
#
# Usage: scripts/fuzz-record.sh [SECONDS]
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
. "$HERE/lib.sh"

SECS=${1:-600}
TARGETS="wire broker_ctrl render"
W=$XENLEND_CACHE/fuzz
B=$TOP/tests/build
mkdir -p "$W"

log "building the fuzz targets and their coverage replays"
for t in $TARGETS; do
	make -s -C "$TOP/tests" "build/fuzz_$t" "build/cover_$t"
done

# fuzz TARGET: run it for SECS on its working corpus; 0 unless it crashed.
fuzz() {
	mkdir -p "$W/$1/work" "$W/$1/crashes"
	"$B/fuzz_$1" -max_total_time="$SECS" -max_len=1024 -print_final_stats=1 \
		-artifact_prefix="$W/$1/crashes/" -timeout=10 \
		"$W/$1/work" "$TOP/tests/fuzz/corpus/$1" >"$W/$1/fuzz.log" 2>&1
}

log "fuzzing $TARGETS for $SECS s each, two at a time"
set -- $TARGETS
failed=
while [ $# -gt 0 ]; do
	pair="$1 ${2:-}"
	shift $(($# > 1 ? 2 : 1))
	started=
	for t in $pair; do
		fuzz "$t" &
		started="$started $!:$t"
	done
	for j in $started; do
		wait "${j%%:*}" || failed="$failed ${j#*:}"
	done
done
[ -z "$failed" ] || die "crashed:$failed (inputs in $W/<target>/crashes/, logs $W/<target>/fuzz.log)"

for t in $TARGETS; do
	c=$TOP/tests/fuzz/corpus/$t
	before=$(find "$c" -type f | wc -l)
	"$B/fuzz_$t" -merge=1 -max_len=1024 "$c" "$W/$t/work" >"$W/$t/merge.log" 2>&1 ||
		die "merging the corpus of $t failed: $W/$t/merge.log"
	after=$(find "$c" -type f | wc -l)
	# The final figures libFuzzer printed, and the coverage of the corpus.
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$W/$t/fuzz.log")
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$W/$t/fuzz.log")
	edges=$(grep -o 'cov: [0-9]*' "$W/$t/fuzz.log" | tail -n 1 | cut -d' ' -f2)
	rm -f "$W/$t/cover.profraw"
	LLVM_PROFILE_FILE="$W/$t/cover.profraw" "$B/cover_$t" "$c" >/dev/null 2>&1
	llvm-profdata merge -sparse -o "$W/$t/cover.profdata" "$W/$t/cover.profraw"
	llvm-cov report "$B/cover_$t" -instr-profile="$W/$t/cover.profdata" \
		"$TOP/uapi/xenlend_wire.c" "$TOP/dom0-broker/src/dispatch.c" \
		"$TOP/dom0-broker/src/resources.c" "$TOP/dom0-broker/src/render.c" \
		>"$W/$t/cover.txt" 2>&1
	# llvm-cov's columns end with lines, missed lines, line cover, then
	# the three of branches.
	lines=$(awk '$1 ~ /\/(xenlend_wire|dispatch|resources|render)\.c$/ && NF >= 13 {
		n = split($1, p, "/")
		printf "%s%s %s", sep, p[n], $(NF - 3)
		sep = ", "
	}' "$W/$t/cover.txt")
	echo "FUZZ,$t,${SECS}s,$runs runs,$rate/s,$edges edges,corpus $before -> $after,lines: $lines"
done
