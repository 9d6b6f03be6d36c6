// SPDX-License-Identifier: GPL-2.0-only
/*
 * render-smoke: native test of the render worker xenlend-render.
 *
 * Plays the broker's part of dom0-broker/src/render_ipc.h: starts the worker
 * on one end of a SOCK_SEQPACKET pair (as file descriptor RENDER_WORKER_FD),
 * sends it requests and checks every answer with the wire codec and against
 * what virglrenderer should do. Prints one "ok"/"FAIL"/"skip" line per check
 * and a summary; exits 0 only when nothing failed.
 *
 * The worker runs under the broker's seccomp filter (render_sandbox.c).
 *
 * Usage: render-smoke WORKER [WORKER-ARGS...]
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "render_ipc.h"
#include "render_sandbox.h"

/* The worker's fence deadline in this test, in seconds. */
#define FENCE_TIMEOUT_S		2
/* Hang guard for every answer (not a timing assertion). */
#define ANSWER_TIMEOUT_MS	30000

/* virtio-gpu capset ids. */
#define CAPSET_VIRGL2		2
#define CAPSET_VENUS		4
#define CAPSET_DRM		6

/*
 * virgl command encoding (virglrenderer src/virgl_protocol.h): a header
 * dword of command | object << 8 | length << 16, then length dwords.
 */
#define VIRGL_CCMD_SET_SUB_CTX		28
#define VIRGL_CCMD_CREATE_SUB_CTX	29
#define VIRGL_CMD0(cmd, obj, len)	((uint32_t)(cmd) | (uint32_t)(obj) << 8 | (uint32_t)(len) << 16)
#define VIRGL_SUB_CTX_LEN		1	/* sub_ctx_id */
#define VIRGL_CCMD_RESOURCE_COPY_REGION	17
#define VIRGL_COPY_REGION_LEN		13	/* dst res, level, x, y, z, src ..., w, h, d */

/* A 64x64 B8G8R8A8 2D texture (Gallium target, virgl format and binds). */
#define TEX_TARGET_2D			2
#define TEX_FORMAT_B8G8R8A8		1
#define TEX_BIND			((1u << 1) | (1u << 3))	/* render target, sampler view */
#define TEX_SIDE			64
#define TEX_BYTES			(TEX_SIDE * TEX_SIDE * 4)

/* struct virgl_caps_v1/v2 offsets (virglrenderer src/virgl_hw.h). */
#define CAPS_GLSL_LEVEL_OFF		264
#define CAPS_V2_CAPABILITY_BITS_OFF	392
#define CAP_ARB_BUFFER_STORAGE		(1u << 31)

struct pkt {
	struct xenlend_msg m;
	uint8_t payload[RENDER_IPC_MAX_PAYLOAD];
	size_t len;
	int fd;		/* a file that came with it (RESOURCE_CREATE), or -1 */
};

static int sock = -1;
/* Stands for the guest's pages behind resources: the worker's RENDER_GNTDEV_FD. */
static int backing_fd = -1;
static uint8_t *backing;
static pid_t worker;
static unsigned int passes, failures, skips;
static uint64_t next_id = 1;
static struct xenlend_fence fences[256];
static unsigned int nr_fences;

static void result(int ok, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void result(int ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok > 0 ? "ok  " : ok == 0 ? "FAIL" : "skip");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	if (ok > 0)
		passes++;
	else if (ok == 0)
		failures++;
	else
		skips++;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void send_raw(const void *buf, size_t len)
{
	if (send(sock, buf, len, MSG_NOSIGNAL) != (ssize_t)len) {
		perror("render-smoke: send");
		exit(1);
	}
}

static uint64_t send_req(struct xenlend_msg *m, const void *payload, size_t len)
{
	uint8_t buf[RENDER_IPC_MAX_PACKET];

	memcpy(buf, m, sizeof(*m));
	if (len)
		memcpy(buf + sizeof(*m), payload, len);
	send_raw(buf, sizeof(*m) + len);
	return xenlend_msg_id(m);
}

/* Receive one packet. Return: 1, 0 on timeout, -1 at end of file. */
static int recv_pkt(struct pkt *p, int timeout_ms)
{
	struct pollfd pfd = { .fd = sock, .events = POLLIN };
	uint8_t buf[RENDER_IPC_MAX_PACKET + 1];
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = sizeof(buf) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.b, .msg_controllen = sizeof(ctl.b),
	};
	struct cmsghdr *c;
	struct xenlend_verdict v;
	ssize_t n;

	p->fd = -1;
	if (poll(&pfd, 1, timeout_ms) <= 0)
		return 0;
	n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return -1;
	c = CMSG_FIRSTHDR(&mh);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&p->fd, CMSG_DATA(c), sizeof(int));
	if (p->fd >= 0 && (n < (ssize_t)sizeof(p->m) ||
			   ((struct xenlend_msg *)buf)->hdr.type !=
			   (XENLEND_T_RESOURCE_CREATE | XENLEND_T_RESPONSE))) {
		result(0, "worker sent a file with a packet that is no RESOURCE_CREATE response");
		close(p->fd);
		p->fd = -1;
	}
	if (n < (ssize_t)sizeof(p->m) || n > (ssize_t)RENDER_IPC_MAX_PACKET) {
		result(0, "worker sent a packet of %zd bytes", n);
		return 0;
	}
	memcpy(&p->m, buf, sizeof(p->m));
	p->len = n - sizeof(p->m);
	memcpy(p->payload, buf + sizeof(p->m), p->len);
	v = xenlend_msg_check(&p->m, xenlend_msg_type(&p->m) & XENLEND_T_RESPONSE ?
				     XENLEND_Q_CTRL_RSP : XENLEND_Q_EVT_REQ);
	if (v.why)
		result(0, "worker sent an invalid %s packet: %s",
		       xenlend_type_name(xenlend_msg_type(&p->m)), v.why);
	return 1;
}

