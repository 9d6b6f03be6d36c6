// SPDX-License-Identifier: MIT
/*
 * xenlend_wire.c - validation and construction of xenlend protocol messages.
 *
 * Built twice from this one file: into the guest kernel module and into the
 * dom0 broker (and its unit tests and fuzzers). It touches nothing but the
 * message it is given, which the caller has already copied off the ring.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "xenlend_wire.h"

static_assert(sizeof(struct xenlend_hdr) == 16, "header is 16 bytes");
static_assert(sizeof(struct xenlend_msg) == XENLEND_MSG_SIZE, "slot is 64 bytes");
static_assert(sizeof(struct xenlend_hello) == 24, "hello layout");
static_assert(sizeof(struct xenlend_hello_rsp) == 32, "hello_rsp layout");
static_assert(sizeof(struct xenlend_resource_create) == 32, "create layout");
static_assert(sizeof(struct xenlend_resource_destroy) == 8, "destroy layout");
static_assert(sizeof(struct xenlend_fault) == 32, "fault layout");
static_assert(sizeof(struct xenlend_fault_rsp) == 40, "fault_rsp layout");
static_assert(sizeof(struct xenlend_revoke) == 32, "revoke layout");
static_assert(sizeof(struct xenlend_revoke_done) == 8, "revoke_done layout");
static_assert(sizeof(struct xenlend_fence) == 24, "fence layout");
static_assert(sizeof(struct xenlend_capset_info) == 8, "capset_info layout");
static_assert(sizeof(struct xenlend_capset_info_rsp) == 16, "capset_info_rsp layout");
static_assert(sizeof(struct xenlend_capset) == 16, "capset layout");
static_assert(sizeof(struct xenlend_capset_rsp) == 16, "capset_rsp layout");
static_assert(sizeof(struct xenlend_ctx_create) == 16, "ctx_create layout");
static_assert(sizeof(struct xenlend_ctx_destroy) == 8, "ctx_destroy layout");
static_assert(sizeof(struct xenlend_submit) == 32, "submit layout");
static_assert(sizeof(struct xenlend_resource_attach) == 16, "attach layout");
static_assert(sizeof(struct xenlend_res3d_create) == 48, "res3d_create layout");
static_assert(sizeof(struct xenlend_transfer) == 48, "transfer layout");
static_assert(sizeof(struct xenlend_ctx_resource) == 8, "ctx_resource layout");

#define PAGE_MASK_ (XENLEND_PAGE_SIZE - 1)

static const struct xenlend_verdict ok = { XENLEND_S_OK, NULL };

static struct xenlend_verdict reject(__u32 status, const char *why)
{
	struct xenlend_verdict v = { status, why };

	return v;
}

/**
 * xenlend_status_name() - printable name of a status code
 * @status: XENLEND_S_*.
 *
 * Return: a static string; "unknown" for codes this version does not define.
 */
const char *xenlend_status_name(__u32 status)
{
	static const char *const names[] = {
		[XENLEND_S_OK] = "ok",
		[XENLEND_S_INVAL] = "invalid",
		[XENLEND_S_NOENT] = "no such resource",
		[XENLEND_S_EXIST] = "resource exists",
		[XENLEND_S_NOMEM] = "out of memory",
		[XENLEND_S_QUOTA] = "quota exceeded",
		[XENLEND_S_RANGE] = "out of range",
		[XENLEND_S_VERSION] = "no common version",
		[XENLEND_S_PROTO] = "protocol error",
		[XENLEND_S_IO] = "I/O error",
		[XENLEND_S_NOTSUP] = "not supported",
		[XENLEND_S_BUSY] = "busy",
	};

	return status <= XENLEND_S_MAX ? names[status] : "unknown";
}

/**
 * xenlend_status_to_errno() - errno for a response status
 * @status: XENLEND_S_*.
 *
 * Return: 0 for XENLEND_S_OK, else a negative errno (-EPROTO for codes this
 * version does not define).
 */
