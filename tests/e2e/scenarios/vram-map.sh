# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: stock Xen maps a VRAM frame (a PCI BAR) into a PVH guest and takes it away (XEN_DOMCTL_memory_mapping, VRAM lending's mechanism): the guest reads dom0's pattern and writes VRAM through it; once unmapped it reads all-ones, its writes never reach VRAM, and it runs on
# suite: check
# budget: 240
# order: 57

# What VRAM lending will do for the guest driver, done by hand with a tool
# (tests/dom0/vram-probe.c) and /dev/mem in the guest: a frame of the
# standard VGA's VRAM BAR goes to an unpopulated guest-physical address,
# dom0 and the guest see each other's writes, and after the unmapping the
# guest's access is gone without its help (docs/RESEARCH-gpu-memory.md,
# section 3; what it sees is recorded in docs/DECISIONS.md).

VGA=/sys/bus/pci/devices/0000:00:02.0
# 8 MiB into the 16 MiB BAR: past what bochs's console uses.
VRAM_OFF=0x800000
# 8 GiB: above the guest's 256 MiB of RAM, nothing there.
GFN=0x200000
GPA=0x200000000

# guest_do OP [VALUE]: have the guest read or write its word at $GPA; for a
# read, sets got to what it read. Request numbers keep answers apart.
guest_do() {
	req=$((${req:-0} + 1))
	echo "$1 $req $GPA ${2:-}" >"$tty"
	if ! wait_for 30 grep -q "VRAM: $req " "$log"; then
		ko "$name: no answer to request $req ($1)"
		return 1
	fi
	got=$(sed -n "s/.*VRAM: $req read [^ ]* \\(0x[0-9A-Fa-f]*\\).*/\\1/p" "$log")
}

# still_runs: the guest is alive and answered its last request
still_runs() { ! gone "$name" && grep -q "VRAM: $req wrote" "$log"; }

# vram_word: dom0's view of the word at $VRAM_OFF
vram_word() { xenlend-vram-probe peek "$VGA/resource0" "$VRAM_OFF"; }

# Return: 0, or 3 when the emulator killed the guest before it got ready.
scenario() {
	bar=$(head -n 1 "$VGA/resource" | cut -d' ' -f1)
	mfn=$(printf '0x%x' $(((bar + VRAM_OFF) >> 12)))
	echo "XENLEND-E2E: vram-map: VGA BAR at $bar, frame $mfn ($VGA, driver $(basename "$(readlink "$VGA/driver" 2>/dev/null)" 2>/dev/null))"
	xenlend-vram-probe poke "$VGA/resource0" "$VRAM_OFF" 0x5a5a0001 ||
		{ ko "vram-map: dom0 cannot write VRAM"; return 0; }

	create_guest domu-vram pvh vram-probe || return 0
	guest_ready "VRAM: ready" || return $(($? == 3 ? 3 : 0))
	tty=$(xenstore-read "/local/domain/$domid/console/tty")
	req=0

	check "vram-map: dom0 maps VRAM frame $mfn at gfn $GFN of $name" \
		xenlend-vram-probe map "$domid" "$GFN" "$mfn" 1
	guest_do read
	check "$name: reads what dom0 wrote in VRAM ($got)" test "$((got))" = "$((0x5a5a0001))"
	guest_do write 0x600dc0de
	check "dom0: reads what $name wrote through the mapping ($(vram_word))" \
		test "$(($(vram_word)))" = "$((0x600dc0de))"

	# Revocation: dom0 takes the frame away, whatever the guest does.
	xenlend-vram-probe poke "$VGA/resource0" "$VRAM_OFF" 0xca11ab1e
	out=$(xenlend-vram-probe unmap "$domid" "$GFN" "$mfn" 1)
	check "vram-map: dom0 unmaps it without the guest ($out)" test -n "$out"
	guest_do read
	echo "XENLEND-E2E: vram-map: after the unmapping $name reads $got"
	check "$name: reads all-ones where VRAM was, not VRAM ($got)" \
		test "$((got))" = "$((0xffffffff))"
	guest_do write 0xbad0bad0
	check "dom0: the guest's write after the unmapping never reached VRAM ($(vram_word))" \
		test "$(($(vram_word)))" = "$((0xca11ab1e))"
	check "$name: still runs after touching the revoked range" still_runs

	echo "done" >"$tty"
	wait_for 30 grep -q "XENLEND-DOMU: vram-probe done" "$log"
	xl destroy "$name" 2>/dev/null
	show_console "$name"
	check "$name: guest kernel logged no BUG, WARNING or Oops" kernel_clean "$log"
	return 0
}
