// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the messages the broker writes for a guest.
 *
 * The broker's requests on the event ring (REVOKE, FENCE), the one it
 * forwards to a render worker on its own (RESOURCE_DESTROY), and the
 * responses with a body it answers itself (HELLO, FAULT). Everything else
 * it sends is an error response (xenlend_msg_init_rsp()) or a renderer's
 * answer passed on. Nothing here validates: the callers hold values they
 * checked, and the ring code checks every request before it goes out.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "msgs.h"

/**
 * msg_revoke() - a REVOKE request
 * @m: the message to fill.
 * @res_id: the resource whose pages are taken back.
 * @offset: start of the range, page aligned.
 * @length: its length, page aligned, non-zero.
 * @seq: the guest's revocation sequence number for it.
 */
void msg_revoke(struct xenlend_msg *m, uint32_t res_id, uint64_t offset, uint64_t length,
		uint64_t seq)
{
	xenlend_msg_init(m, XENLEND_T_REVOKE, 0);
	m->u.revoke.res_id = res_id;
	m->u.revoke.offset = offset;
	m->u.revoke.length = length;
	m->u.revoke.seq = seq;
}

/**
 * msg_fence() - a FENCE request
 * @m: the message to fill.
 * @ctx_id: the rendering context.
 * @ring_idx: its timeline.
 * @fence_id: every fence of the timeline up to this one completed.
 * @error: XENLEND_S_OK, or why they completed without executing.
 */
void msg_fence(struct xenlend_msg *m, uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id,
	       uint32_t error)
{
	xenlend_msg_init(m, XENLEND_T_FENCE, 0);
	m->u.fence.ctx_id = ctx_id;
	m->u.fence.ring_idx = ring_idx;
	m->u.fence.fence_id = fence_id;
	m->u.fence.error = error;
}

/**
 * msg_resource_destroy() - a RESOURCE_DESTROY, for a render worker
 * @m: the message to fill.
 * @res_id: the resource the worker must let go of.
 */
void msg_resource_destroy(struct xenlend_msg *m, uint32_t res_id)
{
	xenlend_msg_init(m, XENLEND_T_RESOURCE_DESTROY, 0);
	m->u.destroy.res_id = res_id;
}

/**
 * msg_hello_rsp() - the successful response to a HELLO
 * @rsp: the message to fill.
 * @req: the HELLO.
 * @version: the protocol version both sides now speak.
 * @features: the XENLEND_F_* granted.
 * @max_lent_bytes: the guest's memory quota.
 * @max_resources: the guest's resource quota.
 */
void msg_hello_rsp(struct xenlend_msg *rsp, const struct xenlend_msg *req, uint32_t version,
		   uint64_t features, uint64_t max_lent_bytes, uint32_t max_resources)
{
	xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
	rsp->u.hello_rsp.version = version;
	rsp->u.hello_rsp.features = features;
	rsp->u.hello_rsp.max_lent_bytes = max_lent_bytes;
	rsp->u.hello_rsp.max_resources = max_resources;
}

/**
 * msg_fault_rsp() - the successful response to a FAULT
 * @rsp: the message to fill.
 * @req: the FAULT.
 * @length: bytes lent from the request's offset, at most the request's
 *	length.
 * @seq: the guest's revocation sequence number when the grants were made.
 * @window_page: -1 when one grant reference per page is on the request's
 *	bulk page; else the page of the guest's VRAM window where the range
 *	is mapped.
 */
void msg_fault_rsp(struct xenlend_msg *rsp, const struct xenlend_msg *req, uint64_t length,
		   uint64_t seq, int64_t window_page)
{
	xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
	rsp->u.fault_rsp.offset = req->u.fault.offset;
	rsp->u.fault_rsp.length = length;
	rsp->u.fault_rsp.seq = seq;
	rsp->u.fault_rsp.bulk_idx = req->u.fault.bulk_idx;
	if (window_page >= 0)
		rsp->u.fault_rsp.window_page = (uint32_t)window_page;
	else
		rsp->u.fault_rsp.nr_grefs = (uint32_t)(length / XENLEND_PAGE_SIZE);
}