int xenlend_status_to_errno(__u32 status)
{
	switch (status) {
	case XENLEND_S_OK:
		return 0;
	case XENLEND_S_INVAL:
		return -EINVAL;
	case XENLEND_S_NOENT:
		return -ENOENT;
	case XENLEND_S_EXIST:
		return -EEXIST;
	case XENLEND_S_NOMEM:
		return -ENOMEM;
	case XENLEND_S_QUOTA:
		return -EDQUOT;
	case XENLEND_S_RANGE:
		return -ERANGE;
	case XENLEND_S_VERSION:
		return -EPROTONOSUPPORT;
	case XENLEND_S_IO:
		return -EIO;
	case XENLEND_S_NOTSUP:
		return -EOPNOTSUPP;
	case XENLEND_S_BUSY:
		return -EBUSY;
	case XENLEND_S_PROTO:
	default:
		return -EPROTO;
	}
}

/**
 * xenlend_errno_to_status() - response status for an errno
 * @err: errno value, positive or negative.
 *
 * Return: the matching XENLEND_S_* code; XENLEND_S_IO for anything without a
 * closer match.
 */
__u32 xenlend_errno_to_status(int err)
{
	switch (err < 0 ? -err : err) {
	case 0:
		return XENLEND_S_OK;
	case EINVAL:
		return XENLEND_S_INVAL;
	case ENOENT:
		return XENLEND_S_NOENT;
	case EEXIST:
		return XENLEND_S_EXIST;
	case ENOMEM:
		return XENLEND_S_NOMEM;
	case EDQUOT:
		return XENLEND_S_QUOTA;
	case ERANGE:
		return XENLEND_S_RANGE;
	case EPROTONOSUPPORT:
		return XENLEND_S_VERSION;
	case EPROTO:
		return XENLEND_S_PROTO;
	case EOPNOTSUPP:
		return XENLEND_S_NOTSUP;
	case EBUSY:
	case EAGAIN:
		return XENLEND_S_BUSY;
	default:
		return XENLEND_S_IO;
	}
}

/**
 * xenlend_msg_init() - start a request
 * @m: message to fill; zeroed first.
 * @type: XENLEND_T_* of a request.
 * @id: request id.
 *
 * Sets the header, with the body length of @type. The caller fills the body.
 */
void xenlend_msg_init(struct xenlend_msg *m, __u16 type, __u64 id)
{
	memset(m, 0, sizeof(*m));
	m->hdr.type = type;
	m->hdr.len = xenlend_body_len(type);
	m->hdr.id = id;
}

/**
 * xenlend_msg_init_rsp() - start the response to a request
 * @rsp: message to fill; zeroed first.
 * @req: the request, already copied off the ring (it may be invalid).
 * @status: XENLEND_S_*.
 *
 * A response echoes the request's type and id. With @status XENLEND_S_OK it
 * gets the body length of the type and the caller fills the body; any other
 * status has no body.
 */
void xenlend_msg_init_rsp(struct xenlend_msg *rsp,
			  const struct xenlend_msg *req, __u32 status)
{
	__u16 type = xenlend_msg_type(req) | XENLEND_T_RESPONSE;

	memset(rsp, 0, sizeof(*rsp));
	rsp->hdr.type = type;
	rsp->hdr.len = status == XENLEND_S_OK ? xenlend_body_len(type) : 0;
	rsp->hdr.status = status;
	rsp->hdr.id = req->hdr.id;
}

/**
 * xenlend_fault_rsp_mismatch() - whether a FAULT response answers its request
 * @req: the FAULT request as sent.
 * @rsp: its OK response, which passed xenlend_msg_check().
 *
 * The broker may lend less than asked, from the requested offset, into the
 * requested bulk page; anything else is a broken or hostile broker.
 *
 * Return: NULL if @rsp answers @req, else a short reason fit for a log line.
 */
const char *xenlend_fault_rsp_mismatch(const struct xenlend_fault *req,
				       const struct xenlend_fault_rsp *rsp)
{
	if (rsp->offset != req->offset)
		return "lent range starts elsewhere than asked";
	if (rsp->length > req->length)
		return "lent more than asked";
	if (rsp->bulk_idx != req->bulk_idx)
		return "grants written to another bulk page";
	return NULL;
}

/**
 * xenlend_hello_pick_version() - the version to speak with a guest
 * @h: a HELLO body that passed xenlend_msg_check().
 * @version: set to the chosen version on success.
 *
 * Return: XENLEND_S_OK, or XENLEND_S_VERSION if the guest's range does not
 * include a version this side speaks.
 */
