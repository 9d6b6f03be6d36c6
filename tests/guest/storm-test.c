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
 *   fault-wait MS
 *               a new blob's first touch takes MS ms more in the broker's
 *               round trip (the driver's test hook fault_delay_ms); meanwhile
 *               another thread makes the blob read-only, which needs the
 *               locks a fault may hold (its VMA's, or mmap_lock):
 *               "STORM: fault-wait: mprotect first" when that returned
 *               before the fault, "... fault first" when the fault kept it
 *               waiting
 *   free MS     fault every blob in again and free it, one after another,
 *               each free waiting MS ms first (the driver's test hook
 *               free_delay_ms: a free that lost its CPU before it unmapped
 *               anything) while dom0 revokes them: "STORM: freeing", then
 *               "STORM: freed N blobs"
 *   done        "STORM: connected N", and exit
 *
 * A fault the broker does not serve (SIGBUS) ends it with a FAIL line.
 * Exit status 0 iff every check passed and it is still connected.
 *
 * usage: xenlend-storm-test COUNT SIZE_KIB
 */

#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
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

/* Write @val to the driver's debugfs file @name; 0 or -1. */
static int set_hook(const char *name, int val)
{
	char *path = xenlend_debugfs_file(name);
	FILE *f = path ? fopen(path, "w") : NULL;
	int ret = f && fprintf(f, "%d\n", val) > 0 ? 0 : -1;

	if (f && fclose(f))
		ret = -1;
	free(path);
	return ret;
}

static volatile int fault_done;

static void *first_touch(void *arg)
{
	(void)((volatile uint64_t *)arg)[0];
	fault_done = 1;
	return NULL;
}

/* Which ends first: a slow fault, or another thread's mprotect() of it. */
static int fault_wait(int fd, int ms)
{
	struct lent_blob nb;
	pthread_t t;
	int mmap_first, err;

	if (blob_create_map(fd, 4096, &nb, TAG) || set_hook("fault_delay_ms", ms))
		return -1;
	fault_done = 0;
	if (pthread_create(&t, NULL, first_touch, nb.w))
		return -1;
	/*
	 * Let the fault start and reach the broker's round trip, then change
	 * the blob's protection: that waits for whatever lock the fault holds
	 * (the mapping's VMA lock, or mmap_lock where faults take that).
	 */
	usleep((useconds_t)ms * 250);
	err = mprotect(nb.w, 4096, PROT_READ);
	mmap_first = !fault_done;
	pthread_join(t, NULL);
	if (err) {
		perror("STORM: mprotect");
		return -1;
	}
	set_hook("fault_delay_ms", 0);
	blob_unmap_close(fd, &nb);
	printf("STORM: fault-wait: %s\n", mmap_first ? "mprotect first" : "fault first");
	return 0;
}

int main(int argc, char **argv)
{
	static struct lent_blob b[MAX_BLOBS];
	struct pollfd p = { .fd = 0, .events = POLLIN };
	volatile int failed = 0;
	volatile uint64_t passes = 0;
	char line[64];
	int fd, n, gen, ms;
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
		} else if (sscanf(line, "fault-wait %d", &ms) == 1) {
			if (fault_wait(fd, ms)) {
				printf("STORM: FAIL fault-wait\n");
				failed = 1;
			}
		} else if (sscanf(line, "free %d", &ms) == 1) {
			if (set_hook("free_delay_ms", ms)) {
				printf("STORM: FAIL cannot set free_delay_ms\n");
				failed = 1;
				continue;
			}
			printf("STORM: freeing %d blobs\n", n);
			/* Each one mapped again just before it goes. */
			for (int i = 0; i < n; i++) {
				touch(&b[i], 1);
				blob_unmap_close(fd, &b[i]);
			}
			set_hook("free_delay_ms", 0);
			printf("STORM: freed %d blobs\n", n);
			n = 0;
		} else if (!strncmp(line, "done", 4)) {
			break;
		}
	}
	signal(SIGBUS, SIG_DFL);
	printf("STORM: connected %d\n", xenlend_connected() == 1);
	return failed || xenlend_connected() != 1;
}
