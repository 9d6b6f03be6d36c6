// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-lend-test: runs in a test domU. Creates a host blob through the
 * virtgpu ioctls of the xenlend render node, maps it, touches every page and
 * checks every word against what dom0 wrote (the broker's test pattern).
 * Then it waits for dom0 to act on the same memory and checks what it sees:
 *   refill - dom0 writes generation 1 of the pattern into the lent pages;
 *   punch  - dom0 punches a hole: the pages are revoked, and touching them
 *            again faults in the new (zeroed) pages.
 * Progress lines start with "LEND:"; the dom0 script waits for them.
 * Exit status 0 iff every check passed. Timing is printed, never judged.
 *
 * usage: xenlend-lend-test SIZE_MIB PUNCH_BYTES
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/virtgpu_drm.h>

#include "xenlend_test.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int open_xenlend(void)
{
	glob_t g;
	int fd = -1;

	if (glob("/dev/dri/renderD*", 0, NULL, &g))
		return -1;
	for (size_t i = 0; i < g.gl_pathc && fd < 0; i++) {
		char name[32] = "";
		struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };
		int f = open(g.gl_pathv[i], O_RDWR | O_CLOEXEC);

		if (f >= 0 && !ioctl(f, DRM_IOCTL_VERSION, &v) && !strcmp(name, "xenlend")) {
			printf("LEND: %s is xenlend %d.%d\n", g.gl_pathv[i], v.version_major,
			       v.version_minor);
			fd = f;
		} else if (f >= 0) {
			close(f);
		}
	}
	globfree(&g);
	return fd;
}

/* Count words of [from, to) that differ from generation @gen (or zero, if gen < 0). */
static uint64_t check(const uint64_t *w, uint32_t res, int gen, uint64_t from, uint64_t to)
{
	uint64_t bad = 0;

	for (uint64_t off = from; off < to; off += 8) {
		uint64_t want = gen < 0 ? 0 : xenlend_test_pattern(res, (uint32_t)gen, off);

		if (w[off / 8] != want && bad++ < 3)
			printf("LEND: word at %#llx is %#llx, want %#llx\n", (unsigned long long)off,
			       (unsigned long long)w[off / 8], (unsigned long long)want);
	}
	return bad;
}

/* Poll one word until it holds @want; 60 s at most. */
static int wait_word(const volatile uint64_t *w, uint64_t want)
{
	for (int i = 0; i < 600; i++) {
		if (*w == want)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Tell dom0 we are ready for @step, then wait until @w holds @want. */
static int await_dom0(const char *step, uint32_t res, const volatile uint64_t *w, uint64_t want,
		      const char *timeout_msg)
{
	printf("LEND: ready-for-%s res=%u\n", step, res);
	fflush(stdout);
	if (!wait_word(w, want))
		return 0;
	printf("LEND: FAIL %s\n", timeout_msg);
	return -1;
}

int main(int argc, char **argv)
{
	uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 64) << 20;
	uint64_t punch = argc > 2 ? strtoull(argv[2], NULL, 0) : 1 << 20;
	struct drm_virtgpu_resource_create_blob rc = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = size,
	};
	struct drm_virtgpu_map map = { 0 };
	int value = 0, fd, failed = 0;
	struct drm_virtgpu_getparam gp = {
		.param = VIRTGPU_PARAM_RESOURCE_BLOB,
		.value = (uintptr_t)&value,
	};
	uint64_t *w, bad;
	double t0, t1;

	fd = open_xenlend();
	if (fd < 0) {
		printf("LEND: FAIL no xenlend render node\n");
		return 1;
	}
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp) || value != 1) {
		printf("LEND: FAIL GETPARAM RESOURCE_BLOB: %s, %d\n", strerror(errno), value);
		return 1;
	}
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc)) {
		printf("LEND: FAIL create %llu MiB blob: %s\n", (unsigned long long)(size >> 20),
		       strerror(errno));
		return 1;
	}
	map.handle = rc.bo_handle;
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &map)) {
		printf("LEND: FAIL VIRTGPU_MAP: %s\n", strerror(errno));
		return 1;
	}
	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)map.offset);
	if (w == MAP_FAILED) {
		printf("LEND: mmap refused: %s\n", strerror(errno));
		return 2;
	}

	t0 = now_s();
	bad = check(w, rc.res_handle, 0, 0, size);
	t1 = now_s();
	printf("LEND: %s verify res=%u %llu MiB: %llu bad words, first touch %.0f ms (%.2f ms/MiB)\n",
	       bad ? "FAIL" : "PASS", rc.res_handle, (unsigned long long)(size >> 20),
	       (unsigned long long)bad, (t1 - t0) * 1e3, (t1 - t0) * 1e3 / (size >> 20));
	failed += !!bad;
	t0 = now_s();
	bad = check(w, rc.res_handle, 0, 0, size);
	t1 = now_s();
	printf("LEND: second pass (mapped) %.0f ms (%.2f ms/MiB)\n", (t1 - t0) * 1e3,
	       (t1 - t0) * 1e3 / (size >> 20));
	failed += !!bad;
	fflush(stdout);

	/* dom0 rewrites the lent pages in place: we see it at once. */
	if (await_dom0("refill", rc.res_handle, &w[size / 8 - 1],
		       xenlend_test_pattern(rc.res_handle, 1, size - 8),
		       "refill never became visible"))
		return 1;
	bad = check(w, rc.res_handle, 1, 0, size);
	printf("LEND: %s refill visible through the lent mapping (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)bad);
	failed += !!bad;

	/* dom0 punches a hole: revoked, refaulted, zero. */
	if (await_dom0("punch", rc.res_handle, &w[0], 0, "punched pages never refaulted"))
		return 1;
	bad = check(w, rc.res_handle, -1, 0, punch) + check(w, rc.res_handle, 1, punch, size);
	printf("LEND: %s after the hole punch: first %llu KiB zero, the rest unchanged (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)(punch >> 10), (unsigned long long)bad);
	failed += !!bad;

	/*
	 * dom0 revokes part of the object explicitly, then rewrites it: the
	 * revoked pages fault in again (dom0 counts the FAULTs) and every page
	 * shows the new generation.
	 */
	if (await_dom0("revoke", rc.res_handle, &w[size / 8 - 1],
		       xenlend_test_pattern(rc.res_handle, 2, size - 8),
		       "second rewrite never became visible"))
		return 1;
	bad = check(w, rc.res_handle, 2, 0, size);
	printf("LEND: %s after the explicit revoke: %llu MiB checked (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)(size >> 20), (unsigned long long)bad);
	failed += !!bad;

	munmap(w, size);
	close(fd);
	printf("LEND: %s\n", failed ? "FAIL" : "done");
	return failed ? 1 : 0;
}
