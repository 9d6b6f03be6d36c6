// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-vram-test: runs in a test domU whose broker lends device memory
 * (host_memory = vram:, scenario gpu-vram). Its blob lives in dom0's VRAM,
 * mapped into this guest's VRAM window; dom0 says "go" on the console.
 *
 *   xenlend-vram-test SIZE_MIB well REPS
 *	reads dom0's pattern through the lent object and writes its own
 *	(XENLEND_TEST_GUEST_GEN) back for dom0 to check in VRAM; then REPS - 1
 *	times asks for a revocation ("ready-for-revoke"), waits for "go" and
 *	touches every page again, timed (the first touch was timed too); then
 *	writes in a loop for LOOP_S seconds while dom0 moves the object out
 *	of VRAM, and checks its last pass landed; then REPS timed touches of
 *	the same object in system memory, each after a revocation: the
 *	same-run baseline. Lines start with "VRAM:"; "touch N KIND MS" are
 *	the figures.
 *   xenlend-vram-test SIZE_MIB hostile
 *	ignores revocations (the driver's ignore_revoke test hook) and writes
 *	in a loop until dom0 destroys it. Lines start with "VRAM-HOSTILE:".
 *   xenlend-vram-test sizes MIB...
 *	creates blobs of those sizes one after the other, keeping them, and
 *	prints "VRAM: create N MiB: ok" or the error (bad input: the quota,
 *	the BAR, a refused window); it does not judge.
 *
 * Exit status 0 iff every check passed.
 */

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sys/ioctl.h>

#include <drm/virtgpu_drm.h>

#include "guest-util.h"
#include "xenlend_test.h"

#define TAG	"VRAM"
#define LOOP_S	20
/* Generations of the write loop's passes: "WR" and the pass number. */
#define LOOP_GEN(p)	(0x57520000 | ((p) & 0xffff))

/* Read one word of every page, in order; milliseconds taken. */
static double touch(const struct lent_blob *b)
{
	const volatile uint64_t *w = b->w;
	double t0 = now_s();
	uint64_t sum = 0;

	for (uint64_t off = 0; off < b->size; off += 4096)
		sum += w[off / 8];
	__asm__ volatile("" : : "r"(sum));
	return (now_s() - t0) * 1000;
}

static void write_gen(const struct lent_blob *b, uint32_t gen)
{
	volatile uint64_t *w = b->w;

	for (uint64_t off = 0; off < b->size; off += 8)
		w[off / 8] = xenlend_test_pattern(b->res, gen, off);
}

/* Ask dom0 for a revocation, then touch every page again, timed. */
static int revoked_touch(const struct lent_blob *b, int rep, const char *kind, uint32_t gen)
{
	uint64_t bad;
	double ms;

	printf("VRAM: ready-for-revoke %s %d\n", kind, rep);
	if (wait_go(120)) {
		printf("VRAM: FAIL dom0 never said go\n");
		return 1;
	}
	ms = touch(b);
	printf("VRAM: touch %d %s %.3f ms for %llu pages\n", rep, kind, ms,
	       (unsigned long long)(b->size / 4096));
	bad = check_pattern(b->w, b->res, (int)gen, 0, b->size, TAG);
	if (bad)
		printf("VRAM: FAIL %s touch %d: %llu words changed by the revocation\n", kind,
		       rep, (unsigned long long)bad);
	return bad != 0;
}

static int well(struct lent_blob *b, int reps)
{
	unsigned int pass = 0;
	int failed = 0;
	double ms, t0;
	uint64_t bad;

	ms = touch(b);
	printf("VRAM: touch 1 VRAM %.3f ms for %llu pages\n", ms,
	       (unsigned long long)(b->size / 4096));
	bad = check_pattern(b->w, b->res, 0, 0, b->size, TAG);
	printf("VRAM: %s read dom0's pattern in VRAM through the lent object (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)bad);
	if (bad)
		return 1;
	write_gen(b, XENLEND_TEST_GUEST_GEN);
	printf("VRAM: wrote-back res=%u size=%llu\n", b->res, (unsigned long long)b->size);
	for (int i = 2; i <= reps; i++)
		failed |= revoked_touch(b, i, "VRAM", XENLEND_TEST_GUEST_GEN);

	/* dom0 moves the object out of VRAM while we write. */
	printf("VRAM: writing res=%u\n", b->res);
	for (t0 = now_s(); now_s() - t0 < LOOP_S; )
		write_gen(b, LOOP_GEN(++pass));
	bad = check_pattern(b->w, b->res, LOOP_GEN(pass), 0, b->size, TAG);
	printf("VRAM: %s %u passes written; the last one reads back (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", pass, (unsigned long long)bad);
	failed |= bad != 0;

	for (int i = 1; i <= reps; i++)
		failed |= revoked_touch(b, i, "SYSMEM", LOOP_GEN(pass));
	printf("VRAM: done, %s\n", failed ? "FAIL" : "PASS");
	return failed;
}

static int hostile(const struct lent_blob *b)
{
	char *knob = xenlend_debugfs_file("ignore_revoke");
	FILE *f = knob ? fopen(knob, "w") : NULL;
	double last = now_s();

	if (!f || fputs("1\n", f) < 0 || fclose(f)) {
		printf("VRAM-HOSTILE: FAIL cannot set ignore_revoke (test_hooks=1?)\n");
		return 1;
	}
	printf("VRAM-HOSTILE: ignoring revocations; ready-for-revoke res=%u\n", b->res);
	for (unsigned int pass = 1;; pass++) {
		write_gen(b, LOOP_GEN(pass));
		if (now_s() - last >= 1) {
			printf("VRAM-HOSTILE: pass %u\n", pass);
			last = now_s();
		}
	}
	return 1;
}

static int sizes(int fd, int n, char **mib)
{
	for (int i = 0; i < n; i++) {
		struct drm_virtgpu_resource_create_blob rc = {
			.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
			.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
			.size = strtoull(mib[i], NULL, 0) << 20,
		};

		if (ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc))
			printf("VRAM: create %s MiB: %s\n", mib[i], strerror(errno));
		else
			printf("VRAM: create %s MiB: ok res=%u\n", mib[i], rc.res_handle);
	}
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 4) << 20;
	int reps = argc > 3 ? atoi(argv[3]) : 5;
	struct lent_blob b;
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 && !strcmp(argv[1], "sizes")) {
		fd = open_xenlend(TAG);
		return fd < 0 ? 1 : sizes(fd, argc - 2, argv + 2);
	}
	if (argc < 3 || (strcmp(argv[2], "well") && strcmp(argv[2], "hostile")) || reps < 1) {
		fprintf(stderr, "usage: %s SIZE_MIB well REPS | SIZE_MIB hostile | sizes MIB...\n",
			argv[0]);
		return 2;
	}
	fd = open_xenlend(TAG);
	if (fd < 0) {
		printf("VRAM: FAIL no xenlend render node\n");
		return 1;
	}
	if (blob_create_map(fd, size, &b, TAG))
		return 1;
	if (!strcmp(argv[2], "hostile"))
		return hostile(&b);
	return well(&b, reps);
}