int xenlend_hello_pick_version(const struct xenlend_hello *h, __u32 *version)
{
	__u32 lo = h->version_min, hi = h->version_max;

	if (lo > XENLEND_PROTOCOL_VERSION || hi < 1)
		return XENLEND_S_VERSION;
	*version = hi < XENLEND_PROTOCOL_VERSION ? hi : XENLEND_PROTOCOL_VERSION;
	return XENLEND_S_OK;
}

static bool page_aligned(__u64 v)
{
	return (v & PAGE_MASK_) == 0;
}

/* A page-aligned, non-empty range whose end does not wrap. */
static const char *check_range(__u64 offset, __u64 length, __u64 max)
{
	if (!page_aligned(offset))
		return "offset not page aligned";
	if (!length || !page_aligned(length))
		return "length zero or not page aligned";
	if (max && length > max)
		return "length over the per-message limit";
	if (offset + length < offset)
		return "range wraps around";
	return NULL;
}

static const char *check_hello(const struct xenlend_msg *m)
{
	const struct xenlend_hello *h = &m->u.hello;
	__u32 n = h->nr_bulk_pages;

	if (h->reserved)
		return "nonzero reserved field";
	if (!h->version_min ||
	    h->version_min > h->version_max)
		return "bad version range";
	if (h->features & ~XENLEND_F_ALL)
		return "unknown feature bits";
	if (!n || n > XENLEND_MAX_BULK_PAGES)
		return "bad number of bulk pages";
	return NULL;
}

static const char *check_hello_rsp(const struct xenlend_msg *m)
{
	const struct xenlend_hello_rsp *h = &m->u.hello_rsp;
	__u32 v = h->version;

	if (h->reserved || h->reserved2)
		return "nonzero reserved field";
	if (!v || v > XENLEND_PROTOCOL_VERSION)
		return "bad version";
	if (h->features & ~XENLEND_F_ALL)
		return "unknown feature bits";
	if (!h->max_resources)
		return "zero resource quota";
	return NULL;
}

static const char *check_create(const struct xenlend_msg *m)
{
	const struct xenlend_resource_create *c = &m->u.create;
	__u32 kind = c->kind, flags = c->flags;

	if (!c->res_id)
		return "resource id 0";
	if (kind != XENLEND_RES_HOST && kind != XENLEND_RES_GUEST)
		return "unknown resource kind";
	if (flags & ~XENLEND_CREATE_ALL)
		return "unknown flags";
	if ((flags & XENLEND_CREATE_BLOB) && kind != XENLEND_RES_HOST)
		return "renderer blob of a guest resource";
	if ((flags & XENLEND_CREATE_BLOB) && !c->ctx_id)
		return "renderer blob without a context";
	if (!(flags & XENLEND_CREATE_BLOB) && (c->blob_id || flags))
		return "blob id or blob flags without the blob flag";
	return check_range(0, c->size, 0);
}

