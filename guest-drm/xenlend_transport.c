// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend guest driver: shared rings, bulk pages and the event channel.
 *
 * The control ring carries our requests to the broker; every request waits
 * for its response with a bound. The event ring carries the broker's requests
 * to us; they are drained in process context because revocation sleeps.
 * Everything read from a shared page is copied first and then validated with
 * the protocol codec; the broker is not trusted to follow the protocol.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <linux/device.h>
#include <linux/jiffies.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include <xen/events.h>
#include <xen/xenbus.h>

#include "xenlend_drv.h"
#include "xenlend_transport.h"

/* A bulk page parked for a late answer is free again. Called with t->lock held. */
static void xenlend_unpark(struct xenlend_pending *p, unsigned int i)
{
	struct xenlend_transport *t = container_of(p, struct xenlend_transport, pending);

	clear_bit(i, &t->bulk_busy);
	wake_up(&t->bulk_wq);
}

/* Called with t->lock held. */
static void xenlend_mark_broken(struct xenlend_transport *t, const char *why)
{
	if (!t->broken)
		dev_err(&t->xbdev->dev, "broker connection broken: %s\n", why);
	t->broken = true;
	t->connected = false;
	xenlend_pending_fail_all(&t->pending, -EPROTO);
	wake_up_all(&t->ring_space);
}

/* A response copied off the control ring. Called with t->lock held. */
static void xenlend_handle_rsp(struct xenlend_transport *t,
			       const struct xenlend_msg *m)
{
	u16 type = xenlend_msg_type(m);
	u64 id = xenlend_msg_id(m);
	struct xenlend_verdict v;

	switch (xenlend_pending_answer(&t->pending, m, &v)) {
	case XENLEND_ANSWER_INVALID:
		dev_warn_ratelimited(&t->xbdev->dev,
				     "rejected response type %#x (%s) id %llu: %s\n",
				     type, xenlend_type_name(type), id, v.why);
		break;
	case XENLEND_ANSWER_WRONG_TYPE:
		dev_warn_ratelimited(&t->xbdev->dev,
				     "rejected response id %llu: type %s answers another request\n",
				     id, xenlend_type_name(type));
		break;
	case XENLEND_ANSWER_UNKNOWN:
		dev_warn_ratelimited(&t->xbdev->dev,
				     "rejected response %s id %llu: no such request\n",
				     xenlend_type_name(type), id);
		break;
	case XENLEND_ANSWER_MATCHED:
	case XENLEND_ANSWER_LATE:
		break;
	}
}

/*
 * Consume every response on the control ring. Called with t->lock held, from
 * the interrupt handler. Returns true if there was anything to do.
 */
static bool xenlend_ctrl_drain(struct xenlend_transport *t)
{
	struct xenlend_msg m;
	bool work = false;
	RING_IDX i, rp;
	int more;

	do {
		rp = READ_ONCE(t->ctrl.sring->rsp_prod);
		virt_rmb(); /* Pairs with the broker's virt_wmb() before rsp_prod. */
		if (RING_RESPONSE_PROD_OVERFLOW(&t->ctrl, rp) ||
		    rp - t->ctrl.rsp_cons > t->ctrl.req_prod_pvt - t->ctrl.rsp_cons) {
			xenlend_mark_broken(t, "more responses than requests");
			return true;
		}
		for (i = t->ctrl.rsp_cons; i != rp; i++) {
			RING_COPY_RESPONSE(&t->ctrl, i, &m);
			xenlend_handle_rsp(t, &m);
			work = true;
		}
		t->ctrl.rsp_cons = rp;
		RING_FINAL_CHECK_FOR_RESPONSES(&t->ctrl, more);
	} while (more);

	if (work)
		wake_up_all(&t->ring_space);
	return work;
}