/* Wait for the response to @id, keeping FENCEs that come meanwhile. */
static int wait_rsp(uint64_t id, struct pkt *p)
{
	double end = now_ms() + ANSWER_TIMEOUT_MS;

	for (;;) {
		int left = (int)(end - now_ms()), r;

		if (left <= 0)
			return 0;
		r = recv_pkt(p, left);
		if (r <= 0)
			return 0;
		if (xenlend_msg_type(&p->m) == XENLEND_T_FENCE) {
			if (nr_fences < sizeof(fences) / sizeof(fences[0]))
				fences[nr_fences++] = p->m.u.fence;
			continue;
		}
		if (xenlend_msg_id(&p->m) == id)
			return 1;
		result(0, "unexpected response id %llu (waiting for %llu)",
		       (unsigned long long)xenlend_msg_id(&p->m), (unsigned long long)id);
	}
}

/* Send a request and wait for its answer. Return: its status, or -1. */
static int64_t call(struct xenlend_msg *m, const void *payload, size_t len, struct pkt *rsp)
{
	struct pkt tmp;

	if (!rsp)
		rsp = &tmp;
	if (!wait_rsp(send_req(m, payload, len), rsp))
		return -1;
	if ((xenlend_msg_type(&rsp->m) & ~XENLEND_T_RESPONSE) != (xenlend_msg_type(m)))
		return -1;
	return xenlend_msg_status(&rsp->m);
}

/*
 * Wait for a FENCE of (@ctx, @ring) covering @fence_id.
 * Return: 1 and its error in @error, or 0 after @timeout_ms.
 */
static int wait_fence(uint32_t ctx, uint32_t ring, uint64_t fence_id, int timeout_ms,
		      uint32_t *error)
{
	double end = now_ms() + timeout_ms;
	struct pkt p;
	unsigned int i;

	for (;;) {
		for (i = 0; i < nr_fences; i++) {
			if (fences[i].ctx_id == ctx &&
			    fences[i].ring_idx == ring &&
			    fences[i].fence_id >= fence_id) {
				*error = fences[i].error;
				memmove(&fences[i], &fences[i + 1],
					(nr_fences - i - 1) * sizeof(fences[0]));
				nr_fences--;
				return 1;
			}
		}
		int left = (int)(end - now_ms());

		if (left <= 0 || recv_pkt(&p, left) <= 0)
			return 0;
		if (xenlend_msg_type(&p.m) == XENLEND_T_FENCE) {
			if (nr_fences < sizeof(fences) / sizeof(fences[0]))
				fences[nr_fences++] = p.m.u.fence;
		} else {
			result(0, "unexpected response id %llu while waiting for a fence",
			       (unsigned long long)xenlend_msg_id(&p.m));
		}
	}
}

static int64_t capset_info(uint32_t index, struct pkt *rsp)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_CAPSET_INFO, next_id++);
	m.u.capset_info.index = index;
	return call(&m, NULL, 0, rsp);
}

static int64_t capset(uint32_t id, uint32_t version, struct pkt *rsp)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_CAPSET, next_id++);
	m.u.capset.capset_id = id;
	m.u.capset.version = version;
	return call(&m, NULL, 0, rsp);
}

static int64_t ctx_create(uint32_t ctx, uint32_t capset_id, uint32_t rings)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_CTX_CREATE, next_id++);
	m.u.ctx_create.ctx_id = ctx;
	m.u.ctx_create.capset_id = capset_id;
	m.u.ctx_create.num_rings = rings;
	return call(&m, NULL, 0, NULL);
}

static int64_t ctx_destroy(uint32_t ctx)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_CTX_DESTROY, next_id++);
	m.u.ctx_destroy.ctx_id = ctx;
	return call(&m, NULL, 0, NULL);
}

static int64_t submit(uint32_t ctx, uint32_t flags, uint32_t ring, uint64_t fence_id,
		      uint32_t offset, const void *data, uint32_t len)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_SUBMIT, next_id++);
	m.u.submit.ctx_id = ctx;
	m.u.submit.flags = flags;
	m.u.submit.fence_id = fence_id;
	m.u.submit.ring_idx = ring;
	m.u.submit.length = len;
	m.u.submit.offset = offset;
	return call(&m, data, len, NULL);
}

static uint32_t get32(const uint8_t *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p + off, 4);
	return v;
}

static void start_worker(char **argv)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv)) {
		perror("render-smoke: socketpair");
		exit(1);
	}
	worker = fork();
	if (worker < 0) {
		perror("render-smoke: fork");
		exit(1);
	}
	if (!worker) {
		/* Out of the way first: either may sit on the other's number. */
		int s = fcntl(sv[1], F_DUPFD, 10), b = fcntl(backing_fd, F_DUPFD, 10);

		if (s < 0 || b < 0 || dup2(s, RENDER_WORKER_FD) < 0 ||
		    dup2(b, RENDER_GNTDEV_FD) < 0)
			_exit(127);
		/* Under the broker's seccomp filter, as in dom0. */
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) || render_sandbox_apply()) {
			perror("render-smoke: seccomp");
			_exit(127);
		}
		execv(argv[0], argv);
		perror("render-smoke: exec");
		_exit(127);
	}
	close(sv[1]);
	sock = sv[0];
}

