// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-host: the dom0 lending engine.
 *
 * Grants pages of a user mapping (a memfd or GPU buffer mapping of the
 * broker, including the PFN mappings GPU drivers make) to one guest on
 * demand, holds a reference on every granted page, and turns MMU-notifier
 * invalidations of granted pages into revocation events the broker reads
 * from the same file. The notifier never waits for the guest: it marks the
 * grants revoked and returns, and the held references keep the pages from
 * being reused until the broker releases the grants - after the guest
 * acknowledged, or after the broker's deadline, in which case a page the
 * guest still maps stays quarantined, charged to that guest, until Xen
 * reports it unmapped. Pages of a buffer a GPU driver manages are held by
 * pinning the buffer instead (a dma-buf attachment), since TTM's page pools
 * and VRAM ignore page references. See include/uapi/xen/xenlend_host.h.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/dma-buf.h>
#include <linux/dma-resv.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/mmu_notifier.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/mm.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>
#include <linux/workqueue.h>

#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>

#include <xen/xenlend_host.h>

static unsigned int max_granted_pages = 1u << 18;	/* 1 GiB */
module_param(max_granted_pages, uint, 0644);
MODULE_PARM_DESC(max_granted_pages,
		 "Most pages one file may have granted, plus what its domain has quarantined");

static unsigned int grant_reserve = 4096;
module_param(grant_reserve, uint, 0644);
MODULE_PARM_DESC(grant_reserve,
		 "Entries of dom0's grant table the engine leaves to dom0's other users");

#define XH_EVENTS	256	/* queued events per file before OVERFLOW */
/* Linux uses grant table v1 unless a guest's memory needs v2's wider frames. */
#define XH_GREFS_PER_FRAME	(XEN_PAGE_SIZE / sizeof(struct grant_entry_v1))
#define XH_QUARANTINE_POLL	(HZ / 2)	/* retry quarantined grants this often */
#define XH_MAX_BACKINGS	64	/* backings of one region */

/**
 * struct xh_buf - a driver-managed buffer that backs pages of a region
 * @ref: one per backing range, per page whose grant pins the buffer, per
 *	queued unpin; each also holds a module reference through the first.
 * @pins: pages granted, revoked or quarantined that need it pinned.
 * @lock: serialises attaching and detaching.
 * @dmabuf: the buffer, referenced.
 * @attach: our attachment while the buffer is pinned, else NULL.
 * @unpin_work: detaches once @pins dropped to zero.
 *
 * Grants of its pages hold no page reference: the pin alone keeps the pages
 * where they are (TTM neither moves nor swaps nor frees a pinned buffer).
 */
struct xh_buf {
	struct kref ref;
	atomic_t pins;
	struct mutex lock; /* attach, detach */
	struct dma_buf *dmabuf;
	struct dma_buf_attachment *attach;
	struct work_struct unpin_work;
};

/**
 * struct xh_backing - a range of a region backed by a driver-managed buffer
 * @link: entry in &xh_region.backings, newest first.
 * @first: first page.
 * @npages: length in pages.
 * @buf: the buffer, referenced.
 */
struct xh_backing {
	struct list_head link;
	unsigned long first;
	unsigned long npages;
	struct xh_buf *buf;
};

/**
 * struct xh_qpage - a page released while its guest still mapped it
 * @link: entry in xh_quarantine.
 * @page: the page; our reference keeps it out of use.
 * @buf: or, for a driver-managed buffer, the buffer our pin keeps in place
 *	(then @page is not referenced).
 * @gref: its grant reference, ended once the guest unmaps.
 * @domid: the guest it is charged to.
 * @frame: device memory the broker mapped into the guest itself: no grant
 *	says when the guest let go, so @buf stays pinned for good.
 *
 * The quarantine outlives the file that lent the page: a guest keeps its
 * mapping however the broker fares.
 */
struct xh_qpage {
	struct list_head link;
	struct page *page;
	struct xh_buf *buf;
	grant_ref_t gref;
	int domid;
	bool frame;
};

static LIST_HEAD(xh_quarantine);
static DEFINE_SPINLOCK(xh_quarantine_lock);
/* Pages referenced for a grant, over all files (XH_GRANTED + XH_REVOKED). */
static atomic64_t xh_pages_lent;
/* Pages on xh_quarantine. */
static atomic64_t xh_pages_quarantined;
/*
 * Of those, the ones charged to each domain: what it kept mapped after
 * dom0 took it back, whichever file lent it (it outlives reconnects).
 */
static atomic_t xh_dom_quarantined[DOMID_FIRST_RESERVED];
/* Driver-managed buffers pinned now. */
static atomic64_t xh_bufs_pinned;
/* Entries of dom0's grant table our grants hold, quarantined ones included. */
static atomic_t xh_grants_used;
/* Files bound to a domain: the grant budget's fair share divides by it. */
static atomic_t xh_files_bound;

static void xh_quarantine_poll(struct work_struct *work);
static DECLARE_DELAYED_WORK(xh_quarantine_work, xh_quarantine_poll);

enum xh_state { XH_EMPTY, XH_GRANTED, XH_REVOKED };

/**
 * struct xh_entry - one page of a region
 * @page: the granted page, pinned (FOLL_LONGTERM) unless @buf; NULL when
 *	XH_EMPTY.
 * @buf: the pinned buffer the page belongs to, or NULL.
 * @gref: its grant reference.
 * @state: enum xh_state.
 * @frame: lent as a device memory frame (XENLEND_HOST_IOC_LEND_FRAMES):
 *	no @page, no @gref, only @buf.
 * @seq: for XH_REVOKED, the revocation's sequence number.
 */
struct xh_entry {
	struct page *page;
	struct xh_buf *buf;
	grant_ref_t gref;
	u16 state;
	bool frame;
	u64 seq;
};

/* A region's entries stay within what kvcalloc() allocates without a WARN. */
static_assert((XENLEND_HOST_MAX_REGION >> PAGE_SHIFT) * sizeof(struct xh_entry) <= INT_MAX);

struct xh_file;