static irqreturn_t xenlend_interrupt(int irq, void *data)
{
	struct xenlend_transport *t = data;
	unsigned int eoi_flags = XEN_EOI_FLAG_SPURIOUS;
	unsigned long flags;

	atomic64_inc(&t->stats.irqs);
	spin_lock_irqsave(&t->lock, flags);
	if (!t->broken && xenlend_ctrl_drain(t))
		eoi_flags = 0;
	if (!t->broken && RING_HAS_UNCONSUMED_REQUESTS(&t->evt)) {
		queue_work(t->evt_wq, &t->evt_work);
		eoi_flags = 0;
	}
	spin_unlock_irqrestore(&t->lock, flags);

	xen_irq_lateeoi(irq, eoi_flags);
	return IRQ_HANDLED;
}

/* Answer one broker request; fills @rsp. Returns false to leave it unanswered. */
static bool xenlend_handle_event(struct xenlend_transport *t,
				 const struct xenlend_msg *req,
				 struct xenlend_msg *rsp)
{
	struct xenlend_verdict v = xenlend_msg_check(req, XENLEND_Q_EVT_REQ);
	u16 type = xenlend_msg_type(req);

	if (v.status != XENLEND_S_OK) {
		dev_warn_ratelimited(&t->xbdev->dev,
				     "rejected event type %#x (%s) id %llu: %s\n",
				     type, xenlend_type_name(type),
				     xenlend_msg_id(req), v.why);
		xenlend_msg_init_rsp(rsp, req, v.status);
		return true;
	}

	switch (type) {
	case XENLEND_T_REVOKE: {
		u32 status = XENLEND_S_NOENT;

		if (xenlend_ignores_revoke(t))
			return false;

		mutex_lock(&t->drv_lock);
		if (t->ops)
			status = t->ops->revoke(t->drv, req->u.revoke.res_id,
						   req->u.revoke.offset,
						   req->u.revoke.length);
		mutex_unlock(&t->drv_lock);
		xenlend_msg_init_rsp(rsp, req, status);
		if (status == XENLEND_S_OK)
			rsp->u.revoke_done.seq = req->u.revoke.seq;
		break;
	}
	case XENLEND_T_FENCE:
		mutex_lock(&t->drv_lock);
		if (t->ops)
			t->ops->fence(t->drv, req->u.fence.ctx_id,
					       req->u.fence.ring_idx,
					       req->u.fence.fence_id,
					       req->u.fence.error);
		mutex_unlock(&t->drv_lock);
		xenlend_msg_init_rsp(rsp, req, XENLEND_S_OK);
		break;
	default:
		xenlend_msg_init_rsp(rsp, req, XENLEND_S_PROTO);
		break;
	}
	return true;
}

static void xenlend_evt_work(struct work_struct *work)
{
	struct xenlend_transport *t = container_of(work, struct xenlend_transport,
						   evt_work);
	struct xenlend_msg req, rsp;
	RING_IDX i, rp;
	int notify, more;

	if (READ_ONCE(t->broken))
		return;
	do {
		rp = READ_ONCE(t->evt.sring->req_prod);
		virt_rmb(); /* Pairs with the broker's virt_wmb() before req_prod. */
		if (RING_REQUEST_PROD_OVERFLOW(&t->evt, rp)) {
			spin_lock_irq(&t->lock);
			xenlend_mark_broken(t, "event ring overflow");
			spin_unlock_irq(&t->lock);
			return;
		}
		for (i = t->evt.req_cons; i != rp; i++) {
			RING_COPY_REQUEST(&t->evt, i, &req);
			t->evt.req_cons = i + 1;
			if (!xenlend_handle_event(t, &req, &rsp))
				continue;
			*RING_GET_RESPONSE(&t->evt, t->evt.rsp_prod_pvt) = rsp;
			t->evt.rsp_prod_pvt++;
			atomic64_inc(&t->stats.events);
		}
		RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&t->evt, notify);
		if (notify) {
			atomic64_inc(&t->stats.notifies);
			notify_remote_via_irq(t->irq);
		}
		RING_FINAL_CHECK_FOR_REQUESTS(&t->evt, more);
	} while (more);
}

