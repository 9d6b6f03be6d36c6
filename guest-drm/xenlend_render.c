// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: rendering contexts, capability sets and command
 * submission (GET_CAPS, CONTEXT_INIT, EXECBUFFER, WAIT of virtgpu_drm.h).
 *
 * Each open file of the render node has at most one context on the broker's
 * renderer, created by CONTEXT_INIT or, for old userspace, by the first
 * EXECBUFFER (a virgl context). Command streams are copied from userspace
 * first and then sent a bulk page at a time. A context dies with the
 * broker that had it: after a reconnection its file gets -ENODEV.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/dma-resv.h>
#include <linux/file.h>
#include <linux/slab.h>
#include <linux/sync_file.h>
#include <linux/virtio_gpu.h>

#include <drm/drm_device.h>
#include <drm/drm_drv.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_managed.h>
#include <drm/virtgpu_drm.h>

#include <xen/xenbus.h>

#include "xenlend_cmds.h"
#include "xenlend_drv.h"
#include "xenlend_syncobj.h"
#include "xenlend_transport.h"

/* Most buffer objects one EXECBUFFER may name. */
#define XENLEND_MAX_BO_HANDLES		4096
/* How long WAIT waits before it answers -EBUSY (as virtio-gpu does). */
#define XENLEND_WAIT_TIMEOUT		(15 * HZ)

static struct xenlend_device *to_xdev(struct drm_device *dev)
{
	return container_of(dev, struct xenlend_device, drm);
}

/**
 * xenlend_render_init() - set up the rendering state of a new device
 * @xdev: the device.
 */
void xenlend_render_init(struct xenlend_device *xdev)
{
	spin_lock_init(&xdev->fence_lock);
	INIT_LIST_HEAD(&xdev->fences);
	mutex_init(&xdev->caps_lock);
	ida_init(&xdev->ctx_ida);
	atomic64_set(&xdev->ctx_serials, 0);
}

/* The request may have reached the broker, but its answer never came. */
static bool xenlend_unanswered(int err)
{
	return err == -ETIMEDOUT || err == -EINTR || err == -ERESTARTSYS;
}

/* Read the broker's capability sets once per connection. */
static int xenlend_caps_load(struct xenlend_device *xdev)
{
	struct xenlend_transport *t = xdev->t;
	u64 gen = READ_ONCE(t->conn_gen);
	struct xenlend_capset_info_rsp info;
	struct xenlend_capset_desc *c;
	unsigned int i;
	int err = 0;

	mutex_lock(&xdev->caps_lock);
	if (xdev->caps_gen == gen)
		goto out;
	/* Another broker may have another renderer: forget the old one's. */
	for (i = 0; i < XENLEND_MAX_CAPSETS; i++) {
		if (xdev->caps[i].data)
			drmm_kfree(&xdev->drm, xdev->caps[i].data);
		xdev->caps[i].data = NULL;
	}
	xdev->nr_caps = 0;
	if (!(READ_ONCE(t->features) & XENLEND_F_RENDER))
		goto done;
	for (i = 0; i < XENLEND_MAX_CAPSETS; i++) {
		err = xenlend_cmd_capset_info(t, i, &info);
		/* The worker died (at start-up, say): the next request gets a new one. */
		if (err == -EIO)
			err = xenlend_cmd_capset_info(t, i, &info);
		if (err == -ENOENT)
			break;
		if (err)
			goto out;
		c = &xdev->caps[i];
		c->id = info.capset_id;
		c->max_version = info.max_version;
		c->max_size = info.max_size;
	}
	err = 0;
	xdev->nr_caps = i;
done:
	xdev->caps_gen = gen;
out:
	mutex_unlock(&xdev->caps_lock);
	return err;
}

/* The capability set @id with at least @version, or NULL. Caps loaded. */
static struct xenlend_capset_desc *xenlend_caps_find(struct xenlend_device *xdev,
						     u32 id, u32 version)
{
	unsigned int i;

	for (i = 0; i < xdev->nr_caps; i++)
		if (xdev->caps[i].id == id && xdev->caps[i].max_version >= version)
			return &xdev->caps[i];
	return NULL;
}

/**
 * xenlend_render_getparam() - the GETPARAM values that depend on the renderer
 * @xdev: the device.
 * @param: VIRTGPU_PARAM_3D_FEATURES, _CONTEXT_INIT or _SUPPORTED_CAPSET_IDs.
 * @value: receives the value.
 *
 * Return: 0, -EINVAL for another parameter, or the error of asking the
 * broker.
 */