/**
 * struct xh_region - a lendable range of the broker's address space
 * @link: entry in &xh_file.regions.
 * @file: owner.
 * @notifier: MMU interval notifier over the range.
 * @uaddr: start address.
 * @npages: length in pages.
 * @id: broker-chosen id.
 * @readonly: grant read-only.
 * @backings: list of &struct xh_backing, changed under &xh_file.ioctl_lock.
 * @nbackings: its length.
 * @entries: @npages entries, protected by &xh_file.lock.
 */
struct xh_region {
	struct list_head link;
	struct xh_file *file;
	struct mmu_interval_notifier notifier;
	unsigned long uaddr;
	unsigned long npages;
	u32 id;
	bool readonly;
	struct list_head backings;
	unsigned int nbackings;
	struct xh_entry *entries;
};

/**
 * struct xh_file - one open file, lending to one guest
 * @ioctl_lock: serialises ioctls (region list changes).
 * @lock: protects the entries, @events, @seq and the counters; taken in the
 *	MMU notifier, so never held across anything that sleeps.
 * @domid: the guest, or -1 before BIND.
 * @regions: list of &struct xh_region.
 * @wq: readers waiting for events.
 * @events: ring of queued events.
 * @ev_head: index of the oldest queued event.
 * @ev_count: number of queued events.
 * @overflow: events were lost; an OVERFLOW event is pending.
 * @seq: last revocation sequence number.
 * @granted: pages in XH_GRANTED.
 * @revoked: pages in XH_REVOKED.
 * @grants: of those, the ones that hold an entry of dom0's grant table (all
 *	but device memory frames).
 * @quarantined: pages released while still mapped (total).
 * @events_lost: revocations folded into an OVERFLOW event.
 */
struct xh_file {
	struct mutex ioctl_lock; /* serialises ioctls */
	spinlock_t lock; /* entries, events, seq, counters */
	int domid;
	struct list_head regions;
	wait_queue_head_t wq;
	struct xenlend_host_event events[XH_EVENTS];
	unsigned int ev_head;
	unsigned int ev_count;
	bool overflow;
	u64 seq;
	u64 granted;
	u64 revoked;
	u64 grants;
	u64 quarantined;
	u64 events_lost;
};

static struct miscdevice xh_misc;
/* Runs the unpins; destroyed at exit, after the last one returned. */
static struct workqueue_struct *xh_wq;

static void xh_buf_free(struct kref *ref)
{
	struct xh_buf *b = container_of(ref, struct xh_buf, ref);

	dma_buf_put(b->dmabuf);
	mutex_destroy(&b->lock);
	kfree(b);
	module_put(THIS_MODULE);
}

static void xh_buf_put(struct xh_buf *b)
{
	kref_put(&b->ref, xh_buf_free);
}

static void xh_move_notify(struct dma_buf_attachment *attach)
{
	/* Pinned by us whenever a page of it is lent: nothing to invalidate. */
}

static const struct dma_buf_attach_ops xh_importer_ops = {
	.move_notify = xh_move_notify,
};

/*
 * Pin @b: an exporter that cannot move its buffers itself (DRM's PRIME
 * helpers) pins at attach; a dynamic one (amdgpu, xe) is asked to with
 * dma_buf_pin(). The attachment is never mapped: the engine grants the pages
 * the broker's own mapping shows, and mapping for our device could bounce.
 */
static int xh_buf_attach(struct xh_buf *b)
{
	struct dma_buf_attachment *a;
	int err;

	if (!dma_buf_is_dynamic(b->dmabuf)) {
		a = dma_buf_attach(b->dmabuf, xh_misc.this_device);
		if (IS_ERR(a))
			return PTR_ERR(a);
	} else {
		a = dma_buf_dynamic_attach(b->dmabuf, xh_misc.this_device, &xh_importer_ops, b);
		if (IS_ERR(a))
			return PTR_ERR(a);
		dma_resv_lock(b->dmabuf->resv, NULL);
		err = dma_buf_pin(a);
		dma_resv_unlock(b->dmabuf->resv);
		if (err) {
			dma_buf_detach(b->dmabuf, a);
			return err;
		}
	}
	b->attach = a;
	atomic64_inc(&xh_bufs_pinned);
	return 0;
}

static void xh_buf_detach(struct xh_buf *b)
{
	if (dma_buf_is_dynamic(b->dmabuf)) {
		dma_resv_lock(b->dmabuf->resv, NULL);
		dma_buf_unpin(b->attach);
		dma_resv_unlock(b->dmabuf->resv);
	}
	dma_buf_detach(b->dmabuf, b->attach);
	b->attach = NULL;
	atomic64_dec(&xh_bufs_pinned);
}

/* Take one pin on @b for a page about to be granted; may sleep. */
static int xh_buf_pin(struct xh_buf *b)
{
	int err = 0;

	mutex_lock(&b->lock);
	if (!b->attach)
		err = xh_buf_attach(b);
	if (!err) {
		atomic_inc(&b->pins);
		kref_get(&b->ref);
	}
	mutex_unlock(&b->lock);
	return err;
}

/*
 * Drop one pin; never sleeps. The last one unpins the buffer from a work
 * item (detaching takes the buffer's reservation lock).
 */
static void xh_buf_unpin(struct xh_buf *b)
{
	if (atomic_dec_and_test(&b->pins)) {
		kref_get(&b->ref);
		if (!queue_work(xh_wq, &b->unpin_work))
			xh_buf_put(b);	/* already queued, with its reference */
	}
	xh_buf_put(b);
}

static void xh_buf_unpin_work(struct work_struct *work)
{
	struct xh_buf *b = container_of(work, struct xh_buf, unpin_work);

	mutex_lock(&b->lock);
	if (!atomic_read(&b->pins) && b->attach)
		xh_buf_detach(b);
	mutex_unlock(&b->lock);
	xh_buf_put(b);
}

/* Called with f->lock held; @t0 is when the notifier was called. */
static void xh_queue_event(struct xh_file *f, u32 id, u64 offset, u64 length, u64 seq, u64 t0)
{
	struct xenlend_host_event *ev;

	if (f->ev_count == XH_EVENTS) {
		f->overflow = true;
		f->events_lost++;
		return;
	}
	ev = &f->events[(f->ev_head + f->ev_count++) % XH_EVENTS];
	ev->type = XENLEND_HOST_EV_REVOKE;
	ev->id = id;
	ev->offset = offset;
	ev->length = length;
	ev->seq = seq;
	ev->time_ns = t0;
	ev->notifier_ns = ktime_get_ns() - t0;
}

