// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: the broker's renderer requests (CAPSET_INFO, CAPSET,
 * CTX_CREATE, CTX_DESTROY, SUBMIT, NOP) and the fences they create.
 *
 * Each context has up to XENLEND_MAX_RINGS fence timelines. Per timeline the
 * worker remembers the last fence id it accepted and the last one it
 * reported; a FENCE packet always reports "everything up to this id", so a
 * merged or skipped completion is covered by the next one. Fences that the
 * renderer will never signal (the context was destroyed or lost) are
 * completed with XENLEND_S_IO, so that the guest never waits forever.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "contexts.h"
#include "ipc.h"
#include "log.h"
#include "requests.h"
#include "resources.h"
#include "virgl.h"

#define MAX_CAPSETS		4
/* Staging buffers above this size are freed after their stream ran. */
#define STAGE_KEEP_BYTES	(64u << 10)

/* A context-0 fence standing for a context fence (FENCE_CTX0). */
struct ctx0_fence {
	struct ctx0_fence *next;
	uint32_t seq, ctx_id, ring_idx;
	uint64_t fence_id;
};

static bool renderer_ok;
static bool force_ctx0;
static uint64_t fence_timeout_ms;
static struct vr_capset capsets[MAX_CAPSETS];
static int nr_capsets;
static struct ctx0_fence *ctx0_head, **ctx0_tail = &ctx0_head;
static uint32_t ctx0_seq;

/**
 * req_init() - get ready for requests
 * @ok: whether virglrenderer started; if not every request fails with
 *	XENLEND_S_IO.
 * @fence_timeout_s: seconds a venus timeline may make no progress before
 *	its context is declared lost (0: never).
 * @ctx0_fences: give virgl contexts context-0 fences from the start (the
 *	fallback for when context fences fail; this tests it).
 */
void req_init(bool ok, unsigned int fence_timeout_s, bool ctx0_fences)
{
	renderer_ok = ok;
	force_ctx0 = ctx0_fences;
	fence_timeout_ms = (uint64_t)fence_timeout_s * 1000;
	if (ok)
		nr_capsets = vr_capsets(capsets, MAX_CAPSETS);
}

static const struct vr_capset *find_capset(uint32_t id)
{
	int i;

	for (i = 0; i < nr_capsets; i++)
		if (capsets[i].id == id)
			return &capsets[i];
	return NULL;
}

/* Report every fence of a timeline up to @id, once. */
static void report(struct ctx *c, uint32_t ring_idx, uint64_t id, uint32_t error)
{
	struct ctx_ring *r = &c->rings[ring_idx];
	struct ctx_bad_fence **pp = &c->bad, *b;

	if (id <= r->done_id)
		return;
	while ((b = *pp)) {
		if (b->ring_idx == ring_idx && b->fence_id <= id) {
			if (!error)
				error = XENLEND_S_INVAL;
			*pp = b->next;
			free(b);
		} else {
			pp = &b->next;
		}
	}
	r->done_id = id;
	r->progress_ms = rw_now_ms();
	rw_send_fence(c->id, ring_idx, id, error);
}

/* Complete every unsignalled fence of a context with an error. */
static void fail_fences(struct ctx *c, uint32_t error)
{
	uint32_t i;

	for (i = 0; i < c->num_rings; i++)
		if (c->rings[i].last_id > c->rings[i].done_id)
			report(c, i, c->rings[i].last_id, error);
}

/**
 * fence_done() - the renderer signalled a context fence
 * @ctx_id: the context.
 * @ring_idx: its timeline.
 * @fence_id: the fence; every earlier one of the timeline is done too.
 */
static void fence_done(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id)
{
	struct ctx *c = ctx_find(ctx_id);

	if (!c || ring_idx >= c->num_rings || fence_id > c->rings[ring_idx].last_id)
		return;
	report(c, ring_idx, fence_id, XENLEND_S_OK);
}

/**
 * ctx0_fence_done() - the renderer signalled a context-0 fence
 * @seq: its sequence number; every earlier one is done too.
 */
static void ctx0_fence_done(uint32_t seq)
{
	struct ctx0_fence *f;

	while ((f = ctx0_head) && (int32_t)(f->seq - seq) <= 0) {
		ctx0_head = f->next;
		if (!ctx0_head)
			ctx0_tail = &ctx0_head;
		fence_done(f->ctx_id, f->ring_idx, f->fence_id);
		free(f);
	}
}

/* Given to vr_init(): how the renderer reports signalled fences. */
const struct vr_fence_ops req_fence_ops = {
	.ctx_fence_done = fence_done,
	.ctx0_fence_done = ctx0_fence_done,
};

