/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal subtest harness in IGT's shape, for driver tests that CI must
 * build without IGT's headers (no Debian package ships them): each subtest
 * runs in its own child process, prints IGT's "Starting subtest: NAME" and
 * "Subtest NAME: SUCCESS|FAIL|SKIP (Ns)" lines, and the program exits 0 if
 * none failed. A crash or a signal in a subtest is a failure of that subtest.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_SUBTEST_H
#define XENLEND_SUBTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

/* Exit codes of a subtest's child process. */
#define SUBTEST_SUCCESS	0
#define SUBTEST_FAIL	1
#define SUBTEST_SKIP	77

/*
 * Fail the current subtest unless @cond holds. errno is printed as it is
 * then: the error of the last call that set it, which is the call in @cond
 * when that one failed.
 */
#define subtest_assert(cond) do {					\
	if (!(cond)) {							\
		int _errno = errno;					\
		printf("(%s:%d) assertion failed: %s (errno now %d: %s)\n", \
		       __FILE__, __LINE__, #cond, _errno,		\
		       strerror(_errno));				\
		return SUBTEST_FAIL;					\
	}								\
} while (0)

/* Fail unless @call (an ioctl-like call) fails with errno @err. */
#define subtest_assert_errno(call, err) do {				\
	int _ret = (call);						\
	int _errno = errno;						\
	if (_ret != -1 || _errno != (err)) {				\
		printf("(%s:%d) %s: returned %d, errno %d (%s), "	\
		       "want -1 with %s\n", __FILE__, __LINE__, #call,	\
		       _ret, _errno, strerror(_errno), #err);		\
		return SUBTEST_FAIL;					\
	}								\
} while (0)

/**
 * struct subtest - one subtest
 * @name: IGT-style name (lowercase, dashes).
 * @fn: returns SUBTEST_SUCCESS, SUBTEST_FAIL or SUBTEST_SKIP.
 * @explicit_only: run only when asked for by name (it breaks the device).
 */
struct subtest {
	const char *name;
	int (*fn)(int fd);
	bool explicit_only;
};

int subtests_run(const struct subtest *tests, unsigned int n, int (*open_device)(void),
		 const char *only);

#endif /* XENLEND_SUBTEST_H */
