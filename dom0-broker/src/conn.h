/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: one guest's connection: its rings, grants and event
 * channel (conn.c).
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_CONN_H
#define XENLEND_BROKER_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "ring_compat.h"
#include "xenlend_wire.h"

#include "dispatch.h"
#include "revoke.h"

struct broker_config;

/* Broker requests on the event ring that may await a response at once. */
#define CONN_MAX_EVT_PENDING	32

/**
 * struct conn - the broker's side of one guest's xenlend device
 * @domid: the guest.
 * @name: the guest's domain name.
 * @fe_path: frontend directory in xenstore.
 * @be_path: backend directory in xenstore.
 * @cfg: broker configuration.
 * @xs: broker's xenstore handle.
 * @xce: event channel handle, restricted to @domid; NULL when disconnected.
 * @local_port: our end of the event channel.
 * @xgt: grant mapping handle; NULL when disconnected.
 * @ctrl: control ring, broker is the back end.
 * @evt: event ring, broker is the front end.
 * @ctrl_page: mapping of the guest's control ring page.
 * @evt_page: mapping of the guest's event ring page.
 * @bulk: mapping of the guest's bulk pages.
 * @nr_bulk: number of bulk pages.
 * @connected: rings mapped and event channel bound.
 * @gs: protocol state (dispatch.c).
 * @next_evt_id: id of the next event ring request.
 * @evt_pending: ids of event ring requests awaiting a response (0: free).
 * @connect_failures: consecutive failed connection attempts.
 * @more_work: requests were left on the ring to bound one guest's share.
 * @stats_wakeups: times the guest's event channel woke the broker.
 * @stats_worker_wakeups: times its render worker's socket did.
 * @stats_evtchn_sends: notifications the broker sent the guest.
 * @test_hooks: fill host resources with the test pattern.
 * @host_fd: lending engine file bound to @domid, or -1.
 * @gpu_fd: the GPU node host memory comes from, or -1 for memfds.
 * @revokes: revocations not yet acknowledged (revoke_init()).
 * @nr_revokes: entries in @revokes.
 * @sent_revokes: REVOKE requests put on the event ring.
 * @joined_revokes: revocations sent together with an earlier one.
 * @revoked_pages: pages released after revocation.
 * @quarantined_pages: of those, pages the guest still mapped.
 * @late_revokes: revocations released at their deadline.
 * @evict_why: set when the guest broke the lending contract; the event loop
 *	then disconnects it for good (guests_evict()).
 * @banned: disconnected by guests_evict(); never served again.
 * @stopped: paused and crashed for missing a deadline (domain_stop()).
 * @lent_gpu_memory: a GPU buffer (pinned by the engine) was lent to it.
 * @win_gfn: first guest frame of its VRAM window (vram.c).
 * @win_pages: size of the window; 0: no device memory for this guest.
 * @vram_bytes: device memory placed in the window.
 * @vram_mapped_pages: pages of it mapped there now.
 * @vram_stamps: placements in the window so far.
 * @render_pid: the guest's render worker, or 0.
 * @gntdev_fd: grant device file guest resources are mapped through for the
 *	guest's render worker, or -1.
 * @epfd: the broker's epoll set.
 * @next: list link.
 */
struct conn {
	int domid;
	char name[64];
	char fe_path[64];
	char be_path[96];
	const struct broker_config *cfg;
	struct xs_handle *xs;
	xenevtchn_handle *xce;
	uint32_t local_port;
	xengnttab_handle *xgt;
	struct xenlend_ctrl_back_ring ctrl;
	struct xenlend_evt_front_ring evt;
	void *ctrl_page;
	void *evt_page;
	void *bulk;
	uint32_t nr_bulk;
	bool connected;
	struct guest_state gs;
	uint64_t next_evt_id;
	uint64_t evt_pending[CONN_MAX_EVT_PENDING];
	unsigned int connect_failures;
	bool more_work;
	uint64_t stats_wakeups;
	uint64_t stats_worker_wakeups;
	uint64_t stats_evtchn_sends;
	bool test_hooks;
	int host_fd;
	int gpu_fd;
	struct pending_revoke *revokes;
	unsigned int nr_revokes;
	uint64_t sent_revokes;
	uint64_t joined_revokes;
	uint64_t revoked_pages;
	uint64_t quarantined_pages;
	uint64_t late_revokes;
	char evict_why[128];
	bool banned;
	bool stopped;
	bool lent_gpu_memory;
	uint64_t win_gfn;
	uint64_t win_pages;
	uint64_t vram_bytes;
	uint64_t vram_mapped_pages;
	uint64_t vram_stamps;
	int render_pid;
	int gntdev_fd;
	int epfd;
	struct conn *next;
};

int conn_connect(struct conn *c);
void conn_disconnect(struct conn *c);
int conn_fd(const struct conn *c);
int conn_service(struct conn *c);
void conn_send_fences(struct conn *c);
int conn_render(struct conn *c);
void conn_render_stop(struct conn *c);
uint64_t conn_render_expire(struct conn *c, uint64_t now);

#endif /* XENLEND_BROKER_CONN_H */
