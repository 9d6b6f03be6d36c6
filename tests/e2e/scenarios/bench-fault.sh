# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] first touch of lent memory (4 KiB to 64 MiB) vs. guest memory and vs. dom0 natively, FAULT round trips per MiB, copies, NOP (renderer round trip) and venus round trips
# suite: bench
# budget: 600
# order: 10

scenario() {
	use_broker memfd
	bench_guest bench
	case $? in 3) return 3 ;; 1) return 0 ;; esac
	# The console log ends its lines with CR LF.
	check "benchmark figures complete" eval 'tr -d "\r" <"$log" | grep -qx "BENCH: done"'
	fault_figures
}
