// SPDX-License-Identifier: GPL-2.0-only
/*
 * The unit test harness; see check.h.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "check.h"

int check_failures;

int test_main(const char *suite, const struct test_case *cases, size_t n)
{
	int passed = 0, failed = 0;

	for (size_t i = 0; i < n; i++) {
		int before = check_failures;

		cases[i].fn();
		if (check_failures == before) {
			passed++;
			printf("ok - %s.%s\n", suite, cases[i].name);
		} else {
			failed++;
			printf("FAIL - %s.%s\n", suite, cases[i].name);
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}
