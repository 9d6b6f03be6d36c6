/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A minimal unit test harness: CHECK() records a failure and goes on, each
 * test is a function, and test_main() prints "N passed, N failed" at the end.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_CHECK_H
#define XENLEND_CHECK_H

#include <stdio.h>
#include <string.h>

extern int check_failures;

#define CHECK(cond) do {							\
	if (!(cond)) {								\
		fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
		check_failures++;						\
	}									\
} while (0)

#define CHECK_EQ(a, b) do {							\
	unsigned long long a_ = (a), b_ = (b);					\
	if (a_ != b_) {								\
		fprintf(stderr, "%s:%d: check failed: %s == %s (%llu != %llu)\n", \
			__FILE__, __LINE__, #a, #b, a_, b_);			\
		check_failures++;						\
	}									\
} while (0)

#define CHECK_STR(a, b) do {							\
	const char *a_ = (a), *b_ = (b);					\
	if (!a_ || !b_ || strcmp(a_, b_)) {					\
		fprintf(stderr, "%s:%d: check failed: %s == \"%s\" (got \"%s\")\n", \
			__FILE__, __LINE__, #a, b_ ? b_ : "(null)", a_ ? a_ : "(null)"); \
		check_failures++;						\
	}									\
} while (0)

struct test_case {
	const char *name;
	void (*fn)(void);
};

#define TEST(fn) { #fn, fn }

int test_main(const char *suite, const struct test_case *cases, size_t n);

#endif /* XENLEND_CHECK_H */
