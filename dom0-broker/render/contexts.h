/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-render: a guest's rendering contexts and the table of them
 * (contexts.c). requests.c creates, fences and destroys contexts;
 * resources.c only asks whether a request may name one.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_RENDER_CONTEXTS_H
#define XENLEND_RENDER_CONTEXTS_H

#include <stdbool.h>
#include <stdint.h>

#include "render_ipc.h"

/* One fence timeline of a context. */
struct ctx_ring {
	uint64_t last_id;	/* last fence accepted */
	uint64_t done_id;	/* last fence reported */
	uint64_t progress_ms;	/* when the timeline last moved */
};

/* How a context's fences are made. */
enum ctx_fence_mode {
	FENCE_UNKNOWN,		/* no fence made yet (virgl contexts) */
	FENCE_CTX,		/* virgl_renderer_context_create_fence */
	FENCE_CTX0,		/* virgl_renderer_create_fence + local sequence */
};

/* A fence whose stream was rejected: reported with XENLEND_S_INVAL. */
struct ctx_bad_fence {
	struct ctx_bad_fence *next;
	uint32_t ring_idx;
	uint64_t fence_id;
};

/* A rendering context of the guest. */
struct ctx {
	struct ctx *next;	/* in the table, newest first */
	uint32_t id, capset, num_rings;
	int poll_fd;
	bool lost;
	enum ctx_fence_mode mode;
	uint8_t *stage;
	uint32_t staged, stage_cap;
	struct ctx_bad_fence *bad;
	struct ctx_ring rings[XENLEND_MAX_RINGS];
};

struct ctx *ctx_find(uint32_t id);
struct ctx *ctx_first(void);
bool ctx_table_full(void);
void ctx_insert(struct ctx *c);
struct ctx *ctx_remove(uint32_t id);
uint32_t ctx_usable(uint32_t ctx_id);

#endif /* XENLEND_RENDER_CONTEXTS_H */
