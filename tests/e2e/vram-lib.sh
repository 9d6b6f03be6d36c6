# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
#
# Helpers of the scenarios that lend device memory (gpu-vram, bench-vram),
# for the test dom0: the broker lends qxl's VRAM (use_broker vram) and the
# well-behaved guest (domu-init.sh role vram-well) is put through its
# paces. Sourced by tests/e2e/run.sh after lib.sh; the caller sets
# QXL_CARD, QXL_DEV and QXL_BAR (vram_qxl).

# vram_qxl: load qxl and find its card and VRAM BAR. Return: 1 without it.
vram_qxl() {
	modprobe qxl
	QXL_CARD=$(card_of qxl)
	[ -n "$QXL_CARD" ] || return 1
	QXL_DEV=/sys/class/drm/$(basename "$QXL_CARD")/device
	QXL_BAR=$(($(head -n 1 "$QXL_DEV/resource" | cut -d' ' -f1)))
	echo "XENLEND-E2E: qxl (QEMU's qxl device) is $QXL_CARD, VRAM BAR at $(printf '%#x' "$QXL_BAR")"
}

WELL_MIB=4

# mapped_pages DOMID: pages of device memory the broker maps into the guest
mapped_pages() {
	xenlend-ctl status | sed -n "s/^dom$1 .* vram_mapped_pages=\([0-9]*\).*/\1/p"
}

# first_frame DOMID RES: the machine frame the broker mapped page 0 at
first_frame() {
	sed -n "s/.*dom$1: resource $2: pages 0+[0-9]*: frames \(0x[0-9a-f]*\) mapped.*/\1/p" \
		"$BLOG" | tail -n 1
}


# revoke_reps KIND FROM TO: for each rep, when the guest ($name, $domid,
# $log, object $res) is ready, revoke the whole object, wait for its
# answer and let it touch the object again (timed by it)
revoke_reps() {
	i=$2
	while [ "$i" -le "$3" ]; do
		wait_for 60 grep -q "VRAM: ready-for-revoke $1 $i" "$log" ||
			{ ko "$name: never ready for revoke $1 $i"; return 1; }
		n=$(acks "$domid")
		xenlend-ctl revoke "$domid" "$res" 0 $((WELL_MIB << 20)) >/dev/null ||
			ko "$name: revoke $1 $i"
		wait_for 30 acked "$domid" $((n + 1)) || { ko "$name: revoke $1 $i unanswered"; return 1; }
		[ "$1" = VRAM ] && vram_after_ack=$vram_after_ack$(mapped_pages "$domid"),
		guest_tell "$domid" go
		i=$((i + 1))
	done
}

# spread FILE: "min median max" of the numbers in FILE, one per line
spread() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR) printf "%.3f %.3f %.3f", v[1], v[int((NR + 1) / 2)], v[NR] }'
}

# vram_figures: what the well-behaved guest and the broker measured, VRAM
# against system memory in the same run, with their spread; a BENCH line
# each (make bench) with the medians in seconds
vram_figures() {
	for k in VRAM SYSMEM; do
		sed -n "s/.*VRAM: touch [0-9]* $k \([0-9.]*\) ms.*/\1/p" "$log" >"/tmp/touch-$k"
		echo "XENLEND-E2E: vram: figure touch-$k-4MiB-ms min/median/max $(spread "/tmp/touch-$k") ($(wc -l <"/tmp/touch-$k") samples, 1024 pages, 2 FAULTs each)"
	done
	# The broker's release lines of this guest, in order: the VRAM
	# revocations first (reps, then the move), then the grants'.
	grep "dom$domid: revoke seq [0-9]* acknowledged" "$BLOG" |
		sed -n 's/.*(\([0-9]*\) us from the invalidation.*/\1/p' >/tmp/revoke-us
	head -n 5 /tmp/revoke-us >/tmp/revoke-VRAM
	tail -n 5 /tmp/revoke-us >/tmp/revoke-SYSMEM
	for k in VRAM SYSMEM; do
		echo "XENLEND-E2E: vram: figure revoke-$k-4MiB-us min/median/max $(spread "/tmp/revoke-$k") (invalidation to guest access gone: REVOKE answered and, for VRAM, frames unmapped; $(wc -l <"/tmp/revoke-$k") samples)"
	done
	# What carries over to hardware: the hypercalls. A VRAM FAULT maps
	# its frames with a domctl pair (iomem permission, memory mapping) per
	# contiguous run; a grant FAULT has the guest map 512 grants.
	echo "XENLEND-E2E: vram: counts: $(grep -c "dom$domid: resource [0-9]*: pages .* mapped at gfn" "$BLOG") runs of frames mapped and $(grep -c "dom$domid: resource [0-9]*: pages .* unmapped" "$BLOG") unmapped (2 domctls each), for $(xenlend-ctl status | sed -n "s/^dom$domid .* faults=\([0-9]*\) .*/\1/p") FAULTs in all"
	for f in touch revoke; do
		x=$(spread "/tmp/$f-VRAM" | cut -d' ' -f2) y=$(spread "/tmp/$f-SYSMEM" | cut -d' ' -f2)
		[ -n "$x" ] && [ -n "$y" ] || continue
		scale=1000
		[ $f = revoke ] && scale=1000000
		echo "BENCH,vram-$f-4MiB-vs-sysmem,$(wc -l <"/tmp/$f-VRAM"),$(awk \
			"BEGIN { printf \"%.6f,%.6f,%.3f\", $x / $scale, $y / $scale, $x / $y }")"
	done
}

