/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * xenlend-broker: shared declarations.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#ifndef XENLEND_BROKER_H
#define XENLEND_BROKER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <xenevtchn.h>
#include <xengnttab.h>
#include <xenstore.h>

#include "ring_compat.h"
#include "xenlend_wire.h"

/* --- log.c ------------------------------------------------------------- */

enum log_level { LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

void log_init(bool verbose);
uint64_t now_ms(void);
uint64_t now_ns(void);
void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* A message caused by a guest: prefixed with its domain, rate limited. */
void log_guest(int domid, enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* --- config.c ---------------------------------------------------------- */

enum host_memory_kind { HOST_MEM_MEMFD, HOST_MEM_GPU };

/**
 * struct broker_config - settings from the config file
 * @guests_all: serve every guest.
 * @guests: space-separated domain names to serve when !@guests_all.
 * @max_lent_bytes: per-guest cap of lent memory, reported in HELLO.
 * @max_resources: per-guest cap of live resources.
 * @max_bulk_pages: bulk pages accepted per guest.
 * @revoke_timeout_ms: bound on waiting for REVOKE_DONE; a guest that misses
 *	it is disconnected.
 * @max_quarantined_bytes: a guest whose quarantined memory (released while
 *	it still mapped it) exceeds this is disconnected.
 * @host_memory: what backs host resources.
 * @host_memory_node: for HOST_MEM_GPU, the DRM node buffers come from.
 * @render_node: the dom0 GPU render node.
 * @renderer: the render worker program; empty: guests get no renderer.
 * @render_user: the user render workers run as.
 * @render_software: dom0 has no GPU: workers use Mesa's software drivers.
 * @control_socket: path of the control socket.
 */
struct broker_config {
	bool guests_all;
	char guests[512];
	uint64_t max_lent_bytes;
	uint32_t max_resources;
	uint32_t max_bulk_pages;
	uint32_t revoke_timeout_ms;
	uint64_t max_quarantined_bytes;
	enum host_memory_kind host_memory;
	char host_memory_node[256];
	char render_node[256];
	char renderer[256];
	char render_user[64];
	bool render_software;
	char control_socket[256];
};

void config_defaults(struct broker_config *c);
int config_parse_line(struct broker_config *c, const char *line, char *err, size_t errlen);
int config_load(struct broker_config *c, const char *path);
bool config_serves(const struct broker_config *c, const char *domain_name);

/* --- dispatch.c: the protocol logic, free of any Xen library ------------ */

/**
 * struct guest_resource - a resource a guest created
 * @res_id: guest-chosen id (0: free slot).
 * @kind: XENLEND_RES_*.
 * @size: bytes.
 * @ctx_id: rendering context.
 * @blob_id: renderer blob id.
 * @fd: the file behind a host resource's memory (a memfd, or what the
 *	render worker exported for a renderer blob), or -1.
 * @fd_offset: where in @fd the memory starts (page aligned; non-zero only
 *	for a renderer blob in a file with a header of the driver's).
 * @map: the broker's mapping of the resource's memory (host resources).
 * @generation: times the test hooks refilled it.
 * @grefs: guest resources: the grant reference of each page (0: not
 *	attached yet).
 * @nr_attached: pages of @grefs attached so far.
 * @mapped: the pages are mapped for the render worker at @map_offset.
 * @map_offset: where the worker maps them (guest_mem.c).
 * @in_renderer: the render worker has it (RES3D_CREATE went there, or it
 *	made the blob) and holds it until told the resource is gone.
 */
struct guest_resource {
	uint32_t res_id;
	uint32_t kind;
	uint64_t size;
	uint32_t ctx_id;
	uint64_t blob_id;
	int fd;
	uint64_t fd_offset;
	void *map;
	uint32_t generation;
	uint32_t *grefs;
	uint32_t nr_attached;
	bool mapped;
	uint64_t map_offset;
	bool in_renderer;
};

/**
 * struct guest_mem_ops - how the render worker gets at a guest resource's
 * pages (guest_mem.c, or a fake)
 * @map: map every page of @r (all attached) for the worker; set
 *	@r->map_offset. 0 or a negative errno.
 * @unmap: undo @map; the worker's own mapping keeps the grants mapped until
 *	it unmaps too.
 */
struct guest_mem_ops {
	int (*map)(void *ctx, struct guest_resource *r);
	void (*unmap)(void *ctx, struct guest_resource *r);
};

/**
 * struct engine_ops - where a guest's resources get their memory and host
 * resources their grants (the lending engine, engine.c, or a fake)
 * @create: back a new resource; 0 or a negative errno.
 * @destroy: release what @create made; everything lent is ended.
 * @grant: grant a page-aligned range of a host resource and write its grant
 *	references to @grefs; 0, or a negative errno (-EAGAIN: retry later).
 */
struct engine_ops {
	int (*create)(void *ctx, struct guest_resource *r);
	void (*destroy)(void *ctx, struct guest_resource *r);
	int (*grant)(void *ctx, struct guest_resource *r, uint64_t offset, uint64_t length,
		     bool write, uint32_t *grefs, uint64_t *seq);
};

/* --- render.c: renderer requests, through the guest's worker ------------ */

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

/* --- resources.c: a guest's table of resources -------------------------- */

/* Told that a resource the renderer has is about to be released. */
typedef void (*guest_forget_fn)(struct guest_state *g, uint32_t res_id);

struct guest_resource *guest_find_resource(struct guest_state *g, uint32_t res_id);
uint32_t guest_resource_check(struct guest_state *g, const struct xenlend_resource_create *c);
uint32_t guest_resource_add(struct guest_state *g, const struct xenlend_resource_create *c,
			    int fd, uint64_t fd_offset);
void guest_resource_release(struct guest_state *g, struct guest_resource *r);
void guest_release_all(struct guest_state *g, guest_forget_fn forget);

/* --- refusal.c: valid requests the broker refuses ----------------------- */

void guest_refused(struct guest_state *g, const struct xenlend_msg *req, uint32_t status);

/* --- render.c ------------------------------------------------------------ */


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

/* --- render_worker.c: the per-guest worker process --------------------- */

int render_sandbox_apply(void);

int render_worker_start(const char *path, const char *user, bool software, int domid,
			int gntdev_fd, int *pid);
void render_worker_stop(int fd, int pid);
void render_worker_reap(void);

/* --- revoke.c: a guest's queue of revocations (types) ------------------- */

/* Revocations tracked at once per guest. */
#define REVOKE_MAX_PENDING	64

/**
 * struct pending_revoke - a revocation the guest has not acknowledged yet
 * @res_id: resource.
 * @offset: start of the range.
 * @length: length of the range.
 * @seq: the lending engine's sequence number.
 * @earlier: also release every earlier sequence number (after lost events).
 * @evt_id: id of the REVOKE on the event ring; 0 while not sent yet.
 * @started: when the engine reported it (ms, monotonic).
 * @deadline: when it is released whether acknowledged or not.
 * @invalidated_ns: when dom0's MMU notifier revoked the range (ns,
 *	monotonic); 0 when unknown (after lost events).
 * @notifier_ns: what that notifier callback cost (ns).
 */
struct pending_revoke {
	uint32_t res_id;
	uint64_t offset;
	uint64_t length;
	uint64_t seq;
	bool earlier;
	uint64_t evt_id;
	uint64_t started;
	uint64_t deadline;
	uint64_t invalidated_ns;
	uint64_t notifier_ns;
};

/* --- conn.c: one guest's rings, grants and event channel --------------- */


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
 * @test_hooks: fill host resources with the test pattern.
 * @host_fd: lending engine file bound to @domid, or -1.
 * @gpu_fd: the GPU node host memory comes from, or -1 for memfds.
 * @revokes: revocations not yet acknowledged.
 * @nr_revokes: entries in @revokes.
 * @revoked_pages: pages released after revocation.
 * @quarantined_pages: of those, pages the guest still mapped.
 * @late_revokes: revocations released at their deadline.
 * @evict_why: set when the guest broke the lending contract; the event loop
 *	then disconnects it for good (guests_evict()).
 * @banned: disconnected by guests_evict(); never served again.
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
	bool test_hooks;
	int host_fd;
	int gpu_fd;
	struct pending_revoke revokes[REVOKE_MAX_PENDING];
	unsigned int nr_revokes;
	uint64_t revoked_pages;
	uint64_t quarantined_pages;
	uint64_t late_revokes;
	char evict_why[128];
	bool banned;
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

/* --- ring_put.c: messages onto a guest's rings ----------------------------- */

int ring_put_evt(struct conn *c, struct xenlend_msg *m, bool raw, uint64_t *id);
void ring_put_ctrl_rsp(void *arg, const struct xenlend_msg *rsp);

/* --- host_mem.c: the memory behind host resources ---------------------- */

int host_mem_open(const struct broker_config *cfg, int *gpu_fd);
void *host_mem_map(int gpu_fd, uint64_t size, void *at, const char *name, int *fd_out);
void *host_mem_map_fd(int fd, uint64_t offset, uint64_t size);
void host_mem_fill(void *map, uint64_t size, uint32_t res_id, uint32_t generation);

/* --- guest_mem.c: guest pages for the render worker --------------------- */

extern const struct guest_mem_ops guest_mem_ops;
int guest_mem_open(struct conn *c);
void guest_mem_close(struct conn *c);

/* --- engine.c: the broker's client of the lending engine ---------------- */

extern const struct engine_ops engine_ops;
int engine_open(struct conn *c);
void engine_close(struct conn *c);
void engine_check_quarantine(struct conn *c);
int engine_release(struct conn *c, uint64_t seq, bool earlier, uint64_t *released,
		   uint64_t *quarantined);
struct xenlend_host_event;
size_t engine_read_events(struct conn *c, struct xenlend_host_event *ev, size_t max);

/* --- revoke.c: a guest's queue of revocations --------------------------- */

void revoke_read_events(struct conn *c);
void revoke_send(struct conn *c);
bool revoke_done(struct conn *c, uint64_t evt_id, uint32_t status);
uint64_t revoke_expire(struct conn *c, uint64_t now);
void revoke_clear(struct conn *c);

/* --- xenstore.c: devices and watches ----------------------------------- */

/**
 * struct broker - the daemon
 * @cfg: configuration.
 * @xs: xenstore handle.
 * @own_domid: domain the broker runs in (the backend domain).
 * @epfd: epoll set.
 * @ctl_fd: control socket, or -1.
 * @test_hooks: accept test-only control commands.
 * @conns: served guests.
 */
struct broker {
	struct broker_config cfg;
	struct xs_handle *xs;
	int own_domid;
	int epfd;
	int ctl_fd;
	bool test_hooks;
	struct conn *conns;
};

/* epoll data of a guest's event channel: this bit, ORed with its domid. */
#define EPOLL_TAG_GUEST		(1ull << 63)
/* epoll data of a guest's lending engine file: this bit, ORed with its domid. */
#define EPOLL_TAG_HOST		(1ull << 62)
/* epoll data of a guest's render worker socket: this bit, ORed with its domid. */
#define EPOLL_TAG_RENDER	(1ull << 61)

int guests_open(struct broker *b);
void guests_close(struct broker *b);
void guests_scan(struct broker *b);
void guests_handle_watch(struct broker *b);
struct conn *guests_find(struct broker *b, int domid);
void guests_conn_failed(struct broker *b, struct conn *c, const char *why);
void guests_evict(struct broker *b, struct conn *c);
void guests_render_failed(struct broker *b, struct conn *c);

/* --- control.c: the local control socket -------------------------------- */

int control_open(struct broker *b);
void control_handle(struct broker *b);
void control_close(struct broker *b);

#endif /* XENLEND_BROKER_H */
