// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: fences of submitted command streams.
 *
 * Every EXECBUFFER gets a dma-fence on one ring (timeline) of its context.
 * The fence waits on the device's pending list until the broker's FENCE
 * event says that its timeline got that far, or until the broker goes away
 * (then it completes with an error, so that no waiter depends on a dead
 * broker).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/dma-fence.h>
#include <linux/slab.h>

#include "xenlend_drv.h"
#include "xenlend_wire.h"

/**
 * struct xenlend_dma_fence - the fence of one submission
 * @base: the dma-fence; its seqno is the fence id sent to the broker.
 * @lock: the dma-fence's lock. Its own, not the device's: a sync_file
 *	keeps the fence after the device is gone.
 * @link: entry of &xenlend_device.fences while @queued.
 * @queued: on that list; under &xenlend_device.fence_lock.
 * @ctx_id: the rendering context.
 * @ring_idx: the ring within it.
 */
struct xenlend_dma_fence {
	struct dma_fence base;
	spinlock_t lock; /* the dma-fence's */
	struct list_head link;
	bool queued;
	u32 ctx_id;
	u32 ring_idx;
};

static const char *xenlend_fence_driver_name(struct dma_fence *f)
{
	return "xenlend";
}

static const char *xenlend_fence_timeline_name(struct dma_fence *f)
{
	return "broker";
}

static const struct dma_fence_ops xenlend_fence_ops = {
	.get_driver_name = xenlend_fence_driver_name,
	.get_timeline_name = xenlend_fence_timeline_name,
};

/**
 * xenlend_fence_create() - a fence for one submission
 * @xdev: the device.
 * @context: the dma-fence context of the ring.
 * @seqno: the fence id, strictly increasing per ring.
 * @ctx_id: the rendering context.
 * @ring_idx: the ring.
 *
 * Return: the fence with one reference, or NULL.
 */
struct xenlend_dma_fence *xenlend_fence_create(struct xenlend_device *xdev,
					       u64 context, u64 seqno, u32 ctx_id,
					       u32 ring_idx)
{
	struct xenlend_dma_fence *f = kzalloc(sizeof(*f), GFP_KERNEL);

	if (!f)
		return NULL;
	spin_lock_init(&f->lock);
	dma_fence_init(&f->base, &xenlend_fence_ops, &f->lock, context, seqno);
	INIT_LIST_HEAD(&f->link);
	f->ctx_id = ctx_id;
	f->ring_idx = ring_idx;
	return f;
}

/**
 * xenlend_fence_base() - the dma-fence of a xenlend fence
 * @f: the fence.
 *
 * Return: &f->base.
 */
struct dma_fence *xenlend_fence_base(struct xenlend_dma_fence *f)
{
	return &f->base;
}

/**
 * xenlend_fence_queue() - make a fence wait for the broker
 * @xdev: the device.
 * @f: a fence not queued yet; the pending list takes its own reference.
 *
 * Called before the submission is sent, so that no FENCE event can
 * overtake it.
 */
void xenlend_fence_queue(struct xenlend_device *xdev, struct xenlend_dma_fence *f)
{
	unsigned long flags;

	dma_fence_get(&f->base);
	spin_lock_irqsave(&xdev->fence_lock, flags);
	list_add_tail(&f->link, &xdev->fences);
	f->queued = true;
	spin_unlock_irqrestore(&xdev->fence_lock, flags);
}

/*
 * Signal the pending fences of @ctx_id (0: every context) on @ring_idx (<0:
 * every ring) up to @last, with @err when non-zero.
 */
static void xenlend_fences_retire(struct xenlend_device *xdev, u32 ctx_id, int ring_idx,
				  u64 last, int err)
{
	struct xenlend_dma_fence *f, *tmp;
	unsigned long flags;
	LIST_HEAD(done);

	spin_lock_irqsave(&xdev->fence_lock, flags);
	list_for_each_entry_safe(f, tmp, &xdev->fences, link) {
		if ((ctx_id && f->ctx_id != ctx_id) ||
		    (ring_idx >= 0 && f->ring_idx != ring_idx) || f->base.seqno > last)
			continue;
		f->queued = false;
		list_move_tail(&f->link, &done);
	}
	spin_unlock_irqrestore(&xdev->fence_lock, flags);

	/* Off the list, nobody else signals them. */
	list_for_each_entry_safe(f, tmp, &done, link) {
		list_del_init(&f->link);
		if (err)
			dma_fence_set_error(&f->base, err);
		dma_fence_signal(&f->base);
		dma_fence_put(&f->base);
	}
}

/**
 * xenlend_fence_abort() - complete a queued fence whose submission failed
 * @xdev: the device.
 * @f: the fence, queued; the caller keeps its own reference.
 * @err: negative errno it completes with.
 */
void xenlend_fence_abort(struct xenlend_device *xdev, struct xenlend_dma_fence *f, int err)
{
	unsigned long flags;
	bool queued;

	spin_lock_irqsave(&xdev->fence_lock, flags);
	queued = f->queued;
	if (queued) {
		f->queued = false;
		list_del_init(&f->link);
	}
	spin_unlock_irqrestore(&xdev->fence_lock, flags);
	if (!queued)
		return;
	dma_fence_set_error(&f->base, err);
	dma_fence_signal(&f->base);
	dma_fence_put(&f->base);
}

/**
 * xenlend_fence_complete() - the broker's FENCE event
 * @xdev: the device.
 * @ctx_id: rendering context.
 * @ring_idx: ring.
 * @fence_id: every fence of that ring up to this one completed.
 * @status: XENLEND_S_OK, or why they completed without executing.
 */
void xenlend_fence_complete(struct xenlend_device *xdev, u32 ctx_id, u32 ring_idx,
			    u64 fence_id, u32 status)
{
	xenlend_fences_retire(xdev, ctx_id, ring_idx, fence_id,
			      xenlend_status_to_errno(status));
}

/**
 * xenlend_fence_fail_ctx() - complete every pending fence of a context
 * @xdev: the device.
 * @ctx_id: the context, non-zero.
 * @err: negative errno they complete with.
 */
void xenlend_fence_fail_ctx(struct xenlend_device *xdev, u32 ctx_id, int err)
{
	xenlend_fences_retire(xdev, ctx_id, -1, U64_MAX, err);
}

/**
 * xenlend_fence_fail_all() - complete every pending fence (broker gone)
 * @xdev: the device.
 * @err: negative errno they complete with.
 */
void xenlend_fence_fail_all(struct xenlend_device *xdev, int err)
{
	xenlend_fences_retire(xdev, 0, -1, U64_MAX, err);
}