/* Wait, without the lock, until a control ring slot looks free. */
static int xenlend_wait_slot(struct xenlend_transport *t, unsigned long *left)
{
	long ret;

	ret = wait_event_killable_timeout(t->ring_space,
					  READ_ONCE(t->broken) || !RING_FULL(&t->ctrl),
					  *left);
	if (ret < 0)
		return ret;
	if (!ret)
		return -ETIMEDOUT;
	*left = ret;
	return 0;
}

/*
 * Put @req on the control ring once a slot is free, registering @w (if not
 * NULL) to receive its response. Sets the request's id. @left: jiffies left,
 * updated.
 */
static int xenlend_push(struct xenlend_transport *t, struct xenlend_msg *req,
			struct xenlend_waiter *w, unsigned long *left)
{
	int notify, err;
	u64 id;

	for (;;) {
		err = xenlend_wait_slot(t, left);
		if (err)
			return err;
		spin_lock_irq(&t->lock);
		if (t->broken || t->irq < 0) {
			spin_unlock_irq(&t->lock);
			return -ENODEV;
		}
		if (!RING_FULL(&t->ctrl))
			break;
		spin_unlock_irq(&t->lock);
	}
	id = ++t->next_id;
	req->hdr.id = id;
	if (w)
		xenlend_pending_add(&t->pending, w, id, xenlend_msg_type(req));
	*RING_GET_REQUEST(&t->ctrl, t->ctrl.req_prod_pvt) = *req;
	t->ctrl.req_prod_pvt++;
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&t->ctrl, notify);
	spin_unlock_irq(&t->lock);
	atomic64_inc(&t->stats.requests);
	if (notify) {
		atomic64_inc(&t->stats.notifies);
		notify_remote_via_irq(t->irq);
	}
	return 0;
}

#if IS_ENABLED(CONFIG_DRM_XENLEND_DEBUG)
/**
 * xenlend_send_nowait() - put a message on the ring and not wait for it
 * @t: the transport.
 * @req: the message, sent as is but for its id (test hooks only).
 *
 * Its response is dropped on arrival, as one to no request. Waits for a free
 * ring slot like xenlend_call_raw(): a loop of these keeps the ring full.
 *
 * Return: 0, -ETIMEDOUT, -ENODEV, or a fatal signal's error.
 */
int xenlend_send_nowait(struct xenlend_transport *t, struct xenlend_msg *req)
{
	unsigned long left = msecs_to_jiffies(XENLEND_REQUEST_TIMEOUT_MS);

	return xenlend_push(t, req, NULL, &left);
}
#endif

/*
 * Renderer requests are answered when dom0's render worker answers: the
 * first one waits for the renderer to start, a SUBMIT for the stream before
 * it to be staged. Everything else only needs the broker.
 */
static unsigned int xenlend_timeout_ms(const struct xenlend_msg *req)
{
	return xenlend_msg_by_renderer(req) ? XENLEND_RENDER_TIMEOUT_MS :
					      XENLEND_REQUEST_TIMEOUT_MS;
}

/*
 * Send @req and wait for its response. @bulk: the bulk page the request
 * names, or NULL. If the request went out but its answer did not come in
 * time, the broker may still write that page later: it is parked (stays
 * busy) until the late answer arrives or the connection ends, so that no
 * other request gets it meanwhile, and *@bulk becomes -1: the caller no
 * longer owns it.
 */
static int xenlend_call_wait(struct xenlend_transport *t, struct xenlend_msg *req,
			     struct xenlend_msg *rsp, int *bulk)
{
	unsigned int timeout_ms = xenlend_timeout_ms(req);
	unsigned long left = msecs_to_jiffies(timeout_ms);
	struct xenlend_waiter w;
	long ret;
	int err;

	init_completion(&w.done);
	err = xenlend_push(t, req, &w, &left);
	if (err)
		return err;

	ret = wait_for_completion_killable_timeout(&w.done, left);

