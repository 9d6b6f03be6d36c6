// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend_basic: the render node's ioctls with good and bad arguments, and
 * the lifetime of mappings of lent memory. Runs in a test domU (PVH: lent
 * memory can be mapped) with the broker's test hooks on, so that lent memory
 * holds the broker's test pattern.
 *
 * usage: xenlend_basic [--run-subtest NAME]
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <fcntl.h>
#include <glob.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/virtgpu_drm.h>
#include <linux/udmabuf.h>

#include "guest-util.h"
#include "subtest.h"
#include "xenlend_test.h"

#define PAGE 4096ull

static int open_render_node(void)
{
	return open_xenlend(NULL);
}

static int create_blob(int fd, uint64_t size, struct drm_virtgpu_resource_create_blob *rc)
{
	memset(rc, 0, sizeof(*rc));
	rc->blob_mem = VIRTGPU_BLOB_MEM_HOST3D;
	rc->blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE;
	rc->size = size;
	return ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, rc);
}

static uint64_t *map_blob(int fd, uint32_t handle, uint64_t size)
{
	struct drm_virtgpu_map m = { .handle = handle };
	void *p;

	if (ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m))
		return NULL;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	return p == MAP_FAILED ? NULL : p;
}

static int test_version(int fd)
{
	char name[32] = "";
	struct drm_version v = { .name = name, .name_len = sizeof(name) - 1 };

	subtest_assert(!ioctl(fd, DRM_IOCTL_VERSION, &v));
	subtest_assert(!strcmp(name, "xenlend"));
	subtest_assert(v.version_major == 0 && v.version_minor >= 1);
	return SUBTEST_SUCCESS;
}

static int test_getparam(int fd)
{
	int value = 0;
	struct drm_virtgpu_getparam gp = {
		.param = VIRTGPU_PARAM_RESOURCE_BLOB,
		.value = (uintptr_t)&value,
	};

	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp));
	subtest_assert(value == 1);
	gp.param = VIRTGPU_PARAM_HOST_VISIBLE;
	value = 0;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp));
	subtest_assert(value == 1);
	return SUBTEST_SUCCESS;
}

static int test_getparam_bad(int fd)
{
	int value;
	struct drm_virtgpu_getparam gp = { .param = 9999, .value = (uintptr_t)&value };

	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp), EINVAL);
	gp.param = VIRTGPU_PARAM_RESOURCE_BLOB;
	gp.value = 8;	/* not a user address */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp), EFAULT);
	return SUBTEST_SUCCESS;
}

static int test_create_blob_bad(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	struct drm_virtgpu_resource_create_blob good = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = PAGE,
	};

	rc = good;
	rc.blob_mem = VIRTGPU_BLOB_MEM_GUEST;	/* not yet: guest-backed */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EOPNOTSUPP);
	rc = good;
	rc.blob_mem = 77;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EOPNOTSUPP);
	rc = good;
	rc.blob_flags = 0x80;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	rc = good;
	rc.pad = 1;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	rc = good;
	rc.cmd_size = 4;	/* virgl's inline creation: valid, not supported */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EOPNOTSUPP);
	rc = good;
	rc.blob_id = 5;		/* a renderer's blob id, but the file has no context */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	rc = good;
	rc.size = 0;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	rc = good;
	rc.size = PAGE + 1;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	rc = good;
	rc.size = 1ull << 40;	/* over what the broker lends */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc), EINVAL);
	return SUBTEST_SUCCESS;
}

static int test_bad_handles(int fd)
{
	struct drm_virtgpu_map m = { .handle = 0xbad };
	struct drm_virtgpu_resource_info ri = { .bo_handle = 0xbad };
	struct drm_gem_close gc = { .handle = 0xbad };
	struct drm_virtgpu_resource_create_blob rc;

	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m), ENOENT);
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri), ENOENT);
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc), EINVAL);
	subtest_assert(!create_blob(fd, PAGE, &rc));
	m.handle = rc.bo_handle;
	m.pad = 1;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m), EINVAL);
	gc.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc));
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc), EINVAL);
	return SUBTEST_SUCCESS;
}

/* Another open file cannot use our handles. */
static int test_handles_per_file(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	struct drm_virtgpu_resource_info ri = { 0 };
	int other = open_render_node();

	subtest_assert(other >= 0);
	subtest_assert(!create_blob(fd, PAGE, &rc));
	ri.bo_handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.size == PAGE && ri.res_handle == rc.res_handle);
	subtest_assert_errno(ioctl(other, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri), ENOENT);
	return SUBTEST_SUCCESS;
}

static int test_mmap_bad(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	struct drm_virtgpu_map m = { 0 };
	int mappable_err = 0;
	void *p;

	subtest_assert(!create_blob(fd, 2 * PAGE, &rc));
	m.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m));
	/* PV guests cannot map lent memory at all, and say so. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)m.offset);
	if (p == MAP_FAILED)
		mappable_err = errno;
	else
		munmap(p, PAGE);
	subtest_assert(mappable_err == 0 || mappable_err == EOPNOTSUPP);
	/* Longer than the object. */
	p = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, (off_t)m.offset);
	subtest_assert(p == MAP_FAILED && errno == EINVAL);
	/* An offset no object has. */
	p = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, (off_t)(m.offset + (64ull << 30)));
	subtest_assert(p == MAP_FAILED);
	/* Private mappings of lent memory make no sense. */
	p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, (off_t)m.offset);
	subtest_assert(p == MAP_FAILED && errno == (mappable_err ? mappable_err : EINVAL));
	return SUBTEST_SUCCESS;
}

