// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend_render: capability sets, rendering contexts, command submission,
 * fences and classic 3D resources in guest memory (RESOURCE_CREATE and
 * transfers) of the render node, against the broker's real renderer
 * (virglrenderer in a render worker in dom0), with good and bad arguments.
 * Runs in a test domU whose broker has a renderer: no renderer is a failure.
 *
 * usage: xenlend_render [--run-subtest NAME]
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <drm/drm.h>
#include <drm/virtgpu_drm.h>
#include <linux/sync_file.h>

#include "guest-util.h"
#include "subtest.h"

#define PAGE 4096u

/* virtio-gpu capability set ids. */
#define CAPSET_VIRGL2	2
#define CAPSET_VENUS	4
#define CAPSET_DRM	6

/*
 * struct virgl_caps_v2 (virgl_hw.h of Mesa and virglrenderer): byte offsets
 * of the fields checked here, and the capability bit the broker must hide
 * (GL persistent buffers would live in the worker's heap, which cannot be
 * lent safely; see docs/RESEARCH-virglrenderer.md).
 */
#define VIRGL_CAPS_MAX_VERSION		0
#define VIRGL_CAPS_GLSL_LEVEL		264
#define VIRGL_CAPS_CAPABILITY_BITS	392
#define VIRGL_CAP_ARB_BUFFER_STORAGE	(1u << 31)

/* virgl command stream: header dword = cmd | object << 8 | length << 16. */
#define VIRGL_CCMD_SET_SUB_CTX		28
#define VIRGL_CCMD_CREATE_SUB_CTX	29
#define VIRGL_CCMD_RESOURCE_COPY_REGION	17
#define VIRGL_COPY_REGION_LEN		13	/* dst res, level, x, y, z, src ..., w, h, d */
#define VIRGL_CMD(cmd, len)		((uint32_t)(cmd) | (uint32_t)(len) << 16)

/* A 64x64 B8G8R8A8 2D texture: Gallium target, virgl format and binds. */
#define TEX_TARGET_2D			2
#define TEX_FORMAT_B8G8R8A8		1
#define TEX_BIND			((1u << 1) | (1u << 3))	/* render target, sampler view */
#define TEX_SIDE			64u
#define TEX_BYTES			(TEX_SIDE * TEX_SIDE * 4)

/* Bound on waiting for a fence: a hang guard, not a timing assertion. */
#define FENCE_WAIT_MS	60000

static int open_render_node(void)
{
	return open_xenlend(NULL);
}

static int getparam(int fd, uint64_t param, int *value)
{
	struct drm_virtgpu_getparam gp = { .param = param, .value = (uintptr_t)value };

	return ioctl(fd, DRM_IOCTL_VIRTGPU_GETPARAM, &gp);
}

static int get_caps(int fd, uint32_t id, uint32_t ver, void *buf, uint32_t size)
{
	struct drm_virtgpu_get_caps gc = {
		.cap_set_id = id, .cap_set_ver = ver, .addr = (uintptr_t)buf, .size = size,
	};

	return ioctl(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &gc);
}

static int context_init(int fd, uint32_t capset, uint32_t rings)
{
	struct drm_virtgpu_context_set_param p[2] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, capset },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, rings },
	};
	struct drm_virtgpu_context_init ci = { .num_params = 2,
					       .ctx_set_params = (uintptr_t)p };

	return ioctl(fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci);
}

/* EXECBUFFER of @dwords with an out-fence on @ring; the fence fd or -1. */
static int submit(int fd, const uint32_t *dwords, uint32_t n, uint32_t ring,
		  const uint32_t *bos, uint32_t nr_bos)
{
	struct drm_virtgpu_execbuffer eb = {
		.flags = VIRTGPU_EXECBUF_FENCE_FD_OUT | VIRTGPU_EXECBUF_RING_IDX,
		.size = n * 4,
		.command = (uintptr_t)dwords,
		.bo_handles = (uintptr_t)bos,
		.num_bo_handles = nr_bos,
		.ring_idx = ring,
		.fence_fd = -1,
	};

	if (ioctl(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, &eb))
		return -1;
	return eb.fence_fd;
}

/* Wait for a sync_file; its status: 1 signalled, < 0 error, 0 timeout. */
static int fence_wait(int fence)
{
	struct sync_file_info info = { 0 };
	struct pollfd pfd = { .fd = fence, .events = POLLIN };

	if (poll(&pfd, 1, FENCE_WAIT_MS) != 1)
		return 0;
	if (ioctl(fence, SYNC_IOC_FILE_INFO, &info))
		return -1000;
	return info.status;
}

/* CREATE_SUB_CTX(1), SET_SUB_CTX(1), then @extra SET_SUB_CTX(1): 4 + 2n dwords. */
static uint32_t *virgl_stream(uint32_t extra, uint32_t *n)
{
	uint32_t *s = calloc(4 + 2 * extra, 4), i;

	if (!s)
		return NULL;
	s[0] = VIRGL_CMD(VIRGL_CCMD_CREATE_SUB_CTX, 1);
	s[1] = 1;
	for (i = 0; i <= extra; i++) {
		s[2 + 2 * i] = VIRGL_CMD(VIRGL_CCMD_SET_SUB_CTX, 1);
		s[3 + 2 * i] = 1;
	}
	*n = 4 + 2 * extra;
	return s;
}

static int test_getparam_render(int fd)
{
	int v = 0;

	subtest_assert(!getparam(fd, VIRTGPU_PARAM_3D_FEATURES, &v));
	subtest_assert(v == 1);
	subtest_assert(!getparam(fd, VIRTGPU_PARAM_CONTEXT_INIT, &v));
	subtest_assert(v == 1);
	subtest_assert(!getparam(fd, VIRTGPU_PARAM_CAPSET_QUERY_FIX, &v));
	subtest_assert(v == 1);
	subtest_assert(!getparam(fd, VIRTGPU_PARAM_SUPPORTED_CAPSET_IDs, &v));
	printf("capability sets %#x\n", v);
	subtest_assert(v & (1 << CAPSET_VIRGL2));
	subtest_assert(v & (1 << CAPSET_VENUS));
	subtest_assert(!(v & (1 << CAPSET_DRM)));
	return SUBTEST_SUCCESS;
}

