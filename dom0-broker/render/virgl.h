/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: the worker's calls into virglrenderer (virgl.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_VIRGL_H
#define XENLEND_RENDER_VIRGL_H

#include <stdbool.h>
#include <stdint.h>

#include "render_ipc.h"

struct iovec;

/* virtio-gpu capability set ids (VIRTGPU_CAPSET_*). */
#define CAPSET_VIRGL		1
#define CAPSET_VIRGL2		2
#define CAPSET_VENUS		4

/* A capability set the renderer offers. */
struct vr_capset {
	uint32_t id;
	uint32_t max_version;
	uint32_t max_size;
};

/**
 * struct vr_fence_ops - how virgl.c reports signalled fences, the way
 * virglrenderer's callbacks report them to it
 * @ctx_fence_done: a context fence signalled; every earlier fence of
 *	(@ctx_id, @ring_idx) is done too.
 * @ctx0_fence_done: the context-0 fence @seq signalled; every earlier one
 *	is done too.
 */
struct vr_fence_ops {
	void (*ctx_fence_done)(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id);
	void (*ctx0_fence_done)(uint32_t seq);
};

int vr_init(const struct vr_fence_ops *ops);
void vr_cleanup(void);
int vr_poll_fd(void);
void vr_poll(void);
int vr_capsets(struct vr_capset *sets, int max);
void vr_fill_caps(const struct vr_capset *set, uint32_t version, void *buf);
int vr_ctx_create(uint32_t ctx_id, uint32_t capset_id, const char *name);
void vr_ctx_destroy(uint32_t ctx_id);
int vr_ctx_poll_fd(uint32_t ctx_id);
void vr_ctx_poll(uint32_t ctx_id);
int vr_submit(uint32_t ctx_id, void *buf, uint32_t ndw);
int vr_ctx_fence(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id);
int vr_ctx0_fence(uint32_t seq);
int vr_res_create(const struct xenlend_res3d_create *c, struct iovec *iov);
void vr_res_unref(uint32_t res_id);
void vr_ctx_attach(uint32_t ctx_id, uint32_t res_id);
void vr_ctx_detach(uint32_t ctx_id, uint32_t res_id);
int vr_transfer(const struct xenlend_transfer *t, bool to_host);
int vr_blob_create(uint32_t res_id, uint32_t ctx_id, uint32_t blob_flags, uint64_t blob_id,
		   uint64_t size);
int vr_blob_export(uint32_t res_id, uint64_t size, int *fd, uint64_t *offset);

#endif /* XENLEND_RENDER_VIRGL_H */
