// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the broker's renderer forwarding (dom0-broker/src/render.c):
 * the test plays the render worker on the other end of a socket pair.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "render.h"
#include "resources.h"
#include "check.h"
#include "render_ipc.h"

#define BULK 4

static struct broker_config cfg;
static uint8_t bulk[BULK][XENLEND_PAGE_SIZE];

/* Responses render_read() put on the "control ring". */
static struct xenlend_msg emitted[RENDER_MAX_PENDING];
static unsigned int nr_emitted;

static void emit(void *arg, const struct xenlend_msg *rsp)
{
	(void)arg;
	CHECK(xenlend_msg_check(rsp, XENLEND_Q_CTRL_RSP).why == NULL);
	if (nr_emitted < RENDER_MAX_PENDING)
		emitted[nr_emitted++] = *rsp;
}

/* A guest after HELLO; with a worker socket when @worker is not NULL. */
static void guest_up(struct guest_state *g, int *worker, bool ask_render)
{
	struct xenlend_msg req, rsp;
	int sv[2];

	CHECK_EQ(guest_state_init(g, 7, BULK, &cfg), 0);
	g->bulk = bulk;
	if (worker) {
		CHECK_EQ(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv), 0);
		g->render.fd = sv[0];
		*worker = sv[1];
	}
	xenlend_msg_init(&req, XENLEND_T_HELLO, 1);
	req.u.hello.version_min = 1;
	req.u.hello.version_max = 1;
	req.u.hello.features = ask_render ? XENLEND_F_RENDER : 0;
	req.u.hello.nr_bulk_pages = BULK;
	CHECK(dispatch_ctrl(g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_OK);
	CHECK_EQ(rsp.u.hello_rsp.features,
		 worker && ask_render ? XENLEND_F_RENDER : 0);
	nr_emitted = 0;
}

static void guest_down(struct guest_state *g, int worker)
{
	if (g->render.fd >= 0)
		close(g->render.fd);
	if (worker >= 0)
		close(worker);
	guest_state_fini(g);
}

/* The worker side: the next packet, its payload length returned. */
static ssize_t worker_recv(int fd, struct xenlend_msg *m, uint8_t *payload)
{
	uint8_t buf[RENDER_IPC_MAX_PACKET];
	ssize_t n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT);

	if (n < (ssize_t)sizeof(*m))
		return -1;
	memcpy(m, buf, sizeof(*m));
	if (payload)
		memcpy(payload, buf + sizeof(*m), (size_t)n - sizeof(*m));
	return n - (ssize_t)sizeof(*m);
}

static void worker_send(int fd, const struct xenlend_msg *m, const void *payload, size_t len)
{
	uint8_t buf[RENDER_IPC_MAX_PACKET + 64];

	memcpy(buf, m, sizeof(*m));
	if (len)
		memcpy(buf + sizeof(*m), payload, len);
	CHECK_EQ(send(fd, buf, sizeof(*m) + len, 0), sizeof(*m) + len);
}

/* The worker answers @fwd with @status and no body. */
static void worker_answer(int fd, const struct xenlend_msg *fwd, uint32_t status)
{
	struct xenlend_msg rsp;

	xenlend_msg_init_rsp(&rsp, fwd, status);
	worker_send(fd, &rsp, NULL, 0);
}

static void ctx_create_msg(struct xenlend_msg *m, uint64_t id, uint32_t ctx, uint32_t rings)
{
	xenlend_msg_init(m, XENLEND_T_CTX_CREATE, id);
	m->u.ctx_create.ctx_id = ctx;
	m->u.ctx_create.capset_id = 4;
	m->u.ctx_create.num_rings = rings;
}

static void submit_msg(struct xenlend_msg *m, uint64_t id, uint32_t ctx, uint32_t ring,
		       uint64_t fence, uint32_t len)
{
	xenlend_msg_init(m, XENLEND_T_SUBMIT, id);
	m->u.submit.ctx_id = ctx;
	m->u.submit.flags = XENLEND_SUBMIT_FENCE;
	m->u.submit.fence_id = fence;
	m->u.submit.ring_idx = ring;
	m->u.submit.bulk_idx = 2;
	m->u.submit.length = len;
}

