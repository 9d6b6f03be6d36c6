/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend guest driver: the transport to the broker (shared rings, bulk
 * pages and the event channel) and the xenbus frontend that sets it up.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_TRANSPORT_H
#define XENLEND_TRANSPORT_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/ioport.h>
#include <linux/mutex.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <xen/grant_table.h>
#include <xen/interface/event_channel.h>
#include <xen/xenbus.h>

#include "xenlend_pending.h"
#include "xenlend_wire.h"

struct dentry;
struct xenbus_device;

/**
 * struct xenlend_transport_ops - what the transport tells the driver above it
 * @revoke: REVOKE: stop every access to a range of resource @res_id and
 *	unmap it; returns the XENLEND_S_* status to answer with.
 * @fence: FENCE: every fence of a context's timeline up to @fence_id
 *	completed, with @error (XENLEND_S_*).
 * @revoke_all: the broker is gone: nothing it lent may stay mapped.
 * @cancel_fences: the broker is gone: no fence may wait for its renderer.
 *
 * Called in process context, one at a time, with the transport's @drv_lock
 * held; @drv is what xenlend_transport_attach() was given.
 */
struct xenlend_transport_ops {
	u32 (*revoke)(void *drv, u32 res_id, u64 offset, u64 length);
	void (*fence)(void *drv, u32 ctx_id, u32 ring_idx, u64 fence_id, u32 error);
	void (*revoke_all)(void *drv);
	void (*cancel_fences)(void *drv);
};

/* Bulk pages this frontend publishes. */
#define XENLEND_FRONT_BULK_PAGES	XENLEND_PENDING_MAX_BULK

/**
 * struct xenlend_test_hooks - what the test hooks keep of a device
 * @ignore_revoke: behave like a guest that never gives lent memory back
 *	(REVOKE unanswered, nothing unmapped on disconnect).
 * @inject_req: last injected message.
 * @inject_rsp: last response to an injected message.
 * @inject_lock: serialises injection.
 * @free_delay_ms: a lent object's free path sleeps this long first (a free
 *	that lost its CPU before it unmapped anything).
 * @fault_delay_ms: a FAULT's round trip takes this much longer (a broker
 *	that answers slowly).
 */
struct xenlend_test_hooks {
	bool ignore_revoke;
	u32 free_delay_ms;
	u32 fault_delay_ms;
	struct xenlend_msg inject_req;
	struct xenlend_msg inject_rsp;
	struct mutex inject_lock; /* serialises injection */
};

/**
 * struct xenlend_transport - one connection to the broker
 * @xbdev: the xenbus device.
 * @lock: protects @ctrl (request side), @pending and @broken.
 * @ctrl: control ring, guest is the front end.
 * @evt: event ring, guest is the back end; used only by @evt_work.
 * @ctrl_sring: shared page of @ctrl.
 * @evt_sring: shared page of @evt.
 * @ctrl_ref: grant reference of @ctrl_sring.
 * @evt_ref: grant reference of @evt_sring.
 * @bulk: the bulk pages, contiguous.
 * @bulk_refs: their grant references.
 * @port: event channel shared by both rings.
 * @irq: Linux irq bound to @port, or -1.
 * @pending: requests sent and waiting for their response, and the bulk
 *	pages parked for late answers.
 * @ring_space: woken when a control ring slot frees up or on disconnect.
 * @next_id: id of the next request.
 * @connected: HELLO succeeded; requests other than HELLO may be sent.
 * @broken: the broker broke the protocol or went away; no more requests.
 * @stats: what the connection cost so far, for benchmarks and debugfs: the
 *	requests put on the control ring, the event-channel notifications
 *	sent to the broker, the interrupts taken from it and the broker's
 *	events (REVOKE, FENCE) answered. Counts carry over from the emulator
 *	to hardware where times do not.
 * @evt_work: drains the event ring in process context, on @evt_wq.
 * @evt_wq: a high-priority reclaim workqueue of its own: a REVOKE is dom0
 *	taking memory back, and must not wait behind other work (nor for
 *	memory) before its pages are unmapped.
 * @hello_work: sends HELLO once the backend is connected.
 * @version: negotiated protocol version.
 * @max_lent_bytes: from the HELLO response.
 * @max_resources: from the HELLO response.
 * @features: XENLEND_F_* the broker granted in HELLO.
 * @conn_gen: bumped by every successful HELLO; rendering contexts created
 *	under an older value died with the broker that had them.
 * @debugfs: this device's debugfs directory.
 * @hooks: test hooks' state (CONFIG_DRM_XENLEND_DEBUG).
 * @bulk_busy: bit n set while bulk page n is claimed by a request, or
 *	parked in @pending for a late answer.
 * @bulk_wq: woken when a bulk page frees up (XENLEND_FRONT_BULK_PAGES are
 *	published).
 * @drv_lock: protects @ops and @drv.
 * @ops: the driver's handlers of the broker's events, once attached.
 * @drv: their argument.
 * @pdev: the platform device carrying the DRM device.
 * @window: the VRAM window's reservation in iomem_resource.
 * @window_gfn: its first guest frame.
 * @window_pages: its size in pages; 0 without a window.
 * @window_unreserved: a test hook published it without @window.
 * @window_wc: @window's memory type is reserved write-combined.
 */