/*
 * Revoke what is granted in pages @first..@last - 1 of @r and queue one event
 * for it. Called with f->lock held. Returns the revocation's sequence number,
 * or 0 when nothing there was granted.
 */
static u64 xh_revoke_pages(struct xh_region *r, unsigned long first, unsigned long last, u64 t0)
{
	struct xh_file *f = r->file;
	unsigned long i, lo = ULONG_MAX, hi = 0;
	u64 seq = f->seq + 1;

	for (i = first; i < last; i++) {
		struct xh_entry *e = &r->entries[i];

		if (e->state != XH_GRANTED)
			continue;
		e->state = XH_REVOKED;
		e->seq = seq;
		f->granted--;
		f->revoked++;
		lo = min(lo, i);
		hi = i;
	}
	if (lo == ULONG_MAX)
		return 0;
	f->seq = seq;
	xh_queue_event(f, r->id, (u64)lo << PAGE_SHIFT, (u64)(hi - lo + 1) << PAGE_SHIFT, seq, t0);
	wake_up_interruptible(&f->wq);
	return seq;
}

static bool xh_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct xh_region *r = container_of(mni, struct xh_region, notifier);
	struct xh_file *f = r->file;
	unsigned long start = max(range->start, r->uaddr);
	unsigned long end = min(range->end, r->uaddr + (r->npages << PAGE_SHIFT));
	u64 t0 = ktime_get_ns();

	if (start >= end)
		return true;
	/*
	 * A change of protection (mprotect(), NUMA balancing's hinting,
	 * soft-dirty tracking) leaves the same page under the address, and a
	 * lent page is held by the engine's pin (or its buffer's): what the
	 * guest maps is still what the broker maps. Like nouveau's notifier
	 * for its own exclusive-access events, no retry is forced either.
	 */
	if (range->event == MMU_NOTIFY_PROTECTION_VMA || range->event == MMU_NOTIFY_SOFT_DIRTY)
		return true;

	/*
	 * Never sleeps and never waits for the guest: the references held on
	 * the pages keep them from reuse until the broker releases the grants.
	 */
	spin_lock(&f->lock);
	mmu_interval_set_seq(mni, cur_seq);
	xh_revoke_pages(r, (start - r->uaddr) >> PAGE_SHIFT,
			DIV_ROUND_UP(end - r->uaddr, PAGE_SIZE), t0);
	spin_unlock(&f->lock);
	return true;
}

static const struct mmu_interval_notifier_ops xh_notifier_ops = {
	.invalidate = xh_invalidate,
};

/*
 * Turn our long-term pin of @page into a plain reference, the kind the grant
 * table's deferred list drops once the guest unmapped the page.
 */
static struct page *xh_pin_to_ref(struct page *page)
{
	get_page(page);
	unpin_user_page(page);
	return page;
}

/*
 * Keep a page the guest still maps until it unmaps it. Called with f->lock
 * held. If even the bookkeeping cannot be allocated, the grant table's own
 * deferred list takes the page: still never reused while mapped, only no
 * longer counted.
 */
static void xh_quarantine_page(int domid, struct page *page, struct xh_buf *buf,
			       grant_ref_t gref, bool frame)
{
	struct xh_qpage *q = kmalloc(sizeof(*q), GFP_ATOMIC);

	if (!q) {
		/*
		 * A pinned buffer then stays pinned for good: still safe. The
		 * grant's entry stays counted in xh_grants_used for good too:
		 * the table holds it until the guest unmaps, unseen by us.
		 */
		if (!frame)
			gnttab_end_foreign_access(gref, buf ? NULL : xh_pin_to_ref(page));
		if (buf)
			pr_warn("dom%d: a pinned buffer stays pinned: no memory to track it\n",
				domid);
		return;
	}
	q->page = page;
	q->buf = buf;
	q->gref = gref;
	q->domid = domid;
	q->frame = frame;
	if (!frame)
		atomic_inc(&xh_dom_quarantined[domid]);
	spin_lock(&xh_quarantine_lock);
	list_add_tail(&q->link, &xh_quarantine);
	spin_unlock(&xh_quarantine_lock);
	atomic64_inc(&xh_pages_quarantined);
	if (!frame)
		queue_delayed_work(system_wq, &xh_quarantine_work, XH_QUARANTINE_POLL);
}

/* Free what the guests have unmapped since the last poll. */
static void xh_quarantine_poll(struct work_struct *work)
{
	struct xh_qpage *q, *tmp;
	LIST_HEAD(unmapped);
	bool more = false;

	spin_lock(&xh_quarantine_lock);
	list_for_each_entry_safe(q, tmp, &xh_quarantine, link) {
		if (q->frame)
			continue;	/* pinned for good */
		if (gnttab_try_end_foreign_access(q->gref))
			list_move(&q->link, &unmapped);
		else
			more = true;
	}
	spin_unlock(&xh_quarantine_lock);

	list_for_each_entry_safe(q, tmp, &unmapped, link) {
		if (q->buf)
			xh_buf_unpin(q->buf);
		else
			unpin_user_page(q->page);
		atomic64_dec(&xh_pages_quarantined);
		atomic_dec(&xh_dom_quarantined[q->domid]);
		atomic_dec(&xh_grants_used);
		kfree(q);
	}
	if (more)
		queue_delayed_work(system_wq, &xh_quarantine_work, XH_QUARANTINE_POLL);
}

static u64 xh_quarantine_held(int domid)
{
	/* Frames kept for good are nobody's fault after the file closed. */
	return domid > 0 ? atomic_read(&xh_dom_quarantined[domid]) : 0;
}

/* Whether @f may lend one more page: its own, plus its domain's quarantine. */
static bool xh_over_quota(struct xh_file *f)
{
	return f->granted + xh_quarantine_held(f->domid) >= max_granted_pages;
}

