/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Memory barriers for Xen's io/ring.h in userspace, as C11 fences (the
 * xen-barrier.h that libxen-dev ships needs GNU C's asm keyword).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RING_COMPAT_H
#define XENLEND_RING_COMPAT_H

#include <stdatomic.h>

#define xen_mb()	atomic_thread_fence(memory_order_seq_cst)
#define xen_rmb()	atomic_thread_fence(memory_order_acquire)
#define xen_wmb()	atomic_thread_fence(memory_order_release)

#endif /* XENLEND_RING_COMPAT_H */
