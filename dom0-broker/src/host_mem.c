// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the memory behind host resources.
 *
 * "host_memory = memfd" backs each host resource with a memfd, as anonymous
 * shared memory; "host_memory = gpu:/dev/dri/cardN" with a buffer of the dom0
 * GPU driver (a dumb buffer: vgem stands in for the GPU in the test
 * environment), mapped into the broker. Either way the lending engine grants
 * the pages behind the mapping, and whatever dom0 does to that mapping (hole
 * punch, the GPU driver moving or freeing the buffer, munmap) revokes them.
 *
 * "host_memory = vram:/dev/dri/cardN" is a GPU node too, whose device memory
 * (VRAM) backs the host resources of guests with a VRAM window (vram.c);
 * what moves out of VRAM gets the node's system-memory buffers. The broker
 * can allocate VRAM only where the driver has a uAPI for it: qxl (QEMU's
 * paravirtual display, the test machine's stand-in for a discrete GPU). On
 * real hardware device memory comes from the renderer (venus's device-local
 * memory), exported by the render worker.
 *
 * A GPU buffer's GEM handle is closed as soon as it is mapped and exported
 * as a dma-buf: the mapping and the lending engine's hold on the dma-buf
 * keep the buffer alive. The engine pins the buffer through that dma-buf
 * while any page of it is lent: page references do not keep a GPU driver
 * (TTM's page pools, VRAM) from reusing its pages.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>
#include <qxl_drm.h>

#include "config.h"
#include "host_mem.h"
#include "log.h"
#include "xenlend_test.h"
#include "xenlend_wire.h"

/**
 * host_mem_open() - open the device host memory comes from
 * @cfg: the configuration.
 * @gpu_fd: receives a descriptor of the GPU node, or -1 for memfd memory.
 *
 * Return: 0, or a negative errno when the GPU node cannot be opened.
 */
int host_mem_open(const struct broker_config *cfg, int *gpu_fd)
{
	drmVersionPtr v;
	bool qxl;

	*gpu_fd = -1;
	if (cfg->host_memory == HOST_MEM_MEMFD)
		return 0;
	*gpu_fd = open(cfg->host_memory_node, O_RDWR | O_CLOEXEC);
	if (*gpu_fd < 0) {
		int err = -errno;

		log_msg(LOG_ERR, "host memory %s: %s", cfg->host_memory_node, strerror(errno));
		return err;
	}
	if (cfg->host_memory != HOST_MEM_VRAM)
		return 0;
	v = drmGetVersion(*gpu_fd);
	qxl = v && !strcmp(v->name, "qxl");
	if (!qxl)
		log_msg(LOG_ERR, "host memory vram:%s: driver %s has no VRAM allocation the broker "
			"knows (qxl only)", cfg->host_memory_node, v ? v->name : "?");
	drmFreeVersion(v);
	if (!qxl) {
		close(*gpu_fd);
		*gpu_fd = -1;
		return -EOPNOTSUPP;
	}
	return 0;
}

static void *map_memfd(uint64_t size, void *at, const char *name, int *fd_out)
{
	int fd = memfd_create(name, MFD_CLOEXEC);
	void *p;

	if (fd < 0)
		return MAP_FAILED;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return MAP_FAILED;
	}
	p = mmap(at, size, PROT_READ | PROT_WRITE, MAP_SHARED | (at ? MAP_FIXED : 0), fd, 0);
	if (p == MAP_FAILED || !fd_out) {
		int err = errno;

		close(fd);
		errno = err;
	} else {
		*fd_out = fd;
	}
	return p;
}

static void *map_gpu(int gpu_fd, uint64_t size, void *at, int *dmabuf_out)
{
	/* Rows of one page: any page-aligned size is a whole number of rows. */
	struct drm_mode_create_dumb c = {
		.width = XENLEND_PAGE_SIZE / 4,
		.height = (uint32_t)(size / XENLEND_PAGE_SIZE),
		.bpp = 32,
	};
	struct drm_mode_map_dumb m = { 0 };
	struct drm_mode_destroy_dumb d = { 0 };
	void *p = MAP_FAILED;
	int err;

	if (size / XENLEND_PAGE_SIZE > UINT32_MAX) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (drmIoctl(gpu_fd, DRM_IOCTL_MODE_CREATE_DUMB, &c))
		return MAP_FAILED;
	m.handle = c.handle;
	if (c.size < size)
		errno = ENOSPC;
	else if (drmPrimeHandleToFD(gpu_fd, c.handle, DRM_CLOEXEC | DRM_RDWR, dmabuf_out))
		*dmabuf_out = -1;
	else if (!drmIoctl(gpu_fd, DRM_IOCTL_MODE_MAP_DUMB, &m))
		p = mmap(at, size, PROT_READ | PROT_WRITE, MAP_SHARED | (at ? MAP_FIXED : 0),
			 gpu_fd, (off_t)m.offset);
	err = errno;
	if (p == MAP_FAILED && *dmabuf_out >= 0) {
		close(*dmabuf_out);
		*dmabuf_out = -1;
	}
	d.handle = c.handle;
	drmIoctl(gpu_fd, DRM_IOCTL_MODE_DESTROY_DUMB, &d);	/* the mapping keeps it */
	errno = err;
	return p;
}

/**
 * host_mem_map() - map fresh, zeroed host memory
 * @gpu_fd: from host_mem_open(): a GPU node, or -1 for a memfd.
 * @size: page-aligned size.
 * @at: NULL, or where to map it in place of what is mapped there (MAP_FIXED:
 *	to dom0's MM this is the old memory being unmapped).
 * @name: memfd name.
 * @fd_out: for a memfd, receives its descriptor (caller closes); may be NULL.
 * @dmabuf_out: for a GPU buffer, receives a dma-buf of it (caller closes,
 *	after handing it to the lending engine), else -1.
 *
 * Return: the mapping, or MAP_FAILED with errno set.
 */
void *host_mem_map(int gpu_fd, uint64_t size, void *at, const char *name, int *fd_out,
		   int *dmabuf_out)
{
	if (fd_out)
		*fd_out = -1;
	*dmabuf_out = -1;
	if (gpu_fd >= 0)
		return map_gpu(gpu_fd, size, at, dmabuf_out);
	return map_memfd(size, at, name, fd_out);
}

/**
 * host_mem_map_vram() - map a fresh buffer in device memory
 * @gpu_fd: from host_mem_open() with host_memory = vram:.
 * @size: page-aligned size.
 * @dmabuf_out: receives a dma-buf of it (caller closes, after handing it to
 *	the lending engine, whose pin keeps it in VRAM).
 *
 * Return: the mapping, or MAP_FAILED with errno set (ENOMEM: VRAM is full).
 */
void *host_mem_map_vram(int gpu_fd, uint64_t size, int *dmabuf_out)
{
	struct drm_qxl_alloc a = { .size = (uint32_t)size };
	struct drm_qxl_map m = { 0 };
	struct drm_gem_close cl = { 0 };
	void *p = MAP_FAILED;
	int err;

	*dmabuf_out = -1;
	if (size > UINT32_MAX) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	if (drmIoctl(gpu_fd, DRM_IOCTL_QXL_ALLOC, &a))
		return MAP_FAILED;
	m.handle = a.handle;
	if (drmPrimeHandleToFD(gpu_fd, a.handle, DRM_CLOEXEC | DRM_RDWR, dmabuf_out))
		*dmabuf_out = -1;
	else if (!drmIoctl(gpu_fd, DRM_IOCTL_QXL_MAP, &m))
		p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, gpu_fd, (off_t)m.offset);
	err = errno;
	if (p == MAP_FAILED && *dmabuf_out >= 0) {
		close(*dmabuf_out);
		*dmabuf_out = -1;
	}
	cl.handle = a.handle;
	drmIoctl(gpu_fd, DRM_IOCTL_GEM_CLOSE, &cl);	/* the mapping keeps it */
	errno = err;
	return p;
}

