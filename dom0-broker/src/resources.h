/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: a guest's table of resources (resources.c) and the
 * interfaces the memory behind them comes through.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RESOURCES_H
#define XENLEND_BROKER_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "xenlend_wire.h"

struct guest_state;

/**
 * struct guest_resource - a resource a guest created
 * @res_id: guest-chosen id (0: free slot).
 * @kind: XENLEND_RES_*.
 * @size: bytes.
 * @ctx_id: rendering context.
 * @blob_id: renderer blob id.
 * @fd: the file behind a host resource's memory (a memfd, or what the
 *	render worker exported for a renderer blob), or -1.
 * @fd_offset: where in @fd the memory starts (page aligned; non-zero only
 *	for a renderer blob in a file with a header of the driver's).
 * @map: the broker's mapping of the resource's memory (host resources).
 * @generation: times the test hooks refilled it.
 * @grefs: guest resources: the grant reference of each page (0: not
 *	attached yet).
 * @nr_attached: pages of @grefs attached so far.
 * @mapped: the pages are mapped for the render worker at @map_offset.
 * @map_offset: where the worker maps them (guest_mem.c).
 * @in_renderer: the render worker has it (RES3D_CREATE went there, or it
 *	made the blob) and holds it until told the resource is gone.
 * @shmem: host resources: the memory behind @map is a memfd's (shmem),
 *	which madvise() can zap (MADV_DONTNEED) and free (MADV_REMOVE).
 * @vram: its memory is device memory now: a FAULT maps it into the guest's
 *	VRAM window instead of granting it.
 * @win_page: with @frames, its place in the guest's VRAM window (vram.c).
 * @frames: for a resource placed in the window, the machine frame mapped
 *	at each of its pages there (0: none); NULL otherwise.
 * @win_stamp: with @frames, which placement of the connection it is.
 */
struct guest_resource {
	uint32_t res_id;
	uint32_t kind;
	uint64_t size;
	uint32_t ctx_id;
	uint64_t blob_id;
	int fd;
	uint64_t fd_offset;
	void *map;
	uint32_t generation;
	uint32_t *grefs;
	uint32_t nr_attached;
	bool mapped;
	uint64_t map_offset;
	bool in_renderer;
	bool shmem;
	bool vram;
	uint32_t win_page;
	uint64_t *frames;
	uint64_t win_stamp;
};

/**
 * struct guest_mem_ops - how the render worker gets at a guest resource's
 * pages (guest_mem.c, or a fake)
 * @map: map every page of @r (all attached) for the worker; set
 *	@r->map_offset. 0 or a negative errno.
 * @unmap: undo @map; the worker's own mapping keeps the grants mapped until
 *	it unmaps too.
 */
struct guest_mem_ops {
	int (*map)(void *ctx, struct guest_resource *r);
	void (*unmap)(void *ctx, struct guest_resource *r);
};

/**
 * struct engine_ops - where a guest's resources get their memory and host
 * resources their grants (the lending engine, engine.c, or a fake)
 * @create: back a new resource; 0 or a negative errno.
 * @destroy: release what @create made; everything lent is ended.
 * @grant: lend a page-aligned range of a host resource: write its grant
 *	references to @grefs and set *@window_page to -1, or, for device
 *	memory, map it into the guest's VRAM window and set *@window_page to
 *	the window page of its first page; 0, or a negative errno (-EAGAIN:
 *	retry later).
 */
struct engine_ops {
	int (*create)(void *ctx, struct guest_resource *r);
	void (*destroy)(void *ctx, struct guest_resource *r);
	int (*grant)(void *ctx, struct guest_resource *r, uint64_t offset, uint64_t length,
		     bool write, uint32_t *grefs, uint64_t *seq, int64_t *window_page);
};

/* Told that a resource the renderer has is about to be released. */
typedef void (*guest_forget_fn)(struct guest_state *g, uint32_t res_id);

struct guest_resource *guest_find_resource(struct guest_state *g, uint32_t res_id);
uint32_t guest_resource_check(struct guest_state *g, const struct xenlend_resource_create *c);
uint32_t guest_resource_add(struct guest_state *g, const struct xenlend_resource_create *c,
			    int fd, uint64_t fd_offset);
void guest_resource_release(struct guest_state *g, struct guest_resource *r);
void guest_release_all(struct guest_state *g, guest_forget_fn forget);

#endif /* XENLEND_BROKER_RESOURCES_H */
