// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the guest's table of requests waiting for the broker
 * (guest-drm/xenlend_pending.c): answers matched by id and type, answers
 * that are invalid, unasked for or late, requests given up on, and the
 * bulk pages a late answer may still write, which must stay parked until it
 * comes or the connection ends.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/errno.h>

#include "xenlend_pending.h"
#include "xenlend_wire.h"

/* The table with the record of the pages it handed back. */
struct table {
	struct xenlend_pending p;
	unsigned long unparked;	/* bit n: page n was unparked */
	unsigned int nr_unparked;
};

static void note_unpark(struct xenlend_pending *p, unsigned int idx)
{
	struct table *t = container_of(p, struct table, p);

	__set_bit(idx, &t->unparked);
	t->nr_unparked++;
}

static void table_init(struct table *t)
{
	memset(t, 0, sizeof(*t));
	xenlend_pending_init(&t->p, XENLEND_PENDING_MAX_BULK, note_unpark);
}

static void waiter_add(struct table *t, struct xenlend_waiter *w, u64 id, u16 type)
{
	init_completion(&w->done);
	xenlend_pending_add(&t->p, w, id, type);
}

/* A valid OK answer to a RESOURCE_DESTROY @id. */
static void destroy_rsp(struct xenlend_msg *rsp, u64 id)
{
	struct xenlend_msg req;

	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, id);
	req.u.destroy.res_id = 9;
	xenlend_msg_init_rsp(rsp, &req, XENLEND_S_OK);
}

/* Answers find their requests whatever the order, each exactly once. */
static void pending_answers_by_id(struct kunit *test)
{
	struct xenlend_waiter a, b;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;

	table_init(&t);
	waiter_add(&t, &a, 1, XENLEND_T_RESOURCE_DESTROY);
	waiter_add(&t, &b, 2, XENLEND_T_RESOURCE_DESTROY);
	destroy_rsp(&rsp, 2);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_MATCHED);
	KUNIT_EXPECT_TRUE(test, completion_done(&b.done));
	KUNIT_EXPECT_FALSE(test, completion_done(&a.done));
	KUNIT_EXPECT_EQ(test, xenlend_msg_id(&b.rsp), 2ULL);
	/* The same answer again names nothing waiting any more. */
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_UNKNOWN);
	destroy_rsp(&rsp, 1);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_MATCHED);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &a, -ETIMEDOUT, NULL), 0);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &b, -ETIMEDOUT, NULL), 0);
	KUNIT_EXPECT_EQ(test, xenlend_msg_id(&a.rsp), 1ULL);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.p.waiters));
}

/* An answer of the wrong type fails its request; it is never handed over. */
static void pending_wrong_type(struct kunit *test)
{
	struct xenlend_waiter w;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;

	table_init(&t);
	waiter_add(&t, &w, 5, XENLEND_T_FAULT);
	destroy_rsp(&rsp, 5);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v),
			XENLEND_ANSWER_WRONG_TYPE);
	KUNIT_EXPECT_TRUE(test, completion_done(&w.done));
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, NULL), -EPROTO);
}

/* A response the codec refuses fails the request it names, with the reason. */
static void pending_invalid(struct kunit *test)
{
	struct xenlend_waiter w, other;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;

	table_init(&t);
	waiter_add(&t, &w, 3, XENLEND_T_RESOURCE_DESTROY);
	waiter_add(&t, &other, 4, XENLEND_T_RESOURCE_DESTROY);
	destroy_rsp(&rsp, 3);
	rsp.u.body[40] = 1;	/* a byte past the body */
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_INVALID);
	KUNIT_EXPECT_NE(test, v.status, (u32)XENLEND_S_OK);
	KUNIT_EXPECT_NOT_NULL(test, v.why);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, NULL), -EPROTO);
	/* The other request still waits. */
	KUNIT_EXPECT_FALSE(test, completion_done(&other.done));
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &other, -ETIMEDOUT, NULL),
			-ETIMEDOUT);
}

/* Answers to nothing we asked, id 0 among them, change nothing. */
static void pending_unknown(struct kunit *test)
{
	struct xenlend_waiter w;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;

	table_init(&t);
	waiter_add(&t, &w, 8, XENLEND_T_RESOURCE_DESTROY);
	destroy_rsp(&rsp, 9);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_UNKNOWN);
	destroy_rsp(&rsp, 0);
	KUNIT_EXPECT_NE(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_MATCHED);
	KUNIT_EXPECT_FALSE(test, completion_done(&w.done));
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 0U);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, NULL), -ETIMEDOUT);
}

/*
 * A request given up on leaves its bulk page parked: the broker may still
 * write it. Only the late answer, by id, frees it; an answer to anything
 * else does not, and the page is never handed back twice.
 */
