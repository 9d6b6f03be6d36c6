// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: classic 3D resources in guest memory
 * (RESOURCE_CREATE, TRANSFER_TO_HOST and TRANSFER_FROM_HOST of
 * virtgpu_drm.h).
 *
 * This is the classic Xen direction, the one virtio-gpu's guest-backed
 * resources map to: the object is a shmem GEM object whose pages stay
 * pinned for its lifetime, each granted to the broker's domain. The grant
 * references travel to the broker a bulk page at a time (RESOURCE_ATTACH);
 * the broker's renderer then uses the pages as the resource's backing store
 * and transfers copy between them and its copy of the resource. Userspace
 * maps the object like any shmem object.
 *
 * When the object goes, the broker is told first; a grant it (or its render
 * worker) still maps cannot be ended, and the grant table code keeps such a
 * page referenced until it is unmapped, so the page is never reused while
 * dom0 can still reach it.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/slab.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_print.h>
#include <drm/virtgpu_drm.h>

#include <xen/grant_table.h>
#include <xen/page.h>
#include <xen/xenbus.h>

#include "xenlend_cmds.h"
#include "xenlend_drv.h"
#include "xenlend_transport.h"

static struct xenlend_device *to_xdev(struct drm_device *dev)
{
	return container_of(dev, struct xenlend_device, drm);
}

static void xenlend_gbo_free(struct drm_gem_object *obj)
{
	struct xenlend_gbo *gbo = to_xenlend_gbo(obj);
	struct xenlend_device *xdev = to_xdev(obj->dev);
	unsigned long i;
	int err, cookie;

	if (gbo->on_broker && drm_dev_enter(obj->dev, &cookie)) {
		err = xenlend_cmd_resource_destroy(xdev->t, gbo->res_id);
		if (err && err != -ENODEV)
			drm_dbg(obj->dev, "RESOURCE_DESTROY %u: %d\n", gbo->res_id, err);
		drm_dev_exit(cookie);
	}
	/* A page dom0 still maps stays referenced by the deferred list. */
	for (i = 0; gbo->refs && i < gbo->nr_pages; i++)
		if (gbo->refs[i])
			gnttab_end_foreign_access(gbo->refs[i], NULL);
	kvfree(gbo->refs);
	if (gbo->res_id)
		xa_erase(&xdev->objects, gbo->res_id);
	if (gbo->pinned)
		drm_gem_shmem_unpin(&gbo->base);
	drm_gem_shmem_free(&gbo->base);
}

/* A renderer resource goes to the contexts of the files with a handle to it. */
static int xenlend_gbo_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct xenlend_gbo *gbo = to_xenlend_gbo(obj);

	return gbo->ctx_serial ? xenlend_share_get(file, gbo->res_id, gbo->ctx_serial) : 0;
}

static void xenlend_gbo_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct xenlend_gbo *gbo = to_xenlend_gbo(obj);

	if (gbo->ctx_serial)
		xenlend_share_put(file, gbo->res_id, gbo->ctx_serial);
}