/* Entries of dom0's grant table the engine may hold: all but grant_reserve. */
static unsigned int xh_grant_budget(void)
{
	unsigned long entries = (unsigned long)gnttab_max_grant_frames() * XH_GREFS_PER_FRAME;
	unsigned int reserve = READ_ONCE(grant_reserve);

	return entries > reserve ? min_t(unsigned long, entries - reserve, INT_MAX) : 0;
}

/*
 * Take one entry of the grant budget for @f, or return false. Never past
 * the budget; past three quarters of it, only a domain under its fair share
 * (the budget over the files bound now) grows, so one that filled the pool
 * cannot keep the others out. Called with f->lock held.
 */
static bool xh_take_grant(struct xh_file *f)
{
	unsigned int budget = xh_grant_budget();
	unsigned int files = max(atomic_read(&xh_files_bound), 1);
	unsigned int used = atomic_inc_return(&xh_grants_used);

	if (used > budget ||
	    (used > budget - budget / 4 &&
	     f->grants + xh_quarantine_held(f->domid) >= budget / files)) {
		atomic_dec(&xh_grants_used);
		return false;
	}
	return true;
}

/*
 * End a grant and drop our page reference. Called with f->lock held. A
 * device memory frame is unpinned on the broker's word that the guest no
 * longer maps it, unless @closing: then nobody knows and it stays pinned.
 */
static void xh_end_entry(struct xh_file *f, struct xh_entry *e, bool closing)
{
	bool done;

	if (e->state == XH_GRANTED)
		f->granted--;
	else
		f->revoked--;
	atomic64_dec(&xh_pages_lent);
	if (e->frame) {
		done = !closing;
	} else {
		f->grants--;
		done = gnttab_try_end_foreign_access(e->gref);
		if (done)
			atomic_dec(&xh_grants_used);
	}
	if (done) {
		if (e->buf)
			xh_buf_unpin(e->buf);
		else
			unpin_user_page(e->page);
	} else {
		/* Still mapped by the guest: dom0 must not reuse the page. */
		xh_quarantine_page(f->domid, e->page, e->buf, e->gref, e->frame);
		f->quarantined++;
	}
	e->page = NULL;
	e->buf = NULL;
	e->gref = INVALID_GRANT_REF;
	e->frame = false;
	e->state = XH_EMPTY;
}

static struct xh_region *xh_find_region(struct xh_file *f, u32 id)
{
	struct xh_region *r;

	list_for_each_entry(r, &f->regions, link)
		if (r->id == id)
			return r;
	return NULL;
}

static long xh_bind(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_bind b;

	if (copy_from_user(&b, arg, sizeof(b)))
		return -EFAULT;
	if (b.flags || !b.domid || b.domid >= DOMID_FIRST_RESERVED)
		return -EINVAL;
	if (f->domid >= 0)
		return -EBUSY;
	f->domid = b.domid;
	atomic_inc(&xh_files_bound);
	return 0;
}

static long xh_add_region(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_region a;
	struct xh_region *r;
	int err;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (f->domid < 0)
		return -ENOTCONN;
	if (!a.id || (a.flags & ~XENLEND_HOST_REGION_READONLY) ||
	    !PAGE_ALIGNED(a.uaddr) || !a.size || !PAGE_ALIGNED(a.size) ||
	    a.size > XENLEND_HOST_MAX_REGION ||
	    a.uaddr + a.size < a.uaddr || a.uaddr + a.size > TASK_SIZE)
		return -EINVAL;
	if (xh_find_region(f, a.id))
		return -EEXIST;

	r = kzalloc(sizeof(*r), GFP_KERNEL);
	if (!r)
		return -ENOMEM;
	r->file = f;
	r->uaddr = a.uaddr;
	r->npages = a.size >> PAGE_SHIFT;
	r->id = a.id;
	r->readonly = a.flags & XENLEND_HOST_REGION_READONLY;
	INIT_LIST_HEAD(&r->backings);
	r->entries = kvcalloc(r->npages, sizeof(*r->entries), GFP_KERNEL_ACCOUNT);
	if (!r->entries) {
		kfree(r);
		return -ENOMEM;
	}
	err = mmu_interval_notifier_insert(&r->notifier, current->mm, a.uaddr,
					   a.size, &xh_notifier_ops);
	if (err) {
		kvfree(r->entries);
		kfree(r);
		return err;
	}
	list_add_tail(&r->link, &f->regions);
	return 0;
}

static void xh_free_backing(struct xh_region *r, struct xh_backing *bk)
{
	list_del(&bk->link);
	r->nbackings--;
	xh_buf_put(bk->buf);
	kfree(bk);
}

static void xh_free_region(struct xh_file *f, struct xh_region *r, bool closing)
{
	struct xh_backing *bk, *tmp;
	unsigned long i;

	mmu_interval_notifier_remove(&r->notifier);
	spin_lock(&f->lock);
	for (i = 0; i < r->npages; i++)
		if (r->entries[i].state != XH_EMPTY)
			xh_end_entry(f, &r->entries[i], closing);
	spin_unlock(&f->lock);
	list_for_each_entry_safe(bk, tmp, &r->backings, link)
		xh_free_backing(r, bk);
	list_del(&r->link);
	kvfree(r->entries);
	kfree(r);
}

/* @abandon: frames still lent may still be mapped: keep them pinned. */
static long xh_remove_region(struct xh_file *f, u32 __user *arg, bool abandon)
{
	struct xh_region *r;
	u32 id;

	if (get_user(id, arg))
		return -EFAULT;
	r = xh_find_region(f, id);
	if (!r)
		return -ENOENT;
	xh_free_region(f, r, abandon);
	return 0;
}

/* The buffer backing page @idx of @r, or NULL. */
static struct xh_buf *xh_backing_at(struct xh_region *r, unsigned long idx)
{
	struct xh_backing *bk;

	list_for_each_entry(bk, &r->backings, link)
		if (idx >= bk->first && idx - bk->first < bk->npages)
			return bk->buf;
	return NULL;
}

