# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU ignores REVOKE of vgem GPU buffers: dom0 goes on at once, quarantines, disconnects it at the deadline, never reuses a page it maps; xl save refused
# suite: check
# budget: 300
# order: 50

# A guest ignores REVOKE and keeps its mapping. dom0 must go on at once,
# quarantine the pages, disconnect the guest at the deadline and never
# reuse a page the guest still maps.

# Return: 0, or 3 when the emulator killed the guest before it got ready.
scenario() {
	use_broker gpu
	create_guest domu-hostile pvh hostile || return 0
	guest_ready "HOSTILE: .*ready-for-punch" || return $(($? == 3 ? 3 : 0))
	res=$(sed -n 's/.*ready-for-punch res=\([0-9]*\).*/\1/p' "$log")
	lent=$(engine lent)
	t0=$(up)
	out=$(take_back "$domid" "$res" 0 16777216)
	echo "XENLEND-E2E: $name: $(how) of 16 MiB returned in $(echo "$(up) $t0" | awk '{print $1 - $2}')s ($out)"
	check "$name: dom0's $(how) completed although the guest never answers" \
		test "$out" = ok
	check "$name: disconnected at the deadline" \
		wait_for 10 grep -q "dom$domid ($name): disconnected for good: revocation seq [0-9]* not acknowledged within" "$BLOG"
	grep "dom$domid: revoke seq" "$BLOG" | tail -n 2
	q=$(engine quarantined)
	check "$name: all $lent lent pages quarantined while it maps them ($q)" test "$q" -ge 4096
	err=$(xenstore-read "/local/domain/0/backend/xenlend/$domid/0/error" 2>&1)
	check "$name: reason reported in xenstore ($err)" \
		sh -c "echo '$err' | grep -q 'not acknowledged'"
	check "$name: not served again" sh -c "xenlend-ctl status | grep -q '^dom$domid .* banned=1'"
	if wait_for 30 grep -q 'HOSTILE: .*ready-for-pressure' "$log"; then
		# Make dom0 reuse what it freed (up to 512 MiB of it), with a
		# pattern the guest would see through any page dom0 reused.
		kb=$(sed -n 's/^MemAvailable: *\([0-9]*\) kB/\1/p' /proc/meminfo)
		kb=$((kb - 131072))
		[ "$kb" -gt 524288 ] && kb=524288
		mkdir -p /run/pressure
		mount -t tmpfs -o size=$((kb * 1024)) tmpfs /run/pressure
		head -c $((kb * 1024)) /dev/zero | tr '\0' 'Z' >/run/pressure/fill 2>/dev/null
		echo "XENLEND-E2E: $name: dom0 filled $(du -m /run/pressure/fill | cut -f1) MiB of free memory"
		umount /run/pressure
		# It still maps dom0 memory: saving it (as migration would) is
		# refused by its driver, and the toolstack gives up.
		t0=$(up)
		if xl save -c "$name" /run/borrower.save >/tmp/save-$name.log 2>&1; then
			ko "$name: xl save of a guest that maps dom0 memory succeeded"
		else
			echo "XENLEND-E2E: $name: xl save failed after $(echo "$(up) $t0" |
				awk '{print $1 - $2}')s: $(grep -m1 -i 'suspend' /tmp/save-$name.log)"
		fi
		rm -f /run/borrower.save
		err=$(xenstore-read "/local/domain/$domid/error/device/xenlend/0/error" 2>&1)
		check "$name: its driver refused save/migration with a clear error ($err)" \
			sh -c "echo '$err' | grep -q 'refusing to save or migrate'"
		check "$name: still running after the refused save" \
			sh -c "xl list '$name' | grep -q '$name'"
		guest_tell "$domid" go
	else
		ko "$name: never noticed the disconnect"
	fi
	wait_for 60 gone "$name" || xl destroy "$name"
	show_console "$name"
	check "$name: the pages it still mapped were never reused by dom0" \
		grep -q 'HOSTILE: PASS every page we still map is unchanged' "$log"
	check "$name: once it let go, the quarantine drained" wait_for 15 at_baseline
	return 0
}

