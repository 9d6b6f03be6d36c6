// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the virtgpu_drm.h ioctls, same numbers and structs.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_vma_manager.h>
#include <drm/virtgpu_drm.h>

#include "xenlend_drv.h"
#include "xenlend_transport.h"

static struct xenlend_device *to_xdev(struct drm_device *dev)
{
	return container_of(dev, struct xenlend_device, drm);
}

/**
 * xenlend_ioctl_getparam() - DRM_IOCTL_VIRTGPU_GETPARAM
 * @dev: the device.
 * @data: &struct drm_virtgpu_getparam.
 * @file: the caller.
 *
 * Return: 0, -EINVAL for unknown parameters, -EFAULT, or for the renderer's
 * parameters the error of asking the broker.
 */
int xenlend_ioctl_getparam(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_getparam *p = data;
	int value, err;

	switch (p->param) {
	case VIRTGPU_PARAM_RESOURCE_BLOB:
	case VIRTGPU_PARAM_HOST_VISIBLE:
	case VIRTGPU_PARAM_CAPSET_QUERY_FIX:
		value = 1;
		break;
	case VIRTGPU_PARAM_CROSS_DEVICE:
	case VIRTGPU_PARAM_EXPLICIT_DEBUG_NAME:
		value = 0;
		break;
	case VIRTGPU_PARAM_3D_FEATURES:
	case VIRTGPU_PARAM_CONTEXT_INIT:
	case VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs:
		err = xenlend_render_getparam(to_xdev(dev), p->param, &value);
		if (err)
			return err;
		break;
	default:
		return -EINVAL;
	}
	if (copy_to_user(u64_to_user_ptr(p->value), &value, sizeof(value)))
		return -EFAULT;
	return 0;
}

/* virtio-gpu's blob flags as RESOURCE_CREATE's (the wire says they match). */
static_assert((VIRTGPU_BLOB_FLAG_USE_MAPPABLE << 1) == XENLEND_CREATE_MAPPABLE &&
	      (VIRTGPU_BLOB_FLAG_USE_SHAREABLE << 1) == XENLEND_CREATE_SHAREABLE &&
	      (VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE << 1) == XENLEND_CREATE_CROSS_DEVICE);

/**
 * xenlend_ioctl_create_blob() - DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB
 * @dev: the device.
 * @data: &struct drm_virtgpu_resource_create_blob.
 * @file: the caller.
 *
 * HOST3D blobs only, without a command buffer: memory lent by dom0,
 * faulted in on first touch. In a file with a rendering context the blob
 * is the renderer's (@blob_id of that context: venus's ring, device
 * memory), which dom0 lends all the same; in a file without one it is
 * plain memory of dom0's broker, and @blob_id must be 0.
 *
 * Return: 0, -EOPNOTSUPP for other blob kinds, a command buffer or a
 * renderer blob the guest would not map, -EINVAL for bad flags, sizes or a
 * blob id without a context, -ENODEV, or the error of asking the broker.
 */
int xenlend_ioctl_create_blob(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_resource_create_blob *rc = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_bo *bo;
	u32 handle, ctx_id, flags = 0;
	int err, cookie;

	if (rc->blob_mem != VIRTGPU_BLOB_MEM_HOST3D)
		return -EOPNOTSUPP;
	if (rc->blob_flags & ~(VIRTGPU_BLOB_FLAG_USE_MAPPABLE | VIRTGPU_BLOB_FLAG_USE_SHAREABLE |
			       VIRTGPU_BLOB_FLAG_USE_CROSS_DEVICE))
		return -EINVAL;
	if (rc->pad || !rc->size || !PAGE_ALIGNED(rc->size))
		return -EINVAL;
	if (rc->cmd_size || rc->cmd)
		return -EOPNOTSUPP;	/* virgl's inline resource creation */
	/* The transport goes away with an unplug: hold it off meanwhile. */
	if (!drm_dev_enter(dev, &cookie))
		return -ENODEV;
	err = xenlend_render_file_ctx(xdev, file->driver_priv, &ctx_id);
	if (!err && ctx_id) {
		flags = XENLEND_CREATE_BLOB | rc->blob_flags << 1;
		/* Lent memory is mapped memory: GPU-only blobs are not lent. */
		if (!(rc->blob_flags & VIRTGPU_BLOB_FLAG_USE_MAPPABLE))
			err = -EOPNOTSUPP;
	} else if (!err && rc->blob_id) {
		err = -EINVAL;
	}
	if (err)
		bo = ERR_PTR(err);
	else if (READ_ONCE(xdev->t->connected))
		bo = xenlend_bo_create_host(xdev, rc->size, ctx_id, rc->blob_id, flags);
	else
		bo = ERR_PTR(-ENODEV);
	drm_dev_exit(cookie);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	if (flags & XENLEND_CREATE_BLOB)
		bo->ctx_serial = xenlend_render_ctx_serial(file->driver_priv);
	err = drm_gem_handle_create(file, &bo->base, &handle);
	drm_gem_object_put(&bo->base);
	if (err)
		return err;
	rc->bo_handle = handle;
	rc->res_handle = bo->res_id;
	return 0;
}

/**
 * xenlend_ioctl_map() - DRM_IOCTL_VIRTGPU_MAP: the mmap offset of a handle
 * @dev: the device.
 * @data: &struct drm_virtgpu_map.
 * @file: the caller.
 *
 * Return: 0, -ENOENT for a bad handle, -EINVAL for a nonzero pad.
 */
int xenlend_ioctl_map(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_map *m = data;
	struct drm_gem_object *obj;

	if (m->pad)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, m->handle);
	if (!obj)
		return -ENOENT;
	m->offset = drm_vma_node_offset_addr(&obj->vma_node);
	drm_gem_object_put(obj);
	return 0;
}

/**
 * xenlend_ioctl_resource_info() - DRM_IOCTL_VIRTGPU_RESOURCE_INFO
 * @dev: the device.
 * @data: &struct drm_virtgpu_resource_info.
 * @file: the caller.
 *
 * Return: 0, or -ENOENT for a bad handle.
 */
int xenlend_ioctl_resource_info(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_resource_info *ri = data;
	struct drm_gem_object *obj;
	struct xenlend_gbo *gbo;

	obj = drm_gem_object_lookup(file, ri->bo_handle);
	if (!obj)
		return -ENOENT;
	gbo = xenlend_gbo_from_obj(obj);
	/* Classic resources are no blobs: blob_mem 0, as virtio-gpu says. */
	ri->res_handle = gbo ? gbo->res_id : to_xenlend_bo(obj)->res_id;
	ri->size = obj->size;
	ri->blob_mem = gbo ? 0 : VIRTGPU_BLOB_MEM_HOST3D;
	drm_gem_object_put(obj);
	return 0;
}