/* A guest with context 3 (two rings) known to the broker. */
static void guest_with_ctx(struct guest_state *g, int *worker)
{
	struct xenlend_msg req, rsp, fwd;

	guest_up(g, worker, true);
	ctx_create_msg(&req, 50, 3, 2);
	CHECK(!dispatch_ctrl(g, &req, &rsp));
	CHECK_EQ(worker_recv(*worker, &fwd, NULL), 0);
	worker_answer(*worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 50);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	nr_emitted = 0;
}

static void test_without_renderer(void)
{
	struct xenlend_msg req, rsp;
	struct guest_state g;
	int worker;

	/* No worker: the feature is not granted and requests are refused. */
	guest_up(&g, NULL, true);
	xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 9);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOTSUP);
	guest_down(&g, -1);

	/* A worker, but the guest did not ask: refused the same way. */
	guest_up(&g, &worker, false);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOTSUP);
	CHECK_EQ(worker_recv(worker, &rsp, NULL), -1);
	guest_down(&g, worker);
}

static void test_capset_through_bulk_page(void)
{
	uint8_t caps[300], payload[RENDER_IPC_MAX_PAYLOAD];
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	int worker;

	guest_up(&g, &worker, true);
	xenlend_msg_init(&req, XENLEND_T_CAPSET, 77);
	req.u.capset.capset_id = 2;
	req.u.capset.version = 2;
	req.u.capset.bulk_idx = 3;
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_CAPSET);
	CHECK(xenlend_msg_id(&fwd) != 0);
	CHECK_EQ(fwd.u.capset.bulk_idx, 0);

	memset(caps, 0xab, sizeof(caps));
	xenlend_msg_init_rsp(&rsp, &fwd, XENLEND_S_OK);
	rsp.u.capset_rsp.capset_id = 2;
	rsp.u.capset_rsp.version = 2;
	rsp.u.capset_rsp.size = sizeof(caps);
	worker_send(worker, &rsp, caps, sizeof(caps));
	memset(bulk, 0, sizeof(bulk));
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 77);
	CHECK_EQ(emitted[0].u.capset_rsp.bulk_idx, 3);
	CHECK_EQ(emitted[0].u.capset_rsp.size, sizeof(caps));
	CHECK(!memcmp(bulk[3], caps, sizeof(caps)));
	CHECK_EQ(bulk[2][0], 0);

	/* A set whose size differs from its bytes: the worker is broken. */
	nr_emitted = 0;
	req.hdr.id = 78;
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, payload), 0);
	xenlend_msg_init_rsp(&rsp, &fwd, XENLEND_S_OK);
	rsp.u.capset_rsp.capset_id = 2;
	rsp.u.capset_rsp.version = 2;
	rsp.u.capset_rsp.size = sizeof(caps) + 4;
	worker_send(worker, &rsp, caps, sizeof(caps));
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 78);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	/* ... and later requests fail at once. */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_IO);
	guest_down(&g, worker);
}

static void test_submit_checks(void)
{
	struct xenlend_msg req, rsp;
	struct guest_state g;
	int worker;

	guest_with_ctx(&g, &worker);
	submit_msg(&req, 60, 4, 0, 1, 8);	/* no such context */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	submit_msg(&req, 61, 3, 2, 1, 8);	/* ring 2 of a two-ring context */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_RANGE);
	submit_msg(&req, 62, 3, 0, 1, 8);
	req.u.submit.bulk_idx = BULK;	/* not published */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_INVAL);
	ctx_create_msg(&req, 63, 3, 1);		/* exists */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_EXIST);
	xenlend_msg_init(&req, XENLEND_T_CTX_DESTROY, 64);
	req.u.ctx_destroy.ctx_id = 9;
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	/* Nothing of that reached the worker. */
	CHECK_EQ(worker_recv(worker, &rsp, NULL), -1);
	guest_down(&g, worker);
}

