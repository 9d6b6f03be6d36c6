/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the DRM device and its buffer objects.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_DRV_H
#define XENLEND_DRV_H

#include <linux/atomic.h>
#include <linux/idr.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>

#include <xen/grant_table.h>

#include "xenlend_if.h"
#include "xenlend_borrow.h"

struct xenlend_transport;

/*
 * Grant unmaps per hypercall: a whole 2 MiB fault window, the most one
 * FAULT maps, so that a revocation costs one hypercall (and one TLB flush)
 * per window instead of one per 32 pages.
 */
#define XENLEND_UNMAP_BATCH	(XENLEND_FAULT_MAX_BYTES >> PAGE_SHIFT)

/* Capability sets the guest keeps track of; the broker lists three today. */
#define XENLEND_MAX_CAPSETS	8

/**
 * struct xenlend_capset_desc - one capability set the broker's renderer has
 * @id: VIRTGPU_CAPSET_* id.
 * @max_version: newest version.
 * @max_size: size in bytes, at most a page.
 * @data: the set's bytes at @data_version, as the broker sent them (checked),
 *	or NULL before the first GET_CAPS of the connection; DRM-managed.
 * @data_version: the version @data holds.
 */
struct xenlend_capset_desc {
	u32 id;
	u32 max_version;
	u32 max_size;
	void *data;
	u32 data_version;
};

/**
 * struct xenlend_device - the render node of one xenlend connection
 * @drm: the DRM device.
 * @t: transport to the broker.
 * @objects: live buffer objects by resource id (xa_lock protects lookups);
 *	a lent object leaves it only once its grants are unmapped.
 * @next_res_id: last resource id handed out.
 * @bo_gone: woken when a lent object left @objects.
 * @fence_lock: protects @fences.
 * @fences: submitted fences not signalled yet.
 * @caps_lock: protects @caps_gen, @nr_caps and @caps.
 * @caps_gen: the transport's conn_gen @caps were read under (0: never).
 * @nr_caps: entries of @caps.
 * @caps: the broker's capability sets, and their bytes once asked for.
 * @ctx_ida: rendering context ids.
 * @ctx_serials: last serial number given to a context (ids are reused,
 *	serials never are).
 * @unmap_lock: serialises the use of @unmap_ops and @unmap_pages.
 * @unmap_ops: one batch of grant unmaps (XENLEND_UNMAP_BATCH), kept for
 *	the device's lifetime: revocation must not need to allocate.
 * @unmap_pages: the pages of that batch.
 */
struct xenlend_device {
	struct drm_device drm;
	struct xenlend_transport *t;
	struct xarray objects;
	u32 next_res_id;
	wait_queue_head_t bo_gone;
	spinlock_t fence_lock; /* protects fences */
	struct list_head fences;
	struct mutex caps_lock; /* protects caps_gen, nr_caps, caps */
	u64 caps_gen;
	unsigned int nr_caps;
	struct xenlend_capset_desc caps[XENLEND_MAX_CAPSETS];
	struct ida ctx_ida;
	atomic64_t ctx_serials;
	struct mutex unmap_lock; /* protects unmap_ops, unmap_pages */
	struct gnttab_unmap_grant_ref *unmap_ops;
	struct page **unmap_pages;
};

/**
 * struct xenlend_fpriv - what one open file of the render node owns
 * @lock: serialises context creation, submission and @shared.
 * @ctx_id: its rendering context on the broker (0: none yet).
 * @ctx_serial: the context's serial number (0: none yet).
 * @capset_id: the context's capability set.
 * @num_rings: the context's fence timelines.
 * @conn_gen: the transport's conn_gen when the context was created.
 * @fence_context: first of @num_rings dma-fence contexts.
 * @seqno: last fence number used on each ring.
 * @shared: the renderer resources the file has handles to, by resource
 *	id, each with its number of handles (xa_mk_value()): the ones
 *	@ctx_id may use (xenlend_share.c).
 */
struct xenlend_fpriv {
	struct mutex lock; /* see above */
	u32 ctx_id;
	u64 ctx_serial;
	u32 capset_id;
	u32 num_rings;
	u64 conn_gen;
	u64 fence_context;
	u64 seqno[XENLEND_MAX_RINGS];
	struct xarray shared;
};

/**
 * struct xenlend_bo_page - one page of a lent buffer object
 * @page: guest frame the grant is mapped into (from gnttab_alloc_pages()).
 * @handle: grant handle while mapped (see &xenlend_borrow.mapped).
 * @window: while mapped, it is device memory dom0 mapped into the VRAM
 *	window (at &xenlend_bo.window_base + its index), not a grant.
 */
struct xenlend_bo_page {
	struct page *page;
	grant_handle_t handle;
	bool window;
};

