// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-ttm-test: a TEST-ONLY DRM driver for dom0. Never load it on a
 * machine that matters.
 *
 * It exists to reproduce what amdgpu's GTT does to system memory, without a
 * GPU: buffers are managed by real TTM on a device with use_dma_alloc, their
 * ttm_tt is write-combined, so their pages come from and return to the
 * device's own TTM page pool. TTM hands a page back to that pool (and the
 * next buffer takes it) whatever its page count, so a page reference does
 * not keep a lent page from reuse; only pinning does (see
 * docs/RESEARCH-gpu-memory.md, sections 1 and 2). The lending engine pins
 * through a dma-buf attachment; the test scenario then swaps out every
 * unpinned buffer (DRM_IOCTL_XENLEND_TTM_TEST_SWAPOUT) and fills new
 * buffers, which reuse the freed pool pages, with a canary.
 *
 * The driver registers its own platform device, "xenlend-ttm-test", and
 * gives it a 64-bit DMA mask: in a Xen PV dom0 its coherent allocations go
 * through xen-swiotlb, as a GPU's do. Buffers are dumb buffers placed in
 * TTM_PL_SYSTEM only, mapped through the DRM file (VM_PFNMAP, TTM's fault
 * handler) and exported with DRM's generic PRIME helpers; attaching pins.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/atomic.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_gem_ttm_helper.h>
#include <drm/drm_ioctl.h>
#include <drm/drm_managed.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/ttm/ttm_bo.h>
#include <drm/ttm/ttm_device.h>
#include <drm/ttm/ttm_placement.h>
#include <drm/ttm/ttm_pool.h>
#include <drm/ttm/ttm_tt.h>

#include "xenlend_ttm_test.h"

#define XLT_PDEV_NAME	"xenlend-ttm-test"

/**
 * struct xlt_device - the test device
 * @drm: the DRM device; its lifetime is the whole structure's.
 * @bdev: the TTM device (use_dma_alloc, no DMA32), torn down by a drmm
 *	action once the last buffer is gone.
 * @bos: buffer objects alive, from creation to TTM's destroy callback.
 * @pinned_bos: buffer objects with a pin count above zero.
 */
struct xlt_device {
	struct drm_device drm;
	struct ttm_device bdev;
	atomic_t bos;
	atomic_t pinned_bos;
};

/**
 * struct xlt_bo - a buffer object; its GEM object is @tbo.base
 * @tbo: the TTM buffer object.
 */
struct xlt_bo {
	struct ttm_buffer_object tbo;
};

static struct platform_device *xlt_pdev;

/* Every buffer lives in system memory, through its ttm_tt. */
static const struct ttm_place xlt_place_system = {
	.mem_type = TTM_PL_SYSTEM,
};

static struct xlt_device *xlt_from_drm(struct drm_device *drm)
{
	return container_of(drm, struct xlt_device, drm);
}

static struct xlt_device *xlt_from_bdev(struct ttm_device *bdev)
{
	return container_of(bdev, struct xlt_device, bdev);
}

static void xlt_system_placement(struct ttm_placement *placement)
{
	placement->num_placement = 1;
	placement->placement = &xlt_place_system;
}

/* TTM device callbacks */

static struct ttm_tt *xlt_ttm_tt_create(struct ttm_buffer_object *tbo,
					u32 page_flags)
{
	struct ttm_tt *tt;

	tt = kzalloc(sizeof(*tt), GFP_KERNEL);
	if (!tt)
		return NULL;

	/* Write-combined, as amdgpu's GTT: these pages always use the pool. */
	if (ttm_sg_tt_init(tt, tbo, page_flags, ttm_write_combined)) {
		kfree(tt);
		return NULL;
	}
	return tt;
}

/* TTM has unpopulated @tt (pages back to the pool) before calling this. */
static void xlt_ttm_tt_destroy(struct ttm_device *bdev, struct ttm_tt *tt)
{
	ttm_tt_fini(tt);
	kfree(tt);
}

static void xlt_evict_flags(struct ttm_buffer_object *tbo,
			    struct ttm_placement *placement)
{
	xlt_system_placement(placement);
}