static int test_get_caps_virgl2(int fd)
{
	uint8_t caps[PAGE], first[PAGE], v1[PAGE];
	uint32_t u;

	memset(caps, 0xee, sizeof(caps));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 2, caps, sizeof(caps)));
	memcpy(&u, caps + VIRGL_CAPS_MAX_VERSION, 4);
	subtest_assert(u >= 2);
	memcpy(&u, caps + VIRGL_CAPS_GLSL_LEVEL, 4);
	printf("glsl level %u\n", u);
	subtest_assert(u >= 130 && u < 1000);
	memcpy(&u, caps + VIRGL_CAPS_CAPABILITY_BITS, 4);
	printf("capability bits %#x\n", u);
	subtest_assert(u != 0);
	subtest_assert(!(u & VIRGL_CAP_ARB_BUFFER_STORAGE));
	/* A short buffer gets the start of the same set. */
	memset(caps, 0, sizeof(caps));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 2, caps, 8));
	memcpy(&u, caps + VIRGL_CAPS_MAX_VERSION, 4);
	subtest_assert(u >= 2);
	subtest_assert(caps[8] == 0);
	/*
	 * The driver keeps what the broker sent: the same bytes every time,
	 * whether another version was asked for in between or not.
	 */
	memset(first, 0xee, sizeof(first));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 2, first, sizeof(first)));
	memset(caps, 0xee, sizeof(caps));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 2, caps, sizeof(caps)));
	subtest_assert(!memcmp(caps, first, sizeof(caps)));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 1, v1, sizeof(v1)));
	memset(caps, 0xee, sizeof(caps));
	subtest_assert(!get_caps(fd, CAPSET_VIRGL2, 2, caps, sizeof(caps)));
	subtest_assert(!memcmp(caps, first, sizeof(caps)));
	return SUBTEST_SUCCESS;
}

static int test_get_caps_venus(int fd)
{
	uint32_t caps[64] = { 0 };

	subtest_assert(!get_caps(fd, CAPSET_VENUS, 0, caps, sizeof(caps)));
	printf("venus wire format version %u\n", caps[0]);
	subtest_assert(caps[0] != 0);
	return SUBTEST_SUCCESS;
}

static int test_get_caps_bad(int fd)
{
	struct drm_virtgpu_get_caps gc = { .cap_set_id = CAPSET_VIRGL2, .cap_set_ver = 2 };
	uint8_t caps[PAGE];

	subtest_assert_errno(get_caps(fd, CAPSET_VIRGL2, 2, caps, 0), EINVAL);
	subtest_assert_errno(get_caps(fd, CAPSET_DRM, 0, caps, sizeof(caps)), EINVAL);
	subtest_assert_errno(get_caps(fd, 99, 0, caps, sizeof(caps)), EINVAL);
	subtest_assert_errno(get_caps(fd, CAPSET_VIRGL2, 99, caps, sizeof(caps)), EINVAL);
	subtest_assert_errno(get_caps(fd, CAPSET_VIRGL2, 2, (void *)8, sizeof(caps)), EFAULT);
	gc.addr = (uintptr_t)caps;
	gc.size = sizeof(caps);
	gc.pad = 1;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_GET_CAPS, &gc), EINVAL);
	return SUBTEST_SUCCESS;
}

static int init_params(int fd, const struct drm_virtgpu_context_set_param *p, uint32_t n)
{
	struct drm_virtgpu_context_init ci = { .num_params = n, .ctx_set_params = (uintptr_t)p };

	return ioctl(fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci);
}

static int test_context_init_bad(int fd)
{
	struct drm_virtgpu_context_set_param p[5] = {
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, CAPSET_VIRGL2 },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 1 },
		{ VIRTGPU_CONTEXT_PARAM_POLL_RINGS_MASK, 0 },
		{ VIRTGPU_CONTEXT_PARAM_CAPSET_ID, CAPSET_VIRGL2 },
		{ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 1 },
	};
	struct drm_virtgpu_context_set_param q;
	struct drm_virtgpu_context_init ci = { .num_params = 1, .pad = 1,
					       .ctx_set_params = (uintptr_t)p };

	subtest_assert_errno(init_params(fd, p, 0), EINVAL);
	subtest_assert_errno(init_params(fd, p, 5), EINVAL);
	subtest_assert_errno(init_params(fd, p, 4), EINVAL);	/* CAPSET_ID twice */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_CONTEXT_INIT, &ci), EINVAL);
	subtest_assert_errno(init_params(fd, (void *)8, 1), EFAULT);
	q = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_NUM_RINGS, 1 };
	subtest_assert_errno(init_params(fd, &q, 1), EINVAL);	/* no capability set */
	q = (struct drm_virtgpu_context_set_param){ 99, 0 };
	subtest_assert_errno(init_params(fd, &q, 1), EINVAL);
	q = (struct drm_virtgpu_context_set_param){ VIRTGPU_CONTEXT_PARAM_DEBUG_NAME, 0 };
	subtest_assert_errno(init_params(fd, &q, 1), EINVAL);
	subtest_assert_errno(context_init(fd, CAPSET_DRM, 1), EINVAL);
	subtest_assert_errno(context_init(fd, 1u << 20, 1), EINVAL);
	subtest_assert_errno(context_init(fd, CAPSET_VIRGL2, 0), EINVAL);
	subtest_assert_errno(context_init(fd, CAPSET_VIRGL2, 65), EINVAL);
	p[2].value = 1;
	subtest_assert_errno(init_params(fd, p, 3), EINVAL);	/* POLL_RINGS_MASK */
	/* After all that, the file can still get its context, once. */
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert_errno(context_init(fd, CAPSET_VIRGL2, 1), EEXIST);
	return SUBTEST_SUCCESS;
}