int xenlend_render_getparam(struct xenlend_device *xdev, u64 param, int *value)
{
	unsigned int i;
	int err, cookie;

	if (!drm_dev_enter(&xdev->drm, &cookie))
		return -ENODEV;
	err = xenlend_caps_load(xdev);
	drm_dev_exit(cookie);
	if (err)
		return err;

	mutex_lock(&xdev->caps_lock);
	switch (param) {
	case VIRTGPU_PARAM_3D_FEATURES:
	case VIRTGPU_PARAM_CONTEXT_INIT:
		*value = xdev->nr_caps > 0;
		break;
	case VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs:
		*value = 0;
		for (i = 0; i < xdev->nr_caps; i++)
			if (xdev->caps[i].id < 31)
				*value |= 1 << xdev->caps[i].id;
		break;
	default:
		err = -EINVAL;
		break;
	}
	mutex_unlock(&xdev->caps_lock);
	return err;
}

/*
 * The bytes of capability set @c at @version: asked of the broker once per
 * connection (and version), then kept, since a renderer's capabilities do
 * not change while it runs; a reconnection forgets them (xenlend_caps_load).
 * Called with caps_lock held.
 */
static int xenlend_caps_bytes(struct xenlend_device *xdev, struct xenlend_capset_desc *c,
			      u32 version)
{
	void *buf;
	int err;

	if (c->data && c->data_version == version)
		return 0;
	buf = drmm_kzalloc(&xdev->drm, c->max_size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	err = xenlend_cmd_capset(xdev->t, c->id, version, buf, c->max_size);
	if (err) {
		drmm_kfree(&xdev->drm, buf);
		return err;
	}
	if (c->data)
		drmm_kfree(&xdev->drm, c->data);
	c->data = buf;
	c->data_version = version;
	return 0;
}

/**
 * xenlend_ioctl_get_caps() - DRM_IOCTL_VIRTGPU_GET_CAPS
 * @dev: the device.
 * @data: &struct drm_virtgpu_get_caps.
 * @file: the caller.
 *
 * Copies up to @size bytes of a capability set to userspace: the broker's
 * answer to the connection's first request for the set, kept since.
 *
 * Return: 0, -EOPNOTSUPP without a renderer, -EINVAL for a zero size, a nonzero
 * pad or a set or version the broker does not have, -EFAULT, or the error of
 * asking the broker.
 */
int xenlend_ioctl_get_caps(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_get_caps *gc = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_capset_desc *c;
	void *buf = NULL;
	u32 size = 0;
	int err, cookie;

	if (!gc->size || gc->pad)
		return -EINVAL;
	if (!drm_dev_enter(dev, &cookie))
		return -ENODEV;
	err = xenlend_caps_load(xdev);
	if (err)
		goto out;
	mutex_lock(&xdev->caps_lock);
	c = xenlend_caps_find(xdev, gc->cap_set_id, gc->cap_set_ver);
	err = !xdev->nr_caps ? -EOPNOTSUPP : !c ? -EINVAL : 0;
	if (!err)
		err = xenlend_caps_bytes(xdev, c, gc->cap_set_ver);
	if (!err) {
		size = min(gc->size, c->max_size);
		buf = kmemdup(c->data, size, GFP_KERNEL);
		if (!buf)
			err = -ENOMEM;
	}
	mutex_unlock(&xdev->caps_lock);
	if (!err && copy_to_user(u64_to_user_ptr(gc->addr), buf, size))
		err = -EFAULT;
	kfree(buf);
out:
	drm_dev_exit(cookie);
	return err;
}

/* Create the file's context on the broker. Called with fp->lock held. */
static int xenlend_ctx_create(struct xenlend_device *xdev, struct xenlend_fpriv *fp,
			      u32 capset_id, u32 num_rings)
{
	struct xenlend_transport *t = xdev->t;
	u64 gen = READ_ONCE(t->conn_gen);
	int id, err;

	id = ida_alloc_range(&xdev->ctx_ida, 1, INT_MAX, GFP_KERNEL);
	if (id < 0)
		return id;
	err = xenlend_cmd_ctx_create(t, id, capset_id, num_rings);
	/*
	 * -EIO: the broker's render worker died meanwhile; nothing of this
	 * context existed yet, and the broker starts a new worker for the
	 * next request: try once more.
	 */
	if (err == -EIO)
		err = xenlend_cmd_ctx_create(t, id, capset_id, num_rings);
	if (err) {
		/*
		 * Unanswered, the context may still come to exist on the
		 * broker: never hand its id out again on this device.
		 */
		if (!xenlend_unanswered(err))
			ida_free(&xdev->ctx_ida, id);
		return err;
	}
	fp->ctx_id = id;
	fp->ctx_serial = atomic64_inc_return(&xdev->ctx_serials);
	fp->capset_id = capset_id;
	fp->num_rings = num_rings;
	fp->conn_gen = gen;
	fp->fence_context = dma_fence_context_alloc(num_rings);
	memset(fp->seqno, 0, sizeof(fp->seqno));
	xenlend_share_ctx_created(xdev, fp);
	return 0;
}

/**
 * xenlend_render_open() - a new file of the render node
 * @dev: the device.
 * @file: the file.
 *
 * Return: 0 or -ENOMEM.
 */
int xenlend_render_open(struct drm_device *dev, struct drm_file *file)
{
	struct xenlend_fpriv *fp = kzalloc(sizeof(*fp), GFP_KERNEL);

	if (!fp)
		return -ENOMEM;
	mutex_init(&fp->lock);
	xenlend_share_init(fp);
	file->driver_priv = fp;
	return 0;
}

/**
 * xenlend_render_postclose() - a file of the render node was closed
 * @dev: the device.
 * @file: the file.
 *
 * Destroys the file's context on the broker (when that broker is still the
 * one that created it) and completes its pending fences.
 */
void xenlend_render_postclose(struct drm_device *dev, struct drm_file *file)
{
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_fpriv *fp = file->driver_priv;
	int err, cookie;

	if (fp->ctx_id) {
		err = 0;
		if (drm_dev_enter(dev, &cookie)) {
			if (fp->conn_gen == READ_ONCE(xdev->t->conn_gen)) {
				err = xenlend_cmd_ctx_destroy(xdev->t, fp->ctx_id);
				if (err && err != -ENODEV)
					drm_dbg(dev, "CTX_DESTROY %u: %d\n", fp->ctx_id, err);
			}
			drm_dev_exit(cookie);
		}
		xenlend_fence_fail_ctx(xdev, fp->ctx_id, -ECANCELED);
		/* A context that may outlive an unanswered destroy keeps its id. */
		if (!xenlend_unanswered(err))
			ida_free(&xdev->ctx_ida, fp->ctx_id);
	}
	xenlend_share_fini(fp);
	mutex_destroy(&fp->lock);
	kfree(fp);
	file->driver_priv = NULL;
}

/* Parse CONTEXT_INIT's parameters; 0 or -EINVAL/-EFAULT. */
static int xenlend_ctx_params(struct xenlend_device *xdev,
			      const struct drm_virtgpu_context_init *ci,
			      u32 *capset_id, u32 *num_rings)
{
	struct drm_virtgpu_context_set_param *p;
	unsigned long seen = 0;
	u32 i;
	int err = 0;

	if (!ci->num_params || ci->num_params > 4 || ci->pad)
		return -EINVAL;
	p = memdup_array_user(u64_to_user_ptr(ci->ctx_set_params), ci->num_params,
			      sizeof(*p));
	if (IS_ERR(p))
		return PTR_ERR(p);
	*capset_id = 0;
	*num_rings = 1;
	for (i = 0; i < ci->num_params && !err; i++) {
		if (p[i].param >= BITS_PER_LONG || __test_and_set_bit(p[i].param, &seen)) {
			err = -EINVAL;
			break;
		}
		switch (p[i].param) {
		case VIRTGPU_CONTEXT_PARAM_CAPSET_ID:
			mutex_lock(&xdev->caps_lock);
			if (p[i].value > U32_MAX || !xenlend_caps_find(xdev, p[i].value, 0))
				err = -EINVAL;
			mutex_unlock(&xdev->caps_lock);
			*capset_id = p[i].value;
			break;
		case VIRTGPU_CONTEXT_PARAM_NUM_RINGS:
			if (!p[i].value || p[i].value > XENLEND_MAX_RINGS)
				err = -EINVAL;
			*num_rings = p[i].value;
			break;
		case VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK:
			/* Ring completion events on the DRM file: not supported. */
			if (p[i].value)
				err = -EINVAL;
			break;
		default:
			/* DEBUG_NAME is not advertised (EXPLICIT_DEBUG_NAME = 0). */
			err = -EINVAL;
			break;
		}
	}
	kfree(p);
	if (!err && !*capset_id)
		err = -EINVAL;
	return err;
}

/**
 * xenlend_ioctl_context_init() - DRM_IOCTL_VIRTGPU_CONTEXT_INIT
 * @dev: the device.
 * @data: &struct drm_virtgpu_context_init.
 * @file: the caller.
 *
 * Parameters: CAPSET_ID (required, one the broker listed), NUM_RINGS (1 to
 * 64, default 1) and POLL_RINGS_MASK (0 only). Each at most once.
 *
 * Return: 0, -EEXIST when the file already has a context, -EINVAL for bad
 * parameters, -EFAULT, or the error of asking the broker.
 */
int xenlend_ioctl_context_init(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_context_init *ci = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_fpriv *fp = file->driver_priv;
	u32 capset_id, num_rings;
	int err, cookie;

	if (!drm_dev_enter(dev, &cookie))
		return -ENODEV;
	err = xenlend_caps_load(xdev);
	if (!err)
		err = xenlend_ctx_params(xdev, ci, &capset_id, &num_rings);
	if (err)
		goto out;
	mutex_lock(&fp->lock);
	err = fp->ctx_id ? -EEXIST : xenlend_ctx_create(xdev, fp, capset_id, num_rings);
	mutex_unlock(&fp->lock);
out:
	drm_dev_exit(cookie);
	return err;
}

/* Userspace that never called CONTEXT_INIT gets a virgl context. */
static int xenlend_ctx_default(struct xenlend_device *xdev, struct xenlend_fpriv *fp)
{
	u32 capset_id = 0;
	int err;

	err = xenlend_caps_load(xdev);
	if (err)
		return err;
	mutex_lock(&xdev->caps_lock);
	if (xenlend_caps_find(xdev, VIRTIO_GPU_CAPSET_VIRGL2, 0))
		capset_id = VIRTIO_GPU_CAPSET_VIRGL2;
	else if (xenlend_caps_find(xdev, VIRTIO_GPU_CAPSET_VIRGL, 0))
		capset_id = VIRTIO_GPU_CAPSET_VIRGL;
	mutex_unlock(&xdev->caps_lock);
	if (!capset_id)
		return -EOPNOTSUPP;
	return xenlend_ctx_create(xdev, fp, capset_id, 1);
}

/* The file's context on the current broker; fp->lock held. */
static int xenlend_ctx_get_locked(struct xenlend_device *xdev, struct xenlend_fpriv *fp)
{
	int err;

	if (!fp->ctx_id) {
		err = xenlend_ctx_default(xdev, fp);
		if (err)
			return err;
	}
	if (fp->conn_gen != READ_ONCE(xdev->t->conn_gen))
		return -ENODEV;	/* the broker that had the context is gone */
	return 0;
}

/**
 * xenlend_render_ctx() - the file's rendering context, made on first use
 * @xdev: the device, entered by the caller.
 * @fp: the file.
 * @ctx_id: receives the context's id.
 *
 * Files that never called CONTEXT_INIT get a virgl context.
 *
 * Return: 0, -ENODEV when the broker that had the context went away, or the
 * error of creating it.
 */
int xenlend_render_ctx(struct xenlend_device *xdev, struct xenlend_fpriv *fp, u32 *ctx_id)
{
	int err;

	mutex_lock(&fp->lock);
	err = xenlend_ctx_get_locked(xdev, fp);
	*ctx_id = fp->ctx_id;
	mutex_unlock(&fp->lock);
	return err;
}

/**
 * xenlend_render_ctx_serial() - the serial number of the file's context
 * @fp: the file.
 *
 * Return: the serial, or 0 while the file has no context.
 */
u64 xenlend_render_ctx_serial(struct xenlend_fpriv *fp)
{
	u64 serial;

	mutex_lock(&fp->lock);
	serial = fp->ctx_serial;
	mutex_unlock(&fp->lock);
	return serial;
}

/**
 * xenlend_render_file_ctx() - the file's rendering context, if it has one
 * @xdev: the device.
 * @fp: the file.
 * @ctx_id: receives the context's id, 0 when the file has none.
 *
 * Return: 0, or -ENODEV when the broker that had the context went away.
 */
int xenlend_render_file_ctx(struct xenlend_device *xdev, struct xenlend_fpriv *fp,
			    u32 *ctx_id)
{
	int err = 0;

	mutex_lock(&fp->lock);
	*ctx_id = fp->ctx_id;
	if (fp->ctx_id && fp->conn_gen != READ_ONCE(xdev->t->conn_gen))
		err = -ENODEV;
	mutex_unlock(&fp->lock);
	return err;
}

/* Wait for an in-fence from userspace; 0, -EINVAL or -ERESTARTSYS. */
static int xenlend_wait_in_fence(int fd)
{
	struct dma_fence *in = sync_file_get_fence(fd);
	long ret;

	if (!in)
		return -EINVAL;
	ret = dma_fence_wait(in, true);
	dma_fence_put(in);
	return ret;
}

/* Everything of one EXECBUFFER that needs undoing. */
struct xenlend_exec {
	void *cmd;
	struct drm_gem_object **objs;
	u32 nr_objs;
	bool locked;
	struct ww_acquire_ctx ticket;
	struct xenlend_dma_fence *fence;
	struct sync_file *sync_file;
	int out_fd;
	struct xenlend_syncobjs syncobjs;
};

static int xenlend_exec_lock_objs(struct xenlend_exec *ex)
{
	u32 i;
	int err;

	if (!ex->nr_objs)
		return 0;
	err = drm_gem_lock_reservations(ex->objs, ex->nr_objs, &ex->ticket);
	if (err)
		return err;
	ex->locked = true;
	for (i = 0; i < ex->nr_objs; i++) {
		err = dma_resv_reserve_fences(ex->objs[i]->resv, 1);
		if (err)
			return err;
	}
	return 0;
}

static void xenlend_exec_cleanup(struct xenlend_exec *ex)
{
	u32 i;

	if (ex->locked)
		drm_gem_unlock_reservations(ex->objs, ex->nr_objs, &ex->ticket);
	for (i = 0; ex->objs && i < ex->nr_objs; i++)
		drm_gem_object_put(ex->objs[i]);
	kvfree(ex->objs);
	if (ex->sync_file)
		fput(ex->sync_file->file);
	if (ex->out_fd >= 0)
		put_unused_fd(ex->out_fd);
	xenlend_syncobjs_fini(&ex->syncobjs);
	if (ex->fence)
		dma_fence_put(xenlend_fence_base(ex->fence));
	kvfree(ex->cmd);
}

/* Submit with fp->lock held and the device entered. */
static int xenlend_exec_submit(struct xenlend_device *xdev, struct xenlend_fpriv *fp,
			       const struct drm_virtgpu_execbuffer *eb,
			       struct xenlend_exec *ex)
{
	u32 ring, i;
	u64 seqno;
	int err;

	err = xenlend_ctx_get_locked(xdev, fp);
	if (err)
		return err;
	ring = eb->flags & VIRTGPU_EXECBUF_RING_IDX ? eb->ring_idx : 0;
	if (ring >= fp->num_rings)
		return -EINVAL;

	seqno = fp->seqno[ring] + 1;
	ex->fence = xenlend_fence_create(xdev, fp->fence_context + ring, seqno, fp->ctx_id,
					 ring);
	if (!ex->fence)
		return -ENOMEM;
	if (eb->flags & VIRTGPU_EXECBUF_FENCE_FD_OUT) {
		ex->out_fd = get_unused_fd_flags(O_CLOEXEC);
		if (ex->out_fd < 0)
			return ex->out_fd;
		ex->sync_file = sync_file_create(xenlend_fence_base(ex->fence));
		if (!ex->sync_file)
			return -ENOMEM;
	}
	err = xenlend_exec_lock_objs(ex);
	if (err)
		return err;

	fp->seqno[ring] = seqno;
	xenlend_fence_queue(xdev, ex->fence);
	err = xenlend_cmd_submit(xdev->t, fp->ctx_id, ring, seqno, ex->cmd, eb->size);
	if (err) {
		xenlend_fence_abort(xdev, ex->fence, err);
		return err;
	}
	for (i = 0; i < ex->nr_objs; i++)
		dma_resv_add_fence(ex->objs[i]->resv, xenlend_fence_base(ex->fence),
				   DMA_RESV_USAGE_WRITE);
	return 0;
}

/**
 * xenlend_ioctl_execbuffer() - DRM_IOCTL_VIRTGPU_EXECBUFFER
 * @dev: the device.
 * @data: &struct drm_virtgpu_execbuffer.
 * @file: the caller.
 *
 * Copies the command stream, waits for the in-fence and the in-syncobjs,
 * sends the stream to the broker's renderer on the chosen ring of the
 * file's context and attaches the submission's fence to every named buffer
 * object (for WAIT), with FENCE_FD_OUT to a new sync_file, and to every
 * out-syncobj (at its timeline point); resets the in-syncobjs flagged
 * VIRTGPU_EXECBUF_SYNCOBJ_RESET.
 *
 * Return: 0, -EINVAL for bad flags, sizes, rings, in-fences, syncobj
 * arrays or in-syncobjs without a fence, -ENOENT for a bad buffer or
 * syncobj handle, -EFAULT, -ENODEV when the broker that had the context
 * went away, or the error of asking the broker.
 */
int xenlend_ioctl_execbuffer(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_execbuffer *eb = data;
	struct xenlend_device *xdev = to_xdev(dev);
	struct xenlend_fpriv *fp = file->driver_priv;
	struct xenlend_exec ex = { .out_fd = -1 };
	int err, cookie;

	if (eb->flags & ~VIRTGPU_EXECBUF_FLAGS)
		return -EINVAL;
	err = xenlend_syncobjs_check(eb);
	if (err)
		return err;
	if (eb->size % 4 || eb->size > XENLEND_SUBMIT_MAX_BYTES ||
	    eb->num_bo_handles > XENLEND_MAX_BO_HANDLES)
		return -EINVAL;
	if ((eb->flags & VIRTGPU_EXECBUF_RING_IDX) && eb->ring_idx >= XENLEND_MAX_RINGS)
		return -EINVAL;

	if (eb->size) {
		ex.cmd = vmemdup_user(u64_to_user_ptr(eb->command), eb->size);
		if (IS_ERR(ex.cmd))
			return PTR_ERR(ex.cmd);
	}
	if (eb->num_bo_handles) {
		err = drm_gem_objects_lookup(file, u64_to_user_ptr(eb->bo_handles),
					     eb->num_bo_handles, &ex.objs);
		/* On -ENOENT the handles before the bad one hold references. */
		if (ex.objs)
			ex.nr_objs = eb->num_bo_handles;
		if (err)
			goto out;
	}
	if (eb->flags & VIRTGPU_EXECBUF_FENCE_FD_IN) {
		err = xenlend_wait_in_fence(eb->fence_fd);
		if (err)
			goto out;
	}
	err = xenlend_syncobjs_wait_in(file, eb, &ex.syncobjs);
	if (!err)
		err = xenlend_syncobjs_get_out(file, eb, &ex.syncobjs);
	if (err)
		goto out;

	if (!drm_dev_enter(dev, &cookie)) {
		err = -ENODEV;
		goto out;
	}
	mutex_lock(&fp->lock);
	err = xenlend_exec_submit(xdev, fp, eb, &ex);
	mutex_unlock(&fp->lock);
	drm_dev_exit(cookie);
	if (!err)
		xenlend_syncobjs_signal(&ex.syncobjs, xenlend_fence_base(ex.fence));
	if (!err && ex.sync_file) {
		eb->fence_fd = ex.out_fd;
		fd_install(ex.out_fd, ex.sync_file->file);
		ex.sync_file = NULL;
		ex.out_fd = -1;
	}
out:
	xenlend_exec_cleanup(&ex);
	return err;
}

/**
 * xenlend_ioctl_wait() - DRM_IOCTL_VIRTGPU_WAIT
 * @dev: the device.
 * @data: &struct drm_virtgpu_3d_wait.
 * @file: the caller.
 *
 * Waits until every submission that named the object has completed.
 *
 * Return: 0, -EBUSY when still busy (at once with VIRTGPU_WAIT_NOWAIT, else
 * after 15 s), -ENOENT for a bad handle, -EINVAL for unknown flags,
 * -ERESTARTSYS.
 */
int xenlend_ioctl_wait(struct drm_device *dev, void *data, struct drm_file *file)
{
	struct drm_virtgpu_3d_wait *w = data;
	struct drm_gem_object *obj;
	long ret;

	if (w->flags & ~VIRTGPU_WAIT_NOWAIT)
		return -EINVAL;
	obj = drm_gem_object_lookup(file, w->handle);
	if (!obj)
		return -ENOENT;
	if (w->flags & VIRTGPU_WAIT_NOWAIT)
		ret = dma_resv_test_signaled(obj->resv, DMA_RESV_USAGE_READ);
	else
		ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
					    XENLEND_WAIT_TIMEOUT);
	drm_gem_object_put(obj);
	if (ret > 0)
		return 0;
	return ret ? ret : -EBUSY;
}