/**
 * host_mem_is_dmabuf() - whether a descriptor is a dma-buf
 * @fd: a renderer blob's descriptor (a memfd or a dma-buf).
 *
 * Return: true for a dma-buf, which the lending engine must pin.
 */
bool host_mem_is_dmabuf(int fd)
{
	char path[32], target[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return !strncmp(target, "/dmabuf:", 8) || !strncmp(target, "anon_inode:dmabuf", 17);
}

/**
 * host_mem_map_fd() - map memory someone else allocated: a renderer blob
 * @fd: what the render worker exported (a memfd, a dma-buf).
 * @offset: where in @fd the memory starts; page aligned.
 * @size: page-aligned size the guest asked for; @fd must hold as much
 *	from @offset on.
 *
 * Return: the mapping, or MAP_FAILED with errno set (EINVAL: @offset is
 * not page aligned, or @fd ends before @offset + @size). @fd stays the
 * caller's either way.
 */
void *host_mem_map_fd(int fd, uint64_t offset, uint64_t size)
{
	off_t end = lseek(fd, 0, SEEK_END);

	if (end < 0)
		return MAP_FAILED;
	if ((offset & (XENLEND_PAGE_SIZE - 1)) || offset > (uint64_t)end ||
	    (uint64_t)end - offset < size) {
		errno = EINVAL;
		return MAP_FAILED;
	}
	return mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
}

/**
 * host_mem_fill() - write the test pattern into host memory
 * @map: the mapping of a host resource's memory.
 * @size: its size, a multiple of 8.
 * @res_id: the resource's id.
 * @generation: the pattern's generation (times it was refilled).
 *
 * Used only with --test-hooks: it stands for "dom0 wrote this buffer".
 */
void host_mem_fill(void *map, uint64_t size, uint32_t res_id, uint32_t generation)
{
	uint64_t *w = map;

	for (uint64_t off = 0; off < size; off += 8)
		w[off / 8] = xenlend_test_pattern(res_id, generation, off);
}