static void pending_late_answer_unparks(struct kunit *test)
{
	struct xenlend_waiter w;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;
	int bulk = 2;

	table_init(&t);
	waiter_add(&t, &w, 11, XENLEND_T_RESOURCE_DESTROY);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, &bulk), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, bulk, -1);
	KUNIT_EXPECT_EQ(test, t.p.parked[2], 11ULL);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 0U);

	destroy_rsp(&rsp, 12);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_UNKNOWN);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 0U);
	destroy_rsp(&rsp, 11);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_LATE);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 1U);
	KUNIT_EXPECT_TRUE(test, test_bit(2, &t.unparked));
	KUNIT_EXPECT_EQ(test, t.p.parked[2], 0ULL);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_UNKNOWN);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 1U);
}

/* A late answer the codec refuses does not free the page either. */
static void pending_invalid_late_answer(struct kunit *test)
{
	struct xenlend_waiter w;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;
	int bulk = 0;

	table_init(&t);
	waiter_add(&t, &w, 21, XENLEND_T_RESOURCE_DESTROY);
	xenlend_pending_finish(&t.p, &w, -EINTR, &bulk);
	destroy_rsp(&rsp, 21);
	rsp.hdr.status = XENLEND_S_MAX + 1;
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_INVALID);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 0U);
	KUNIT_EXPECT_EQ(test, t.p.parked[0], 21ULL);
}

/* An answered request keeps its bulk page: the caller still owns it. */
static void pending_answered_keeps_page(struct kunit *test)
{
	struct xenlend_waiter w;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;
	int bulk = 3;

	table_init(&t);
	waiter_add(&t, &w, 31, XENLEND_T_RESOURCE_DESTROY);
	destroy_rsp(&rsp, 31);
	xenlend_pending_answer(&t.p, &rsp, &v);
	/* The wait timed out just as the answer came: the answer wins. */
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, &bulk), 0);
	KUNIT_EXPECT_EQ(test, bulk, 3);
	KUNIT_EXPECT_EQ(test, t.p.parked[3], 0ULL);
}

/* A bulk index the table does not have is never parked (nor written). */
static void pending_bad_bulk_index(struct kunit *test)
{
	struct xenlend_waiter w;
	struct table t;
	int bulk = XENLEND_PENDING_MAX_BULK;

	table_init(&t);
	waiter_add(&t, &w, 41, XENLEND_T_RESOURCE_DESTROY);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &w, -ETIMEDOUT, &bulk), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, bulk, XENLEND_PENDING_MAX_BULK);
}

/*
 * The connection ends: every waiting request fails with the error, every
 * parked page is free, and a request finished afterwards gets that error.
 */
static void pending_fail_all(struct kunit *test)
{
	struct xenlend_waiter a, b, gone;
	struct xenlend_verdict v;
	struct xenlend_msg rsp;
	struct table t;
	int bulk0 = 0, bulk1 = 1;

	table_init(&t);
	waiter_add(&t, &gone, 50, XENLEND_T_RESOURCE_DESTROY);
	xenlend_pending_finish(&t.p, &gone, -ETIMEDOUT, &bulk0);
	waiter_add(&t, &a, 51, XENLEND_T_RESOURCE_DESTROY);
	waiter_add(&t, &b, 52, XENLEND_T_FAULT);
	waiter_add(&t, &gone, 53, XENLEND_T_RESOURCE_DESTROY);
	xenlend_pending_finish(&t.p, &gone, -ETIMEDOUT, &bulk1);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 0U);

	xenlend_pending_fail_all(&t.p, -ENODEV);
	KUNIT_EXPECT_TRUE(test, completion_done(&a.done));
	KUNIT_EXPECT_TRUE(test, completion_done(&b.done));
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &a, -ETIMEDOUT, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, xenlend_pending_finish(&t.p, &b, -ETIMEDOUT, NULL), -ENODEV);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 2U);
	KUNIT_EXPECT_EQ(test, t.unparked, 0x3UL);
	KUNIT_EXPECT_TRUE(test, list_empty(&t.p.waiters));
	/* Late answers after that find nothing. */
	destroy_rsp(&rsp, 50);
	KUNIT_EXPECT_EQ(test, xenlend_pending_answer(&t.p, &rsp, &v), XENLEND_ANSWER_UNKNOWN);
	KUNIT_EXPECT_EQ(test, t.nr_unparked, 2U);
}

static struct kunit_case xenlend_pending_cases[] = {
	KUNIT_CASE(pending_answers_by_id),
	KUNIT_CASE(pending_wrong_type),
	KUNIT_CASE(pending_invalid),
	KUNIT_CASE(pending_unknown),
	KUNIT_CASE(pending_late_answer_unparks),
	KUNIT_CASE(pending_invalid_late_answer),
	KUNIT_CASE(pending_answered_keeps_page),
	KUNIT_CASE(pending_bad_bulk_index),
	KUNIT_CASE(pending_fail_all),
	{}
};

static struct kunit_suite xenlend_pending_suite = {
	.name = "xenlend_pending",
	.test_cases = xenlend_pending_cases,
};

kunit_test_suite(xenlend_pending_suite);

MODULE_DESCRIPTION("KUnit tests of xenlend's table of requests waiting for the broker");
MODULE_LICENSE("GPL");
