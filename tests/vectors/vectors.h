/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Protocol test vectors: well-formed and malformed messages with the status
 * and reason they must get. One table feeds the unit tests, the fuzz seed
 * corpus and the end-to-end tests that send them over real rings.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_TEST_VECTORS_H
#define XENLEND_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>

#include "xenlend_wire.h"

/**
 * struct test_vector - one message and what its receiver must answer
 * @name: short name, no spaces.
 * @q: the ring and direction it is sent on.
 * @want_status: status of the response.
 * @want_why: for messages xenlend_msg_check() rejects, the reason it gives;
 *	NULL for messages it accepts.
 * @msg: the message.
 *
 * Control ring vectors are ordered: they assume a guest that completed HELLO
 * with 4 bulk pages and no resource, and are sent in table order.
 */
struct test_vector {
	const char *name;
	enum xenlend_queue q;
	uint32_t want_status;
	const char *want_why;
	struct xenlend_msg msg;
};

size_t test_vectors_get(const struct test_vector **out);

/* The bulk page count the control ring vectors assume. */
#define TEST_VECTORS_BULK_PAGES 4

#endif /* XENLEND_TEST_VECTORS_H */
