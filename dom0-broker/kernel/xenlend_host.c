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
 * reports it unmapped. See include/uapi/xen/xenlend_host.h.
 *
 * Copyright (c) 2026 The xenlend authors
 */

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
MODULE_PARM_DESC(max_granted_pages, "Most pages one file may have granted at once");

#define XH_EVENTS	256	/* queued events per file before OVERFLOW */
#define XH_QUARANTINE_POLL	(HZ / 2)	/* retry quarantined grants this often */

/**
 * struct xh_qpage - a page released while its guest still mapped it
 * @link: entry in xh_quarantine.
 * @page: the page; our reference keeps it out of use.
 * @gref: its grant reference, ended once the guest unmaps.
 * @domid: the guest it is charged to.
 *
 * The quarantine outlives the file that lent the page: a guest keeps its
 * mapping however the broker fares.
 */
struct xh_qpage {
	struct list_head link;
	struct page *page;
	grant_ref_t gref;
	int domid;
};

static LIST_HEAD(xh_quarantine);
static DEFINE_SPINLOCK(xh_quarantine_lock);
/* Pages referenced for a grant, over all files (XH_GRANTED + XH_REVOKED). */
static atomic64_t xh_pages_lent;
/* Pages on xh_quarantine. */
static atomic64_t xh_pages_quarantined;

static void xh_quarantine_poll(struct work_struct *work);
static DECLARE_DELAYED_WORK(xh_quarantine_work, xh_quarantine_poll);

enum xh_state { XH_EMPTY, XH_GRANTED, XH_REVOKED };

/**
 * struct xh_entry - one page of a region
 * @page: the granted page, referenced; NULL when XH_EMPTY.
 * @gref: its grant reference.
 * @state: enum xh_state.
 * @seq: for XH_REVOKED, the revocation's sequence number.
 */
struct xh_entry {
	struct page *page;
	grant_ref_t gref;
	u32 state;
	u64 seq;
};

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
	u64 quarantined;
	u64 events_lost;
};

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

static bool xh_invalidate(struct mmu_interval_notifier *mni,
			  const struct mmu_notifier_range *range,
			  unsigned long cur_seq)
{
	struct xh_region *r = container_of(mni, struct xh_region, notifier);
	struct xh_file *f = r->file;
	unsigned long start = max(range->start, r->uaddr);
	unsigned long end = min(range->end, r->uaddr + (r->npages << PAGE_SHIFT));
	unsigned long i, first, last, lo = ULONG_MAX, hi = 0;
	u64 seq, t0 = ktime_get_ns();

	if (start >= end)
		return true;
	first = (start - r->uaddr) >> PAGE_SHIFT;
	last = DIV_ROUND_UP(end - r->uaddr, PAGE_SIZE);

	/*
	 * Never sleeps and never waits for the guest: the references held on
	 * the pages keep them from reuse until the broker releases the grants.
	 */
	spin_lock(&f->lock);
	mmu_interval_set_seq(mni, cur_seq);
	seq = f->seq + 1;
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
	if (lo != ULONG_MAX) {
		f->seq = seq;
		xh_queue_event(f, r->id, (u64)lo << PAGE_SHIFT,
			       (u64)(hi - lo + 1) << PAGE_SHIFT, seq, t0);
		wake_up_interruptible(&f->wq);
	}
	spin_unlock(&f->lock);
	return true;
}

static const struct mmu_interval_notifier_ops xh_notifier_ops = {
	.invalidate = xh_invalidate,
};

/*
 * Keep a page the guest still maps until it unmaps it. Called with f->lock
 * held. If even the bookkeeping cannot be allocated, the grant table's own
 * deferred list takes the page: still never reused while mapped, only no
 * longer counted.
 */
static void xh_quarantine_page(int domid, struct page *page, grant_ref_t gref)
{
	struct xh_qpage *q = kmalloc(sizeof(*q), GFP_ATOMIC);

	if (!q) {
		gnttab_end_foreign_access(gref, page);
		return;
	}
	q->page = page;
	q->gref = gref;
	q->domid = domid;
	spin_lock(&xh_quarantine_lock);
	list_add_tail(&q->link, &xh_quarantine);
	spin_unlock(&xh_quarantine_lock);
	atomic64_inc(&xh_pages_quarantined);
	queue_delayed_work(system_wq, &xh_quarantine_work, XH_QUARANTINE_POLL);
}

