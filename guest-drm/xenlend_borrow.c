// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the fault and revocation core of a lent object.
 *
 * Nothing is mapped when an object is created. A CPU fault asks the broker
 * for the unmapped run of pages around the faulting one inside its 2 MiB
 * window (one round trip), maps the returned grants and inserts the pages;
 * the mappings persist until revoked.
 *
 * The fault path follows the KVM/HMM pattern: it snapshots @seq, drops the
 * lock for the round trip, and installs the reply only if no revocation ran
 * meanwhile; otherwise it retries, a bounded number of times. When the
 * broker answers that pages of the window are being revoked (busy), it
 * waits for this guest to answer that revocation (killable, backing off
 * from 1 to 100 ms, up to @busy_ms): in a burst of them the answer may
 * come long after the fault. A revocation
 * bumps @seq, zaps the user mappings of its range and unmaps the grants
 * before it returns, so the broker, told only afterwards, never releases a
 * page still mapped here.
 *
 * This file knows neither Xen nor DRM: the driver (xenlend_gem.c) supplies
 * the transport and the page tables through struct xenlend_borrow_ops, and the
 * KUnit suites in kunit/ a fake of both.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "xenlend_borrow.h"

/**
 * xenlend_borrow_init() - set up the core of a lent object
 * @l: the core, zeroed or not.
 * @ops: the driver's side.
 * @dev: device to print messages for (may be NULL).
 * @nr_pages: size of the object in pages, non-zero.
 *
 * Return: 0, or -ENOMEM.
 */
int xenlend_borrow_init(struct xenlend_borrow *l, const struct xenlend_borrow_ops *ops,
			struct device *dev, unsigned long nr_pages)
{
	memset(l, 0, sizeof(*l));
	l->mapped = bitmap_zalloc(nr_pages, GFP_KERNEL);
	if (!l->mapped)
		return -ENOMEM;
	l->ops = ops;
	l->dev = dev;
	l->nr_pages = nr_pages;
	mutex_init(&l->lock);
	init_waitqueue_head(&l->revoked);
	l->busy_ms = XENLEND_LEND_BUSY_MS;
	return 0;
}

/* Unmap every mapped run inside [first, last). Called with l->lock held. */
static void xenlend_borrow_unmap(struct xenlend_borrow *l, unsigned long first, unsigned long last)
{
	unsigned long a = first, b;

	for_each_set_bitrange_from(a, b, l->mapped, last) {
		l->ops->unmap(l, a, b);
		bitmap_clear(l->mapped, a, b - a);
	}
}

/**
 * xenlend_borrow_fini() - unmap everything and free the core
 * @l: the core; no fault or revocation may run any more.
 *
 * The caller has removed the user mappings (the object is being freed).
 * @l->nr_pages stays valid afterwards.
 */
void xenlend_borrow_fini(struct xenlend_borrow *l)
{
	mutex_lock(&l->lock);
	xenlend_borrow_unmap(l, 0, l->nr_pages);
	mutex_unlock(&l->lock);
	mutex_destroy(&l->lock);
	bitmap_free(l->mapped);
	l->mapped = NULL;
}

/**
 * xenlend_borrow_is_mapped() - whether a page maps lent memory now
 * @l: the core.
 * @idx: page index, below the object's size.
 *
 * Return: true if page @idx maps a grant.
 */
bool xenlend_borrow_is_mapped(struct xenlend_borrow *l, unsigned long idx)
{
	bool ret;

	mutex_lock(&l->lock);
	ret = idx < l->nr_pages && test_bit(idx, l->mapped);
	mutex_unlock(&l->lock);
	return ret;
}

static vm_fault_t xenlend_borrow_errno(int err)
{
	return err == -ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS;
}

/*
 * The fault: with @insert, resolve it (insert page @idx through @arg);
 * without, only make page @idx mapped here (xenlend_borrow_fetch()).
 */