static long xh_set_backing(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_backing a;
	struct xh_backing *bk, *old, *next;
	struct dma_buf *dmabuf;
	struct xh_region *r;
	struct xh_buf *b;
	int err;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	r = xh_find_region(f, a.id);
	if (!r)
		return -ENOENT;
	if (!a.length || !PAGE_ALIGNED(a.offset) || !PAGE_ALIGNED(a.length) ||
	    a.offset >= (u64)r->npages << PAGE_SHIFT ||
	    a.length > ((u64)r->npages << PAGE_SHIFT) - a.offset)
		return -EINVAL;
	dmabuf = dma_buf_get(a.dmabuf_fd);
	if (IS_ERR(dmabuf))
		return PTR_ERR(dmabuf);
	if (dmabuf->size < a.length) {
		dma_buf_put(dmabuf);
		return -EINVAL;
	}
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	bk = kzalloc(sizeof(*bk), GFP_KERNEL);
	if (!b || !bk) {
		kfree(b);
		kfree(bk);
		dma_buf_put(dmabuf);
		return -ENOMEM;
	}
	__module_get(THIS_MODULE);
	kref_init(&b->ref);
	mutex_init(&b->lock);
	INIT_WORK(&b->unpin_work, xh_buf_unpin_work);
	b->dmabuf = dmabuf;
	/* Refuse a buffer that cannot be pinned now, not at the guest's fault. */
	err = xh_buf_pin(b);
	if (err) {
		kfree(bk);
		xh_buf_put(b);
		return err;
	}
	xh_buf_unpin(b);

	bk->first = a.offset >> PAGE_SHIFT;
	bk->npages = a.length >> PAGE_SHIFT;
	bk->buf = b;
	/* What the new range covers whole is backed by nothing else any more. */
	list_for_each_entry_safe(old, next, &r->backings, link)
		if (old->first >= bk->first && old->first + old->npages <= bk->first + bk->npages)
			xh_free_backing(r, old);
	if (r->nbackings >= XH_MAX_BACKINGS) {
		kfree(bk);
		xh_buf_put(b);
		return -ENOSPC;
	}
	list_add(&bk->link, &r->backings);
	r->nbackings++;
	return 0;
}

/*
 * Whether @vma maps @b's buffer: through its dma-buf, or through the
 * exporting DRM device, whose mappings carry the GEM object (DRM's mmap,
 * TTM's) that PRIME made the dma-buf's private data. The pin holds only
 * that buffer's pages: what else the broker mapped there is refused.
 */
static bool xh_maps_buf(struct vm_area_struct *vma, struct xh_buf *b)
{
	return vma->vm_file == b->dmabuf->file ||
	       (vma->vm_private_data && vma->vm_private_data == b->dmabuf->priv);
}

/*
 * Find the pages behind the broker's mapping of pinned buffers. GPU buffer
 * mappings (the DRM shmem helpers, TTM) are VM_PFNMAP or VM_IO and have no
 * GUP path: like KVM, read each PFN from the page tables, faulting it in
 * first when needed. No page reference is taken: the buffers' pins (@bufs,
 * one per page) keep the pages, and a reference would not, in TTM's pools.
 * A page mapped from anything but its pinned buffer gets -EPERM. With
 * @pages, only system RAM is found; with @frames instead, only device
 * memory (no struct page: VRAM, a PCI BAR), as machine frame numbers; the
 * other kind gets -EFAULT. Returns 0 with all @n pages found, or an error.
 */