static int test_virgl_submit_fence(int fd)
{
	uint32_t n, *s = virgl_stream(0, &n);
	int f, st;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	f = submit(fd, s, n, 0, NULL, 0);
	subtest_assert(f >= 0);
	st = fence_wait(f);
	printf("fence status %d\n", st);
	subtest_assert(st == 1);
	close(f);
	free(s);
	return SUBTEST_SUCCESS;
}

static int test_virgl_submit_chunks(int fd)
{
	uint32_t n, *s = virgl_stream(3 * PAGE / 8, &n);	/* four bulk pages' worth */
	int f1, f2;

	subtest_assert(s);
	subtest_assert(n * 4 > 3 * PAGE);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	f1 = submit(fd, s, n, 0, NULL, 0);
	subtest_assert(f1 >= 0);
	f2 = submit(fd, s + 2, n - 2, 0, NULL, 0);
	subtest_assert(f2 >= 0);
	subtest_assert(fence_wait(f1) == 1);
	subtest_assert(fence_wait(f2) == 1);
	close(f1);
	close(f2);
	free(s);
	return SUBTEST_SUCCESS;
}

/*
 * Last, because a junk stream may take the guest's render worker down with
 * it (virglrenderer's decoder is not robust against everything): then the
 * broker completes the guest's fences with an error, and only this guest's
 * rendering is gone. Either way no fence may hang.
 */
static int test_virgl_junk(int fd)
{
	uint32_t junk[256], n, *s = virgl_stream(0, &n);
	int f, st, fd2;

	subtest_assert(s);
	memset(junk, 0xa5, sizeof(junk));
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	f = submit(fd, junk, 256, 0, NULL, 0);
	subtest_assert(f >= 0);
	st = fence_wait(f);
	printf("junk stream: fence status %d\n", st);
	subtest_assert(st != 0 && st != 1);	/* completes, with an error */
	close(f);
	/* Another context of the guest: served, or failed cleanly. */
	fd2 = open_render_node();
	subtest_assert(fd2 >= 0);
	if (context_init(fd2, CAPSET_VIRGL2, 1)) {
		printf("the render worker did not survive it: %s\n", strerror(errno));
		subtest_assert(errno == EIO);
	} else {
		f = submit(fd2, s, n, 0, NULL, 0);
		subtest_assert(f >= 0);
		st = fence_wait(f);
		printf("valid stream after it: fence status %d\n", st);
		subtest_assert(st != 0);
		close(f);
	}
	close(fd2);
	free(s);
	return SUBTEST_SUCCESS;
}

static int test_venus_submit_fence(int fd)
{
	int f;

	subtest_assert(!context_init(fd, CAPSET_VENUS, 1));
	f = submit(fd, NULL, 0, 0, NULL, 0);
	subtest_assert(f >= 0);
	subtest_assert(fence_wait(f) == 1);
	close(f);
	return SUBTEST_SUCCESS;
}

static int execbuffer(int fd, struct drm_virtgpu_execbuffer *eb)
{
	return ioctl(fd, DRM_IOCTL_VIRTGPU_EXECBUFFER, eb);
}

static int test_execbuffer_bad(int fd)
{
	uint32_t n, *s = virgl_stream(0, &n), bogus = 4242;
	struct drm_virtgpu_execbuffer eb, good = {
		.size = n * 4, .command = (uintptr_t)s, .fence_fd = -1,
	};

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 2));
	eb = good;
	eb.flags = 0x80;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb = good;
	eb.size = 6;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb = good;
	eb.size = (1u << 20) + 4;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb = good;
	eb.flags = VIRTGPU_EXECBUF_RING_IDX;
	eb.ring_idx = 2;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb = good;
	eb.command = 8;
	subtest_assert_errno(execbuffer(fd, &eb), EFAULT);
	eb = good;
	eb.bo_handles = (uintptr_t)&bogus;
	eb.num_bo_handles = 1;
	subtest_assert_errno(execbuffer(fd, &eb), ENOENT);
	eb = good;
	eb.flags = VIRTGPU_EXECBUF_FENCE_FD_IN;
	eb.fence_fd = 0;	/* stdin, not a sync_file */
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	/* Syncobj arrays: a stride too short for an entry, too many entries. */
	eb = good;
	eb.num_in_syncobjs = 1;
	eb.in_syncobjs = (uintptr_t)&bogus;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb.syncobj_stride = sizeof(struct drm_virtgpu_execbuffer_syncobj);
	eb.num_in_syncobjs = 1025;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	eb = good;
	eb.syncobj_stride = sizeof(struct drm_virtgpu_execbuffer_syncobj);
	eb.num_out_syncobjs = 1025;
	subtest_assert_errno(execbuffer(fd, &eb), EINVAL);
	/* The context is fine afterwards. */
	eb = good;
	subtest_assert(!execbuffer(fd, &eb));
	free(s);
	return SUBTEST_SUCCESS;
}

/* A texture in guest memory, mapped; 0 or -1. */
static int texture_create(int fd, struct drm_virtgpu_resource_create *rc, uint8_t **map)
{
	struct drm_virtgpu_map m = { 0 };
	void *p;

	*rc = (struct drm_virtgpu_resource_create){
		.target = TEX_TARGET_2D, .format = TEX_FORMAT_B8G8R8A8, .bind = TEX_BIND,
		.width = TEX_SIDE, .height = TEX_SIDE, .depth = 1, .array_size = 1,
		.size = TEX_BYTES, .stride = TEX_SIDE * 4,
	};
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, rc))
		return -1;
	m.handle = rc->bo_handle;
	if (ioctl(fd, DRM_IOCTL_VIRTGPU_MAP, &m))
		return -1;
	p = mmap(NULL, TEX_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)m.offset);
	if (p == MAP_FAILED)
		return -1;
	*map = p;
	return 0;
}

