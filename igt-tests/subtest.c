// SPDX-License-Identifier: GPL-2.0-only
/*
 * The subtest harness (see subtest.h).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "subtest.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/**
 * subtests_run() - run subtests, each in a child with a fresh device file
 * @tests: the subtests.
 * @n: how many.
 * @open_device: opens the device under test; -1 skips everything.
 * @only: run only the subtest of this name, or NULL for all.
 *
 * Return: the process exit status: 0 if none failed.
 */
int subtests_run(const struct subtest *tests, unsigned int n, int (*open_device)(void),
		 const char *only)
{
	unsigned int pass = 0, fail = 0, skip = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (unsigned int i = 0; i < n; i++) {
		const char *verdict;
		double t0 = now_s();
		pid_t pid;
		int st;

		if (only ? strcmp(only, tests[i].name) : tests[i].explicit_only)
			continue;
		printf("Starting subtest: %s\n", tests[i].name);
		pid = fork();
		if (!pid) {
			int fd = open_device();

			_exit(fd < 0 ? SUBTEST_SKIP : tests[i].fn(fd));
		}
		if (pid < 0 || waitpid(pid, &st, 0) != pid) {
			st = -1;
		} else if (WIFSIGNALED(st)) {
			printf("subtest %s died of signal %d (%s)\n", tests[i].name,
			       WTERMSIG(st), strsignal(WTERMSIG(st)));
			st = -1;
		}
		if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == SUBTEST_SUCCESS) {
			verdict = "SUCCESS";
			pass++;
		} else if (st >= 0 && WIFEXITED(st) && WEXITSTATUS(st) == SUBTEST_SKIP) {
			verdict = "SKIP";
			skip++;
		} else {
			verdict = "FAIL";
			fail++;
		}
		printf("Subtest %s: %s (%.3fs)\n", tests[i].name, verdict, now_s() - t0);
	}
	printf("Summary: %u subtests: %u passed, %u failed, %u skipped\n", pass + fail + skip,
	       pass, fail, skip);
	return fail ? 1 : 0;
}
