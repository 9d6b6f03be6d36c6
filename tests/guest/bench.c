// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-bench: runs in a PVH test domU and measures xenlend against a
 * baseline taken in the same process, the same way, moments apart:
 *   first-touch    reading one word per page of a fresh lent object vs. a
 *                  fresh anonymous mapping of the guest's own memory, at
 *                  several sizes (and, with --dom0 MAX_MIB in dom0 itself,
 *                  of a fresh memfd mapping, the kind of buffer the broker
 *                  lends: "BENCH-DOM0: SIZE SECONDS", which dom0-e2e.sh
 *                  sets against the guest's figures);
 *   write/read     memcpy into and out of an already mapped lent object vs.
 *                  guest memory (steady state: no fault involved), of
 *                  COPY_MIB (or MAX_MIB if smaller);
 *   broker-rtt     NOP (a round trip guest -> broker -> render worker)
 *                  vs. GETPARAM of a guest-local value;
 *   submit-fence   EXECBUFFER of an empty venus stream plus waiting for its
 *                  fence vs. NOP.
 * Each figure is the median of FIGURE_REPS runs, with their min and max. With --revoke, only the
 * revocation phase instead (a guest of its own, see dom0-e2e.sh): a
 * REVOKE_MIB lent object stays mapped and is read page by page, over and
 * over, for REVOKE_SECONDS, between the lines "BENCH-REVOKE: res N ..." and
 * "BENCH-REVOKE: done", while dom0 punches holes into it; the broker times
 * those revocations (tests/e2e/dom0-e2e.sh, bench mode). With --scale,
 * only the scaling phase: once dom0 says "go" on the console (to every
 * guest at once), the median of REPS first touches of a SCALE_MIB lent
 * object and of as much guest memory, "BENCH-SCALE: lent S anon S"; dom0
 * runs it in one guest, then in four at once. With --size MAX_MIB, only
 * the object-size phase: first touches of fresh lent objects of 1 MiB,
 * then of MAX_MIB (1 GiB in make bench) and a quarter as much each step down
 * to 4 MiB (the median of REPS; one from SIZE_ONCE_MIB on), each against
 * 1 MiB's time scaled to its size (what it would cost if the cost per MiB
 * did not change). Output: one CSV line per
 * figure, "BENCH,name,size,xenlend_s,baseline_s,ratio,xenlend_min_s,
 * xenlend_max_s,baseline_min_s,baseline_max_s,reps" (medians; ratio =
 * xenlend / baseline time: 1.0 is "as fast as the baseline"; the phases
 * other than the main one leave the spread empty). Nothing is judged here.
 *
 * usage: xenlend-bench [MAX_MIB | --revoke | --scale | --size MAX_MIB | --dom0 MAX_MIB]
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
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
#include "xenlend_if.h"

#define TAG	"BENCH"
/*
 * Three for the scaling and object-size phases, not more: under TCG the emulator kills this PVH guest about once a
 * minute of lending (docs/DECISIONS.md), and a run must finish in between.
 */
#define REPS	3
/*
 * The main figures are five runs each, so that their spread (min, median,
 * max) says something; they are short enough for it.
 */
#define FIGURE_REPS	5
#define PAGE	4096ull
#define REVOKE_MIB	16
#define REVOKE_SECONDS	15
#define SCALE_MIB	16
/* Steady-state copies: far beyond the caches, and a quarter of the faults. */
#define COPY_MIB	16
#define SIZE_ONCE_MIB	256

typedef double (*bench_fn)(int fd, uint64_t size, int lent);

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return v[n / 2];
}

/* What a benchmark maps: the "lent" argument of a bench_fn. */
enum { OWN_MEMORY = 0, LENT = 1, DOM0_MEMFD = 2 };

/*
 * A fresh mapping: lent memory, the guest's own, or (in dom0) a memfd, the
 * kind of buffer the broker lends from. NULL on failure.
 */
static uint64_t *fresh(int fd, uint64_t size, int lent, struct lent_blob *b)
{
	void *p = MAP_FAILED;
	int mfd;

	if (lent == LENT)
		return blob_create_map(fd, size, b, TAG) ? NULL : b->w;
	if (lent == DOM0_MEMFD) {
		mfd = memfd_create("xenlend-bench", MFD_CLOEXEC);
		if (mfd < 0)
			return NULL;
		if (!ftruncate(mfd, (off_t)size))
			p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, mfd, 0);
		close(mfd);	/* the mapping keeps it */
	} else {
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	}
	return p == MAP_FAILED ? NULL : p;
}

static void release(int fd, uint64_t *w, uint64_t size, int lent, struct lent_blob *b)
{
	if (lent == LENT)
		blob_unmap_close(fd, b);
	else
		munmap(w, size);
}