/* A transfer of the whole texture, or of the columns from @x on. */
static int transfer(int fd, unsigned long req, uint32_t handle, uint32_t x)
{
	struct drm_virtgpu_3d_transfer_to_host t = {
		.bo_handle = handle,
		.box = { .x = x, .w = TEX_SIDE, .h = TEX_SIDE, .d = 1 },
		.offset = x * 4,
		.stride = TEX_SIDE * 4,
	};

	return ioctl(fd, req, &t);
}

static uint8_t texel_byte(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 8));
}

/* Bytes of a mapped texture that differ from the pattern. */
static size_t pattern_errors(const uint8_t *p)
{
	size_t i, bad = 0;

	for (i = 0; i < TEX_BYTES; i++)
		bad += p[i] != texel_byte(i);
	return bad;
}

/* A texture holding the pattern, in guest memory and in the renderer. */
static int pattern_texture(int fd, struct drm_virtgpu_resource_create *rc, uint8_t **map)
{
	size_t i;

	if (texture_create(fd, rc, map))
		return -1;
	for (i = 0; i < TEX_BYTES; i++)
		(*map)[i] = texel_byte(i);
	return transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, rc->bo_handle, 0);
}

static int test_fences_in_and_wait(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_virtgpu_3d_wait w = { 0 };
	uint32_t n, *s = virgl_stream(0, &n);
	struct drm_virtgpu_execbuffer eb;
	uint8_t *tex;
	int f;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!texture_create(fd, &rc, &tex));
	f = submit(fd, s, n, 0, &rc.bo_handle, 1);
	subtest_assert(f >= 0);
	/* A submission after it that waits for its fence first. */
	eb = (struct drm_virtgpu_execbuffer){
		.flags = VIRTGPU_EXECBUF_FENCE_FD_IN, .size = n * 4,
		.command = (uintptr_t)s, .fence_fd = f,
	};
	subtest_assert(!execbuffer(fd, &eb));
	subtest_assert(fence_wait(f) == 1);
	/* The object's submission is done: WAIT returns at once. */
	w.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_WAIT, &w));
	w.flags = VIRTGPU_WAIT_NOWAIT;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_WAIT, &w));
	w.flags = 2;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), EINVAL);
	w.flags = 0;
	w.handle = 4242;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_WAIT, &w), ENOENT);
	close(f);
	free(s);
	return SUBTEST_SUCCESS;
}

static int syncobj_create(int fd, uint32_t flags)
{
	struct drm_syncobj_create c = { .flags = flags };

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_CREATE, &c) ? 0 : (int)c.handle;
}

/* DRM_IOCTL_SYNCOBJ_WAIT (binary) for one syncobj; 0 or -1 with errno. */
static int syncobj_wait(int fd, uint32_t h, int64_t timeout_ns, uint32_t flags)
{
	struct drm_syncobj_wait w = {
		.handles = (uintptr_t)&h, .count_handles = 1, .flags = flags,
		.timeout_nsec = timeout_ns,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_WAIT, &w);
}

/* Wait for point @point of timeline syncobj @h; 0 or -1 with errno. */
static int timeline_wait(int fd, uint32_t h, uint64_t point, int64_t timeout_ns)
{
	struct drm_syncobj_timeline_wait w = {
		.handles = (uintptr_t)&h, .points = (uintptr_t)&point, .count_handles = 1,
		.timeout_nsec = timeout_ns,
	};

	return ioctl(fd, DRM_IOCTL_SYNCOBJ_TIMELINE_WAIT, &w);
}

/* The last signalled point of timeline syncobj @h, or -1. */
static int64_t timeline_query(int fd, uint32_t h)
{
	struct drm_syncobj_timeline_array q = {
		.handles = (uintptr_t)&h, .count_handles = 1,
	};
	uint64_t point = 0;

	q.points = (uintptr_t)&point;
	return ioctl(fd, DRM_IOCTL_SYNCOBJ_QUERY, &q) ? -1 : (int64_t)point;
}

/* An absolute CLOCK_MONOTONIC deadline FENCE_WAIT_MS from now, in ns. */
static int64_t deadline(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + (int64_t)FENCE_WAIT_MS * 1000000;
}

/* EXECBUFFER of @s with in- and out-syncobjs; 0 or -1 with errno. */
static int submit_syncobjs(int fd, const uint32_t *s, uint32_t n,
			   const struct drm_virtgpu_execbuffer_syncobj *in, uint32_t nr_in,
			   const struct drm_virtgpu_execbuffer_syncobj *out, uint32_t nr_out)
{
	struct drm_virtgpu_execbuffer eb = {
		.size = n * 4, .command = (uintptr_t)s, .fence_fd = -1,
		.syncobj_stride = sizeof(*in),
		.num_in_syncobjs = nr_in, .in_syncobjs = (uintptr_t)in,
		.num_out_syncobjs = nr_out, .out_syncobjs = (uintptr_t)out,
	};

	return execbuffer(fd, &eb);
}

static int test_syncobj_cap(int fd)
{
	struct drm_get_cap cap = { .capability = DRM_CAP_SYNCOBJ };

	subtest_assert(!ioctl(fd, DRM_IOCTL_GET_CAP, &cap));
	subtest_assert(cap.value == 1);
	cap = (struct drm_get_cap){ .capability = DRM_CAP_SYNCOBJ_TIMELINE };
	subtest_assert(!ioctl(fd, DRM_IOCTL_GET_CAP, &cap));
	subtest_assert(cap.value == 1);
	return SUBTEST_SUCCESS;
}

/*
 * Out-syncobjs get the submission's fence (binary: in place of theirs;
 * timeline: at their point), in-syncobjs are waited for (one imported from
 * a sync_file out-fence, one at a timeline point) and, when flagged so,
 * reset once the stream went.
 */
