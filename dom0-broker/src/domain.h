/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: acting on a guest's domain through libxenctrl (domain.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_DOMAIN_H
#define XENLEND_BROKER_DOMAIN_H

#include <stdbool.h>
#include <stdint.h>

int domain_stop(int domid, const char *why);
int domain_max_gpfn(int domid, uint64_t *gpfn);
bool domain_translated(int domid);
int domain_map_frames(int domid, uint64_t gfn, uint64_t mfn, uint64_t nr);
int domain_unmap_frames(int domid, uint64_t gfn, uint64_t mfn, uint64_t nr);

#endif /* XENLEND_BROKER_DOMAIN_H */
