/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: a guest's 3D resources and renderer blobs (resources.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_RESOURCES_H
#define XENLEND_RENDER_RESOURCES_H

#include <stdint.h>

#include "render_ipc.h"

void res_create(const struct xenlend_msg *m, const struct render_ipc_backing *backing);
void res_create_blob(const struct xenlend_msg *m);
void res_transfer(const struct xenlend_msg *m);
void res_ctx_attach(const struct xenlend_msg *m);
void res_destroy(uint32_t res_id);
void res_destroy_all(void);

#endif /* XENLEND_RENDER_RESOURCES_H */
