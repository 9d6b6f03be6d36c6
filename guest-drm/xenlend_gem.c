// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: buffer objects backed by memory the broker lends.
 *
 * The fault and revocation logic lives in xenlend_borrow.c; this file gives it
 * its Xen and DRM side: FAULT requests over the transport, grant maps into
 * ballooned pages, PFN insertion into the faulting VMA and zapping of the
 * DRM device's address space.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/mm.h>
#include <linux/slab.h>

#include <drm/drm_drv.h>
#include <drm/drm_gem.h>
#include <drm/drm_print.h>
#include <drm/drm_vma_manager.h>

#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include "xenlend_cmds.h"
#include "xenlend_drv.h"
#include "xenlend_transport.h"

static unsigned long xenlend_kaddr(struct page *page)
{
	return (unsigned long)pfn_to_kaddr(page_to_pfn(page));
}

static struct xenlend_bo *borrow_to_bo(struct xenlend_borrow *l)
{
	return container_of(l, struct xenlend_bo, borrow);
}

/*
 * Unmap the grants of pages [first, last); @ok: they were mapped. One
 * hypercall per XENLEND_UNMAP_BATCH pages, through the device's batch.
 */
static void xenlend_bo_unmap_grants(struct xenlend_bo *bo, unsigned long first,
				    unsigned long last, const bool *ok)
{
	struct xenlend_device *xdev = bo->xdev;
	struct gnttab_unmap_grant_ref *ops = xdev->unmap_ops;
	struct page **pages = xdev->unmap_pages;
	unsigned int n = 0, i;
	unsigned long p;

	mutex_lock(&xdev->unmap_lock);
	for (p = first; p < last; p++) {
		struct xenlend_bo_page *bp = &bo->pages[p];

		if (!ok || ok[p - first]) {
			gnttab_set_unmap_op(&ops[n], xenlend_kaddr(bp->page), GNTMAP_host_map,
					    bp->handle);
			pages[n++] = bp->page;
		}
		if ((n < XENLEND_UNMAP_BATCH && p + 1 < last) || !n)
			continue;
		if (gnttab_unmap_refs(ops, NULL, pages, n))
			drm_err_ratelimited(bo->base.dev, "unmapping grants failed\n");
		for (i = 0; i < n; i++)
			if (ops[i].status != GNTST_okay)
				drm_err_ratelimited(bo->base.dev, "grant unmap status %d\n",
						    ops[i].status);
		n = 0;
	}
	mutex_unlock(&xdev->unmap_lock);
}

static void xenlend_bo_unmap(struct xenlend_borrow *l, unsigned long first, unsigned long last)
{
	struct xenlend_bo *bo = borrow_to_bo(l);
	unsigned long p, a;

	/* Device memory in the window: dom0 removes it once we answer. */
	for (p = first; p < last; p = a) {
		for (a = p; a < last && bo->pages[a].window; a++)
			bo->pages[a].window = false;
		if (a == p) {
			while (a < last && !bo->pages[a].window)
				a++;
			xenlend_bo_unmap_grants(bo, p, a, NULL);
		}
	}
}

static void xenlend_bo_zap(struct xenlend_borrow *l, unsigned long first, unsigned long last)
{
	struct drm_gem_object *obj = &borrow_to_bo(l)->base;

	if (drm_mm_node_allocated(&obj->vma_node.vm_node))
		unmap_mapping_range(obj->dev->anon_inode->i_mapping,
				    drm_vma_node_offset_addr(&obj->vma_node) +
				    ((loff_t)first << PAGE_SHIFT),
				    (loff_t)(last - first) << PAGE_SHIFT, 1);
}