static int test_syncobj_submit(int fd)
{
	struct drm_virtgpu_execbuffer_syncobj in[2] = { 0 }, out[2] = { 0 };
	struct drm_syncobj_handle imp = { 0 };
	uint32_t n, *s = virgl_stream(0, &n);
	int bin, tl, fromfd, f;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	bin = syncobj_create(fd, 0);
	tl = syncobj_create(fd, 0);
	fromfd = syncobj_create(fd, 0);
	subtest_assert(bin && tl && fromfd);
	subtest_assert_errno(syncobj_wait(fd, bin, 0, 0), EINVAL);	/* no fence yet */

	out[0].handle = bin;
	out[1].handle = tl;
	out[1].point = 1;
	subtest_assert(!submit_syncobjs(fd, s, n, NULL, 0, out, 2));
	subtest_assert(!syncobj_wait(fd, bin, deadline(), 0));
	subtest_assert(!timeline_wait(fd, tl, 1, deadline()));
	subtest_assert(timeline_query(fd, tl) == 1);
	out[1].point = 2;
	subtest_assert(!submit_syncobjs(fd, s, n, NULL, 0, &out[1], 1));
	subtest_assert(!timeline_wait(fd, tl, 2, deadline()));
	subtest_assert(timeline_query(fd, tl) == 2);

	/* A sync_file out-fence imported into a syncobj, waited for as one. */
	f = submit(fd, s, n, 0, NULL, 0);
	subtest_assert(f >= 0);
	imp.handle = fromfd;
	imp.fd = f;
	imp.flags = DRM_SYNCOBJ_FD_TO_HANDLE_FLAGS_IMPORT_SYNC_FILE;
	subtest_assert(!ioctl(fd, DRM_IOCTL_SYNCOBJ_FD_TO_HANDLE, &imp));
	close(f);
	in[0].handle = fromfd;
	in[1].handle = tl;
	in[1].point = 2;
	in[1].flags = VIRTGPU_EXECBUF_SYNCOBJ_RESET;
	in[0].flags = VIRTGPU_EXECBUF_SYNCOBJ_RESET;
	out[0].handle = bin;
	subtest_assert(!submit_syncobjs(fd, s, n, in, 2, out, 1));
	subtest_assert(!syncobj_wait(fd, bin, deadline(), 0));
	/* Reset: no fence any more. */
	subtest_assert_errno(syncobj_wait(fd, fromfd, 0, 0), EINVAL);
	subtest_assert(timeline_query(fd, tl) == 0);
	free(s);
	return SUBTEST_SUCCESS;
}

/* Bad syncobjs fail with their error and change nothing. */
static int test_syncobj_bad(int fd)
{
	struct drm_virtgpu_execbuffer_syncobj in = { 0 }, out = { 0 }, two[2] = { 0 };
	uint32_t n, *s = virgl_stream(0, &n);
	struct drm_virtgpu_execbuffer eb;
	int empty, target;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	empty = syncobj_create(fd, 0);
	target = syncobj_create(fd, 0);
	subtest_assert(empty && target);
	out.handle = target;

	in.handle = 4242;	/* names no syncobj */
	subtest_assert_errno(submit_syncobjs(fd, s, n, &in, 1, &out, 1), ENOENT);
	in.handle = empty;	/* no fence to wait for */
	subtest_assert_errno(submit_syncobjs(fd, s, n, &in, 1, &out, 1), EINVAL);
	in.flags = 0x80;
	subtest_assert_errno(submit_syncobjs(fd, s, n, &in, 1, &out, 1), EINVAL);
	out.handle = 4242;
	subtest_assert_errno(submit_syncobjs(fd, s, n, NULL, 0, &out, 1), ENOENT);
	out.handle = target;
	out.flags = VIRTGPU_EXECBUF_SYNCOBJ_RESET;	/* means nothing for an out-syncobj */
	subtest_assert_errno(submit_syncobjs(fd, s, n, NULL, 0, &out, 1), EINVAL);
	out.flags = 0x80;
	subtest_assert_errno(submit_syncobjs(fd, s, n, NULL, 0, &out, 1), EINVAL);
	subtest_assert_errno(submit_syncobjs(fd, s, n, (void *)8, 1, NULL, 0), EFAULT);
	subtest_assert_errno(submit_syncobjs(fd, s, n, NULL, 0, (void *)8, 1), EFAULT);
	/* None of these reached the syncobj: it still has no fence. */
	subtest_assert_errno(syncobj_wait(fd, target, 0, 0), EINVAL);
	/* A longer stride (a newer struct) is fine; its tail is not read. */
	two[0].handle = target;
	two[1].flags = 0xdead;
	eb = (struct drm_virtgpu_execbuffer){
		.size = n * 4, .command = (uintptr_t)s, .fence_fd = -1,
		.syncobj_stride = sizeof(two), .num_out_syncobjs = 1,
		.out_syncobjs = (uintptr_t)two,
	};
	subtest_assert(!execbuffer(fd, &eb));
	subtest_assert(!syncobj_wait(fd, target, deadline(), 0));
	free(s);
	return SUBTEST_SUCCESS;
}

static int test_close_with_pending_fence(int fd)
{
	uint32_t n, *s = virgl_stream(0, &n);
	int f;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	f = submit(fd, s, n, 0, NULL, 0);
	subtest_assert(f >= 0);
	/* Closing the file ends the context; its fence still completes. */
	subtest_assert(!close(fd));
	subtest_assert(fence_wait(f) != 0);
	close(f);
	free(s);
	return SUBTEST_SUCCESS;
}

static int test_resource_transfer(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_virtgpu_resource_info ri = { 0 };
	uint32_t n, *s = virgl_stream(0, &n);
	uint8_t *tex;
	size_t i, bad;
	int f;

	subtest_assert(s);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	/* A sub-context first, as Mesa makes one. */
	f = submit(fd, s, n, 0, NULL, 0);
	subtest_assert(f >= 0 && fence_wait(f) == 1);
	subtest_assert(!texture_create(fd, &rc, &tex));
	subtest_assert(rc.res_handle);
	ri.bo_handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.res_handle == rc.res_handle && ri.size == TEX_BYTES && !ri.blob_mem);
	for (i = 0; i < TEX_BYTES; i++)
		tex[i] = texel_byte(i);
	subtest_assert(!transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, rc.bo_handle, 0));
	/* Only the renderer's copy holds the texels now. */
	memset(tex, 0, TEX_BYTES);
	subtest_assert(!transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, rc.bo_handle, 0));
	bad = pattern_errors(tex);
	printf("texture of %u bytes back from dom0's renderer: %zu bytes differ\n", TEX_BYTES,
	       bad);
	subtest_assert(bad == 0);
	munmap(tex, TEX_BYTES);
	close(f);
	free(s);
	return SUBTEST_SUCCESS;
}

