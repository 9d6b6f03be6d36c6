// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: a guest's queue of revocations.
 *
 * The lending engine's revocation events (dom0 took back memory it lent)
 * become REVOKE requests on the guest's event ring, sent as the ring has
 * room. The guest's REVOKE_DONE, or the configured deadline, releases the
 * grants in the engine; a guest that misses the deadline is evicted. The
 * deadline runs from when the REVOKE went on the ring; one still waiting
 * for room has it too, pushed back each time the guest answers one, up to
 * REVOKE_WAIT_TIMEOUTS deadlines from when dom0 took the memory: a guest
 * slow with many is not punished for dom0's burst, one that answers none,
 * or keeps its ring full with other events, is not waited for.
 *
 * Nothing is released before the guest answered or its deadline passed:
 * revocations of one resource that are not on the ring yet are sent as one
 * (their ranges joined), so what waits is bounded by the guest's resources
 * plus the requests its ring holds, whatever dom0's invalidations do.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "conn.h"
#include "domain.h"
#include "engine.h"
#include "log.h"
#include "resources.h"
#include "revoke.h"
#include "ring_put.h"
#include "vram.h"
#include "xenlend_host.h"
#include "msgs.h"

/*
 * End the grants of @p in the engine, count and log what that released.
 * Device memory in the guest's window is removed from there first: the
 * engine unpins it on that word.
 */
static void release(struct conn *c, const struct pending_revoke *p, const char *why)
{
	struct guest_resource *r = guest_find_resource(&c->gs, p->res_id);
	uint64_t released, quarantined;
	char timing[80] = "";

	/* Gone: destroying it ended its grants (and took its frames out). */
	if (!r)
		return;
	if (p->win_stamp && r->win_stamp == p->win_stamp &&
	    vram_unmap(c, r, p->offset, p->length)) {
		log_guest(c->domid, LOG_ERR, "revoke seq %" PRIu64 ": device memory of resource "
			  "%u kept pinned: it may still be mapped", p->seq, p->res_id);
		return;
	}
	if (engine_release(c, p, &released, &quarantined))
		return;
	c->revoked_pages += released;
	c->quarantined_pages += quarantined;
	if (p->invalidated_ns)
		snprintf(timing, sizeof(timing), " (%" PRIu64 " us from the invalidation, notifier %"
			 PRIu64 " ns)", (now_ns() - p->invalidated_ns) / 1000, p->notifier_ns);
	log_guest(c->domid, quarantined ? LOG_WARN : LOG_DEBUG,
		  "revoke seq %" PRIu64 " %s after %" PRIu64 " ms%s: %llu pages released, %llu quarantined",
		  p->seq, why, now_ms() - p->started, timing, (unsigned long long)released,
		  (unsigned long long)quarantined);
	if (quarantined)
		engine_check_quarantine(c);
}

/* What c->revokes holds: one unsent per resource, and what the ring holds. */
static unsigned int capacity(const struct conn *c)
{
	return c->cfg->max_resources + CONN_MAX_EVT_PENDING;
}

/* Join @p into @q, a revocation of the same resource not sent yet. */
static void join(struct pending_revoke *q, const struct pending_revoke *p)
{
	uint64_t end = q->offset + q->length;

	if (p->offset + p->length > end)
		end = p->offset + p->length;
	if (p->offset < q->offset)
		q->offset = p->offset;
	q->length = end - q->offset;
	/*
	 * The guest unmaps the whole joined range before it answers: every
	 * grant revoked there until now may go, whichever event revoked it.
	 */
	if (p->seq != q->seq)
		q->earlier = true;
	if (p->seq > q->seq)
		q->seq = p->seq;
	q->earlier |= p->earlier;
}

/* @ev: a REVOKE event, or NULL for an OVERFLOW's revocation of everything. */
static void queue(struct conn *c, uint32_t res_id, uint64_t offset, uint64_t length,
		  uint64_t seq, const struct xenlend_host_event *ev)
{
	const struct guest_resource *r = guest_find_resource(&c->gs, res_id);
	uint64_t now = now_ms();
	struct pending_revoke p = {
		.res_id = res_id,
		.offset = offset,
		.length = length,
		.seq = seq,
		.earlier = !ev,
		.started = now,
		.deadline = now + c->cfg->revoke_timeout_ms,
		.invalidated_ns = ev ? ev->time_ns : 0,
		.notifier_ns = ev ? ev->notifier_ns : 0,
		.win_stamp = r && r->frames ? r->win_stamp : 0,
	};

	for (unsigned int i = 0; i < c->nr_revokes; i++) {
		struct pending_revoke *q = &c->revokes[i];

		if (q->res_id == res_id && !q->evt_id && q->win_stamp == p.win_stamp) {
			join(q, &p);
			c->joined_revokes++;
			return;
		}
	}
	if (c->nr_revokes == capacity(c)) {
		/*
		 * Only a guest that leaves its event ring full gets here. What
		 * it was not told about stays revoked: disconnecting it ends
		 * those grants with the rest.
		 */
		if (!c->evict_why[0])
			snprintf(c->evict_why, sizeof(c->evict_why),
				 "%u revocations waiting: it does not take them", c->nr_revokes);
		return;
	}
	c->revokes[c->nr_revokes++] = p;
}

