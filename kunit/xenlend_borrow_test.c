// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite of the guest driver's fault and revocation core
 * (guest-drm/xenlend_borrow.c), driven through a fake broker and fake page
 * tables.
 *
 * The fake broker hands out grant references (never 0) that encode the page and a
 * generation; the generation moves on whenever the fake revokes, as dom0's
 * broker does before it sends REVOKE. Whatever the core maps is checked
 * against it: a page mapped after a revocation returned must carry a grant
 * of the current generation, else a racing revocation was lost.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <kunit/test.h>
#include <linux/bitmap.h>
#include <linux/delay.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "xenlend_borrow.h"

/*
 * A fake grant: the page index in the low 20 bits, the broker's generation
 * above, modulo 4095 and plus one so that no grant is 0 (the thread case
 * runs past 4095 revocations).
 */
#define GEN_TAG(gen)	((u32)(gen) % 4095)
#define GREF(gen, page)	(((GEN_TAG(gen) + 1) << 20) | (u32)(page))
#define GREF_GEN(ref)	(((ref) >> 20) - 1)

/**
 * struct fake - a fake broker and fake page tables for one object
 * @borrow: the core under test.
 * @test: the running test.
 * @gref: per page, the grant the core mapped there (0: none).
 * @gen: the broker's generation; grants of older ones are stale.
 * @calls: FAULT requests received.
 * @first: first page of the last request.
 * @n: pages of the last request.
 * @busy: answer this many requests -EBUSY first.
 * @busy_revokes: each of those comes with a revocation of the last page
 *	(the guest answering the revocation that made the broker busy).
 * @err: answer every request with this error (0: lend).
 * @races: revoke everything during this many requests' round trips.
 * @lend_max: lend at most this many pages per request (0: all).
 * @lend_extra: lend this many pages more than asked (a broken broker).
 * @map_err: the next map fails with this error.
 * @zapped: pages zapped from user mappings, in all.
 * @unmapped: grants unmapped, in all.
 * @inserted: pages inserted into user mappings, in all.
 */
struct fake {
	struct xenlend_borrow borrow;
	struct kunit *test;
	u32 *gref;
	u32 gen;
	unsigned int calls;
	unsigned long first, n;
	unsigned int busy;
	bool busy_revokes;
	int err;
	unsigned int races;
	unsigned long lend_max;
	unsigned long lend_extra;
	int map_err;
	unsigned long zapped, unmapped, inserted;
};

static struct fake *to_fake(struct xenlend_borrow *l)
{
	return container_of(l, struct fake, borrow);
}

/*
 * What dom0's broker does: stop honouring the grants it lent (a new
 * generation), then REVOKE. Once the revocation returned, nothing from an
 * older generation may be mapped; only faults that asked since may have
 * installed pages.
 */
static void fake_revoke_all(struct fake *f)
{
	u32 gen = f->gen + 1;
	unsigned long p;

	WRITE_ONCE(f->gen, gen);
	xenlend_borrow_revoke(&f->borrow, 0, U64_MAX);
	mutex_lock(&f->borrow.lock);
	for (p = 0; p < f->borrow.nr_pages; p++)
		if (f->gref[p])
			KUNIT_EXPECT_EQ_MSG(f->test, GREF_GEN(f->gref[p]), GEN_TAG(gen),
					    "page %lu still maps a revoked grant", p);
	mutex_unlock(&f->borrow.lock);
}

static int fake_fault(struct xenlend_borrow *l, unsigned long first, unsigned long n,
		      bool write, u32 *grefs, unsigned long *lent)
{
	struct fake *f = to_fake(l);
	u32 gen = READ_ONCE(f->gen);
	unsigned long i;

	f->calls++;
	f->first = first;
	f->n = n;
	if (f->busy) {
		f->busy--;
		if (f->busy_revokes)
			xenlend_borrow_revoke(&f->borrow,
					      (u64)(f->borrow.nr_pages - 1) << PAGE_SHIFT,
					      PAGE_SIZE);
		return -EBUSY;
	}
	if (f->err)
		return f->err;
	if (f->lend_max)
		n = min(n, f->lend_max);
	n += f->lend_extra;
	for (i = 0; i < n; i++)
		grefs[i] = GREF(gen, first + i);
	*lent = n;
	/* The round trip: let the revoking thread of the last case run. */
	cond_resched();
	if (f->races) {
		/* A REVOKE overtakes this reply: the grants are stale now. */
		f->races--;
		fake_revoke_all(f);
	}
	return 0;
}

