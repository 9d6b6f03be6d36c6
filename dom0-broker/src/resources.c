// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: a guest's table of resources: lookup, quota checks,
 * creation and release.
 *
 * A resource is memory the guest and the broker share: a host resource is
 * dom0 memory lent through the lending engine, a guest resource the guest's
 * own granted pages. The memory behind it comes from the guest's engine_ops
 * and guest_mem_ops; who else holds a resource (the render worker) is the
 * caller's to tell before it is released. Nothing here touches Xen.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dispatch.h"
#include "resources.h"
#include "xenlend_wire.h"

/**
 * guest_find_resource() - a guest's resource by id
 * @g: the guest; it may have gone (guest_state_fini()): then it has none.
 * @res_id: the guest's id for it.
 *
 * Return: the resource, or NULL.
 */
struct guest_resource *guest_find_resource(struct guest_state *g, uint32_t res_id)
{
	uint32_t i;

	if (!res_id || !g->resources)
		return NULL;
	for (i = 0; i < g->cfg->max_resources; i++)
		if (g->resources[i].res_id == res_id)
			return &g->resources[i];
	return NULL;
}

/**
 * guest_resource_check() - whether a RESOURCE_CREATE can be had now
 * @g: the guest.
 * @c: the request, validated.
 *
 * Return: XENLEND_S_OK, XENLEND_S_EXIST for an id in use or XENLEND_S_QUOTA.
 */
uint32_t guest_resource_check(struct guest_state *g, const struct xenlend_resource_create *c)
{
	uint64_t charged = c->kind == XENLEND_RES_HOST ? g->host_bytes :
								    g->guest_bytes;

	if (guest_find_resource(g, c->res_id))
		return XENLEND_S_EXIST;
	if (g->nr_resources >= g->cfg->max_resources)
		return XENLEND_S_QUOTA;
	if (c->size > g->cfg->max_lent_bytes - charged)
		return XENLEND_S_QUOTA;
	return XENLEND_S_OK;
}

/**
 * guest_resource_add() - make a guest's new resource
 * @g: the guest.
 * @c: its RESOURCE_CREATE, validated.
 * @fd: for a renderer blob, the memory the render worker exported, taken
 *	over (closed if the resource cannot be made); else -1.
 * @fd_offset: where in @fd the blob's memory starts (page aligned); 0
 *	without @fd.
 *
 * Return: a status; XENLEND_S_OK when the resource exists.
 */
uint32_t guest_resource_add(struct guest_state *g, const struct xenlend_resource_create *c,
			    int fd, uint64_t fd_offset)
{
	uint32_t kind = c->kind, status = guest_resource_check(g, c);
	uint64_t size = c->size;
	struct guest_resource *r;
	int err;

	if (status != XENLEND_S_OK)
		goto fail;
	/* nr_resources < max_resources, so a free slot exists. */
	for (r = g->resources; r->res_id; r++)
		;
	if (kind == XENLEND_RES_GUEST) {
		r->grefs = calloc(size >> XENLEND_PAGE_SHIFT, sizeof(*r->grefs));
		if (!r->grefs) {
			status = XENLEND_S_NOMEM;
			goto fail;
		}
	}
	r->res_id = c->res_id;
	r->kind = kind;
	r->size = size;
	r->ctx_id = c->ctx_id;
	r->blob_id = c->blob_id;
	r->fd = fd;
	r->fd_offset = fd_offset;
	/* The worker has the blob: it is told when the resource goes. */
	r->in_renderer = c->flags & XENLEND_CREATE_BLOB;
	if (g->engine) {
		err = g->engine->create(g->engine_ctx, r);
		if (err) {
			fd = r->fd;	/* still ours unless create closed it */
			free(r->grefs);
			memset(r, 0, sizeof(*r));
			status = xenlend_errno_to_status(err);
			goto fail;
		}
	}
	g->nr_resources++;
	if (kind == XENLEND_RES_HOST)
		g->host_bytes += size;
	else
		g->guest_bytes += size;
	return XENLEND_S_OK;

fail:
	if (fd >= 0)
		close(fd);
	return status;
}

/**
 * guest_resource_release() - destroy one resource of a guest
 * @g: the guest.
 * @r: one of its resources. If it went to the renderer (@r->in_renderer),
 *	the caller has told the renderer it is gone already.
 *
 * Its pages are unmapped for the render worker, the memory behind it is
 * destroyed (which ends every grant of it), its file is closed and its size
 * is no longer charged to the guest.
 */
void guest_resource_release(struct guest_state *g, struct guest_resource *r)
{
	if (r->mapped && g->gmem)
		g->gmem->unmap(g->gmem_ctx, r);
	if (g->engine)
		g->engine->destroy(g->engine_ctx, r);
	if (r->fd >= 0)
		close(r->fd);	/* a worker's blob that no lending engine took */
	if (r->kind == XENLEND_RES_HOST)
		g->host_bytes -= r->size;
	else
		g->guest_bytes -= r->size;
	free(r->grefs);
	memset(r, 0, sizeof(*r));
	g->nr_resources--;
}

/**
 * guest_release_all() - destroy every resource of a guest
 * @g: the guest's protocol state.
 * @forget: called with each resource that went to the renderer just before
 *	it is released (render_forget_resource()), or NULL.
 *
 * Resource by resource: told, then released (guest_resource_release()).
 */
void guest_release_all(struct guest_state *g, guest_forget_fn forget)
{
	uint32_t i;

	for (i = 0; g->resources && i < g->cfg->max_resources; i++)
		if (g->resources[i].res_id) {
			if (forget && g->resources[i].in_renderer)
				forget(g, g->resources[i].res_id);
			guest_resource_release(g, &g->resources[i]);
		}
}