static void test_submit_and_fences(void)
{
	uint8_t payload[RENDER_IPC_MAX_PAYLOAD];
	struct xenlend_msg req, rsp, fwd, fence;
	struct guest_state g;
	int worker;

	guest_with_ctx(&g, &worker);
	memcpy(bulk[2], "commands", 8);
	submit_msg(&req, 70, 3, 1, 5, 8);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	/* The chunk was copied once; the guest rewriting its page is too late. */
	memcpy(bulk[2], "XXXXXXXX", 8);
	CHECK_EQ(worker_recv(worker, &fwd, payload), 8);
	CHECK(!memcmp(payload, "commands", 8));
	CHECK_EQ(fwd.u.submit.bulk_idx, 0);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 70);

	/* A fence id that does not increase is refused. */
	submit_msg(&req, 71, 3, 1, 5, 0);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_INVAL);

	CHECK(!render_next_fence(&g, &fence));
	xenlend_msg_init(&fence, XENLEND_T_FENCE, 0);
	fence.u.fence.ctx_id = 3;
	fence.u.fence.ring_idx = 1;
	fence.u.fence.fence_id = 5;
	worker_send(worker, &fence, NULL, 0);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK(render_next_fence(&g, &fence));
	CHECK(xenlend_msg_check(&fence, XENLEND_Q_EVT_REQ).why == NULL);
	CHECK_EQ(fence.u.fence.ctx_id, 3);
	CHECK_EQ(fence.u.fence.ring_idx, 1);
	CHECK_EQ(fence.u.fence.fence_id, 5);
	CHECK_EQ(fence.u.fence.error, 0);
	/* Not yet sent (event ring full): offered again. */
	CHECK(render_next_fence(&g, &fence));
	render_fence_sent(&g, &fence);
	CHECK(!render_next_fence(&g, &fence));

	/* A fence nobody submitted: the worker is lying. */
	fence.u.fence.fence_id = 6;
	worker_send(worker, &fence, NULL, 0);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	guest_down(&g, worker);
}

static void test_worker_death(void)
{
	struct xenlend_msg req, rsp, fwd, fence;
	struct guest_state g;
	int worker;

	guest_with_ctx(&g, &worker);
	submit_msg(&req, 80, 3, 0, 2, 4);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 4);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	submit_msg(&req, 81, 3, 1, 7, 4);	/* taken, never answered */
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 4);
	close(worker);

	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(nr_emitted, 2);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	CHECK_EQ(xenlend_msg_id(&emitted[1]), 81);
	CHECK_EQ(xenlend_msg_status(&emitted[1]), XENLEND_S_IO);
	/* Both rings' fences complete, with the error. */
	CHECK(render_next_fence(&g, &fence));
	CHECK_EQ(fence.u.fence.fence_id, 2);
	CHECK_EQ(fence.u.fence.error, XENLEND_S_IO);
	render_fence_sent(&g, &fence);
	CHECK(render_next_fence(&g, &fence));
	CHECK_EQ(fence.u.fence.ring_idx, 1);
	CHECK_EQ(fence.u.fence.fence_id, 7);
	render_fence_sent(&g, &fence);
	CHECK(!render_next_fence(&g, &fence));
	guest_down(&g, -1);
}

static void test_worker_hangs(void)
{
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	uint64_t next;
	int worker;

	guest_up(&g, &worker, true);
	CHECK_EQ(render_expire(&g, now_ms(), emit, NULL), UINT64_MAX);
	xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 44);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	next = render_expire(&g, now_ms(), emit, NULL);
	CHECK(next > now_ms() && next <= now_ms() + RENDER_REQUEST_TIMEOUT_MS);
	CHECK_EQ(nr_emitted, 0);
	/* The worker never answers: past the deadline it counts as failed. */
	CHECK_EQ(render_expire(&g, next, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 44);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	CHECK(g.render.failed);
	guest_down(&g, worker);
}

/* A fake render_start: a fresh socket pair; the worker's end in *arg. */
static unsigned int starts;

static int fake_start(void *arg)
{
	struct guest_state *g = ((void **)arg)[0];
	int *worker = ((void **)arg)[1], sv[2];

	starts++;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv))
		return -errno;
	g->render.fd = sv[0];
	*worker = sv[1];
	return 0;
}

static void test_worker_restart(void)
{
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	void *arg[2];
	int worker = -1, i;

	/* Started on the first request, not at HELLO. */
	guest_up(&g, NULL, true);
	CHECK_EQ(g.features, 0);
	guest_state_fini(&g);
	CHECK_EQ(guest_state_init(&g, 7, BULK, &cfg), 0);
	arg[0] = &g;
	arg[1] = &worker;
	g.render_start = fake_start;
	g.render_arg = arg;
	starts = 0;
	xenlend_msg_init(&req, XENLEND_T_HELLO, 1);
	req.u.hello.version_min = 1;
	req.u.hello.version_max = 1;
	req.u.hello.features = XENLEND_F_RENDER;
	req.u.hello.nr_bulk_pages = BULK;
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(rsp.u.hello_rsp.features, XENLEND_F_RENDER);
	CHECK_EQ(starts, 0);

	/* Each time the worker dies, the next request gets a new one, a few times. */
	for (i = 0; i <= RENDER_MAX_RESTARTS; i++) {
		xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 100 + i);
		CHECK(!dispatch_ctrl(&g, &req, &rsp));
		CHECK_EQ(starts, i + 1);
		CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
		close(worker);
		nr_emitted = 0;
		CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
		CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
		close(g.render.fd);	/* what guests_render_failed() does */
		g.render.fd = -1;
	}
	xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 200);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_IO);
	CHECK_EQ(starts, RENDER_MAX_RESTARTS + 1);
	guest_state_fini(&g);
}

