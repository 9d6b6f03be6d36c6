// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-render: every call into virglrenderer.
 *
 * The library keeps one global state per process, which is why there is one
 * worker per guest. Its return conventions are mixed (see
 * docs/RESEARCH-virglrenderer.md §2): the wrappers here hand back what the
 * library returned and say which kind of errno it is.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <unistd.h>
#include <virglrenderer.h>

#include "log.h"
#include "virgl.h"

/*
 * Byte offset of capability_bits in struct virgl_caps_v2 (virglrenderer
 * src/virgl_hw.h, 1.1.0; the layout is ABI with Mesa's guest driver):
 * struct virgl_caps_v1 (308 bytes: max_version, four 64-byte format masks,
 * the 4-byte bool set and eleven 32-bit limits), then nine floats (point
 * sizes, line widths, LOD bias) and twelve 32-bit limits
 * (max_geom_output_vertices .. shader_buffer_offset_alignment).
 */
#define CAPS_V2_CAPABILITY_BITS_OFF	(308 + 9 * 4 + 12 * 4)
/* VIRGL_CAP_ARB_BUFFER_STORAGE of virgl_hw.h. */
#define CAP_ARB_BUFFER_STORAGE		(1u << 31)

/*
 * virglrenderer.h only declares struct virgl_box; this is its layout
 * (virgl_hw.h), which QEMU and crosvm spell out the same way.
 */
struct virgl_box {
	uint32_t x, y, z;
	uint32_t w, h, d;
};

/* Any non-NULL cookie will do: all state is global. */
static int cookie;
/* Who hears of signalled fences (vr_init()). */
static const struct vr_fence_ops *fence_ops;

static void cb_write_fence(void *c, uint32_t fence)
{
	(void)c;
	fence_ops->ctx0_fence_done(fence);
}

static void cb_write_context_fence(void *c, uint32_t ctx_id, uint32_t ring_idx,
				   uint64_t fence_id)
{
	(void)c;
	fence_ops->ctx_fence_done(ctx_id, ring_idx, fence_id);
}

static struct virgl_renderer_callbacks callbacks = {
	.version = 3,
	.write_fence = cb_write_fence,
	.write_context_fence = cb_write_context_fence,
};

/**
 * vr_init() - start virglrenderer: EGL surfaceless (llvmpipe without a GPU),
 * fence waits in a thread, virgl and venus (through the render server).
 * @ops: told of every signalled fence, from vr_poll() and vr_ctx_poll();
 *	must stay valid until vr_cleanup().
 *
 * Return: 0, or the library's negative errno.
 */
int vr_init(const struct vr_fence_ops *ops)
{
	int flags = VIRGL_RENDERER_USE_EGL | VIRGL_RENDERER_USE_SURFACELESS |
		    VIRGL_RENDERER_THREAD_SYNC | VIRGL_RENDERER_VENUS |
		    VIRGL_RENDERER_RENDER_SERVER;

	fence_ops = ops;
	return virgl_renderer_init(&cookie, flags, &callbacks);
}

/**
 * vr_cleanup() - stop virglrenderer (and its render server)
 */
void vr_cleanup(void)
{
	virgl_renderer_cleanup(&cookie);
}

/**
 * vr_poll_fd() - the fd that becomes readable when vrend fences may have
 * signalled
 *
 * Return: the fd, or -1 when fences are only found by polling.
 */
int vr_poll_fd(void)
{
	return virgl_renderer_get_poll_fd();
}

/**
 * vr_poll() - retire signalled fences (reported through the fence ops)
 */
void vr_poll(void)
{
	virgl_renderer_poll();
}

/* The raw capability_bits, for the start-up log line. */
static uint32_t caps_v2_bits(const uint8_t *caps, uint32_t size)
{
	uint32_t v = 0;

	if (size >= CAPS_V2_CAPABILITY_BITS_OFF + 4)
		memcpy(&v, caps + CAPS_V2_CAPABILITY_BITS_OFF, 4);
	return v;
}

/**
 * vr_capsets() - the capability sets to offer guests
 * @sets: filled with up to @max sets.
 * @max: room in @sets.
 *
 * VIRGL, VIRGL2 (when it has a version) and VENUS, each when the library
 * fills it and it fits a bulk page.
 *
 * Return: the number of sets.
 */
