// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-hostile-test: runs in a test domU and plays a guest that never
 * gives lent memory back, to show that dom0 does not depend on it.
 *
 * It maps a lent blob and checks it, then turns on the driver's
 * ignore_revoke test hook (REVOKE is never answered, nothing is unmapped)
 * and asks dom0 to punch the whole blob. dom0's side must go on without us:
 * the punch returns, the broker releases the pages at its deadline, keeps
 * them quarantined and disconnects us. We notice the disconnect, let dom0
 * put its memory under pressure, and then check that every page we still map
 * holds exactly what it held before: dom0 reused none of them. Then we let go
 * (munmap), which is what lets dom0 free the quarantine.
 *
 * dom0 says "go" on our console when its memory pressure is over.
 * Progress lines start with "HOSTILE:". Exit status 0 iff every check passed.
 *
 * With "scan" (scenario gpu-ttm: memory a GPU driver manages, whose guest
 * dom0 destroys at the deadline), it asks for a revocation it then ignores
 * and scans what it still maps over and over, while dom0 forces buffers out
 * and fills new ones with XENLEND_TEST_CANARY, until dom0 destroys it. Each
 * pass prints "HOSTILE: scan N clean" or a FAIL line with what it found.
 *
 * With "well" it plays the well-behaved guest beside it: it answers the
 * revocation, waits for dom0 to move the buffer ("go"), and checks that the
 * refaulted mapping holds the same contents. Its lines start with "WELL:".
 *
 * With "reconnect N" (scenario hostile-reconnect) it collects quarantine:
 * N times it maps SIZE_MIB of lent memory, touches it all, ignores
 * revocations and keeps the mapping while it makes the driver reconnect
 * (the driver's "reconnect" test hook: the broker then releases what it
 * lent, and the guest still maps it). It stops when the broker no longer
 * serves it, says "HOSTILE: reconnect-done" and waits for "go" before it
 * lets go of everything.
 *
 * usage: xenlend-hostile-test SIZE_MIB [scan|well|reconnect N]
 */

#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest-util.h"
#include "xenlend_test.h"

#define TAG "HOSTILE"

static int write_file(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	int err;

	if (!f)
		return -1;
	err = fputs(s, f) < 0;
	return fclose(f) || err ? -1 : 0;
}

