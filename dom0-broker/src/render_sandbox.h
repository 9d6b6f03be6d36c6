/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the seccomp filter of a render worker (render_sandbox.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RENDER_SANDBOX_H
#define XENLEND_BROKER_RENDER_SANDBOX_H

int render_sandbox_apply(void);

#endif /* XENLEND_BROKER_RENDER_SANDBOX_H */
