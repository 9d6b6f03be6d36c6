/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: the guest's pages behind guest resources, for its render
 * worker (guest_mem.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_GUEST_MEM_H
#define XENLEND_BROKER_GUEST_MEM_H

#include "resources.h"

struct conn;

extern const struct guest_mem_ops guest_mem_ops;
int guest_mem_open(struct conn *c);
void guest_mem_close(struct conn *c);

#endif /* XENLEND_BROKER_GUEST_MEM_H */
