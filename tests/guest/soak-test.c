// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-soak-test: the well-behaved guest of `make soak`.
 *
 * Until dom0 says "done" on its console, over and over: create a 1 MiB lent
 * blob, map it, touch its first page (one FAULT round trip: the blob is one
 * window), time that touch, check dom0's pattern in every page, free it.
 * Every minute it prints what it measured so far, and at "done" over the
 * whole run:
 *
 *   SOAK: N faults, p50 A us, p99 B us, max C us, E errors
 *
 * then "SOAK: connected 1". A fault the broker does not serve (SIGBUS), a
 * blob it cannot create or a wrong pattern counts as an error. Exit status 0
 * iff there was none and it is still connected.
 *
 * usage: xenlend-soak-test
 */

#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest-util.h"
#include "xenlend_test.h"

#define TAG		"SOAK"
#define BLOB_BYTES	(1u << 20)
#define MAX_SAMPLES	(1u << 20)
#define REPORT_S	60.0

static sigjmp_buf on_sigbus;
static uint32_t samples[MAX_SAMPLES];
static uint32_t sorted[MAX_SAMPLES];

static void sigbus(int sig)
{
	(void)sig;
	siglongjmp(on_sigbus, 1);
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static void report(unsigned int n, unsigned long errors)
{
	if (!n) {
		printf("SOAK: 0 faults, %lu errors\n", errors);
		return;
	}
	memcpy(sorted, samples, n * sizeof(*sorted));
	qsort(sorted, n, sizeof(*sorted), cmp_u32);
	printf("SOAK: %u faults, p50 %u us, p99 %u us, max %u us, %lu errors\n", n,
	       sorted[n / 2], sorted[(uint64_t)n * 99 / 100], sorted[n - 1], errors);
}

int main(void)
{
	struct pollfd p = { .fd = 0, .events = POLLIN };
	volatile unsigned long errors = 0;
	volatile unsigned int n = 0;
	volatile int have_blob = 0;
	struct lent_blob b;
	double last = now_s();
	char line[64];
	int fd;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = open_xenlend(TAG);
	if (fd < 0)
		return 1;
	signal(SIGBUS, sigbus);
	if (sigsetjmp(on_sigbus, 1)) {
		/* A fault was not served: count it, drop the blob, go on. */
		errors++;
		printf("SOAK: FAIL a fault was not served (SIGBUS) after %u faults\n", n);
		if (have_blob)
			blob_unmap_close(fd, &b);
		have_blob = 0;
	}
	for (;;) {
		double t0, t1;

		if (blob_create_map(fd, BLOB_BYTES, &b, TAG)) {
			errors++;
			sleep(1);
		} else {
			have_blob = 1;
			t0 = now_s();
			(void)((volatile uint64_t *)b.w)[0];
			t1 = now_s();
			if (n < MAX_SAMPLES)
				samples[n++] = (uint32_t)((t1 - t0) * 1e6);
			if (check_pattern(b.w, b.res, 0, 0, BLOB_BYTES, TAG))
				errors++;
			blob_unmap_close(fd, &b);
			have_blob = 0;
		}
		if (now_s() - last >= REPORT_S) {
			report(n, errors);
			last = now_s();
		}
		if (poll(&p, 1, 0) != 1)
			continue;
		if (!fgets(line, sizeof(line), stdin) || !strncmp(line, "done", 4))
			break;
	}
	signal(SIGBUS, SIG_DFL);
	report(n, errors);
	printf("SOAK: connected %d\n", xenlend_connected() == 1);
	return errors || xenlend_connected() != 1;
}