/* The checks of the capability sets. */
static void test_capsets(double t0)
{
	uint32_t ids[8], i, n = 0, max_ver2 = 0, size2 = 0, glsl, bits;
	bool have2 = false, have4 = false;
	struct xenlend_msg nop;
	struct pkt p;
	int64_t st;

	for (i = 0; i < 8; i++) {
		st = capset_info(i, &p);
		if (i == 0)
			printf("info worker init time (spawn to first CAPSET_INFO answer): %.1f ms\n",
			       now_ms() - t0);
		if (st != XENLEND_S_OK)
			break;
		ids[n++] = p.m.u.capset_info_rsp.capset_id;
		printf("info capset %u: max_version %u, max_size %u\n", ids[n - 1],
		       p.m.u.capset_info_rsp.max_version,
		       p.m.u.capset_info_rsp.max_size);
		if (ids[n - 1] == CAPSET_VIRGL2) {
			have2 = true;
			max_ver2 = p.m.u.capset_info_rsp.max_version;
			size2 = p.m.u.capset_info_rsp.max_size;
		}
		if (ids[n - 1] == CAPSET_VENUS)
			have4 = true;
	}
	result(have2 && have4 && st == XENLEND_S_NOENT,
	       "CAPSET_INFO lists capsets 2 and 4 (%u sets) and ends with NOENT (status %lld)",
	       n, (long long)st);

	st = capset(CAPSET_VIRGL2, max_ver2, &p);
	if (st != XENLEND_S_OK || p.len != size2 || p.m.u.capset_rsp.size != size2 ||
	    size2 < CAPS_V2_CAPABILITY_BITS_OFF + 4) {
		result(0, "CAPSET(2, %u): status %lld, %zu bytes (want %u)", max_ver2,
		       (long long)st, p.len, size2);
	} else {
		glsl = get32(p.payload, CAPS_GLSL_LEVEL_OFF);
		bits = get32(p.payload, CAPS_V2_CAPABILITY_BITS_OFF);
		result(!(bits & CAP_ARB_BUFFER_STORAGE) && glsl >= 130,
		       "CAPSET(2, %u): %zu bytes, capability_bits 0x%08x (bit 31 clear), glsl %u",
		       max_ver2, p.len, bits, glsl);
	}
	st = capset(CAPSET_VENUS, 0, &p);
	result(st == XENLEND_S_OK && p.len > 0 && get32(p.payload, 0) != 0,
	       "CAPSET(4, 0): status %lld, %zu bytes, wire_format_version %u", (long long)st,
	       p.len, p.len >= 4 ? get32(p.payload, 0) : 0);
	st = capset(CAPSET_DRM, 0, &p);
	result(st == XENLEND_S_NOENT, "CAPSET(6) -> NOENT (status %lld)", (long long)st);
	st = capset(CAPSET_VIRGL2, max_ver2 + 1, &p);
	result(st == XENLEND_S_INVAL, "CAPSET(2, max_version + 1) -> INVAL (status %lld)",
	       (long long)st);
	xenlend_msg_init(&nop, XENLEND_T_NOP, next_id++);
	nop.u.nop.cookie = 0xfeedface12345678ull;
	st = call(&nop, NULL, 0, &p);
	result(st == XENLEND_S_OK && p.len == 0 && p.m.u.nop.cookie == nop.u.nop.cookie,
	       "NOP answered with its cookie (status %lld, cookie 0x%llx)", (long long)st,
	       (unsigned long long)p.m.u.nop.cookie);
}