static void test_contexts_of_a_dead_worker(void)
{
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	void *arg[2];
	int worker = -1;

	CHECK_EQ(guest_state_init(&g, 7, BULK, &cfg), 0);
	g.bulk = bulk;
	arg[0] = &g;
	arg[1] = &worker;
	g.render_start = fake_start;
	g.render_arg = arg;
	g.features = XENLEND_F_RENDER;
	g.hello_done = true;
	starts = 0;

	ctx_create_msg(&req, 60, 3, 1);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	ctx_create_msg(&req, 61, 4, 1);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	nr_emitted = 0;
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 2);

	/* The worker dies; the guest's contexts die with it. */
	close(worker);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	close(g.render.fd);
	g.render.fd = -1;

	/* Destroying one is answered at once; its id can be created anew. */
	xenlend_msg_init(&req, XENLEND_T_CTX_DESTROY, 62);
	req.u.ctx_destroy.ctx_id = 4;
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_OK);
	submit_msg(&req, 63, 3, 0, 1, 4);	/* a dead context cannot submit */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_IO);
	CHECK_EQ(starts, 2);	/* that request brought a new worker up */
	ctx_create_msg(&req, 64, 3, 1);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	nr_emitted = 0;
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	close(worker);
	close(g.render.fd);
	g.render.fd = -1;
	guest_state_fini(&g);
}

static void test_worker_garbage(void)
{
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	int worker;

	/* A response to a request that was never forwarded. */
	guest_with_ctx(&g, &worker);
	xenlend_msg_init(&req, XENLEND_T_CTX_DESTROY, 999);
	xenlend_msg_init_rsp(&rsp, &req, XENLEND_S_OK);
	worker_send(worker, &rsp, NULL, 0);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	guest_down(&g, worker);

	/* A short packet. */
	guest_with_ctx(&g, &worker);
	CHECK_EQ(send(worker, "x", 1, 0), 1);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	guest_down(&g, worker);

	/* A response of the wrong type. */
	guest_with_ctx(&g, &worker);
	xenlend_msg_init(&req, XENLEND_T_CAPSET_INFO, 5);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	fwd.hdr.type = XENLEND_T_CTX_DESTROY;
	worker_answer(worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	guest_down(&g, worker);
}

/* NOP: to the worker and back, its cookie the request's; a changed one breaks the worker. */
static void test_nop(void)
{
	struct xenlend_msg req, rsp, fwd;
	struct guest_state g;
	int worker;

	guest_up(&g, &worker, true);
	xenlend_msg_init(&req, XENLEND_T_NOP, 60);
	req.u.nop.cookie = 0x1122334455667788ull;
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_NOP);
	CHECK_EQ(fwd.u.nop.cookie, 0x1122334455667788ull);
	xenlend_msg_init_rsp(&rsp, &fwd, XENLEND_S_OK);
	rsp.u.nop = fwd.u.nop;
	worker_send(worker, &rsp, NULL, 0);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 60);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	CHECK_EQ(emitted[0].u.nop.cookie, 0x1122334455667788ull);
	nr_emitted = 0;

	req.hdr.id = 61;
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	xenlend_msg_init_rsp(&rsp, &fwd, XENLEND_S_OK);
	rsp.u.nop.cookie = fwd.u.nop.cookie + 1;
	worker_send(worker, &rsp, NULL, 0);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 61);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	nr_emitted = 0;
	guest_down(&g, worker);
}

/* A fake grant device: records what the broker mapped for the worker. */
static unsigned int gmem_maps, gmem_unmaps;
static int gmem_err;