static const char *check_fault(const struct xenlend_msg *m)
{
	const struct xenlend_fault *f = &m->u.fault;
	__u32 access = f->access;

	if (f->reserved)
		return "nonzero reserved field";
	if (!f->res_id)
		return "resource id 0";
	if (!access || (access & ~XENLEND_ACCESS_ALL))
		return "bad access bits";
	if (f->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	return check_range(f->offset, f->length,
			   XENLEND_FAULT_MAX_BYTES);
}

static const char *check_fault_rsp(const struct xenlend_msg *m)
{
	const struct xenlend_fault_rsp *f = &m->u.fault_rsp;
	__u64 len = f->length;
	const char *why;

	why = check_range(f->offset, len, XENLEND_FAULT_MAX_BYTES);
	if (why)
		return why;
	if (f->reserved)
		return "nonzero reserved field";
	if (f->nr_grefs && f->nr_grefs != len >> XENLEND_PAGE_SHIFT)
		return "grant count does not match length";
	if (f->nr_grefs && f->window_page)
		return "window page with grant references";
	if (f->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	return NULL;
}

static const char *check_revoke(const struct xenlend_msg *m)
{
	const struct xenlend_revoke *r = &m->u.revoke;

	if (r->reserved)
		return "nonzero reserved field";
	if (!r->res_id)
		return "resource id 0";
	if (!r->seq)
		return "sequence number 0";
	return check_range(r->offset, r->length, 0);
}

static const char *check_capset_info_rsp(const struct xenlend_msg *m)
{
	const struct xenlend_capset_info_rsp *c = &m->u.capset_info_rsp;
	__u32 size = c->max_size;

	if (c->reserved)
		return "nonzero reserved field";
	if (!c->capset_id)
		return "capability set id 0";
	if (!size || size > XENLEND_PAGE_SIZE)
		return "capability set size zero or over a page";
	return NULL;
}

static const char *check_capset(const struct xenlend_msg *m)
{
	const struct xenlend_capset *c = &m->u.capset;

	if (c->reserved)
		return "nonzero reserved field";
	if (!c->capset_id)
		return "capability set id 0";
	if (c->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	return NULL;
}

static const char *check_capset_rsp(const struct xenlend_msg *m)
{
	const struct xenlend_capset_rsp *c = &m->u.capset_rsp;
	__u32 size = c->size;

	if (!c->capset_id)
		return "capability set id 0";
	if (!size || size > XENLEND_PAGE_SIZE)
		return "capability set size zero or over a page";
	if (c->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	return NULL;
}

static const char *check_ctx_create(const struct xenlend_msg *m)
{
	const struct xenlend_ctx_create *c = &m->u.ctx_create;
	__u32 rings = c->num_rings;

	if (c->reserved)
		return "nonzero reserved field";
	if (!c->ctx_id)
		return "context id 0";
	if (!c->capset_id)
		return "capability set id 0";
	if (!rings || rings > XENLEND_MAX_RINGS)
		return "bad number of rings";
	return NULL;
}

static const char *check_submit(const struct xenlend_msg *m)
{
	const struct xenlend_submit *s = &m->u.submit;
	__u32 flags = s->flags, len = s->length;
	__u32 offset = s->offset;

	if (!s->ctx_id)
		return "context id 0";
	if (flags & ~XENLEND_SUBMIT_ALL)
		return "unknown flags";
	if ((flags & XENLEND_SUBMIT_MORE) && (flags & XENLEND_SUBMIT_FENCE))
		return "fence on a chunk that is not the last";
	if (!(flags & XENLEND_SUBMIT_FENCE) && (s->fence_id || s->ring_idx))
		return "fence id or ring without the fence flag";
	if ((flags & XENLEND_SUBMIT_FENCE) && !s->fence_id)
		return "fence id 0";
	if (s->ring_idx >= XENLEND_MAX_RINGS)
		return "ring index out of range";
	if (s->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	if (len % 4 || len > XENLEND_PAGE_SIZE)
		return "chunk length not a multiple of 4 or over a page";
	if (!len && (flags & XENLEND_SUBMIT_MORE))
		return "empty chunk that is not the last";
	if (offset % 4 || offset > XENLEND_SUBMIT_MAX_BYTES - len)
		return "chunk offset misaligned or past the stream limit";
	return NULL;
}

static const char *check_attach(const struct xenlend_msg *m)
{
	const struct xenlend_resource_attach *a = &m->u.attach;
	__u32 first = a->first_page, n = a->nr_grefs;

	if (!a->res_id)
		return "resource id 0";
	if (a->bulk_idx >= XENLEND_MAX_BULK_PAGES)
		return "bulk page index out of range";
	if (!n || n > XENLEND_GREFS_PER_BULK_PAGE)
		return "grant count zero or over a bulk page";
	if (first + n < first)
		return "range wraps around";
	return NULL;
}

static const char *check_res3d_create(const struct xenlend_msg *m)
{
	const struct xenlend_res3d_create *c = &m->u.res3d_create;

	if (!c->res_id)
		return "resource id 0";
	if (c->target > XENLEND_RES3D_MAX_TARGET)
		return "unknown texture target";
	if (!c->width || !c->height || !c->depth || !c->array_size)
		return "zero size";
	if (c->last_level >= 32)
		return "mipmap level out of range";
	return NULL;
}

static const char *check_transfer(const struct xenlend_msg *m)
{
	const struct xenlend_transfer *t = &m->u.transfer;

	if (t->reserved)
		return "nonzero reserved field";
	if (!t->res_id)
		return "resource id 0";
	if (!t->w || !t->h || !t->d)
		return "empty box";
	if (t->level >= 32)
		return "mipmap level out of range";
	return NULL;
}

static const char *check_fence(const struct xenlend_msg *m)
{
	const struct xenlend_fence *f = &m->u.fence;

	if (f->reserved)
		return "nonzero reserved field";
	if (!f->ctx_id)
		return "context id 0";
	if (f->ring_idx >= XENLEND_MAX_RINGS)
		return "ring index out of range";
	if (!f->fence_id)
		return "fence id 0";
	if (f->error > XENLEND_S_MAX)
		return "unknown error status";
	return NULL;
}

static const char *check_destroy(const struct xenlend_msg *m)
{
	if (m->u.destroy.reserved)
		return "nonzero reserved field";
	return m->u.destroy.res_id ? NULL : "resource id 0";
}

static const char *check_revoke_done(const struct xenlend_msg *m)
{
	return m->u.revoke_done.seq ? NULL : "sequence number 0";
}

static const char *check_capset_info(const struct xenlend_msg *m)
{
	return m->u.capset_info.reserved ? "nonzero reserved field" : NULL;
}

static const char *check_ctx_destroy(const struct xenlend_msg *m)
{
	if (m->u.ctx_destroy.reserved)
		return "nonzero reserved field";
	return m->u.ctx_destroy.ctx_id ? NULL : "context id 0";
}

static const char *check_ctx_resource(const struct xenlend_msg *m)
{
	if (!m->u.ctx_res.ctx_id)
		return "context id 0";
	return m->u.ctx_res.res_id ? NULL : "resource id 0";
}

static const char *check_nop(const struct xenlend_msg *m)
{
	(void)m;
	return NULL;	/* any cookie: it only has to come back */
}

/* Offset of a field in the message body. */
#define BODY_OFF(field) \
	((__u8)(offsetof(struct xenlend_msg, u.field) - offsetof(struct xenlend_msg, u)))

/*
 * The message types of protocol version 1: everything the codec, the
 * guest's transport and the broker's dispatch know of each. Adding a
 * message is a line here, its body in xenlend_if.h, and its handler.
 */
static const struct xenlend_type_info xenlend_types[] = {
	{ XENLEND_T_HELLO, "HELLO", XENLEND_RING_CTRL, 0,
	  sizeof(struct xenlend_hello), sizeof(struct xenlend_hello_rsp),
	  XENLEND_OBJ_NONE, 0, check_hello, check_hello_rsp },
	{ XENLEND_T_RESOURCE_CREATE, "RESOURCE_CREATE", XENLEND_RING_CTRL,
	  XENLEND_TF_BLOB_RENDERER, sizeof(struct xenlend_resource_create), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(create.res_id), check_create, NULL },
	{ XENLEND_T_RESOURCE_DESTROY, "RESOURCE_DESTROY", XENLEND_RING_CTRL, 0,
	  sizeof(struct xenlend_resource_destroy), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(destroy.res_id), check_destroy, NULL },
	{ XENLEND_T_FAULT, "FAULT", XENLEND_RING_CTRL, 0,
	  sizeof(struct xenlend_fault), sizeof(struct xenlend_fault_rsp),
	  XENLEND_OBJ_RESOURCE, BODY_OFF(fault.res_id), check_fault, check_fault_rsp },
	{ XENLEND_T_CAPSET_INFO, "CAPSET_INFO", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_capset_info), sizeof(struct xenlend_capset_info_rsp),
	  XENLEND_OBJ_NONE, 0, check_capset_info, check_capset_info_rsp },
	{ XENLEND_T_CAPSET, "CAPSET", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_capset), sizeof(struct xenlend_capset_rsp),
	  XENLEND_OBJ_NONE, 0, check_capset, check_capset_rsp },
	{ XENLEND_T_CTX_CREATE, "CTX_CREATE", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_ctx_create), 0,
	  XENLEND_OBJ_CONTEXT, BODY_OFF(ctx_create.ctx_id), check_ctx_create, NULL },
	{ XENLEND_T_CTX_DESTROY, "CTX_DESTROY", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_ctx_destroy), 0,
	  XENLEND_OBJ_CONTEXT, BODY_OFF(ctx_destroy.ctx_id), check_ctx_destroy, NULL },
	{ XENLEND_T_SUBMIT, "SUBMIT", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_submit), 0,
	  XENLEND_OBJ_CONTEXT, BODY_OFF(submit.ctx_id), check_submit, NULL },
	{ XENLEND_T_RESOURCE_ATTACH, "RESOURCE_ATTACH", XENLEND_RING_CTRL, 0,
	  sizeof(struct xenlend_resource_attach), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(attach.res_id), check_attach, NULL },
	{ XENLEND_T_RES3D_CREATE, "RES3D_CREATE", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_res3d_create), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(res3d_create.res_id), check_res3d_create, NULL },
	{ XENLEND_T_TRANSFER_TO_HOST, "TRANSFER_TO_HOST", XENLEND_RING_CTRL,
	  XENLEND_TF_RENDERER, sizeof(struct xenlend_transfer), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(transfer.res_id), check_transfer, NULL },
	{ XENLEND_T_TRANSFER_FROM_HOST, "TRANSFER_FROM_HOST", XENLEND_RING_CTRL,
	  XENLEND_TF_RENDERER, sizeof(struct xenlend_transfer), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(transfer.res_id), check_transfer, NULL },
	{ XENLEND_T_CTX_ATTACH, "CTX_ATTACH", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_ctx_resource), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(ctx_res.res_id), check_ctx_resource, NULL },
	{ XENLEND_T_CTX_DETACH, "CTX_DETACH", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_ctx_resource), 0,
	  XENLEND_OBJ_RESOURCE, BODY_OFF(ctx_res.res_id), check_ctx_resource, NULL },
	{ XENLEND_T_NOP, "NOP", XENLEND_RING_CTRL, XENLEND_TF_RENDERER,
	  sizeof(struct xenlend_nop), sizeof(struct xenlend_nop),
	  XENLEND_OBJ_NONE, 0, check_nop, NULL },
	{ XENLEND_T_REVOKE, "REVOKE", XENLEND_RING_EVT, 0,
	  sizeof(struct xenlend_revoke), sizeof(struct xenlend_revoke_done),
	  XENLEND_OBJ_RESOURCE, BODY_OFF(revoke.res_id), check_revoke, check_revoke_done },
	{ XENLEND_T_FENCE, "FENCE", XENLEND_RING_EVT, 0,
	  sizeof(struct xenlend_fence), 0,
	  XENLEND_OBJ_CONTEXT, BODY_OFF(fence.ctx_id), check_fence, NULL },
};

