// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-stress-test: runs in a test domU and keeps lent memory busy while
 * dom0 kills the broker, restarts it and finally destroys this domain.
 *
 * Each round runs in a child process: create a host blob, map it, fault in
 * and check every page, close it. A round that dies of SIGBUS (a fault the
 * broker could not serve) or fails an ioctl (the broker is gone) is counted,
 * not fatal: the next round starts over, and once the broker is back the
 * rounds succeed again. A round that reads wrong data is a failure.
 * Each round prints one line "STRESS: ok N", "STRESS: sigbus N",
 * "STRESS: error N" or "STRESS: FAIL bad data N" (N counts that outcome).
 *
 * usage: xenlend-stress-test SECONDS SIZE_MIB
 * SECONDS 0: until the domain is destroyed (dom0 decides when the test ends,
 * so that a slow emulator cannot end it before dom0 is done with it).
 */

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest-util.h"

#define TAG "STRESS"

/* One round in the child: 0 ok, 1 ioctl error, 2 bad data. */
static int round_child(uint64_t size)
{
	struct lent_blob b;
	uint64_t bad;
	int fd;

	fd = open_xenlend(TAG);
	if (fd < 0 || blob_create_map(fd, size, &b, TAG))
		return 1;
	bad = check_pattern(b.w, b.res, 0, 0, size, TAG);
	blob_unmap_close(fd, &b);
	close(fd);
	return bad ? 2 : 0;
}

int main(int argc, char **argv)
{
	double seconds = argc > 1 ? strtod(argv[1], NULL) : 60;
	uint64_t size = (argc > 2 ? strtoull(argv[2], NULL, 0) : 8) << 20;
	unsigned int ok = 0, sigbus = 0, error = 0, bad = 0;
	double end = now_s() + seconds;

	setvbuf(stdout, NULL, _IOLBF, 0);
	/* The child's "is xenlend" lines would drown the console. */
	while (seconds <= 0 || now_s() < end) {
		pid_t pid = fork();
		int st;

		if (pid < 0) {
			perror("fork");
			return 1;
		}
		if (!pid) {
			if (!freopen("/dev/null", "w", stdout))
				_exit(1);
			_exit(round_child(size));
		}
		if (waitpid(pid, &st, 0) != pid)
			return 1;
		if (WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS)
			printf("STRESS: sigbus %u\n", ++sigbus);
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
			printf("STRESS: ok %u\n", ++ok);
		else if (WIFEXITED(st) && WEXITSTATUS(st) == 1)
			printf("STRESS: error %u\n", ++error);
		else
			printf("STRESS: FAIL bad data %u (status %#x)\n", ++bad, st);
	}
	printf("STRESS: done ok=%u sigbus=%u error=%u bad=%u\n", ok, sigbus, error, bad);
	return bad ? 1 : 0;
}
