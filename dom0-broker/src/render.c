// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: a guest's renderer requests, through its render worker.
 *
 * The broker never renders itself: it checks a guest's CAPSET_INFO, CAPSET,
 * CTX_CREATE, CTX_DESTROY, SUBMIT, RES3D_CREATE, TRANSFER_*, CTX_ATTACH,
 * CTX_DETACH and NOP against what it knows of the guest's contexts and resources,
 * forwards them to the guest's worker (render_ipc.h) and answers the guest
 * when the worker does.
 * A guest resource's pages are mapped for the worker (guest_mem.c) when it
 * becomes a renderer resource, and the worker is told when it goes.
 * Meanwhile the guest's FAULTs are served: a slow renderer never holds up
 * lending or revocation.
 *
 * The worker runs guest-controlled GPU code and is trusted no more than the
 * guest: a packet it gets wrong (a response nobody asked for, a fence never
 * submitted, a capability set larger than announced) counts as the worker
 * failing. Then every pending request fails with XENLEND_S_IO and every
 * submitted fence completes with that error, so the guest never waits for a
 * renderer that is gone. The guest's next renderer request starts a new
 * worker, a few times per connection: contexts of the old one stay unknown
 * to it, new ones work.
 *
 * Nothing here touches Xen; the caller passes a function that puts a
 * response on the guest's control ring.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "dispatch.h"
#include "log.h"
#include "refusal.h"
#include "render.h"
#include "render_ipc.h"
#include "resources.h"
#include "xenlend_wire.h"
#include "msgs.h"

/**
 * render_init() - renderer state of a guest without a worker yet
 * @r: the state.
 *
 * Return: 0 or -ENOMEM.
 */
int render_init(struct render_state *r)
{
	memset(r, 0, sizeof(*r));
	r->fd = -1;
	r->ctxs = calloc(RENDER_MAX_CONTEXTS, sizeof(*r->ctxs));
	return r->ctxs ? 0 : -ENOMEM;
}

/**
 * render_fini() - forget everything; the caller stops the worker
 * @r: the state.
 */
void render_fini(struct render_state *r)
{
	free(r->ctxs);
	memset(r, 0, sizeof(*r));
	r->fd = -1;
}

static struct render_ctx *find_ctx(struct render_state *r, uint32_t ctx_id)
{
	unsigned int i;

	for (i = 0; ctx_id && i < RENDER_MAX_CONTEXTS; i++)
		if (r->ctxs[i].ctx_id == ctx_id)
			return &r->ctxs[i];
	return NULL;
}

static struct render_ctx *free_ctx(struct render_state *r)
{
	unsigned int i;

	for (i = 0; i < RENDER_MAX_CONTEXTS; i++)
		if (!r->ctxs[i].ctx_id)
			return &r->ctxs[i];
	return NULL;
}

static struct render_pending *find_pending(struct render_state *r, uint64_t id)
{
	unsigned int i;

	for (i = 0; i < RENDER_MAX_PENDING; i++)
		if (r->pending[i].id == id)
			return &r->pending[i];
	return NULL;
}