/* Wait until the driver's status says the broker dropped us. */
static int wait_disconnected(int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (!xenlend_connected())
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Words of @b that are not the pattern dom0 filled it with, and canaries. */
static uint64_t scan(const struct lent_blob *b, uint64_t *canaries)
{
	uint64_t bad = 0;

	const volatile uint64_t *w = b->w;

	*canaries = 0;
	for (uint64_t off = 0; off < b->size; off += 8) {
		uint64_t v = w[off / 8];

		if (v == xenlend_test_pattern(b->res, 0, off))
			continue;
		bad++;
		*canaries += v == XENLEND_TEST_CANARY;
	}
	return bad;
}

/* Ignore revocations and scan until dom0 destroys us. */
static int scan_forever(const struct lent_blob *b, const char *knob)
{
	uint64_t bad, canaries;
	int failed = 0;

	if (write_file(knob, "1\n")) {
		printf("HOSTILE: FAIL cannot set %s\n", knob);
		return 1;
	}
	printf("HOSTILE: ignoring revocations from now on; ready-for-revoke res=%u\n", b->res);
	for (unsigned long pass = 1; pass <= 100000; pass++) {
		bad = scan(b, &canaries);
		if (bad) {
			printf("HOSTILE: FAIL scan %lu: %llu words not ours, %llu of them dom0's "
			       "canary\n", pass, (unsigned long long)bad,
			       (unsigned long long)canaries);
			failed = 1;
		} else {
			printf("HOSTILE: scan %lu clean\n", pass);
		}
		usleep(200000);
	}
	printf("HOSTILE: FAIL dom0 never destroyed us\n");
	return 1 + failed;
}

/* Answer revocations; after dom0 moved the buffer, the contents are intact. */
static int well_behaved(int fd, struct lent_blob *b)
{
	uint64_t bad, canaries;

	printf("WELL: ready-for-move res=%u\n", b->res);
	if (wait_go(300)) {
		printf("WELL: FAIL dom0 never said go\n");
		return 1;
	}
	bad = scan(b, &canaries);
	printf("WELL: %s the buffer dom0 moved refaulted with its contents intact "
	       "(%llu words not ours, %llu canaries)\n", bad ? "FAIL" : "PASS",
	       (unsigned long long)bad, (unsigned long long)canaries);
	blob_unmap_close(fd, b);
	close(fd);
	return bad ? 1 : 0;
}

static sigjmp_buf on_sigbus;

static void sigbus(int sig)
{
	(void)sig;
	siglongjmp(on_sigbus, 1);
}

/* Wait until the (re)bound device says it is connected. */
static int wait_connected(int seconds)
{
	for (int i = 0; i < seconds * 10; i++) {
		if (xenlend_connected() == 1)
			return 0;
		usleep(100000);
	}
	return -1;
}

/* Map, keep and reconnect, @cycles times; see the top of the file. */
static int reconnect(uint64_t size, int cycles)
{
	char *status = xenlend_debugfs_file("status");
	char *again = xenlend_debugfs_file("reconnect");
	volatile int i;

	if (!status || !again) {
		printf("HOSTILE: FAIL no xenlend debugfs files (test_hooks=1?)\n");
		return 1;
	}
	signal(SIGBUS, sigbus);
	for (i = 1; i <= cycles; i++) {
		struct lent_blob b;
		char *knob;
		uint64_t bad;
		int fd = open_xenlend(NULL);

		if (fd < 0) {
			printf("HOSTILE: cycle %d: no render node: not served any more\n", i);
			break;
		}
		if (blob_create_map(fd, size, &b, TAG)) {
			printf("HOSTILE: cycle %d: no lent memory: not served any more\n", i);
			close(fd);
			break;
		}
		if (sigsetjmp(on_sigbus, 1)) {
			printf("HOSTILE: cycle %d: FAULT refused (SIGBUS): not served any more\n", i);
			close(fd);
			break;
		}
		bad = check_pattern(b.w, b.res, 0, 0, size, TAG);
		knob = xenlend_debugfs_file("ignore_revoke");
		if (!knob || write_file(knob, "1\n")) {
			printf("HOSTILE: FAIL cannot set ignore_revoke\n");
			return 1;
		}
		free(knob);
		printf("HOSTILE: cycle %d: mapped %llu MiB (%llu bad words), keeping it; reconnecting\n",
		       i, (unsigned long long)(size >> 20), (unsigned long long)bad);
		close(fd);	/* the mapping keeps the object */
		if (write_file(again, "1\n") || wait_disconnected(30)) {
			printf("HOSTILE: FAIL cycle %d: the reconnect hook did not disconnect\n", i);
			return 1;
		}
		if (wait_connected(30)) {
			printf("HOSTILE: cycle %d: not reconnected: not served any more\n", i);
			break;
		}
	}
	signal(SIGBUS, SIG_DFL);
	printf("HOSTILE: reconnect-done after %d cycles\n", i - 1);
	if (wait_go(600))
		printf("HOSTILE: dom0 never said go\n");
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size = (argc > 1 ? strtoull(argv[1], NULL, 0) : 16) << 20;
	char *knob = xenlend_debugfs_file("ignore_revoke");
	char *status = xenlend_debugfs_file("status");
	struct lent_blob b;
	int fd, err;
	uint64_t bad;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 3 && !strcmp(argv[2], "reconnect"))
		return reconnect(size, atoi(argv[3]));
	if (!knob || !status) {
		printf("HOSTILE: FAIL no xenlend debugfs files (test_hooks=1?)\n");
		return 1;
	}
	fd = open_xenlend(TAG);
	if (fd < 0) {
		printf("HOSTILE: FAIL no xenlend render node\n");
		return 1;
	}
	err = blob_create_map(fd, size, &b, TAG);
	if (err)
		return 1;
	bad = check_pattern(b.w, b.res, 0, 0, size, TAG);
	printf("HOSTILE: %s mapped %llu MiB of lent memory (%llu bad words)\n",
	       bad ? "FAIL" : "PASS", (unsigned long long)(size >> 20), (unsigned long long)bad);
	if (bad)
		return 1;
	if (argc > 2 && !strcmp(argv[2], "scan"))
		return scan_forever(&b, knob);
	if (argc > 2 && !strcmp(argv[2], "well"))
		return well_behaved(fd, &b);

	if (write_file(knob, "1\n")) {
		printf("HOSTILE: FAIL cannot set %s\n", knob);
		return 1;
	}
	printf("HOSTILE: ignoring revocations from now on; ready-for-punch res=%u\n", b.res);
	if (wait_disconnected(60)) {
		printf("HOSTILE: FAIL the broker never disconnected us\n");
		return 1;
	}
	printf("HOSTILE: PASS the broker disconnected us; ready-for-pressure\n");
	if (wait_go(300)) {	/* dom0 also tries to save us meanwhile */
		printf("HOSTILE: FAIL dom0 never said go\n");
		return 1;
	}
	bad = check_pattern(b.w, b.res, 0, 0, size, TAG);
	printf("HOSTILE: %s every page we still map is unchanged after dom0's memory pressure "
	       "(%llu bad words)\n", bad ? "FAIL" : "PASS", (unsigned long long)bad);
	blob_unmap_close(fd, &b);
	close(fd);
	printf("HOSTILE: let go of the mapping; %s\n", bad ? "FAIL" : "done");
	return bad ? 1 : 0;
}
