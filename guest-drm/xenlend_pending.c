// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the table of requests waiting for the broker.
 *
 * A response is matched to its request by id and checked against it; the
 * broker is not trusted to answer what was asked, once, or in time. A
 * request whose answer did not come in time may still be answered later,
 * into the bulk page it named: that page stays parked until then, or until
 * the connection ends. Nothing here knows about rings or Xen, so that the
 * KUnit suite drives it directly.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/errno.h>
#include <linux/minmax.h>
#include <linux/string.h>

#include "xenlend_pending.h"

/**
 * xenlend_pending_init() - set up an empty table
 * @p: the table.
 * @nr_bulk: bulk pages requests may name, at most XENLEND_PENDING_MAX_BULK.
 * @unpark: called when a parked page is free again.
 */
void xenlend_pending_init(struct xenlend_pending *p, unsigned int nr_bulk,
			  xenlend_unpark_fn unpark)
{
	INIT_LIST_HEAD(&p->waiters);
	memset(p->parked, 0, sizeof(p->parked));
	p->nr_bulk = min_t(unsigned int, nr_bulk, XENLEND_PENDING_MAX_BULK);
	p->unpark = unpark;
}

/**
 * xenlend_pending_add() - wait for the answer of a request being sent
 * @p: the table.
 * @w: the waiter, its @done initialised.
 * @id: the request's id, never 0.
 * @type: the request's type.
 */
void xenlend_pending_add(struct xenlend_pending *p, struct xenlend_waiter *w, u64 id,
			 u16 type)
{
	w->id = id;
	w->type = type;
	w->err = 0;
	list_add_tail(&w->link, &p->waiters);
}

static struct xenlend_waiter *find_waiter(struct xenlend_pending *p, u64 id)
{
	struct xenlend_waiter *w;

	list_for_each_entry(w, &p->waiters, link)
		if (w->id == id)
			return w;
	return NULL;
}

static void complete_waiter(struct xenlend_waiter *w, int err)
{
	list_del_init(&w->link);
	w->err = err;
	complete(&w->done);
}

static void unpark(struct xenlend_pending *p, unsigned int i)
{
	p->parked[i] = 0;
	p->unpark(p, i);
}

/**
 * xenlend_pending_answer() - take one response copied off the ring
 * @p: the table.
 * @m: the response.
 * @v: receives the codec's verdict on it.
 *
 * Return: what the response was; the caller logs the ones it drops.
 */
enum xenlend_answer xenlend_pending_answer(struct xenlend_pending *p,
					   const struct xenlend_msg *m,
					   struct xenlend_verdict *v)
{
	u64 id = xenlend_msg_id(m);
	struct xenlend_waiter *w;
	unsigned int i;

	*v = xenlend_msg_check(m, XENLEND_Q_CTRL_RSP);
	w = id ? find_waiter(p, id) : NULL;
	if (v->status != XENLEND_S_OK) {
		if (w)
			complete_waiter(w, -EPROTO);
		return XENLEND_ANSWER_INVALID;
	}
	if (!w) {
		for (i = 0; id && i < p->nr_bulk; i++) {
			if (p->parked[i] == id) {
				unpark(p, i);
				return XENLEND_ANSWER_LATE;
			}
		}
		return XENLEND_ANSWER_UNKNOWN;
	}
	if (xenlend_msg_type(m) != (w->type | XENLEND_T_RESPONSE)) {
		complete_waiter(w, -EPROTO);
		return XENLEND_ANSWER_WRONG_TYPE;
	}
	w->rsp = *m;
	complete_waiter(w, 0);
	return XENLEND_ANSWER_MATCHED;
}

/**
 * xenlend_pending_finish() - stop waiting for an answer
 * @p: the table.
 * @w: a waiter added with xenlend_pending_add().
 * @why: the error if it was not answered: -ETIMEDOUT, or a signal's.
 * @bulk: the bulk page the request named, or NULL. If the request went
 *	unanswered, the broker may still write that page: it is parked for
 *	the late answer and *@bulk becomes -1 (the caller no longer owns it).
 *
 * Return: the waiter's result: 0 with its response in @w->rsp, the error
 * it failed with, or @why.
 */
int xenlend_pending_finish(struct xenlend_pending *p, struct xenlend_waiter *w, int why,
			   int *bulk)
{
	if (list_empty(&w->link))
		return w->err;
	list_del_init(&w->link);
	if (bulk && *bulk >= 0 && *bulk < p->nr_bulk) {
		p->parked[*bulk] = w->id;
		*bulk = -1;
	}
	return why;
}

/**
 * xenlend_pending_fail_all() - no answer can come any more
 * @p: the table.
 * @err: what every waiting request fails with.
 *
 * Every parked page is free again too.
 */
void xenlend_pending_fail_all(struct xenlend_pending *p, int err)
{
	struct xenlend_waiter *w, *tmp;
	unsigned int i;

	list_for_each_entry_safe(w, tmp, &p->waiters, link)
		complete_waiter(w, err);
	for (i = 0; i < p->nr_bulk; i++)
		if (p->parked[i])
			unpark(p, i);
}