static int xenlend_bo_map(struct xenlend_borrow *l, unsigned long first, unsigned long n,
			  const u32 *grefs)
{
	struct xenlend_bo *bo = borrow_to_bo(l);
	struct xenlend_transport *t = bo->xdev->t;
	struct gnttab_map_grant_ref *ops;
	struct page **pages;
	unsigned long i, bad = 0, first_bad = 0;
	bool *ok;
	int err;

	/* xenlend_bo_request() marks device memory with reference 0. */
	if (!grefs[0]) {
		if (!READ_ONCE(bo->window_base))
			return -EPROTO;
		for (i = 0; i < n; i++)
			bo->pages[first + i].window = true;
		return 0;
	}
	ops = kvcalloc(n, sizeof(*ops), GFP_KERNEL);
	pages = kvcalloc(n, sizeof(*pages), GFP_KERNEL);
	ok = kvcalloc(n, sizeof(*ok), GFP_KERNEL);
	if (!ops || !pages || !ok) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct xenlend_bo_page *bp = &bo->pages[first + i];

		if (!bp->page) {
			err = gnttab_alloc_pages(1, &bp->page);
			if (err) {
				bp->page = NULL;
				goto out;
			}
		}
		pages[i] = bp->page;
		gnttab_set_map_op(&ops[i], xenlend_kaddr(bp->page), GNTMAP_host_map, grefs[i],
				  t->xbdev->otherend_id);
	}
	err = gnttab_map_refs(ops, NULL, pages, n);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		ok[i] = ops[i].status == GNTST_okay;
		if (ok[i])
			bo->pages[first + i].handle = ops[i].handle;
		else if (!bad++)
			first_bad = i;
	}
	if (bad) {
		drm_err_ratelimited(bo->base.dev,
				    "%lu of %lu grants from the broker failed to map (page %lu of resource %u: GNTST %d)\n",
				    bad, n, first + first_bad, bo->res_id, ops[first_bad].status);
		xenlend_bo_unmap_grants(bo, first, first + n, ok);
		err = -EIO;
	}
out:
	kvfree(ok);
	kvfree(ops);
	kvfree(pages);
	return err;
}

static int xenlend_bo_request(struct xenlend_borrow *l, unsigned long first, unsigned long n,
			      bool write, u32 *grefs, unsigned long *lent)
{
	struct xenlend_bo *bo = borrow_to_bo(l);
	unsigned long pfn, base, old;
	u64 bytes;
	int err;

	xenlend_test_fault_delay(bo->xdev->t);
	err = xenlend_cmd_fault(bo->xdev->t, bo->res_id, (u64)first << PAGE_SHIFT,
				(u64)n << PAGE_SHIFT, write, grefs, &bytes, &pfn);
	if (err)
		return err;
	*lent = bytes >> PAGE_SHIFT;
	if (!pfn)
		return 0;
	/*
	 * Device memory, mapped by dom0 into the VRAM window: the object has
	 * one place there for good. Grant reference 0 (never a real one, see
	 * xenlend_cmd_fault()) tells xenlend_bo_map() which kind it got.
	 */
	base = pfn - first;
	old = cmpxchg(&bo->window_base, 0, base);
	if (old && old != base) {
		drm_err_ratelimited(bo->base.dev, "resource %u moved in the VRAM window\n",
				    bo->res_id);
		return -EPROTO;
	}
	memset(grefs, 0, min(*lent, n) * sizeof(*grefs));
	return 0;
}

/* Insert the pages of [first, first + n) that the faulting VMA covers. */
static vm_fault_t xenlend_bo_insert(struct xenlend_borrow *l, void *arg, unsigned long first,
				    unsigned long n, unsigned long idx)
{
	struct xenlend_bo *bo = borrow_to_bo(l);
	struct vm_fault *vmf = arg;
	struct vm_area_struct *vma = vmf->vma;
	unsigned long base = vma->vm_pgoff - drm_vma_node_start(&bo->base.vma_node);
	vm_fault_t ret = VM_FAULT_SIGBUS;
	unsigned long p;

	for (p = first; p < first + n; p++) {
		unsigned long addr = vma->vm_start + ((p - base) << PAGE_SHIFT);
		vm_fault_t r;

		if (p < base || addr >= vma->vm_end)
			continue;
		if (bo->pages[p].window)
			r = vmf_insert_pfn_prot(vma, addr, READ_ONCE(bo->window_base) + p,
						pgprot_writecombine(vma->vm_page_prot));
		else
			r = vmf_insert_pfn(vma, addr, page_to_pfn(bo->pages[p].page));
		if (p == idx)
			ret = r;
	}
	return ret;
}

static const struct xenlend_borrow_ops xenlend_bo_borrow_ops = {
	.fault = xenlend_bo_request,
	.map = xenlend_bo_map,
	.unmap = xenlend_bo_unmap,
	.zap = xenlend_bo_zap,
	.insert = xenlend_bo_insert,
};

/*
 * A page not mapped yet costs a round trip to the broker, which may wait
 * for a revocation (xenlend_borrow_fault()): the process's mmap_lock is not
 * held meanwhile where the fault may be retried. The page is fetched with
 * the lock dropped and the fault retried; the retry, with the lock, finds
 * it mapped and inserts it. A retry that finds it taken back again does
 * the whole fault with the lock held, so a fault makes progress.
 */
