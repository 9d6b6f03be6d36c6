// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the requests to the broker.
 *
 * Every message the guest sends is built here, from the driver's values,
 * and every response body is read here: the rest of the driver knows
 * nothing of the wire layout. A response that passed the codec is still
 * checked against its request where the broker could answer something
 * else than was asked (FAULT, CAPSET): the broker is not trusted.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/device.h>
#include <linux/minmax.h>
#include <linux/spinlock.h>

#include <drm/virtgpu_drm.h>

#include <xen/xenbus.h>

#include "xenlend_cmds.h"
#include "xenlend_transport.h"

/**
 * xenlend_cmd_hello() - negotiate the protocol with the broker
 * @t: a transport whose backend just connected.
 *
 * Return: 0 once connected, or a negative errno.
 */
int xenlend_cmd_hello(struct xenlend_transport *t)
{
	struct xenlend_msg req, rsp;
	int err;

	xenlend_msg_init(&req, XENLEND_T_HELLO, 0);
	req.u.hello.version_min = XENLEND_PROTOCOL_VERSION;
	req.u.hello.version_max = XENLEND_PROTOCOL_VERSION;
	req.u.hello.features = XENLEND_F_ALL;
	req.u.hello.nr_bulk_pages = XENLEND_FRONT_BULK_PAGES;

	err = xenlend_call_raw(t, &req, &rsp);
	if (!err)
		err = xenlend_status_to_errno(xenlend_msg_status(&rsp));
	if (err) {
		dev_err(&t->xbdev->dev, "HELLO failed: %d\n", err);
		return err;
	}
	xenlend_transport_connected(t, &rsp.u.hello_rsp);
	return 0;
}

/**
 * xenlend_cmd_resource_create() - RESOURCE_CREATE
 * @t: a connected transport.
 * @res_id: the new resource's id.
 * @kind: XENLEND_RES_*.
 * @size: bytes, page aligned.
 * @ctx_id: rendering context of a renderer blob, else 0.
 * @flags: XENLEND_CREATE_*.
 * @blob_id: the renderer's blob id with XENLEND_CREATE_BLOB, else 0.
 *
 * Return: 0, or a negative errno (-ETIMEDOUT and -EINTR leave it unknown
 * whether the broker made the resource).
 */
int xenlend_cmd_resource_create(struct xenlend_transport *t, u32 res_id, u32 kind, u64 size,
				u32 ctx_id, u32 flags, u64 blob_id)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, XENLEND_T_RESOURCE_CREATE, 0);
	req.u.create.res_id = res_id;
	req.u.create.kind = kind;
	req.u.create.size = size;
	req.u.create.ctx_id = ctx_id;
	req.u.create.flags = flags;
	req.u.create.blob_id = blob_id;
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_resource_destroy() - RESOURCE_DESTROY
 * @t: the transport.
 * @res_id: the resource.
 *
 * Return: 0, or a negative errno (-ENODEV: the broker dropped everything
 * of ours with the connection).
 */
int xenlend_cmd_resource_destroy(struct xenlend_transport *t, u32 res_id)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 0);
	req.u.destroy.res_id = res_id;
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_resource_attach() - RESOURCE_ATTACH every page of a resource
 * @t: a connected transport.
 * @res_id: a guest resource just created.
 * @refs: the grant reference of each page.
 * @nr_pages: the resource's pages.
 *
 * Sends the references a bulk page at a time.
 *
 * Return: 0, or the first error.
 */
int xenlend_cmd_resource_attach(struct xenlend_transport *t, u32 res_id, const u32 *refs,
				unsigned long nr_pages)
{
	struct xenlend_msg req, rsp;
	unsigned long first, n;
	int idx, err;

	for (first = 0; first < nr_pages; first += n) {
		n = min_t(unsigned long, nr_pages - first, XENLEND_GREFS_PER_BULK_PAGE);
		idx = xenlend_bulk_get(t);
		if (idx < 0)
			return idx;
		memcpy(xenlend_bulk_page(t, idx), refs + first, n * sizeof(*refs));
		xenlend_msg_init(&req, XENLEND_T_RESOURCE_ATTACH, 0);
		req.u.attach.res_id = res_id;
		req.u.attach.bulk_idx = idx;
		req.u.attach.first_page = first;
		req.u.attach.nr_grefs = n;
		err = xenlend_call_bulk(t, &req, &rsp, &idx);
		xenlend_bulk_put(t, idx);
		if (err)
			return err;
	}
	return 0;
}

