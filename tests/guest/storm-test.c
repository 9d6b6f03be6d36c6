// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-storm-test: runs in a test domU and plays a well-behaved guest
 * with many lent blobs while dom0 storms the memory behind them (scenario
 * spurious-invalidate): protection changes that take nothing away, then
 * real invalidations by the thousand, then new pages in place of the old.
 *
 * It maps COUNT blobs of SIZE_KIB each, checks the pattern dom0 wrote,
 * prints "STORM: ready res ID..." and then reads one word of every page of
 * every blob, over and over: each revoked page is faulted back in. Between
 * passes it takes commands from dom0 on its console:
 *
 *   check GEN   every word of every blob holds generation GEN of dom0's
 *               pattern: "STORM: check GEN: N bad words" (a word of an
 *               older generation is a page dom0 took back and this guest
 *               still reads: stale)
 *   done        "STORM: connected N", and exit
 *
 * A fault the broker does not serve (SIGBUS) ends it with a FAIL line.
 * Exit status 0 iff every check passed and it is still connected.
 *
 * usage: xenlend-storm-test COUNT SIZE_KIB
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

#define TAG "STORM"
#define MAX_BLOBS 1024

static sigjmp_buf on_sigbus;

static void sigbus(int sig)
{
	(void)sig;
	siglongjmp(on_sigbus, 1);
}

/* Read one word of every page: what was revoked is faulted back in. */
static uint64_t touch(const struct lent_blob *b, int n)
{
	uint64_t sum = 0;

	for (int i = 0; i < n; i++)
		for (uint64_t off = 0; off < b[i].size; off += 4096)
			sum += ((volatile uint64_t *)b[i].w)[off / 8];
	return sum;
}

static int connected(void)
{
	char *status = xenlend_debugfs_file("status");
	FILE *f = status ? fopen(status, "r") : NULL;
	char line[128];
	int up = 0;

	while (f && fgets(line, sizeof(line), f))
		up |= !strcmp(line, "connected: 1\n");
	if (f)
		fclose(f);
	free(status);
	return up;
}

int main(int argc, char **argv)
{
	static struct lent_blob b[MAX_BLOBS];
	struct pollfd p = { .fd = 0, .events = POLLIN };
	volatile int failed = 0;
	volatile uint64_t passes = 0;
	char line[64];
	int fd, n, gen;
	uint64_t size;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc != 3 || atoi(argv[1]) < 1 || atoi(argv[1]) > MAX_BLOBS || atoi(argv[2]) < 4) {
		fprintf(stderr, "usage: xenlend-storm-test COUNT SIZE_KIB\n");
		return 2;
	}
	n = atoi(argv[1]);
	size = (uint64_t)atoi(argv[2]) << 10;
	fd = open_xenlend(TAG);
	if (fd < 0)
		return 1;
	signal(SIGBUS, sigbus);
	if (sigsetjmp(on_sigbus, 1)) {
		printf("STORM: FAIL a fault was not served (SIGBUS) after %llu passes\n",
		       (unsigned long long)passes);
		return 1;
	}
	for (int i = 0; i < n; i++) {
		if (blob_create_map(fd, size, &b[i], TAG))
			return 1;
		if (check_pattern(b[i].w, b[i].res, 0, 0, size, TAG)) {
			printf("STORM: FAIL res %u does not hold dom0's pattern\n", b[i].res);
			return 1;
		}
	}
	printf("STORM: ready res");
	for (int i = 0; i < n; i++)
		printf(" %u", b[i].res);
	printf("\n");

	for (;;) {
		touch(b, n);
		passes++;
		if (poll(&p, 1, 0) != 1)
			continue;
		if (!fgets(line, sizeof(line), stdin))
			break;
		if (sscanf(line, "check %d", &gen) == 1) {
			uint64_t bad = 0;

			for (int i = 0; i < n; i++)
				bad += check_pattern(b[i].w, b[i].res, gen, 0, size, TAG);
			printf("STORM: check %d: %llu bad words in %d blobs (%llu passes)\n", gen,
			       (unsigned long long)bad, n, (unsigned long long)passes);
			failed |= bad != 0;
		} else if (!strncmp(line, "done", 4)) {
			break;
		}
	}
	signal(SIGBUS, SIG_DFL);
	printf("STORM: connected %d\n", connected());
	return failed || !connected();
}
