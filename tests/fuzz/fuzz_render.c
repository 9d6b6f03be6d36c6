// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target: the broker's renderer forwarding (render.c) between a hostile
 * guest and a hostile render worker. The input is a list of records; the low
 * bit of a record's first byte says whose it is:
 *   1: a 64-byte control ring request from the guest, dispatched;
 *   0: a packet from the worker (next byte * 2 bytes long); with bit 1 set,
 *      its id is replaced by the last forwarded request's, so that the
 *      fuzzer reaches the response paths without guessing ids.
 * Every response the guest gets must be valid and answer a request it sent,
 * every FENCE event must be valid, and nothing may crash or leak. Bulk page
 * 3 holds non-zero grant references, so that guest resources attached from
 * it can become renderer resources (through a fake grant device).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "config.h"
#include "dispatch.h"
#include "log.h"
#include "render.h"
#include "resources.h"
#include "render_ipc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FUZZ_ASSERT(c) do { if (!(c)) abort(); } while (0)

static uint8_t bulk[4][XENLEND_PAGE_SIZE];

static int fake_map(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	r->map_offset = (uint64_t)r->res_id * XENLEND_PAGE_SIZE;
	return 0;
}

static void fake_unmap(void *ctx, struct guest_resource *r)
{
	(void)ctx;
	r->mapped = false;
}

static const struct guest_mem_ops fake_gmem = { .map = fake_map, .unmap = fake_unmap };
static uint64_t guest_ids[1024];
static unsigned int nr_guest_ids;

static void emit(void *arg, const struct xenlend_msg *rsp)
{
	unsigned int i;

	(void)arg;
	FUZZ_ASSERT(xenlend_msg_check(rsp, XENLEND_Q_CTRL_RSP).why == NULL);
	for (i = 0; i < nr_guest_ids; i++)
		if (guest_ids[i] == rsp->hdr.id)
			break;
	FUZZ_ASSERT(i < nr_guest_ids);
}

/* Take what the broker forwarded; the id of the last one. */
static uint64_t drain(int worker, uint64_t last)
{
	uint8_t buf[RENDER_IPC_MAX_PACKET];
	struct xenlend_msg m;
	ssize_t n;

	while ((n = recv(worker, buf, sizeof(buf), MSG_DONTWAIT)) >= (ssize_t)sizeof(m)) {
		memcpy(&m, buf, sizeof(m));
		FUZZ_ASSERT(xenlend_msg_check(&m, XENLEND_Q_CTRL_REQ).why == NULL);
		last = m.hdr.id;
	}
	return last;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct broker_config cfg;
	uint8_t pkt[RENDER_IPC_MAX_PACKET];
	struct xenlend_msg req, rsp;
	uint64_t last_fwd = 0;
	struct guest_state g;
	size_t off = 0, n;
	int sv[2];

	if (!cfg.max_resources) {
		config_defaults(&cfg);
		log_init(false);
		memset(bulk[3], 0x11, sizeof(bulk[3]));
	}
	if (guest_state_init(&g, 1, 4, &cfg))
		return 0;
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_NONBLOCK, 0, sv)) {
		guest_state_fini(&g);
		return 0;
	}
	g.bulk = bulk;
	g.gmem = &fake_gmem;
	g.render.fd = sv[0];
	nr_guest_ids = 0;
	xenlend_msg_init(&req, XENLEND_T_HELLO, 0);
	req.u.hello.version_min = 1;
	req.u.hello.version_max = 1;
	req.u.hello.features = XENLEND_F_RENDER;
	req.u.hello.nr_bulk_pages = 4;
	FUZZ_ASSERT(dispatch_ctrl(&g, &req, &rsp));
	FUZZ_ASSERT(rsp.u.hello_rsp.features == XENLEND_F_RENDER);

	while (off < size) {
		uint8_t op = data[off++];

		if (op & 1) {
			n = size - off < sizeof(req) ? size - off : sizeof(req);
			memset(&req, 0, sizeof(req));
			memcpy(&req, data + off, n);
			off += n;
			if (nr_guest_ids < sizeof(guest_ids) / sizeof(guest_ids[0]))
				guest_ids[nr_guest_ids++] = req.hdr.id;
			if (dispatch_ctrl(&g, &req, &rsp)) {
				FUZZ_ASSERT(xenlend_msg_check(&rsp, XENLEND_Q_CTRL_RSP).why == NULL);
				FUZZ_ASSERT(rsp.hdr.id == req.hdr.id);
			}
			last_fwd = drain(sv[1], last_fwd);
			continue;
		}
		if (off >= size)
			break;
		n = (size_t)data[off++] * 2;
		if (n > size - off)
			n = size - off;
		memcpy(pkt, data + off, n);
		off += n;
		if ((op & 2) && n >= sizeof(req))
			memcpy(pkt + offsetof(struct xenlend_msg, hdr.id), &last_fwd,
			       sizeof(last_fwd));
		if (send(sv[1], pkt, n, MSG_DONTWAIT) < 0)
			break;
		render_read(&g, emit, NULL);
	}

	while (render_next_fence(&g, &rsp)) {
		FUZZ_ASSERT(xenlend_msg_check(&rsp, XENLEND_Q_EVT_REQ).why == NULL);
		render_fence_sent(&g, &rsp);
	}
	close(sv[0]);
	close(sv[1]);
	guest_state_fini(&g);
	return 0;
}
