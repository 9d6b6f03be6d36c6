# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=sh
# description: [bench] Vulkan: empty submit + fence and 4 MiB copies through xenlend vs. venus over vtest in dom0 and vs. lavapipe directly; on xenlend also with venus's feedback buffers on and with its ring kept polling
# suite: bench
# budget: 400
# order: 60

# run_vk_bench: xenlend-vk-memory --bench in a PVH guest through xenlend,
# then the same program in dom0 over virglrenderer's vtest socket with
# Debian's venus of the same Mesa version (the existing alternative), and
# directly on lavapipe; BENCH lines with the ratios. venus's feedback
# buffers are off in both venus runs: vtest cannot share lavapipe's
# host-visible memory, which they live in.
scenario() {
	use_broker memfd
	renderer_guest domu-vk pvh vk
	case $? in 3) return 3 ;; 1) return 0 ;; esac
	# dom0's image keeps venus's driver but not its manifest, so that
	# nothing else in dom0 loads it.
	printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' \
		/usr/lib/x86_64-linux-gnu/libvulkan_virtio.so >/tmp/venus_icd.json
	virgl_test_server --venus --use-egl-surfaceless --socket-path /tmp/vtest-vk.sock \
		>/tmp/vtest-vk-server.log 2>&1 &
	vpid=$!
	wait_for 60 test -S /tmp/vtest-vk.sock
	VTEST_SOCKET_NAME=/tmp/vtest-vk.sock VN_DEBUG=vtest VK_ICD_FILENAMES=/tmp/venus_icd.json \
		VN_PERF=no_fence_feedback,no_semaphore_feedback,no_event_feedback,no_query_feedback \
		$R/xenlend-vk-memory --bench >/tmp/vk-vtest.log 2>&1
	kill "$vpid"
	VK_ICD_FILENAMES=/usr/share/vulkan/icd.d/lvp_icd.json $R/xenlend-vk-memory --bench \
		>/tmp/vk-native.log 2>&1
	for b in vtest native; do
		echo "----- xenlend-vk-memory in dom0, $b -----"
		cat /tmp/vk-$b.log
	done
	check "Vulkan baseline over vtest ran on venus" \
		eval 'grep -q "^VK: device Virtio-GPU Venus" /tmp/vk-vtest.log &&
			grep -q "^VK: bench done" /tmp/vk-vtest.log'
	# The rows issue 17 names first (feedback off, as over vtest), then
	# feedback on, the renderer's ring kept polling, and both.
	bench_ratios VK submit-fence copy-4mib submit-fence+feedback copy-4mib+feedback \
		submit-fence+hot copy-4mib+hot submit-fence+feedback-hot copy-4mib+feedback-hot
}