/* Keeps the queue in order: the oldest waiting revocation is sent first. */
static void drop(struct conn *c, unsigned int i)
{
	memmove(&c->revokes[i], &c->revokes[i + 1],
		(--c->nr_revokes - i) * sizeof(c->revokes[0]));
}

/**
 * revoke_send() - put queued REVOKEs on the event ring, as space allows
 * @c: a connected connection.
 */
void revoke_send(struct conn *c)
{
	for (unsigned int i = 0; i < c->nr_revokes; i++) {
		struct pending_revoke *p = &c->revokes[i];
		struct xenlend_msg m;

		if (p->evt_id)
			continue;
		msg_revoke(&m, p->res_id, p->offset, p->length, p->seq);
		if (ring_put_evt(c, &m, false, &p->evt_id))
			return;	/* ring full: retried on the next turn */
		c->sent_revokes++;
		p->deadline = now_ms() + c->cfg->revoke_timeout_ms;
	}
}

/**
 * revoke_done() - the guest answered a REVOKE
 * @c: the connection.
 * @evt_id: id of the REVOKE request.
 * @status: the guest's status (NOENT: it had nothing mapped).
 *
 * Return: true if @evt_id was a pending REVOKE.
 */
bool revoke_done(struct conn *c, uint64_t evt_id, uint32_t status)
{
	uint64_t deadline;

	for (unsigned int i = 0; i < c->nr_revokes; i++) {
		struct pending_revoke *p = &c->revokes[i];

		if (p->evt_id != evt_id)
			continue;
		release(c, p, status == XENLEND_S_OK ? "acknowledged" : "refused");
		drop(c, i);
		/*
		 * It makes progress: what waits for room waits on, but never
		 * more than REVOKE_WAIT_TIMEOUTS deadlines in all.
		 */
		deadline = now_ms() + c->cfg->revoke_timeout_ms;
		for (i = 0; i < c->nr_revokes; i++) {
			struct pending_revoke *q = &c->revokes[i];
			uint64_t most = q->started +
					(uint64_t)REVOKE_WAIT_TIMEOUTS * c->cfg->revoke_timeout_ms;

			if (!q->evt_id && q->deadline < deadline)
				q->deadline = deadline < most ? deadline : most;
		}
		return true;
	}
	return false;
}

/**
 * revoke_expire() - release revocations past their deadline
 * @c: the connection.
 * @now: current time in ms.
 *
 * A guest that missed a deadline gets @c->evict_why set: the event loop
 * disconnects it. With driver memory (config_destroys_late_guests()) it is
 * paused at once and crashed first, for its toolstack to destroy.
 *
 * Return: the earliest remaining deadline, or UINT64_MAX.
 */
uint64_t revoke_expire(struct conn *c, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < c->nr_revokes;) {
		struct pending_revoke *p = &c->revokes[i];

		if (p->deadline <= now) {
			/* Its access stops before its memory goes to quarantine. */
			if (config_destroys_late_guests(c->cfg, c->lent_gpu_memory) &&
			    !c->stopped)
				c->stopped = !domain_stop(c->domid, "revocation deadline missed");
			release(c, p, "not acknowledged in time");
			c->late_revokes++;
			if (!c->evict_why[0])
				snprintf(c->evict_why, sizeof(c->evict_why),
					 "revocation seq %" PRIu64 " not acknowledged within %u ms",
					 p->seq, c->cfg->revoke_timeout_ms);
			drop(c, i);
			continue;
		}
		if (p->deadline < next)
			next = p->deadline;
		i++;
	}
	return next;
}

/**
 * revoke_read_events() - turn the engine's events into REVOKEs
 * @c: the connection.
 */
void revoke_read_events(struct conn *c)
{
	struct xenlend_host_event ev[16];
	size_t n;

	while ((n = engine_read_events(c, ev, ARRAY_SIZE(ev))) > 0) {
		for (size_t i = 0; i < n; i++) {
			if (ev[i].type == XENLEND_HOST_EV_REVOKE) {
				queue(c, ev[i].id, ev[i].offset, ev[i].length, ev[i].seq,
				      &ev[i]);
				continue;
			}
			/* Lost events: take back everything up to this point. */
			log_msg(LOG_WARN, "dom%d: revocation events lost, revoking all",
				c->domid);
			for (uint32_t j = 0; j < c->cfg->max_resources; j++) {
				struct guest_resource *r = &c->gs.resources[j];

				if (r->res_id && r->kind == XENLEND_RES_HOST)
					queue(c, r->res_id, 0, r->size, ev[i].seq, NULL);
			}
		}
	}
	revoke_send(c);
}

/**
 * revoke_clear() - forget every pending revocation
 * @c: the connection; its lending engine was closed (engine_close()),
 *	which ended every grant.
 */
void revoke_clear(struct conn *c)
{
	c->nr_revokes = 0;
}

/**
 * revoke_init() - make room for a connection's pending revocations
 * @c: a new connection, its configuration set.
 *
 * Return: 0, or -ENOMEM.
 */
int revoke_init(struct conn *c)
{
	c->revokes = calloc(capacity(c), sizeof(*c->revokes));
	return c->revokes ? 0 : -ENOMEM;
}

/**
 * revoke_fini() - free what revoke_init() allocated
 * @c: the connection.
 */
void revoke_fini(struct conn *c)
{
	free(c->revokes);
	c->revokes = NULL;
	c->nr_revokes = 0;
}