static void drop_ctx0_fences(uint32_t ctx_id)
{
	struct ctx0_fence **pp = &ctx0_head, *f;

	ctx0_tail = &ctx0_head;
	while ((f = *pp)) {
		if (f->ctx_id == ctx_id) {
			*pp = f->next;
			free(f);
		} else {
			ctx0_tail = &f->next;
			pp = &f->next;
		}
	}
}

static int ctx0_fence(struct ctx *c, uint32_t ring_idx, uint64_t fence_id)
{
	struct ctx0_fence *f = calloc(1, sizeof(*f));
	int err;

	if (!f)
		return -ENOMEM;
	/* A positive int, as the library takes it. */
	ctx0_seq = ctx0_seq >= 0x7fffffff ? 1 : ctx0_seq + 1;
	f->seq = ctx0_seq;
	f->ctx_id = c->id;
	f->ring_idx = ring_idx;
	f->fence_id = fence_id;
	err = vr_ctx0_fence(f->seq);
	if (err) {
		free(f);
		return -err;
	}
	*ctx0_tail = f;
	ctx0_tail = &f->next;
	return 0;
}

/*
 * Make the renderer signal @fence_id after everything submitted so far.
 * Venus contexts always get context fences. virgl contexts try them on the
 * first fence and fall back to context-0 fences for good if they fail.
 */
static int make_fence(struct ctx *c, uint32_t ring_idx, uint64_t fence_id)
{
	int err;

	if (c->mode != FENCE_CTX0) {
		err = vr_ctx_fence(c->id, ring_idx, fence_id);
		if (!err || c->mode == FENCE_CTX || c->capset == CAPSET_VENUS) {
			if (!err)
				c->mode = FENCE_CTX;
			return err;
		}
		rw_log("ctx %u: context fences refused (%d), using context-0 fences",
		       c->id, err);
		c->mode = FENCE_CTX0;
	}
	return ctx0_fence(c, ring_idx, fence_id);
}

static void do_capset_info(const struct xenlend_msg *m)
{
	uint32_t index = m->u.capset_info.index;
	struct xenlend_msg rsp;

	if (index >= (uint32_t)nr_capsets) {
		rw_respond(m, XENLEND_S_NOENT);
		return;
	}
	xenlend_msg_init_rsp(&rsp, m, XENLEND_S_OK);
	rsp.u.capset_info_rsp.capset_id = capsets[index].id;
	rsp.u.capset_info_rsp.max_version = capsets[index].max_version;
	rsp.u.capset_info_rsp.max_size = capsets[index].max_size;
	rw_send(&rsp, NULL, 0);
}

/* NOP: answered at once, the cookie echoed. */
static void do_nop(const struct xenlend_msg *m)
{
	struct xenlend_msg rsp;

	xenlend_msg_init_rsp(&rsp, m, XENLEND_S_OK);
	rsp.u.nop.cookie = m->u.nop.cookie;
	rw_send(&rsp, NULL, 0);
}

static void do_capset(const struct xenlend_msg *m)
{
	const struct vr_capset *set = find_capset(m->u.capset.capset_id);
	uint32_t version = m->u.capset.version;
	static uint8_t buf[RENDER_IPC_MAX_PAYLOAD] __attribute__((aligned(8)));
	struct xenlend_msg rsp;

	if (!set) {
		rw_respond(m, XENLEND_S_NOENT);
		return;
	}
	if (version > set->max_version) {
		rw_respond(m, XENLEND_S_INVAL);
		return;
	}
	vr_fill_caps(set, version, buf);
	xenlend_msg_init_rsp(&rsp, m, XENLEND_S_OK);
	rsp.u.capset_rsp.capset_id = set->id;
	rsp.u.capset_rsp.version = version;
	rsp.u.capset_rsp.size = set->max_size;
	rw_send(&rsp, buf, set->max_size);
}

static void do_ctx_create(const struct xenlend_msg *m)
{
	uint32_t id = m->u.ctx_create.ctx_id;
	uint32_t capset = m->u.ctx_create.capset_id;
	char name[48];
	struct ctx *c;
	int err;

	if (!find_capset(capset)) {
		rw_respond(m, XENLEND_S_INVAL);
		return;
	}
	if (ctx_find(id)) {
		rw_respond(m, XENLEND_S_EXIST);
		return;
	}
	if (ctx_table_full()) {
		rw_respond(m, XENLEND_S_QUOTA);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		rw_respond(m, XENLEND_S_NOMEM);
		return;
	}
	snprintf(name, sizeof(name), "xenlend-d%d-c%u", rw_domid, id);
	err = vr_ctx_create(id, capset, name);
	if (err) {
		rw_log("ctx %u: creating it with capset %u failed: %s", id, capset, strerror(err));
		free(c);
		rw_respond(m, xenlend_errno_to_status(err));
		return;
	}
	c->id = id;
	c->capset = capset;
	c->num_rings = m->u.ctx_create.num_rings;
	c->poll_fd = capset == CAPSET_VENUS ? vr_ctx_poll_fd(id) : -1;
	if (force_ctx0 && capset != CAPSET_VENUS)
		c->mode = FENCE_CTX0;
	if (c->poll_fd >= 0)
		rw_watch_fd(c->poll_fd, id);
	ctx_insert(c);
	rw_respond(m, XENLEND_S_OK);
}