/* Lent memory reads back the broker's pattern, and writes stick. */
static int test_mmap_pattern(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	uint64_t size = 4 << 20, *w;

	subtest_assert(!create_blob(fd, size, &rc));
	w = map_blob(fd, rc.bo_handle, size);
	if (!w && errno == EOPNOTSUPP)
		return SUBTEST_SKIP;	/* a PV guest */
	subtest_assert(w);
	for (uint64_t off = 0; off < size; off += PAGE)
		subtest_assert(w[off / 8] == xenlend_test_pattern(rc.res_handle, 0, off));
	w[5] = 0x1234;
	subtest_assert(w[5] == 0x1234);
	return SUBTEST_SUCCESS;
}

/* Closing the handle leaves a live mapping usable until munmap. */
static int test_close_with_live_mapping(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	struct drm_gem_close gc = { 0 };
	uint64_t size = 1 << 20, *w;

	subtest_assert(!create_blob(fd, size, &rc));
	w = map_blob(fd, rc.bo_handle, size);
	if (!w && errno == EOPNOTSUPP)
		return SUBTEST_SKIP;	/* a PV guest */
	subtest_assert(w);
	subtest_assert(w[0] == xenlend_test_pattern(rc.res_handle, 0, 0));
	gc.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc));
	/* Untouched pages still fault in; touched ones stay. */
	for (uint64_t off = 0; off < size; off += PAGE)
		subtest_assert(w[off / 8] == xenlend_test_pattern(rc.res_handle, 0, off));
	subtest_assert(!munmap(w, size));
	return SUBTEST_SUCCESS;
}

/* Closing the file with mappings alive, then using them. */
static int test_close_file_with_live_mapping(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	uint64_t size = 1 << 20, *w;

	subtest_assert(!create_blob(fd, size, &rc));
	w = map_blob(fd, rc.bo_handle, size);
	if (!w && errno == EOPNOTSUPP)
		return SUBTEST_SKIP;	/* a PV guest */
	subtest_assert(w);
	subtest_assert(!close(fd));
	for (uint64_t off = 0; off < size; off += PAGE)
		subtest_assert(w[off / 8] == xenlend_test_pattern(rc.res_handle, 0, off));
	subtest_assert(!munmap(w, size));
	return SUBTEST_SUCCESS;
}

/* virtgpu ioctls not implemented yet fail cleanly instead of misbehaving. */
static sigjmp_buf sigbus_jmp;

static void on_sigbus(int sig)
{
	(void)sig;
	siglongjmp(sigbus_jmp, 1);
}

/* Read one word; 1 if that raised SIGBUS. */
static int read_sigbus(volatile uint64_t *w)
{
	struct sigaction sa = { .sa_handler = on_sigbus };
	int bus = 0;

	sigaction(SIGBUS, &sa, NULL);
	if (sigsetjmp(sigbus_jmp, 1))
		bus = 1;
	else
		(void)*w;
	signal(SIGBUS, SIG_DFL);
	return bus;
}

/*
 * Unbind the xenbus device while lent memory is mapped: the mapping must be
 * taken back (the next access is SIGBUS, not stale memory), ioctls fail with
 * ENODEV, and closing everything afterwards is safe. Destroys the device for
 * the rest of this boot, so it only runs when asked for by name.
 */
static int test_unbind_with_live_mapping(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	uint64_t size = 2 << 20, *w;
	char path[256];
	glob_t g;
	int ufd;

	subtest_assert(!create_blob(fd, size, &rc));
	w = map_blob(fd, rc.bo_handle, size);
	if (!w && errno == EOPNOTSUPP)
		return SUBTEST_SKIP;
	subtest_assert(w);
	subtest_assert(w[0] == xenlend_test_pattern(rc.res_handle, 0, 0));

	subtest_assert(!glob("/sys/bus/xen/drivers/*/xenlend-*", 0, NULL, &g) &&
		       g.gl_pathc == 1);
	snprintf(path, sizeof(path), "%s", g.gl_pathv[0]);
	*strrchr(path, '/') = '\0';
	strcat(path, "/unbind");
	ufd = open(path, O_WRONLY);
	subtest_assert(ufd >= 0);
	subtest_assert(write(ufd, strrchr(g.gl_pathv[0], '/') + 1,
			     strlen(strrchr(g.gl_pathv[0], '/') + 1)) > 0);
	close(ufd);
	globfree(&g);

	subtest_assert(read_sigbus(&w[0]));
	subtest_assert(read_sigbus(&w[size / 8 - 1]));
	subtest_assert_errno(create_blob(fd, PAGE, &rc), ENODEV);
	subtest_assert(!munmap(w, size));
	subtest_assert(!close(fd));
	return SUBTEST_SUCCESS;
}