/**
 * xenlend_type_info() - what the protocol defines for a message type
 * @type: XENLEND_T_*, response bit ignored.
 *
 * Return: the type's entry, or NULL for a type this version does not define.
 */
const struct xenlend_type_info *xenlend_type_info(__u16 type)
{
	unsigned int i;

	type &= ~XENLEND_T_RESPONSE;
	for (i = 0; i < ARRAY_SIZE(xenlend_types); i++)
		if (xenlend_types[i].type == type)
			return &xenlend_types[i];
	return NULL;
}

/**
 * xenlend_body_len() - the body length of a successful message of a type
 * @type: XENLEND_T_*, response bit included.
 *
 * Return: the only valid value of &xenlend_hdr.len for @type (responses with
 * a non-zero status have no body), or 0xffff for an unknown type.
 */
__u16 xenlend_body_len(__u16 type)
{
	const struct xenlend_type_info *ti = xenlend_type_info(type);

	if (!ti)
		return 0xffff;
	return type & XENLEND_T_RESPONSE ? ti->rsp_len : ti->req_len;
}

/**
 * xenlend_type_name() - printable name of a message type
 * @type: XENLEND_T_*, response bit ignored.
 *
 * Return: a static string; "unknown" for types this version does not define.
 */
const char *xenlend_type_name(__u16 type)
{
	const struct xenlend_type_info *ti = xenlend_type_info(type);

	return ti ? ti->name : "unknown";
}