static int xlt_move(struct ttm_buffer_object *tbo, bool evict,
		    struct ttm_operation_ctx *ctx,
		    struct ttm_resource *new_mem, struct ttm_place *hop)
{
	/*
	 * There is only TTM_PL_SYSTEM: the first placement of a new buffer,
	 * or system to system, keeps the ttm_tt and its pages as they are.
	 */
	if (!tbo->resource || tbo->resource->mem_type == new_mem->mem_type) {
		ttm_bo_move_null(tbo, new_mem);
		return 0;
	}
	return ttm_bo_move_memcpy(tbo, ctx, new_mem);
}

static const struct ttm_device_funcs xlt_ttm_funcs = {
	.ttm_tt_create = xlt_ttm_tt_create,
	.ttm_tt_destroy = xlt_ttm_tt_destroy,
	/* Swapout calls it unconditionally; it refuses pinned buffers. */
	.eviction_valuable = ttm_bo_eviction_valuable,
	.evict_flags = xlt_evict_flags,
	.move = xlt_move,
};

/* GEM object callbacks */

static void xlt_gem_free(struct drm_gem_object *obj)
{
	/* The mappings may still hold TTM references: see xlt_bo_destroy(). */
	ttm_bo_put(drm_gem_ttm_of_gem(obj));
}

/*
 * drm_gem_pin() calls this with the reservation held, for every
 * dma_buf_attach() through drm_gem_map_attach(). A pinned buffer is
 * populated first, so that its pages stay put for as long as it is pinned:
 * TTM's swapout skips it and ttm_bo_validate() refuses to move it.
 */
static int xlt_gem_pin(struct drm_gem_object *obj)
{
	struct ttm_buffer_object *tbo = drm_gem_ttm_of_gem(obj);
	struct xlt_device *xdev = xlt_from_drm(obj->dev);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	int ret;

	dma_resv_assert_held(obj->resv);

	/* A swapped-out buffer is swapped back in here. */
	ret = ttm_tt_populate(tbo->bdev, tbo->ttm, &ctx);
	if (ret)
		return ret;

	if (!tbo->pin_count)
		atomic_inc(&xdev->pinned_bos);
	ttm_bo_pin(tbo);
	/* Off the swapout LRU onto the device's pinned list. */
	ttm_bo_move_to_lru_tail_unlocked(tbo);
	return 0;
}

static void xlt_gem_unpin(struct drm_gem_object *obj)
{
	struct ttm_buffer_object *tbo = drm_gem_ttm_of_gem(obj);
	struct xlt_device *xdev = xlt_from_drm(obj->dev);

	dma_resv_assert_held(obj->resv);

	if (WARN_ON_ONCE(!tbo->pin_count))
		return;

	ttm_bo_unpin(tbo);
	if (!tbo->pin_count)
		atomic_dec(&xdev->pinned_bos);
	/* Back on the LRU that swapout walks once the last pin is gone. */
	ttm_bo_move_to_lru_tail_unlocked(tbo);
}

/*
 * drm_gem_map_dma_buf() calls this with the reservation held; DRM's
 * attach has pinned the buffer already, so its pages cannot change while
 * the importer holds the table.
 */
static struct sg_table *xlt_gem_get_sg_table(struct drm_gem_object *obj)
{
	struct ttm_buffer_object *tbo = drm_gem_ttm_of_gem(obj);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	int ret;

	dma_resv_assert_held(obj->resv);

	ret = ttm_tt_populate(tbo->bdev, tbo->ttm, &ctx);
	if (ret)
		return ERR_PTR(ret);

	return drm_prime_pages_to_sg(obj->dev, tbo->ttm->pages,
				     tbo->ttm->num_pages);
}

static const struct drm_gem_object_funcs xlt_gem_funcs = {
	.free = xlt_gem_free,
	.print_info = drm_gem_ttm_print_info,
	.pin = xlt_gem_pin,
	.unpin = xlt_gem_unpin,
	.get_sg_table = xlt_gem_get_sg_table,
	/* VM_PFNMAP mapping served by TTM's fault handler (ttm_bo_vm_ops). */
	.mmap = drm_gem_ttm_mmap,
};

/* Buffer objects */