/*
 * Lent memory leaves its file as a dma-buf (a client's buffer for a
 * compositor): this device imports it as the same resource, and the
 * dma-buf maps the same memory as the render node (revocation reaches both
 * mappings, see tests/guest/lend-test.c). Bad handles and files that are
 * no dma-buf are refused.
 */
static int test_prime_lent(int fd)
{
	struct drm_virtgpu_resource_create_blob rc;
	struct drm_virtgpu_resource_info ri = { 0 };
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	uint64_t size = 4 * PAGE, *w, *w2;
	int notbuf, buf, fd2;

	subtest_assert(!create_blob(fd, size, &rc));
	ph.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph));
	buf = ph.fd;
	/* Into the same file: the same handle; into another: the same resource. */
	ph = (struct drm_prime_handle){ .fd = buf };
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	subtest_assert(ph.handle == rc.bo_handle);
	fd2 = open_render_node();
	subtest_assert(fd2 >= 0);
	ph = (struct drm_prime_handle){ .fd = buf };
	subtest_assert(!ioctl(fd2, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	ri.bo_handle = ph.handle;
	subtest_assert(!ioctl(fd2, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.res_handle == rc.res_handle && ri.size == size);

	w = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (w == MAP_FAILED) {
		/* A PV guest maps no lent memory, through a dma-buf neither. */
		subtest_assert(errno == EOPNOTSUPP);
	} else {
		for (uint64_t off = 0; off < size; off += PAGE)
			subtest_assert(w[off / 8] == xenlend_test_pattern(rc.res_handle, 0, off));
		w2 = map_blob(fd2, ph.handle, size);
		subtest_assert(w2);
		w[1] = 0xabcdef;
		subtest_assert(w2[1] == 0xabcdef);
		munmap(w2, size);
		munmap(w, size);
	}
	close(fd2);
	close(buf);

	ph = (struct drm_prime_handle){ .handle = 4242, .flags = DRM_CLOEXEC };
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph), ENOENT);
	/* Importing a file that is no dma-buf. */
	notbuf = open("/dev/null", O_RDONLY);
	subtest_assert(notbuf >= 0);
	ph = (struct drm_prime_handle){ .fd = notbuf };
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph), EINVAL);
	close(notbuf);
	return SUBTEST_SUCCESS;
}

/*
 * A dma-buf of another device (here udmabuf's, guest memory of a memfd; a
 * screen capture buffer would be another's): this device cannot use its
 * pages as a resource of the renderer and says so with DRM's error for a
 * driver that imports no foreign buffer, EINVAL, holding nothing of it.
 */
static int test_prime_import_foreign(int fd)
{
	struct udmabuf_create uc = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = 4 * PAGE };
	struct drm_prime_handle ph = { 0 };
	int dev, mem, buf;
	uint8_t *p;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		printf("no /dev/udmabuf (errno %d): no foreign dma-buf to import\n", errno);
		return SUBTEST_SKIP;
	}
	mem = memfd_create("foreign", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	subtest_assert(mem >= 0);
	subtest_assert(!ftruncate(mem, (off_t)uc.size));
	subtest_assert(!fcntl(mem, F_ADD_SEALS, F_SEAL_SHRINK));
	uc.memfd = (uint32_t)mem;
	buf = ioctl(dev, UDMABUF_CREATE, &uc);
	subtest_assert(buf >= 0);
	ph.fd = buf;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph), EINVAL);
	/* The buffer is its exporter's as before. */
	p = mmap(NULL, uc.size, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	subtest_assert(p != MAP_FAILED);
	p[0] = 0x5a;
	subtest_assert(pread(mem, &p[1], 1, 0) == 1 && p[1] == 0x5a);
	munmap(p, uc.size);
	close(buf);
	close(mem);
	close(dev);
	return SUBTEST_SUCCESS;
}

static const struct subtest tests[] = {
	{ .name = "version", .fn = test_version },
	{ .name = "getparam", .fn = test_getparam },
	{ .name = "getparam-bad", .fn = test_getparam_bad },
	{ .name = "create-blob-bad", .fn = test_create_blob_bad },
	{ .name = "bad-handles", .fn = test_bad_handles },
	{ .name = "handles-per-file", .fn = test_handles_per_file },
	{ .name = "mmap-bad", .fn = test_mmap_bad },
	{ .name = "mmap-pattern", .fn = test_mmap_pattern },
	{ .name = "close-with-live-mapping", .fn = test_close_with_live_mapping },
	{ .name = "close-file-with-live-mapping", .fn = test_close_file_with_live_mapping },
	{ .name = "prime-lent", .fn = test_prime_lent },
	{ .name = "prime-import-foreign", .fn = test_prime_import_foreign },
	{ .name = "unbind-with-live-mapping", .fn = test_unbind_with_live_mapping,
	  .explicit_only = true },
};

int main(int argc, char **argv)
{
	const char *only = argc == 3 && !strcmp(argv[1], "--run-subtest") ? argv[2] : NULL;

	return subtests_run(tests, sizeof(tests) / sizeof(tests[0]), open_render_node, only);
}