static int test_resource_copy_region(int fd)
{
	struct drm_virtgpu_resource_create a, b;
	struct drm_virtgpu_3d_wait w = { 0 };
	uint32_t s[4 + 1 + VIRGL_COPY_REGION_LEN] = { 0 }, bos[2], n, *sub = virgl_stream(0, &n);
	uint8_t *ta, *tb;
	size_t i, bad;
	int f;

	subtest_assert(sub);
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!texture_create(fd, &a, &ta));
	subtest_assert(!texture_create(fd, &b, &tb));
	for (i = 0; i < TEX_BYTES; i++)
		ta[i] = texel_byte(i);
	memset(tb, 0, TEX_BYTES);
	subtest_assert(!transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, a.bo_handle, 0));
	/* A command stream naming both: the renderer copies a into b. */
	memcpy(s, sub, 4 * 4);
	s[4] = VIRGL_CMD(VIRGL_CCMD_RESOURCE_COPY_REGION, VIRGL_COPY_REGION_LEN);
	s[5] = b.res_handle;
	s[10] = a.res_handle;
	s[15] = TEX_SIDE;
	s[16] = TEX_SIDE;
	s[17] = 1;
	bos[0] = a.bo_handle;
	bos[1] = b.bo_handle;
	f = submit(fd, s, sizeof(s) / 4, 0, bos, 2);
	subtest_assert(f >= 0);
	w.handle = b.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_WAIT, &w));
	subtest_assert(fence_wait(f) == 1);
	subtest_assert(!transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, b.bo_handle, 0));
	bad = pattern_errors(tb);
	printf("texture copied by dom0's renderer: %zu of %u bytes differ\n", bad, TEX_BYTES);
	subtest_assert(bad == 0);
	munmap(ta, TEX_BYTES);
	munmap(tb, TEX_BYTES);
	close(f);
	free(sub);
	return SUBTEST_SUCCESS;
}

static int test_resource_bad(int fd)
{
	struct drm_virtgpu_resource_create rc, bad;
	struct drm_virtgpu_resource_create_blob blob = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = PAGE,
	};
	struct drm_virtgpu_3d_transfer_to_host t = { 0 };
	uint8_t *tex;

	/* Lent memory of dom0's: made before the file has a rendering context. */
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &blob));
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!texture_create(fd, &rc, &tex));
	/* Parameters: ours (bo_handle), the codec's (target), the renderer's (format). */
	bad = rc;
	bad.bo_handle = rc.bo_handle;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &bad), EINVAL);
	bad = rc;
	bad.bo_handle = 0;
	bad.target = 99;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &bad), EINVAL);
	bad.target = TEX_TARGET_2D;
	bad.format = 0xffff;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &bad), EINVAL);
	bad.format = TEX_FORMAT_B8G8R8A8;
	bad.size = 0x7fffffff;	/* over what the broker lends or maps for a guest */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE, &bad), EINVAL);

	/* Transfers: bad handle, lent blob, empty box, box past the texture, z over 16 bits. */
	subtest_assert_errno(transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, 4242, 0), ENOENT);
	subtest_assert_errno(transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, blob.bo_handle, 0),
			     EINVAL);
	t.bo_handle = rc.bo_handle;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, &t), EINVAL);
	subtest_assert_errno(transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, rc.bo_handle,
				      TEX_SIDE / 2), EINVAL);
	t.box = (struct drm_virtgpu_3d_box){ .z = 0x10000, .w = 1, .h = 1, .d = 1 };
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, &t), EINVAL);
	t.box.z = 0;
	t.level = 32;
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, &t), EINVAL);
	/* Still serving. */
	subtest_assert(!transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, rc.bo_handle, 0));
	munmap(tex, TEX_BYTES);
	return SUBTEST_SUCCESS;
}

static int test_resource_close_mapped(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_gem_close gc = { 0 };
	uint8_t *tex;

	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!pattern_texture(fd, &rc, &tex));
	/* The handle goes while the mapping stays: the pages stay ours and intact. */
	gc.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc));
	subtest_assert(pattern_errors(tex) == 0);
	subtest_assert_errno(transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, rc.bo_handle, 0),
			     ENOENT);
	munmap(tex, TEX_BYTES);
	return SUBTEST_SUCCESS;
}

