// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: one guest's connection - its shared rings, bulk pages and
 * event channel.
 *
 * Every index and message the guest writes is read once into private memory
 * and checked before use (the xenstored check_indexes pattern). A guest that
 * corrupts the ring indexes is disconnected; a guest that sends malformed
 * messages gets error responses and stays connected. One guest's turn is
 * bounded so that a flood cannot starve the others.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broker.h"
#include "config.h"
#include "conn.h"
#include "dispatch.h"
#include "engine.h"
#include "guest_mem.h"
#include "log.h"
#include "render.h"
#include "render_jail.h"
#include "render_worker.h"
#include "revoke.h"
#include "vram.h"
#include "ring_put.h"
#include "xenlend_wire.h"

/* Requests served per guest before the event loop moves on. */
#define CONN_BUDGET	64

static int read_u32(struct conn *c, const char *key, uint32_t max, uint32_t *out)
{
	char path[160], *v, *end;
	unsigned int len;
	unsigned long x;

	snprintf(path, sizeof(path), "%s/%s", c->fe_path, key);
	v = xs_read(c->xs, XBT_NULL, path, &len);
	if (!v) {
		log_guest(c->domid, LOG_WARN, "frontend key %s missing", key);
		return -ENOENT;
	}
	errno = 0;
	x = strtoul(v, &end, 10);
	if (errno || end == v || *end || x > max || v[0] == '-') {
		log_guest(c->domid, LOG_WARN, "frontend key %s: bad value '%.32s'", key, v);
		free(v);
		return -EINVAL;
	}
	free(v);
	*out = (uint32_t)x;
	return 0;
}

static volatile RING_IDX *ring_idx(RING_IDX *p)
{
	return (volatile RING_IDX *)p;
}

/*
 * The guest's first renderer request: start its worker. Guests that never
 * render cost no process.
 */
static int start_renderer(void *arg)
{
	struct conn *c = arg;
	struct epoll_event ev = { .events = EPOLLIN,
				  .data.u64 = EPOLL_TAG_RENDER | (uint64_t)c->domid };
	struct render_jail jail;
	int fd;

	fd = render_jail_prepare(c->cfg, c->domid, &jail);
	if (!fd)
		fd = render_worker_start(c->cfg->renderer, &jail, c->cfg->render_software,
					 c->domid, c->gntdev_fd, &c->render_pid);
	render_jail_release(&jail);
	if (fd < 0) {
		log_guest(c->domid, LOG_WARN, "no renderer: cannot start %s: %s",
			  c->cfg->renderer, strerror(-fd));
		return fd;
	}
	if (epoll_ctl(c->epfd, EPOLL_CTL_ADD, fd, &ev)) {
		log_guest(c->domid, LOG_WARN, "render worker: epoll: %s", strerror(errno));
		render_worker_stop(fd, c->render_pid, c->domid);
		c->render_pid = 0;
		return -EIO;
	}
	c->gs.render.fd = fd;
	return 0;
}

/**
 * conn_render_stop() - stop the guest's render worker, if one runs
 * @c: the connection.
 *
 * Its socket leaves the epoll set and is closed, the process is killed. The
 * guest's next renderer request may start a new one.
 */
void conn_render_stop(struct conn *c)
{
	if (!c->render_pid)
		return;
	epoll_ctl(c->epfd, EPOLL_CTL_DEL, c->gs.render.fd, NULL);
	render_worker_stop(c->gs.render.fd, c->render_pid, c->domid);
	c->gs.render.fd = -1;
	c->render_pid = 0;
}

static void stop_renderer(void *arg)
{
	conn_render_stop(arg);
}

/**
 * conn_connect() - map a guest's rings and bind its event channel
 * @c: a disconnected connection whose frontend is Initialised.
 *
 * Return: 0, or a negative errno with everything undone.
 */
