/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the table of requests waiting for the broker's
 * answer, and of the bulk pages parked for answers that came too late.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_PENDING_H
#define XENLEND_PENDING_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/types.h>

#include "xenlend_wire.h"

/* Most bulk pages a table keeps parked. */
#define XENLEND_PENDING_MAX_BULK	4

/**
 * struct xenlend_waiter - a request waiting for its response
 * @link: entry in &xenlend_pending.waiters; empty once answered.
 * @id: request id.
 * @type: request type.
 * @done: completed when answered or when the connection fails.
 * @rsp: the response, valid when @err is 0.
 * @err: 0, or why no valid response arrived.
 */
struct xenlend_waiter {
	struct list_head link;
	u64 id;
	u16 type;
	struct completion done;
	struct xenlend_msg rsp;
	int err;
};

struct xenlend_pending;

/**
 * typedef xenlend_unpark_fn - a parked bulk page is free again
 * @p: the table.
 * @idx: the page's index.
 */
typedef void (*xenlend_unpark_fn)(struct xenlend_pending *p, unsigned int idx);

/**
 * struct xenlend_pending - requests sent and not answered yet
 * @waiters: the &struct xenlend_waiter of every request sent and waited for.
 * @parked: per bulk page, the id of the request whose late answer it stays
 *	busy for (0: not parked).
 * @nr_bulk: bulk pages there are, at most XENLEND_PENDING_MAX_BULK.
 * @unpark: called for a parked page once nothing can write it any more.
 *
 * The table does no locking: the transport holds its lock around every call.
 */
struct xenlend_pending {
	struct list_head waiters;
	u64 parked[XENLEND_PENDING_MAX_BULK];
	unsigned int nr_bulk;
	xenlend_unpark_fn unpark;
};

/**
 * enum xenlend_answer - what a response off the ring turned out to be
 * @XENLEND_ANSWER_MATCHED: the answer of a waiting request, handed over.
 * @XENLEND_ANSWER_WRONG_TYPE: it names a waiting request but answers another
 *	type; that request failed with -EPROTO.
 * @XENLEND_ANSWER_INVALID: the codec refused it; the request it names, if
 *	waiting, failed with -EPROTO.
 * @XENLEND_ANSWER_LATE: the answer of a request given up on; the bulk page
 *	parked for it is free again.
 * @XENLEND_ANSWER_UNKNOWN: it names no request we know of; dropped.
 */
enum xenlend_answer {
	XENLEND_ANSWER_MATCHED,
	XENLEND_ANSWER_WRONG_TYPE,
	XENLEND_ANSWER_INVALID,
	XENLEND_ANSWER_LATE,
	XENLEND_ANSWER_UNKNOWN,
};

void xenlend_pending_init(struct xenlend_pending *p, unsigned int nr_bulk,
			  xenlend_unpark_fn unpark);
void xenlend_pending_add(struct xenlend_pending *p, struct xenlend_waiter *w, u64 id,
			 u16 type);
enum xenlend_answer xenlend_pending_answer(struct xenlend_pending *p,
					   const struct xenlend_msg *m,
					   struct xenlend_verdict *v);
int xenlend_pending_finish(struct xenlend_pending *p, struct xenlend_waiter *w, int why,
			   int *bulk);
void xenlend_pending_fail_all(struct xenlend_pending *p, int err);

#endif /* XENLEND_PENDING_H */