static int test_prime_guest_resource(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_virtgpu_resource_info ri = { 0 };
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	uint8_t *tex, *shared;
	size_t i;
	int fd2, buf;

	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!texture_create(fd, &rc, &tex));
	for (i = 0; i < TEX_BYTES; i++)
		tex[i] = texel_byte(i);
	ph.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph));
	buf = ph.fd;
	/* The dma-buf maps the same guest pages. */
	shared = mmap(NULL, TEX_BYTES, PROT_READ, MAP_SHARED, buf, 0);
	subtest_assert(shared != MAP_FAILED);
	subtest_assert(pattern_errors(shared) == 0);
	/* Imported into the same file: the same handle. */
	ph = (struct drm_prime_handle){ .fd = buf };
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	subtest_assert(ph.handle == rc.bo_handle);
	/* Into another file: a new handle of the same resource. */
	fd2 = open_render_node();
	subtest_assert(fd2 >= 0);
	ph = (struct drm_prime_handle){ .fd = buf };
	subtest_assert(!ioctl(fd2, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	ri.bo_handle = ph.handle;
	subtest_assert(!ioctl(fd2, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.res_handle == rc.res_handle && ri.size == TEX_BYTES);
	/* The creator's file goes; the importer keeps the resource. */
	munmap(tex, TEX_BYTES);
	subtest_assert(!close(fd));
	subtest_assert(!ioctl(fd2, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(pattern_errors(shared) == 0);
	munmap(shared, TEX_BYTES);
	close(buf);
	close(fd2);
	return SUBTEST_SUCCESS;
}

/*
 * In @fd's context, copy texture @src (named by its resource id; @src_bo is
 * the file's handle to it, or 0 for none) into a new, zeroed texture of its
 * own and read that back: the bytes that differ from the pattern, or -1.
 * *@untouched: the copy left every byte zero.
 */
static long copy_into_own_texture(int fd, uint32_t src_res, uint32_t src_bo, bool *untouched)
{
	struct drm_virtgpu_resource_create dst;
	uint32_t s[4 + 1 + VIRGL_COPY_REGION_LEN] = { 0 }, bos[2], n, nr_bos = 0;
	uint32_t *sub = virgl_stream(0, &n);
	uint8_t *t;
	long bad = -1;
	int f;

	if (!sub || texture_create(fd, &dst, &t))
		goto out;
	memset(t, 0, TEX_BYTES);
	if (transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_TO_HOST, dst.bo_handle, 0))
		goto unmap;
	memcpy(s, sub, 4 * 4);
	s[4] = VIRGL_CMD(VIRGL_CCMD_RESOURCE_COPY_REGION, VIRGL_COPY_REGION_LEN);
	s[5] = dst.res_handle;
	s[10] = src_res;
	s[15] = TEX_SIDE;
	s[16] = TEX_SIDE;
	s[17] = 1;
	if (src_bo)
		bos[nr_bos++] = src_bo;
	bos[nr_bos++] = dst.bo_handle;
	f = submit(fd, s, sizeof(s) / 4, 0, bos, nr_bos);
	if (f < 0)
		goto unmap;
	if (fence_wait(f) != 0 &&
	    !transfer(fd, DRM_IOCTL_VIRTGPU_TRANSFER_FROM_HOST, dst.bo_handle, 0)) {
		bad = (long)pattern_errors(t);
		*untouched = true;
		for (size_t i = 0; i < TEX_BYTES; i++)
			*untouched &= !t[i];
	}
	close(f);
unmap:
	munmap(t, TEX_BYTES);
out:
	free(sub);
	return bad;
}

/* A new file with a virgl context, that imports @buf first when asked to. */
static int open_importer(int buf, bool import_first, uint32_t *handle)
{
	struct drm_prime_handle ph = { .fd = buf };
	int fd = open_render_node();

	*handle = 0;
	if (fd < 0)
		return -1;
	if (import_first && ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph))
		goto fail;
	if (context_init(fd, CAPSET_VIRGL2, 1))
		goto fail;
	if (!import_first && buf >= 0 && ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph))
		goto fail;
	*handle = ph.handle;
	return fd;
fail:
	close(fd);
	return -1;
}

/*
 * A texture one process made, used by others' contexts (a compositor
 * sampling a client's frame): a file that imported it can render from it,
 * whether it imported before or after it had a context; one that never
 * imported it cannot, by its resource id alone; one that closed its
 * handle cannot any more.
 */
static int test_prime_share_context(int fd)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	struct drm_gem_close gc = { 0 };
	uint32_t hb, hc, none;
	bool untouched = false;
	long bad;
	int buf, b, c, d;
	uint8_t *tex;

	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	subtest_assert(!pattern_texture(fd, &rc, &tex));
	ph.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph));
	buf = ph.fd;

	b = open_importer(buf, false, &hb);
	subtest_assert(b >= 0 && hb);
	bad = copy_into_own_texture(b, rc.res_handle, hb, &untouched);
	printf("importer with a context: %ld bytes of its copy differ\n", bad);
	subtest_assert(bad == 0);

	c = open_importer(buf, true, &hc);
	subtest_assert(c >= 0 && hc);
	bad = copy_into_own_texture(c, rc.res_handle, hc, &untouched);
	printf("importer that had no context yet: %ld bytes of its copy differ\n", bad);
	subtest_assert(bad == 0);

	/* The resource id alone opens nothing. */
	d = open_importer(-1, false, &none);
	subtest_assert(d >= 0);
	untouched = false;
	bad = copy_into_own_texture(d, rc.res_handle, 0, &untouched);
	printf("a file that never imported it: %ld bytes of its copy differ, %s\n", bad,
	       untouched ? "nothing copied" : "something copied");
	subtest_assert(bad == -1 || untouched);

	/* The importer's last handle goes: so does its context's use of it. */
	gc.handle = hb;
	subtest_assert(!ioctl(b, DRM_IOCTL_GEM_CLOSE, &gc));
	untouched = false;
	bad = copy_into_own_texture(b, rc.res_handle, 0, &untouched);
	printf("after the importer closed its handle: %ld bytes of its copy differ, %s\n", bad,
	       untouched ? "nothing copied" : "something copied");
	subtest_assert(bad == -1 || untouched);

	close(d);
	close(c);
	close(b);
	close(buf);
	munmap(tex, TEX_BYTES);
	return SUBTEST_SUCCESS;
}

/*
 * The client: its own file and context, a texture holding the pattern,
 * exported and sent to the compositor with its resource id, a submission
 * whose fence it never waits for and a live mapping; then it waits to be
 * killed. Exit status: what went wrong (a client that was not killed
 * exits when the compositor's end of the socket closes).
 */
static int client_until_killed(int sock)
{
	struct drm_virtgpu_resource_create rc;
	struct drm_prime_handle ph = { .flags = DRM_CLOEXEC | DRM_RDWR };
	uint32_t n, *s = virgl_stream(64, &n);
	int fd = open_render_node();
	uint8_t *tex;

	if (!s || fd < 0 || context_init(fd, CAPSET_VIRGL2, 1) || pattern_texture(fd, &rc, &tex))
		return 2;
	ph.handle = rc.bo_handle;
	if (ioctl(fd, DRM_IOCTL_PRIME_HANDLE_TO_FD, &ph))
		return 3;
	if (submit(fd, s, n, 0, &rc.bo_handle, 1) < 0)
		return 4;
	if (fd_send(sock, ph.fd, &rc.res_handle, sizeof(rc.res_handle)))
		return 5;
	/* Killed here; a compositor that went first ends the wait. */
	while (read(sock, &n, sizeof(n)) > 0)
		;
	return 6;
}