struct xenlend_transport {
	struct xenbus_device *xbdev;
	spinlock_t lock; /* protects ctrl, pending, next_id, broken */
	struct xenlend_ctrl_front_ring ctrl;
	struct xenlend_evt_back_ring evt;
	struct xenlend_ctrl_sring *ctrl_sring;
	struct xenlend_evt_sring *evt_sring;
	grant_ref_t ctrl_ref;
	grant_ref_t evt_ref;
	void *bulk;
	grant_ref_t bulk_refs[XENLEND_FRONT_BULK_PAGES];
	evtchn_port_t port;
	int irq;
	struct xenlend_pending pending;
	wait_queue_head_t ring_space;
	u64 next_id;
	bool connected;
	bool broken;
	struct {
		atomic64_t requests;
		atomic64_t notifies;
		atomic64_t irqs;
		atomic64_t events;
	} stats;
	struct work_struct evt_work;
	struct workqueue_struct *evt_wq;
	struct work_struct hello_work;
	u32 version;
	u64 max_lent_bytes;
	u32 max_resources;
	u64 features;
	u64 conn_gen;
	struct dentry *debugfs;
#if IS_ENABLED(CONFIG_DRM_XENLEND_DEBUG)
	struct xenlend_test_hooks hooks;
#endif
	unsigned long bulk_busy;
	wait_queue_head_t bulk_wq;
	struct mutex drv_lock; /* protects ops, drv */
	const struct xenlend_transport_ops *ops;
	void *drv;
	struct platform_device *pdev;
	struct resource window;
	unsigned long window_gfn;
	unsigned long window_pages;
	bool window_unreserved;
	bool window_wc;
};

/* Bound of every wait for the broker; past it a request fails. */
#define XENLEND_REQUEST_TIMEOUT_MS	5000
/* The same for requests the broker's render worker answers. */
#define XENLEND_RENDER_TIMEOUT_MS	30000

int xenlend_transport_init(struct xenlend_transport *t);
void xenlend_transport_fini(struct xenlend_transport *t);
int xenlend_transport_publish(struct xenlend_transport *t);
void xenlend_transport_disconnect(struct xenlend_transport *t);
int xenlend_call(struct xenlend_transport *t, struct xenlend_msg *req,
		 struct xenlend_msg *rsp);
int xenlend_call_raw(struct xenlend_transport *t, struct xenlend_msg *req,
		     struct xenlend_msg *rsp);
int xenlend_call_bulk(struct xenlend_transport *t, struct xenlend_msg *req,
		      struct xenlend_msg *rsp, int *bulk);
int xenlend_bulk_get(struct xenlend_transport *t);
void xenlend_bulk_put(struct xenlend_transport *t, int idx);
void *xenlend_bulk_page(struct xenlend_transport *t, int idx);
void xenlend_transport_attach(struct xenlend_transport *t,
			      const struct xenlend_transport_ops *ops, void *drv);
void xenlend_transport_detach(struct xenlend_transport *t);
void xenlend_transport_connected(struct xenlend_transport *t, const struct xenlend_hello_rsp *h);

void xenlend_window_reserve(struct xenlend_transport *t);
void xenlend_window_release(struct xenlend_transport *t);
int xenlend_window_publish(struct xenlend_transport *t, struct xenbus_transaction xbt);
unsigned long xenlend_window_pfn(struct xenlend_transport *t, u64 page, u64 n);

void xenlend_debugfs_init(struct xenlend_transport *t);
void xenlend_debugfs_fini(struct xenlend_transport *t);

#if IS_ENABLED(CONFIG_DRM_XENLEND_DEBUG)
int xenlend_send_nowait(struct xenlend_transport *t, struct xenlend_msg *req);
void xenlend_test_hooks_init(struct xenlend_transport *t, struct dentry *dir);

/* Whether a test asked the driver to keep everything lent to it. */
static inline bool xenlend_ignores_revoke(struct xenlend_transport *t)
{
	return READ_ONCE(t->hooks.ignore_revoke);
}

/* Where a test asked it to, let a lent object's free wait first. */
static inline void xenlend_test_free_delay(struct xenlend_transport *t)
{
	u32 ms = READ_ONCE(t->hooks.free_delay_ms);

	if (ms)
		msleep(ms);
}

/* Where a test asked it to, make a FAULT's round trip slow. */
static inline void xenlend_test_fault_delay(struct xenlend_transport *t)
{
	u32 ms = READ_ONCE(t->hooks.fault_delay_ms);

	if (ms)
		msleep(ms);
}
#else
static inline void xenlend_test_hooks_init(struct xenlend_transport *t, struct dentry *dir)
{
}

static inline bool xenlend_ignores_revoke(struct xenlend_transport *t)
{
	return false;
}

static inline void xenlend_test_free_delay(struct xenlend_transport *t)
{
}

static inline void xenlend_test_fault_delay(struct xenlend_transport *t)
{
}
#endif

#endif /* XENLEND_TRANSPORT_H */