/**
 * xenlend_cmd_fault() - FAULT: ask the broker to lend a range of a resource
 * @t: a connected transport.
 * @res_id: a host resource.
 * @offset: page-aligned start.
 * @length: page-aligned length, at most XENLEND_FAULT_MAX_BYTES.
 * @write: the guest needs write access.
 * @grefs: receives length / XENLEND_PAGE_SIZE grant references.
 * @lent: receives the length lent, from one page up to @length.
 * @window_pfn: receives 0 for grants, or the guest frame in the VRAM window
 *	where dom0 mapped the first lent page of device memory (the others
 *	follow it; @grefs is left alone).
 *
 * The reply is checked against the request: same offset, no more than asked,
 * and exactly one grant reference per page, read once from the bulk page, or
 * a range that lies inside this guest's VRAM window.
 *
 * Return: 0, -EBUSY when the broker asks to retry, or a negative errno.
 */
int xenlend_cmd_fault(struct xenlend_transport *t, u32 res_id, u64 offset, u64 length,
		      bool write, u32 *grefs, u64 *lent, unsigned long *window_pfn)
{
	struct xenlend_msg req, rsp;
	const u32 *src;
	const char *why;
	u32 i, nr;
	int idx, page, err;

	idx = xenlend_bulk_get(t);
	if (idx < 0)
		return idx;
	xenlend_msg_init(&req, XENLEND_T_FAULT, 0);
	req.u.fault.res_id = res_id;
	req.u.fault.access = XENLEND_ACCESS_READ | (write ? XENLEND_ACCESS_WRITE : 0);
	req.u.fault.offset = offset;
	req.u.fault.length = length;
	req.u.fault.bulk_idx = idx;
	page = idx;
	err = xenlend_call_bulk(t, &req, &rsp, &idx);
	if (err)
		goto out;

	nr = rsp.u.fault_rsp.nr_grefs;
	why = xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp);
	if (why) {
		dev_warn_ratelimited(&t->xbdev->dev, "rejected FAULT response: %s\n", why);
		err = -EPROTO;
		goto out;
	}
	*window_pfn = 0;
	if (!nr) {
		*window_pfn = xenlend_window_pfn(t, rsp.u.fault_rsp.window_page,
						 rsp.u.fault_rsp.length >> XENLEND_PAGE_SHIFT);
		if (!*window_pfn) {
			dev_warn_ratelimited(&t->xbdev->dev,
					     "rejected FAULT response: device memory outside the VRAM window\n");
			err = -EPROTO;
			goto out;
		}
	}
	src = xenlend_bulk_page(t, page);
	for (i = 0; i < nr; i++) {
		grefs[i] = READ_ONCE(src[i]);
		if (!grefs[i]) {
			/* Reserved by Xen: never a grant of the broker's. */
			dev_warn_ratelimited(&t->xbdev->dev,
					     "rejected FAULT response: grant reference 0\n");
			err = -EPROTO;
			goto out;
		}
	}
	*lent = rsp.u.fault_rsp.length;
out:
	xenlend_bulk_put(t, idx);
	return err;
}

/**
 * xenlend_cmd_capset_info() - CAPSET_INFO
 * @t: a connected transport.
 * @index: which capability set, from 0.
 * @info: receives its description.
 *
 * Return: 0, -ENOENT past the last set, or a negative errno.
 */
int xenlend_cmd_capset_info(struct xenlend_transport *t, u32 index,
			    struct xenlend_capset_info_rsp *info)
{
	struct xenlend_msg req, rsp;
	int err;

	xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 0);
	req.u.capset_info.index = index;
	err = xenlend_call(t, &req, &rsp);
	if (!err)
		*info = rsp.u.capset_info_rsp;
	return err;
}

/**
 * xenlend_cmd_capset() - CAPSET: one capability set's bytes, through a bulk page
 * @t: a connected transport.
 * @id: the set.
 * @version: its version.
 * @buf: receives the bytes (zeroed by the caller).
 * @size: room in @buf.
 *
 * Return: 0, -EPROTO for an answer to another question or too large, or a
 * negative errno.
 */
