/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the DRM device and its buffer objects.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_DRV_H
#define XENLEND_DRV_H

#include <linux/mutex.h>
#include <linux/xarray.h>

#include <drm/drm_device.h>
#include <drm/drm_gem.h>

#include <xen/grant_table.h>

struct xenlend_transport;

/**
 * struct xenlend_device - the render node of one xenlend connection
 * @drm: the DRM device.
 * @t: transport to the broker.
 * @objects: live buffer objects by resource id (xa_lock protects lookups).
 * @next_res_id: last resource id handed out.
 */
struct xenlend_device {
	struct drm_device drm;
	struct xenlend_transport *t;
	struct xarray objects;
	u32 next_res_id;
};

/**
 * struct xenlend_bo_page - one page of a lent buffer object
 * @page: guest frame the grant is mapped into (from gnttab_alloc_pages()).
 * @handle: grant handle while mapped.
 * @mapped: the page currently maps a grant from the broker.
 */
struct xenlend_bo_page {
	struct page *page;
	grant_handle_t handle;
	bool mapped;
};

/**
 * struct xenlend_bo - a buffer object backed by memory the broker lends
 * @base: the GEM object.
 * @xdev: the device.
 * @res_id: the broker's resource id.
 * @lock: protects @seq, @pages and the grant mappings.
 * @seq: bumped by every revocation; a fault whose reply raced one retries.
 * @pages: one entry per page of the object.
 * @nr_pages: size in pages.
 * @faults: FAULT round trips served for this object.
 */
struct xenlend_bo {
	struct drm_gem_object base;
	struct xenlend_device *xdev;
	u32 res_id;
	struct mutex lock; /* see above */
	u64 seq;
	struct xenlend_bo_page *pages;
	unsigned long nr_pages;
	u64 faults;
};

#define to_xenlend_bo(obj) container_of(obj, struct xenlend_bo, base)

struct xenlend_bo *xenlend_bo_create_host(struct xenlend_device *xdev, u64 size);
u32 xenlend_bo_revoke(struct xenlend_device *xdev, u32 res_id, u64 offset, u64 length);
void xenlend_bo_revoke_all(struct xenlend_device *xdev);

int xenlend_drm_register(struct xenlend_transport *t);
void xenlend_drm_unregister(struct xenlend_transport *t);
int xenlend_platform_init(void);
void xenlend_platform_exit(void);

int xenlend_ioctl_getparam(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_create_blob(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_map(struct drm_device *dev, void *data, struct drm_file *file);
int xenlend_ioctl_resource_info(struct drm_device *dev, void *data, struct drm_file *file);

#endif /* XENLEND_DRV_H */