static int xh_get_backed_pages(struct mm_struct *mm, unsigned long addr, unsigned long n,
			       bool write, struct xh_buf **bufs, struct page **pages,
			       u64 *frames)
{
	unsigned long i;
	int err = 0;

	mmap_read_lock(mm);
	for (i = 0; i < n && !err; i++) {
		unsigned long a = addr + (i << PAGE_SHIFT);
		struct vm_area_struct *vma = vma_lookup(mm, a);
		struct follow_pfnmap_args args = { .vma = vma, .address = a };
		bool found;

		if (!vma) {
			err = -EFAULT;
			break;
		}
		if (!xh_maps_buf(vma, bufs[i])) {
			err = -EPERM;
			break;
		}
		if (!(vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			/* A buffer mapped with struct pages: the pin holds them. */
			if (!pages ||
			    get_user_pages(a, 1, write ? FOLL_WRITE : 0, &pages[i]) != 1) {
				err = -EFAULT;
				break;
			}
			put_page(pages[i]);
			continue;
		}
		found = !follow_pfnmap_start(&args);
		if (found && write && !args.writable) {
			follow_pfnmap_end(&args);
			found = false;
		}
		if (!found) {
			/* Not populated (or read-only) yet: fault it in. */
			err = fixup_user_fault(mm, a, write ? FAULT_FLAG_WRITE : 0, NULL);
			if (err)
				break;
			if (follow_pfnmap_start(&args)) {
				err = -EFAULT;
				break;
			}
		}
		if (pfn_valid(args.pfn) && page_is_ram(args.pfn) && pages)
			pages[i] = pfn_to_page(args.pfn);
		else if (!(pfn_valid(args.pfn) && page_is_ram(args.pfn)) && frames)
			frames[i] = pfn_to_bfn(args.pfn);
		else
			err = -EFAULT;
		follow_pfnmap_end(&args);
	}
	mmap_read_unlock(mm);
	return err;
}

/*
 * Pin what backs pages @first..@first + @n - 1 of @r into @bufs, one pin per
 * page. The range must be backed whole or not at all. Returns whether it is
 * backed, or an error with nothing pinned.
 */
static int xh_pin_range(struct xh_region *r, unsigned long first, unsigned long n,
			struct xh_buf **bufs)
{
	bool backed = xh_backing_at(r, first);
	unsigned long i;
	int err = 0;

	for (i = 0; i < n; i++) {
		bufs[i] = xh_backing_at(r, first + i);
		if (!bufs[i] != !backed) {
			err = -EINVAL;
			break;
		}
		if (bufs[i]) {
			err = xh_buf_pin(bufs[i]);
			if (err)
				break;
		}
	}
	if (err) {
		while (i--)
			if (bufs[i])
				xh_buf_unpin(bufs[i]);
		return err;
	}
	return backed;
}

/* Whether @addr is in a PFN mapping (which nothing pinned, if we ask). */
static bool xh_unpinned_pfnmap(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	bool ret;

	mmap_read_lock(mm);
	vma = vma_lookup(mm, addr);
	ret = vma && (vma->vm_flags & (VM_IO | VM_PFNMAP));
	mmap_read_unlock(mm);
	return ret;
}

/* Drop what xh_grant() took for pages it did not grant. */
static void xh_put_pages(struct page **pages, struct xh_buf **bufs, bool backed, unsigned long n)
{
	unsigned long i;

	if (!backed) {
		unpin_user_pages(pages, n);
		return;
	}
	for (i = 0; i < n; i++)
		xh_buf_unpin(bufs[i]);
}

/*
 * The region a GRANT or LEND_FRAMES may lend from: @id's, with @offset and
 * @length a page-aligned range of it of at most XENLEND_HOST_MAX_GRANT
 * bytes, mapped in the caller's own address space. Else an ERR_PTR().
 */
static struct xh_region *xh_lend_region(struct xh_file *f, u32 id, u64 offset, u64 length)
{
	struct xh_region *r = xh_find_region(f, id);

	if (!r)
		return ERR_PTR(-ENOENT);
	if (!length || length > XENLEND_HOST_MAX_GRANT ||
	    !PAGE_ALIGNED(offset) || !PAGE_ALIGNED(length) ||
	    offset >= (u64)r->npages << PAGE_SHIFT ||
	    length > ((u64)r->npages << PAGE_SHIFT) - offset)
		return ERR_PTR(-EINVAL);
	if (current->mm != r->notifier.mm)
		return ERR_PTR(-EPERM);
	return r;
}

static long xh_grant(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_grant g;
	unsigned long first, n, i, done = 0, seq;
	struct page **pages = NULL;
	struct xh_buf **bufs = NULL;
	u32 *grefs = NULL;
	struct xh_region *r;
	bool backed;
	long err = 0;
	int got;

	if (copy_from_user(&g, arg, sizeof(g)))
		return -EFAULT;
	r = xh_lend_region(f, g.id, g.offset, g.length);
	if (IS_ERR(r))
		return PTR_ERR(r);
	if (g.write && r->readonly)
		return -EACCES;

	first = g.offset >> PAGE_SHIFT;
	n = g.length >> PAGE_SHIFT;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	bufs = kvmalloc_array(n, sizeof(*bufs), GFP_KERNEL);
	grefs = kvmalloc_array(n, sizeof(*grefs), GFP_KERNEL);
	if (!pages || !bufs || !grefs) {
		err = -ENOMEM;
		goto out;
	}
	/* Pinned before its PFNs are read: the driver cannot move it after. */
	err = xh_pin_range(r, first, n, bufs);
	if (err < 0)
		goto out;
	backed = err;
	err = 0;

again:
	seq = mmu_interval_read_begin(&r->notifier);
	if (backed) {
		err = xh_get_backed_pages(current->mm, r->uaddr + g.offset, n, !r->readonly,
					  bufs, pages, NULL);
		if (err) {
			xh_put_pages(pages, bufs, true, n);
			goto out;
		}
	} else {
		/*
		 * Lent for as long as the guest keeps them: a long-term pin
		 * moves them out of movable memory first and refuses file
		 * pages that need dirty tracking (whose writeback would not see
		 * the guest's writes).
		 */
		got = pin_user_pages_fast(r->uaddr + g.offset, n,
					  FOLL_LONGTERM | (r->readonly ? 0 : FOLL_WRITE), pages);
		if (got < 0 || got < n) {
			/*
			 * A PFN mapping nobody pinned: its driver may reuse the
			 * pages whatever references we hold.
			 */
			if (got > 0)
				unpin_user_pages(pages, got);
			err = xh_unpinned_pfnmap(current->mm, r->uaddr + g.offset +
						 ((unsigned long)max(got, 0) << PAGE_SHIFT)) ?
				-EPERM : -EFAULT;
			goto out;
		}
	}

	spin_lock(&f->lock);
	if (mmu_interval_read_retry(&r->notifier, seq)) {
		spin_unlock(&f->lock);
		if (!backed)
			unpin_user_pages(pages, n);
		goto again;
	}
	for (i = 0; i < n; i++) {
		struct xh_entry *e = &r->entries[first + i];
		int ref;

		if (e->state == XH_GRANTED && e->page == pages[i]) {
			grefs[i] = e->gref;
			xh_put_pages(&pages[i], &bufs[i], backed, 1);
			continue;
		}
		if (e->state != XH_EMPTY || xh_over_quota(f)) {
			/* Revoked, not yet released: the broker retries later. */
			err = e->state != XH_EMPTY ? -EAGAIN : -EDQUOT;
			break;
		}
		if (!xh_take_grant(f)) {
			err = -ENOSPC;	/* dom0's grant table is as full as it may be */
			break;
		}
		ref = gnttab_grant_foreign_access(f->domid, xen_page_to_gfn(pages[i]),
						  r->readonly);
		if (ref < 0) {
			atomic_dec(&xh_grants_used);
			err = ref;
			break;
		}
		e->page = pages[i];
		e->buf = backed ? bufs[i] : NULL;
		e->gref = ref;
		e->state = XH_GRANTED;
		f->granted++;
		f->grants++;
		atomic64_inc(&xh_pages_lent);
		grefs[i] = ref;
	}
	done = i;
	g.seq = f->seq;
	spin_unlock(&f->lock);
	if (done < n)
		xh_put_pages(pages + done, bufs + done, backed, n - done);
	if (err)
		goto out;

	if (copy_to_user(u64_to_user_ptr(g.grefs), grefs, n * sizeof(*grefs)) ||
	    copy_to_user(arg, &g, sizeof(g)))
		err = -EFAULT;
out:
	kvfree(pages);
	kvfree(bufs);
	kvfree(grefs);
	return err;
}

/*
 * Lend device memory: pin the buffers behind a backed range and return its
 * machine frames for the broker to map into the guest. Pages already lent
 * this way are returned again.
 */
static long xh_lend_frames(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_frames a;
	unsigned long first, n, i, done = 0, seq;
	struct xh_buf **bufs = NULL;
	u64 *frames = NULL;
	struct xh_region *r;
	long err;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	r = xh_lend_region(f, a.id, a.offset, a.length);
	if (IS_ERR(r))
		return PTR_ERR(r);
	if (r->readonly)
		return -EACCES;	/* the guest's mapping would be writable */

	first = a.offset >> PAGE_SHIFT;
	n = a.length >> PAGE_SHIFT;
	bufs = kvmalloc_array(n, sizeof(*bufs), GFP_KERNEL);
	frames = kvmalloc_array(n, sizeof(*frames), GFP_KERNEL);
	if (!bufs || !frames) {
		err = -ENOMEM;
		goto out;
	}
	err = xh_pin_range(r, first, n, bufs);
	if (err < 0)
		goto out;
	if (!err) {
		err = -EINVAL;	/* not backed: nothing could pin it */
		goto out;
	}

again:
	seq = mmu_interval_read_begin(&r->notifier);
	err = xh_get_backed_pages(current->mm, r->uaddr + a.offset, n, !r->readonly, bufs,
				  NULL, frames);
	if (err) {
		xh_put_pages(NULL, bufs, true, n);
		goto out;
	}
	spin_lock(&f->lock);
	if (mmu_interval_read_retry(&r->notifier, seq)) {
		spin_unlock(&f->lock);
		goto again;
	}
	for (i = 0; i < n; i++) {
		struct xh_entry *e = &r->entries[first + i];

		if (e->state == XH_GRANTED && e->frame) {
			xh_buf_unpin(bufs[i]);	/* lent already: one pin */
			bufs[i] = NULL;
			continue;
		}
		if (e->state != XH_EMPTY || xh_over_quota(f)) {
			err = e->state != XH_EMPTY ? -EAGAIN : -EDQUOT;
			break;
		}
		e->buf = bufs[i];
		e->frame = true;
		e->state = XH_GRANTED;
		f->granted++;
		atomic64_inc(&xh_pages_lent);
	}
	done = i;
	/* All or nothing: the caller learns no frame of a failed call. */
	for (i = 0; err && i < done; i++) {
		if (bufs[i]) {
			r->entries[first + i].state = XH_EMPTY;
			r->entries[first + i].buf = NULL;
			r->entries[first + i].frame = false;
			f->granted--;
			atomic64_dec(&xh_pages_lent);
			xh_buf_unpin(bufs[i]);
		}
	}
	a.seq = f->seq;
	spin_unlock(&f->lock);
	if (done < n)
		xh_put_pages(NULL, bufs + done, true, n - done);
	if (err)
		goto out;
	if (copy_to_user(u64_to_user_ptr(a.frames), frames, n * sizeof(*frames)) ||
	    copy_to_user(arg, &a, sizeof(a)))
		err = -EFAULT;
out:
	kvfree(bufs);
	kvfree(frames);
	return err;
}

/*
 * The pages @offset, @length name in @r: the whole region for length 0.
 * Returns false for a range outside it.
 */
static bool xh_range_pages(struct xh_region *r, u64 offset, u64 length,
			   unsigned long *first, unsigned long *last)
{
	u64 size = (u64)r->npages << PAGE_SHIFT;

	if (!PAGE_ALIGNED(offset) || !PAGE_ALIGNED(length) || offset >= size ||
	    length > size - offset)
		return false;
	*first = offset >> PAGE_SHIFT;
	*last = length ? (offset + length) >> PAGE_SHIFT : r->npages;
	return true;
}

static long xh_release(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_release a;
	unsigned long i, first = 0, last = 0;
	struct xh_region *r, *only = NULL;
	bool earlier;
	u64 before;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if (a.flags & ~XENLEND_HOST_RELEASE_EARLIER)
		return -EINVAL;
	if (a.id) {
		only = xh_find_region(f, a.id);
		if (!only)
			return -ENOENT;
		if (!xh_range_pages(only, a.offset, a.length, &first, &last))
			return -EINVAL;
	} else if (a.offset || a.length) {
		return -EINVAL;
	}
	earlier = a.flags & XENLEND_HOST_RELEASE_EARLIER;
	a.released = 0;
	spin_lock(&f->lock);
	before = f->quarantined;
	list_for_each_entry(r, &f->regions, link) {
		if (only && r != only)
			continue;
		for (i = only ? first : 0; i < (only ? last : r->npages); i++) {
			struct xh_entry *e = &r->entries[i];

			if (e->state == XH_REVOKED &&
			    (e->seq == a.seq || (earlier && e->seq < a.seq))) {
				xh_end_entry(f, e, false);
				a.released++;
			}
		}
	}
	a.quarantined = f->quarantined - before;
	spin_unlock(&f->lock);
	return copy_to_user(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long xh_revoke(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_revoke a;
	unsigned long first, last;
	struct xh_region *r;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	r = xh_find_region(f, a.id);
	if (!r)
		return -ENOENT;
	if (a.flags || !a.length || !xh_range_pages(r, a.offset, a.length, &first, &last))
		return -EINVAL;
	spin_lock(&f->lock);
	a.seq = xh_revoke_pages(r, first, last, ktime_get_ns());
	spin_unlock(&f->lock);
	return copy_to_user(arg, &a, sizeof(a)) ? -EFAULT : 0;
}

static long xh_stats(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_stats s;

	spin_lock(&f->lock);
	s.granted = f->granted;
	s.revoked = f->revoked;
	s.quarantined = f->quarantined;
	s.events_lost = f->events_lost;
	spin_unlock(&f->lock);
	s.quarantine_held = xh_quarantine_held(f->domid);
	return copy_to_user(arg, &s, sizeof(s)) ? -EFAULT : 0;
}

static long xh_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct xh_file *f = file->private_data;
	void __user *uarg = (void __user *)arg;
	long ret;

	mutex_lock(&f->ioctl_lock);
	switch (cmd) {
	case XENLEND_HOST_IOC_BIND:
		ret = xh_bind(f, uarg);
		break;
	case XENLEND_HOST_IOC_ADD_REGION:
		ret = xh_add_region(f, uarg);
		break;
	case XENLEND_HOST_IOC_REMOVE_REGION:
		ret = xh_remove_region(f, uarg, false);
		break;
	case XENLEND_HOST_IOC_ABANDON_REGION:
		ret = xh_remove_region(f, uarg, true);
		break;
	case XENLEND_HOST_IOC_GRANT:
		ret = xh_grant(f, uarg);
		break;
	case XENLEND_HOST_IOC_RELEASE:
		ret = xh_release(f, uarg);
		break;
	case XENLEND_HOST_IOC_STATS:
		ret = xh_stats(f, uarg);
		break;
	case XENLEND_HOST_IOC_SET_BACKING:
		ret = xh_set_backing(f, uarg);
		break;
	case XENLEND_HOST_IOC_LEND_FRAMES:
		ret = xh_lend_frames(f, uarg);
		break;
	case XENLEND_HOST_IOC_REVOKE:
		ret = xh_revoke(f, uarg);
		break;
	default:
		ret = -ENOTTY;
		break;
	}
	mutex_unlock(&f->ioctl_lock);
	return ret;
}

static bool xh_has_events(struct xh_file *f)
{
	bool ret;

	spin_lock(&f->lock);
	ret = f->ev_count || f->overflow;
	spin_unlock(&f->lock);
	return ret;
}

static ssize_t xh_read(struct file *file, char __user *buf, size_t len, loff_t *ppos)
{
	struct xh_file *f = file->private_data;
	struct xenlend_host_event ev[16];
	size_t n = 0, max = min(len / sizeof(ev[0]), ARRAY_SIZE(ev));
	int err;

	if (!max)
		return -EINVAL;
	while (!xh_has_events(f)) {
		if (file->f_flags & O_NONBLOCK)
			return -EAGAIN;
		err = wait_event_interruptible(f->wq, xh_has_events(f));
		if (err)
			return err;
	}
	spin_lock(&f->lock);
	while (n < max && f->ev_count) {
		ev[n++] = f->events[f->ev_head];
		f->ev_head = (f->ev_head + 1) % XH_EVENTS;
		f->ev_count--;
	}
	if (n < max && f->overflow) {
		memset(&ev[n], 0, sizeof(ev[n]));
		ev[n].type = XENLEND_HOST_EV_OVERFLOW;
		ev[n++].seq = f->seq;
		f->overflow = false;
	}
	spin_unlock(&f->lock);
	return copy_to_user(buf, ev, n * sizeof(ev[0])) ? -EFAULT : n * sizeof(ev[0]);
}

static __poll_t xh_poll(struct file *file, poll_table *wait)
{
	struct xh_file *f = file->private_data;

	poll_wait(file, &f->wq, wait);
	return xh_has_events(f) ? EPOLLIN | EPOLLRDNORM : 0;
}

static int xh_open(struct inode *inode, struct file *file)
{
	struct xh_file *f;

	/* It grants dom0's memory to other domains: more than 0600 says. */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	mutex_init(&f->ioctl_lock);
	spin_lock_init(&f->lock);
	INIT_LIST_HEAD(&f->regions);
	init_waitqueue_head(&f->wq);
	f->domid = -1;
	file->private_data = f;
	return 0;
}

static int xh_release_file(struct inode *inode, struct file *file)
{
	struct xh_file *f = file->private_data;
	struct xh_region *r, *tmp;

	list_for_each_entry_safe(r, tmp, &f->regions, link)
		xh_free_region(f, r, true);
	if (f->quarantined)
		pr_info("dom%d: %llu pages were released while the guest still mapped them\n",
			f->domid, f->quarantined);
	if (f->domid >= 0)
		atomic_dec(&xh_files_bound);
	mutex_destroy(&f->ioctl_lock);
	kfree(f);
	return 0;
}

static const struct file_operations xh_fops = {
	.owner = THIS_MODULE,
	.open = xh_open,
	.release = xh_release_file,
	.read = xh_read,
	.poll = xh_poll,
	.unlocked_ioctl = xh_ioctl,
	.llseek = noop_llseek,
};

static ssize_t pages_lent_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&xh_pages_lent));
}
static DEVICE_ATTR_RO(pages_lent);

