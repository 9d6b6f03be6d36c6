// SPDX-License-Identifier: GPL-2.0-only
/*
 * xenlend-broker: the broker's client of dom0's lending engine
 * (xenlend-host.ko), and how revocations reach the guest.
 *
 * Host resources are backed by memory the broker maps (a memfd or a GPU
 * buffer, see host_mem.c) and registered with the lending engine
 * (/dev/xenlend-host), one file per guest. FAULT grants come from the engine.
 * The engine's revocation events become REVOKE requests on the guest's event
 * ring; REVOKE_DONE, or the configured deadline, releases the grants.
 *
 * Copyright (c) 2026 The xenlend authors
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "broker.h"
#include "xenlend_host.h"

#define HOST_DEVICE "/dev/xenlend-host"

/* Disconnect a guest whose quarantined memory is over its quota. */
static void check_quarantine(struct conn *c)
{
	struct xenlend_host_stats s;
	uint64_t bytes;

	if (c->host_fd < 0 || ioctl(c->host_fd, XENLEND_HOST_IOC_STATS, &s))
		return;
	bytes = s.quarantine_held * XENLEND_PAGE_SIZE;
	if (bytes > c->cfg->max_quarantined_bytes && !c->evict_why[0])
		snprintf(c->evict_why, sizeof(c->evict_why),
			 "%" PRIu64 " KiB quarantined, quota %" PRIu64 " KiB", bytes >> 10,
			 c->cfg->max_quarantined_bytes >> 10);
}

/* Unmap a host resource's memory (which frees a GPU buffer) and close its memfd. */
static void drop_memory(struct guest_resource *r)
{
	munmap(r->map, r->size);
	if (r->fd >= 0)
		close(r->fd);
	r->map = NULL;
	r->fd = -1;
}

static int engine_create(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	struct xenlend_host_region reg = { 0 };
	char name[48];
	int err;

	if (r->kind != XENLEND_RES_HOST)
		return 0;
	if (c->host_fd < 0)
		return -EOPNOTSUPP;
	snprintf(name, sizeof(name), "xenlend-dom%d-res%u", c->domid, r->res_id);
	/* A renderer blob comes with its memory; the rest is ours to make. */
	if (r->fd >= 0)
		r->map = host_mem_map_fd(r->fd, r->fd_offset, r->size);
	else
		r->map = host_mem_map(c->gpu_fd, r->size, NULL, name, &r->fd);
	if (r->map == MAP_FAILED) {
		err = -errno;
		r->map = NULL;
		return err;
	}
	reg.uaddr = (uintptr_t)r->map;
	reg.size = r->size;
	reg.id = r->res_id;
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_ADD_REGION, &reg)) {
		err = -errno;
		drop_memory(r);
		return err;
	}
	if (c->test_hooks && !r->in_renderer)	/* a blob is the renderer's */
		host_mem_fill(r->map, r->size, r->res_id, r->generation);
	return 0;
}

static void engine_destroy(void *ctx, struct guest_resource *r)
{
	struct conn *c = ctx;
	uint32_t id = r->res_id;

	if (r->kind != XENLEND_RES_HOST || !r->map)
		return;
	/* Ends every grant; pages the guest still maps stay quarantined. */
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_REMOVE_REGION, &id))
		log_msg(LOG_WARN, "dom%d: remove region %u: %s", c->domid, id, strerror(errno));
	else if (c->connected)
		check_quarantine(c);	/* destroyed while the guest mapped it */
	drop_memory(r);
}

static int engine_grant(void *ctx, struct guest_resource *r, uint64_t offset, uint64_t length,
		      bool write, uint32_t *grefs, uint64_t *seq)
{
	struct conn *c = ctx;
	struct xenlend_host_grant g = {
		.id = r->res_id,
		.write = write,
		.offset = offset,
		.length = length,
		.grefs = (uintptr_t)grefs,
	};

	if (ioctl(c->host_fd, XENLEND_HOST_IOC_GRANT, &g))
		return -errno;
	*seq = g.seq;
	return 0;
}

const struct engine_ops engine_ops = {
	.create = engine_create,
	.destroy = engine_destroy,
	.grant = engine_grant,
};

/**
 * engine_open() - open and bind the lending engine for a guest
 * @c: the connection.
 *
 * Return: 0, or a negative errno (the guest then gets no host resources).
 */