static void drop_stage(struct ctx *c)
{
	c->staged = 0;
	if (c->stage_cap > STAGE_KEEP_BYTES) {
		free(c->stage);
		c->stage = NULL;
		c->stage_cap = 0;
	}
}

static void do_ctx_destroy(const struct xenlend_msg *m)
{
	uint32_t id = m->u.ctx_destroy.ctx_id;
	struct ctx_bad_fence *b;
	struct ctx *c;

	/* Out of the table first: completions during the destroy are ignored. */
	c = ctx_remove(id);
	if (!c) {
		rw_respond(m, XENLEND_S_NOENT);
		return;
	}
	if (c->poll_fd >= 0)
		rw_unwatch_fd(c->poll_fd);
	vr_ctx_destroy(id);
	drop_ctx0_fences(id);
	fail_fences(c, XENLEND_S_IO);
	while ((b = c->bad)) {
		c->bad = b->next;
		free(b);
	}
	free(c->stage);
	free(c);
	rw_respond(m, XENLEND_S_OK);
}

/* Stage one chunk. Return: XENLEND_S_OK or the status to answer. */
static uint32_t stage_chunk(struct ctx *c, uint32_t offset, const void *data, uint32_t len)
{
	uint32_t cap;
	uint8_t *p;

	if (offset == 0)
		c->staged = 0;
	else if (offset != c->staged)
		return XENLEND_S_INVAL;
	if (len > XENLEND_SUBMIT_MAX_BYTES - c->staged)
		return XENLEND_S_RANGE;
	if (c->staged + len > c->stage_cap) {
		for (cap = c->stage_cap ? c->stage_cap : XENLEND_PAGE_SIZE;
		     cap < c->staged + len; cap *= 2)
			;
		/* malloc's alignment (16) keeps the stream 8-byte aligned. */
		p = realloc(c->stage, cap);
		if (!p)
			return XENLEND_S_NOMEM;
		c->stage = p;
		c->stage_cap = cap;
	}
	if (len)
		memcpy(c->stage + c->staged, data, len);
	c->staged += len;
	return XENLEND_S_OK;
}

/* Run a staged stream; its SUBMIT was already answered. */
static void run_stream(struct ctx *c, bool fenced, uint32_t ring_idx, uint64_t fence_id)
{
	struct ctx_ring *r = &c->rings[ring_idx];
	bool idle = r->last_id == r->done_id;
	struct ctx_bad_fence *b;
	int err = 0;

	if (c->staged)
		err = vr_submit(c->id, c->stage, c->staged / 4);
	if (err)
		rw_log("ctx %u: command stream of %u bytes rejected: %s", c->id, c->staged,
		       strerror(err));
	drop_stage(c);
	if (!fenced)
		return;
	r->last_id = fence_id;
	if (idle)
		r->progress_ms = rw_now_ms();
	if (err && idle) {
		/* Nothing earlier to wait for on this timeline. */
		report(c, ring_idx, fence_id, XENLEND_S_INVAL);
		return;
	}
	if (err) {
		/* Report the error in order, when the timeline gets there. */
		b = calloc(1, sizeof(*b));
		if (b) {
			b->ring_idx = ring_idx;
			b->fence_id = fence_id;
			b->next = c->bad;
			c->bad = b;
		}
	}
	err = make_fence(c, ring_idx, fence_id);
	if (err) {
		rw_log("ctx %u: fence %llu on ring %u failed: %s", c->id,
		       (unsigned long long)fence_id, ring_idx, strerror(-err));
		report(c, ring_idx, fence_id, XENLEND_S_IO);
	}
}

static void do_submit(const struct xenlend_msg *m, const void *payload)
{
	const struct xenlend_submit *s = &m->u.submit;
	struct ctx *c = ctx_find(s->ctx_id);
	uint32_t flags = s->flags, ring_idx = s->ring_idx;
	uint64_t fence_id = s->fence_id;
	bool fenced = flags & XENLEND_SUBMIT_FENCE;
	uint32_t status;

	if (!c) {
		rw_respond(m, XENLEND_S_NOENT);
		return;
	}
	if (c->lost)
		status = XENLEND_S_IO;
	else if (ring_idx >= c->num_rings)
		status = XENLEND_S_RANGE;
	else if (fenced && fence_id <= c->rings[ring_idx].last_id)
		status = XENLEND_S_INVAL;
	else
		status = stage_chunk(c, s->offset, payload, s->length);
	if (status != XENLEND_S_OK) {
		drop_stage(c);
		rw_respond(m, status);
		return;
	}
	rw_respond(m, XENLEND_S_OK);
	if (!(flags & XENLEND_SUBMIT_MORE))
		run_stream(c, fenced, ring_idx, fence_id);
}

