/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: every message the broker writes for a guest, built in
 * one place (msgs.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_MSGS_H
#define XENLEND_BROKER_MSGS_H

#include <stdint.h>

#include "xenlend_wire.h"

void msg_revoke(struct xenlend_msg *m, uint32_t res_id, uint64_t offset, uint64_t length,
		uint64_t seq);
void msg_fence(struct xenlend_msg *m, uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id,
	       uint32_t error);
void msg_resource_destroy(struct xenlend_msg *m, uint32_t res_id);
void msg_hello_rsp(struct xenlend_msg *rsp, const struct xenlend_msg *req, uint32_t version,
		   uint64_t features, uint64_t max_lent_bytes, uint32_t max_resources);
void msg_fault_rsp(struct xenlend_msg *rsp, const struct xenlend_msg *req, uint64_t length,
		   uint64_t seq, int64_t window_page);

#endif /* XENLEND_BROKER_MSGS_H */