/* Send one packet: @m and @len bytes of @payload. 0, or a status. */
static uint32_t send_packet(struct render_state *r, const struct xenlend_msg *m,
			    const void *payload, size_t len)
{
	struct iovec iov[2] = {
		{ .iov_base = (void *)m, .iov_len = sizeof(*m) },
		{ .iov_base = (void *)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len ? 2 : 1 };

	if (sendmsg(r->fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL) >= 0)
		return XENLEND_S_OK;
	return errno == EAGAIN || errno == EWOULDBLOCK ? XENLEND_S_BUSY : XENLEND_S_IO;
}

/* A context a resource request names: 0 (none) or one of the guest's. */
static uint32_t check_ctx_ref(struct render_state *r, uint32_t ctx_id)
{
	struct render_ctx *ctx;

	if (!ctx_id)
		return XENLEND_S_OK;
	ctx = find_ctx(r, ctx_id);
	if (!ctx)
		return XENLEND_S_NOENT;
	return ctx->dead ? XENLEND_S_IO : XENLEND_S_OK;
}

/* RES3D_CREATE: a guest resource, whole, new to the renderer, mapped for it. */
static uint32_t check_res3d(struct guest_state *g, const struct xenlend_res3d_create *c)
{
	struct guest_resource *res = guest_find_resource(g, c->res_id);
	uint32_t status = check_ctx_ref(&g->render, c->ctx_id);
	int err;

	if (status != XENLEND_S_OK)
		return status;
	if (!res)
		return XENLEND_S_NOENT;
	if (res->kind != XENLEND_RES_GUEST || res->nr_attached != res->size >> XENLEND_PAGE_SHIFT)
		return XENLEND_S_INVAL;
	if (res->in_renderer)
		return XENLEND_S_EXIST;
	if (!g->gmem)
		return XENLEND_S_NOTSUP;
	if (!res->mapped) {
		err = g->gmem->map(g->gmem_ctx, res);
		if (err)
			return xenlend_errno_to_status(err);
		res->mapped = true;
	}
	return XENLEND_S_OK;
}

/*
 * RESOURCE_CREATE of a renderer blob: in a context of the guest's, and one
 * the guest maps (lent memory is mapped memory). The id and quota are
 * checked again when the worker has made it: creates in flight may race.
 */
static uint32_t check_blob(struct guest_state *g, const struct xenlend_resource_create *c)
{
	uint32_t status = check_ctx_ref(&g->render, c->ctx_id);

	if (status != XENLEND_S_OK)
		return status;
	if (!(c->flags & XENLEND_CREATE_MAPPABLE) || !g->engine)
		return XENLEND_S_NOTSUP;
	return guest_resource_check(g, c);
}

/* TRANSFER_*: a resource the renderer has, inside its backing store. */
static uint32_t check_transfer(struct guest_state *g, const struct xenlend_transfer *t)
{
	struct guest_resource *res = guest_find_resource(g, t->res_id);
	uint32_t status = check_ctx_ref(&g->render, t->ctx_id);

	if (status != XENLEND_S_OK)
		return status;
	if (!res || !res->in_renderer)
		return XENLEND_S_NOENT;
	/* The renderer checks the box against the backing store, exactly. */
	if (t->offset >= res->size)
		return XENLEND_S_RANGE;
	return XENLEND_S_OK;
}

/* CTX_ATTACH/CTX_DETACH: a live context of the guest's, a resource the renderer has. */
static uint32_t check_ctx_resource(struct guest_state *g, const struct xenlend_ctx_resource *a)
{
	struct guest_resource *res = guest_find_resource(g, a->res_id);
	uint32_t status = check_ctx_ref(&g->render, a->ctx_id);

	if (status != XENLEND_S_OK)
		return status;
	return res && res->in_renderer ? XENLEND_S_OK : XENLEND_S_NOENT;
}

/* Check a request against the guest's contexts; a status. */
static uint32_t check_request(struct guest_state *g, const struct xenlend_msg *req)
{
	struct render_state *r = &g->render;
	const struct xenlend_submit *s = &req->u.submit;
	struct render_ctx *ctx;
	uint32_t ring;

	switch (xenlend_msg_type(req)) {
	case XENLEND_T_RESOURCE_CREATE:
		return check_blob(g, &req->u.create);
	case XENLEND_T_RES3D_CREATE:
		return check_res3d(g, &req->u.res3d_create);
	case XENLEND_T_TRANSFER_TO_HOST:
	case XENLEND_T_TRANSFER_FROM_HOST:
		return check_transfer(g, &req->u.transfer);
	case XENLEND_T_CTX_ATTACH:
	case XENLEND_T_CTX_DETACH:
		return check_ctx_resource(g, &req->u.ctx_res);
	case XENLEND_T_CAPSET:
		if (req->u.capset.bulk_idx >= g->nr_bulk_pages || !g->bulk)
			return XENLEND_S_INVAL;
		return XENLEND_S_OK;
	case XENLEND_T_CTX_CREATE:
		ctx = find_ctx(r, req->u.ctx_create.ctx_id);
		if (ctx && !ctx->dead)
			return XENLEND_S_EXIST;
		if (!ctx && !free_ctx(r))
			return XENLEND_S_QUOTA;
		return XENLEND_S_OK;
	case XENLEND_T_CTX_DESTROY:
		return find_ctx(r, req->u.ctx_destroy.ctx_id) ? XENLEND_S_OK
									    : XENLEND_S_NOENT;
	case XENLEND_T_SUBMIT:
		ctx = find_ctx(r, s->ctx_id);
		if (!ctx)
			return XENLEND_S_NOENT;
		if (ctx->dead)
			return XENLEND_S_IO;
		if (s->bulk_idx >= g->nr_bulk_pages || !g->bulk)
			return XENLEND_S_INVAL;
		ring = s->ring_idx;
		if (ring >= ctx->num_rings)
			return XENLEND_S_RANGE;
		if ((s->flags & XENLEND_SUBMIT_FENCE) &&
		    s->fence_id <= ctx->submitted[ring])
			return XENLEND_S_INVAL;
		return XENLEND_S_OK;
	default:
		return XENLEND_S_OK;
	}
}

/**
 * render_request() - a guest's renderer request, already validated
 * @g: the guest.
 * @req: CAPSET_INFO, CAPSET, CTX_CREATE, CTX_DESTROY, SUBMIT, RES3D_CREATE,
 *	TRANSFER_TO_HOST, TRANSFER_FROM_HOST, CTX_ATTACH, CTX_DETACH or NOP.
 * @rsp: receives the response when it is answered at once.
 *
 * Return: true when the request went to the worker and its response comes
 * later through render_read(); false when @rsp holds the answer.
 */
bool render_request(struct guest_state *g, const struct xenlend_msg *req,
		    struct xenlend_msg *rsp)
{
	struct render_state *r = &g->render;
	uint8_t chunk[RENDER_IPC_MAX_PAYLOAD];
	struct render_ipc_backing backing;
	struct guest_resource *res = NULL;
	const void *payload = chunk;
	struct render_pending *p;
	struct xenlend_msg fwd;
	size_t len = 0;
	uint32_t status;

	if (r->fd < 0 && (g->features & XENLEND_F_RENDER) && g->render_start &&
	    (!r->failed || r->restarts < RENDER_MAX_RESTARTS)) {
		if (r->failed) {
			/* Its contexts are gone; new ones can work. */
			r->restarts++;
			log_guest(g->domid, LOG_WARN, "starting a new render worker (%u of %u)",
				  r->restarts, RENDER_MAX_RESTARTS);
		}
		r->failed = g->render_start(g->render_arg) != 0;
	}
	if (r->failed)
		status = XENLEND_S_IO;
	else if (!(g->features & XENLEND_F_RENDER) || r->fd < 0)
		status = XENLEND_S_NOTSUP;
	else
		status = check_request(g, req);
	if (status == XENLEND_S_OK && xenlend_msg_type(req) == XENLEND_T_CTX_DESTROY) {
		struct render_ctx *dead = find_ctx(r, req->u.ctx_destroy.ctx_id);

		if (dead->dead) {
			/* Its worker is gone already: nothing to destroy there. */
			memset(dead, 0, sizeof(*dead));
			r->nr_ctxs--;
			xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
			return false;
		}
	}
	p = find_pending(r, 0);	/* a free slot */
	if (status == XENLEND_S_OK && !p)
		status = XENLEND_S_BUSY;
	if (status != XENLEND_S_OK)
		goto answer;

	fwd = *req;
	fwd.hdr.id = ++r->next_id;
	if (xenlend_msg_type(req) == XENLEND_T_CAPSET) {
		fwd.u.capset.bulk_idx = 0;
	} else if (xenlend_msg_type(req) == XENLEND_T_SUBMIT) {
		/* One copy: the guest can rewrite its page at any time. */
		len = req->u.submit.length;
		memcpy(chunk, (char *)g->bulk +
		       (size_t)req->u.submit.bulk_idx * XENLEND_PAGE_SIZE, len);
		fwd.u.submit.bulk_idx = 0;
	} else if (xenlend_msg_type(req) == XENLEND_T_RES3D_CREATE) {
		res = guest_find_resource(g, req->u.res3d_create.res_id);
		backing.offset = res->map_offset;
		backing.size = res->size;
		payload = &backing;
		len = sizeof(backing);
	}
	status = send_packet(r, &fwd, payload, len);
	if (status == XENLEND_S_IO && g->render_stop) {
		/*
		 * The worker died and its end of the socket is gone before the
		 * event loop saw it: fail it now, so that the guest's next
		 * request gets a new one instead of this dead socket.
		 */
		render_fail(g, "its socket failed", g->render_emit, g->render_arg);
		g->render_stop(g->render_arg);
	}
	if (status != XENLEND_S_OK)
		goto answer;
	if (xenlend_msg_type(req) == XENLEND_T_RES3D_CREATE)
		res->in_renderer = true;	/* from now on the worker may map it */
	p->id = fwd.hdr.id;
	p->req = *req;
	p->deadline = now_ms() + RENDER_REQUEST_TIMEOUT_MS;
	if (xenlend_msg_type(req) == XENLEND_T_SUBMIT &&
	    (req->u.submit.flags & XENLEND_SUBMIT_FENCE)) {
		struct render_ctx *ctx = find_ctx(r, req->u.submit.ctx_id);

		ctx->submitted[req->u.submit.ring_idx] =
			req->u.submit.fence_id;
		r->stats_submits++;
	}
	return true;

answer:
	guest_refused(g, req, status);
	xenlend_msg_init_rsp(rsp, req, status);
	return false;
}

/**
 * render_forget_resource() - tell the worker a guest resource is gone
 * @g: the guest.
 * @res_id: a resource that went to the worker with RES3D_CREATE.
 *
 * The worker drops its renderer resource and unmaps the guest's pages; it
 * does not answer. A worker that is gone or cannot take the packet keeps
 * the pages mapped until it exits (the guest's grants stay in use so long,
 * which the guest copes with: it defers reusing such pages).
 */
void render_forget_resource(struct guest_state *g, uint32_t res_id)
{
	struct render_state *r = &g->render;
	struct xenlend_msg m;

	if (r->fd < 0 || r->failed)
		return;
	msg_resource_destroy(&m, res_id);
	if (send_packet(r, &m, NULL, 0) != XENLEND_S_OK)
		log_guest(g->domid, LOG_WARN,
			  "render worker not told that resource %u is gone: it keeps it mapped",
			  res_id);
}

/* Every fence submitted on @ctx and not completed completes with @error. */
static void ctx_fail_fences(struct render_ctx *ctx, uint32_t error)
{
	uint32_t i;

	for (i = 0; i < ctx->num_rings; i++) {
		if (ctx->completed[i] >= ctx->submitted[i])
			continue;
		ctx->completed[i] = ctx->submitted[i];
		if (!ctx->error[i])
			ctx->error[i] = error;
	}
}

/**
 * render_fail() - the worker is gone or broke its protocol
 * @g: the guest.
 * @why: for the log.
 * @emit: puts a response on the guest's control ring.
 * @arg: argument of @emit.
 *
 * Answers every pending request with XENLEND_S_IO and completes every
 * submitted fence with that error. Further requests fail the same way.
 */
void render_fail(struct guest_state *g, const char *why, render_emit_fn emit, void *arg)
{
	struct render_state *r = &g->render;
	struct xenlend_msg rsp;
	unsigned int i;

	if (r->failed)
		return;
	log_guest(g->domid, LOG_WARN, "render worker failed: %s", why);
	r->failed = true;
	for (i = 0; i < RENDER_MAX_PENDING; i++) {
		if (!r->pending[i].id)
			continue;
		xenlend_msg_init_rsp(&rsp, &r->pending[i].req, XENLEND_S_IO);
		emit(arg, &rsp);
		r->pending[i].id = 0;
	}
	for (i = 0; i < RENDER_MAX_CONTEXTS; i++) {
		if (!r->ctxs[i].ctx_id)
			continue;
		ctx_fail_fences(&r->ctxs[i], XENLEND_S_IO);
		r->ctxs[i].dead = true;
	}
}

/* A FENCE from the worker; false if it is a lie. */
static bool worker_fence(struct render_state *r, const struct xenlend_msg *m)
{
	const struct xenlend_fence *f = &m->u.fence;
	struct render_ctx *ctx = find_ctx(r, f->ctx_id);
	uint32_t ring = f->ring_idx;
	uint64_t id = f->fence_id;

	if (!ctx || ring >= ctx->num_rings || id > ctx->submitted[ring])
		return false;
	if (id > ctx->completed[ring])
		ctx->completed[ring] = id;
	if (f->error && !ctx->error[ring])
		ctx->error[ring] = f->error;
	r->stats_fences++;
	return true;
}

/*
 * A response from the worker to @p; false if it does not fit. @fd is the
 * file that came with it, or -1: only a renderer blob's RESOURCE_CREATE
 * answered OK comes with one (and with where in it the blob is), which is
 * then taken (*@fd = -1).
 */
static bool worker_response(struct guest_state *g, struct render_pending *p,
			    const struct xenlend_msg *m, const uint8_t *payload, size_t len,
			    int *fd, struct xenlend_msg *rsp)
{
	struct render_state *r = &g->render;
	uint16_t type = xenlend_msg_type(&p->req);
	uint32_t status = xenlend_msg_status(m), bulk_idx, size;
	bool blob = status == XENLEND_S_OK && type == XENLEND_T_RESOURCE_CREATE;
	struct render_ipc_backing where;
	struct render_ctx *ctx;

	if (xenlend_msg_type(m) != (type | XENLEND_T_RESPONSE))
		return false;
	if ((status != XENLEND_S_OK || type != XENLEND_T_CAPSET) && len != (blob ? sizeof(where) : 0))
		return false;
	if ((*fd >= 0) != blob)
		return false;
	*rsp = *m;
	rsp->hdr.id = p->req.hdr.id;

	switch (type) {
	case XENLEND_T_RESOURCE_CREATE:
		if (status != XENLEND_S_OK)
			break;
		memcpy(&where, payload, sizeof(where));
		if ((where.offset & (XENLEND_PAGE_SIZE - 1)) ||
		    where.size != p->req.u.create.size)
			return false;	/* *@fd is closed by the caller */
		status = guest_resource_add(g, &p->req.u.create, *fd, where.offset);
		*fd = -1;
		if (status != XENLEND_S_OK) {
			/* The worker made a blob the guest will never have. */
			render_forget_resource(g, p->req.u.create.res_id);
			xenlend_msg_init_rsp(rsp, &p->req, status);
		}
		break;
	case XENLEND_T_CAPSET:
		if (status != XENLEND_S_OK)
			break;
		size = m->u.capset_rsp.size;
		if (size != len || m->u.capset_rsp.capset_id != p->req.u.capset.capset_id ||
		    m->u.capset_rsp.version != p->req.u.capset.version)
			return false;
		bulk_idx = p->req.u.capset.bulk_idx;
		memcpy((char *)g->bulk + (size_t)bulk_idx * XENLEND_PAGE_SIZE, payload, len);
		rsp->u.capset_rsp.bulk_idx = p->req.u.capset.bulk_idx;
		break;
	case XENLEND_T_NOP:
		/* The guest checks the cookie too; a worker that changes it is broken. */
		if (status == XENLEND_S_OK && m->u.nop.cookie != p->req.u.nop.cookie)
			return false;
		break;
	case XENLEND_T_CTX_CREATE:
		if (status != XENLEND_S_OK)
			break;
		/*
		 * Creates in flight together may have raced for one id or for
		 * the last slot; the worker took both. It keeps the refused
		 * one until it exits (it caps contexts itself).
		 */
		ctx = find_ctx(r, p->req.u.ctx_create.ctx_id);
		if (ctx && !ctx->dead) {
			xenlend_msg_init_rsp(rsp, &p->req, XENLEND_S_EXIST);
			break;
		}
		if (ctx)
			r->nr_ctxs--;	/* the dead one it replaces */
		else
			ctx = free_ctx(r);
		if (!ctx) {
			xenlend_msg_init_rsp(rsp, &p->req, XENLEND_S_QUOTA);
			break;
		}
		memset(ctx, 0, sizeof(*ctx));
		ctx->ctx_id = p->req.u.ctx_create.ctx_id;
		ctx->capset_id = p->req.u.ctx_create.capset_id;
		ctx->num_rings = p->req.u.ctx_create.num_rings;
		r->nr_ctxs++;
		break;
	case XENLEND_T_CTX_DESTROY:
		ctx = find_ctx(r, p->req.u.ctx_destroy.ctx_id);
		if (ctx) {
			memset(ctx, 0, sizeof(*ctx));
			r->nr_ctxs--;
		}
		break;
	default:
		break;
	}
	return true;
}

/* One packet from the worker; false if the worker broke the protocol. */
static bool worker_packet(struct guest_state *g, const uint8_t *buf, size_t n, int *fd,
			  render_emit_fn emit, void *arg)
{
	struct render_state *r = &g->render;
	struct xenlend_msg m, rsp;
	struct render_pending *p;
	struct xenlend_verdict v;

	if (n < sizeof(m))
		return false;
	memcpy(&m, buf, sizeof(m));
	if (xenlend_msg_type(&m) == XENLEND_T_FENCE) {
		v = xenlend_msg_check(&m, XENLEND_Q_EVT_REQ);
		return v.status == XENLEND_S_OK && n == sizeof(m) && *fd < 0 &&
		       worker_fence(r, &m);
	}
	v = xenlend_msg_check(&m, XENLEND_Q_CTRL_RSP);
	p = xenlend_msg_id(&m) ? find_pending(r, xenlend_msg_id(&m)) : NULL;
	if (v.status != XENLEND_S_OK || !p)
		return false;
	if (!worker_response(g, p, &m, buf + sizeof(m), n - sizeof(m), fd, &rsp))
		return false;
	p->id = 0;
	emit(arg, &rsp);
	return true;
}

/*
 * recv() of one packet and the file descriptor that may come with it: *@fd
 * is -1 without one, -2 when more came or the control data was cut (those
 * are closed: a packet carries one file at most).
 */
static ssize_t recv_packet(int sock, uint8_t *buf, size_t size, int *fd)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *c;
	ssize_t n;
	size_t i, nfds;

	*fd = -1;
	n = recvmsg(sock, &mh, MSG_DONTWAIT | MSG_TRUNC | MSG_CMSG_CLOEXEC);
	if (n < 0)
		return n;
	for (c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < nfds; i++) {
			int got;

			memcpy(&got, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
			if (*fd == -1) {
				*fd = got;
			} else {
				close(got);
				if (*fd >= 0)
					close(*fd);
				*fd = -2;
			}
		}
	}
	if (mh.msg_flags & MSG_CTRUNC) {
		if (*fd >= 0)
			close(*fd);
		*fd = -2;
	}
	return n;
}