int xenlend_cmd_capset(struct xenlend_transport *t, u32 id, u32 version, void *buf, u32 size)
{
	struct xenlend_msg req, rsp;
	int idx, page, err;
	u32 got;

	idx = xenlend_bulk_get(t);
	if (idx < 0)
		return idx;
	xenlend_msg_init(&req, XENLEND_T_CAPSET, 0);
	req.u.capset.capset_id = id;
	req.u.capset.version = version;
	req.u.capset.bulk_idx = idx;
	page = idx;
	err = xenlend_call_bulk(t, &req, &rsp, &idx);
	if (err)
		goto out;
	got = rsp.u.capset_rsp.size;
	if (rsp.u.capset_rsp.capset_id != id ||
	    rsp.u.capset_rsp.version != version ||
	    rsp.u.capset_rsp.bulk_idx != page || got > size) {
		dev_warn_ratelimited(&t->xbdev->dev,
				     "rejected CAPSET response: set, version, page or size differs from the request\n");
		err = -EPROTO;
		goto out;
	}
	memcpy(buf, xenlend_bulk_page(t, page), got);
out:
	xenlend_bulk_put(t, idx);
	return err;
}

/**
 * xenlend_cmd_ctx_create() - CTX_CREATE
 * @t: a connected transport.
 * @ctx_id: the new context's id.
 * @capset_id: its capability set.
 * @num_rings: its fence timelines.
 *
 * Return: 0, or a negative errno.
 */
int xenlend_cmd_ctx_create(struct xenlend_transport *t, u32 ctx_id, u32 capset_id,
			   u32 num_rings)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, XENLEND_T_CTX_CREATE, 0);
	req.u.ctx_create.ctx_id = ctx_id;
	req.u.ctx_create.capset_id = capset_id;
	req.u.ctx_create.num_rings = num_rings;
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_ctx_destroy() - CTX_DESTROY
 * @t: the transport.
 * @ctx_id: the context.
 *
 * Return: 0, or a negative errno.
 */
int xenlend_cmd_ctx_destroy(struct xenlend_transport *t, u32 ctx_id)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, XENLEND_T_CTX_DESTROY, 0);
	req.u.ctx_destroy.ctx_id = ctx_id;
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_ctx_resource() - CTX_ATTACH or CTX_DETACH
 * @t: the transport.
 * @attach: CTX_ATTACH, else CTX_DETACH.
 * @ctx_id: the context.
 * @res_id: a resource the renderer has.
 *
 * Return: 0, or a negative errno.
 */
int xenlend_cmd_ctx_resource(struct xenlend_transport *t, bool attach, u32 ctx_id, u32 res_id)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, attach ? XENLEND_T_CTX_ATTACH : XENLEND_T_CTX_DETACH, 0);
	req.u.ctx_res.ctx_id = ctx_id;
	req.u.ctx_res.res_id = res_id;
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_submit() - SUBMIT a command stream
 * @t: a connected transport.
 * @ctx_id: the context.
 * @ring_idx: timeline of @fence_id.
 * @fence_id: signalled once the stream has executed.
 * @cmd: the stream.
 * @size: its bytes, a multiple of 4, at most XENLEND_SUBMIT_MAX_BYTES.
 *
 * Sends the stream a bulk page at a time; the last chunk carries the fence.
 *
 * Return: 0 once every chunk was staged, or a negative errno.
 */
int xenlend_cmd_submit(struct xenlend_transport *t, u32 ctx_id, u32 ring_idx, u64 fence_id,
		       const void *cmd, u32 size)
{
	struct xenlend_msg req, rsp;
	u32 off = 0, len;
	bool last;
	int idx, err;

	do {
		len = min_t(u32, size - off, XENLEND_PAGE_SIZE);
		last = off + len == size;
		idx = xenlend_bulk_get(t);
		if (idx < 0)
			return idx;
		memcpy(xenlend_bulk_page(t, idx), (const u8 *)cmd + off, len);
		xenlend_msg_init(&req, XENLEND_T_SUBMIT, 0);
		req.u.submit.ctx_id = ctx_id;
		req.u.submit.flags = last ? XENLEND_SUBMIT_FENCE : XENLEND_SUBMIT_MORE;
		req.u.submit.fence_id = last ? fence_id : 0;
		req.u.submit.ring_idx = last ? ring_idx : 0;
		req.u.submit.bulk_idx = idx;
		req.u.submit.length = len;
		req.u.submit.offset = off;
		err = xenlend_call_bulk(t, &req, &rsp, &idx);
		xenlend_bulk_put(t, idx);
		if (err)
			return err;
		off += len;
	} while (off < size);
	return 0;
}

