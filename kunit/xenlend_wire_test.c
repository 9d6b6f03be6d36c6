// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the wire codec (uapi/xenlend_wire.c) as the kernel builds
 * it: the checks the guest applies to every broker reply before it acts on
 * one. The host unit tests in tests/unit/ cover the same codec built for
 * userspace; this suite proves the kernel build behaves alike.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <kunit/test.h>
#include <linux/errno.h>

#include "xenlend_wire.h"

static void fault_pair(struct xenlend_msg *req, struct xenlend_msg *rsp, u64 offset,
		       u64 length)
{
	xenlend_msg_init(req, XENLEND_T_FAULT, 7);
	req->u.fault.res_id = 3;
	req->u.fault.access = XENLEND_ACCESS_READ;
	req->u.fault.offset = offset;
	req->u.fault.length = length;
	req->u.fault.bulk_idx = 1;
	xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
	rsp->u.fault_rsp.offset = offset;
	rsp->u.fault_rsp.length = length;
	rsp->u.fault_rsp.seq = 1;
	rsp->u.fault_rsp.nr_grefs = length / XENLEND_PAGE_SIZE;
	rsp->u.fault_rsp.bulk_idx = 1;
}

static const char *rsp_why(const struct xenlend_msg *rsp)
{
	return xenlend_msg_check(rsp, XENLEND_Q_CTRL_RSP).why;
}

/* A well-formed FAULT pair passes both checks, so the others can fail. */
static void wire_fault_rsp_valid(struct kunit *test)
{
	struct xenlend_msg req, rsp;

	fault_pair(&req, &rsp, 1 << 20, 1 << 20);
	KUNIT_EXPECT_NULL(test, xenlend_msg_check(&req, XENLEND_Q_CTRL_REQ).why);
	KUNIT_EXPECT_NULL(test, rsp_why(&rsp));
	KUNIT_EXPECT_NULL(test, xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp));

	/* Less than asked is allowed. */
	rsp.u.fault_rsp.length = XENLEND_PAGE_SIZE;
	rsp.u.fault_rsp.nr_grefs = 1;
	KUNIT_EXPECT_NULL(test, rsp_why(&rsp));
	KUNIT_EXPECT_NULL(test, xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp));
}

/* Replies malformed on their own. */
static void wire_fault_rsp_malformed(struct kunit *test)
{
	struct xenlend_msg req, rsp;

	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.nr_grefs = 9;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.length = 0;
	rsp.u.fault_rsp.nr_grefs = 0;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.length = 8 * XENLEND_PAGE_SIZE - 1;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.offset = 100;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	fault_pair(&req, &rsp, 0, XENLEND_FAULT_MAX_BYTES);
	rsp.u.fault_rsp.length = 2 * XENLEND_FAULT_MAX_BYTES;
	rsp.u.fault_rsp.nr_grefs = 2 * XENLEND_FAULT_MAX_BYTES / XENLEND_PAGE_SIZE;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.bulk_idx = XENLEND_MAX_BULK_PAGES;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));

	/* A body too short for its type. */
	fault_pair(&req, &rsp, 0, 8 * XENLEND_PAGE_SIZE);
	rsp.hdr.len = xenlend_body_len(XENLEND_T_FAULT | XENLEND_T_RESPONSE) - 1;
	KUNIT_EXPECT_NOT_NULL(test, rsp_why(&rsp));
}

/* Replies well formed, but not an answer to the request sent. */
static void wire_fault_rsp_mismatch(struct kunit *test)
{
	struct xenlend_msg req, rsp;

	fault_pair(&req, &rsp, 1 << 20, 16 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.offset = 2 << 20;
	KUNIT_EXPECT_NOT_NULL(test, xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp));

	fault_pair(&req, &rsp, 1 << 20, 16 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.length = 17 * XENLEND_PAGE_SIZE;
	rsp.u.fault_rsp.nr_grefs = 17;
	KUNIT_EXPECT_NULL(test, rsp_why(&rsp));
	KUNIT_EXPECT_NOT_NULL(test, xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp));

	fault_pair(&req, &rsp, 1 << 20, 16 * XENLEND_PAGE_SIZE);
	rsp.u.fault_rsp.bulk_idx = 2;
	KUNIT_EXPECT_NULL(test, rsp_why(&rsp));
	KUNIT_EXPECT_NOT_NULL(test, xenlend_fault_rsp_mismatch(&req.u.fault, &rsp.u.fault_rsp));
}

/* A response type on the request queue (or the reverse) is refused. */
static void wire_queue_direction(struct kunit *test)
{
	struct xenlend_msg req, rsp;

	fault_pair(&req, &rsp, 0, XENLEND_PAGE_SIZE);
	KUNIT_EXPECT_NOT_NULL(test, xenlend_msg_check(&rsp, XENLEND_Q_CTRL_REQ).why);
	KUNIT_EXPECT_NOT_NULL(test, xenlend_msg_check(&req, XENLEND_Q_CTRL_RSP).why);
	/* FAULT never travels on the event ring. */
	KUNIT_EXPECT_NOT_NULL(test, xenlend_msg_check(&req, XENLEND_Q_EVT_REQ).why);
}

/* Statuses become the errnos the fault core and the ioctls act on. */
static void wire_status_errno(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_OK), 0);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_BUSY), -EBUSY);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_NOMEM), -ENOMEM);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_RANGE), -ERANGE);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_NOENT), -ENOENT);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(XENLEND_S_MAX + 1), -EPROTO);
	KUNIT_EXPECT_EQ(test, xenlend_status_to_errno(U32_MAX), -EPROTO);
}

static struct kunit_case xenlend_wire_cases[] = {
	KUNIT_CASE(wire_fault_rsp_valid),
	KUNIT_CASE(wire_fault_rsp_malformed),
	KUNIT_CASE(wire_fault_rsp_mismatch),
	KUNIT_CASE(wire_queue_direction),
	KUNIT_CASE(wire_status_errno),
	{}
};

static struct kunit_suite xenlend_wire_suite = {
	.name = "xenlend_wire",
	.test_cases = xenlend_wire_cases,
};

kunit_test_suite(xenlend_wire_suite);

MODULE_DESCRIPTION("KUnit tests of xenlend's wire codec in the kernel");
MODULE_LICENSE("GPL");