/**
 * req_handle() - carry out one request of the broker and answer it
 * @m: the request; xenlend_msg_check() passed it.
 * @payload: the SUBMIT chunk or RES3D_CREATE's backing (ipc.c checked its
 *	length), else NULL.
 * @len: bytes at @payload.
 *
 * A RESOURCE_DESTROY notice is carried out and never answered.
 */
void req_handle(const struct xenlend_msg *m, const void *payload, size_t len)
{
	(void)len;
	if (!renderer_ok) {
		if (xenlend_msg_type(m) != XENLEND_T_RESOURCE_DESTROY)
			rw_respond(m, XENLEND_S_IO);
		return;
	}
	switch (xenlend_msg_type(m)) {
	case XENLEND_T_CAPSET_INFO:
		do_capset_info(m);
		break;
	case XENLEND_T_CAPSET:
		do_capset(m);
		break;
	case XENLEND_T_CTX_CREATE:
		do_ctx_create(m);
		break;
	case XENLEND_T_CTX_DESTROY:
		do_ctx_destroy(m);
		break;
	case XENLEND_T_SUBMIT:
		do_submit(m, payload);
		break;
	case XENLEND_T_RES3D_CREATE:
		res_create(m, payload);
		break;
	case XENLEND_T_RESOURCE_CREATE:
		res_create_blob(m);
		break;
	case XENLEND_T_TRANSFER_TO_HOST:
	case XENLEND_T_TRANSFER_FROM_HOST:
		res_transfer(m);
		break;
	case XENLEND_T_CTX_ATTACH:
	case XENLEND_T_CTX_DETACH:
		res_ctx_attach(m);
		break;
	case XENLEND_T_NOP:
		do_nop(m);
		break;
	case XENLEND_T_RESOURCE_DESTROY:
		res_destroy(m->u.destroy.res_id);
		break;
	default:
		/* HELLO, RESOURCE_ATTACH, FAULT: the broker's own business. */
		rw_respond(m, XENLEND_S_PROTO);
		break;
	}
}

/**
 * req_poll_ctx() - a context's poll fd is readable
 * @ctx_id: the context, which may have gone meanwhile.
 */
void req_poll_ctx(uint32_t ctx_id)
{
	if (ctx_find(ctx_id))
		vr_ctx_poll(ctx_id);
}

static bool watched(const struct ctx *c)
{
	return fence_timeout_ms && c->capset == CAPSET_VENUS && !c->lost;
}

/**
 * req_next_deadline_ms() - time until the next fence deadline
 *
 * Return: milliseconds (0: one has passed), or -1 when none is pending.
 */
int req_next_deadline_ms(void)
{
	uint64_t now = rw_now_ms(), best = UINT64_MAX, due;
	struct ctx *c;
	uint32_t i;

	for (c = ctx_first(); c; c = c->next) {
		if (!watched(c))
			continue;
		for (i = 0; i < c->num_rings; i++) {
			if (c->rings[i].last_id == c->rings[i].done_id)
				continue;
			due = c->rings[i].progress_ms + fence_timeout_ms;
			if (due < best)
				best = due;
		}
	}
	if (best == UINT64_MAX)
		return -1;
	return best <= now ? 0 : (int)(best - now > 60000 ? 60000 : best - now);
}

/**
 * req_expire() - declare lost every venus context whose timeline has not
 * moved for the fence timeout
 *
 * virglrenderer 1.1.0 kills a venus context silently when it misbehaves
 * (research §4): its fences never signal and it has no lost-context
 * callback. Its fences complete with XENLEND_S_IO and later SUBMITs fail.
 */
void req_expire(void)
{
	uint64_t now = rw_now_ms();
	struct ctx *c;
	uint32_t i;

	for (c = ctx_first(); c; c = c->next) {
		if (!watched(c))
			continue;
		for (i = 0; i < c->num_rings; i++) {
			if (c->rings[i].last_id == c->rings[i].done_id ||
			    now < c->rings[i].progress_ms + fence_timeout_ms)
				continue;
			rw_log("ctx %u: ring %u made no progress for %llu ms, context lost",
			       c->id, i, (unsigned long long)fence_timeout_ms);
			c->lost = true;
			fail_fences(c, XENLEND_S_IO);
			break;
		}
	}
}
