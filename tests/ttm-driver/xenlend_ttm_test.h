/* SPDX-License-Identifier: MIT */
/*
 * The one private ioctl of the test-only DRM driver xenlend-ttm-test.ko,
 * included by the module and by tests/ttm-driver/ttm-pressure.c (whose
 * canary is XENLEND_TEST_CANARY of uapi/xenlend_test.h).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_TTM_TEST_H
#define XENLEND_TTM_TEST_H

#include <drm/drm.h>

/* What DRM_IOCTL_VERSION reports as the driver's name. */
#define XENLEND_TTM_TEST_DRIVER_NAME "xenlend_ttm_test"

/**
 * struct drm_xenlend_ttm_test_swapout - result of a device-wide swapout
 * @pages: out: pages TTM swapped out to shmem in this call; their backing
 *	pages went back to the device's TTM page pool.
 * @pinned_bos: out: buffers pinned when the swapout ended (TTM skips them).
 * @bos: out: buffers of the device when the swapout ended, including ones
 *	already swapped out or never populated.
 */
struct drm_xenlend_ttm_test_swapout {
	__u64 pages;
	__u32 pinned_bos;
	__u32 bos;
};

#define DRM_XENLEND_TTM_TEST_SWAPOUT	0x00

/*
 * Swap out every buffer of the device that TTM allows (all that are
 * populated, unpinned and not locked right now). Root only (CAP_SYS_ADMIN),
 * primary node (/dev/dri/cardN) only.
 */
#define DRM_IOCTL_XENLEND_TTM_TEST_SWAPOUT \
	DRM_IOR(DRM_COMMAND_BASE + DRM_XENLEND_TTM_TEST_SWAPOUT, \
		struct drm_xenlend_ttm_test_swapout)

#endif /* XENLEND_TTM_TEST_H */