/* One read of every page of @size bytes at @w: what faults each one in. */
static void touch_pages(const uint64_t *w, uint64_t size)
{
	volatile uint64_t sink = 0;

	for (uint64_t off = 0; off < size; off += PAGE)
		sink += w[off / 8];
	(void)sink;
}

static double first_touch(int fd, uint64_t size, int lent)
{
	struct lent_blob b;
	uint64_t *w = fresh(fd, size, lent, &b);
	double t;

	if (!w)
		return -1;
	t = now_s();
	touch_pages(w, size);
	t = now_s() - t;
	release(fd, w, size, lent, &b);
	return t;
}

static double copy(int fd, uint64_t size, int lent, int into)
{
	struct lent_blob b;
	uint64_t *w = fresh(fd, size, lent, &b);
	char *buf = malloc(size);
	double t;

	if (!w || !buf) {
		free(buf);
		return -1;
	}
	memset(buf, 0x5a, size);
	memset(w, 0, size);	/* fault everything in first */
	t = now_s();
	if (into)
		memcpy(w, buf, size);
	else
		memcpy(buf, w, size);
	t = now_s() - t;
	release(fd, w, size, lent, &b);
	free(buf);
	return t;
}

static double write_bw(int fd, uint64_t size, int lent)
{
	return copy(fd, size, lent, 1);
}

static double read_bw(int fd, uint64_t size, int lent)
{
	return copy(fd, size, lent, 0);
}

/*
 * Time of @n NOPs (lent = 1), each a round trip guest -> broker -> render
 * worker and back, or of @n GETPARAMs of a guest-local value (lent = 0). A
 * NOP goes through the driver's test hook that puts a message on the ring
 * as it is (test_hooks=1, as every test guest loads xenlend.ko): GET_CAPS,
 * which this used to time, is answered from the guest's cache now.
 */
static double broker_rtt(int fd, uint64_t n, int lent)
{
	static const char hex[] = "0123456789abcdef";
	struct xenlend_msg m = { .hdr = { .type = XENLEND_T_NOP,
					  .len = sizeof(struct xenlend_nop) } };
	char req[2 * sizeof(m)], rsp[2 * sizeof(m) + 1];
	char *path = xenlend_debugfs_file("inject");
	int value, inj = path ? open(path, O_RDWR) : -1;
	struct drm_virtgpu_getparam gp = {
		.param = VIRTGPU_PARAM_RESOURCE_BLOB, .value = (uintptr_t)&value,
	};
	double t = -1;

	free(path);
	if (inj < 0)
		return -1;
	m.u.nop.cookie = 0x6e6f70;	/* "nop" */
	for (size_t i = 0; i < sizeof(m); i++) {
		req[2 * i] = hex[((const uint8_t *)&m)[i] >> 4];
		req[2 * i + 1] = hex[((const uint8_t *)&m)[i] & 15];
	}
	t = now_s();
	for (uint64_t i = 0; i < n; i++)
		if (lent ? pwrite(inj, req, sizeof(req), 0) != (ssize_t)sizeof(req) :
			   ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp))
			goto fail;
	t = now_s() - t;
	/* The last answer: a NOP response, status 0, the cookie back. */
	if (lent && (pread(inj, rsp, sizeof(rsp), 0) != (ssize_t)sizeof(rsp) ||
		     strncmp(rsp, "1080", 4) || strncmp(rsp + 8, "00000000", 8) ||
		     strncmp(rsp + 32, req + 32, 16)))
		goto fail;
	close(inj);
	return t;
fail:
	close(inj);
	return -1;
}

/* Time of @n empty venus submissions, each waited for (lent = 1), or NOPs. */
static double submit_fence(int fd, uint64_t n, int lent)
{
	static int ctx_fd = -1;
	struct drm_virtgpu_context_set_param p[2] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, 4 },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 1 },
	};
	struct drm_virtgpu_context_init ci = { .num_params = 2,
					       .ctx_set_params = (uintptr_t)p };
	double t;

	if (!lent)
		return broker_rtt(fd, n, 1);
	if (ctx_fd < 0) {
		ctx_fd = open_xenlend(NULL);
		if (ctx_fd < 0 || ioctl(ctx_fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci))
			return -1;
	}
	t = now_s();
	for (uint64_t i = 0; i < n; i++) {
		struct drm_virtgpu_execbuffer eb = {
			.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT | VIRTGPU_EXECBUF_RING_IDX,
			.fence_fd = -1,
		};
		struct pollfd pfd = { .events = POLLIN };

		if (ioctl(ctx_fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb))
			return -1;
		pfd.fd = eb.fence_fd;
		if (poll(&pfd, 1, 60000) != 1)
			return -1;
		close(eb.fence_fd);
	}
	return now_s() - t;
}