/**
 * xenlend_msg_by_renderer() - whether the broker's renderer answers a request
 * @m: a valid control ring request.
 *
 * Such a request is answered once dom0's render worker has done it, which
 * may take long; the others are answered by the broker itself.
 *
 * Return: true for a renderer request.
 */
bool xenlend_msg_by_renderer(const struct xenlend_msg *m)
{
	const struct xenlend_type_info *ti = xenlend_type_info(xenlend_msg_type(m));

	if (!ti)
		return false;
	if (ti->flags & XENLEND_TF_RENDERER)
		return true;
	return (ti->flags & XENLEND_TF_BLOB_RENDERER) &&
	       (m->u.create.flags & XENLEND_CREATE_BLOB);
}

/**
 * xenlend_msg_object() - the resource or context a request is about
 * @m: a valid request.
 * @kind: set to XENLEND_OBJ_*.
 *
 * Return: the object's id, or 0 if the request names none.
 */
__u32 xenlend_msg_object(const struct xenlend_msg *m, enum xenlend_obj *kind)
{
	const struct xenlend_type_info *ti = xenlend_type_info(xenlend_msg_type(m));
	__u32 id;

	*kind = ti ? ti->obj : XENLEND_OBJ_NONE;
	if (*kind == XENLEND_OBJ_NONE)
		return 0;
	memcpy(&id, m->u.body + ti->obj_off, sizeof(id));
	return id;
}