	spin_lock_irq(&t->lock);
	err = xenlend_pending_finish(&t->pending, &w, ret < 0 ? ret : -ETIMEDOUT, bulk);
	spin_unlock_irq(&t->lock);

	if (err == -ETIMEDOUT)
		dev_warn_ratelimited(&t->xbdev->dev,
				     "%s id %llu: no response from the broker in %u ms\n",
				     xenlend_type_name(w.type), w.id, timeout_ms);
	if (!err)
		*rsp = w.rsp;
	return err;
}

/**
 * xenlend_call_raw() - send a message as is and wait for its response
 * @t: the transport.
 * @req: the message; only its id is overwritten. It is not validated, so
 *	that HELLO and the test hooks can send what they need.
 * @rsp: receives the validated response, whatever its status.
 *
 * Waits at most XENLEND_REQUEST_TIMEOUT_MS (XENLEND_RENDER_TIMEOUT_MS for
 * renderer requests), for a ring slot and the response together, and can be
 * interrupted by a fatal signal.
 *
 * Return: 0 when a response arrived (its status may be an error), -ETIMEDOUT,
 * -ENODEV when disconnected, -EPROTO for an invalid response, or the signal's
 * error.
 */
int xenlend_call_raw(struct xenlend_transport *t, struct xenlend_msg *req,
		     struct xenlend_msg *rsp)
{
	return xenlend_call_wait(t, req, rsp, NULL);
}

/**
 * xenlend_call() - send a request to the broker and wait for the response
 * @t: a transport that completed HELLO.
 * @req: a request built with xenlend_msg_init(); its id is set here.
 * @rsp: receives the response.
 *
 * Return: 0 on success, the errno of a non-zero response status (negative),
 * or an error of xenlend_call_raw().
 */
int xenlend_call(struct xenlend_transport *t, struct xenlend_msg *req,
		 struct xenlend_msg *rsp)
{
	return xenlend_call_bulk(t, req, rsp, NULL);
}

/**
 * xenlend_call_bulk() - xenlend_call() for a request that names a bulk page
 * @t: a transport that completed HELLO.
 * @req: a request built with xenlend_msg_init(); its id is set here.
 * @rsp: receives the response.
 * @bulk: the bulk page @req names (claimed with xenlend_bulk_get()), or
 *	NULL.
 *
 * The caller releases the page with xenlend_bulk_put() afterwards, whatever
 * the outcome. If the request went unanswered, *@bulk is -1 by then (which
 * xenlend_bulk_put() ignores): the page stays busy until the broker's late
 * answer or the end of the connection.
 *
 * Return: as xenlend_call().
 */
int xenlend_call_bulk(struct xenlend_transport *t, struct xenlend_msg *req,
		      struct xenlend_msg *rsp, int *bulk)
{
	struct xenlend_verdict v = xenlend_msg_check(req, XENLEND_Q_CTRL_REQ);
	int err;

	if (WARN_ON_ONCE(v.status != XENLEND_S_OK))
		return -EINVAL;
	if (!READ_ONCE(t->connected))
		return -ENODEV;
	err = xenlend_call_wait(t, req, rsp, bulk);
	if (err)
		return err;
	return xenlend_status_to_errno(xenlend_msg_status(rsp));
}

static bool xenlend_try_bulk(struct xenlend_transport *t, int *idx)
{
	unsigned int i;

	/* The pages go away with the connection: none for a broken one. */
	if (READ_ONCE(t->broken)) {
		*idx = -ENODEV;
		return true;
	}
	i = find_first_zero_bit(&t->bulk_busy, XENLEND_FRONT_BULK_PAGES);
	if (i >= XENLEND_FRONT_BULK_PAGES || test_and_set_bit(i, &t->bulk_busy))
		return false;
	*idx = i;
	return true;
}

