// SPDX-License-Identifier: GPL-2.0-only
/*
 * Protocol test vectors; see vectors.h.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <string.h>

#include "vectors.h"

#define MAX_VECTORS 96

static struct test_vector table[MAX_VECTORS];
static size_t count;

static struct xenlend_msg *add(const char *name, enum xenlend_queue q, uint32_t status,
			       const char *why, uint16_t type, uint16_t len)
{
	struct test_vector *v = &table[count++];

	memset(v, 0, sizeof(*v));
	v->name = name;
	v->q = q;
	v->want_status = status;
	v->want_why = why;
	v->msg.hdr.type = type;
	v->msg.hdr.len = len;
	return &v->msg;
}

static void hello(const char *name, uint32_t status, const char *why, uint32_t lo, uint32_t hi)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, status, why, XENLEND_T_HELLO,
				    sizeof(struct xenlend_hello));

	m->u.hello.version_min = lo;
	m->u.hello.version_max = hi;
	m->u.hello.nr_bulk_pages = TEST_VECTORS_BULK_PAGES;
}

static void destroy(const char *name, uint32_t status, const char *why, uint32_t res_id)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, status, why,
				    XENLEND_T_RESOURCE_DESTROY,
				    sizeof(struct xenlend_resource_destroy));

	m->u.destroy.res_id = res_id;
}

static struct xenlend_msg *create(const char *name, uint32_t status, uint32_t res_id,
				  uint64_t size)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, status, NULL,
				    XENLEND_T_RESOURCE_CREATE,
				    sizeof(struct xenlend_resource_create));

	m->u.create.res_id = res_id;
	m->u.create.kind = XENLEND_RES_HOST;
	m->u.create.size = size;
	return m;
}

static struct xenlend_msg *fault(const char *name, uint32_t status, const char *why,
				 uint32_t res_id, uint64_t offset, uint64_t length,
				 uint32_t bulk_idx)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, status, why, XENLEND_T_FAULT,
				    sizeof(struct xenlend_fault));

	m->u.fault.res_id = res_id;
	m->u.fault.access = XENLEND_ACCESS_READ;
	m->u.fault.offset = offset;
	m->u.fault.length = length;
	m->u.fault.bulk_idx = bulk_idx;
	return m;
}

static struct xenlend_msg *revoke(const char *name, uint32_t status, const char *why)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_EVT_REQ, status, why, XENLEND_T_REVOKE,
				    sizeof(struct xenlend_revoke));

	m->u.revoke.res_id = 1;
	m->u.revoke.length = XENLEND_PAGE_SIZE;
	m->u.revoke.seq = 1;
	return m;
}

static struct xenlend_msg *submit(const char *name, const char *why, uint32_t flags,
				  uint32_t length, uint32_t offset)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, why,
				    XENLEND_T_SUBMIT, sizeof(struct xenlend_submit));

	m->u.submit.ctx_id = 1;
	m->u.submit.flags = flags;
	if (flags & XENLEND_SUBMIT_FENCE)
		m->u.submit.fence_id = 1;
	m->u.submit.length = length;
	m->u.submit.offset = offset;
	return m;
}

static struct xenlend_msg *ctx_create(const char *name, const char *why, uint32_t rings)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, why,
				    XENLEND_T_CTX_CREATE, sizeof(struct xenlend_ctx_create));

	m->u.ctx_create.ctx_id = 1;
	m->u.ctx_create.capset_id = 2;
	m->u.ctx_create.num_rings = rings;
	return m;
}

static struct xenlend_msg *attach(const char *name, uint32_t status, const char *why,
				  uint32_t res_id, uint32_t first_page, uint32_t nr_grefs)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, status, why,
				    XENLEND_T_RESOURCE_ATTACH,
				    sizeof(struct xenlend_resource_attach));

	m->u.attach.res_id = res_id;
	m->u.attach.first_page = first_page;
	m->u.attach.nr_grefs = nr_grefs;
	return m;
}

static struct xenlend_msg *res3d(const char *name, const char *why)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, why,
				    XENLEND_T_RES3D_CREATE,
				    sizeof(struct xenlend_res3d_create));

	m->u.res3d_create.res_id = 1;
	m->u.res3d_create.target = 2;
	m->u.res3d_create.width = 64;
	m->u.res3d_create.height = 64;
	m->u.res3d_create.depth = 1;
	m->u.res3d_create.array_size = 1;
	return m;
}

static struct xenlend_msg *transfer(const char *name, const char *why, uint16_t type)
{
	struct xenlend_msg *m = add(name, XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, why, type,
				    sizeof(struct xenlend_transfer));

	m->u.transfer.res_id = 1;
	m->u.transfer.w = 64;
	m->u.transfer.h = 64;
	m->u.transfer.d = 1;
	return m;
}

static void build(void)
{
	struct xenlend_msg *m;

	/* --- control ring, guest -> broker --- */
	hello("hello-unsupported-version", XENLEND_S_VERSION, NULL, 2, 3);
	hello("hello-inverted-version-range", XENLEND_S_INVAL, "bad version range", 3, 1);
	hello("hello-version-zero", XENLEND_S_INVAL, "bad version range", 0, 1);
	hello("hello-twice", XENLEND_S_PROTO, NULL, 1, 1);
	m = add("hello-unknown-feature", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL,
		"unknown feature bits", XENLEND_T_HELLO, sizeof(struct xenlend_hello));
	m->u.hello.version_min = 1;
	m->u.hello.version_max = 1;
	m->u.hello.features = XENLEND_F_ALL + 1;
	m->u.hello.nr_bulk_pages = TEST_VECTORS_BULK_PAGES;
	add("unknown-type", XENLEND_Q_CTRL_REQ, XENLEND_S_PROTO, "unknown message type", 0x77, 0);
	add("event-type-on-ctrl-ring", XENLEND_Q_CTRL_REQ, XENLEND_S_PROTO,
	    "unknown message type", XENLEND_T_REVOKE, sizeof(struct xenlend_revoke));
	add("oversize-length", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, "oversize length",
	    XENLEND_T_FAULT, 255);
	m = add("wrong-length", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, "wrong length for type",
		XENLEND_T_RESOURCE_DESTROY, 16);
	m->u.destroy.res_id = 1;
	destroy("reserved-nonzero", XENLEND_S_INVAL, "nonzero reserved field", 1);
	table[count - 1].msg.u.destroy.reserved = 1;
	destroy("status-in-request", XENLEND_S_INVAL, "nonzero status in a request", 1);
	table[count - 1].msg.hdr.status = XENLEND_S_QUOTA;
	destroy("bytes-past-body", XENLEND_S_INVAL, "nonzero bytes past the body", 1);
	table[count - 1].msg.u.body[sizeof(struct xenlend_resource_destroy)] = 0xff;
	add("response-bit-in-request", XENLEND_Q_CTRL_REQ, XENLEND_S_PROTO,
	    "response where a request was expected",
	    XENLEND_T_RESOURCE_DESTROY | XENLEND_T_RESPONSE, 0);
	destroy("destroy-id-zero", XENLEND_S_INVAL, "resource id 0", 0);
	m = add("create-unknown-kind", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL,
		"unknown resource kind", XENLEND_T_RESOURCE_CREATE,
		sizeof(struct xenlend_resource_create));
	m->u.create.res_id = 5;
	m->u.create.kind = 9;
	m->u.create.size = XENLEND_PAGE_SIZE;
	create("create-size-unaligned", XENLEND_S_INVAL, 5, 100);
	table[count - 1].want_why = "length zero or not page aligned";
	m = create("create-blob-id-without-flag", XENLEND_S_INVAL, 5, XENLEND_PAGE_SIZE);
	table[count - 1].want_why = "blob id or blob flags without the blob flag";
	m->u.create.blob_id = 3;
	m = create("create-blob-without-context", XENLEND_S_INVAL, 5, XENLEND_PAGE_SIZE);
	table[count - 1].want_why = "renderer blob without a context";
	m->u.create.flags = XENLEND_CREATE_BLOB | XENLEND_CREATE_MAPPABLE;
	m = create("create-blob-of-guest-memory", XENLEND_S_INVAL, 5, XENLEND_PAGE_SIZE);
	table[count - 1].want_why = "renderer blob of a guest resource";
	m->u.create.kind = XENLEND_RES_GUEST;
	m->u.create.flags = XENLEND_CREATE_BLOB;
	m->u.create.ctx_id = 1;
	m = create("create-unknown-flags", XENLEND_S_INVAL, 5, XENLEND_PAGE_SIZE);
	table[count - 1].want_why = "unknown flags";
	m->u.create.flags = 0x10;
	fault("fault-unaligned-offset", XENLEND_S_INVAL, "offset not page aligned", 1, 100,
	      XENLEND_PAGE_SIZE, 0);
	fault("fault-zero-length", XENLEND_S_INVAL, "length zero or not page aligned", 1, 0, 0, 0);
	fault("fault-over-2MiB", XENLEND_S_INVAL, "length over the per-message limit", 1, 0,
	      XENLEND_FAULT_MAX_BYTES + XENLEND_PAGE_SIZE, 0);
	fault("fault-range-wraps", XENLEND_S_INVAL, "range wraps around", 1,
	      UINT64_MAX - XENLEND_PAGE_SIZE + 1, XENLEND_PAGE_SIZE, 0);
	fault("fault-no-access-bits", XENLEND_S_INVAL, "bad access bits", 1, 0,
	      XENLEND_PAGE_SIZE, 0)->u.fault.access = 0;
	fault("fault-bulk-index-over-max", XENLEND_S_INVAL, "bulk page index out of range", 1,
	      0, XENLEND_PAGE_SIZE, XENLEND_MAX_BULK_PAGES);

	/* Renderer requests: malformed whether or not the broker renders. */
	submit("submit-fence-on-a-middle-chunk", "fence on a chunk that is not the last",
	       XENLEND_SUBMIT_MORE | XENLEND_SUBMIT_FENCE, 16, 0);
	submit("submit-length-not-dwords", "chunk length not a multiple of 4 or over a page",
	       XENLEND_SUBMIT_FENCE, 6, 0);
	submit("submit-empty-middle-chunk", "empty chunk that is not the last",
	       XENLEND_SUBMIT_MORE, 0, 0);
	submit("submit-past-stream-limit", "chunk offset misaligned or past the stream limit",
	       XENLEND_SUBMIT_FENCE, 8, XENLEND_SUBMIT_MAX_BYTES - 4);
	submit("submit-ring-without-fence", "fence id or ring without the fence flag", 0, 4,
	       0)->u.submit.ring_idx = 1;
	ctx_create("ctx-create-no-rings", "bad number of rings", 0);
	ctx_create("ctx-create-too-many-rings", "bad number of rings", XENLEND_MAX_RINGS + 1);
	m = add("capset-bulk-index-over-max", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL,
		"bulk page index out of range", XENLEND_T_CAPSET, sizeof(struct xenlend_capset));
	m->u.capset.capset_id = 2;
	m->u.capset.bulk_idx = XENLEND_MAX_BULK_PAGES;
	res3d("res3d-id-zero", "resource id 0")->u.res3d_create.res_id = 0;
	res3d("res3d-unknown-target", "unknown texture target")->u.res3d_create.target =
		(XENLEND_RES3D_MAX_TARGET + 1);
	res3d("res3d-zero-depth", "zero size")->u.res3d_create.depth = 0;
	res3d("res3d-level-over-31", "mipmap level out of range")->u.res3d_create.last_level =
		32;
	transfer("transfer-empty-box", "empty box", XENLEND_T_TRANSFER_TO_HOST)->u.transfer.h = 0;
	transfer("transfer-reserved-nonzero", "nonzero reserved field",
		 XENLEND_T_TRANSFER_FROM_HOST)->u.transfer.reserved = 1;
	transfer("transfer-level-over-31", "mipmap level out of range",
		 XENLEND_T_TRANSFER_TO_HOST)->u.transfer.level = 32;
	transfer("transfer-id-zero", "resource id 0",
		 XENLEND_T_TRANSFER_FROM_HOST)->u.transfer.res_id = 0;
	m = add("ctx-attach-context-zero", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, "context id 0",
		XENLEND_T_CTX_ATTACH, sizeof(struct xenlend_ctx_resource));
	m->u.ctx_res.res_id = 1;
	m = add("ctx-detach-resource-zero", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL,
		"resource id 0", XENLEND_T_CTX_DETACH, sizeof(struct xenlend_ctx_resource));
	m->u.ctx_res.ctx_id = 1;
	add("nop-short", XENLEND_Q_CTRL_REQ, XENLEND_S_INVAL, "wrong length for type", XENLEND_T_NOP,
	    sizeof(struct xenlend_nop) - 4);
	add("nop-on-event-ring", XENLEND_Q_EVT_REQ, XENLEND_S_PROTO, "unknown message type",
	    XENLEND_T_NOP, sizeof(struct xenlend_nop));

	/* Guest resources: the grant references behind them. */
	attach("attach-id-zero", XENLEND_S_INVAL, "resource id 0", 0, 0, 1);
	attach("attach-no-grefs", XENLEND_S_INVAL, "grant count zero or over a bulk page", 1, 0,
	       0);
	attach("attach-over-a-bulk-page", XENLEND_S_INVAL, "grant count zero or over a bulk page",
	       1, 0, XENLEND_GREFS_PER_BULK_PAGE + 1);
	attach("attach-range-wraps", XENLEND_S_INVAL, "range wraps around", 1, UINT32_MAX, 2);
	attach("attach-bulk-index-over-max", XENLEND_S_INVAL, "bulk page index out of range", 1,
	       0, 1)->u.attach.bulk_idx = XENLEND_MAX_BULK_PAGES;

	/* Well formed, about resources: bogus handles and ranges refused. */
	create("create", XENLEND_S_OK, 7, 1 << 20);
	create("create-duplicate-id", XENLEND_S_EXIST, 7, 1 << 20);
	fault("fault", XENLEND_S_OK, NULL, 7, 0, XENLEND_PAGE_SIZE, 0);
	destroy("destroy-bogus-handle", XENLEND_S_NOENT, NULL, 8);
	fault("fault-bogus-handle", XENLEND_S_NOENT, NULL, 8, 0, XENLEND_PAGE_SIZE, 0);
	fault("fault-out-of-range", XENLEND_S_RANGE, NULL, 7, 1 << 20, XENLEND_PAGE_SIZE, 0);
	fault("fault-straddles-end", XENLEND_S_RANGE, NULL, 7, (1 << 20) - XENLEND_PAGE_SIZE,
	      2 * XENLEND_PAGE_SIZE, 0);
	fault("fault-bulk-index-unpublished", XENLEND_S_INVAL, NULL, 7, 0, XENLEND_PAGE_SIZE,
	      TEST_VECTORS_BULK_PAGES);
	attach("attach-bogus-handle", XENLEND_S_NOENT, NULL, 8, 0, 1);
	attach("attach-host-resource", XENLEND_S_INVAL, NULL, 7, 0, 1);
	destroy("destroy", XENLEND_S_OK, NULL, 7);
	destroy("destroy-again", XENLEND_S_NOENT, NULL, 7);

	/* --- event ring, broker -> guest --- */
	add("evt-unknown-type", XENLEND_Q_EVT_REQ, XENLEND_S_PROTO, "unknown message type",
	    0x199, 0);
	add("evt-oversize-length", XENLEND_Q_EVT_REQ, XENLEND_S_INVAL, "oversize length",
	    XENLEND_T_REVOKE, 200);
	revoke("evt-revoke-reserved-nonzero", XENLEND_S_INVAL,
	       "nonzero reserved field")->u.revoke.reserved = 1;
	revoke("evt-revoke-seq-zero", XENLEND_S_INVAL, "sequence number 0")->u.revoke.seq = 0;
	add("evt-response-bit", XENLEND_Q_EVT_REQ, XENLEND_S_PROTO,
	    "response where a request was expected", XENLEND_T_FENCE | XENLEND_T_RESPONSE, 0);
	m = add("evt-fence-id-zero", XENLEND_Q_EVT_REQ, XENLEND_S_INVAL, "fence id 0",
		XENLEND_T_FENCE, sizeof(struct xenlend_fence));
	m->u.fence.ctx_id = 1;
	m = add("evt-fence-unknown-error", XENLEND_Q_EVT_REQ, XENLEND_S_INVAL,
		"unknown error status", XENLEND_T_FENCE, sizeof(struct xenlend_fence));
	m->u.fence.ctx_id = 1;
	m->u.fence.fence_id = 1;
	m->u.fence.error = XENLEND_S_MAX + 1;
	add("evt-ctrl-type-on-evt-ring", XENLEND_Q_EVT_REQ, XENLEND_S_PROTO,
	    "unknown message type", XENLEND_T_FAULT, sizeof(struct xenlend_fault));
}

/**
 * test_vectors_get() - the table
 * @out: receives the first vector.
 *
 * Return: number of vectors.
 */
size_t test_vectors_get(const struct test_vector **out)
{
	if (!count)
		build();
	*out = table;
	return count;
}