static int fake_map(struct xenlend_borrow *l, unsigned long first, unsigned long n,
		    const u32 *grefs)
{
	struct fake *f = to_fake(l);
	unsigned long i;

	lockdep_assert_held(&l->lock);
	if (f->map_err) {
		int err = f->map_err;

		f->map_err = 0;
		return err;
	}
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ(f->test, f->gref[first + i], 0);
		f->gref[first + i] = grefs[i];
	}
	return 0;
}

static void fake_unmap(struct xenlend_borrow *l, unsigned long first, unsigned long last)
{
	struct fake *f = to_fake(l);
	unsigned long p;

	lockdep_assert_held(&l->lock);
	for (p = first; p < last; p++) {
		KUNIT_EXPECT_NE_MSG(f->test, f->gref[p], 0, "page %lu unmapped twice", p);
		f->gref[p] = 0;
		f->unmapped++;
	}
}

static void fake_zap(struct xenlend_borrow *l, unsigned long first, unsigned long last)
{
	lockdep_assert_held(&l->lock);
	to_fake(l)->zapped += last - first;
}

static vm_fault_t fake_insert(struct xenlend_borrow *l, void *arg, unsigned long first,
			      unsigned long n, unsigned long idx)
{
	struct fake *f = to_fake(l);

	lockdep_assert_held(&l->lock);
	KUNIT_EXPECT_PTR_EQ(f->test, arg, (void *)f);
	KUNIT_EXPECT_GE(f->test, idx, first);
	KUNIT_EXPECT_LT(f->test, idx, first + n);
	f->inserted += n;
	return VM_FAULT_NOPAGE;
}

static const struct xenlend_borrow_ops fake_ops = {
	.fault = fake_fault,
	.map = fake_map,
	.unmap = fake_unmap,
	.zap = fake_zap,
	.insert = fake_insert,
};

static void fake_fini(void *data)
{
	struct fake *f = data;

	xenlend_borrow_fini(&f->borrow);
}

static struct fake *fake_new(struct kunit *test, unsigned long nr_pages)
{
	struct fake *f = kunit_kzalloc(test, sizeof(*f), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, f);
	f->test = test;
	f->gref = kunit_kcalloc(test, nr_pages, sizeof(*f->gref), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, f->gref);
	KUNIT_ASSERT_EQ(test, xenlend_borrow_init(&f->borrow, &fake_ops, NULL, nr_pages), 0);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, fake_fini, f), 0);
	return f;
}

static vm_fault_t touch(struct fake *f, unsigned long idx)
{
	return xenlend_borrow_fault(&f->borrow, idx, true, f);
}

/* Pages mapped, after checking every one against the fake's page tables. */
static unsigned long nr_mapped(struct fake *f)
{
	unsigned long p, n = 0;

	for (p = 0; p < f->borrow.nr_pages; p++) {
		bool mapped = xenlend_borrow_is_mapped(&f->borrow, p);

		KUNIT_EXPECT_EQ_MSG(f->test, mapped, f->gref[p] != 0, "page %lu", p);
		if (f->gref[p]) {
			KUNIT_EXPECT_EQ_MSG(f->test, f->gref[p] & 0xfffff, p,
					    "page %lu maps another page's grant", p);
			KUNIT_EXPECT_EQ_MSG(f->test, GREF_GEN(f->gref[p]), GEN_TAG(f->gen),
					    "page %lu maps a revoked grant", p);
		}
		n += mapped;
	}
	return n;
}

/*
 * A fetch (the driver's fault with mmap_lock dropped) maps the window and
 * inserts nothing; the retried fault inserts without a round trip; a fetch
 * of a page mapped already costs nothing; a fetch that races a revocation
 * leaves nothing stale mapped.
 */
static void lend_fetch_then_insert(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	KUNIT_EXPECT_EQ(test, xenlend_borrow_fetch(&f->borrow, 5, true), 0);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
	KUNIT_EXPECT_EQ(test, f->inserted, 0);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), XENLEND_LEND_WINDOW);
	KUNIT_EXPECT_EQ(test, xenlend_borrow_fetch(&f->borrow, 7, false), 0);
	KUNIT_EXPECT_EQ(test, f->calls, 1);

	KUNIT_EXPECT_EQ(test, touch(f, 5), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
	KUNIT_EXPECT_EQ(test, f->inserted, 1);

	f->races = 1;
	KUNIT_EXPECT_EQ(test, xenlend_borrow_fetch(&f->borrow, 600, true), 0);
	KUNIT_EXPECT_EQ(test, f->calls, 3);
	KUNIT_EXPECT_EQ(test, f->inserted, 1);
	KUNIT_EXPECT_TRUE(test, xenlend_borrow_is_mapped(&f->borrow, 600));
	KUNIT_EXPECT_EQ(test, nr_mapped(f), XENLEND_LEND_WINDOW);
}