/**
 * xenlend_bulk_get() - claim a bulk page for one request
 * @t: the transport.
 *
 * Waits for a free page, bounded by XENLEND_REQUEST_TIMEOUT_MS.
 *
 * Return: the page's index, -ENODEV when disconnected, -ETIMEDOUT, or
 * -EINTR/-ERESTARTSYS when killed.
 */
int xenlend_bulk_get(struct xenlend_transport *t)
{
	long ret;
	int idx = -1;

	ret = wait_event_killable_timeout(t->bulk_wq, xenlend_try_bulk(t, &idx),
					  msecs_to_jiffies(XENLEND_REQUEST_TIMEOUT_MS));
	if (ret < 0)
		return ret;
	return ret ? idx : -ETIMEDOUT;
}

/**
 * xenlend_bulk_put() - release a bulk page claimed with xenlend_bulk_get()
 * @t: the transport.
 * @idx: the page's index; -1 (parked meanwhile) does nothing.
 */
void xenlend_bulk_put(struct xenlend_transport *t, int idx)
{
	if (idx < 0)
		return;	/* parked by xenlend_call_bulk() */
	clear_bit(idx, &t->bulk_busy);
	wake_up(&t->bulk_wq);
}

/**
 * xenlend_bulk_page() - the memory of a claimed bulk page
 * @t: the transport.
 * @idx: the page's index.
 *
 * The broker can write the page at any time: copy out before checking.
 *
 * Return: the page.
 */
void *xenlend_bulk_page(struct xenlend_transport *t, int idx)
{
	return t->bulk + (size_t)idx * XEN_PAGE_SIZE;
}

/**
 * xenlend_transport_attach() - route the broker's events to a driver
 * @t: the transport.
 * @ops: the driver's handlers.
 * @drv: their argument.
 */
void xenlend_transport_attach(struct xenlend_transport *t,
			      const struct xenlend_transport_ops *ops, void *drv)
{
	mutex_lock(&t->drv_lock);
	t->ops = ops;
	t->drv = drv;
	mutex_unlock(&t->drv_lock);
}

/**
 * xenlend_transport_detach() - stop routing the broker's events
 * @t: the transport.
 *
 * Revokes everything and cancels every fence first: nothing lent stays
 * mapped and no fence waits once the driver is gone. Events arriving later are answered
 * as for a guest without objects.
 */
void xenlend_transport_detach(struct xenlend_transport *t)
{
	mutex_lock(&t->drv_lock);
	if (t->ops) {
		t->ops->revoke_all(t->drv);
		t->ops->cancel_fences(t->drv);
	}
	t->ops = NULL;
	t->drv = NULL;
	mutex_unlock(&t->drv_lock);
}

/**
 * xenlend_transport_connected() - HELLO succeeded
 * @t: the transport.
 * @h: the broker's HELLO response, validated.
 *
 * From now on requests other than HELLO may be sent.
 */
void xenlend_transport_connected(struct xenlend_transport *t, const struct xenlend_hello_rsp *h)
{
	spin_lock_irq(&t->lock);
	t->version = h->version;
	t->max_lent_bytes = h->max_lent_bytes;
	t->max_resources = h->max_resources;
	t->features = h->features;
	t->conn_gen++;
	t->connected = !t->broken;
	spin_unlock_irq(&t->lock);

	dev_info(&t->xbdev->dev,
		 "HELLO: connected to broker in domain %d, protocol v%u, lends up to %llu bytes in %u resources%s\n",
		 t->xbdev->otherend_id, t->version, t->max_lent_bytes,
		 t->max_resources,
		 t->features & XENLEND_F_RENDER ? ", renders" : "");
}

/**
 * xenlend_transport_init() - set up an unpublished transport
 * @t: zeroed transport with @xbdev set.
 *
 * Return: 0, or -ENOMEM.
 */
