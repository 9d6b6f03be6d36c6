# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: PVH domU: vulkaninfo and a Vulkan program writing host-visible memory on venus through xenlend, also while dom0 revokes that memory every 0.2 s
# suite: check
# budget: 360
# order: 70

# vulkaninfo and xenlend-vk-memory on the patched Mesa's venus driver,
# whose ring and host-visible device memory are renderer blobs lent by dom0.

# vk_status: keep the broker's figures of domu-vk while it still has them
vk_status() {
	xenlend-ctl status 2>/dev/null | grep "name=domu-vk " >/tmp/status-domu-vk.new &&
		mv /tmp/status-domu-vk.new /tmp/status-domu-vk
	return 0
}

# vk_revoke_loop: while the guest's last Vulkan programs run, take back all
# its lent memory every 0.2 s (xenlend-ctl revoke-all); sets vk_revoked to
# the revocations the guest acknowledged meanwhile, vkm_revoked to those
# since vulkaninfo's last run (while xenlend-vk-memory ran). Return: 1 if
# it did not finish within about 300 s.
vk_revoke_loop() {
	n0=$(acks "$domid")
	n1=
	t_end=$(($(date +%s) + 300))
	t_say=$(($(date +%s) + 30))
	while ! grep -q 'vk-memory under revocation exit' "$log"; do
		gone domu-vk && break
		[ "$(date +%s)" -lt "$t_end" ] || return 1
		[ -n "$n1" ] || ! grep -q 'vulkaninfo under revocation exit' "$log" ||
			n1=$(acks "$domid")
		xenlend-ctl revoke-all "$domid" >/dev/null 2>&1
		vk_status
		if [ "$(date +%s)" -ge "$t_say" ]; then
			echo "XENLEND-E2E: domu-vk: still revoking"
			t_say=$(($(date +%s) + 30))
		fi
		sleep 0.2
	done
	n2=$(acks "$domid")
	vk_revoked=$((n2 - n0))
	vkm_revoked=$((n2 - ${n1:-$n2}))
	return 0
}

# Return: 0, or 3 when the emulator killed the guest (its checks skipped).
scenario() {
	use_broker memfd
	create_guest domu-vk pvh vk domU-gl.cpio.gz || return 0
	rm -f /tmp/status-domu-vk
	vk_revoked=0 vkm_revoked=0
	# The broker's figures of the guest, while it still has them.
	if ! wait_for 300 eval 'vk_status; grep -q "under revocation starts" "$log" ||
			gone domu-vk'; then
		ko "domu-vk: vulkaninfo never got to its run under revocation"
	elif ! gone domu-vk && ! vk_revoke_loop; then
		ko "domu-vk: vulkaninfo under revocation did not finish"
	elif ! wait_for 300 eval 'vk_status; gone domu-vk'; then
		ko "domu-vk: did not power off"
	fi
	if ! gone domu-vk; then
		show_renderers
		xl destroy domu-vk
	fi
	killed_now && return 3
	show_console domu-vk
	check "domu-vk: without MESA_VIRTGPU_DRIVER venus leaves the xenlend device alone" \
		eval '! grep -q "^NOENV: .*Venus" "$log"'
	check "domu-vk: vulkaninfo sees venus through xenlend ($(grep -v '^NOENV\|^REVOKED' \
		"$log" | sed -n 's/.*deviceName *= *//p' | head -n 1 | tr -d '\r'))" \
		eval 'grep -v "^NOENV\|^REVOKED" "$log" | grep -q "deviceName *= *Virtio-GPU Venus"'
	check "domu-vk: vulkaninfo exits 0" grep -q 'XENLEND-DOMU: vulkaninfo exit 0' "$log"
	check "domu-vk: a Vulkan program writes host-visible memory, the GPU copies and fills it, the guest reads it back right" \
		eval 'grep -q "XENLEND-DOMU: vk-memory exit 0" "$log" &&
			grep -v "^REVOKED" "$log" | grep -q "^VK: device Virtio-GPU Venus"'
	check "domu-vk: dom0 lent the device's host-visible memory ($(grep -c \
		"xenlend-render\[d$domid\]: resource [0-9]*: an opaque export" "$BLOG") blobs)" \
		grep -q "xenlend-render\[d$domid\]: resource [0-9]*: an opaque export of 1024 KiB" "$BLOG"
	check "domu-vk: the same, 4 rounds, while dom0 revokes and re-lends the memory ($vkm_revoked revocations meanwhile, 1 or more)" \
		eval 'grep -q "XENLEND-DOMU: vk-memory under revocation exit 0" "$log" &&
			grep -q "^REVOKED: VK: round 3: .* read back right" "$log" &&
			test "$vkm_revoked" -ge 1'
	check "domu-vk: vulkaninfo works while dom0 revokes and re-lends venus's memory" \
		eval 'grep -q "XENLEND-DOMU: vulkaninfo under revocation exit 0" "$log" &&
			grep -q "^REVOKED: .*deviceName *= *Virtio-GPU Venus" "$log"'
	check "domu-vk: $vk_revoked revocations of its memory acknowledged meanwhile (2 or more)" \
		test "$vk_revoked" -ge 2
	check "domu-vk: the broker lent venus its ring" \
		grep -q "dom$domid name=domu-vk .*faults=[1-9]" /tmp/status-domu-vk
	check "domu-vk: guest kernel logged no BUG, WARNING or Oops" \
		kernel_clean "$log"
	check "domu-vk: broker released the device of the dead guest" \
		wait_for 10 grep -q "dom$domid (domu-vk): gone" "$BLOG"
	return 0
}

