// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: putting messages on a guest's shared rings - requests on
 * its event ring (the broker is the front end there) and late responses on
 * its control ring (the back end) - and notifying its event channel.
 *
 * The rings are mapped and served by conn.c; everything that sends to the
 * guest outside that service (revocations, fences, the renderer's answers,
 * the control socket) comes through here. Nothing here calls back into the
 * broker.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>

#include "conn.h"
#include "ring_put.h"
#include "xenlend_wire.h"

/**
 * ring_put_ctrl_rsp() - put a late response on the guest's control ring
 * @arg: the connection (a render_emit_fn's argument).
 * @rsp: the response, to a request consumed earlier.
 *
 * For responses that do not come while the ring is served (the renderer's):
 * put on the ring at once, and the guest notified when it asked to be.
 * Dropped when the guest is no longer connected.
 */
void ring_put_ctrl_rsp(void *arg, const struct xenlend_msg *rsp)
{
	struct conn *c = arg;
	int notify;

	if (!c->connected)
		return;
	/* Each answers a request consumed earlier, so a slot is free. */
	*RING_GET_RESPONSE(&c->ctrl, c->ctrl.rsp_prod_pvt) = *rsp;
	c->ctrl.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ctrl, notify);
	if (notify) {
		xenevtchn_notify(c->xce, c->local_port);
		c->stats_evtchn_sends++;
	}
}

/**
 * ring_put_evt() - put a request on the guest's event ring
 * @c: a connected connection.
 * @m: the request; its id is set here.
 * @raw: send without validating (test hooks only).
 * @id: receives the id.
 *
 * Return: 0, -ENOTCONN, -EINVAL for an invalid request, or -EBUSY when the
 * ring or the table of pending requests is full.
 */
int ring_put_evt(struct conn *c, struct xenlend_msg *m, bool raw, uint64_t *id)
{
	unsigned int i;
	int notify;

	if (!c->connected)
		return -ENOTCONN;
	if (!raw && xenlend_msg_check(m, XENLEND_Q_EVT_REQ).status != XENLEND_S_OK)
		return -EINVAL;
	if (RING_FULL(&c->evt))
		return -EBUSY;
	for (i = 0; i < CONN_MAX_EVT_PENDING && c->evt_pending[i]; i++)
		;
	if (i == CONN_MAX_EVT_PENDING)
		return -EBUSY;
	*id = ++c->next_evt_id;
	c->evt_pending[i] = *id;
	m->hdr.id = *id;
	*RING_GET_REQUEST(&c->evt, c->evt.req_prod_pvt) = *m;
	c->evt.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&c->evt, notify);
	if (notify) {
		xenevtchn_notify(c->xce, c->local_port);
		c->stats_evtchn_sends++;
	}
	return 0;
}
