// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: the DRM render node.
 *
 * libdrm ignores devices on the xen bus, so the render node sits on a
 * platform device that the xenbus frontend creates once the first HELLO
 * succeeds. It stays registered across broker restarts; while the broker is
 * away, ioctls fail with -ENODEV and faults on lent memory with SIGBUS.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/idr.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/virtgpu_drm.h>

#include <xen/xenbus.h>

#include "xenlend_drv.h"
#include "xenlend_transport.h"

#define XENLEND_PLATFORM_NAME "xenlend"

static const struct drm_ioctl_desc xenlend_ioctls[] = {
	DRM_IOCTL_DEF_DRV(VIRTGPU_MAP, xenlend_ioctl_map, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_GETPARAM, xenlend_ioctl_getparam, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_RESOURCE_INFO, xenlend_ioctl_resource_info, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_RESOURCE_CREATE_BLOB, xenlend_ioctl_create_blob,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_GET_CAPS, xenlend_ioctl_get_caps, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_CONTEXT_INIT, xenlend_ioctl_context_init, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_EXECBUFFER, xenlend_ioctl_execbuffer, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_WAIT, xenlend_ioctl_wait, DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_RESOURCE_CREATE, xenlend_ioctl_resource_create,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_TRANSFER_TO_HOST, xenlend_ioctl_transfer_to_host,
			  DRM_RENDER_ALLOW),
	DRM_IOCTL_DEF_DRV(VIRTGPU_TRANSFER_FROM_HOST, xenlend_ioctl_transfer_from_host,
			  DRM_RENDER_ALLOW),
};

DEFINE_DRM_GEM_FOPS(xenlend_fops);

static const struct drm_driver xenlend_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER | DRIVER_SYNCOBJ |
			   DRIVER_SYNCOBJ_TIMELINE,
	.open = xenlend_render_open,
	.postclose = xenlend_render_postclose,
	.gem_create_object = xenlend_gem_create_object,
	.ioctls = xenlend_ioctls,
	.num_ioctls = ARRAY_SIZE(xenlend_ioctls),
	.fops = &xenlend_fops,
	.name = "xenlend",
	.desc = "GPU memory lent by dom0 to Xen guests",
	.major = 0,
	.minor = 1,
};

static u32 xenlend_drv_revoke(void *drv, u32 res_id, u64 offset, u64 length)
{
	return xenlend_bo_revoke(drv, res_id, offset, length);
}

static void xenlend_drv_fence(void *drv, u32 ctx_id, u32 ring_idx, u64 fence_id, u32 error)
{
	xenlend_fence_complete(drv, ctx_id, ring_idx, fence_id, error);
}

static void xenlend_drv_revoke_all(void *drv)
{
	xenlend_bo_revoke_all(drv);
}

static void xenlend_drv_cancel_fences(void *drv)
{
	xenlend_fence_fail_all(drv, -ENODEV);
}

static const struct xenlend_transport_ops xenlend_transport_ops = {
	.revoke = xenlend_drv_revoke,
	.fence = xenlend_drv_fence,
	.revoke_all = xenlend_drv_revoke_all,
	.cancel_fences = xenlend_drv_cancel_fences,
};

static int xenlend_platform_probe(struct platform_device *pdev)
{
	struct xenlend_transport *t = *(struct xenlend_transport **)dev_get_platdata(&pdev->dev);
	struct xenlend_device *xdev;
	int err;

	xdev = devm_drm_dev_alloc(&pdev->dev, &xenlend_drm_driver, struct xenlend_device, drm);
	if (IS_ERR(xdev))
		return PTR_ERR(xdev);
	xdev->t = t;
	xdev->unmap_ops = drmm_kmalloc_array(&xdev->drm, XENLEND_UNMAP_BATCH,
					     sizeof(*xdev->unmap_ops), GFP_KERNEL);
	xdev->unmap_pages = drmm_kmalloc_array(&xdev->drm, XENLEND_UNMAP_BATCH,
					       sizeof(*xdev->unmap_pages), GFP_KERNEL);
	if (!xdev->unmap_ops || !xdev->unmap_pages)
		return -ENOMEM;
	err = drmm_mutex_init(&xdev->drm, &xdev->unmap_lock);
	if (err)
		return err;
	xa_init_flags(&xdev->objects, XA_FLAGS_ALLOC1);
	init_waitqueue_head(&xdev->bo_gone);
	xenlend_render_init(xdev);
	platform_set_drvdata(pdev, xdev);
	err = drm_dev_register(&xdev->drm, 0);
	if (err)
		return err;
	xenlend_transport_attach(t, &xenlend_transport_ops, xdev);
	drm_info(&xdev->drm, "render node for the broker in domain %d, %llu bytes lendable\n",
		 t->xbdev->otherend_id, t->max_lent_bytes);
	return 0;
}

static void xenlend_platform_remove(struct platform_device *pdev)
{
	struct xenlend_device *xdev = platform_get_drvdata(pdev);
	struct xenlend_transport *t = xdev->t;

	drm_dev_unplug(&xdev->drm);
	xenlend_transport_detach(t);
}

/*
 * Save, restore and migration take the guest away from the dom0 whose memory
 * it maps and whose renderer holds its contexts: refuse them while it
 * borrows. Xen's suspend freezes every device first; xenbus ignores a
 * frontend's suspend error, so the refusal is the render node's. The
 * toolstack then reports that the guest did not suspend.
 */
static int xenlend_pm_freeze(struct device *dev)
{
	struct xenlend_device *xdev = dev_get_drvdata(dev);

	if (xa_empty(&xdev->objects) && ida_is_empty(&xdev->ctx_ida))
		return 0;
	xenbus_dev_error(xdev->t->xbdev, -EBUSY,
			 "refusing to save or migrate: programs hold dom0 memory or GPU contexts (close them first)");
	return -EBUSY;
}

static const struct dev_pm_ops xenlend_pm_ops = {
	.freeze = xenlend_pm_freeze,
	.suspend = xenlend_pm_freeze,
};

static struct platform_driver xenlend_platform_driver = {
	.probe = xenlend_platform_probe,
	.remove_new = xenlend_platform_remove,
	.driver = {
		.name = XENLEND_PLATFORM_NAME,
		.pm = &xenlend_pm_ops,
	},
};

/**
 * xenlend_drm_register() - create the render node of a connected transport
 * @t: the transport; its first HELLO succeeded.
 *
 * Return: 0 (also when already registered), or a negative errno.
 */
int xenlend_drm_register(struct xenlend_transport *t)
{
	struct platform_device *pdev;

	if (t->pdev)
		return 0;
	pdev = platform_device_register_data(&t->xbdev->dev, XENLEND_PLATFORM_NAME,
					     PLATFORM_DEVID_AUTO, &t, sizeof(t));
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	t->pdev = pdev;
	return 0;
}

/**
 * xenlend_drm_unregister() - remove the render node
 * @t: the transport.
 *
 * Unplugs the DRM device (open files see -ENODEV), zaps every mapping of
 * lent memory and unmaps its grants.
 */
void xenlend_drm_unregister(struct xenlend_transport *t)
{
	if (!t->pdev)
		return;
	platform_device_unregister(t->pdev);
	t->pdev = NULL;
}

/**
 * xenlend_platform_init() - register the platform driver
 *
 * Return: 0 or a negative errno.
 */
int xenlend_platform_init(void)
{
	return platform_driver_register(&xenlend_platform_driver);
}

/**
 * xenlend_platform_exit() - unregister the platform driver
 */
void xenlend_platform_exit(void)
{
	platform_driver_unregister(&xenlend_platform_driver);
}