# vram_well: the well-behaved guest of device memory (scenarios gpu-vram and
# bench-vram). Return: 0, or 3 when the emulator killed it before it got
# ready.
vram_well() {
	create_guest domu-vram-well pvh vram-well || return 0
	guest_ready "VRAM: wrote-back" "read dom0's pattern and wrote its own back" ||
		return $(($? == 3 ? 3 : 0))
	res=$(sed -n 's/.*VRAM: wrote-back res=\([0-9]*\).*/\1/p' "$log")
	check "$name: read dom0's pattern in VRAM through its lent object" \
		grep -q "VRAM: PASS read dom0's pattern in VRAM" "$log"
	check "gpu-vram: the broker mapped its 1024 pages of VRAM into $name's window ($(mapped_pages "$domid") mapped)" \
		test "$(mapped_pages "$domid")" = 1024
	frame=$(first_frame "$domid" "$res")
	off=$((${frame:-0} * 4096 - QXL_BAR))
	out=$(xenlend-vram-probe expect "$QXL_DEV/resource0" "$off" $((WELL_MIB << 20)) "$res" 0x47554553)
	check "gpu-vram: dom0 reads in VRAM what $name wrote (frame ${frame:-none}, BAR offset $off: $out)" \
		test -n "$frame" -a "$out" = "0 of 524288 words differ"
	check "gpu-vram: the VRAM buffer is pinned while lent ($(pinned))" test "$(pinned)" -ge 1

	vram_after_ack=
	revoke_reps VRAM 2 5 || return 0
	check "gpu-vram: after each answered revocation dom0 took the VRAM out of $name's window (mapped pages then: $vram_after_ack)" \
		test "$vram_after_ack" = "0,0,0,0,"

	# dom0 moves the object out of VRAM while the guest writes to it.
	wait_for 60 grep -q "VRAM: writing" "$log" || { ko "$name: never started writing"; return 0; }
	sleep 2
	n=$(acks "$domid")
	xenlend-ctl migrate "$domid" "$res" 0 $((WELL_MIB << 20)) >/dev/null || ko "$name: migrate"
	check "$name: answered the move out of VRAM" wait_for 30 acked "$domid" $((n + 1))
	check "gpu-vram: the moved object's VRAM left $name's window" \
		test "$(mapped_pages "$domid")" = 0
	out=$(xenlend-vram-probe fill "$QXL_CARD" 64 6)
	check "gpu-vram: none of $name's writes after the move reached VRAM ($out)" \
		eval 'echo "$out" | grep -q " 0 words changed"'
	check "$name: its writes landed in system memory after the move" \
		wait_for 60 grep -q "VRAM: PASS [0-9]* passes written; the last one reads back" "$log"
	revoke_reps SYSMEM 1 5 || return 0
	check "$name: every check passed" wait_for 60 grep -q "VRAM: done, PASS" "$log"
	vram_figures
	wait_for 60 gone "$name" || xl destroy "$name"
	show_console "$name"
	check "gpu-vram: pages, quarantine and pins back to zero" wait_for 30 at_baseline
}