int xenlend_transport_init(struct xenlend_transport *t)
{
	t->evt_wq = alloc_ordered_workqueue("xenlend-evt-%s", WQ_HIGHPRI | WQ_MEM_RECLAIM,
					    dev_name(&t->xbdev->dev));
	if (!t->evt_wq)
		return -ENOMEM;
	spin_lock_init(&t->lock);
	xenlend_pending_init(&t->pending, XENLEND_FRONT_BULK_PAGES, xenlend_unpark);
	init_waitqueue_head(&t->ring_space);
	INIT_WORK(&t->evt_work, xenlend_evt_work);
	mutex_init(&t->drv_lock);
	init_waitqueue_head(&t->bulk_wq);
	t->ctrl_ref = INVALID_GRANT_REF;
	t->evt_ref = INVALID_GRANT_REF;
	t->irq = -1;
	t->broken = true;
	return 0;
}

/**
 * xenlend_transport_disconnect() - stop using the broker
 * @t: the transport.
 *
 * Fails every pending request with -ENODEV, unbinds the event channel and
 * ends access to every page granted to the broker. Safe to call twice.
 */
void xenlend_transport_disconnect(struct xenlend_transport *t)
{
	spin_lock_irq(&t->lock);
	t->broken = true;
	t->connected = false;
	xenlend_pending_fail_all(&t->pending, -ENODEV);
	wake_up_all(&t->ring_space);
	spin_unlock_irq(&t->lock);

	/*
	 * Nothing lent may stay mapped once the broker can reuse it, and no
	 * fence may wait for a renderer that is gone.
	 */
	mutex_lock(&t->drv_lock);
	if (t->ops && !xenlend_ignores_revoke(t))
		t->ops->revoke_all(t->drv);
	if (t->ops)
		t->ops->cancel_fences(t->drv);
	mutex_unlock(&t->drv_lock);

	if (t->irq >= 0) {
		unbind_from_irqhandler(t->irq, t);
		t->irq = -1;
		t->port = 0;
	} else if (t->port) {
		xenbus_free_evtchn(t->xbdev, t->port);
		t->port = 0;
	}
	cancel_work_sync(&t->evt_work);

	if (t->ctrl_sring)
		xenbus_teardown_ring((void **)&t->ctrl_sring, 1, &t->ctrl_ref);
	if (t->evt_sring)
		xenbus_teardown_ring((void **)&t->evt_sring, 1, &t->evt_ref);
	/*
	 * Callers that claimed a bulk page fail at once now (the transport is
	 * broken); wait for them to let go before the pages are freed. Pages
	 * still claimed after that are leaked rather than freed under them.
	 */
	wake_up_all(&t->bulk_wq);
	if (t->bulk && !wait_event_timeout(t->bulk_wq, !READ_ONCE(t->bulk_busy),
					   msecs_to_jiffies(XENLEND_REQUEST_TIMEOUT_MS))) {
		dev_warn(&t->xbdev->dev, "bulk pages still in use at disconnect: leaked\n");
		t->bulk = NULL;
	}
	if (t->bulk)
		xenbus_teardown_ring(&t->bulk, XENLEND_FRONT_BULK_PAGES,
				     t->bulk_refs);
	t->bulk_busy = 0;
}

/**
 * xenlend_transport_fini() - release everything
 * @t: the transport.
 */
void xenlend_transport_fini(struct xenlend_transport *t)
{
	xenlend_transport_disconnect(t);
	destroy_workqueue(t->evt_wq);
}

