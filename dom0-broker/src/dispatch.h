/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: what the protocol knows about one guest, and its control
 * ring requests (dispatch.c). Free of any Xen library.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_DISPATCH_H
#define XENLEND_BROKER_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "render.h"
#include "resources.h"
#include "xenlend_wire.h"

struct broker_config;

/**
 * struct guest_state - what the protocol knows about one guest
 * @domid: the guest.
 * @nr_bulk_pages: bulk pages it published in xenstore.
 * @hello_done: HELLO succeeded; other requests are accepted.
 * @version: negotiated protocol version.
 * @cfg: the broker's configuration (quotas).
 * @resources: table of @cfg->max_resources entries.
 * @nr_resources: live entries in @resources.
 * @stats_requests: requests seen.
 * @stats_rejected: requests rejected as malformed or out of sequence.
 * @stats_refused: well-formed requests refused (bad handle, range, quota).
 * @stats_faults: FAULT requests answered with grants.
 * @stats_fault_pages: pages granted by those.
 * @host_bytes: bytes of live host resources (charged to max_lent_bytes).
 * @guest_bytes: bytes of live guest resources (also capped by max_lent_bytes).
 * @engine: where memory comes from; NULL: FAULT is not supported.
 * @engine_ctx: argument of @engine.
 * @gmem: maps guest resources for the renderer; NULL: not supported.
 * @gmem_ctx: argument of @gmem.
 * @bulk: the guest's bulk pages, @nr_bulk_pages of them, mapped.
 * @features: XENLEND_F_* granted in HELLO.
 * @render: the guest's renderer.
 * @render_start: starts the guest's render worker and sets @render.fd; NULL
 *	when the broker has no renderer (or @render.fd is set already).
 * @render_stop: stops the guest's render worker (NULL in tests).
 * @render_emit: puts a late response on the guest's control ring.
 * @render_arg: argument of @render_start, @render_stop and @render_emit.
 */
struct guest_state {
	int domid;
	uint32_t nr_bulk_pages;
	bool hello_done;
	uint32_t version;
	const struct broker_config *cfg;
	struct guest_resource *resources;
	uint32_t nr_resources;
	uint64_t stats_requests;
	uint64_t stats_rejected;
	uint64_t stats_refused;
	uint64_t stats_faults;
	uint64_t stats_fault_pages;
	uint64_t host_bytes;
	uint64_t guest_bytes;
	const struct engine_ops *engine;
	void *engine_ctx;
	const struct guest_mem_ops *gmem;
	void *gmem_ctx;
	void *bulk;
	uint64_t features;
	struct render_state render;
	int (*render_start)(void *arg);
	void (*render_stop)(void *arg);
	render_emit_fn render_emit;
	void *render_arg;
};

int guest_state_init(struct guest_state *g, int domid, uint32_t nr_bulk_pages,
		     const struct broker_config *cfg);
void guest_state_fini(struct guest_state *g);
bool dispatch_ctrl(struct guest_state *g, const struct xenlend_msg *req,
		   struct xenlend_msg *rsp);

#endif /* XENLEND_BROKER_DISPATCH_H */