/* TTM's destroy callback: the last TTM reference (GEM's or a mapping's). */
static void xlt_bo_destroy(struct ttm_buffer_object *tbo)
{
	struct xlt_device *xdev = xlt_from_bdev(tbo->bdev);

	drm_gem_object_release(&tbo->base);
	kfree(container_of(tbo, struct xlt_bo, tbo));
	atomic_dec(&xdev->bos);
}

static struct xlt_bo *xlt_bo_create(struct xlt_device *xdev, size_t size)
{
	struct ttm_placement placement;
	struct xlt_bo *bo;
	int ret;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	bo->tbo.base.funcs = &xlt_gem_funcs;
	drm_gem_private_object_init(&xdev->drm, &bo->tbo.base, size);
	atomic_inc(&xdev->bos);

	/*
	 * Creates the ttm_tt but does not populate it: the first fault of a
	 * mapping, or the first pin, takes the pages from the pool. On
	 * failure TTM has called xlt_bo_destroy() already.
	 */
	xlt_system_placement(&placement);
	ret = ttm_bo_init_validate(&xdev->bdev, &bo->tbo, ttm_bo_type_device,
				   &placement, 0, true, NULL, NULL,
				   xlt_bo_destroy);
	if (ret)
		return ERR_PTR(ret);

	return bo;
}

static int xlt_dumb_create(struct drm_file *file, struct drm_device *drm,
			   struct drm_mode_create_dumb *args)
{
	struct xlt_device *xdev = xlt_from_drm(drm);
	struct xlt_bo *bo;
	u32 handle;
	u64 size;
	int ret;

	/* drm_mode_create_dumb() checked that pitch * height fits in u32. */
	args->pitch = args->width * DIV_ROUND_UP(args->bpp, 8);
	size = PAGE_ALIGN((u64)args->pitch * args->height);

	bo = xlt_bo_create(xdev, size);
	if (IS_ERR(bo))
		return PTR_ERR(bo);

	ret = drm_gem_handle_create(file, &bo->tbo.base, &handle);
	/* The handle, if any, holds the object now. */
	drm_gem_object_put(&bo->tbo.base);
	if (ret)
		return ret;

	args->handle = handle;
	args->size = size;
	return 0;
}

/* The private ioctl */

static int xlt_swapout_ioctl(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_xenlend_ttm_test_swapout *args = data;
	struct xlt_device *xdev = xlt_from_drm(drm);
	struct ttm_operation_ctx ctx = { .interruptible = true };
	unsigned int rounds;
	u64 pages = 0;
	int ret;

	/*
	 * Each call swaps out (at most) one buffer: copies its pages to shmem,
	 * zaps the DRM file's mappings of it and gives its pages back to the
	 * pool. Pinned, unpopulated, already swapped and locked buffers are
	 * skipped. One round per buffer ends it even if someone faults
	 * swapped buffers back in meanwhile.
	 */
	rounds = atomic_read(&xdev->bos);
	do {
		ret = ttm_device_swapout(&xdev->bdev, &ctx, GFP_KERNEL);
		if (ret <= 0)
			break;
		pages += ret;
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		cond_resched();
	} while (rounds--);

	args->pages = pages;
	args->pinned_bos = atomic_read(&xdev->pinned_bos);
	args->bos = atomic_read(&xdev->bos);
	return ret < 0 ? ret : 0;
}

static const struct drm_ioctl_desc xlt_ioctls[] = {
	/* Device-wide and slow: root only, primary node only. */
	DRM_IOCTL_DEF_DRV(XENLEND_TTM_TEST_SWAPOUT, xlt_swapout_ioctl,
			  DRM_ROOT_ONLY),
};

DEFINE_DRM_GEM_FOPS(xlt_fops);

static const struct drm_driver xlt_drm_driver = {
	.driver_features = DRIVER_GEM | DRIVER_RENDER,
	.ioctls = xlt_ioctls,
	.num_ioctls = ARRAY_SIZE(xlt_ioctls),
	.fops = &xlt_fops,
	.name = XENLEND_TTM_TEST_DRIVER_NAME,
	.desc = "xenlend test-only TTM driver (not for production)",
	.date = "20261203",
	.major = 1,
	.minor = 0,
	.dumb_create = xlt_dumb_create,
	.dumb_map_offset = drm_gem_ttm_dumb_map_offset,
};