static vm_fault_t borrow_fault(struct xenlend_borrow *l, unsigned long idx, bool write,
			       void *arg, bool insert)
{
	unsigned long lo, hi, start, end, n, busy_until = 0;
	unsigned int backoff_ms = 1;
	vm_fault_t ret;
	u32 *grefs;
	int tries, err;
	u64 seq;

	if (idx >= l->nr_pages)
		return VM_FAULT_SIGBUS;
	grefs = kmalloc_array(XENLEND_LEND_WINDOW, sizeof(*grefs), GFP_KERNEL);
	if (!grefs)
		return VM_FAULT_OOM;

	for (tries = 0; tries < XENLEND_LEND_TRIES;) {
		mutex_lock(&l->lock);
		if (test_bit(idx, l->mapped)) {
			ret = insert ? l->ops->insert(l, arg, idx, 1, idx) : 0;
			mutex_unlock(&l->lock);
			goto out;
		}
		/*
		 * The unmapped run around idx inside its window; the window
		 * starts on a word of the bitmap.
		 */
		start = round_down(idx, XENLEND_LEND_WINDOW);
		end = min(start + XENLEND_LEND_WINDOW, l->nr_pages);
		lo = find_last_bit(l->mapped + BIT_WORD(start), idx - start);
		lo = lo < idx - start ? start + lo + 1 : start;
		hi = find_next_bit(l->mapped, end, idx);
		seq = l->seq;
		mutex_unlock(&l->lock);

		n = 0;
		err = l->ops->fault(l, lo, hi - lo, write, grefs, &n);
		if (err == -EBUSY) {
			/*
			 * Pages being revoked: the broker lends them again once
			 * this guest answered the revocation, which bumps @seq
			 * (or already did, and the release is on its way).
			 */
			if (!busy_until)
				busy_until = jiffies + msecs_to_jiffies(l->busy_ms);
			if (time_after(jiffies, busy_until)) {
				dev_err_ratelimited(l->dev, "page %lu: still being revoked after %u ms\n",
						    idx, l->busy_ms);
				ret = VM_FAULT_SIGBUS;
				goto out;
			}
			/*
			 * The bump comes before this guest's answer and the
			 * broker's release after it: ask again after a short
			 * wait, growing to 100 ms, or at the next revocation.
			 */
			if (wait_event_killable_timeout(l->revoked, READ_ONCE(l->seq) != seq,
							msecs_to_jiffies(backoff_ms)) < 0) {
				ret = VM_FAULT_SIGBUS;	/* killed meanwhile */
				goto out;
			}
			backoff_ms = min(2 * backoff_ms, 100u);
			continue;
		}
		if (!err && (!n || n > hi - lo)) {
			dev_warn_ratelimited(l->dev, "broker lent %lu pages for a request of %lu\n",
					     n, hi - lo);
			err = -EPROTO;
		}
		if (err) {
			dev_dbg(l->dev, "FAULT of page %lu: %d\n", idx, err);
			ret = xenlend_borrow_errno(err);
			goto out;
		}

		mutex_lock(&l->lock);
		if (l->seq != seq) {
			/* A revocation ran meanwhile: these grants may be stale. */
			l->retries++;
			mutex_unlock(&l->lock);
			tries++;
			continue;
		}
		err = l->ops->map(l, lo, n, grefs);
		if (!err) {
			bitmap_set(l->mapped, lo, n);
			l->faults++;
			if (idx >= lo + n)
				ret = VM_FAULT_NOPAGE;
			else
				ret = insert ? l->ops->insert(l, arg, lo, n, idx) : 0;
		}
		mutex_unlock(&l->lock);
		if (err)
			ret = xenlend_borrow_errno(err);
		goto out;
	}
	dev_err_ratelimited(l->dev, "page %lu: gave up after %d revocations raced the fault\n",
			    idx, tries);
	ret = VM_FAULT_SIGBUS;
out:
	kfree(grefs);
	return ret;
}

/**
 * xenlend_borrow_fault() - resolve a CPU fault on a lent object
 * @l: the core.
 * @idx: page that faulted.
 * @write: the access was a write.
 * @arg: the fault, passed to &xenlend_borrow_ops.insert.
 *
 * Return: the result of inserting page @idx; VM_FAULT_NOPAGE when the broker
 * lent less than asked and @idx is not among it (the access faults again and
 * asks for the rest); VM_FAULT_OOM or VM_FAULT_SIGBUS when the broker
 * refused, failed or did not answer, or revocations kept racing the fault.
 */
vm_fault_t xenlend_borrow_fault(struct xenlend_borrow *l, unsigned long idx, bool write,
				void *arg)
{
	return borrow_fault(l, idx, write, arg, true);
}

/**
 * xenlend_borrow_fetch() - make a page mapped here without inserting it
 * @l: the core.
 * @idx: page that faulted.
 * @write: the access was a write.
 *
 * What xenlend_borrow_fault() does up to the insertion: the broker round
 * trip (with its waits while the page is being revoked) and the grant
 * mapping, which need no page table. The driver calls it after dropping
 * the fault's mmap_lock and returns VM_FAULT_RETRY; the retried fault finds
 * the page mapped and only inserts it.
 *
 * Return: 0 when page @idx is mapped here now, else what
 * xenlend_borrow_fault() would have returned.
 */
vm_fault_t xenlend_borrow_fetch(struct xenlend_borrow *l, unsigned long idx, bool write)
{
	return borrow_fault(l, idx, write, NULL, false);
}

/**
 * xenlend_borrow_revoke() - take back lent pages
 * @l: the core.
 * @offset: start of the range in bytes.
 * @length: its length in bytes; the range is clamped to the object.
 *
 * Every page the range touches is zapped from user mappings and its grant
 * unmapped before this returns; a fault in flight over the range retries.
 */
void xenlend_borrow_revoke(struct xenlend_borrow *l, u64 offset, u64 length)
{
	u64 size = (u64)l->nr_pages << PAGE_SHIFT;
	unsigned long first, last;

	if (offset >= size || !length)
		return;
	length = min(length, size - offset);
	first = offset >> PAGE_SHIFT;
	last = DIV_ROUND_UP_ULL(offset + length, PAGE_SIZE);

	mutex_lock(&l->lock);
	WRITE_ONCE(l->seq, l->seq + 1);
	l->ops->zap(l, first, last);
	xenlend_borrow_unmap(l, first, last);
	mutex_unlock(&l->lock);
	wake_up_all(&l->revoked);
}
