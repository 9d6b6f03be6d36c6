// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-lend-test: runs in a test domU. Creates a host blob through the
 * virtgpu ioctls of the xenlend render node, maps it, touches every page and
 * checks every word against what dom0 wrote (the broker's test pattern).
 * Then it waits for dom0 to act on the same memory and checks what it sees:
 *   refill - dom0 writes generation 1 of the pattern into the lent pages;
 *   punch  - dom0 punches a hole: the pages are revoked, and touching them
 *            again faults in the new (zeroed) pages. Watched through a
 *            second mapping, of the blob's dma-buf: revocation must zap
 *            that one too (a stale one would read the hole the grant left,
 *            never zero).
 * Progress lines start with "LEND:"; the dom0 script waits for them.
 * Exit status 0 iff every check passed. Timing is printed, never judged.
 *
 * usage: xenlend-lend-test SIZE_MIB PUNCH_BYTES
 */

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/virtgpu_drm.h>

#include "guest-util.h"
#include "xenlend_test.h"

#define TAG "LEND"

static uint64_t check(const uint64_t *w, uint32_t res, int gen, uint64_t from, uint64_t to)
{
	return check_pattern(w, res, gen, from, to, TAG);
}

/* Tell dom0 we are ready for @step, then wait until @w holds @want. */
static int await_dom0(const char *step, uint32_t res, const volatile uint64_t *w, uint64_t want,
		      const char *timeout_msg)
{
	printf("LEND: ready-for-%s res=%u\n", step, res);
	fflush(stdout);
	if (!wait_word(w, want, 60))
		return 0;
	printf("LEND: FAIL %s\n", timeout_msg);
	return -1;
}

int main(int argc, char **argv)
{
	uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	uint64_t punch = argc > 2 ? strtoull(argv[2], NULL, 0) : 1 << 20;
	struct drm_virtgpu_getparam gp = {
		.param = VIRTGPU_PARAM_RESOURCE_BLOB,
	};
	int value = 0, fd, failed = 0, err;
	struct lent_blob b;
	uint32_t res;
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	uint64_t *w, *d, bad;
	double t0, t1;

	gp.value = (uintptr_t)&value;
	fd = open_xenlend(TAG);
	if (fd < 0) {
		printf("LEND: FAIL no xenlend render node\n");
		return 1;
	}
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp) || value != 1) {
		printf("LEND: FAIL GETPARAM RESOURCE_BLOB: %s, %d\n", strerror(errno), value);
		return 1;
	}
	err = blob_create_map(fd, size, &b, TAG);
	if (err)
		return err;
	w = b.w;
	res = b.res;

	t0 = now_s();
	bad = check(w, res, 0, 0, size);
	t1 = now_s();
	printf("LEND: %s verify res=%u %llu MiB: %llu bad words, first touch %.0f ms (%.2f ms/MiB)\n",
	       bad ? "FAIL" : "PASS", res, (unsigned long long)(size >> 20),
	       (unsigned long long)bad, (t1 - t0) * 1e3, (t1 - t0) * 1e3 / (size >> 20));
	failed += !!bad;
	t0 = now_s();
	bad = check(w, res, 0, 0, size);
	t1 = now_s();
	printf("LEND: second pass (mapped) %.0f ms (%.2f ms/MiB)\n", (t1 - t0) * 1e3,
	       (t1 - t0) * 1e3 / (size >> 20));
	failed += !!bad;

	/* The same memory through the blob's dma-buf (what a compositor maps). */
	ph.handle = b.handle;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph)) {
		printf("LEND: FAIL PRIME export of the blob: %s\n", strerror(errno));
		return 1;
	}
	d = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, ph.fd, 0);
	close(ph.fd);
	if (d == MAP_FAILED) {
		printf("LEND: FAIL mmap of the blob's dma-buf: %s\n", strerror(errno));
		return 1;
	}
	bad = check(d, res, 0, 0, size);
	printf("LEND: %s the blob's dma-buf maps the same memory (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)bad);
	failed += !!bad;
	fflush(stdout);

	/* dom0 rewrites the lent pages in place: we see it at once. */
	if (await_dom0("refill", res, &w[size / 8 - 1],
		       xenlend_test_pattern(res, 1, size - 8),
		       "refill never became visible"))
		return 1;
	bad = check(w, res, 1, 0, size);
	printf("LEND: %s refill visible through the lent mapping (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)bad);
	failed += !!bad;

	/* dom0 punches a hole: revoked, refaulted, zero; in both mappings. */
	if (await_dom0("punch", res, &d[0], 0,
		       "punched pages never refaulted through the dma-buf mapping"))
		return 1;
	bad = check(w, res, -1, 0, punch) + check(w, res, 1, punch, size);
	printf("LEND: %s after the hole punch: first %llu KiB zero, the rest unchanged (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)(punch >> 10), (unsigned long long)bad);
	failed += !!bad;
	bad = check(d, res, -1, 0, punch) + check(d, res, 1, punch, size);
	printf("LEND: %s the dma-buf mapping after the hole punch (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)bad);
	failed += !!bad;

	/*
	 * dom0 revokes part of the object explicitly, then rewrites it: the
	 * revoked pages fault in again (dom0 counts the FAULTs) and every page
	 * shows the new generation.
	 */
	if (await_dom0("revoke", res, &w[size / 8 - 1],
		       xenlend_test_pattern(res, 2, size - 8),
		       "second rewrite never became visible"))
		return 1;
	bad = check(w, res, 2, 0, size);
	printf("LEND: %s after the explicit revoke: %llu MiB checked (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)(size >> 20), (unsigned long long)bad);
	failed += !!bad;

	munmap(d, size);
	blob_unmap_close(fd, &b);
	close(fd);
	printf("LEND: %s\n", failed ? "FAIL" : "done");
	return failed ? 1 : 0;
}