static int xenlend_write_keys(struct xenlend_transport *t)
{
	struct xenbus_device *dev = t->xbdev;
	struct xenbus_transaction xbt;
	char key[32];
	unsigned int i;
	int err;

again:
	err = xenbus_transaction_start(&xbt);
	if (err)
		return err;
	err = xenbus_printf(xbt, dev->nodename, XENLEND_XS_PROTOCOL_VERSION,
			    "%u", XENLEND_PROTOCOL_VERSION);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, XENLEND_XS_CTRL_RING_REF,
				    "%u", t->ctrl_ref);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, XENLEND_XS_EVT_RING_REF,
				    "%u", t->evt_ref);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, XENLEND_XS_EVENT_CHANNEL,
				    "%u", t->port);
	if (!err)
		err = xenbus_printf(xbt, dev->nodename, XENLEND_XS_NR_BULK_PAGES,
				    "%u", XENLEND_FRONT_BULK_PAGES);
	for (i = 0; !err && i < XENLEND_FRONT_BULK_PAGES; i++) {
		snprintf(key, sizeof(key), XENLEND_XS_BULK_REF_FMT, i);
		err = xenbus_printf(xbt, dev->nodename, key, "%u", t->bulk_refs[i]);
	}
	if (!err)
		err = xenlend_window_publish(t, xbt);
	if (err) {
		xenbus_transaction_end(xbt, 1);
		return err;
	}
	err = xenbus_transaction_end(xbt, 0);
	if (err == -EAGAIN)
		goto again;
	return err;
}

static bool xenlend_backend_speaks_v1(struct xenbus_device *dev)
{
	char *versions, *p, *tok;
	bool found = false;

	versions = xenbus_read(XBT_NIL, dev->otherend,
			       XENLEND_XS_PROTOCOL_VERSIONS, NULL);
	if (IS_ERR(versions))
		return false;
	p = versions;
	while ((tok = strsep(&p, " ")) && !found)
		found = !strcmp(tok, "1");
	kfree(versions);
	return found;
}

/**
 * xenlend_transport_publish() - share the rings and announce them
 * @t: a disconnected transport.
 *
 * Allocates and grants the two ring pages and the bulk pages, allocates and
 * binds the event channel and writes the frontend's xenstore keys.
 *
 * Return: 0, or a negative errno after undoing everything.
 */
int xenlend_transport_publish(struct xenlend_transport *t)
{
	struct xenbus_device *dev = t->xbdev;
	unsigned int max_bulk;
	int err;

	if (!xenlend_backend_speaks_v1(dev)) {
		xenbus_dev_fatal(dev, -EPROTONOSUPPORT,
				 "backend does not offer protocol version 1");
		return -EPROTONOSUPPORT;
	}
	max_bulk = xenbus_read_unsigned(dev->otherend, XENLEND_XS_MAX_BULK_PAGES, 0);
	if (max_bulk < XENLEND_FRONT_BULK_PAGES) {
		xenbus_dev_fatal(dev, -EINVAL, "backend takes only %u bulk pages",
				 max_bulk);
		return -EINVAL;
	}

	err = xenbus_setup_ring(dev, GFP_KERNEL, (void **)&t->ctrl_sring, 1,
				&t->ctrl_ref);
	if (err)
		goto fail;
	XEN_FRONT_RING_INIT(&t->ctrl, t->ctrl_sring, XEN_PAGE_SIZE);

	err = xenbus_setup_ring(dev, GFP_KERNEL, (void **)&t->evt_sring, 1,
				&t->evt_ref);
	if (err)
		goto fail;
	SHARED_RING_INIT(t->evt_sring);
	BACK_RING_INIT(&t->evt, t->evt_sring, XEN_PAGE_SIZE);

	err = xenbus_setup_ring(dev, GFP_KERNEL, &t->bulk,
				XENLEND_FRONT_BULK_PAGES, t->bulk_refs);
	if (err)
		goto fail;

	err = xenbus_alloc_evtchn(dev, &t->port);
	if (err)
		goto fail;
	err = bind_evtchn_to_irqhandler_lateeoi(t->port, xenlend_interrupt, 0,
						"xenlend", t);
	if (err < 0) {
		xenbus_dev_fatal(dev, err, "binding event channel");
		goto fail;
	}
	t->irq = err;

	spin_lock_irq(&t->lock);
	t->broken = false;
	spin_unlock_irq(&t->lock);

	err = xenlend_write_keys(t);
	if (err) {
		xenbus_dev_fatal(dev, err, "writing xenstore keys");
		goto fail;
	}
	return 0;

fail:
	xenlend_transport_disconnect(t);
	return err;
}