/**
 * render_read() - take every packet the worker has sent
 * @g: the guest.
 * @emit: puts a response on the guest's control ring.
 * @arg: argument of @emit.
 *
 * Answers the guest's requests the worker answered and records completed
 * fences (render_next_fence() hands them out). A worker that closed its
 * socket or broke the protocol fails (render_fail()).
 *
 * Return: 0, or -EPIPE once the worker failed.
 */
int render_read(struct guest_state *g, render_emit_fn emit, void *arg)
{
	struct render_state *r = &g->render;
	uint8_t buf[RENDER_IPC_MAX_PACKET];
	unsigned int budget = RENDER_READ_BUDGET;
	bool ok;
	ssize_t n;
	int fd;

	if (r->fd < 0 || r->failed)
		return r->failed ? -EPIPE : 0;
	/* A budget per call: a worker must not keep the broker to itself. */
	while (budget--) {
		n = recv_packet(r->fd, buf, sizeof(buf), &fd);
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return 0;
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			render_fail(g, n ? strerror(errno) : "it closed its socket", emit, arg);
			return -EPIPE;
		}
		ok = (size_t)n <= sizeof(buf) && fd != -2 &&
		     worker_packet(g, buf, (size_t)n, &fd, emit, arg);
		if (fd >= 0)
			close(fd);
		if (!ok) {
			render_fail(g, "it sent a packet that does not fit the protocol", emit,
				    arg);
			return -EPIPE;
		}
	}
	return 0;	/* the rest next time: the socket stays readable */
}