int vr_capsets(struct vr_capset *sets, int max)
{
	static const uint32_t ids[] = { CAPSET_VIRGL, CAPSET_VIRGL2, CAPSET_VENUS };
	static uint8_t buf[RENDER_IPC_MAX_PAYLOAD];
	unsigned int i;
	int n = 0;

	for (i = 0; i < sizeof(ids) / sizeof(ids[0]) && n < max; i++) {
		uint32_t ver = 0, size = 0;

		virgl_renderer_get_cap_set(ids[i], &ver, &size);
		if (!size || size > RENDER_IPC_MAX_PAYLOAD ||
		    (ids[i] == CAPSET_VIRGL2 && !ver)) {
			rw_log("capset %u not offered (version %u, %u bytes)", ids[i], ver, size);
			continue;
		}
		sets[n].id = ids[i];
		sets[n].max_version = ver;
		sets[n].max_size = size;
		if (ids[i] == CAPSET_VIRGL2) {
			memset(buf, 0, size);
			virgl_renderer_fill_caps(ids[i], ver, buf);
			rw_log("capset 2: capability_bits 0x%08x, ARB_BUFFER_STORAGE masked",
			       caps_v2_bits(buf, size));
		}
		n++;
	}
	return n;
}

/**
 * vr_fill_caps() - the bytes of a capability set, as guests get them
 * @set: a set vr_capsets() returned.
 * @version: at most @set->max_version.
 * @buf: @set->max_size bytes.
 *
 * VIRGL2 loses VIRGL_CAP_ARB_BUFFER_STORAGE, so that Mesa's virgl driver
 * never asks for GL persistent buffers, which llvmpipe keeps in this
 * process's heap and which cannot be lent safely (research §4, §6 item 3).
 */
void vr_fill_caps(const struct vr_capset *set, uint32_t version, void *buf)
{
	uint32_t bits;

	memset(buf, 0, set->max_size);
	virgl_renderer_fill_caps(set->id, version, buf);
	if (set->id == CAPSET_VIRGL2 && set->max_size >= CAPS_V2_CAPABILITY_BITS_OFF + 4) {
		bits = caps_v2_bits(buf, set->max_size) & ~CAP_ARB_BUFFER_STORAGE;
		memcpy((uint8_t *)buf + CAPS_V2_CAPABILITY_BITS_OFF, &bits, 4);
	}
}

/**
 * vr_ctx_create() - create a rendering context
 * @ctx_id: non-zero id.
 * @capset_id: the command format.
 * @name: for the library's debug output.
 *
 * Return: 0 or a positive errno.
 */
int vr_ctx_create(uint32_t ctx_id, uint32_t capset_id, const char *name)
{
	return virgl_renderer_context_create_with_flags(ctx_id, capset_id,
							strlen(name), name);
}

/**
 * vr_ctx_destroy() - destroy a rendering context
 * @ctx_id: a context vr_ctx_create() made.
 */
void vr_ctx_destroy(uint32_t ctx_id)
{
	virgl_renderer_context_destroy(ctx_id);
}

/**
 * vr_ctx_poll_fd() - the fd that signals a (venus) context's fences
 * @ctx_id: the context.
 *
 * Return: the fd, or a negative value when the context has none.
 */
int vr_ctx_poll_fd(uint32_t ctx_id)
{
	return virgl_renderer_context_get_poll_fd(ctx_id);
}

/**
 * vr_ctx_poll() - retire a context's signalled fences
 * @ctx_id: the context.
 */
void vr_ctx_poll(uint32_t ctx_id)
{
	virgl_renderer_context_poll(ctx_id);
}

/**
 * vr_submit() - execute a command stream
 * @ctx_id: the context.
 * @buf: the stream, 8-byte aligned, in memory nobody else writes.
 * @ndw: its length in 32-bit words.
 *
 * Return: 0 or a positive errno.
 */
int vr_submit(uint32_t ctx_id, void *buf, uint32_t ndw)
{
	return virgl_renderer_submit_cmd(buf, (int)ctx_id, (int)ndw);
}