static int fake_gmem_map(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	if (gmem_err)
		return gmem_err;
	gmem_maps++;
	r->map_offset = 0x10000ull * r->res_id;
	return 0;
}

static void fake_gmem_unmap(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	gmem_unmaps++;
	r->mapped = false;
}

static const struct guest_mem_ops fake_gmem = {
	.map = fake_gmem_map,
	.unmap = fake_gmem_unmap,
};

/* Send a control request that the broker answers at once; its status. */
static uint32_t call_now(struct guest_state *g, struct xenlend_msg *req)
{
	struct xenlend_msg rsp;

	CHECK(dispatch_ctrl(g, req, &rsp));
	CHECK_EQ(xenlend_msg_id(&rsp), xenlend_msg_id(req));
	return xenlend_msg_status(&rsp);
}

/* Guest resource @res of @pages pages, the first @attached attached. */
static void guest_resource(struct guest_state *g, uint32_t res, uint32_t pages,
			   uint32_t attached)
{
	struct xenlend_msg req;
	uint32_t *refs = (uint32_t *)bulk[1], i;

	xenlend_msg_init(&req, XENLEND_T_RESOURCE_CREATE, 60);
	req.u.create.res_id = res;
	req.u.create.kind = XENLEND_RES_GUEST;
	req.u.create.size = (uint64_t)pages * XENLEND_PAGE_SIZE;
	CHECK_EQ(call_now(g, &req), XENLEND_S_OK);
	if (!attached)
		return;
	for (i = 0; i < attached; i++)
		refs[i] = 100 + i;
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_ATTACH, 61);
	req.u.attach.res_id = res;
	req.u.attach.bulk_idx = 1;
	req.u.attach.nr_grefs = attached;
	CHECK_EQ(call_now(g, &req), XENLEND_S_OK);
}

static void res3d_msg(struct xenlend_msg *m, uint64_t id, uint32_t res, uint32_t ctx)
{
	xenlend_msg_init(m, XENLEND_T_RES3D_CREATE, id);
	m->u.res3d_create.res_id = res;
	m->u.res3d_create.ctx_id = ctx;
	m->u.res3d_create.target = 2;
	m->u.res3d_create.width = 64;
	m->u.res3d_create.height = 64;
	m->u.res3d_create.depth = 1;
	m->u.res3d_create.array_size = 1;
}

static void transfer_msg(struct xenlend_msg *m, uint64_t id, uint16_t type, uint32_t res,
			 uint64_t offset)
{
	xenlend_msg_init(m, type, id);
	m->u.transfer.res_id = res;
	m->u.transfer.ctx_id = 3;
	m->u.transfer.offset = offset;
	m->u.transfer.w = 64;
	m->u.transfer.h = 64;
	m->u.transfer.d = 1;
}

static void ctx_res_msg(struct xenlend_msg *m, uint64_t id, uint16_t type, uint32_t ctx,
			uint32_t res)
{
	xenlend_msg_init(m, type, id);
	m->u.ctx_res.ctx_id = ctx;
	m->u.ctx_res.res_id = res;
}

static void test_guest_resource_attach(void)
{
	struct guest_state g;
	struct xenlend_msg req;
	uint32_t *refs = (uint32_t *)bulk[0];

	guest_up(&g, NULL, false);
	guest_resource(&g, 9, 4, 2);
	CHECK_EQ(guest_find_resource(&g, 9)->nr_attached, 2);
	CHECK_EQ(guest_find_resource(&g, 9)->grefs[1], 101);
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_ATTACH, 70);
	req.u.attach.res_id = 9;
	req.u.attach.first_page = 1;
	req.u.attach.nr_grefs = 2;
	refs[0] = 200;
	refs[1] = 201;
	/* Page 1 has its reference already. */
	CHECK_EQ(call_now(&g, &req), XENLEND_S_EXIST);
	CHECK_EQ(guest_find_resource(&g, 9)->grefs[2], 0);
	/* Past the end. */
	req.u.attach.first_page = 3;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_RANGE);
	/* Reference 0 is nobody's grant. */
	req.u.attach.first_page = 2;
	refs[1] = 0;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_INVAL);
	refs[1] = 201;
	/* An unpublished bulk page. */
	req.u.attach.bulk_idx = BULK;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_INVAL);
	req.u.attach.bulk_idx = 0;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_OK);
	CHECK_EQ(guest_find_resource(&g, 9)->nr_attached, 4);
	CHECK_EQ(guest_find_resource(&g, 9)->grefs[3], 201);
	/* Guest memory counts against the same cap, apart from lent memory. */
	CHECK_EQ(g.guest_bytes, 4 * XENLEND_PAGE_SIZE);
	CHECK_EQ(g.host_bytes, 0);
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_CREATE, 71);
	req.u.create.res_id = 10;
	req.u.create.kind = XENLEND_RES_GUEST;
	req.u.create.size = cfg.max_lent_bytes;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_QUOTA);
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 72);
	req.u.destroy.res_id = 9;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_OK);
	CHECK_EQ(g.guest_bytes, 0);
	guest_down(&g, -1);
}

