// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the broker's control ring logic. The input is a stream of
 * 64-byte ring slots from a hostile guest; every one is dispatched, and every
 * response must be valid, echo its request and keep the quotas.
 * Bit 0 of the first byte completes a real HELLO first, so that the fuzzer
 * reaches the resource and fault paths without having to learn HELLO.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "dispatch.h"
#include "log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct broker_config cfg;
	struct guest_state g;
	struct xenlend_msg req, rsp;
	size_t off;

	if (!cfg.max_resources) {
		config_defaults(&cfg);
		cfg.max_resources = 8;
		log_init(false);
	}
	if (guest_state_init(&g, 1, 4, &cfg))
		return 0;
	if (size && (data[0] & 1)) {
		xenlend_msg_init(&req, XENLEND_T_HELLO, 0);
		req.u.hello.version_min = 1;
		req.u.hello.version_max = 1;
		req.u.hello.nr_bulk_pages = 4;
		dispatch_ctrl(&g, &req, &rsp);
		FUZZ_ASSERT(xenlend_msg_status(&rsp) == XENLEND_S_OK);
	}
	for (off = 0; off < size; off += sizeof(req)) {
		size_t n = size - off < sizeof(req) ? size - off : sizeof(req);

		memset(&req, 0, sizeof(req));
		memcpy(&req, data + off, n);
		dispatch_ctrl(&g, &req, &rsp);
		FUZZ_ASSERT(xenlend_msg_check(&rsp, XENLEND_Q_CTRL_RSP).why == NULL);
		FUZZ_ASSERT(rsp.hdr.id == req.hdr.id);
		FUZZ_ASSERT(g.nr_resources <= cfg.max_resources);
	}
	guest_state_fini(&g);
	return 0;
}