/* virgl (capset 2) contexts: fenced streams, chunks, junk. */
static void test_virgl(void)
{
	uint32_t stream[4], junk[4] = { 0xdeadbeef, 0xffffffff, 0x12345678, 0xffff0000 };
	uint32_t err = ~0u;
	double t;
	int64_t st;

	st = ctx_create(1, CAPSET_VIRGL2, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE virgl ctx 1 (status %lld)", (long long)st);
	st = ctx_create(1, CAPSET_VIRGL2, 1);
	result(st == XENLEND_S_EXIST, "CTX_CREATE ctx 1 again -> EXIST (status %lld)",
	       (long long)st);
	st = ctx_create(9, CAPSET_DRM, 1);
	result(st == XENLEND_S_INVAL, "CTX_CREATE with capset 6 -> INVAL (status %lld)",
	       (long long)st);

	stream[0] = VIRGL_CMD0(VIRGL_CCMD_CREATE_SUB_CTX, 0, VIRGL_SUB_CTX_LEN);
	stream[1] = 1;
	stream[2] = VIRGL_CMD0(VIRGL_CCMD_SET_SUB_CTX, 0, VIRGL_SUB_CTX_LEN);
	stream[3] = 1;
	t = now_ms();
	st = submit(1, XENLEND_SUBMIT_FENCE, 0, 1, 0, stream, sizeof(stream));
	if (st == XENLEND_S_OK && wait_fence(1, 0, 1, ANSWER_TIMEOUT_MS, &err))
		result(err == XENLEND_S_OK,
		       "SUBMIT virgl CREATE_SUB_CTX+SET_SUB_CTX, FENCE{1,0,1} error %u; round trip %.2f ms",
		       err, now_ms() - t);
	else
		result(0, "SUBMIT virgl stream: status %lld, no FENCE{1,0,1}", (long long)st);

	/* The same commands for sub-context 2, split inside the first command. */
	stream[1] = stream[3] = 2;
	st = submit(1, XENLEND_SUBMIT_MORE, 0, 0, 0, stream, 4);
	if (st == XENLEND_S_OK)
		st = submit(1, XENLEND_SUBMIT_FENCE, 0, 2, 4, &stream[1], sizeof(stream) - 4);
	if (st == XENLEND_S_OK && wait_fence(1, 0, 2, ANSWER_TIMEOUT_MS, &err))
		result(err == XENLEND_S_OK, "SUBMIT in 2 chunks, FENCE{1,0,2} error %u", err);
	else
		result(0, "SUBMIT in 2 chunks: status %lld, no FENCE{1,0,2}", (long long)st);

	st = submit(1, XENLEND_SUBMIT_MORE, 0, 0, 8, stream, 4);
	result(st == XENLEND_S_INVAL, "SUBMIT chunk at a gap in the stream -> INVAL (status %lld)",
	       (long long)st);
	st = submit(1, XENLEND_SUBMIT_FENCE, 0, 2, 0, NULL, 0);
	result(st == XENLEND_S_INVAL, "SUBMIT with a fence id not above the last -> INVAL (status %lld)",
	       (long long)st);
	st = submit(1, XENLEND_SUBMIT_FENCE, 1, 3, 0, NULL, 0);
	result(st == XENLEND_S_RANGE, "SUBMIT ring_idx 1 >= num_rings 1 -> RANGE (status %lld)",
	       (long long)st);
	st = submit(77, 0, 0, 0, 0, stream, sizeof(stream));
	result(st == XENLEND_S_NOENT, "SUBMIT to unknown ctx -> NOENT (status %lld)", (long long)st);

	st = ctx_create(5, CAPSET_VIRGL2, 1);
	if (st == XENLEND_S_OK)
		st = submit(5, XENLEND_SUBMIT_FENCE, 0, 1, 0, junk, sizeof(junk));
	if (st == XENLEND_S_OK && wait_fence(5, 0, 1, ANSWER_TIMEOUT_MS, &err))
		result(err == XENLEND_S_INVAL, "SUBMIT junk stream -> FENCE{5,0,1} error %u (INVAL)",
		       err);
	else
		result(0, "SUBMIT junk stream: status %lld, no FENCE", (long long)st);
	t = now_ms();
	st = submit(1, XENLEND_SUBMIT_FENCE, 0, 3, 0, NULL, 0);
	result(st == XENLEND_S_OK && wait_fence(1, 0, 3, ANSWER_TIMEOUT_MS, &err) && !err,
	       "after junk: empty fenced SUBMIT on ctx 1 still signals (status %lld); round trip %.2f ms",
	       (long long)st, now_ms() - t);
}

static int64_t res3d_create(uint32_t res, uint32_t ctx, uint32_t format, uint64_t offset,
			    uint64_t size)
{
	struct render_ipc_backing b = { .offset = offset, .size = size };
	struct xenlend_msg m;

	xenlend_msg_init(&m, XENLEND_T_RES3D_CREATE, next_id++);
	m.u.res3d_create.res_id = res;
	m.u.res3d_create.ctx_id = ctx;
	m.u.res3d_create.target = TEX_TARGET_2D;
	m.u.res3d_create.format = format;
	m.u.res3d_create.bind = TEX_BIND;
	m.u.res3d_create.width = TEX_SIDE;
	m.u.res3d_create.height = TEX_SIDE;
	m.u.res3d_create.depth = 1;
	m.u.res3d_create.array_size = 1;
	return call(&m, &b, sizeof(b), NULL);
}

static int64_t transfer(uint16_t type, uint32_t res, uint32_t ctx, uint32_t x, uint32_t w)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, type, next_id++);
	m.u.transfer.res_id = res;
	m.u.transfer.ctx_id = ctx;
	m.u.transfer.offset = (uint64_t)x * 4;
	m.u.transfer.x = x;
	m.u.transfer.w = w;
	m.u.transfer.h = TEX_SIDE;
	m.u.transfer.d = 1;
	m.u.transfer.stride = TEX_SIDE * 4;
	return call(&m, NULL, 0, NULL);
}

/* Bytes of @buf that differ from the test pattern. */
static size_t pattern_errors(const uint8_t *buf)
{
	size_t i, bad = 0;

	for (i = 0; i < TEX_BYTES; i++)
		bad += buf[i] != (uint8_t)(i * 7 + (i >> 8));
	return bad;
}

/*
 * Classic 3D resources over "guest" pages (a memfd here, the guest's
 * grants through /dev/xen/gntdev in dom0): upload, read back, a copy on the
 * renderer, bad requests, and RESOURCE_DESTROY notices.
 */
