/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: a guest's renderer requests, through its render worker
 * (render.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_RENDER_H
#define XENLEND_BROKER_RENDER_H

#include <stdbool.h>
#include <stdint.h>

#include "xenlend_wire.h"

struct guest_state;

/* Renderer requests of one guest awaiting the worker: a ring's worth. */
#define RENDER_MAX_PENDING	32
/* Rendering contexts of one guest. */
#define RENDER_MAX_CONTEXTS	64
/* New render workers a guest gets after the first failed, per connection. */
#define RENDER_MAX_RESTARTS	4
/* Packets taken from a worker per turn of the event loop. */
#define RENDER_READ_BUDGET	64
/*
 * How long a worker may leave a request unanswered: below the guest's 30 s,
 * above its start-up under emulation (11 s measured).
 */
#define RENDER_REQUEST_TIMEOUT_MS	25000

/**
 * struct render_ctx - a rendering context of a guest
 * @ctx_id: guest-chosen id (0: free slot).
 * @capset_id: its capability set.
 * @num_rings: its fence timelines.
 * @submitted: per ring, the last fence id sent to the worker.
 * @completed: per ring, the last fence id the worker completed.
 * @told: per ring, the last fence id the guest was told about.
 * @error: per ring, the status the next FENCE event carries.
 * @dead: its worker failed; only its fences remain to be told, and its id
 *	may be created again on a new worker.
 */
struct render_ctx {
	uint32_t ctx_id;
	uint32_t capset_id;
	uint32_t num_rings;
	bool dead;
	uint64_t submitted[XENLEND_MAX_RINGS];
	uint64_t completed[XENLEND_MAX_RINGS];
	uint64_t told[XENLEND_MAX_RINGS];
	uint32_t error[XENLEND_MAX_RINGS];
};

/**
 * struct render_pending - a request the worker has not answered yet
 * @id: the id it was forwarded with (0: free slot).
 * @req: the guest's request, as validated.
 * @deadline: when the worker counts as hung (ms, monotonic).
 */
struct render_pending {
	uint64_t id;
	struct xenlend_msg req;
	uint64_t deadline;
};

/**
 * struct render_state - a guest's renderer
 * @fd: socket to the guest's render worker; -1: no renderer.
 * @failed: the worker died or broke the protocol; requests fail until a
 *	new one is started.
 * @restarts: new workers started after failures.
 * @next_id: id of the next forwarded request.
 * @pending: forwarded requests awaiting their response.
 * @ctxs: RENDER_MAX_CONTEXTS contexts.
 * @nr_ctxs: live entries of @ctxs.
 * @stats_submits: command streams submitted with a fence.
 * @stats_fences: fence completions the worker reported.
 */
struct render_state {
	int fd;
	bool failed;
	uint32_t restarts;
	uint64_t next_id;
	struct render_pending pending[RENDER_MAX_PENDING];
	struct render_ctx *ctxs;
	uint32_t nr_ctxs;
	uint64_t stats_submits;
	uint64_t stats_fences;
};

/* Puts a response on the guest's control ring. */
typedef void (*render_emit_fn)(void *arg, const struct xenlend_msg *rsp);

int render_init(struct render_state *r);
void render_fini(struct render_state *r);
bool render_request(struct guest_state *g, const struct xenlend_msg *req,
		    struct xenlend_msg *rsp);
int render_read(struct guest_state *g, render_emit_fn emit, void *arg);
void render_fail(struct guest_state *g, const char *why, render_emit_fn emit, void *arg);
bool render_next_fence(struct guest_state *g, struct xenlend_msg *m);
uint64_t render_expire(struct guest_state *g, uint64_t now, render_emit_fn emit, void *arg);
void render_fence_sent(struct guest_state *g, const struct xenlend_msg *m);
void render_forget_resource(struct guest_state *g, uint32_t res_id);

#endif /* XENLEND_BROKER_RENDER_H */