static void test_res3d_and_transfers(void)
{
	struct render_ipc_backing backing;
	struct guest_state g;
	struct xenlend_msg req, rsp, fwd;
	int worker;

	gmem_maps = gmem_unmaps = 0;
	gmem_err = 0;
	guest_with_ctx(&g, &worker);
	g.gmem = &fake_gmem;
	guest_resource(&g, 9, 4, 3);

	/* Not every page attached yet. */
	res3d_msg(&req, 80, 9, 3);
	CHECK(!render_request(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_INVAL);
	/* Unknown resource, unknown context, a transfer before the create. */
	res3d_msg(&req, 81, 8, 3);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	res3d_msg(&req, 82, 9, 4);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	transfer_msg(&req, 83, XENLEND_T_TRANSFER_TO_HOST, 9, 0);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), -1);

	/* Whole: mapped once, forwarded with where the pages are. */
	guest_resource(&g, 11, 4, 4);
	gmem_err = -ENOMEM;
	res3d_msg(&req, 84, 11, 3);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOMEM);
	gmem_err = 0;
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(gmem_maps, 1);
	CHECK_EQ(worker_recv(worker, &fwd, (uint8_t *)&backing), sizeof(backing));
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_RES3D_CREATE);
	CHECK_EQ(fwd.u.res3d_create.res_id, 11);
	CHECK_EQ(backing.offset, 0x10000ull * 11);
	CHECK_EQ(backing.size, 4 * XENLEND_PAGE_SIZE);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 84);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	nr_emitted = 0;
	/* Once only. */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_EXIST);

	/* Transfers: inside the backing store, forwarded as they are. */
	transfer_msg(&req, 85, XENLEND_T_TRANSFER_FROM_HOST, 11, 4 * XENLEND_PAGE_SIZE);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_RANGE);
	transfer_msg(&req, 86, XENLEND_T_TRANSFER_FROM_HOST, 11, 256);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_TRANSFER_FROM_HOST);
	CHECK_EQ(fwd.u.transfer.offset, 256);
	worker_answer(worker, &fwd, XENLEND_S_INVAL);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_INVAL);
	nr_emitted = 0;

	/*
	 * Another context's use of it: only a live context of the guest's and
	 * a resource the worker has; then forwarded as they are.
	 */
	ctx_res_msg(&req, 90, XENLEND_T_CTX_ATTACH, 4, 11);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	ctx_res_msg(&req, 91, XENLEND_T_CTX_ATTACH, 3, 9);	/* never in the renderer */
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), -1);
	ctx_res_msg(&req, 92, XENLEND_T_CTX_ATTACH, 3, 11);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_CTX_ATTACH);
	CHECK_EQ(fwd.u.ctx_res.ctx_id, 3);
	CHECK_EQ(fwd.u.ctx_res.res_id, 11);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 92);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	nr_emitted = 0;
	ctx_res_msg(&req, 93, XENLEND_T_CTX_DETACH, 3, 11);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_CTX_DETACH);
	worker_answer(worker, &fwd, XENLEND_S_OK);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 93);
	nr_emitted = 0;

	/* Destroyed: the worker is told (a notice, id 0), the map undone. */
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 87);
	req.u.destroy.res_id = 11;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_OK);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_RESOURCE_DESTROY);
	CHECK_EQ(xenlend_msg_id(&fwd), 0);
	CHECK_EQ(fwd.u.destroy.res_id, 11);
	CHECK_EQ(gmem_unmaps, 1);
	/* A resource the worker never had: nothing to tell it. */
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 88);
	req.u.destroy.res_id = 9;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_OK);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), -1);
	CHECK_EQ(gmem_unmaps, 1);
	guest_down(&g, worker);
}