/**
 * vr_ctx_fence() - a fence that signals once everything submitted to
 * (@ctx_id, @ring_idx) so far has executed; mergeable with earlier ones
 * @ctx_id: the context.
 * @ring_idx: the timeline.
 * @fence_id: given back to write_context_fence.
 *
 * Return: 0 or a negative errno.
 */
int vr_ctx_fence(uint32_t ctx_id, uint32_t ring_idx, uint64_t fence_id)
{
	return virgl_renderer_context_create_fence(ctx_id, VIRGL_RENDERER_FENCE_FLAG_MERGEABLE,
						   ring_idx, fence_id);
}

/**
 * vr_ctx0_fence() - a global (context 0) fence after everything submitted
 * @seq: given back to write_fence.
 *
 * Return: 0 or a positive errno.
 */
int vr_ctx0_fence(uint32_t seq)
{
	return virgl_renderer_create_fence((int)seq, 0);
}

/**
 * vr_res_create() - a classic 3D resource backed by one iovec
 * @c: the guest's RES3D_CREATE (codec-checked; the library checks the rest).
 * @iov: the backing store; the library keeps the pointer until unref.
 *
 * Return: 0 or a positive errno.
 */
int vr_res_create(const struct xenlend_res3d_create *c, struct iovec *iov)
{
	struct virgl_renderer_resource_create_args args = {
		.handle = c->res_id,
		.target = c->target,
		.format = c->format,
		.bind = c->bind,
		.width = c->width,
		.height = c->height,
		.depth = c->depth,
		.array_size = c->array_size,
		.last_level = c->last_level,
		.nr_samples = c->nr_samples,
		.flags = c->flags,
	};
	int err;

	err = virgl_renderer_resource_create(&args, NULL, 0);
	if (err)
		return err;
	err = virgl_renderer_resource_attach_iov((int)args.handle, iov, 1);
	if (err)
		virgl_renderer_resource_unref(args.handle);
	return err;
}

/**
 * vr_res_unref() - drop a resource vr_res_create() made
 * @res_id: the resource.
 *
 * Its backing store is detached first, so the library forgets the iovec.
 */
void vr_res_unref(uint32_t res_id)
{
	struct iovec *iov = NULL;
	int n = 0;

	virgl_renderer_resource_detach_iov((int)res_id, &iov, &n);
	virgl_renderer_resource_unref(res_id);
}

/**
 * vr_ctx_attach() - let a context's command streams use a resource
 * @ctx_id: the context.
 * @res_id: the resource.
 */
void vr_ctx_attach(uint32_t ctx_id, uint32_t res_id)
{
	virgl_renderer_ctx_attach_resource((int)ctx_id, (int)res_id);
}

/**
 * vr_ctx_detach() - take back what vr_ctx_attach() gave
 * @ctx_id: the context.
 * @res_id: the resource.
 */
void vr_ctx_detach(uint32_t ctx_id, uint32_t res_id)
{
	virgl_renderer_ctx_detach_resource((int)ctx_id, (int)res_id);
}

/**
 * vr_transfer() - copy a box between a resource and its backing store
 * @t: the guest's TRANSFER_* (codec-checked; the library checks the box).
 * @to_host: from the backing store into the resource, else the other way.
 *
 * Return: 0 or a positive errno.
 */
int vr_transfer(const struct xenlend_transfer *t, bool to_host)
{
	struct virgl_box box = {
		.x = t->x, .y = t->y, .z = t->z,
		.w = t->w, .h = t->h, .d = t->d,
	};
	uint32_t res = t->res_id, ctx = t->ctx_id;
	uint32_t level = t->level;

	if (to_host)
		return virgl_renderer_transfer_write_iov(res, ctx, (int)level,
							 t->stride,
							 t->layer_stride, &box,
							 t->offset, NULL, 0);
	return virgl_renderer_transfer_read_iov(res, ctx, level, t->stride,
						t->layer_stride, &box,
						t->offset, NULL, 0);
}

/**
 * vr_blob_create() - a HOST3D blob of a context, allocated by the renderer
 * @res_id: the guest's resource id.
 * @ctx_id: the context whose blob_id it is (venus: 0 for the shared ring,
 *	else a VkDeviceMemory).
 * @blob_flags: VIRGL_RENDERER_BLOB_FLAG_*.
 * @blob_id: the context's id of the blob.
 * @size: bytes.
 *
 * Return: 0 or a negative errno.
 */
