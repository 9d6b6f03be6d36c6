// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the protocol codec (uapi/xenlend_wire.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "check.h"
#include "vectors.h"
#include "xenlend_wire.h"

static struct xenlend_verdict check_msg(const struct xenlend_msg *m, enum xenlend_queue q)
{
	return xenlend_msg_check(m, q);
}

/* Every vector gets the reason the table names, or passes the codec. */
static void test_vectors_reasons(void)
{
	const struct test_vector *v;
	size_t n = test_vectors_get(&v);

	CHECK(n > 30);
	for (size_t i = 0; i < n; i++) {
		struct xenlend_verdict r = check_msg(&v[i].msg, v[i].q);

		if (v[i].want_why) {
			if (!r.why || strcmp(r.why, v[i].want_why))
				fprintf(stderr, "vector %s: got \"%s\"\n", v[i].name,
					r.why ? r.why : "(accepted)");
			CHECK_STR(r.why, v[i].want_why);
			CHECK(r.status != XENLEND_S_OK);
			/* The codec's status is the one the receiver answers with. */
			CHECK_EQ(r.status, v[i].want_status);
		} else {
			if (r.why)
				fprintf(stderr, "vector %s: rejected: %s\n", v[i].name, r.why);
			CHECK(r.why == NULL);
			CHECK_EQ(r.status, XENLEND_S_OK);
		}
	}
}

static void valid_requests(struct xenlend_msg *m, int which)
{
	switch (which) {
	case 0:
		xenlend_msg_init(m, XENLEND_T_HELLO, 1);
		m->u.hello.version_min = 1;
		m->u.hello.version_max = 5;
		m->u.hello.nr_bulk_pages = XENLEND_MAX_BULK_PAGES;
		break;
	case 1:
		xenlend_msg_init(m, XENLEND_T_RESOURCE_CREATE, 2);
		m->u.create.res_id = 3;
		m->u.create.kind = XENLEND_RES_GUEST;
		m->u.create.size = 1ull << 40;
		break;
	case 2:
		xenlend_msg_init(m, XENLEND_T_RESOURCE_DESTROY, 3);
		m->u.destroy.res_id = 0xffffffff;
		break;
	default:
		xenlend_msg_init(m, XENLEND_T_FAULT, 4);
		m->u.fault.res_id = 1;
		m->u.fault.access = XENLEND_ACCESS_ALL;
		m->u.fault.offset = UINT64_MAX - 2 * (__u64)XENLEND_FAULT_MAX_BYTES + 1;
		m->u.fault.length = XENLEND_FAULT_MAX_BYTES;
		m->u.fault.bulk_idx = XENLEND_MAX_BULK_PAGES - 1;
		break;
	}
}

static void test_valid_requests_pass(void)
{
	struct xenlend_msg m;

	for (int i = 0; i < 4; i++) {
		valid_requests(&m, i);
		CHECK(check_msg(&m, XENLEND_Q_CTRL_REQ).why == NULL);
		/* ... on the control ring only, and only as requests. */
		CHECK_EQ(check_msg(&m, XENLEND_Q_EVT_REQ).status, XENLEND_S_PROTO);
		CHECK_EQ(check_msg(&m, XENLEND_Q_CTRL_RSP).status, XENLEND_S_PROTO);
	}
}

static void test_every_reserved_byte_matters(void)
{
	struct xenlend_msg m;

	/* Flipping any byte past the body of a valid request is rejected. */
	for (int i = 0; i < 4; i++) {
		valid_requests(&m, i);
		for (unsigned int b = m.hdr.len; b < XENLEND_BODY_SIZE; b++) {
			struct xenlend_msg c = m;

			c.u.body[b] = 1;
			CHECK_STR(check_msg(&c, XENLEND_Q_CTRL_REQ).why,
				  "nonzero bytes past the body");
		}
	}
	valid_requests(&m, 0);
	m.u.hello.reserved = 1;
	CHECK_STR(check_msg(&m, XENLEND_Q_CTRL_REQ).why, "nonzero reserved field");
	valid_requests(&m, 3);
	m.u.fault.reserved = 0x80000000;
	CHECK_STR(check_msg(&m, XENLEND_Q_CTRL_REQ).why, "nonzero reserved field");
}