/* A fake lending engine: takes the blob's file as it is. */
static int lent_fds_seen;
static uint64_t lent_fd_offset;

static int fake_lend_create(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	if (r->fd >= 0 && fcntl(r->fd, F_GETFD) >= 0)
		lent_fds_seen++;
	lent_fd_offset = r->fd_offset;
	return 0;
}

static void fake_lend_destroy(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	(void)r;
}

static const struct engine_ops fake_lend = {
	.create = fake_lend_create,
	.destroy = fake_lend_destroy,
};

/*
 * The worker answers @fwd with @status and, when @fd >= 0, that file and
 * @where as payload (when @where is not NULL).
 */
static void worker_answer_where(int sock, const struct xenlend_msg *fwd, uint32_t status,
				int fd, const struct render_ipc_backing *where)
{
	union {
		struct cmsghdr h;
		char b[CMSG_SPACE(sizeof(int))];
	} ctl = { 0 };
	struct xenlend_msg rsp;
	struct iovec iov[2] = {
		{ .iov_base = &rsp, .iov_len = sizeof(rsp) },
		{ .iov_base = (void *)where, .iov_len = where ? sizeof(*where) : 0 },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = 2 };
	struct cmsghdr *c;

	xenlend_msg_init_rsp(&rsp, fwd, status);
	if (fd >= 0) {
		mh.msg_control = ctl.b;
		mh.msg_controllen = sizeof(ctl.b);
		c = CMSG_FIRSTHDR(&mh);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &fd, sizeof(int));
	}
	CHECK_EQ(sendmsg(sock, &mh, 0), sizeof(rsp) + iov[1].iov_len);
}

/* As the worker answers: a file comes with its blob at offset 0. */
static void worker_answer_fd(int sock, const struct xenlend_msg *fwd, uint32_t status, int fd)
{
	const struct render_ipc_backing where = {
		.offset = 0, .size = fwd->u.create.size,
	};

	worker_answer_where(sock, fwd, status, fd, fd >= 0 ? &where : NULL);
}

static void blob_msg(struct xenlend_msg *m, uint64_t id, uint32_t res, uint32_t ctx,
		     uint32_t flags)
{
	xenlend_msg_init(m, XENLEND_T_RESOURCE_CREATE, id);
	m->u.create.res_id = res;
	m->u.create.kind = XENLEND_RES_HOST;
	m->u.create.size = 2 * XENLEND_PAGE_SIZE;
	m->u.create.ctx_id = ctx;
	m->u.create.flags = XENLEND_CREATE_BLOB | flags;
}

/* The worker answers blob create @id (res @res) OK with @mfd and @where. */
static int blob_answered_with(uint64_t id, uint32_t res, int mfd,
			      const struct render_ipc_backing *where)
{
	struct guest_state g;
	struct xenlend_msg req, rsp, fwd;
	int worker, err;

	guest_with_ctx(&g, &worker);
	g.engine = &fake_lend;
	blob_msg(&req, id, res, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer_where(worker, &fwd, XENLEND_S_OK, mfd, where);
	err = render_read(&g, emit, NULL);
	CHECK_EQ(nr_emitted, 1);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), err ? XENLEND_S_IO : XENLEND_S_OK);
	CHECK_EQ(!!guest_find_resource(&g, res), !err);
	nr_emitted = 0;
	guest_down(&g, worker);
	return err;
}

