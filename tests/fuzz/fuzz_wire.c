// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the protocol codec as both sides use it. Each 64-byte slot of
 * the input is checked as it would be read from each of the four queues; an
 * accepted message must have the exact body length of its type, and the
 * response built for any request must itself be valid.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdlib.h>
#include <string.h>

#include "xenlend_wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c) do { if (!(c)) abort(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct xenlend_msg m, rsp;
	size_t off;

	for (off = 0; off < size; off += sizeof(m)) {
		size_t n = size - off < sizeof(m) ? size - off : sizeof(m);

		memset(&m, 0, sizeof(m));
		memcpy(&m, data + off, n);
		for (int q = XENLEND_Q_CTRL_REQ; q <= XENLEND_Q_EVT_RSP; q++) {
			struct xenlend_verdict v = xenlend_msg_check(&m, q);
			__u16 type = xenlend_msg_type(&m);
			bool rsp_q = q == XENLEND_Q_CTRL_RSP || q == XENLEND_Q_EVT_RSP;

			FUZZ_ASSERT((v.status == XENLEND_S_OK) == (v.why == NULL));
			FUZZ_ASSERT(v.status <= XENLEND_S_MAX);
			if (v.why)
				continue;
			if (rsp_q && xenlend_msg_status(&m) != XENLEND_S_OK)
				FUZZ_ASSERT(m.hdr.len == 0);
			else
				FUZZ_ASSERT(m.hdr.len == xenlend_body_len(type));
			if (!rsp_q) {
				/* An error response to a valid request is valid. */
				xenlend_msg_init_rsp(&rsp, &m, XENLEND_S_BUSY);
				FUZZ_ASSERT(xenlend_msg_check(&rsp, q + 1).why == NULL);
			}
		}
		(void)xenlend_type_name(xenlend_msg_type(&m));
		(void)xenlend_status_name(xenlend_msg_status(&m));
	}
	return 0;
}