static vm_fault_t xenlend_bo_fault(struct vm_fault *vmf)
{
	struct drm_gem_object *obj = vmf->vma->vm_private_data;
	struct xenlend_bo *bo = to_xenlend_bo(obj);
	unsigned long idx = vmf->pgoff - drm_vma_node_start(&obj->vma_node);
	bool write = vmf->flags & FAULT_FLAG_WRITE;
	vm_fault_t ret;
	int cookie;

	if (!drm_dev_enter(obj->dev, &cookie))
		return VM_FAULT_SIGBUS;
	if (fault_flag_allow_retry_first(vmf->flags) &&
	    !(vmf->flags & FAULT_FLAG_RETRY_NOWAIT) &&
	    !xenlend_borrow_is_mapped(&bo->borrow, idx)) {
		/* The VMA may go once the lock is dropped: the object stays. */
		drm_gem_object_get(obj);
		release_fault_lock(vmf);
		xenlend_borrow_fetch(&bo->borrow, idx, write);
		drm_gem_object_put(obj);
		drm_dev_exit(cookie);
		return VM_FAULT_RETRY;
	}
	ret = xenlend_borrow_fault(&bo->borrow, idx, write, vmf);
	drm_dev_exit(cookie);
	return ret;
}

static const struct vm_operations_struct xenlend_bo_vm_ops = {
	.fault = xenlend_bo_fault,
	.open = drm_gem_vm_open,
	.close = drm_gem_vm_close,
};

static int xenlend_bo_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	/*
	 * A PV guest's page tables can only point at a foreign frame through
	 * a grant map of that very PTE; lent memory needs an auto-translated
	 * (PVH or HVM) guest.
	 */
	if (xen_pv_domain()) {
		drm_warn_once(obj->dev, "mapping lent memory needs a PVH or HVM guest\n");
		return -EOPNOTSUPP;
	}
	if (is_cow_mapping(vma->vm_flags))
		return -EINVAL;
	vm_flags_set(vma, VM_PFNMAP | VM_IO | VM_DONTEXPAND | VM_DONTDUMP);
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	return 0;
}

static void xenlend_bo_free(struct drm_gem_object *obj)
{
	struct xenlend_bo *bo = to_xenlend_bo(obj);
	unsigned long i;
	int err, cookie;

	/* A test stands for a free that lost the CPU before it unmapped. */
	xenlend_test_free_delay(bo->xdev->t);
	/*
	 * Unmapped first, then out of the array: a REVOKE that finds the
	 * object dying waits for that (xenlend_bo_revoke()), so its answer
	 * never comes while a grant of it is still mapped here.
	 */
	xenlend_borrow_fini(&bo->borrow);
	xa_erase(&bo->xdev->objects, bo->res_id);
	wake_up_all(&bo->xdev->bo_gone);
	for (i = 0; i < bo->borrow.nr_pages; i++)
		if (bo->pages[i].page)
			gnttab_free_pages(1, &bo->pages[i].page);

	/*
	 * After an unplug the transport is gone (it belongs to the xenbus
	 * device); the broker dropped everything of ours when we disconnected.
	 */
	if (drm_dev_enter(obj->dev, &cookie)) {
		err = xenlend_cmd_resource_destroy(bo->xdev->t, bo->res_id);
		if (err && err != -ENODEV)
			drm_dbg(obj->dev, "RESOURCE_DESTROY %u: %d\n", bo->res_id, err);
		drm_dev_exit(cookie);
	}

	drm_gem_object_release(obj);
	kvfree(bo->pages);
	kfree(bo);
}

/* A renderer blob goes to the contexts of the files with a handle to it. */
static int xenlend_bo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct xenlend_bo *bo = to_xenlend_bo(obj);

	return bo->ctx_serial ? xenlend_share_get(file, bo->res_id, bo->ctx_serial) : 0;
}

static void xenlend_bo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct xenlend_bo *bo = to_xenlend_bo(obj);

	if (bo->ctx_serial)
		xenlend_share_put(file, bo->res_id, bo->ctx_serial);
}

static const struct drm_gem_object_funcs xenlend_bo_funcs = {
	.free = xenlend_bo_free,
	.open = xenlend_bo_open,
	.close = xenlend_bo_close,
	.mmap = xenlend_bo_mmap,
	.vm_ops = &xenlend_bo_vm_ops,
};