static void test_renderer_blobs(void)
{
	struct guest_state g;
	struct xenlend_msg req, rsp, fwd, fwd2;
	int worker, mfd = memfd_create("blob", MFD_CLOEXEC);

	CHECK(mfd >= 0);
	lent_fds_seen = 0;
	guest_with_ctx(&g, &worker);
	g.engine = &fake_lend;
	/* Refused at once: not mappable, an unknown context. */
	blob_msg(&req, 90, 20, 3, 0);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOTSUP);
	blob_msg(&req, 91, 20, 9, XENLEND_CREATE_MAPPABLE);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_NOENT);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), -1);

	/* The worker makes it and hands over its memory. */
	blob_msg(&req, 92, 20, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_RESOURCE_CREATE);
	/* A second create of the same id while the first is in flight. */
	blob_msg(&req, 93, 20, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd2, NULL), 0);
	worker_answer_fd(worker, &fwd, XENLEND_S_OK, mfd);
	worker_answer_fd(worker, &fwd2, XENLEND_S_EXIST, -1);
	CHECK_EQ(render_read(&g, emit, NULL), 0);
	CHECK_EQ(nr_emitted, 2);
	CHECK_EQ(xenlend_msg_id(&emitted[0]), 92);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_OK);
	CHECK_EQ(xenlend_msg_status(&emitted[1]), XENLEND_S_EXIST);
	nr_emitted = 0;
	CHECK_EQ(lent_fds_seen, 1);
	CHECK(guest_find_resource(&g, 20) && guest_find_resource(&g, 20)->in_renderer);
	CHECK_EQ(g.host_bytes, 2 * XENLEND_PAGE_SIZE);
	/* A plain create of the id is refused now. */
	blob_msg(&req, 94, 20, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(xenlend_msg_status(&rsp), XENLEND_S_EXIST);

	/* Destroyed: the worker drops its blob. */
	xenlend_msg_init(&req, XENLEND_T_RESOURCE_DESTROY, 95);
	req.u.destroy.res_id = 20;
	CHECK_EQ(call_now(&g, &req), XENLEND_S_OK);
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	CHECK_EQ(xenlend_msg_type(&fwd), XENLEND_T_RESOURCE_DESTROY);
	CHECK_EQ(fwd.u.destroy.res_id, 20);
	CHECK_EQ(g.host_bytes, 0);
	guest_down(&g, worker);

	/* An OK without the blob's memory breaks the protocol. */
	guest_with_ctx(&g, &worker);
	g.engine = &fake_lend;
	blob_msg(&req, 96, 21, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer_fd(worker, &fwd, XENLEND_S_OK, -1);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	CHECK(!guest_find_resource(&g, 21));
	guest_down(&g, worker);
	nr_emitted = 0;

	/* So does a file with anything else. */
	guest_with_ctx(&g, &worker);
	g.engine = &fake_lend;
	blob_msg(&req, 97, 22, 3, XENLEND_CREATE_MAPPABLE);
	CHECK(!dispatch_ctrl(&g, &req, &rsp));
	CHECK_EQ(worker_recv(worker, &fwd, NULL), 0);
	worker_answer_fd(worker, &fwd, XENLEND_S_NOMEM, mfd);
	CHECK_EQ(render_read(&g, emit, NULL), -EPIPE);
	CHECK_EQ(xenlend_msg_status(&emitted[0]), XENLEND_S_IO);
	guest_down(&g, worker);
	nr_emitted = 0;
	close(mfd);
}

/*
 * Where in the file a blob is: a driver's memory file may start with a
 * header, so the worker says where the blob starts. The place must come
 * with the file, be page aligned and name exactly the blob's size.
 */
static void test_blob_place_in_file(void)
{
	struct render_ipc_backing where = { .offset = 4096, .size = 2 * XENLEND_PAGE_SIZE };
	int mfd = memfd_create("blob", MFD_CLOEXEC);

	CHECK(mfd >= 0);
	lent_fd_offset = 0;
	CHECK_EQ(blob_answered_with(100, 30, mfd, &where), 0);
	CHECK_EQ(lent_fd_offset, 4096);
	/* Without the place, unaligned, or of another size: the worker is broken. */
	CHECK_EQ(blob_answered_with(101, 31, mfd, NULL), -EPIPE);
	where.offset = 100;
	CHECK_EQ(blob_answered_with(102, 32, mfd, &where), -EPIPE);
	where.offset = 0;
	where.size = XENLEND_PAGE_SIZE;
	CHECK_EQ(blob_answered_with(103, 33, mfd, &where), -EPIPE);
	close(mfd);
}

int main(void)
{
	static const struct test_case cases[] = {
		TEST(test_without_renderer),
		TEST(test_capset_through_bulk_page),
		TEST(test_submit_checks),
		TEST(test_submit_and_fences),
		TEST(test_worker_death),
		TEST(test_worker_restart),
		TEST(test_worker_hangs),
		TEST(test_contexts_of_a_dead_worker),
		TEST(test_worker_garbage),
		TEST(test_nop),
		TEST(test_guest_resource_attach),
		TEST(test_res3d_and_transfers),
		TEST(test_renderer_blobs),
		TEST(test_blob_place_in_file),
	};

	config_defaults(&cfg);
	return test_main("render", cases, sizeof(cases) / sizeof(cases[0]));
}
