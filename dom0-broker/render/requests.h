/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: the broker's requests and the fences they create
 * (requests.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_REQUESTS_H
#define XENLEND_RENDER_REQUESTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "render_ipc.h"
#include "virgl.h"

/* Given to vr_init(): where signalled fences are reported. */
extern const struct vr_fence_ops req_fence_ops;

void req_init(bool renderer_ok, unsigned int fence_timeout_s, bool ctx0_fences);
void req_handle(const struct xenlend_msg *m, const void *payload, size_t len);
int req_next_deadline_ms(void);
void req_expire(void);
void req_poll_ctx(uint32_t ctx_id);

#endif /* XENLEND_RENDER_REQUESTS_H */