/**
 * xenlend_bo_create_host() - create a buffer object backed by lent memory
 * @xdev: the device.
 * @size: size in bytes, page aligned, non-zero.
 * @ctx_id: with XENLEND_CREATE_BLOB in @flags, the context whose blob it is.
 * @blob_id: the renderer's blob id, or 0.
 * @flags: 0 (dom0's plain memory), or XENLEND_CREATE_BLOB and blob flags
 *	(memory dom0's renderer allocates, e.g. venus's ring).
 *
 * Creates the resource on the broker and an mmap offset; no memory is
 * lent until the object is touched. Either kind is lent alike.
 *
 * Return: the object with one reference, or an ERR_PTR().
 */
struct xenlend_bo *xenlend_bo_create_host(struct xenlend_device *xdev, u64 size, u32 ctx_id,
					  u64 blob_id, u32 flags)
{
	unsigned long nr_pages = size >> PAGE_SHIFT;
	struct xenlend_bo *bo;
	u32 id;
	int err;

	if (!size || !PAGE_ALIGNED(size) || size > xdev->t->max_lent_bytes)
		return ERR_PTR(-EINVAL);
	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);
	bo->xdev = xdev;
	bo->pages = kvcalloc(nr_pages, sizeof(*bo->pages), GFP_KERNEL);
	if (!bo->pages || xenlend_borrow_init(&bo->borrow, &xenlend_bo_borrow_ops, xdev->drm.dev,
					      nr_pages)) {
		kvfree(bo->pages);
		kfree(bo);
		return ERR_PTR(-ENOMEM);
	}
	bo->base.funcs = &xenlend_bo_funcs;
	drm_gem_private_object_init(&xdev->drm, &bo->base, size);

	err = xa_alloc_cyclic(&xdev->objects, &id, NULL, XA_LIMIT(1, U32_MAX),
			      &xdev->next_res_id, GFP_KERNEL);
	if (err < 0)
		goto fail_release;
	bo->res_id = id;

	err = xenlend_cmd_resource_create(xdev->t, id, XENLEND_RES_HOST, size, ctx_id, flags,
					  blob_id);
	if (err)
		goto fail_erase;
	err = drm_gem_create_mmap_offset(&bo->base);
	if (err) {
		/* The object is complete: the normal free path cleans up. */
		xa_store(&xdev->objects, id, bo, GFP_KERNEL);
		drm_gem_object_put(&bo->base);
		return ERR_PTR(err);
	}
	xa_store(&xdev->objects, id, bo, GFP_KERNEL);
	return bo;

fail_erase:
	xa_erase(&xdev->objects, id);
fail_release:
	drm_gem_object_release(&bo->base);
	xenlend_borrow_fini(&bo->borrow);
	kvfree(bo->pages);
	kfree(bo);
	return ERR_PTR(err);
}

/**
 * xenlend_bo_revoke() - take back lent pages of one object
 * @xdev: the device.
 * @res_id: the object's resource id.
 * @offset: start of the range.
 * @length: length of the range.
 *
 * Zaps every user mapping of the range and unmaps its grants before
 * returning, so the broker may release them once this is acknowledged. An
 * object being freed is waited for until its free path unmapped it.
 * Sleeps.
 *
 * Return: XENLEND_S_OK, or XENLEND_S_NOENT for a resource this guest maps
 * nothing of (unknown, or freed).
 */
u32 xenlend_bo_revoke(struct xenlend_device *xdev, u32 res_id, u64 offset, u64 length)
{
	struct xenlend_bo *bo, *dying = NULL;

	xa_lock(&xdev->objects);
	bo = xa_load(&xdev->objects, res_id);
	if (bo && !kref_get_unless_zero(&bo->base.refcount)) {
		dying = bo;
		bo = NULL;
	}
	xa_unlock(&xdev->objects);
	if (dying) {
		/*
		 * Being freed: NOENT is true only once its grants are
		 * unmapped, which its free path does before it leaves the
		 * array. @dying is compared, never dereferenced.
		 */
		wait_event(xdev->bo_gone, xa_load(&xdev->objects, res_id) != dying);
		return XENLEND_S_NOENT;
	}
	if (!bo)
		return XENLEND_S_NOENT;

	xenlend_borrow_revoke(&bo->borrow, offset, length);
	drm_gem_object_put(&bo->base);
	return XENLEND_S_OK;
}

/**
 * xenlend_bo_revoke_all() - take back everything (the broker went away)
 * @xdev: the device.
 */
void xenlend_bo_revoke_all(struct xenlend_device *xdev)
{
	struct xenlend_bo *bo;
	unsigned long id;

	/* Only the ids are used: an object may go away under our feet. */
	xa_for_each(&xdev->objects, id, bo)
		xenlend_bo_revoke(xdev, id, 0, U64_MAX);
}
