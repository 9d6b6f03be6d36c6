/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: messages onto a guest's rings (ring_put.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RING_PUT_H
#define XENLEND_BROKER_RING_PUT_H

#include <stdbool.h>
#include <stdint.h>

#include "xenlend_wire.h"

struct conn;

/* ring_put_evt() flags */
#define RING_EVT_RAW		(1u << 0)	/* send without validating (test hooks) */
#define RING_EVT_LAZY_ANSWER	(1u << 1)	/* its answer needs no wakeup (FENCE) */

int ring_put_evt(struct conn *c, struct xenlend_msg *m, unsigned int flags, uint64_t *id);
void ring_put_ctrl_rsp(void *arg, const struct xenlend_msg *rsp);

#endif /* XENLEND_BROKER_RING_PUT_H */