int conn_connect(struct conn *c)
{
	uint32_t version, ctrl_ref, evt_ref, port, refs[XENLEND_MAX_BULK_PAGES];
	char key[32];
	uint32_t i;
	int err;

	err = read_u32(c, XENLEND_XS_PROTOCOL_VERSION, UINT32_MAX, &version);
	if (err)
		return err;
	if (version != XENLEND_PROTOCOL_VERSION) {
		log_guest(c->domid, LOG_WARN, "frontend chose protocol version %u", version);
		return -EPROTONOSUPPORT;
	}
	err = read_u32(c, XENLEND_XS_CTRL_RING_REF, UINT32_MAX, &ctrl_ref);
	if (!err)
		err = read_u32(c, XENLEND_XS_EVT_RING_REF, UINT32_MAX, &evt_ref);
	if (!err)
		err = read_u32(c, XENLEND_XS_EVENT_CHANNEL, UINT32_MAX, &port);
	if (!err)
		err = read_u32(c, XENLEND_XS_NR_BULK_PAGES, c->cfg->max_bulk_pages, &c->nr_bulk);
	if (err)
		return err;
	if (!c->nr_bulk) {
		log_guest(c->domid, LOG_WARN, "frontend published no bulk pages");
		return -EINVAL;
	}
	for (i = 0; i < c->nr_bulk; i++) {
		snprintf(key, sizeof(key), XENLEND_XS_BULK_REF_FMT, i);
		err = read_u32(c, key, UINT32_MAX, &refs[i]);
		if (err)
			return err;
	}

	err = guest_state_init(&c->gs, c->domid, c->nr_bulk, c->cfg);
	if (err)
		return err;
	engine_open(c);	/* without the engine, host resources are refused */
	/* What it kept mapped through earlier connections counts: */
	engine_check_quarantine(c);
	vram_window_read(c);
	c->gs.engine = &engine_ops;
	c->gs.engine_ctx = c;
	if (c->cfg->renderer[0] && access(c->cfg->renderer, X_OK))
		log_guest(c->domid, LOG_WARN, "no renderer: %s: %s", c->cfg->renderer,
			  strerror(errno));
	else if (c->cfg->renderer[0])
		c->gs.render_start = start_renderer;
	if (c->gs.render_start)
		guest_mem_open(c);	/* without it, guest resources are not rendered */
	c->gs.gmem = &guest_mem_ops;
	c->gs.gmem_ctx = c;
	c->gs.render_stop = stop_renderer;
	c->gs.render_emit = ring_put_ctrl_rsp;
	c->gs.render_arg = c;
	c->xgt = xengnttab_open(NULL, 0);
	if (!c->xgt)
		goto fail_errno;
	c->ctrl_page = xengnttab_map_grant_ref(c->xgt, c->domid, ctrl_ref,
					       PROT_READ | PROT_WRITE);
	if (!c->ctrl_page)
		goto fail_errno;
	c->evt_page = xengnttab_map_grant_ref(c->xgt, c->domid, evt_ref,
					      PROT_READ | PROT_WRITE);
	if (!c->evt_page)
		goto fail_errno;
	c->bulk = xengnttab_map_domain_grant_refs(c->xgt, c->nr_bulk, c->domid, refs,
						  PROT_READ | PROT_WRITE);
	if (!c->bulk)
		goto fail_errno;

	c->gs.bulk = c->bulk;

	c->xce = xenevtchn_open(NULL, 0);
	if (!c->xce)
		goto fail_errno;
	err = xenevtchn_bind_interdomain(c->xce, c->domid, port);
	if (err < 0)
		goto fail_errno;
	c->local_port = (uint32_t)err;
	/* Hardening: this handle may only ever talk to this guest. */
	if (xenevtchn_restrict(c->xce, c->domid) < 0)
		log_msg(LOG_DEBUG, "dom%d: xenevtchn_restrict: %s", c->domid, strerror(errno));

	/*
	 * The guest initialised both shared rings; our private indexes start
	 * from zero, and anything the guest wrote beyond them is caught by the
	 * overflow checks.
	 */
	BACK_RING_INIT(&c->ctrl, (struct xenlend_ctrl_sring *)c->ctrl_page, XENLEND_PAGE_SIZE);
	FRONT_RING_INIT(&c->evt, (struct xenlend_evt_sring *)c->evt_page, XENLEND_PAGE_SIZE);
	memset(c->evt_pending, 0, sizeof(c->evt_pending));
	c->connected = true;
	c->more_work = true;	/* requests may already be waiting */
	log_guest(c->domid, LOG_INFO,
		  "connected: ctrl-ring-ref %u evt-ring-ref %u port %u->%u, %u bulk pages",
		  ctrl_ref, evt_ref, port, c->local_port, c->nr_bulk);
	return 0;

fail_errno:
	err = -errno;
	log_guest(c->domid, LOG_WARN, "connect failed: %s", strerror(errno));
	conn_disconnect(c);
	return err ? err : -EIO;
}

