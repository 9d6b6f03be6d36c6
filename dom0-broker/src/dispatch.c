// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: control ring requests, one at a time, for one guest.
 *
 * Nothing here touches Xen: the caller copies a request off the ring, this
 * file decides the response, and the caller puts it on the ring. That keeps
 * the guest-facing logic unit-testable and fuzzable on any host.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "refusal.h"
#include "render.h"
#include "resources.h"
#include "xenlend_wire.h"
#include "msgs.h"

/**
 * guest_state_init() - protocol state of a guest that has not said HELLO yet
 * @g: the state to initialise.
 * @domid: the guest.
 * @nr_bulk_pages: bulk pages it published in xenstore.
 * @cfg: the broker's configuration (quotas); must outlive @g.
 *
 * The caller sets the memory interfaces (@g->engine, @g->gmem), the bulk
 * pages and the renderer hooks afterwards.
 *
 * Return: 0 or -ENOMEM.
 */
int guest_state_init(struct guest_state *g, int domid, uint32_t nr_bulk_pages,
		     const struct broker_config *cfg)
{
	memset(g, 0, sizeof(*g));
	g->domid = domid;
	g->nr_bulk_pages = nr_bulk_pages;
	g->cfg = cfg;
	g->resources = calloc(cfg->max_resources, sizeof(*g->resources));
	if (!g->resources || render_init(&g->render)) {
		free(g->resources);
		g->resources = NULL;
		return -ENOMEM;
	}
	return 0;
}

/**
 * guest_state_fini() - release everything a guest has
 * @g: the state; it may be used with guest_state_init() again.
 *
 * Every resource is released, the renderer told first about those it has
 * (guest_release_all()), and the renderer state is dropped; the caller
 * stops the render worker.
 */
void guest_state_fini(struct guest_state *g)
{
	guest_release_all(g, render_forget_resource);
	free(g->resources);
	g->resources = NULL;
	g->nr_resources = 0;
	g->hello_done = false;
	render_fini(&g->render);
}

static uint32_t do_hello(struct guest_state *g, const struct xenlend_msg *req,
			 struct xenlend_msg *rsp)
{
	const struct xenlend_hello *h = &req->u.hello;
	uint32_t version, status;

	status = xenlend_hello_pick_version(h, &version);
	if (status != XENLEND_S_OK) {
		log_guest(g->domid, LOG_WARN, "rejected HELLO: guest speaks v%u..v%u, we speak v1",
			  h->version_min, h->version_max);
		return status;
	}
	if (g->hello_done) {
		log_guest(g->domid, LOG_WARN, "rejected HELLO: already connected");
		return XENLEND_S_PROTO;
	}
	if (h->nr_bulk_pages != g->nr_bulk_pages) {
		log_guest(g->domid, LOG_WARN,
			  "rejected HELLO: %u bulk pages, but %u published in xenstore",
			  h->nr_bulk_pages, g->nr_bulk_pages);
		return XENLEND_S_INVAL;
	}
	g->hello_done = true;
	g->version = version;
	g->features = h->features &
		      (g->render.fd >= 0 || g->render_start ? XENLEND_F_RENDER : 0);
	msg_hello_rsp(rsp, req, version, g->features, g->cfg->max_lent_bytes,
		      g->cfg->max_resources);
	log_guest(g->domid, LOG_INFO, "HELLO: connected, protocol v%u, %u bulk pages%s",
		  version, g->nr_bulk_pages,
		  g->features & XENLEND_F_RENDER ? ", renderer" : "");
	return XENLEND_S_OK;
}

static uint32_t do_create(struct guest_state *g, const struct xenlend_msg *req,
			  struct xenlend_msg *rsp)
{
	(void)rsp;	/* no body */
	return guest_resource_add(g, &req->u.create, -1, 0);
}

static uint32_t do_destroy(struct guest_state *g, const struct xenlend_msg *req,
			   struct xenlend_msg *rsp)
{
	struct guest_resource *r = guest_find_resource(g, req->u.destroy.res_id);

	(void)rsp;	/* no body */
	if (!r)
		return XENLEND_S_NOENT;
	/* The renderer first: it unmaps before the memory goes. */
	if (r->in_renderer)
		render_forget_resource(g, r->res_id);
	guest_resource_release(g, r);
	return XENLEND_S_OK;
}

static uint32_t do_attach(struct guest_state *g, const struct xenlend_msg *req,
			  struct xenlend_msg *rsp)
{
	const struct xenlend_resource_attach *a = &req->u.attach;
	struct guest_resource *r = guest_find_resource(g, a->res_id);
	uint32_t first = a->first_page, n = a->nr_grefs;
	uint32_t bulk_idx = a->bulk_idx, refs[XENLEND_GREFS_PER_BULK_PAGE];
	uint32_t i;

	(void)rsp;	/* no body */
	if (!r)
		return XENLEND_S_NOENT;
	if (r->kind != XENLEND_RES_GUEST)
		return XENLEND_S_INVAL;
	if (first >= r->size >> XENLEND_PAGE_SHIFT || n > (r->size >> XENLEND_PAGE_SHIFT) - first)
		return XENLEND_S_RANGE;
	if (bulk_idx >= g->nr_bulk_pages || !g->bulk)
		return XENLEND_S_INVAL;
	/* One copy: the guest can rewrite its page at any time. */
	memcpy(refs, (char *)g->bulk + (size_t)bulk_idx * XENLEND_PAGE_SIZE, n * sizeof(*refs));
	for (i = 0; i < n; i++) {
		/* Reference 0 is never a guest's to grant; it marks a hole here. */
		if (!refs[i])
			return XENLEND_S_INVAL;
		if (r->grefs[first + i])
			return XENLEND_S_EXIST;
	}
	for (i = 0; i < n; i++)
		r->grefs[first + i] = refs[i];
	r->nr_attached += n;
	return XENLEND_S_OK;
}