/* Free what the guests have unmapped since the last poll. */
static void xh_quarantine_poll(struct work_struct *work)
{
	struct xh_qpage *q, *tmp;
	LIST_HEAD(unmapped);
	bool more;

	spin_lock(&xh_quarantine_lock);
	list_for_each_entry_safe(q, tmp, &xh_quarantine, link)
		if (gnttab_try_end_foreign_access(q->gref))
			list_move(&q->link, &unmapped);
	more = !list_empty(&xh_quarantine);
	spin_unlock(&xh_quarantine_lock);

	list_for_each_entry_safe(q, tmp, &unmapped, link) {
		put_page(q->page);
		atomic64_dec(&xh_pages_quarantined);
		kfree(q);
	}
	if (more)
		queue_delayed_work(system_wq, &xh_quarantine_work, XH_QUARANTINE_POLL);
}

static u64 xh_quarantine_held(int domid)
{
	struct xh_qpage *q;
	u64 n = 0;

	spin_lock(&xh_quarantine_lock);
	list_for_each_entry(q, &xh_quarantine, link)
		n += q->domid == domid;
	spin_unlock(&xh_quarantine_lock);
	return n;
}

/* End a grant and drop our page reference. Called with f->lock held. */
static void xh_end_entry(struct xh_file *f, struct xh_entry *e)
{
	if (e->state == XH_GRANTED)
		f->granted--;
	else
		f->revoked--;
	atomic64_dec(&xh_pages_lent);
	if (gnttab_try_end_foreign_access(e->gref)) {
		put_page(e->page);
	} else {
		/* Still mapped by the guest: dom0 must not reuse the page. */
		xh_quarantine_page(f->domid, e->page, e->gref);
		f->quarantined++;
	}
	e->page = NULL;
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
	r->entries = kvcalloc(r->npages, sizeof(*r->entries), GFP_KERNEL);
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

static void xh_free_region(struct xh_file *f, struct xh_region *r)
{
	unsigned long i;

	mmu_interval_notifier_remove(&r->notifier);
	spin_lock(&f->lock);
	for (i = 0; i < r->npages; i++)
		if (r->entries[i].state != XH_EMPTY)
			xh_end_entry(f, &r->entries[i]);
	spin_unlock(&f->lock);
	list_del(&r->link);
	kvfree(r->entries);
	kfree(r);
}

static long xh_remove_region(struct xh_file *f, u32 __user *arg)
{
	struct xh_region *r;
	u32 id;

	if (get_user(id, arg))
		return -EFAULT;
	r = xh_find_region(f, id);
	if (!r)
		return -ENOENT;
	xh_free_region(f, r);
	return 0;
}

/*
 * Take references on the pages behind a VM_PFNMAP or VM_IO mapping, which
 * have no GUP path: GPU buffer mappings (the DRM shmem helpers, TTM) insert
 * PFNs. Like KVM, read each PFN from the page tables, faulting it in first
 * when needed. A PFN without a struct page we can reference (device memory,
 * a PCI BAR) cannot be granted: -EFAULT. Returns 0 with all @n pages
 * referenced, or an error with none.
 */
static int xh_get_pfnmap_pages(struct mm_struct *mm, unsigned long addr, unsigned long n,
			       bool write, struct page **pages)
{
	unsigned long i;
	int err = 0;

	mmap_read_lock(mm);
	for (i = 0; i < n; i++) {
		unsigned long a = addr + (i << PAGE_SHIFT);
		struct vm_area_struct *vma = vma_lookup(mm, a);
		struct follow_pfnmap_args args = { .vma = vma, .address = a };
		struct page *page = NULL;
		bool found;

		if (!vma || !(vma->vm_flags & (VM_IO | VM_PFNMAP))) {
			err = -EFAULT;
			break;
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
		if (pfn_valid(args.pfn))
			page = pfn_to_page(args.pfn);
		if (!page || !get_page_unless_zero(page))
			err = -EFAULT;
		follow_pfnmap_end(&args);
		if (err)
			break;
		pages[i] = page;
	}
	mmap_read_unlock(mm);
	if (err)
		release_pages(pages, i);
	return err;
}

static long xh_grant(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_grant g;
	unsigned long first, n, i, done = 0, seq;
	struct page **pages = NULL;
	u32 *grefs = NULL;
	struct xh_region *r;
	long err = 0;
	int got;

	if (copy_from_user(&g, arg, sizeof(g)))
		return -EFAULT;
	r = xh_find_region(f, g.id);
	if (!r)
		return -ENOENT;
	if (!g.length || g.length > XENLEND_HOST_MAX_GRANT ||
	    !PAGE_ALIGNED(g.offset) || !PAGE_ALIGNED(g.length) ||
	    g.offset >= (u64)r->npages << PAGE_SHIFT ||
	    g.length > ((u64)r->npages << PAGE_SHIFT) - g.offset)
		return -EINVAL;
	if (current->mm != r->notifier.mm)
		return -EPERM;
	if (g.write && r->readonly)
		return -EACCES;

	first = g.offset >> PAGE_SHIFT;
	n = g.length >> PAGE_SHIFT;
	pages = kvmalloc_array(n, sizeof(*pages), GFP_KERNEL);
	grefs = kvmalloc_array(n, sizeof(*grefs), GFP_KERNEL);
	if (!pages || !grefs) {
		err = -ENOMEM;
		goto out;
	}

again:
	seq = mmu_interval_read_begin(&r->notifier);
	got = get_user_pages_fast(r->uaddr + g.offset, n, r->readonly ? 0 : FOLL_WRITE, pages);
	if (got < 0 || got < n) {
		if (got > 0)
			release_pages(pages, got);
		err = xh_get_pfnmap_pages(current->mm, r->uaddr + g.offset, n, !r->readonly,
					  pages);
		if (err)
			goto out;
	}

	spin_lock(&f->lock);
	if (mmu_interval_read_retry(&r->notifier, seq)) {
		spin_unlock(&f->lock);
		release_pages(pages, n);
		goto again;
	}
	for (i = 0; i < n; i++) {
		struct xh_entry *e = &r->entries[first + i];
		int ref;

		if (e->state == XH_GRANTED && e->page == pages[i]) {
			grefs[i] = e->gref;
			put_page(pages[i]);
			continue;
		}
		if (e->state != XH_EMPTY || f->granted >= max_granted_pages) {
			/* Revoked, not yet released: the broker retries later. */
			err = e->state != XH_EMPTY ? -EAGAIN : -EDQUOT;
			break;
		}
		ref = gnttab_grant_foreign_access(f->domid, xen_page_to_gfn(pages[i]),
						  r->readonly);
		if (ref < 0) {
			err = ref;
			break;
		}
		e->page = pages[i];
		e->gref = ref;
		e->state = XH_GRANTED;
		f->granted++;
		atomic64_inc(&xh_pages_lent);
		grefs[i] = ref;
	}
	done = i;
	g.seq = f->seq;
	spin_unlock(&f->lock);
	if (done < n)
		release_pages(pages + done, n - done);
	if (err)
		goto out;

	if (copy_to_user(u64_to_user_ptr(g.grefs), grefs, n * sizeof(*grefs)) ||
	    copy_to_user(arg, &g, sizeof(g)))
		err = -EFAULT;
out:
	kvfree(pages);
	kvfree(grefs);
	return err;
}

static long xh_release(struct xh_file *f, void __user *arg)
{
	struct xenlend_host_release a;
	bool earlier;
	u64 before;
	struct xh_region *r;
	unsigned long i;

	if (copy_from_user(&a, arg, sizeof(a)))
		return -EFAULT;
	if ((a.flags & ~XENLEND_HOST_RELEASE_EARLIER) || a.pad)
		return -EINVAL;
	earlier = a.flags & XENLEND_HOST_RELEASE_EARLIER;
	a.released = 0;
	spin_lock(&f->lock);
	before = f->quarantined;
	list_for_each_entry(r, &f->regions, link) {
		for (i = 0; i < r->npages; i++) {
			struct xh_entry *e = &r->entries[i];

			if (e->state == XH_REVOKED &&
			    (e->seq == a.seq || (earlier && e->seq < a.seq))) {
				xh_end_entry(f, e);
				a.released++;
			}
		}
	}
	a.quarantined = f->quarantined - before;
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
		ret = xh_remove_region(f, uarg);
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
	struct xh_file *f = kzalloc(sizeof(*f), GFP_KERNEL);

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
		xh_free_region(f, r);
	if (f->quarantined)
		pr_info("dom%d: %llu pages were released while the guest still mapped them\n",
			f->domid, f->quarantined);
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

static struct attribute *xh_attrs[] = {
	&dev_attr_pages_lent.attr,
	&dev_attr_pages_quarantined.attr,
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
	if (!xen_domain())
		return -ENODEV;
	return misc_register(&xh_misc);
}
module_init(xh_init);

static void __exit xh_exit(void)
{
	struct xh_qpage *q, *tmp;

	misc_deregister(&xh_misc);
	cancel_delayed_work_sync(&xh_quarantine_work);
	/* What guests still map goes to the grant table's deferred list. */
	list_for_each_entry_safe(q, tmp, &xh_quarantine, link) {
		gnttab_end_foreign_access(q->gref, q->page);
		kfree(q);
	}
}
module_exit(xh_exit);

MODULE_DESCRIPTION("xenlend: dom0 lending engine");
MODULE_LICENSE("GPL");