/* debugfs: /sys/kernel/debug/dri/N/ */

static int xlt_debugfs_buffers(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct xlt_device *xdev = entry->file.data;

	seq_printf(m, "buffers: %d\npinned: %d\n", atomic_read(&xdev->bos),
		   atomic_read(&xdev->pinned_bos));
	return 0;
}

static int xlt_debugfs_pool(struct seq_file *m, void *unused)
{
	struct drm_debugfs_entry *entry = m->private;
	struct xlt_device *xdev = entry->file.data;

	return ttm_pool_debugfs(&xdev->bdev.pool, m);
}

/* Platform device and driver */

/* Runs when the last reference to the DRM device goes, after every bo. */
static void xlt_ttm_fini(struct drm_device *drm, void *arg)
{
	struct xlt_device *xdev = arg;

	/* Drains delayed destroys, then frees the pool's pages. */
	ttm_device_fini(&xdev->bdev);
}

static int xlt_probe(struct platform_device *pdev)
{
	struct xlt_device *xdev;
	struct drm_device *drm;
	int ret;

	ret = dma_coerce_mask_and_coherent(&pdev->dev, DMA_BIT_MASK(64));
	if (ret)
		return ret;

	xdev = devm_drm_dev_alloc(&pdev->dev, &xlt_drm_driver,
				  struct xlt_device, drm);
	if (IS_ERR(xdev))
		return PTR_ERR(xdev);
	drm = &xdev->drm;

	ret = ttm_device_init(&xdev->bdev, &xlt_ttm_funcs, &pdev->dev,
			      drm->anon_inode->i_mapping,
			      drm->vma_offset_manager, true, false);
	if (ret)
		return ret;
	ret = drmm_add_action_or_reset(drm, xlt_ttm_fini, xdev);
	if (ret)
		return ret;

	drm_debugfs_add_file(drm, "xenlend_buffers", xlt_debugfs_buffers, xdev);
	drm_debugfs_add_file(drm, "xenlend_ttm_pool", xlt_debugfs_pool, xdev);

	platform_set_drvdata(pdev, xdev);
	ret = drm_dev_register(drm, 0);
	if (ret)
		return ret;

	drm_info(drm, "test-only TTM device: use_dma_alloc, write-combined system buffers\n");
	return 0;
}

static void xlt_remove(struct platform_device *pdev)
{
	struct xlt_device *xdev = platform_get_drvdata(pdev);

	/* Unloading needs every file, mapping and dma-buf gone (owner). */
	drm_dev_unregister(&xdev->drm);
}

static struct platform_driver xlt_platform_driver = {
	.probe = xlt_probe,
	.remove = xlt_remove,
	.driver = {
		.name = XLT_PDEV_NAME,
		/* No unbind through sysfs while files may be open. */
		.suppress_bind_attrs = true,
		/* xlt_init() checks that the probe succeeded. */
		.probe_type = PROBE_FORCE_SYNCHRONOUS,
	},
};

static int __init xlt_init(void)
{
	int ret;

	ret = platform_driver_register(&xlt_platform_driver);
	if (ret)
		return ret;

	xlt_pdev = platform_device_register_simple(XLT_PDEV_NAME,
						   PLATFORM_DEVID_NONE,
						   NULL, 0);
	if (IS_ERR(xlt_pdev)) {
		ret = PTR_ERR(xlt_pdev);
		goto err_driver;
	}
	/* The core clears the driver data when the probe fails. */
	if (!platform_get_drvdata(xlt_pdev)) {
		ret = -ENODEV;
		goto err_device;
	}
	return 0;

err_device:
	platform_device_unregister(xlt_pdev);
err_driver:
	platform_driver_unregister(&xlt_platform_driver);
	return ret;
}

static void __exit xlt_exit(void)
{
	platform_device_unregister(xlt_pdev);
	platform_driver_unregister(&xlt_platform_driver);
}

module_init(xlt_init);
module_exit(xlt_exit);

MODULE_DESCRIPTION("xenlend test-only TTM driver: pooled write-combined system buffers");
MODULE_AUTHOR("The xenlend authors");
MODULE_LICENSE("GPL");