/* RES3D_CREATE of @res_id from virtio-gpu's RESOURCE_CREATE parameters. */
static void xenlend_res3d_msg(struct xenlend_msg *req, u32 res_id, u32 ctx_id,
			      const struct drm_virtgpu_resource_create *rc)
{
	xenlend_msg_init(req, XENLEND_T_RES3D_CREATE, 0);
	req->u.res3d_create.res_id = res_id;
	req->u.res3d_create.ctx_id = ctx_id;
	req->u.res3d_create.target = rc->target;
	req->u.res3d_create.format = rc->format;
	req->u.res3d_create.bind = rc->bind;
	req->u.res3d_create.width = rc->width;
	req->u.res3d_create.height = rc->height;
	req->u.res3d_create.depth = rc->depth;
	req->u.res3d_create.array_size = rc->array_size;
	req->u.res3d_create.last_level = rc->last_level;
	req->u.res3d_create.nr_samples = rc->nr_samples;
	req->u.res3d_create.flags = rc->flags;
}

/**
 * xenlend_cmd_res3d_valid() - whether the codec takes these 3D parameters
 * @rc: virtio-gpu's RESOURCE_CREATE parameters.
 *
 * For checking before anything is allocated; the renderer checks the rest.
 *
 * Return: true if a RES3D_CREATE of them is a valid message.
 */
bool xenlend_cmd_res3d_valid(const struct drm_virtgpu_resource_create *rc)
{
	struct xenlend_msg req;

	xenlend_res3d_msg(&req, 1, 0, rc);
	return xenlend_msg_check(&req, XENLEND_Q_CTRL_REQ).status == XENLEND_S_OK;
}

/**
 * xenlend_cmd_res3d_create() - RES3D_CREATE
 * @t: a connected transport.
 * @res_id: a guest resource, every page attached.
 * @ctx_id: the context it is attached to.
 * @rc: virtio-gpu's RESOURCE_CREATE parameters, xenlend_cmd_res3d_valid().
 *
 * Return: 0, or a negative errno (-EINVAL: the renderer refused them).
 */
int xenlend_cmd_res3d_create(struct xenlend_transport *t, u32 res_id, u32 ctx_id,
			     const struct drm_virtgpu_resource_create *rc)
{
	struct xenlend_msg req, rsp;

	xenlend_res3d_msg(&req, res_id, ctx_id, rc);
	return xenlend_call(t, &req, &rsp);
}

/**
 * xenlend_cmd_transfer_fits() - whether a box fits the protocol's fields
 * @tr: virtio-gpu's box; both transfer ioctls share this layout.
 *
 * virtio-gpu's depth, layer and level are 32 bits wide, the protocol's 16.
 *
 * Return: true if xenlend_cmd_transfer() can carry @tr as it is.
 */
bool xenlend_cmd_transfer_fits(const struct drm_virtgpu_3d_transfer_to_host *tr)
{
	return tr->box.z <= U16_MAX && tr->box.d <= U16_MAX && tr->level <= U16_MAX;
}

/**
 * xenlend_cmd_transfer() - TRANSFER_TO_HOST or TRANSFER_FROM_HOST
 * @t: a connected transport.
 * @to_host: the direction.
 * @res_id: a resource RES3D_CREATE made.
 * @ctx_id: the caller's context.
 * @tr: the box; both transfer ioctls share this layout.
 *
 * Return: 0 once the copy is done, -EINVAL for a box the codec refuses
 * (nothing is sent then) or the renderer refuses, or a negative errno.
 */
int xenlend_cmd_transfer(struct xenlend_transport *t, bool to_host, u32 res_id, u32 ctx_id,
			 const struct drm_virtgpu_3d_transfer_to_host *tr)
{
	struct xenlend_msg req, rsp;

	if (!xenlend_cmd_transfer_fits(tr))
		return -EINVAL;
	xenlend_msg_init(&req, to_host ? XENLEND_T_TRANSFER_TO_HOST :
					 XENLEND_T_TRANSFER_FROM_HOST, 0);
	req.u.transfer.res_id = res_id;
	req.u.transfer.ctx_id = ctx_id;
	req.u.transfer.offset = tr->offset;
	req.u.transfer.x = tr->box.x;
	req.u.transfer.y = tr->box.y;
	req.u.transfer.w = tr->box.w;
	req.u.transfer.h = tr->box.h;
	req.u.transfer.z = tr->box.z;
	req.u.transfer.d = tr->box.d;
	req.u.transfer.level = tr->level;
	req.u.transfer.stride = tr->stride;
	req.u.transfer.layer_stride = tr->layer_stride;
	if (xenlend_msg_check(&req, XENLEND_Q_CTRL_REQ).status != XENLEND_S_OK)
		return -EINVAL;
	return xenlend_call(t, &req, &rsp);
}
