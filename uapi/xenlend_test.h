/* SPDX-License-Identifier: MIT */
/*
 * xenlend_test.h - what the test hooks promise, shared by the broker (which
 * fills host resources when started with --test-hooks) and the guest test
 * programs that check what they read through a lent mapping.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_TEST_H
#define XENLEND_TEST_H

#include <linux/types.h>

/**
 * xenlend_test_pattern() - the 64-bit word at @offset of a test-filled resource
 * @res_id: the resource.
 * @generation: bumped by the broker each time it refills (0 first).
 * @offset: byte offset of the word, a multiple of 8.
 */
static inline __u64 xenlend_test_pattern(__u32 res_id, __u32 generation, __u64 offset)
{
	__u64 x = ((__u64)res_id << 32 | generation) ^ (offset * 0x9e3779b97f4a7c15ull);

	return x ^ (x >> 29);
}

/*
 * What dom0's memory pressure writes into every word of the buffers it
 * allocates while a guest may still map memory it was lent (the bytes
 * "CANARY!!"): a guest that reads it reads memory that is no longer its own.
 */
#define XENLEND_TEST_CANARY	0x21215952414e4143ull

/*
 * The generation a guest test program writes back with
 * xenlend_test_pattern() ("GUES"): one the broker's refills never reach, so
 * dom0 can tell the guest's writes from its own.
 */
#define XENLEND_TEST_GUEST_GEN	0x47554553u

#endif /* XENLEND_TEST_H */