/* One fault maps the page's whole 2 MiB window; the next is served locally. */
static void lend_fault_maps_window(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	KUNIT_EXPECT_EQ(test, touch(f, 5), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
	KUNIT_EXPECT_EQ(test, f->first, 0);
	KUNIT_EXPECT_EQ(test, f->n, XENLEND_LEND_WINDOW);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), XENLEND_LEND_WINDOW);
	KUNIT_EXPECT_EQ(test, f->inserted, XENLEND_LEND_WINDOW);

	KUNIT_EXPECT_EQ(test, touch(f, 511), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
	KUNIT_EXPECT_EQ(test, f->inserted, XENLEND_LEND_WINDOW + 1);

	KUNIT_EXPECT_EQ(test, touch(f, 512), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 2);
	KUNIT_EXPECT_EQ(test, f->first, 512);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 1024);
	KUNIT_EXPECT_EQ(test, f->borrow.faults, 2);
}

/* Touching every page of 64 MiB takes one FAULT per 2 MiB. */
static void lend_fault_batches_64mib(struct kunit *test)
{
	unsigned long pages = (64ul << 20) / PAGE_SIZE, p;
	struct fake *f = fake_new(test, pages);

	for (p = 0; p < pages; p++)
		KUNIT_ASSERT_EQ(test, touch(f, p), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, pages / XENLEND_LEND_WINDOW);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), pages);
}

/* The request covers the unmapped run around the page, and no more. */
static void lend_fault_window_stops_at_mapped(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	KUNIT_ASSERT_EQ(test, touch(f, 600), VM_FAULT_NOPAGE);
	xenlend_borrow_revoke(&f->borrow, 700ul << PAGE_SHIFT, 10ul << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 512 - 10);
	KUNIT_ASSERT_EQ(test, touch(f, 705), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->first, 700);
	KUNIT_EXPECT_EQ(test, f->n, 10);

	/* Below the run: from the window's start up to the first mapped page. */
	KUNIT_ASSERT_EQ(test, touch(f, 3), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->first, 0);
	KUNIT_EXPECT_EQ(test, f->n, 512);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 1024);
}

/* The window ends with the object. */
static void lend_fault_window_clamped(struct kunit *test)
{
	struct fake *f = fake_new(test, 100);

	KUNIT_EXPECT_EQ(test, touch(f, 99), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->first, 0);
	KUNIT_EXPECT_EQ(test, f->n, 100);
	KUNIT_EXPECT_EQ(test, touch(f, 100), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, touch(f, ULONG_MAX), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, f->calls, 1);
}

/* A revocation overtaking the reply makes the fault retry with fresh grants. */
static void lend_revoke_racing_fault(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	f->races = 1;
	KUNIT_EXPECT_EQ(test, touch(f, 42), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 2);
	KUNIT_EXPECT_EQ(test, f->borrow.retries, 1);
	KUNIT_EXPECT_EQ(test, f->gen, 1);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 512);
}

/* Revocations racing every reply end in SIGBUS, with nothing mapped. */
static void lend_revoke_storm_gives_up(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	f->races = UINT_MAX;
	KUNIT_EXPECT_EQ(test, touch(f, 42), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, f->calls, XENLEND_LEND_TRIES);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
}

/* BUSY (a revocation in progress on the broker) is retried. */
static void lend_fault_busy_retries(struct kunit *test)
{
	struct fake *f = fake_new(test, 16);

	f->busy = 3;
	KUNIT_EXPECT_EQ(test, touch(f, 0), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 4);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 16);

	/* A broker busy for good: given up once busy_ms passed. */
	f->busy = UINT_MAX;
	f->borrow.busy_ms = 300;
	xenlend_borrow_revoke(&f->borrow, 0, U64_MAX);
	KUNIT_EXPECT_EQ(test, touch(f, 0), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
}

/*
 * In a burst of revocations the broker stays busy for a page until this
 * guest answered the one that covers it, however many it answers first:
 * more BUSY answers than revocations may race a fault is no reason to give
 * up (issue 18, item 5: a well-behaved guest got SIGBUS in such a burst).
 */
static void lend_fault_busy_through_a_burst(struct kunit *test)
{
	struct fake *f = fake_new(test, 16);

	f->busy = 4 * XENLEND_LEND_TRIES;
	f->busy_revokes = true;
	KUNIT_EXPECT_EQ(test, touch(f, 0), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, f->calls, 4 * XENLEND_LEND_TRIES + 1);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 16);
}

