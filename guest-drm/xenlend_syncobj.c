// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: syncobjs in EXECBUFFER, as virtio-gpu's uAPI has
 * them (struct drm_virtgpu_execbuffer_syncobj).
 *
 * In-syncobjs are waited for before the stream goes to the broker, like a
 * sync_file in-fence; those flagged VIRTGPU_EXECBUF_SYNCOBJ_RESET are reset
 * once it went. Out-syncobjs get the submission's fence: in place of their
 * fence, or at their timeline point. Every syncobj and chain node is looked
 * up and allocated before anything is submitted, so that a bad handle costs
 * nothing but its error.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/dma-fence.h>
#include <linux/dma-fence-chain.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_file.h>
#include <drm/drm_syncobj.h>
#include <drm/virtgpu_drm.h>

#include "xenlend_syncobj.h"

/**
 * struct xenlend_out_syncobj - an out-syncobj of one EXECBUFFER
 * @syncobj: the syncobj, referenced.
 * @chain: for a timeline point, the node that will hold the fence.
 * @point: the timeline point, 0 for a binary syncobj.
 */
struct xenlend_out_syncobj {
	struct drm_syncobj *syncobj;
	struct dma_fence_chain *chain;
	u64 point;
};

/**
 * xenlend_syncobjs_check() - check an EXECBUFFER's syncobj arrays
 * @eb: the request.
 *
 * Return: 0, or -EINVAL for more than %XENLEND_MAX_SYNCOBJS syncobjs on
 * either side or a stride shorter than &struct drm_virtgpu_execbuffer_syncobj.
 */
int xenlend_syncobjs_check(const struct drm_virtgpu_execbuffer *eb)
{
	if (!eb->num_in_syncobjs && !eb->num_out_syncobjs)
		return 0;
	if (eb->num_in_syncobjs > XENLEND_MAX_SYNCOBJS ||
	    eb->num_out_syncobjs > XENLEND_MAX_SYNCOBJS ||
	    eb->syncobj_stride < sizeof(struct drm_virtgpu_execbuffer_syncobj))
		return -EINVAL;
	return 0;
}

/* Entry @i of the array at @addr; -EFAULT or -EINVAL for unknown flags. */
static int xenlend_syncobj_desc(const struct drm_virtgpu_execbuffer *eb, u64 addr, u32 i,
				struct drm_virtgpu_execbuffer_syncobj *d)
{
	if (copy_from_user(d, u64_to_user_ptr(addr + (u64)i * eb->syncobj_stride), sizeof(*d)))
		return -EFAULT;
	return d->flags & ~VIRTGPU_EXECBUF_SYNCOBJ_FLAGS ? -EINVAL : 0;
}

/**
 * xenlend_syncobjs_wait_in() - wait for an EXECBUFFER's in-syncobjs
 * @file: the caller.
 * @eb: the request, checked by xenlend_syncobjs_check().
 * @s: receives the syncobjs to reset after submission.
 *
 * Waits, interruptibly, for the fence each in-syncobj holds (at its point).
 *
 * Return: 0, -EFAULT, -EINVAL for unknown flags or a syncobj without a
 * fence (at that point), -ENOENT for a handle that names none, -ENOMEM,
 * -ERESTARTSYS. On error @s holds what xenlend_syncobjs_fini() releases.
 */
int xenlend_syncobjs_wait_in(struct drm_file *file, const struct drm_virtgpu_execbuffer *eb,
			     struct xenlend_syncobjs *s)
{
	struct drm_virtgpu_execbuffer_syncobj d;
	struct dma_fence *fence;
	u32 i;
	long ret;
	int err;