/**
 * xenlend_msg_check() - validate a message copied off a ring
 * @m: the message, in memory the peer cannot change.
 * @q: the ring and direction it was read from.
 *
 * Checks the header (type known for @q, response bit matching @q, exact body
 * length, status zero in requests and known in responses), that every byte
 * past the body and every reserved field is zero, and the ranges, ids and
 * flags of the body. Error responses have no body and are accepted for any
 * type, so that the requester can match them to what it sent.
 *
 * Return: a verdict whose status is XENLEND_S_OK for a valid message, else the
 * status a bad request should be answered with and a reason to log.
 */
struct xenlend_verdict xenlend_msg_check(const struct xenlend_msg *m,
					 enum xenlend_queue q)
{
	bool want_rsp = q == XENLEND_Q_CTRL_RSP || q == XENLEND_Q_EVT_RSP;
	enum xenlend_ring ring = q == XENLEND_Q_CTRL_REQ || q == XENLEND_Q_CTRL_RSP ?
				 XENLEND_RING_CTRL : XENLEND_RING_EVT;
	__u16 type = m->hdr.type;
	const struct xenlend_type_info *ti = xenlend_type_info(type);
	const char *(*check)(const struct xenlend_msg *m);
	__u16 len = m->hdr.len;
	__u32 status = m->hdr.status;
	const char *why;
	unsigned int i;

	if (!!(type & XENLEND_T_RESPONSE) != want_rsp)
		return reject(XENLEND_S_PROTO, want_rsp ? "request where a response was expected"
							: "response where a request was expected");
	if (len > XENLEND_BODY_SIZE)
		return reject(XENLEND_S_INVAL, "oversize length");

	if (want_rsp && status != XENLEND_S_OK) {
		if (status > XENLEND_S_MAX)
			return reject(XENLEND_S_INVAL, "unknown status");
		if (len)
			return reject(XENLEND_S_INVAL, "error response with a body");
	} else {
		if (!want_rsp && status)
			return reject(XENLEND_S_INVAL, "nonzero status in a request");
		if (!ti || ti->ring != ring)
			return reject(XENLEND_S_PROTO, "unknown message type");
		if (len != (want_rsp ? ti->rsp_len : ti->req_len))
			return reject(XENLEND_S_INVAL, "wrong length for type");
	}

	for (i = len; i < XENLEND_BODY_SIZE; i++)
		if (m->u.body[i])
			return reject(XENLEND_S_INVAL, "nonzero bytes past the body");

	if (want_rsp && status != XENLEND_S_OK)
		return ok;

	check = want_rsp ? ti->check_rsp : ti->check_req;
	why = check ? check(m) : NULL;
	if (why)
		return reject(XENLEND_S_INVAL, why);
	return ok;
}