/**
 * render_expire() - fail a worker that leaves a request unanswered too long
 * @g: the guest.
 * @now: the time, ms (monotonic).
 * @emit: puts a response on the guest's control ring.
 * @arg: argument of @emit.
 *
 * A worker that hangs (in guest-controlled GPU work, say) would otherwise
 * hold the guest's ring slots and bulk pages for good: past
 * RENDER_REQUEST_TIMEOUT_MS it counts as failed.
 *
 * Return: the next deadline (ms), UINT64_MAX for none; 0 when the worker
 * just failed and must be stopped.
 */
uint64_t render_expire(struct guest_state *g, uint64_t now, render_emit_fn emit, void *arg)
{
	struct render_state *r = &g->render;
	uint64_t next = UINT64_MAX;
	unsigned int i;

	if (r->failed || r->fd < 0)
		return UINT64_MAX;
	for (i = 0; i < RENDER_MAX_PENDING; i++) {
		if (!r->pending[i].id)
			continue;
		if (r->pending[i].deadline <= now) {
			render_fail(g, "a request went unanswered for too long", emit, arg);
			return 0;
		}
		if (r->pending[i].deadline < next)
			next = r->pending[i].deadline;
	}
	return next;
}

/**
 * render_next_fence() - the next FENCE event the guest has to get
 * @g: the guest.
 * @m: receives the FENCE request (id 0).
 *
 * The event is not marked as told: call render_fence_sent() once it is on
 * the event ring. Completions of one ring are merged into one event.
 *
 * Return: true when @m holds an event.
 */
bool render_next_fence(struct guest_state *g, struct xenlend_msg *m)
{
	struct render_state *r = &g->render;
	struct render_ctx *ctx;
	unsigned int i;
	uint32_t ring;

	for (i = 0; r->ctxs && i < RENDER_MAX_CONTEXTS; i++) {
		ctx = &r->ctxs[i];
		for (ring = 0; ctx->ctx_id && ring < ctx->num_rings; ring++) {
			if (ctx->completed[ring] <= ctx->told[ring])
				continue;
			msg_fence(m, ctx->ctx_id, ring, ctx->completed[ring], ctx->error[ring]);
			return true;
		}
	}
	return false;
}

/**
 * render_fence_sent() - the event render_next_fence() gave is on its way
 * @g: the guest.
 * @m: that event.
 */
void render_fence_sent(struct guest_state *g, const struct xenlend_msg *m)
{
	struct render_ctx *ctx = find_ctx(&g->render, m->u.fence.ctx_id);
	uint32_t ring = m->u.fence.ring_idx;

	if (!ctx || ring >= ctx->num_rings)
		return;
	ctx->told[ring] = m->u.fence.fence_id;
	ctx->error[ring] = 0;
}
