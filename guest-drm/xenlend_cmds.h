/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: every request the guest sends the broker, built
 * and sent in one place (xenlend_cmds.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_CMDS_H
#define XENLEND_CMDS_H

#include <linux/types.h>

#include "xenlend_if.h"

struct drm_virtgpu_3d_transfer_to_host;
struct drm_virtgpu_resource_create;
struct xenlend_transport;

int xenlend_cmd_hello(struct xenlend_transport *t);
int xenlend_cmd_resource_create(struct xenlend_transport *t, u32 res_id, u32 kind, u64 size,
				u32 ctx_id, u32 flags, u64 blob_id);
int xenlend_cmd_resource_destroy(struct xenlend_transport *t, u32 res_id);
int xenlend_cmd_resource_attach(struct xenlend_transport *t, u32 res_id, const u32 *refs,
				unsigned long nr_pages);
int xenlend_cmd_fault(struct xenlend_transport *t, u32 res_id, u64 offset, u64 length,
		      bool write, u32 *grefs, u64 *lent, unsigned long *window_pfn);
int xenlend_cmd_capset_info(struct xenlend_transport *t, u32 index,
			    struct xenlend_capset_info_rsp *info);
int xenlend_cmd_capset(struct xenlend_transport *t, u32 id, u32 version, void *buf, u32 size);
int xenlend_cmd_ctx_create(struct xenlend_transport *t, u32 ctx_id, u32 capset_id,
			   u32 num_rings);
int xenlend_cmd_ctx_destroy(struct xenlend_transport *t, u32 ctx_id);
int xenlend_cmd_ctx_resource(struct xenlend_transport *t, bool attach, u32 ctx_id, u32 res_id);
int xenlend_cmd_submit(struct xenlend_transport *t, u32 ctx_id, u32 ring_idx, u64 fence_id,
		       const void *cmd, u32 size);
bool xenlend_cmd_res3d_valid(const struct drm_virtgpu_resource_create *rc);
int xenlend_cmd_res3d_create(struct xenlend_transport *t, u32 res_id, u32 ctx_id,
			     const struct drm_virtgpu_resource_create *rc);
bool xenlend_cmd_transfer_fits(const struct drm_virtgpu_3d_transfer_to_host *tr);
int xenlend_cmd_transfer(struct xenlend_transport *t, bool to_host, u32 res_id, u32 ctx_id,
			 const struct drm_virtgpu_3d_transfer_to_host *tr);

#endif /* XENLEND_CMDS_H */
