// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: which rendering contexts may use a resource.
 *
 * dom0's renderer lets a context use only the resources attached to it. A
 * resource is attached to the context it was made in; a file that gets a
 * handle to it otherwise (PRIME import of another process's buffer: a
 * client's frame in a compositor) has it attached to its own context with
 * CTX_ATTACH, as virtio-gpu does in its gem_object_open hook, and detached
 * with CTX_DETACH when its last handle to it goes. A file that imports
 * before it has a context gets everything it holds attached when the
 * context is made.
 *
 * Each file counts its handles per renderer resource (&xenlend_fpriv.shared),
 * so that two handles to one buffer attach it once and closing one of them
 * detaches nothing. Contexts are told apart by serial number, not by id: an
 * id is reused once its context is gone, and a resource made in a context
 * that is gone is attached nowhere.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/xarray.h>

#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_print.h>

#include "xenlend_cmds.h"
#include "xenlend_drv.h"
#include "xenlend_transport.h"

/* The file's context, if it has one on the current broker; fp->lock held. */
static u32 xenlend_share_ctx(struct xenlend_device *xdev, struct xenlend_fpriv *fp)
{
	lockdep_assert_held(&fp->lock);
	if (!fp->ctx_id || fp->conn_gen != READ_ONCE(xdev->t->conn_gen))
		return 0;
	return fp->ctx_id;
}

/* CTX_ATTACH or CTX_DETACH with the device entered; a negative errno. */
static int xenlend_share_tell(struct xenlend_device *xdev, bool attach, u32 ctx_id, u32 res_id)
{
	int err, cookie;

	if (!drm_dev_enter(&xdev->drm, &cookie))
		return -ENODEV;
	err = xenlend_cmd_ctx_resource(xdev->t, attach, ctx_id, res_id);
	drm_dev_exit(cookie);
	return err;
}

/**
 * xenlend_share_init() - a new file holds no resource
 * @fp: the file.
 */
void xenlend_share_init(struct xenlend_fpriv *fp)
{
	xa_init(&fp->shared);
}

/**
 * xenlend_share_fini() - the file is gone (every handle closed before)
 * @fp: the file.
 */
void xenlend_share_fini(struct xenlend_fpriv *fp)
{
	WARN_ON(!xa_empty(&fp->shared));
	xa_destroy(&fp->shared);
}

/**
 * xenlend_share_get() - a file got a handle to a renderer resource
 * @file: the file (its &drm_gem_object_funcs.open hook).
 * @res_id: the resource.
 * @maker: the serial of the context it was made in.
 *
 * The file's first handle to a resource made in another context attaches
 * it to the file's context.
 *
 * Return: 0, -ENOMEM, or the error of asking the broker (the handle is
 * not made then).
 */
int xenlend_share_get(struct drm_file *file, u32 res_id, u64 maker)
{
	struct xenlend_device *xdev = container_of(file->minor->dev, struct xenlend_device, drm);
	struct xenlend_fpriv *fp = file->driver_priv;
	unsigned long handles;
	u32 ctx_id;
	void *old;
	int err = 0;

	mutex_lock(&fp->lock);
	old = xa_load(&fp->shared, res_id);
	handles = old ? xa_to_value(old) : 0;
	ctx_id = xenlend_share_ctx(xdev, fp);
	if (!handles && ctx_id && fp->ctx_serial != maker)
		err = xenlend_share_tell(xdev, true, ctx_id, res_id);
	if (err)
		goto out;
	err = xa_err(xa_store(&fp->shared, res_id, xa_mk_value(handles + 1), GFP_KERNEL));
	if (err && !handles && ctx_id && fp->ctx_serial != maker)
		xenlend_share_tell(xdev, false, ctx_id, res_id);
out:
	mutex_unlock(&fp->lock);
	return err;
}

/**
 * xenlend_share_put() - a file closed a handle to a renderer resource
 * @file: the file (its &drm_gem_object_funcs.close hook).
 * @res_id: the resource.
 * @maker: the serial of the context it was made in.
 *
 * The file's last handle to a resource made in another context detaches
 * it from the file's context.
 */
void xenlend_share_put(struct drm_file *file, u32 res_id, u64 maker)
{
	struct xenlend_device *xdev = container_of(file->minor->dev, struct xenlend_device, drm);
	struct xenlend_fpriv *fp = file->driver_priv;
	unsigned long handles;
	u32 ctx_id;
	void *old;
	int err;

	mutex_lock(&fp->lock);
	old = xa_load(&fp->shared, res_id);
	handles = old ? xa_to_value(old) : 0;
	if (handles > 1) {
		xa_store(&fp->shared, res_id, xa_mk_value(handles - 1), GFP_KERNEL);
		goto out;
	}
	xa_erase(&fp->shared, res_id);
	ctx_id = xenlend_share_ctx(xdev, fp);
	if (handles && ctx_id && fp->ctx_serial != maker) {
		err = xenlend_share_tell(xdev, false, ctx_id, res_id);
		if (err && err != -ENODEV)
			drm_dbg(&xdev->drm, "CTX_DETACH %u from %u: %d\n", res_id, ctx_id, err);
	}
out:
	mutex_unlock(&fp->lock);
}

/**
 * xenlend_share_ctx_created() - attach what the file holds to its new context
 * @xdev: the device, entered by the caller.
 * @fp: the file, with @fp->lock held; its context was just made.
 *
 * The resources the file imported before it had a context. None of them
 * was made in the new context; one that cannot be attached is logged and
 * left out (using it then fails in the renderer, as it would have).
 */
void xenlend_share_ctx_created(struct xenlend_device *xdev, struct xenlend_fpriv *fp)
{
	unsigned long res_id;
	void *entry;
	int err;

	lockdep_assert_held(&fp->lock);
	xa_for_each(&fp->shared, res_id, entry) {
		err = xenlend_cmd_ctx_resource(xdev->t, true, fp->ctx_id, res_id);
		if (err)
			drm_dbg(&xdev->drm, "CTX_ATTACH %lu to %u: %d\n", res_id, fp->ctx_id,
				err);
	}
}