/* Errors from the transport: OOM for ENOMEM, SIGBUS for everything else. */
static void lend_fault_errors(struct kunit *test)
{
	static const struct {
		int err;
		vm_fault_t ret;
	} cases[] = {
		{ -ENOMEM, VM_FAULT_OOM },
		{ -ETIMEDOUT, VM_FAULT_SIGBUS },	/* broker does not answer */
		{ -ENODEV, VM_FAULT_SIGBUS },		/* broker went away */
		{ -EPROTO, VM_FAULT_SIGBUS },		/* reply failed its checks */
		{ -ENOENT, VM_FAULT_SIGBUS },		/* resource unknown */
		{ -ERANGE, VM_FAULT_SIGBUS },		/* outside the resource */
	};
	struct fake *f = fake_new(test, 64);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		f->err = cases[i].err;
		KUNIT_EXPECT_EQ_MSG(test, touch(f, 7), cases[i].ret, "error %d", cases[i].err);
	}
	KUNIT_EXPECT_EQ(test, f->calls, ARRAY_SIZE(cases));
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
	KUNIT_EXPECT_EQ(test, f->borrow.faults, 0);
}

/* A broker that lends more than asked (or nothing) is not believed. */
static void lend_fault_bad_lent_count(struct kunit *test)
{
	struct fake *f = fake_new(test, 64);

	f->lend_extra = 1;
	KUNIT_EXPECT_EQ(test, touch(f, 7), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
	KUNIT_EXPECT_EQ(test, f->inserted, 0);
}

/* Less than asked, not reaching the page: the access faults again. */
static void lend_fault_short_lend(struct kunit *test)
{
	struct fake *f = fake_new(test, 512);
	unsigned int rounds = 0;

	f->lend_max = 16;
	while (!xenlend_borrow_is_mapped(&f->borrow, 100) && rounds++ < 100)
		KUNIT_ASSERT_EQ(test, touch(f, 100), VM_FAULT_NOPAGE);
	/* [0,16) [16,32) ... [96,112): seven requests. */
	KUNIT_EXPECT_EQ(test, f->calls, 7);
	KUNIT_EXPECT_EQ(test, f->first, 96);
	KUNIT_EXPECT_EQ(test, f->n, 512 - 96);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 112);
	KUNIT_EXPECT_EQ(test, f->inserted, 16);
}

/* Grants that fail to map leave nothing mapped. */
static void lend_fault_map_failure(struct kunit *test)
{
	struct fake *f = fake_new(test, 64);

	f->map_err = -EIO;
	KUNIT_EXPECT_EQ(test, touch(f, 7), VM_FAULT_SIGBUS);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
	f->map_err = -ENOMEM;
	KUNIT_EXPECT_EQ(test, touch(f, 7), VM_FAULT_OOM);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
	KUNIT_EXPECT_EQ(test, touch(f, 7), VM_FAULT_NOPAGE);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 64);
}

/* A revocation zaps and unmaps exactly the pages its range touches. */
static void lend_revoke_range(struct kunit *test)
{
	struct fake *f = fake_new(test, 512);

	KUNIT_ASSERT_EQ(test, touch(f, 0), VM_FAULT_NOPAGE);
	xenlend_borrow_revoke(&f->borrow, 100ul << PAGE_SHIFT, 100ul << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, f->zapped, 100);
	KUNIT_EXPECT_EQ(test, f->unmapped, 100);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 412);
	KUNIT_EXPECT_FALSE(test, xenlend_borrow_is_mapped(&f->borrow, 100));
	KUNIT_EXPECT_FALSE(test, xenlend_borrow_is_mapped(&f->borrow, 199));
	KUNIT_EXPECT_TRUE(test, xenlend_borrow_is_mapped(&f->borrow, 200));

	/* Unaligned: every page the bytes touch, here pages 299 and 300. */
	xenlend_borrow_revoke(&f->borrow, (300ul << PAGE_SHIFT) - 1, 2);
	KUNIT_EXPECT_EQ(test, f->unmapped, 102);
	KUNIT_EXPECT_FALSE(test, xenlend_borrow_is_mapped(&f->borrow, 299));
	KUNIT_EXPECT_FALSE(test, xenlend_borrow_is_mapped(&f->borrow, 300));

	/* Revoking unmapped pages again zaps, but unmaps nothing. */
	xenlend_borrow_revoke(&f->borrow, 100ul << PAGE_SHIFT, 100ul << PAGE_SHIFT);
	KUNIT_EXPECT_EQ(test, f->unmapped, 102);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 410);
}