int engine_open(struct conn *c)
{
	struct xenlend_host_bind b = { .domid = (uint32_t)c->domid };
	int err;

	err = host_mem_open(c->cfg, &c->gpu_fd);
	if (err)
		return err;

	c->host_fd = open(HOST_DEVICE, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (c->host_fd < 0) {
		log_msg(LOG_WARN, "dom%d: %s: %s; host resources disabled", c->domid,
			HOST_DEVICE, strerror(errno));
		return -errno;
	}
	if (ioctl(c->host_fd, XENLEND_HOST_IOC_BIND, &b)) {
		err = -errno;
		log_msg(LOG_ERR, "dom%d: bind lending engine: %s", c->domid, strerror(errno));
		close(c->host_fd);
		c->host_fd = -1;
		return err;
	}
	return 0;
}

/**
 * engine_close() - release every grant and close the engine
 * @c: the connection; its resources are already destroyed.
 */
void engine_close(struct conn *c)
{
	struct xenlend_host_stats s;

	if (c->gpu_fd >= 0)
		close(c->gpu_fd);
	c->gpu_fd = -1;
	if (c->host_fd < 0)
		return;
	if (!ioctl(c->host_fd, XENLEND_HOST_IOC_STATS, &s) && (s.granted || s.revoked))
		log_msg(LOG_WARN, "dom%d: %llu granted and %llu revoked pages left at close",
			c->domid, (unsigned long long)s.granted, (unsigned long long)s.revoked);
	close(c->host_fd);
	c->host_fd = -1;
	c->nr_revokes = 0;
}

static void release(struct conn *c, const struct pending_revoke *p, const char *why)
{
	struct xenlend_host_release rel = {
		.seq = p->seq,
		.flags = p->earlier ? XENLEND_HOST_RELEASE_EARLIER : 0,
	};
	char timing[80] = "";

	if (ioctl(c->host_fd, XENLEND_HOST_IOC_RELEASE, &rel)) {
		log_msg(LOG_ERR, "dom%d: release seq %" PRIu64 ": %s", c->domid, p->seq,
			strerror(errno));
		return;
	}
	c->revoked_pages += rel.released;
	c->quarantined_pages += rel.quarantined;
	if (p->invalidated_ns)
		snprintf(timing, sizeof(timing), " (%" PRIu64 " us from the invalidation, notifier %"
			 PRIu64 " ns)", (now_ns() - p->invalidated_ns) / 1000, p->notifier_ns);
	log_guest(c->domid, rel.quarantined ? LOG_WARN : LOG_DEBUG,
		  "revoke seq %" PRIu64 " %s after %" PRIu64 " ms%s: %llu pages released, %llu quarantined",
		  p->seq, why, now_ms() - p->started, timing, (unsigned long long)rel.released,
		  (unsigned long long)rel.quarantined);
	if (rel.quarantined)
		check_quarantine(c);
}

/* @ev: a REVOKE event, or NULL for an OVERFLOW's revocation of everything. */
static void queue_revoke(struct conn *c, uint32_t res_id, uint64_t offset, uint64_t length,
			 uint64_t seq, const struct xenlend_host_event *ev)
{
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
	};

	if (c->nr_revokes == CONN_MAX_REVOKES) {
		/* Cannot track it: release now; what is mapped is quarantined. */
		release(c, &p, "untracked");
		return;
	}
	c->revokes[c->nr_revokes++] = p;
}

static void drop_revoke(struct conn *c, unsigned int i)
{
	c->revokes[i] = c->revokes[--c->nr_revokes];
}

/**
 * lend_send_revokes() - put queued REVOKEs on the event ring, as space allows
 * @c: a connected connection.
 */
void lend_send_revokes(struct conn *c)
{
	for (unsigned int i = 0; i < c->nr_revokes; i++) {
		struct pending_revoke *p = &c->revokes[i];
		struct xenlend_msg m;

		if (p->evt_id)
			continue;
		xenlend_msg_init(&m, XENLEND_T_REVOKE, 0);
		m.u.revoke.res_id = p->res_id;
		m.u.revoke.offset = p->offset;
		m.u.revoke.length = p->length;
		m.u.revoke.seq = p->seq;
		if (ring_put_evt(c, &m, false, &p->evt_id))
			return;	/* ring full: retried on the next turn */
	}
}

/**
 * lend_revoke_done() - the guest answered a REVOKE
 * @c: the connection.
 * @evt_id: id of the REVOKE request.
 * @status: the guest's status (NOENT: it had nothing mapped).
 *
 * Return: true if @evt_id was a pending REVOKE.
 */
bool lend_revoke_done(struct conn *c, uint64_t evt_id, uint32_t status)
{
	for (unsigned int i = 0; i < c->nr_revokes; i++) {
		struct pending_revoke *p = &c->revokes[i];

		if (p->evt_id != evt_id)
			continue;
		release(c, p, status == XENLEND_S_OK ? "acknowledged" : "refused");
		drop_revoke(c, i);
		return true;
	}
	return false;
}

/**
 * lend_expire() - release revocations past their deadline
 * @c: the connection.
 * @now: current time in ms.
 *
 * A guest that missed a deadline gets @c->evict_why set: the event loop
 * disconnects it.
 *
 * Return: the earliest remaining deadline, or UINT64_MAX.
 */
uint64_t lend_expire(struct conn *c, uint64_t now)
{
	uint64_t next = UINT64_MAX;

	for (unsigned int i = 0; i < c->nr_revokes;) {
		struct pending_revoke *p = &c->revokes[i];

		if (p->deadline <= now) {
			release(c, p, "not acknowledged in time");
			c->late_revokes++;
			if (!c->evict_why[0])
				snprintf(c->evict_why, sizeof(c->evict_why),
					 "revocation seq %" PRIu64 " not acknowledged within %u ms",
					 p->seq, c->cfg->revoke_timeout_ms);
			drop_revoke(c, i);
			continue;
		}
		if (p->deadline < next)
			next = p->deadline;
		i++;
	}
	return next;
}

/**
 * lend_read_events() - turn the engine's events into REVOKEs
 * @c: the connection.
 */
void lend_read_events(struct conn *c)
{
	struct xenlend_host_event ev[16];
	ssize_t n;

	while ((n = read(c->host_fd, ev, sizeof(ev))) > 0) {
		for (size_t i = 0; i < (size_t)n / sizeof(ev[0]); i++) {
			if (ev[i].type == XENLEND_HOST_EV_REVOKE) {
				queue_revoke(c, ev[i].id, ev[i].offset, ev[i].length, ev[i].seq,
					     &ev[i]);
				continue;
			}
			/* Lost events: take back everything up to this point. */
			log_msg(LOG_WARN, "dom%d: revocation events lost, revoking all",
				c->domid);
			for (uint32_t j = 0; j < c->cfg->max_resources; j++) {
				struct guest_resource *r = &c->gs.resources[j];

				if (r->res_id && r->kind == XENLEND_RES_HOST)
					queue_revoke(c, r->res_id, 0, r->size, ev[i].seq, NULL);
			}
		}
	}
	lend_send_revokes(c);
}