static uint32_t do_fault(struct guest_state *g, const struct xenlend_msg *req,
			 struct xenlend_msg *rsp)
{
	const struct xenlend_fault *f = &req->u.fault;
	struct guest_resource *r = guest_find_resource(g, f->res_id);
	uint64_t off = f->offset, len = f->length, seq = 0;
	uint32_t bulk_idx = f->bulk_idx, nr = (uint32_t)(len >> XENLEND_PAGE_SHIFT);
	uint32_t grefs[XENLEND_FAULT_MAX_BYTES / XENLEND_PAGE_SIZE];
	int64_t window_page = -1;
	uint32_t *slot;
	uint32_t i;
	int err;

	if (!r)
		return XENLEND_S_NOENT;
	if (r->kind != XENLEND_RES_HOST)
		return XENLEND_S_INVAL;
	if (off >= r->size || len > r->size - off)
		return XENLEND_S_RANGE;
	if (bulk_idx >= g->nr_bulk_pages)
		return XENLEND_S_INVAL;
	if (!g->engine || !g->bulk)
		return XENLEND_S_NOTSUP;
	err = g->engine->grant(g->engine_ctx, r, off, len,
			       f->access & XENLEND_ACCESS_WRITE, grefs, &seq, &window_page);
	if (err)
		return xenlend_errno_to_status(err);

	if (window_page >= 0) {
		msg_fault_rsp(rsp, req, len, seq, window_page);
	} else {
		slot = (uint32_t *)((char *)g->bulk + (size_t)bulk_idx * XENLEND_PAGE_SIZE);
		for (i = 0; i < nr; i++)
			slot[i] = grefs[i];
		msg_fault_rsp(rsp, req, len, seq, -1);
	}
	g->stats_faults++;
	g->stats_fault_pages += nr;
	return XENLEND_S_OK;
}

/*
 * The requests the broker answers itself, by type; xenlend_msg_by_renderer()
 * names the renderer's. A handler fills the body of @rsp, which starts as
 * an OK response, and returns a status; any other status than
 * XENLEND_S_OK makes @rsp an error response without a body.
 */
static uint32_t (*const handlers[])(struct guest_state *g, const struct xenlend_msg *req,
				    struct xenlend_msg *rsp) = {
	[XENLEND_T_RESOURCE_CREATE] = do_create,
	[XENLEND_T_RESOURCE_DESTROY] = do_destroy,
	[XENLEND_T_RESOURCE_ATTACH] = do_attach,
	[XENLEND_T_FAULT] = do_fault,
};

/**
 * dispatch_ctrl() - answer one control ring request
 * @g: the guest's protocol state.
 * @req: the request, copied off the ring, not yet validated.
 * @rsp: receives the response unless the request went to the renderer;
 *	its id echoes @req's.
 *
 * Malformed requests and requests out of sequence are answered with an error
 * status and logged with the reason; the connection stays up. Renderer
 * requests are answered later, when the guest's render worker answers
 * (render_read()).
 *
 * Return: true when @rsp holds the response, false when it comes later.
 */
bool dispatch_ctrl(struct guest_state *g, const struct xenlend_msg *req,
		   struct xenlend_msg *rsp)
{
	struct xenlend_verdict v = xenlend_msg_check(req, XENLEND_Q_CTRL_REQ);
	uint16_t type = xenlend_msg_type(req);
	uint32_t status;

	g->stats_requests++;
	if (v.status != XENLEND_S_OK) {
		g->stats_rejected++;
		log_guest(g->domid, LOG_WARN, "rejected request type %#x (%s) id %llu: %s",
			  type, xenlend_type_name(type), xenlend_msg_id(req), v.why);
		xenlend_msg_init_rsp(rsp, req, v.status);
		return true;
	}
	if (type == XENLEND_T_HELLO) {
		status = do_hello(g, req, rsp);
		if (status != XENLEND_S_OK) {
			g->stats_rejected++;
			xenlend_msg_init_rsp(rsp, req, status);
		}
		return true;
	}
	if (!g->hello_done) {
		g->stats_rejected++;
		log_guest(g->domid, LOG_WARN, "rejected %s id %llu: request before HELLO",
			  xenlend_type_name(type), xenlend_msg_id(req));
		xenlend_msg_init_rsp(rsp, req, XENLEND_S_PROTO);
		return true;
	}

	/* A renderer blob's memory is the renderer's to allocate. */
	if (xenlend_msg_by_renderer(req))
		return !render_request(g, req, rsp);
	status = XENLEND_S_PROTO;
	if (type < ARRAY_SIZE(handlers) && handlers[type]) {
		xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
		status = handlers[type](g, req, rsp);
		if (status == XENLEND_S_OK)
			return true;
	}
	guest_refused(g, req, status);
	xenlend_msg_init_rsp(rsp, req, status);
	return true;
}