static void test_resources(void)
{
	uint8_t *a = backing, *b = backing + TEX_BYTES;
	uint32_t stream[4 + 1 + VIRGL_COPY_REGION_LEN] = { 0 }, err = ~0u;
	struct xenlend_msg m;
	int64_t st;
	size_t i;
	int ok;

	st = ctx_create(3, CAPSET_VIRGL2, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE virgl ctx 3 for resources (status %lld)",
	       (long long)st);
	for (i = 0; i < TEX_BYTES; i++)
		a[i] = (uint8_t)(i * 7 + (i >> 8));
	memset(b, 0, TEX_BYTES);
	st = res3d_create(100, 3, TEX_FORMAT_B8G8R8A8, 0, TEX_BYTES);
	result(st == XENLEND_S_OK, "RES3D_CREATE 64x64 BGRA texture 100 over pages 0-3 (status %lld)",
	       (long long)st);
	st = res3d_create(101, 3, TEX_FORMAT_B8G8R8A8, TEX_BYTES, TEX_BYTES);
	result(st == XENLEND_S_OK, "RES3D_CREATE texture 101 over pages 4-7 (status %lld)",
	       (long long)st);
	st = res3d_create(100, 3, TEX_FORMAT_B8G8R8A8, 0, TEX_BYTES);
	result(st == XENLEND_S_EXIST, "RES3D_CREATE 100 again -> EXIST (status %lld)", (long long)st);
	st = res3d_create(102, 42, TEX_FORMAT_B8G8R8A8, 0, TEX_BYTES);
	result(st == XENLEND_S_NOENT, "RES3D_CREATE in unknown ctx -> NOENT (status %lld)",
	       (long long)st);
	st = res3d_create(102, 3, TEX_FORMAT_B8G8R8A8, 100, TEX_BYTES);
	result(st == XENLEND_S_INVAL, "RES3D_CREATE over a backing that is not whole pages -> INVAL (status %lld)",
	       (long long)st);
	st = res3d_create(102, 3, 0xffff, 0, TEX_BYTES);
	result(st == XENLEND_S_INVAL, "RES3D_CREATE with an unknown format -> INVAL (status %lld)",
	       (long long)st);

	st = transfer(XENLEND_T_TRANSFER_TO_HOST, 100, 3, 0, TEX_SIDE);
	result(st == XENLEND_S_OK, "TRANSFER_TO_HOST of texture 100 (status %lld)", (long long)st);
	memset(a, 0, TEX_BYTES);
	st = transfer(XENLEND_T_TRANSFER_FROM_HOST, 100, 3, 0, TEX_SIDE);
	result(st == XENLEND_S_OK && !pattern_errors(a),
	       "TRANSFER_FROM_HOST of 100 brings the uploaded texels back (status %lld, %zu bytes differ)",
	       (long long)st, pattern_errors(a));

	stream[0] = VIRGL_CMD0(VIRGL_CCMD_CREATE_SUB_CTX, 0, VIRGL_SUB_CTX_LEN);
	stream[1] = 1;
	stream[2] = VIRGL_CMD0(VIRGL_CCMD_SET_SUB_CTX, 0, VIRGL_SUB_CTX_LEN);
	stream[3] = 1;
	stream[4] = VIRGL_CMD0(VIRGL_CCMD_RESOURCE_COPY_REGION, 0,
					   VIRGL_COPY_REGION_LEN);
	stream[5] = 101;		/* dst: res, level 0, at 0,0,0 */
	stream[10] = 100;		/* src: res, level 0, from 0,0,0 */
	stream[15] = TEX_SIDE;
	stream[16] = TEX_SIDE;
	stream[17] = 1;
	st = submit(3, XENLEND_SUBMIT_FENCE, 0, 1, 0, stream, sizeof(stream));
	ok = st == XENLEND_S_OK && wait_fence(3, 0, 1, ANSWER_TIMEOUT_MS, &err) && !err;
	result(ok, "SUBMIT RESOURCE_COPY_REGION 100 -> 101, FENCE{3,0,1} error %u (status %lld)",
	       err, (long long)st);
	st = transfer(XENLEND_T_TRANSFER_FROM_HOST, 101, 3, 0, TEX_SIDE);
	result(st == XENLEND_S_OK && !pattern_errors(b),
	       "TRANSFER_FROM_HOST of 101 shows the renderer's copy (status %lld, %zu bytes differ)",
	       (long long)st, pattern_errors(b));

	st = transfer(XENLEND_T_TRANSFER_TO_HOST, 100, 3, TEX_SIDE / 2, TEX_SIDE);
	result(st == XENLEND_S_INVAL, "TRANSFER_TO_HOST of a box past the texture -> INVAL (status %lld)",
	       (long long)st);
	st = transfer(XENLEND_T_TRANSFER_TO_HOST, 555, 3, 0, TEX_SIDE);
	result(st == XENLEND_S_NOENT, "TRANSFER_TO_HOST of an unknown resource -> NOENT (status %lld)",
	       (long long)st);

	/* A notice: no answer, and the resource is gone. */
	xenlend_msg_init(&m, XENLEND_T_RESOURCE_DESTROY, 0);
	m.u.destroy.res_id = 100;
	send_req(&m, NULL, 0);
	st = transfer(XENLEND_T_TRANSFER_FROM_HOST, 100, 3, 0, TEX_SIDE);
	result(st == XENLEND_S_NOENT, "after RESOURCE_DESTROY 100: its transfer -> NOENT (status %lld)",
	       (long long)st);
}

static int64_t ctx_resource(uint16_t type, uint32_t ctx, uint32_t res)
{
	struct xenlend_msg m;

	xenlend_msg_init(&m, type, next_id++);
	m.u.ctx_res.ctx_id = ctx;
	m.u.ctx_res.res_id = res;
	return call(&m, NULL, 0, NULL);
}

/*
 * In context @ctx, copy texture @src into @dst (which it made) and read
 * @dst back into the guest pages at @dst_buf: 1 when they hold the
 * pattern, 0 when they stayed zero, -1 when the fence or transfer failed.
 */
