// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: counting and logging the valid requests of a guest that
 * the broker refuses (bad handle, range, quota).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include "dispatch.h"
#include "log.h"
#include "refusal.h"
#include "xenlend_wire.h"

/**
 * guest_refused() - count and log a valid request the broker will not do
 * @g: the guest.
 * @req: the request, validated.
 * @status: why, not XENLEND_S_OK.
 *
 * The log names the resource or context the request is about, so that a
 * refusal can be told from the ones around it.
 */
void guest_refused(struct guest_state *g, const struct xenlend_msg *req, uint32_t status)
{
	uint16_t type = xenlend_msg_type(req);
	enum xenlend_obj kind;
	uint32_t obj = xenlend_msg_object(req, &kind);
	const char *what = kind == XENLEND_OBJ_CONTEXT ? "context" : "resource";

	g->stats_refused++;
	if (obj)
		log_guest(g->domid, LOG_INFO, "refused %s id %llu (%s %u): %s",
			  xenlend_type_name(type), xenlend_msg_id(req), what, obj,
			  xenlend_status_name(status));
	else
		log_guest(g->domid, LOG_INFO, "refused %s id %llu: %s", xenlend_type_name(type),
			  xenlend_msg_id(req), xenlend_status_name(status));
}