int vr_blob_create(uint32_t res_id, uint32_t ctx_id, uint32_t blob_flags, uint64_t blob_id,
		   uint64_t size)
{
	const struct virgl_renderer_resource_create_blob_args args = {
		.res_handle = res_id,
		.ctx_id = ctx_id,
		.blob_mem = VIRGL_RENDERER_BLOB_MEM_HOST3D,
		.blob_flags = blob_flags,
		.blob_id = blob_id,
		.size = size,
	};

	return virgl_renderer_resource_create_blob(&args);
}

/*
 * Where in @fd, an opaque export of blob @res_id, the blob's @size bytes
 * start. Only the driver knows its file's layout (lavapipe's memory file
 * starts with a header page), but the renderer can map the blob itself
 * (for venus, by importing the file into a Vulkan device of its own), and
 * that mapping, read back from /proc/self/maps, names the file and the
 * offset. It must be a shared mapping of this very file (same device and
 * inode), page aligned and at least @size bytes; then it is undone.
 *
 * Return: 0, or -EOPNOTSUPP when the renderer cannot map the blob or maps
 * something else.
 */
static int opaque_offset(uint32_t res_id, int fd, uint64_t size, uint64_t *offset)
{
	unsigned long long start, end, off, ino;
	unsigned int maj, min;
	uint64_t map_size = 0;
	struct stat st;
	char line[512], perms[5];
	void *map = NULL;
	uintptr_t at;
	FILE *maps;
	int err = -EOPNOTSUPP;

	if (fstat(fd, &st) || virgl_renderer_resource_map(res_id, &map, &map_size)) {
		rw_log("resource %u: an opaque export the renderer cannot map either", res_id);
		return -EOPNOTSUPP;
	}
	at = (uintptr_t)map;
	maps = fopen("/proc/self/maps", "re");
	while (maps && fgets(line, sizeof(line), maps)) {
		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu", &start, &end, perms, &off, &maj,
			   &min, &ino) != 7 || at < start || at >= end)
			continue;
		if (perms[3] == 's' && makedev(maj, min) == st.st_dev && ino == st.st_ino &&
		    !(at & (XENLEND_PAGE_SIZE - 1)) && map_size >= size && end - at >= size) {
			*offset = off + (at - start);
			err = 0;
		}
		break;
	}
	if (maps)
		fclose(maps);
	virgl_renderer_resource_unmap(res_id);
	if (err)
		rw_log("resource %u: the renderer maps its opaque export from another file", res_id);
	return err;
}

/**
 * vr_blob_export() - a file the broker can map a blob's memory from
 * @res_id: a blob vr_blob_create() made.
 * @size: its size.
 * @fd: receives the file (the caller closes it).
 * @offset: receives where in the file the blob's memory starts.
 *
 * Shared memory (venus's ring) and dma-bufs (device memory where Mesa can
 * export it, e.g. through udmabuf) map at offset 0. An opaque file maps
 * where the renderer's own mapping of the blob says (opaque_offset()):
 * lavapipe's device memory without udmabuf.
 *
 * Return: 0, -EOPNOTSUPP for an opaque file nobody here can map, or the
 * library's negative errno.
 */
int vr_blob_export(uint32_t res_id, uint64_t size, int *fd, uint64_t *offset)
{
	uint32_t type = 0;
	int err;

	*offset = 0;
	err = virgl_renderer_resource_export_blob(res_id, &type, fd);
	if (err)
		return err > 0 ? -err : err;
	if (type == VIRGL_RENDERER_BLOB_FD_TYPE_SHM || type == VIRGL_RENDERER_BLOB_FD_TYPE_DMABUF)
		return 0;
	err = type == VIRGL_RENDERER_BLOB_FD_TYPE_OPAQUE ?
	      opaque_offset(res_id, *fd, size, offset) : -EOPNOTSUPP;
	if (!err) {
		rw_log("resource %u: an opaque export of %llu KiB, lent from offset %llu of its file",
		       res_id, (unsigned long long)size >> 10, (unsigned long long)*offset);
	} else {
		rw_log("resource %u: the renderer exports it as fd type %u, which cannot be lent",
		       res_id, type);
		close(*fd);
		*fd = -1;
	}
	return err;
}