static int copy_in_ctx(uint32_t ctx, uint32_t src, uint32_t dst, uint8_t *dst_buf,
		       uint64_t fence_id)
{
	uint32_t stream[4 + 1 + VIRGL_COPY_REGION_LEN] = { 0 }, err = ~0u;
	int64_t st;

	memset(dst_buf, 0, TEX_BYTES);
	if (transfer(XENLEND_T_TRANSFER_TO_HOST, dst, ctx, 0, TEX_SIDE) != XENLEND_S_OK)
		return -1;
	/* The sub-context: made by the context's first stream (fence 1). */
	stream[0] = VIRGL_CMD0(fence_id == 1 ? VIRGL_CCMD_CREATE_SUB_CTX : VIRGL_CCMD_SET_SUB_CTX,
			       0, VIRGL_SUB_CTX_LEN);
	stream[1] = 1;
	stream[2] = VIRGL_CMD0(VIRGL_CCMD_SET_SUB_CTX, 0, VIRGL_SUB_CTX_LEN);
	stream[3] = 1;
	stream[4] = VIRGL_CMD0(VIRGL_CCMD_RESOURCE_COPY_REGION, 0, VIRGL_COPY_REGION_LEN);
	stream[5] = dst;
	stream[10] = src;
	stream[15] = TEX_SIDE;
	stream[16] = TEX_SIDE;
	stream[17] = 1;
	st = submit(ctx, XENLEND_SUBMIT_FENCE, 0, fence_id, 0, stream, sizeof(stream));
	if (st != XENLEND_S_OK || !wait_fence(ctx, 0, fence_id, ANSWER_TIMEOUT_MS, &err))
		return -1;
	if (transfer(XENLEND_T_TRANSFER_FROM_HOST, dst, ctx, 0, TEX_SIDE) != XENLEND_S_OK)
		return -1;
	if (!pattern_errors(dst_buf))
		return 1;
	for (size_t i = 0; i < TEX_BYTES; i++)
		if (dst_buf[i])
			return -1;
	return 0;
}

/*
 * A texture one context made, used by another (a compositor's context
 * sampling a client's buffer): only once CTX_ATTACH let it, and no longer
 * after CTX_DETACH. Texture 101 of test_resources() (context 3) holds the
 * pattern. A virgl context that named a resource it does not have is in
 * error for good, so the refusal and the use each get a context of their
 * own.
 */
