# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] first touch of 16 MiB lent with 4 guests at once vs. 1 alone, against the same for the guests' own memory
# suite: bench
# budget: 600
# order: 40

# run_scale_bench: first touch of lent memory in one guest, then in
# four guests at once, against the same for the guests' own memory
# (which the guests' contention for the emulator's two CPUs slows down as
# much); BENCH lines of both slowdowns.
scenario() {
	use_broker memfd
	for guests in 1 4; do
		scale_run $guests
		[ $? = 3 ] && return 3
		eval "lent_$guests=\$scale_lent anon_$guests=\$scale_anon"
		echo "XENLEND-E2E: scaling, $guests guests: first touch of 16 MiB lent ${scale_lent:-?} s, guest memory ${scale_anon:-?} s"
	done
	check "scaling figures for 1 and 4 guests at once" \
		test -n "$lent_1" -a -n "$lent_4" -a -n "$anon_1" -a -n "$anon_4"
	[ -n "$lent_1" ] && [ -n "$lent_4" ] && [ -n "$anon_1" ] && [ -n "$anon_4" ] || return 0
	awk -v l1="$lent_1" -v l4="$lent_4" -v a1="$anon_1" -v a4="$anon_4" 'BEGIN {
		printf "BENCH,scale-lent-4-vs-1-guests,16777216,%.6f,%.6f,%.3f\n", l4, l1, l4 / l1
		printf "BENCH,scale-anon-4-vs-1-guests,16777216,%.6f,%.6f,%.3f\n", a4, a1, a4 / a1 }'
}