	if (!eb->num_in_syncobjs)
		return 0;
	s->reset = kvcalloc(eb->num_in_syncobjs, sizeof(*s->reset), GFP_KERNEL);
	if (!s->reset)
		return -ENOMEM;
	s->nr_in = eb->num_in_syncobjs;
	for (i = 0; i < s->nr_in; i++) {
		err = xenlend_syncobj_desc(eb, eb->in_syncobjs, i, &d);
		if (err)
			return err;
		err = drm_syncobj_find_fence(file, d.handle, d.point, 0, &fence);
		if (err)
			return err;
		ret = dma_fence_wait(fence, true);
		dma_fence_put(fence);
		if (ret)
			return ret;
		if (d.flags & VIRTGPU_EXECBUF_SYNCOBJ_RESET) {
			s->reset[i] = drm_syncobj_find(file, d.handle);
			if (!s->reset[i])
				return -ENOENT;	/* destroyed meanwhile */
		}
	}
	return 0;
}

/**
 * xenlend_syncobjs_get_out() - look up an EXECBUFFER's out-syncobjs
 * @file: the caller.
 * @eb: the request, checked by xenlend_syncobjs_check().
 * @s: receives the syncobjs and, for timeline points, chain nodes.
 *
 * Return: 0, -EFAULT, -EINVAL for unknown flags (RESET included: it only
 * means something for an in-syncobj), -ENOENT for a handle that names no
 * syncobj, -ENOMEM. On error @s holds what xenlend_syncobjs_fini() releases.
 */
int xenlend_syncobjs_get_out(struct drm_file *file, const struct drm_virtgpu_execbuffer *eb,
			     struct xenlend_syncobjs *s)
{
	struct drm_virtgpu_execbuffer_syncobj d;
	struct xenlend_out_syncobj *o;
	u32 i;
	int err;

	if (!eb->num_out_syncobjs)
		return 0;
	s->out = kvcalloc(eb->num_out_syncobjs, sizeof(*s->out), GFP_KERNEL);
	if (!s->out)
		return -ENOMEM;
	s->nr_out = eb->num_out_syncobjs;
	for (i = 0; i < s->nr_out; i++) {
		err = xenlend_syncobj_desc(eb, eb->out_syncobjs, i, &d);
		if (err)
			return err;
		if (d.flags)
			return -EINVAL;
		o = &s->out[i];
		o->syncobj = drm_syncobj_find(file, d.handle);
		if (!o->syncobj)
			return -ENOENT;
		o->point = d.point;
		if (d.point) {
			o->chain = dma_fence_chain_alloc();
			if (!o->chain)
				return -ENOMEM;
		}
	}
	return 0;
}

/**
 * xenlend_syncobjs_signal() - hand a submitted stream's fence to its syncobjs
 * @s: the syncobjs, from xenlend_syncobjs_wait_in() and
 *	xenlend_syncobjs_get_out().
 * @fence: the submission's fence.
 *
 * Resets the in-syncobjs flagged so and puts @fence into every out-syncobj,
 * at its timeline point where it has one. Cannot fail.
 */
void xenlend_syncobjs_signal(struct xenlend_syncobjs *s, struct dma_fence *fence)
{
	struct xenlend_out_syncobj *o;
	u32 i;

	for (i = 0; i < s->nr_in; i++)
		if (s->reset[i])
			drm_syncobj_replace_fence(s->reset[i], NULL);
	for (i = 0; i < s->nr_out; i++) {
		o = &s->out[i];
		if (o->chain) {
			drm_syncobj_add_point(o->syncobj, o->chain, fence, o->point);
			o->chain = NULL;	/* the syncobj's now */
		} else {
			drm_syncobj_replace_fence(o->syncobj, fence);
		}
	}
}

/**
 * xenlend_syncobjs_fini() - release what an EXECBUFFER's syncobjs held
 * @s: the syncobjs; zeroed, or filled by the functions above.
 */
void xenlend_syncobjs_fini(struct xenlend_syncobjs *s)
{
	u32 i;

	for (i = 0; s->reset && i < s->nr_in; i++)
		if (s->reset[i])
			drm_syncobj_put(s->reset[i]);
	kvfree(s->reset);
	for (i = 0; s->out && i < s->nr_out; i++) {
		dma_fence_chain_free(s->out[i].chain);
		if (s->out[i].syncobj)
			drm_syncobj_put(s->out[i].syncobj);
	}
	kvfree(s->out);
}