static void test_events_and_responses(void)
{
	struct xenlend_msg req, rsp;

	xenlend_msg_init(&req, XENLEND_T_REVOKE, 9);
	req.u.revoke.res_id = 1;
	req.u.revoke.offset = XENLEND_PAGE_SIZE;
	req.u.revoke.length = 1ull << 30;
	req.u.revoke.seq = 77;
	CHECK(check_msg(&req, XENLEND_Q_EVT_REQ).why == NULL);

	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_OK);
	CHECK_EQ(xenlend_msg_type(&rsp), XENLEND_T_REVOKE | XENLEND_T_RESPONSE);
	CHECK_EQ(xenlend_msg_id(&rsp), 9);
	CHECK_EQ(rsp.hdr.len, sizeof(struct xenlend_revoke_done));
	/* REVOKE_DONE must echo a sequence number. */
	CHECK_STR(check_msg(&rsp, XENLEND_Q_EVT_RSP).why, "sequence number 0");
	rsp.u.revoke_done.seq = req.u.revoke.seq;
	CHECK(check_msg(&rsp, XENLEND_Q_EVT_RSP).why == NULL);

	/* Error responses have no body and are accepted for any type. */
	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_NOENT);
	CHECK_EQ(rsp.hdr.len, 0);
	CHECK(check_msg(&rsp, XENLEND_Q_EVT_RSP).why == NULL);
	rsp.hdr.type = 0x7777 | XENLEND_T_RESPONSE;
	CHECK(check_msg(&rsp, XENLEND_Q_EVT_RSP).why == NULL);
	rsp.hdr.len = 8;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_EVT_RSP).why, "error response with a body");
	rsp.hdr.len = 0;
	rsp.hdr.status = XENLEND_S_MAX + 1;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_EVT_RSP).why, "unknown status");

	/* A FENCE acknowledgement has no body. */
	xenlend_msg_init(&req, XENLEND_T_FENCE, 10);
	CHECK_STR(check_msg(&req, XENLEND_Q_EVT_REQ).why, "context id 0");
	req.u.fence.ctx_id = 3;
	req.u.fence.ring_idx = XENLEND_MAX_RINGS;
	req.u.fence.fence_id = 9;
	CHECK_STR(check_msg(&req, XENLEND_Q_EVT_REQ).why, "ring index out of range");
	req.u.fence.ring_idx = XENLEND_MAX_RINGS - 1;
	req.u.fence.error = XENLEND_S_IO;
	CHECK(check_msg(&req, XENLEND_Q_EVT_REQ).why == NULL);
	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_OK);
	CHECK(check_msg(&rsp, XENLEND_Q_EVT_RSP).why == NULL);
}

static void test_fault_and_hello_responses(void)
{
	struct xenlend_msg req, rsp;

	valid_requests(&req, 3);
	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_OK);
	rsp.u.fault_rsp.offset = 0;
	rsp.u.fault_rsp.length = 16 * XENLEND_PAGE_SIZE;
	rsp.u.fault_rsp.nr_grefs = 16;
	CHECK(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why == NULL);
	rsp.u.fault_rsp.nr_grefs = 17;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why, "grant count does not match length");
	rsp.u.fault_rsp.nr_grefs = 16;
	rsp.u.fault_rsp.bulk_idx = XENLEND_MAX_BULK_PAGES;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why, "bulk page index out of range");

	valid_requests(&req, 0);
	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_OK);
	rsp.u.hello_rsp.version = 1;
	rsp.u.hello_rsp.max_resources = 1;
	CHECK(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why == NULL);
	rsp.u.hello_rsp.version = 2;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why, "bad version");
	rsp.u.hello_rsp.version = 1;
	rsp.u.hello_rsp.max_resources = 0;
	CHECK_STR(check_msg(&rsp, XENLEND_Q_CTRL_RSP).why, "zero resource quota");
}

static void test_version_negotiation(void)
{
	struct xenlend_hello h = { 0 };
	__u32 v = 0;

	h.version_min = 1;
	h.version_max = 9;
	CHECK_EQ(xenlend_hello_pick_version(&h, &v), XENLEND_S_OK);
	CHECK_EQ(v, XENLEND_PROTOCOL_VERSION);
	h.version_min = 2;
	CHECK_EQ(xenlend_hello_pick_version(&h, &v), XENLEND_S_VERSION);
}

static void test_status_errno_round_trip(void)
{
	for (__u32 s = 0; s <= XENLEND_S_MAX; s++) {
		CHECK_EQ(xenlend_errno_to_status(xenlend_status_to_errno(s)), s);
		CHECK(strcmp(xenlend_status_name(s), "unknown"));
	}
	CHECK_EQ(xenlend_status_to_errno(XENLEND_S_MAX + 1), -EPROTO);
	CHECK_EQ(xenlend_errno_to_status(-ENOENT), XENLEND_S_NOENT);
	CHECK_EQ(xenlend_errno_to_status(EXDEV), XENLEND_S_IO);
	CHECK_STR(xenlend_status_name(1000), "unknown");
	CHECK_STR(xenlend_type_name(XENLEND_T_FAULT | XENLEND_T_RESPONSE), "FAULT");
	CHECK_STR(xenlend_type_name(0x55), "unknown");
	CHECK_EQ(xenlend_body_len(0x55), 0xffff);
}

/*
 * The type table is the protocol's one list of types: every type of the
 * header is in it exactly once, on its ring, with its routing and the id
 * the broker logs for it.
 */