static const struct drm_gem_object_funcs xenlend_gbo_funcs = {
	.free = xenlend_gbo_free,
	.open = xenlend_gbo_open,
	.close = xenlend_gbo_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = drm_gem_shmem_object_mmap,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

/**
 * xenlend_gem_create_object() - &drm_driver.gem_create_object
 * @dev: the device.
 * @size: the object's size.
 *
 * Every shmem object of the device is a guest-backed resource.
 *
 * Return: the object, or an ERR_PTR().
 */
struct drm_gem_object *xenlend_gem_create_object(struct drm_device *dev, size_t size)
{
	struct xenlend_gbo *gbo = kzalloc(sizeof(*gbo), GFP_KERNEL);

	if (!gbo)
		return ERR_PTR(-ENOMEM);
	gbo->base.base.funcs = &xenlend_gbo_funcs;
	gbo->base.map_wc = false;
	return &gbo->base.base;
}

/**
 * xenlend_gbo_from_obj() - the guest-backed object behind a GEM object
 * @obj: any object of the device.
 *
 * Return: the object, or NULL for a lent object.
 */
struct xenlend_gbo *xenlend_gbo_from_obj(struct drm_gem_object *obj)
{
	return obj->funcs == &xenlend_gbo_funcs ? to_xenlend_gbo(obj) : NULL;
}

/* Grant every page to the broker's domain. */
static int xenlend_gbo_grant(struct xenlend_gbo *gbo, domid_t domid)
{
	struct page **pages = gbo->base.pages;
	unsigned long i;
	int ref;

	gbo->refs = kvcalloc(gbo->nr_pages, sizeof(*gbo->refs), GFP_KERNEL);
	if (!gbo->refs)
		return -ENOMEM;
	for (i = 0; i < gbo->nr_pages; i++) {
		ref = gnttab_grant_foreign_access(domid, xen_page_to_gfn(pages[i]), 0);
		if (ref < 0)
			return ref;
		gbo->refs[i] = ref;
	}
	return 0;
}

/* Tell the broker about the resource and its pages. */
static int xenlend_gbo_attach(struct xenlend_transport *t, struct xenlend_gbo *gbo)
{
	int err;

	err = xenlend_cmd_resource_create(t, gbo->res_id, XENLEND_RES_GUEST,
					  (u64)gbo->nr_pages << PAGE_SHIFT, 0, 0, 0);
	/* Unanswered, it may exist on the broker all the same. */
	gbo->on_broker = !err || err == -ETIMEDOUT || err == -EINTR || err == -ERESTARTSYS;
	if (err)
		return err;
	return xenlend_cmd_resource_attach(t, gbo->res_id, gbo->refs, gbo->nr_pages);
}

/* Create, pin, grant and announce one object; the caller holds the device. */
static struct xenlend_gbo *xenlend_gbo_create(struct xenlend_device *xdev, u32 ctx_id,
					      const struct drm_virtgpu_resource_create *rc)
{
	struct drm_gem_shmem_object *shmem;
	struct xenlend_gbo *gbo;
	u64 size = rc->size ? PAGE_ALIGN((u64)rc->size) : PAGE_SIZE;
	u32 id;
	int err;

	if (size > xdev->t->max_lent_bytes)
		return ERR_PTR(-EINVAL);
	/* The codec's checks of the parameters, before anything is allocated. */
	if (!xenlend_cmd_res3d_valid(rc))
		return ERR_PTR(-EINVAL);
	shmem = drm_gem_shmem_create(&xdev->drm, size);
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	gbo = container_of(shmem, struct xenlend_gbo, base);
	gbo->nr_pages = size >> PAGE_SHIFT;
	/* From here on the object's free path undoes whatever was done. */
	err = drm_gem_shmem_pin(shmem);
	if (err)
		goto fail;
	gbo->pinned = true;
	/* The id is taken, not stored: REVOKE never finds a guest object. */
	err = xa_alloc_cyclic(&xdev->objects, &id, NULL, XA_LIMIT(1, U32_MAX),
			      &xdev->next_res_id, GFP_KERNEL);
	if (err < 0)
		goto fail;
	gbo->res_id = id;
	err = xenlend_gbo_grant(gbo, xdev->t->xbdev->otherend_id);
	if (!err)
		err = xenlend_gbo_attach(xdev->t, gbo);
	if (!err)
		err = xenlend_cmd_res3d_create(xdev->t, id, ctx_id, rc);
	if (err)
		goto fail;
	return gbo;

fail:
	drm_gem_object_put(&shmem->base);
	return ERR_PTR(err);
}

/**
 * xenlend_ioctl_resource_create() - DRM_IOCTL_VIRTGPU_RESOURCE_CREATE
 * @dev: the device.
 * @data: &struct drm_virtgpu_resource_create.
 * @file: the caller.
 *
 * Creates a classic 3D resource of @size bytes (a page when 0) of guest
 * memory, attached to the file's rendering context (a virgl context is
 * made for files that have none).
 *
 * Return: 0, -EINVAL for a nonzero bo_handle or a size over what the broker
 * accepts, -ENOSPC when the grant table is full, -ENODEV, or the error of
 * asking the broker (its renderer checks the 3D parameters: -EINVAL).
 */
int xenlend_ioctl_resource_create(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_resource_create *rc = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_gbo *gbo;
	u32 handle, ctx_id;
	int err, cookie;

	if (rc->bo_handle)
		return -EINVAL;
	if (!drm_dev_enter(dev, &cookie))
		return -ENODEV;
	err = xenlend_render_ctx(xdev, file->driver_priv, &ctx_id);
	gbo = err ? ERR_PTR(err) : xenlend_gbo_create(xdev, ctx_id, rc);
	drm_dev_exit(cookie);
	if (IS_ERR(gbo))
		return PTR_ERR(gbo);
	gbo->ctx_serial = xenlend_render_ctx_serial(file->driver_priv);
	err = drm_gem_handle_create(file, &gbo->base.base, &handle);
	drm_gem_object_put(&gbo->base.base);
	if (err)
		return err;
	rc->bo_handle = handle;
	rc->res_handle = gbo->res_id;
	return 0;
}

/* Both transfer ioctls share virtio-gpu's layout. */
static_assert(sizeof(struct drm_virtgpu_3d_transfer_to_host) ==
	      sizeof(struct drm_virtgpu_3d_transfer_from_host));

static int xenlend_transfer(struct drm_device *dev,
			    const struct drm_virtgpu_3d_transfer_to_host *tr, struct drm_file *file,
			    bool to_host)
{
	struct xenlend_device *xdev = to_xdev(dev);
	struct drm_gem_object *obj;
	struct xenlend_gbo *gbo;
	u32 ctx_id;
	int err, cookie;

	/* Checked first, before anything is looked up or created. */
	if (!xenlend_cmd_transfer_fits(tr))
		return -EINVAL;
	obj = drm_gem_object_lookup(file, tr->bo_handle);
	if (!obj)
		return -ENOENT;
	gbo = xenlend_gbo_from_obj(obj);
	if (!gbo) {
		err = -EINVAL;	/* lent memory has no copy to transfer to */
		goto out;
	}
	if (!drm_dev_enter(dev, &cookie)) {
		err = -ENODEV;
		goto out;
	}
	err = xenlend_render_ctx(xdev, file->driver_priv, &ctx_id);
	/* The codec refuses an empty box: -EINVAL before anything is sent. */
	if (!err)
		err = xenlend_cmd_transfer(xdev->t, to_host, gbo->res_id, ctx_id, tr);
	drm_dev_exit(cookie);
out:
	drm_gem_object_put(obj);
	return err;
}

/**
 * xenlend_ioctl_transfer_to_host() - DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST
 * @dev: the device.
 * @data: &struct drm_virtgpu_3d_transfer_to_host.
 * @file: the caller.
 *
 * Copies a box of the object's pages into the renderer's resource, in
 * order with the file's command streams; returns once it is done.
 *
 * Return: 0, -ENOENT for a bad handle, -EINVAL for a lent object, an empty
 * box or one the renderer refuses, -ENODEV, or the error of asking the
 * broker.
 */
int xenlend_ioctl_transfer_to_host(struct drm_device *dev, void *data, struct drm_file *file)
{
	return xenlend_transfer(dev, data, file, true);
}

/**
 * xenlend_ioctl_transfer_from_host() - DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST
 * @dev: the device.
 * @data: &struct drm_virtgpu_3d_transfer_from_host.
 * @file: the caller.
 *
 * Copies a box of the renderer's resource into the object's pages; returns
 * once they hold it.
 *
 * Return: as xenlend_ioctl_transfer_to_host().
 */
int xenlend_ioctl_transfer_from_host(struct drm_device *dev, void *data, struct drm_file *file)
{
	return xenlend_transfer(dev, data, file, false);
}