static void test_shared_resource(void)
{
	int64_t st;
	int got;

	st = ctx_create(6, CAPSET_VIRGL2, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE virgl ctx 6, another process's (status %lld)",
	       (long long)st);
	st = res3d_create(102, 6, TEX_FORMAT_B8G8R8A8, 2 * TEX_BYTES, TEX_BYTES);
	result(st == XENLEND_S_OK, "RES3D_CREATE texture 102 in ctx 6 (status %lld)",
	       (long long)st);
	got = copy_in_ctx(6, 101, 102, backing + 2 * TEX_BYTES, 1);
	result(got == 0, "ctx 6 copying ctx 3's texture 101 without CTX_ATTACH copies nothing (%d)",
	       got);

	st = ctx_create(7, CAPSET_VIRGL2, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE virgl ctx 7 (status %lld)", (long long)st);
	st = res3d_create(104, 7, TEX_FORMAT_B8G8R8A8, 3 * TEX_BYTES, TEX_BYTES);
	result(st == XENLEND_S_OK, "RES3D_CREATE texture 104 in ctx 7 (status %lld)",
	       (long long)st);
	st = ctx_resource(XENLEND_T_CTX_ATTACH, 7, 101);
	result(st == XENLEND_S_OK, "CTX_ATTACH 101 to ctx 7 (status %lld)", (long long)st);
	st = ctx_resource(XENLEND_T_CTX_ATTACH, 7, 101);
	result(st == XENLEND_S_OK, "CTX_ATTACH 101 to ctx 7 again (status %lld)", (long long)st);
	got = copy_in_ctx(7, 101, 104, backing + 3 * TEX_BYTES, 1);
	result(got == 1, "ctx 7 copying texture 101 once attached gets its texels (%d)", got);
	st = ctx_resource(XENLEND_T_CTX_DETACH, 7, 101);
	result(st == XENLEND_S_OK, "CTX_DETACH 101 from ctx 7 (status %lld)", (long long)st);
	got = copy_in_ctx(7, 101, 104, backing + 3 * TEX_BYTES, 2);
	result(got != 1, "ctx 7 copying texture 101 after CTX_DETACH gets nothing (%d)", got);

	st = ctx_resource(XENLEND_T_CTX_ATTACH, 6, 555);
	result(st == XENLEND_S_NOENT, "CTX_ATTACH of an unknown resource -> NOENT (status %lld)",
	       (long long)st);
	st = ctx_resource(XENLEND_T_CTX_ATTACH, 42, 101);
	result(st == XENLEND_S_NOENT, "CTX_ATTACH to an unknown ctx -> NOENT (status %lld)",
	       (long long)st);
	st = ctx_resource(XENLEND_T_CTX_DETACH, 6, 555);
	result(st == XENLEND_S_NOENT, "CTX_DETACH of an unknown resource -> NOENT (status %lld)",
	       (long long)st);
	st = ctx_destroy(6);
	result(st == XENLEND_S_OK, "CTX_DESTROY ctx 6 (status %lld)", (long long)st);
	st = ctx_destroy(7);
	result(st == XENLEND_S_OK, "CTX_DESTROY ctx 7 (status %lld)", (long long)st);
}

/*
 * RESOURCE_CREATE of a renderer blob: *@fd gets the file that came with the
 * answer, or -1; an OK must come with where in it the blob is, of its size,
 * which for shared memory is offset 0.
 */
static int64_t blob_create(uint32_t res, uint32_t ctx, uint64_t blob_id, uint64_t size,
			   int *fd)
{
	struct render_ipc_backing where;
	struct xenlend_msg m;
	struct pkt rsp;
	int64_t st;

	xenlend_msg_init(&m, XENLEND_T_RESOURCE_CREATE, next_id++);
	m.u.create.res_id = res;
	m.u.create.kind = XENLEND_RES_HOST;
	m.u.create.size = size;
	m.u.create.ctx_id = ctx;
	m.u.create.flags = XENLEND_CREATE_BLOB | XENLEND_CREATE_MAPPABLE;
	m.u.create.blob_id = blob_id;
	rsp.fd = -1;
	st = call(&m, NULL, 0, &rsp);
	*fd = rsp.fd;
	if (st == XENLEND_S_OK) {
		if (rsp.len == sizeof(where))
			memcpy(&where, rsp.payload, sizeof(where));
		result(rsp.len == sizeof(where) && where.offset == 0 && where.size == size,
		       "blob %u comes with its place in the file: %zu bytes, offset %llu, size %llu",
		       res, rsp.len, rsp.len == sizeof(where) ? (unsigned long long)where.offset : 0,
		       rsp.len == sizeof(where) ? (unsigned long long)where.size : 0);
	}
	return st;
}

/*
 * Renderer blobs: venus's shared ring memory (blob id 0) is made by the
 * renderer and comes back as a file the broker can map and lend.
 */
static void test_blobs(void)
{
	const uint64_t size = 16 * 4096;
	struct xenlend_msg m;
	char link[64], target[128] = "";
	uint32_t *w;
	int64_t st;
	int fd;

	st = ctx_create(8, CAPSET_VENUS, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE venus ctx 8 for blobs (status %lld)", (long long)st);
	st = blob_create(300, 8, 0, size, &fd);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	if (fd >= 0 && readlink(link, target, sizeof(target) - 1) < 0)
		target[0] = 0;
	result(st == XENLEND_S_OK && fd >= 0 && lseek(fd, 0, SEEK_END) >= (off_t)size,
	       "RESOURCE_CREATE venus blob id 0 of 64 KiB: status %lld, a file of %lld bytes (%s)",
	       (long long)st, fd >= 0 ? (long long)lseek(fd, 0, SEEK_END) : -1LL, target);
	w = fd >= 0 ? mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) : MAP_FAILED;
	result(w != MAP_FAILED, "the blob's file maps read-write at offset 0, as the broker maps it");
	if (w != MAP_FAILED) {
		w[size / 4 - 1] = 0x600dcafe;
		munmap(w, size);
	}
	if (fd >= 0)
		close(fd);
	st = blob_create(300, 8, 0, size, &fd);
	result(st == XENLEND_S_EXIST && fd < 0, "RESOURCE_CREATE of blob 300 again -> EXIST (status %lld)",
	       (long long)st);
	st = blob_create(301, 42, 0, size, &fd);
	result(st == XENLEND_S_NOENT && fd < 0, "blob in an unknown ctx -> NOENT (status %lld)",
	       (long long)st);
	st = blob_create(302, 8, 12345, size, &fd);
	result(st != XENLEND_S_OK && st > 0 && fd < 0,
	       "blob of a VkDeviceMemory id that does not exist -> refused (status %lld)",
	       (long long)st);
	/* A notice drops it; the id is free again. */
	xenlend_msg_init(&m, XENLEND_T_RESOURCE_DESTROY, 0);
	m.u.destroy.res_id = 300;
	send_req(&m, NULL, 0);
	st = blob_create(300, 8, 0, size, &fd);
	result(st == XENLEND_S_OK && fd >= 0,
	       "after RESOURCE_DESTROY 300: a new blob 300 (status %lld)", (long long)st);
	if (fd >= 0)
		close(fd);
}

/* venus (capset 4) contexts: ring 0 fences, lost contexts, destroy. */
static void test_venus(void)
{
	uint32_t err = ~0u;
	double t;
	int64_t st;

	st = ctx_create(2, CAPSET_VENUS, 1);
	result(st == XENLEND_S_OK, "CTX_CREATE venus ctx 2 (status %lld)", (long long)st);
	t = now_ms();
	st = submit(2, XENLEND_SUBMIT_FENCE, 0, 1, 0, NULL, 0);
	if (st == XENLEND_S_OK && wait_fence(2, 0, 1, ANSWER_TIMEOUT_MS, &err))
		result(err == XENLEND_S_OK,
		       "venus empty SUBMIT, FENCE{2,0,1} error %u; round trip %.2f ms",
		       err, now_ms() - t);
	else
		result(0, "venus empty SUBMIT: status %lld, no FENCE{2,0,1}", (long long)st);
	st = submit(2, XENLEND_SUBMIT_FENCE, 1, 2, 0, NULL, 0);
	result(st == XENLEND_S_RANGE, "venus SUBMIT ring_idx 1 >= num_rings 1 -> RANGE (status %lld)",
	       (long long)st);

	/*
	 * A fence on a ring the guest never made a queue for: the render
	 * server drops the context and the fence never signals (research §4).
	 */
	st = ctx_create(3, CAPSET_VENUS, 4);
	if (st == XENLEND_S_OK)
		st = submit(3, XENLEND_SUBMIT_FENCE, 3, 1, 0, NULL, 0);
	if (st != XENLEND_S_OK) {
		result(0, "venus ctx 3 fence on ring 3: status %lld", (long long)st);
	} else if (wait_fence(3, 3, 1, 200, &err)) {
		result(-1, "CTX_DESTROY with a pending fence: the ring-3 fence signalled (error %u)",
		       err);
	} else {
		bool got;

		st = ctx_destroy(3);
		/* The FENCE comes before the response, so it is already queued. */
		got = wait_fence(3, 3, 1, 0, &err);
		result(st == XENLEND_S_OK && got && err == XENLEND_S_IO,
		       "CTX_DESTROY with an unsignalled fence -> FENCE{3,3,1} error %u (IO) before its OK (status %lld)",
		       got ? err : ~0u, (long long)st);
	}

	st = ctx_create(4, CAPSET_VENUS, 4);
	if (st == XENLEND_S_OK)
		st = submit(4, XENLEND_SUBMIT_FENCE, 3, 1, 0, NULL, 0);
	t = now_ms();
	if (st == XENLEND_S_OK && wait_fence(4, 3, 1, (FENCE_TIMEOUT_S + 10) * 1000, &err)) {
		result(err == XENLEND_S_IO, "fence deadline: FENCE{4,3,1} error %u (IO) after %.1f s",
		       err, (now_ms() - t) / 1e3);
		st = submit(4, XENLEND_SUBMIT_FENCE, 0, 2, 0, NULL, 0);
		result(st == XENLEND_S_IO, "SUBMIT to a lost context -> IO (status %lld)",
		       (long long)st);
	} else {
		result(0, "fence deadline: status %lld, no FENCE{4,3,1}", (long long)st);
	}

	st = ctx_destroy(3);
	result(st == XENLEND_S_NOENT, "CTX_DESTROY of a destroyed ctx -> NOENT (status %lld)",
	       (long long)st);
	st = ctx_destroy(2);
	result(st == XENLEND_S_OK, "CTX_DESTROY venus ctx 2 (status %lld)", (long long)st);
	st = ctx_destroy(1);
	result(st == XENLEND_S_OK, "CTX_DESTROY virgl ctx 1 (status %lld)", (long long)st);
}

/* Malformed packets are answered with an error and change nothing. */
static void test_malformed(void)
{
	struct xenlend_msg m;
	uint8_t chunk[8] = { 0 };
	struct pkt p;
	int64_t st;

	xenlend_msg_init(&m, XENLEND_T_CAPSET_INFO, 0x4242);
	send_raw(&m, 10);
	st = wait_rsp(0x4242, &p) ? (int64_t)xenlend_msg_status(&p.m) : -1;
	result(st == XENLEND_S_INVAL, "10-byte packet -> INVAL (status %lld)", (long long)st);

	xenlend_msg_init(&m, XENLEND_T_CAPSET_INFO, next_id++);
	m.u.capset_info.reserved = 1;
	st = call(&m, NULL, 0, NULL);
	result(st == XENLEND_S_INVAL, "CAPSET_INFO with reserved bits -> INVAL (status %lld)",
	       (long long)st);

	xenlend_msg_init(&m, XENLEND_T_SUBMIT, next_id++);
	m.u.submit.ctx_id = 1;
	m.u.submit.length = 4;
	st = call(&m, chunk, sizeof(chunk), NULL);
	result(st == XENLEND_S_INVAL, "SUBMIT whose payload is not its length -> INVAL (status %lld)",
	       (long long)st);

	xenlend_msg_init(&m, XENLEND_T_CAPSET_INFO, next_id++);
	m.hdr.type = 0x0077;
	st = call(&m, NULL, 0, NULL);
	result(st == XENLEND_S_PROTO, "unknown type -> PROTO (status %lld)", (long long)st);

	xenlend_msg_init(&m, XENLEND_T_CAPSET_INFO, 0);
	send_raw(&m, sizeof(m));
	st = wait_rsp(0, &p) ? (int64_t)xenlend_msg_status(&p.m) : -1;
	result(st == XENLEND_S_INVAL, "request id 0 -> INVAL (status %lld)", (long long)st);

	st = capset_info(0, NULL);
	result(st == XENLEND_S_OK, "worker still serves after malformed packets (status %lld)",
	       (long long)st);
}

int main(int argc, char **argv)
{
	char *wargv[32], timeout_arg[16];
	int i, n = 0, status;
	double t0, end;
	pid_t r;

	if (argc < 2 || argc > 24) {
		fprintf(stderr, "usage: render-smoke WORKER [WORKER-ARGS...]\n");
		return 2;
	}
	snprintf(timeout_arg, sizeof(timeout_arg), "%d", FENCE_TIMEOUT_S);
	wargv[n++] = argv[1];
	wargv[n++] = "--domid";
	wargv[n++] = "0";
	wargv[n++] = "--fence-timeout";
	wargv[n++] = timeout_arg;
	for (i = 2; i < argc; i++)
		wargv[n++] = argv[i];
	wargv[n] = NULL;
	signal(SIGPIPE, SIG_IGN);
	backing_fd = memfd_create("render-smoke-guest-pages", MFD_CLOEXEC);
	if (backing_fd < 0 || ftruncate(backing_fd, 4 * TEX_BYTES)) {
		perror("render-smoke: memfd");
		return 1;
	}
	backing = mmap(NULL, 4 * TEX_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, backing_fd, 0);
	if (backing == MAP_FAILED) {
		perror("render-smoke: mmap");
		return 1;
	}

	t0 = now_ms();
	start_worker(wargv);
	test_capsets(t0);
	test_virgl();
	test_venus();
	test_resources();
	test_shared_resource();
	test_blobs();
	test_malformed();

	close(sock);
	end = now_ms() + ANSWER_TIMEOUT_MS;
	while ((r = waitpid(worker, &status, WNOHANG)) == 0 && now_ms() < end)
		usleep(10000);
	if (r == worker)
		result(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		       "socket closed -> worker exits 0 (%s %d) after %.0f ms",
		       WIFEXITED(status) ? "exit" : "signal",
		       WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		       now_ms() - end + ANSWER_TIMEOUT_MS);
	else {
		result(0, "socket closed -> worker still running");
		kill(worker, SIGKILL);
		waitpid(worker, &status, 0);
	}
	printf("render-smoke: %u passed, %u failed, %u skipped\n", passes, failures, skips);
	return failures ? 1 : 0;
}
