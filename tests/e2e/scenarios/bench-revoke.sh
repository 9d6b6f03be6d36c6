# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] revocation latency, dom0's MMU notifier to the release after REVOKE_DONE, median and p99 vs. the notifier callback
# suite: bench
# budget: 300
# order: 20

# A guest of its own: it lends the most, and the emulator kills a guest the
# more it lends.
scenario() {
	use_broker memfd
	bench_guest bench-revoke
	case $? in 3) return 3 ;; 1) return 0 ;; esac
	revoke_figures
}
