/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the fault and revocation core of a lent object.
 * dom0 lends, the guest borrows: the names here say which side they are.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BORROW_H
#define XENLEND_BORROW_H

#include <linux/mm_types.h>
#include <linux/mutex.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "xenlend_if.h"

struct device;
struct xenlend_borrow;

/* One FAULT asks for at most this many pages (the 2 MiB fault-around). */
#define XENLEND_LEND_WINDOW	(XENLEND_FAULT_MAX_BYTES / XENLEND_PAGE_SIZE)
/* A fault gives up (SIGBUS) after this many revocations raced it. */
#define XENLEND_LEND_TRIES	16
/*
 * By default, a fault whose pages are being revoked waits for this guest's
 * answer to that revocation (and the broker's release after it) this long.
 */
#define XENLEND_LEND_BUSY_MS	10000

/**
 * struct xenlend_borrow_ops - what the core needs from the driver
 * @fault: ask the broker to lend pages [@first, @first + @n). On success,
 *	store the pages lent (a prefix of the range, at least one) in *@lent
 *	and one grant reference per lent page in @grefs. Called without the
 *	lock. -EBUSY means the range is being revoked; the core waits for
 *	the revocation and retries.
 * @map: map @n grants @grefs at page @first. Either every page is mapped
 *	and 0 returned, or none and a negative errno.
 * @unmap: unmap the grants of pages [@first, @last), all of them mapped.
 * @zap: remove every user mapping of pages [@first, @last).
 * @insert: insert the mapped pages [@first, @first + @n) into the mapping
 *	that faulted (@arg); return the result for page @idx.
 *
 * All but @fault are called with &xenlend_borrow.lock held.
 */
struct xenlend_borrow_ops {
	int (*fault)(struct xenlend_borrow *l, unsigned long first, unsigned long n,
		     bool write, u32 *grefs, unsigned long *lent);
	int (*map)(struct xenlend_borrow *l, unsigned long first, unsigned long n,
		   const u32 *grefs);
	void (*unmap)(struct xenlend_borrow *l, unsigned long first, unsigned long last);
	void (*zap)(struct xenlend_borrow *l, unsigned long first, unsigned long last);
	vm_fault_t (*insert)(struct xenlend_borrow *l, void *arg, unsigned long first,
			     unsigned long n, unsigned long idx);
};

/**
 * struct xenlend_borrow - which pages of one object map lent memory
 * @ops: the driver's side.
 * @dev: device messages are printed for (may be NULL).
 * @lock: protects @seq, @mapped and the driver's grant mappings.
 * @seq: bumped by every revocation; a fault whose reply raced one retries.
 * @revoked: woken after each revocation, for faults the broker answered
 *	"busy" (their pages were being revoked).
 * @busy_ms: how long such a fault waits at most (XENLEND_LEND_BUSY_MS).
 * @mapped: bitmap, one bit per page that currently maps a broker grant.
 * @nr_pages: size of the object in pages.
 * @faults: FAULT round trips whose pages were installed.
 * @retries: FAULT replies dropped because a revocation raced them.
 */
struct xenlend_borrow {
	const struct xenlend_borrow_ops *ops;
	struct device *dev;
	struct mutex lock; /* see above */
	u64 seq;
	wait_queue_head_t revoked;
	unsigned int busy_ms;
	unsigned long *mapped;
	unsigned long nr_pages;
	u64 faults;
	u64 retries;
};

int xenlend_borrow_init(struct xenlend_borrow *l, const struct xenlend_borrow_ops *ops,
			struct device *dev, unsigned long nr_pages);
void xenlend_borrow_fini(struct xenlend_borrow *l);
vm_fault_t xenlend_borrow_fault(struct xenlend_borrow *l, unsigned long idx, bool write,
				void *arg);
vm_fault_t xenlend_borrow_fetch(struct xenlend_borrow *l, unsigned long idx, bool write);
void xenlend_borrow_revoke(struct xenlend_borrow *l, u64 offset, u64 length);
bool xenlend_borrow_is_mapped(struct xenlend_borrow *l, unsigned long idx);

#endif /* XENLEND_BORROW_H */