static void test_type_table(void)
{
	static const struct {
		__u16 type;
		enum xenlend_ring ring;
		bool renderer;
		enum xenlend_obj obj;
	} want[] = {
		{ XENLEND_T_HELLO, XENLEND_RING_CTRL, false, XENLEND_OBJ_NONE },
		{ XENLEND_T_RESOURCE_CREATE, XENLEND_RING_CTRL, false, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_RESOURCE_DESTROY, XENLEND_RING_CTRL, false, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_FAULT, XENLEND_RING_CTRL, false, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_CAPSET_INFO, XENLEND_RING_CTRL, true, XENLEND_OBJ_NONE },
		{ XENLEND_T_CAPSET, XENLEND_RING_CTRL, true, XENLEND_OBJ_NONE },
		{ XENLEND_T_CTX_CREATE, XENLEND_RING_CTRL, true, XENLEND_OBJ_CONTEXT },
		{ XENLEND_T_CTX_DESTROY, XENLEND_RING_CTRL, true, XENLEND_OBJ_CONTEXT },
		{ XENLEND_T_SUBMIT, XENLEND_RING_CTRL, true, XENLEND_OBJ_CONTEXT },
		{ XENLEND_T_RESOURCE_ATTACH, XENLEND_RING_CTRL, false, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_RES3D_CREATE, XENLEND_RING_CTRL, true, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_TRANSFER_TO_HOST, XENLEND_RING_CTRL, true, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_TRANSFER_FROM_HOST, XENLEND_RING_CTRL, true, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_CTX_ATTACH, XENLEND_RING_CTRL, true, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_CTX_DETACH, XENLEND_RING_CTRL, true, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_NOP, XENLEND_RING_CTRL, true, XENLEND_OBJ_NONE },
		{ XENLEND_T_REVOKE, XENLEND_RING_EVT, false, XENLEND_OBJ_RESOURCE },
		{ XENLEND_T_FENCE, XENLEND_RING_EVT, false, XENLEND_OBJ_CONTEXT },
	};
	unsigned int known = 0;

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct xenlend_type_info *ti = xenlend_type_info(want[i].type);
		enum xenlend_queue wrong = want[i].ring == XENLEND_RING_CTRL ?
					   XENLEND_Q_EVT_REQ : XENLEND_Q_CTRL_REQ;
		struct xenlend_msg m;
		enum xenlend_obj kind;

		CHECK(ti != NULL);
		if (!ti)
			continue;
		CHECK_EQ(ti->type, want[i].type);
		CHECK_EQ(ti->ring, want[i].ring);
		CHECK(strcmp(ti->name, "unknown"));
		CHECK_EQ(xenlend_body_len(want[i].type), ti->req_len);
		CHECK_EQ(xenlend_body_len(want[i].type | XENLEND_T_RESPONSE), ti->rsp_len);
		CHECK(ti->req_len <= XENLEND_BODY_SIZE && ti->rsp_len <= XENLEND_BODY_SIZE);
		CHECK(ti->check_req != NULL);

		xenlend_msg_init(&m, want[i].type, 1);
		CHECK_EQ(xenlend_msg_by_renderer(&m), want[i].renderer);
		/* A request on the other ring is not a message of that ring. */
		CHECK_STR(xenlend_msg_check(&m, wrong).why, "unknown message type");
		if (want[i].obj != XENLEND_OBJ_NONE) {
			memcpy(m.u.body + ti->obj_off, &(__u32){ 0x1234 }, sizeof(__u32));
			CHECK_EQ(xenlend_msg_object(&m, &kind), 0x1234);
			CHECK_EQ(kind, want[i].obj);
		} else {
			CHECK_EQ(xenlend_msg_object(&m, &kind), 0);
			CHECK_EQ(kind, XENLEND_OBJ_NONE);
		}
		known++;
	}
	/* Nothing else in the type space is a type. */
	for (unsigned int type = 0; type < XENLEND_T_RESPONSE; type++)
		if (xenlend_type_info(type))
			known--;
	CHECK_EQ(known, 0);

	/* A RESOURCE_CREATE goes to the renderer exactly when it asks for a blob. */
	{
		struct xenlend_msg m;

		xenlend_msg_init(&m, XENLEND_T_RESOURCE_CREATE, 1);
		m.u.create.flags = XENLEND_CREATE_BLOB;
		CHECK(xenlend_msg_by_renderer(&m));
	}
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST(test_vectors_reasons),
		TEST(test_valid_requests_pass),
		TEST(test_every_reserved_byte_matters),
		TEST(test_events_and_responses),
		TEST(test_fault_and_hello_responses),
		TEST(test_version_negotiation),
		TEST(test_status_errno_round_trip),
		TEST(test_type_table),
	};

	return test_main("wire", cases, sizeof(cases) / sizeof(cases[0]));
}
