/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: valid requests the broker refuses (refusal.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_REFUSAL_H
#define XENLEND_BROKER_REFUSAL_H

#include <stdint.h>

#include "xenlend_wire.h"

struct guest_state;

void guest_refused(struct guest_state *g, const struct xenlend_msg *req, uint32_t status);

#endif /* XENLEND_BROKER_REFUSAL_H */