/* Median of REPS runs of @fn for xenlend and the baseline, alternating. */
/* What the driver's connection cost so far (its debugfs status). */
struct conn_counts {
	long long requests, sends, irqs, events;
};

static int read_counts(struct conn_counts *c)
{
	char *path = xenlend_debugfs_file("status");
	FILE *f = path ? fopen(path, "r") : NULL;
	char line[128];
	int got = 0;

	while (f && fgets(line, sizeof(line), f)) {
		got += sscanf(line, "requests: %lld", &c->requests) == 1;
		got += sscanf(line, "evtchn_sends: %lld", &c->sends) == 1;
		got += sscanf(line, "interrupts: %lld", &c->irqs) == 1;
		got += sscanf(line, "events: %lld", &c->events) == 1;
	}
	if (f)
		fclose(f);
	free(path);
	return got == 4 ? 0 : -1;
}

/*
 * A figure: FIGURE_REPS runs of @fn on lent memory and on the baseline, in
 * turn, as a BENCH line: the medians, their ratio, each side's min and max
 * and the repetitions; then what the last lent run cost the
 * connection, as "BENCH-OPS,name,size,requests,evtchn_sends,interrupts,
 * events" (control ring requests, event-channel notifications the guest
 * sent, interrupts it took, broker events it answered): under the
 * emulator a trap costs far more than on hardware, so these counts, not
 * the times, are what carries over.
 */
static int report(int fd, const char *name, bench_fn fn, uint64_t size)
{
	struct conn_counts before = { 0 }, after = { 0 };
	double x[FIGURE_REPS], base[FIGURE_REPS], mx, mb;
	int counted = 0;

	for (int i = 0; i < FIGURE_REPS; i++) {
		counted = !read_counts(&before);
		x[i] = fn(fd, size, LENT);
		counted &= !read_counts(&after);
		base[i] = fn(fd, size, OWN_MEMORY);
		if (x[i] < 0 || base[i] < 0) {
			printf("%s: FAIL %s at %llu: %s\n", TAG, name, (unsigned long long)size,
			       strerror(errno));
			return 1;
		}
	}
	mx = median(x, FIGURE_REPS);
	mb = median(base, FIGURE_REPS);
	/* median() sorted both: [0] is the minimum, [FIGURE_REPS - 1] the maximum. */
	printf("BENCH,%s,%llu,%.6f,%.6f,%.3f,%.6f,%.6f,%.6f,%.6f,%d\n", name,
	       (unsigned long long)size, mx, mb, mb > 0 ? mx / mb : 0.0, x[0],
	       x[FIGURE_REPS - 1], base[0], base[FIGURE_REPS - 1], FIGURE_REPS);
	if (counted)
		printf("BENCH-OPS,%s,%llu,%lld,%lld,%lld,%lld\n", name, (unsigned long long)size,
		       after.requests - before.requests, after.sends - before.sends,
		       after.irqs - before.irqs, after.events - before.events);
	else
		printf("%s: no connection counts for %s (driver without them?)\n", TAG, name);
	fflush(stdout);
	return 0;
}

static int revoke_phase(int fd)
{
	struct lent_blob b;
	double end;

	if (blob_create_map(fd, (uint64_t)REVOKE_MIB << 20, &b, TAG)) {
		printf("%s: FAIL revocation phase: no lent object\n", TAG);
		return 1;
	}
	touch_pages(b.w, b.size);
	printf("BENCH-REVOKE: res %u of %d MiB mapped, read for %d s\n", b.res, REVOKE_MIB,
	       REVOKE_SECONDS);
	fflush(stdout);
	end = now_s() + REVOKE_SECONDS;
	while (now_s() < end) {
		touch_pages(b.w, b.size);
		usleep(10000);	/* leave the emulator's CPUs to dom0 */
	}
	printf("BENCH-REVOKE: done\n");
	fflush(stdout);
	blob_unmap_close(fd, &b);
	return 0;
}

static int scale_phase(int fd)
{
	uint64_t size = (uint64_t)SCALE_MIB << 20;
	double lent[REPS], anon[REPS];

	printf("BENCH-SCALE: ready\n");
	fflush(stdout);
	if (wait_go(300)) {
		printf("%s: FAIL scaling phase: no go from dom0\n", TAG);
		return 1;
	}
	for (int i = 0; i < REPS; i++) {
		lent[i] = first_touch(fd, size, LENT);
		anon[i] = first_touch(fd, size, OWN_MEMORY);
		if (lent[i] < 0 || anon[i] < 0) {
			printf("%s: FAIL scaling phase: %s\n", TAG, strerror(errno));
			return 1;
		}
	}
	printf("BENCH-SCALE: lent %.6f anon %.6f\n", median(lent, REPS), median(anon, REPS));
	fflush(stdout);
	return 0;
}