/**
 * struct xenlend_bo - a buffer object backed by memory the broker lends
 * @base: the GEM object.
 * @xdev: the device.
 * @res_id: the broker's resource id.
 * @borrow: which pages map lent memory; its lock also protects @pages.
 * @pages: one entry per page of the object (&xenlend_borrow.nr_pages of them).
 * @window_base: once dom0 placed the object's device memory in the VRAM
 *	window, the guest frame its page 0 is at; it never moves there.
 * @ctx_serial: for a renderer blob, the serial of the context it was
 *	made in; 0 for dom0's plain memory, which no renderer knows.
 */
struct xenlend_bo {
	struct drm_gem_object base;
	struct xenlend_device *xdev;
	u32 res_id;
	struct xenlend_borrow borrow;
	struct xenlend_bo_page *pages;
	unsigned long window_base;
	u64 ctx_serial;
};

#define to_xenlend_bo(obj) container_of(obj, struct xenlend_bo, base)

/**
 * struct xenlend_gbo - a classic 3D resource in guest memory
 * @base: the shmem GEM object; its pages stay pinned while it lives.
 * @res_id: the broker's resource id (0: none yet).
 * @nr_pages: size in pages.
 * @refs: the grant reference of each page, granted to the broker's domain
 *	(0: not granted).
 * @pinned: @base's pages are pinned.
 * @on_broker: the broker may know the resource; it is destroyed there first.
 * @ctx_serial: the serial of the context the renderer made it in (0: not
 *	yet a renderer resource).
 */
struct xenlend_gbo {
	struct drm_gem_shmem_object base;
	u32 res_id;
	unsigned long nr_pages;
	grant_ref_t *refs;
	bool pinned;
	bool on_broker;
	u64 ctx_serial;
};

#define to_xenlend_gbo(obj) container_of(obj, struct xenlend_gbo, base.base)

struct xenlend_bo *xenlend_bo_create_host(struct xenlend_device *xdev, u64 size, u32 ctx_id,
					  u64 blob_id, u32 flags);
u32 xenlend_bo_revoke(struct xenlend_device *xdev, u32 res_id, u64 offset, u64 length);
void xenlend_bo_revoke_all(struct xenlend_device *xdev);

struct drm_gem_object *xenlend_gem_create_object(struct drm_device *dev, size_t size);
struct xenlend_gbo *xenlend_gbo_from_obj(struct drm_gem_object *obj);
int xenlend_ioctl_resource_create(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_transfer_to_host(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_transfer_from_host(struct drm_device *dev, void *data, struct drm_file *file);

int xenlend_drm_register(struct xenlend_transport *t);
void xenlend_drm_unregister(struct xenlend_transport *t);
int xenlend_platform_init(void);
void xenlend_platform_exit(void);

int xenlend_ioctl_getparam(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_create_blob(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_map(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_resource_info(struct drm_device *dev, void *data, struct drm_file *file);

struct xenlend_dma_fence;
struct xenlend_dma_fence *xenlend_fence_create(struct xenlend_device *xdev,
					       u64 context, u64 seqno, u32 ctx_id,
					       u32 ring_idx);
struct dma_fence *xenlend_fence_base(struct xenlend_dma_fence *f);
void xenlend_fence_queue(struct xenlend_device *xdev, struct xenlend_dma_fence *f);
void xenlend_fence_abort(struct xenlend_device *xdev, struct xenlend_dma_fence *f, int err);
void xenlend_fence_complete(struct xenlend_device *xdev, u32 ctx_id, u32 ring_idx,
			    u64 fence_id, u32 status);
void xenlend_fence_fail_ctx(struct xenlend_device *xdev, u32 ctx_id, int err);
void xenlend_fence_fail_all(struct xenlend_device *xdev, int err);

void xenlend_render_init(struct xenlend_device *xdev);
int xenlend_render_open(struct drm_device *dev, struct drm_file *file);
void xenlend_render_postclose(struct drm_device *dev, struct drm_file *file);
int xenlend_render_getparam(struct xenlend_device *xdev, u64 param, int *value);
int xenlend_render_ctx(struct xenlend_device *xdev, struct xenlend_fpriv *fp, u32 *ctx_id);
int xenlend_render_file_ctx(struct xenlend_device *xdev, struct xenlend_fpriv *fp,
			    u32 *ctx_id);
u64 xenlend_render_ctx_serial(struct xenlend_fpriv *fp);
int xenlend_ioctl_get_caps(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_context_init(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_execbuffer(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_wait(struct drm_device *dev, void *data, struct drm_file *file);

void xenlend_share_init(struct xenlend_fpriv *fp);
void xenlend_share_fini(struct xenlend_fpriv *fp);
int xenlend_share_get(struct drm_file *file, u32 res_id, u64 maker);
void xenlend_share_put(struct drm_file *file, u32 res_id, u64 maker);
void xenlend_share_ctx_created(struct xenlend_device *xdev, struct xenlend_fpriv *fp);

#endif /* XENLEND_DRV_H */