/**
 * conn_disconnect() - unmap everything and unbind the event channel
 * @c: the connection; safe to call when partly or not connected.
 */
void conn_disconnect(struct conn *c)
{
	if (c->connected)
		log_guest(c->domid, LOG_INFO, "disconnected after %" PRIu64 " requests (%" PRIu64
			  " rejected), %" PRIu64 " FAULTs for %" PRIu64 " pages; woken %" PRIu64
			  " times by its event channel, %" PRIu64 " by its render worker; %" PRIu64
			  " event-channel sends",
			  c->gs.stats_requests, c->gs.stats_rejected, c->gs.stats_faults,
			  c->gs.stats_fault_pages, c->stats_wakeups, c->stats_worker_wakeups,
			  c->stats_evtchn_sends);
	c->connected = false;
	c->more_work = false;
	/* Only a started worker owns render.fd: a zeroed conn has fd 0. */
	conn_render_stop(c);
	/* Resources first: their grants end before the rings go away. */
	guest_state_fini(&c->gs);
	guest_mem_close(c);
	engine_close(c);
	revoke_clear(c);
	if (c->xce) {
		xenevtchn_close(c->xce);	/* unbinds every port */
		c->xce = NULL;
	}
	if (c->xgt) {
		if (c->ctrl_page)
			xengnttab_unmap(c->xgt, c->ctrl_page, 1);
		if (c->evt_page)
			xengnttab_unmap(c->xgt, c->evt_page, 1);
		if (c->bulk)
			xengnttab_unmap(c->xgt, c->bulk, c->nr_bulk);
		xengnttab_close(c->xgt);
		c->xgt = NULL;
	}
	c->ctrl_page = NULL;
	c->evt_page = NULL;
	c->bulk = NULL;
}

/**
 * conn_fd() - file descriptor to poll for the guest's events
 * @c: a connected connection.
 */
int conn_fd(const struct conn *c)
{
	return c->xce ? xenevtchn_fd(c->xce) : -1;
}

/* Returns -EPROTO if the guest corrupted the ring. */
static int serve_ctrl(struct conn *c, int *notify_out)
{
	struct xenlend_msg req, rsp;
	unsigned int budget = CONN_BUDGET;
	RING_IDX rp;
	int notify, more;

	*notify_out = 0;
	do {
		rp = *ring_idx(&c->ctrl.sring->req_prod);
		xen_rmb(); /* Pairs with the guest's virt_wmb() before req_prod. */
		if (RING_REQUEST_PROD_OVERFLOW(&c->ctrl, rp)) {
			log_guest(c->domid, LOG_ERR,
				  "control ring: producer %u is %u ahead of our responses",
				  rp, rp - c->ctrl.rsp_prod_pvt);
			return -EPROTO;
		}
		while (c->ctrl.req_cons != rp && budget) {
			RING_COPY_REQUEST(&c->ctrl, c->ctrl.req_cons, &req);
			c->ctrl.req_cons++;
			if (dispatch_ctrl(&c->gs, &req, &rsp)) {
				*RING_GET_RESPONSE(&c->ctrl, c->ctrl.rsp_prod_pvt) = rsp;
				c->ctrl.rsp_prod_pvt++;
			}
			budget--;
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&c->ctrl, notify);
		*notify_out |= notify;
		if (!budget) {
			c->more_work = true;
			return 0;
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&c->ctrl, more);
	} while (more);
	return 0;
}

