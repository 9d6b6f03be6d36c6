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

/**
 * xenlend_ioctl_create_blob() - DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB
 * @dev: the device.
 * @data: &struct drm_virtgpu_resource_create_blob.
 * @file: the caller.
 *
 * Only HOST3D blobs without a command buffer exist so far: memory lent by
 * dom0, faulted in on first touch.
 *
 * Return: 0 or a negative errno.
 */
int xenlend_ioctl_create_blob(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_resource_create_blob *rc = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_bo *bo;
	u32 handle;
	int err, cookie;

	if (rc->blob_mem != VIRTGPU_BLOB_MEM_HOST3D)
		return -EOPNOTSUPP;
	if (rc->blob_flags & ~(VIRTGPU_BLOB_FLAG_USE_MAPPABLE | VIRTGPU_BLOB_FLAG_USE_SHAREABLE))
		return -EINVAL;
	if (rc->pad || rc->cmd_size || rc->cmd || rc->blob_id)
		return -EINVAL;
	if (!rc->size || !PAGE_ALIGNED(rc->size))
		return -EINVAL;
	/* The transport goes away with an unplug: hold it off meanwhile. */
	if (!drm_dev_enter(dev, &cookie))
		return -ENODEV;
	bo = READ_ONCE(xdev->t->connected) ? xenlend_bo_create_host(xdev, rc->size) :
					     ERR_PTR(-ENODEV);
	drm_dev_exit(cookie);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
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