/*
 * A client that dies while the compositor holds its frame (a Wayland
 * client killed mid-frame): the compositor's import keeps the resource,
 * and its context still renders from it, after the client's file, context
 * and mapping went with the client. Closing the import then ends it.
 */
static int test_prime_client_dies(int fd)
{
	struct drm_virtgpu_resource_info ri = { 0 };
	struct drm_prime_handle ph = { 0 };
	struct drm_gem_close gc = { 0 };
	bool untouched = false;
	uint32_t res = 0;
	int sv[2], buf, st = 0;
	long bad;
	pid_t pid;

	subtest_assert(!socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv));
	pid = fork();
	subtest_assert(pid >= 0);
	if (!pid) {
		close(fd);
		close(sv[0]);
		_exit(client_until_killed(sv[1]));
	}
	close(sv[1]);
	buf = fd_recv(sv[0], &res, sizeof(res));
	if (buf < 0) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		printf("the client sent no frame (exit status %d)\n",
		       WIFEXITED(st) ? WEXITSTATUS(st) : -1);
		return SUBTEST_FAIL;
	}
	subtest_assert(!context_init(fd, CAPSET_VIRGL2, 1));
	ph.fd = buf;
	subtest_assert(!ioctl(fd, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph));
	close(buf);

	subtest_assert(!kill(pid, SIGKILL));
	subtest_assert(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st));
	close(sv[0]);

	ri.bo_handle = ph.handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.res_handle == res && ri.size == TEX_BYTES);
	bad = copy_into_own_texture(fd, res, ph.handle, &untouched);
	printf("after the client died: %ld bytes of the compositor's copy differ\n", bad);
	subtest_assert(bad == 0);

	gc.handle = ph.handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc));
	untouched = false;
	bad = copy_into_own_texture(fd, res, 0, &untouched);
	printf("after the compositor let it go: %ld bytes differ, %s\n", bad,
	       untouched ? "nothing copied" : "something copied");
	subtest_assert(bad == -1 || untouched);
	return SUBTEST_SUCCESS;
}

static int test_venus_ring_blob(int fd)
{
	struct drm_virtgpu_resource_create_blob rc = {
		.blob_mem = VIRTGPU_BLOB_MEM_HOST3D,
		.blob_flags = VIRTGPU_BLOB_FLAG_USE_MAPPABLE,
		.size = 16 * PAGE,
	};
	struct drm_virtgpu_resource_info ri = { 0 };
	struct drm_gem_close gc = { 0 };
	struct drm_virtgpu_resource_create_blob bad;

	/* venus's shared memory: blob id 0 of its context, made by dom0's renderer. */
	subtest_assert(!context_init(fd, CAPSET_VENUS, 64));
	bad = rc;
	bad.blob_flags = 0;	/* the guest would never map it: nothing to lend */
	subtest_assert_errno(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &bad), EOPNOTSUPP);
	bad = rc;
	bad.blob_id = 424242;	/* no VkDeviceMemory has that id */
	subtest_assert(ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &bad) == -1);
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc));
	ri.bo_handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_INFO, &ri));
	subtest_assert(ri.res_handle == rc.res_handle && ri.size == 16 * PAGE &&
		       ri.blob_mem == VIRTGPU_BLOB_MEM_HOST3D);
	gc.handle = rc.bo_handle;
	subtest_assert(!ioctl(fd, DRM_IOCTL_GEM_CLOSE, &gc));
	/* Gone on both sides: the same size again works. */
	subtest_assert(!ioctl(fd, DRM_IOCTL_VIRTGPU_RESOURCE_CREATE_BLOB, &rc));
	return SUBTEST_SUCCESS;
}

static const struct subtest tests[] = {
	{ .name = "getparam-render", .fn = test_getparam_render },
	{ .name = "get-caps-virgl2", .fn = test_get_caps_virgl2 },
	{ .name = "get-caps-venus", .fn = test_get_caps_venus },
	{ .name = "get-caps-bad", .fn = test_get_caps_bad },
	{ .name = "context-init-bad", .fn = test_context_init_bad },
	{ .name = "virgl-submit-fence", .fn = test_virgl_submit_fence },
	{ .name = "virgl-submit-chunks", .fn = test_virgl_submit_chunks },
	{ .name = "venus-submit-fence", .fn = test_venus_submit_fence },
	{ .name = "execbuffer-bad", .fn = test_execbuffer_bad },
	{ .name = "fences-in-and-wait", .fn = test_fences_in_and_wait },
	{ .name = "syncobj-cap", .fn = test_syncobj_cap },
	{ .name = "syncobj-submit", .fn = test_syncobj_submit },
	{ .name = "syncobj-bad", .fn = test_syncobj_bad },
	{ .name = "close-with-pending-fence", .fn = test_close_with_pending_fence },
	{ .name = "virgl-junk", .fn = test_virgl_junk },
	{ .name = "resource-transfer", .fn = test_resource_transfer },
	{ .name = "resource-copy-region", .fn = test_resource_copy_region },
	{ .name = "resource-bad", .fn = test_resource_bad },
	{ .name = "resource-close-mapped", .fn = test_resource_close_mapped },
	{ .name = "prime-guest-resource", .fn = test_prime_guest_resource },
	{ .name = "prime-share-context", .fn = test_prime_share_context },
	{ .name = "prime-client-dies", .fn = test_prime_client_dies },
	{ .name = "venus-ring-blob", .fn = test_venus_ring_blob },
};

int main(int argc, char **argv)
{
	const char *only = argc == 3 && !strcmp(argv[1], "--run-subtest") ? argv[2] : NULL;

	return subtests_run(tests, sizeof(tests) / sizeof(tests[0]), open_render_node, only);
}