static ssize_t pages_quarantined_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&xh_pages_quarantined));
}
static DEVICE_ATTR_RO(pages_quarantined);

static ssize_t buffers_pinned_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&xh_bufs_pinned));
}
static DEVICE_ATTR_RO(buffers_pinned);

static ssize_t grants_used_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%d\n", atomic_read(&xh_grants_used));
}
static DEVICE_ATTR_RO(grants_used);

static ssize_t grants_max_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", xh_grant_budget());
}
static DEVICE_ATTR_RO(grants_max);

static struct attribute *xh_attrs[] = {
	&dev_attr_grants_used.attr,
	&dev_attr_grants_max.attr,
	&dev_attr_pages_lent.attr,
	&dev_attr_pages_quarantined.attr,
	&dev_attr_buffers_pinned.attr,
	NULL
};
ATTRIBUTE_GROUPS(xh);

static struct miscdevice xh_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "xenlend-host",
	.fops = &xh_fops,
	.mode = 0600,
	.groups = xh_groups,
};

static int __init xh_init(void)
{
	int err;

	if (!xen_domain())
		return -ENODEV;
	xh_wq = alloc_workqueue("xenlend-host", 0, 0);
	if (!xh_wq)
		return -ENOMEM;
	err = misc_register(&xh_misc);
	if (err)
		destroy_workqueue(xh_wq);
	return err;
}
module_init(xh_init);

static void __exit xh_exit(void)
{
	struct xh_qpage *q, *tmp;

	misc_deregister(&xh_misc);
	cancel_delayed_work_sync(&xh_quarantine_work);
	destroy_workqueue(xh_wq);
	/*
	 * What guests still map goes to the grant table's deferred list. No
	 * pinned buffer is among it: each holds a reference on this module.
	 */
	list_for_each_entry_safe(q, tmp, &xh_quarantine, link) {
		gnttab_end_foreign_access(q->gref, xh_pin_to_ref(q->page));
		kfree(q);
	}
}
module_exit(xh_exit);

MODULE_DESCRIPTION("xenlend: dom0 lending engine");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(DMA_BUF);
