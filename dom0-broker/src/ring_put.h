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

int ring_put_evt(struct conn *c, struct xenlend_msg *m, bool raw, uint64_t *id);
void ring_put_ctrl_rsp(void *arg, const struct xenlend_msg *rsp);

#endif /* XENLEND_BROKER_RING_PUT_H */