/* Median of @reps (at most REPS) first touches of @size bytes; -1 on failure. */
static double first_touch_median(int fd, uint64_t size, int lent, int reps)
{
	double t[REPS];

	for (int i = 0; i < reps; i++) {
		t[i] = first_touch(fd, size, lent);
		if (t[i] < 0)
			return -1;
	}
	return median(t, reps);
}

/*
 * A fresh lent object of @size bytes: the median of REPS first touches; of
 * one from SIZE_ONCE_MIB on: the emulator kills a guest that lends for long.
 */
static double lent_first_touch(int fd, uint64_t size)
{
	return first_touch_median(fd, size, LENT,
				  size >= ((uint64_t)SIZE_ONCE_MIB << 20) ? 1 : REPS);
}

static int dom0_phase(uint64_t max)
{
	for (uint64_t size = PAGE; size <= max; size = size == PAGE ? 1 << 20 : size * 4) {
		double t[FIGURE_REPS], mid;

		for (int i = 0; i < FIGURE_REPS; i++) {
			t[i] = first_touch(-1, size, DOM0_MEMFD);
			if (t[i] < 0) {
				printf("%s: FAIL memfd of %llu bytes: %s\n", TAG,
				       (unsigned long long)size, strerror(errno));
				return 1;
			}
		}
		/* median() sorts: then [0] is the minimum, [FIGURE_REPS - 1] the maximum. */
		mid = median(t, FIGURE_REPS);
		printf("BENCH-DOM0: %llu %.9f %.9f %.9f %d\n", (unsigned long long)size, mid, t[0],
		       t[FIGURE_REPS - 1], FIGURE_REPS);
	}
	return 0;
}

/* The largest size first, right after the 1 MiB baseline: see above. */
static int size_phase(int fd, uint64_t max)
{
	double one = lent_first_touch(fd, 1 << 20), t, base;
	uint64_t size = 1 << 20;

	if (one < 0) {
		printf("%s: FAIL size phase at 1 MiB: %s\n", TAG, strerror(errno));
		return 1;
	}
	printf("BENCH-SIZE: 1 MiB %.6f s\n", one);
	while (size * 4 <= max)
		size *= 4;
	for (; size > 1 << 20; size /= 4) {
		t = lent_first_touch(fd, size);
		if (t < 0) {
			printf("%s: FAIL size phase at %llu MiB: %s\n", TAG,
			       (unsigned long long)(size >> 20), strerror(errno));
			return 1;
		}
		base = one * (double)(size >> 20);
		printf("BENCH,size-first-touch-vs-1mib,%llu,%.6f,%.6f,%.3f\n",
		       (unsigned long long)size, t, base, t / base);
		fflush(stdout);
	}
	printf("BENCH-SIZE: done\n");
	return 0;
}

int main(int argc, char **argv)
{
	int revoke = argc > 1 && !strcmp(argv[1], "--revoke");
	int scale = argc > 1 && !strcmp(argv[1], "--scale");
	int sizes = argc > 1 && !strcmp(argv[1], "--size");
	int dom0 = argc > 1 && !strcmp(argv[1], "--dom0");
	const char *max_arg = sizes || dom0 ? (argc > 2 ? argv[2] : "64") :
		(argc > 1 ? argv[1] : "64");
	uint64_t max = strtoull(max_arg, NULL, 0) << 20, copy_size;
	int fd, failed = 0;

	if (dom0)
		return dom0_phase(max);
	fd = open_xenlend(TAG);

	if (fd < 0) {
		printf("%s: FAIL no xenlend render node\n", TAG);
		return 1;
	}
	if (revoke)
		return revoke_phase(fd);
	if (scale)
		return scale_phase(fd);
	if (sizes)
		return size_phase(fd, max);
	copy_size = max < (COPY_MIB << 20) ? max : COPY_MIB << 20;
	printf("BENCH,name,size,xenlend_s,baseline_s,ratio,xenlend_min_s,xenlend_max_s,"
	       "baseline_min_s,baseline_max_s,reps\n");
	printf("BENCH-OPS,name,size,requests,evtchn_sends,interrupts,events\n");
	failed |= report(fd, "first-touch", first_touch, PAGE);
	for (uint64_t size = 1 << 20; size <= max; size *= 4)
		failed |= report(fd, "first-touch", first_touch, size);
	failed |= report(fd, "write", write_bw, copy_size);
	failed |= report(fd, "read", read_bw, copy_size);
	failed |= report(fd, "broker-rtt", broker_rtt, 200);
	failed |= report(fd, "submit-fence", submit_fence, 200);
	printf("%s: done%s\n", TAG, failed ? " (some figures missing)" : "");
	return failed;
}
