/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: a guest's VRAM window and the device memory lent into it
 * (vram.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_VRAM_H
#define XENLEND_BROKER_VRAM_H

#include <stdint.h>

struct conn;
struct guest_resource;

const char *vram_window_check(uint64_t gfn, uint64_t pages, uint64_t max_gpfn);
void vram_window_read(struct conn *c);
int vram_place(struct conn *c, struct guest_resource *r);
int vram_map(struct conn *c, struct guest_resource *r, uint64_t first, uint64_t n,
	     const uint64_t *frames);
int vram_unmap(struct conn *c, struct guest_resource *r, uint64_t offset, uint64_t length);
int vram_release(struct conn *c, struct guest_resource *r);

#endif /* XENLEND_BROKER_VRAM_H */