/* Ranges past the end or overflowing are clamped, not trusted. */
static void lend_revoke_clamped(struct kunit *test)
{
	struct fake *f = fake_new(test, 64);

	KUNIT_ASSERT_EQ(test, touch(f, 0), VM_FAULT_NOPAGE);
	xenlend_borrow_revoke(&f->borrow, 64ul << PAGE_SHIFT, PAGE_SIZE);
	xenlend_borrow_revoke(&f->borrow, U64_MAX, U64_MAX);
	xenlend_borrow_revoke(&f->borrow, 0, 0);
	KUNIT_EXPECT_EQ(test, f->zapped, 0);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 64);

	xenlend_borrow_revoke(&f->borrow, 60ul << PAGE_SHIFT, U64_MAX);
	KUNIT_EXPECT_EQ(test, f->zapped, 4);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 60);
}

/* Freeing the object unmaps whatever is still mapped, once. */
static void lend_fini_unmaps(struct kunit *test)
{
	struct fake *f = fake_new(test, 1024);

	KUNIT_ASSERT_EQ(test, touch(f, 0), VM_FAULT_NOPAGE);
	KUNIT_ASSERT_EQ(test, touch(f, 1000), VM_FAULT_NOPAGE);
	xenlend_borrow_revoke(&f->borrow, 10ul << PAGE_SHIFT, PAGE_SIZE);
	KUNIT_ASSERT_EQ(test, nr_mapped(f), 1023);
	kunit_release_action(test, fake_fini, f);
	KUNIT_EXPECT_EQ(test, f->unmapped, 1024);
	KUNIT_EXPECT_PTR_EQ(test, memchr_inv(f->gref, 0, 1024 * sizeof(*f->gref)), NULL);
}

static int revoker(void *data)
{
	struct fake *f = data;

	while (!kthread_should_stop()) {
		fake_revoke_all(f);
		cond_resched();
	}
	return 0;
}

/*
 * Faults against a thread that revokes everything without pause: after each
 * revocation nothing may stay mapped from before it (checked by fake_map
 * and nr_mapped through the generation in each grant).
 */
static void lend_revoke_thread_vs_faults(struct kunit *test)
{
	struct fake *f = fake_new(test, 2048);
	struct task_struct *thread;
	unsigned int i, sigbus = 0;

	thread = kthread_run(revoker, f, "xenlend-revoker");
	KUNIT_ASSERT_FALSE(test, IS_ERR(thread));
	for (i = 0; i < 20000; i++) {
		vm_fault_t ret = touch(f, (i * 97) % 2048);

		if (ret == VM_FAULT_SIGBUS)
			sigbus++;
		else
			KUNIT_EXPECT_EQ(test, ret, VM_FAULT_NOPAGE);
		/* Without preemption the revoker runs while this one sleeps. */
		if (i % 200 == 0)
			usleep_range(1000, 2000);
	}
	kthread_stop(thread);
	fake_revoke_all(f);
	KUNIT_EXPECT_EQ(test, nr_mapped(f), 0);
	KUNIT_EXPECT_GT(test, f->borrow.faults, 0);
	kunit_info(test, "%llu faults installed, %llu replies dropped, %u SIGBUS, %u revocations\n",
		   f->borrow.faults, f->borrow.retries, sigbus, f->gen);
}

static struct kunit_case xenlend_borrow_cases[] = {
	KUNIT_CASE(lend_fault_maps_window),
	KUNIT_CASE(lend_fetch_then_insert),
	KUNIT_CASE(lend_fault_batches_64mib),
	KUNIT_CASE(lend_fault_window_stops_at_mapped),
	KUNIT_CASE(lend_fault_window_clamped),
	KUNIT_CASE(lend_revoke_racing_fault),
	KUNIT_CASE(lend_revoke_storm_gives_up),
	KUNIT_CASE(lend_fault_busy_retries),
	KUNIT_CASE(lend_fault_busy_through_a_burst),
	KUNIT_CASE(lend_fault_errors),
	KUNIT_CASE(lend_fault_bad_lent_count),
	KUNIT_CASE(lend_fault_short_lend),
	KUNIT_CASE(lend_fault_map_failure),
	KUNIT_CASE(lend_revoke_range),
	KUNIT_CASE(lend_revoke_clamped),
	KUNIT_CASE(lend_fini_unmaps),
	KUNIT_CASE_SLOW(lend_revoke_thread_vs_faults),
	{}
};

static struct kunit_suite xenlend_borrow_suite = {
	.name = "xenlend_borrow",
	.test_cases = xenlend_borrow_cases,
};

kunit_test_suite(xenlend_borrow_suite);

MODULE_DESCRIPTION("KUnit tests of xenlend's fault and revocation core");
MODULE_LICENSE("GPL");
