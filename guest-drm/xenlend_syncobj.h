/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the syncobjs of one EXECBUFFER.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_SYNCOBJ_H
#define XENLEND_SYNCOBJ_H

#include <linux/types.h>

struct dma_fence;
struct drm_file;
struct drm_virtgpu_execbuffer;
struct xenlend_out_syncobj;

/* Most in- or out-syncobjs one EXECBUFFER may name. */
#define XENLEND_MAX_SYNCOBJS	1024u

/**
 * struct xenlend_syncobjs - what an EXECBUFFER does with its syncobjs
 * @reset: in-syncobjs to reset once the stream is submitted (those with
 *	VIRTGPU_EXECBUF_SYNCOBJ_RESET; NULL for the others).
 * @nr_in: entries of @reset.
 * @out: out-syncobjs, each with its timeline point and, for a point, the
 *	chain node that links the submission's fence in.
 * @nr_out: entries of @out.
 */
struct xenlend_syncobjs {
	struct drm_syncobj **reset;
	u32 nr_in;
	struct xenlend_out_syncobj *out;
	u32 nr_out;
};

int xenlend_syncobjs_check(const struct drm_virtgpu_execbuffer *eb);
int xenlend_syncobjs_wait_in(struct drm_file *file, const struct drm_virtgpu_execbuffer *eb,
			     struct xenlend_syncobjs *s);
int xenlend_syncobjs_get_out(struct drm_file *file, const struct drm_virtgpu_execbuffer *eb,
			     struct xenlend_syncobjs *s);
void xenlend_syncobjs_signal(struct xenlend_syncobjs *s, struct dma_fence *fence);
void xenlend_syncobjs_fini(struct xenlend_syncobjs *s);

#endif /* XENLEND_SYNCOBJ_H */