static void evt_response(struct conn *c, const struct xenlend_msg *m)
{
	struct xenlend_verdict v = xenlend_msg_check(m, XENLEND_Q_EVT_RSP);
	uint64_t id = xenlend_msg_id(m);
	uint16_t type = xenlend_msg_type(m);
	enum log_level lvl;
	unsigned int i;

	for (i = 0; i < CONN_MAX_EVT_PENDING; i++)
		if (id && c->evt_pending[i] == id)
			break;
	if (i == CONN_MAX_EVT_PENDING) {
		log_guest(c->domid, LOG_WARN, "rejected event response id %" PRIu64
			  ": no such request", id);
		return;
	}
	c->evt_pending[i] = 0;
	if (v.status != XENLEND_S_OK) {
		log_guest(c->domid, LOG_WARN, "rejected event response type %#x id %" PRIu64 ": %s",
			  type, id, v.why);
		return;
	}
	if (type == (XENLEND_T_REVOKE | XENLEND_T_RESPONSE) &&
	    revoke_done(c, id, xenlend_msg_status(m)))
		return;
	/* FENCE events are frequent: their acknowledgments are debug output. */
	lvl = type == (XENLEND_T_FENCE | XENLEND_T_RESPONSE) &&
	      xenlend_msg_status(m) == XENLEND_S_OK ? LOG_DEBUG : LOG_INFO;
	log_guest(c->domid, lvl, "%s id %" PRIu64 " answered: %s", xenlend_type_name(type),
		  id, xenlend_status_name(xenlend_msg_status(m)));
}

static int serve_evt(struct conn *c)
{
	struct xenlend_msg m;
	RING_IDX rp;
	int more;

	do {
		rp = *ring_idx(&c->evt.sring->rsp_prod);
		xen_rmb(); /* Pairs with the guest's virt_wmb() before rsp_prod. */
		if (RING_RESPONSE_PROD_OVERFLOW(&c->evt, rp) ||
		    rp - c->evt.rsp_cons > c->evt.req_prod_pvt - c->evt.rsp_cons) {
			log_guest(c->domid, LOG_ERR, "event ring: more responses than requests");
			return -EPROTO;
		}
		while (c->evt.rsp_cons != rp) {
			RING_COPY_RESPONSE(&c->evt, c->evt.rsp_cons, &m);
			c->evt.rsp_cons++;
			evt_response(c, &m);
		}
		RING_FINAL_CHECK_FOR_RESPONSES(&c->evt, more);
	} while (more);
	return 0;
}

/**
 * conn_service() - handle a guest's event channel notification
 * @c: a connected connection.
 *
 * Serves up to a budget of control ring requests and every event ring
 * response. Sets @c->more_work when requests were left for the next turn.
 *
 * Return: 0, or -EPROTO when the guest corrupted a ring and must be
 * disconnected.
 */
int conn_service(struct conn *c)
{
	int port, notify = 0;

	if (!c->connected)
		return 0;
	port = xenevtchn_pending(c->xce);
	if (port >= 0) {
		xenevtchn_unmask(c->xce, (evtchn_port_t)port);
		c->stats_wakeups++;
	}
	c->more_work = false;
	/* Responses first: a REVOKE_DONE frees pages a FAULT may ask for. */
	if (serve_evt(c) || serve_ctrl(c, &notify))
		return -EPROTO;
	if (notify) {
		xenevtchn_notify(c->xce, c->local_port);
		c->stats_evtchn_sends++;
	}
	revoke_send(c);
	conn_send_fences(c);
	return 0;
}

/**
 * conn_send_fences() - tell the guest about completed fences
 * @c: a connection.
 *
 * Sends FENCE events while the event ring has room; the rest go when the
 * guest has answered some.
 */
void conn_send_fences(struct conn *c)
{
	struct xenlend_msg m;
	uint64_t id;

	while (c->connected && render_next_fence(&c->gs, &m)) {
		if (ring_put_evt(c, &m, false, &id))
			break;
		render_fence_sent(&c->gs, &m);
	}
}

/**
 * conn_render() - the guest's render worker has sent something
 * @c: a connected connection.
 *
 * Return: 0, or -EPIPE when the worker failed (it is then stopped by the
 * caller; the guest's renderer requests fail from now on).
 */
int conn_render(struct conn *c)
{
	int err;

	c->stats_worker_wakeups++;
	err = render_read(&c->gs, ring_put_ctrl_rsp, c);

	conn_send_fences(c);
	return err;
}

/**
 * conn_render_expire() - fail the guest's render worker if it hung
 * @c: a connection.
 * @now: the time, ms (monotonic).
 *
 * Return: the next deadline (UINT64_MAX: none), or 0 when the worker just
 * failed: the caller stops it (guests_render_failed()).
 */
uint64_t conn_render_expire(struct conn *c, uint64_t now)
{
	uint64_t next;

	if (!c->connected)
		return UINT64_MAX;
	next = render_expire(&c->gs, now, ring_put_ctrl_rsp, c);
	if (!next)
		conn_send_fences(c);
	return next;
}
